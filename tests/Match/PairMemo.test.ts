import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import { compileCoder, layoutOf, levelsOfPair } from "../../src/Match/Compare.js"
import * as Engine from "../../src/Match/Engine.js"
import { KeyTable, PairMemo, PART_LIMIT } from "../../src/Match/PairMemo.js"
import { buildProvince, provinceRecords } from "../../samples/generators/Province.js"

describe("PairMemo", () => {
  it("returns what was stored for an unordered pair, NaN for a pair never stored, whatever the growth and clearing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 })), { maxLength: 400 }),
        fc.integer({ min: 2, max: 64 }),
        (pairs, maxEntries) => {
          const memo = new PairMemo(16, maxEntries)
          const model = new Map<string, number>()
          const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`)
          for (const [a, b] of pairs) {
            const got = memo.lookup(a, b)
            // A cache: a miss is allowed after clearing, a wrong value never.
            if (!Number.isNaN(got)) expect(got).toBe(model.get(key(a, b)))
            else {
              const v = a * 1000 + b + 0.5
              const value = model.get(key(a, b)) ?? v
              memo.store(a, b, value)
              model.set(key(a, b), value)
              expect(memo.lookup(b, a)).toBe(value)
            }
            expect(memo.entries).toBeLessThanOrEqual(maxEntries)
          }
        }
      )
    )
  })

  it("never answers for a pair that was not stored", () => {
    const memo = new PairMemo(16)
    for (let a = 0; a < 100; a++) memo.store(a, a + 1, a)
    expect(memo.lookup(1, 3)).toBeNaN()
    expect(memo.lookup(2, 1)).toBe(1)
  })
})

describe("KeyTable", () => {
  it("numbers distinct keys densely and finds them again, as a Map of the key's parts would", () => {
    const part = fc.integer({ min: 0, max: PART_LIMIT - 1 })
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(0, 1, 7, PART_LIMIT - 1), part, fc.integer({ min: 0, max: 3 })), { maxLength: 500 }), (keys) => {
        const table = new KeyTable(4)
        const model = new Map<string, number>()
        for (const [a, b, c] of keys) {
          const id = table.id(a, b, c)
          const k = `${a}:${b}:${c}`
          if (!model.has(k)) model.set(k, model.size)
          expect(id).toBe(model.get(k))
        }
        for (const [a, b, c] of keys) expect(table.find(a, b, c)).toBe(model.get(`${a}:${b}:${c}`))
        expect(table.find(3, 3, 3) === -1 || model.has("3:3:3")).toBe(true)
        expect(table.size).toBe(model.size)
        // Emptied for the next rule: no key is found, numbering starts again at 0.
        table.reset()
        for (const [a, b, c] of keys) expect(table.find(a, b, c)).toBe(-1)
        if (keys.length > 0) expect(table.id(keys[0]![0], keys[0]![1], keys[0]![2])).toBe(0)
      })
    )
  })
})

/** Both sides of a generated province, prepared as the engine prepares them, and the annual pipeline's settings. */
const preparedProvince = (members: number, seed: number) => {
  const recs = provinceRecords(buildProvince({ members, seed }))
  const parents = Engine.parentMap(recs.central.units)
  const strings = new Engine.Interner()
  return {
    s: annualRosterMatching.match,
    central: Engine.prepare(recs.central.members, parents, strings),
    rows: Engine.prepare(recs.rows, parents, strings)
  }
}

describe("the memoised coder", () => {
  it("gives every candidate pair of a generated province the levels computed pair by pair without memo", () => {
    const { s, central, rows } = preparedProvince(600, 5)
    const blocks = Engine.block(rows, central, s)
    const layout = layoutOf(s.comparisons)
    const coder = compileCoder(s.comparisons, layout, rows, central)
    let compared = 0
    for (let i = 0; i < rows.n; i++) {
      for (let k = blocks.start[i]!; k < blocks.start[i + 1]!; k++) {
        const j = blocks.idx[k]!
        const expected = levelsOfPair(s.comparisons, rows, i, central, j).reduce((acc, l, x) => acc + (l + 1) * layout.stride[x]!, 0)
        expect(coder(i, j)).toBe(expected)
        compared++
      }
    }
    expect(compared).toBeGreaterThan(500)
  })
})

describe("blocking groups (typed hash table) against ruleKey", () => {
  it("pairs exactly the records whose rule keys are equal, caps included, rule by rule", () => {
    const { s, central, rows } = preparedProvince(400, 6)
    for (const rule of s.blocking) {
      const blocks = Engine.block(rows, central, { blocking: [rule], maxCandidatePairs: 1e9 })
      const got = new Set<string>()
      for (let i = 0; i < rows.n; i++) for (let k = blocks.start[i]!; k < blocks.start[i + 1]!; k++) got.add(`${i},${blocks.idx[k]}`)
      const size = new Map<string | number, number>()
      const keys = Array.from({ length: central.n }, (_, j) => Engine.ruleKey(central, j, rule))
      for (const k of keys) if (k !== null) size.set(k, (size.get(k) ?? 0) + 1)
      const expected = new Set<string>()
      for (let i = 0; i < rows.n; i++) {
        const ki = Engine.ruleKey(rows, i, rule)
        if (ki === null || (rule.maxGroup !== undefined && (size.get(ki) ?? 0) > rule.maxGroup)) continue
        for (let j = 0; j < central.n; j++) if (keys[j] === ki) expected.add(`${i},${j}`)
      }
      expect(got.size, rule.name).toBe(expected.size)
      for (const p of expected) expect(got.has(p), `${rule.name} ${p}`).toBe(true)
      expect(blocks.pairsPerRule[rule.name]).toBe(expected.size)
    }
  })
})

describe("ruleContributions", () => {
  it("counts, per rule, the accepted pairs it generates and those no other rule generates", () => {
    const rules = [Engine.blockOn("cccd"), Engine.blockOn("cardNo"), Engine.blockOn("birthDate")]
    // Left 0 pairs right 0 (rules 0 and 1) and right 1 (rule 2); left 1 pairs right 1 (rule 2).
    const blocks: Engine.Blocks = {
      start: Int32Array.from([0, 2, 3]),
      idx: Int32Array.from([0, 1, 1]),
      ruleMask: Uint16Array.from([0b011, 0b100, 0b100]),
      pairsPerRule: { cccd: 1, cardNo: 1, birthDate: 2 },
      totalPairs: 3
    }
    const got = Engine.ruleContributions(blocks, rules, [[0, 0], [1, 1]])
    expect(got).toEqual([
      { rule: "cccd", pairs: 1, accepted: 1, share: 0.5, only: 0 },
      { rule: "cardNo", pairs: 1, accepted: 1, share: 0.5, only: 0 },
      { rule: "birthDate", pairs: 2, accepted: 1, share: 0.5, only: 1 }
    ])
  })
})
