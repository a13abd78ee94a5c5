import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { compareIds, dateDigitsEditKind, digitsEditKind, editDistance, editKind, isTransposition, jaro, jaroWinkler, withinOneEdit } from "../../src/Match/Similarity.js"

describe("jaroWinkler", () => {
  it.each([
    ["martha", "marhta", 0.9611],
    ["dwayne", "duane", 0.84],
    ["dixon", "dicksonx", 0.8133],
    ["nguyen van hung", "nguyen van hung", 1],
    ["hung", "", 0]
  ])("%s ~ %s = %d", (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3)
  })

  it("is symmetric, bounded and 1 on equal strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        const x = jaroWinkler(a, b)
        expect(x).toBeGreaterThanOrEqual(0)
        expect(x).toBeLessThanOrEqual(1 + 1e-12)
        expect(Math.abs(x - jaroWinkler(b, a))).toBeLessThan(1e-12)
        expect(jaroWinkler(a, a)).toBe(1)
      })
    )
  })

  it("never scores below plain Jaro", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
        expect(jaroWinkler(a, b)).toBeGreaterThanOrEqual(jaro(a, b) - 1e-12)
      })
    )
  })
})

describe("compareIds", () => {
  it.each([
    ["079065001234", "079065001234", "EXACT"],
    ["079065001234", "079065001243", "ONE_EDIT"],
    ["079065001234", "079065001299", "DIFFERENT"],
    ["00123456", "0123456", "ONE_EDIT"],
    ["00123456", "00213456", "ONE_EDIT"],
    ["12345678", "87654321", "DIFFERENT"]
  ] as const)("%s vs %s is %s", (a, b, level) => {
    expect(compareIds(a, b)).toBe(level)
  })

  it("detects every adjacent transposition and is symmetric", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4,12}$/), fc.nat(), (s, k) => {
        const i = k % (s.length - 1)
        if (s[i] === s[i + 1]) return
        const t = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)
        expect(isTransposition(s, t)).toBe(true)
        expect(compareIds(s, t)).toBe("ONE_EDIT")
        expect(compareIds(t, s)).toBe("ONE_EDIT")
      })
    )
  })
})

describe("withinOneEdit", () => {
  it("agrees with edit distance ≤ 1 or one adjacent transposition, and is symmetric", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{0,9}$/), fc.stringMatching(/^[0-9]{0,9}$/), (a, b) => {
        const expected = editDistance(a, b) <= 1 || isTransposition(a, b)
        expect(withinOneEdit(a, b)).toBe(expected)
        expect(withinOneEdit(b, a)).toBe(expected)
      })
    )
  })

  it("accepts every single-character mutation of an identifier", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8,12}$/), fc.nat(), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 2 }), (s, k, d, op) => {
        const i = k % s.length
        const t = op === 0 ? s.slice(0, i) + d + s.slice(i + 1) : op === 1 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + d + s.slice(i)
        expect(withinOneEdit(s, t)).toBe(true)
      })
    )
  })

  it.each([
    ["12345678", "12345687", true],
    ["12345678", "21345687", false],
    ["123", "1234", true],
    ["123", "12345", false],
    ["1234", "1324", true],
    ["1234", "1432", false]
  ] as const)("%s vs %s: %s", (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected)
  })
})

describe("editKind and dateDigitsEditKind", () => {
  it.each([
    ["12345678", "12345678", 0],
    ["12345678", "12345679", 1],
    ["12345678", "1234567", 1],
    ["12345678", "12354678", 2],
    ["12345678", "21345687", 3]
  ] as const)("%s vs %s: %d", (a, b, k) => {
    expect(editKind(a, b)).toBe(k)
  })

  it("agrees with edit distance and transposition, and is symmetric", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 8 }), fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 8 }), (a, b) => {
        const k = editKind(a, b)
        expect(editKind(b, a)).toBe(k)
        if (k === 0) expect(a).toBe(b)
        if (k === 1) expect(editDistance(a, b)).toBe(1)
        if (k === 2) expect(isTransposition(a, b)).toBe(true)
        if (k === 3) expect(editDistance(a, b) >= 2 && !isTransposition(a, b)).toBe(true)
      })
    )
  })

  it("classifies full dates as editKind classifies their yyyymmdd digits", () => {
    const day = fc.record({ y: fc.integer({ min: 1900, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
    const text = (x: { y: number; m: number; d: number }) => `${x.y}${String(x.m).padStart(2, "0")}${String(x.d).padStart(2, "0")}`
    fc.assert(
      fc.property(day, day, fc.nat(7), (a, b, swap) => {
        // Half the time, b is a with two adjacent digits swapped or one digit changed.
        const s = text(a).split("")
        if (swap % 2 === 0) [s[swap], s[swap + 1]] = [s[swap + 1]!, s[swap]!]
        else s[swap] = String((+s[swap]! + 1) % 10)
        for (const other of [text(b), s.join("")]) {
          const o = { y: +other.slice(0, 4), m: +other.slice(4, 6), d: +other.slice(6, 8) }
          expect(dateDigitsEditKind(a.y, a.m, a.d, o.y, o.m, o.d)).toBe(editKind(text(a), other))
        }
      })
    )
  })
})

describe("digitsEditKind", () => {
  it("agrees with editKind on digit strings of the same length (leading zeros included)", () => {
    const digits = (n: number) => fc.array(fc.constantFrom(..."0123456789".split("")), { minLength: n, maxLength: n }).map((a) => a.join(""))
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }).chain((n) => fc.tuple(digits(n), digits(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 3 }))),
        ([a, b0, pos, how]) => {
          // Half the cases are one edit away from a: a digit changed, or two neighbours swapped.
          const b =
            how === 0 ? b0 :
            how === 1 ? a.slice(0, pos) + String((Number(a[pos]) + 1) % 10) + a.slice(pos + 1) :
            how === 2 && pos + 1 < a.length ? a.slice(0, pos) + a[pos + 1] + a[pos] + a.slice(pos + 2) :
            a
          expect(digitsEditKind(Number(a), Number(b), a.length)).toBe(editKind(a, b))
        }
      )
    )
  })
})
