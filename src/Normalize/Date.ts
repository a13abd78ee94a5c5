/**
 * Dates as they appear in rosters and the central export: real spreadsheet dates, Excel serials,
 * bare years, and text typed day-first ("16/02/2016", "30.04.2008", "00/00/1948", "sinh năm 1948").
 * domain.md §5.1, §6.4, §8 item 4. Text is always read day-first; a reading that depended on the
 * order (both parts ≤ 12) or that was only possible month-first is flagged ambiguous.
 */
import type { PartialDate } from "../Domain.js"
import { fold, isBlank } from "./Text.js"

export type DateResult =
  | { readonly ok: true; readonly value: PartialDate | null; readonly ambiguous: boolean }
  | { readonly ok: false; readonly reason: string }

export const MIN_YEAR = 1890
export const MAX_YEAR = 2100

/** Upper end of the serials accepted: 73050 is 2099-12-31 (serial 73051 would read as a year-like 2100-01-01). */
const MAX_SERIAL = 73050
const MS_PER_DAY = 86_400_000
/** Day number (since 1970-01-01) of 1899-12-30, the epoch that works for serials ≥ 61. */
const EXCEL_EPOCH_DAY = Date.UTC(1899, 11, 30) / MS_PER_DAY

/** Two-digit years above this are 19yy, others 20yy; taken once at load. */
const CURRENT_YY = new Date().getUTCFullYear() % 100

const NONE: DateResult = { ok: true, value: null, ambiguous: false }

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
export const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!

/**
 * One shared object per distinct date: a province's records repeat a few tens of thousands of birth
 * and admission dates, and an object per field and record was ~48 bytes × 3 per record (measured at
 * 1M members: ~130 MB of the records held while matching). Dates are immutable (`readonly`), so
 * sharing is invisible to their readers. Years outside the table's range get their own object.
 */
const SHARED_MIN_YEAR = 1800
const SHARED_YEARS = 400
/** Per year (from SHARED_MIN_YEAR), 13 × 32 slots by month and day, allocated when first used. */
const sharedDates: Array<Array<PartialDate | undefined> | undefined> = new Array(SHARED_YEARS)
export const partialDate = (year: number, month: number | null, day: number | null): PartialDate => {
  const y = year - SHARED_MIN_YEAR
  // Slot 0 of month and day stands for null: only null, 1–12 and 1–31 are shared.
  const shareable =
    Number.isInteger(year) && y >= 0 && y < SHARED_YEARS &&
    (month === null ? day === null : Number.isInteger(month) && month >= 1 && month <= 12 && (day === null || (Number.isInteger(day) && day >= 1 && day <= 31)))
  if (!shareable) return { year, month, day }
  let ofYear = sharedDates[y]
  if (ofYear === undefined) sharedDates[y] = ofYear = new Array<PartialDate | undefined>(13 * 32)
  const slot = (month ?? 0) * 32 + (day ?? 0)
  let shared = ofYear[slot]
  if (shared === undefined) ofYear[slot] = shared = { year, month, day }
  return shared
}

const full = (year: number, month: number, day: number): PartialDate => partialDate(year, month, day)
const okValue = (value: PartialDate, ambiguous = false): DateResult => ({ ok: true, value, ambiguous })
const invalid = (shown: string, why: string): DateResult => ({
  ok: false,
  reason: `Ngày không hợp lệ: "${shown}" (${why})`
})
const unreadable = (shown: string): DateResult => ({ ok: false, reason: `Không đọc được ngày: "${shown}"` })

const yearOutOfRange = (y: number): boolean => y < MIN_YEAR || y > MAX_YEAR
const rangeReason = (y: number): string => `năm ${y} nằm ngoài khoảng ${MIN_YEAR}–${MAX_YEAR}`

const fromDayNumber = (days: number): PartialDate => {
  const d = new Date(days * MS_PER_DAY)
  return full(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

/** Excel 1900 date system: serial 1 = 1900-01-01; serial 60 is the non-existent 1900-02-29. */
const fromSerial = (n: number): DateResult => {
  const serial = Math.floor(n)
  if (serial === 60) return invalid(String(n), "số ngày Excel 60 là ngày 29/02/1900, không có thật")
  const day = serial < 60 ? EXCEL_EPOCH_DAY + serial + 1 : EXCEL_EPOCH_DAY + serial
  return okValue(fromDayNumber(day))
}

const expandYear = (digits: string): number => {
  const y = Number(digits)
  if (digits.length !== 2) return y
  return y > CURRENT_YY ? 1900 + y : 2000 + y
}

/**
 * Day-first reading of two numbers with a year; month-first only when day-first is impossible.
 * `a`/`b` are the first and second number as typed.
 */
const dayMonth = (shown: string, a: number, b: number, year: number): DateResult => {
  if (yearOutOfRange(year)) return invalid(shown, rangeReason(year))
  if (a === 0 && b === 0) return okValue(partialDate(year, null, null))
  if (a === 0) {
    if (b <= 12) return okValue(partialDate(year, b, null))
    return invalid(shown, `không có tháng ${b}`)
  }
  if (b === 0) return invalid(shown, "tháng 0 không có; nếu không rõ ngày tháng hãy ghi 00/00/năm")
  if (b <= 12 && a <= daysInMonth(year, b)) return okValue(full(year, b, a), a <= 12 && a !== b)
  if (a <= 12 && b <= daysInMonth(year, a)) return okValue(full(year, a, b), true)
  if (b <= 12) return invalid(shown, monthLacksDay(year, b, a))
  if (a <= 12 && b <= 31) return invalid(shown, monthLacksDay(year, a, b))
  return invalid(shown, `không có tháng ${b}`)
}

const monthLacksDay = (year: number, month: number, day: number): string =>
  month === 2 && day === 29 ? `tháng 2 năm ${year} không có ngày 29` : `tháng ${month} không có ngày ${day}`

const checkYmd = (shown: string, y: number, m: number, d: number): DateResult => {
  if (yearOutOfRange(y)) return invalid(shown, rangeReason(y))
  if (m < 1 || m > 12) return invalid(shown, `không có tháng ${m}`)
  if (d < 1 || d > daysInMonth(y, m)) return invalid(shown, monthLacksDay(y, m, d))
  return okValue(full(y, m, d))
}

const monthYear = (shown: string, m: number, y: number): DateResult => {
  if (yearOutOfRange(y)) return invalid(shown, rangeReason(y))
  if (m === 0) return okValue(partialDate(y, null, null))
  if (m > 12) return invalid(shown, `không có tháng ${m}`)
  return okValue(partialDate(y, m, null))
}

const yearOnly = (shown: string, y: number): DateResult =>
  yearOutOfRange(y) ? invalid(shown, rangeReason(y)) : okValue(partialDate(y, null, null))

// Patterns run on the folded text (lowercase, no diacritics), so "Năm"/"nam"/"NĂM" all match.
const SEP = String.raw`\s*[/.\-]\s*`
const TIME = String.raw`(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?`
const RE_DMY = new RegExp(String.raw`^(\d{1,2})${SEP}(\d{1,2})${SEP}(\d{4}|\d{2})${TIME}$`)
const RE_YMD = new RegExp(String.raw`^(\d{4})${SEP}(\d{1,2})${SEP}(\d{1,2})${TIME}$`)
const RE_MY = new RegExp(String.raw`^(\d{1,2})${SEP}(\d{4})$`)
const RE_YM = /^(\d{4})-(\d{1,2})$/
const RE_Y = /^(?:(?:sinh\s+)?nam|ns|sinh)?\s*:?\s*(\d{4})$/
const RE_WORDS = /^(?:ngay\s*(\d{1,2})\s*,?\s*)?thang\s*(\d{1,2})\s*,?\s*nam\s*(\d{4}|\d{2})$/

const parseText = (raw: string): DateResult => {
  const shown = raw.trim()
  if (isBlank(shown)) return NONE
  const s = fold(shown)
  let m = RE_DMY.exec(s)
  if (m !== null) return dayMonth(shown, Number(m[1]), Number(m[2]), expandYear(m[3]!))
  m = RE_YMD.exec(s)
  if (m !== null) return checkYmd(shown, Number(m[1]), Number(m[2]), Number(m[3]))
  m = RE_Y.exec(s)
  if (m !== null) return yearOnly(shown, Number(m[1]))
  m = RE_MY.exec(s)
  if (m !== null) return monthYear(shown, Number(m[1]), Number(m[2]))
  m = RE_YM.exec(s)
  if (m !== null) return monthYear(shown, Number(m[2]), Number(m[1]))
  m = RE_WORDS.exec(s)
  if (m !== null) {
    const year = expandYear(m[3]!)
    if (m[1] === undefined) return monthYear(shown, Number(m[2]), year)
    return dayMonth(shown, Number(m[1]), Number(m[2]), year)
  }
  return unreadable(shown)
}

/**
 * Reads a date cell. Blank (or a placeholder such as "-", "Chưa có") → ok with null. A JS Date (exceljs gives UTC midnight) → full date by
 * its UTC fields. A number: an integer 1900–2100 is a year, another number in 1..73050 an Excel
 * serial. Text: dd/mm/yyyy (separators / . -, 1–2 digit day and month, 2 or 4 digit year),
 * yyyy, mm/yyyy, 00/00/yyyy and 0/0/yyyy (year only), 00/mm/yyyy, yyyy-mm-dd, "Năm 1948",
 * "sinh năm 1948", "ngày 5 tháng 3 năm 1965". Impossible dates are rejected with a reason in
 * Vietnamese naming the value.
 */
export const parseDate = (v: unknown): DateResult => {
  if (v === null || v === undefined) return NONE
  if (typeof v === "string") return parseText(v)
  if (v instanceof Date) {
    const t = v.getTime()
    if (Number.isNaN(t)) return { ok: false, reason: "Không đọc được ngày: ô chứa ngày không hợp lệ" }
    const y = v.getUTCFullYear()
    const d = full(y, v.getUTCMonth() + 1, v.getUTCDate())
    return yearOutOfRange(y) ? invalid(formatDate(d), rangeReason(y)) : okValue(d)
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return unreadable(String(v))
    if (Number.isInteger(v) && v >= 1900 && v <= MAX_YEAR) return okValue(partialDate(v, null, null))
    if (v >= 1 && v < MAX_SERIAL + 1) return fromSerial(v)
    return unreadable(String(v))
  }
  return unreadable(String(v))
}

const pad2 = (n: number): string => (n < 10 ? "0" + n : String(n))
const pad4 = (n: number): string => String(n).padStart(4, "0")

/** Vietnamese display: "dd/mm/yyyy", "mm/yyyy" or "yyyy". */
export const formatDate = (d: PartialDate): string => {
  if (d.month === null) return pad4(d.year)
  if (d.day === null) return `${pad2(d.month)}/${pad4(d.year)}`
  return `${pad2(d.day)}/${pad2(d.month)}/${pad4(d.year)}`
}

/** ISO 8601 (reduced precision when partial): "yyyy-mm-dd", "yyyy-mm" or "yyyy". */
export const isoDate = (d: PartialDate): string => {
  if (d.month === null) return pad4(d.year)
  if (d.day === null) return `${pad4(d.year)}-${pad2(d.month)}`
  return `${pad4(d.year)}-${pad2(d.month)}-${pad2(d.day)}`
}

/** Days since 1970-01-01 for a full date; null when the day or month is unknown. */
export const dayNumber = (d: PartialDate): number | null => {
  if (d.month === null || d.day === null) return null
  return Date.UTC(d.year, d.month - 1, d.day) / MS_PER_DAY
}

/** Equal year, month and day (unknown parts equal only to unknown). Two nulls are the same. */
export const sameDate = (a: PartialDate | null, b: PartialDate | null): boolean => {
  if (a === null || b === null) return a === b
  return a.year === b.year && a.month === b.month && a.day === b.day
}

export type DateAgreement =
  | "EXACT"
  | "SWAPPED"
  | "COMPATIBLE"
  | "SAME_MONTH_YEAR"
  | "SAME_YEAR"
  | "YEAR_PLUS_MINUS_1"
  | "DIFFERENT"

/**
 * How two dates agree, best level first. EXACT: same date at the same precision. SWAPPED: day and
 * month exchanged (a day-first/month-first mix-up). COMPATIBLE: one side is less precise and they
 * agree on all that both know ("1948" vs "12/03/1948"). Then same month and year, same year,
 * years one apart, different.
 */
export const datesAgree = (a: PartialDate, b: PartialDate): DateAgreement => {
  const aMonth = a.month
  const bMonth = b.month
  const aDay = aMonth === null ? null : a.day
  const bDay = bMonth === null ? null : b.day
  if (a.year === b.year) {
    if (aMonth === bMonth && aDay === bDay) return "EXACT"
    if (aDay !== null && bDay !== null && aDay === bMonth && aMonth === bDay) return "SWAPPED"
    if (aMonth === null || bMonth === null) return "COMPATIBLE"
    if (aMonth === bMonth) return aDay === null || bDay === null ? "COMPATIBLE" : "SAME_MONTH_YEAR"
    return "SAME_YEAR"
  }
  return Math.abs(a.year - b.year) === 1 ? "YEAR_PLUS_MINUS_1" : "DIFFERENT"
}
