/**
 * What every sheet of review.xlsx shares: cell text (escaped, capped at Excel's cell limit), the
 * shared style objects, row heights, page setup with header and footer. Written for exceljs's
 * streaming writer: page setup and views are options of `addWorksheet` (written when the sheet
 * opens), and a cell's style is one shared object (exceljs caches style ids by object identity,
 * which is what keeps 100,000 rows fast).
 */
import type ExcelJS from "exceljs"
import { escapeCell } from "./Escape.js"

/** Excel's limit on the characters of one cell (Excel specifications and limits). */
export const CELL_LIMIT = 32_767

/** Counts what had to be changed while writing, for the warning at the end. */
export interface WriteStats {
  truncated: number
  /** Finding rows written so far (ReviewInput.onRows). */
  rows?: number
}

/** What replaces the end of a cut cell. */
export const truncationMarker = (removed: number): string => ` …[đã cắt bớt ${removed} ký tự do giới hạn của Excel]`

/**
 * Text of a cell: each line escaped (cells listing several people keep every entry visibly data),
 * cut to Excel's limit with a visible marker. null / "" → empty cell.
 */
/** A line of a multi-line text starting with what escapeCell escapes. */
const LINE_TRIGGER = /(?:^|\n)[=+\-@\t\r]/

export const cellText = (s: string | null, stats?: WriteStats): string | null => {
  if (s === null || s === "") return null
  // Line by line, but split only when some line starts with a formula trigger (most multi-line cells have none).
  const escaped = !s.includes("\n") ? escapeCell(s) : LINE_TRIGGER.test(s) ? s.split("\n").map(escapeCell).join("\n") : s
  if (escaped.length <= CELL_LIMIT) return escaped
  if (stats !== undefined) stats.truncated++
  // The marker is sized for the longest count first, so the cell stays within the limit.
  const keep = CELL_LIMIT - truncationMarker(escaped.length).length
  return escaped.slice(0, keep) + truncationMarker(escaped.length - keep)
}

/** 1 → A, 27 → AA. */
export const columnLetter = (n: number): string => {
  let out = ""
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) out = String.fromCharCode(65 + ((k - 1) % 26)) + out
  return out
}

/** An ISO date as an Excel date cell (UTC midnight, which exceljs writes as that calendar day). */
export const isoToDate = (iso: string): Date => new Date(`${iso.slice(0, 10)}T00:00:00.000Z`)

export const DATE_FORMAT = "dd/mm/yyyy"

/** Point size of data and header cells: printed at ≥ 90 % (see PAGE), that is ≥ 9 pt on paper. */
export const FONT_SIZE = 10

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } }
/** Light yellow marks the cells a reviewer may fill in. */
const REVIEWER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF2CC" } }
/** Reopened findings stand out on screen and on a black-and-white printout (bold). */
const REOPENED_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF8CBAD" } }
const THIN: ExcelJS.Border = { style: "thin", color: { argb: "FFBFBFBF" } }
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const FONT: Partial<ExcelJS.Font> = { name: "Arial", size: FONT_SIZE }

/** Shared style objects (never mutate them). */
export const STYLE = {
  header: {
    font: { ...FONT, bold: true },
    alignment: { wrapText: true, vertical: "middle", horizontal: "center" },
    fill: HEADER_FILL,
    border: BORDER
  },
  wrap: { font: FONT, alignment: { wrapText: true, vertical: "top" }, border: BORDER },
  /** A date cell, or text when the date is partial ("1948") or lists several people. */
  wrapDate: { font: FONT, alignment: { wrapText: true, vertical: "top", horizontal: "left" }, border: BORDER, numFmt: DATE_FORMAT },
  /** Off-page evidence: one line on screen, so it does not make rows taller. */
  line: { font: FONT, alignment: { wrapText: false, vertical: "top" }, border: BORDER },
  date: { font: FONT, alignment: { vertical: "top", horizontal: "left" }, border: BORDER, numFmt: DATE_FORMAT },
  percent: { font: FONT, alignment: { vertical: "top" }, border: BORDER, numFmt: "0%" },
  number: { font: FONT, alignment: { vertical: "top" }, border: BORDER },
  reviewer: {
    font: FONT,
    alignment: { wrapText: true, vertical: "top" },
    border: BORDER,
    fill: REVIEWER_FILL,
    protection: { locked: false }
  },
  reviewerDate: {
    font: FONT,
    alignment: { vertical: "top", horizontal: "left" },
    border: BORDER,
    fill: REVIEWER_FILL,
    protection: { locked: false },
    numFmt: DATE_FORMAT
  },
  reopened: { font: { ...FONT, bold: true }, alignment: { wrapText: true, vertical: "top" }, border: BORDER, fill: REOPENED_FILL },
  plain: { font: FONT },
  bold: { font: { ...FONT, bold: true } },
  italic: { font: { ...FONT, italic: true } },
  title: { font: { ...FONT, bold: true, size: 14 } },
  subtitle: { font: { ...FONT, bold: true, size: 12 } },
  bar: { font: { ...FONT, color: { argb: "FF2F5597" } }, alignment: { wrapText: false, vertical: "middle" } },
  plainDate: { font: FONT, alignment: { horizontal: "left" }, numFmt: DATE_FORMAT },
  tableHeader: {
    font: { ...FONT, bold: true },
    alignment: { wrapText: true, vertical: "middle" },
    fill: HEADER_FILL,
    border: BORDER
  }
} satisfies Record<string, Partial<ExcelJS.Style>>

/**
 * Every row's own style: exceljs gives each row a fresh `{}` and looks its id up by identity, so a
 * shared object saves a style lookup per row (a third of the writer's time on 100,000 rows).
 */
export const ROW_STYLE: Partial<ExcelJS.Style> = {}

/** `ws.addRow` with the shared row style. */
export const addRow = (ws: ExcelJS.Worksheet, values: ReadonlyArray<unknown>): ExcelJS.Row => {
  const row = ws.addRow(values as Array<unknown>)
  ;(row as unknown as { style: Partial<ExcelJS.Style> }).style = ROW_STYLE
  return row
}

/**
 * Row height (points) for wrapped cells: neither Excel nor LibreOffice grows rows of a generated
 * file when it opens it, so wrapped text would overlap the next row on screen and on paper. At
 * 10 pt Arial a unit of column width holds about 1.3 characters of Vietnamese text (measured on
 * LibreOffice's rendering); 1.15 is used, since at 1.25 a summary line of 51 characters in a column
 * of 44 wrapped onto a second line in LibreOffice with Liberation Sans and was cut (2 December 2026,
 * rendered to PDF); a line is 12.75 pt.
 * `widths[i] <= 0` marks a column that does not wrap (hidden or off-page).
 */
export const CHARS_PER_WIDTH = 1.15

export const rowHeight = (cells: ReadonlyArray<unknown>, widths: ReadonlyArray<number>): number => {
  let lines = 1
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i]
    const width = widths[i] ?? 0
    if (typeof v !== "string" || v === "" || width <= 0) continue
    const perLine = Math.max(1, Math.floor(width * CHARS_PER_WIDTH - 1))
    let n = 0
    // Lines without splitting the text: the wrapped lines of each line, at least one.
    for (let from = 0; ;) {
      const end = v.indexOf("\n", from)
      n += Math.max(1, Math.ceil(((end < 0 ? v.length : end) - from) / perLine))
      if (end < 0) break
      from = end + 1
    }
    if (n > lines) lines = n
  }
  return Math.min(409, Math.ceil(lines * 12.75 + 3))
}

/** Escapes "&" for a page header or footer, where it starts a code. */
const hf = (s: string): string => s.replaceAll("&", "&&")

/** Page header: đảng bộ left (bold), what the sheet is in the middle, the as-of date right; footer "Trang x / y". */
export const headerFooter = (party: string, sheetTitle: string, asOf: string): Partial<ExcelJS.HeaderFooter> => {
  const [y, m, d] = asOf.slice(0, 10).split("-")
  const header = `&L&"Arial,Bold"&9${hf(party)}&C&"Arial,Bold"&9${hf(sheetTitle)}&R&"Arial,Regular"&9Tính đến ngày ${d}/${m}/${y}`
  const footer = `&L&"Arial,Regular"&8${hf(sheetTitle)}&R&"Arial,Regular"&9Trang &P / &N`
  return { oddHeader: header, oddFooter: footer, evenHeader: header, evenFooter: footer }
}

/** A4 = paper size 9 (ECMA-376 §18.18.43). */
const A4 = 9

/** Printable width of A4 landscape between PAGE margins, in pixels at 96 dpi (297 mm − 2 × 0.3 in). */
export const PRINTABLE_PX = ((297 / 25.4) - 0.6) * 96

/**
 * The scale a printout of columns of these widths needs to fit the page width: Excel's column of
 * width w is about 7w + 5 px (Arial 10 / Calibri 11, 96 dpi). At 1 or above the sheet prints at 100 %.
 */
export const printScale = (widths: ReadonlyArray<number>): number =>
  PRINTABLE_PX / widths.reduce((a, w) => a + (w <= 0 ? 0 : 7 * w + 5), 0)

/** Landscape A4, fit to one page wide, header row repeated. */
export const pageSetup = (): Partial<ExcelJS.PageSetup> => ({
  paperSize: A4,
  orientation: "landscape",
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  printTitlesRow: "1:1",
  margins: { left: 0.3, right: 0.3, top: 0.6, bottom: 0.55, header: 0.25, footer: 0.25 }
})

/**
 * Bytes a sheet may have waiting for the zip compressor before the writer waits (bounded memory).
 * 32 MB rather than 8: at 8 the writer idled on its 2 ms waits while zlib caught up (review.xlsx of a
 * 100,000-member province, 15,275 rows, idle machine, 2 December 2026: median 1.65 s wall at 8 MB,
 * 1.4 s at 32 MB, alternating builds).
 */
const PENDING_LIMIT = 32 << 20

interface StreamState {
  readonly length?: number
  readonly pipes?: unknown
}

interface AnyStream {
  readonly _writableState?: StreamState
  readonly _readableState?: StreamState
}

interface SheetStream {
  readonly pipes: ReadonlyArray<AnyStream>
  readonly buffers: ReadonlyArray<unknown>
}

/** Bytes buffered along a chain of piped streams (Node's and readable-stream's own state). */
const buffered = (first: AnyStream | undefined): number => {
  let total = 0
  let s = first
  for (let depth = 0; s !== undefined && depth < 8; depth++) {
    total += (s._writableState?.length ?? 0) + (s._readableState?.length ?? 0)
    const next = s._readableState?.pipes
    s = (Array.isArray(next) ? next[0] : next ?? undefined) as AnyStream | undefined
  }
  return total
}

/**
 * Waits while the sheet's XML waits for the compressor. exceljs's streaming writer ignores
 * backpressure: rows committed faster than zlib compresses them pile up in memory (2.2 GB for a
 * million findings, measured). Called every few hundred rows; cheap when nothing is pending.
 */
export const drainSheet = async (ws: ExcelJS.Worksheet): Promise<void> => {
  const s = (ws as unknown as { _stream?: SheetStream })._stream
  if (s === undefined) return
  const pending = (): number => s.buffers.length * 65_536 + buffered(s.pipes[0])
  while (pending() > PENDING_LIMIT) await new Promise((resolve) => setTimeout(resolve, 2))
}

// ---------------------------------------------------------------------------------------------
// Rows written straight into a streaming sheet's XML

/** What exceljs's streaming WorksheetWriter keeps that the fast row path relies on. */
interface SheetWriterState {
  readonly stream?: { readonly write: (xml: string) => unknown }
  readonly startedData?: boolean
  readonly _rows?: ReadonlyArray<unknown> | null
  _rowZero?: number
  readonly _workbook?: { readonly styles?: { readonly addStyleModel: (model: unknown, cellType?: number) => number } }
}

/** exceljs's Enums.ValueType for the cells recon writes. */
const VALUE_TYPE = { null: 0, number: 2, string: 3, date: 4 } as const

/** Text as exceljs writes it into XML: markup characters as entities, control characters dropped. */
const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/
const xmlText = (s: string): string =>
  !XML_SPECIAL.test(s)
    ? s
    : s.replace(/[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/g, (c) =>
      c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c === "'" ? "&apos;" : c === "\"" ? "&quot;" : "")

/** A1-style column letters, 1-based. */
const letters = (c: number): string => {
  let s = ""
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

export interface FastRows {
  /**
   * Writes the next row: one value and one style per column, its height in points (null: the
   * default height, as a row whose height exceljs was not given). An empty cell with the empty
   * style (`ROW_STYLE`) is left out, as exceljs leaves it out.
   */
  readonly row: (values: ReadonlyArray<string | number | Date | null>, styles: ReadonlyArray<Partial<ExcelJS.Style>>, height: number | null) => void
  /** Moves past one empty row (exceljs writes nothing for a row with no values and no height). */
  readonly skip: () => void
  /** Hands the sheet back to exceljs (its row counter moved past the rows written). */
  readonly end: () => void
}

/**
 * The rows of a long sheet written as XML text, as exceljs's streaming writer would write them
 * (`<row r ht customHeight spans s customFormat x14ac:dyDescent><c r s t="str"><v>…`), without
 * exceljs's Row and Cell objects: at 15,293 findings of a 100,000-member province these cost
 * about 1 s of the workbook's 3 s of CPU (profiled 2 December 2026). Only once exceljs has written
 * the sheet's first rows (header) and holds none; otherwise null, and the caller uses exceljs.
 */
export const fastRows = (ws: ExcelJS.Worksheet): FastRows | null => {
  const w = ws as unknown as SheetWriterState
  const styles = w._workbook?.styles
  const stream = w.stream
  if (w.startedData !== true || w._rows === null || w._rows === undefined || w._rows.length !== 0) return null
  if (styles === undefined || stream === undefined || typeof w._rowZero !== "number") return null
  let next = w._rowZero
  const rowStyle = styles.addStyleModel(ROW_STYLE)
  const ids = new Map<Partial<ExcelJS.Style>, number>()
  const styleId = (s: Partial<ExcelJS.Style>, type: number): number => {
    let id = ids.get(s)
    if (id === undefined) ids.set(s, (id = styles.addStyleModel(s, type)))
    return id
  }
  const columns: Array<string> = []
  let pending = ""
  return {
    row: (values, cellStyles, height) => {
      const r = next++
      let xml = `<row r="${r}"${height === null ? "" : ` ht="${height}" customHeight="1"`} spans="1:${values.length}"` +
        (rowStyle ? ` s="${rowStyle}" customFormat="1"` : "") + ` x14ac:dyDescent="0.25">`
      for (let c = 0; c < values.length; c++) {
        const v = values[c]
        const type = v === null || v === undefined ? VALUE_TYPE.null : typeof v === "number" ? VALUE_TYPE.number : v instanceof Date ? VALUE_TYPE.date : VALUE_TYPE.string
        const s = styleId(cellStyles[c]!, type)
        const ref = `${columns[c] ??= letters(c + 1)}${r}`
        const sAttr = s ? ` s="${s}"` : ""
        if (type === VALUE_TYPE.null) xml += s ? `<c r="${ref}"${sAttr}/>` : ""
        else if (type === VALUE_TYPE.number) xml += `<c r="${ref}"${sAttr}><v>${v as number}</v></c>`
        else if (type === VALUE_TYPE.date) xml += `<c r="${ref}"${sAttr}><v>${25569 + (v as Date).getTime() / 86_400_000}</v></c>`
        else xml += `<c r="${ref}"${sAttr} t="str"><v>${xmlText(v as string)}</v></c>`
      }
      pending += `${xml}</row>`
      // Handed to the sheet's stream in pieces of about 64 KB (what exceljs's own buffer does).
      if (pending.length > 65_536) {
        stream.write(pending)
        pending = ""
      }
    },
    skip: () => {
      next++
    },
    end: () => {
      if (pending !== "") stream.write(pending)
      pending = ""
      w._rowZero = next
    }
  }
}
