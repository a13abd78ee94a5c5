import ExcelJS from "exceljs"
import { parse } from "csv-parse/sync"
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Categories } from "../../src/Domain.js"
import { type CommuneManifest, generateCommune } from "../../samples/generators/Commune.js"

const fold = (s: string): string =>
  s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim()

const listFiles = async (dir: string): Promise<Array<string>> => {
  const out: Array<string> = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
  }
  return out.sort()
}

/** Every cell of every sheet as "sheet!row,col=value", so two workbooks can be compared exactly. */
const cellDump = async (file: string): Promise<Array<string>> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const out: Array<string> = []
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        const v = cell.value instanceof Date ? `D${cell.value.toISOString()}` : JSON.stringify(cell.value)
        out.push(`${ws.name}!${r},${c}=${v}|${cell.font?.name ?? ""}`)
      })
    })
  }
  return out
}

/** Name shown in a roster row (layouts A/E/F: column B; B: column B; C: column 3). */
const rosterName = async (root: string, ref: { file: string; sheet: string; row: number }, layout: string): Promise<string> => {
  const abs = path.join(root, "rosters", ...ref.file.split("/"))
  if (layout === "C") {
    const records = parse(await readFile(abs), { bom: true, relax_column_count: true }) as Array<Array<string>>
    return records[ref.row - 1]?.[2] ?? ""
  }
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(abs)
  const ws = wb.getWorksheet(ref.sheet)
  if (ws === undefined) throw new Error(`no sheet ${ref.sheet} in ${ref.file}`)
  return String(ws.getCell(ref.row, 2).value ?? "")
}

interface CentralRow {
  readonly id: string
  readonly name: string
  readonly birth: string
  readonly sex: string
  readonly cccd: string | null
  readonly card: string | null
  readonly admitted: string
  readonly official: string | null
}

const readCentral = async (file: string): Promise<Array<CentralRow>> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const ws = wb.getWorksheet("DangVien")!
  const rows: Array<CentralRow> = []
  const text = (v: ExcelJS.CellValue): string | null => (v === null || v === undefined ? null : String(v))
  ws.eachRow((row, r) => {
    if (r === 1) return
    const v = (c: number) => text(row.getCell(c).value)
    rows.push({
      id: v(1)!, name: v(2)!, birth: v(3)!, sex: v(4)!, cccd: v(6), card: v(7), admitted: v(8)!, official: v(9)
    })
  })
  return rows
}

describe("generateCommune", () => {
  let dirA = ""
  let dirB = ""
  let manifest: CommuneManifest
  let manifestB: CommuneManifest

  beforeAll(async () => {
    dirA = await mkdtemp(path.join(os.tmpdir(), "commune-a-"))
    dirB = await mkdtemp(path.join(os.tmpdir(), "commune-b-"))
    manifest = await generateCommune(dirA)
    manifestB = await generateCommune(dirB)
  }, 120_000)

  afterAll(async () => {
    await rm(dirA, { recursive: true, force: true })
    await rm(dirB, { recursive: true, force: true })
  })

  it("is deterministic: same file set, same planted.json, same cell values, same bytes", async () => {
    expect(manifestB).toEqual(manifest)
    const filesA = await listFiles(dirA)
    expect(await listFiles(dirB)).toEqual(filesA)
    expect(await readFile(path.join(dirB, "planted.json"), "utf8")).toBe(await readFile(path.join(dirA, "planted.json"), "utf8"))
    for (const f of filesA.filter((x) => x.endsWith(".xlsx"))) {
      expect(await cellDump(path.join(dirB, f)), f).toEqual(await cellDump(path.join(dirA, f)))
      // Zip timestamps are pinned, so the files are byte-identical too (stable in git).
      expect(Buffer.compare(await readFile(path.join(dirA, f)), await readFile(path.join(dirB, f))), f).toBe(0)
    }
    for (const f of filesA.filter((x) => x.endsWith(".csv"))) {
      expect(await readFile(path.join(dirB, f), "utf8")).toBe(await readFile(path.join(dirA, f), "utf8"))
    }
  })

  it("plants at least two cases per category and a 250–400 member commune", async () => {
    for (const c of Categories) expect(manifest.cases.filter((x) => x.category === c).length, c).toBeGreaterThanOrEqual(2)
    expect(manifest.memberCount).toBeGreaterThanOrEqual(250)
    expect(manifest.memberCount).toBeLessThanOrEqual(400)
    const central = await readCentral(path.join(dirA, "central.xlsx"))
    expect(central.length).toBe(manifest.memberCount)
    expect(new Set(central.map((m) => m.id)).size).toBe(central.length)
    expect(manifest.asOf).toBe("2026-10-31")
  })

  it("writes central identifiers that are well-formed and consistent with sex and birth year", async () => {
    const central = await readCentral(path.join(dirA, "central.xlsx"))
    for (const m of central) {
      expect(m.birth, m.id).toMatch(/^(\d{2}\/\d{2}\/\d{4}|\d{4})$/)
      const year = Number(m.birth.slice(-4))
      expect(2026 - year, m.id).toBeGreaterThanOrEqual(20)
      expect(2026 - year, m.id).toBeLessThanOrEqual(95)
      if (m.cccd !== null && m.cccd.length === 12) {
        const expectedDigit = (year >= 2000 ? 2 : 0) + (m.sex === "Nữ" ? 1 : 0)
        expect(m.cccd[3], m.id).toBe(String(expectedDigit))
        expect(m.cccd.slice(4, 6), m.id).toBe(String(year % 100).padStart(2, "0"))
      } else if (m.cccd !== null) expect(m.cccd, m.id).toMatch(/^\d{9}$/)
      // Card numbers keep their leading zeros; probationary members have neither card nor Ngày chính thức.
      if (m.card !== null) expect(m.card, m.id).toMatch(/^0\d{7}$/)
      if (m.official === null) expect(m.card, m.id).toBeNull()
      // A full member without a card is only ever a re-entered duplicate record.
      if (m.official !== null && m.card === null) {
        expect(manifest.cases.some((c) => c.category === "DUPLICATE_CENTRAL" && c.memberIds.includes(m.id)), m.id).toBe(true)
      }
    }
  })

  it("points every planted roster row at a row that shows the planted person", async () => {
    const central = new Map((await readCentral(path.join(dirA, "central.xlsx"))).map((m) => [m.id, m]))
    const allFolded = new Set([...central.values()].map((m) => fold(m.name)))
    const layoutOf = new Map(manifest.files.map((f) => [f.file, f.layout]))
    const entries = [
      ...manifest.cases.map((c) => ({ what: c.category, memberIds: c.memberIds, rows: c.rosterRows })),
      ...manifest.decoys.map((d) => ({ what: d.kind, memberIds: d.memberIds, rows: d.rosterRows }))
    ]
    let checked = 0
    for (const e of entries) {
      for (const ref of e.rows) {
        const layout = layoutOf.get(ref.file)
        expect(layout, ref.file).toBeDefined()
        if (layout === "D") continue // TCVN3 bytes; decoding belongs to Normalize/Encoding
        const shown = fold(await rosterName(dirA, ref, layout!))
        if (e.what === "NOT_IN_CENTRAL") expect(allFolded.has(shown), `${ref.file}:${ref.row}`).toBe(false)
        else expect(e.memberIds.map((id) => fold(central.get(id)!.name)), `${e.what} ${ref.file}:${ref.row}`).toContain(shown)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(30)
  })

  it("gives every cell except one an official roster, with the rows the manifest announces", async () => {
    const official = new Set(manifest.files.filter((f) => f.kind === "OFFICIAL").map((f) => f.unitCode))
    const cells = ["CB01", "CB02", "CB03", "CB04", "CB05", "CB06", "CB07", "CB08", "CB09", "CB10", "CB11", "CB12", "CB13"]
    expect(cells.filter((c) => !official.has(c))).toEqual([manifest.unitWithoutRoster])
    expect(new Set(manifest.files.map((f) => f.layout))).toEqual(new Set(["A", "B", "C", "D", "E", "F"]))
    for (const f of manifest.files.filter((x) => x.layout === "C")) {
      const bytes = await readFile(path.join(dirA, "rosters", ...f.file.split("/")))
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const records = parse(bytes, { bom: true }) as Array<Array<string>>
      expect(records.length - 1).toBe(f.dataRows)
      expect(records.slice(1).every((r) => r[0] === f.unitCode)).toBe(true)
    }
  })
})
