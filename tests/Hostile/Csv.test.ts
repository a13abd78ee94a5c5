/**
 * Attacks on one CSV roster (issue 11, observations 2 and 3): a bad byte, a stray quote, every
 * encoding a clerk's machine writes, a file cut in half. Each is the sample's CB05 list, attacked,
 * read as `recon run` reads it; the rows must be those of the clean file except where a warning
 * says what was lost, and every problem is named with its real line in Vietnamese.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Enc from "../../src/Normalize/Encoding.js"
import {
  CB05_FILE,
  cb05Text,
  cleanCb05,
  cleanUp,
  content,
  expectAccounted,
  ingest,
  issueOf,
  toCp1258,
  tree,
  utf16
} from "./harness.js"

let clean: Awaited<ReturnType<typeof cleanCb05>>
beforeAll(async () => {
  clean = await cleanCb05()
  expect(clean.length).toBe(29)
}, 60_000)
afterAll(cleanUp)

/** Reads `bytes` as CB05's CSV; asserts accounting and returns the ingest. */
const read = async (bytes: Uint8Array | string) => {
  const r = await ingest(tree({ [CB05_FILE]: bytes }))
  expectAccounted(r, [CB05_FILE])
  return r
}

describe("encodings: the same list in every encoding reads the same rows", () => {
  const text = () => cb05Text()
  it.each([
    ["UTF-16LE with BOM", () => utf16(text(), "le", true)],
    ["UTF-16LE without BOM", () => utf16(text(), "le", false)],
    ["UTF-16BE with BOM", () => utf16(text(), "be", true)],
    ["UTF-16BE without BOM", () => utf16(text(), "be", false)],
    ["Windows-1258", () => toCp1258(text())],
    ["TCVN3 (.VnTime bytes)", () => Buffer.from(Enc.encodeTcvn3(text()), "latin1")],
    ["VNI-Windows bytes", () => Buffer.from(Enc.encodeVni(text()), "latin1")],
    ["UTF-8 with CR LF line ends", () => Buffer.from(text().replace(/\n/g, "\r\n"), "utf8")]
  ])("%s", async (_, bytes) => {
    const r = await read(bytes())
    expect(r.files[0]!.error).toBeNull()
    expect(r.rows.map(content)).toEqual(clean)
  })
})

describe("a bad byte costs a character, not the file", () => {
  it("one invalid UTF-8 byte: every row read, a warning names the line and the word", async () => {
    const lines = cb05Text().split("\n")
    const bytes = Buffer.from(lines.join("\n"), "utf8")
    // Line 3's name "Phạm Ngọc Tâm": its first byte after "Ng" replaced by 0xFF.
    const at = bytes.indexOf(Buffer.from(lines[2]!.split(",")[2]!, "utf8")) + 2
    bytes[at] = 0xff
    const r = await read(bytes)
    expect(r.files[0]!.error).toBeNull()
    expect(r.rows.length).toBe(29)
    const w = issueOf(r.warnings, CB05_FILE, /UTF-8/)
    expect(w.row).toBe(3)
    expect(w.reason).toContain("Dòng 3")
    // Nothing else changed: every other row reads as in the clean file.
    expect(r.rows.map(content).filter((x) => x.row !== 3)).toEqual(clean.filter((x) => x.row !== 3))
  })

  it("a line pasted in Windows-1258 into a UTF-8 file is read in Windows-1258, with a note", async () => {
    const lines = cb05Text().split("\n")
    const bytes = Buffer.concat([
      Buffer.from(lines.slice(0, 4).join("\n") + "\n", "utf8"),
      toCp1258(lines[4]!),
      Buffer.from("\n" + lines.slice(5).join("\n"), "utf8")
    ])
    const r = await read(bytes)
    expect(r.rows.map(content)).toEqual(clean)
    expect(issueOf(r.warnings, CB05_FILE, /Windows-1258/).row).toBe(5)
  })
})

describe("a stray quote costs its line, reported at its real number", () => {
  it("an unbalanced quote at line 6: reported at line 6 in Vietnamese, the rest of the file read", async () => {
    const lines = cb05Text().split("\n")
    const f = lines[5]!.split(",")
    f[2] = `"${f[2]}`
    lines[5] = f.join(",")
    const r = await read(lines.join("\n"))
    const w = issueOf(r.warnings, CB05_FILE, /ngoặc kép/)
    expect(w.row).toBe(6)
    expect(w.reason).toContain("Dòng 6")
    // Every row read, and read as in the clean file (the stray quote dropped, as the warning says).
    expect(r.rows.map(content)).toEqual(clean)
  })

  it("two unbalanced quotes do not swallow the lines between them", async () => {
    const lines = cb05Text().split("\n")
    for (const i of [5, 12]) {
      const f = lines[i]!.split(",")
      f[2] = i === 5 ? `"${f[2]}` : `${f[2]}"`
      lines[i] = f.join(",")
    }
    const r = await read(lines.join("\n"))
    expect(issueOf(r.warnings, CB05_FILE, /ngoặc kép/).row).toBe(6)
    expect(r.rows.length).toBe(29)
    expect(r.rows.map((x) => x.row)).toEqual(clean.map((x) => x.row))
  })

  it("a quoted field with a newline and a comma (a real multi-line cell) is still one field", async () => {
    const lines = cb05Text().split("\n")
    const f = lines[3]!.split(",")
    f[8] = `"Ghi chú dòng một,\ndòng hai"`
    lines[3] = f.join(",")
    const r = await read(lines.join("\n"))
    expect(r.warnings.filter((w) => /ngoặc kép/.test(w.reason))).toEqual([])
    expect(r.rows.length).toBe(29)
    expect(r.rows.find((x) => x.row === 4)!.note).toContain("dòng hai")
    // Rows after the two-line record are numbered by the line where they start.
    expect(r.rows.map((x) => x.row)).toEqual(clean.map((x) => (x.row <= 4 ? x.row : x.row + 1)))
  })
})

describe("a file cut short is said to be, never taken as the whole list", () => {
  it("cut mid-record: the cut row is rejected, the file marked suspectTruncated, with the warning", async () => {
    const text = cb05Text()
    const cutAt = text.indexOf("Bùi Thị H")
    const cut = cutAt > 0 ? text.slice(0, cutAt + "Bùi Thị H".length) : text.slice(0, Math.floor(text.length / 2))
    const lastLine = cut.split("\n").length
    const r = await read(cut)
    const f = r.files[0]!
    expect(f.suspectTruncated).toBe(true)
    expect(f.rowsRejected).toBe(1)
    const rej = issueOf(r.rejections, CB05_FILE, /cắt/)
    expect(rej.row).toBe(lastLine)
    issueOf(r.warnings, CB05_FILE, /tệp có thể bị cắt cụt/)
    // The rows before the cut are read as in the clean file.
    expect(r.rows.map(content)).toEqual(clean.filter((x) => x.row < lastLine))
  })

  it("cut inside a character (an incomplete UTF-8 sequence at the end) is also a cut", async () => {
    const bytes = Buffer.from(cb05Text(), "utf8")
    const at = bytes.indexOf(Buffer.from("ư", "utf8"), Math.floor(bytes.length / 2))
    const r = await read(bytes.subarray(0, at + 1))
    expect(r.files[0]!.suspectTruncated).toBe(true)
    issueOf(r.warnings, CB05_FILE, /tệp có thể bị cắt cụt/)
  })

  it("a complete file without a final line end is not a cut", async () => {
    const r = await read(cb05Text().trimEnd())
    expect(r.files[0]!.suspectTruncated).toBe(false)
    expect(r.rows.map(content)).toEqual(clean)
  })
})

describe("a file that is not cut", () => {
  it("ends with a blank line and a footer typed without commas (no line end): not a cut", async () => {
    const r = await read(cb05Text() + "\nNgười lập biểu")
    expect(r.files[0]!.suspectTruncated).toBe(false)
    expect(r.rows.map(content)).toEqual(clean)
  })
})

describe("sizes", () => {
  it("a 1 MB cell: the cell is dropped with a warning naming row and column, the row kept", async () => {
    const lines = cb05Text().split("\n")
    const f = lines[7]!.split(",")
    f[8] = "x".repeat(1024 * 1024)
    lines[7] = f.join(",")
    const r = await read(lines.join("\n"))
    const w = issueOf(r.warnings, CB05_FILE, /32\.767/)
    expect(w).toMatchObject({ row: 8, column: "Ghi chú" })
    expect(r.rows.map(content)).toEqual(clean)
  })

  it("an empty file is reported, not a crash", async () => {
    const r = await read("")
    expect(r.files[0]!.error).toMatch(/rỗng/)
  })

  it("more lines than Excel's 1,048,576 rows: refused with the limit named", async () => {
    const r = await read(cb05Text() + "\n".repeat(1_048_600))
    expect(r.files[0]!.error).toMatch(/1\.048\.576/)
  })
})
