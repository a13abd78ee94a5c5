import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import iconv from "iconv-lite"
import { afterAll } from "vitest"
import { decodeCsvBytes, readCsv, sniffSeparator, xlsxPrecheck } from "../../src/Ingest/Grid.js"
import { readXlsx } from "../../src/Ingest/GridEffect.js"
import { allSyllables } from "../Normalize/arbitraries.js"
import { day, removeTempDirs, tempDir, writeXlsx } from "./fixtures.js"

describe("readXlsx", () => {
  it.effect("expands merges, flattens rich text and formulas, keeps dates and font names", () =>
    Effect.gen(function* () {
      const file = path.join(tempDir("grid"), "g.xlsx")
      yield* Effect.promise(() =>
        writeXlsx(file, [
          {
            name: "A",
            merges: ["A1:B1", "C1:C2"],
            rows: [
              ["Ngày sinh", null, "Họ và tên", { formula: "1+1", result: 2 }],
              ["Nam", "Nữ", null, { richText: [{ text: "Nguy", font: { name: ".VnTime" } }, { text: "Ôn" }] }],
              [day(1960, 2, 29), true]
            ]
          },
          { name: "B", rows: [["x"]] }
        ])
      )
      const sheets = yield* readXlsx(fs.readFileSync(file))
      expect(sheets.map((s) => s.name)).toEqual(["A", "B"])
      const a = sheets[0]!
      expect(a.rowNumbers).toEqual([1, 2, 3])
      expect(a.rows[0]!.map((c) => c.value)).toEqual(["Ngày sinh", "Ngày sinh", "Họ và tên", 2])
      expect(a.rows[1]!.map((c) => c.value)).toEqual(["Nam", "Nữ", "Họ và tên", "NguyÔn"])
      expect(a.rows[1]![3]!.font).toBe(".VnTime")
      expect(a.rows[2]![0]!.value).toEqual(day(1960, 2, 29))
      expect(a.rows[2]![1]!.value).toBe(true)
    })
  )

  it.effect("fails with a clear reason on random bytes", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(readXlsx(Buffer.from("not a zip file at all")))
      expect(e.reason).toContain("hỏng")
    })
  )

  it("prechecks empty, password-protected (CFB) and non-zip bytes", () => {
    expect(xlsxPrecheck(new Uint8Array())).toContain("rỗng")
    expect(xlsxPrecheck(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2]))).toContain("mật khẩu")
    expect(xlsxPrecheck(Buffer.from("hello"))).toContain("hỏng")
    expect(xlsxPrecheck(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBeNull()
  })
})

describe("decodeCsvBytes", () => {
  it("reads UTF-8 with and without a BOM", () => {
    expect(decodeCsvBytes(Buffer.from("\uFEFFHọ và tên", "utf8"))).toMatchObject({ text: "Họ và tên", encoding: "utf-8" })
    expect(decodeCsvBytes(Buffer.from("Họ và tên", "utf8"))).toMatchObject({ text: "Họ và tên", encoding: "utf-8" })
  })

  it("prefers Windows-1258 when it yields Vietnamese letters, else Windows-1252", () => {
    // "Đặng Văn Hưng" in cp1258: ă, ư, Đ precomposed, the dot below as a combining mark.
    const vn = iconv.encode("\u0110a\u0306\u0323ng Va\u0306n H\u01B0ng".normalize("NFC").replace("ặ", "ă\u0323"), "windows1258")
    expect(decodeCsvBytes(vn)).toMatchObject({ text: "Đặng Văn Hưng", encoding: "windows-1258" })
    expect(decodeCsvBytes(iconv.encode("José Müller", "windows1252"))).toMatchObject({ text: "José Müller", encoding: "windows-1252" })
  })

  it("reads UTF-16 with a BOM", () => {
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode("Hà Nội", "utf16le")])).text).toBe("Hà Nội")
  })
})

describe("decodeCsvBytes on any Vietnamese table", () => {
  const syllableArb = fc.constantFrom(...allSyllables().filter((_, i) => i % 7 === 0))
  const table = fc.array(fc.array(fc.array(syllableArb, { minLength: 1, maxLength: 4 }).map((w) => w.join(" ")), { minLength: 3, maxLength: 6 }), { minLength: 2, maxLength: 8 })
    .map((rows) => rows.map((r, i) => [String(i + 1), ...r].join(",")).join("\n") + "\n")

  it.prop("UTF-16 in either byte order, with or without a BOM, decodes to the text", [table, fc.constantFrom("utf16le", "utf16be"), fc.boolean()], ([text, order, bom]) => {
    const body = iconv.encode(text, order)
    const bytes = bom ? Buffer.concat([Buffer.from(order === "utf16le" ? [0xff, 0xfe] : [0xfe, 0xff]), body]) : body
    expect(decodeCsvBytes(bytes)).toMatchObject({ text, encoding: order === "utf16le" ? "utf-16le" : "utf-16be" })
  })

  it.prop("one byte that is not UTF-8 costs one character of its line and a note with that line", [table, fc.nat()], ([text, k]) => {
    const bytes = Buffer.from(text, "utf8")
    const at = k % bytes.length
    if (bytes[at] === 0x0a || bytes[at]! >= 0x80) return
    bytes[at] = 0xff
    const d = decodeCsvBytes(bytes)
    let line = 1
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++
    expect(d.notes.map((n) => n.line)).toEqual([line])
    expect(d.text.split("\n").filter((l, i) => l !== text.split("\n")[i])).toHaveLength(1)
  })
})

describe("sniffSeparator", () => {
  it.each([
    ["a,b,c\n1,2,3\n", ","],
    ["a;b;c\n1;2;3\n", ";"],
    ["a\tb\n1\t2\n", "\t"],
    ['Mã chi bộ: X\nSTT;Họ tên;Quê quán\n1;An;"Xã A, huyện B, tỉnh C"\n2;Bình;Xã D, huyện E\n', ";"]
  ])("%j → %j", (text, sep) => {
    expect(sniffSeparator(text)).toBe(sep)
  })

  it.prop(
    "finds the separator of any rectangular table, even with the other separators inside quoted fields",
    [
      fc.constantFrom(",", ";"),
      fc.integer({ min: 2, max: 8 }),
      fc.array(fc.array(fc.stringMatching(/^[a-zA-Z0-9 ,;]{0,8}$/), { minLength: 8, maxLength: 8 }), { minLength: 2, maxLength: 12 })
    ],
    ([sep, width, rows]) => {
      const text = rows.map((r) => r.slice(0, width).map((f) => `"${f}"`).join(sep)).join("\n")
      expect(sniffSeparator(text)).toBe(sep)
    }
  )
})

describe("readCsv", () => {
  it("numbers rows by the line where each record starts (quoted newlines, CRLF, blank lines)", () => {
    const text = 'STT;Họ tên\r\n1;"An\r\nBình"\r\n\r\n2;Cường\r\n'
    const sheet = Either.getOrThrow(readCsv(Buffer.from(text, "utf8"), "ds"))
    expect(sheet.name).toBe("ds")
    expect(sheet.rowNumbers).toEqual([1, 2, 4, 5])
    expect(sheet.rows.map((r) => r.map((c) => c.value))).toEqual([["STT", "Họ tên"], ["1", "An\nBình"], [null], ["2", "Cường"]])
  })

  it("tolerates ragged rows", () => {
    const sheet = Either.getOrThrow(readCsv(Buffer.from("a,b,c\n1\n1,2,3,4\n"), "x"))
    expect(sheet.rows.map((r) => r.length)).toEqual([3, 1, 4])
  })

  it("rejects an empty file", () => {
    expect(Either.isLeft(readCsv(new Uint8Array(), "x"))).toBe(true)
  })
})

afterAll(removeTempDirs)
