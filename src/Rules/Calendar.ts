/**
 * Vietnamese working-day calendar: weekends, public holidays of Bộ luật Lao động 2019 Điều 112
 * (1/1; Tết Nguyên Đán, 5 days; Giỗ Tổ Hùng Vương 10/3 lunar; 30/4; 1/5; 2/9 and an adjacent day),
 * compensatory days when a solar holiday falls on a weekend, plus user-supplied extra holidays
 * and swapped working days. Dates are day numbers (days since 1970-01-01, UTC).
 *
 * The lunar conversion is Hồ Ngọc Đức's published algorithm (timezone UTC+7), which is what
 * Vietnamese calendars use (Vietnam's Tết can differ from China's by a day).
 */

const PI = Math.PI

const jdFromDate = (dd: number, mm: number, yy: number): number => {
  const a = Math.floor((14 - mm) / 12)
  const y = yy + 4800 - a
  const m = mm + 12 * a - 3
  let jd = dd + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 32045
  if (jd < 2299161) jd = dd + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083
  return jd
}

const newMoon = (k: number): number => {
  const T = k / 1236.85
  const T2 = T * T
  const T3 = T2 * T
  const dr = PI / 180
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * dr)
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3
  let C1 = (0.1734 - 0.000393 * T) * Math.sin(M * dr) + 0.0021 * Math.sin(2 * dr * M)
  C1 = C1 - 0.4068 * Math.sin(Mpr * dr) + 0.0161 * Math.sin(dr * 2 * Mpr)
  C1 = C1 - 0.0004 * Math.sin(dr * 3 * Mpr)
  C1 = C1 + 0.0104 * Math.sin(dr * 2 * F) - 0.0051 * Math.sin(dr * (M + Mpr))
  C1 = C1 - 0.0074 * Math.sin(dr * (M - Mpr)) + 0.0004 * Math.sin(dr * (2 * F + M))
  C1 = C1 - 0.0004 * Math.sin(dr * (2 * F - M)) - 0.0006 * Math.sin(dr * (2 * F + Mpr))
  C1 = C1 + 0.001 * Math.sin(dr * (2 * F - Mpr)) + 0.0005 * Math.sin(dr * (2 * Mpr + M))
  const deltat =
    T < -11
      ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
      : -0.000278 + 0.000265 * T + 0.000262 * T2
  return jd1 + C1 - deltat
}

const sunLongitude = (jdn: number): number => {
  const T = (jdn - 2451545.0) / 36525
  const T2 = T * T
  const dr = PI / 180
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(dr * M)
  DL = DL + (0.019993 - 0.000101 * T) * Math.sin(dr * 2 * M) + 0.00029 * Math.sin(dr * 3 * M)
  let L = (L0 + DL) * dr
  L = L - PI * 2 * Math.floor(L / (PI * 2))
  return L
}

const TZ = 7
const sunSector = (dayNumber: number): number => Math.floor((sunLongitude(dayNumber - 0.5 - TZ / 24) / PI) * 6)
const newMoonDay = (k: number): number => Math.floor(newMoon(k) + 0.5 + TZ / 24)

const lunarMonth11 = (yy: number): number => {
  const off = jdFromDate(31, 12, yy) - 2415021
  const k = Math.floor(off / 29.530588853)
  const nm = newMoonDay(k)
  return sunSector(nm) >= 9 ? newMoonDay(k - 1) : nm
}

const leapMonthOffset = (a11: number): number => {
  const k = Math.floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
  let last = 0
  let i = 1
  let arc = sunSector(newMoonDay(k + i))
  do {
    last = arc
    i++
    arc = sunSector(newMoonDay(k + i))
  } while (arc !== last && i < 14)
  return i - 1
}

const JD_UNIX_EPOCH = 2440588

/** The day number (days since 1970-01-01) of a non-leap lunar date in the given lunar year. */
export const lunarToDayNumber = (lunarDay: number, lunarMonth: number, lunarYear: number): number => {
  const [a11, b11] =
    lunarMonth < 11
      ? [lunarMonth11(lunarYear - 1), lunarMonth11(lunarYear)]
      : [lunarMonth11(lunarYear), lunarMonth11(lunarYear + 1)]
  const k = Math.floor(0.5 + (a11 - 2415021.076998695) / 29.530588853)
  let off = lunarMonth - 11
  if (off < 0) off += 12
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11)
    if (off >= leapOff) off += 1
  }
  return newMoonDay(k + off) + lunarDay - 1 - JD_UNIX_EPOCH
}

export const dayNumberOf = (year: number, month: number, day: number): number => Math.floor(Date.UTC(year, month - 1, day) / 86_400_000)

export const dateOfDayNumber = (n: number): { year: number; month: number; day: number } => {
  const d = new Date(n * 86_400_000)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

export const isoOfDayNumber = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10)

export interface CalendarSettings {
  /** Extra days off (ISO dates), e.g. a bridge day the Government announced. */
  readonly extraHolidays: ReadonlyArray<string>
  /** Weekend days declared working days (ISO dates), e.g. to make up for a bridge day. */
  readonly extraWorkingDays: ReadonlyArray<string>
  /** Which day next to 2/9 is off, per year; default: 1/9 (the Government decides yearly). */
  readonly nationalDayAdjacent?: Readonly<Record<string, "01-09" | "03-09">>
}

const isWeekend = (n: number): boolean => {
  const dow = (n + 4) % 7 // 1970-01-01 was a Thursday (4)
  return dow === 0 || dow === 6
}

/** The public holidays of a year as day numbers, compensatory days included. */
export const holidaysOf = (year: number, settings: CalendarSettings): Set<number> => {
  const days = new Set<number>()
  const adjacent = settings.nationalDayAdjacent?.[String(year)] ?? "01-09"
  const solar = [
    dayNumberOf(year, 1, 1),
    dayNumberOf(year, 4, 30),
    dayNumberOf(year, 5, 1),
    dayNumberOf(year, 9, 2),
    dayNumberOf(year, 9, adjacent === "01-09" ? 1 : 3)
  ]
  const hungKings = lunarToDayNumber(10, 3, year)
  const tet = lunarToDayNumber(1, 1, year)
  const fixed = [...solar, hungKings]
  for (const d of fixed) days.add(d)
  // Tết: the last day of the lunar year and the first four days of the new one.
  for (let d = tet - 1; d <= tet + 3; d++) days.add(d)
  // A holiday on a weekend is compensated by the next working day (Điều 111–112).
  for (const d of [...fixed].sort((a, b) => a - b)) {
    if (!isWeekend(d)) continue
    let c = d + 1
    while (isWeekend(c) || days.has(c)) c++
    days.add(c)
  }
  return days
}

/** A working-day calculator; holiday sets are computed once per year and cached. */
export const makeCalendar = (settings: CalendarSettings) => {
  const cache = new Map<number, Set<number>>()
  const extraOff = new Set(settings.extraHolidays.map((s) => dayNumberOf(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10))))
  const extraOn = new Set(settings.extraWorkingDays.map((s) => dayNumberOf(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10))))
  const holidays = (year: number): Set<number> => {
    let h = cache.get(year)
    if (h === undefined) {
      h = holidaysOf(year, settings)
      cache.set(year, h)
    }
    return h
  }
  const isWorkingDay = (n: number): boolean => {
    if (extraOn.has(n)) return true
    if (extraOff.has(n) || isWeekend(n)) return false
    return !holidays(dateOfDayNumber(n).year).has(n)
  }
  /** The day on which `count` working days after `from` (not counting `from` itself) have elapsed. */
  const addWorkingDays = (from: number, count: number): number => {
    let n = from
    let left = count
    while (left > 0) {
      n++
      if (isWorkingDay(n)) left--
    }
    return n
  }
  return { isWorkingDay, addWorkingDays }
}
export type Calendar = ReturnType<typeof makeCalendar>
