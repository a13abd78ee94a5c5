import { describe, expect, it } from "vitest"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import type { MonthAttendance, RosterRow } from "../../src/Domain.js"
import { dayNumberOf, makeCalendar } from "../../src/Rules/Calendar.js"
import { absenceMonths, applyRules, paramsAsOf } from "../../src/Rules/Rules.js"
import type { RuleParams } from "../../src/Rules/Rules.js"
import { member, row, transfer, units } from "./fixtures.js"

const P: MonthAttendance = { mark: "PRESENT", duesPaid: true }
const K: MonthAttendance = { mark: "UNEXCUSED", duesPaid: null }
const V: MonthAttendance = { mark: "EXCUSED", duesPaid: false }
const M: MonthAttendance = { mark: "EXEMPT", duesPaid: null }
const D: MonthAttendance = { mark: "PRESENT", duesPaid: false } // attended, dues unpaid

const year = (...months: Array<MonthAttendance | null>) => [...months, ...Array(12 - months.length).fill(null)]

describe("absenceMonths", () => {
  it("counts unexcused absences and unpaid dues; excused, exempt and blank months never count", () => {
    expect(absenceMonths(year(K, P, D, P, K), 3, false)).toEqual([1, 3, 5])
    expect(absenceMonths(year(K, V, M, null, K), 3, false)).toEqual([])
  })
  it("consecutive: three in a row are needed", () => {
    expect(absenceMonths(year(K, P, K, P, K), 3, true)).toEqual([])
    expect(absenceMonths(year(P, K, D, K), 3, true)).toEqual([2, 3, 4])
  })
})

const a = member("DV1", "Nguyễn Văn An", "01/01/1960", "CB01")
const asOf = "2026-10-31"
const findings = (rows: Array<[RosterRow, string | null]>, params: Partial<RuleParams> = {}, transfers = [] as Array<ReturnType<typeof transfer>>) =>
  applyRules({
    central: { members: [a], units, transfers },
    rows: rows.map(([r, id]) => ({ row: r, memberId: id, score: 0.99, closestId: null, closestScore: null })),
    unitsWithRoster: new Set(["CB01"]),
    centralDuplicates: [],
    asOf: dayNumberOf(2026, 10, 31),
    params: { ...paramsAsOf(annualRosterMatching.rules, asOf), ...params },
    calendar: makeCalendar(annualRosterMatching.calendar)
  })

describe("ABSENCE_3_MONTHS", () => {
  it("proposes removal, citing the rule and the checks applied", () => {
    const r = row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960", { attendance: year(K, P, K, P, D) })
    const [f, ...rest] = findings([[r, "DV1"]])
    expect(rest).toEqual([])
    expect(f).toMatchObject({
      category: "ABSENCE_3_MONTHS",
      unitCode: "CB01",
      memberIds: ["DV1"],
      rosterValue: "T1, T3, T5",
      recommendation: "Đề nghị xem xét xóa tên",
      checks: ["RESIDENCE_213", "TEMPORARY", "TRANSFER_WINDOW", "EXEMPT"]
    })
    expect(f!.rule).toContain("Quy định 294-QĐ/TW §8.1")
    expect(f!.reason).toContain("3 tháng")
    expect(f!.id).toMatch(/^AB-[0-9a-f]{12}$/)
    // Consecutive months switched on in the pipeline: not three in a row.
    expect(findings([[r, "DV1"]], { absenceConsecutive: true })).toEqual([])
  })

  it("is never raised for an exempt member, a 213 list, or a member on a temporary transfer elsewhere", () => {
    const att = year(K, K, K, K)
    expect(findings([[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960", { attendance: att, exempt: true }), "DV1"]])).toEqual([])
    expect(findings([
      [row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"],
      [row("cb02-213.xlsx", "CB02", "Nguyễn Văn An", "01/01/1960", { attendance: att, kind: "RESIDENCE_213" }), "DV1"]
    ])).toEqual([])
    expect(findings(
      [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960", { attendance: att }), "DV1"]],
      {},
      [transfer("DV1", "CB01", "CB02", "01/03/2026", null, "TEMPORARY")]
    )).toEqual([])
  })

  it("a roster without attendance columns raises nothing", () => {
    expect(findings([[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"]])).toEqual([])
  })
})
