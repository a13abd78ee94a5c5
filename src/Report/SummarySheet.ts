/**
 * "Tổng hợp", the first sheet of review.xlsx: what was reconciled as of when, from which files,
 * which cells could not be reconciled fully, the findings by category and by unit (with a bar view
 * drawn in cells, labelled with unit codes) and the state of the review. An empty result says so
 * ("Không có sai lệch"): it is a normal outcome, the one a review aims at.
 */
import type ExcelJS from "exceljs"
import { type Category, CorrectionCategories, FindingCategories } from "../Domain.js"
import { addRow, cellText, type FastRows, fastRows, headerFooter, isoToDate, pageSetup, ROW_STYLE, rowHeight, STYLE, type WriteStats } from "./Cells.js"
import { categoryLabel, categorySheetName, formatInstantVi, rosterKindLabel } from "./Labels.js"
import { partyName, type ReviewInput, SUMMARY_SHEET, SUPPRESSED_SHEET, unitText, type UncoveredCell } from "./ReviewWorkbook.js"

/** Width, in characters, of the longest bar of the summary's bar view. */
const BAR_WIDTH = 30

/** A bar of `count` scaled to `max`, drawn with block characters; a non-zero count always shows. */
export const barText = (count: number, max: number): string =>
  count <= 0 || max <= 0 ? "" : "█".repeat(Math.max(1, Math.round((count / max) * BAR_WIDTH)))

export const NO_FINDINGS = "Không có sai lệch"

const UNCOVERED_WHY: Record<UncoveredCell["why"], string> = {
  NO_ROSTER: "Chưa nộp danh sách chính thức",
  UNREAD_INPUT: "Danh sách chưa đọc được đầy đủ (tệp lỗi hoặc có dòng bị loại)"
}

/**
 * Column widths: the first two carry labels, the narrow ones counts (the per-unit table has a column
 * per category found, up to 11 with the total). At most 36 + 11 + 12 × 8 = 143 characters: printed one
 * page wide at about 100 % (10 pt; LibreOffice, 2 December 2026), where 44, 18 and 12 printed it at about 7 pt.
 */
const WIDTHS = [36, 11, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]
/** The wide text of a table (a reason) spans the narrow columns C–L. */
const SPAN_FROM = 3
const SPAN_TO = 12

type Cell = string | number | Date | null

/** The summary's rows, written top to bottom. */
class Summary {
  /**
   * Rows go out as XML text (Cells.fastRows) once exceljs has started the sheet: the per-unit table and
   * the bar view run to thousands of rows on a province, the inputs sheet to one per file. A merged row
   * (spanRow) goes through exceljs, which must then hold the sheet.
   */
  private fast: FastRows | null = null

  constructor(readonly ws: ExcelJS.Worksheet, readonly stats: WriteStats, readonly widths: ReadonlyArray<number> = WIDTHS) {}

  private put(values: ReadonlyArray<Cell>, styles: ReadonlyArray<Partial<ExcelJS.Style>>, height: number | null): void {
    this.fast ??= fastRows(this.ws)
    if (this.fast !== null) return this.fast.row(values, styles, height)
    const row = addRow(this.ws, values)
    values.forEach((v, i) => {
      // As exceljs's eachCell: an empty cell keeps no style of its own.
      if (v !== null || styles[i] !== ROW_STYLE) row.getCell(i + 1).style = styles[i]!
    })
    if (height !== null) row.height = height
    row.commit()
  }

  /** Hands the sheet back to exceljs (before a merge, and at the end). */
  end(): void {
    this.fast?.end()
    this.fast = null
  }

  blank(): void {
    this.fast ??= fastRows(this.ws)
    if (this.fast !== null) this.fast.skip()
    else addRow(this.ws, []).commit()
  }

  line(cells: ReadonlyArray<Cell>, style: Partial<ExcelJS.Style> = STYLE.plain): void {
    this.put(
      cells.map((c) => typeof c === "string" ? cellText(c, this.stats) : c),
      cells.map((c) => c === null ? ROW_STYLE : style),
      null
    )
  }

  section(title: string): void {
    this.blank()
    this.line([title], STYLE.bold)
  }

  header(cells: ReadonlyArray<string>): void {
    this.put(cells.map((c) => cellText(c)), cells.map(() => STYLE.tableHeader), rowHeight(cells, this.widths) + 2)
  }

  /**
   * A table row whose last cell spans columns C–L (merged), for a long text beside a label and a count;
   * `header` styles it as a header row.
   */
  spanRow(cells: readonly [Cell, Cell, string], header = false): void {
    this.end()
    const values = cells.map((c) => typeof c === "string" ? cellText(c, this.stats) : c)
    const row = addRow(this.ws, values)
    const spanWidth = this.widths.slice(SPAN_FROM - 1, SPAN_TO).reduce((a, b) => a + b, 0)
    for (let i = 1; i <= SPAN_TO; i++) {
      const v = values[i - 1]
      row.getCell(i).style = header ? STYLE.tableHeader : typeof v === "number" ? STYLE.number : STYLE.wrap
    }
    row.height = rowHeight(values, [this.widths[0]!, this.widths[1]!, spanWidth]) + (header ? 2 : 0)
    this.ws.mergeCells(row.number, SPAN_FROM, row.number, SPAN_TO)
    row.commit()
  }

  /** A table row; `wrap: false` lets a long value (a hash) run on over the empty cells to its right. */
  row(cells: ReadonlyArray<Cell>, wrap = true): void {
    const values = cells.map((c) => typeof c === "string" ? cellText(c, this.stats) : c)
    const styles = values.map((v) => v instanceof Date ? STYLE.date : typeof v === "number" ? STYLE.number : wrap ? STYLE.wrap : STYLE.line)
    this.put(values, styles, wrap ? rowHeight(values, this.widths) : null)
  }

  /** A bar of the bar view: its label on one line, the count, the bar running on over the cells to its right. */
  bar(label: string, count: number, bar: string): void {
    this.put([cellText(label), count, bar], [STYLE.line, STYLE.number, STYLE.bar], null)
  }
}

const countBy = <K>(keys: Iterable<K>): Map<K, number> => {
  const m = new Map<K, number>()
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1)
  return m
}

/** One line on the summary; the files themselves are listed on their own sheet (a province has thousands). */
const addInputsSummary = (s: Summary, input: ReviewInput): void => {
  s.section("Dữ liệu đầu vào")
  s.header(["Nội dung", "Số lượng"])
  const withErrors = input.files.filter((f) => f.error !== null).length
  let read = 0
  let ingested = 0
  let rejected = 0
  for (const f of input.files) {
    read += f.rowsRead
    ingested += f.rowsIngested
    rejected += f.rowsRejected
  }
  s.row(["Tệp danh sách chi bộ đã đọc", input.files.length])
  s.row(["Tệp danh sách có lỗi (xem trang \"Lỗi dữ liệu\")", withErrors])
  s.row(["Số dòng đọc / nhận / bị loại", `${read} / ${ingested} / ${rejected}`])
  s.line([`Danh sách từng tệp, loại danh sách, chi bộ và mã SHA-256: xem trang "${INPUTS_SHEET}".`], STYLE.italic)
}

export const INPUTS_SHEET = "Tệp đầu vào"

const INPUT_COLUMNS = [
  { header: "STT", width: 5 },
  { header: "Tệp", width: 40 },
  { header: "Vai trò", width: 13 },
  { header: "Loại danh sách", width: 14 },
  { header: "Chi bộ", width: 20 },
  { header: "Số dòng đọc", width: 8 },
  { header: "Số dòng nhận", width: 8 },
  { header: "Số dòng bị loại", width: 8 },
  { header: "Lỗi tệp", width: 30 },
  { header: "Mã SHA-256", width: 20 }
]
const INPUT_WIDTHS = [...INPUT_COLUMNS.map((c) => c.width)]
const ROLE: Record<string, string> = { central: "CSDL đảng viên", roster: "Danh sách chi bộ", unitAliases: "Bảng tên cũ của chi bộ" }

/**
 * "Tệp đầu vào": every input file on one line: its role, and for a roster its kind, unit, rows and
 * error. Only rosters are called rosters: the central database is listed with its own role.
 */
export const addInputsSheet = (wb: ExcelJS.stream.xlsx.WorkbookWriter, input: ReviewInput, stats: WriteStats): void => {
  const ws = wb.addWorksheet(INPUTS_SHEET, {
    views: [{ state: "frozen", xSplit: 0, ySplit: 1, topLeftCell: "A2" }],
    pageSetup: pageSetup(),
    headerFooter: headerFooter(partyName(input), "Tệp đầu vào", input.asOf)
  })
  ws.columns = INPUT_COLUMNS.map((c) => ({ width: c.width }))
  const s = new Summary(ws, stats, INPUT_WIDTHS)
  s.header(INPUT_COLUMNS.map((c) => c.header))
  const byPath = new Map(input.files.map((f) => [f.file, f]))
  const listed = new Set<string>()
  let n = 0
  for (const i of input.inputs) {
    const f = i.role === "roster" ? byPath.get(i.path) : undefined
    if (f !== undefined) listed.add(f.file)
    s.row([
      ++n,
      i.path,
      ROLE[i.role] ?? i.role,
      f?.kind == null ? "" : rosterKindLabel(f.kind),
      f?.unitCode == null ? "" : unitText(input.units, f.unitCode),
      f?.rowsRead ?? null,
      f?.rowsIngested ?? null,
      f?.rowsRejected ?? null,
      i.role === "central" ? input.central?.error ?? "" : f?.error ?? "",
      i.sha256
    ])
  }
  for (const f of input.files) {
    if (listed.has(f.file) || input.inputs.some((i) => i.role === "roster" && i.path === f.file)) continue
    s.row([++n, f.file, ROLE.roster!, f.kind === null ? "" : rosterKindLabel(f.kind), f.unitCode === null ? "" : unitText(input.units, f.unitCode), f.rowsRead, f.rowsIngested, f.rowsRejected, f.error ?? "", f.sha256])
  }
  s.end()
  ws.autoFilter = `A1:J${n + 1}`
  ws.commit()
}

const addUncovered = (s: Summary, input: ReviewInput): void => {
  const cells = input.uncoveredCells ?? []
  if (cells.length === 0) return
  s.section("Chi bộ chưa được đối chiếu đầy đủ")
  s.line(["Không kết luận được đảng viên nào của các chi bộ dưới đây vắng mặt trong danh sách cho đến khi có danh sách đầy đủ."], STYLE.italic)
  s.spanRow(["Chi bộ (đơn vị cấp trên)", "Số đảng viên đang sinh hoạt", "Lý do"], true)
  for (const c of [...cells].sort((a, b) => a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0)) {
    const parent = c.parentCode === null ? "" : `\n(${unitText(input.units, c.parentCode)})`
    s.spanRow([`${c.unitCode} – ${c.unitName}${parent}`, c.activeMembers, UNCOVERED_WHY[c.why]])
  }
}

const addCounts = (s: Summary, input: ReviewInput): void => {
  // Findings for removal review and data corrections are counted apart: corrections are not findings.
  const findings = input.discrepancies.filter((d) => d.kind === "finding")
  const corrections = input.discrepancies.length - findings.length
  const counts = countBy(input.discrepancies.map((d) => d.category))
  s.section("Số phát hiện theo loại")
  s.header(["Loại sai lệch", "Số lượng"])
  for (const c of FindingCategories) s.row([categoryLabel(c), counts.get(c) ?? 0])
  s.row(["Tổng cộng", findings.length])
  if (corrections > 0) {
    s.section("Hiệu chỉnh dữ liệu (không thuộc diện xem xét xóa tên)")
    s.header(["Loại", "Số lượng"])
    for (const c of CorrectionCategories) s.row([categoryLabel(c), counts.get(c) ?? 0])
    s.row(["Tổng cộng", corrections])
  }
  if (findings.length === 0) return

  // Units in code order so the table is stable across runs; findings without a unit last.
  const byUnit = new Map<string | null, Map<Category, number>>()
  for (const d of findings) {
    const m = byUnit.get(d.unitCode) ?? new Map<Category, number>()
    m.set(d.category, (m.get(d.category) ?? 0) + 1)
    byUnit.set(d.unitCode, m)
  }
  const codes = [...byUnit.keys()].sort((a, b) => a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0)
  const unitName = (code: string | null): string =>
    code === null ? "(không xác định chi bộ)" : input.units.get(code)?.name ?? code
  // Only the categories found, so the table stays within the page.
  const present = FindingCategories.filter((c) => (counts.get(c) ?? 0) > 0)
  s.section("Số phát hiện theo chi bộ")
  s.header(["Chi bộ", "Mã chi bộ", ...present.map(categorySheetName), "Tổng"])
  const totals = new Map<string | null, number>()
  for (const code of codes) {
    const m = byUnit.get(code)!
    const row = present.map((c) => m.get(c) ?? 0)
    const total = row.reduce((a, b) => a + b, 0)
    totals.set(code, total)
    s.row([unitName(code), code ?? "", ...row, total])
  }

  // A bar view drawn with cells (prints everywhere, unlike charts): one bar per unit, longest first,
  // labelled with the code first: two cells may share a name ("Chi bộ Khu dân cư số 1").
  s.section("Biểu đồ số phát hiện theo chi bộ")
  s.header(["Chi bộ", "Số phát hiện"])
  const max = Math.max(0, ...totals.values())
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] ?? "\uffff").localeCompare(b[0] ?? "\uffff"))
  for (const [code, total] of ranked) {
    const label = code === null ? unitName(null) : `${code} – ${unitName(code)}`
    // Not wrapped: the bar runs on over the empty cells to its right.
    s.bar(label, total, barText(total, max))
  }
}

const addReviewState = (s: Summary, input: ReviewInput): void => {
  const state = { open: 0, decided: 0, reopened: 0 }
  for (const d of input.discrepancies) {
    if (d.review === undefined) state.open++
    else if (d.review.changedSinceDecision) state.reopened++
    else state.decided++
  }
  s.section("Tình trạng rà soát")
  s.header(["Tình trạng", "Số lượng"])
  s.row(["Chưa rà soát", state.open])
  s.row(["Đã có quyết định, vẫn nêu", state.decided])
  s.row(["Mở lại (bằng chứng thay đổi sau quyết định)", state.reopened])
  s.row([`Không nêu lại (xem trang "${SUPPRESSED_SHEET}")`, (input.suppressed ?? []).length])
}

export const addSummarySheet = (wb: ExcelJS.stream.xlsx.WorkbookWriter, input: ReviewInput, stats: WriteStats): void => {
  const party = partyName(input)
  const ws = wb.addWorksheet(SUMMARY_SHEET, {
    pageSetup: { ...pageSetup(), printTitlesRow: undefined },
    headerFooter: headerFooter(party, "Tổng hợp kết quả đối chiếu", input.asOf)
  })
  ws.columns = WIDTHS.map((width) => ({ width }))
  const s = new Summary(ws, stats)
  s.line(["BÁO CÁO ĐỐI CHIẾU DANH SÁCH ĐẢNG VIÊN"], STYLE.title)
  if (party !== "") s.line([party], STYLE.subtitle)
  s.line([
    "Kết quả dưới đây chỉ là đề xuất để rà soát; việc xóa tên hay sửa hồ sơ do cấp ủy có thẩm quyền quyết định."
  ], STYLE.italic)
  s.blank()
  s.row(["Tính đến ngày", isoToDate(input.asOf)])
  s.row(["Thời điểm lập báo cáo", formatInstantVi(input.generatedAt)])
  s.row(["Công cụ", `${input.tool.name} ${input.tool.version}`])
  if (input.discrepancies.length === 0) {
    s.blank()
    s.line([NO_FINDINGS], STYLE.subtitle)
    s.line(["Đợt đối chiếu này không có phát hiện nào cần rà soát."], STYLE.italic)
  }
  addInputsSummary(s, input)
  addUncovered(s, input)
  addCounts(s, input)
  addReviewState(s, input)
  s.end()
  ws.commit()
}


