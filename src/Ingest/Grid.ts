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
import * as Enc from "../Normalize/Encoding.js"
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
  /** Lines that could not be split into cells (CSV): each a row read and rejected. */
  readonly rejected?: ReadonlyArray<GridIssue>
  /** What reading cost a cell or a character (a byte not in the file's encoding, a cell too long). */
  readonly warnings?: ReadonlyArray<GridIssue>
  /** The file looks cut off after its last complete record (CSV). */
  readonly suspectTruncated?: boolean
}

/** A problem found while reading a grid: row as in rowNumbers, col 0-based or null, a Vietnamese reason. */
export interface GridIssue {
  readonly row: number | null
  readonly col: number | null
  readonly reason: string
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
const sheetsFromModel = (model: ReadonlyArray<Xlsx.ModelSheet>, budget: Xlsx.CellBudget = { cells: 0 }): ReadonlyArray<Sheet> =>
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
        if (col > cells.length) Xlsx.spend(budget, col > Xlsx.MAX_COLUMNS ? Infinity : col - cells.length)
        while (cells.length < col - 1) cells.push(EMPTY_CELL)
        cells[col - 1] = modelCell(c)
        if (col > lastCol) lastCol = col
      }
    }
    Xlsx.expandMerges(grid, ms.merges, lastCol, budget)
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
  } catch (e) {
    if (e instanceof Xlsx.LimitError) throw e
    // fall through to the xform path
  }
  let model: ReadonlyArray<Xlsx.ModelSheet> | null = null
  try {
    model = await Xlsx.readXlsxModel(bytes)
  } catch (e) {
    if (e instanceof Xlsx.LimitError) throw e
    model = null
  }
  if (model !== null) return sheetsFromModel(model)
  // exceljs's own load inflates every entry with JSZip, trusting the sizes it declares: first make
  // sure each inflates within them and the caps (a lying zip bomb stops here), and that the sheet is
  // small enough for exceljs's object per cell.
  const zip = Xlsx.zipEntries(bytes, () => true)
  let total = 0
  for (const name of zip.names) total += zip.get(name)?.length ?? 0
  if (total > FULL_LOAD_MAX_BYTES) {
    throw new Xlsx.LimitError(
      `tệp không đọc được theo cách nhanh và quá lớn (${Math.round(total / 1048576)} MB giải nén) để đọc theo cách dự phòng; hãy mở và lưu lại bằng Excel`
    )
  }
  return await readXlsxFull(bytes)
}

/** exceljs's full load builds an object per cell (~10× the XML): the fallback takes parts up to this size. */
const FULL_LOAD_MAX_BYTES = 64 * 1024 * 1024

const unreadableXlsx = (e: unknown): string =>
  `tệp .xlsx bị hỏng hoặc không đọc được (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); hãy mở và lưu lại bằng Excel`

/**
 * Every worksheet of an xlsx as a grid (rows 1..last row, columns 1..last used column), or why the
 * file cannot be read. Plain async, not an Effect: it runs once per roster file, and a fiber per
 * file showed over thousands of small files. GridEffect.readXlsx is the same as an Effect.
 */
export const readXlsxEither = async (
  bytes: Uint8Array,
  /** Empty cells past MAX_CELL_CHARS with a warning (rosters); the central reader keeps them as they are. */
  capCellLength = true
): Promise<Either.Either<ReadonlyArray<Sheet>, string>> => {
  const pre = xlsxPrecheck(bytes)
  if (pre !== null) return Either.left(pre)
  try {
    const sheets = await readXlsxSheets(bytes)
    return Either.right(capCellLength ? sheets.map(capCells) : sheets)
  } catch (e) {
    return Either.left(e instanceof Xlsx.LimitError ? e.reason : unreadableXlsx(e))
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

export type CsvEncoding = "utf-8" | "utf-16le" | "utf-16be" | Enc.LegacyFileEncoding

/** A problem on one line of a decoded file: its 1-based line and a Vietnamese sentence. */
export interface LineNote {
  readonly line: number
  readonly reason: string
}

export interface DecodedCsv {
  readonly text: string
  readonly encoding: CsvEncoding
  /** Lines that were not in the file's encoding, and how they were read. */
  readonly notes: ReadonlyArray<LineNote>
  /** The file ends inside a character (an incomplete UTF-8 sequence, an odd UTF-16 byte). */
  readonly cutMidCharacter: boolean
}

const utf8Fatal = new TextDecoder("utf-8", { fatal: true })
const NON_ASCII = /[^\x00-\x7f]/
const utf8Lenient = new TextDecoder("utf-8")

/** CR LF and lone CR become LF, in bytes (0x0D is never inside a UTF-8 or single-byte character). */
const unifyLineEnds = (bytes: Uint8Array): Uint8Array => {
  if (bytes.indexOf(0x0d) < 0) return bytes
  const out = new Uint8Array(bytes.length)
  let n = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b !== 0x0d) out[n++] = b
    else if (bytes[i + 1] !== 0x0a) out[n++] = 0x0a
  }
  return out.subarray(0, n)
}

/**
 * UTF-16 without a byte order mark, told by its zero bytes: ASCII letters, digits and separators
 * (most of a roster) are one zero byte and one non-zero byte, the zero second in little-endian.
 */
export const sniffUtf16 = (bytes: Uint8Array): "utf-16le" | "utf-16be" | null => {
  const n = Math.min(bytes.length, 4096) & ~1
  if (n < 4) return null
  let evenZero = 0
  let oddZero = 0
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++
    if (bytes[i + 1] === 0) oddZero++
  }
  const pairs = n / 2
  if (oddZero >= pairs * 0.3 && evenZero <= pairs * 0.05) return "utf-16le"
  if (evenZero >= pairs * 0.3 && oddZero <= pairs * 0.05) return "utf-16be"
  return null
}

const decodeUtf16 = (body: Uint8Array, encoding: "utf-16le" | "utf-16be"): DecodedCsv => {
  const even = body.subarray(0, body.length & ~1)
  const text = iconv.decode(Buffer.from(even), encoding === "utf-16le" ? "utf16le" : "utf16be").replace(/\r\n?/g, "\n")
  return { text, encoding, notes: [], cutMidCharacter: body.length % 2 === 1 }
}

/** A legacy (non-UTF-8) file: Windows-1258, Windows-1252, TCVN3 or VNI, whichever reads as Vietnamese. */
const decodeLegacy = (bytes: Uint8Array): { readonly text: string; readonly encoding: Enc.LegacyFileEncoding } => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const sample = buf.subarray(0, 256 * 1024)
  const encoding = Enc.pickFileEncoding(iconv.decode(sample, "windows1258").normalize("NFC"), sample.toString("latin1"))
  switch (encoding) {
    case "windows-1258":
      return { text: iconv.decode(buf, "windows1258").normalize("NFC"), encoding }
    case "windows-1252":
      return { text: iconv.decode(buf, "windows1252"), encoding }
    case "TCVN3":
      return { text: Enc.decodeTcvn3(buf.toString("latin1")), encoding }
    case "VNI":
      return { text: Enc.decodeVni(buf.toString("latin1")), encoding }
  }
}

const LEGACY_NAMES: Record<Enc.LegacyFileEncoding, string> = {
  "windows-1258": "Windows-1258",
  "windows-1252": "Windows-1252",
  TCVN3: "TCVN3 (phông .VnTime)",
  VNI: "VNI (phông VNI-Times)"
}

/** The word around the first U+FFFD of a line, for the clerk to find it. */
const aroundReplacement = (line: string): string => {
  const i = line.indexOf("\uFFFD")
  const from = Math.max(0, line.lastIndexOf(" ", i - 1) + 1, i - 20)
  let to = line.indexOf(" ", i + 1)
  if (to < 0 || to > i + 20) to = Math.min(line.length, i + 20)
  return line.slice(from, to).replace(/[,;\t"]/g, " ").trim()
}

/**
 * A UTF-8 file with lines that are not UTF-8, read line by line: a line with no UTF-8 character
 * at all was typed in another encoding (pasted from an old file) and is read in the one that suits
 * it; a line with UTF-8 characters and a stray byte keeps them, the byte becoming "\uFFFD". Each
 * such line is noted with its number, so one bad byte costs a character, not the file.
 */
const decodeUtf8ByLine = (bytes: Uint8Array): DecodedCsv & { readonly utf8Lines: number } => {
  const parts: Array<string> = []
  const notes: Array<LineNote> = []
  let cutMidCharacter = false
  let utf8Lines = 0
  let start = 0
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start)
    const last = end < 0
    if (last) end = bytes.length
    const raw = bytes.subarray(start, end)
    let text: string
    try {
      text = utf8Fatal.decode(raw)
      if (NON_ASCII.test(text)) utf8Lines++
    } catch {
      let streamed: string | null = null
      if (last) {
        try {
          // The file's last bytes start a character it does not finish: cut off mid-character.
          streamed = new TextDecoder("utf-8", { fatal: true }).decode(raw, { stream: true })
        } catch {
          streamed = null
        }
      }
      if (streamed !== null) {
        text = streamed
        cutMidCharacter = true
      } else {
        const lenient = utf8Lenient.decode(raw)
        const hasUtf8 = /[^\x00-\x7f\uFFFD]/.test(lenient)
        if (hasUtf8) {
          utf8Lines++
          text = lenient
          notes.push({ line, reason: `Dòng ${line} có byte không phải chữ UTF-8 (ở "${aroundReplacement(lenient)}"); ký tự đó được thay bằng "\uFFFD", hãy sửa lại trong tệp` })
        } else {
          const legacy = decodeLegacy(raw)
          text = legacy.text
          notes.push({ line, reason: `Dòng ${line} được gõ theo bảng mã ${LEGACY_NAMES[legacy.encoding]}, khác phần còn lại của tệp (UTF-8); đã đọc theo bảng mã đó` })
        }
      }
    }
    parts.push(text)
    start = end + 1
  }
  return { text: parts.join("\n"), encoding: "utf-8", notes, cutMidCharacter, utf8Lines }
}

/**
 * Decodes CSV bytes, line ends made "\n". A byte order mark decides (UTF-8, UTF-16 LE / BE);
 * else UTF-16 without one is told by its zero bytes; else UTF-8, line by line when some lines are
 * not (decodeUtf8ByLine); a file with no UTF-8 line at all is a legacy one: Windows-1258,
 * TCVN3, VNI or Windows-1252, whichever reads as the most Vietnamese syllables (cp1258 stores
 * tones as combining marks, hence the NFC).
 */
export const decodeCsvBytes = (bytes: Uint8Array): DecodedCsv => {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), "utf-16le")
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), "utf-16be")
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  if (!bom) {
    const utf16 = sniffUtf16(bytes)
    if (utf16 !== null) return decodeUtf16(bytes, utf16)
  }
  const body = unifyLineEnds(bom ? bytes.subarray(3) : bytes)
  try {
    return { text: utf8Fatal.decode(body), encoding: "utf-8", notes: [], cutMidCharacter: false }
  } catch {
    // Some bytes are not UTF-8: which lines, and is any line UTF-8 at all?
  }
  const byLine = decodeUtf8ByLine(body)
  // A UTF-8 file with a few bad lines, or a legacy file with perhaps a line that happens to be valid UTF-8.
  if (bom || byLine.utf8Lines >= byLine.notes.length) {
    return { text: byLine.text, encoding: "utf-8", notes: byLine.notes, cutMidCharacter: byLine.cutMidCharacter }
  }
  const legacy = decodeLegacy(body)
  return { text: legacy.text, encoding: legacy.encoding, notes: [], cutMidCharacter: false }
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

// ---------------------------------------------------------------------------------------------
// Limits (README "What recon promises")

/** Excel's own limits: a cell holds at most 32,767 characters, a sheet 1,048,576 rows. */
export const MAX_CELL_CHARS = 32_767
export const MAX_ROWS_PER_FILE = 1_048_576
/** Unbalanced quotes recovered from per file; past this the rest of the file is rejected line by line. */
export const MAX_CSV_RECOVERIES = 100

const fmt = (n: number) => n.toLocaleString("vi-VN")

/** The cell-length note; the cell itself is emptied (a value that long is no name, date or number). */
export const cellTooLong = (col: number, length: number): string =>
  `Ô ở cột ${col + 1} dài ${fmt(length)} ký tự, quá giới hạn ${fmt(MAX_CELL_CHARS)} ký tự của một ô Excel; đã bỏ giá trị ô này`

/** Empties cells longer than MAX_CELL_CHARS, with a warning each (xlsx: Excel itself cannot have written them). */
const capCells = (sheet: Sheet): Sheet => {
  let warnings: Array<GridIssue> | null = null
  let rows: Array<ReadonlyArray<Cell>> | null = null
  for (let r = 0; r < sheet.rows.length; r++) {
    const row = sheet.rows[r]!
    for (let c = 0; c < row.length; c++) {
      const v = row[c]!.value
      if (typeof v !== "string" || v.length <= MAX_CELL_CHARS) continue
      rows ??= sheet.rows.slice()
      const copy = (rows[r] = rows[r] === row ? row.slice() : rows[r]!) as Array<Cell>
      copy[c] = EMPTY_CELL
      ;(warnings ??= []).push({ row: sheet.rowNumbers[r]!, col: c, reason: cellTooLong(c, v.length) })
    }
  }
  return rows === null ? sheet : { ...sheet, rows, warnings: [...(sheet.warnings ?? []), ...warnings!] }
}

// ---------------------------------------------------------------------------------------------
// CSV records, recovering at the bad line

interface CsvRecord {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

const countOf = (s: string, ch: string): number => {
  let n = 0
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++
  return n
}

/** Separators on a typical line (the most common non-zero count over the first 50 lines, quotes ignored). */
const typicalSeparators = (text: string, delimiter: string): number => {
  const freq = new Map<number, number>()
  let start = 0
  for (let k = 0; k < 50 && start < text.length; k++) {
    let end = text.indexOf("\n", start)
    if (end < 0) end = text.length
    const n = countOf(text.slice(start, end), delimiter)
    if (n > 0) freq.set(n, (freq.get(n) ?? 0) + 1)
    start = end + 1
  }
  let mode = 0
  let best = 0
  for (const [n, c] of freq) if (c > best || (c === best && n > mode)) [mode, best] = [n, c]
  return mode
}

/**
 * A quoted field holding whole lines of the table: an opening quote that was never closed swallowed
 * the lines up to the next quote (csv-parse cannot tell, the syntax being valid). A field's later
 * line with half a line's separators or more is taken for such a line.
 */
const swallowsLines = (fields: ReadonlyArray<string>, delimiter: string, typical: number): boolean => {
  const threshold = Math.max(2, Math.ceil(typical / 2))
  for (const f of fields) {
    let nl = f.indexOf("\n")
    while (nl >= 0) {
      const next = f.indexOf("\n", nl + 1)
      const line = f.slice(nl + 1, next < 0 ? f.length : next)
      if (countOf(line, delimiter) >= threshold) return true
      nl = next
    }
  }
  return false
}

const newlinesIn = (fields: ReadonlyArray<string>): number => {
  let n = 0
  for (const f of fields) n += countOf(f, "\n")
  return n
}

interface ParsedCsv {
  readonly records: Array<CsvRecord>
  readonly rejected: Array<GridIssue>
  readonly warnings: Array<GridIssue>
  /** The last record was cut inside an open quote. */
  readonly endsInOpenQuote: boolean
}

const quoteNote = (line: number) =>
  `Dòng ${line}: dấu ngoặc kép (") mở mà không đóng; đã tách các cột của dòng này theo dấu phân cách và bỏ dấu ngoặc kép thừa, hãy kiểm tra và sửa lại trong tệp`
const quoteReject = (line: number) =>
  `Dòng ${line}: dấu ngoặc kép (") mở mà không đóng, không tách được các cột của dòng này; hãy sửa dấu ngoặc kép trong tệp rồi gửi lại`

/**
 * csv-parse over the text; where a record fails (a quote opened and never closed, or one that
 * swallowed the lines up to the next quote), that record's first line is read alone with quotes
 * taken as plain characters, and parsing resumes on the next line. So a stray quote costs at most
 * its line, reported with its real number; the records parsed before and after are kept.
 */
const parseCsvRecords = (text: string, delimiter: string): ParsedCsv => {
  const options = { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false } as const
  const typical = typicalSeparators(text, delimiter)
  const records: Array<CsvRecord> = []
  const rejected: Array<GridIssue> = []
  const warnings: Array<GridIssue> = []
  let pos = 0
  let line = 1
  let endsInOpenQuote = false
  for (let round = 0; ; round++) {
    const chunk = pos === 0 ? text : text.slice(pos)
    let recs: Array<Array<string>> = []
    let failed = false
    try {
      recs = parseCsvSync(chunk, options) as unknown as Array<Array<string>>
    } catch {
      failed = true
      recs = []
      try {
        parseCsvSync(chunk, { ...options, on_record: (r: Array<string>) => (recs.push(r), r) })
      } catch {
        // recs holds the records before the failing one
      }
    }
    // Every record (an empty line too) is one line plus the line ends inside its quoted fields.
    let l = line
    let swallowed = false
    for (const r of recs) {
      const nl = newlinesIn(r)
      if (nl > 0 && swallowsLines(r, delimiter, typical)) {
        swallowed = true
        break
      }
      records.push({ line: l, fields: r })
      l += 1 + nl
    }
    if (!failed && !swallowed) break
    // The record at line l is the bad one; its first line is at this offset of the text.
    let at = pos
    for (let k = line; k < l; k++) at = text.indexOf("\n", at) + 1
    const eol = text.indexOf("\n", at)
    const lineText = eol < 0 ? text.slice(at) : text.slice(at, eol)
    if (eol < 0 && failed) endsInOpenQuote = true
    if (round >= MAX_CSV_RECOVERIES) {
      for (let k = l, p = at; p <= text.length && p >= at; k++) {
        const e = text.indexOf("\n", p)
        if (text.slice(p, e < 0 ? text.length : e).trim() !== "") {
          rejected.push({ row: k, col: null, reason: `Dòng ${k}: tệp có quá ${MAX_CSV_RECOVERIES} dòng lỗi dấu ngoặc kép; không đọc tiếp từ dòng ${l}, hãy sửa tệp rồi gửi lại` })
        }
        if (e < 0) break
        p = e + 1
      }
      break
    }
    const literal = (parseCsvSync(lineText, { delimiter, quote: false, relax_column_count: true }) as unknown as Array<Array<string>>)[0] ?? [""]
    const fields = literal.map((f) => (countOf(f, '"') % 2 === 1 ? f.replace('"', "") : f))
    if (fields.length > typical + 1) rejected.push({ row: l, col: null, reason: quoteReject(l) })
    else {
      records.push({ line: l, fields })
      warnings.push({ row: l, col: null, reason: quoteNote(l) })
    }
    if (eol < 0) break
    pos = eol + 1
    line = l + 1
  }
  return { records, rejected, warnings, endsInOpenQuote }
}

/** The most common field count of records with more than one field. */
const typicalWidth = (records: ReadonlyArray<CsvRecord>): number => {
  const freq = new Map<number, number>()
  for (const r of records) if (r.fields.length > 1) freq.set(r.fields.length, (freq.get(r.fields.length) ?? 0) + 1)
  let mode = 0
  let best = 0
  for (const [n, c] of freq) if (c > best || (c === best && n > mode)) [mode, best] = [n, c]
  return mode
}

export const TRUNCATED_FILE =
  "tệp có thể bị cắt cụt (dòng cuối bị cắt ngang, không có dấu xuống dòng); các đảng viên sau dòng này có thể bị thiếu, hãy gửi lại tệp đầy đủ"

/**
 * Parses a CSV file's bytes into one sheet named after the file. Pure; never throws. A bad byte
 * or a stray quote costs its line (a warning, or the row rejected), never the file; a last record
 * cut short (no line end and fewer fields than the others, or cut inside a quote or a character)
 * is rejected and the sheet marked suspectTruncated.
 */
export const readCsv = (bytes: Uint8Array, sheetName: string): Either.Either<Sheet, string> => {
  if (bytes.length === 0) return Either.left("tệp rỗng (0 byte)")
  const decoded = decodeCsvBytes(bytes)
  const text = decoded.text
  if (countOf(text, "\n") > MAX_ROWS_PER_FILE) {
    return Either.left(`tệp có hơn ${fmt(MAX_ROWS_PER_FILE)} dòng (giới hạn số dòng của Excel); hãy chia thành nhiều tệp`)
  }
  const delimiter = sniffSeparator(text)
  try {
    const parsed = parseCsvRecords(text, delimiter)
    const warnings: Array<GridIssue> = decoded.notes.map((n) => ({ row: n.line, col: null, reason: n.reason }))
    for (const w of parsed.warnings) warnings.push(w)
    const rejected = parsed.rejected
    const records = parsed.records
    // A file cut off: no line end after its last record, and that record shorter than the others.
    const last = records[records.length - 1]
    const noFinalLineEnd = !text.endsWith("\n")
    // A one-cell last line right after a short line is more likely a footer typed without commas.
    const width = typicalWidth(records)
    const shortRecord =
      last !== undefined && last.fields.length < width && (last.fields.length >= 2 || records[records.length - 2]?.fields.length === width)
    const cutRecord = last !== undefined && noFinalLineEnd && (decoded.cutMidCharacter || parsed.endsInOpenQuote || shortRecord)
    const suspectTruncated = cutRecord || (noFinalLineEnd && decoded.cutMidCharacter)
    if (cutRecord) {
      records.pop()
      rejected.push({ row: last.line, col: null, reason: `Dòng ${last.line} bị cắt ngang (thiếu cột): ${TRUNCATED_FILE}` })
    }
    const rows: Array<ReadonlyArray<Cell>> = []
    const rowNumbers: Array<number> = []
    for (const record of records) {
      rowNumbers.push(record.line)
      const f = record.fields
      const cells: Array<Cell> = new Array(f.length)
      for (let k = 0; k < f.length; k++) {
        const v = f[k]!
        if (v.length > MAX_CELL_CHARS) {
          warnings.push({ row: record.line, col: k, reason: cellTooLong(k, v.length) })
          cells[k] = EMPTY_CELL
        } else cells[k] = v === "" ? EMPTY_CELL : { value: v, font: null }
      }
      rows.push(cells)
    }
    return Either.right({ name: sheetName, rows, rowNumbers, rejected, warnings, suspectTruncated })
  } catch (e) {
    return Either.left(`tệp CSV không đọc được (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`)
  }
}
