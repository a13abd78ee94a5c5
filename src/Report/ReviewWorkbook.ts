/**
 * review.xlsx: the printable workbook ward staff and cell secretaries review (domain brief §4, §8.7).
 * It proposes; it does not decide: every finding row carries its evidence, confidence and the rule's
 * reason, followed by empty columns for the cell's and the committee's opinions.
 *
 * Sheets: "Tổng hợp" (summary), one sheet per category with findings, "Lỗi dữ liệu" (rejected rows,
 * file errors and warnings). Evidence cells are locked and reviewer cells unlocked on a sheet
 * protected without a password: protection guards against accidental edits, not against people.
 * Every text cell goes through `escapeCell`.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type ExcelJS from "exceljs"
import {
  Categories,
  type Category,
  type CentralMember,
  type Discrepancy,
  type FileSummary,
  type PartialDate,
  type Rejection,
  type RosterRow,
  type RowRef,
  type Sex,
  type Unit
} from "../Domain.js"
import { type WrittenFile, writeFileAtomic } from "./AtomicFile.js"
import { escapeCell } from "./Escape.js"
import {
  categoryLabel,
  categorySheetName,
  fieldLabel,
  fieldValueLabel,
  formatIsoDate,
  formatPartialDate,
  ReviewDecisions,
  rosterKindLabel,
  sexLabel
} from "./Labels.js"
import { type ReportWriteError, writeFailed } from "./ReportError.js"
import type { RunInput } from "./RunJson.js"

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
  readonly files: ReadonlyArray<FileSummary>
  /** YYYY-MM-DD. */
  readonly asOf: string
  readonly inputs: ReadonlyArray<RunInput>
  readonly tool: { readonly name: string; readonly version: string }
  /** ISO instant the report was made; also the workbook's creation date, so output depends only on input. */
  readonly generatedAt: string
}

/** Key of `ReviewInput.rowsByRef`. NUL cannot occur in file or sheet names. */
export const rowKey = (ref: RowRef): string => `${ref.file}\u0000${ref.sheet}\u0000${ref.row}`

export const SUMMARY_SHEET = "Tổng hợp"
export const ERRORS_SHEET = "Lỗi dữ liệu"

interface ColumnSpec {
  readonly header: string
  readonly width: number
  /** Reviewer columns are left empty and unlocked. */
  readonly reviewer?: boolean
}

/** Category sheet layout; the order is part of the contract with reviewers' habits and macros. */
export const FINDING_COLUMNS: ReadonlyArray<ColumnSpec> = [
  { header: "STT", width: 6 },
  { header: "Mã phát hiện", width: 16 },
  { header: "Họ và tên", width: 24 },
  { header: "Ngày sinh", width: 12 },
  { header: "Giới tính", width: 9 },
  { header: "Chi bộ (theo CSDL)", width: 24 },
  { header: "Chi bộ (theo danh sách)", width: 24 },
  { header: "Tệp / Trang / Dòng", width: 34 },
  { header: "Loại sai lệch", width: 22 },
  { header: "Trường", width: 14 },
  { header: "Giá trị CSDL", width: 18 },
  { header: "Giá trị danh sách", width: 18 },
  { header: "Diễn giải", width: 50 },
  { header: "Độ tin cậy", width: 10 },
  { header: "Đề xuất", width: 20 },
  { header: "Quyết định", width: 18, reviewer: true },
  { header: "Ý kiến chi bộ", width: 24, reviewer: true },
  { header: "Ý kiến cấp ủy", width: 24, reviewer: true },
  { header: "Người rà soát", width: 18, reviewer: true },
  { header: "Ngày", width: 12, reviewer: true }
]

export const ERROR_COLUMNS: ReadonlyArray<ColumnSpec> = [
  { header: "STT", width: 6 },
  { header: "Mức độ", width: 12 },
  { header: "Tệp", width: 34 },
  { header: "Trang", width: 16 },
  { header: "Dòng", width: 8 },
  { header: "Cột", width: 16 },
  { header: "Lý do", width: 70 }
]

const DECISION_COLUMN = FINDING_COLUMNS.findIndex((c) => c.header === "Quyết định") + 1
const SCORE_COLUMN = FINDING_COLUMNS.findIndex((c) => c.header === "Độ tin cậy") + 1
const DATE_COLUMN = FINDING_COLUMNS.length

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } }
/** Light yellow marks the cells a reviewer may fill in. */
const REVIEWER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF2CC" } }
const THIN: ExcelJS.Border = { style: "thin", color: { argb: "FFBFBFBF" } }
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const WRAP_TOP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: "top" }

// ---------------------------------------------------------------------------------------------
// Rendering a finding as cell texts (pure)

interface Person {
  readonly name: string
  readonly birth: PartialDate | null
  readonly sex: Sex | null
}

const unitText = (units: ReadonlyMap<string, Unit>, code: string): string => units.get(code)?.name ?? code

const distinct = (xs: ReadonlyArray<string>): Array<string> => [...new Set(xs)]

/** Cell texts of one finding row, before escaping; null = empty cell. */
export interface FindingCells {
  readonly id: string
  readonly names: string
  readonly births: string
  readonly sexes: string
  readonly centralUnits: string
  readonly rosterUnits: string
  readonly evidence: string
  readonly category: string
  readonly field: string | null
  readonly centralValue: string | null
  readonly rosterValue: string | null
  readonly reason: string
  readonly score: number | null
  readonly recommendation: string
}

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
  return {
    id: d.id,
    names: lines((p) => p.name),
    births: hasBirth ? lines((p) => p.birth === null ? "" : formatPartialDate(p.birth)) : "",
    sexes: hasSex ? lines((p) => p.sex === null ? "" : sexLabel(p.sex)) : "",
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
    score: d.score,
    recommendation: d.recommendation
  }
}

// ---------------------------------------------------------------------------------------------
// Sheet construction

/**
 * Escapes each line of a cell: cells listing several people or rows keep every entry visibly data,
 * and the cell as a whole never starts like a formula.
 */
const text = (s: string | null): string | null =>
  s === null || s === "" ? null : s.includes("\n") ? s.split("\n").map(escapeCell).join("\n") : escapeCell(s)

/** 1 → A, 27 → AA. (Not `ws.getCell(…).address`: that would create the cell and its row.) */
const columnLetter = (n: number): string => {
  let out = ""
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) out = String.fromCharCode(65 + ((k - 1) % 26)) + out
  return out
}

const A4 = 9

const setupSheet = (ws: ExcelJS.Worksheet, columns: ReadonlyArray<ColumnSpec>, frozenColumns: number): void => {
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width }))
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.alignment = { wrapText: true, vertical: "middle", horizontal: "center" }
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL
    cell.border = BORDER
  })
  ws.views = [{ state: "frozen", xSplit: frozenColumns, ySplit: 1, topLeftCell: `${columnLetter(frozenColumns + 1)}2` }]
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } }
  ws.pageSetup = {
    paperSize: A4,
    orientation: "landscape",
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: "1:1",
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 }
  }
  ws.headerFooter = { oddFooter: "&L&A&RTrang &P/&N" }
}

const styleDataRow = (row: ExcelJS.Row, columns: number): void => {
  for (let c = 1; c <= columns; c++) {
    const cell = row.getCell(c)
    cell.alignment = WRAP_TOP
    cell.border = BORDER
  }
}

const addCategorySheet = (
  wb: ExcelJS.Workbook,
  category: Category,
  findings: ReadonlyArray<FindingCells>
): ExcelJS.Worksheet => {
  const ws = wb.addWorksheet(categorySheetName(category))
  setupSheet(ws, FINDING_COLUMNS, 3)
  const decisionList = [`"${ReviewDecisions.join(",")}"`]
  findings.forEach((f, i) => {
    const row = ws.addRow([
      i + 1,
      text(f.id),
      text(f.names),
      text(f.births),
      text(f.sexes),
      text(f.centralUnits),
      text(f.rosterUnits),
      text(f.evidence),
      text(f.category),
      text(f.field),
      text(f.centralValue),
      text(f.rosterValue),
      text(f.reason),
      f.score,
      text(f.recommendation)
    ])
    styleDataRow(row, FINDING_COLUMNS.length)
    row.getCell(SCORE_COLUMN).numFmt = "0%"
    FINDING_COLUMNS.forEach((c, j) => {
      if (c.reviewer !== true) return
      const cell = row.getCell(j + 1)
      cell.protection = { locked: false }
      cell.fill = REVIEWER_FILL
    })
    row.getCell(DATE_COLUMN).numFmt = "dd/mm/yyyy"
    row.getCell(DECISION_COLUMN).dataValidation = {
      type: "list",
      allowBlank: true,
      formulae: decisionList,
      showErrorMessage: true,
      errorStyle: "stop",
      errorTitle: "Quyết định",
      error: `Chọn một trong: ${ReviewDecisions.join("; ")}.`
    }
  })
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: findings.length + 1, column: FINDING_COLUMNS.length } }
  return ws
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
  const fileErrors: Array<ErrorLine> = input.files.flatMap((f) =>
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

const addErrorSheet = (wb: ExcelJS.Workbook, input: ReviewInput): void => {
  const ws = wb.addWorksheet(ERRORS_SHEET)
  setupSheet(ws, ERROR_COLUMNS, 0)
  ws.views = [{ state: "frozen", ySplit: 1, topLeftCell: "A2" }]
  const lines = errorLines(input)
  lines.forEach(({ level, r }, i) => {
    const row = ws.addRow([i + 1, level, text(r.file), text(r.sheet), r.row, text(r.column), text(r.reason)])
    styleDataRow(row, ERROR_COLUMNS.length)
  })
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: lines.length + 1, column: ERROR_COLUMNS.length } }
}

const addSummarySheet = (wb: ExcelJS.Workbook, input: ReviewInput): void => {
  const ws = wb.addWorksheet(SUMMARY_SHEET)
  ws.pageSetup = { paperSize: A4, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 }
  ws.columns = [{ width: 40 }, { width: 16 }, ...Categories.map(() => ({ width: 14 })), { width: 10 }]
  const bold = (row: ExcelJS.Row): void => {
    row.font = { bold: true }
  }
  const section = (title: string): void => {
    ws.addRow([])
    bold(ws.addRow([title]))
  }
  const tableHeader = (cells: ReadonlyArray<string>): void => {
    const row = ws.addRow(cells.map(escapeCell))
    bold(row)
    row.eachCell((cell) => {
      cell.fill = HEADER_FILL
      cell.border = BORDER
      cell.alignment = { wrapText: true, vertical: "middle" }
    })
  }
  const tableRow = (cells: ReadonlyArray<string | number | null>): void => {
    styleDataRow(ws.addRow(cells.map((c) => typeof c === "string" ? text(c) : c)), cells.length)
  }

  const title = ws.addRow(["BÁO CÁO ĐỐI CHIẾU DANH SÁCH ĐẢNG VIÊN"])
  title.font = { bold: true, size: 14 }
  ws.addRow([
    "Kết quả dưới đây chỉ là đề xuất để rà soát; việc xóa tên hay sửa hồ sơ do cấp ủy có thẩm quyền quyết định."
  ]).font = { italic: true }
  ws.addRow([])
  tableRow(["Tính đến ngày", formatIsoDate(input.asOf)])
  tableRow(["Thời điểm lập báo cáo", input.generatedAt])
  tableRow(["Công cụ", `${input.tool.name} ${input.tool.version}`])

  section("Dữ liệu đầu vào")
  tableHeader(["Tệp", "Vai trò", "Mã SHA-256"])
  for (const i of input.inputs) {
    tableRow([i.path, i.role === "central" ? "CSDL đảng viên" : "Danh sách chi bộ", i.sha256])
  }

  section("Các tệp danh sách đã đọc")
  tableHeader(["Tệp", "Loại danh sách", "Chi bộ", "Số dòng đọc", "Số dòng nhận", "Số dòng bị loại", "Lỗi tệp"])
  for (const f of input.files) {
    tableRow([
      f.file,
      f.kind === null ? "" : rosterKindLabel(f.kind),
      f.unitCode === null ? "" : unitText(input.units, f.unitCode),
      f.rowsRead,
      f.rowsIngested,
      f.rowsRejected,
      f.error ?? ""
    ])
  }

  const counts = new Map<Category, number>(Categories.map((c) => [c, 0]))
  for (const d of input.discrepancies) counts.set(d.category, (counts.get(d.category) ?? 0) + 1)
  section("Số phát hiện theo loại")
  tableHeader(["Loại sai lệch", "Số lượng"])
  for (const c of Categories) tableRow([categoryLabel(c), counts.get(c) ?? 0])
  tableRow(["Tổng cộng", input.discrepancies.length])

  // Units in code order so the table is stable across runs; findings without a unit last.
  const byUnit = new Map<string | null, Map<Category, number>>()
  for (const d of input.discrepancies) {
    const m = byUnit.get(d.unitCode) ?? new Map<Category, number>()
    m.set(d.category, (m.get(d.category) ?? 0) + 1)
    byUnit.set(d.unitCode, m)
  }
  const unitCodes = [...byUnit.keys()].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0
  )
  section("Số phát hiện theo chi bộ")
  tableHeader(["Chi bộ", "Mã chi bộ", ...Categories.map(categorySheetName), "Tổng"])
  for (const code of unitCodes) {
    const m = byUnit.get(code) ?? new Map<Category, number>()
    const row = Categories.map((c) => m.get(c) ?? 0)
    tableRow([
      code === null ? "(không xác định chi bộ)" : unitText(input.units, code),
      code ?? "",
      ...row,
      row.reduce((a, b) => a + b, 0)
    ])
  }
}

/** Builds the workbook in memory. `ExcelJS` is passed in so that callers load it lazily. */
export const buildReviewWorkbook = async (
  excel: typeof ExcelJS,
  input: ReviewInput
): Promise<ExcelJS.Workbook> => {
  const wb = new excel.Workbook()
  wb.creator = `${input.tool.name} ${input.tool.version}`
  const generated = new Date(input.generatedAt)
  if (!Number.isNaN(generated.getTime())) {
    wb.created = generated
    wb.modified = generated
  }
  addSummarySheet(wb, input)
  const byCategory = new Map<Category, Array<FindingCells>>()
  for (const d of input.discrepancies) {
    const list = byCategory.get(d.category) ?? []
    list.push(findingCells(input, d))
    byCategory.set(d.category, list)
  }
  for (const category of Categories) {
    const findings = byCategory.get(category)
    if (findings === undefined) continue
    const ws = addCategorySheet(wb, category, findings)
    // No password: protection prevents accidental edits of evidence; see the module comment.
    await ws.protect("", {
      selectLockedCells: true,
      selectUnlockedCells: true,
      formatColumns: true,
      formatRows: true,
      autoFilter: true,
      sort: true
    })
  }
  addErrorSheet(wb, input)
  return wb
}

/** The workbook as xlsx bytes; exceljs is imported here, on first use, to keep CLI start-up fast. */
export const reviewWorkbookBytes = async (input: ReviewInput): Promise<Uint8Array> => {
  const { default: excel } = await import("exceljs")
  const wb = await buildReviewWorkbook(excel, input)
  const buffer = await wb.xlsx.writeBuffer()
  return new Uint8Array(buffer as ArrayBuffer)
}

export const writeReviewWorkbook = (
  path: string,
  input: ReviewInput
): Effect.Effect<WrittenFile, ReportWriteError, FileSystem.FileSystem> =>
  Effect.tryPromise(() => reviewWorkbookBytes(input)).pipe(
    Effect.flatMap((bytes) => writeFileAtomic(path, bytes)),
    Effect.mapError(writeFailed(path))
  )
