/**
 * Issue 9, "a bad field costs the field": a roster or central row keeps every field that reads; a
 * value that does not read is left blank with a warning naming file, sheet, row, column and the
 * value; a roster row is rejected only when it holds no readable name. Real files written and read
 * back through the ingestion path.
 */
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll } from "vitest"
import type { Rejection, RosterRow } from "../../src/Domain.js"
import { MemberSheet, readCentral } from "../../src/Ingest/Central.js"
import { Fields } from "../../src/Ingest/Fields.js"
import { Vocabulary } from "../../src/Ingest/Header.js"
import type { RosterIngest } from "../../src/Ingest/Roster.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"
import { removeTempDirs, tempDir, UNITS, writeFile, writeXlsx } from "./fixtures.js"

const AS_OF = "2026-10-31"
const HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức"]

/** One bad field per row; every other field reads. */
const ROWS: ReadonlyArray<ReadonlyArray<string | number | null>> = [
  [1, "Nguyễn Văn An", "93/04/1945", "Nam", "Huế", "001045012345", "01234567", "02/09/1970", "02/09/1971"],
  [2, "Trần Thị Bình", "31/02/1980", "Nữ", "Hà Nội", "001180000123", "02345678", "15/06/2005", "15/06/2006"],
  [3, "Lê Văn Cường", "12/05/1895", "Nam", "Nam Định", null, "03456789", "01/01/1930", null],
  [4, "Phạm Văn Dũng", "12/05/2030", "Nam", "Thái Bình", null, null, "01/01/2000", null],
  [5, "Hoàng Thị Em", "20/10/1990", "Nữ", "Huế", null, null, "20/10/2005", null],
  [6, "Đỗ Văn Phúc", "20/10/1960", "Nam", "Huế", "12345", "12A45678", "01/01/1990", null],
  [7, "Võ Thị Giang", "20/10/1961", "Không rõ", "Huế", null, null, "31/13/1990", "1885"],
  [8, null, "20/10/1962", "Nam", "Huế", null, null, null, null],
  [9, "Bùi Văn Hải", null, null, null, null, null, null, null]
]

let dir: string
let result: RosterIngest

beforeAll(async () => {
  dir = tempDir("fields")
  await writeXlsx(path.join(dir, "CB01.xlsx"), [{ name: "DS", rows: [["CHI BỘ KHU PHỐ 1"], HEADER, ...ROWS] }])
  const csv = [HEADER, ...ROWS].map((r) => r.map((v) => (v === null ? "" : String(v))).join(",")).join("\n") + "\n"
  writeFile(path.join(dir, "CB02.csv"), csv)
  result = await Effect.runPromise(ingestRosters(dir, UNITS, { asOf: AS_OF }))
})
afterAll(removeTempDirs)

const FILES = [
  { file: "CB01.xlsx", sheet: "DS", first: 3 },
  { file: "CB02.csv", sheet: "CB02.csv", first: 2 }
] as const

const rowOf = (file: string, display: string): RosterRow => {
  const r = result.rows.find((x) => x.file === file && x.name.display === display)
  if (r === undefined) throw new Error(`${file}: no row for ${display}`)
  return r
}
const warningsAt = (file: string, row: number): Array<Rejection> => result.warnings.filter((w) => w.file === file && w.row === row)

describe.each(FILES)("a roster row with one bad field ($file)", ({ file, sheet, first }) => {
  const at = (i: number) => first + i

  it("is rejected only when it holds no name; every row is accounted for", () => {
    const s = result.files.find((f) => f.file === file)!
    expect(s).toMatchObject({ rowsRead: 9, rowsIngested: 8, rowsRejected: 1, error: null })
    expect(result.rejections.filter((r) => r.file === file)).toEqual([
      { file, sheet, row: at(7), column: "Họ và tên", reason: expect.stringContaining("Thiếu Họ và tên") }
    ])
  })

  it.each([
    [0, "Nguyễn Văn An", "Ngày sinh", "93/04/1945"],
    [1, "Trần Thị Bình", "Ngày sinh", "31/02/1980"],
    [2, "Lê Văn Cường", "Ngày sinh", "12/05/1895"], // a year before 1900
    [3, "Phạm Văn Dũng", "Ngày sinh", "12/05/2030"] // after the as-of date
  ] as const)("row %i: %s keeps every other field; the birth date is blank with a warning naming the value", (i, name, column, value) => {
    const r = rowOf(file, name)
    expect(r.birth).toBeNull()
    expect(r.sex).not.toBeNull()
    expect(r.hometown).not.toBeNull()
    expect(r.admitted).not.toBeNull()
    expect(warningsAt(file, at(i))).toContainEqual({ file, sheet, row: at(i), column, reason: expect.stringContaining(value) })
  })

  it("an admission before the age of 18 costs the admission date", () => {
    const r = rowOf(file, "Hoàng Thị Em")
    expect(r).toMatchObject({ birth: { year: 1990, month: 10, day: 20 }, admitted: null, sex: "F" })
    expect(warningsAt(file, at(4))).toContainEqual({ file, sheet, row: at(4), column: "Ngày vào Đảng", reason: expect.stringContaining("18 tuổi") })
  })

  it("a bad CCCD and a bad card number cost those fields", () => {
    const r = rowOf(file, "Đỗ Văn Phúc")
    expect(r).toMatchObject({ cccd: null, cardNo: null, birth: { year: 1960, month: 10, day: 20 }, admitted: { year: 1990, month: 1, day: 1 } })
    const w = warningsAt(file, at(5))
    expect(w).toContainEqual({ file, sheet, row: at(5), column: "Số CCCD", reason: expect.stringContaining('"12345"') })
    expect(w).toContainEqual({ file, sheet, row: at(5), column: "Số thẻ đảng viên", reason: expect.stringContaining('"12A45678"') })
  })

  it("a bad sex, a bad admission date and a year-only date before 1900 cost those fields", () => {
    const r = rowOf(file, "Võ Thị Giang")
    expect(r).toMatchObject({ sex: null, admitted: null, official: null, birth: { year: 1961, month: 10, day: 20 } })
    const w = warningsAt(file, at(6))
    expect(w).toContainEqual({ file, sheet, row: at(6), column: "Giới tính", reason: expect.stringContaining("Không rõ") })
    expect(w).toContainEqual({ file, sheet, row: at(6), column: "Ngày vào Đảng", reason: expect.stringContaining("31/13/1990") })
    expect(w).toContainEqual({ file, sheet, row: at(6), column: "Ngày chính thức", reason: expect.stringContaining("1885") })
  })

  it("a row with only a name is a row", () => {
    expect(rowOf(file, "Bùi Văn Hải")).toMatchObject({ birth: null, sex: null, cccd: null, row: at(8) })
  })

  it("the row's own warnings are the ones listed for it", () => {
    for (const r of result.rows.filter((x) => x.file === file)) {
      expect(r.warnings).toEqual(warningsAt(file, r.row).map((w) => w.reason))
    }
  })
})

describe("the central export: a bad optional field costs the field", () => {
  it.effect("keeps the member, blanks the value and warns; required fields still reject the row", () =>
    Effect.gen(function*() {
      const d = tempDir("fields-central")
      const file = path.join(d, "central.xlsx")
      yield* Effect.promise(() =>
        writeXlsx(file, [
          {
            name: "DangVien",
            rows: [
              MemberSheet.columns.map((c) => c.header),
              ["DV1", "Nguyễn Văn An", "12/05/1895", "Nam", null, null, null, "01/01/1930", null, "CB01", "Đang sinh hoạt"],
              ["DV2", "Trần Thị Bình", "20/10/1990", "Nữ", null, null, null, "20/10/2005", null, "CB01", "Đang sinh hoạt"],
              ["DV3", "Lê Văn Cường", "20/10/1960", "Nam", null, null, null, "01/01/2030", null, "CB01", "Đang sinh hoạt"],
              ["DV4", null, "20/10/1960", "Nam", null, null, null, null, null, "CB01", "Đang sinh hoạt"]
            ]
          },
          { name: "ChiBo", rows: [["Mã chi bộ", "Tên chi bộ", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên"], ["CB01", "Chi bộ Khu phố 1"]] },
          { name: "ChuyenSinhHoat", rows: [["Mã đảng viên", "Từ chi bộ", "Đến chi bộ", "Loại", "Ngày giới thiệu", "Ngày tiếp nhận"]] }
        ])
      )
      const c = yield* readCentral(file, { asOf: AS_OF })
      expect(c.data.members.map((m) => m.id)).toEqual(["DV1", "DV2", "DV3"])
      expect(c.data.members[0]).toMatchObject({ birth: null, admitted: { year: 1930, month: 1, day: 1 } })
      expect(c.data.members[1]).toMatchObject({ birth: { year: 1990, month: 10, day: 20 }, admitted: null })
      expect(c.data.members[2]).toMatchObject({ admitted: null })
      const where = c.warnings.map((w) => [w.sheet, w.row, w.column])
      expect(where).toEqual([
        ["DangVien", 2, "Ngày sinh"],
        ["DangVien", 3, "Ngày vào Đảng"],
        ["DangVien", 4, "Ngày vào Đảng"]
      ])
      expect(c.warnings[0]!.reason).toContain("12/05/1895")
      expect(c.warnings[2]!.reason).toContain("01/01/2030")
      expect(c.rejections).toEqual([{ file: "central.xlsx", sheet: "DangVien", row: 5, column: "Họ và tên", reason: "Thiếu Họ và tên" }])
    }))
})

describe("one declaration of the fields", () => {
  it("the roster header vocabulary is the declaration's", () => {
    for (const [k, words] of Object.entries(Vocabulary)) expect(words, k).toBe(Fields[k as keyof typeof Vocabulary].words)
  })

  it("the central DangVien columns are the declaration's labels", () => {
    expect(MemberSheet.columns.map((c) => c.header)).toEqual([
      "Mã đảng viên",
      "Họ và tên",
      "Ngày sinh",
      "Giới tính",
      "Quê quán",
      "Số CCCD",
      "Số thẻ đảng viên",
      "Ngày vào Đảng",
      "Ngày chính thức",
      "Mã chi bộ",
      "Trạng thái"
    ])
  })

  it.effect("the central sheet finds a column by any of the field's roster spellings", () =>
    Effect.gen(function*() {
      const d = tempDir("fields-central-words")
      const file = path.join(d, "central.xlsx")
      const header = MemberSheet.columns.map((c) => (c.header === "Họ và tên" ? "Họ tên" : c.header === "Số CCCD" ? "CCCD" : c.header))
      yield* Effect.promise(() =>
        writeXlsx(file, [
          { name: "DangVien", rows: [header, ["DV1", "Nguyễn Văn An", "12/05/1965", "Nam", null, "001065012345", null, null, null, "CB01", "Đang sinh hoạt"]] },
          { name: "ChiBo", rows: [["Mã chi bộ", "Tên chi bộ"], ["CB01", "Chi bộ Khu phố 1"]] },
          { name: "ChuyenSinhHoat", rows: [["Mã đảng viên", "Loại"]] }
        ])
      )
      const c = yield* readCentral(file)
      expect(c.data.members[0]).toMatchObject({ id: "DV1", cccd: "001065012345", name: expect.objectContaining({ display: "Nguyễn Văn An" }) })
    }))
})
