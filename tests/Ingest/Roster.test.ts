import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import iconv from "iconv-lite"
import { afterAll, beforeAll } from "vitest"
import type { RosterRow } from "../../src/Domain.js"
import { readCsv } from "../../src/Ingest/Grid.js"
import { classifyRow, extractRows, kindFromTitles, type RosterIngest } from "../../src/Ingest/Roster.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"
import { makeUnitIndex } from "../../src/Ingest/Units.js"
import * as Enc from "../../src/Normalize/Encoding.js"
import { day, removeTempDirs, tempDir, UNITS, writeFile, writeXlsx } from "./fixtures.js"

/** cp1258 keeps ă/â/ê/ô/ơ/ư/đ precomposed and writes the tone as a combining mark after them. */
const toCp1258 = (s: string): Buffer => {
  const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g
  const prepared = [...s.normalize("NFC")]
    .map((ch) => {
      const d = ch.normalize("NFD")
      const tones = d.match(TONES)?.join("") ?? ""
      return d.replace(TONES, "").normalize("NFC") + tones
    })
    .join("")
  return iconv.encode(prepared, "windows1258")
}

const T = Enc.encodeTcvn3
const V = Enc.encodeVni

let dir: string
let result: RosterIngest

const rowsOf = (file: string) => result.rows.filter((r) => r.file === file)
const fileOf = (file: string) => result.files.find((f) => f.file === file)!
const byName = (display: string): RosterRow => {
  const row = result.rows.find((r) => r.name.display === display)
  if (row === undefined) throw new Error(`no row for ${display}; have ${result.rows.map((r) => r.name.display).join(", ")}`)
  return row
}

beforeAll(async () => {
  dir = tempDir("rosters")
  const kp1Merges = ["A4:J4", "A5:A6", "B5:B6", "C5:D5", "E5:E6", "F5:F6", "G5:G6", "H5:H6", "I5:I6", "J5:J6", "A14:B14"]
  await writeXlsx(path.join(dir, "phuong1/kp1.xlsx"), [
    {
      name: "DS",
      merges: kp1Merges,
      rows: [
        ["ĐẢNG BỘ PHƯỜNG BẾN NGHÉ", null, null, null, null, "ĐẢNG CỘNG SẢN VIỆT NAM"],
        ["CHI BỘ KHU PHỐ 1"],
        [],
        ["DANH SÁCH ĐẢNG VIÊN"],
        ["STT", "Họ và tên", "Ngày sinh", null, "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"],
        [null, null, "Nam", "Nữ"],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        [1, "Nguyễn Văn An", "25/03/1965", null, "Xã Phú Lộc, huyện Châu Thành", "001065012345", 1234567, day(1990, 9, 2), "20/09/1991"],
        [2, "Trần Thị Bình", null, day(1970, 5, 20), "Hà Nội", "001170000123", "01122334", "15/06/1995", "15/06/1996", "Miễn sinh hoạt"],
        [],
        [3, "Lê Văn Cường", "31/02/1960", null, "Nam Định"],
        [4, "Phạm Văn Dũng", 1948, null, null, "12345", null, null, null, "Sinh hoạt tạm thời"],
        [5, "Hoàng Thị Em", null, "05/04/1980", null, "001080000111"],
        ["Tổng cộng: 4 đồng chí"],
        [null, null, null, null, null, "Bến Nghé, ngày 10 tháng 3 năm 2025"],
        [null, null, null, null, null, "BÍ THƯ"],
        [null, null, null, null, null, "Nguyễn Văn An"]
      ]
    }
  ])
  await writeXlsx(path.join(dir, "phuong2/truong-hoc.xlsx"), [
    {
      name: "Sheet1",
      rows: [
        ["ĐẢNG BỘ PHƯỜNG ĐA KAO"],
        ["CHI BỘ TRƯỜNG HỌC"],
        ["DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI"],
        ["STT", "Họ và tên", "Nam", "Nữ", "Năm sinh", "Ngày vào Đảng", "Số thẻ ĐV", "Hình thức sinh hoạt"],
        ["01", "Võ Thị Hoa", null, "X", 1985, "03/02/2010", "00123456"],
        ["02", "Đặng Văn Khoa", "x", null, 1979, null, null, "Chính thức"]
      ]
    }
  ])
  await writeXlsx(path.join(dir, "tcvn3.xlsx"), [
    {
      name: "Danh sach",
      font: ".VnTime",
      rows: [
        [T("Danh sách đảng viên")],
        ["STT", T("Họ và tên"), T("Ngày sinh"), T("Giới tính"), T("Quê quán"), T("Mã chi bộ")],
        [1, T("Nguyễn Văn Hùng"), "10/10/1955", "Nam", T("Hà Nội"), "CB02"],
        [2, T("Trần Thị Thu Hà"), "1960", T("Nữ"), T("Thái Bình"), "CB02"]
      ]
    }
  ])
  await writeXlsx(path.join(dir, "Chi bộ Cơ quan.xlsx"), [
    {
      name: "DS",
      font: "VNI-Times",
      rows: [
        ["STT", V("Họ và tên"), V("Ngày sinh"), V("Quê quán"), V("Số thẻ đảng viên")],
        [1, V("Lê Đức Thắng"), day(1972, 1, 15), V("Nghệ An"), 7654321]
      ]
    }
  ])
  writeFile(
    path.join(dir, "CB03.csv"),
    toCp1258("STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD\r\n1,Nguyễn Thị Hương,22/12/1990,Nữ,079190000456\r\n")
  )
  writeFile(
    path.join(dir, "kp1-semicolon.csv"),
    "\uFEFFMã chi bộ: CB01\n" +
      "STT;Họ và tên;Ngày sinh;Quê quán;Ghi chú\n" +
      '1;Đỗ Văn Long;13/07/1975;"Xã A, huyện B";"Chuyển đến\nnăm 2020"\n' +
      "2;Bùi Thị Mai;1982;Huế;Giữ mối liên hệ nơi cư trú (QĐ 213)\n"
  )
  await writeXlsx(path.join(dir, "khong-ro.xlsx"), [
    {
      name: "DS",
      rows: [["CHI BỘ KHU PHỐ 9"], ["STT", "Họ và tên", "Ngày sinh"], [1, "Ngô Văn Phúc", "1970"], [2, "Mai Thị Quế", "1971"]]
    }
  ])
  writeFile(path.join(dir, "corrupt.xlsx"), Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256)))
  writeFile(path.join(dir, "old.xls"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]))
  writeFile(path.join(dir, "ghi-chu.txt"), "không phải danh sách")
  writeFile(path.join(dir, "empty.csv"), "")
  writeFile(path.join(dir, "~$kp1.xlsx"), "lock")
  writeFile(path.join(dir, ".hidden.csv"), "STT,Họ và tên\n1,Ẩn Danh\n")
  result = await Effect.runPromise(ingestRosters(dir, UNITS))
})

describe("ingestRosters", () => {
  it("lists every file except lock and hidden files, in path order", () => {
    expect(result.files.map((f) => f.file)).toEqual([
      "CB03.csv",
      "Chi bộ Cơ quan.xlsx",
      "corrupt.xlsx",
      "empty.csv",
      "ghi-chu.txt",
      "khong-ro.xlsx",
      "kp1-semicolon.csv",
      "old.xls",
      "phuong1/kp1.xlsx",
      "phuong2/truong-hoc.xlsx",
      "tcvn3.xlsx"
    ])
  })

  it("keeps rowsRead = rowsIngested + rowsRejected for every file, and the totals agree", () => {
    for (const f of result.files) {
      expect(f.rowsRead, f.file).toBe(f.rowsIngested + f.rowsRejected)
      expect(rowsOf(f.file).length, f.file).toBe(f.rowsIngested)
      if (f.error === null) {
        expect(result.rejections.filter((r) => r.file === f.file).length, f.file).toBe(f.rowsRejected)
      }
      expect(f.sha256, f.file).toMatch(/^[0-9a-f]{64}$/)
    }
  })

  it("orders rows by file, then sheet, then row", () => {
    const keys = result.rows.map((r) => `${String(result.files.findIndex((f) => f.file === r.file)).padStart(3, "0")}:${r.sheet}:${String(r.row).padStart(5, "0")}`)
    expect(keys).toEqual([...keys].sort())
  })

  it("reads title rows, the two-row Ngày sinh / Nam | Nữ header and the column-index row", () => {
    const f = fileOf("phuong1/kp1.xlsx")
    expect(f).toMatchObject({ unitCode: "CB01", kind: "OFFICIAL", rowsRead: 5, rowsIngested: 5, rowsRejected: 0, error: null })
    const an = byName("Nguyễn Văn An")
    expect(an).toMatchObject({
      file: "phuong1/kp1.xlsx",
      sheet: "DS",
      row: 8,
      unitCode: "CB01",
      kind: "OFFICIAL",
      birth: { year: 1965, month: 3, day: 25 },
      sex: "M",
      hometown: "Xã Phú Lộc, huyện Châu Thành",
      cccd: "001065012345",
      cardNo: "01234567",
      admitted: { year: 1990, month: 9, day: 2 },
      official: { year: 1991, month: 9, day: 20 },
      note: null,
      exempt: false
    })
    expect(an.warnings).toEqual([])
    // 1234567 was a number cell; the column's "01122334" shows the width, so it is padded, with one warning for the column.
    expect(result.warnings).toContainEqual({
      file: "phuong1/kp1.xlsx",
      sheet: "DS",
      row: 8,
      column: "Số thẻ đảng viên",
      reason: expect.stringContaining("1 ô được Excel lưu dạng số nên mất số 0 ở đầu (dòng 8)")
    })
    const binh = byName("Trần Thị Bình")
    expect(binh).toMatchObject({ row: 9, sex: "F", birth: { year: 1970, month: 5, day: 20 }, exempt: true, note: "Miễn sinh hoạt" })
    expect(binh.warnings).toEqual([])
  })

  it("skips the blank and Tổng cộng rows and stops at the signature block", () => {
    const rows = rowsOf("phuong1/kp1.xlsx").map((r) => r.row)
    expect(rows).toEqual([8, 9, 11, 12, 13])
    expect(result.rows.filter((r) => r.name.display === "Nguyễn Văn An")).toHaveLength(1)
  })

  it("keeps a row with an impossible date: the date is blank, a warning names sheet, row, column and the value", () => {
    expect(result.rejections.filter((r) => r.file === "phuong1/kp1.xlsx")).toEqual([])
    expect(byName("Lê Văn Cường")).toMatchObject({ row: 11, birth: null, sex: "M", hometown: "Nam Định" })
    expect(result.warnings).toContainEqual({
      file: "phuong1/kp1.xlsx",
      sheet: "DS",
      row: 11,
      column: "Ngày sinh - Nam",
      reason: expect.stringContaining("31/02/1960")
    })
  })

  it("keeps a row with a bad CCCD (cccd null) and warns; a year-only birth; kind from the note", () => {
    const dung = byName("Phạm Văn Dũng")
    expect(dung).toMatchObject({ row: 12, cccd: null, birth: { year: 1948, month: null, day: null }, sex: "M", kind: "TEMPORARY" })
    expect(dung.warnings).toHaveLength(1)
    expect(result.warnings).toContainEqual({
      file: "phuong1/kp1.xlsx",
      sheet: "DS",
      row: 12,
      column: "Số CCCD",
      reason: dung.warnings[0]
    })
  })

  it("warns on an ambiguous day/month and on a CCCD inconsistent with sex", () => {
    const em = byName("Hoàng Thị Em")
    expect(em).toMatchObject({ sex: "F", birth: { year: 1980, month: 4, day: 5 }, cccd: "001080000111" })
    expect(em.warnings).toHaveLength(2)
    expect(em.warnings.some((w) => w.includes("đảo ngày và tháng"))).toBe(true)
    expect(em.warnings.some((w) => w.includes("CCCD"))).toBe(true)
    expect(result.warnings.filter((w) => w.row === 13 && w.file === "phuong1/kp1.xlsx")).toHaveLength(2)
  })

  it("reads X in Nam / Nữ columns, a TẠM THỜI title, a kind column, and resolves a shared name by ĐẢNG BỘ", () => {
    expect(fileOf("phuong2/truong-hoc.xlsx")).toMatchObject({ unitCode: "CB04", kind: "TEMPORARY", rowsRead: 2, rowsIngested: 2 })
    expect(byName("Võ Thị Hoa")).toMatchObject({
      sex: "F",
      birth: { year: 1985, month: null, day: null },
      admitted: { year: 2010, month: 2, day: 3 },
      cardNo: "00123456",
      kind: "TEMPORARY",
      unitCode: "CB04"
    })
    expect(byName("Đặng Văn Khoa")).toMatchObject({ sex: "M", kind: "OFFICIAL", cardNo: null })
  })

  it("decodes a .VnTime (TCVN3) file, header included, and takes the unit from the Mã chi bộ column", () => {
    expect(fileOf("tcvn3.xlsx")).toMatchObject({ unitCode: "CB02", rowsRead: 2, rowsIngested: 2 })
    expect(byName("Nguyễn Văn Hùng")).toMatchObject({ hometown: "Hà Nội", sex: "M", birth: { year: 1955, month: 10, day: 10 } })
    expect(byName("Trần Thị Thu Hà")).toMatchObject({ hometown: "Thái Bình", sex: "F", birth: { year: 1960, month: null, day: null } })
  })

  it("decodes a VNI file, restores a number-cell card number's leading zero (with a warning) and takes the unit from the file name", () => {
    expect(fileOf("Chi bộ Cơ quan.xlsx")).toMatchObject({ unitCode: "CB05", rowsIngested: 1 })
    expect(result.warnings).toContainEqual(expect.objectContaining({ file: "Chi bộ Cơ quan.xlsx", row: 2, reason: expect.stringContaining("mất số 0") }))
    expect(byName("Lê Đức Thắng")).toMatchObject({
      hometown: "Nghệ An",
      cardNo: "07654321",
      birth: { year: 1972, month: 1, day: 15 },
      unitCode: "CB05"
    })
  })

  it("reads a Windows-1258 CSV and takes the unit code from the file name", () => {
    expect(fileOf("CB03.csv")).toMatchObject({ unitCode: "CB03", rowsRead: 1, rowsIngested: 1 })
    expect(byName("Nguyễn Thị Hương")).toMatchObject({
      sheet: "CB03.csv",
      row: 2,
      sex: "F",
      cccd: "079190000456",
      birth: { year: 1990, month: 12, day: 22 }
    })
  })

  it("reads a ;-separated CSV with a quoted newline, numbering rows by their first line; Mã chi bộ: line", () => {
    expect(fileOf("kp1-semicolon.csv")).toMatchObject({ unitCode: "CB01", rowsRead: 2, rowsIngested: 2 })
    expect(byName("Đỗ Văn Long")).toMatchObject({ row: 3, hometown: "Xã A, huyện B", note: "Chuyển đến năm 2020", kind: "OFFICIAL" })
    expect(byName("Bùi Thị Mai")).toMatchObject({ row: 5, kind: "RESIDENCE_213", birth: { year: 1982, month: null, day: null } })
  })

  it("reports an unknown unit for the whole file with candidates, counting its rows as rejected", () => {
    const f = fileOf("khong-ro.xlsx")
    expect(f).toMatchObject({ unitCode: null, rowsRead: 2, rowsIngested: 0, rowsRejected: 2 })
    expect(f.error).toContain("KHU PHỐ 9")
    expect(f.error).toContain("CB01")
    expect(result.rejections.filter((r) => r.file === "khong-ro.xlsx")).toEqual([
      { file: "khong-ro.xlsx", sheet: null, row: null, column: null, reason: f.error }
    ])
  })

  it("reports corrupt, .xls, unsupported and empty files while the others are ingested", () => {
    expect(fileOf("corrupt.xlsx").error).toContain("hỏng")
    expect(fileOf("old.xls").error).toBe("định dạng .xls cũ không hỗ trợ, hãy lưu lại thành .xlsx")
    expect(fileOf("ghi-chu.txt").error).toContain(".txt")
    expect(fileOf("empty.csv").error).toContain("rỗng")
    for (const f of ["corrupt.xlsx", "old.xls", "ghi-chu.txt", "empty.csv"]) {
      expect(fileOf(f)).toMatchObject({ rowsRead: 0, rowsIngested: 0, rowsRejected: 0, unitCode: null })
      expect(result.rejections).toContainEqual({ file: f, sheet: null, row: null, column: null, reason: fileOf(f).error })
    }
    expect(result.rows).toHaveLength(13)
  })

  it("never fails on a missing directory", async () => {
    const r = await Effect.runPromise(ingestRosters(path.join(dir, "nope"), UNITS))
    expect(r.rows).toEqual([])
    expect(r.files).toHaveLength(1)
    expect(r.files[0]!.error).toContain("thư mục")
  })
})

describe("extractRows (pure)", () => {
  const units = makeUnitIndex(UNITS)
  const csv = (text: string) => {
    const sheet = readCsv(Buffer.from(text, "utf8"), "t")
    if (sheet._tag === "Left") throw new Error(sheet.left)
    return [sheet.right]
  }

  it("rejects a row without a name, hinting at a continuation line", () => {
    const x = extractRows("CB01.csv", csv("STT,Họ và tên,Ngày sinh\n1,Lý Văn Tâm,1960\n,,02/03/1990\n"), units)
    expect(x.summary).toMatchObject({ rowsRead: 2, rowsIngested: 1, rowsRejected: 1 })
    expect(x.rejections[0]).toMatchObject({ row: 3, column: "Họ và tên", reason: expect.stringContaining("dòng nối tiếp") })
  })

  it("reports a file without a recognisable header", () => {
    const x = extractRows("CB01.csv", csv("a,b,c\n1,2,3\n"), units)
    expect(x.summary.error).toContain("Họ và tên")
    expect(x.rejections).toHaveLength(1)
  })

  it("reads Mẫu 7-HSĐV stacked columns (one value per line)", () => {
    const x = extractRows(
      "CB02.csv",
      csv(
        'Số TT,Họ và tên / Họ và tên khai sinh,"Nam, nữ, dân tộc, tôn giáo","Ngày vào Đảng, ngày chính thức","Số thẻ đảng viên, số lý lịch đảng viên"\n' +
          '1,"CAO VĂN SƠN\nCao Văn Sơn","Nam\nKinh\nKhông","20/05/2001\n20/05/2002","01234567\n012345 HN"\n'
      ),
      units
    )
    expect(x.rows).toHaveLength(1)
    expect(x.rows[0]).toMatchObject({
      name: expect.objectContaining({ folded: "cao van son" }),
      sex: "M",
      admitted: { year: 2001, month: 5, day: 20 },
      official: { year: 2002, month: 5, day: 20 },
      cardNo: "01234567"
    })
  })

  it("a conflicting code column and title: the code wins, with a file warning", () => {
    const x = extractRows("x.csv", csv("CHI BỘ KHU PHỐ 2\nSTT,Họ và tên,Mã chi bộ\n1,Lý Văn Tâm,CB01\n"), units)
    expect(x.summary.unitCode).toBe("CB01")
    expect(x.warnings.some((w) => w.row === null && w.reason.includes("KHU PHỐ 2"))).toBe(true)
  })
})

describe("row classification and kinds", () => {
  const row = (...values: Array<string | number | null>) => values.map((value) => ({ value, font: null }))
  it.each([
    [row("Tổng cộng: 25 đồng chí"), "skip"],
    [row(null, "Cộng: 25 đồng chí"), "skip"],
    [row("I. ĐẢNG VIÊN CHÍNH THỨC", "I. ĐẢNG VIÊN CHÍNH THỨC"), "skip"],
    [row(null, null, "Hà Nội, ngày 5 tháng 3 năm 2025"), "end"],
    [row("Người lập biểu"), "end"],
    [row(null, "T/M CHI ỦY"), "end"],
    [row("BÍ THƯ"), "end"],
    [row(1, "Nguyễn Văn Công"), "data"],
    [row("Công Thị Tổng"), "data"],
    [row(3, "Tổng cộng"), "data"]
  ] as const)("%j → %s", (cells, expected) => {
    expect(classifyRow(cells)).toBe(expected)
  })

  it.each([
    [["DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI"], "TEMPORARY"],
    [["Danh sách đảng viên giữ mối liên hệ với nơi cư trú"], "RESIDENCE_213"],
    [["Theo Quy định 213-QĐ/TW"], "RESIDENCE_213"],
    [["DANH SÁCH ĐẢNG VIÊN"], "OFFICIAL"],
    [["DS đảng viên 213 thôn Đông.csv"], "RESIDENCE_213"],
    [["ds_213_thon_dong.csv"], "RESIDENCE_213"],
    [["Danh sách theo QĐ213"], "RESIDENCE_213"],
    // A unit code or a longer number that contains 213 says nothing about the kind.
    [["CB001213_chi_bo_thon_trung.csv"], "OFFICIAL"],
    [["CB213.csv"], "OFFICIAL"],
    [["DANH SÁCH ĐẢNG VIÊN", "Số 12135/BTC"], "OFFICIAL"]
  ] as const)("%j → %s", (titles, kind) => {
    expect(kindFromTitles(titles)).toBe(kind)
  })
})

afterAll(removeTempDirs)
