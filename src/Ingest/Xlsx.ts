/**
 * Fast paths for reading an .xlsx into grids.
 *
 * The zip container: the central directory is read here (zipEntries, ~60 lines of PKWARE APPNOTE
 * §4.3) and entries are inflated with node:zlib, only those asked for. Libraries measured on the
 * 4,676 xlsx rosters of the generated province (every part but media): this reader 0.36–0.41 s,
 * fflate's unzipSync 0.75–0.84 s (pure-JS inflate), adm-zip 2.4 s, JSZip (exceljs's) slower still.
 *
 * 1. `readXlsxGrids`: the worksheet and shared-string XML go straight from XML events into cells,
 *    the way exceljs's CellXform and its reconcile would value them (same shared-string, rich-text,
 *    formula-result, error, boolean and date rules, the same exceljs helpers for dates and number
 *    formats); styles, the workbook and relationships still go through exceljs's own xforms. No
 *    per-cell model objects, no reconcile pass. The events come from saxes (the parser exceljs
 *    uses) or, in `readXlsxGridsFast` (what roster ingestion uses), from `scanXml`, a narrow
 *    scanner that hands a part back to saxes when it meets markup it does not read. Measured here:
 *    one 100,000-row sheet (37 MB of XML) exceljs's load 3.5–4.4 s, saxes events 1.7 s; the 4,676
 *    xlsx rosters of the generated province 3.7 s → 1.6 s with saxes → 1.0 s with the scanner,
 *    identical grids every time.
 * 2. `readXlsxModel`: exceljs's xforms for every part, then its cell reconciliation. Kept as the
 *    first fallback, so anything path 1 refuses reads exactly as before.
 *
 * Why not `Workbook.xlsx.load`: it inflates every part with JSZip, parses themes and document
 * properties, then builds an object per cell (600 generated rosters: load + grid 2.5 s; path 2
 * 0.5 s). The streaming WorkbookReader was slower still and drops merged ranges.
 *
 * Both paths throw on anything unexpected (ZIP64, an unusual package layout, markup they do not
 * model); the caller (Grid.readXlsx) then falls back, ending with the full exceljs load, so
 * correctness never depends on a fast path.
 */
import { createRequire } from "node:module"
import * as zlib from "node:zlib"
import { SaxesParser } from "saxes"

const require = createRequire(import.meta.url)

/** The subset of an exceljs xform we call (exceljs/lib/xlsx/xform/*; CommonJS, untyped). */
interface Xform {
  parseStream(input: Iterable<string>): Promise<unknown>
}
type XformClass = new (options?: unknown) => Xform
interface SheetDataXform {
  reconcile(rows: unknown, options: unknown): void
}

const xform = (p: string): XformClass => require(`exceljs/lib/xlsx/xform/${p}`) as XformClass
const WorkbookXform = xform("book/workbook-xform")
const RelationshipsXform = xform("core/relationships-xform")
const StylesXform = xform("style/styles-xform")
// Only the second fast path needs these two, and loading the worksheet xforms is a good part of a
// roster worker thread's start-up: loaded on first use.
let sharedStringsXform: XformClass | null = null
let worksheetXform: XformClass | null = null

/** Worksheet parts a roster never needs; skipping them saves parse time and the rels they point to. */
const IGNORED_SHEET_NODES = [
  "sheetPr",
  "dimension",
  "sheetViews",
  "sheetFormatPr",
  "cols",
  "autoFilter",
  "rowBreaks",
  "hyperlinks",
  "pageMargins",
  "dataValidations",
  "pageSetup",
  "headerFooter",
  "printOptions",
  "picture",
  "drawing",
  "sheetProtection",
  "tableParts",
  "conditionalFormatting",
  "extLst"
]

// ---------------------------------------------------------------------------------------------
// Zip container (PKWARE APPNOTE §4.3): end of central directory → central directory → entries.

export class ZipError extends Error {}

/**
 * A file refused by a stated limit (README "What recon promises"); `reason` is for the clerk.
 * Never retried by a slower reader: the limit holds for all of them.
 */
export class LimitError extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

/**
 * Caps per zip entry, as Apache POI's ZipSecureFile has them: an entry may not inflate to more
 * than MAX_ENTRY_BYTES, nor (past the first GRACE_BYTES) to more than 1/MIN_INFLATE_RATIO times its
 * stored size. Ordinary worksheet XML compresses 5–20×; a zip bomb 1000× and more. The roster of
 * 200,000 rows (bench) has a 40 MB sheet part.
 */
export const ZIP_LIMITS = {
  minInflateRatio: 0.01,
  graceBytes: 100 * 1024,
  maxEntryBytes: 256 * 1024 * 1024,
  /** All entries read from one file together. */
  maxTotalBytes: 512 * 1024 * 1024
} as const

/**
 * Cells of one workbook's grids, blank cells before a used one included: 8 M is 200,000 rows of 40
 * columns, ~64 MB of references; a sheet of sparse cells at column XFD reaches it after ~500 rows
 * and is refused in about a second (padding a row costs ~150 ns a cell here).
 */
export const MAX_GRID_CELLS = 8 * 1024 * 1024

const MB = (n: number) => `${Math.round(n / (1024 * 1024)).toLocaleString("vi-VN")} MB`

const checkEntry = (name: string, csize: number, usize: number): void => {
  if (usize > ZIP_LIMITS.maxEntryBytes) {
    throw new LimitError(`phần "${name}" của tệp giải nén ra ${MB(usize)}, quá giới hạn ${MB(ZIP_LIMITS.maxEntryBytes)} một phần; tệp bị từ chối (có thể là tệp nén độc hại)`)
  }
  if (usize > ZIP_LIMITS.graceBytes && csize < usize * ZIP_LIMITS.minInflateRatio) {
    throw new LimitError(
      `phần "${name}" của tệp nén ${fmtRatio(usize / Math.max(1, csize))} lần, quá tỷ lệ cho phép (${1 / ZIP_LIMITS.minInflateRatio} lần); tệp bị từ chối (có thể là tệp nén độc hại)`
    )
  }
}
const fmtRatio = (x: number) => Math.round(x).toLocaleString("vi-VN")

/** Inflates an entry, never past the size its directory entry declares (a lying header is a limit hit). */
const inflateCapped = (name: string, data: Buffer, usize: number): Buffer => {
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, usize) })
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new LimitError(`phần "${name}" của tệp giải nén ra nhiều hơn kích thước ghi trong tệp; tệp bị từ chối (có thể là tệp nén độc hại)`)
    }
    throw e
  }
}

const EOCD_SIG = 0x06054b50
const CEN_SIG = 0x02014b50
const LOC_SIG = 0x04034b50

/** Entry name → inflated bytes, for the entries `wanted` accepts. */
export const unzipEntries = (bytes: Uint8Array, wanted: (name: string) => boolean): Map<string, Buffer> => {
  const lazy = zipEntries(bytes, wanted)
  const out = new Map<string, Buffer>()
  for (const name of lazy.names) out.set(name, lazy.get(name)!)
  return out
}

/**
 * The central directory read once; an entry is inflated only when asked for (a roster needs 6 of
 * its ~10 parts, and each inflate call has a fixed cost that shows over thousands of small files).
 * Encrypted entries and unknown methods throw when listed, as unzipEntries does.
 */
export const zipEntries = (
  bytes: Uint8Array,
  wanted: (name: string) => boolean
): {
  readonly names: ReadonlyArray<string>
  get(name: string): Buffer | undefined
  /** The stored bytes (compression method 0 or 8) without inflating them. */
  raw(name: string): { readonly method: number; readonly data: Buffer } | undefined
} => {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // The EOCD record is 22 bytes plus a comment of up to 65,535 bytes.
  let eocd = b.length - 22
  const stop = Math.max(0, b.length - 22 - 65535)
  while (eocd >= stop && b.readUInt32LE(eocd) !== EOCD_SIG) eocd--
  if (eocd < stop) throw new ZipError("no end of central directory")
  const count = b.readUInt16LE(eocd + 10)
  let p = b.readUInt32LE(eocd + 16)
  if (count === 0xffff || p === 0xffffffff) throw new ZipError("ZIP64")
  const entries = new Map<string, { readonly method: number; readonly data: Buffer; readonly usize: number }>()
  let total = 0
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== CEN_SIG) throw new ZipError("bad central directory")
    const flags = b.readUInt16LE(p + 8)
    const method = b.readUInt16LE(p + 10)
    const csize = b.readUInt32LE(p + 20)
    const usize = b.readUInt32LE(p + 24)
    const nameLen = b.readUInt16LE(p + 28)
    const extraLen = b.readUInt16LE(p + 30)
    const commentLen = b.readUInt16LE(p + 32)
    const offset = b.readUInt32LE(p + 42)
    const name = b.toString("utf8", p + 46, p + 46 + nameLen).replace(/^\//, "")
    p += 46 + nameLen + extraLen + commentLen
    // Every entry, wanted or not: the exceljs fallbacks inflate them all.
    checkEntry(name, csize, usize)
    total += usize
    if (total > ZIP_LIMITS.maxTotalBytes) {
      throw new LimitError(`tệp giải nén ra hơn ${MB(ZIP_LIMITS.maxTotalBytes)}, quá giới hạn; tệp bị từ chối (có thể là tệp nén độc hại)`)
    }
    if (!wanted(name)) continue
    if ((flags & 1) !== 0) throw new ZipError("encrypted entry")
    if (offset + 30 > b.length || b.readUInt32LE(offset) !== LOC_SIG) throw new ZipError("bad local header")
    // Sizes come from the central directory: the local header may defer them to a data descriptor.
    const start = offset + 30 + b.readUInt16LE(offset + 26) + b.readUInt16LE(offset + 28)
    if (method !== 0 && method !== 8) throw new ZipError(`compression method ${method}`)
    entries.set(name, { method, data: b.subarray(start, start + csize), usize })
  }
  return {
    names: [...entries.keys()],
    raw: (name) => entries.get(name),
    get: (name) => {
      const e = entries.get(name)
      return e === undefined ? undefined : e.method === 0 ? e.data : inflateCapped(name, e.data, e.usize)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Package

interface Rel {
  readonly Id: string
  readonly Type: string
  readonly Target: string
}

/** A cell as exceljs's CellXform leaves it after reconcile (value shapes as in exceljs' model). */
export interface ModelCell {
  readonly address: string
  readonly type: number
  readonly value?: unknown
  readonly result?: unknown
  readonly text?: unknown
  readonly style?: { readonly font?: { readonly name?: string } }
}

export interface ModelSheet {
  readonly name: string
  readonly rows: ReadonlyArray<{ readonly number: number; readonly cells: ReadonlyArray<ModelCell> }>
  /** "A1:C2" ranges. */
  readonly merges: ReadonlyArray<string>
}

/**
 * A part's XML in 64 KiB pieces: exceljs's SAX wrapper buffers every event of a piece before the
 * xform sees them, so one piece for a 100,000-row sheet held millions of events at once (as
 * exceljs's own load does, with 16 KiB pieces).
 */
const XML_PIECE = 64 * 1024
const xmlOf = (parts: Map<string, Buffer>, name: string): Array<string> | null => {
  const b = parts.get(name)
  if (b === undefined) return null
  const text = b.toString("utf8")
  const pieces: Array<string> = []
  for (let i = 0; i < text.length; i += XML_PIECE) pieces.push(text.slice(i, i + XML_PIECE))
  return pieces.length === 0 ? [""] : pieces
}

const dirOf = (p: string) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/") + 1) : "")

/** Resolves a relationship target against the directory of the part that owns it. */
const resolveTarget = (baseDir: string, target: string): string => {
  if (target.startsWith("/")) return target.slice(1)
  const segments = (baseDir + target).split("/")
  const out: Array<string> = []
  for (const s of segments) {
    if (s === "..") out.pop()
    else if (s !== "." && s !== "") out.push(s)
  }
  return out.join("/")
}

const relsPathOf = (part: string) => `${dirOf(part)}_rels/${part.slice(dirOf(part).length)}.rels`

const parseRels = async (parts: Map<string, Buffer>, name: string): Promise<ReadonlyArray<Rel>> => {
  const xml = xmlOf(parts, name)
  return xml === null ? [] : (((await new RelationshipsXform().parseStream(xml)) as ReadonlyArray<Rel> | undefined) ?? [])
}

const REL_OFFICE_DOCUMENT = /\/officeDocument$/
const REL_WORKSHEET = /\/worksheet$/
const REL_SHARED_STRINGS = /\/sharedStrings$/
const REL_STYLES = /\/styles$/

/**
 * Reads the worksheets' cells (values reconciled with shared strings, styles and the 1900/1904
 * date system, exactly as exceljs does) and merged ranges. Throws on anything unexpected.
 */
export const readXlsxModel = async (bytes: Uint8Array): Promise<ReadonlyArray<ModelSheet>> => {
  // Everything but media, themes, drawings and document properties.
  const parts = unzipEntries(bytes, (n) => n.endsWith(".rels") || (n.endsWith(".xml") && !/(^|\/)(media|theme|drawings|docProps|printerSettings)\//.test(n)))
  const rootRels = await parseRels(parts, "_rels/.rels")
  const workbookPath = resolveTarget("", rootRels.find((r) => REL_OFFICE_DOCUMENT.test(r.Type))?.Target ?? "xl/workbook.xml")
  const workbookXml = xmlOf(parts, workbookPath)
  if (workbookXml === null) throw new ZipError(`no ${workbookPath}`)
  const workbook = (await new WorkbookXform().parseStream(workbookXml)) as {
    sheets?: ReadonlyArray<{ name: string; rId: string }>
    properties?: { date1904?: boolean }
  }
  const wbDir = dirOf(workbookPath)
  const wbRels = await parseRels(parts, relsPathOf(workbookPath))
  const relTarget = (re: RegExp, fallback: string) => {
    const r = wbRels.find((x) => re.test(x.Type))
    return r === undefined ? fallback : resolveTarget(wbDir, r.Target)
  }
  const sharedStrings = new (sharedStringsXform ??= xform("strings/shared-strings-xform"))()
  const ssXml = xmlOf(parts, relTarget(REL_SHARED_STRINGS, `${wbDir}sharedStrings.xml`))
  if (ssXml !== null) await sharedStrings.parseStream(ssXml)
  const styles = new StylesXform()
  const stylesXml = xmlOf(parts, relTarget(REL_STYLES, `${wbDir}styles.xml`))
  if (stylesXml !== null) await styles.parseStream(stylesXml)
  else (styles as unknown as { init(): void }).init()

  const byId = new Map(wbRels.filter((r) => REL_WORKSHEET.test(r.Type)).map((r) => [r.Id, resolveTarget(wbDir, r.Target)]))
  const reconcileOptions = {
    styles,
    sharedStrings: ssXml === null ? undefined : sharedStrings,
    date1904: workbook.properties?.date1904 === true,
    hyperlinkMap: {},
    commentsMap: {},
    formulae: {}
  }
  const sheets: Array<ModelSheet> = []
  for (const s of workbook.sheets ?? []) {
    const partName = byId.get(s.rId)
    // Chart sheets and dialog sheets have no worksheet relationship: nothing to read.
    if (partName === undefined) continue
    const xml = xmlOf(parts, partName)
    if (xml === null) throw new ZipError(`no ${partName}`)
    const wsXform = new (worksheetXform ??= xform("sheet/worksheet-xform"))({ ignoreNodes: IGNORED_SHEET_NODES })
    const model = (await wsXform.parseStream(xml)) as {
      rows?: Array<{ number: number; cells?: Array<ModelCell> } | undefined>
      mergeCells?: ReadonlyArray<string>
    }
    const rows = (model.rows ?? []).filter((r): r is { number: number; cells: Array<ModelCell> } => r !== undefined && r !== null)
    for (const r of rows) r.cells = (r.cells ?? []).filter((c) => c !== undefined && c !== null)
    ;(wsXform as unknown as { map: { sheetData: SheetDataXform } }).map.sheetData.reconcile(rows, reconcileOptions)
    sheets.push({ name: s.name, rows, merges: model.mergeCells ?? [] })
  }
  return sheets
}

/** The column of "AB12" (28), as decodeAddress computes it, without building an object. */
const columnOf = (address: string): number => {
  let col = 0
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i)
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64)
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96)
    else if (c !== 36) break
  }
  return col
}

/** "AB12" → { row: 12, col: 28 } (1-based). */
export const decodeAddress = (address: string): { readonly row: number; readonly col: number } => {
  let col = 0
  let i = 0
  for (; i < address.length; i++) {
    const c = address.charCodeAt(i)
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64)
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96)
    else if (c !== 36) break // "$" of absolute references
  }
  return { row: Number(address.slice(i).replace(/\$/g, "")), col }
}

// ---------------------------------------------------------------------------------------------
// Cells straight from SAX events (fast path 1)

export type CellValue = string | number | Date | boolean | null

export interface Cell {
  readonly value: CellValue
  /** Font name of the cell, e.g. ".VnTime" or "VNI-Times"; null when unknown. */
  readonly font: string | null
}

export const EMPTY_CELL: Cell = Object.freeze({ value: null, font: null })

export interface GridSheet {
  readonly name: string
  /** rows[i] is sheet row i + 1; columns from A; rows 1..last row holding a cell. */
  readonly rows: Array<Array<Cell>>
}

/** The exceljs helpers its CellXform uses (exceljs/lib/utils/utils.js), so values match exactly. */
interface ExcelUtils {
  isDateFmt(fmt: string | undefined): boolean
  excelToDate(v: unknown, date1904: boolean): Date
  xmlDecode(text: string): string
}
const excelUtils = require("exceljs/lib/utils/utils") as ExcelUtils

/** An xform as the synchronous driver below calls it. */
interface XformParser {
  parseOpen(node: unknown): boolean
  parseText(text: string): void
  parseClose(name: string): boolean
  readonly model: unknown
}

/**
 * Runs an exceljs xform over a whole part synchronously: the events BaseXform.parse would take
 * from its async batches, without the batching (one event object per node) and the promises. As
 * there, parsing stops at the root's close and the parser is never closed, and a saxes error throws.
 */
const runXform = <T>(x: object, xml: string): T => {
  const xf = x as XformParser
  const parser = new SaxesParser()
  let done = false
  parser.on("opentag", (n) => {
    if (!done) xf.parseOpen(n)
  })
  parser.on("text", (t) => {
    if (!done) xf.parseText(t)
  })
  parser.on("closetag", (n) => {
    if (!done && !xf.parseClose(n.name)) done = true
  })
  parser.write(xml)
  return xf.model as T
}

// ---------------------------------------------------------------------------------------------
// Event drivers for the two big parts (worksheets, shared strings)

/**
 * An element as the handlers below read it. Only valid during the onOpen call (scanXml reuses one
 * object): read what you need, keep nothing.
 */
export interface XmlTag {
  readonly name: string
  /** An attribute's value (entities decoded, white space normalised), or undefined. */
  attribute(name: string): string | undefined
  /** Every attribute (for tests and diagnostics; handlers use `attribute`). */
  attributes(): Record<string, string>
}

/** Feeds one XML document's events to the handlers; throws on what it does not read. */
export type XmlDriver = (
  xml: string,
  onOpen: (tag: XmlTag) => void,
  onText: (text: string) => void,
  onClose: (tag: { readonly name: string }) => void
) => void

/** saxes, the parser exceljs uses: the reference, and the driver when `scanXml` refuses a part. */
export const saxesDriver: XmlDriver = (xml, onOpen, onText, onClose) => {
  const parser = new SaxesParser()
  let current: Record<string, string> = {}
  const tag = { name: "", attribute: (k: string): string | undefined => current[k], attributes: () => ({ ...current }) }
  parser.on("opentag", (n) => {
    tag.name = n.name
    current = n.attributes as Record<string, string>
    onOpen(tag)
  })
  parser.on("text", onText)
  parser.on("closetag", onClose)
  parser.write(xml)
}

/** Markup scanXml does not read (comments, CDATA, DTDs, unknown entities, bad nesting). */
export class ScanRefused extends Error {}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }

/** Character data as an XML parser reports it: the five entities and character references decoded, line ends as \n. */
const xmlText = (s: string): string => {
  // Literal line ends first: a character reference (&#13;) keeps its carriage return.
  if (s.indexOf("\r") >= 0) s = s.replace(/\r\n?/g, "\n")
  if (s.indexOf("&") < 0) return s
  let amps = 0
  for (let i = s.indexOf("&"); i >= 0; i = s.indexOf("&", i + 1)) amps++
  let refs = 0
  const out = s.replace(ENTITY, (_, e: string) => {
    refs++
    if (e.charCodeAt(0) !== 35) return NAMED_ENTITIES[e]!
    const code = e.charCodeAt(1) === 120 ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    if (!(code > 0 && code <= 0x10ffff)) throw new ScanRefused(`character reference ${e}`)
    return String.fromCodePoint(code)
  })
  // Every "&" must start one of those references.
  if (refs !== amps) throw new ScanRefused("unknown entity or a bare &")
  return out
}

/**
 * A narrow scanner for the XML Excel and its kin write in worksheet and shared-string parts:
 * elements, attributes in quotes, character data with the five predefined entities and character
 * references, an XML declaration. Anything else (comments, CDATA, processing instructions other
 * than the declaration, a DOCTYPE, an unknown entity, mismatched or unclosed tags) throws
 * ScanRefused, and the part is read again with saxes. Same events as saxes gives for what it
 * reads (tests/Ingest/XlsxScan.test.ts compares both on every sample, fixture and generated
 * file, and on random sheets).
 *
 * Why not only saxes: measured on the 4,676 xlsx rosters of a generated 100,000-member province
 * (52 MB of sheet and shared-string XML), saxes takes 1.0–1.1 s, htmlparser2 1.1–1.6 s, txml
 * 0.8 s (and builds a tree), sax-wasm 6.2 s; this scanner 0.57 s. The XML is a third of roster
 * ingestion, which must keep up 30,000 rows/s on a 2-vCPU machine.
 */
export const scanXml: XmlDriver = (xml, onOpen, onText, onClose) => {
  const n = xml.length
  let p = xml.charCodeAt(0) === 0xfeff ? 1 : 0
  const stack: Array<string> = []
  const closing = { name: "" }
  let roots = 0
  // The open tag's attributes as source ranges (name start/end, value start/end), decoded only when
  // asked for: a sheet's <row spans x14ac:dyDescent> and most of <c>'s attributes are never read.
  let count = 0
  const ranges: Array<number> = []
  const valueOf = (i: number): string => {
    const raw = xml.slice(ranges[i + 2]!, ranges[i + 3]!)
    return plainAttribute(raw) ? raw : attributeValue(raw)
  }
  const tag = {
    name: "",
    attribute(key: string): string | undefined {
      for (let i = 0; i < count * 4; i += 4) {
        if (ranges[i + 1]! - ranges[i]! === key.length && xml.startsWith(key, ranges[i]!)) return valueOf(i)
      }
      return undefined
    },
    attributes(): Record<string, string> {
      const out: Record<string, string> = {}
      for (let i = 0; i < count * 4; i += 4) out[xml.slice(ranges[i]!, ranges[i + 1]!)] = valueOf(i)
      return out
    }
  }
  const text = (from: number, to: number) => {
    const t = xml.slice(from, to)
    // Outside the root only whitespace may stand, and saxes reports it too.
    if (stack.length === 0 && t.trim() !== "") throw new ScanRefused("text outside the root element")
    onText(xmlText(t))
  }
  while (p < n) {
    const lt = xml.indexOf("<", p)
    if (lt < 0) {
      text(p, n)
      break
    }
    if (lt > p) text(p, lt)
    const c = xml.charCodeAt(lt + 1)
    if (c === 47) {
      // </name>, compared in place with the open element's name.
      const name = stack.pop()
      if (name === undefined || !xml.startsWith(name, lt + 2)) throw new ScanRefused("mismatched end tag")
      let e = lt + 2 + name.length
      while (isXmlSpace(xml.charCodeAt(e))) e++
      if (xml.charCodeAt(e) !== 62) throw new ScanRefused("mismatched end tag")
      closing.name = name
      onClose(closing)
      p = e + 1
      continue
    }
    if (c === 63) {
      // The XML declaration only.
      if (lt !== (xml.charCodeAt(0) === 0xfeff ? 1 : 0) || !xml.startsWith("<?xml", lt)) throw new ScanRefused("processing instruction")
      const e = xml.indexOf("?>", lt)
      if (e < 0) throw new ScanRefused("unterminated declaration")
      p = e + 2
      continue
    }
    if (c === 33) throw new ScanRefused("comment, CDATA or DOCTYPE")
    let q = lt + 1
    while (q < n) {
      const ch = xml.charCodeAt(q)
      if (ch === 62 || ch === 47 || isXmlSpace(ch)) break
      q++
    }
    const name = nameAt(xml, lt + 1, q)
    if (name === "") throw new ScanRefused("empty element name")
    if (stack.length === 0 && roots++ > 0) throw new ScanRefused("a second root element")
    count = 0
    for (;;) {
      while (isXmlSpace(xml.charCodeAt(q))) q++
      const ch = xml.charCodeAt(q)
      if (ch === 62 || ch === 47) {
        const empty = ch === 47
        if (empty && xml.charCodeAt(q + 1) !== 62) throw new ScanRefused("bad empty-element tag")
        q += empty ? 2 : 1
        tag.name = name
        onOpen(tag)
        if (empty) {
          closing.name = name
          onClose(closing)
        } else stack.push(name)
        break
      }
      const eq = xml.indexOf("=", q)
      if (eq < 0) throw new ScanRefused("attribute without a value")
      let ae = eq
      while (ae > q && isXmlSpace(xml.charCodeAt(ae - 1))) ae--
      let v = eq + 1
      while (isXmlSpace(xml.charCodeAt(v))) v++
      const quote = xml.charCodeAt(v)
      if (quote !== 34 && quote !== 39) throw new ScanRefused("unquoted attribute")
      const end = xml.indexOf(quote === 34 ? '"' : "'", v + 1)
      if (end < 0) throw new ScanRefused("unterminated attribute")
      const i = count++ * 4
      ranges[i] = q
      ranges[i + 1] = ae
      ranges[i + 2] = v + 1
      ranges[i + 3] = end
      q = end + 1
    }
    p = q
  }
  if (stack.length > 0 || roots === 0) throw new ScanRefused("unclosed or missing root element")
}

const isXmlSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13

/** No "&", tab, line end or "<": the value is as written. */
const plainAttribute = (raw: string): boolean => {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 38 || c === 9 || c === 10 || c === 13 || c === 60) return false
  }
  return true
}

/**
 * xml.slice(start, end) for a tag or attribute name, without allocating a new string for the
 * names that make up nearly all of a sheet (c, v, row, r, s, t, is, f, rPr, rFont, val, ref).
 */
const nameAt = (xml: string, start: number, end: number): string => {
  const c0 = xml.charCodeAt(start)
  switch (end - start) {
    case 1:
      switch (c0) {
        case 99:
          return "c"
        case 118:
          return "v"
        case 114:
          return "r"
        case 115:
          return "s"
        case 116:
          return "t"
        case 102:
          return "f"
      }
      break
    case 2:
      if (c0 === 105 && xml.charCodeAt(start + 1) === 115) return "is"
      break
    case 3:
      if (xml.startsWith("row", start)) return "row"
      if (xml.startsWith("rPr", start)) return "rPr"
      if (xml.startsWith("val", start)) return "val"
      if (xml.startsWith("ref", start)) return "ref"
      break
    case 5:
      if (xml.startsWith("rFont", start)) return "rFont"
      if (xml.startsWith("spans", start)) return "spans"
      break
  }
  return xml.slice(start, end)
}

const attributeValue = (raw: string): string => {
  if (raw.indexOf("<") >= 0) throw new ScanRefused("< in an attribute")
  return xmlText(raw.replace(/\r\n|[\t\n\r]/g, " "))
}

/** Unsupported markup for the SAX path: the caller falls back to the xform path. */
export class SaxPathError extends Error {}

const unsupported = (what: string): never => {
  throw new SaxPathError(what)
}

/** exceljs's TextXform un-escapes `_xHHHH_` (upper-case hex only) in shared and rich text. */
const X_ESCAPE = /_x([0-9A-F]{4})_/g
const unescapeX = (s: string): string =>
  s.indexOf("_x") < 0 ? s : s.replace(X_ESCAPE, (_, h: string) => String.fromCharCode(parseInt(h, 16)))

/** A shared string as a cell shows it: its text, and for rich text the first run's font name. */
interface SharedString {
  readonly text: string
  readonly font: string | null
}

interface Run {
  text: string | undefined
  font: string | undefined
}

const richValue = (runs: ReadonlyArray<Run>): SharedString => {
  let text = ""
  let font: string | null = null
  for (const r of runs) {
    text += r.text ?? ""
    if (font === null && r.font) font = r.font
  }
  return { text, font }
}

/**
 * sharedStrings.xml as exceljs's SharedStringsXform reads it: `<si><t>` is plain text, `<si><r>`
 * runs are rich text (font from `<rPr><rFont val>`), phonetic runs are ignored. Shapes exceljs
 * would fail on or turn into odd values (an empty `<si>`, text and runs mixed) are refused.
 */
const readSharedStrings = (xml: string, drive: XmlDriver): Array<SharedString> => {
  const out: Array<SharedString> = []
  let depth = 0
  let siDepth = 0
  let skipDepth = 0
  let plain: string | undefined
  let runs: Array<Run> | null = null
  let run: Run | null = null
  let runDepth = 0
  let rPrDepth = 0
  let collecting = false
  let parts = ""
  const onOpen = (n: XmlTag) => {
    depth++
    if (skipDepth > 0) return
    const name = n.name
    if (depth === 1) {
      if (name !== "sst") unsupported(`shared strings root ${name}`)
      return
    }
    if (depth === 2) {
      if (name !== "si") unsupported(`shared strings node ${name}`)
      siDepth = depth
      plain = undefined
      runs = null
      return
    }
    if (rPrDepth > 0) {
      if (depth === rPrDepth + 1 && name === "rFont") run!.font = n.attribute("val")
      return
    }
    if (runDepth > 0) {
      if (depth !== runDepth + 1) unsupported(`shared string run node ${name}`)
      if (name === "t") {
        collecting = true
        parts = ""
      } else if (name === "rPr") rPrDepth = depth
      else unsupported(`shared string run node ${name}`)
      return
    }
    if (depth === siDepth + 1) {
      if (name === "t") {
        collecting = true
        parts = ""
      } else if (name === "r") {
        run = { text: undefined, font: undefined }
        runDepth = depth
      } else if (name === "rPh" || name === "phoneticPr") skipDepth = depth
      else unsupported(`shared string node ${name}`)
      return
    }
    unsupported(`shared string node ${name}`)
  }
  const onText = (t: string) => {
    if (collecting) parts += t
  }
  const onClose = (n: { readonly name: string }) => {
    const name = n.name
    if (skipDepth > 0) {
      if (depth === skipDepth) skipDepth = 0
    } else if (depth === rPrDepth) rPrDepth = 0
    else if (collecting && name === "t") {
      collecting = false
      if (runDepth > 0) run!.text = unescapeX(parts)
      else plain = unescapeX(parts)
    } else if (depth === runDepth) {
      ;(runs ??= []).push(run!)
      runDepth = 0
    } else if (depth === siDepth) {
      if (runs !== null && plain !== undefined) unsupported("shared string with text and runs")
      if (runs !== null) out.push(richValue(runs))
      else if (plain !== undefined) out.push({ text: plain, font: null })
      else unsupported("empty shared string")
      siDepth = 0
    }
    depth--
  }
  drive(xml, onOpen, onText, onClose)
  return out
}

interface StyleInfo {
  readonly font: string | null
  readonly date: boolean
}

interface StylesLike {
  getStyleModel(id: number): { readonly font?: { readonly name?: string }; readonly numFmt?: string } | null
}

/**
 * Style id → font name and date format, from styles.xml through exceljs's StylesXform and
 * getStyleModel (as its cell reconcile uses them); no styles part: exceljs's defaults.
 */
const styleResolver = (xml: string | null): ((id: number) => StyleInfo | null) => {
  const styles = new StylesXform()
  if (xml !== null) runXform(styles, xml)
  else (styles as unknown as { init(): void }).init()
  const cache = new Map<number, StyleInfo | null>()
  return (id) => {
    let s = cache.get(id)
    if (s === undefined) {
      const m = (styles as unknown as StylesLike).getStyleModel(id)
      s = m === null || m === undefined ? null : { font: m.font?.name ?? null, date: excelUtils.isDateFmt(m.numFmt) }
      cache.set(id, s)
    }
    return s
  }
}

/**
 * Parsed small parts keyed by their stored (compressed) bytes, which determine the text: files made
 * by the same program or from the same template share styles, workbook and relationship parts byte
 * for byte, and inflating and parsing them was a tenth of reading a small roster. Results are only
 * read, never changed. Bounded: cleared when full.
 */
const MEMO_LIMIT = 256
const MEMO_MAX_BYTES = 64 * 1024
const relsMemo = new Map<string, ReadonlyArray<Rel>>()
interface WorkbookModel {
  readonly sheets?: ReadonlyArray<{ readonly name: string; readonly rId: string }>
  readonly properties?: { readonly date1904?: boolean }
}
const workbookMemo = new Map<string, { readonly model: WorkbookModel | undefined }>()
const stylesMemo = new Map<string, (id: number) => StyleInfo | null>()
const memo = <T>(cache: Map<string, T>, key: string, make: () => T): T => {
  let v = cache.get(key)
  if (v === undefined) {
    v = make()
    if (cache.size >= MEMO_LIMIT) cache.clear()
    cache.set(key, v)
  }
  return v
}

const enum Target {
  None,
  Value,
  Formula,
  RunText
}

/**
 * One worksheet's cells, valued as exceljs's CellXform.parseClose + reconcile value them and as
 * Grid's plainValue flattens them: shared strings and inline rich text become their text, formulas
 * their cached result, errors their code, number cells with a date format a Date (1900/1904), and
 * the font is a rich run's or else the cell style's (style 0 gives none, as in exceljs). Merged
 * ranges are returned as written.
 */
const readSheetGrid = (
  xml: string,
  shared: ReadonlyArray<SharedString> | null,
  styleOf: (id: number) => StyleInfo | null,
  date1904: boolean,
  drive: XmlDriver,
  budget: CellBudget = { cells: 0 }
): { rows: Array<Array<Cell>>; merges: Array<string>; lastCol: number } => {
  const rows: Array<Array<Cell>> = []
  const merges: Array<string> = []
  let lastRow = 0
  let lastCol = 0
  let depth = 0
  let section = 0 // 1: sheetData, 2: mergeCells, 3: anything else
  let rowCells: Array<Cell> | null = null
  let rowNumber = 0
  // Cell state.
  let address: string | undefined
  let type: string | undefined
  let styleId = 0
  let text: string | undefined
  let formula: string | undefined
  let shareType: string | undefined
  let runs: Array<Run> | null = null
  let run: Run | null = null
  let runDepth = 0
  let rPrDepth = 0
  let isDepth = 0
  let target = Target.None
  let runText = ""

  const finishCell = (): void => {
    const style = styleId ? styleOf(styleId) : null
    let value: CellValue
    let font: string | null = null
    if (runs !== null && (type !== "inlineStr" || formula || shareType)) unsupported("rich text outside an inline string")
    if (formula || shareType) {
      let result: unknown = undefined
      if (text) {
        if (type === "str") result = excelUtils.xmlDecode(text)
        else if (type === "b") result = parseInt(text, 10) !== 0
        else if (type === "e") result = text
        else result = parseFloat(text)
      }
      if (result !== undefined && style !== null && style.date) result = excelUtils.excelToDate(result, date1904)
      value = result === undefined ? null : (result as CellValue)
    } else if (runs !== null) {
      const rich = richValue(runs)
      value = rich.text
      font = rich.font
    } else if (text !== undefined) {
      switch (type) {
        case "s": {
          const i = parseInt(text, 10)
          if (shared === null) value = i
          else {
            const s = shared[i]
            if (s === undefined) return unsupported(`shared string ${i} out of range`)
            value = s.text
            font = s.font
          }
          break
        }
        case "str":
          value = excelUtils.xmlDecode(text)
          break
        case "inlineStr":
          value = text
          break
        case "b":
          value = parseInt(text, 10) !== 0
          break
        case "e":
          value = text
          break
        default: {
          const x = parseFloat(text)
          value = style !== null && style.date ? excelUtils.excelToDate(x, date1904) : x
        }
      }
    } else value = null
    if (font === null && style !== null) font = style.font
    if (address === undefined) return unsupported("cell without an address")
    const col = columnOf(address)
    if (col < 1 || rowCells === null) return
    if (col > rowCells.length) spend(budget, col > MAX_COLUMNS ? Infinity : col - rowCells.length)
    if (rowCells.length < col - 1) rowCells = rows[rowNumber - 1] = padRow(rowCells, col - 1)
    rowCells[col - 1] = value === null && font === null ? EMPTY_CELL : { value, font }
    if (col > lastCol) lastCol = col
  }

  const onOpen = (n: XmlTag) => {
    depth++
    const name = n.name
    if (depth === 1) {
      if (name !== "worksheet") unsupported(`worksheet root ${name}`)
      return
    }
    if (depth === 2) {
      section = name === "sheetData" ? 1 : name === "mergeCells" ? 2 : 3
      return
    }
    if (section === 3) return
    if (section === 2) {
      const ref = n.attribute("ref")
      if (depth !== 3 || name !== "mergeCell" || typeof ref !== "string") unsupported(`merge node ${name}`)
      merges.push(ref as string)
      return
    }
    if (depth === 3) {
      if (name !== "row") unsupported(`sheetData node ${name}`)
      rowNumber = parseInt(n.attribute("r") as string, 10)
      if (!Number.isInteger(rowNumber)) unsupported("row without a number")
      if (rowNumber > MAX_ROWS) throw new LimitError(`trang tính có dòng số ${rowNumber.toLocaleString("vi-VN")}, quá ${MAX_ROWS.toLocaleString("vi-VN")} dòng của Excel; tệp bị từ chối`)
      rowCells = rowNumber >= 1 ? (rows[rowNumber - 1] ??= []) : null
      return
    }
    if (depth === 4) {
      if (name !== "c") unsupported(`row node ${name}`)
      if (rowNumber > lastRow) lastRow = rowNumber
      address = n.attribute("r")
      type = n.attribute("t")
      const style = n.attribute("s")
      styleId = style ? parseInt(style, 10) : 0
      text = undefined
      formula = undefined
      shareType = undefined
      runs = null
      return
    }
    if (rPrDepth > 0) {
      if (depth === rPrDepth + 1 && name === "rFont") run!.font = n.attribute("val")
      return
    }
    if (runDepth > 0) {
      if (depth === runDepth + 1 && name === "t") {
        target = Target.RunText
        runText = ""
      } else if (depth === runDepth + 1 && name === "rPr") rPrDepth = depth
      else unsupported(`rich run node ${name}`)
      return
    }
    if (depth === 5 || (isDepth > 0 && depth === isDepth + 1)) {
      switch (name) {
        case "v":
        case "t":
          if (runs !== null) unsupported("text and runs in one cell")
          target = Target.Value
          return
        case "r":
          if (text !== undefined) unsupported("text and runs in one cell")
          run = { text: undefined, font: undefined }
          runDepth = depth
          return
        case "f":
          if (depth === 5) {
            target = Target.Formula
            shareType = n.attribute("t")
            return
          }
          break
        case "is":
          if (depth === 5) {
            isDepth = depth
            return
          }
          break
      }
    }
    unsupported(`cell node ${name}`)
  }
  const onText = (t: string) => {
    switch (target) {
      case Target.Value:
        text = text === undefined ? t : text + t
        return
      case Target.Formula:
        formula = formula === undefined ? t : formula + t
        return
      case Target.RunText:
        runText += t
        return
      default:
        return
    }
  }
  const onClose = () => {
    if (section === 1) {
      // Text targets (<v>, <t>, <f>) have no children, so a close while one is open is its own.
      if (target !== Target.None) {
        if (target === Target.RunText) run!.text = unescapeX(runText)
        target = Target.None
      } else if (depth === rPrDepth) rPrDepth = 0
      else if (depth === runDepth) {
        ;(runs ??= []).push(run!)
        runDepth = 0
      } else if (depth === isDepth) isDepth = 0
      else if (depth === 4) finishCell()
    }
    if (depth === 2) section = 0
    depth--
  }
  drive(xml, onOpen, onText, onClose)
  // Rows past the last one holding a cell carry nothing; holes are empty rows.
  rows.length = lastRow
  for (let i = 0; i < lastRow; i++) rows[i] ??= []
  return { rows, merges, lastCol }
}

/**
 * A row filled with empty cells up to `length`: the same array for a few cells, else a new one made
 * whole at once (a row may reach column XFD; growing an array cell by cell, or through its length,
 * cost ~8 ms per such row).
 */
export const padRow = (cells: Array<Cell>, length: number): Array<Cell> => {
  const from = cells.length
  if (from >= length) return cells
  if (length - from < 64) {
    while (cells.length < length) cells.push(EMPTY_CELL)
    return cells
  }
  const out: Array<Cell> = new Array<Cell>(length).fill(EMPTY_CELL)
  for (let i = 0; i < from; i++) out[i] = cells[i]!
  return out
}

/** Cells a workbook's grids may still take (MAX_GRID_CELLS), shared by its sheets. */
export interface CellBudget {
  cells: number
}

/** Excel's sheet size: 1,048,576 rows, 16,384 columns (A…XFD). */
export const MAX_ROWS = 1_048_576
export const MAX_COLUMNS = 16_384

export const spend = (budget: CellBudget, cells: number): void => {
  budget.cells += cells
  if (budget.cells > MAX_GRID_CELLS) {
    throw new LimitError(
      `tệp có quá nhiều ô (hơn ${MAX_GRID_CELLS.toLocaleString("vi-VN")} ô, kể cả ô trống trước ô có dữ liệu, hoặc cột vượt ${MAX_COLUMNS.toLocaleString("vi-VN")}); tệp bị từ chối, hãy xóa các cột và dòng thừa rồi lưu lại`
    )
  }
}

/**
 * Every cell of a merged range carries the master's value and font, so two-row headers read
 * naturally; ranges are clipped to the rows and columns that hold cells.
 */
export const expandMerges = (
  grid: Array<Array<Cell>>,
  merges: ReadonlyArray<string>,
  lastCol: number,
  budget: CellBudget = { cells: 0 }
): void => {
  const lastRow = grid.length
  for (const range of merges) {
    const [a, b] = range.split(":")
    if (a === undefined || b === undefined) continue
    const tl = decodeAddress(a)
    const br = decodeAddress(b)
    const rows = Math.min(br.row, lastRow) - tl.row + 1
    const cols = Math.min(br.col, Math.max(lastCol, tl.col)) - tl.col + 1
    if (rows > 0 && cols > 0) spend(budget, rows * cols)
    const master = grid[tl.row - 1]?.[tl.col - 1] ?? EMPTY_CELL
    for (let r = tl.row; r <= Math.min(br.row, lastRow); r++) {
      const cells = grid[r - 1]!
      for (let col = tl.col; col <= Math.min(br.col, Math.max(lastCol, tl.col)); col++) {
        while (cells.length < col - 1) cells.push(EMPTY_CELL)
        cells[col - 1] = master
      }
    }
  }
}

/**
 * Fast path 1: every worksheet as a grid of cells (merged ranges expanded), from the XML events of
 * `drive` (saxes by default; scanXml in roster ingestion, see readXlsxGridsFast). Throws
 * (SaxPathError, ZipError, ScanRefused, a saxes error) on anything it does not model; the caller
 * then uses readXlsxModel.
 */
export const readXlsxGrids = (bytes: Uint8Array, drive: XmlDriver = saxesDriver): ReadonlyArray<GridSheet> => {
  const zip = zipEntries(bytes, (n) => n.endsWith(".rels") || (n.endsWith(".xml") && !/(^|\/)(media|theme|drawings|docProps|printerSettings)\//.test(n)))
  const partText = (name: string): string | null => zip.get(name)?.toString("utf8") ?? null
  /** A small part parsed once per distinct stored bytes (same bytes, same text); null when absent. */
  const memoPart = <T>(cache: Map<string, T>, name: string, parse: (xml: string) => T): T | null => {
    const raw = zip.raw(name)
    if (raw === undefined) return null
    if (raw.data.length > MEMO_MAX_BYTES) return parse(partText(name)!)
    return memo(cache, `${raw.method}:${raw.data.toString("latin1")}`, () => parse(partText(name)!))
  }
  const rels = (name: string): ReadonlyArray<Rel> =>
    memoPart(relsMemo, name, (xml) => runXform<ReadonlyArray<Rel> | undefined>(new RelationshipsXform(), xml) ?? []) ?? []
  const workbookPath = resolveTarget("", rels("_rels/.rels").find((r) => REL_OFFICE_DOCUMENT.test(r.Type))?.Target ?? "xl/workbook.xml")
  const workbookPart = memoPart(workbookMemo, workbookPath, (xml) => ({ model: runXform<WorkbookModel | undefined>(new WorkbookXform(), xml) }))
  if (workbookPart === null) throw new ZipError(`no ${workbookPath}`)
  const workbook = workbookPart.model
  if (workbook === undefined || workbook === null) return unsupported("empty workbook part")
  const wbDir = dirOf(workbookPath)
  const wbRels = rels(relsPathOf(workbookPath))
  const relTarget = (re: RegExp, fallback: string) => {
    const r = wbRels.find((x) => re.test(x.Type))
    return r === undefined ? fallback : resolveTarget(wbDir, r.Target)
  }
  const ssXml = partText(relTarget(REL_SHARED_STRINGS, `${wbDir}sharedStrings.xml`))
  const shared = ssXml === null ? null : readSharedStrings(ssXml, drive)
  const styleOf = memoPart(stylesMemo, relTarget(REL_STYLES, `${wbDir}styles.xml`), styleResolver) ?? styleResolver(null)
  const date1904 = workbook.properties?.date1904 === true
  const byId = new Map(wbRels.filter((r) => REL_WORKSHEET.test(r.Type)).map((r) => [r.Id, resolveTarget(wbDir, r.Target)]))
  const sheets: Array<GridSheet> = []
  const budget: CellBudget = { cells: 0 }
  for (const s of workbook.sheets ?? []) {
    const partName = byId.get(s.rId)
    // Chart sheets and dialog sheets have no worksheet relationship: nothing to read.
    if (partName === undefined) continue
    const xml = partText(partName)
    if (xml === null) throw new ZipError(`no ${partName}`)
    const g = readSheetGrid(xml, shared, styleOf, date1904, drive, budget)
    expandMerges(g.rows, g.merges, g.lastCol, budget)
    sheets.push({ name: s.name, rows: g.rows })
  }
  return sheets
}

/** Fast path 1 with scanXml, and with saxes again when the scanner refuses a part. */
export const readXlsxGridsFast = (bytes: Uint8Array): ReadonlyArray<GridSheet> => {
  try {
    return readXlsxGrids(bytes, scanXml)
  } catch (e) {
    if (e instanceof ScanRefused) return readXlsxGrids(bytes, saxesDriver)
    throw e
  }
}
