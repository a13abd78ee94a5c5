import { describe, expect, it } from "vitest"
import type { CentralMember, RosterRow, Transfer } from "../../src/Domain.js"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import { dayNumberOf, makeCalendar } from "../../src/Rules/Calendar.js"
import { applyRules, findingId, paramsAsOf } from "../../src/Rules/Rules.js"
import type { CentralDuplicate, LinkedRow } from "../../src/Rules/Rules.js"
import { member, row, transfer, units } from "./fixtures.js"

const decl = annualRosterMatching

const findings = (
  members: Array<CentralMember>,
  linked: Array<[RosterRow, string | null]>,
  opts: { transfers?: Array<Transfer>; duplicates?: Array<CentralDuplicate>; asOf?: string; withRoster?: Array<string> } = {}
) => {
  const asOf = opts.asOf ?? "2026-10-31"
  const rows: Array<LinkedRow> = linked.map(([r, id]) => ({ row: r, memberId: id, score: id === null ? null : 0.99, closestId: null, closestScore: null }))
  return applyRules({
    central: { members, units, transfers: opts.transfers ?? [] },
    rows,
    unitsWithRoster: new Set(opts.withRoster ?? ["CB01", "CB02", "CB03"]),
    centralDuplicates: opts.duplicates ?? [],
    asOf: dayNumberOf(+asOf.slice(0, 4), +asOf.slice(5, 7), +asOf.slice(8, 10)),
    params: paramsAsOf(decl.rules, asOf),
    calendar: makeCalendar(decl.calendar)
  })
}
const cats = (ds: ReturnType<typeof findings>) => ds.map((d) => `${d.category}:${d.memberIds.join("+")}`)
/** The findings of one category (cells without a roster also get ROSTER_NOT_SUBMITTED, beside the point here). */
const only = (category: string, ds: ReturnType<typeof findings>) => ds.filter((d) => d.category === category)

const a = member("DV1", "Nguyễn Văn An", "01/01/1960", "CB01")
const b = member("DV2", "Trần Thị Bình", "02/02/1970", "CB02", { sex: "F" })

describe("rules", () => {
  it("a clean reconciliation has no findings", () => {
    expect(findings([a, b], [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"], [row("cb02.xlsx", "CB02", "Trần Thị Bình", "02/02/1970"), "DV2"]])).toEqual([])
  })

  it("MISSING_FROM_ROSTER only where the cell sent a roster; a cell without one gets one ROSTER_NOT_SUBMITTED", () => {
    expect(cats(findings([a, b], [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"]]))).toEqual(["MISSING_FROM_ROSTER:DV2"])
    expect(cats(findings([a, b], [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"]], { withRoster: ["CB01"] })))
      .toEqual(["ROSTER_NOT_SUBMITTED:DV2"])
  })

  it("NOT_IN_CENTRAL for official rows only; not for a 213 list", () => {
    const ds = findings([a], [
      [row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"],
      [row("cb01.xlsx", "CB01", "Hồ Văn Lạ", "01/01/1980"), null],
      [row("cb02-213.xlsx", "CB02", "Đỗ Văn Khách", "01/01/1985", { kind: "RESIDENCE_213" }), null]
    ], { withRoster: ["CB01"] })
    expect(cats(ds)).toEqual(["NOT_IN_CENTRAL:"])
    expect(ds[0]!.reason).toContain("Hồ Văn Lạ")
  })

  it("UNREPORTED_TRANSFER when listed elsewhere with no transfer; not with a transfer on record, a 213 list or a temporary transfer", () => {
    const elsewhere = row("cb02.xlsx", "CB02", "Nguyễn Văn An", "01/01/1960")
    expect(cats(findings([a], [[elsewhere, "DV1"]], { withRoster: ["CB01", "CB02"] }))).toEqual(["UNREPORTED_TRANSFER:DV1"])
    const pending = transfer("DV1", "CB01", "CB02", "20/10/2026", null)
    expect(findings([a], [[elsewhere, "DV1"]], { transfers: [pending] })).toEqual([])
    const r213 = row("cb02.xlsx", "CB02", "Nguyễn Văn An", "01/01/1960", { kind: "RESIDENCE_213" })
    const home = row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960")
    expect(findings([a], [[home, "DV1"], [r213, "DV1"]])).toEqual([])
    const temp = row("cb02t.xlsx", "CB02", "Nguyễn Văn An", "01/01/1960", { kind: "TEMPORARY" })
    expect(findings([a], [[home, "DV1"], [temp, "DV1"]], { transfers: [transfer("DV1", "CB01", "CB02", "01/06/2026", "10/06/2026", "TEMPORARY")] })).toEqual([])
    expect(cats(findings([a], [[home, "DV1"], [temp, "DV1"]]))).toEqual(["UNREPORTED_TRANSFER:DV1"])
  })

  it("TRANSFER_OVERDUE after 30 working days; removal proposed after 3 months", () => {
    const justOver = findings([a], [], { transfers: [transfer("DV1", "CB01", "CB02", "15/09/2026", null)], withRoster: [] })
    expect(cats(justOver)).toEqual(["ROSTER_NOT_SUBMITTED:DV1", "TRANSFER_OVERDUE:DV1"])
    expect(only("TRANSFER_OVERDUE", justOver)[0]!.recommendation).toBe("Xác minh")
    const long = findings([a], [], { transfers: [transfer("DV1", "CB01", "CB02", "01/05/2026", null)], withRoster: [] })
    expect(only("TRANSFER_OVERDUE", long)[0]!.recommendation).toBe("Đề nghị xem xét xóa tên")
    // 1 October + 30 working days (2/9 holiday is behind) ends mid-November: still inside the window.
    expect(only("TRANSFER_OVERDUE", findings([a], [], { transfers: [transfer("DV1", "CB01", "CB02", "01/10/2026", null)], withRoster: [] }))).toEqual([])
    // A received transfer is never overdue.
    expect(only("TRANSFER_OVERDUE", findings([a], [], { transfers: [transfer("DV1", "CB01", "CB02", "01/05/2026", "10/05/2026")], withRoster: [] }))).toEqual([])
  })

  it("the deadline follows the rules in force on the as-of date", () => {
    expect(paramsAsOf(decl.rules, "2024-12-31").regulation).toBe("Quy định 24-QĐ/TW")
    expect(paramsAsOf(decl.rules, "2026-10-31").regulation).toBe("Quy định 294-QĐ/TW")
  })

  it("DUPLICATE_ROSTER for two official lists, but not inside a transfer window", () => {
    const home = row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960")
    const other = row("cb02.xlsx", "CB02", "Nguyễn Văn An", "01/01/1960")
    const ds = findings([a], [[home, "DV1"], [other, "DV1"]], { withRoster: ["CB01", "CB02"] })
    expect(cats(ds)).toEqual(["DUPLICATE_ROSTER:DV1"])
    expect(ds[0]!.rosterRows).toHaveLength(2)
    expect(findings([a], [[home, "DV1"], [other, "DV1"]], { transfers: [transfer("DV1", "CB01", "CB02", "20/10/2026", null)] })).toEqual([])
  })

  it("DUPLICATE_CENTRAL, and the unlisted twin record is not also missing", () => {
    const twin = member("DV9", "Nguyễn Văn An", "01/01/1960", "CB01")
    const ds = findings([a, twin], [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"]], { duplicates: [{ a: "DV9", b: "DV1", score: 0.999 }] })
    expect(cats(ds)).toEqual(["DUPLICATE_CENTRAL:DV1+DV9"])
    expect(ds[0]!.recommendation).toBe("Gộp hồ sơ trùng")
  })

  it("FIELD_MISMATCH per field for real conflicts; a swap or a year-only birth date is a correction, not a mismatch", () => {
    const m = member("DV1", "Nguyễn Văn An", "03/04/1960", "CB01", { cccd: "036060001234", cardNo: "00123456" })
    const swapped = row("cb01.xlsx", "CB01", "Nguyễn Văn An", "04/03/1960", { cccd: "036060001243", cardNo: "00123457" })
    const ds = findings([m], [[swapped, "DV1"]])
    expect(ds.map((d) => [d.category, d.kind, d.field])).toEqual([
      ["FIELD_MISMATCH", "finding", "Số CCCD"],
      ["FIELD_MISMATCH", "finding", "Số thẻ đảng viên"],
      ["DATA_CORRECTION", "correction", "Ngày sinh"]
    ])
    expect(ds[2]!.reason).toContain("ghi 04/03/1960, cơ sở dữ liệu ghi 03/04/1960: có thể nhầm ngày với tháng")
    const otherDay = row("cb01.xlsx", "CB01", "Nguyễn Văn An", "13/04/1960")
    expect(findings([m], [[otherDay, "DV1"]]).map((d) => [d.category, d.field, d.rosterValue])).toEqual([["FIELD_MISMATCH", "Ngày sinh", "13/04/1960"]])
    const yearOnly = row("cb01.xlsx", "CB01", "Nguyễn Văn An", null, { birth: { year: 1960, month: null, day: null } })
    expect(findings([m], [[yearOnly, "DV1"]]).map((d) => [d.category, d.recommendation])).toEqual([["DATA_CORRECTION", "Cập nhật danh sách chi bộ"]])
    const otherYear = row("cb01.xlsx", "CB01", "Nguyễn Văn An", null, { birth: { year: 1961, month: null, day: null } })
    expect(findings([m], [[otherYear, "DV1"]]).map((d) => d.category)).toEqual(["FIELD_MISMATCH"])
  })

  it("STATUS_CONFLICT for a listed member recorded as dead", () => {
    const dead = member("DV1", "Nguyễn Văn An", "01/01/1960", "CB01", { status: "DECEASED" })
    const ds = findings([dead], [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"]])
    expect(cats(ds)).toEqual(["STATUS_CONFLICT:DV1"])
    expect(ds[0]!.reason).toContain("Từ trần")
  })

  it("finding ids are stable and do not depend on row numbers", () => {
    const ds1 = findings([a, b], [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"]])
    const ds2 = findings([a, b], [[row("cb01.xlsx", "CB01", "Nguyễn Văn An", "01/01/1960"), "DV1"]])
    expect(ds1.map((d) => d.id)).toEqual(ds2.map((d) => d.id))
    expect(ds1[0]!.id).toBe(findingId("MISSING_FROM_ROSTER", ["DV2"]))
    expect(ds1[0]!.id).toMatch(/^MR-[0-9a-f]{12}$/)
  })
})
