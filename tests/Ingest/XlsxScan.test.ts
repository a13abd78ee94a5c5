/**
 * Xlsx.scanXml, the narrow XML scanner roster ingestion reads worksheet and shared-string parts
 * with, gives saxes's events for the XML it reads and refuses the rest; a refused part is read
 * with saxes, so a workbook reads the same either way.
 */
import { describe, expect, it } from "@effect/vitest"
import ExcelJS from "exceljs"
import * as fc from "effect/FastCheck"
import * as fs from "node:fs"
import { readXlsxViaSax, readXlsxViaScan } from "../../src/Ingest/Grid.js"
import { readXlsxGrids, saxesDriver, ScanRefused, scanXml, type XmlDriver } from "../../src/Ingest/Xlsx.js"
import { workbookCorpus } from "./fixtures.js"

const events = (drive: XmlDriver, xml: string): Array<string> => {
  const out: Array<string> = []
  drive(
    xml,
    (t) => out.push(`<${t.name} ${JSON.stringify(t.attributes())}>`),
    (t) => out.push(JSON.stringify(t)),
    (t) => out.push(`</${t.name}>`)
  )
  return out
}

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

describe("scanXml", () => {
  it.each([
    ["elements, attributes in either quote, empty-element tags", `${DECL}<a x="1" y='2'><b/><c k="v"></c><d/></a>`],
    ["the five entities and character references", `<a z="a&amp;b&lt;&#65;&#x42;&quot;&apos;&gt;"><t>t&gt;x&quot;&apos;&amp;amp;&#x1F600;&#233;</t></a>`],
    ["line ends in text: CRLF and CR become LF, &#13; stays", "<a><t>one\r\ntwo\rthree&#13;four</t></a>"],
    ["tabs and line ends in attributes become spaces", '<a w="tab\there\nnl\r\nx&#10;y"/>'],
    ["whitespace text, a byte-order mark, spaces before > and around =", `\ufeff${DECL}<a >  <b  r = "1" >x</b >\n</a>`],
    ["Vietnamese and legacy-font bytes as they are", '<sst><si><t xml:space="preserve">Nguyễn Văn Hoà ¸µ¶·¹ Ç Þ</t></si></sst>'],
    ["a prefixed name", '<x:row xmlns:x="urn:x" x14ac:dyDescent="0.25"><x:c r="A1"/></x:row>']
  ])("gives saxes's events for %s", (_, xml) => {
    expect(events(scanXml, xml)).toEqual(events(saxesDriver, xml))
  })

  it.each([
    ["a comment", "<a><!-- c --></a>"],
    ["CDATA", "<a><![CDATA[x]]></a>"],
    ["a DOCTYPE", "<!DOCTYPE a><a/>"],
    ["an unknown entity", "<a>&nbsp;</a>"],
    ["a bare ampersand", "<a>AT&T</a>"],
    ["a null character reference", "<a>&#0;</a>"],
    ["mismatched tags", "<a><b></a>"],
    ["an unclosed element", "<a><b/>"],
    ["an unquoted attribute", "<a x=1/>"],
    ["a processing instruction", '<?mso-application progid="Excel.Sheet"?><a/>'],
    ["two root elements", "<a/><b/>"],
    ["text outside the root", "<a/>x"],
    ["< in an attribute value", '<a x="<"/>']
  ])("refuses %s", (_, xml) => {
    expect(() => events(scanXml, xml)).toThrow(ScanRefused)
  })

  it("reads every fixture and sample workbook as saxes does", () => {
    let compared = 0
    for (const file of workbookCorpus()) {
      const bytes = fs.readFileSync(file)
      let viaSaxes: unknown
      try {
        viaSaxes = readXlsxGrids(bytes, saxesDriver)
      } catch {
        continue // corrupt on purpose, or a layout fast path 1 does not model
      }
      expect(readXlsxGrids(bytes, scanXml), file).toEqual(viaSaxes)
      compared++
    }
    expect(compared).toBeGreaterThan(15)
  })

  // XML-legal characters, the ones XML escapes, line ends, Vietnamese, TCVN3 bytes, combining marks, an emoji.
  const CHARS = [..."aZ09 ,.;:/-_", "&", "<", ">", '"', "'", "\t", "\n", "\r", "\r\n", ..."Đđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ", ..."¸µ¶·¹¨»¾¶Ç", "\u0301", "\u00a0", "😀", "_x000D_"]
  const text = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 24 })

  it("reads exceljs-written workbooks of arbitrary text as saxes does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.option(text, { nil: null }), { maxLength: 5 }), { minLength: 1, maxLength: 6 }), text, async (rows, sheetText) => {
        const wb = new ExcelJS.Workbook()
        const ws = wb.addWorksheet("Danh sách")
        rows.forEach((row, r) =>
          row.forEach((v, c) => {
            if (v !== null) ws.getCell(r + 1, c + 1).value = v
          })
        )
        // Rich text: the runs' fonts come from <rPr><rFont val="…"> inside the shared strings.
        ws.getCell(rows.length + 1, 1).value = { richText: [{ text: sheetText, font: { name: ".VnTime" } }, { text: "x" }] }
        const bytes = Buffer.from(await wb.xlsx.writeBuffer())
        expect(readXlsxViaScan(bytes)).toEqual(readXlsxViaSax(bytes))
      }),
      { numRuns: 40 }
    )
  }, 60_000)
})
