/**
 * Spreadsheets as plain grids of cells. Both xlsx (exceljs) and CSV (csv-parse) end up as
 * `Sheet`s so the header finder and the row extractor never care where a cell came from.
 *
 * - xlsx: rich text and formula results become their text/result; merged ranges are expanded
 *   (every cell of a merge carries the master's value) so two-row headers read naturally;
 *   the cell's font name is kept because `.VnTime` / `VNI-Times` decide the text encoding.
 * - CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 vs Windows-1252;
 *   separator sniffed from the first records; row numbers are the line where a record starts.
 *
 * Plain functions, no Effect runtime: roster worker threads (Pool.ts) load this module, and
 * loading effect/Effect and effect/Data there cost ~0.4 s per worker. A file-level problem is the
 * Left of an Either, a Vietnamese sentence for the clerk; GridEffect.ts gives readXlsx as an Effect.
 */
import * as Either from "effect/Either"
import { parse as parseCsvSync } from "csv-parse/sync"
import iconv from "iconv-lite"
import * as Xlsx from "./Xlsx.js"

/** A cell's value and font name (xlsx only; e.g. ".VnTime" or "VNI-Times" decide the encoding). */
export type { Cell, CellValue } from "./Xlsx.js"
type Cell = Xlsx.Cell
type CellValue = Xlsx.CellValue

export interface Sheet {
  readonly name: string
  readonly rows: ReadonlyArray<ReadonlyArray<Cell>>
  /** rowNumbers[i] is the 1-based row (xlsx) or start line (CSV) of rows[i]. */
  readonly rowNumbers: ReadonlyArray<number>
}

export const EMPTY_CELL: Cell = Xlsx.EMPTY_CELL

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

/** Text of a cell as a person reads it (dates as dd/mm/yyyy, from the UTC parts exceljs uses). */
export const cellText = (cell: Cell | undefined): string => {
  const v = cell?.value
  if (v === null || v === undefined) return ""
  if (typeof v === "string") return v
  if (typeof v === "number") return String(v)
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE"
  return Number.isNaN(v.getTime()) ? "" : `${pad2(v.getUTCDate())}/${pad2(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`
}

export const isBlankCell = (cell: Cell | undefined): boolean => {
  const v = cell?.value
  if (v === null || v === undefined) return true
  return typeof v === "string" && v.trim() === ""
}

export const isBlankRow = (row: ReadonlyArray<Cell>): boolean => {
  for (let i = 0; i < row.length; i++) if (!isBlankCell(row[i])) return false
  return true
}

// ---------------------------------------------------------------------------------------------
// xlsx

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]
/** OLE compound file: a binary .xls, or an xlsx encrypted with a password (Excel wraps it in CFB). */
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

const startsWith = (bytes: Uint8Array, magic: ReadonlyArray<number>) =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)

type ExcelCellValue = unknown

/** Flattens exceljs' value shapes (rich text, formula, hyperlink, error) to a plain value. */
const plainValue = (v: ExcelCellValue): CellValue => {
  if (v === null || v === undefined) return null
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v
  if (v instanceof Date) return v
  if (typeof v === "object") {
    const o = v as Record<string, unknown>
    if (Array.isArray(o.richText)) return (o.richText as Array<{ text?: string }>).map((r) => r.text ?? "").join("")
    if ("formula" in o || "sharedFormula" in o) return plainValue(o.result)
    if ("text" in o) return plainValue(o.text)
    if ("error" in o) return String(o.error)
  }
  return String(v)
}

const richTextFont = (v: ExcelCellValue): string | null => {
  if (v !== null && typeof v === "object" && Array.isArray((v as { richText?: unknown }).richText)) {
    for (const run of (v as { richText: Array<{ font?: { name?: string } }> }).richText) {
      if (run.font?.name) return run.font.name
    }
  }
  return null
}

const loadWorkbook = async (bytes: Uint8Array) => {
  const ExcelJS = (await import("exceljs")).default
  const wb = new ExcelJS.Workbook()
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  await wb.xlsx.load(ab as ArrayBuffer)
  return wb
}

/** Checks the bytes before exceljs sees them, so the clerk gets the real cause, not a zip error. */
export const xlsxPrecheck = (bytes: Uint8Array): string | null => {
  if (bytes.length === 0) return "tệp rỗng (0 byte)"
  if (startsWith(bytes, CFB_MAGIC)) {
    return "tệp được đặt mật khẩu (mã hóa) hoặc thực chất là tệp .xls cũ đổi đuôi; hãy mở bằng Excel, bỏ mật khẩu và lưu lại thành .xlsx"
  }
  if (!startsWith(bytes, ZIP_MAGIC)) return "tệp .xlsx bị hỏng (không phải tệp Excel hợp lệ); hãy mở và lưu lại bằng Excel"
  return null
}

/** Grids from exceljs's full Workbook load: the fallback when the fast path (Xlsx.ts) cannot read a file. */
export const readXlsxFull = async (bytes: Uint8Array): Promise<ReadonlyArray<Sheet>> => {
  const wb = await loadWorkbook(bytes)
  const sheets: Array<Sheet> = []
  for (const ws of wb.worksheets) {
    const rows: Array<ReadonlyArray<Cell>> = []
    const rowNumbers: Array<number> = []
    const last = ws.rowCount
    for (let r = 1; r <= last; r++) {
      const row = ws.findRow(r)
      const cells: Array<Cell> = []
      if (row !== undefined) {
        const width = row.cellCount
        for (let c = 1; c <= width; c++) {
          const cell = row.findCell(c)
          if (cell === undefined) {
            cells.push(EMPTY_CELL)
            continue
          }
          // A merged slave cell reports the master's value; take the master's font too.
          const source = cell.isMerged ? cell.master : cell
          const raw = source.value
          const value = plainValue(raw)
          const font = richTextFont(raw) ?? source.font?.name ?? null
          cells.push(value === null && font === null ? EMPTY_CELL : { value, font })
        }
      }
      rows.push(cells)
      rowNumbers.push(r)
    }
    sheets.push({ name: ws.name, rows, rowNumbers })
  }
  return sheets
}

// exceljs ValueType (exceljs/lib/doc/enums.js).
const VT_FORMULA = 6
const VT_HYPERLINK = 5

const modelCell = (c: Xlsx.ModelCell): Cell => {
  const raw = c.type === VT_FORMULA ? c.result : c.type === VT_HYPERLINK ? c.text : c.value
  const value = plainValue(raw)
  const font = richTextFont(raw) ?? c.style?.font?.name ?? null
  return value === null && font === null ? EMPTY_CELL : { value, font }
}

/** Grids from fast path 2 (exceljs's xforms and reconcile), merged ranges expanded. */
const sheetsFromModel = (model: ReadonlyArray<Xlsx.ModelSheet>): ReadonlyArray<Sheet> =>
  model.map((ms) => {
    let lastRow = 0
    for (const r of ms.rows) if (r.cells.length > 0 && r.number > lastRow) lastRow = r.number
    const grid: Array<Array<Cell>> = Array.from({ length: lastRow }, () => [])
    let lastCol = 0
    for (const r of ms.rows) {
      if (r.number < 1 || r.number > lastRow) continue
      const cells = grid[r.number - 1]!
      for (const c of r.cells) {
        const col = Xlsx.decodeAddress(c.address).col
        if (col < 1) continue
        while (cells.length < col - 1) cells.push(EMPTY_CELL)
        cells[col - 1] = modelCell(c)
        if (col > lastCol) lastCol = col
      }
    }
    Xlsx.expandMerges(grid, ms.merges, lastCol)
    return { name: ms.name, rows: grid, rowNumbers: grid.map((_, i) => i + 1) }
  })

/** Fast path 2 alone (throws where it cannot read); the reference fast path 1 is tested against. */
export const readXlsxViaXforms = async (bytes: Uint8Array): Promise<ReadonlyArray<Sheet>> => sheetsFromModel(await Xlsx.readXlsxModel(bytes))

/** Fast path 1 alone, XML through saxes (throws where it cannot read): the reference for scanXml. */
export const readXlsxViaSax = (bytes: Uint8Array): ReadonlyArray<Sheet> => sheetsFromGrids(Xlsx.readXlsxGrids(bytes))

/** Fast path 1 alone, XML through Xlsx.scanXml (saxes where the scanner refuses a part); throws where it cannot read. */
export const readXlsxViaScan = (bytes: Uint8Array): ReadonlyArray<Sheet> => sheetsFromGrids(Xlsx.readXlsxGridsFast(bytes))

/** Grids from fast path 1 (SAX events straight into cells). */
const sheetsFromGrids = (grids: ReadonlyArray<Xlsx.GridSheet>): ReadonlyArray<Sheet> =>
  grids.map((g) => ({ name: g.name, rows: g.rows, rowNumbers: g.rows.map((_, i) => i + 1) }))

/**
 * The three readers, fastest first: each later one runs only when the one before it threw, so a
 * file the fast paths do not model reads exactly as exceljs's full load reads it.
 */
export const readXlsxSheets = async (bytes: Uint8Array): Promise<ReadonlyArray<Sheet>> => {
  try {
    return readXlsxViaScan(bytes)
  } catch {
    // fall through to the xform path
  }
  let model: ReadonlyArray<Xlsx.ModelSheet> | null = null
  try {
    model = await Xlsx.readXlsxModel(bytes)
  } catch {
    model = null
  }
  return model === null ? await readXlsxFull(bytes) : sheetsFromModel(model)
}

const unreadableXlsx = (e: unknown): string =>
  `tệp .xlsx bị hỏng hoặc không đọc được (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); hãy mở và lưu lại bằng Excel`

/**
 * Every worksheet of an xlsx as a grid (rows 1..last row, columns 1..last used column), or why the
 * file cannot be read. Plain async, not an Effect: it runs once per roster file, and a fiber per
 * file showed over thousands of small files. GridEffect.readXlsx is the same as an Effect.
 */
export const readXlsxEither = async (bytes: Uint8Array): Promise<Either.Either<ReadonlyArray<Sheet>, string>> => {
  const pre = xlsxPrecheck(bytes)
  if (pre !== null) return Either.left(pre)
  try {
    return Either.right(await readXlsxSheets(bytes))
  } catch (e) {
    return Either.left(unreadableXlsx(e))
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

export type CsvEncoding = "utf-8" | "utf-16le" | "windows-1258" | "windows-1252"

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** Letters cp1258 can produce that cp1252 cannot (ă â-less set, đ, ơ, ư, tone marks after NFC). */
const VIETNAMESE_ONLY = /[ăĂđĐơƠưƯ\u0300\u0301\u0303\u0309\u0323\u1EA0-\u1EF9]/g

/**
 * Decodes CSV bytes. Not valid UTF-8 means a legacy Windows code page: cp1258 is chosen when its
 * decoding yields Vietnamese letters (Vietnamese Windows exports cp1258, domain brief §5.1),
 * otherwise cp1252. cp1258 stores tones as combining marks, hence the NFC.
 */
export const decodeCsvBytes = (bytes: Uint8Array): { readonly text: string; readonly encoding: CsvEncoding } => {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: iconv.decode(Buffer.from(bytes.subarray(2)), "utf16le"), encoding: "utf-16le" }
  }
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes
  try {
    return { text: utf8.decode(body), encoding: "utf-8" }
  } catch {
    const buf = Buffer.from(body)
    const vn = iconv.decode(buf, "windows1258").normalize("NFC")
    const vnLetters = vn.match(VIETNAMESE_ONLY)?.length ?? 0
    if (vnLetters > 0) return { text: vn, encoding: "windows-1258" }
    return { text: iconv.decode(buf, "windows1252"), encoding: "windows-1252" }
  }
}

const SEPARATORS = [",", ";", "\t"] as const

/**
 * Picks the separator whose per-record count is most consistent over the first records
 * (quote-aware). Addresses ("xã A, huyện B") put commas inside fields of `;` files, so a plain
 * "which is more frequent" test would fail there.
 */
export const sniffSeparator = (text: string): string => {
  const counts: Array<Array<number>> = SEPARATORS.map(() => [])
  let current = SEPARATORS.map(() => 0)
  let inQuotes = false
  let records = 0
  const limit = Math.min(text.length, 64 * 1024)
  for (let i = 0; i < limit && records < 20; i++) {
    const ch = text[i]
    if (ch === '"') inQuotes = !inQuotes
    else if (!inQuotes && ch === "\n") {
      if (current.some((n) => n > 0)) {
        current.forEach((n, k) => counts[k]!.push(n))
        records++
      }
      current = SEPARATORS.map(() => 0)
    } else if (!inQuotes) {
      const k = SEPARATORS.indexOf(ch as (typeof SEPARATORS)[number])
      if (k >= 0) current[k]!++
    }
  }
  if (current.some((n) => n > 0)) current.forEach((n, k) => counts[k]!.push(n))
  let best: string = ","
  let bestScore = 0
  let bestMode = 0
  SEPARATORS.forEach((sep, k) => {
    const freq = new Map<number, number>()
    for (const n of counts[k]!) if (n > 0) freq.set(n, (freq.get(n) ?? 0) + 1)
    let mode = 0
    let modeCount = 0
    for (const [n, c] of freq) if (c > modeCount || (c === modeCount && n > mode)) [mode, modeCount] = [n, c]
    if (modeCount > bestScore || (modeCount === bestScore && mode > bestMode)) {
      best = sep
      bestScore = modeCount
      bestMode = mode
    }
  })
  return best
}

/** Parses a CSV file's bytes into one sheet named after the file. Pure; never throws. */
export const readCsv = (bytes: Uint8Array, sheetName: string): Either.Either<Sheet, string> => {
  if (bytes.length === 0) return Either.left("tệp rỗng (0 byte)")
  // One line-ending convention, so line numbers are the lines a clerk sees.
  const text = decodeCsvBytes(bytes).text.replace(/\r\n?/g, "\n")
  const delimiter = sniffSeparator(text)
  try {
    const records = parseCsvSync(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false
    }) as unknown as Array<Array<string>>
    const rows: Array<ReadonlyArray<Cell>> = []
    const rowNumbers: Array<number> = []
    // Every record (an empty line too) is one line plus the line ends inside its quoted fields.
    // Counted here rather than with csv-parse's info and raw options, which cost 40% more parse time.
    let line = 1
    for (const record of records) {
      rowNumbers.push(line)
      line++
      const cells: Array<Cell> = new Array(record.length)
      for (let k = 0; k < record.length; k++) {
        const v = record[k]!
        for (let i = v.indexOf("\n"); i >= 0; i = v.indexOf("\n", i + 1)) line++
        cells[k] = v === "" ? EMPTY_CELL : { value: v, font: null }
      }
      rows.push(cells)
    }
    return Either.right({ name: sheetName, rows, rowNumbers })
  } catch (e) {
    return Either.left(`tệp CSV không đọc được (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`)
  }
}
