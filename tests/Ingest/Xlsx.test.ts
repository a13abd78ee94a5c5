/**
 * The fast xlsx path (native inflate + exceljs's own xforms) must give exactly the grids of
 * exceljs's full Workbook load, which stays as its fallback.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readXlsxFull, type Sheet } from "../../src/Ingest/Grid.js"
import { readXlsx } from "../../src/Ingest/GridEffect.js"
import { decodeAddress, readXlsxModel, unzipEntries, ZipError } from "../../src/Ingest/Xlsx.js"
import { day, removeTempDirs, tempDir, workbookCorpus, writeXlsx } from "./fixtures.js"

afterAll(removeTempDirs)

/** Comparable form: values (dates as ISO) and fonts, trailing empty cells and rows dropped. */
const plain = (sheets: ReadonlyArray<Sheet>) =>
  sheets.map((s) => {
    const rows = s.rows.map((r) => {
      const cells = r.map((c) => (c.value === null && c.font === null ? null : [c.value instanceof Date ? c.value.toISOString() : c.value, c.font]))
      while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop()
      return cells
    })
    while (rows.length > 0 && rows[rows.length - 1]!.length === 0) rows.pop()
    return { name: s.name, rows }
  })

describe("fast xlsx path", () => {
  const corpus = workbookCorpus()

  it("reads what exceljs's full load reads, on every fixture and sample workbook", async () => {
    let compared = 0
    for (const file of corpus) {
      const bytes = fs.readFileSync(file)
      let full: ReadonlyArray<Sheet>
      try {
        full = await readXlsxFull(bytes)
      } catch {
        continue // corrupt on purpose
      }
      await expect(readXlsxModel(bytes)).resolves.toBeDefined()
      expect(plain(await Effect.runPromise(readXlsx(bytes))), file).toEqual(plain(full))
      compared++
    }
    expect(compared).toBeGreaterThan(15)
  })

  it("keeps merges, formulas, rich-text fonts, dates, booleans, errors and several sheets", async () => {
    const file = path.join(tempDir("xlsx"), "m.xlsx")
    await writeXlsx(file, [
      {
        name: "Một",
        merges: ["A1:C1", "D1:D3"],
        rows: [
          ["Tiêu đề gộp", null, null, "Dọc"],
          [{ formula: "DATE(1960,2,29)", result: day(1960, 2, 29) }, { richText: [{ text: "Tr", font: { name: ".VnTime" } }, { text: "Çn" }] }, false, null],
          [{ error: "#N/A" }, 12345678, "x"]
        ],
        font: "Times New Roman"
      },
      { name: "Hai", rows: [[null], [null, "b2"]] }
    ])
    const bytes = fs.readFileSync(file)
    const fast = await Effect.runPromise(readXlsx(bytes))
    expect(plain(fast)).toEqual(plain(await readXlsxFull(bytes)))
    expect(fast[0]!.rows[0]!.map((c) => c.value)).toEqual(["Tiêu đề gộp", "Tiêu đề gộp", "Tiêu đề gộp", "Dọc"])
    expect(fast[0]!.rows[2]![3]!.value).toBe("Dọc")
    expect(fast[0]!.rows[1]![1]).toEqual({ value: "TrÇn", font: ".VnTime" })
    expect(fast[1]!.rowNumbers).toEqual([1, 2])
  })

  it("reads stored (uncompressed) entries and refuses encrypted ones", () => {
    const entry = (name: string, data: Buffer, method: number, flags = 0) => ({ name, data, method, flags })
    const zip = (entries: ReadonlyArray<ReturnType<typeof entry>>) => {
      const locals: Array<Buffer> = []
      const centrals: Array<Buffer> = []
      let offset = 0
      for (const e of entries) {
        const body = e.method === 8 ? zlib.deflateRawSync(e.data) : e.data
        const name = Buffer.from(e.name)
        const local = Buffer.alloc(30)
        local.writeUInt32LE(0x04034b50, 0)
        local.writeUInt16LE(e.flags, 6)
        local.writeUInt16LE(e.method, 8)
        local.writeUInt32LE(body.length, 18)
        local.writeUInt32LE(e.data.length, 22)
        local.writeUInt16LE(name.length, 26)
        const central = Buffer.alloc(46)
        central.writeUInt32LE(0x02014b50, 0)
        central.writeUInt16LE(e.flags, 8)
        central.writeUInt16LE(e.method, 10)
        central.writeUInt32LE(body.length, 20)
        central.writeUInt32LE(e.data.length, 24)
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
    const parts = unzipEntries(zip([entry("a.xml", Buffer.from("<a/>"), 0), entry("b.xml", Buffer.from("<b>ư</b>"), 8), entry("c.bin", Buffer.from("x"), 0)]), (n) => n.endsWith(".xml"))
    expect([...parts.keys()]).toEqual(["a.xml", "b.xml"])
    expect(parts.get("b.xml")!.toString("utf8")).toBe("<b>ư</b>")
    expect(() => unzipEntries(zip([entry("a.xml", Buffer.from("<a/>"), 0, 1)]), () => true)).toThrow(ZipError)
    expect(() => unzipEntries(Buffer.from("PK\u0003\u0004 cut short"), () => true)).toThrow(ZipError)
  })

  it("decodes cell addresses", () => {
    expect(decodeAddress("A1")).toEqual({ row: 1, col: 1 })
    expect(decodeAddress("AB12")).toEqual({ row: 12, col: 28 })
    expect(decodeAddress("$C$7")).toEqual({ row: 7, col: 3 })
  })
})
