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

/** A parsed value: a value (null when blank) with an optional remark, or the reason it does not read. */
export type Parsed<A> =
  | {
    readonly ok: true
    readonly value: A | null
    readonly note: string | null
    /** Leading zeros a number cell lost were put back (reported once per column, see restoredWarning). */
    readonly restored?: boolean
  }
  | { readonly ok: false; readonly reason: string }

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
}

export const NO_FACTS: ColumnFacts = { dayFirst: false, fullWidth: false }
export const NO_ENV: DecodeEnv = { asOfDay: null }

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
  readonly parse: (v: CellValue, facts: ColumnFacts, env: DecodeEnv) => Parsed<FieldValues[K]>
}

// ---------------------------------------------------------------------------------------------
// Parsers

const shown = (v: CellValue): string => cellText({ value: v, font: null })
const ok = <A>(value: A | null, note: string | null = null): Parsed<A> => ({ ok: true, value, note })
const BLANK: Parsed<never> = { ok: true, value: null, note: null }
const bad = (reason: string): Parsed<never> => ({ ok: false, reason })

const firstLine = (s: string): string => s.split(/\r?\n/).find((l) => l.trim() !== "") ?? ""

const text = (v: CellValue): Parsed<string> => {
  if (v === null) return BLANK
  const t = Text.clean(typeof v === "string" ? v : shown(v))
  return t === "" ? BLANK : ok(t)
}

/** Mẫu 7-HSĐV stacks "Họ và tên / Họ và tên khai sinh" in one cell: the first line is the name in use. */
const personName = (v: CellValue): Parsed<PersonName> => {
  if (v === null) return BLANK
  const t = typeof v === "string" ? (v.includes("\n") ? firstLine(v) : v) : shown(v)
  if (Text.isBlank(t)) return BLANK
  const name = Text.parseName(t)
  return name === null ? bad(`Họ và tên "${Text.clean(t)}" không đọc được thành tên người`) : ok(name)
}

/** Mẫu 7-HSĐV column 3 stacks "Nam\nKinh\nKhông": sex is the first line. */
const sex = (v: CellValue): Parsed<Sex> => {
  if (v === null) return BLANK
  const t = Text.clean(shown(v).split(/\r?\n/)[0]!)
  if (t === "") return BLANK
  const s = Ids.parseSex(t)
  return s === null ? bad(`Giới tính "${t}" không đọc được`) : ok(s)
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
const date = (what: string) => (v: CellValue, facts: ColumnFacts, env: DecodeEnv): Parsed<PartialDate> => {
  if (v === null) return BLANK
  const r = DateP.parseDate(v)
  if (!r.ok) return bad(`${what}: ${r.reason}`)
  const d = r.value
  if (d === null) return BLANK
  if (d.year < MIN_PLAUSIBLE_YEAR) return bad(`${what} "${shown(v)}": năm ${d.year} trước năm ${MIN_PLAUSIBLE_YEAR}, không thể đúng`)
  if (env.asOfDay !== null && earliest(d) > ymdOfDay(env.asOfDay)) {
    return bad(`${what} "${shown(v)}" sau ngày đối chiếu ${DateP.formatDate(dateOfDay(env.asOfDay))}, không thể đúng`)
  }
  // Day-first evidence in the column settles a reading whose day is ≤ 12.
  const settled = d.day !== null && d.day <= 12 && facts.dayFirst
  const note = r.ambiguous && !settled ? `${what} "${shown(v)}" có thể bị đảo ngày và tháng; đã đọc là ${DateP.formatDate(d)}` : null
  return ok(d, note)
}

const dateOfDay = (day: number): PartialDate => {
  const d = new Date(day * 86_400_000)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

const cccd = (v: CellValue, facts: ColumnFacts): Parsed<string> => {
  if (v === null) return BLANK
  const r = Ids.parsePersonalId(v, facts.fullWidth)
  return r.ok ? restoredOr(r) : bad(r.reason)
}

const restoredOr = (r: { readonly value: string | null; readonly note?: string }): Parsed<string> =>
  r.note === undefined ? ok(r.value) : { ok: true, value: r.value, note: null, restored: true }

const cardNo = (v: CellValue, facts: ColumnFacts): Parsed<string> => {
  if (v === null) return BLANK
  const r = Ids.parseCardNo(v, facts.fullWidth)
  return r.ok ? restoredOr(r) : bad(r.reason)
}

const lyLich = (v: CellValue): Parsed<string> => {
  if (v === null) return BLANK
  const r = Ids.parseLyLich(v)
  if (!r.ok) return bad(r.reason)
  return r.value === null ? BLANK : ok(`${r.value.digits} ${r.value.letters}`)
}

/** Kept as typed (an Excel number loses nothing here): it is the central database's id. */
const memberId = (v: CellValue): Parsed<string> => text(v)

const STATUS: ReadonlyMap<string, MemberStatus> = new Map([
  ["dang sinh hoat", "ACTIVE"],
  ["da chuyen di", "TRANSFERRED_OUT"],
  ["tu tran", "DECEASED"],
  ["xoa ten", "REMOVED"],
  ["khai tru", "EXPELLED"],
  ["ra khoi dang", "LEFT"]
])

const statusKey = (s: string) => Text.fold(s).replace(/[^a-z0-9]+/g, " ").trim()

const status = (v: CellValue): Parsed<MemberStatus> => {
  const t = text(v)
  if (!t.ok || t.value === null) return BLANK
  const s = STATUS.get(statusKey(t.value))
  return s === undefined
    ? bad(`Trạng thái "${t.value}" không rõ (cần một trong: Đang sinh hoạt, Đã chuyển đi, Từ trần, Xóa tên, Khai trừ, Ra khỏi Đảng)`)
    : ok(s)
}

const raw = (v: CellValue): Parsed<CellValue> => (v === null ? BLANK : ok(v))

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
export const RosterValueFields: ReadonlyArray<FieldKey> = ["hometown", "cccd", "cardNo", "lyLich", "memberId", "admitted", "official", "note", "kind", "unitCode"]

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

/** Surveys a column's values for what its parser needs (see ColumnFacts). */
export const surveyColumn = (kind: FieldDecl<FieldKey>["survey"], values: Iterable<CellValue>): ColumnFacts => {
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
  return m === null ? NO_ENV : { asOfDay: Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) / 86_400_000 }
}

/**
 * One warning per column for the number cells whose leading zeros were put back: a column of
 * numbers loses them on every row, and a warning per row would bury the others.
 */
export const restoredWarning = (label: string, rows: ReadonlyArray<number>): string =>
  `${label}: ${rows.length} ô được Excel lưu dạng số nên mất số 0 ở đầu (dòng ${rows.slice(0, 12).join(", ")}${rows.length > 12 ? ", …" : ""}); ` +
  `đã thêm lại số 0 cho đủ độ dài. Hãy định dạng cột là văn bản để giữ nguyên số như đã nhập`
