/**
 * A fast path for reading an .xlsx into grids: the zip is inflated with node:zlib and only the
 * parts a roster needs (workbook, its relationships, shared strings, styles, worksheets) go
 * through exceljs's own XML parsers (its "xforms") and cell reconciliation. No exceljs Workbook /
 * Worksheet / Cell objects are built.
 *
 * Why: `Workbook.xlsx.load` inflates every part with JSZip (pure-JS inflate), parses themes and
 * document properties, then builds an object per cell. Measured on 600 generated roster files
 * (~25 rows each): load + grid 2.5 s; this path 0.5 s. The streaming WorkbookReader was slower
 * still (3.1 s with styles, which we need for the `.VnTime` font names) and drops merged ranges.
 *
 * Anything this path does not handle (ZIP64, an unusual package layout) throws; the caller then
 * falls back to the full exceljs load, so correctness never depends on the fast path.
 */
import { createRequire } from "node:module"
import * as zlib from "node:zlib"

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
const SharedStringsXform = xform("strings/shared-strings-xform")
const StylesXform = xform("style/styles-xform")
const WorksheetXform = xform("sheet/worksheet-xform")

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

const EOCD_SIG = 0x06054b50
const CEN_SIG = 0x02014b50
const LOC_SIG = 0x04034b50

/** Entry name → inflated bytes, for the entries `wanted` accepts. */
export const unzipEntries = (bytes: Uint8Array, wanted: (name: string) => boolean): Map<string, Buffer> => {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // The EOCD record is 22 bytes plus a comment of up to 65,535 bytes.
  let eocd = b.length - 22
  const stop = Math.max(0, b.length - 22 - 65535)
  while (eocd >= stop && b.readUInt32LE(eocd) !== EOCD_SIG) eocd--
  if (eocd < stop) throw new ZipError("no end of central directory")
  const count = b.readUInt16LE(eocd + 10)
  let p = b.readUInt32LE(eocd + 16)
  if (count === 0xffff || p === 0xffffffff) throw new ZipError("ZIP64")
  const out = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== CEN_SIG) throw new ZipError("bad central directory")
    const flags = b.readUInt16LE(p + 8)
    const method = b.readUInt16LE(p + 10)
    const csize = b.readUInt32LE(p + 20)
    const nameLen = b.readUInt16LE(p + 28)
    const extraLen = b.readUInt16LE(p + 30)
    const commentLen = b.readUInt16LE(p + 32)
    const offset = b.readUInt32LE(p + 42)
    const name = b.toString("utf8", p + 46, p + 46 + nameLen).replace(/^\//, "")
    p += 46 + nameLen + extraLen + commentLen
    if (!wanted(name)) continue
    if ((flags & 1) !== 0) throw new ZipError("encrypted entry")
    if (offset + 30 > b.length || b.readUInt32LE(offset) !== LOC_SIG) throw new ZipError("bad local header")
    // Sizes come from the central directory: the local header may defer them to a data descriptor.
    const start = offset + 30 + b.readUInt16LE(offset + 26) + b.readUInt16LE(offset + 28)
    const data = b.subarray(start, start + csize)
    if (method === 0) out.set(name, data)
    else if (method === 8) out.set(name, zlib.inflateRawSync(data))
    else throw new ZipError(`compression method ${method}`)
  }
  return out
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
  const sharedStrings = new SharedStringsXform()
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
    const wsXform = new WorksheetXform({ ignoreNodes: IGNORED_SHEET_NODES })
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
