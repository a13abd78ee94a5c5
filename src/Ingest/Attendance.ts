/**
 * Monthly attendance and dues columns of a roster (T1…T12, "Tháng 1"…, "Đảng phí T1"…), pure.
 * Cells are read as marks: có mặt (x, c, có mặt), vắng có lý do (v, p, vắng có lý do), vắng không lý
 * do (k, kp, vắng không lý do), miễn (m, miễn); dues as paid (x, đã đóng, an amount) or unpaid (0, k,
 * chưa đóng). A mark that cannot be read is a problem for the rejection / warning list, never guessed.
 */
import type { AttendanceMark, MonthAttendance } from "../Domain.js"

/** Column index (0-based, as in the row's cell array) per month, index 0 = January; null = no column. */
export interface AttendanceColumns {
  readonly presence: ReadonlyArray<number | null>
  readonly dues: ReadonlyArray<number | null>
}

/** Lowercase, no diacritics, đ → d, spaces collapsed: "Tháng  01" → "thang 01". */
const fold = (s: string): string =>
  s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim()

const MONTH = /^(?:t|th|thang)\s*\.?\s*(\d{1,2})$/
const DUES_PREFIX = /^(?:dang phi|dp|d\.phi|phi)\s*(?:thang)?\s*[-:.]?\s*/
const PRESENCE_PREFIX = /^(?:sinh hoat|sh|du sinh hoat|diem danh)\s*(?:thang)?\s*[-:.]?\s*/

const monthOf = (s: string): number | null => {
  const m = MONTH.exec(s) ?? /^(\d{1,2})$/.exec(s)
  if (m === null) return null
  const n = Number(m[1])
  return n >= 1 && n <= 12 ? n : null
}

/** One header cell (with the group header above it, for two-row headers): which month of what, if any. */
export const classifyHeader = (
  text: string | null,
  group: string | null = null
): { readonly kind: "presence" | "dues"; readonly month: number } | null => {
  if (text === null) return null
  const t = fold(text)
  const g = group === null ? "" : fold(group)
  const duesGroup = DUES_PREFIX.test(g) && g.replace(DUES_PREFIX, "") === ""
  const presenceGroup = PRESENCE_PREFIX.test(g) && g.replace(PRESENCE_PREFIX, "") === ""
  if (DUES_PREFIX.test(t)) {
    const month = monthOf(t.replace(DUES_PREFIX, ""))
    return month === null ? null : { kind: "dues", month }
  }
  const rest = PRESENCE_PREFIX.test(t) ? t.replace(PRESENCE_PREFIX, "") : t
  // A bare number is a month only under a "Sinh hoạt" / "Đảng phí" group header (else it is the 1, 2, 3 … index row).
  const month = MONTH.test(rest) ? monthOf(rest) : duesGroup || presenceGroup ? monthOf(rest) : null
  if (month === null) return null
  return { kind: duesGroup ? "dues" : "presence", month }
}

/**
 * Attendance columns of a header row; `groups` is the row above it with merged cells repeated
 * across their span (two-row headers). Null when fewer than 3 months of attendance are found:
 * a roster with one "T1" column is more likely something else.
 */
/** classifyHeader by text and group: every sheet of a province repeats the same header labels. */
const classifyMemo = new Map<string, ReturnType<typeof classifyHeader>>()
const classifyHeaderMemo = (text: string | null, group: string | null): ReturnType<typeof classifyHeader> => {
  if (text === null) return null
  const key = group === null ? `${text}\u0001` : `${text}\u0001\u0002${group}`
  let c = classifyMemo.get(key)
  if (c === undefined) {
    c = classifyHeader(text, group)
    if (classifyMemo.size >= 4096) classifyMemo.clear()
    classifyMemo.set(key, c)
  }
  return c
}

export const detectAttendanceColumns = (
  headers: ReadonlyArray<string | null>,
  groups: ReadonlyArray<string | null> = []
): AttendanceColumns | null => {
  const presence: Array<number | null> = Array.from({ length: 12 }, () => null)
  const dues: Array<number | null> = Array.from({ length: 12 }, () => null)
  headers.forEach((h, i) => {
    const c = classifyHeaderMemo(h, groups[i] ?? null)
    if (c === null) return
    const target = c.kind === "presence" ? presence : dues
    if (target[c.month - 1] === null) target[c.month - 1] = i
  })
  const months = presence.filter((x) => x !== null).length + dues.filter((x) => x !== null).length
  return months >= 3 ? { presence, dues } : null
}

const MARKS = new Map<string, AttendanceMark>([
  ...["x", "c", "co", "co mat", "cm", "✓", "✔", "+"].map((k) => [k, "PRESENT"] as const),
  ...["v", "p", "cp", "vcl", "vcld", "co ly do", "vang co ly do", "vang co phep"].map((k) => [k, "EXCUSED"] as const),
  ...["k", "kp", "vk", "vkl", "vkld", "khong ly do", "vang khong ly do", "vang khong phep"].map((k) => [k, "UNEXCUSED"] as const),
  ...["m", "mien", "msh", "mien sh", "mien sinh hoat"].map((k) => [k, "EXEMPT"] as const)
])

/** A presence mark; null for a blank cell, undefined when not understood. */
export const parseMark = (value: unknown): AttendanceMark | null | undefined => {
  if (value === null || value === undefined) return null
  const t = fold(String(value))
  if (t === "") return null
  return MARKS.get(t)
}

const PAID = new Set(["x", "co", "d", "da dong", "dong", "✓", "✔", "+"])
const UNPAID = new Set(["0", "k", "khong", "chua", "chua dong", "kd", "no"])

/** A dues cell; null for blank, undefined when not understood. An amount above zero is paid. */
export const parseDues = (value: unknown): boolean | null | undefined => {
  if (value === null || value === undefined) return null
  if (typeof value === "number") return value > 0
  const t = fold(String(value))
  if (t === "") return null
  if (PAID.has(t)) return true
  if (UNPAID.has(t)) return false
  const amount = Number(t.replace(/[.,\s]/g, "").replace(/d$/, ""))
  return Number.isFinite(amount) && /\d/.test(t) ? amount > 0 : undefined
}

export interface AttendanceProblem {
  /** Index of the cell in the row (0-based), for the caller to name the column. */
  readonly columnIndex: number
  readonly reason: string
}

/** The 14 possible months as shared, frozen values: a province's rosters hold millions of months. */
const MONTHS = new Map<string, MonthAttendance>()
const sharedMonth = (mark: AttendanceMark | null, duesPaid: boolean | null): MonthAttendance => {
  const key = `${mark}:${duesPaid}`
  let m = MONTHS.get(key)
  if (m === undefined) {
    m = Object.freeze({ mark, duesPaid })
    MONTHS.set(key, m)
  }
  return m
}

/**
 * A row's attendance (12 months, null where both cells are blank) and the cells that could not be
 * read (the month is then unknown, not counted as absence).
 */
export const readAttendance = (
  cells: ReadonlyArray<unknown>,
  columns: AttendanceColumns
): { readonly attendance: Array<MonthAttendance | null>; readonly problems: Array<AttendanceProblem> } => {
  const problems: Array<AttendanceProblem> = []
  const attendance = Array.from({ length: 12 }, (_, m): MonthAttendance | null => {
    const pc = columns.presence[m] ?? null
    const dc = columns.dues[m] ?? null
    let mark = pc === null ? null : parseMark(cells[pc])
    let duesPaid = dc === null ? null : parseDues(cells[dc])
    if (mark === undefined) {
      problems.push({
        columnIndex: pc!,
        reason: `Tháng ${m + 1}: không hiểu ký hiệu "${String(cells[pc!])}"; ghi x (có mặt), v (vắng có lý do), ` +
          `k (vắng không lý do) hoặc m (miễn sinh hoạt).`
      })
      mark = null
    }
    if (duesPaid === undefined) {
      problems.push({
        columnIndex: dc!,
        reason: `Đảng phí tháng ${m + 1}: không hiểu "${String(cells[dc!])}"; ghi x hoặc số tiền (đã đóng), 0 (chưa đóng).`
      })
      duesPaid = null
    }
    return mark === null && duesPaid === null ? null : sharedMonth(mark, duesPaid)
  })
  return { attendance, problems }
}
