/**
 * Attacks on xlsx rosters (issue 11, observation 7 and the cases it lists): password-protected and
 * old binary files, the widest sheet Excel allows, zip bombs (declared and lying), grids that
 * would blow up when merged ranges are expanded, a 1 MB cell. Every package here is written by
 * code (harness.xlsxOf); each must be refused quickly with a Vietnamese reason or read in full.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cb05Grid, cleanCb05, cleanUp, colName, content, expectAccounted, ingest, sheetXml, tree, xlsxOf } from "./harness.js"

let clean: Awaited<ReturnType<typeof cleanCb05>>
beforeAll(async () => {
  clean = await cleanCb05()
}, 60_000)
afterAll(cleanUp)

const FILE = "CB05_thon_Nam.xlsx"

const read = async (bytes: Uint8Array, file = FILE) => {
  const r = await ingest(tree({ [file]: bytes }))
  expectAccounted(r, [file])
  return r
}

/** A CFB (OLE2) header: what an encrypted xlsx and a binary .xls both start with. */
const cfb = () => {
  const b = Buffer.alloc(1024)
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b)
  return b
}

describe("files that are not xlsx inside", () => {
  it("the sample list written as xlsx by code reads like the CSV (the harness's reference)", async () => {
    const r = await read(xlsxOf(sheetXml(cb05Grid())))
    expect(r.rows.map(content)).toEqual(clean)
  })

  it("a password-protected xlsx (an OLE2 container) is refused with what to do", async () => {
    const r = await read(cfb())
    expect(r.files[0]!.error).toMatch(/mật khẩu/)
  })

  it("an old binary .xls is refused with what to do", async () => {
    const r = await read(cfb(), "CB05.xls")
    expect(r.files[0]!.error).toMatch(/\.xls/)
  })

  it("an empty xlsx (0 bytes) is reported", async () => {
    const r = await read(new Uint8Array())
    expect(r.files[0]!.error).toMatch(/rỗng/)
  })

  it("a zip whose central directory is cut off is reported, not a crash", async () => {
    const x = xlsxOf(sheetXml(cb05Grid()))
    const r = await read(x.subarray(0, x.length - 30))
    expect(r.files[0]!.error).toMatch(/hỏng/)
  })
})

describe("limits", () => {
  it("a sheet 16,384 columns wide (Excel's widest) is read in full", async () => {
    const grid = cb05Grid()
    const extra = `<row r="${grid.length + 2}"><c r="${colName(16384)}${grid.length + 2}" t="inlineStr"><is><t>x</t></is></c></row>`
    const t0 = performance.now()
    const r = await read(xlsxOf(sheetXml(grid, extra)))
    expect(r.rows.map(content)).toEqual(clean)
    expect(performance.now() - t0).toBeLessThan(10_000)
  })

  it("a zip bomb (a part inflating 1000×) is refused from its directory, quickly and without inflating it", async () => {
    const bomb = Buffer.alloc(50 * 1024 * 1024, 0x20)
    const before = process.memoryUsage().arrayBuffers
    const x = xlsxOf({ name: "xl/worksheets/sheet1.xml", data: bomb })
    const t0 = performance.now()
    const r = await read(x)
    const ms = performance.now() - t0
    expect(r.files[0]!.error).toMatch(/nén|tỷ lệ/)
    expect(ms).toBeLessThan(2000)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(120 * 1024 * 1024)
  })

  it("a zip that lies about a part's size is refused when the part inflates past it", async () => {
    const xml = sheetXml(cb05Grid(), " ".repeat(2_000_000))
    const r = await read(xlsxOf({ name: "xl/worksheets/sheet1.xml", data: Buffer.from(xml), declaredSize: 50_000 }))
    expect(r.files[0]!.error).toMatch(/kích thước|nén/)
  })

  it("a merged range over 2,000 rows × 16,384 columns is refused, not expanded into 32 million cells", async () => {
    const grid = cb05Grid()
    const extra = `<row r="2000"><c r="${colName(16384)}2000" t="inlineStr"><is><t>x</t></is></c></row>`
    const t0 = performance.now()
    const r = await read(xlsxOf(sheetXml(grid, extra, [`A${grid.length + 1}:${colName(16384)}2000`])))
    expect(r.files[0]!.error).toMatch(/quá nhiều ô/)
    expect(performance.now() - t0).toBeLessThan(5000)
  })

  it("600 rows each reaching column XFD (9.8 million cells with the blanks) are refused", async () => {
    let extra = ""
    for (let r = 100; r < 700; r++) extra += `<row r="${r}"><c r="${colName(16384)}${r}" t="inlineStr"><is><t>x</t></is></c></row>`
    const r = await read(xlsxOf(sheetXml(cb05Grid(), extra)))
    expect(r.files[0]!.error).toMatch(/quá nhiều ô/)
  }, 30_000)

  it("a 1 MB cell is dropped with a warning naming the row and column; the row is kept", async () => {
    const grid = cb05Grid()
    // Text that compresses like text (a run of one letter would be refused as a zip bomb).
    let seed = 7
    grid[7]![8] = Array.from({ length: 1024 * 1024 }, () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) >>> 0) % 26))).join("")
    const r = await read(xlsxOf(sheetXml(grid)))
    const w = r.warnings.find((x) => /32\.767/.test(x.reason))
    expect(w).toMatchObject({ file: FILE, row: 8, column: "Ghi chú" })
    expect(r.rows.map(content)).toEqual(clean)
  })
})
