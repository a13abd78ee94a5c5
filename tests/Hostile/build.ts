/**
 * Hostile files written by code for the attack suite: text in the encodings clerks' machines
 * write, and zip / xlsx packages (able to lie about sizes). No vitest import: usable from scripts.
 */
import iconv from "iconv-lite"
import * as zlib from "node:zlib"

// ---------------------------------------------------------------------------------------------
// Encodings written by code

const TONES = /[\u0300\u0301\u0303\u0309\u0323]/u

/** Windows-1258 as Vietnamese Windows writes it: ă â đ ê ô ơ ư precomposed, tones as combining marks. */
export const toCp1258 = (text: string): Buffer => {
  let out = ""
  for (const ch of text.normalize("NFC")) {
    const parts = [...ch.normalize("NFD")]
    out += parts.filter((c) => !TONES.test(c)).join("").normalize("NFC") + parts.filter((c) => TONES.test(c)).join("")
  }
  return iconv.encode(out, "windows1258")
}

export const utf16 = (text: string, order: "le" | "be", bom: boolean): Buffer => {
  const body = iconv.encode(text, order === "le" ? "utf16le" : "utf16be")
  return bom ? Buffer.concat([Buffer.from(order === "le" ? [0xff, 0xfe] : [0xfe, 0xff]), body]) : body
}

// ---------------------------------------------------------------------------------------------
// Zip archives written by code (PKWARE APPNOTE §4.3), able to lie about sizes

export interface ZipEntry {
  readonly name: string
  readonly data: Uint8Array
  /** The uncompressed size to declare instead of the real one (a lying archive). */
  readonly declaredSize?: number
}

export const zipOf = (entries: ReadonlyArray<ZipEntry>): Buffer => {
  const locals: Array<Buffer> = []
  const centrals: Array<Buffer> = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8")
    const packed = zlib.deflateRawSync(e.data, { level: 9 })
    const crc = zlib.crc32(e.data)
    const size = e.declaredSize ?? e.data.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += 30 + name.length + packed.length
  }
  const dir = Buffer.concat(centrals)
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(entries.length, 8)
  eocd.writeUInt16LE(entries.length, 10)
  eocd.writeUInt32LE(dir.length, 12)
  eocd.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, eocd])
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** Column letters of a 1-based column (1 → A, 16,384 → XFD). */
export const colName = (col: number): string => {
  let s = ""
  for (let c = col; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s
  return s
}

/** The worksheet XML of `rows` (inline strings), plus raw XML for extra cells or merges. */
export const sheetXml = (rows: ReadonlyArray<ReadonlyArray<string>>, extraRows = "", merges: ReadonlyArray<string> = []): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
  rows
    .map((r, i) =>
      `<row r="${i + 1}">` +
      r.map((v, c) => (v === "" ? "" : `<c r="${colName(c + 1)}${i + 1}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`)).join("") +
      "</row>"
    )
    .join("") +
  extraRows +
  "</sheetData>" +
  (merges.length > 0 ? `<mergeCells count="${merges.length}">${merges.map((m) => `<mergeCell ref="${m}"/>`).join("")}</mergeCells>` : "") +
  "</worksheet>"

/** A minimal xlsx package around one worksheet part (what Excel needs: content types, rels, workbook). */
export const xlsxOf = (sheet: string | ZipEntry): Buffer => {
  const ct = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`
  const rels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
  const wb = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>`
  const wbRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`
  const part: ZipEntry = typeof sheet === "string" ? { name: "xl/worksheets/sheet1.xml", data: Buffer.from(sheet, "utf8") } : sheet
  return zipOf([
    { name: "[Content_Types].xml", data: Buffer.from(ct) },
    { name: "_rels/.rels", data: Buffer.from(rels) },
    { name: "xl/workbook.xml", data: Buffer.from(wb) },
    { name: "xl/_rels/workbook.xml.rels", data: Buffer.from(wbRels) },
    part
  ])
}


