/**
 * Roster ingestion: every .xlsx / .csv under a directory becomes RosterRows, Rejections and
 * warnings, with per-file accounting rowsRead = rowsIngested + rowsRejected.
 *
 * What counts as a row (decided here; the spec left it open):
 * - fully blank rows are skipped and not counted;
 * - subtotal rows ("Tổng cộng", "Tổng số", "Cộng: 25 đồng chí") are skipped and not counted, and
 *   the table continues (lists with sections have a subtotal per section);
 * - section headings ("I. Đảng viên chính thức", "Đảng viên dự bị", a merged "DANH SÁCH …" banner)
 *   are skipped and not counted;
 * - the signature block ends the table: the first row whose first non-blank cell is a place-and-
 *   date line ("…, ngày 5 tháng 3 năm 2025"), "Người lập", "BÍ THƯ", "PHÓ BÍ THƯ", "T/M CHI ỦY",
 *   "XÁC NHẬN …". Nothing after it is read, so signatories are never taken for members;
 * - every other row is read, and is ingested or rejected.
 * A row is rejected only when it holds no readable name. Every other field is decoded by its
 * declaration (Fields.ts): a value that does not read (a date, a year before 1900 or after the
 * as-of date, an admission before 18, CCCD, card number, sex …) becomes null and a warning naming
 * file, sheet, row, column and the value. A bad field costs the field, never the row.
 *
 * Pure extraction (`extractRows`) is separate from file I/O (`readRosterFile`) so it can be unit-
 * tested and benchmarked; the hot loop is plain code (no Effect, no logging per row). This module
 * does not load the Effect runtime (worker threads load it, see Pool.ts); reading a whole
 * directory, as an Effect, is Rosters.ts.
 */
import { createHash } from "node:crypto"
import { readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import * as Either from "effect/Either"
import type { FileSummary, PartialDate, Rejection, RosterKind, RosterRow, Sex } from "../Domain.js"
import * as Enc from "../Normalize/Encoding.js"
import * as Ids from "../Normalize/Ids.js"
import * as Text from "../Normalize/Text.js"
import { type Cell, type CellValue, cellText, isBlankCell, isBlankRow, readCsv, readXlsxEither, type Sheet, TRUNCATED_FILE } from "./Grid.js"
import * as Attendance from "./Attendance.js"
import * as Fields from "./Fields.js"
import { type ColumnRef, type Field, findHeader, type HeaderMap } from "./Header.js"
import { kindFromFileName, kindMark } from "./FileClues.js"
import { accessReason, walkRosterDir } from "./RosterDir.js"
import { cluesFromTitles, resolveUnit, type UnitIndex } from "./Units.js"

export interface RosterIngest {
  readonly rows: ReadonlyArray<RosterRow>
  readonly rejections: ReadonlyArray<Rejection>
  /** Non-fatal problems (a value set to null, an ambiguous date, an inconsistent CCCD …). */
  readonly warnings: ReadonlyArray<Rejection>
  readonly files: ReadonlyArray<FileSummary>
}

export interface FileExtract {
  readonly rows: ReadonlyArray<RosterRow>
  readonly rejections: ReadonlyArray<Rejection>
  readonly warnings: ReadonlyArray<Rejection>
  readonly summary: FileSummary
}

// ---------------------------------------------------------------------------------------------
// Row classification

const SUBTOTAL = /^(tong cong|tong so|cong\s*[:\d(]|cong$)/
const SIGNATURE = /^(nguoi lap|nguoi ke khai|bi thu|pho bi thu|t\/?m\.?\s|tm\s|xac nhan|thu truong|ket luan)/
const PLACE_DATE = /ngay\s*[\d.…_ ]*\s*thang\s*[\d.…_ ]*\s*nam\s*[\d.…_]*/
const SECTION = /^((i{1,3}|iv|vi{0,3}|ix|x|[a-e])\s*[.)/-]\s|dang vien (chinh thuc|du bi)|danh sach\b)/i

export type RowClass = "data" | "skip" | "end"

const firstNonBlank = (row: ReadonlyArray<Cell>): Cell | undefined => {
  for (const c of row) if (!isBlankCell(c)) return c
  return undefined
}

/** All non-blank cells hold the same text: a banner merged across the table. */
const isBanner = (row: ReadonlyArray<Cell>, text: string): boolean => {
  for (const c of row) if (!isBlankCell(c) && cellText(c) !== text) return false
  return true
}

/** Blank, subtotal and section rows are skipped; the signature block ends the table. */
export const classifyRow = (row: ReadonlyArray<Cell>): RowClass => {
  const first = firstNonBlank(row)
  if (first === undefined) return "skip"
  // Member rows start with the STT number; only rows starting with text can be footers.
  if (typeof first.value !== "string" || first.value.length > 200) return "data"
  const decoded = Enc.decodeText(first.value, first.font ?? undefined).text
  const k = Text.fold(decoded).trim()
  if (SUBTOTAL.test(k)) return "skip"
  if (SIGNATURE.test(k) || PLACE_DATE.test(k)) return "end"
  if (SECTION.test(k) && isBanner(row, first.value)) return "skip"
  return "data"
}

// ---------------------------------------------------------------------------------------------
// Cell access

/** v.trim() === "", without making the trimmed string when the first character settles it. */
const isBlankString = (v: string): boolean => {
  if (v.length === 0) return true
  const c = v.charCodeAt(0)
  // Below U+1680 only these are white space to String.prototype.trim.
  if (c > 32 && c !== 0xa0 && c < 0x1680) return false
  return v.trim() === ""
}
const valueAt = (row: ReadonlyArray<Cell>, ref: ColumnRef | undefined): CellValue => {
  if (ref === undefined) return null
  const v = row[ref.col]?.value ?? null
  if (ref.part === null || v === null) return typeof v === "string" && isBlankString(v) ? null : v
  if (typeof v !== "string") return ref.part === 0 ? v : null
  const line = v.split(/\r?\n/)[ref.part]?.trim() ?? ""
  return line === "" ? null : line
}

const fontAt = (row: ReadonlyArray<Cell>, ref: ColumnRef | undefined): string | undefined =>
  ref === undefined ? undefined : row[ref.col]?.font ?? undefined

/**
 * Strings are decoded before parsing (a TCVN3 "N÷" must read as Nữ); other values pass through.
 * Not cleaned here: the parsers clean their input, and clean() is a measurable share of the loop.
 */
const decodedValue = (row: ReadonlyArray<Cell>, ref: ColumnRef | undefined): CellValue => {
  const v = valueAt(row, ref)
  return typeof v === "string" ? Enc.decodeText(v, fontAt(row, ref)).text : v
}

const shown = (v: CellValue): string => cellText({ value: v, font: null })

const NOT_A_MARK = new Set(["0", "-", "khong", "k"])

/** An "X" (or ✓, 1, x) in a Nam / Nữ column. */
const isMark = (v: CellValue): boolean => {
  if (v === null) return false
  if (typeof v === "boolean") return v
  if (typeof v === "number") return v === 1
  if (v instanceof Date) return false
  const k = Text.fold(v).trim()
  return k !== "" && !NOT_A_MARK.has(k) && !/\d/.test(k)
}

/** A value in a Nam / Nữ column that is a date, not a mark (single-row "Nam | Nữ" with dates). */
const isDateLike = (v: CellValue): boolean =>
  v instanceof Date || typeof v === "number" ? v !== 1 : typeof v === "string" && /\d/.test(v)

// ---------------------------------------------------------------------------------------------
// Kinds

/** The list's kind from its title lines (and sheet name): "… TẠM THỜI", "213", "nơi cư trú" (FileClues.kindMark). */
export const kindFromTitles = (titles: ReadonlyArray<string>): RosterKind => titleKind(titles) ?? "OFFICIAL"

const titleKind = (titles: ReadonlyArray<string>): RosterKind | null => {
  for (const t of titles) {
    const k = kindMark(t)
    if (k !== null && k !== "OFFICIAL") return k
  }
  return null
}

const kindFromText = (text: string): RosterKind | null => {
  const k = kindMark(text)
  return k === "OFFICIAL" ? null : k
}

const kindFromColumn = (text: string): RosterKind | null => kindMark(text)

// ---------------------------------------------------------------------------------------------
// Extraction

interface Acc {
  readonly rows: Array<RosterRow>
  readonly rejections: Array<Rejection>
  readonly warnings: Array<Rejection>
  rowsRead: number
  rowsRejected: number
}

const titleLinesOf = (sheet: Sheet, header: HeaderMap): Array<string> => {
  const lines: Array<string> = []
  for (let r = 0; r < header.firstHeaderRow; r++) {
    for (const cell of sheet.rows[r]!) {
      if (isBlankCell(cell) || typeof cell.value !== "string") continue
      // Split before cleaning: one merged cell often holds "ĐẢNG BỘ …\nCHI BỘ …".
      for (const line of Enc.decodeText(cell.value, cell.font ?? undefined).text.split(/\r?\n/)) {
        const l = Text.clean(line)
        if (l !== "" && !lines.includes(l)) lines.push(l)
      }
    }
  }
  return lines
}

const firstCodeValue = (sheet: Sheet, header: HeaderMap): string | null => {
  const ref = header.columns.unitCode
  if (ref === undefined) return null
  for (let r = header.firstDataRow; r < sheet.rows.length; r++) {
    const v = valueAt(sheet.rows[r]!, ref)
    if (v !== null) return shown(v).trim()
  }
  return null
}

interface SheetContext {
  readonly file: string
  readonly sheet: Sheet
  readonly header: HeaderMap
  readonly unitCode: string
  readonly kind: RosterKind
  readonly env: Fields.DecodeEnv
}

/** Where a sheet's parse remarks go: the warn function and the row being decoded (set per row). */
interface Sink {
  readonly warn: Warn
  row: number
}

/**
 * The context a column's parser runs in. A class, not closures: a sheet holds ~20 rows, so what is
 * built per sheet weighs as much as what is done per row (closures and getter objects built per
 * column cost more than the parsing of a small file's rows).
 */
class ColumnContext implements Fields.ParseContext, Fields.ColumnFacts {
  /** Rows whose number cell had its leading zeros put back (one warning for the column). */
  restoredRows: Array<number> | null = null
  private survey: Fields.ColumnFacts | null = null
  constructor(
    readonly env: Fields.DecodeEnv,
    private readonly kind: Fields.FieldDecl<Fields.FieldKey>["survey"],
    private readonly sheet: Sheet,
    private readonly header: HeaderMap,
    readonly ref: ColumnRef,
    private readonly sink: Sink
  ) {}
  get facts(): Fields.ColumnFacts {
    return this
  }
  /** Surveyed on first use: only an ambiguous date or a short number cell asks. */
  private surveyed(): Fields.ColumnFacts {
    if (this.survey === null) {
      const values: Array<CellValue> = []
      for (let r = this.header.firstDataRow; r < this.sheet.rows.length; r++) values.push(valueAt(this.sheet.rows[r]!, this.ref))
      this.survey = Fields.surveyColumn(this.kind, values)
    }
    return this.survey
  }
  get dayFirst(): boolean {
    return this.surveyed().dayFirst
  }
  get fullWidth(): boolean {
    return this.surveyed().fullWidth
  }
  note(remark: string): void {
    this.sink.warn(this.ref.label, remark)
  }
  restored(): void {
    ;(this.restoredRows ??= []).push(this.sink.row)
  }
}

/** A declared field found in this sheet: its declaration and its column's context. */
interface Plan {
  readonly decl: Fields.FieldDecl<Fields.RosterValueField>
  readonly cx: ColumnContext
}

/** What a sheet's rows are decoded with, worked out once per sheet. */
interface Layout {
  /** The generic fields (Fields.RosterValueFields) present in the sheet. */
  readonly plans: ReadonlyArray<Plan>
  /** Contexts of the columns a birth date can come from (birth, Nam / Nữ). */
  readonly dateCx: ReadonlyArray<ColumnContext>
  readonly attendance: ReturnType<typeof Attendance.detectAttendanceColumns>
  readonly headerTexts: ReadonlyArray<string | null>
}

type Warn = (column: string | null, reason: string) => void

const layoutOf = (ctx: SheetContext, sink: Sink): Layout => {
  const { sheet, header } = ctx
  const cols = header.columns
  const plans: Array<Plan> = []
  for (const key of Fields.RosterValueFields) {
    const ref = cols[key as Field]
    if (ref === undefined) continue
    const decl = Fields.Fields[key] as Fields.FieldDecl<Fields.RosterValueField>
    plans.push({ decl, cx: new ColumnContext(ctx.env, decl.survey, sheet, header, ref, sink) })
  }
  const dateCx: Array<ColumnContext> = []
  for (const ref of [cols.birth, header.birthBySex?.male, header.birthBySex?.female, cols.sexMale, cols.sexFemale]) {
    if (ref !== undefined) dateCx.push(new ColumnContext(ctx.env, "dates", sheet, header, ref, sink))
  }
  // Monthly attendance / dues columns (T1…T12), under a "Sinh hoạt" / "Đảng phí" group header or not.
  const headerText = (r: number) =>
    (sheet.rows[r] ?? []).map((c) => (isBlankCell(c) ? null : Text.clean(Enc.decodeText(cellText(c), c.font ?? undefined).text)))
  const headerTexts = headerText(header.lastHeaderRow)
  const attendance = Attendance.detectAttendanceColumns(
    headerTexts,
    header.lastHeaderRow > header.firstHeaderRow ? headerText(header.lastHeaderRow - 1) : []
  )
  return { plans, dateCx, attendance, headerTexts }
}

/**
 * The generic fields of a row, each parsed by its declaration; a bad value is null plus a warning.
 * Fields the sheet has no column for stay null.
 */
const decodeValues = (row: ReadonlyArray<Cell>, layout: Layout, warn: Warn): Fields.RosterValues => {
  const values = Fields.emptyRosterValues()
  for (const p of layout.plans) {
    const v = decodedValue(row, p.cx.ref)
    const r = v === null ? null : p.decl.parse(v, p.cx)
    if (r instanceof Fields.Bad) warn(p.cx.ref.label, `${r.reason}; bỏ qua giá trị`)
    else (values as Record<Fields.RosterValueField, unknown>)[p.decl.key] = r
  }
  return values
}

/**
 * Sex and birth date: "Ngày sinh" over Nam | Nữ, X marks, a sex column, or a birth column. A birth
 * date that does not read costs the birth date (a warning), never the row.
 */
const sexAndBirth = (
  row: ReadonlyArray<Cell>,
  ctx: SheetContext,
  layout: Layout,
  warn: Warn
): { readonly sex: Sex | null; readonly birth: PartialDate | null } => {
  const cols = ctx.header.columns
  const bySex = ctx.header.birthBySex
  const sexVotes: Array<Sex> = []
  let birthValue: CellValue = null
  let birthLabel = cols.birth?.label ?? Fields.Fields.birth.label
  if (bySex !== null) {
    const m = valueAt(row, bySex.male)
    const f = valueAt(row, bySex.female)
    if (m !== null && f !== null) {
      warn(bySex.male.label, "Ngày sinh ghi ở cả cột Nam và cột Nữ; không xác định được giới tính")
      birthValue = m
      birthLabel = bySex.male.label
    } else if (m !== null) {
      birthValue = m
      birthLabel = bySex.male.label
      sexVotes.push("M")
    } else if (f !== null) {
      birthValue = f
      birthLabel = bySex.female.label
      sexVotes.push("F")
    }
  }
  if (cols.birth !== undefined && birthValue === null) birthValue = valueAt(row, cols.birth)
  for (let k = 0; k < 2; k++) {
    const ref = k === 0 ? cols.sexMale : cols.sexFemale
    if (ref === undefined) continue
    const v = valueAt(row, ref)
    if (v === null) continue
    const sex: Sex = k === 0 ? "M" : "F"
    if (isMark(v)) sexVotes.push(sex)
    else if (isDateLike(v) && cols.birth === undefined && bySex === null) {
      // Single-row "Nam | Nữ" headers with the date written under the sex.
      if (birthValue === null) {
        birthValue = v
        birthLabel = ref.label
      }
      sexVotes.push(sex)
    }
  }
  if (cols.sex !== undefined) {
    const v = valueAt(row, cols.sex)
    const r = v === null ? null : Fields.Fields.sex.parse(Enc.decodeText(shown(v), fontAt(row, cols.sex)).text, QUIET)
    if (r instanceof Fields.Bad) warn(cols.sex.label, `${r.reason}; bỏ qua giá trị`)
    else if (r !== null) sexVotes.push(r)
  }
  let sex: Sex | null = sexVotes[0] ?? null
  if (sexVotes.some((s) => s !== sex)) {
    warn(null, "Giới tính ghi mâu thuẫn (vừa Nam vừa Nữ); bỏ qua giá trị")
    sex = null
  }
  let birth: PartialDate | null = null
  if (birthValue !== null) {
    const r = Fields.Fields.birth.parse(birthValue, layout.dateCx.find((c) => c.ref.label === birthLabel) ?? Fields.contextOf(ctx.env))
    if (r instanceof Fields.Bad) warn(birthLabel, `${r.reason}; bỏ qua giá trị`)
    else birth = r
  }
  return { sex, birth }
}

const QUIET = Fields.contextOf()

/** The row's kind: its "Loại" column, else a mark in its note, else the list's. */
const rowKind = (ctx: SheetContext, kindText: string | null, noteKey: string, warn: Warn): RosterKind => {
  const fromColumn = kindText === null ? null : kindFromColumn(kindText)
  if (kindText !== null && fromColumn === null) {
    warn(ctx.header.columns.kind!.label, `Loại "${kindText}" không rõ; dùng loại của danh sách`)
  }
  const fromNote = noteKey === "" ? null : kindFromText(noteKey)
  return fromColumn ?? fromNote ?? ctx.kind
}

const nameMissingReason = (row: ReadonlyArray<Cell>, cols: HeaderMap["columns"]): string =>
  cols.stt === undefined || valueAt(row, cols.stt) === null
    ? "Thiếu Họ và tên (có thể là dòng nối tiếp của đảng viên ở dòng trên; hãy gộp vào một dòng)"
    : "Thiếu Họ và tên"

/**
 * The rows of one roster sheet. A row is rejected only when it has no readable name; every other
 * field is decoded by its declaration (Fields.ts) and a value that does not read costs that field.
 */
const extractSheet = (ctx: SheetContext, acc: Acc): void => {
  const { file, sheet, header } = ctx
  const cols = header.columns
  const nameLabel = cols.name?.label ?? Fields.Fields.name.label
  // One warn/reject pair per sheet, not per row: closures made per row were a measurable share of
  // the loop. `notes` is the row's own (it goes into the RosterRow); `rowWarnings` is reused.
  let rowNo = 0
  let notes: Array<string> = []
  const rowWarnings: Array<Rejection> = []
  const warn: Warn = (column, reason) => {
    notes.push(reason)
    rowWarnings.push({ file, sheet: sheet.name, row: rowNo, column, reason })
  }
  const sink: Sink = { warn, row: 0 }
  const layout = layoutOf(ctx, sink)
  for (let r = header.firstDataRow; r < sheet.rows.length; r++) {
    const row = sheet.rows[r]!
    if (isBlankRow(row)) continue
    const cls = classifyRow(row)
    if (cls === "end") break
    if (cls === "skip") continue
    rowNo = sheet.rowNumbers[r]!
    sink.row = rowNo
    acc.rowsRead++
    notes = []
    rowWarnings.length = 0

    // The name is the one required field: without it the row names nobody.
    const nameValue = decodedValue(row, cols.name)
    const name = nameValue === null ? null : Fields.Fields.name.parse(nameValue, QUIET)
    if (name === null || name instanceof Fields.Bad) {
      acc.rowsRejected++
      acc.rejections.push({ file, sheet: sheet.name, row: rowNo, column: nameLabel, reason: name === null ? nameMissingReason(row, cols) : name.reason })
      continue
    }
    const { sex, birth } = sexAndBirth(row, ctx, layout, warn)
    const v = decodeValues(row, layout, warn)
    const cccd = v.cccd
    if (cccd !== null) {
      const c = Ids.cccdConsistency(cccd, sex, birth?.year ?? null)
      if (c !== null) warn(cols.cccd!.label, c)
    }
    let admitted = v.admitted
    if (Fields.admittedBeforeEighteen(birth, admitted)) {
      warn(cols.admitted!.label, Fields.admittedTooYoung(admitted!, birth!))
      admitted = null
    }
    const note = v.note
    const noteKey = note === null ? "" : Text.fold(note)
    const kind = rowKind(ctx, v.kind, noteKey, warn)

    let attendance: RosterRow["attendance"] = null
    if (layout.attendance !== null) {
      const att = Attendance.readAttendance(row.map((c) => c.value), layout.attendance)
      attendance = att.attendance
      for (const p of att.problems) warn(layout.headerTexts[p.columnIndex] ?? `cột ${p.columnIndex + 1}`, p.reason)
    }
    const code = v.unitCode
    if (code !== null && code.toUpperCase() !== ctx.unitCode.toUpperCase()) {
      warn(cols.unitCode!.label, `Mã chi bộ của dòng "${code}" khác mã chi bộ của tệp "${ctx.unitCode}"; đã dùng mã của tệp`)
    }

    acc.rows.push({
      file,
      sheet: sheet.name,
      row: rowNo,
      unitCode: ctx.unitCode,
      kind,
      name,
      birth,
      sex,
      hometown: v.hometown,
      cccd,
      cardNo: v.cardNo,
      memberId: v.memberId,
      lyLich: v.lyLich,
      admitted,
      official: v.official,
      note,
      exempt: noteKey.includes("mien sinh hoat") || noteKey.includes("mien sh"),
      attendance,
      warnings: notes.length === 0 ? NO_NOTES : notes
    })
    for (const w of rowWarnings) acc.warnings.push(w)
  }
  for (const { cx } of layout.plans) {
    const rows = cx.restoredRows
    if (rows !== null) acc.warnings.push({ file, sheet: sheet.name, row: rows[0]!, column: cx.ref.label, reason: Fields.restoredWarning(cx.ref.label, rows) })
  }
}

/** The warnings of a row read without any: one shared empty array, not one per row. */
const NO_NOTES: ReadonlyArray<string> = Object.freeze([])

const KIND_WORDS: Record<RosterKind, string> = {
  OFFICIAL: "danh sách chính thức",
  RESIDENCE_213: "danh sách theo Quy định 213",
  TEMPORARY: "danh sách sinh hoạt tạm thời"
}

const kindConflictNote = (title: RosterKind, name: RosterKind) =>
  `Tiêu đề ghi ${KIND_WORDS[title]} nhưng tên tệp ghi ${KIND_WORDS[name]}; đã theo tiêu đề.`

const fileError = (file: string, sha256: string, reason: string, rowsRead = 0, suspectTruncated = false): FileExtract => ({
  rows: [],
  rejections: [{ file, sheet: null, row: null, column: null, reason }],
  warnings: [],
  summary: { file, kind: null, unitCode: null, sha256, rowsRead, rowsIngested: 0, rowsRejected: rowsRead, error: reason, suspectTruncated }
})

/** The header label of a 0-based column, else "cột N". */
const columnLabel = (header: HeaderMap, col: number | null): string | null => {
  if (col === null) return null
  for (const ref of Object.values(header.columns)) if (ref !== undefined && ref.col === col) return ref.label
  return `cột ${col + 1}`
}

/**
 * What reading the grid found (Grid.ts): lines that could not be split into cells are rows read
 * and rejected; characters or cells lost in reading are warnings at their row and column.
 */
const addGridIssues = (file: string, sheet: Sheet, header: HeaderMap, acc: Acc): void => {
  for (const r of sheet.rejected ?? []) {
    acc.rowsRead++
    acc.rowsRejected++
    acc.rejections.push({ file, sheet: sheet.name, row: r.row, column: columnLabel(header, r.col), reason: r.reason })
  }
  for (const w of sheet.warnings ?? []) {
    acc.warnings.push({ file, sheet: sheet.name, row: w.row, column: columnLabel(header, w.col), reason: w.reason })
  }
}

/**
 * Pure: the rows of one file's sheets. `file` is the path shown in reports (relative, with "/").
 * The unit is resolved once per file; an unresolved unit rejects the whole file (all its rows).
 */
export const extractRows = (
  file: string,
  sheets: ReadonlyArray<Sheet>,
  units: UnitIndex,
  sha256 = "",
  env: Fields.DecodeEnv = Fields.NO_ENV
): FileExtract => {
  const rosterSheets: Array<{ sheet: Sheet; header: HeaderMap; titles: Array<string> }> = []
  const skipped: Array<Sheet> = []
  for (const sheet of sheets) {
    if (sheet.rows.every(isBlankRow)) continue
    const header = findHeader(sheet.rows)
    if (header === null) skipped.push(sheet)
    else rosterSheets.push({ sheet, header, titles: titleLinesOf(sheet, header) })
  }
  if (rosterSheets.length === 0) {
    return fileError(
      file,
      sha256,
      sheets.every((s) => s.rows.every(isBlankRow))
        ? "Tệp không có dữ liệu (trống)"
        : 'Không tìm thấy dòng tiêu đề của bảng danh sách (cần cột "Họ và tên" và ít nhất một cột khác như "Ngày sinh", "Quê quán")'
    )
  }

  let codeValue: string | null = null
  for (const s of rosterSheets) codeValue ??= firstCodeValue(s.sheet, s.header)
  const clues = cluesFromTitles(rosterSheets.flatMap((s) => s.titles), codeValue, file)
  const resolution = resolveUnit(clues, units)

  const acc: Acc = { rows: [], rejections: [], warnings: [], rowsRead: 0, rowsRejected: 0 }
  for (const s of skipped) {
    acc.warnings.push({
      file,
      sheet: s.name,
      row: null,
      column: null,
      reason: "Trang tính không có bảng danh sách đảng viên (không thấy dòng tiêu đề cột); đã bỏ qua"
    })
  }
  const unitCode = resolution.ok ? resolution.unit.code : ""
  let fileKind: RosterKind | null = null
  const nameKind = kindFromFileName(file, units.names)
  for (const s of rosterSheets) {
    // The title's words first, then the file name's marks ("CB000043 - tam thoi.csv"), else official.
    // A CSV's sheet is named after the file: its marks are read with the file name's (outside unit names).
    const sheetName = s.sheet.name === path.posix.basename(file) ? [] : [s.sheet.name]
    const fromTitle = titleKind([...s.titles, ...sheetName])
    const kind = fromTitle ?? (nameKind === null || nameKind === "OFFICIAL" ? "OFFICIAL" : nameKind)
    if (fromTitle !== null && nameKind !== null && nameKind !== fromTitle) {
      acc.warnings.push({ file, sheet: s.sheet.name, row: null, column: null, reason: kindConflictNote(fromTitle, nameKind) })
    }
    fileKind ??= kind
    extractSheet({ file, sheet: s.sheet, header: s.header, unitCode, kind, env }, acc)
    addGridIssues(file, s.sheet, s.header, acc)
  }
  const suspectTruncated = sheets.some((s) => s.suspectTruncated === true)
  if (suspectTruncated) acc.warnings.push({ file, sheet: null, row: null, column: null, reason: TRUNCATED_FILE })

  if (!resolution.ok) {
    const failed = fileError(file, sha256, resolution.reason, acc.rowsRead, suspectTruncated)
    // The candidates name the cells whose list this may be (rules caveat their findings).
    return { ...failed, summary: { ...failed.summary, candidateUnits: resolution.candidates.map((u) => u.code) } }
  }
  for (const note of resolution.notes) acc.warnings.push({ file, sheet: null, row: null, column: null, reason: note })
  return {
    rows: acc.rows,
    rejections: acc.rejections,
    warnings: acc.warnings,
    summary: {
      file,
      kind: fileKind,
      unitCode,
      sha256,
      rowsRead: acc.rowsRead,
      rowsIngested: acc.rowsRead - acc.rowsRejected,
      rowsRejected: acc.rowsRejected,
      error: null,
      suspectTruncated
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Files

/**
 * Every file under `dir` (hidden files and Office lock files excluded), relative with "/", sorted;
 * RosterDir.walkRosterDir also gives the entries that could not be read.
 */
export const listRosterFiles = async (dir: string): Promise<Array<string>> => [...(await walkRosterDir(dir)).files]

/** Files larger than this are refused before reading (a 200,000-row roster CSV is ~15 MB). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024

/** Plain async, not an Effect: this runs once per file, and a fiber per file showed over thousands of small files. */
const readSheets = async (rel: string, bytes: Uint8Array): Promise<Either.Either<ReadonlyArray<Sheet>, string>> => {
  const ext = path.posix.extname(rel).toLowerCase()
  if (ext === ".xlsx" || ext === ".xlsm") return readXlsxEither(bytes)
  if (ext === ".csv") return Either.map(readCsv(bytes, path.posix.basename(rel)), (s) => [s])
  if (ext === ".xls") return Either.left("định dạng .xls cũ không hỗ trợ, hãy lưu lại thành .xlsx")
  return Either.left(`định dạng "${ext === "" ? "(không có đuôi)" : ext}" không hỗ trợ; chỉ đọc tệp .xlsx và .csv`)
}

const defectReason = (d: unknown) => `lỗi khi đọc tệp (${d instanceof Error ? d.message.split("\n")[0] : String(d)})`

/**
 * One roster file, read and extracted. Never rejects: an unreadable, corrupt or unsupported file,
 * an unresolved unit and even a bug on one odd file become a file-level error, so the other files'
 * rows are never lost. The same function runs in the worker threads (Pool.ts).
 */
export const readRosterFile = async (
  dir: string,
  rel: string,
  units: UnitIndex,
  env: Fields.DecodeEnv = Fields.NO_ENV,
  at?: Buffer
): Promise<FileExtract> => {
  let bytes: Uint8Array
  const file = at ?? path.join(dir, rel)
  try {
    // Sync: rosters are small, and a promise-based read (open, fstat, read, close) cost more than parsing some of them.
    const st = statSync(file)
    if (!st.isFile()) return fileError(rel, "", "không phải tệp thông thường; đã bỏ qua")
    if (st.size > MAX_FILE_BYTES) {
      return fileError(rel, "", `tệp lớn ${Math.round(st.size / 1048576)} MB, quá giới hạn ${MAX_FILE_BYTES / 1048576} MB một tệp; hãy chia thành nhiều tệp`)
    }
    bytes = readFileSync(file)
  } catch (e) {
    return fileError(rel, "", accessReason(e, "tệp"))
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex")
  try {
    const sheets = await readSheets(rel, bytes)
    if (Either.isLeft(sheets)) return fileError(rel, sha256, sheets.left)
    return extractRows(rel, sheets.right, units, sha256, env)
  } catch (d) {
    return fileError(rel, sha256, defectReason(d))
  }
}
