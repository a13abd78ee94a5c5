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
 * A row is rejected only when it cannot be used: no name, or a birth date that cannot be a date.
 * Other bad values (CCCD, card number, ngày vào Đảng / chính thức, sex) become null and a warning.
 *
 * Pure extraction (`extractRows`) is separate from file I/O (`readRosterFile`) so it can be unit-
 * tested and benchmarked; the hot loop is plain code (no Effect, no logging per row). This module
 * does not load the Effect runtime (worker threads load it, see Pool.ts); reading a whole
 * directory, as an Effect, is Rosters.ts.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import * as Either from "effect/Either"
import type { FileSummary, PartialDate, Rejection, RosterKind, RosterRow, Sex } from "../Domain.js"
import * as DateP from "../Normalize/Date.js"
import * as Enc from "../Normalize/Encoding.js"
import * as Ids from "../Normalize/Ids.js"
import * as Text from "../Normalize/Text.js"
import { type Cell, type CellValue, cellText, isBlankCell, isBlankRow, readCsv, readXlsxEither, type Sheet } from "./Grid.js"
import * as Attendance from "./Attendance.js"
import { type ColumnRef, findHeader, type HeaderMap } from "./Header.js"
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

/** Decoded (TCVN3 / VNI → Unicode), cleaned text of a field; null when blank. */
const textAt = (row: ReadonlyArray<Cell>, ref: ColumnRef | undefined): string | null => {
  const v = valueAt(row, ref)
  if (v === null) return null
  const raw = typeof v === "string" ? Enc.decodeText(v, fontAt(row, ref)).text : cellText({ value: v, font: null })
  const t = Text.clean(raw)
  return t === "" ? null : t
}

/**
 * Strings are decoded before parsing (a TCVN3 "N÷" must read as Nữ); other values pass through.
 * Not cleaned here: the parsers clean their input, and clean() is a measurable share of the loop.
 */
const decodedValue = (row: ReadonlyArray<Cell>, ref: ColumnRef | undefined): CellValue => {
  const v = valueAt(row, ref)
  return typeof v === "string" ? Enc.decodeText(v, fontAt(row, ref)).text : v
}

const shown = (v: CellValue): string => cellText({ value: v, font: null })

const firstLine = (s: string): string => s.split(/\r?\n/).find((l) => l.trim() !== "") ?? ""

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

/**
 * "213" as its own number ("DS 213", "213-QĐ/TW", "ds_213.csv") or after "QĐ", never inside a code
 * or a longer number: unit CB001213's list is an official one.
 */
const RESIDENCE_213 = /(?<![a-z0-9])213(?![0-9])|qd\s*-?\s*213(?![0-9])/

const kindFromText = (folded: string): RosterKind | null => {
  if (folded.includes("tam thoi")) return "TEMPORARY"
  if (RESIDENCE_213.test(folded) || folded.includes("noi cu tru") || folded.includes("giu moi lien he")) return "RESIDENCE_213"
  return null
}

/** The list's kind from its title lines (and sheet name): "… TẠM THỜI", "213", "nơi cư trú". */
export const kindFromTitles = (titles: ReadonlyArray<string>): RosterKind => {
  for (const t of titles) {
    const k = kindFromText(Text.fold(t))
    if (k !== null) return k
  }
  return "OFFICIAL"
}

const kindFromColumn = (text: string): RosterKind | null => {
  const k = Text.fold(text)
  return kindFromText(k) ?? (k.includes("chinh thuc") ? "OFFICIAL" : null)
}

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
}

const DMY_TEXT = /^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(?:\d{2}|\d{4})\s*$/

/**
 * Date columns whose text shows the writer's order: some date has a first number above 12 (so it
 * is day-first) and none has a second number above 12. There "05/03/1980" needs no warning; in a
 * column without such evidence it is read day-first and flagged.
 */
const dayFirstColumns = (sheet: Sheet, header: HeaderMap): ReadonlySet<string> => {
  const c = header.columns
  const refs = [c.birth, header.birthBySex?.male, header.birthBySex?.female, c.sexMale, c.sexFemale, c.admitted, c.official]
  const out = new Set<string>()
  for (const ref of refs) {
    if (ref === undefined) continue
    let dayFirst = 0
    let monthFirst = 0
    for (let r = header.firstDataRow; r < sheet.rows.length; r++) {
      const v = valueAt(sheet.rows[r]!, ref)
      if (typeof v !== "string") continue
      const m = DMY_TEXT.exec(v)
      if (m === null) continue
      const a = Number(m[1])
      const b = Number(m[2])
      if (a > 12 && b <= 12) dayFirst++
      else if (a <= 12 && b > 12) monthFirst++
    }
    if (dayFirst > 0 && monthFirst === 0) out.add(ref.label)
  }
  return out
}

const parseDateField = (
  v: CellValue,
  label: string,
  fieldName: string,
  warn: (column: string, reason: string) => void,
  dayFirst: ReadonlySet<string> = new Set()
): { readonly date: PartialDate | null; readonly error: string | null } => {
  if (v === null) return { date: null, error: null }
  const r = DateP.parseDate(v)
  if (!r.ok) return { date: null, error: r.reason }
  const settled = r.value !== null && r.value.day !== null && r.value.day <= 12 && dayFirst.has(label)
  if (r.ambiguous && r.value !== null && !settled) {
    warn(label, `${fieldName} "${shown(v)}" có thể bị đảo ngày và tháng; đã đọc là ${DateP.formatDate(r.value)}`)
  }
  return { date: r.value, error: null }
}

const extractSheet = (ctx: SheetContext, acc: Acc): void => {
  const { file, sheet, header } = ctx
  const cols = header.columns
  const bySex = header.birthBySex
  const nameLabel = cols.name?.label ?? "Họ và tên"
  const unitRef = cols.unitCode
  // Monthly attendance / dues columns (T1…T12), under a "Sinh hoạt" / "Đảng phí" group header or not.
  const headerText = (r: number) =>
    (sheet.rows[r] ?? []).map((c) => (isBlankCell(c) ? null : Text.clean(Enc.decodeText(cellText(c), c.font ?? undefined).text)))
  const headerTexts = headerText(header.lastHeaderRow)
  const dayFirst = dayFirstColumns(sheet, header)
  const attCols = Attendance.detectAttendanceColumns(
    headerTexts,
    header.lastHeaderRow > header.firstHeaderRow ? headerText(header.lastHeaderRow - 1) : []
  )
  // One warn/reject pair per sheet, not per row: closures made per row were a measurable share of
  // the loop. `notes` is the row's own (it goes into the RosterRow); `rowWarnings` is reused.
  let rowNo = 0
  let notes: Array<string> = []
  const rowWarnings: Array<Rejection> = []
  const warn = (column: string | null, reason: string) => {
    notes.push(reason)
    rowWarnings.push({ file, sheet: sheet.name, row: rowNo, column, reason })
  }
  const reject = (column: string | null, reason: string) => {
    acc.rowsRejected++
    acc.rejections.push({ file, sheet: sheet.name, row: rowNo, column, reason })
  }
  for (let r = header.firstDataRow; r < sheet.rows.length; r++) {
    const row = sheet.rows[r]!
    if (isBlankRow(row)) continue
    const cls = classifyRow(row)
    if (cls === "end") break
    if (cls === "skip") continue
    rowNo = sheet.rowNumbers[r]!
    acc.rowsRead++
    notes = []
    rowWarnings.length = 0

    // Name (required).
    const nameValue = decodedValue(row, cols.name)
    // Mẫu 7-HSĐV stacks "Họ và tên / Họ và tên khai sinh" in one cell: the first line is the name in use.
    const nameText =
      nameValue === null ? null : typeof nameValue === "string" && nameValue.includes("\n") ? firstLine(nameValue) : shown(nameValue)
    if (nameText === null) {
      const sttBlank = cols.stt === undefined || valueAt(row, cols.stt) === null
      reject(
        nameLabel,
        sttBlank
          ? "Thiếu Họ và tên (có thể là dòng nối tiếp của đảng viên ở dòng trên; hãy gộp vào một dòng)"
          : "Thiếu Họ và tên"
      )
      continue
    }
    const name = Text.parseName(nameText)
    if (name === null) {
      reject(nameLabel, `Họ và tên "${Text.clean(nameText)}" không đọc được thành tên người`)
      continue
    }

    // Sex and birth date: "Ngày sinh" over Nam | Nữ, X marks, a sex column, or a birth column.
    const sexVotes: Array<Sex> = []
    let birthValue: CellValue = null
    let birthLabel = cols.birth?.label ?? "Ngày sinh"
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
      const sex: Sex = k === 0 ? "M" : "F"
      const v = valueAt(row, ref)
      if (v === null) continue
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
      // Mẫu 7-HSĐV column 3 stacks "Nam\nKinh\nKhông": sex is the first line.
      const t = v === null ? null : Text.clean(Enc.decodeText(shown(v).split(/\r?\n/)[0]!, fontAt(row, cols.sex)).text)
      if (t !== null && t !== "") {
        const s = Ids.parseSex(t)
        if (s !== null) sexVotes.push(s)
        else warn(cols.sex.label, `Giới tính "${t}" không đọc được; bỏ qua giá trị`)
      }
    }
    let sex: Sex | null = sexVotes[0] ?? null
    if (sexVotes.some((s) => s !== sex)) {
      warn(null, "Giới tính ghi mâu thuẫn (vừa Nam vừa Nữ); bỏ qua giá trị")
      sex = null
    }

    const birth = parseDateField(birthValue, birthLabel, "Ngày sinh", warn, dayFirst)
    if (birth.error !== null) {
      reject(birthLabel, birth.error)
      continue
    }

    // Identifiers: a bad value is dropped with a warning, the row is kept.
    let cccd: string | null = null
    const cccdValue = decodedValue(row, cols.cccd)
    if (cccdValue !== null) {
      const r = Ids.parsePersonalId(cccdValue)
      if (r.ok) cccd = r.value
      else warn(cols.cccd!.label, `${r.reason}; bỏ qua giá trị`)
    }
    if (cccd !== null) {
      const c = Ids.cccdConsistency(cccd, sex, birth.date?.year ?? null)
      if (c !== null) warn(cols.cccd!.label, c)
    }
    let cardNo: string | null = null
    const cardValue = decodedValue(row, cols.cardNo)
    if (cardValue !== null) {
      const r = Ids.parseCardNo(cardValue)
      if (r.ok) cardNo = r.value
      else warn(cols.cardNo!.label, `${r.reason}; bỏ qua giá trị`)
    }
    let lyLich: string | null = null
    const lyLichValue = decodedValue(row, cols.lyLich)
    if (lyLichValue !== null) {
      const r = Ids.parseLyLich(lyLichValue)
      if (!r.ok) warn(cols.lyLich!.label, `${r.reason}; bỏ qua giá trị`)
      else if (r.value !== null) lyLich = `${r.value.digits} ${r.value.letters}`
    }
    // Mã đảng viên is the central database's id: kept as typed (an Excel number loses nothing here).
    const memberIdValue = valueAt(row, cols.memberId)
    const memberId = memberIdValue === null ? null : Text.clean(shown(memberIdValue)) || null

    const admittedRaw = decodedValue(row, cols.admitted)
    const admitted = parseDateField(admittedRaw, cols.admitted?.label ?? "", "Ngày vào Đảng", warn, dayFirst)
    if (admitted.error !== null) warn(cols.admitted!.label, `${admitted.error}; bỏ qua giá trị`)
    const officialRaw = decodedValue(row, cols.official)
    const official = parseDateField(officialRaw, cols.official?.label ?? "", "Ngày chính thức", warn, dayFirst)
    if (official.error !== null) warn(cols.official!.label, `${official.error}; bỏ qua giá trị`)

    const note = textAt(row, cols.note)
    const noteKey = note === null ? "" : Text.fold(note)
    const exempt = noteKey.includes("mien sinh hoat") || noteKey.includes("mien sh")

    let kind = ctx.kind
    const kindText = textAt(row, cols.kind)
    const fromColumn = kindText === null ? null : kindFromColumn(kindText)
    if (kindText !== null && fromColumn === null) {
      warn(cols.kind!.label, `Loại "${kindText}" không rõ; dùng loại của danh sách`)
    }
    const fromNote = noteKey === "" ? null : kindFromText(noteKey)
    kind = fromColumn ?? fromNote ?? kind

    let attendance: RosterRow["attendance"] = null
    if (attCols !== null) {
      const att = Attendance.readAttendance(row.map((c) => c.value), attCols)
      attendance = att.attendance
      for (const p of att.problems) warn(headerTexts[p.columnIndex] ?? `cột ${p.columnIndex + 1}`, p.reason)
    }

    if (unitRef !== undefined) {
      const code = textAt(row, unitRef)
      if (code !== null && code.toUpperCase() !== ctx.unitCode.toUpperCase()) {
        warn(unitRef.label, `Mã chi bộ của dòng "${code}" khác mã chi bộ của tệp "${ctx.unitCode}"; đã dùng mã của tệp`)
      }
    }

    acc.rows.push({
      file,
      sheet: sheet.name,
      row: rowNo,
      unitCode: ctx.unitCode,
      kind,
      name,
      birth: birth.date,
      sex,
      hometown: textAt(row, cols.hometown),
      cccd,
      cardNo,
      memberId,
      lyLich,
      admitted: admitted.date,
      official: official.date,
      note,
      exempt,
      attendance,
      warnings: notes
    })
    for (const w of rowWarnings) acc.warnings.push(w)
  }
}

const baseNameNoExt = (file: string) => path.posix.basename(file).replace(/\.[^.]+$/, "")

const fileError = (file: string, sha256: string, reason: string, rowsRead = 0): FileExtract => ({
  rows: [],
  rejections: [{ file, sheet: null, row: null, column: null, reason }],
  warnings: [],
  summary: { file, kind: null, unitCode: null, sha256, rowsRead, rowsIngested: 0, rowsRejected: rowsRead, error: reason, suspectTruncated: false }
})

/**
 * Pure: the rows of one file's sheets. `file` is the path shown in reports (relative, with "/").
 * The unit is resolved once per file; an unresolved unit rejects the whole file (all its rows).
 */
export const extractRows = (file: string, sheets: ReadonlyArray<Sheet>, units: UnitIndex, sha256 = ""): FileExtract => {
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
  const clues = cluesFromTitles(rosterSheets.flatMap((s) => s.titles), codeValue, baseNameNoExt(file))
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
  for (const s of rosterSheets) {
    const kind = kindFromTitles([...s.titles, s.sheet.name])
    fileKind ??= kind
    extractSheet({ file, sheet: s.sheet, header: s.header, unitCode, kind }, acc)
  }

  if (!resolution.ok) {
    const failed = fileError(file, sha256, resolution.reason, acc.rowsRead)
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
      suspectTruncated: false
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Files

const isIgnored = (name: string) => name.startsWith(".") || name.startsWith("~$")

/** Every file under `dir` (hidden files and Office lock files excluded), relative with "/", sorted. */
export const listRosterFiles = async (dir: string): Promise<Array<string>> => {
  const out: Array<string> = []
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true })
    for (const e of entries) {
      if (isIgnored(e.name)) continue
      const child = rel === "" ? e.name : `${rel}/${e.name}`
      if (e.isDirectory()) await walk(child)
      else if (e.isFile()) out.push(child)
    }
  }
  await walk("")
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

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
export const readRosterFile = async (dir: string, rel: string, units: UnitIndex): Promise<FileExtract> => {
  let bytes: Uint8Array
  try {
    // Sync: rosters are small, and a promise-based read (open, fstat, read, close) cost more than parsing some of them.
    bytes = readFileSync(path.join(dir, rel))
  } catch {
    return fileError(rel, "", "không đọc được tệp (không có quyền đọc hoặc tệp đang bị khóa)")
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex")
  try {
    const sheets = await readSheets(rel, bytes)
    if (Either.isLeft(sheets)) return fileError(rel, sha256, sheets.left)
    return extractRows(rel, sheets.right, units, sha256)
  } catch (d) {
    return fileError(rel, sha256, defectReason(d))
  }
}
