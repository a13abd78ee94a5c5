import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  classifyHeader,
  detectAttendanceColumns,
  parseDues,
  parseMark,
  readAttendance
} from "../../src/Ingest/Attendance.js"

describe("attendance headers", () => {
  it.each([
    ["T1", null, { kind: "presence", month: 1 }],
    ["Tháng 12", null, { kind: "presence", month: 12 }],
    ["th.3", null, { kind: "presence", month: 3 }],
    ["Tháng 01", null, { kind: "presence", month: 1 }],
    ["Đảng phí T4", null, { kind: "dues", month: 4 }],
    ["ĐP tháng 5", null, { kind: "dues", month: 5 }],
    ["T6", "Đảng phí", { kind: "dues", month: 6 }],
    ["7", "Sinh hoạt", { kind: "presence", month: 7 }],
    ["7", null, null],
    ["T13", null, null],
    ["Họ và tên", null, null],
    ["Tên", null, null]
  ] as const)("%s under %s", (text, group, expected) => {
    expect(classifyHeader(text, group)).toEqual(expected)
  })

  it("finds presence and dues columns of a two-row header", () => {
    const headers = ["STT", "Họ và tên", ...Array.from({ length: 12 }, (_, i) => `T${i + 1}`), ...Array.from({ length: 12 }, (_, i) => `T${i + 1}`)]
    const groups = [null, null, ...Array(12).fill("Sinh hoạt"), ...Array(12).fill("Đảng phí")]
    const cols = detectAttendanceColumns(headers, groups)!
    expect(cols.presence).toEqual(Array.from({ length: 12 }, (_, i) => i + 2))
    expect(cols.dues).toEqual(Array.from({ length: 12 }, (_, i) => i + 14))
  })

  it("is null for a roster without month columns (or one stray T1)", () => {
    expect(detectAttendanceColumns(["STT", "Họ và tên", "Ngày sinh", "T1"])).toBeNull()
    expect(detectAttendanceColumns(["1", "2", "3", "4"])).toBeNull()
  })
})

describe("attendance cells", () => {
  it.each([
    ["x", "PRESENT"], ["Có mặt", "PRESENT"], ["C", "PRESENT"],
    ["v", "EXCUSED"], ["P", "EXCUSED"], ["vắng có lý do", "EXCUSED"],
    ["k", "UNEXCUSED"], ["KP", "UNEXCUSED"], ["Vắng không lý do", "UNEXCUSED"],
    ["m", "EXEMPT"], ["Miễn", "EXEMPT"],
    ["", null], [null, null], ["  ", null],
    ["vắng", undefined], ["?", undefined]
  ] as const)("mark %s → %s", (cell, expected) => {
    expect(parseMark(cell)).toBe(expected)
  })

  it.each([
    ["x", true], [15000, true], ["15.000", true], ["đã đóng", true],
    [0, false], ["0", false], ["chưa đóng", false], ["k", false],
    [null, null], ["", null], ["abc", undefined]
  ] as const)("dues %s → %s", (cell, expected) => {
    expect(parseDues(cell)).toBe(expected)
  })

  it("parsing a mark never throws and ignores case (property)", () => {
    fc.assert(fc.property(fc.string(), (s) => {
      expect(parseMark(s.toUpperCase())).toBe(parseMark(s.toLowerCase()))
    }))
  })

  it("reads a row; unreadable cells are problems and the month stays unknown", () => {
    const cols = detectAttendanceColumns(["Họ và tên", "T1", "T2", "T3", "T4", "ĐP T1", "ĐP T2"])!
    const r = readAttendance(["Nguyễn Văn An", "x", "k", "??", null, 20000, "0"], cols)
    expect(r.attendance.slice(0, 5)).toEqual([
      { mark: "PRESENT", duesPaid: true },
      { mark: "UNEXCUSED", duesPaid: false },
      null,
      null,
      null
    ])
    expect(r.attendance).toHaveLength(12)
    expect(r.problems).toEqual([{ columnIndex: 3, reason: expect.stringContaining("Tháng 3: không hiểu ký hiệu \"??\"") }])
  })
})
