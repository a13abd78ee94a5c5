/**
 * review.xlsx: the printable workbook ward staff and cell secretaries review (domain brief §4, §8.7).
 * It proposes; it does not decide: every finding row carries its evidence, confidence and the rule's
 * reason, followed by empty columns for the cell's and the committee's opinions.
 *
 * Sheets: "Tổng hợp" (summary, SummarySheet.ts), one sheet per category with findings (categories
 * and their labels come from Labels.ts, so a new category gets its own sheet), "Không nêu lại"
 * (findings a review decision keeps out, when any), "Tệp đầu vào" (every input file, its role,
 * rows and hash), "Lỗi dữ liệu" (rejected rows, file errors and warnings). Evidence cells are locked and reviewer cells unlocked on a sheet protected without a
 * password: protection guards against accidental edits, not against people. Every text cell goes
 * through `cellText` (formula escaping, Excel's 32,767-character limit).
 *
 * Printing: a category sheet prints on A4 landscape at ≥ 9 pt. Its first columns (PRINTED_COLUMNS:
 * who, the reason, the proposal and the reviewer's decision and opinions) are the print area; the
 * rest of the evidence (file and row, field values, the match explanation, the rule) follows on
 * screen only, one line per cell.
 *
 * Round trip (`recon review import`): each finding row carries two hidden locked columns, the
 * finding's evidence hash (what the reviewer decides on) and a checksum of the row's evidence cells
 * as written (EVIDENCE_COLUMNS), so an import can refuse a row whose evidence was edited.
 *
 * Written with exceljs's streaming writer, row by row, straight to the file: memory stays bounded
 * and 100,000 findings take about a second.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type ExcelJS from "exceljs"
import { createHash } from "node:crypto"
import {
  Categories,
  type Category,
  type CentralMember,
  type Discrepancy,
  type FileSummary,
  type FindingReview,
  type PartialDate,
  type Rejection,
  type RosterRow,
  type RowRef,
  type Sex,
  type Unit
} from "../Domain.js"
import { formatDate } from "../Normalize/Date.js"
import { evidenceHash, sha256Hex } from "../Store/EvidenceHash.js"
import { type WrittenFile, withAtomicFile } from "./AtomicFile.js"
import {
  addRow,
  cellText,
  columnLetter,
  drainSheet,
  fastRows,
  headerFooter,
  isoToDate,
  pageSetup,
  printScale,
  rowHeight,
  STYLE,
  type WriteStats
} from "./Cells.js"
import {
  categoryLabel,
  categorySheetName,
  checkLabel,
  fieldLabel,
  fieldValueLabel,
  formatIsoDate,
  ReviewDecisions,
  sexLabel
} from "./Labels.js"
import { type ReportWriteError, writeFailed } from "./ReportError.js"
import type { RunInput } from "./RunJson.js"
import { addInputsSheet, addSummarySheet } from "./SummarySheet.js"

/** A cell of the central data that this run could not reconcile fully (rules fills the list). */
export interface UncoveredCell {
  readonly unitCode: string
  readonly unitName: string
  readonly parentCode: string | null
  readonly activeMembers: number
  /** NO_ROSTER: no roster file at all; UNREAD_INPUT: a roster of it could not be read whole. */
  readonly why: "NO_ROSTER" | "UNREAD_INPUT"
}

export interface ReviewInput {
  readonly discrepancies: ReadonlyArray<Discrepancy>
  /** Central members by id. */
  readonly members: ReadonlyMap<string, CentralMember>
  /** Units by code. */
  readonly units: ReadonlyMap<string, Unit>
  /** Ingested roster rows by `rowKey`. */
  readonly rowsByRef: ReadonlyMap<string, RosterRow>
  readonly rejections: ReadonlyArray<Rejection>
  readonly warnings: ReadonlyArray<Rejection>
  /** The roster files read (the central database's file is `central`). */
  readonly files: ReadonlyArray<FileSummary>
  /** The central database file, when known: its error (if any) is listed with the others. */
  readonly central?: FileSummary
  /** YYYY-MM-DD. */
  readonly asOf: string
  readonly inputs: ReadonlyArray<RunInput>
  readonly tool: { readonly name: string; readonly version: string }
  /** ISO instant the report was made; also the workbook's creation date, so output depends only on input. */
  readonly generatedAt: string
  /** Findings a review decision keeps out of the category sheets (each with its `review`). */
  readonly suppressed?: ReadonlyArray<Discrepancy>
  /** Whose workbook this is, when split by parent unit (e.g. "Đảng bộ bộ phận Khu Bắc"). */
  readonly scope?: string
  /** The match explanation behind each finding (finding id → Vietnamese sentence), appended to "Diễn giải". */
  readonly explanations?: ReadonlyMap<string, string>
  /** Cells not reconciled fully: listed on the summary ("Chi bộ chưa được đối chiếu đầy đủ"). */
  readonly uncoveredCells?: ReadonlyArray<UncoveredCell>
  /** Finding rows written of total, every few hundred rows (a terminal's progress line). */
  readonly onRows?: (written: number, total: number) => void
}

/** Key of `ReviewInput.rowsByRef`. NUL cannot occur in file or sheet names. */
export const rowKey = (ref: RowRef): string => `${ref.file}\u0000${ref.sheet}\u0000${ref.row}`

export const SUMMARY_SHEET = "Tổng hợp"
export const ERRORS_SHEET = "Lỗi dữ liệu"
export const SUPPRESSED_SHEET = "Không nêu lại"

/** The đảng bộ a workbook is for: its scope when split, else the top of the unit tree. */
export const partyName = (input: ReviewInput): string => {
  if (input.scope !== undefined) return input.scope
  const roots = [...input.units.values()].filter((u) => u.parentCode === null || !input.units.has(u.parentCode))
  return roots.length === 0 ? "" : roots.length === 1 ? roots[0]!.name : `${roots[0]!.name} và ${roots.length - 1} đơn vị khác`
}

/** A unit as a reviewer reads it: its name and code ("Chi bộ Khu dân cư số 1 (CB07)"); unknown → the code. */
export const unitText = (units: ReadonlyMap<string, Unit>, code: string): string => {
  const u = units.get(code)
  return u === undefined ? code : `${u.name} (${code})`
}

// ---------------------------------------------------------------------------------------------
// Rendering a finding as cell values (pure)

interface Person {
  readonly name: string
  readonly birth: PartialDate | null
  readonly sex: Sex | null
}

const distinct = (xs: ReadonlyArray<string>): Array<string> => [...new Set(xs)]

/** Cell texts of one finding row, before escaping; null = empty cell. */
export interface FindingCells {
  readonly id: string
  readonly names: string
  readonly births: string
  /** The birth date as a date cell: only for one person whose full date is known. */
  readonly birthDate: Date | null
  readonly sexes: string
  /** The unit the finding is about. */
  readonly unit: string
  readonly centralUnits: string
  readonly rosterUnits: string
  readonly evidence: string
  readonly category: string
  readonly field: string | null
  readonly centralValue: string | null
  readonly rosterValue: string | null
  /** The rule's sentence. */
  readonly reason: string
  /** The reason followed by the match explanation, when there is one. */
  readonly explanation: string
  /** The rule cited, then the legitimate-listing checks applied. */
  readonly basis: string
  readonly score: number | null
  readonly recommendation: string
  readonly reviewStatus: string
  readonly evidenceHash: string
}

/** "Không đồng ý (Nguyễn Văn A, 05/11/2026)"; a reopened finding says its evidence changed. */
export const reviewStatusText = (review: FindingReview | undefined): string => {
  if (review === undefined) return "Chưa rà soát"
  const by = [review.reviewer, review.decidedOn === null ? null : formatIsoDate(review.decidedOn)]
    .filter((x) => x !== null && x !== "").join(", ")
  const decided = `${review.decision}${by === "" ? "" : ` (${by})`}`
  return review.changedSinceDecision ? `Mở lại: bằng chứng đã thay đổi sau quyết định "${decided}"` : decided
}

const basisText = (d: Discrepancy): string => {
  const lines: Array<string> = []
  if (d.rule !== undefined) lines.push(`Căn cứ: ${d.rule}`)
  if (d.checks !== undefined) {
    lines.push(
      d.checks.length === 0 ? "Không áp dụng kiểm tra trường hợp hợp lệ" : `Đã loại trừ: ${d.checks.map(checkLabel).join("; ")}`
    )
  }
  if ((d.caveats ?? []).includes("INPUT_INCOMPLETE")) lines.push("Lưu ý: dữ liệu đầu vào của chi bộ chưa đọc được đầy đủ")
  return lines.join("\n")
}

const fullDate = (p: PartialDate | null): Date | null =>
  p === null || p.month === null || p.day === null ? null : new Date(Date.UTC(p.year, p.month - 1, p.day))

/**
 * People are taken from the central records when the finding names any (they are the record a
 * decision acts on), otherwise from the roster rows; one line per person, so two records of a
 * duplicate show as two lines. A reference missing from the lookups is shown by id, never dropped.
 */
export const findingCells = (input: ReviewInput, d: Discrepancy): FindingCells => {
  const members = d.memberIds.map((id) => ({ id, member: input.members.get(id) }))
  const rows = d.rosterRows.map((ref) => ({ ref, row: input.rowsByRef.get(rowKey(ref)) }))
  const people: Array<Person> = members.length > 0
    ? members.map(({ id, member }) =>
      member === undefined
        ? { name: `(không tìm thấy hồ sơ ${id})`, birth: null, sex: null }
        : { name: member.name.display, birth: member.birth, sex: member.sex }
    )
    : rows.map(({ ref, row }) =>
      row === undefined
        ? { name: `(không tìm thấy dòng ${ref.row})`, birth: null, sex: null }
        : { name: row.name.display, birth: row.birth, sex: row.sex }
    )
  const lines = (f: (p: Person) => string): string => people.map(f).join("\n")
  const hasBirth = people.some((p) => p.birth !== null)
  const hasSex = people.some((p) => p.sex !== null)
  const birthDate = people.length === 1 ? fullDate(people[0]!.birth) : null
  const why = input.explanations?.get(d.id)
  return {
    id: d.id,
    names: lines((p) => p.name),
    births: birthDate === null && hasBirth ? lines((p) => p.birth === null ? "" : formatDate(p.birth)) : "",
    birthDate,
    sexes: hasSex ? lines((p) => p.sex === null ? "" : sexLabel(p.sex)) : "",
    unit: d.unitCode === null ? "" : unitText(input.units, d.unitCode),
    centralUnits: distinct(
      members.flatMap(({ member }) => member === undefined ? [] : [unitText(input.units, member.unitCode)])
    ).join("\n"),
    rosterUnits: distinct(rows.flatMap(({ row }) => row === undefined ? [] : [unitText(input.units, row.unitCode)]))
      .join("\n"),
    evidence: d.rosterRows.map((r) => `${r.file} / ${r.sheet} / ${r.row}`).join("\n"),
    category: categoryLabel(d.category),
    field: d.field === undefined ? null : fieldLabel(d.field),
    centralValue: d.centralValue === undefined ? null : fieldValueLabel(d.field, d.centralValue),
    rosterValue: d.rosterValue === undefined ? null : fieldValueLabel(d.field, d.rosterValue),
    reason: d.reason,
    explanation: why === undefined ? d.reason : `${d.reason}\n${why}`,
    basis: basisText(d),
    score: d.score,
    recommendation: d.recommendation,
    reviewStatus: reviewStatusText(d.review),
    evidenceHash: evidenceHash(d)
  }
}

// ---------------------------------------------------------------------------------------------
// Category sheet layout

type Value = string | number | Date | null

interface FindingColumn {
  readonly header: string
  readonly width: number
  /** Part of the print area (the leading columns). */
  readonly print?: boolean
  /** Reviewer columns are unlocked; filled only with a standing decision. */
  readonly reviewer?: boolean
  /** Machine columns for the round trip: locked, hidden on screen and on paper. */
  readonly hidden?: boolean
  /** Evidence: the cell's value. */
  readonly cell?: (f: FindingCells, stats?: WriteStats) => Value
  /** Off-page evidence shown only when some finding of the sheet has it. */
  readonly when?: (d: Discrepancy) => boolean
}

const t = (pick: (f: FindingCells) => string | null) => (f: FindingCells, stats?: WriteStats): Value => cellText(pick(f), stats)

/**
 * Category sheet layout, declared once: the writer, the checksum and the import all loop over it.
 * Printed widths add up to a page at 93 % (`printScale`), so 10 pt prints above 9 pt.
 */
export const FINDING_COLUMNS: ReadonlyArray<FindingColumn> = [
  { header: "STT", width: 4.5, print: true },
  { header: "Mã phát hiện", width: 16, print: true, cell: t((f) => f.id) },
  { header: "Họ và tên", width: 17, print: true, cell: t((f) => f.names) },
  { header: "Ngày sinh", width: 10.5, print: true, cell: (f, s) => f.birthDate ?? cellText(f.births, s) },
  { header: "Chi bộ", width: 13, print: true, cell: t((f) => f.unit) },
  { header: "Lý do", width: 36, print: true, cell: t((f) => f.reason) },
  { header: "Đề xuất", width: 11, print: true, cell: t((f) => f.recommendation) },
  { header: "Tình trạng rà soát", width: 10, print: true, cell: t((f) => f.reviewStatus) },
  { header: "Quyết định", width: 12, print: true, reviewer: true },
  { header: "Ý kiến chi bộ", width: 13, print: true, reviewer: true },
  { header: "Ý kiến cấp ủy", width: 13, print: true, reviewer: true },
  { header: "Người rà soát", width: 16, reviewer: true },
  { header: "Ngày", width: 11, reviewer: true },
  { header: "Giới tính", width: 8, cell: t((f) => f.sexes) },
  { header: "Loại sai lệch", width: 24, cell: t((f) => f.category) },
  { header: "Chi bộ (theo CSDL)", width: 24, cell: t((f) => f.centralUnits), when: (d) => d.memberIds.length > 0 },
  { header: "Chi bộ (theo danh sách)", width: 24, cell: t((f) => f.rosterUnits), when: (d) => d.rosterRows.length > 0 },
  { header: "Tệp / Trang / Dòng", width: 40, cell: t((f) => f.evidence), when: (d) => d.rosterRows.length > 0 },
  { header: "Trường", width: 14, cell: t((f) => f.field), when: (d) => d.field !== undefined },
  { header: "Giá trị CSDL", width: 16, cell: t((f) => f.centralValue), when: (d) => d.centralValue !== undefined },
  { header: "Giá trị danh sách", width: 16, cell: t((f) => f.rosterValue), when: (d) => d.rosterValue !== undefined },
  { header: "Độ tin cậy", width: 9, cell: (f) => f.score, when: (d) => d.score !== null },
  { header: "Căn cứ và kiểm tra", width: 50, cell: t((f) => f.basis) },
  { header: "Diễn giải", width: 80, cell: t((f) => f.explanation) },
  { header: "Mã bằng chứng", width: 10, hidden: true },
  { header: "Mã kiểm tra", width: 10, hidden: true }
]

/** 1-based column of a FINDING_COLUMNS header. */
export const findingColumn = (header: string): number => FINDING_COLUMNS.findIndex((c) => c.header === header) + 1

/** The printed columns: the leading ones (a print area is one block of columns). */
export const PRINTED_COLUMNS = FINDING_COLUMNS.findIndex((c) => c.print !== true)

/** The locked evidence columns the checksum covers (1-based): everything a reviewer reads, STT aside. */
export const EVIDENCE_COLUMNS: ReadonlyArray<number> = FINDING_COLUMNS.flatMap((c, i) => c.cell === undefined ? [] : [i + 1])

/** Printed scale of a category sheet with every column shown (at least 0.9: 10 pt prints ≥ 9 pt). */
export const CATEGORY_PRINT_SCALE = printScale(FINDING_COLUMNS.slice(0, PRINTED_COLUMNS).map((c) => c.width))

/**
 * Checksum of a row's evidence cells as stored (after escaping). Line ends are normalised because a
 * spreadsheet program may save "\r\n" for "\n"; numbers are compared as numbers, dates as ISO instants.
 */
export const evidenceChecksum = (cells: ReadonlyArray<Value>): string =>
  // JSON.stringify writes a Date as its toISOString(): only "\r" needs a copy of the cells.
  sha256Hex(JSON.stringify(
    cells.some((c) => typeof c === "string" && c.includes("\r"))
      ? cells.map((c) => typeof c === "string" ? c.replace(/\r\n?/g, "\n") : c)
      : cells
  )).slice(0, 16)

/** What the evidence columns of a finding row hold, in EVIDENCE_COLUMNS order (escaped as written). */
export const evidenceCellValues = (f: FindingCells, stats?: WriteStats): Array<Value> =>
  EVIDENCE_COLUMNS.map((c) => FINDING_COLUMNS[c - 1]!.cell!(f, stats))

const DECISION_COLUMN = findingColumn("Quyết định")
const HASH_COLUMN = findingColumn("Mã bằng chứng")
const CHECKSUM_COLUMN = findingColumn("Mã kiểm tra")
const STATUS_COLUMN = findingColumn("Tình trạng rà soát")
const REVIEWER_CELLS: ReadonlyArray<{ readonly column: number; readonly value: (r: FindingReview, s: WriteStats) => Value }> = [
  { column: DECISION_COLUMN, value: (r) => r.decision },
  { column: findingColumn("Ý kiến chi bộ"), value: (r, s) => cellText(r.unitComment, s) },
  { column: findingColumn("Ý kiến cấp ủy"), value: (r, s) => cellText(r.committeeComment, s) },
  { column: findingColumn("Người rà soát"), value: (r, s) => cellText(r.reviewer, s) },
  { column: findingColumn("Ngày"), value: (r) => r.decidedOn === null ? null : isoToDate(r.decidedOn) }
]

/** Printed widths for row heights: text wraps only in printed columns. */
const WRAP_WIDTHS = [0, ...FINDING_COLUMNS.map((c) => c.print === true ? c.width : 0)]
const PRINTED_WIDTHS = WRAP_WIDTHS.slice(1)

/** The style of each column's data cells. */
const COLUMN_STYLES: ReadonlyArray<Partial<ExcelJS.Style>> = FINDING_COLUMNS.map((c) =>
  c.header === "Ngày" ? STYLE.reviewerDate
  : c.header === "Ngày sinh" ? STYLE.wrapDate
  : c.reviewer === true ? STYLE.reviewer
  : c.header === "Độ tin cậy" ? STYLE.percent
  : c.header === "STT" ? STYLE.number
  : c.print === true ? STYLE.wrap
  : STYLE.line
)
/** The same with the review status marked: the finding's evidence changed since its decision. */
const REOPENED_STYLES = COLUMN_STYLES.map((st, i) => (i === findingColumn("Tình trạng rà soát") - 1 ? STYLE.reopened : st))

export const ERROR_COLUMNS: ReadonlyArray<{ readonly header: string; readonly width: number }> = [
  { header: "STT", width: 6 },
  { header: "Mức độ", width: 10 },
  { header: "Tệp", width: 34 },
  { header: "Trang", width: 14 },
  { header: "Dòng", width: 7 },
  { header: "Cột", width: 14 },
  { header: "Lý do", width: 60 }
]

export const SUPPRESSED_COLUMNS: ReadonlyArray<{ readonly header: string; readonly width: number }> = [
  { header: "STT", width: 5 },
  { header: "Mã phát hiện", width: 16 },
  { header: "Họ và tên", width: 18 },
  { header: "Chi bộ", width: 18 },
  { header: "Loại sai lệch", width: 20 },
  { header: "Quyết định", width: 13 },
  { header: "Người rà soát", width: 14 },
  { header: "Ngày", width: 11 },
  { header: "Ý kiến chi bộ", width: 20 },
  { header: "Ý kiến cấp ủy", width: 20 }
]
/** The parent unit a committee reviews a unit under: its parent, or itself at the top of the tree. */
export const parentUnitOf = (units: ReadonlyMap<string, Unit>, code: string): string =>
  units.get(code)?.parentCode ?? code

/**
 * One review input per parent unit (`--split-by unit`: each committee reviews its own): the findings
 * of its units, and the files, rejected rows and warnings of rosters from its units. Findings with
 * no unit and files of unknown unit stay in the full workbook only. Parents in code order.
 */
export const splitByParentUnit = (
  input: ReviewInput
): Array<{ readonly parentCode: string; readonly input: ReviewInput }> => {
  const parentOf = (code: string | null): string | null => code === null ? null : parentUnitOf(input.units, code)
  const fileParent = new Map(input.files.map((f) => [f.file, parentOf(f.unitCode)]))
  const parents = new Set<string>()
  for (const d of [...input.discrepancies, ...(input.suppressed ?? [])]) {
    const p = parentOf(d.unitCode)
    if (p !== null) parents.add(p)
  }
  return [...parents].sort().map((parentCode) => {
    const mine = (d: Discrepancy): boolean => parentOf(d.unitCode) === parentCode
    const ofFile = (file: string): boolean => fileParent.get(file) === parentCode
    const files = input.files.filter((f) => ofFile(f.file))
    const parent = input.units.get(parentCode)
    return {
      parentCode,
      input: {
        ...input,
        discrepancies: input.discrepancies.filter(mine),
        suppressed: (input.suppressed ?? []).filter(mine),
        rejections: input.rejections.filter((r) => ofFile(r.file)),
        warnings: input.warnings.filter((r) => ofFile(r.file)),
        files,
        uncoveredCells: (input.uncoveredCells ?? []).filter((c) => parentOf(c.unitCode) === parentCode),
        inputs: input.inputs.filter((i) => i.role === "central" || ofFile(i.path)),
        scope: parent === undefined ? parentCode : `${parent.name} (${parentCode})`
      }
    }
  })
}

/** File name of a parent unit's workbook; characters a file system may refuse are replaced. */
export const splitFileName = (parentCode: string): string => `review-${parentCode.replace(/[^\p{L}\p{N}_.-]/gu, "_")}.xlsx`


// ---------------------------------------------------------------------------------------------
// Writing (exceljs streaming writer: options first, then rows committed one by one)

type Writer = ExcelJS.stream.xlsx.WorkbookWriter
type Sheet = ExcelJS.Worksheet

/** Opens a sheet with its page setup, frozen panes and header row written. */
export const openSheet = (
  wb: Writer,
  name: string,
  o: {
    readonly columns: ReadonlyArray<{ readonly header: string; readonly width: number; readonly hidden?: boolean }>
    readonly frozenColumns: number
    readonly title: string
    readonly party: string
    readonly asOf: string
  }
): Sheet => {
  const ws = wb.addWorksheet(name, {
    views: [{
      state: "frozen",
      xSplit: o.frozenColumns,
      ySplit: 1,
      topLeftCell: `${columnLetter(o.frozenColumns + 1)}2`
    }],
    pageSetup: pageSetup(),
    headerFooter: headerFooter(o.party, o.title, o.asOf)
  })
  ws.columns = o.columns.map((c) => ({ width: c.width, hidden: c.hidden === true }))
  const header = addRow(ws, o.columns.map((c) => c.header))
  header.eachCell((cell) => (cell.style = STYLE.header))
  header.height = rowHeight(o.columns.map((c) => c.header), o.columns.map((c) => c.width)) + 2
  header.commit()
  return ws
}

/** Adds a row of values with one shared style per column, its height fitted to its wrapped text. */
const addStyledRow = (
  ws: Sheet,
  values: ReadonlyArray<Value>,
  styles: ReadonlyArray<Partial<ExcelJS.Style>>,
  wrapWidths: ReadonlyArray<number>
): ExcelJS.Row => {
  const row = addRow(ws, values as Array<Value>)
  for (let c = 0; c < values.length; c++) row.getCell(c + 1).style = styles[c]!
  row.height = rowHeight(values, wrapWidths.slice(1))
  return row
}

const DECISION_VALIDATION: ExcelJS.DataValidation = {
  type: "list",
  allowBlank: true,
  formulae: [`"${ReviewDecisions.join(",")}"`],
  showErrorMessage: true,
  errorStyle: "stop",
  errorTitle: "Quyết định",
  error: `Chọn một trong: ${ReviewDecisions.join("; ")}.`
}

/** No password: protection prevents accidental edits of evidence; see the module comment. */
const PROTECTION: Partial<ExcelJS.WorksheetProtection> = {
  selectLockedCells: true,
  selectUnlockedCells: true,
  formatColumns: true,
  formatRows: true,
  autoFilter: true,
  sort: true
}

/** One finding row: evidence, round-trip hashes and, for a standing decision, the reviewer cells. */
const findingRowValues = (f: FindingCells, review: FindingReview | undefined, n: number, stats: WriteStats): Array<Value> => {
  const values: Array<Value> = new Array<Value>(FINDING_COLUMNS.length).fill(null)
  values[0] = n
  const evidence = evidenceCellValues(f, stats)
  EVIDENCE_COLUMNS.forEach((c, k) => (values[c - 1] = evidence[k]!))
  values[HASH_COLUMN - 1] = f.evidenceHash
  values[CHECKSUM_COLUMN - 1] = evidenceChecksum(evidence)
  // A standing decision is shown in the reviewer columns so re-importing the workbook keeps it;
  // a reopened finding starts blank, since its evidence changed since that decision.
  if (review !== undefined && !review.changedSinceDecision) {
    for (const r of REVIEWER_CELLS) values[r.column - 1] = r.value(review, stats)
  }
  return values
}

const addCategorySheet = async (
  wb: Writer,
  input: ReviewInput,
  category: Category,
  findings: ReadonlyArray<Discrepancy>,
  stats: WriteStats
): Promise<void> => {
  // Off-page evidence columns no finding of the sheet fills are hidden.
  const columns = FINDING_COLUMNS.map((c) => ({
    header: c.header,
    width: c.width,
    hidden: c.hidden === true || (c.when !== undefined && !findings.some(c.when))
  }))
  const ws = openSheet(wb, categorySheetName(category), {
    columns,
    frozenColumns: 3,
    title: categoryLabel(category),
    party: partyName(input),
    asOf: input.asOf
  })
  // Rows as XML text when the writer allows (Cells.fastRows), else through exceljs's row objects.
  const fast = fastRows(ws)
  for (let i = 0; i < findings.length; i++) {
    const d = findings[i]!
    const values = findingRowValues(findingCells(input, d), d.review, i + 1, stats)
    const reopened = d.review?.changedSinceDecision === true
    if (fast !== null) fast.row(values, reopened ? REOPENED_STYLES : COLUMN_STYLES, rowHeight(values, PRINTED_WIDTHS))
    else {
      const row = addStyledRow(ws, values, COLUMN_STYLES, WRAP_WIDTHS)
      if (reopened) row.getCell(STATUS_COLUMN).style = STYLE.reopened
      row.commit()
    }
    const written = (stats.rows = (stats.rows ?? 0) + 1)
    if (written % 500 === 0) input.onRows?.(written, input.discrepancies.length)
    if (i % 500 === 499) await drainSheet(ws)
  }
  fast?.end()
  const last = findings.length + 1
  // exceljs writes "$" + each end: "A$1" becomes the absolute $A$1 that LibreOffice and Excel expect.
  ws.pageSetup.printArea = `A$1:${columnLetter(PRINTED_COLUMNS)}$${last}`
  const decision = columnLetter(DECISION_COLUMN)
  ;(ws as unknown as { dataValidations: { add: (a: string, v: ExcelJS.DataValidation) => void } }).dataValidations.add(
    `${decision}2:${decision}${Math.max(2, last)}`, DECISION_VALIDATION)
  ws.autoFilter = `A1:${columnLetter(FINDING_COLUMNS.length)}${last}`
  await ws.protect("", PROTECTION)
  ws.commit()
}

interface ErrorLine {
  readonly level: string
  readonly r: Rejection
}

/**
 * File errors first (a whole file unusable matters most), then rejected rows, then warnings.
 * A file error already reported as a file-level rejection with the same reason is listed once.
 */
export const errorLines = (input: ReviewInput): ReadonlyArray<ErrorLine> => {
  const fileLevel = new Set(
    input.rejections.filter((r) => r.row === null).map((r) => `${r.file}\u0000${r.reason}`)
  )
  const files = input.central === undefined ? input.files : [input.central, ...input.files]
  const fileErrors: Array<ErrorLine> = files.flatMap((f) =>
    f.error === null || fileLevel.has(`${f.file}\u0000${f.error}`)
      ? []
      : [{ level: "Lỗi tệp", r: { file: f.file, sheet: null, row: null, column: null, reason: f.error } }]
  )
  return [
    ...fileErrors,
    ...input.rejections.map((r) => ({ level: r.row === null ? "Lỗi tệp" : "Lỗi dòng", r })),
    ...input.warnings.map((r) => ({ level: "Cảnh báo", r }))
  ]
}

const ERROR_STYLES = ERROR_COLUMNS.map((c) => c.header === "STT" || c.header === "Dòng" ? STYLE.number : STYLE.wrap)
const ERROR_WIDTHS = [0, ...ERROR_COLUMNS.map((c) => c.width)]

const addErrorSheet = (wb: Writer, input: ReviewInput, stats: WriteStats): void => {
  const ws = openSheet(wb, ERRORS_SHEET, {
    columns: ERROR_COLUMNS,
    frozenColumns: 0,
    title: "Lỗi dữ liệu đầu vào",
    party: partyName(input),
    asOf: input.asOf
  })
  const lines = [...errorLines(input)]
  if (stats.truncated > 0) {
    lines.push({
      level: "Cảnh báo",
      r: {
        file: "review.xlsx",
        sheet: null,
        row: null,
        column: null,
        reason: `${stats.truncated} ô dài quá 32.767 ký tự (giới hạn của Excel) đã bị cắt bớt, có ghi chú ở cuối ô; ` +
          `nội dung đầy đủ của phát hiện có trong discrepancies.jsonl.`
      }
    })
  }
  // Rows as XML text when the writer allows (a province's warnings run to thousands), else exceljs's rows.
  const fast = fastRows(ws)
  const heightWidths = ERROR_WIDTHS.slice(1)
  lines.forEach(({ level, r }, i) => {
    const t = (s: string | null) => cellText(s, stats)
    const values = [i + 1, level, t(r.file), t(r.sheet), r.row, t(r.column), t(r.reason)]
    if (fast !== null) fast.row(values, ERROR_STYLES, rowHeight(values, heightWidths))
    else addStyledRow(ws, values, ERROR_STYLES, ERROR_WIDTHS).commit()
  })
  fast?.end()
  ws.autoFilter = `A1:${columnLetter(ERROR_COLUMNS.length)}${lines.length + 1}`
  ws.commit()
}

const SUPPRESSED_STYLES = SUPPRESSED_COLUMNS.map((c) =>
  c.header === "STT" ? STYLE.number : c.header === "Ngày" ? STYLE.date : STYLE.wrap
)
const SUPPRESSED_WIDTHS = [0, ...SUPPRESSED_COLUMNS.map((c) => c.width)]

/** Findings judged legitimate or already handled, with the same evidence: listed for the record, not raised. */
const addSuppressedSheet = (wb: Writer, input: ReviewInput, stats: WriteStats): void => {
  const ws = openSheet(wb, SUPPRESSED_SHEET, {
    columns: SUPPRESSED_COLUMNS,
    frozenColumns: 0,
    title: "Phát hiện không nêu lại (đã có quyết định)",
    party: partyName(input),
    asOf: input.asOf
  })
  const list = input.suppressed ?? []
  const t = (s: string | null) => cellText(s, stats)
  list.forEach((d, i) => {
    const f = findingCells(input, d)
    const r = d.review
    addStyledRow(ws, [
      i + 1,
      t(d.id),
      t(f.names),
      t(f.unit),
      t(f.category),
      r === undefined ? null : r.decision,
      t(r?.reviewer ?? null),
      r === undefined || r.decidedOn === null ? null : isoToDate(r.decidedOn),
      t(r?.unitComment ?? null),
      t(r?.committeeComment ?? null)
    ], SUPPRESSED_STYLES, SUPPRESSED_WIDTHS).commit()
  })
  ws.autoFilter = `A1:${columnLetter(SUPPRESSED_COLUMNS.length)}${list.length + 1}`
  ws.commit()
}

/** The findings of each category, in category order (Labels.ts declares them; new ones get a sheet). */
const byCategory = (ds: ReadonlyArray<Discrepancy>): Array<[Category, Array<Discrepancy>]> => {
  const m = new Map<Category, Array<Discrepancy>>()
  for (const d of ds) {
    const list = m.get(d.category)
    if (list === undefined) m.set(d.category, [d])
    else list.push(d)
  }
  return Categories.flatMap((c) => {
    const list = m.get(c)
    return list === undefined ? [] : [[c, list] as [Category, Array<Discrepancy>]]
  })
}

/**
 * Streams the workbook to `path`. Returns what had to be changed (cells cut to Excel's limit).
 * `ExcelJS` is imported here, on first use, to keep CLI start-up fast.
 */
export const streamReviewWorkbook = async (path: string, input: ReviewInput): Promise<WriteStats> => {
  const { default: excel } = await import("exceljs")
  const generated = new Date(input.generatedAt)
  const wb = new excel.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
    // Level 1: a third of the default's time for a file ~15 % larger.
    zip: { zlib: { level: 1 } }
  } as ExcelJS.stream.xlsx.WorkbookStreamWriterOptions)
  wb.creator = `${input.tool.name} ${input.tool.version}`
  if (!Number.isNaN(generated.getTime())) {
    wb.created = generated
    wb.modified = generated
  }
  const stats: WriteStats = { truncated: 0 }
  addSummarySheet(wb, input, stats)
  for (const [category, findings] of byCategory(input.discrepancies)) {
    await addCategorySheet(wb, input, category, findings, stats)
  }
  if ((input.suppressed ?? []).length > 0) addSuppressedSheet(wb, input, stats)
  addInputsSheet(wb, input, stats)
  addErrorSheet(wb, input, stats)
  await wb.commit()
  return stats
}

/** review.xlsx written atomically; a warning is logged when cells had to be cut to Excel's limit. */
export const writeReviewWorkbook = (
  path: string,
  input: ReviewInput
): Effect.Effect<WrittenFile, ReportWriteError, FileSystem.FileSystem> =>
  withAtomicFile(path, (temp) =>
    Effect.tryPromise(() => streamReviewWorkbook(temp, input)).pipe(
      Effect.tap((stats) =>
        stats.truncated === 0 ? Effect.void : Effect.logWarning(
          `${path}: ${stats.truncated} cell(s) longer than Excel's 32,767 characters were cut (marked in the cell); ` +
            `the full text is in discrepancies.jsonl`
        )
      )
    )).pipe(
      Effect.flatMap(() => fileFacts(path)),
      Effect.mapError(writeFailed(path))
    )

/** Size and SHA-256 of a written file, read back in chunks. */
const fileFacts = (path: string): Effect.Effect<WrittenFile, unknown> =>
  Effect.tryPromise(async () => {
    const { createReadStream } = await import("node:fs")
    const hash = createHash("sha256")
    let bytes = 0
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer)
      bytes += (chunk as Buffer).length
    }
    return { path, bytes, sha256: hash.digest("hex") }
  })

export { barText } from "./SummarySheet.js"
