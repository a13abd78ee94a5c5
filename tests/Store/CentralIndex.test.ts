/**
 * The national index's keys and key sort. The import keys records straight from the parsed
 * members (recordKeys); runs key their roster rows and members from the prepared match columns
 * (stableKey over Engine.prepare). The two must agree on every key, or the index would miss
 * candidates: checked on the sample central and on generated records with the awkward cases
 * (regional surnames, qu-y/qu-i, one-word names, missing dates and ids, doubled letters).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "effect/FastCheck"
import { sample } from "../../pipelines/sample.js"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import type { CentralMember, PartialDate } from "../../src/Domain.js"
import { readCentral } from "../../src/Ingest/Central.js"
import type { BlockKey } from "../../src/Match/Engine.js"
import { Interner, parentMap, prepare } from "../../src/Match/Engine.js"
import { parseName } from "../../src/Normalize/Text.js"
import { decodeMember, encodeMember, encodeMemberJson, hash53, recordKeys, signaturesOf, stableKey } from "../../src/Store/CentralIndex.js"
import { forEachBatch, KeyRuns } from "../../src/Store/KeySort.js"

const ALL_KEYS: ReadonlyArray<BlockKey> = [
  "cccd", "cardNo", "familyName", "middleName", "givenName", "fullName", "nameSkeleton", "initials", "birthYear", "birthDate", "hometown", "sex", "admittedDate"
]

/** Every key list a pipeline may declare that the index stores: each key alone, and pairs with the dates. */
const SIGNATURES: ReadonlyArray<string> = [
  ...ALL_KEYS,
  ...ALL_KEYS.flatMap((k) => (["birthDate", "birthYear", "givenName"] as const).filter((d) => d !== k).map((d) => `${k}+${d}`)),
  ...signaturesOf(sample.match.blocking),
  ...signaturesOf(annualRosterMatching.match.blocking)
]

/** The keys as a run computes them: from the prepared side, signature by signature. */
const viaSide = (members: ReadonlyArray<CentralMember>, signatures: ReadonlyArray<string>) => {
  const strings = new Interner()
  const side = prepare(members, parentMap([]), strings)
  const keys: Array<number> = []
  const record: Array<number> = []
  for (let i = 0; i < members.length; i++) {
    for (const sig of signatures) {
      const k = stableKey(side, strings, i, sig, sig.split("+") as Array<BlockKey>)
      if (k !== null) {
        keys.push(k)
        record.push(i)
      }
    }
  }
  return { keys, record }
}

const expectSameKeys = (members: ReadonlyArray<CentralMember>) => {
  const direct = recordKeys(members, SIGNATURES)
  const side = viaSide(members, SIGNATURES)
  expect([...direct.record]).toEqual(side.record)
  expect([...direct.keys]).toEqual(side.keys)
}

const NAMES = [
  "Nguyễn Văn An", "Huỳnh Thị Quý", "Hoàng Thị Quí", "Võ Văn Lỹ", "Vũ Văn Lĩ", "Trần Mỹ", "Đặng Thị Nga",
  "Lê", "Phạm Thị Thuỳ Linh", "Nguyễn Hữu Hùng Hùng", "Ngô Ttthảo", "Bùi Văn Nnam", "Kim Ngọc Tỵ", "Đỗ Thị Ý"
]

const memberArb: fc.Arbitrary<CentralMember> = fc.record({
  name: fc.constantFrom(...NAMES),
  birth: fc.option(fc.record({ year: fc.integer({ min: 1930, max: 2005 }), month: fc.option(fc.integer({ min: 1, max: 12 })), day: fc.option(fc.integer({ min: 1, max: 28 })) })),
  admitted: fc.option(fc.record({ year: fc.integer({ min: 1950, max: 2025 }), month: fc.option(fc.integer({ min: 1, max: 12 })), day: fc.option(fc.integer({ min: 1, max: 28 })) })),
  sex: fc.option(fc.constantFrom("M" as const, "F" as const)),
  hometown: fc.option(fc.constantFrom("Nam Định", "Xã Hải Hậu, Nam Định", "Thành phố Hồ Chí Minh", "Huế")),
  cccd: fc.option(fc.stringMatching(/^0\d{11}$/)),
  cardNo: fc.option(fc.stringMatching(/^\d{8}$/))
}).map((r) => ({
  id: "X",
  name: parseName(r.name)!,
  // A day without a month does not occur (the parser gives a month with every day).
  birth: r.birth === null ? null : ({ ...r.birth, day: r.birth.month === null ? null : r.birth.day } as PartialDate),
  sex: r.sex,
  hometown: r.hometown,
  cccd: r.cccd,
  cardNo: r.cardNo,
  admitted: r.admitted === null ? null : ({ ...r.admitted, day: r.admitted.month === null ? null : r.admitted.day } as PartialDate),
  official: null,
  unitCode: "U1",
  status: "ACTIVE" as const,
  sourceRow: 2
}))

describe("recordKeys", () => {
  it("hashes a key's text fed in parts to hash53 of the whole text", () => {
    const members = [{ ...fc.sample(memberArb, 1)[0]!, cccd: "036085001234" }]
    const k = recordKeys(members, ["cccd"])
    expect(k.keys[0]).toBe(hash53("cccd\u0001c036085001234"))
  })

  it.prop("equals the keys a run computes from the prepared side, for every key", [fc.array(memberArb, { minLength: 1, maxLength: 40 })], ([members]) => {
    expectSameKeys(members)
  })

  it("equals them when a key's number is negative (initials of letters past U+7FFF overflow 32 bits)", () => {
    const m = fc.sample(memberArb, 1)[0]!
    expectSameKeys([{ ...m, name: { ...m.name, family: "龍", given: "鳳" } }])
  })

  it.effect("equals them on the sample central, for both pipelines' rules", () =>
    Effect.gen(function*() {
      const c = yield* readCentral("samples/central.xlsx")
      expect(c.data.members.length).toBeGreaterThan(100)
      expectSameKeys(c.data.members)
    }))
})

describe("encodeMember", () => {
  /** Texts JSON must escape: quotes, backslashes, controls, a lone surrogate, an emoji (a pair). */
  const nasty = fc.constantFrom("", "Nguyễn \"Tư\"", "a\\b", "tab\there", "line\nbreak", "\u0001x", "\ud800", "x\udfff", "😀 Hà", "Đỗ")
  it.prop("writes the text JSON.stringify gives, and decodeMember reads the member back", [fc.array(fc.tuple(memberArb, nasty, nasty, fc.option(nasty)), { minLength: 1, maxLength: 30 })], ([rows]) => {
    for (const [m0, a, b, c] of rows) {
      const m: CentralMember = { ...m0, id: a + "1", name: { ...m0.name, display: b + m0.name.display, middle: a }, hometown: c, unitCode: b }
      expect(encodeMember(m)).toBe(encodeMemberJson(m))
      expect(decodeMember(encodeMember(m))).toEqual(m)
    }
  })

  it.effect("writes the same text as JSON.stringify for every member of the sample central", () =>
    Effect.gen(function*() {
      const c = yield* readCentral("samples/central.xlsx")
      for (const m of c.data.members) expect(encodeMember(m)).toBe(encodeMemberJson(m))
    }))
})

describe("KeyRuns", () => {
  const sorted = (runs: KeyRuns) => {
    const out: Array<[number, number]> = []
    forEachBatch(runs.sort(), 7, (values, rows) => {
      for (let r = 0; r < rows; r++) out.push([values[r * 2]!, values[r * 2 + 1]!])
    })
    return out
  }

  it.prop(
    "sorts keys below 2^53 by key, members of one key in the order added",
    [fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.maxSafeNat()), { maxLength: 60 }), { maxLength: 6 })],
    ([provinces]) => {
      const runs = new KeyRuns()
      const expected: Array<[number, number]> = []
      let first = 1
      for (const keys of provinces) {
        // Several keys per member, as a province adds them: member i has keys 2i and 2i+1 of the list.
        const record = new Int32Array(keys.length).map((_, k) => k >> 1)
        runs.add(new Float64Array(keys), record, first)
        keys.forEach((k: number, x: number) => expected.push([k, first + (x >> 1)]))
        first += keys.length
      }
      expected.sort((a, b) => a[0] - b[0] || a[1] - b[1])
      expect(sorted(runs)).toEqual(expected)
    }
  )

  it("keeps a large group of one key in member order among other keys of its bucket", () => {
    const runs = new KeyRuns()
    const big = 2 ** 40 + 5
    const keys = [...Array.from({ length: 300 }, () => big), big + 1, big - 1, 2 ** 40 + 4294967295, 2 ** 40]
    runs.add(new Float64Array(keys), new Int32Array(keys.map((_, i) => i)), 10)
    const out = sorted(runs)
    expect(out.map((r) => r[0])).toEqual([...keys].sort((a, b) => a - b))
    expect(out.filter((r) => r[0] === big).map((r) => r[1])).toEqual(Array.from({ length: 300 }, (_, i) => 10 + i))
  })
})
