import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import type { CentralMember, RosterRow } from "../../src/Domain.js"
import { dateLevels, idLevels } from "../../src/Match/Comparisons.js"
import { levelsOfPair } from "../../src/Match/Compare.js"
import * as Engine from "../../src/Match/Engine.js"
import { runMatch } from "../../src/Match/Stage.js"
import { buildProvince, provinceRecords } from "../../samples/generators/Province.js"
import { member, row, units } from "../Rules/fixtures.js"

const s = annualRosterMatching.match
const parents = Engine.parentMap(units)

const central = [
  member("DV1", "Nguyễn Văn Hùng", "12/03/1960", "CB01", { cccd: "036060001234" }),
  member("DV2", "Nguyễn Văn Hùng", "05/11/1960", "CB02", { cccd: "036060009876" }),
  member("DV3", "Trần Thị Thủy", "01/02/1975", "CB01", { sex: "F", cardNo: "00123456" }),
  member("DV4", "Lê Đức Thắng", "20/10/1948", "CB03"),
  member("DV5", "Hoàng Văn Quý", "07/07/1970", "CB01")
]

/** Declared model (the sample's size): sides, blocks, codes and links of some rows. */
const matchRows = (rows: ReadonlyArray<RosterRow>, cs: ReadonlyArray<CentralMember> = central) => {
  const result = runMatch({ members: cs, units, transfers: [] }, rows, s)
  return { result, member: (i: number) => (result.links[i]!.member >= 0 ? cs[result.links[i]!.member]!.id : null) }
}
const linkOne = (r: RosterRow) => matchRows([r]).member(0)

/** Level names of each declared comparison for one pair ("-" where a value is missing). */
const levelsOf = (a: CentralMember | RosterRow, b: CentralMember | RosterRow, cs = s.comparisons): Record<string, string> => {
  const strings = new Engine.Interner()
  const x = Engine.prepare([a], parents, strings)
  const y = Engine.prepare([b], parents, strings)
  const ls = levelsOfPair(cs, x, 0, y, 0)
  return Object.fromEntries(cs.map((c, k) => [c.name, ls[k]! < 0 ? "-" : c.levels[ls[k]!]!.name]))
}

describe("comparison levels (declared in the pipeline)", () => {
  it.each([
    ["Nguyễn Văn Hùng", "NGUYỄN VĂN HÙNG", "exact", "exact", "exact"],
    ["Nguyễn Văn Hùng", "Nguyen Van Hung", "folded", "folded", "folded"],
    ["Hoàng Văn Quý", "Huỳnh Văn Quí", "variant", "exact", "variant"],
    ["Nguyễn Văn Hùng", "Nguyễn Hùng", "exact", "oneEmpty", "exact"],
    ["Nguyễn Văn Hùng", "Nguyễn Văn Hùnh", "exact", "exact", "oneEdit"],
    ["Nguyễn Văn Hùng", "Nguyễn Văn Huùng", "exact", "exact", "oneEdit"],
    ["Nguyễn Văn Hùng", "Nguyễn Văn Hugn", "exact", "exact", "transposition"],
    ["Lê Văn Hùng", "Hùng Văn Lê", "crossed", "exact", "crossed"],
    ["Lê Văn Hùng", "Hùnh Văn Lê", "crossedEdit", "exact", "crossedEdit"],
    ["Lê Văn Hùng", "Hùng Văn Lệ", "crossed", "exact", "crossed"],
    ["Trịnh Văn Hùng", "Hùng Văn Trinhh", "crossedEdit", "exact", "crossedEdit"],
    ["Trần Văn Hùng", "Lê Minh Hùng", "else", "else", "exact"],
    ["Đào Thúy Lan", "Dao Thuy LLan", "folded", "folded", "oneEdit"]
  ] as const)("%s vs %s: family %s, middle %s, given %s", (a, b, family, middle, given) => {
    const l = levelsOf(member("A", a, "01/01/1960", "CB01"), row("f.xlsx", "CB01", b, "01/01/1960"))
    expect([l["family"], l["middle"], l["given"]]).toEqual([family, middle, given])
  })

  it("finds a name written the other way round with a typo in either part, whichever record is first", () => {
    // Words of consonants only: no honorific, no run-together surname, no two words within one edit.
    const word = fc.string({ unit: fc.constantFrom(..."bcdfghklmnpqrstvx"), minLength: 4, maxLength: 8 })
    const typo = (w: string, k: number, c: string): string => {
      const at = k % w.length
      return w.slice(0, at) + (w[at] === c ? "z" : c) + w.slice(at + 1)
    }
    fc.assert(
      fc.property(word, word, fc.nat(), fc.constantFrom("b", "k", "y", "z"), fc.boolean(), (family, given, k, c, inFamily) => {
        fc.pre(family.slice(0, 2) !== given.slice(0, 2) && family.slice(-2) !== given.slice(-2))
        const a = member("A", `${family} ${given}`, "01/01/1960", "CB01")
        const b = row("f.xlsx", "CB01", inFamily ? `${given} ${typo(family, k, c)}` : `${typo(given, k, c)} ${family}`, "01/01/1960")
        const ab = levelsOf(a, b)
        const ba = levelsOf(b, a)
        expect([ab["family"], ab["given"]]).toEqual(["crossedEdit", "crossedEdit"])
        expect([ba["family"], ba["given"]]).toEqual(["crossedEdit", "crossedEdit"])
      })
    )
  })

  it("does not take two different names, one written the other way round, for crossed", () => {
    const l = levelsOf(member("A", "Lê Văn Hùng", "01/01/1960", "CB01"), row("f.xlsx", "CB01", "Hùng Văn Lý", "01/01/1960"))
    expect([l["family"], l["given"]]).toEqual(["else", "else"])
  })

  it("treats a one-word name as the family or the given name, weighing only what agrees", () => {
    const l = levelsOf(member("A", "Lombardi Rosa", "01/01/1960", "CB01"), row("f.xlsx", "CB01", "Lombardi", "01/01/1960"))
    expect([l["family"], l["given"]]).toEqual(["exact", "-"])
  })

  it.each([
    ["12/03/1960", "12/03/1960", "exact"],
    ["05/08/1996", "08/05/1996", "dayMonthSwapped"],
    ["12/03/1960", "1960", "yearOnly"],
    ["12/03/1960", "12/03/1968", "oneDigit"],
    ["12/03/1960", "21/03/1960", "transposition"],
    ["12/03/1960", "28/03/1960", "sameMonthYear"],
    ["12/03/1960", "20/04/1960", "sameYear"],
    ["12/03/1960", "12/03/1961", "oneDigit"],
    ["12/03/1960", "25/07/1961", "yearsWithin"],
    ["12/03/1960", "12/07/1975", "else"]
  ] as const)("%s vs %s: birth %s", (a, b, level) => {
    const birth = b.length === 4 ? { year: +b, month: null, day: null } : undefined
    const r = row("f.xlsx", "CB01", "Lê Văn An", birth === undefined ? b : null, birth === undefined ? {} : { birth })
    expect(levelsOf(member("A", "Lê Văn An", a, "CB01"), r)["birth"]).toBe(level)
  })

  it("weighs nothing for missing values and treats a 9-digit CMND against a 12-digit CCCD as missing", () => {
    const a = member("A", "Lê Văn An", "12/03/1960", "CB01", { cccd: "036060001234" })
    const at = (cccd?: string) => levelsOf(a, row("f.xlsx", "CB01", "Lê Văn An", "12/03/1960", cccd === undefined ? {} : { cccd }))["cccd"]
    expect(at("160123456")).toBe("-")
    expect(at("036060001235")).toBe("oneEdit")
    expect(at("036060001243")).toBe("transposition")
    expect(at("036060009999")).toBe("else")
    expect(at()).toBe("-")
  })

  it("compares admission dates within 30 working days", () => {
    const adm = (d: string) => ({ admitted: { year: +d.slice(6), month: +d.slice(3, 5), day: +d.slice(0, 2) } })
    const a = member("A", "Lê Văn An", "12/03/1960", "CB01", adm("10/05/1985"))
    const at = (d: string) => levelsOf(a, row("f.xlsx", "CB01", "Lê Văn An", "12/03/1960", adm(d)))["admitted"]
    expect(at("10/05/1985")).toBe("exact")
    expect(at("14/06/1985")).toBe("daysWithin")
    expect(at("10/11/1985")).toBe("sameYear")
    expect(at("10/05/1990")).toBe("else")
  })

  it("compares hometowns written to a coarser level or with a typo", () => {
    const a = member("A", "Lê Văn An", "12/03/1960", "CB01", { hometown: "Hải Vân, Hải Hậu, Nam Định" })
    const at = (hometown: string) => levelsOf(a, row("f.xlsx", "CB01", "Lê Văn An", "12/03/1960", { hometown }))["hometown"]
    expect(at("Hai Van, Hai Hau, Nam Dinh")).toBe("exact")
    expect(at("Hải Vân, Hải Hậu, Nam Địnhh")).toBe("oneEdit")
    expect(at("Nam Định")).toBe("coarser")
    expect(at("Hai Van, Hai Hau, Nam Dihn")).toBe("transposition")
    expect(at("Hai Vn, Hai Hau, Nam Dinhh")).toBe("jw90")
    expect(at("Xuân Trường, Nam Định")).toBe("sameRegion")
    expect(at("Thái Bình")).toBe("else")
  })
})

describe("comparisons declared as data", () => {
  const rows = [row("a.xlsx", "CB01", "Nguyễn Văn Hùng", "12/03/1960", { cccd: "036060001234", hometown: "Nam Định" })]
  const cs = [{ ...central[0]!, hometown: "Nam Định" }, ...central.slice(1)]
  const score = (settings: Engine.MatchSettings) => {
    const r = runMatch({ members: cs, units, transfers: [] }, rows, settings)
    return Engine.explainPair(r.model, r.rows, 0, r.central, 0)
  }

  it("runs what the pipeline declares: removing a comparison removes its weight", () => {
    const all = score(s)
    const without = score({ ...s, comparisons: s.comparisons.filter((c) => c.name !== "hometown") })
    const hometown = all.parts.find((p) => p.comparison === "hometown")!
    expect(hometown.level).toBe("exact")
    expect(without.parts.some((p) => p.comparison === "hometown")).toBe(false)
    expect(without.weight).toBeCloseTo(all.weight - hometown.weight, 10)
  })

  it("re-levels a comparison without touching the engine", () => {
    const strict = s.comparisons.map((c) => (c.name === "birth" ? dateLevels("birth", { label: "Ngày sinh", weights: { exact: 9, else: -9 } }) : c))
    const w = score({ ...s, comparisons: strict })
    expect(w.parts.find((p) => p.comparison === "birth")).toMatchObject({ level: "exact", weight: 9 })
    const off = levelsOf(member("A", "Lê Văn An", "12/03/1960", "CB01"), row("f.xlsx", "CB01", "Lê Văn An", "1960", { birth: { year: 1960, month: null, day: null } }), strict)
    expect(off["birth"]).toBe("else")
  })

  it("refuses a declaration whose last level is not else", () => {
    expect(() => idLevels("cardNo", { label: "Số thẻ", weights: { exact: 10 } })).toThrow(/last level must be "else"/)
  })
})

describe("blocking", () => {
  it("counts candidate pairs per rule before building them and refuses past the budget with a suggestion", () => {
    const strings = new Engine.Interner()
    const c = Engine.prepare(central, parents, strings)
    const r = Engine.prepare([row("a.xlsx", "CB01", "Nguyễn Văn Hùng", "12/03/1960")], parents, strings)
    const blocks = Engine.block(r, c, s)
    expect(blocks.pairsPerRule["fullName+parentUnit"]).toBe(2)
    expect(blocks.pairsPerRule["givenName+birthDate"]).toBe(1)
    expect(blocks.totalPairs).toBe(2)
    expect(() => Engine.block(r, c, { ...s, maxCandidatePairs: 1 })).toThrow(/budget of 1.*stricter/)
  })

  it("puts Hoàng/Huỳnh and i/y spellings in the same block", () => {
    const strings = new Engine.Interner()
    const c = Engine.prepare(central, parents, strings)
    const r = Engine.prepare([row("a.xlsx", "CB01", "Huỳnh Văn Quí", "07/07/1970")], parents, strings)
    const blocks = Engine.block(r, c, { blocking: [Engine.blockOn("familyName", "givenName")], maxCandidatePairs: 10 })
    expect(Array.from(blocks.idx)).toEqual([4])
  })

  it("self-blocking yields each unordered pair once", () => {
    const strings = new Engine.Interner()
    const c = Engine.prepare(central, parents, strings)
    const blocks = Engine.block(c, c, { blocking: [Engine.blockOn("fullName"), Engine.blockOn("birthYear")], maxCandidatePairs: 100 }, true)
    expect(blocks.totalPairs).toBe(1)
    expect([blocks.idx[0], blocks.start[1]]).toEqual([1, 1])
  })
})

describe("linking (declared weights, sample-sized data)", () => {
  it("tells namesakes with the same birth year apart by birth date", () => {
    expect(linkOne(row("a.xlsx", "CB01", "NGUYỄN VĂN HÙNG", "12/03/1960"))).toBe("DV1")
    expect(linkOne(row("a.xlsx", "CB02", "Nguyen Van Hung", "05/11/1960"))).toBe("DV2")
  })

  it("links a name without diacritics, with old tone placement, a regional spelling or a year-only birth date", () => {
    expect(linkOne(row("a.xlsx", "CB01", "Tran Thi Thuy", "01/02/1975", { sex: "F" }))).toBe("DV3")
    expect(linkOne(row("a.xlsx", "CB01", "Trần Thị Thuỷ", "01/02/1975", { sex: "F" }))).toBe("DV3")
    expect(linkOne(row("a.xlsx", "CB01", "Huỳnh Văn Quí", "07/07/1970"))).toBe("DV5")
    expect(linkOne(row("a.xlsx", "CB03", "Lê Đức Thắng", null, { birth: { year: 1948, month: null, day: null } }))).toBe("DV4")
  })

  it("links on an identical CCCD despite a birth-date typo, but not on name and birth year alone", () => {
    expect(linkOne(row("a.xlsx", "CB01", "Nguyễn Văn Hùng", "21/03/1960", { cccd: "036060001234" }))).toBe("DV1")
    expect(linkOne(row("a.xlsx", "CB01", "Nguyễn Văn Hùng", "01/01/1960"))).toBe(null)
  })

  it("does not link a stranger, and keeps a close but insufficient candidate for review", () => {
    expect(linkOne(row("a.xlsx", "CB01", "Phạm Minh Tuấn", "03/04/1990"))).toBe(null)
  })

  it("links each member at most once per roster file, but across files freely", () => {
    const same = matchRows([row("a.xlsx", "CB03", "Lê Đức Thắng", "20/10/1948"), row("a.xlsx", "CB03", "Lê Đức Thắng", "20/10/1948")])
    expect([same.member(0), same.member(1)]).toEqual(["DV4", null])
    const two = matchRows([row("a.xlsx", "CB03", "Lê Đức Thắng", "20/10/1948"), row("b.xlsx", "CB03", "Lê Đức Thắng", "20/10/1948")])
    expect([two.member(0), two.member(1)]).toEqual(["DV4", "DV4"])
  })

  it("finds duplicate central records, clusters them into one person with a stable id", () => {
    const dup = [...central, member("DV9", "Nguyễn Văn Hừng", "12/03/1960", "CB02", { cccd: "036060001234" })]
    const m = matchRows([row("a.xlsx", "CB02", "Nguyễn Văn Hùng", "12/03/1960", { cccd: "036060001234" })], dup)
    expect(m.result.duplicates.map((p) => [dup[p.a]!.id, dup[p.b]!.id])).toEqual([["DV1", "DV9"]])
    const person = m.result.persons.find((p) => p.members.includes(0))!
    expect(person.personId).toBe("P-DV1")
    expect(person.members.map((j) => dup[j]!.id)).toEqual(["DV1", "DV9"])
    expect(person.rows).toEqual([0])
    expect(m.result.persons).toHaveLength(dup.length - 1)
  })
})

describe("explanation", () => {
  it("explains a score level by level, as weights that add up to it, in a Vietnamese sentence and a table", () => {
    const m = matchRows([row("a.xlsx", "CB01", "Nguyen Van Hung", "12/03/1960", { cccd: "036060001234" })])
    const w = Engine.explainPair(m.result.model, m.result.rows, 0, m.result.central, 0)
    expect(w.parts.map((p) => `${p.comparison}:${p.level}`)).toEqual(["family:folded", "middle:folded", "given:folded", "birth:exact", "sex:exact", "cccd:exact"])
    expect(w.weight).toBeCloseTo(w.parts.reduce((x, p) => x + p.weight, 0), 10)
    expect(w.probability).toBeCloseTo(m.result.links[0]!.score!, 10)
    expect(Engine.explainSentence(w)).toBe(
      "Độ tin cậy 100%: họ trùng khi bỏ dấu (+2,0), tên đệm trùng khi bỏ dấu (+1,0), tên trùng khi bỏ dấu (+3,0), ngày sinh trùng (+7,0), cùng giới tính (+0,5), số CCCD trùng (+12,0)."
    )
    expect(Engine.explainTable(w)).toMatch(/Số CCCD\s+số CCCD trùng\s+\+12,0\s+\+17,5/)
  })

  it("shows a name written the other way round with a typo and a mistyped hometown as their own levels", () => {
    const cs = [{ ...central[0]!, hometown: "Hải Vân, Hải Hậu, Nam Định" }, ...central.slice(1)]
    const m = matchRows([row("a.xlsx", "CB01", "Hùnh Văn Nguyễn", "12/03/1960", { hometown: "Hai Vn, Hai Hau, Nam Dinhh" })], cs)
    const w = Engine.explainPair(m.result.model, m.result.rows, 0, m.result.central, 0)
    expect(w.parts.map((p) => `${p.comparison}:${p.level}`)).toEqual(["family:crossedEdit", "middle:exact", "given:crossedEdit", "birth:exact", "sex:exact", "hometown:jw90"])
    const table = Engine.explainTable(w)
    expect(table).toMatch(/Họ\s+họ và tên viết đảo chỗ, sai một ký tự\s+\+0,5/)
    expect(table).toMatch(/Quê quán\s+quê quán gần giống \(sai vài ký tự\)\s+\+0,5/)
  })
})

describe("estimated model (synthetic province)", () => {
  const model = buildProvince({ members: 6_000, seed: 3 })
  const recs = provinceRecords(model)
  const result = runMatch(recs.central, recs.rows, s)

  it("self-blocking with anchors keeps exactly the pairs with an anchor, with their rule masks, and counts them before building", () => {
    const strings = new Engine.Interner()
    const c = Engine.prepare(recs.central.members, Engine.parentMap(recs.central.units), strings)
    // Every third record an anchor (as an index run anchors the province's own members).
    const anchors = Uint8Array.from({ length: c.n }, (_, i) => (i % 3 === 0 ? 1 : 0))
    const all = Engine.block(c, c, s, true)
    const some = Engine.block(c, c, s, true, anchors)
    const pairs = (b: Engine.Blocks) => {
      const out: Array<string> = []
      for (let i = 0; i < c.n; i++) for (let k = b.start[i]!; k < b.start[i + 1]!; k++) out.push(`${i}-${b.idx[k]}-${b.ruleMask[k]}`)
      return out
    }
    const expected = pairs(all).filter((p) => {
      const [i, j] = p.split("-").map(Number)
      return anchors[i!] === 1 || anchors[j!] === 1
    })
    expect(expected.length).toBeGreaterThan(100)
    expect(expected.length).toBeLessThan(all.totalPairs)
    expect(pairs(some)).toEqual(expected)
    expect(some.totalPairs).toBe(expected.length)
    // The per-rule counts (budget) are those of the anchored pairs: a budget between the two passes.
    const perRule = Object.values(some.pairsPerRule).reduce((a, b) => a + b, 0)
    expect(perRule).toBeLessThan(Object.values(all.pairsPerRule).reduce((a, b) => a + b, 0))
    expect(() => Engine.block(c, c, { ...s, maxCandidatePairs: perRule }, true, anchors)).not.toThrow()
    expect(() => Engine.block(c, c, { ...s, maxCandidatePairs: perRule }, true)).toThrow(/budget/)
    // Without self, anchors change nothing.
    expect(Engine.block(c, c, s, false, anchors).totalPairs).toBe(Engine.block(c, c, s, false).totalPairs)
  })

  it("runMatch with self anchors finds the duplicates with an anchor that the full run finds", () => {
    const anchors = Uint8Array.from(recs.central.members, (_, i) => (i % 2 === 0 ? 1 : 0))
    const anchored = runMatch(recs.central, recs.rows, s, undefined, anchors)
    const key = (d: Engine.CentralPair) => `${d.a}-${d.b}`
    const expected = result.duplicates.filter((d) => anchors[d.a] === 1 || anchors[d.b] === 1).map(key)
    expect(expected.length).toBeGreaterThan(0)
    expect(anchored.duplicates.map(key)).toEqual(expected)
    expect(anchored.selfBlocks.totalPairs).toBeLessThan(result.selfBlocks.totalPairs)
    // Row links do not depend on the central × central pairs.
    expect(anchored.links.map((l) => l.member)).toEqual(result.links.map((l) => l.member))
  })

  it("estimates u, m and the prior from the data and links almost every row correctly", () => {
    expect(result.model.estimated).toBe(true)
    const byId = (j: number) => recs.central.members[j]!.id
    let truePairs = 0
    let correct = 0
    let predicted = 0
    result.links.forEach((l, i) => {
      if (l.member >= 0) predicted++
      if (recs.truth[i] !== null) truePairs++
      if (l.member >= 0 && byId(l.member) === recs.truth[i]) correct++
    })
    expect(correct / predicted).toBeGreaterThanOrEqual(0.998)
    expect(correct / truePairs).toBeGreaterThanOrEqual(0.995)
  })

  it("learns that agreement on a unique identifier is strong, disagreement on the birth date, a card or the family name strong against, and duplicates rare", () => {
    const w = (c: string, l: string) => {
      const k = result.model.comparisons.findIndex((x) => x.name === c)
      return result.model.weights[k]![result.model.comparisons[k]!.levels.findIndex((x) => x.name === l)]!
    }
    expect(w("cccd", "exact")).toBeGreaterThan(10)
    expect(w("birth", "else")).toBeLessThan(-5)
    expect(w("cardNo", "else")).toBeLessThan(-5)
    expect(w("family", "else")).toBeLessThan(-3)
    expect(result.model.selfPriorLog2).toBeLessThan(result.model.priorLog2 - 5)
  })

  it.each(["family", "given"] as const)("weighs a frequent %s name less than a rare one (term frequencies per name part)", (part) => {
    const names = recs.central.members.map((m) => m.name[part])
    const count = new Map<string, number>()
    for (const n of names) count.set(n, (count.get(n) ?? 0) + 1)
    const frequent = names.indexOf([...count.entries()].sort((a, b) => b[1] - a[1])[0]![0])
    const rare = names.indexOf([...count.entries()].sort((a, b) => a[1] - b[1])[0]![0])
    const k = result.model.comparisons.findIndex((c) => c.name === part)
    const exactCode = result.model.layout.stride[k]! // this part "exact", every other comparison missing
    expect(Engine.tfAdjustment(result.model, exactCode, frequent)).toBeLessThan(Engine.tfAdjustment(result.model, exactCode, rare))
  })
})
