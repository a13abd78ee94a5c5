import { describe, expect, it } from "vitest"
import { dayNumberOf, isoOfDayNumber, lunarToDayNumber, makeCalendar } from "../../src/Rules/Calendar.js"

describe("lunar calendar", () => {
  // Published Vietnamese calendar dates of Tết Nguyên Đán and Giỗ Tổ Hùng Vương.
  it.each([
    [2020, "2020-01-25", "2020-04-02"],
    [2023, "2023-01-22", "2023-04-29"],
    [2024, "2024-02-10", "2024-04-18"],
    [2025, "2025-01-29", "2025-04-07"],
    [2026, "2026-02-17", "2026-04-26"]
  ])("%d: Tết %s, Giỗ Tổ %s", (year, tet, hung) => {
    expect(isoOfDayNumber(lunarToDayNumber(1, 1, year))).toBe(tet)
    expect(isoOfDayNumber(lunarToDayNumber(10, 3, year))).toBe(hung)
  })
})

describe("working days", () => {
  const cal = makeCalendar({ extraHolidays: [], extraWorkingDays: [] })
  const d = (iso: string) => dayNumberOf(+iso.slice(0, 4), +iso.slice(5, 7), +iso.slice(8, 10))

  it("skips weekends and holidays", () => {
    expect(cal.isWorkingDay(d("2026-04-30"))).toBe(false)
    expect(cal.isWorkingDay(d("2026-05-01"))).toBe(false)
    expect(cal.isWorkingDay(d("2026-05-02"))).toBe(false) // Saturday
    expect(cal.isWorkingDay(d("2026-05-04"))).toBe(true)
    expect(cal.isWorkingDay(d("2026-02-16"))).toBe(false) // the day before Tết
    expect(cal.isWorkingDay(d("2026-02-20"))).toBe(false) // mùng 4
    expect(cal.isWorkingDay(d("2026-02-23"))).toBe(true)
  })

  it("counts 30 working days across Tết", () => {
    // 5 Jan 2026: 19 working days left in January, then 6–13 Feb, then Tết (16–20 Feb).
    expect(isoOfDayNumber(cal.addWorkingDays(d("2026-01-05"), 30))).toBe("2026-02-23")
  })

  it("compensates a holiday that falls on a weekend", () => {
    // 2/9/2023 was a Saturday.
    expect(cal.isWorkingDay(d("2023-09-04"))).toBe(false)
  })

  it("honours user-supplied extra holidays and working days", () => {
    const custom = makeCalendar({ extraHolidays: ["2026-05-04"], extraWorkingDays: ["2026-05-09"] })
    expect(custom.isWorkingDay(d("2026-05-04"))).toBe(false)
    expect(custom.isWorkingDay(d("2026-05-09"))).toBe(true)
  })
})
