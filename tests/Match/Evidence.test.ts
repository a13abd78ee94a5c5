import { describe, expect, it } from "vitest"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import type { CentralMember, PartialDate, RosterRow, Unit } from "../../src/Domain.js"
import * as Engine from "../../src/Match/Engine.js"
import { runMatch } from "../../src/Match/Stage.js"
import { member, row } from "../Rules/fixtures.js"

const s = annualRosterMatching.match

/** Two communes (X1, X2) of two cells each: a move to another commune leaves the commune's blocks. */
const units: ReadonlyArray<Unit> = [
  { code: "X1", name: "Xã 1", parentCode: null, parentName: null },
  { code: "X2", name: "Xã 2", parentCode: null, parentName: null },
  { code: "A1", name: "Chi bộ A1", parentCode: "X1", parentName: "Xã 1" },
  { code: "A2", name: "Chi bộ A2", parentCode: "X1", parentName: "Xã 1" },
  { code: "B1", name: "Chi bộ B1", parentCode: "X2", parentName: "Xã 2" },
  { code: "B2", name: "Chi bộ B2", parentCode: "X2", parentName: "Xã 2" }
]
const day = (d: string): PartialDate => ({ year: +d.slice(6), month: +d.slice(3, 5), day: +d.slice(0, 2) })

const run = (members: ReadonlyArray<CentralMember>, rows: ReadonlyArray<RosterRow> = []) => runMatch({ members, units, transfers: [] }, rows, s)
const candidates = (r: ReturnType<typeof run>, i: number) =>
  Array.from(r.rowBlocks.idx.subarray(r.rowBlocks.start[i]!, r.rowBlocks.start[i + 1]!))

describe("negative evidence: central duplicates need more than name and birth date", () => {
  it("does not take Ngô Thị Đào and Trần Thị Đào, born the same day, with other cards and admission dates, for one person", () => {
    const r = run([
      member("DV1", "Ngô Thị Đào", "14/02/1972", "A1", { sex: "F", cardNo: "01234567", admitted: day("03/02/1998") }),
      member("DV2", "Trần Thị Đào", "14/02/1972", "B1", { sex: "F", cardNo: "07654321", admitted: day("19/05/2003") })
    ])
    expect(r.selfBlocks.totalPairs).toBe(1)
    expect(r.duplicates).toEqual([])
    expect(Engine.explainPair(r.model, r.central, 0, r.central, 1, true).probability).toBeLessThan(0.1)
  })

  it("does not take two Trần Hữu Lộc with other cards, admission dates and hometowns for one person", () => {
    const r = run([
      member("DV1", "Trần Hữu Lộc", "01/01/1960", "A1", { cardNo: "01111111", admitted: day("03/02/1985"), hometown: "Hải Vân, Hải Hậu, Nam Định" }),
      member("DV2", "Trần Hữu Lộc", "01/01/1960", "B2", { cardNo: "02222222", admitted: day("07/11/1990"), hometown: "Vũ Thư, Thái Bình" })
    ])
    expect(r.duplicates).toEqual([])
    const w = Engine.explainPair(r.model, r.central, 0, r.central, 1, true)
    expect(w.parts.filter((p) => p.weight < 0).map((p) => p.comparison)).toEqual(["cardNo", "hometown", "admitted"])
  })

  it("still finds a record entered twice (same card, hometown, admission date; a typo in the name)", () => {
    const r = run([
      member("DV1", "Trần Hữu Lộc", "01/01/1960", "A1", { cardNo: "01111111", admitted: day("03/02/1985"), hometown: "Nam Định" }),
      member("DV2", "Trần Hữu Lôc", "01/01/1960", "B2", { cardNo: "01111111", admitted: day("03/02/1985"), hometown: "Nam Định" })
    ])
    expect(r.duplicates.map((d) => [d.a, d.b])).toEqual([[0, 1]])
  })
})

describe("candidates for moves across communes", () => {
  const central = [
    member("DV1", "Đào Thúy Lan", "02/06/1956", "A1", { sex: "F" }),
    member("DV2", "Nguyễn Thị Nga", "02/01/1963", "A2", { sex: "F", admitted: day("17/12/1998") }),
    member("DV3", "Phạm Văn Đồng", "01/05/1950", "A1")
  ]

  it("finds Đào Thúy Lan for a row `Dao Thuy LLan` in another commune, and links it", () => {
    const r = run(central, [row("b.xlsx", "B1", "Dao Thuy LLan", "02/06/1956", { sex: "F" })])
    expect(candidates(r, 0)).toContain(0)
    expect(r.links[0]!.member).toBe(0)
  })

  it("finds Nguyễn Thị Nga for a row `Nguyễn Nga`, born 1963, same admission date, in another commune, and links it", () => {
    const r = run(central, [row("b.xlsx", "B2", "Nguyễn Nga", null, { sex: "F", birth: { year: 1963, month: null, day: null }, admitted: day("17/12/1998") })])
    expect(candidates(r, 0)).toContain(1)
    expect(r.links[0]!.member).toBe(1)
  })

  it("keeps the admission date + given name rule linear: a strange name with the same admission date is a candidate, not a link", () => {
    const r = run(central, [row("b.xlsx", "B2", "Lê Văn Nga", "05/05/1970", { admitted: day("17/12/1998") })])
    expect(candidates(r, 0)).toEqual([1])
    expect(r.links[0]!.member).toBe(-1)
  })

  it("caps a blocking rule's groups: an over-full group pairs nothing under it", () => {
    const strings = new Engine.Interner()
    const parents = Engine.parentMap(units)
    const many = Array.from({ length: 5 }, (_, k) => member(`DV${k}`, "Nguyễn Văn Hùng", `0${k + 1}/01/1960`, "A1"))
    const c = Engine.prepare(many, parents, strings)
    const r = Engine.prepare([row("b.xlsx", "B1", "Nguyen Hung", "1960", { birth: { year: 1960, month: null, day: null } })], parents, strings)
    const rule = Engine.blockOn("nameSkeleton", "birthYear")
    expect(Engine.block(r, c, { blocking: [rule], maxCandidatePairs: 100 }).totalPairs).toBe(5)
    expect(Engine.block(r, c, { blocking: [Engine.capped(rule, 4)], maxCandidatePairs: 100 }).totalPairs).toBe(0)
    expect(Engine.recallPerRule(r, c, [rule, Engine.capped(rule, 4)], [[0, 2]]).perRule).toEqual({ "nameSkeleton+birthYear": 1, "nameSkeleton+birthYear≤4": 0 })
  })
})

describe("clusters that do not over-merge", () => {
  it("never joins, through a chain of duplicate pairs, two records told apart", () => {
    const ids = ["A", "B", "C"]
    const dups = [
      { a: 0, b: 1, score: 0.99 },
      { a: 1, b: 2, score: 0.95 }
    ]
    const apart = (x: number, y: number) => (x === 0 && y === 2) || (x === 2 && y === 0)
    const persons = Engine.clusterPersons(ids, dups, [], apart)
    expect(persons.map((p) => p.members)).toEqual([[0, 1], [2]])
    expect(Engine.clusterPersons(ids, dups, []).map((p) => p.members)).toEqual([[0, 1, 2]])
  })

  it("keeps records with different card numbers in different persons although each matches a card-less record", () => {
    const r = run([
      member("DV1", "Trần Hữu Lộc", "01/01/1960", "A1", { hometown: "Nam Định", admitted: day("03/02/1985"), cardNo: "01111111" }),
      member("DV2", "Trần Hữu Lộc", "01/01/1960", "A2", { hometown: "Nam Định", admitted: day("03/02/1985") }),
      member("DV3", "Trần Hữu Lộc", "01/01/1960", "B1", { hometown: "Nam Định", admitted: day("19/05/1990"), cardNo: "09999999" })
    ])
    // DV1–DV2 and DV2–DV3 are duplicates; DV1–DV3 is not (another card, another admission date).
    expect(r.duplicates.map((d) => [d.a, d.b])).toEqual([[0, 1], [1, 2]])
    const persons = r.persons.map((p) => p.members.map((j) => `DV${j + 1}`))
    expect(persons.find((p) => p.includes("DV1"))).not.toContain("DV3")
  })
})
