import { describe, expect, it } from "vitest"
import * as Engine from "../../src/Match/Engine.js"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import { member, row, units } from "../Rules/fixtures.js"

const s = annualRosterMatching.match
const parents = Engine.parentMap(units)

describe("match engine", () => {
  const central = [
    member("DV1", "Nguyễn Văn Hùng", "12/03/1960", "CB01", { cccd: "036060001234" }),
    member("DV2", "Nguyễn Văn Hùng", "05/11/1960", "CB02", { cccd: "036060009876" }),
    member("DV3", "Trần Thị Thủy", "01/02/1975", "CB01", { sex: "F", cardNo: "00123456" }),
    member("DV4", "Lê Đức Thắng", "20/10/1948", "CB03")
  ]
  const cRec = central.map((m) => Engine.toMatchRecord(m, parents))

  const linkOne = (r: ReturnType<typeof row>) => {
    const rec = [Engine.toMatchRecord(r, parents)]
    const blocks = Engine.block(rec, cRec, s)
    return Engine.linkRows([r], rec, cRec, blocks, s)[0]!
  }

  it("tells namesakes with the same birth year apart by birth date", () => {
    expect(central[linkOne(row("a.xlsx", "CB01", "NGUYỄN VĂN HÙNG", "12/03/1960")).member]!.id).toBe("DV1")
    expect(central[linkOne(row("a.xlsx", "CB02", "Nguyen Van Hung", "05/11/1960")).member]!.id).toBe("DV2")
  })

  it("links a name without diacritics, with old tone placement, or with a year-only birth date", () => {
    expect(linkOne(row("a.xlsx", "CB01", "Tran Thi Thuy", "01/02/1975", { sex: "F" })).member).toBe(2)
    expect(linkOne(row("a.xlsx", "CB01", "Trần Thị Thuỷ", "01/02/1975", { sex: "F" })).member).toBe(2)
    expect(linkOne(row("a.xlsx", "CB03", "Lê Đức Thắng", null, { birth: { year: 1948, month: null, day: null } })).member).toBe(3)
  })

  it("links on an identical CCCD despite a birth-date typo, but not on name and birth year alone", () => {
    expect(linkOne(row("a.xlsx", "CB01", "Nguyễn Văn Hùng", "21/03/1960", { cccd: "036060001234" })).member).toBe(0)
    const l = linkOne(row("a.xlsx", "CB01", "Nguyễn Văn Hùng", "01/01/1960"))
    expect(l.member).toBe(-1)
  })

  it("does not link a stranger", () => {
    expect(linkOne(row("a.xlsx", "CB01", "Phạm Minh Tuấn", "03/04/1990")).member).toBe(-1)
  })

  it("links each member at most once per roster file", () => {
    const rows = [row("a.xlsx", "CB01", "Lê Đức Thắng", "20/10/1948"), row("a.xlsx", "CB01", "Lê Đức Thắng", "20/10/1948")]
    const rec = rows.map((r) => Engine.toMatchRecord(r, parents))
    const links = Engine.linkRows(rows, rec, cRec, Engine.block(rec, cRec, s), s)
    expect(links.map((l) => l.member)).toEqual([3, -1])
  })

  it("counts candidate pairs per rule and refuses past the budget", () => {
    const rec = [Engine.toMatchRecord(row("a.xlsx", "CB01", "Nguyễn Văn Hùng", "12/03/1960"), parents)]
    const blocks = Engine.block(rec, cRec, s)
    expect(blocks.pairsPerRule["givenName+birthYear"]).toBe(2)
    expect(blocks.totalPairs).toBe(2)
    expect(() => Engine.block(rec, cRec, { ...s, maxCandidatePairs: 1 })).toThrow(/budget of 1/)
  })

  it("finds duplicate central records by CCCD", () => {
    const dup = [...central, member("DV9", "Nguyễn Văn Hừng", "12/03/1960", "CB02", { cccd: "036060001234" })]
    const rec = dup.map((m) => Engine.toMatchRecord(m, parents))
    const pairs = Engine.centralDuplicates(rec, Engine.block(rec, rec, s, true), s)
    expect(pairs.map((p) => [dup[p.a]!.id, dup[p.b]!.id])).toEqual([["DV1", "DV9"]])
  })

  it("explains a score as per-comparison weights that add up to it", () => {
    const a = cRec[0]!
    const b = Engine.toMatchRecord(row("a.xlsx", "CB01", "Nguyen Van Hung", "12/03/1960", { cccd: "036060001234" }), parents)
    const parts = Engine.explainPair(a, b, s)
    expect(parts.map((p) => `${p.comparison}:${p.level}`)).toEqual(["name:folded", "birth:exact", "sex:agree", "cccd:exact"])
    expect(parts.reduce((x, p) => x + p.weight, 0)).toBe(Engine.pairWeight(a, b, s))
  })
})
