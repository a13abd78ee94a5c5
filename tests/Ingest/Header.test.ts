import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import type { Cell } from "../../src/Ingest/Grid.js"
import { type Field, findHeader, headerKey, isColumnIndexRow, matchKey, Vocabulary } from "../../src/Ingest/Header.js"
import * as Enc from "../../src/Normalize/Encoding.js"

const row = (...values: Array<string | number | null>): Array<Cell> => values.map((value) => ({ value, font: null }))

describe("matchKey", () => {
  it.each([
    ["Họ và tên", "name"],
    ["HỌ VÀ TÊN", "name"],
    ["Họ tên", "name"],
    ["Họ và tên khai sinh", "name"],
    ["Ngày, tháng, năm sinh", "birth"],
    ["Năm sinh", "birth"],
    ["Nam", "sexMale"],
    ["Nữ", "sexFemale"],
    ["Nam, nữ", "sex"],
    ["Giới tính", "sex"],
    ["Số CCCD/CMND", "cccd"],
    ["Số định danh cá nhân", "cccd"],
    ["Số thẻ ĐV", "cardNo"],
    ["Số thẻ đảng viên", "cardNo"],
    ["Ngày kết nạp", "admitted"],
    ["Ngày vào Đảg", "admitted"],
    ["Ngày sinhh", "birth"],
    ["Ghi chú", "note"],
    ["Mã chi bộ", "unitCode"],
    ["Mã đảng viên", "memberId"],
    ["Hình thức sinh hoạt", "kind"],
    ["Số lý lịch", "lyLich"],
    ["STT", "stt"],
    ["Số TT", "stt"]
  ] as const)("%s → %s", (text, field) => {
    expect(matchKey(headerKey(text))).toBe(field)
  })

  it.each(["Chức vụ", "Nguyễn Văn An", "Ngày", "Quê qán", "Ho ttn", ""])("%s → null (short words need an exact match)", (text) => {
    expect(matchKey(headerKey(text))).toBeNull()
  })

  it.prop(
    "every vocabulary term matches its field whatever the case, spacing and trailing punctuation",
    [
      fc.constantFrom(...(Object.keys(Vocabulary) as Array<Field>).flatMap((f) => Vocabulary[f].map((t) => [f, t] as const))),
      fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      fc.constantFrom("", " ", ":", "  (*)", "\n")
    ],
    ([[field, term], upper, suffix]) => {
    const text = [...term].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join("").replace(/ /g, "  ") + suffix
    expect(matchKey(headerKey(text))).toBe(field)
  }
  )
})

describe("findHeader", () => {
  it("skips title rows and finds a single-row header", () => {
    const h = findHeader([
      row("ĐẢNG BỘ PHƯỜNG X", null, "ĐẢNG CỘNG SẢN VIỆT NAM"),
      row("CHI BỘ KHU PHỐ 1"),
      row("DANH SÁCH ĐẢNG VIÊN", "DANH SÁCH ĐẢNG VIÊN", "DANH SÁCH ĐẢNG VIÊN"),
      row("STT", "Họ và tên", "Ngày sinh", "Quê quán"),
      row(1, "Nguyễn Văn An", "1960", "Huế")
    ])
    expect(h).toMatchObject({ firstHeaderRow: 3, lastHeaderRow: 3, firstDataRow: 4, birthBySex: null })
    expect(h!.columns).toMatchObject({ stt: { col: 0 }, name: { col: 1, label: "Họ và tên" }, birth: { col: 2 }, hometown: { col: 3 } })
  })

  it("reads Ngày sinh merged over Nam | Nữ (expanded merges) and skips the column-index row", () => {
    const h = findHeader([
      row("STT", "Họ và tên", "Ngày sinh", "Ngày sinh", "Quê quán"),
      row("STT", "Họ và tên", "Nam", "Nữ", "Quê quán"),
      row(1, 2, 3, 4, 5),
      row(1, "Nguyễn Văn An", "1960", null, "Huế")
    ])
    expect(h).toMatchObject({ firstHeaderRow: 0, lastHeaderRow: 1, firstDataRow: 3 })
    expect(h!.birthBySex).toEqual({
      male: { col: 2, part: null, label: "Ngày sinh - Nam" },
      female: { col: 3, part: null, label: "Ngày sinh - Nữ" }
    })
    expect(h!.columns.birth).toBeUndefined()
  })

  it("reads Giới tính over Nam | Nữ as mark columns", () => {
    const h = findHeader([
      row("STT", "Họ và tên", "Giới tính", "Giới tính", "Năm sinh"),
      row(null, null, "Nam", "Nữ", null),
      row(1, "Nguyễn Văn An", "X", null, 1960)
    ])
    expect(h).toMatchObject({ lastHeaderRow: 1, firstDataRow: 2, birthBySex: null })
    expect(h!.columns).toMatchObject({ sexMale: { col: 2 }, sexFemale: { col: 3 }, birth: { col: 4 } })
  })

  it("does not take the first data row for a second header row", () => {
    const h = findHeader([row("STT", "Họ và tên", "Giới tính", "Ngày sinh"), row(1, "Nguyễn Văn Nam", "Nam", "1960")])
    expect(h).toMatchObject({ lastHeaderRow: 0, firstDataRow: 1 })
    expect(h!.columns.sex).toMatchObject({ col: 2 })
  })

  it("decodes a header typed in a .VnTime font", () => {
    const cells: Array<Cell> = ["STT", Enc.encodeTcvn3("Họ và tên"), Enc.encodeTcvn3("Quê quán")].map((value) => ({ value, font: ".VnTime" }))
    expect(findHeader([cells])!.columns).toMatchObject({ name: { col: 1 }, hometown: { col: 2 } })
  })

  it("needs Họ và tên plus another column", () => {
    expect(findHeader([row("Họ và tên", "Chức vụ"), row("Nguyễn Văn An", "Bí thư")])).toBeNull()
    expect(findHeader([row("STT", "Ngày sinh", "Quê quán")])).toBeNull()
    expect(findHeader([])).toBeNull()
  })

  it("recognises a column-index row only when numbered 1, 2, 3 … in order", () => {
    expect(isColumnIndexRow(row(1, 2, 3, 4))).toBe(true)
    expect(isColumnIndexRow(row("(1)", "(2)", "(3)"))).toBe(true)
    expect(isColumnIndexRow(row(1, "Nguyễn Văn An", 3))).toBe(false)
    expect(isColumnIndexRow(row(1, 2))).toBe(false)
    expect(isColumnIndexRow(row(5, 6, 7))).toBe(false)
  })
})
