/**
 * The member fields, declared once (style.md: one declaration per vocabulary). Each field says
 * the header words that find its column in a roster, its header and SQLite column in the central
 * export, how a value is parsed, whether it is required, and what a bad value costs. Roster rows
 * (Roster.ts `extractSheet`) and central rows (Central.ts `parseCentral`) are decoded by the same
 * loop, `decodeFields`, over this list; a new column is one entry here.
 *
 * What a bad value costs: the field, never the row, unless the field is required. In a roster only
 * the name is required; in the central export the id, name, unit code and status are. A value that
 * does not read is left null and a warning names the column and the value.
 *
 * Parsers are plain functions (no Effect: they run once per cell of 100k-row files).
 */
import type { MemberStatus, PartialDate, PersonName, Sex } from "../Domain.js"
import * as DateP from "../Normalize/Date.js"
import * as Ids from "../Normalize/Ids.js"
import * as Text from "../Normalize/Text.js"
import { type CellValue, cellText } from "./Grid.js"

/** What a field's column holds, once parsed. */
export interface FieldValues {
  readonly stt: string
  readonly name: PersonName
  readonly birth: PartialDate
  readonly sexMale: CellValue
  readonly sexFemale: CellValue
  readonly sex: Sex
  readonly hometown: string
  readonly cccd: string
  readonly cardNo: string
  readonly lyLich: string
  readonly admitted: PartialDate
  readonly official: PartialDate
  readonly unitCode: string
  readonly note: string
  readonly kind: string
  readonly memberId: string
  readonly status: MemberStatus
}
export type FieldKey = keyof FieldValues

/**
 * A value that does not read, with the reason naming the value. Parsers return the value itself
 * (null when blank) or a Bad: the bad value is the rare case and the only one that allocates
 * (wrapping every parsed value in a result object cost a fifth of the extraction time in GC).
 */
export class Bad {
  constructor(readonly reason: string) {}
}

/** What a parser is given besides the value, and where its remarks go. */
export interface ParseContext {
  /** What the column's other values show (surveyed on first use). */
  readonly facts: ColumnFacts
  readonly env: DecodeEnv
  /** A remark on a value that reads (a date that may have day and month swapped). */
  readonly note: (remark: string) => void
  /** A number cell's lost leading zeros were put back (reported once per column, see restoredWarning). */
  readonly restored: () => void
}

/** What the other values of a column show, surveyed once per sheet before its rows are decoded. */
export interface ColumnFacts {
  /** Some date of the column is day-first beyond doubt (first number > 12) and none is month-first. */
  readonly dayFirst: boolean
  /**
   * The column's values show the identifier's width: its longest value has 7 or 8 digits for a card
   * (8, or 8 less the one leading zero every number of a card series starting with 0 loses), 8, 9,
   * 11 or 12 for a CCCD/CMND.
   */
  readonly fullWidth: boolean
}

/** What a run knows that a value is checked against. */
export interface DecodeEnv {
  /** The as-of date as a day number (DateP.dayNumber); no date after it is plausible. Null: not checked. */
  readonly asOfDay: number | null
  /** The same date as yyyymmdd, compared with `earliest` (computed once, not per cell). */
  readonly asOfYmd: number | null
}

export const NO_FACTS: ColumnFacts = { dayFirst: false, fullWidth: false }
export const NO_ENV: DecodeEnv = { asOfDay: null, asOfYmd: null }

const ignore = () => {}
/** A context for parsers whose remarks nobody needs (a value parsed outside a column). */
export const contextOf = (env: DecodeEnv = NO_ENV, facts: ColumnFacts = NO_FACTS, note: (remark: string) => void = ignore, restored: () => void = ignore): ParseContext => ({
  facts,
  env,
  note,
  restored
})

export interface FieldDecl<K extends FieldKey> {
  readonly key: K
  /** The Vietnamese name used in messages, and the central export's header. */
  readonly label: string
  /** Folded header spellings that find the column in a roster (Header.ts); empty: not read from rosters. */
  readonly words: ReadonlyArray<string>
  /** SQLite column of the central import; null: not in the central export. */
  readonly centralColumn: string | null
  /** A blank or bad value rejects the row (otherwise it costs the field). */
  readonly required: boolean
  /** Which survey of the column the parser uses. */
  readonly survey: "dates" | "cardWidth" | "idWidth" | null
  readonly parse: (v: CellValue, cx: ParseContext) => FieldValues[K] | null | Bad
}

// ---------------------------------------------------------------------------------------------
// Parsers

const shown = (v: CellValue): string => cellText({ value: v, font: null })
const bad = (reason: string): Bad => new Bad(reason)

const firstLine = (s: string): string => s.split(/\r?\n/).find((l) => l.trim() !== "") ?? ""

const text = (v: CellValue): string | null => {
  if (v === null) return null
  const t = Text.clean(typeof v === "string" ? v : shown(v))
  return t === "" ? null : t
}

/** Mẫu 7-HSĐV stacks "Họ và tên / Họ và tên khai sinh" in one cell: the first line is the name in use. */
const personName = (v: CellValue): PersonName | null | Bad => {
  if (v === null) return null
  const t = typeof v === "string" ? (v.includes("\n") ? firstLine(v) : v) : shown(v)
  if (t.trim() === "") return null
  const name = Text.parseName(t)
  return name === null ? bad(`Họ và tên "${Text.clean(t)}" không đọc được thành tên người`) : name
}

/** Mẫu 7-HSĐV column 3 stacks "Nam\nKinh\nKhông": sex is the first line. */
const sex = (v: CellValue): Sex | null | Bad => {
  if (v === null) return null
  const t = Text.clean(shown(v).split(/\r?\n/)[0]!)
  if (t === "") return null
  const s = Ids.parseSex(t)
  return s === null ? bad(`Giới tính "${t}" không đọc được`) : s
}

/** No member was born (or admitted) before 1900: such a year is a typing error. */
export const MIN_PLAUSIBLE_YEAR = 1900

/** The first day a partial date can mean, as a comparable number yyyymmdd. */
export const earliest = (d: PartialDate): number => d.year * 10000 + (d.month ?? 1) * 100 + (d.day ?? 1)
/** The last day a partial date can mean, as yyyymmdd (day 31 is fine for ordering). */
export const latest = (d: PartialDate): number => d.year * 10000 + (d.month ?? 12) * 100 + (d.day ?? 31)

const ymdOfDay = (day: number): number => {
  const d = new Date(day * 86_400_000)
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()
}

/** A date column: any date the parser reads, from 1900 up to the as-of date. */
const date = (what: string) => (v: CellValue, cx: ParseContext): PartialDate | null | Bad => {
  if (v === null) return null
  const r = DateP.parseDate(v)
  if (!r.ok) return bad(`${what}: ${r.reason}`)
  const d = r.value
  if (d === null) return null
  const env = cx.env
  if (d.year < MIN_PLAUSIBLE_YEAR) return bad(`${what} "${shown(v)}": năm ${d.year} trước năm ${MIN_PLAUSIBLE_YEAR}, không thể đúng`)
  if (env.asOfDay !== null && env.asOfYmd !== null && earliest(d) > env.asOfYmd) {
    return bad(`${what} "${shown(v)}" sau ngày đối chiếu ${DateP.formatDate(dateOfDay(env.asOfDay))}, không thể đúng`)
  }
  // Day-first evidence in the column settles a reading whose day is ≤ 12 (surveyed only when asked).
  if (r.ambiguous && !(d.day !== null && d.day <= 12 && cx.facts.dayFirst)) {
    cx.note(`${what} "${shown(v)}" có thể bị đảo ngày và tháng; đã đọc là ${DateP.formatDate(d)}`)
  }
  return d
}

const dateOfDay = (day: number): PartialDate => {
  const d = new Date(day * 86_400_000)
  return DateP.partialDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

const cccd = (v: CellValue, cx: ParseContext): string | null | Bad => {
  if (v === null) return null
  // Only a number cell is ever padded: the column is surveyed for it alone.
  const r = Ids.parsePersonalId(v, typeof v === "number" && cx.facts.fullWidth)
  return r.ok ? restoredOr(r, cx) : bad(r.reason)
}

const restoredOr = (r: { readonly value: string | null; readonly note?: string }, cx: ParseContext): string | null => {
  if (r.note !== undefined) cx.restored()
  return r.value
}

const cardNo = (v: CellValue, cx: ParseContext): string | null | Bad => {
  if (v === null) return null
  const r = Ids.parseCardNo(v, typeof v === "number" && v < 1e7 && cx.facts.fullWidth)
  return r.ok ? restoredOr(r, cx) : bad(r.reason)
}

const lyLich = (v: CellValue): string | null | Bad => {
  if (v === null) return null
  const r = Ids.parseLyLich(v)
  if (!r.ok) return bad(r.reason)
  return r.value === null ? null : `${r.value.digits} ${r.value.letters}`
}

/** Kept as typed (an Excel number loses nothing here): it is the central database's id. */
const memberId = (v: CellValue): string | null => text(v)

const STATUS: ReadonlyMap<string, MemberStatus> = new Map([
  ["dang sinh hoat", "ACTIVE"],
  ["da chuyen di", "TRANSFERRED_OUT"],
  ["tu tran", "DECEASED"],
  ["xoa ten", "REMOVED"],
  ["khai tru", "EXPELLED"],
  ["ra khoi dang", "LEFT"]
])

const statusKey = (s: string) => Text.fold(s).replace(/[^a-z0-9]+/g, " ").trim()

const status = (v: CellValue): MemberStatus | null | Bad => {
  const t = text(v)
  if (t === null) return null
  const s = STATUS.get(statusKey(t))
  return s === undefined
    ? bad(`Trạng thái "${t}" không rõ (cần một trong: Đang sinh hoạt, Đã chuyển đi, Từ trần, Xóa tên, Khai trừ, Ra khỏi Đảng)`)
    : s
}

const raw = (v: CellValue): CellValue => v

// ---------------------------------------------------------------------------------------------
// The declaration

const field = <K extends FieldKey>(
  key: K,
  label: string,
  words: ReadonlyArray<string>,
  parse: FieldDecl<K>["parse"],
  opts: { centralColumn?: string; required?: boolean; survey?: FieldDecl<K>["survey"] } = {}
): FieldDecl<K> => ({
  key,
  label,
  words,
  centralColumn: opts.centralColumn ?? null,
  required: opts.required ?? false,
  survey: opts.survey ?? null,
  parse
})

/** Every column of a roster or of the central DangVien sheet, in the central export's order where it has one. */
export const Fields: { readonly [K in FieldKey]: FieldDecl<K> } = {
  memberId: field("memberId", "Mã đảng viên", ["ma dang vien", "ma dv", "ma so dang vien"], memberId, { centralColumn: "member_id" }),
  name: field(
    "name",
    "Họ và tên",
    [
      "ho va ten",
      "ho ten",
      "ho va ten khai sinh",
      "ho va ten dang dung",
      "ho va ten dang vien",
      "ho ten dang vien",
      "ho va ten khai sinh ho va ten dang dung"
    ],
    personName,
    { centralColumn: "full_name", required: true }
  ),
  birth: field("birth", "Ngày sinh", ["ngay sinh", "ngay thang nam sinh", "nam sinh", "sinh ngay", "ngay thang sinh"], date("Ngày sinh"), {
    centralColumn: "birth_date",
    survey: "dates"
  }),
  sex: field("sex", "Giới tính", ["gioi tinh", "nam nu", "nam nu dan toc ton giao", "phai"], sex, { centralColumn: "sex" }),
  hometown: field("hometown", "Quê quán", ["que quan", "nguyen quan"], text, { centralColumn: "hometown" }),
  cccd: field(
    "cccd",
    "Số CCCD",
    [
      "so cccd",
      "cccd",
      "so dinh danh",
      "so dinh danh ca nhan",
      "cmnd",
      "so cmnd",
      "cmnd cccd",
      "cccd cmnd",
      "so cmnd cccd",
      "so cccd cmnd",
      "can cuoc cong dan",
      "so can cuoc cong dan",
      "so can cuoc"
    ],
    cccd,
    { centralColumn: "cccd", survey: "idWidth" }
  ),
  cardNo: field("cardNo", "Số thẻ đảng viên", ["so the", "so the dv", "so the dang vien", "so the dang", "the dang vien"], cardNo, {
    centralColumn: "card_no",
    survey: "cardWidth"
  }),
  admitted: field("admitted", "Ngày vào Đảng", ["ngay vao dang", "ngay ket nap", "ngay ket nap dang", "ngay ket nap vao dang"], date("Ngày vào Đảng"), {
    centralColumn: "admitted_date",
    survey: "dates"
  }),
  official: field(
    "official",
    "Ngày chính thức",
    ["ngay chinh thuc", "ngay cong nhan chinh thuc", "ngay chuyen chinh thuc", "ngay dang vien chinh thuc"],
    date("Ngày chính thức"),
    { centralColumn: "official_date", survey: "dates" }
  ),
  unitCode: field("unitCode", "Mã chi bộ", ["ma chi bo"], text, { centralColumn: "unit_code" }),
  status: field("status", "Trạng thái", [], status, { centralColumn: "status" }),
  // Roster-only columns: the table's layout and the clerk's remarks.
  stt: field("stt", "STT", ["stt", "tt", "so tt", "so thu tu"], text),
  sexMale: field("sexMale", "Nam", ["nam"], raw),
  sexFemale: field("sexFemale", "Nữ", ["nu"], raw),
  lyLich: field("lyLich", "Số lý lịch", ["so ly lich", "so ll", "so ly lich dang vien"], lyLich),
  note: field("note", "Ghi chú", ["ghi chu"], text),
  kind: field("kind", "Loại", ["loai", "hinh thuc sinh hoat", "loai sinh hoat", "hinh thuc"], text)
}

/** The fields of the central DangVien sheet, in its column order; required as the central export requires them. */
export const CentralMemberFields: ReadonlyArray<{ readonly decl: FieldDecl<FieldKey>; readonly required: boolean }> = (
  [
    ["memberId", true],
    ["name", true],
    ["birth", false],
    ["sex", false],
    ["hometown", false],
    ["cccd", false],
    ["cardNo", false],
    ["admitted", false],
    ["official", false],
    ["unitCode", true],
    ["status", true]
  ] as const
).map(([k, required]) => ({ decl: Fields[k] as FieldDecl<FieldKey>, required }))

/** Roster fields decoded by the generic loop (name, sex and birth have layouts of their own, see Roster.ts). */
export const RosterValueFields = ["hometown", "cccd", "cardNo", "lyLich", "memberId", "admitted", "official", "note", "kind", "unitCode"] as const
export type RosterValueField = (typeof RosterValueFields)[number]

/** A roster row's generic values, one slot per field (null: blank, absent or unreadable). */
export type RosterValues = { -readonly [K in RosterValueField]: FieldValues[K] | null }

/** Fresh slots, all null; written as a literal so every row's object has the same shape (fast property access). */
export const emptyRosterValues = (): RosterValues => ({
  hometown: null,
  cccd: null,
  cardNo: null,
  lyLich: null,
  memberId: null,
  admitted: null,
  official: null,
  note: null,
  kind: null,
  unitCode: null
})

// ---------------------------------------------------------------------------------------------
// Column surveys

const DMY_TEXT = /^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(?:\d{2}|\d{4})\s*$/

/** Digits of a value as typed (separators dropped), or null when it is not a digit string or integer. */
const digitCount = (v: CellValue): number | null => {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? String(v).length : null
  if (typeof v !== "string") return null
  const d = v.replace(/^'/, "").replace(/[\s.\-\u2013_]/g, "")
  return /^\d+$/.test(d) ? d.length : null
}

/**
 * A column's facts, surveyed on first use: a parser asks only for an ambiguous date or a short
 * number cell, so most columns are never surveyed (surveying every column eagerly was a tenth of
 * the extraction time).
 */
export const lazyFacts = (kind: FieldDecl<FieldKey>["survey"], values: () => ReadonlyArray<CellValue>): ColumnFacts => {
  if (kind === null) return NO_FACTS
  let facts: ColumnFacts | null = null
  const get = () => (facts ??= surveyColumn(kind, values()))
  return {
    get dayFirst() {
      return get().dayFirst
    },
    get fullWidth() {
      return get().fullWidth
    }
  }
}

/** Surveys a column's values for what its parser needs (see ColumnFacts). */
export const surveyColumn = (kind: FieldDecl<FieldKey>["survey"], values: ReadonlyArray<CellValue>): ColumnFacts => {
  if (kind === null) return NO_FACTS
  if (kind === "dates") {
    let dayFirst = 0
    let monthFirst = 0
    for (const v of values) {
      if (typeof v !== "string") continue
      const m = DMY_TEXT.exec(v)
      if (m === null) continue
      const a = Number(m[1])
      const b = Number(m[2])
      if (a > 12 && b <= 12) dayFirst++
      else if (a <= 12 && b > 12) monthFirst++
    }
    return { dayFirst: dayFirst > 0 && monthFirst === 0, fullWidth: false }
  }
  let longest = 0
  for (const v of values) longest = Math.max(longest, digitCount(v) ?? 0)
  const widths = kind === "cardWidth" ? [7, 8] : [8, 9, 11, 12]
  return widths.includes(longest) ? { dayFirst: false, fullWidth: true } : NO_FACTS
}

// ---------------------------------------------------------------------------------------------
// Checks across fields

/** An admission before the 18th birthday cannot be right (Điều lệ Đảng, Điều 1: from 18 years of age). */
export const admittedBeforeEighteen = (birth: PartialDate | null, admitted: PartialDate | null): boolean =>
  birth !== null && admitted !== null && latest(admitted) < earliest({ ...birth, year: birth.year + 18 })

/** The warning for an admission before the 18th birthday (the admission date is dropped). */
export const admittedTooYoung = (admitted: PartialDate, birth: PartialDate): string =>
  `Ngày vào Đảng ${DateP.formatDate(admitted)} khi chưa đủ 18 tuổi (ngày sinh ${DateP.formatDate(birth)}), không thể đúng; bỏ qua giá trị`

/** The env of a run as of `asOf` ("yyyy-mm-dd"). */
export const envAsOf = (asOf: string | null | undefined): DecodeEnv => {
  if (asOf === null || asOf === undefined) return NO_ENV
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf)
  if (m === null) return NO_ENV
  const asOfDay = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) / 86_400_000
  return { asOfDay, asOfYmd: ymdOfDay(asOfDay) }
}

/**
 * One warning per column for the number cells whose leading zeros were put back: a column of
 * numbers loses them on every row, and a warning per row would bury the others.
 */
export const restoredWarning = (label: string, rows: ReadonlyArray<number>): string =>
  `${label}: ${rows.length} ô được Excel lưu dạng số nên mất số 0 ở đầu (dòng ${rows.slice(0, 12).join(", ")}${rows.length > 12 ? ", …" : ""}); ` +
  `đã thêm lại số 0 cho đủ độ dài. Hãy định dạng cột là văn bản để giữ nguyên số như đã nhập`
