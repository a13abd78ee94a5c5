/**
 * The national index on real files: two province exports (A as the .xlsx export, B as the SQLite
 * central schema with its province in central_meta) imported into one national SQLite file, with
 * one member who moved from A's cell to B's cell without a transfer. B's run against the index
 * finds the UNREPORTED_TRANSFER naming both cells and both provinces, and gives the same findings
 * as an in-memory run against the two exports in one workbook (scoped to B). Re-importing A
 * replaces A only.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect } from "effect"
import ExcelJS from "exceljs"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { sample } from "../../pipelines/sample.js"
import type { Discrepancy } from "../../src/Domain.js"
import { importCentral } from "../../src/Ingest/Central.js"
import { inScope, loadSubset, openIndex, provincesFromRoots } from "../../src/Pipeline/IndexRun.js"
import { nationalDuplicates } from "../../src/Pipeline/NationalDuplicates.js"
import { run } from "../../src/Pipeline/Run.js"
import { importNational } from "../../src/Store/NationalImport.js"
import { row } from "../Rules/fixtures.js"

type M = readonly [id: string, name: string, birth: string, sex: "Nam" | "Nữ", card: string, unit: string]

/** A CCCD consistent with sex and birth year (century/sex digit, two-digit year). */
const cccdOf = (m: M, n: number): string => {
  const year = Number(m[2].slice(-4))
  const digit = (year >= 2000 ? 2 : 0) + (m[3] === "Nữ" ? 1 : 0)
  return `036${digit}${String(year % 100).padStart(2, "0")}${String(100000 + n).slice(-6)}`
}

const A_MEMBERS: ReadonlyArray<M> = [
  ["A001", "Nguyễn Văn An", "05/02/1961", "Nam", "11000001", "CA1"],
  ["A002", "Trần Thị Bình", "12/03/1962", "Nữ", "11000002", "CA1"],
  // The mover: A's record, listed by B's cell CB1 and by no list of A.
  ["A003", "Lê Văn Cường", "20/07/1970", "Nam", "11000003", "CA1"],
  ["A004", "Phạm Thị Dung", "15/08/1965", "Nữ", "11000004", "CA2"],
  ["A005", "Hoàng Văn Em", "01/01/1950", "Nam", "11000005", "CA2"]
]
const B_MEMBERS: ReadonlyArray<M> = [
  ["B001", "Vũ Thị Giang", "02/02/1955", "Nữ", "22000001", "CB1"],
  ["B002", "Đặng Văn Hải", "03/03/1975", "Nam", "22000002", "CB1"],
  ["B003", "Bùi Thị Hạnh", "04/04/1980", "Nữ", "22000003", "CB2"],
  ["B004", "Ngô Văn Khánh", "05/05/1985", "Nam", "22000004", "CB2"],
  ["B005", "Đỗ Văn Long", "06/06/1972", "Nam", "22000005", "CB2"]
]
const A_UNITS = [
  ["TA", "Đảng bộ tỉnh Alpha", "", ""],
  ["CA1", "Chi bộ thôn Đông Alpha", "TA", "Đảng bộ tỉnh Alpha"],
  ["CA2", "Chi bộ thôn Tây Alpha", "TA", "Đảng bộ tỉnh Alpha"]
]
const B_UNITS = [
  ["TB", "Đảng bộ tỉnh Beta", "", ""],
  ["CB1", "Chi bộ khu phố Một", "TB", "Đảng bộ tỉnh Beta"],
  ["CB2", "Chi bộ khu phố Hai", "TB", "Đảng bộ tỉnh Beta"]
]

const writeCentral = async (
  file: string,
  members: ReadonlyArray<M>,
  units: ReadonlyArray<ReadonlyArray<string>>,
  /** CCCD by member id, instead of the computed one. */
  cccds: Readonly<Record<string, string>> = {}
) => {
  const wb = new ExcelJS.Workbook()
  const dv = wb.addWorksheet("DangVien")
  dv.addRow(["Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Trạng thái"])
  // A009 (the duplicate test) carries B002's CCCD.
  const cccd = (m: M) => cccds[m[0]] ?? (m[0] === "A009" ? cccdOf(byId("B002"), offsetOf(byId("B002"))) : cccdOf(m, offsetOf(m)))
  members.forEach((m) => dv.addRow([m[0], m[1], m[2], m[3], "Nam Định", cccd(m), m[4], "01/01/2000", "01/01/2001", m[5], "Đang sinh hoạt"]))
  const cb = wb.addWorksheet("ChiBo")
  cb.addRow(["Mã chi bộ", "Tên chi bộ", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên"])
  for (const u of units) cb.addRow(u)
  wb.addWorksheet("ChuyenSinhHoat").addRow(["Mã đảng viên", "Từ chi bộ", "Đến chi bộ", "Loại", "Ngày giới thiệu", "Ngày tiếp nhận"])
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await wb.xlsx.writeFile(file)
}

const HEADER = "Mã chi bộ,STT,Họ tên,Ngày sinh,Giới tính,CCCD,Số thẻ,Ngày vào Đảng,Ghi chú"
const writeRoster = (file: string, unit: string, members: ReadonlyArray<M>, offsetOf: (m: M) => number) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(
    file,
    [HEADER, ...members.map((m, i) => `${unit},${i + 1},${m[1]},${m[2]},${m[3]},${cccdOf(m, offsetOf(m))},${m[4]},01/01/2000,`)].join("\n") + "\n"
  )
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-national-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const A_OFFSET = 0
const B_OFFSET = 100
const offsetOf = (m: M) => (m[0].startsWith("A") ? A_OFFSET + A_MEMBERS.indexOf(m) : B_OFFSET + B_MEMBERS.indexOf(m))
const byId = (id: string) => [...A_MEMBERS, ...B_MEMBERS].find((m) => m[0] === id)!

// B's rosters: CB1 lists its two members and the mover A003; CB2 leaves out B005.
const rostersB = path.join(dir, "rostersB")
writeRoster(path.join(rostersB, "CB1_khu_pho_Mot.csv"), "CB1", [byId("B001"), byId("B002"), byId("A003")], offsetOf)
writeRoster(path.join(rostersB, "CB2_khu_pho_Hai.csv"), "CB2", [byId("B003"), byId("B004")], offsetOf)
// A's rosters: CA1 without the mover, CA2 whole.
const rostersA = path.join(dir, "rostersA")
writeRoster(path.join(rostersA, "CA1_thon_Dong.csv"), "CA1", [byId("A001"), byId("A002")], offsetOf)
writeRoster(path.join(rostersA, "CA2_thon_Tay.csv"), "CA2", [byId("A004"), byId("A005")], offsetOf)

const national = path.join(dir, "national.sqlite")
const readLines = (out: string): Array<Discrepancy> =>
  fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Discrepancy)

const runOn = (central: string, rosters: string, out: string, province?: string) =>
  run(sample, {
    central,
    rosters,
    out,
    asOf: "2026-10-31",
    db: path.join(out, "state.sqlite"),
    ...(province === undefined ? {} : { province })
  }).pipe(Effect.provide(NodeContext.layer))

const setup = Effect.promise(async () => {
  if (fs.existsSync(national)) return
  await writeCentral(path.join(dir, "exports", "A.xlsx"), A_MEMBERS, A_UNITS)
  await writeCentral(path.join(dir, "exports", "B-source.xlsx"), B_MEMBERS, B_UNITS)
  // Both provinces in one workbook, for the in-memory run.
  await writeCentral(path.join(dir, "exports", "AB.xlsx"), [...A_MEMBERS, ...B_MEMBERS], [...A_UNITS, ...B_UNITS])
  // B as the SQLite central schema, its province in central_meta (as natgen's exports).
  const bSqlite = path.join(dir, "exports", "B.sqlite")
  await Effect.runPromise(importCentral(path.join(dir, "exports", "B-source.xlsx"), bSqlite))
  const db = new Database(bSqlite)
  db.prepare(`INSERT INTO central_meta (key, value) VALUES ('province_code', 'TB'), ('province_name', 'Đảng bộ tỉnh Beta')`).run()
  db.close()
  await Effect.runPromise(importNational([path.join(dir, "exports", "A.xlsx"), bSqlite], national, { pipeline: sample.name, rules: sample.match.blocking }))
})

describe("national index", () => {
  it.effect("B's run finds the move from A's cell, naming both cells and both provinces", () =>
    Effect.gen(function*() {
      yield* setup
      const out = path.join(dir, "outB")
      yield* runOn(national, rostersB, out, "TB")
      const ds = readLines(out)
      const moves = ds.filter((d) => d.category === "UNREPORTED_TRANSFER")
      expect(moves.map((d) => [d.unitCode, d.memberIds])).toEqual([["CB1", ["A003"]]])
      const reason = moves[0]!.reason
      expect(reason).toContain("Chi bộ thôn Đông Alpha")
      expect(reason).toContain("Chi bộ khu phố Một")
      expect(reason).toContain("Hồ sơ trong cơ sở dữ liệu thuộc Đảng bộ tỉnh Alpha (mã TA), danh sách thuộc Đảng bộ tỉnh Beta (mã TB)")
      // B005 is missing from CB2's list; nothing of province A's cells is reported in B's run.
      expect(ds.filter((d) => d.category === "MISSING_FROM_ROSTER").map((d) => d.memberIds)).toEqual([["B005"]])
      expect(ds.some((d) => d.unitCode === "CA1" || d.unitCode === "CA2")).toBe(false)
      // The workbook lists it on its category sheet, with the two provinces.
      const wb = new ExcelJS.Workbook()
      yield* Effect.promise(() => wb.xlsx.readFile(path.join(out, "review.xlsx")))
      const texts: Array<string> = []
      wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => void texts.push(String(c.value)))))
      expect(texts.some((t) => t.includes("Đảng bộ tỉnh Alpha (mã TA)") && t.includes("Lê Văn Cường"))).toBe(true)
    }))

  it.effect("an index run and an in-memory run give the same findings (scoped to the province)", () =>
    Effect.gen(function*() {
      yield* setup
      // A second national index whose A holds a duplicate of B's B002 (A009, same CCCD, card and birth),
      // and B rosters with an unknown person and a conflicting birth date.
      const eqDir = path.join(dir, "eq")
      const aDup: ReadonlyArray<M> = [...A_MEMBERS, ["A009", "Đặng Văn Hải", "03/03/1975", "Nam", "22000002", "CA2"]]
      yield* Effect.promise(() => writeCentral(path.join(eqDir, "A.xlsx"), aDup, A_UNITS))
      yield* Effect.promise(() => writeCentral(path.join(eqDir, "AB.xlsx"), [...aDup, ...B_MEMBERS], [...A_UNITS, ...B_UNITS]))
      const index = path.join(eqDir, "national.sqlite")
      yield* importNational([path.join(eqDir, "A.xlsx"), path.join(dir, "exports", "B.sqlite")], index, { pipeline: sample.name, rules: sample.match.blocking })
      const rosters = path.join(eqDir, "rosters")
      const stranger: M = ["X001", "Trịnh Văn Lạ", "09/09/1990", "Nam", "99000009", "CB2"]
      const b003: M = ["B003", "Bùi Thị Hạnh", "14/11/1981", "Nữ", "22000003", "CB2"]
      writeRoster(path.join(rosters, "CB1_khu_pho_Mot.csv"), "CB1", [byId("B001"), byId("B002"), byId("A003")], offsetOf)
      writeRoster(path.join(rosters, "CB2_khu_pho_Hai.csv"), "CB2", [b003, byId("B004"), stranger], (m) => (m === stranger ? 999 : m === b003 ? offsetOf(byId("B003")) : offsetOf(m)))
      const viaIndex = path.join(eqDir, "out-index")
      const inMemory = path.join(eqDir, "out-memory")
      yield* runOn(index, rosters, viaIndex, "TB")
      yield* runOn(path.join(eqDir, "AB.xlsx"), rosters, inMemory)
      const own = inScope(new Set(B_UNITS.map((u) => u[0]!)), new Set(B_MEMBERS.map((m) => m[0])))
      const memory = readLines(inMemory)
      // The in-memory run also reports A's cells (no list of theirs was given): out of B's scope.
      expect(memory.some((d) => !own(d))).toBe(true)
      const indexed = readLines(viaIndex)
      expect(indexed).toEqual(memory.filter(own))
      expect(new Set(indexed.map((d) => d.category))).toEqual(
        new Set(["UNREPORTED_TRANSFER", "MISSING_FROM_ROSTER", "NOT_IN_CENTRAL", "FIELD_MISMATCH", "DUPLICATE_CENTRAL"])
      )
      expect(indexed.find((d) => d.category === "DUPLICATE_CENTRAL")!.memberIds).toEqual(["A009", "B002"])
      // links.csv and persons.csv agree too.
      for (const f of ["links.csv", "persons.csv"]) {
        expect(fs.readFileSync(path.join(viaIndex, f), "utf8").split("\n").filter((l) => !l.includes(",A00") || l.includes("A003") || l.includes("A009")))
          .toEqual(fs.readFileSync(path.join(inMemory, f), "utf8").split("\n").filter((l) => !l.includes(",A00") || l.includes("A003") || l.includes("A009")))
      }
    }))

  it.effect("B's run compares no pair of two records of other provinces, and settled rows fetch no namesakes", () =>
    Effect.gen(function*() {
      yield* setup
      const scopeDir = path.join(dir, "scope")
      // A010 and A011: one person recorded twice in A (same CCCD). A012: a namesake of B001 born the
      // same day, with its own CCCD and card.
      const extra: ReadonlyArray<M> = [
        ["A010", "Phan Văn Tú", "10/10/1970", "Nam", "11000010", "CA1"],
        ["A011", "Phan Văn Tú", "10/10/1970", "Nam", "11000011", "CA2"],
        ["A012", "Vũ Thị Giang", "02/02/1955", "Nữ", "11000012", "CA2"]
      ]
      const cccds = { A010: "036070000810", A011: "036070000810", A012: "036155000812" }
      yield* Effect.promise(() => writeCentral(path.join(scopeDir, "A.xlsx"), [...A_MEMBERS, ...extra], A_UNITS, cccds))
      yield* Effect.promise(() => writeCentral(path.join(scopeDir, "AB.xlsx"), [...A_MEMBERS, ...extra, ...B_MEMBERS], [...A_UNITS, ...B_UNITS], cccds))
      const index = path.join(scopeDir, "national.sqlite")
      yield* importNational([path.join(scopeDir, "A.xlsx"), path.join(dir, "exports", "B.sqlite")], index, { pipeline: sample.name, rules: sample.match.blocking })

      // B001 listed with its CCCD (settled: identifiers only); A003 listed with no identifier (every key).
      const b001 = byId("B001")
      const rows = [
        row("CB1.csv", "CB1", b001[1], b001[2], { cccd: cccdOf(b001, offsetOf(b001)) }),
        row("CB1.csv", "CB1", "Lê Văn Cường", "20/07/1970"),
        row("CB1.csv", "CB1", "Phan Văn Tú", "10/10/1970", { cccd: "036070000810" })
      ]
      const fetched = (settle: boolean) =>
        Effect.scoped(Effect.gen(function*() {
          const h = yield* openIndex(index, "TB")
          const subset = loadSubset(h, rows, sample.match, { settle })
          return subset.central.data.members.map((m) => m.id).filter((id) => id.startsWith("A")).sort()
        }))
      expect(yield* fetched(true)).toEqual(["A003", "A010", "A011"])
      // Without settling, B001's and the own members' name and date keys bring the namesake too.
      expect(yield* fetched(false)).toEqual(["A003", "A010", "A011", "A012"])

      // A run: the mover A010 is found; the pair A010–A011 (both of A) is a duplicate in a run over
      // both exports, but B's run does not compare it (one person each in persons.csv, no finding).
      const rosters = path.join(scopeDir, "rosters")
      writeRoster(path.join(rosters, "CB1_khu_pho_Mot.csv"), "CB1", [byId("B001"), byId("B002"), extra[0]!], (m) => (m === extra[0] ? 810 : offsetOf(m)))
      fs.writeFileSync(
        path.join(rosters, "CB1_khu_pho_Mot.csv"),
        fs.readFileSync(path.join(rosters, "CB1_khu_pho_Mot.csv"), "utf8").replace(cccdOf(extra[0]!, 810), "036070000810")
      )
      writeRoster(path.join(rosters, "CB2_khu_pho_Hai.csv"), "CB2", [byId("B003"), byId("B004"), byId("B005")], offsetOf)
      const viaIndex = path.join(scopeDir, "out-index")
      const inMemory = path.join(scopeDir, "out-memory")
      yield* runOn(index, rosters, viaIndex, "TB")
      yield* runOn(path.join(scopeDir, "AB.xlsx"), rosters, inMemory)
      const dupsOf = (out: string) => readLines(out).filter((d) => d.category === "DUPLICATE_CENTRAL").map((d) => d.memberIds)
      expect(dupsOf(inMemory)).toContainEqual(["A010", "A011"])
      expect(dupsOf(viaIndex)).toEqual([])
      expect(readLines(viaIndex).filter((d) => d.category === "UNREPORTED_TRANSFER").map((d) => d.memberIds)).toEqual([["A010"]])
      const personOf = (out: string, id: string) =>
        fs.readFileSync(path.join(out, "persons.csv"), "utf8").split("\n").find((l) => l.includes(id))!.split(",")[0]
      expect(personOf(inMemory, "A011")).toBe(personOf(inMemory, "A010"))
      expect(personOf(viaIndex, "A011")).not.toBe(personOf(viaIndex, "A010"))
      const centralPairs = (out: string) => (JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8")) as { match: { centralCandidatePairs: number } }).match.centralCandidatePairs
      expect(centralPairs(viaIndex)).toBeLessThan(centralPairs(inMemory))
    }))

  it.effect("A's run proposes the mover as missing from A's cell, saying where B's run found them listed", () =>
    Effect.gen(function*() {
      yield* setup
      // A fresh index (the runs of the other tests record listings in theirs).
      const copy = path.join(dir, "listings.sqlite")
      yield* importNational([path.join(dir, "exports", "A.xlsx"), path.join(dir, "exports", "B.sqlite")], copy, {
        pipeline: sample.name,
        rules: sample.match.blocking
      })
      // Before any run of B: a plain MISSING_FROM_ROSTER.
      yield* runOn(copy, rostersA, path.join(dir, "outA-before"), "TA")
      const before = readLines(path.join(dir, "outA-before")).filter((d) => d.category === "MISSING_FROM_ROSTER")
      expect(before.map((d) => [d.unitCode, d.memberIds])).toEqual([["CA1", ["A003"]]])
      expect(before[0]!.reason).not.toContain("Lưu ý: theo lần đối chiếu")
      // B's run records that its CB1 lists A003; A's next run says so.
      yield* runOn(copy, rostersB, path.join(dir, "outB-listings"), "TB")
      const out = path.join(dir, "outA")
      yield* runOn(copy, rostersA, out, "TA")
      const missing = readLines(out).filter((d) => d.category === "MISSING_FROM_ROSTER")
      expect(missing.map((d) => [d.id, d.unitCode, d.memberIds])).toEqual([[before[0]!.id, "CA1", ["A003"]]])
      expect(missing[0]!.reason).toContain(
        "Lưu ý: theo lần đối chiếu của Đảng bộ tỉnh Beta tính đến ngày 31/10/2026, đảng viên này có tên trong danh sách của " +
          "Chi bộ khu phố Một (mã CB1) thuộc Đảng bộ tỉnh Beta (mã TB), tệp CB1_khu_pho_Mot.csv, dòng 4"
      )
    }))

  it.effect("a run without --province on a national index of two provinces is refused with the codes", () =>
    Effect.gen(function*() {
      yield* setup
      const e = yield* Effect.flip(runOn(national, rostersB, path.join(dir, "outNoProvince")))
      expect(e.message).toContain("give --province <code>")
      expect(e.message).toContain("TA")
      expect(e.message).toContain("TB")
    }))

  it.effect("central duplicates over the whole index: a record of A and one of B for one person", () =>
    Effect.gen(function*() {
      yield* setup
      // A copy of the index with a duplicate of B002 in A: one pair, across provinces.
      const dupDir = path.join(dir, "dup")
      const copy = path.join(dupDir, "national.sqlite")
      fs.mkdirSync(dupDir, { recursive: true })
      const aDup: ReadonlyArray<M> = [...A_MEMBERS, ["A009", "Đặng Văn Hải", "03/03/1975", "Nam", "22000002", "CA2"]]
      const file = path.join(dupDir, "A.xlsx")
      yield* Effect.promise(() => writeCentral(file, aDup, A_UNITS))
      fs.copyFileSync(national, copy)
      yield* importNational([file], copy, { pipeline: sample.name, rules: sample.match.blocking })
      const s = yield* nationalDuplicates(copy, path.join(dupDir, "out"), sample.match).pipe(Effect.provide(NodeContext.layer))
      const lines = fs.readFileSync(s.file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { a: string; b: string; provinceA: string; provinceB: string })
      expect(lines.map((l) => [l.a, l.b, l.provinceA, l.provinceB])).toEqual([["A009", "B002", "TA", "TB"]])
      expect(s.crossProvince).toBe(1)
    }))

  it.effect("re-importing A replaces A's records, units and keys only", () =>
    Effect.gen(function*() {
      yield* setup
      const copy = path.join(dir, "reimport.sqlite")
      fs.copyFileSync(national, copy)
      const count = () => {
        const db = new Database(copy, { readonly: true })
        try {
          const per = (t: string) =>
            Object.fromEntries((db.prepare(`SELECT province, count(*) AS n FROM ${t} GROUP BY province ORDER BY province`).all() as Array<{ province: string; n: number }>).map((r) => [r.province, r.n]))
          const keys = Object.fromEntries((db.prepare(
            `SELECT m.province, count(*) AS n FROM central_keys k JOIN central_members m ON m.id = k.member GROUP BY m.province ORDER BY m.province`
          ).all() as Array<{ province: string; n: number }>).map((r) => [r.province, r.n]))
          const bIds = (db.prepare(`SELECT member_id FROM central_members WHERE province = 'TB' ORDER BY id`).all() as Array<{ member_id: string }>).map((r) => r.member_id)
          const allKeys = (db.prepare(`SELECT count(*) AS n FROM central_keys`).get() as { n: number }).n
          return { members: per("central_members"), units: per("central_units"), keys, bIds, allKeys }
        } finally {
          db.close()
        }
      }
      const before = count()
      expect(before.members).toEqual({ TA: 5, TB: 5 })
      // A again, without A005 and with a unit fewer.
      const file = path.join(dir, "exports2", "A.xlsx")
      yield* Effect.promise(() => writeCentral(file, A_MEMBERS.filter((m) => m[0] !== "A005" && m[0] !== "A004"), A_UNITS.slice(0, 2)))
      const stats = yield* importNational([file], copy, { pipeline: sample.name, rules: sample.match.blocking })
      expect(stats.provinces.map((p) => [p.province, p.replaced, p.members])).toEqual([["TA", 5, 3]])
      const after = count()
      expect(after.members).toEqual({ TA: 3, TB: 5 })
      expect(after.units).toEqual({ TA: 2, TB: 3 })
      expect(after.keys.TB).toBe(before.keys.TB)
      expect(after.bIds).toEqual(before.bIds)
      expect(after.keys.TA).toBeLessThan(before.keys.TA!)
      // No key row is left pointing at a removed member.
      expect(after.allKeys).toBe(after.keys.TA! + after.keys.TB!)
      // B's run still finds the move.
      const out = path.join(dir, "outB-after")
      yield* runOn(copy, rostersB, out, "TB")
      expect(readLines(out).filter((d) => d.category === "UNREPORTED_TRANSFER").map((d) => d.memberIds)).toEqual([["A003"]])
    }))

  it.effect("a pipeline whose rules the index has no keys for is refused, naming the rules", () =>
    Effect.gen(function*() {
      yield* setup
      const other = { ...sample, match: { ...sample.match, blocking: [...sample.match.blocking, { name: "sex+birthYear", keys: ["sex", "birthYear"] as const }] } }
      const e = yield* Effect.flip(
        run(other, { central: national, rosters: rostersB, out: path.join(dir, "outRules"), asOf: "2026-10-31", db: path.join(dir, "outRules", "s.sqlite"), province: "TB" })
          .pipe(Effect.provide(NodeContext.layer))
      )
      expect(e.message).toContain("sex+birthYear")
      expect(e.message).toContain("re-import")
    }))

  it("an in-memory central names provinces only when its roots are provinces", () => {
    const unit = (code: string, name: string, parentCode: string | null) => ({ code, name, parentCode, parentName: null })
    const provinces = provincesFromRoots([unit("T1", "Đảng bộ tỉnh Nam Định", null), unit("T2", "Đảng bộ Thành phố Hà Nội", null), unit("C1", "Chi bộ 1", "T1")])
    expect(provinces.get("C1")).toEqual({ code: "T1", name: "Đảng bộ tỉnh Nam Định" })
    expect(provinces.get("T2")).toEqual({ code: "T2", name: "Đảng bộ Thành phố Hà Nội" })
    expect(provincesFromRoots([unit("X1", "Đảng bộ xã An Phú", null), unit("X2", "Đảng bộ xã An Lạc", null)]).size).toBe(0)
    expect(provincesFromRoots([unit("T1", "Đảng bộ tỉnh Nam Định", null), unit("C1", "Chi bộ 1", "T1")]).size).toBe(0)
  })
})
