import Database from "better-sqlite3"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CentralIngest } from "../../src/Ingest/Central.js"
import { readCentral } from "../../src/Ingest/Central.js"
import { crossProvinceMetrics, evaluate, provinceOfMember, type PlantedLike } from "../../src/Evaluate/Evaluate.js"
import { generateNational, type NationalResult, PROVINCES_2025 } from "../../samples/generators/National.js"

const sha = async (file: string) => createHash("sha256").update(await readFile(file)).digest("hex")

describe("generateNational (3 provinces, 2,000 members)", () => {
  let dir: string
  let r: NationalResult
  const central = new Map<string, CentralIngest>()

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "recon-national-"))
    r = await generateNational({ members: 2_000, provinces: 3, rosterProvince: "037", seed: 7, out: path.join(dir, "a") })
    for (const e of r.exports) central.set(e.code, await Effect.runPromise(readCentral(path.join(dir, "a", e.file), { asOf: "2026-10-31" })))
  }, 120_000)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it("writes one export per province that the central reader accepts whole, with the province in central_meta", () => {
    expect(r.exports.map((e) => e.code)).toEqual(["037", "001", "046"])
    for (const e of r.exports) {
      const c = central.get(e.code)!
      expect(c.rejections).toEqual([])
      expect(c.summary.rowsRead).toBe(e.members + e.units + e.transfers)
      expect(c.data.members.length).toBe(e.members)
      const db = new Database(path.join(dir, "a", e.file), { readonly: true })
      const meta = Object.fromEntries((db.prepare("SELECT key, value FROM central_meta").all() as Array<{ key: string; value: string }>).map((x) => [x.key, x.value]))
      db.close()
      expect(meta.province_code).toBe(e.code)
      expect(meta.province_name).toBe(PROVINCES_2025.find((p) => p.code === e.code)!.name)
      expect(meta.schema_version).toBe("1")
    }
    expect(r.centralRecords).toBe(r.exports.reduce((a, e) => a + e.members, 0))
    // About the members asked for, plus ~4 % inactive records and the planted ones.
    expect(r.centralRecords).toBeGreaterThan(2_000)
    expect(r.centralRecords).toBeLessThan(2_300)
  })

  it("gives each province a unit tree province → đảng bộ → cells, every member in a cell of it, codes and ids unique nationally", () => {
    const allCodes = new Set<string>()
    const allIds = new Set<string>()
    for (const e of r.exports) {
      const { units, members } = central.get(e.code)!.data
      const roots = units.filter((u) => u.parentCode === null)
      expect(roots.length).toBe(1)
      expect(roots[0]!.name).toContain(PROVINCES_2025.find((p) => p.code === e.code)!.name)
      const communes = units.filter((u) => u.parentCode === roots[0]!.code)
      const communeCodes = new Set(communes.map((u) => u.code))
      const cells = units.filter((u) => u.parentCode !== null && communeCodes.has(u.parentCode))
      expect(communes.length + cells.length + 1).toBe(units.length)
      expect(cells.length).toBeGreaterThan(communes.length)
      const cellCodes = new Set(cells.map((u) => u.code))
      for (const m of members) expect(cellCodes.has(m.unitCode)).toBe(true)
      for (const u of units) {
        expect(allCodes.has(u.code)).toBe(false)
        allCodes.add(u.code)
      }
      for (const m of members) {
        expect(allIds.has(m.id)).toBe(false)
        allIds.add(m.id)
        expect(provinceOfMember(r.truth.national, m.id)).toBe(e.code)
      }
    }
  })

  it("plants moves in from other provinces: listed on the roster province's lists, the record ACTIVE in another province, no transfer on record", () => {
    const moves = r.truth.cases.filter((c) => c.category === "UNREPORTED_TRANSFER" && c.crossProvince !== undefined)
    expect(moves.length).toBeGreaterThanOrEqual(2)
    const rowOf = new Map(r.truth.rows.map((x) => [`${x.file}|${x.row}`, x]))
    for (const c of moves) {
      const id = c.memberIds[0]!
      const home = c.crossProvince!.from
      expect(home).not.toBe("037")
      expect(c.crossProvince!.to).toBe("037")
      const there = central.get(home)!.data
      const m = there.members.find((x) => x.id === id)!
      expect(m.status).toBe("ACTIVE")
      expect(central.get("037")!.data.members.some((x) => x.id === id)).toBe(false)
      for (const e of r.exports) expect(central.get(e.code)!.data.transfers.some((t) => t.memberId === id)).toBe(false)
      expect(c.rosterRows.length).toBe(1)
      const row = rowOf.get(`${c.rosterRows[0]!.file}|${c.rosterRows[0]!.row}`)!
      expect(row.memberId).toBe(id)
      expect(row.move).toBe("otherProvince")
      expect(c.unitCode.startsWith("CB")).toBe(true)
    }
    // Some typed with the harder errors of a clerk who never saw the record.
    expect(moves.some((c) => c.moveWithErrors === true && (c.noise ?? []).length > 0)).toBe(true)
  })

  it("plants moves out (left off the roster province's lists) and namesakes born the same day in other provinces", () => {
    const listed = new Set(r.truth.rows.map((x) => x.memberId))
    const out = r.truth.cases.filter((c) => c.category === "MISSING_FROM_ROSTER" && c.crossProvince !== undefined)
    expect(out.length).toBeGreaterThanOrEqual(2)
    for (const c of out) {
      expect(c.crossProvince!.from).toBe("037")
      expect(listed.has(c.memberIds[0]!)).toBe(false)
      expect(provinceOfMember(r.truth.national, c.memberIds[0]!)).toBe("037")
    }
    const decoys = r.truth.decoys.filter((d) => d.kind === "NAMESAKE_SAME_BIRTH_DATE_OTHER_PROVINCE")
    expect(decoys.length).toBeGreaterThanOrEqual(2)
    const byId = new Map([...central.values()].flatMap((c) => c.data.members.map((m) => [m.id, m] as const)))
    for (const d of decoys) {
      const [a, b] = d.memberIds.map((id) => byId.get(id)!)
      expect(provinceOfMember(r.truth.national, a!.id)).not.toBe(provinceOfMember(r.truth.national, b!.id))
      expect(a!.name.key).toBe(b!.name.key)
      expect(a!.birth).toEqual(b!.birth)
      expect(a!.sex).toBe(b!.sex)
      expect(a!.cccd === null || a!.cccd !== b!.cccd).toBe(true)
    }
  })

  it("is deterministic: the same options give the same bytes and truth", async () => {
    const again = await generateNational({ members: 2_000, provinces: 3, rosterProvince: "037", seed: 7, out: path.join(dir, "b"), skipRosterFiles: true })
    for (const e of r.exports) expect(await sha(path.join(dir, "b", e.file))).toBe(await sha(path.join(dir, "a", e.file)))
    expect(JSON.stringify(again.truth)).toBe(JSON.stringify(r.truth))
    const other = await generateNational({ members: 2_000, provinces: 3, rosterProvince: "037", seed: 8, out: path.join(dir, "c"), skipRosterFiles: true })
    expect(await sha(path.join(dir, "c", r.exports[1]!.file))).not.toBe(await sha(path.join(dir, "a", r.exports[1]!.file)))
    expect((await readdir(path.join(dir, "a", "rosters"), { recursive: true })).some((f) => /\.(xlsx|csv)$/.test(String(f)))).toBe(true)
    void other
  }, 120_000)

  it("recon evaluate counts the moves between provinces: recall and precision of UNREPORTED_TRANSFER for records in another province", () => {
    const planted = r.truth.cases.filter((c) => c.crossProvince !== undefined) as ReadonlyArray<PlantedLike>
    const links = r.truth.rows.map((x) => ({ file: x.file, sheet: x.sheet, row: x.row, memberId: x.memberId }))
    const all = crossProvinceMetrics(r.truth, links, planted)!
    expect(all.unreportedTransfer.recall).toBe(1)
    expect(all.unreportedTransfer.precision).toBe(1)
    expect(all.movedOut.recall).toBe(1)
    expect(all.links.recall).toBe(1)
    // One move missed (reported as not in the database), one UNREPORTED_TRANSFER naming the wrong record of another province.
    const moves = planted.filter((c) => c.category === "UNREPORTED_TRANSFER")
    const wrongId = r.truth.cases.find((c) => c.category === "UNREPORTED_TRANSFER" && c.crossProvince !== undefined && c.memberIds[0] !== moves[0]!.memberIds[0])!.memberIds[0]!
    const found: Array<PlantedLike> = [
      ...moves.slice(2),
      { ...moves[0]!, category: "NOT_IN_CENTRAL", memberIds: [] },
      { ...moves[1]!, memberIds: [wrongId === moves[1]!.memberIds[0] ? "DV20000001" : wrongId] }
    ]
    const e = evaluate(r.truth, links, found).crossProvince!
    expect(e.unreportedTransfer.planted).toBe(moves.length)
    expect(e.unreportedTransfer.found).toBe(moves.length - 1)
    expect(e.unreportedTransfer.matched).toBe(moves.length - 2)
    expect(e.unreportedTransfer.recall).toBeCloseTo((moves.length - 2) / moves.length)
    expect(e.unreportedTransfer.precision).toBeCloseTo((moves.length - 2) / (moves.length - 1))
    // A truth without `national` (the province generator's) has no such figures.
    expect(crossProvinceMetrics({ rows: [], cases: [] }, [], [])).toBeUndefined()
  })
})
