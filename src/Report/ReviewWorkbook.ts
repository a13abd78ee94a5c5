/**
 * review.xlsx: the printable workbook ward staff and cell secretaries review (domain brief §4, §8.7).
 * It proposes; it does not decide: every finding row carries its evidence, confidence and the rule's
 * reason, followed by empty columns for the cell's and the committee's opinions.
 *
 * Sheets: "Tổng hợp" (summary), one sheet per category with findings, "Không nêu lại" (findings a
 * review decision keeps out, when any), "Lỗi dữ liệu" (rejected rows, file errors and warnings).
 * Evidence cells are locked and reviewer cells unlocked on a sheet protected without a password:
 * protection guards against accidental edits, not against people. Every text cell goes through
 * `escapeCell`.
 *
 * Round trip (`recon review import`): each finding row carries two hidden locked columns, the
 * finding's evidence hash (what the reviewer decides on) and a checksum of the row's evidence cells
 * as written, so an import can refuse a row whose evidence was edited.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type ExcelJS from "exceljs"
import { createHash } from "node:crypto"
import {
  Categories,
  type Category,
  FindingCategories,
  type UncoveredCell,
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
import { evidenceHash } from "../Store/EvidenceHash.js"
import { type WrittenFile, writeFileAtomic } from "./AtomicFile.js"
import { escapeCell } from "./Escape.js"
import {
  categoryLabel,
  categorySheetName,
  checkLabel,
  fieldLabel,
  fieldValueLabel,
  formatInstantVi,
  formatIsoDate,
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
  /** Cells with active members not reconciled in full; listed on the summary sheet. */
  readonly uncoveredCells: ReadonlyArray<UncoveredCell>
  readonly rejections: ReadonlyArray<Rejection>
  readonly warnings: ReadonlyArray<Rejection>
  readonly files: ReadonlyArray<FileSummary>
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
}

/** Key of `ReviewInput.rowsByRef`. NUL cannot occur in file or sheet names. */
export const rowKey = (ref: RowRef): string => `${ref.file}\u0000${ref.sheet}\u0000${ref.row}`

export const SUMMARY_SHEET = "Tổng hợp"
export const ERRORS_SHEET = "Lỗi dữ liệu"
export const SUPPRESSED_SHEET = "Không nêu lại"

interface ColumnSpec {
  readonly header: string
  readonly width: number
  /** Reviewer columns are unlocked; filled only with a standing decision. */
  readonly reviewer?: boolean
  /** Machine columns for the round trip: locked, hidden on screen and on paper. */
  readonly hidden?: boolean
}

/**
 * Category sheet layout; the order is part of the contract with reviewers' habits and macros.
 * Widths are sized so a sheet fits an A4 landscape page at a readable scale.
 */
export const FINDING_COLUMNS: ReadonlyArray<ColumnSpec> = [
  { header: "STT", width: 5 },
  { header: "Mã phát hiện", width: 10 },
  { header: "Họ và tên", width: 16 },
  { header: "Ngày sinh", width: 10 },
  { header: "Giới tính", width: 6 },
  { header: "Chi bộ (theo CSDL)", width: 13 },
  { header: "Chi bộ (theo danh sách)", width: 13 },
  { header: "Tệp / Trang / Dòng", width: 18 },
  { header: "Loại sai lệch", width: 12 },
  { header: "Trường", width: 10 },
  { header: "Giá trị CSDL", width: 11 },
  { header: "Giá trị danh sách", width: 11 },
  { header: "Diễn giải", width: 44 },
  { header: "Căn cứ và kiểm tra", width: 20 },
  { header: "Độ tin cậy", width: 7 },
  { header: "Đề xuất", width: 12 },
  { header: "Tình trạng rà soát", width: 14 },
  { header: "Mã bằng chứng", width: 10, hidden: true },
  { header: "Mã kiểm tra", width: 10, hidden: true },
  { header: "Quyết định", width: 12, reviewer: true },
  { header: "Ý kiến chi bộ", width: 14, reviewer: true },
  { header: "Ý kiến cấp ủy", width: 14, reviewer: true },
  { header: "Người rà soát", width: 11, reviewer: true },
  { header: "Ngày", width: 10, reviewer: true }
]

/** 1-based column of a FINDING_COLUMNS header. */
export const findingColumn = (header: string): number => FINDING_COLUMNS.findIndex((c) => c.header === header) + 1

/** The locked evidence columns the checksum covers: everything a reviewer reads, STT aside (it is only a counter). */
export const CHECKSUM_FIRST_COLUMN = findingColumn("Mã phát hiện")
export const CHECKSUM_LAST_COLUMN = findingColumn("Tình trạng rà soát")

/**
 * Checksum of a row's evidence cells as stored (after escaping). Line ends are normalised because a
 * spreadsheet program may save "\r\n" for "\n"; numbers are compared as numbers.
 */
export const evidenceChecksum = (cells: ReadonlyArray<string | number | null>): string =>
  createHash("sha256")
    .update(JSON.stringify(cells.map((c) => typeof c === "string" ? c.replace(/\r\n?/g, "\n") : c)))
    .digest("hex")
    .slice(0, 16)

export const ERROR_COLUMNS: ReadonlyArray<ColumnSpec> = [
  { header: "STT", width: 6 },
  { header: "Mức độ", width: 12 },
  { header: "Tệp", width: 34 },
  { header: "Trang", width: 16 },
  { header: "Dòng", width: 8 },
  { header: "Cột", width: 16 },
  { header: "Lý do", width: 70 }
]

const DECISION_COLUMN = findingColumn("Quyết định")
const SCORE_COLUMN = findingColumn("Độ tin cậy")
const DATE_COLUMN = findingColumn("Ngày")
/** Evidence columns hidden on a sheet where no finding fills them: fewer columns print larger on A4. */
const OPTIONAL_COLUMNS = [
  "Chi bộ (theo CSDL)",
  "Chi bộ (theo danh sách)",
  "Tệp / Trang / Dòng",
  "Trường",
  "Giá trị CSDL",
  "Giá trị danh sách",
  "Độ tin cậy"
].map(findingColumn)

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } }
/** Light yellow marks the cells a reviewer may fill in. */
const REVIEWER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF2CC" } }
const THIN: ExcelJS.Border = { style: "thin", color: { argb: "FFBFBFBF" } }
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const WRAP_TOP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: "top" }
/** Reopened findings stand out on screen and on a black-and-white printout (bold). */
const REOPENED_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF8CBAD" } }
const DATA_FONT: Partial<ExcelJS.Font> = { size: 10 }

/**
 * Row height (points) for wrapped cells: neither Excel nor LibreOffice grows rows of a generated file
 * when it opens it, so wrapped text would overlap the next row on screen and on paper. About one
 * character per unit of column width, 13 pt per line at 10 pt.
 */
export const rowHeight = (cells: ReadonlyArray<unknown>, widths: ReadonlyArray<number>): number => {
  let lines = 1
  cells.forEach((v, i) => {
    const width = widths[i] ?? 10
    // Hidden columns (width 0) take no space.
    if (typeof v !== "string" || v === "" || width <= 0) return
    const perLine = Math.max(1, Math.floor(width * 1.1 - 1))
    const n = v.split("\n").reduce((a, l) => a + Math.max(1, Math.ceil(l.length / perLine)), 0)
    lines = Math.max(lines, n)
  })
  return Math.min(409, lines * 13 + 3)
}

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
    births: hasBirth ? lines((p) => p.birth === null ? "" : formatDate(p.birth)) : "",
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
    reason: (() => {
      const why = input.explanations?.get(d.id)
      return why === undefined ? d.reason : `${d.reason}\n${why}`
    })(),
    basis: basisText(d),
    score: d.score,
    recommendation: d.recommendation,
    reviewStatus: reviewStatusText(d.review),
    evidenceHash: evidenceHash(d)
  }
}

/** What the evidence part of a finding row holds, column by column from "Mã phát hiện" (escaped as written). */
export const evidenceCellValues = (f: FindingCells): Array<string | number | null> => [
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
  text(f.basis),
  f.score,
  text(f.recommendation),
  text(f.reviewStatus)
]

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
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, hidden: c.hidden === true }))
  const header = ws.getRow(1)
  header.font = { bold: true, size: 9 }
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

const styleDataRow = (row: ExcelJS.Row, columns: number, font?: Partial<ExcelJS.Font>): void => {
  for (let c = 1; c <= columns; c++) {
    const cell = row.getCell(c)
    cell.alignment = WRAP_TOP
    cell.border = BORDER
    if (font !== undefined) cell.font = font
  }
}

/** An ISO date as an Excel date cell (UTC midnight, which exceljs writes as that calendar day). */
const isoToDate = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`)

const addCategorySheet = (
  wb: ExcelJS.Workbook,
  category: Category,
  findings: ReadonlyArray<{ readonly cells: FindingCells; readonly review: FindingReview | undefined }>
): ExcelJS.Worksheet => {
  const ws = wb.addWorksheet(categorySheetName(category))
  setupSheet(ws, FINDING_COLUMNS, 3)
  // Field / value columns only where some finding of the sheet has them: fewer columns, larger print.
  const rowsValues = findings.map(({ cells }) => evidenceCellValues(cells))
  const widths = FINDING_COLUMNS.map((c, i) =>
    OPTIONAL_COLUMNS.includes(i + 1) && rowsValues.every((v) => v[i - 1] === null || v[i - 1] === "") ? 0 : c.hidden ? 0 : c.width
  )
  widths.forEach((w, i) => {
    if (w === 0) ws.getColumn(i + 1).hidden = true
  })
  const decisionList = [`"${ReviewDecisions.join(",")}"`]
  findings.forEach(({ cells: f, review }, i) => {
    const evidence = evidenceCellValues(f)
    // A standing decision is shown in the reviewer columns so re-importing the workbook keeps it;
    // a reopened finding starts blank, since its evidence changed since that decision.
    const standing = review !== undefined && !review.changedSinceDecision ? review : undefined
    const row = ws.addRow([
      i + 1,
      ...evidence,
      f.evidenceHash,
      evidenceChecksum(evidence),
      standing === undefined ? null : standing.decision,
      standing === undefined ? null : text(standing.unitComment),
      standing === undefined ? null : text(standing.committeeComment),
      standing === undefined ? null : text(standing.reviewer),
      standing === undefined || standing.decidedOn === null ? null : isoToDate(standing.decidedOn)
    ])
    styleDataRow(row, FINDING_COLUMNS.length, DATA_FONT)
    row.height = rowHeight(row.values as Array<unknown>, [0, ...widths])
    if (review?.changedSinceDecision === true) {
      const status = row.getCell(findingColumn("Tình trạng rà soát"))
      status.fill = REOPENED_FILL
      status.font = { ...DATA_FONT, bold: true }
    }
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
    styleDataRow(row, ERROR_COLUMNS.length, DATA_FONT)
    row.height = rowHeight(row.values as Array<unknown>, [0, ...ERROR_COLUMNS.map((c) => c.width)])
  })
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: lines.length + 1, column: ERROR_COLUMNS.length } }
}

export const SUPPRESSED_COLUMNS: ReadonlyArray<ColumnSpec> = [
  { header: "STT", width: 5 },
  { header: "Mã phát hiện", width: 15 },
  { header: "Họ và tên", width: 20 },
  { header: "Chi bộ", width: 20 },
  { header: "Loại sai lệch", width: 22 },
  { header: "Quyết định", width: 14 },
  { header: "Người rà soát", width: 16 },
  { header: "Ngày", width: 11 },
  { header: "Ý kiến chi bộ", width: 28 },
  { header: "Ý kiến cấp ủy", width: 28 }
]

/** Findings judged legitimate or already handled, with the same evidence: listed for the record, not raised. */
const addSuppressedSheet = (wb: ExcelJS.Workbook, input: ReviewInput): void => {
  const ws = wb.addWorksheet(SUPPRESSED_SHEET)
  setupSheet(ws, SUPPRESSED_COLUMNS, 0)
  ws.views = [{ state: "frozen", ySplit: 1, topLeftCell: "A2" }]
  const list = input.suppressed ?? []
  list.forEach((d, i) => {
    const f = findingCells(input, d)
    const r = d.review
    const row = ws.addRow([
      i + 1,
      text(d.id),
      text(f.names),
      text(d.unitCode === null ? "" : unitText(input.units, d.unitCode)),
      text(f.category),
      r === undefined ? null : r.decision,
      text(r?.reviewer ?? null),
      r === undefined || r.decidedOn === null ? null : formatIsoDate(r.decidedOn),
      text(r?.unitComment ?? null),
      text(r?.committeeComment ?? null)
    ])
    styleDataRow(row, SUPPRESSED_COLUMNS.length, DATA_FONT)
    row.height = rowHeight(row.values as Array<unknown>, [0, ...SUPPRESSED_COLUMNS.map((c) => c.width)])
  })
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: list.length + 1, column: SUPPRESSED_COLUMNS.length } }
}

/** Width, in characters, of the longest bar of the summary's bar view. */
const BAR_WIDTH = 40

/** A bar of `count` scaled to `max`, drawn with block characters; a non-zero count always shows. */
export const barText = (count: number, max: number): string =>
  count <= 0 || max <= 0 ? "" : "█".repeat(Math.max(1, Math.round((count / max) * BAR_WIDTH)))

const addSummarySheet = (wb: ExcelJS.Workbook, input: ReviewInput): void => {
  const ws = wb.addWorksheet(SUMMARY_SHEET)
  ws.pageSetup = { paperSize: A4, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 }
  ws.columns = [{ width: 40 }, { width: 16 }, ...FindingCategories.map(() => ({ width: 14 })), { width: 10 }]
  const bold = (row: ExcelJS.Row): void => {
    row.font = { bold: true }
  }
  const section = (title: string): void => {
    ws.addRow([])
    bold(ws.addRow([title]))
  }
  const summaryWidths = [0, 40, 16, ...FindingCategories.map(() => 14), 10]
  const tableHeader = (cells: ReadonlyArray<string>): void => {
    const row = ws.addRow(cells.map(escapeCell))
    bold(row)
    row.eachCell((cell) => {
      cell.fill = HEADER_FILL
      cell.border = BORDER
      cell.alignment = { wrapText: true, vertical: "middle" }
    })
    row.height = rowHeight(row.values as Array<unknown>, summaryWidths) + 2
  }
  const tableRow = (cells: ReadonlyArray<string | number | null>, wrap = true): void => {
    const row = ws.addRow(cells.map((c) => typeof c === "string" ? text(c) : c))
    styleDataRow(row, cells.length)
    if (!wrap) row.eachCell((cell) => (cell.alignment = { vertical: "top", wrapText: false }))
    else row.height = rowHeight(row.values as Array<unknown>, summaryWidths)
  }

  const title = ws.addRow(["BÁO CÁO ĐỐI CHIẾU DANH SÁCH ĐẢNG VIÊN"])
  title.font = { bold: true, size: 14 }
  if (input.scope !== undefined) ws.addRow([text(input.scope)]).font = { bold: true, size: 12 }
  ws.addRow([
    "Kết quả dưới đây chỉ là đề xuất để rà soát; việc xóa tên hay sửa hồ sơ do cấp ủy có thẩm quyền quyết định."
  ]).font = { italic: true }
  ws.addRow([])
  tableRow(["Tính đến ngày", formatIsoDate(input.asOf)])
  tableRow(["Thời điểm lập báo cáo", formatInstantVi(input.generatedAt)])
  tableRow(["Công cụ", `${input.tool.name} ${input.tool.version}`])

  section("Dữ liệu đầu vào")
  tableHeader(["Tệp", "Vai trò", "Mã SHA-256"])
  for (const i of input.inputs) {
    // One line each: a wrapped 64-digit hash is unreadable; it runs on over the empty cells to its right.
    tableRow([i.path, i.role === "central" ? "CSDL đảng viên" : "Danh sách chi bộ", i.sha256], false)
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

  // Findings for removal review and data corrections are counted apart: corrections are not findings.
  const findingsOnly = input.discrepancies.filter((d) => d.kind === "finding")
  const corrections = input.discrepancies.length - findingsOnly.length
  const counts = new Map<Category, number>(Categories.map((c) => [c, 0]))
  for (const d of input.discrepancies) counts.set(d.category, (counts.get(d.category) ?? 0) + 1)
  section("Số phát hiện theo loại")
  tableHeader(["Loại sai lệch", "Số lượng"])
  for (const c of FindingCategories) tableRow([categoryLabel(c), counts.get(c) ?? 0])
  tableRow(["Tổng cộng", findingsOnly.length])
  section("Hiệu chỉnh dữ liệu (không thuộc diện xem xét xóa tên)")
  tableHeader(["Loại", "Số lượng"])
  for (const c of Categories.filter((c) => !FindingCategories.includes(c))) tableRow([categoryLabel(c), counts.get(c) ?? 0])
  tableRow(["Tổng cộng", corrections])

  section("Chi bộ chưa được đối chiếu đầy đủ")
  if (input.uncoveredCells.length === 0) {
    tableRow(["Không có: mọi chi bộ có đảng viên đang sinh hoạt đều đã được đối chiếu đầy đủ."], false)
  } else {
    tableHeader(["Chi bộ", "Mã chi bộ", "Đơn vị cấp trên", "Số đảng viên đang sinh hoạt", "Lý do"])
    for (const c of input.uncoveredCells) {
      tableRow([
        c.unitName,
        c.unitCode,
        c.parentCode === null ? "" : unitText(input.units, c.parentCode),
        c.activeMembers,
        c.why === "NO_ROSTER" ? "Chưa nộp danh sách chính thức" : "Có dữ liệu không đọc được (xem trang \"Lỗi dữ liệu\")"
      ])
    }
  }

  // Units in code order so the table is stable across runs; findings without a unit last.
  const byUnit = new Map<string | null, Map<Category, number>>()
  for (const d of findingsOnly) {
    const m = byUnit.get(d.unitCode) ?? new Map<Category, number>()
    m.set(d.category, (m.get(d.category) ?? 0) + 1)
    byUnit.set(d.unitCode, m)
  }
  const unitCodes = [...byUnit.keys()].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0
  )
  const unitLabel = (code: string | null): string => code === null ? "(không xác định chi bộ)" : unitText(input.units, code)
  section("Số phát hiện theo chi bộ")
  tableHeader(["Chi bộ", "Mã chi bộ", ...FindingCategories.map(categorySheetName), "Tổng"])
  const totals = new Map<string | null, number>()
  for (const code of unitCodes) {
    const m = byUnit.get(code) ?? new Map<Category, number>()
    const row = FindingCategories.map((c) => m.get(c) ?? 0)
    const total = row.reduce((a, b) => a + b, 0)
    totals.set(code, total)
    tableRow([unitLabel(code), code ?? "", ...row, total])
  }

  // A bar view drawn with cells (prints everywhere, unlike charts): one bar per unit, longest first.
  section("Biểu đồ số phát hiện theo chi bộ")
  tableHeader(["Chi bộ", "Số phát hiện"])
  const max = Math.max(0, ...totals.values())
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] ?? "\uffff").localeCompare(b[0] ?? "\uffff"))
  for (const [code, total] of ranked) {
    const row = ws.addRow([text(unitLabel(code)), total, barText(total, max)])
    row.getCell(1).border = BORDER
    row.getCell(2).border = BORDER
    // Not wrapped: the bar runs on over the empty cells to its right.
    row.getCell(3).font = { color: { argb: "FF2F5597" } }
    row.getCell(3).alignment = { wrapText: false, vertical: "middle" }
  }

  const reviewCounts = { open: 0, decided: 0, reopened: 0 }
  for (const d of input.discrepancies) {
    if (d.review === undefined) reviewCounts.open++
    else if (d.review.changedSinceDecision) reviewCounts.reopened++
    else reviewCounts.decided++
  }
  section("Tình trạng rà soát")
  tableHeader(["Tình trạng", "Số lượng"])
  tableRow(["Chưa rà soát", reviewCounts.open])
  tableRow(["Đã có quyết định, vẫn nêu", reviewCounts.decided])
  tableRow(["Mở lại (bằng chứng thay đổi sau quyết định)", reviewCounts.reopened])
  tableRow([`Không nêu lại (xem trang "${SUPPRESSED_SHEET}")`, (input.suppressed ?? []).length])
}

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
        uncoveredCells: input.uncoveredCells.filter((c) => parentOf(c.unitCode) === parentCode),
        suppressed: (input.suppressed ?? []).filter(mine),
        rejections: input.rejections.filter((r) => ofFile(r.file)),
        warnings: input.warnings.filter((r) => ofFile(r.file)),
        files,
        inputs: input.inputs.filter((i) => i.role === "central" || ofFile(i.path)),
        scope: parent === undefined ? parentCode : `${parent.name} (${parentCode})`
      }
    }
  })
}

/** File name of a parent unit's workbook; characters a file system may refuse are replaced. */
export const splitFileName = (parentCode: string): string => `review-${parentCode.replace(/[^\p{L}\p{N}_.-]/gu, "_")}.xlsx`

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
  const byCategory = new Map<Category, Array<{ cells: FindingCells; review: FindingReview | undefined }>>()
  for (const d of input.discrepancies) {
    const list = byCategory.get(d.category) ?? []
    list.push({ cells: findingCells(input, d), review: d.review })
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
  if ((input.suppressed ?? []).length > 0) addSuppressedSheet(wb, input)
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
