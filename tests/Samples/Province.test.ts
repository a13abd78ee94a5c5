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
    expect(cats.size).toBe(8)
    const kinds = new Set(model.decoys.map((d) => d.kind))
    expect([...kinds].sort()).toEqual([
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
    for (const n of ["noDiacritics", "newTone", "typo", "missingCccd", "missingCard", "yearOnlyBirth"]) expect(noise).toContain(n)
    expect(new Set(model.files.map((f) => f.layout))).toEqual(new Set(["A", "B", "C", "D", "V"]))
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
      // Not part of a planted finding.
      expect(model.cases.some((c) => c.memberIds.includes(m.id))).toBe(false)
    }
    for (const f of model.files.filter((x) => x.kind !== "OFFICIAL")) expect(f.layout).not.toBe("C")
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

  it("writes roster files that ingestion reads completely, every row resolved to its cell", async () => {
    const central = await Effect.runPromise(readCentral(path.join(dir, "central.xlsx")))
    const rosters = await Effect.runPromise(ingestRosters(path.join(dir, "rosters"), central.data.units))
    expect(rosters.files.filter((f) => f.error !== null)).toEqual([])
    expect(rosters.files.length).toBe(truth.rosterFiles)
    expect(rosters.rows.length).toBe(truth.rows.length)
    const rowKey = (r: { file: string; row: number }) => `${r.file}|${r.row}`
    const ingested = new Set(rosters.rows.map(rowKey))
    for (const t of truth.rows) expect(ingested.has(rowKey(t))).toBe(true)
    // Each list's kind is read from its title, whatever the layout or font.
    const kindOf = new Map(rosters.files.map((f) => [f.file, f.kind]))
    for (const d of truth.decoys.filter((x) => x.kind === "RESIDENCE_213" || x.kind === "TEMPORARY_WITH_TRANSFER")) {
      expect(kindOf.get(d.rosterRows![0]!.file)).toBe(d.kind === "RESIDENCE_213" ? "RESIDENCE_213" : "TEMPORARY")
    }
    // VNI files: the names read back are the names written (as Unicode).
    const vniFiles = rosters.files.filter((f) => f.file.endsWith("(VNI).xlsx"))
    expect(vniFiles.length).toBeGreaterThan(0)
    const model = buildProvince({ members: 600, seed: 11 })
    for (const f of model.files.filter((x) => x.layout === "V")) {
      const read = rosters.rows.filter((r) => r.file === f.file)
      expect(read.map((r) => r.row)).toEqual(f.rows.map((r) => r.row))
      read.forEach((r, i) => expect(fold(r.name.display ?? "")).toBe(fold(f.rows[i]!.name)))
    }
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
