import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import ExcelJS from "exceljs"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { Categories } from "../../src/Domain.js"
import { categorySheetName, ReviewDecisions } from "../../src/Report/Labels.js"
import { FONT_SIZE, rowHeight } from "../../src/Report/Cells.js"
import {
  barText,
  CATEGORY_PRINT_SCALE,
  errorLines,
  partyName,
  PRINTED_COLUMNS,
  splitByParentUnit,
  splitFileName,
  FINDING_COLUMNS,
  findingCells,
  type ReviewInput,
  rowKey,
  writeReviewWorkbook
} from "../../src/Report/ReviewWorkbook.js"
import { discrepancies, reviewInput, units } from "./fixtures.js"

/** Writes the workbook for `input` into a fresh temp dir and reads it back with exceljs. */
const roundTrip = (input: ReviewInput) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-xlsx-" })
    const path = NodePath.join(dir, "review.xlsx")
    const written = yield* writeReviewWorkbook(path, input)
    expect(NodeFs.readdirSync(dir)).toEqual(["review.xlsx"])
    expect(written.bytes).toBe(NodeFs.statSync(path).size)
    const wb = new ExcelJS.Workbook()
    yield* Effect.promise(() => wb.xlsx.readFile(path))
    return wb
  }).pipe(Effect.provide(NodeContext.layer))

const sheet = (wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet => {
  const ws = wb.getWorksheet(name)
  if (ws === undefined) throw new Error(`no sheet ${name}`)
  return ws
}

/** Values of a row as plain JS (exceljs row.values is 1-based with a hole at 0). */
const rowValues = (ws: ExcelJS.Worksheet, n: number): Array<unknown> =>
  (ws.getRow(n).values as Array<unknown>).slice(1)

/** The row whose column B (Mã phát hiện) holds `id`. */
const findingRow = (ws: ExcelJS.Worksheet, id: string): ExcelJS.Row => {
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, 2).value === id) return ws.getRow(r)
  throw new Error(`no finding ${id}`)
}

const col = (header: string): number => FINDING_COLUMNS.findIndex((c) => c.header === header) + 1

describe("writeReviewWorkbook", () => {
  it.scoped("has the summary, one sheet per category with findings (in category order) and the error sheet", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const present = new Set(discrepancies.map((d) => d.category))
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        "Tổng hợp",
        ...Categories.filter((c) => present.has(c)).map(categorySheetName),
        "Tệp đầu vào",
        "Lỗi dữ liệu"
      ])
      expect(wb.worksheets.map((w) => w.name)).toContain("Không có trong DS")
      expect(wb.worksheets.map((w) => w.name)).not.toContain("Chuyển SH quá hạn")
      for (const c of Categories) expect(categorySheetName(c).length).toBeLessThanOrEqual(31)
    }))

  it.scoped("category sheet: header row, values, evidence lines, score as %", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const ws = sheet(wb, "Sai lệch thông tin")
      expect(rowValues(ws, 1)).toEqual(FINDING_COLUMNS.map((c) => c.header))
      expect(rowValues(ws, 1).slice(0, 3)).toEqual(["STT", "Mã phát hiện", "Họ và tên"])
      expect(FINDING_COLUMNS.filter((c) => c.reviewer === true).map((c) => c.header)).toEqual(["Quyết định", "Ý kiến chi bộ", "Ý kiến cấp ủy", "Người rà soát", "Ngày"])
      const row = findingRow(ws, "FLD-5e6f7a8b")
      expect(row.getCell(1).value).toBe(1)
      expect(row.getCell(col("Họ và tên")).value).toBe("Nguyễn Văn Hòa")
      // A full birth date is a real date cell shown dd/mm/yyyy.
      expect(row.getCell(col("Ngày sinh")).value).toEqual(new Date(Date.UTC(1958, 2, 7)))
      expect(row.getCell(col("Ngày sinh")).numFmt).toBe("dd/mm/yyyy")
      expect(row.getCell(col("Chi bộ")).value).toBe("Chi bộ Khu phố 1 (CB01)")
      expect(row.getCell(col("Lý do")).value).toBe("Ngày sinh trong danh sách khác với CSDL.")
      expect(row.getCell(col("Giới tính")).value).toBe("Nam")
      expect(row.getCell(col("Chi bộ (theo CSDL)")).value).toBe("Chi bộ Khu phố 1 (CB01)")
      expect(row.getCell(col("Chi bộ (theo danh sách)")).value).toBe("Chi bộ Khu phố 1 (CB01)")
      expect(row.getCell(col("Tệp / Trang / Dòng")).value).toBe("kp1/ds-2025.xlsx / Danh sách / 5")
      expect(row.getCell(col("Loại sai lệch")).value).toBe("Sai lệch thông tin")
      expect(row.getCell(col("Trường")).value).toBe("Ngày sinh")
      expect(row.getCell(col("Giá trị CSDL")).value).toBe("07/03/1958")
      // "-" would be read as a formula start when retyped; it is escaped.
      expect(row.getCell(col("Giá trị danh sách")).value).toBe("'-")
      expect(row.getCell(col("Diễn giải")).value).toBe("Ngày sinh trong danh sách khác với CSDL.")
      expect(row.getCell(col("Độ tin cậy")).value).toBe(0.97)
      expect(row.getCell(col("Độ tin cậy")).numFmt).toBe("0%")
      expect(row.getCell(col("Đề xuất")).value).toBe("Cập nhật cơ sở dữ liệu")
      for (const h of ["Quyết định", "Ý kiến chi bộ", "Ý kiến cấp ủy", "Người rà soát", "Ngày"]) {
        expect(row.getCell(col(h)).value).toBeNull()
      }
      // Printed columns wrap; off-page evidence stays one line so rows are as tall as the printed text.
      expect(row.getCell(col("Lý do")).alignment).toMatchObject({ wrapText: true, vertical: "top" })
      expect(row.getCell(col("Diễn giải")).alignment?.wrapText).toBeFalsy()
      expect(row.getCell(col("Lý do")).font?.size).toBeGreaterThanOrEqual(9)

      const dup = findingRow(sheet(wb, "Trùng danh sách"), "DUR-0c9d4411")
      expect(dup.getCell(col("Tệp / Trang / Dòng")).value).toBe(
        "kp1/ds-2025.xlsx / Danh sách / 6\nkp2/ds,2025.xlsx / Danh sách / 7"
      )
      expect(dup.getCell(col("Họ và tên")).value).toBe("Hoàng Minh Tuấn\nHoàng Minh Tuấn")
      expect(dup.getCell(col("Chi bộ (theo danh sách)")).value).toBe("Chi bộ Khu phố 1 (CB01)\nChi bộ Khu phố 2 (CB02)")
      expect(dup.getCell(col("Chi bộ (theo CSDL)")).value).toBeNull()
      expect(dup.getCell(col("Độ tin cậy")).value).toBeCloseTo(0.93456, 10)

      const status = findingRow(sheet(wb, "Sai lệch trạng thái"), "STC-12ab34cd")
      expect(status.getCell(col("Trường")).value).toBe("Trạng thái")
      expect(status.getCell(col("Giá trị CSDL")).value).toBe("Từ trần")
      expect(status.getCell(col("Giá trị danh sách")).value).toBe("Đang sinh hoạt")

      const missing = findingRow(sheet(wb, "Không có trong DS"), "MFR-3f2a9c01")
      expect(missing.getCell(col("Ngày sinh")).value).toBe("1948")
      expect(missing.getCell(col("Giới tính")).value).toBe("Nữ")
      expect(missing.getCell(col("Tệp / Trang / Dòng")).value).toBeNull()
      expect(missing.getCell(col("Độ tin cậy")).value).toBeNull()
    }))

  it.scoped("a name starting with = is stored as escaped text, never as a formula", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const row = findingRow(sheet(wb, "Trùng hồ sơ CSDL"), "DUC-99aa00bb")
      const cell = row.getCell(col("Họ và tên"))
      expect(cell.type).toBe(ExcelJS.ValueType.String)
      expect(cell.formula).toBeUndefined()
      // Each listed person is escaped on its own line.
      expect(cell.value).toBe("Lê Đức Thắng\n'=HYPERLINK(\"http://x\",\"Bấm\")")

      const alone = yield* roundTrip(reviewInput({
        discrepancies: [{
          id: "MFR-eq",
          category: "MISSING_FROM_ROSTER",
          kind: "finding",
          unitCode: "CB02",
          memberIds: ["DV0004"],
          rosterRows: [{ file: "@evil.xlsx", sheet: "+S", row: 2 }],
          score: null,
          reason: "=1+1",
          recommendation: "Xác minh"
        }]
      }))
      const row2 = sheet(alone, "Không có trong DS").getRow(2)
      expect(row2.getCell(col("Họ và tên")).value).toBe("'=HYPERLINK(\"http://x\",\"Bấm\")")
      expect(row2.getCell(col("Tệp / Trang / Dòng")).value).toBe("'@evil.xlsx / +S / 2")
      expect(row2.getCell(col("Diễn giải")).value).toBe("'=1+1")
      for (let c = 1; c <= FINDING_COLUMNS.length; c++) expect(row2.getCell(c).formula).toBeUndefined()
    }))

  it.scoped("Quyết định has a drop-down list on every finding row", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const ws = sheet(wb, "Trùng hồ sơ CSDL")
      const dv = ws.getCell(2, col("Quyết định")).dataValidation
      expect(dv.type).toBe("list")
      expect(dv.allowBlank).toBe(true)
      expect(dv.formulae).toEqual([`"${ReviewDecisions.join(",")}"`])
      expect(dv.formulae[0]).toContain("Đồng ý đề xuất")
      expect(dv.formulae[0]).toContain("Cần xác minh")
      expect(ws.getCell(2, col("Ý kiến chi bộ")).dataValidation).toBeUndefined()
      expect(ws.getCell(3, col("Quyết định")).dataValidation).toBeUndefined() // only one finding here
    }))

  it.scoped("frozen header, auto-filter over the findings, print setup", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const ws = sheet(wb, "Trùng danh sách")
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1, xSplit: 3 })
      expect(ws.autoFilter).toBe(`A1:${String.fromCharCode(64 + FINDING_COLUMNS.length)}2`)
      expect(ws.pageSetup).toMatchObject({
        paperSize: 9,
        orientation: "landscape",
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: "1:1"
      })
      expect(ws.getColumn(col("Diễn giải")).width).toBe(80)
      expect(ws.getColumn(col("Họ và tên")).width).toBe(17)
      // Round-trip columns are hidden; evidence columns no finding of the sheet fills are hidden for print.
      expect(ws.getColumn(col("Mã bằng chứng")).hidden).toBe(true)
      expect(ws.getColumn(col("Mã kiểm tra")).hidden).toBe(true)
      expect(ws.getColumn(col("Trường")).hidden).toBe(true)
      expect(ws.getColumn(col("Chi bộ (theo CSDL)")).hidden).toBe(true)
      expect(ws.getColumn(col("Diễn giải")).hidden).toBe(false)
      // Rows are as tall as their wrapped text (no overlap when printed).
      expect(ws.getRow(2).height).toBeGreaterThan(15)
      const errors = sheet(wb, "Lỗi dữ liệu")
      expect(errors.views[0]).toMatchObject({ state: "frozen", ySplit: 1 })
      expect(errors.pageSetup).toMatchObject({ orientation: "landscape", printTitlesRow: "1:1" })
    }))

  it.scoped("category sheets are protected: evidence locked, reviewer columns unlocked", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const ws = sheet(wb, "Sai lệch thông tin")
      const protection = (ws as unknown as { sheetProtection: Record<string, unknown> | null }).sheetProtection
      expect(protection).toMatchObject({ sheet: true, autoFilter: true, sort: true, formatColumns: true })
      expect(protection?.hashValue).toBeUndefined() // no password
      const row = findingRow(ws, "FLD-5e6f7a8b")
      FINDING_COLUMNS.forEach((c, i) => {
        const locked = row.getCell(i + 1).protection?.locked !== false
        expect([c.header, locked]).toEqual([c.header, c.reviewer !== true])
      })
      expect(ws.getCell(1, col("Quyết định")).protection?.locked).not.toBe(false) // header stays locked
      expect((sheet(wb, "Tổng hợp") as unknown as { sheetProtection: unknown }).sheetProtection).toBeFalsy()
    }))

  it.scoped("summary sheet: as-of date, inputs, counts per category and per unit × category", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const ws = sheet(wb, "Tổng hợp")
      const rows: Array<Array<unknown>> = []
      ws.eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
      const find = (first: unknown) => rows.find((r) => r[0] === first)
      expect(rows[0]).toEqual(["BÁO CÁO ĐỐI CHIẾU DANH SÁCH ĐẢNG VIÊN"])
      expect(find("Tính đến ngày")).toEqual(["Tính đến ngày", new Date(Date.UTC(2025, 2, 31))])
      expect(find("Thời điểm lập báo cáo")).toEqual(["Thời điểm lập báo cáo", "01/04/2025 15:30 (giờ Việt Nam)"])
      expect(find("Công cụ")).toEqual(["Công cụ", "recon 0.1.0"])
      expect(find("Tệp danh sách chi bộ đã đọc")).toEqual(["Tệp danh sách chi bộ đã đọc", 4])
      expect(find("Số dòng đọc / nhận / bị loại")).toEqual(["Số dòng đọc / nhận / bị loại", "5 / 4 / 1"])
      // Every input on its own sheet, one line each; the central database is not called a roster.
      const inputs: Array<Array<unknown>> = []
      sheet(wb, "Tệp đầu vào").eachRow((row) => inputs.push((row.values as Array<unknown>).slice(1)))
      expect(inputs[1]).toEqual([1, "data/csdl-2025-03.xlsx", "CSDL đảng viên", undefined, undefined, undefined, undefined, undefined, undefined, "e".repeat(64)])
      expect(inputs[2]).toEqual([2, "kp1/ds-2025.xlsx", "Danh sách chi bộ", "Danh sách chính thức", "Chi bộ Khu phố 1 (CB01)", 3, 2, 1, undefined, "a".repeat(64)])
      expect(inputs.filter((r) => r[2] === "Danh sách chi bộ")).toHaveLength(4)
      expect(find("Sai lệch thông tin")).toEqual(["Sai lệch thông tin", 1])
      expect(find("Chuyển sinh hoạt quá hạn")).toEqual(["Chuyển sinh hoạt quá hạn", 0])
      expect(find("Tổng cộng")).toEqual(["Tổng cộng", 6])
      const unitHeader = rows.find((r) => r[0] === "Chi bộ")
      // Only the categories found get a column.
      const present = Categories.filter((c) => discrepancies.some((d) => d.category === c))
      expect(unitHeader).toEqual(["Chi bộ", "Mã chi bộ", ...present.map(categorySheetName), "Tổng"])
      // CB01: missing 1, not-in-central 1, field 1. CB02: duplicate central 1, duplicate roster 1, status 1.
      expect(find("Chi bộ Khu phố 1")).toEqual(["Chi bộ Khu phố 1", "CB01", 1, 1, 0, 0, 1, 0, 3])
      expect(find("Chi bộ Khu phố 2")).toEqual(["Chi bộ Khu phố 2", "CB02", 0, 0, 1, 1, 0, 1, 3])
    }))

  it.scoped("Lỗi dữ liệu lists file errors, rejected rows and warnings with file/sheet/row/column/reason", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const ws = sheet(wb, "Lỗi dữ liệu")
      expect(rowValues(ws, 1)).toEqual(["STT", "Mức độ", "Tệp", "Trang", "Dòng", "Cột", "Lý do"])
      const body: Array<Array<unknown>> = []
      for (let r = 2; r <= ws.rowCount; r++) body.push(rowValues(ws, r))
      expect(body).toEqual([
        // kp3's file error is also a file-level rejection: listed once (below, from rejections).
        [1, "Lỗi tệp", "kp4/khong-ro.xlsx", undefined, undefined, undefined,
          "Không xác định được chi bộ của tệp; đặt tên tệp theo mã chi bộ."],
        [2, "Lỗi dòng", "kp1/ds-2025.xlsx", "Danh sách", 9, "Ngày sinh",
          "Ngày sinh \"31/02/1960\" không hợp lệ; sửa lại theo dạng ngày/tháng/năm."],
        [3, "Lỗi tệp", "kp3/hong.xlsx", undefined, undefined, undefined,
          "Tệp bị hỏng, không mở được; lưu lại tệp bằng Excel rồi chạy lại."],
        [4, "Cảnh báo", "kp2/ds,2025.xlsx", "Danh sách", 7, "Ngày sinh",
          "Ngày sinh 05/06/1970 có thể là 06/05/1970; kiểm tra lại."]
      ])
      expect(ws.autoFilter).toBe("A1:G5")
    }))

  it.scoped("no findings and no errors: summary and an empty error sheet only", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput({ discrepancies: [], rejections: [], warnings: [], files: [] }))
      expect(wb.worksheets.map((w) => w.name)).toEqual(["Tổng hợp", "Tệp đầu vào", "Lỗi dữ liệu"])
      expect(sheet(wb, "Lỗi dữ liệu").rowCount).toBe(1)
      const summary: Array<unknown> = []
      sheet(wb, "Tổng hợp").eachRow((row) => summary.push((row.values as Array<unknown>)[1]))
      expect(summary).toContain("Không có sai lệch")
    }))
})

describe("rule, checks, review state, bar view and split", () => {
  it.scoped("Căn cứ và kiểm tra, Tình trạng rà soát, the bar view and the review counts", () =>
    Effect.gen(function*() {
      const [first, ...others] = discrepancies
      const wb = yield* roundTrip(reviewInput({
        discrepancies: [
          { ...first!, rule: "Mẫu 7-HSĐV", checks: ["TRANSFER_WINDOW"] },
          ...others.map((d) => ({
            ...d,
            checks: [] as const,
            review: {
              decision: "Đồng ý đề xuất" as const,
              decidedOn: "2025-04-02",
              reviewer: "Lan",
              unitComment: null,
              committeeComment: null,
              importedAt: "2025-04-03T00:00:00.000Z",
              changedSinceDecision: d.id === "FLD-5e6f7a8b"
            }
          }))
        ]
      }))
      const missing = findingRow(sheet(wb, "Không có trong DS"), "MFR-3f2a9c01")
      expect(missing.getCell(col("Căn cứ và kiểm tra")).value).toBe("Căn cứ: Mẫu 7-HSĐV\nĐã loại trừ: Đang trong hạn chuyển sinh hoạt")
      expect(missing.getCell(col("Tình trạng rà soát")).value).toBe("Chưa rà soát")
      const field = findingRow(sheet(wb, "Sai lệch thông tin"), "FLD-5e6f7a8b")
      expect(field.getCell(col("Tình trạng rà soát")).value).toBe("Mở lại: bằng chứng đã thay đổi sau quyết định \"Đồng ý đề xuất (Lan, 02/04/2025)\"")
      expect(field.getCell(col("Quyết định")).value).toBeNull()
      const status = findingRow(sheet(wb, "Sai lệch trạng thái"), "STC-12ab34cd")
      expect(status.getCell(col("Quyết định")).value).toBe("Đồng ý đề xuất")
      expect(status.getCell(col("Người rà soát")).value).toBe("Lan")
      expect(status.getCell(col("Ngày")).value).toEqual(new Date("2025-04-02T00:00:00.000Z"))

      const rows: Array<Array<unknown>> = []
      sheet(wb, "Tổng hợp").eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
      const bars = rows.filter((r) => typeof r[2] === "string" && /^█+$/.test(r[2] as string))
      expect(bars.map((r) => [r[0], r[1], (r[2] as string).length])).toEqual([
        ["CB01 – Chi bộ Khu phố 1", 3, 30],
        ["CB02 – Chi bộ Khu phố 2", 3, 30]
      ])
      expect(rows.find((r) => r[0] === "Chưa rà soát")).toEqual(["Chưa rà soát", 1])
      expect(rows.find((r) => r[0] === "Mở lại (bằng chứng thay đổi sau quyết định)")?.[1]).toBe(1)
      expect(rows.find((r) => r[0] === "Đã có quyết định, vẫn nêu")?.[1]).toBe(4)
    }))

  it("barText scales to the longest bar and always shows a non-zero count", () => {
    expect(barText(10, 10)).toHaveLength(30)
    expect(barText(1, 1000)).toBe("█")
    expect(barText(0, 10)).toBe("")
  })

  it("splitByParentUnit: one input per parent with its findings, files and rows only", () => {
    const input = reviewInput({
      units: new Map([
        ...units.map((u) => [u.code, u] as const),
        ["CB09", { code: "CB09", name: "Chi bộ Khu phố 9", parentCode: "DB02", parentName: "Đảng bộ phường B" }],
        ["DB02", { code: "DB02", name: "Đảng bộ phường B", parentCode: null, parentName: null }]
      ]),
      discrepancies: [...discrepancies, { ...discrepancies[0]!, id: "X-9", unitCode: "CB09" }, { ...discrepancies[0]!, id: "X-none", unitCode: null }]
    })
    const parts = splitByParentUnit(input)
    expect(parts.map((p) => p.parentCode)).toEqual(["DB01", "DB02"])
    expect(parts[0]!.input.discrepancies).toHaveLength(discrepancies.length)
    expect(parts[1]!.input.discrepancies.map((d) => d.id)).toEqual(["X-9"])
    expect(parts[1]!.input.scope).toBe("Đảng bộ phường B (DB02)")
    expect(parts[0]!.input.files.map((f) => f.file)).toEqual(["kp1/ds-2025.xlsx", "kp2/ds,2025.xlsx"])
    expect(parts[1]!.input.rejections).toEqual([])
    expect(parts[0]!.input.inputs.map((i) => i.role)).toEqual(["central", "roster"])
    expect(splitFileName("DB 01/x")).toBe("review-DB_01_x.xlsx")
  })
})

describe("findingCells", () => {
  it("shows a reference missing from the lookups instead of dropping it", () => {
    const input = reviewInput({ members: new Map(), rowsByRef: new Map() })
    const dup = findingCells(input, discrepancies.find((d) => d.id === "DUC-99aa00bb")!)
    expect(dup.names).toBe("(không tìm thấy hồ sơ DV0003)\n(không tìm thấy hồ sơ DV0004)")
    expect(dup.births).toBe("")
    const nic = findingCells(input, discrepancies.find((d) => d.id === "NIC-77b1e0aa")!)
    expect(nic.names).toBe("(không tìm thấy dòng 6)")
    expect(nic.evidence).toBe("kp1/ds-2025.xlsx / Danh sách / 6")
  })

  it("rowKey separates file, sheet and row unambiguously", () => {
    expect(rowKey({ file: "a", sheet: "b1", row: 2 })).not.toBe(rowKey({ file: "a", sheet: "b", row: 12 }))
    expect(rowKey({ file: "a.xlsx", sheet: "S", row: 3 })).toBe("a.xlsx\u0000S\u00003")
  })

  it("errorLines keeps file errors that were not also reported as rejections", () => {
    expect(errorLines(reviewInput()).map((l) => [l.level, l.r.file])).toEqual([
      ["Lỗi tệp", "kp4/khong-ro.xlsx"],
      ["Lỗi dòng", "kp1/ds-2025.xlsx"],
      ["Lỗi tệp", "kp3/hong.xlsx"],
      ["Cảnh báo", "kp2/ds,2025.xlsx"]
    ])
  })
})

describe("a workbook that prints (issue 13)", () => {
  it.scoped("category sheets: A4 landscape print area of the reviewer's columns, page header and footer, ≥ 9 pt", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput())
      const ws = sheet(wb, "Sai lệch thông tin")
      const printed = FINDING_COLUMNS.slice(0, PRINTED_COLUMNS).map((c) => c.header)
      expect(printed).toEqual(["STT", "Mã phát hiện", "Họ và tên", "Ngày sinh", "Chi bộ", "Lý do", "Đề xuất", "Tình trạng rà soát", "Quyết định", "Ý kiến chi bộ", "Ý kiến cấp ủy"])
      expect(ws.pageSetup.printArea).toBe(`A1:${String.fromCharCode(64 + PRINTED_COLUMNS)}2`)
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: "landscape", fitToWidth: 1, printTitlesRow: "1:1" })
      // Fit to one page wide: the printed columns need at most a 10 % reduction, so 10 pt prints ≥ 9 pt.
      expect(CATEGORY_PRINT_SCALE * FONT_SIZE).toBeGreaterThanOrEqual(9)
      for (let r = 1; r <= ws.rowCount; r++) {
        for (let c = 1; c <= FINDING_COLUMNS.length; c++) {
          expect(ws.getCell(r, c).font?.size ?? 11, `${r}:${c}`).toBeGreaterThanOrEqual(FONT_SIZE)
        }
      }
      const hf = ws.headerFooter
      expect(hf.oddHeader).toContain("Sai lệch thông tin")
      expect(hf.oddHeader).toContain("Tính đến ngày 31/03/2025")
      expect(hf.oddHeader).toContain(partyName(reviewInput()))
      expect(hf.oddFooter).toContain("Trang &P / &N")
      // The id column holds its ids on one line.
      expect(ws.getColumn(2).width! * 1.2).toBeGreaterThanOrEqual("MR-ddf01d095156".length)
      // Rows are as tall as their printed text: a one-line finding is one line tall.
      expect(ws.getRow(2).height).toBeLessThanOrEqual(30)
    }))

  it("a row is as tall as its longest printed cell", () => {
    expect(rowHeight(["kort"], [20])).toBe(16)
    expect(rowHeight(["x".repeat(210)], [19])).toBe(Math.ceil(11 * 12.75 + 3))
    // Off-page (width 0) cells do not make the row taller.
    expect(rowHeight(["a", "x".repeat(5000)], [10, 0])).toBe(16)
  })

  it.scoped("rendered by LibreOffice: A4 landscape pages with the header, the category and the page numbers", () =>
    Effect.gen(function*() {
      const { execFileSync } = yield* Effect.promise(() => import("node:child_process"))
      const has = (cmd: string) => {
        try {
          execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" })
          return true
        } catch {
          return false
        }
      }
      if (!has("soffice") || !has("pdftotext")) {
        // A development check, not a CI dependency: LibreOffice is large.
        console.warn("skipped: soffice or pdftotext not installed (apt-get install libreoffice-calc-nogui poppler-utils)")
        return
      }
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-print-" })
      const xlsx = NodePath.join(dir, "review.xlsx")
      yield* writeReviewWorkbook(xlsx, reviewInput())
      execFileSync("soffice", ["--headless", `-env:UserInstallation=file://${dir}/lo`, "--convert-to", "pdf", "--outdir", dir, xlsx], {
        stdio: "ignore",
        timeout: 170_000
      })
      const pdf = NodePath.join(dir, "review.pdf")
      const info = execFileSync("pdfinfo", [pdf]).toString()
      expect(info).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)/)
      const text = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString()
      const pages = text.split("\f").filter((p) => p.trim() !== "")
      const n = pages.length
      expect(pages[0]).toContain("Trang 1 / " + n)
      const fm = pages.find((p) => p.includes("Sai lệch thông tin") && p.includes("FLD-5e6f7a8b"))!
      expect(fm).toContain("Tính đến ngày 31/03/2025")
      expect(fm).toContain("07/03/1958")
      // Off-page evidence stays off the page.
      expect(fm).not.toContain("Căn cứ và kiểm tra")
      // Every page's body text prints at 9 pt or more (pdftohtml: text runs with their font size, in points at zoom 1).
      if (has("pdftohtml")) {
        const xml = execFileSync("pdftohtml", ["-xml", "-i", "-zoom", "1", "-stdout", pdf]).toString()
        const size = new Map([...xml.matchAll(/<fontspec id="(\d+)" size="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])]))
        for (const page of xml.split("<page ").slice(1)) {
          const chars = new Map<number, number>()
          for (const t of page.matchAll(/<text [^>]*font="(\d+)"[^>]*>(.*?)<\/text>/g)) {
            const pt = size.get(t[1]!)!
            chars.set(pt, (chars.get(pt) ?? 0) + t[2]!.replace(/<[^>]+>/g, "").length)
          }
          const body = [...chars].sort((a, b) => b[1] - a[1])[0]![0]
          expect(body, page.slice(0, 40)).toBeGreaterThanOrEqual(9)
        }
      }
    }).pipe(Effect.provide(NodeContext.layer)), 180_000)
})

describe("cells not reconciled fully", () => {
  it.scoped("are listed on the summary with unit, parent, active members and why", () =>
    Effect.gen(function*() {
      const wb = yield* roundTrip(reviewInput({
        uncoveredCells: [
          { unitCode: "CB02", unitName: "Chi bộ Khu phố 2", parentCode: null, activeMembers: 12, why: "UNREAD_INPUT" },
          { unitCode: "CB01", unitName: "Chi bộ Khu phố 1", parentCode: null, activeMembers: 30, why: "NO_ROSTER" }
        ]
      }))
      const rows: Array<Array<unknown>> = []
      sheet(wb, "Tổng hợp").eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
      const at = rows.findIndex((r) => r[0] === "Chi bộ chưa được đối chiếu đầy đủ")
      expect(at).toBeGreaterThan(0)
      // The reason spans the narrow columns C–L (merged), so the summary prints one page wide at ≥ 9 pt.
      expect(rows[at + 2]?.slice(0, 3)).toEqual(["Chi bộ (đơn vị cấp trên)", "Số đảng viên đang sinh hoạt", "Lý do"])
      expect(rows[at + 3]?.slice(0, 3)).toEqual(["CB01 – Chi bộ Khu phố 1", 30, "Chưa nộp danh sách chính thức"])
      expect(rows[at + 4]?.slice(0, 2)).toEqual(["CB02 – Chi bộ Khu phố 2", 12])
      let cb02 = 0
      sheet(wb, "Tổng hợp").eachRow((row, n) => void (cb02 === 0 && row.getCell(1).value === "CB02 – Chi bộ Khu phố 2" ? (cb02 = n) : undefined))
      expect(sheet(wb, "Tổng hợp").model.merges).toContain(`C${cb02}:L${cb02}`)
    }))
})

describe("finding rows written as XML text (Cells.fastRows)", () => {
  it("write the same sheet XML as exceljs's own rows: text with markup and control characters, numbers, dates, blanks, styles", async () => {
    const { unzipEntries } = await import("../../src/Ingest/Xlsx.js")
    const { addRow, fastRows, ROW_STYLE, STYLE } = await import("../../src/Report/Cells.js")
    const dir = NodeFs.mkdtempSync(NodePath.join((await import("node:os")).tmpdir(), "recon-fastrows-"))
    const styles = [STYLE.number, STYLE.wrap, STYLE.wrapDate, STYLE.reviewer, STYLE.percent, STYLE.line]
    const rows: Array<Array<string | number | Date | null>> = [
      [1, "Nguyễn <Văn> & \"A\" 'B'", new Date(Date.UTC(1948, 2, 7)), null, 0.9987, "dòng 1\ndòng 2"],
      [2, "ký tự điều khiển \u0001\u0008 và \u007f bỏ đi", null, null, null, "'=SUM(1)"],
      [3, "", new Date(Date.UTC(2026, 9, 31)), null, 1, "x".repeat(300)]
    ]
    const write = async (file: string, fast: boolean) => {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false })
      const ws = wb.addWorksheet("S")
      addRow(ws, ["STT", "Tên", "Ngày", "Quyết định", "Độ tin cậy", "Ghi chú"]).commit()
      const f = fast ? fastRows(ws) : null
      if (fast) expect(f).not.toBeNull()
      for (const values of rows) {
        if (f !== null) f.row(values, styles, 42)
        else {
          const row = addRow(ws, values)
          values.forEach((_, c) => (row.getCell(c + 1).style = styles[c]!))
          row.height = 42
          row.commit()
        }
      }
      // An empty row (exceljs writes nothing for it, but counts it), then a row of the default height
      // whose empty cells have no style of their own (as the summary's lines are written).
      if (f !== null) f.skip()
      else addRow(ws, []).commit()
      const line: Array<string | number | null> = ["Tổng cộng", null, 7]
      const lineStyles = [STYLE.bold, ROW_STYLE, STYLE.number]
      if (f !== null) f.row(line, lineStyles, null)
      else {
        const row = addRow(ws, line)
        row.eachCell((cell, c) => (cell.style = lineStyles[c - 1]!))
        row.commit()
      }
      f?.end()
      ws.commit()
      await wb.commit()
      const parts = unzipEntries(NodeFs.readFileSync(file), (name) => name === "xl/worksheets/sheet1.xml" || name === "xl/styles.xml")
      return [parts.get("xl/worksheets/sheet1.xml")!.toString("utf8"), parts.get("xl/styles.xml")!.toString("utf8")]
    }
    const viaExceljs = await write(NodePath.join(dir, "a.xlsx"), false)
    const viaText = await write(NodePath.join(dir, "b.xlsx"), true)
    expect(viaText[0]).toContain("Nguyễn &lt;Văn&gt; &amp; &quot;A&quot; &apos;B&apos;")
    expect(viaText[0]).toMatch(/<row r="6" spans="1:3"[^>]*><c r="A6" s="\d+" t="str"><v>Tổng cộng<\/v><\/c><c r="C6"/)
    expect(viaText).toEqual(viaExceljs)
  })
})
