import ExcelJS from "exceljs"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect } from "effect"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { readCentral } from "../../src/Ingest/Central.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"
import { decodeVni } from "../../src/Normalize/Encoding.js"
import { upper } from "../../samples/generators/Commune.js"
import { buildProvince, generateProvince, provinceRecords, type ProvinceTruth } from "../../samples/generators/Province.js"
import { ERROR_RANGES } from "../../samples/generators/Clerks.js"
import { parse as parseCsv } from "csv-parse/sync"
import { decodeTcvn3 } from "../../src/Normalize/Encoding.js"

/** A written roster's data rows, read straight from the file (no ingestion): row number, name, all cells as text. */
const dataRows = async (file: string, layout: string): Promise<Array<{ row: number; name: string; cells: Array<string> }>> => {
  if (layout === "C") {
    const records = parseCsv((await readFile(file, "utf8")).replace(/^\uFEFF/, ""), { relax_column_count: true }) as Array<Array<string>>
    const nameCol = records[0]!.indexOf("Họ tên")
    return records.slice(1).map((cells, i) => ({ row: i + 2, name: cells[nameCol]!, cells }))
  }
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const ws = wb.worksheets[0]!
  const text = (c: ExcelJS.Cell): string => {
    const v = c.value === null || c.value === undefined ? "" : String(c.value)
    const font = c.font?.name ?? ""
    return font === "VNI-Times" ? decodeVni(v) : font.startsWith(".VnTime") ? decodeTcvn3(v, font === ".VnTimeH") : v
  }
  const out: Array<{ row: number; name: string; cells: Array<string> }> = []
  ws.eachRow((row, n) => {
    if (n >= 9 && typeof row.getCell(1).value === "number") {
      const cells: Array<string> = []
      row.eachCell((c) => cells.push(text(c)))
      out.push({ row: n, name: text(row.getCell(2)), cells })
    }
  })
  return out
}

const fold = (s: string): string =>
  s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim()

describe("buildProvince", () => {
  const model = buildProvince({ members: 3_000, seed: 5 })

  it("is deterministic for a seed and size, and differs across seeds", () => {
    const again = buildProvince({ members: 3_000, seed: 5 })
    expect(JSON.stringify(again.cases)).toBe(JSON.stringify(model.cases))
    expect(again.members.map((m) => m.id + m.family + m.given)).toEqual(model.members.map((m) => m.id + m.family + m.given))
    expect(buildProvince({ members: 3_000, seed: 6 }).members[0]!.given + buildProvince({ members: 3_000, seed: 6 }).members[1]!.given).not.toBe(
      model.members[0]!.given + model.members[1]!.given
    )
  })

  it("has ~25 members per cell, unique ids, CCCDs consistent with sex and birth year", () => {
    const cells = model.units.filter((u) => u.code.startsWith("CB"))
    const active = model.members.filter((m) => m.status === "ACTIVE").length
    expect(active / cells.length).toBeGreaterThan(20)
    expect(active / cells.length).toBeLessThan(32)
    expect(new Set(model.members.map((m) => m.id)).size).toBe(model.members.length)
    for (const m of model.members) {
      if (m.cccd === null || m.cccd.length !== 12) continue
      const century = m.birth.y >= 2000 ? (m.sex === "M" ? "2" : "3") : m.sex === "M" ? "0" : "1"
      expect(m.cccd.slice(3, 6)).toBe(`${century}${String(m.birth.y % 100).padStart(2, "0")}`)
    }
  })

  it("draws surnames by national frequency (Nguyễn about a third) and Văn/Thị for older members", () => {
    const share = model.members.filter((m) => m.family === "Nguyễn").length / model.members.length
    expect(share).toBeGreaterThan(0.28)
    expect(share).toBeLessThan(0.42)
    const oldMen = model.members.filter((m) => m.sex === "M" && m.birth.y < 1960)
    expect(oldMen.filter((m) => m.middle === "Văn").length / oldMen.length).toBeGreaterThan(0.4)
  })

  it("plants every category, hard negatives, and realistic errors on roster rows", () => {
    const cats = new Set(model.cases.map((c) => c.category))
    // Day/month swaps are planted as FIELD_MISMATCH marked `correction` (evaluate expects them as corrections when a run records them),
    // and every correction a run should record as DATA_CORRECTION; cells without any list as ROSTER_NOT_SUBMITTED.
    expect([...cats].sort()).toEqual([
      "DATA_CORRECTION", "DUPLICATE_CENTRAL", "DUPLICATE_ROSTER", "FIELD_MISMATCH", "MISSING_FROM_ROSTER", "NOT_IN_CENTRAL",
      "ROSTER_NOT_SUBMITTED", "STATUS_CONFLICT", "TRANSFER_OVERDUE", "UNREPORTED_TRANSFER"
    ])
    expect(model.cases.some((c) => c.category === "FIELD_MISMATCH" && c.correction === true)).toBe(true)
    const kinds = new Set(model.decoys.map((d) => d.kind))
    expect([...kinds].sort()).toEqual([
      "NAMESAKE_SAME_BIRTH_DATE",
      "NAMESAKE_SAME_BIRTH_YEAR_SAME_COMMUNE",
      "PENDING_TRANSFER_IN_WINDOW",
      "RESIDENCE_213",
      "TEMPORARY_WITH_TRANSFER",
      "TWIN"
    ])
    for (const d of model.decoys.filter((x) => x.kind === "NAMESAKE_SAME_BIRTH_YEAR_SAME_COMMUNE")) {
      const [a, b] = d.memberIds.map((id) => model.members.find((m) => m.id === id)!)
      expect(fold(`${a!.family} ${a!.middle} ${a!.given}`)).toBe(fold(`${b!.family} ${b!.middle} ${b!.given}`))
      expect(a!.birth.y).toBe(b!.birth.y)
      if (a!.cccd !== null) expect(a!.cccd).not.toBe(b!.cccd)
      expect(a!.id).not.toBe(b!.id)
    }
    const noise = new Set(model.files.flatMap((f) => f.rows.flatMap((r) => r.noise)))
    for (const n of ["noDiacritics", "newTone", "typo", "dropMiddle", "missingCccd", "missingCard", "yearOnlyBirth", "birthTypo", "swappedDayMonth"]) {
      expect(noise).toContain(n)
    }
    expect(new Set(model.files.map((f) => f.layout))).toEqual(new Set(["A", "B", "C", "D", "V"]))
  })

  it("draws every file's error rates from the ranges, so they differ across files and seeds", () => {
    const typoRates = model.files.map((f) => f.clerk.typo)
    expect(new Set(typoRates).size).toBeGreaterThan(model.files.length / 3)
    for (const f of model.files) {
      for (const [k, [lo, hi]] of Object.entries(ERROR_RANGES)) {
        const v = f.clerk[k as keyof typeof ERROR_RANGES]
        expect(v).toBeGreaterThanOrEqual(lo)
        expect(v).toBeLessThanOrEqual(hi)
      }
    }
    const other = buildProvince({ members: 3_000, seed: 6 })
    expect(other.habits).not.toEqual(model.habits)
    const share = (m: typeof model, n: string) => {
      const rows = m.files.flatMap((f) => f.rows)
      return rows.filter((r) => r.noise.includes(n)).length / rows.length
    }
    expect(share(other, "noDiacritics")).not.toBe(share(model, "noDiacritics"))
    // Some records carry two or three errors at once; one with both name and birth date damaged keeps
    // an identifier (when the member has one) and its admission date.
    const rows = model.files.flatMap((f) => f.rows)
    expect(rows.filter((r) => r.noise.length >= 3).length).toBeGreaterThan(10)
    const both = rows.filter((r) => r.memberId !== null && r.noise.some((n) => ["typo", "dropMiddle", "nameInUse"].includes(n)) && r.noise.some((n) => ["yearOnlyBirth", "birthTypo"].includes(n)))
    expect(both.length).toBeGreaterThan(3)
    for (const r of both) {
      const m = memberOf(r.memberId!)
      if (m.cccd !== null || m.cardNo !== null) expect(r.cccd !== null || r.cardNo !== null).toBe(true)
      expect(r.noise).not.toContain("admittedShift")
    }
  })

  it("plants moves across communes typed with errors, and records them", () => {
    const parentOf = (code: string) => unitOf(code).parentCode
    const moves = model.cases.filter((c) => c.category === "UNREPORTED_TRANSFER" && c.moveWithErrors !== undefined)
    expect(moves.length).toBeGreaterThanOrEqual(5)
    expect(moves.filter((c) => c.acrossCommunes).length).toBeGreaterThan(moves.length / 3)
    for (const c of moves) {
      const m = memberOf(c.memberIds[0]!)
      const { file, row } = rowAt(c.rosterRows[0]!)
      expect(parentOf(file.unitCode) !== parentOf(m.unit)).toBe(c.acrossCommunes)
      if (c.moveWithErrors) expect(row.noise.some((n) => ["typo", "dropMiddle", "noDiacritics"].includes(n))).toBe(true)
      expect(row.noise).toEqual(c.noise ?? [])
    }
    expect(moves.some((c) => c.moveWithErrors)).toBe(true)
  })

  it("expects a FIELD_MISMATCH for every birth date a clerk mistyped, a correction for a plain swap", () => {
    const implied = model.cases.filter((c) => c.category === "FIELD_MISMATCH" && c.note.startsWith("The clerk typed"))
    expect(implied.length).toBeGreaterThan(5)
    for (const c of implied) {
      const m = memberOf(c.memberIds[0]!)
      const { row } = rowAt(c.rosterRows[0]!)
      expect(row.birth.d === m.birth.d && row.birth.m === m.birth.m).toBe(false)
      expect(c.correction === true).toBe(row.noise.includes("swappedDayMonth") && !row.noise.includes("birthTypo"))
    }
    // And no mistyped date of an active member goes without one.
    const cited = new Set(model.cases.flatMap((c) => c.rosterRows.map((r) => `${r.file}|${r.row}`)))
    for (const f of model.files) {
      for (const r of f.rows) {
        const m = r.memberId === null ? undefined : memberOf(r.memberId)
        if (m === undefined || m.status !== "ACTIVE" || m.birthYearOnly || r.unreadable.length > 0 || !r.noise.includes("birthTypo")) continue
        expect(cited.has(`${f.file}|${r.row}`)).toBe(true)
      }
    }
  })

  it("reads a birth date typed month-first (12/14/1957) as a date, and plants what it implies", () => {
    const rows = model.files.flatMap((f) => f.rows.map((r) => ({ f, r }))).filter(({ r }) => r.noise.includes("birthMonthFirst"))
    expect(rows.length).toBeGreaterThan(0)
    const cited = (category: string, f: { file: string }, r: { row: number }) =>
      model.cases.some((c) => c.category === category && c.rosterRows.some((x) => x.file === f.file && x.row === r.row))
    for (const { f, r } of rows) {
      expect(r.unreadable).toEqual([])
      expect(r.raw.birth).toBe(`12/${r.birth.d}/${r.birth.y}`)
      expect(r.birth.m).toBe(12)
      const m = memberOf(r.memberId!)
      // Against a full date: a FIELD_MISMATCH unless it is the same date; against a year only: a correction.
      if (m.birthYearOnly) expect(cited("DATA_CORRECTION", f, r)).toBe(true)
      else expect(cited("FIELD_MISMATCH", f, r)).toBe(m.birth.m !== 12 || m.birth.d !== r.birth.d)
    }
  })

  it("plants the corrections the rules record: year-only and swapped dates, names without diacritics, one per member, cell, field and value", () => {
    const corrections = model.cases.filter((c) => c.category === "DATA_CORRECTION")
    const fieldOf = (f: { file: string }, r: { row: number }, field: string) =>
      corrections.some((c) => c.field === field && c.rosterRows.some((x) => x.file === f.file && x.row === r.row))
    let yearOnly = 0
    let unmarked = 0
    for (const f of model.files) {
      for (const r of f.rows) {
        if (r.memberId === null) continue
        const m = memberOf(r.memberId)
        const onlyYear = r.noise.includes("yearOnlyBirth") && !m.birthYearOnly && r.unreadable.length === 0 && !r.noise.includes("birthMonthFirst")
        if (onlyYear) {
          yearOnly++
          expect(fieldOf(f, r, "Ngày sinh"), `${f.file}:${r.row}`).toBe(true)
        }
        // A name with all its marks dropped and nothing else changed is the same name unmarked.
        const nameNoise = r.noise.filter((n) => ["typo", "dropMiddle", "nameInUse", "regionalSurname", "iy", "missingSpace"].includes(n))
        if (r.noise.includes("noDiacritics") && nameNoise.length === 0) {
          unmarked++
          expect(fieldOf(f, r, "Họ và tên"), `${f.file}:${r.row}`).toBe(true)
        }
        // Tone placement and capitals alone are no difference.
        if (r.noise.every((n) => n === "newTone") && r.unreadable.length === 0) expect(fieldOf(f, r, "Họ và tên")).toBe(false)
      }
    }
    expect([yearOnly > 5, unmarked > 5]).toEqual([true, true])
    const keys = corrections.map((c) => JSON.stringify([c.memberIds, c.unitCode, c.field, c.note]))
    expect(new Set(keys).size).toBe(keys.length)
  })

  it("plants cells that send no list: no file of theirs, one ROSTER_NOT_SUBMITTED naming their active members", () => {
    const cases = model.cases.filter((c) => c.category === "ROSTER_NOT_SUBMITTED")
    expect(cases.length).toBeGreaterThanOrEqual(2)
    for (const c of cases) {
      expect(model.files.some((f) => f.unitCode === c.unitCode)).toBe(false)
      const active = model.members.filter((m) => m.unit === c.unitCode && m.status === "ACTIVE").map((m) => m.id).sort()
      expect(c.memberIds).toEqual(active)
      expect(c.rosterRows).toEqual([])
      // No other planted case or decoy rests on that cell or its members.
      expect(model.cases.filter((x) => x !== c && (x.unitCode === c.unitCode || x.memberIds.some((id) => active.includes(id))))).toEqual([])
      expect(model.decoys.some((d) => d.memberIds.some((id) => active.includes(id)))).toBe(false)
    }
    // Every other cell sends its official list.
    const sent = new Set(model.files.filter((f) => f.kind === "OFFICIAL").map((f) => f.unitCode))
    const cells = model.units.filter((u) => u.code.startsWith("CB")).map((u) => u.code)
    expect(cells.filter((c) => !sent.has(c)).sort()).toEqual(cases.map((c) => c.unitCode).sort())
  })

  it("plants namesakes born the same day: same name, sex and date, another person", () => {
    const decoys = model.decoys.filter((d) => d.kind === "NAMESAKE_SAME_BIRTH_DATE")
    expect(decoys.length).toBeGreaterThanOrEqual(2)
    for (const d of decoys) {
      const [a, b] = d.memberIds.map(memberOf)
      expect(fold(`${a!.family} ${a!.middle} ${a!.given}`)).toBe(fold(`${b!.family} ${b!.middle} ${b!.given}`))
      expect([a!.birth, a!.sex]).toEqual([b!.birth, b!.sex])
      if (a!.cardNo !== null) expect(a!.cardNo).not.toBe(b!.cardNo)
    }
  })

  it("names files as clerks do, in folders per đảng bộ, and writes some rows with one unreadable field", () => {
    expect(new Set(model.files.map((f) => f.naming)).size).toBeGreaterThanOrEqual(9)
    expect(model.files.some((f) => /^CB\d{6}_/.test(path.basename(f.file)))).toBe(true)
    expect(model.files.some((f) => /^CB\d{6} - /.test(path.basename(f.file)))).toBe(true)
    for (const f of model.files) {
      if (f.kind !== "OFFICIAL") expect(fold(path.basename(f.file)).replace(/_/g, " ")).toMatch(/213|tam thoi|noi cu tru/)
      expect(f.file.split("/")).toHaveLength(2)
    }
    const bad = model.files.flatMap((f) => f.rows).filter((r) => r.unreadable.length > 0)
    expect(bad.length).toBeGreaterThan(0)
    for (const r of bad) expect(r.raw[r.unreadable[0]!]).toBeDefined()
  })

  const rowAt = (ref: { file: string; row: number }) => {
    const f = model.files.find((x) => x.file === ref.file)!
    return { file: f, row: f.rows.find((r) => r.row === ref.row)! }
  }
  const memberOf = (id: string) => model.members.find((m) => m.id === id)!
  const unitOf = (code: string) => model.units.find((u) => u.code === code)!

  it("lists workplace-cell members on 213 lists of a residential cell of their commune, and on their own list", () => {
    const decoys = model.decoys.filter((d) => d.kind === "RESIDENCE_213")
    const workplaceMembers = model.members.filter((m) => m.status === "ACTIVE" && !unitOf(m.unit).name.startsWith("Chi bộ thôn") && !unitOf(m.unit).name.startsWith("Chi bộ Khu"))
    // A low rate: a few percent of all members, at most a fifth of the workplace cells' members.
    expect(decoys.length).toBeGreaterThan(workplaceMembers.length * 0.08)
    expect(decoys.length).toBeLessThan(workplaceMembers.length * 0.25)
    for (const d of decoys) {
      const m = memberOf(d.memberIds[0]!)
      expect(d.rosterRows).toHaveLength(1)
      const { file, row } = rowAt(d.rosterRows![0]!)
      expect(file.kind).toBe("RESIDENCE_213")
      expect(row.memberId).toBe(m.id)
      const host = unitOf(file.unitCode)
      expect(host.name).toMatch(/^Chi bộ (thôn|Khu dân cư)/)
      expect(host.parentCode).toBe(unitOf(m.unit).parentCode)
      // Still listed officially at home.
      const home = model.files.filter((f) => f.kind === "OFFICIAL" && f.unitCode === m.unit)
      expect(home.flatMap((f) => f.rows).some((r) => r.memberId === m.id)).toBe(true)
      // Not part of a planted finding, beyond what a clerk's typing on one of its rows implies (a date, a name to correct).
      const implied = (c: (typeof model.cases)[number]) => c.category === "DATA_CORRECTION" || c.note.startsWith("The clerk typed")
      expect(model.cases.some((c) => c.memberIds.includes(m.id) && !implied(c))).toBe(false)
    }
    // A CSV list has no title: its kind is in its name.
    for (const f of model.files.filter((x) => x.kind !== "OFFICIAL" && x.layout === "C")) expect(fold(f.file).replace(/_/g, " ")).toMatch(/213|tam thoi|noi cu tru/)
  })

  it("backs every temporary listing decoy with a received Tạm thời transfer in force, and plants some without one", () => {
    const decoys = model.decoys.filter((d) => d.kind === "TEMPORARY_WITH_TRANSFER")
    expect(decoys.length).toBeGreaterThanOrEqual(9)
    for (const d of decoys) {
      const m = memberOf(d.memberIds[0]!)
      const { file, row } = rowAt(d.rosterRows![0]!)
      expect([file.kind, row.memberId]).toEqual(["TEMPORARY", m.id])
      const t = model.transfers.filter((x) => x.memberId === m.id && x.kind === "Tạm thời")
      expect(t).toHaveLength(1)
      expect([t[0]!.from, t[0]!.to]).toEqual([m.unit, file.unitCode])
      expect(t[0]!.received).not.toBeNull()
      expect(`${t[0]!.introduced.y}-${String(t[0]!.introduced.m).padStart(2, "0")}` <= "2026-10").toBe(true)
      expect(t[0]!.introduced.y * 12 + t[0]!.introduced.m).toBeGreaterThan(2026 * 12 + 10 - 24)
    }
    const without = model.cases.filter(
      (c) => c.category === "UNREPORTED_TRANSFER" && c.rosterRows.some((r) => rowAt(r).file.kind === "TEMPORARY")
    )
    expect(without.length).toBeGreaterThanOrEqual(2)
    for (const c of without) expect(model.transfers.some((t) => t.memberId === c.memberIds[0])).toBe(false)
  })

  it("types a few cells' official lists in VNI-Windows (VNI-Times)", () => {
    const vni = model.files.filter((f) => f.layout === "V")
    expect(vni.length).toBeGreaterThan(0)
    expect(vni.length / model.files.length).toBeLessThan(0.12)
  })

  it("gives the records of 213 and temporary lists their list's kind", () => {
    const recs = provinceRecords(model)
    const kinds = new Set(recs.rows.map((r) => r.kind))
    expect(kinds).toEqual(new Set(["OFFICIAL", "RESIDENCE_213", "TEMPORARY"]))
  })

  it("gives the in-memory records the truth of every roster row", () => {
    const recs = provinceRecords(model)
    expect(recs.rows.length).toBe(model.files.reduce((a, f) => a + f.rows.length, 0))
    const ids = new Set(recs.central.members.map((m) => m.id))
    for (const t of recs.truth) if (t !== null) expect(ids.has(t)).toBe(true)
    expect(recs.truth.filter((t) => t === null).length).toBe(model.cases.filter((c) => c.category === "NOT_IN_CENTRAL").length)
  })
})

describe("generateProvince (files)", () => {
  let dir = ""
  let truth: ProvinceTruth
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "recon-province-"))
    truth = await generateProvince({ members: 600, seed: 11, out: dir })
  }, 120_000)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("writes truth.json with one line per roster row and the planted cases", async () => {
    const onDisk = JSON.parse(await readFile(path.join(dir, "truth.json"), "utf8")) as ProvinceTruth
    expect(onDisk.rows.length).toBe(truth.rows.length)
    expect(onDisk.cases.length).toBeGreaterThanOrEqual(16)
    for (const c of onDisk.cases) expect(Object.keys(c)).toEqual(expect.arrayContaining(["category", "memberIds", "unitCode", "rosterRows", "note"]))
  })

  it("writes central.xlsx in the central contract, readable by the central ingestion", async () => {
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, "central.xlsx"))
    expect(wb.worksheets.map((w) => w.name)).toEqual(["DangVien", "ChiBo", "ChuyenSinhHoat"])
    const central = await Effect.runPromise(readCentral(path.join(dir, "central.xlsx")).pipe(Effect.provide(NodeContext.layer)))
    expect(central.rejections).toEqual([])
    expect(central.data.members.length).toBe(truth.centralRecords)
  })

  it("writes roster files whose every resolved list ingestion reads whole, with its kind", async () => {
    const central = await Effect.runPromise(readCentral(path.join(dir, "central.xlsx")))
    const rosters = await Effect.runPromise(ingestRosters(path.join(dir, "rosters"), central.data.units))
    expect(rosters.files.length).toBe(truth.rosterFiles)
    const truthFile = new Map(truth.files.map((f) => [f.file, f]))
    // Resolution is the ingestion's business (issue 9); whatever it resolves must be right and read whole.
    for (const f of rosters.files.filter((x) => x.unitCode !== null && x.error === null)) {
      const t = truthFile.get(f.file)!
      expect([f.file, f.unitCode, f.rowsRead]).toEqual([t.file, t.unitCode, t.rows])
      // The kind is in the title, or for a CSV file in its name (a file without title rows says it in its name only).
      if (t.titleRows || t.kind === "OFFICIAL" || f.file.endsWith(".csv")) expect([f.file, f.kind]).toEqual([t.file, t.kind])
    }
    // VNI files: the names read back are the names written (as Unicode).
    const model = buildProvince({ members: 600, seed: 11 })
    const read = new Set(rosters.files.filter((f) => f.unitCode !== null && f.error === null).map((f) => f.file))
    for (const f of model.files.filter((x) => x.layout === "V" && read.has(x.file))) {
      const rows = rosters.rows.filter((r) => r.file === f.file)
      expect(rows.map((r) => r.row)).toEqual(f.rows.filter((r) => r.unreadable.length === 0 || r.unreadable[0] !== "birth").map((r) => r.row))
      const squeeze = (x: string) => fold(x).replace(/ /g, "")
      rows.forEach((r) => expect(squeeze(r.name.display ?? "")).toBe(squeeze(f.rows.find((x) => x.row === r.row)!.name)))
    }
  }, 60_000)

  it("writes every roster row truth.json lists, and no other, with the name and unreadable values the model holds", async () => {
    const model = buildProvince({ members: 600, seed: 11 })
    const truthRows = new Map<string, Array<number>>()
    for (const r of truth.rows) truthRows.set(r.file, [...(truthRows.get(r.file) ?? []), r.row])
    expect(truth.files.map((f) => f.file).sort()).toEqual([...truthRows.keys()].sort())
    for (const f of model.files) {
      const written = await dataRows(path.join(dir, "rosters", ...f.file.split("/")), f.layout)
      expect([f.file, written.map((w) => w.row)]).toEqual([f.file, truthRows.get(f.file)])
      written.forEach((w, i) => {
        const r = f.rows[i]!
        expect(fold(w.name)).toBe(fold(f.capitals ? upper(r.name) : r.name))
        if (r.raw.birth !== undefined) expect(w.cells).toContain(r.raw.birth)
        if (r.raw.cccd !== undefined) expect(w.cells).toContain(r.raw.cccd)
      })
    }
    // Every row is a member's or a planted NOT_IN_CENTRAL row; every member id is in central.xlsx.
    const ids = new Set(model.members.map((m) => m.id))
    const ghosts = new Set(truth.cases.filter((c) => c.category === "NOT_IN_CENTRAL").flatMap((c) => c.rosterRows.map((r) => `${r.file}|${r.row}`)))
    for (const r of truth.rows) expect(r.memberId === null ? ghosts.has(`${r.file}|${r.row}`) : ids.has(r.memberId)).toBe(true)
  }, 60_000)

  it("writes the VNI files' cells in VNI-Times with VNI bytes", async () => {
    const model = buildProvince({ members: 600, seed: 11 })
    const f = model.files.find((x) => x.layout === "V")!
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(dir, "rosters", ...f.file.split("/")))
    const cell = wb.worksheets[0]!.getCell(f.rows[0]!.row, 2)
    expect(cell.font?.name).toBe("VNI-Times")
    expect(decodeVni(String(cell.value))).toBe(f.capitals ? upper(f.rows[0]!.name) : f.rows[0]!.name)
  })
})
