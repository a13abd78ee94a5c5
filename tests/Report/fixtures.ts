/** Synthetic data for report and store tests (invented names, never real rosters). */
import type { CentralMember, Discrepancy, Link, PersonName, RosterRow, Unit } from "../../src/Domain.js"
import { type ReviewInput, rowKey } from "../../src/Report/ReviewWorkbook.js"
import { categoryCounts, fileTotals, type RunManifest } from "../../src/Report/RunJson.js"

export const personName = (display: string): PersonName => {
  const key = display.normalize("NFC").toLowerCase()
  const folded = key.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
  const tokens = folded.split(" ")
  return {
    display,
    key,
    folded,
    family: tokens[0] ?? "",
    middle: tokens.slice(1, -1).join(" "),
    given: tokens[tokens.length - 1] ?? ""
  }
}

export const units: ReadonlyArray<Unit> = [
  { code: "CB01", name: "Chi bộ Khu phố 1", parentCode: "DB01", parentName: "Đảng bộ phường Hòa Bình" },
  { code: "CB02", name: "Chi bộ Khu phố 2", parentCode: "DB01", parentName: "Đảng bộ phường Hòa Bình" }
]

const member = (id: string, display: string, unitCode: string, over: Partial<CentralMember> = {}): CentralMember => ({
  id,
  name: personName(display),
  birth: { year: 1958, month: 3, day: 7 },
  sex: "M",
  hometown: "Xã Tân Phú, huyện Đức Hòa",
  cccd: null,
  cardNo: "00123456",
  admitted: { year: 1985, month: 5, day: 19 },
  official: { year: 1986, month: 5, day: 19 },
  unitCode,
  status: "ACTIVE",
  sourceRow: 2,
  ...over
})

export const members: ReadonlyArray<CentralMember> = [
  member("DV0001", "Nguyễn Văn Hòa", "CB01"),
  member("DV0002", "Trần Thị Ngọc Ánh", "CB01", { sex: "F", birth: { year: 1948, month: null, day: null } }),
  member("DV0003", "Lê Đức Thắng", "CB02", { birth: { year: 1990, month: 11, day: null } }),
  // A name that a spreadsheet would evaluate if it were not escaped.
  member("DV0004", "=HYPERLINK(\"http://x\",\"Bấm\")", "CB02"),
  member("DV0005", "Phạm Quỳnh Như", "CB02", { sex: "F", status: "DECEASED" })
]

const rosterRow = (file: string, row: number, display: string, unitCode: string): RosterRow => ({
  file,
  sheet: "Danh sách",
  row,
  unitCode,
  kind: "OFFICIAL",
  name: personName(display),
  birth: { year: 1958, month: 3, day: 7 },
  sex: "M",
  hometown: null,
  cccd: null,
  cardNo: null,
  admitted: null,
  official: null,
  note: null,
  exempt: false,
  warnings: []
})

export const rosterRows: ReadonlyArray<RosterRow> = [
  rosterRow("kp1/ds-2025.xlsx", 5, "Nguyễn Văn Hoà", "CB01"),
  rosterRow("kp1/ds-2025.xlsx", 6, "Hoàng Minh Tuấn", "CB01"),
  rosterRow("kp2/ds,2025.xlsx", 7, "Hoàng Minh Tuấn", "CB02"),
  rosterRow("kp2/ds,2025.xlsx", 8, "Phạm Quỳnh Như", "CB02")
]

export const discrepancies: ReadonlyArray<Discrepancy> = [
  {
    id: "MFR-3f2a9c01",
    category: "MISSING_FROM_ROSTER",
    kind: "finding",
    unitCode: "CB01",
    memberIds: ["DV0002"],
    rosterRows: [],
    score: null,
    reason: "Đảng viên có trong CSDL của Chi bộ Khu phố 1 nhưng không có trong danh sách chi bộ.",
    recommendation: "Xác minh"
  },
  {
    id: "NIC-77b1e0aa",
    category: "NOT_IN_CENTRAL",
    kind: "finding",
    unitCode: "CB01",
    memberIds: [],
    rosterRows: [{ file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 6 }],
    score: null,
    reason: "Có trong danh sách chi bộ nhưng không tìm thấy hồ sơ trong CSDL.",
    recommendation: "Cập nhật cơ sở dữ liệu"
  },
  {
    id: "DUR-0c9d4411",
    category: "DUPLICATE_ROSTER",
    kind: "finding",
    unitCode: "CB02",
    memberIds: [],
    rosterRows: [
      { file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 6 },
      { file: "kp2/ds,2025.xlsx", sheet: "Danh sách", row: 7 }
    ],
    score: 0.93456,
    reason: "Cùng một người có tên trong hai danh sách chính thức.",
    recommendation: "Xác minh"
  },
  {
    id: "FLD-5e6f7a8b",
    category: "FIELD_MISMATCH",
    kind: "finding",
    unitCode: "CB01",
    memberIds: ["DV0001"],
    rosterRows: [{ file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 5 }],
    score: 0.97,
    field: "birth",
    centralValue: "07/03/1958",
    rosterValue: "-",
    reason: "Ngày sinh trong danh sách khác với CSDL.",
    recommendation: "Cập nhật cơ sở dữ liệu"
  },
  {
    id: "STC-12ab34cd",
    category: "STATUS_CONFLICT",
    kind: "finding",
    unitCode: "CB02",
    memberIds: ["DV0005"],
    rosterRows: [{ file: "kp2/ds,2025.xlsx", sheet: "Danh sách", row: 8 }],
    score: 0.88,
    field: "status",
    centralValue: "DECEASED",
    rosterValue: "ACTIVE",
    reason: "CSDL ghi từ trần nhưng danh sách chi bộ vẫn ghi đang sinh hoạt.",
    recommendation: "Xác minh"
  },
  {
    id: "DUC-99aa00bb",
    category: "DUPLICATE_CENTRAL",
    kind: "finding",
    unitCode: "CB02",
    memberIds: ["DV0003", "DV0004"],
    rosterRows: [],
    score: 0.8,
    reason: "Hai hồ sơ trong CSDL có cùng họ tên, ngày sinh và quê quán.",
    recommendation: "Gộp hồ sơ trùng"
  }
]

export const links: ReadonlyArray<Link> = [
  { file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 5, memberId: "DV0001", score: 0.97123456 },
  { file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 6, memberId: null, score: null },
  { file: "kp2/ds,2025.xlsx", sheet: "Trang \"1\"", row: 7, memberId: "DV0003", score: 1 },
  { file: "kp2/ghi chú\nmới.csv", sheet: "=cmd", row: 8, memberId: "+DV0005", score: 0.5 }
]

export const reviewInput = (over: Partial<ReviewInput> = {}): ReviewInput => ({
  discrepancies,
  members: new Map(members.map((m) => [m.id, m])),
  units: new Map(units.map((u) => [u.code, u])),
  rowsByRef: new Map(rosterRows.map((r) => [rowKey(r), r])),
  uncoveredCells: [],
  rejections: [
    { file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 9, column: "Ngày sinh", reason: "Ngày sinh \"31/02/1960\" không hợp lệ; sửa lại theo dạng ngày/tháng/năm." },
    { file: "kp3/hong.xlsx", sheet: null, row: null, column: null, reason: "Tệp bị hỏng, không mở được; lưu lại tệp bằng Excel rồi chạy lại." }
  ],
  warnings: [
    { file: "kp2/ds,2025.xlsx", sheet: "Danh sách", row: 7, column: "Ngày sinh", reason: "Ngày sinh 05/06/1970 có thể là 06/05/1970; kiểm tra lại." }
  ],
  files: [
    { file: "kp1/ds-2025.xlsx", kind: "OFFICIAL", unitCode: "CB01", sha256: "a".repeat(64), rowsRead: 3, rowsIngested: 2, rowsRejected: 1, error: null, suspectTruncated: false },
    { file: "kp2/ds,2025.xlsx", kind: "OFFICIAL", unitCode: "CB02", sha256: "b".repeat(64), rowsRead: 2, rowsIngested: 2, rowsRejected: 0, error: null, suspectTruncated: false },
    { file: "kp3/hong.xlsx", kind: null, unitCode: null, sha256: "c".repeat(64), rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: "Tệp bị hỏng, không mở được; lưu lại tệp bằng Excel rồi chạy lại.", suspectTruncated: false },
    { file: "kp4/khong-ro.xlsx", kind: null, unitCode: null, sha256: "d".repeat(64), rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: "Không xác định được chi bộ của tệp; đặt tên tệp theo mã chi bộ.", suspectTruncated: false }
  ],
  asOf: "2025-03-31",
  inputs: [
    { role: "central", path: "data/csdl-2025-03.xlsx", sha256: "e".repeat(64) },
    { role: "roster", path: "kp1/ds-2025.xlsx", sha256: "a".repeat(64) }
  ],
  tool: { name: "recon", version: "0.1.0" },
  generatedAt: "2025-04-01T08:30:00.000Z",
  ...over
})

export const manifest = (): RunManifest => {
  const input = reviewInput()
  return {
    tool: { name: "recon", version: "0.1.0" },
    asOf: "2025-03-31",
    startedAt: "2025-04-01T08:29:58.000Z",
    finishedAt: "2025-04-01T08:30:01.250Z",
    inputs: input.inputs,
    files: input.files,
    totals: fileTotals(input.files),
    categories: categoryCounts(discrepancies),
    timings: { ingest: 812, match: 1204, rules: 33, report: 190 },
    outputs: [{ path: "discrepancies.jsonl", bytes: 2048, sha256: "f".repeat(64) }]
  }
}
