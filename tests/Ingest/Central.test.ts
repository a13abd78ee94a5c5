import * as fs from "node:fs"
import * as path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll } from "vitest"
import { CentralError, importCentral, readCentral } from "../../src/Ingest/Central.js"
import { day, removeTempDirs, tempDir, writeFile, writeXlsx } from "./fixtures.js"

const MEMBER_HEADER = [
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
]
const UNIT_HEADER = ["Mã chi bộ", "Tên chi bộ", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên"]
const TRANSFER_HEADER = ["Mã đảng viên", "Từ chi bộ", "Đến chi bộ", "Loại", "Ngày giới thiệu", "Ngày tiếp nhận"]

const members = [
  MEMBER_HEADER,
  ["DV001", "Nguyễn Văn An", "25/03/1965", "Nam", "Huế", "001065012345", 1234567, "02/09/1990", "02/09/1991", "CB01", "Đang sinh hoạt"],
  ["DV002", "Trần Thị Bình", 1970, "Nữ", null, null, "00123456", day(1995, 6, 15), null, "CB02", "Đã chuyển đi"],
  [],
  [null, "Lê Văn Cường", "1960", "Nam", null, null, null, null, null, "CB01", "Đang sinh hoạt"],
  ["DV006", "Đỗ Thị Giang", "1980", "Nữ", null, null, null, null, null, "CB02", "Đang sinh hoạt"],
  ["DV003", "Phạm Văn Dũng", "31/02/1960", "Nam", null, "12345", null, null, null, "CB09", "Từ trần"],
  ["DV004", "Hoàng Văn Em", "1975", "Nam", null, null, null, null, null, "CB01", "Nghỉ hưu"],
  ["DV005", null, "1975", "Nam", null, null, null, null, null, "CB01", "Khai trừ"],
  ["DV006", "Đỗ Thị Giang", "1980", "nữ", null, null, null, null, null, "CB01", "xóa tên"]
]
const units = [
  UNIT_HEADER,
  ["DB01", "Đảng bộ phường Bến Nghé"],
  ["CB01", "Chi bộ Khu phố 1", "DB01", "Đảng bộ phường Bến Nghé"],
  ["CB02", "Chi bộ Khu phố 2", "DB01", "Đảng bộ phường Bến Nghé"],
  [null, "Chi bộ Không mã"],
  ["CB01", "Chi bộ trùng"]
]
const transfers = [
  TRANSFER_HEADER,
  ["DV002", "CB02", "CB05", "Chính thức", "01/03/2025", null],
  ["DV001", "CB01", "CB02", "Tạm thời", "10/01/2025", "20/01/2025"],
  ["DV999", "CB01", null, "Chính thức", "32/01/2025", null],
  ["DV001", null, null, "Vĩnh viễn", null, null]
]

let dir: string
let xlsx: string

beforeAll(async () => {
  dir = tempDir("central")
  xlsx = path.join(dir, "trung-uong.xlsx")
  await writeXlsx(xlsx, [
    { name: "DangVien", rows: members },
    { name: "ChiBo", rows: units },
    { name: "ChuyenSinhHoat", rows: transfers }
  ])
})

describe("readCentral (xlsx)", () => {
  it.effect("parses members, units and transfers field by field", () =>
    Effect.gen(function* () {
      const { data, summary } = yield* readCentral(xlsx)
      // DV006 is on rows 6 and 10: both are rejected (which one is right cannot be known).
      expect(data.members.map((m) => m.id)).toEqual(["DV001", "DV002", "DV003"])
      expect(data.members[0]).toEqual({
        id: "DV001",
        name: expect.objectContaining({ display: "Nguyễn Văn An", folded: "nguyen van an", given: "an" }),
        birth: { year: 1965, month: 3, day: 25 },
        sex: "M",
        hometown: "Huế",
        cccd: "001065012345",
        cardNo: "01234567",
        admitted: { year: 1990, month: 9, day: 2 },
        official: { year: 1991, month: 9, day: 2 },
        unitCode: "CB01",
        status: "ACTIVE",
        sourceRow: 2
      })
      expect(data.members[1]).toMatchObject({
        id: "DV002",
        birth: { year: 1970, month: null, day: null },
        sex: "F",
        hometown: null,
        cccd: null,
        cardNo: "00123456",
        admitted: { year: 1995, month: 6, day: 15 },
        status: "TRANSFERRED_OUT",
        sourceRow: 3
      })
      expect(data.members[2]).toMatchObject({ id: "DV003", birth: null, cccd: null, status: "DECEASED", unitCode: "CB09" })
      expect(data.units).toEqual([
        { code: "DB01", name: "Đảng bộ phường Bến Nghé", parentCode: null, parentName: null },
        { code: "CB01", name: "Chi bộ Khu phố 1", parentCode: "DB01", parentName: "Đảng bộ phường Bến Nghé" },
        { code: "CB02", name: "Chi bộ Khu phố 2", parentCode: "DB01", parentName: "Đảng bộ phường Bến Nghé" }
      ])
      expect(data.transfers).toEqual([
        {
          memberId: "DV002",
          fromUnit: "CB02",
          toUnit: "CB05",
          kind: "OFFICIAL",
          introduced: { year: 2025, month: 3, day: 1 },
          received: null,
          sourceRow: 2
        },
        {
          memberId: "DV001",
          fromUnit: "CB01",
          toUnit: "CB02",
          kind: "TEMPORARY",
          introduced: { year: 2025, month: 1, day: 10 },
          received: { year: 2025, month: 1, day: 20 },
          sourceRow: 3
        }
      ])
      // 8 member rows (the blank one is not counted), 5 unit rows, 4 transfer rows.
      expect(summary).toMatchObject({ file: "trung-uong.xlsx", rowsRead: 17, rowsIngested: 8, rowsRejected: 9, error: null })
      expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/)
    })
  )

  it.effect("rejects unusable rows with sheet, row, column and reason", () =>
    Effect.gen(function* () {
      const { rejections } = yield* readCentral(xlsx)
      expect(rejections.map((r) => [r.sheet, r.row, r.column])).toEqual([
        ["DangVien", 5, "Mã đảng viên"],
        ["DangVien", 6, "Mã đảng viên"],
        ["DangVien", 8, "Trạng thái"],
        ["DangVien", 9, "Họ và tên"],
        ["DangVien", 10, "Mã đảng viên"],
        ["ChiBo", 5, "Mã chi bộ"],
        ["ChiBo", 6, "Mã chi bộ"],
        ["ChuyenSinhHoat", 4, "Mã đảng viên"],
        ["ChuyenSinhHoat", 5, "Loại"]
      ])
      expect(rejections.every((r) => r.file === "trung-uong.xlsx")).toBe(true)
      expect(rejections[1]!.reason).toContain("trùng ở các dòng 6, 10")
      expect(rejections[4]!.reason).toContain("trùng ở các dòng 6, 10")
      expect(rejections[7]!.reason).toContain("DV999")
      expect(rejections[2]!.reason).toContain("Nghỉ hưu")
    })
  )

  it.effect("keeps rows with bad optional values, listing each in warnings", () =>
    Effect.gen(function* () {
      const { warnings } = yield* readCentral(xlsx)
      expect(warnings.map((w) => [w.sheet, w.row, w.column])).toEqual([
        ["DangVien", 2, "Số thẻ đảng viên"],
        ["DangVien", 7, "Ngày sinh"],
        ["DangVien", 7, "Số CCCD"],
        ["DangVien", 7, "Mã chi bộ"]
      ])
      // 1234567 was a number cell; "00123456" in the column shows the width: padded, with a warning for the column.
      expect(warnings[0]!.reason).toContain("1 ô được Excel lưu dạng số nên mất số 0 ở đầu (dòng 2)")
      expect(warnings[1]!.reason).toContain("31/02/1960")
    })
  )
})

describe("importCentral", () => {
  it.effect("writes a SQLite file that reads back to the same data, rejections and warnings", () =>
    Effect.gen(function* () {
      const sqlite = path.join(dir, "central.sqlite")
      const summary = yield* importCentral(xlsx, sqlite)
      expect(summary).toMatchObject({ file: "trung-uong.xlsx", rowsRead: 17, rowsIngested: 8, rowsRejected: 9 })
      // Re-importing replaces the file atomically and leaves no temporary file behind.
      yield* importCentral(xlsx, sqlite)
      expect(fs.readdirSync(dir).sort()).toEqual(["central.sqlite", "trung-uong.xlsx"])

      const fromXlsx = yield* readCentral(xlsx)
      const fromDb = yield* readCentral(sqlite)
      expect(fromDb.data).toEqual(fromXlsx.data)
      expect(fromDb.rejections).toEqual(fromXlsx.rejections)
      expect(fromDb.warnings).toEqual(fromXlsx.warnings)
      expect(fromDb.summary).toMatchObject({ file: "central.sqlite", rowsRead: 17, rowsIngested: 8, rowsRejected: 9 })

      const stored = yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const count = yield* sql<{ n: number }>`SELECT count(*) AS n FROM central_members`
        const an = yield* sql<{ card_no: unknown; birth_date: unknown }>`SELECT card_no, birth_date FROM central_members WHERE source_row = 2`
        const binh = yield* sql<{ admitted_date: unknown }>`SELECT admitted_date FROM central_members WHERE source_row = 3`
        const meta = yield* sql<{ key: string; value: string }>`SELECT key, value FROM central_meta ORDER BY key`
        return { count: count[0]!.n, an: an[0]!, binh: binh[0]!, meta }
      }).pipe(Effect.provide(SqliteClient.layer({ filename: sqlite, readonly: true, disableWAL: true })))
      expect(stored.count).toBe(8)
      expect(stored.an).toEqual({ card_no: 1234567, birth_date: "25/03/1965" })
      expect(stored.binh).toEqual({ admitted_date: "15/06/1995" })
      expect(stored.meta.map((m) => m.key)).toEqual(["schema_version", "source_file", "source_sha256"])
    })
  )
})

describe("CentralError", () => {
  const message = (file: string) =>
    readCentral(file).pipe(
      Effect.flip,
      Effect.map((e) => {
        expect(e).toBeInstanceOf(CentralError)
        expect(e.message).not.toContain("\n")
        return e.message
      })
    )

  it.effect("names a missing sheet and the file", () =>
    Effect.gen(function* () {
      const file = path.join(dir, "thieu.xlsx")
      yield* Effect.promise(() => writeXlsx(file, [{ name: "DangVien", rows: [MEMBER_HEADER] }, { name: "ChiBo", rows: [UNIT_HEADER] }]))
      const m = yield* message(file)
      expect(m).toContain("thieu.xlsx")
      expect(m).toContain("ChuyenSinhHoat")
      fs.rmSync(file)
    })
  )

  it.effect("names a missing required column", () =>
    Effect.gen(function* () {
      const file = path.join(dir, "cot.xlsx")
      yield* Effect.promise(() =>
        writeXlsx(file, [
          { name: "DangVien", rows: [MEMBER_HEADER.filter((h) => h !== "Trạng thái")] },
          { name: "ChiBo", rows: [UNIT_HEADER] },
          { name: "ChuyenSinhHoat", rows: [TRANSFER_HEADER] }
        ])
      )
      const m = yield* message(file)
      expect(m).toContain("cot.xlsx")
      expect(m).toContain('"Trạng thái"')
      fs.rmSync(file)
    })
  )

  it.effect("reports unreadable, missing, foreign and unsupported files without creating anything", () =>
    Effect.gen(function* () {
      const other = tempDir("central-bad")
      writeFile(path.join(other, "hong.xlsx"), "garbage")
      writeFile(path.join(other, "la.db"), "not sqlite at all, just some text that is long enough to be a header....")
      expect(yield* message(path.join(other, "hong.xlsx"))).toContain("hong.xlsx")
      expect(yield* message(path.join(other, "khong-co.sqlite"))).toContain("khong-co.sqlite")
      expect(yield* message(path.join(other, "la.db"))).toContain("la.db")
      expect(yield* message(path.join(other, "x.csv"))).toContain(".csv")
      expect(fs.readdirSync(other).sort()).toEqual(["hong.xlsx", "la.db"])
    })
  )
})

afterAll(removeTempDirs)
