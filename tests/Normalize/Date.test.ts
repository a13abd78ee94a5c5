import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { PartialDate } from "../../src/Domain.js"
import {
  datesAgree,
  dayNumber,
  daysInMonth,
  formatDate,
  isoDate,
  parseDate,
  partialDate,
  sameDate
} from "../../src/Normalize/Date.js"

const d = (year: number, month: number | null = null, day: number | null = null): PartialDate => ({ year, month, day })

const fullDate: fc.Arbitrary<PartialDate> = fc
  .record({ year: fc.integer({ min: 1890, max: 2100 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => d(year, month, Math.min(day, daysInMonth(year, month))))

const ok = (value: PartialDate | null, ambiguous = false) => ({ ok: true, value, ambiguous })

describe("parseDate: blanks, Date objects and numbers", () => {
  it.each([null, undefined, "", "   ", "-", "Chưa có"])("%j is blank", (v) => {
    expect(parseDate(v)).toEqual(ok(null))
  })

  it("reads a Date by its UTC fields (exceljs gives UTC midnight)", () => {
    expect(parseDate(new Date(Date.UTC(1965, 2, 12)))).toEqual(ok(d(1965, 3, 12)))
    expect(parseDate(new Date(Date.UTC(1965, 2, 12, 23, 59)))).toEqual(ok(d(1965, 3, 12)))
    expect(parseDate(new Date(Number.NaN)).ok).toBe(false)
    expect(parseDate(new Date(Date.UTC(1850, 0, 1))).ok).toBe(false)
  })

  it.each([
    [1948, d(1948)],
    [1900, d(1900)],
    [2100, d(2100)],
    [1, d(1900, 1, 1)],
    [59, d(1900, 2, 28)],
    [61, d(1900, 3, 1)],
    [23813, d(1965, 3, 12)],
    [23813.75, d(1965, 3, 12)],
    [45658, d(2025, 1, 1)],
    [73050, d(2099, 12, 31)]
  ])("number %j", (n, expected) => {
    expect(parseDate(n)).toEqual(ok(expected))
  })

  it.each([0, -5, 60, 73051, 1e9, Number.NaN, Number.POSITIVE_INFINITY])("rejects number %j", (n) => {
    const r = parseDate(n)
    expect(r.ok).toBe(false)
  })

  it("rejects serial 60, Excel's fictitious 29/02/1900, saying so", () => {
    const r = parseDate(60)
    expect(r.ok === false && r.reason).toContain("29/02/1900")
  })

  it("rejects other types with a reason", () => {
    expect(parseDate(true)).toEqual({ ok: false, reason: 'Không đọc được ngày: "true"' })
  })
})

describe("parseDate: text", () => {
  it.each([
    ["12/03/1965", d(1965, 3, 12), true],
    ["16/02/2016", d(2016, 2, 16), false],
    ["30.04.2008", d(2008, 4, 30), false],
    ["5-9-1970", d(1970, 9, 5), true],
    ["05/05/1970", d(1970, 5, 5), false],
    ["1/2/65", d(1965, 2, 1), true],
    ["25/12/65", d(1965, 12, 25), false],
    ["25/12/03", d(2003, 12, 25), false],
    ["12/25/1965", d(1965, 12, 25), true],
    ["29/02/1964", d(1964, 2, 29), false],
    [" 12 / 03 / 1965 ", d(1965, 3, 12), true],
    ["25/12/1965 00:00:00", d(1965, 12, 25), false],
    ["1948", d(1948), false],
    ["00/00/1948", d(1948), false],
    ["0/0/1948", d(1948), false],
    ["00/05/1948", d(1948, 5), false],
    ["05/1948", d(1948, 5), false],
    ["5.1948", d(1948, 5), false],
    ["1965-03-12", d(1965, 3, 12), false],
    ["1965-3-2", d(1965, 3, 2), false],
    ["1965-03-12T00:00:00Z", d(1965, 3, 12), false],
    ["1965/03/12", d(1965, 3, 12), false],
    ["1965-03", d(1965, 3), false],
    ["Năm 1948", d(1948), false],
    ["năm 1948", d(1948), false],
    ["sinh năm 1948", d(1948), false],
    ["Sinh năm: 1948", d(1948), false],
    ["NS 1948", d(1948), false],
    ["ngày 12 tháng 3 năm 1965", d(1965, 3, 12), true],
    ["Ngày 25 tháng 12 năm 1965", d(1965, 12, 25), false],
    ["tháng 3 năm 1965", d(1965, 3), false]
  ])("%j", (text, value, ambiguous) => {
    expect(parseDate(text)).toEqual(ok(value, ambiguous))
  })

  it.each([
    ["31/02/1965", 'Ngày không hợp lệ: "31/02/1965" (tháng 2 không có ngày 31)'],
    ["29/02/1965", 'Ngày không hợp lệ: "29/02/1965" (tháng 2 năm 1965 không có ngày 29)'],
    ["31/04/1970", 'Ngày không hợp lệ: "31/04/1970" (tháng 4 không có ngày 31)'],
    ["02/31/1965", 'Ngày không hợp lệ: "02/31/1965" (tháng 2 không có ngày 31)'],
    ["45/13/1970", 'Ngày không hợp lệ: "45/13/1970" (không có tháng 13)'],
    ["13/13/1970", 'Ngày không hợp lệ: "13/13/1970" (không có tháng 13)'],
    ["00/13/1970", 'Ngày không hợp lệ: "00/13/1970" (không có tháng 13)'],
    ["12/03/1850", 'Ngày không hợp lệ: "12/03/1850" (năm 1850 nằm ngoài khoảng 1890–2100)'],
    ["1889", 'Ngày không hợp lệ: "1889" (năm 1889 nằm ngoài khoảng 1890–2100)'],
    ["2101", 'Ngày không hợp lệ: "2101" (năm 2101 nằm ngoài khoảng 1890–2100)'],
    ["1965-02-30", 'Ngày không hợp lệ: "1965-02-30" (tháng 2 không có ngày 30)'],
    ["13/1965", 'Ngày không hợp lệ: "13/1965" (không có tháng 13)'],
    ["abc", 'Không đọc được ngày: "abc"'],
    ["12/03", 'Không đọc được ngày: "12/03"'],
    ["12/03/196", 'Không đọc được ngày: "12/03/196"'],
    ["  khoảng 1965 ", 'Không đọc được ngày: "khoảng 1965"']
  ])("rejects %j", (text, reason) => {
    expect(parseDate(text)).toEqual({ ok: false, reason })
  })

  it("rejects a day with month 0", () => {
    const r = parseDate("15/00/1948")
    expect(r.ok).toBe(false)
  })

  it("reads two-digit years relative to the current year", () => {
    const yy = new Date().getUTCFullYear() % 100
    const past = String((yy + 1) % 100).padStart(2, "0")
    const now = String(yy).padStart(2, "0")
    const p = parseDate(`15/06/${past}`)
    const n = parseDate(`15/06/${now}`)
    expect(p.ok && p.value?.year).toBe(yy === 99 ? 2000 : 1900 + yy + 1)
    expect(n.ok && n.value?.year).toBe(2000 + yy)
  })
})

describe("parseDate properties", () => {
  it("parseDate(formatDate(d)) = d for valid full dates", () => {
    fc.assert(
      fc.property(fullDate, (date) => {
        const r = parseDate(formatDate(date))
        return r.ok && sameDate(r.value, date)
      })
    )
  })

  it("parseDate(isoDate(d)) = d and a UTC Date gives d back", () => {
    fc.assert(
      fc.property(fullDate, (date) => {
        const a = parseDate(isoDate(date))
        const b = parseDate(new Date(Date.UTC(date.year, date.month! - 1, date.day!)))
        return a.ok && sameDate(a.value, date) && b.ok && sameDate(b.value, date)
      })
    )
  })

  it("formats and parses partial dates", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1890, max: 2100 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const y = parseDate(formatDate(d(year)))
        const m = parseDate(formatDate(d(year, month)))
        return y.ok && sameDate(y.value, d(year)) && m.ok && sameDate(m.value, d(year, month))
      })
    )
  })

  it("Excel serials ≥ 61 count days from 1899-12-30", () => {
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 73050 }), (serial) => {
        fc.pre(serial < 1900 || serial > 2100) // those integers are years
        const r = parseDate(serial)
        return r.ok && r.value !== null && dayNumber(r.value) === serial - 25569
      })
    )
  })

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.date({ noInvalidDate: false })), (v) => {
        const r = parseDate(v)
        return r.ok ? r.value === null || (r.value.year >= 1890 && r.value.year <= 2100) : r.reason.length > 0
      })
    )
  })
})

describe("formatting and comparing", () => {
  it.each([
    [d(1965, 3, 2), "02/03/1965", "1965-03-02"],
    [d(1948, 5), "05/1948", "1948-05"],
    [d(1948), "1948", "1948"]
  ])("%j", (date, vn, iso) => {
    expect(formatDate(date)).toBe(vn)
    expect(isoDate(date)).toBe(iso)
  })

  it("dayNumber counts from 1970-01-01, only for full dates", () => {
    expect(dayNumber(d(1970, 1, 1))).toBe(0)
    expect(dayNumber(d(1970, 1, 2))).toBe(1)
    expect(dayNumber(d(1969, 12, 31))).toBe(-1)
    expect(dayNumber(d(1965, 3))).toBeNull()
    expect(dayNumber(d(1965))).toBeNull()
  })

  it("sameDate compares all parts", () => {
    expect(sameDate(d(1965, 3, 12), d(1965, 3, 12))).toBe(true)
    expect(sameDate(d(1965, 3, 12), d(1965, 3))).toBe(false)
    expect(sameDate(null, null)).toBe(true)
    expect(sameDate(d(1965), null)).toBe(false)
  })

  it.each([
    [d(1965, 3, 12), d(1965, 3, 12), "EXACT"],
    [d(1948), d(1948), "EXACT"],
    [d(1948, 5), d(1948, 5), "EXACT"],
    [d(1965, 3, 12), d(1965, 12, 3), "SWAPPED"],
    [d(1965), d(1965, 3, 12), "COMPATIBLE"],
    [d(1965, 3, 12), d(1965), "COMPATIBLE"],
    [d(1965, 3), d(1965, 3, 12), "COMPATIBLE"],
    [d(1965, 3, 12), d(1965, 3, 20), "SAME_MONTH_YEAR"],
    [d(1965, 3), d(1965, 4, 1), "SAME_YEAR"],
    [d(1965, 3, 12), d(1965, 7, 1), "SAME_YEAR"],
    [d(1965, 3, 12), d(1966, 3, 12), "YEAR_PLUS_MINUS_1"],
    [d(1965), d(1964), "YEAR_PLUS_MINUS_1"],
    [d(1965, 3, 12), d(1970, 3, 12), "DIFFERENT"]
  ] as const)("datesAgree(%j, %j) = %s", (a, b, expected) => {
    expect(datesAgree(a, b)).toBe(expected)
  })

  it("datesAgree is symmetric and EXACT on itself", () => {
    const anyDate = fc.oneof(fullDate, fullDate.map((x) => d(x.year, x.month)), fullDate.map((x) => d(x.year)))
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => datesAgree(a, b) === datesAgree(b, a) && datesAgree(a, a) === "EXACT")
    )
  })
})

describe("partialDate: one shared object per date", () => {
  it("gives the same object for the same date, read from any form", () => {
    const a = parseDate("16/02/2016")
    const b = parseDate("16.02.2016")
    expect(a.ok && b.ok && a.value !== null && a.value === b.value).toBe(true)
    expect(partialDate(1948, null, null)).toBe(partialDate(1948, null, null))
    expect(partialDate(1948, 5, null)).toBe(partialDate(1948, 5, null))
  })

  it("keeps every combination of year, month and day apart, null and out-of-table values included", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1700, max: 2300 }),
        fc.option(fc.integer({ min: 0, max: 13 })),
        fc.option(fc.integer({ min: 0, max: 32 })),
        (year, month, day) => {
          const x = partialDate(year, month, day)
          expect(x).toEqual({ year, month, day })
          // Asked again, the same value (shared or not); a year, month or day off by one, another.
          expect(partialDate(year, month, day)).toEqual(x)
          expect(partialDate(year + 1, month, day)).not.toEqual(x)
          expect(partialDate(year, month === null ? 1 : null, day)).not.toEqual(x)
          expect(partialDate(year, month, day === null ? 1 : null)).not.toEqual(x)
        }
      )
    )
  })
})
