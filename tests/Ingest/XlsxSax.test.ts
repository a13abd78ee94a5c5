/**
 * Fast path 1 (saxes events straight into cells, Xlsx.readXlsxGrids) must give exactly the grids
 * of fast path 2 (exceljs's own xforms and reconcile), which itself matches exceljs's full load
 * (Xlsx.test.ts). Hand-written package parts cover the markup exceljs's writer never produces but
 * Excel and other programs do: inline strings, shared formulas, double-escaped formula strings,
 * phonetic runs, `_xHHHH_` escapes, 1904 dates, pretty-printed XML. Markup the SAX path does not
 * model makes it throw, and readXlsx then reads the file as before.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readXlsxFull, readXlsxViaSax, readXlsxViaXforms, type Sheet } from "../../src/Ingest/Grid.js"
import { readXlsx } from "../../src/Ingest/GridEffect.js"
import { SaxPathError } from "../../src/Ingest/Xlsx.js"
import { day, removeTempDirs, tempDir, workbookCorpus, writeXlsx } from "./fixtures.js"

afterAll(removeTempDirs)

/** A stored zip (PKWARE APPNOTE), deflated entries, as Excel writes it. */
const zip = (entries: ReadonlyArray<readonly [string, string]>): Buffer => {
  const locals: Array<Buffer> = []
  const centrals: Array<Buffer> = []
  let offset = 0
  for (const [n, text] of entries) {
    const data = Buffer.from(text, "utf8")
    const body = zlib.deflateRawSync(data)
    const name = Buffer.from(n)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, body)
    centrals.push(central, name)
    offset += 30 + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(entries.length, 8)
  eocd.writeUInt16LE(entries.length, 10)
  eocd.writeUInt32LE(cd.length, 12)
  eocd.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, eocd])
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/** A one-sheet workbook from its sheetData (and optional merges, shared strings, 1904 flag). */
const workbook = (o: { sheetData: string; merges?: ReadonlyArray<string>; sst?: string; date1904?: boolean }): Buffer =>
  zip([
    ["[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
    ["_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    [
      "xl/workbook.xml",
      `<?xml version="1.0"?><workbook ${NS}>${o.date1904 === true ? '<workbookPr date1904="1"/>' : ""}<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>`
    ],
    [
      "xl/_rels/workbook.xml.rels",
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/>${o.sst === undefined ? "" : `<Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`}</Relationships>`
    ],
    [
      "xl/styles.xml",
      // 0: default (Calibri); 1: .VnTime text; 2: a date format (14) in Times New Roman; 3: a custom date format.
      `<?xml version="1.0"?><styleSheet ${NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><sz val="12"/><name val=".VnTime"/></font><font><name val="Times New Roman"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" xfId="0"/><xf numFmtId="0" fontId="1" xfId="0" applyFont="1"/><xf numFmtId="14" fontId="2" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`
    ],
    ...(o.sst === undefined ? [] : ([["xl/sharedStrings.xml", `<?xml version="1.0"?><sst ${NS}>${o.sst}</sst>`]] as const)),
    [
      "xl/worksheets/sheet1.xml",
      `<?xml version="1.0"?><worksheet ${NS}><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetData>${o.sheetData}</sheetData>${
        o.merges === undefined ? "" : `<mergeCells count="${o.merges.length}">${o.merges.map((m) => `<mergeCell ref="${m}"/>`).join("")}</mergeCells>`
      }<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
    ]
  ])

const both = async (bytes: Buffer): Promise<{ sax: ReadonlyArray<Sheet>; xforms: ReadonlyArray<Sheet> }> => ({
  sax: readXlsxViaSax(bytes),
  xforms: await readXlsxViaXforms(bytes)
})

const values = (s: Sheet) => s.rows.map((r) => r.map((c) => c.value))

describe("SAX xlsx path", () => {
  it("reads shared strings (plain, rich with a font, _xHHHH_ escapes, phonetic runs) as the xforms do", async () => {
    const sst = [
      "<si><t>Họ và tên</t></si>",
      '<si><r><rPr><b/><sz val="12"/><rFont val=".VnTime"/></rPr><t>Tr</t></r><r><t xml:space="preserve">Çn </t></r></si>',
      "<si><t>dòng 1_x000D_\ndòng 2</t><rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh><phoneticPr fontId=\"1\"/></si>",
      "<si><r><t>không font</t></r></si>",
      "<si><t/></si>"
    ].join("")
    const sheetData =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s" s="1"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>' +
      '<row r="3"><c r="A3" t="s" s="1"><v>3</v></c><c r="B3" t="s"><v>4</v></c></row>'
    const { sax, xforms } = await both(workbook({ sheetData, sst }))
    expect(sax).toEqual(xforms)
    expect(sax[0]!.rows[0]![1]).toEqual({ value: "TrÇn ", font: ".VnTime" })
    expect(sax[0]!.rows[0]![2]!.value).toBe("dòng 1\r\ndòng 2")
    // A rich run without a font name takes the cell style's font.
    expect(sax[0]!.rows[2]![0]).toEqual({ value: "không font", font: ".VnTime" })
    expect(sax[0]!.rows[1]).toEqual([])
  })

  it("reads inline strings, formulas (shared, string, boolean, error), booleans, errors and numbers as the xforms do", async () => {
    const sheetData = [
      '<row r="1">',
      '<c r="A1" t="inlineStr"><is><t>Nguyễn Văn A</t></is></c>',
      '<c r="B1" t="inlineStr" s="1"><is><r><rPr><rFont val="VNI-Times"/></rPr><t>Nguyeãn</t></r><r><t> Vaên</t></r></is></c>',
      '<c r="C1" t="str"><f>"a"&amp;"b"</f><v>a&amp;lt;b</v></c>',
      '<c r="D1"><f>1+1</f><v>2</v></c>',
      '<c r="E1"><f t="shared" ref="E1:E2" si="0">D1*2</f><v>4</v></c>',
      '<c r="F1" t="b"><f>TRUE()</f><v>1</v></c>',
      '<c r="G1" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
      '<c r="H1"><f>NOW()</f></c>',
      "</row>",
      '<row r="2"><c r="E2"><f t="shared" si="0"/><v>8</v></c><c r="F2" t="b"><v>0</v></c><c r="G2" t="e"><v>#N/A</v></c>',
      '<c r="H2"><v>012345678</v></c><c r="I2"><v>1.5E3</v></c><c r="J2" t="n"><v>-7.25</v></c></row>'
    ].join("")
    const { sax, xforms } = await both(workbook({ sheetData }))
    expect(sax).toEqual(xforms)
    expect(values(sax[0]!)[0]).toEqual(["Nguyễn Văn A", "Nguyeãn Vaên", "a<b", 2, 4, true, "#DIV/0!", null])
    expect(sax[0]!.rows[0]![1]!.font).toBe("VNI-Times")
    expect(values(sax[0]!)[1]).toEqual([null, null, null, null, 8, false, "#N/A", 12345678, 1500, -7.25])
  })

  it("gives fonts as exceljs does: style 0 none, an empty styled cell its font, dates from date formats (1900 and 1904)", async () => {
    const sheetData =
      '<row r="1"><c r="A1" s="0"><v>5</v></c><c r="B1" s="1"/><c r="C1" s="2"><v>21245</v></c><c r="D1" s="3"><v>21245.5</v></c><c r="E1" s="2"><f>DATE(1958,3,1)</f><v>21245</v></c></row>' +
      '<row r="2"><c r="A2" s="9"><v>1</v></c></row>'
    for (const date1904 of [false, true]) {
      const { sax, xforms } = await both(workbook({ sheetData, date1904 }))
      expect(sax).toEqual(xforms)
      const row = sax[0]!.rows[0]!
      expect(row[0]).toEqual({ value: 5, font: null })
      expect(row[1]).toEqual({ value: null, font: ".VnTime" })
      expect(row[2]!.value).toEqual(date1904 ? day(1962, 3, 2) : day(1958, 3, 1))
      expect(row[2]!.font).toBe("Times New Roman")
      expect(row[4]!.value).toEqual(row[2]!.value)
      // A style id with no xf: no style, as in exceljs.
      expect(sax[0]!.rows[1]![0]).toEqual({ value: 1, font: null })
    }
  })

  it("expands merged ranges and leaves gaps as empty rows, as the xforms path does", async () => {
    const sheetData =
      '<row r="2"><c r="A2" t="inlineStr" s="1"><is><t>DANH SÁCH</t></is></c></row>' +
      '<row r="4"><c r="A4" t="inlineStr"><is><t>Ngày sinh</t></is></c><c r="C4"><v>1</v></c></row><row r="5"><c r="A5" t="inlineStr"><is><t>Nam</t></is></c><c r="B5" t="inlineStr"><is><t>Nữ</t></is></c></row><row r="9" spans="1:3"/>'
    const { sax, xforms } = await both(workbook({ sheetData, merges: ["A2:D2", "A4:B4", "C4:C6", "E1:E1"] }))
    expect(sax).toEqual(xforms)
    expect(sax[0]!.rows).toHaveLength(5)
    expect(values(sax[0]!)[1]).toEqual(["DANH SÁCH", "DANH SÁCH", "DANH SÁCH"])
    expect(sax[0]!.rows[1]![2]!.font).toBe(".VnTime")
    expect(values(sax[0]!)[3]).toEqual(["Ngày sinh", "Ngày sinh", 1])
    expect(sax[0]!.rows[4]![2]!.value).toBe(1)
  })

  it("reads pretty-printed XML (whitespace between elements) as the xforms do", async () => {
    const sheetData = '\n  <row r="1">\n    <c r="A1" t="s">\n      <v>0</v>\n    </c>\n    <c r="B1">\n      <v>42</v>\n    </c>\n  </row>\n'
    const { sax, xforms } = await both(workbook({ sheetData, sst: "\n  <si>\n    <t>Hà</t>\n  </si>\n" }))
    expect(sax).toEqual(xforms)
    expect(values(sax[0]!)).toEqual([["Hà", 42]])
  })

  it("refuses what it does not model, and readXlsx then reads the file exactly as before", async () => {
    const odd = [
      // A row without a number, a cell without an address, an out-of-range shared string, an empty <si>.
      workbook({ sheetData: '<row><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>' }),
      workbook({ sheetData: '<row r="1"><c><v>1</v></c></row>' }),
      workbook({ sheetData: '<row r="1"><c r="A1" t="s"><v>3</v></c></row>', sst: "<si><t>a</t></si>" }),
      workbook({ sheetData: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', sst: "<si></si>" }),
      // Unknown markup inside a cell.
      workbook({ sheetData: '<row r="1"><c r="A1"><v>1</v><extLst/></c></row>' })
    ]
    for (const bytes of odd) {
      expect(() => readXlsxViaSax(bytes)).toThrow()
      const before = await readXlsxViaXforms(bytes).then(
        (s) => ({ ok: true as const, s }),
        () => null
      )
      const now = await Effect.runPromise(Effect.either(readXlsx(bytes)))
      if (before !== null) expect(now).toEqual(expect.objectContaining({ _tag: "Right", right: before.s }))
      else {
        const full = await readXlsxFull(bytes).then(
          (s) => s,
          () => null
        )
        if (full === null) expect(now._tag).toBe("Left")
        else expect(now).toEqual(expect.objectContaining({ _tag: "Right" }))
      }
    }
    expect(() => readXlsxViaSax(workbook({ sheetData: '<row r="1"><c r="A1"><v>1</v><extLst/></c></row>' }))).toThrow(SaxPathError)
  })

  it("reads every fixture and sample workbook exactly as the xforms path does", async () => {
    let compared = 0
    for (const file of workbookCorpus()) {
      const bytes = fs.readFileSync(file)
      const xforms = await readXlsxViaXforms(bytes).catch(() => null)
      if (xforms === null) continue // corrupt on purpose
      expect(readXlsxViaSax(bytes), file).toEqual(xforms)
      compared++
    }
    expect(compared).toBeGreaterThan(15)
  })

  it("matches the xforms path on exceljs-written workbooks: merges, rich text, dates, several sheets", async () => {
    const file = path.join(tempDir("xlsx-sax"), "m.xlsx")
    await writeXlsx(file, [
      {
        name: "Một",
        merges: ["A1:C1", "D1:D3"],
        rows: [
          ["Tiêu đề gộp", null, null, "Dọc"],
          [{ formula: "DATE(1960,2,29)", result: day(1960, 2, 29) }, { richText: [{ text: "Tr", font: { name: ".VnTime" } }, { text: "Çn" }] }, false, null],
          [{ error: "#N/A" }, 12345678, "x", null, day(1975, 4, 30)]
        ],
        font: "Times New Roman"
      },
      { name: "Hai", rows: [[null], [null, "b2"]] }
    ])
    const bytes = fs.readFileSync(file)
    const { sax, xforms } = await both(bytes)
    expect(sax).toEqual(xforms)
    expect(sax).toEqual(await Effect.runPromise(readXlsx(bytes)))
  })
})
