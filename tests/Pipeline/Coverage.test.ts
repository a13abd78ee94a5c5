/**
 * End to end on real files: a central workbook and cell lists written to a temp directory, then
 * `recon run`. A day/month swap and a name typed without diacritics come out as corrections, apart
 * from the findings; a real conflict stays FIELD_MISMATCH; a member missing from a list that had an
 * unreadable row is caveated and sorted last; cells with no list get one ROSTER_NOT_SUBMITTED each
 * and are listed as not covered, in run.json and on the summary sheet.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import ExcelJS from "exceljs"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sample } from "../../pipelines/sample.js"
import { run } from "../../src/Pipeline/Run.js"

type M = readonly [id: string, name: string, birth: string, sex: "Nam" | "Nữ", cccd: string, card: string, unit: string]
const MEMBERS: ReadonlyArray<M> = [
  ["DV01", "Nguyễn Văn An", "05/02/1945", "Nam", "001045123456", "01000001", "CB01"],
  ["DV02", "Trần Thị Bình", "12/03/1960", "Nữ", "001160234567", "01000002", "CB01"],
  ["DV03", "Lê Văn Cường", "20/07/1970", "Nam", "001070345678", "01000003", "CB01"],
  ["DV09", "Phạm Văn Đức", "15/08/1965", "Nam", "001065456789", "01000009", "CB01"],
  ["DV04", "Hoàng Văn Em", "01/01/1950", "Nam", "001050567890", "01000004", "CB02"],
  ["DV05", "Vũ Thị Giang", "02/02/1955", "Nữ", "001155678901", "01000005", "CB02"],
  ["DV06", "Đặng Văn Hải", "03/03/1975", "Nam", "001075789012", "01000006", "CB03"],
  ["DV07", "Bùi Thị Hạnh", "04/04/1980", "Nữ", "001180890123", "01000007", "CB03"],
  ["DV08", "Ngô Văn Khánh", "05/05/1985", "Nam", "001085901234", "01000008", "CB04"]
]
const UNITS = [
  ["DB01", "Đảng bộ xã Thử Nghiệm", "", ""],
  ["CB01", "Chi bộ thôn Đông", "DB01", "Đảng bộ xã Thử Nghiệm"],
  ["CB02", "Chi bộ thôn Tây", "DB01", "Đảng bộ xã Thử Nghiệm"],
  ["CB03", "Chi bộ thôn Nam", "DB01", "Đảng bộ xã Thử Nghiệm"],
  ["CB04", "Chi bộ thôn Bắc", "DB01", "Đảng bộ xã Thử Nghiệm"]
]

const writeCentral = async (file: string): Promise<void> => {
  const wb = new ExcelJS.Workbook()
  const dv = wb.addWorksheet("DangVien")
  dv.addRow(["Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Trạng thái"])
  for (const [id, name, birth, sex, cccd, card, unit] of MEMBERS) {
    dv.addRow([id, name, birth, sex, "Hà Nội", cccd, card, "01/01/2000", "01/01/2001", unit, "Đang sinh hoạt"])
  }
  const cb = wb.addWorksheet("ChiBo")
  cb.addRow(["Mã chi bộ", "Tên chi bộ", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên"])
  for (const u of UNITS) cb.addRow(u)
  wb.addWorksheet("ChuyenSinhHoat").addRow(["Mã đảng viên", "Từ chi bộ", "Đến chi bộ", "Loại", "Ngày giới thiệu", "Ngày tiếp nhận"])
  await wb.xlsx.writeFile(file)
}

const HEADER = "Mã chi bộ,STT,Họ tên,Ngày sinh,Giới tính,CCCD,Số thẻ,Ngày vào Đảng,Ghi chú"
const line = (unit: string, n: number, name: string, birth: string, sex: string, cccd: string, card: string) =>
  `${unit},${n},${name},${birth},${sex},${cccd},${card},01/01/2000,`

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-coverage-"))
const rosters = path.join(dir, "rosters")
const out = path.join(dir, "out")
fs.mkdirSync(rosters)
// CB01: DV01 with day and month swapped, DV02 typed without diacritics, DV09 with another CCCD; DV03 absent.
fs.writeFileSync(
  path.join(rosters, "CB01_thon_Dong.csv"),
  [
    HEADER,
    line("CB01", 1, "Nguyễn Văn An", "02/05/1945", "Nam", "001045123456", "01000001"),
    line("CB01", 2, "Tran Thi Binh", "12/03/1960", "Nữ", "001160234567", "01000002"),
    line("CB01", 3, "Phạm Văn Đức", "15/08/1965", "Nam", "001065456780", "01000009")
  ].join("\n") + "\n"
)
// CB02: one row without a name cannot be read; DV05 is on no list.
fs.writeFileSync(
  path.join(rosters, "CB02_thon_Tay.csv"),
  [
    HEADER,
    line("CB02", 1, "Hoàng Văn Em", "01/01/1950", "Nam", "001050567890", "01000004"),
    line("CB02", 2, "", "02/02/1955", "Nữ", "", "")
  ].join("\n") + "\n"
)
// CB03 sent nothing; CB04's list (perhaps) is this file, which cannot be opened.
fs.writeFileSync(path.join(rosters, "hong.xlsx"), Buffer.from("PK\u0003\u0004 not a zip archive"))

interface Line {
  id: string
  category: string
  kind: string
  unitCode: string
  memberIds: Array<string>
  field?: string
  reason: string
  recommendation: string
  caveats?: Array<string>
}

describe("corrections, caveats and cells not covered, end to end", () => {
  it.effect("swap and diacritics are corrections; unread input caveats MISSING; cells without a list are findings and listed", () =>
    Effect.gen(function*() {
      yield* Effect.promise(() => writeCentral(path.join(dir, "central.xlsx")))
      yield* run(sample, { central: path.join(dir, "central.xlsx"), rosters, out, asOf: "2026-10-31", db: path.join(dir, "state.sqlite") })
        .pipe(Effect.provide(NodeContext.layer))

      const text = fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8")
      const ds = text.trim().split("\n").map((l) => JSON.parse(l) as Line)
      for (const l of text.trim().split("\n")) expect(Object.keys(JSON.parse(l)).slice(0, 3)).toEqual(["id", "category", "kind"])
      expect(ds.map((d) => [d.category, d.kind, d.unitCode, d.memberIds.join("+"), d.field ?? null, d.caveats ?? []])).toEqual([
        ["MISSING_FROM_ROSTER", "finding", "CB01", "DV03", null, []],
        ["MISSING_FROM_ROSTER", "finding", "CB02", "DV05", null, ["INPUT_INCOMPLETE"]],
        ["ROSTER_NOT_SUBMITTED", "finding", "CB03", "DV06+DV07", null, ["INPUT_INCOMPLETE"]],
        ["ROSTER_NOT_SUBMITTED", "finding", "CB04", "DV08", null, ["INPUT_INCOMPLETE"]],
        ["FIELD_MISMATCH", "finding", "CB01", "DV09", "Số CCCD", []],
        ["DATA_CORRECTION", "correction", "CB01", "DV01", "Ngày sinh", []],
        ["DATA_CORRECTION", "correction", "CB01", "DV02", "Họ và tên", []]
      ])
      const [, missing, ns3, ns4, , swap, name] = ds
      expect(missing!.reason).toContain("Lưu ý: danh sách của chi bộ có 1 dòng không đọc được: tệp CB02_thon_Tay.csv, dòng 3.")
      expect(ns3!.reason).toContain("Chi bộ thôn Nam (mã CB03) có 2 đảng viên đang sinh hoạt")
      // The unreadable file names no cell: every cell without a list is told it may be theirs.
      for (const ns of [ns3!, ns4!]) expect(ns.reason).toContain("1 tệp không đọc được và không rõ của chi bộ nào (hong.xlsx)")
      expect(swap!.reason).toContain("ghi 02/05/1945, cơ sở dữ liệu ghi 05/02/1945: có thể nhầm ngày với tháng")
      expect(swap!.recommendation).toBe("Cập nhật cơ sở dữ liệu")
      expect(name!.recommendation).toBe("Cập nhật danh sách chi bộ")

      const runJson = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
      expect(runJson.kinds).toEqual({ finding: 5, correction: 2 })
      expect(runJson.categories).toMatchObject({ DATA_CORRECTION: 2, ROSTER_NOT_SUBMITTED: 2, FIELD_MISMATCH: 1, MISSING_FROM_ROSTER: 2 })
      expect(runJson.uncoveredCells).toEqual([
        { unitCode: "CB02", unitName: "Chi bộ thôn Tây", parentCode: "DB01", activeMembers: 2, why: "UNREAD_INPUT" },
        { unitCode: "CB03", unitName: "Chi bộ thôn Nam", parentCode: "DB01", activeMembers: 2, why: "NO_ROSTER" },
        { unitCode: "CB04", unitName: "Chi bộ thôn Bắc", parentCode: "DB01", activeMembers: 1, why: "NO_ROSTER" }
      ])

      const wb = new ExcelJS.Workbook()
      yield* Effect.promise(() => wb.xlsx.readFile(path.join(out, "review.xlsx")))
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        "Tổng hợp", "Không có trong DS", "Chi bộ chưa nộp DS", "Sai lệch thông tin", "Hiệu chỉnh dữ liệu", "Tệp đầu vào", "Lỗi dữ liệu"
      ])
      const ids = (sheet: string) => {
        const ws = wb.getWorksheet(sheet)!
        return Array.from({ length: ws.rowCount - 1 }, (_, i) => String(ws.getRow(i + 2).getCell(2).value))
      }
      expect(ids("Hiệu chỉnh dữ liệu")).toEqual([swap!.id, name!.id])
      expect(ids("Không có trong DS")).toEqual([ds[0]!.id, missing!.id])
      const mr = wb.getWorksheet("Không có trong DS")!
      const basis = (mr.getRow(1).values as Array<unknown>).indexOf("Căn cứ và kiểm tra")
      expect(String(mr.getRow(3).getCell(basis).value)).toContain("Lưu ý: dữ liệu đầu vào của chi bộ chưa đọc được đầy đủ")
      expect(String(mr.getRow(2).getCell(basis).value)).not.toContain("Lưu ý")
      const rows: Array<Array<unknown>> = []
      wb.getWorksheet("Tổng hợp")!.eachRow((r) => rows.push((r.values as Array<unknown>).slice(1)))
      expect(rows.filter((r) => r[0] === "Tổng cộng").map((r) => r[1])).toEqual([5, 2])
      const at = rows.findIndex((r) => r[0] === "Chi bộ chưa được đối chiếu đầy đủ")
      expect(at).toBeGreaterThan(0)
      // Under the title: one line saying what the list means, the header, then the cells.
      expect(rows.slice(at + 3, at + 6).map((r) => [String(r[0]).slice(0, 4), r[1], r[2]])).toEqual([
        ["CB02", 2, "Danh sách chưa đọc được đầy đủ (tệp lỗi hoặc có dòng bị loại)"],
        ["CB03", 2, "Chưa nộp danh sách chính thức"],
        ["CB04", 1, "Chưa nộp danh sách chính thức"]
      ])
    }), 120_000)
})
