/**
 * Data corrections (same fact written two ways) and findings that rest on input not fully read:
 * plain functions, checked on tables and with property tests.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import type { CentralMember, FileSummary, PartialDate, Rejection, RosterRow } from "../../src/Domain.js"
import { parseName } from "../../src/Normalize/Text.js"
import { dayNumberOf, makeCalendar } from "../../src/Rules/Calendar.js"
import {
  applyRules,
  birthCorrection,
  type InputGaps,
  inputGaps,
  nameCorrection,
  paramsAsOf,
  uncoveredCells
} from "../../src/Rules/Rules.js"
import { member, row, units } from "./fixtures.js"

const decl = annualRosterMatching
const asOf = "2026-10-31"

const run = (
  members: Array<CentralMember>,
  linked: Array<[RosterRow, string | null]>,
  opts: { withRoster?: Array<string>; gaps?: InputGaps } = {}
) =>
  applyRules({
    central: { members, units, transfers: [] },
    rows: linked.map(([r, id]) => ({ row: r, memberId: id, score: id === null ? null : 0.99, closestId: null, closestScore: null })),
    unitsWithRoster: new Set(opts.withRoster ?? ["CB01", "CB02", "CB03"]),
    centralDuplicates: [],
    asOf: dayNumberOf(2026, 10, 31),
    params: paramsAsOf(decl.rules, asOf),
    calendar: makeCalendar(decl.calendar),
    ...(opts.gaps === undefined ? {} : { gaps: opts.gaps })
  })

const d = (day: number | null, month: number | null, year: number): PartialDate => ({ year, month, day })
const key = (s: string) => parseName(s)!

describe("birthCorrection", () => {
  it.each([
    ["swapped", d(5, 2, 1945), d(2, 5, 1945), "SWAPPED"],
    ["roster gives the year only", d(5, 2, 1945), d(null, null, 1945), "ROSTER_LESS_PRECISE"],
    ["roster gives month and year", d(5, 2, 1945), d(null, 2, 1945), "ROSTER_LESS_PRECISE"],
    ["central gives the year only", d(null, null, 1945), d(5, 2, 1945), "CENTRAL_LESS_PRECISE"],
    ["equal", d(5, 2, 1945), d(5, 2, 1945), null],
    ["both year only", d(null, null, 1945), d(null, null, 1945), null],
    ["another day: a conflict", d(5, 2, 1945), d(6, 2, 1945), null],
    ["swapped but another year: a conflict", d(5, 2, 1945), d(2, 5, 1946), null],
    ["year only, another year: a conflict", d(5, 2, 1945), d(null, null, 1946), null],
    ["central year only, roster another year: a conflict", d(null, null, 1945), d(5, 2, 1944), null]
  ] as const)("%s", (_, central, roster, expected) => {
    expect(birthCorrection(central, roster)).toBe(expected)
  })

  it.prop(
    "a full date against itself swapped is a swap when day ≠ month, and against its year a less precise copy",
    [fc.integer({ min: 1900, max: 2008 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })],
    ([year, day, month]) => {
      expect(birthCorrection(d(day, month, year), d(month, day, year))).toBe(day === month ? null : "SWAPPED")
      expect(birthCorrection(d(day, month, year), d(null, null, year))).toBe("ROSTER_LESS_PRECISE")
      expect(birthCorrection(d(null, null, year), d(day, month, year))).toBe("CENTRAL_LESS_PRECISE")
    }
  )
})

describe("nameCorrection", () => {
  it.each([
    ["letter case is a convention (lý lịch item 01 wants capitals)", "Nguyễn Văn Hùng", "NGUYỄN VĂN HÙNG", null],
    ["old and new tone placement are both accepted", "Lê Văn Hòa", "Lê Văn Hoà", null],
    ["old and new tone placement, Thủy/Thuỷ", "Phạm Thị Thủy", "PHẠM THỊ THUỶ", null],
    ["roster typed without diacritics", "Nguyễn Văn Hưng", "Nguyen Van Hung", "ROSTER_UNMARKED"],
    ["central typed without diacritics", "Nguyen Van Hung", "Nguyễn Văn Hưng", "CENTRAL_UNMARKED"],
    ["both marked, differently", "Lê Văn Hùng", "Lê Văn Hưng", "MARKS_DIFFER"],
    ["Đ against D", "Đỗ Thị Lan", "Do Thi Lan", "ROSTER_UNMARKED"],
    ["another name is not a correction", "Lê Văn Hùng", "Lê Văn Hải", null],
    ["equal", "Trần Thị Bình", "Trần Thị Bình", null]
  ] as const)("%s", (_, central, roster, expected) => {
    expect(nameCorrection(key(central), key(roster))).toBe(expected)
  })

  const names = fc.tuple(
    fc.constantFrom("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Vũ"),
    fc.constantFrom("Văn", "Thị", "Đức", "Ngọc", "Xuân"),
    fc.constantFrom("Hùng", "Hòa", "Thủy", "Lan", "Dũng", "Quý", "Khỏe", "Tuấn")
  ).map((parts) => parts.join(" "))

  it.prop("capitals never make a correction; dropping every mark always does", [names], ([name]) => {
    expect(nameCorrection(key(name), key(name.toUpperCase()))).toBeNull()
    const bare = name.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D")
    expect(nameCorrection(key(name), key(bare))).toBe("ROSTER_UNMARKED")
  })
})

describe("corrections among the findings", () => {
  it("are of kind correction, category DATA_CORRECTION, outside FIELD_MISMATCH, with a Vietnamese reason and the side to correct", () => {
    const m = member("DV1", "Nguyễn Văn Hưng", "05/02/1945", "CB01")
    const r = row("cb01.xlsx", "CB01", "Nguyen Van Hung", "02/05/1945")
    const ds = run([m], [[r, "DV1"]])
    expect(ds.map((x) => [x.category, x.kind, x.field, x.centralValue, x.rosterValue, x.recommendation])).toEqual([
      ["DATA_CORRECTION", "correction", "Ngày sinh", "05/02/1945", "02/05/1945", "Cập nhật cơ sở dữ liệu"],
      ["DATA_CORRECTION", "correction", "Họ và tên", "Nguyễn Văn Hưng", "Nguyen Van Hung", "Cập nhật danh sách chi bộ"]
    ])
    expect(ds[0]!.reason).toBe(
      `Ngày sinh của Nguyễn Văn Hưng (mã DV1): danh sách của Chi bộ thôn Đông (cb01.xlsx, trang "Sheet1", dòng ${r.row}) ` +
        "ghi 02/05/1945, cơ sở dữ liệu ghi 05/02/1945: có thể nhầm ngày với tháng; đề nghị đối chiếu hồ sơ gốc và sửa cho thống nhất."
    )
    expect(ds[1]!.reason).toContain(`ghi "Nguyen Van Hung" (không dấu), cơ sở dữ liệu ghi "Nguyễn Văn Hưng"`)
    expect(ds.every((x) => /^HC-[0-9a-f]{12}$/.test(x.id))).toBe(true)
  })

  it("come after every finding, and the same value on two rows of one cell is one correction citing both", () => {
    const m = member("DV1", "Nguyễn Văn An", "05/02/1945", "CB01")
    const other = member("DV2", "Trần Thị Bình", "02/02/1970", "CB02")
    const r1 = row("cb01.xlsx", "CB01", "Nguyễn Văn An", "02/05/1945")
    const r2 = row("cb01-213.xlsx", "CB01", "Nguyễn Văn An", "02/05/1945", { kind: "RESIDENCE_213" })
    const ds = run([m, other], [[r1, "DV1"], [r2, "DV1"]])
    expect(ds.map((x) => x.category)).toEqual(["MISSING_FROM_ROSTER", "DATA_CORRECTION"])
    expect(ds[1]!.rosterRows.map((x) => x.file)).toEqual(["cb01.xlsx", "cb01-213.xlsx"])
  })

  it("capitals and tone placement on the list raise nothing", () => {
    const m = member("DV1", "Lê Văn Hòa", "05/02/1945", "CB01")
    expect(run([m], [[row("cb01.xlsx", "CB01", "LÊ VĂN HOÀ", "05/02/1945"), "DV1"]])).toEqual([])
  })
})

const file = (over: Partial<FileSummary>): FileSummary => ({
  file: "x.xlsx",
  kind: "OFFICIAL",
  unitCode: "CB01",
  sha256: "",
  rowsRead: 10,
  rowsIngested: 10,
  rowsRejected: 0,
  error: null,
  suspectTruncated: false,
  ...over
})
const rejected = (f: string, r: number): Rejection => ({ file: f, sheet: "Sheet1", row: r, column: "Họ và tên", reason: "…" })

describe("inputGaps", () => {
  it("attributes rejected rows, cut-short files and unusable files to cells; other kinds of lists do not count", () => {
    const gaps = inputGaps(
      [
        file({ file: "cb01.xlsx", rowsIngested: 8, rowsRejected: 2 }),
        file({ file: "cb01-213.xlsx", kind: "RESIDENCE_213", rowsIngested: 3, rowsRejected: 1 }),
        file({ file: "cb02.csv", unitCode: "CB02", suspectTruncated: true }),
        file({ file: "cb03 hong.xlsx", unitCode: "CB03", kind: null, rowsRead: 0, rowsIngested: 0, error: "Tệp bị hỏng" }),
        file({ file: "khong ro.xlsx", unitCode: null, kind: null, rowsIngested: 0, rowsRejected: 10, error: "Không xác định được chi bộ", candidateUnits: ["CB02", "CB03"] }),
        file({ file: "hong.xlsx", unitCode: null, kind: null, rowsRead: 0, rowsIngested: 0, error: "Tệp bị hỏng" })
      ],
      [rejected("cb01.xlsx", 15), rejected("cb01.xlsx", 12), rejected("cb01-213.xlsx", 9)]
    )
    expect(Object.fromEntries([...gaps.byUnit].map(([u, gs]) => [u, gs.map((g) => [g.file, g.problem, g.count, g.rows])]))).toEqual({
      CB01: [["cb01.xlsx", "ROWS_REJECTED", 2, [12, 15]]],
      CB02: [["cb02.csv", "TRUNCATED", 0, []], ["khong ro.xlsx", "UNRESOLVED", 10, []]],
      CB03: [["cb03 hong.xlsx", "UNREADABLE", 0, []], ["khong ro.xlsx", "UNRESOLVED", 10, []]]
    })
    expect(gaps.unattributed).toEqual(["hong.xlsx"])
  })
})

describe("findings that rest on input not fully read", () => {
  const a = member("DV1", "Nguyễn Văn An", "01/01/1960", "CB01")
  const b = member("DV2", "Trần Thị Bình", "02/02/1970", "CB01")
  const c = member("DV3", "Lê Văn Cường", "03/03/1965", "CB02")
  const e = member("DV4", "Phạm Thị Dung", "04/04/1975", "CB02")
  const listed = [row("cb02.xlsx", "CB02", "Lê Văn Cường", "03/03/1965"), "DV3"] as [RosterRow, string]

  it("MISSING_FROM_ROSTER is kept, says what was not read, is marked INPUT_INCOMPLETE and sorts below the others", () => {
    const gaps = inputGaps(
      [file({ file: "cb01.xlsx", rowsIngested: 8, rowsRejected: 2 }), file({ file: "cb02.xlsx", unitCode: "CB02" })],
      [rejected("cb01.xlsx", 12), rejected("cb01.xlsx", 15)]
    )
    const ds = run([a, b, c, e], [listed], { withRoster: ["CB01", "CB02"], gaps })
    // CB02's finding first although CB01 sorts before it: the caveated ones go last (then by unit and id).
    expect(ds.map((x) => [x.category, x.unitCode, x.caveats ?? []])).toEqual([
      ["MISSING_FROM_ROSTER", "CB02", []],
      ["MISSING_FROM_ROSTER", "CB01", ["INPUT_INCOMPLETE"]],
      ["MISSING_FROM_ROSTER", "CB01", ["INPUT_INCOMPLETE"]]
    ])
    expect(ds.map((x) => x.memberIds[0]).sort()).toEqual(["DV1", "DV2", "DV4"])
    expect(ds[1]!.reason).toContain("Lưu ý: danh sách của chi bộ có 2 dòng không đọc được: tệp cb01.xlsx, dòng 12, 15.")
    expect(ds[1]!.recommendation).toBe("Xác minh")
    expect(ds[0]!.reason).not.toContain("Lưu ý")
  })

  it("names at most five gaps, then how many more", () => {
    const unresolved = Array.from({ length: 7 }, (_, i) =>
      file({ file: `?${i}.xlsx`, unitCode: null, kind: null, error: "Không xác định được chi bộ", candidateUnits: ["CB01"] }))
    const gaps = inputGaps([file({ file: "cb01.xlsx" }), file({ file: "cb02.xlsx", unitCode: "CB02" }), ...unresolved], [])
    const [d] = run([a, c], [listed], { withRoster: ["CB01", "CB02"], gaps })
    expect(d!.reason).toContain("tệp ?4.xlsx không xác định được chi bộ")
    expect(d!.reason).not.toContain("?5.xlsx")
    expect(d!.reason).toContain(`; và 2 tệp khác (xem trang "Lỗi dữ liệu").`)
  })

  it("a cut-short file or an unresolved file naming the cell as a candidate caveats it too; an unattributed file does not", () => {
    const gaps = inputGaps(
      [
        file({ file: "cb01.xlsx", suspectTruncated: true }),
        file({ file: "cb02.xlsx", unitCode: "CB02" }),
        file({ file: "?.xlsx", unitCode: null, kind: null, error: "Không xác định được chi bộ", candidateUnits: ["CB01"] }),
        file({ file: "hong.xlsx", unitCode: null, kind: null, rowsRead: 0, error: "Tệp bị hỏng" })
      ],
      []
    )
    const ds = run([a, c, e], [listed], { withRoster: ["CB01", "CB02"], gaps })
    const byMember = new Map(ds.map((x) => [x.memberIds[0], x]))
    expect(byMember.get("DV1")!.reason).toContain("tệp cb01.xlsx có thể bị cắt cụt")
    expect(byMember.get("DV1")!.reason).toContain("tệp ?.xlsx không xác định được chi bộ và có thể là danh sách của chi bộ này")
    expect(byMember.get("DV4")!.caveats).toBeUndefined()
  })
})

describe("ROSTER_NOT_SUBMITTED and the cells not covered", () => {
  const a = member("DV1", "Nguyễn Văn An", "01/01/1960", "CB01")
  const b = member("DV2", "Trần Thị Bình", "02/02/1970", "CB02")
  const b2 = member("DV5", "Trần Văn Bảo", "02/02/1972", "CB02")
  const gone = member("DV6", "Đỗ Văn Cũ", "02/02/1950", "CB02", { status: "DECEASED" })
  const home = [row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"] as [RosterRow, string]

  it("one finding per cell with active members and no official list, with its active members and their count", () => {
    const ds = run([a, b, b2, gone], [home], { withRoster: ["CB01"] })
    expect(ds.map((x) => [x.category, x.kind, x.unitCode, x.memberIds, x.rosterRows, x.recommendation])).toEqual([
      ["ROSTER_NOT_SUBMITTED", "finding", "CB02", ["DV2", "DV5"], [], "Xác minh"]
    ])
    expect(ds[0]!.id).toMatch(/^NS-[0-9a-f]{12}$/)
    expect(ds[0]!.reason).toBe(
      "Chi bộ thôn Tây (mã CB02) có 2 đảng viên đang sinh hoạt theo cơ sở dữ liệu nhưng không có danh sách đảng viên " +
        "chính thức nào của chi bộ trong đợt đối khớp: chưa đối chiếu được đảng viên nào của chi bộ. Đề nghị chi bộ nộp danh sách."
    )
  })

  it("says when the cell sent only another kind of list, or when an unusable file may be its list", () => {
    const r213 = [row("cb02-213.xlsx", "CB02", "Hồ Văn Khách", "01/01/1985", { kind: "RESIDENCE_213" }), null] as [RosterRow, null]
    const gaps = inputGaps(
      [
        file({ file: "cb01.xlsx" }),
        file({ file: "?.xlsx", unitCode: null, kind: null, error: "Không xác định được chi bộ", candidateUnits: ["CB02"] }),
        file({ file: "hong.xlsx", unitCode: null, kind: null, rowsRead: 0, error: "Tệp bị hỏng" })
      ],
      []
    )
    const [ns] = run([a, b], [home, r213], { withRoster: ["CB01"], gaps })
    expect(ns!.reason).toContain("(chỉ có danh sách sinh hoạt nơi cư trú (213))")
    expect(ns!.reason).toContain("Lưu ý: tệp ?.xlsx không xác định được chi bộ và có thể là danh sách của chi bộ này.")
    expect(ns!.reason).toContain("Trong đợt này có 1 tệp không đọc được và không rõ của chi bộ nào (hong.xlsx)")
    expect(ns!.caveats).toEqual(["INPUT_INCOMPLETE"])
  })

  it("uncoveredCells lists cells without a list and cells read only in part, in code order, with active members", () => {
    const c = member("DV3", "Lê Văn Cường", "03/03/1965", "CB03")
    const gaps = inputGaps([file({ file: "cb01.xlsx", rowsRejected: 1, rowsIngested: 9 }), file({ file: "cb03.xlsx", unitCode: "CB03" })], [rejected("cb01.xlsx", 4)])
    expect(uncoveredCells({ members: [a, b, b2, gone, c], units, transfers: [] }, new Set(["CB01", "CB03"]), gaps)).toEqual([
      { unitCode: "CB01", unitName: "Chi bộ thôn Đông", parentCode: "DB01", activeMembers: 1, why: "UNREAD_INPUT" },
      { unitCode: "CB02", unitName: "Chi bộ thôn Tây", parentCode: "DB01", activeMembers: 2, why: "NO_ROSTER" }
    ])
  })
})
