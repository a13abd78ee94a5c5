/**
 * The discrepancy rules: pure functions from the matched data to findings. Each category is one
 * function; the parameters (deadlines) come from the pipeline declaration, chosen by the as-of date.
 */
import { createHash } from "node:crypto"
import type {
  CentralData,
  CentralMember,
  Category,
  Discrepancy,
  FileSummary,
  LegitimacyCheck,
  MonthAttendance,
  PartialDate,
  Recommendation,
  Rejection,
  RosterKind,
  RosterRow,
  RowRef,
  Transfer,
  UncoveredCell,
  Unit
} from "../Domain.js"
import { Categories, MemberStatusLabels } from "../Domain.js"
import { datesAgree, dayNumber, formatDate } from "../Normalize/Date.js"
import type { Calendar } from "./Calendar.js"
import { isoOfDayNumber } from "./Calendar.js"

/** Rule parameters in force from a date (rules changed 2016 → 2021 → 1/2025 → 7/2025). */
export interface RuleParams {
  /** From this ISO date on. */
  readonly effectiveFrom: string
  /** The implementing regulation cited in reasons, e.g. "Quy định 294-QĐ/TW". */
  readonly regulation: string
  /** Working days to present a transfer letter at the destination (§6.3.1). */
  readonly transferPresentWorkingDays: number
  /** Months after the transfer notice before a removal proposal (practice manual 12-HD/BTCTW). */
  readonly transferRemovalMonths: number
  readonly transferRemovalSource: string
  /** Longest period of a temporary transfer (3 months to 2 years). */
  readonly temporaryTransferMaxMonths: number
  /** Xóa tên ground 1 (Điều lệ art. 8): months in a year without activity or dues, without good reason. */
  readonly absenceMonths: number
  /** Whether those months must be consecutive; the text does not say (domain brief §3), so it is a choice. */
  readonly absenceConsecutive: boolean
  /** The document (and section) each category's rule rests on, cited on every finding as `rule`. */
  readonly citations: Readonly<Record<Category, string>>
}

/** The parameter set in force on `asOf` (ISO date); the earliest one if none is yet in force. */
export const paramsAsOf = (sets: ReadonlyArray<RuleParams>, asOf: string): RuleParams => {
  const sorted = [...sets].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
  let chosen = sorted[0]
  if (chosen === undefined) throw new Error("no rule parameters declared")
  for (const s of sorted) if (s.effectiveFrom <= asOf) chosen = s
  return chosen
}

/** A roster row with the central member it was linked to. */
export interface LinkedRow {
  readonly row: RosterRow
  readonly memberId: string | null
  readonly score: number | null
  readonly closestId: string | null
  readonly closestScore: number | null
}

export interface CentralDuplicate {
  readonly a: string
  readonly b: string
  readonly score: number
}

export interface RulesInput {
  readonly central: CentralData
  readonly rows: ReadonlyArray<LinkedRow>
  /** Units for which an official roster file was ingested: only their members can be "missing". */
  readonly unitsWithRoster: ReadonlySet<string>
  readonly centralDuplicates: ReadonlyArray<CentralDuplicate>
  /** As-of date, as a day number. */
  readonly asOf: number
  readonly params: RuleParams
  readonly calendar: Calendar
  /** What of each cell's input was not fully read (`inputGaps`); nothing when absent. */
  readonly gaps?: InputGaps
  /**
   * Unit code → its province (a national central: the index's provinces, or the roots of a central
   * with several). A move between two provinces names both; absent: one province, nothing named.
   */
  readonly provinces?: ReadonlyMap<string, { readonly code: string; readonly name: string }>
}

/** One piece of a cell's input that was not fully read. */
export interface InputGap {
  readonly file: string
  readonly problem: "ROWS_REJECTED" | "TRUNCATED" | "UNREADABLE" | "UNRESOLVED"
  /** ROWS_REJECTED: how many rows, and their numbers as a spreadsheet shows them (when the rejections list them). */
  readonly count: number
  readonly rows: ReadonlyArray<number>
}

export interface InputGaps {
  /** Per cell code: its official lists' rejected rows and cut-short files, and unusable files that may be its list. */
  readonly byUnit: ReadonlyMap<string, ReadonlyArray<InputGap>>
  /** Files that could not be used and name no cell at all (no unit, no candidate). */
  readonly unattributed: ReadonlyArray<string>
}

/**
 * What of each cell's input was not read, from the per-file accounting: rejected rows and a file
 * flagged as cut short count for the cell of an official (or unknown-kind) list; a file that could not
 * be used counts for its cell when known, else for every candidate cell the resolver proposed, else it
 * is unattributed. Lists of other kinds (213, temporary) do not decide who is missing and are left out.
 */
export const inputGaps = (files: ReadonlyArray<FileSummary>, rejections: ReadonlyArray<Rejection>): InputGaps => {
  const rowsOf = new Map<string, Set<number>>()
  for (const r of rejections) {
    if (r.row === null) continue
    const set = rowsOf.get(r.file) ?? new Set<number>()
    set.add(r.row)
    rowsOf.set(r.file, set)
  }
  const byUnit = new Map<string, Array<InputGap>>()
  const add = (unit: string, gap: InputGap): void => {
    const list = byUnit.get(unit)
    if (list === undefined) byUnit.set(unit, [gap])
    else list.push(gap)
  }
  const unattributed: Array<string> = []
  for (const f of files) {
    if (f.error !== null) {
      const units = f.unitCode !== null ? [f.unitCode] : [...new Set(f.candidateUnits ?? [])]
      if (units.length === 0) unattributed.push(f.file)
      const problem = f.unitCode !== null ? "UNREADABLE" : "UNRESOLVED"
      for (const u of units) add(u, { file: f.file, problem, count: f.rowsRead, rows: [] })
      continue
    }
    if (f.unitCode === null || (f.kind !== null && f.kind !== "OFFICIAL")) continue
    if (f.rowsRejected > 0) {
      const rows = [...(rowsOf.get(f.file) ?? [])].sort((a, b) => a - b)
      add(f.unitCode, { file: f.file, problem: "ROWS_REJECTED", count: f.rowsRejected, rows })
    }
    if (f.suspectTruncated) add(f.unitCode, { file: f.file, problem: "TRUNCATED", count: 0, rows: [] })
  }
  return { byUnit, unattributed }
}

const NO_GAPS: InputGaps = { byUnit: new Map(), unattributed: [] }

/** At most `n` items, then how many more. */
const listSome = (items: ReadonlyArray<string | number>, n: number): string =>
  items.slice(0, n).join(", ") + (items.length > n ? ` và ${items.length - n} dòng khác` : "")

/** A gap as a clause of a Vietnamese sentence. */
export const gapText = (g: InputGap): string => {
  switch (g.problem) {
    case "ROWS_REJECTED":
      return `danh sách của chi bộ có ${g.count} dòng không đọc được: tệp ${g.file}` +
        (g.rows.length === 0 ? "" : `, dòng ${listSome(g.rows, 10)}`)
    case "TRUNCATED":
      return `tệp ${g.file} có thể bị cắt cụt (thiếu các dòng cuối)`
    case "UNREADABLE":
      return `tệp ${g.file} của chi bộ không đọc được`
    case "UNRESOLVED":
      return `tệp ${g.file} không xác định được chi bộ và có thể là danh sách của chi bộ này`
  }
}

/** The gaps of a cell as one clause; past five, how many more (all are on the "Lỗi dữ liệu" sheet). */
const gapsText = (gaps: ReadonlyArray<InputGap>): string =>
  gaps.slice(0, 5).map(gapText).join("; ") +
  (gaps.length > 5 ? `; và ${gaps.length - 5} tệp khác (xem trang "Lỗi dữ liệu")` : "")

/** Cells with active members, in code order, with how many; from the central data. */
const activeByCell = (central: CentralData): Map<string, Array<CentralMember>> => {
  const out = new Map<string, Array<CentralMember>>()
  for (const m of central.members) {
    if (m.status !== "ACTIVE") continue
    const list = out.get(m.unitCode)
    if (list === undefined) out.set(m.unitCode, [m])
    else list.push(m)
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)))
}

/**
 * Every cell with active members that was not reconciled in full: no official list read (NO_ROSTER,
 * or UNREAD_INPUT when an unusable file may be its list), or a list read only in part (UNREAD_INPUT).
 */
export const uncoveredCells = (
  central: CentralData,
  unitsWithRoster: ReadonlySet<string>,
  gaps: InputGaps
): Array<UncoveredCell> => {
  const units = new Map(central.units.map((u) => [u.code, u]))
  const out: Array<UncoveredCell> = []
  for (const [code, members] of activeByCell(central)) {
    const unread = (gaps.byUnit.get(code) ?? []).length > 0
    if (unitsWithRoster.has(code) && !unread) continue
    const u = units.get(code)
    out.push({
      unitCode: code,
      unitName: u?.name ?? code,
      parentCode: u?.parentCode ?? null,
      activeMembers: members.length,
      why: unread ? "UNREAD_INPUT" : "NO_ROSTER"
    })
  }
  return out
}

const CATEGORY_PREFIX: Record<Category, string> = {
  MISSING_FROM_ROSTER: "MR",
  NOT_IN_CENTRAL: "NC",
  UNREPORTED_TRANSFER: "UT",
  TRANSFER_OVERDUE: "TO",
  DUPLICATE_CENTRAL: "DC",
  DUPLICATE_ROSTER: "DR",
  FIELD_MISMATCH: "FM",
  STATUS_CONFLICT: "SC",
  ABSENCE_3_MONTHS: "AB",
  ROSTER_NOT_SUBMITTED: "NS",
  DATA_CORRECTION: "HC"
}

/** Stable id: the category and the facts that identify the finding, not row numbers (rows move when files are edited). */
export const findingId = (category: Category, key: ReadonlyArray<string>): string =>
  `${CATEGORY_PREFIX[category]}-${createHash("sha256").update([category, ...key].join("\u0001")).digest("hex").slice(0, 12)}`


const KIND_LABEL: Record<RosterKind, string> = {
  OFFICIAL: "danh sách đảng viên chính thức",
  TEMPORARY: "danh sách sinh hoạt tạm thời",
  RESIDENCE_213: "danh sách giữ mối liên hệ nơi cư trú (Quy định 213-QĐ/TW)"
}

const refText = (r: RowRef): string => `${r.file}, trang "${r.sheet}", dòng ${r.row}`
const ref = (r: RosterRow): RowRef => ({ file: r.file, sheet: r.sheet, row: r.row })
const pct = (p: number): string => `${Math.round(p * 100)}%`
const round = (p: number | null): number | null => (p === null ? null : Math.round(p * 10000) / 10000)

interface Context {
  readonly input: RulesInput
  readonly members: ReadonlyMap<string, CentralMember>
  readonly units: ReadonlyMap<string, Unit>
  readonly transfersOf: ReadonlyMap<string, ReadonlyArray<Transfer>>
  readonly rowsOf: ReadonlyMap<string, ReadonlyArray<LinkedRow>>
}

const unitName = (ctx: Context, code: string | null): string => {
  if (code === null) return "(không rõ chi bộ)"
  const u = ctx.units.get(code)
  return u === undefined ? code : u.name
}

const who = (m: CentralMember): string =>
  `${m.name.display} (mã ${m.id}${m.birth === null ? "" : `, sinh ${formatDate(m.birth)}`})`

/** Deadline (day number) to present an official transfer letter; null when the letter has no full date. */
const presentDeadline = (ctx: Context, t: Transfer): number | null => {
  const intro = t.introduced === null ? null : dayNumber(t.introduced)
  return intro === null ? null : ctx.input.calendar.addWorkingDays(intro, ctx.input.params.transferPresentWorkingDays)
}

const isPending = (t: Transfer): boolean => t.kind === "OFFICIAL" && t.received === null

/** Pending official transfer of the member between two units (either direction), still inside its window. */
const inTransferWindow = (ctx: Context, memberId: string, u: string, v: string): boolean =>
  (ctx.transfersOf.get(memberId) ?? []).some((t) => {
    if (!isPending(t)) return false
    const between = (t.fromUnit === u && t.toUnit === v) || (t.fromUnit === v && t.toUnit === u)
    const deadline = presentDeadline(ctx, t)
    return between && deadline !== null && ctx.input.asOf <= deadline
  })

const hasOfficialTransfer = (ctx: Context, memberId: string, from: string, to: string): boolean =>
  (ctx.transfersOf.get(memberId) ?? []).some((t) => t.kind === "OFFICIAL" && t.fromUnit === from && t.toUnit === to)

const addMonths = (dayNo: number, months: number): number => {
  const d = new Date(dayNo * 86_400_000)
  d.setUTCMonth(d.getUTCMonth() + months)
  return Math.floor(d.getTime() / 86_400_000)
}

/** A temporary transfer to `to`, introduced on or before as-of and within the longest temporary period. */
const hasActiveTemporaryTransfer = (ctx: Context, memberId: string, to: string): boolean =>
  (ctx.transfersOf.get(memberId) ?? []).some((t) => {
    if (t.kind !== "TEMPORARY" || t.toUnit !== to || t.introduced === null) return false
    const start = dayNumber(t.introduced) ?? dayNumber({ ...t.introduced, month: t.introduced.month ?? 1, day: 1 })
    if (start === null) return false
    return start <= ctx.input.asOf && ctx.input.asOf <= addMonths(start, ctx.input.params.temporaryTransferMaxMonths)
  })

/** A temporary transfer away from `from`, in force on the as-of date: the member attends the host cell meanwhile. */
const hasActiveTemporaryTransferFrom = (ctx: Context, memberId: string, from: string): boolean =>
  (ctx.transfersOf.get(memberId) ?? []).some((t) => {
    if (t.kind !== "TEMPORARY" || t.fromUnit !== from || t.introduced === null) return false
    const start = dayNumber(t.introduced) ?? dayNumber({ ...t.introduced, month: t.introduced.month ?? 1, day: 1 })
    if (start === null) return false
    return start <= ctx.input.asOf && ctx.input.asOf <= addMonths(start, ctx.input.params.temporaryTransferMaxMonths)
  })

const cite = (ctx: Context, category: Category): string => ctx.input.params.citations[category]

/** Only official lists are checked: 213 and temporary lists legitimately repeat people listed officially elsewhere. */
const OFFICIAL_ONLY: ReadonlyArray<LegitimacyCheck> = ["RESIDENCE_213", "TEMPORARY"]

const pendingOut = (ctx: Context, m: CentralMember): ReadonlyArray<Transfer> =>
  (ctx.transfersOf.get(m.id) ?? []).filter((t) => isPending(t) && t.fromUnit === m.unitCode)

// ---------------------------------------------------------------------------------------------
// One function per category

const statusConflicts = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  for (const lr of ctx.input.rows) {
    if (lr.memberId === null || lr.row.kind !== "OFFICIAL") continue
    const m = ctx.members.get(lr.memberId)!
    if (m.status === "ACTIVE") continue
    out.push({
      id: findingId("STATUS_CONFLICT", [m.id, lr.row.unitCode]),
      category: "STATUS_CONFLICT",
      kind: "finding",
      unitCode: lr.row.unitCode,
      memberIds: [m.id],
      rosterRows: [ref(lr.row)],
      score: round(lr.score),
      field: "Trạng thái",
      centralValue: MemberStatusLabels[m.status],
      rosterValue: "Đang sinh hoạt",
      reason:
        `${who(m)} có tên trong ${KIND_LABEL[lr.row.kind]} của ${unitName(ctx, lr.row.unitCode)} (${refText(lr.row)}) ` +
        `nhưng cơ sở dữ liệu ghi trạng thái "${MemberStatusLabels[m.status]}".`,
      recommendation: "Xác minh",
      rule: cite(ctx, "STATUS_CONFLICT"),
      checks: OFFICIAL_ONLY
    })
  }
  return out
}

/** Conflicting values of a linked row: a different date, CCCD or card number. Corrections are `corrections`' business. */
const fieldMismatches = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  for (const lr of ctx.input.rows) {
    if (lr.memberId === null) continue
    const m = ctx.members.get(lr.memberId)!
    const r = lr.row
    const push = (field: string, centralValue: string, rosterValue: string): void => {
      out.push({
        id: findingId("FIELD_MISMATCH", [m.id, r.unitCode, field]),
        category: "FIELD_MISMATCH",
        kind: "finding",
        unitCode: r.unitCode,
        memberIds: [m.id],
        rosterRows: [ref(r)],
        score: round(lr.score),
        field,
        centralValue,
        rosterValue,
        reason:
          `${field} của ${m.name.display} (mã ${m.id}) không khớp: cơ sở dữ liệu ghi ${centralValue}, ` +
          `danh sách của ${unitName(ctx, r.unitCode)} (${refText(r)}) ghi ${rosterValue}. ` +
          `Cần đối chiếu với hồ sơ gốc để sửa bên sai.`,
        recommendation: "Cập nhật cơ sở dữ liệu",
        rule: cite(ctx, "FIELD_MISMATCH"),
        checks: []
      })
    }
    if (m.birth !== null && r.birth !== null && birthCorrection(m.birth, r.birth) === null) {
      const agreement = datesAgree(m.birth, r.birth)
      if (agreement !== "EXACT" && agreement !== "COMPATIBLE") push("Ngày sinh", formatDate(m.birth), formatDate(r.birth))
    }
    if (m.cccd !== null && r.cccd !== null && m.cccd !== r.cccd) push("Số CCCD", m.cccd, r.cccd)
    if (m.cardNo !== null && r.cardNo !== null && m.cardNo !== r.cardNo) push("Số thẻ đảng viên", m.cardNo, r.cardNo)
  }
  return out
}

/** How precisely a date is known: 1 the year, 2 the month, 3 the day. */
const precision = (d: PartialDate): number => d.month === null ? 1 : d.day === null ? 2 : 3

/**
 * Two birth dates that are the same fact written two ways: day and month swapped, or one side known
 * less precisely than the other and agreeing with it (a year for a full date). Null: not a correction
 * (equal, or a real conflict).
 */
export const birthCorrection = (
  central: PartialDate,
  roster: PartialDate
): "SWAPPED" | "ROSTER_LESS_PRECISE" | "CENTRAL_LESS_PRECISE" | null => {
  const agreement = datesAgree(central, roster)
  if (agreement === "SWAPPED") return "SWAPPED"
  if (agreement !== "COMPATIBLE") return null
  const c = precision(central)
  const r = precision(roster)
  return c > r ? "ROSTER_LESS_PRECISE" : r > c ? "CENTRAL_LESS_PRECISE" : null
}

/** True when the name carries any Vietnamese mark (tone, breve, circumflex, horn, đ). */
const hasMarks = (key: string, folded: string): boolean => key !== folded

/**
 * Two names that differ only in diacritics (after letter case and tone placement, which are spelling
 * conventions and not differences, are set aside). Null: equal, or a different name.
 */
export const nameCorrection = (
  central: { readonly key: string; readonly folded: string },
  roster: { readonly key: string; readonly folded: string }
): "ROSTER_UNMARKED" | "CENTRAL_UNMARKED" | "MARKS_DIFFER" | null => {
  if (central.key === roster.key || central.folded !== roster.folded) return null
  if (!hasMarks(roster.key, roster.folded)) return "ROSTER_UNMARKED"
  if (!hasMarks(central.key, central.folded)) return "CENTRAL_UNMARKED"
  return "MARKS_DIFFER"
}

const spell = (d: PartialDate): string =>
  precision(d) === 1 ? `năm sinh ${formatDate(d)}` : precision(d) === 2 ? `tháng và năm sinh ${formatDate(d)}` : formatDate(d)

/**
 * Data corrections: same person, same fact written two ways on a linked row (day and month swapped,
 * a year for a full date, a name differing only in diacritics). Reported apart from the findings.
 */
const corrections = (ctx: Context): Array<Discrepancy> => {
  const byId = new Map<string, Discrepancy>()
  for (const lr of ctx.input.rows) {
    if (lr.memberId === null) continue
    const m = ctx.members.get(lr.memberId)!
    const r = lr.row
    const where = `danh sách của ${unitName(ctx, r.unitCode)} (${refText(r)})`
    const push = (field: string, centralValue: string, rosterValue: string, text: string, recommendation: Recommendation): void => {
      const id = findingId("DATA_CORRECTION", [m.id, r.unitCode, field, rosterValue])
      const seen = byId.get(id)
      // The same value on two rows of one cell's lists: one correction citing both rows.
      if (seen !== undefined) {
        byId.set(id, { ...seen, rosterRows: [...seen.rosterRows, ref(r)] })
        return
      }
      byId.set(id, {
        id,
        category: "DATA_CORRECTION",
        kind: "correction",
        unitCode: r.unitCode,
        memberIds: [m.id],
        rosterRows: [ref(r)],
        score: round(lr.score),
        field,
        centralValue,
        rosterValue,
        reason: `${field} của ${m.name.display} (mã ${m.id}): ${text}`,
        recommendation,
        rule: cite(ctx, "DATA_CORRECTION"),
        checks: []
      })
    }
    if (m.birth !== null && r.birth !== null) {
      const c = formatDate(m.birth)
      const v = formatDate(r.birth)
      switch (birthCorrection(m.birth, r.birth)) {
        case "SWAPPED":
          push("Ngày sinh", c, v, `${where} ghi ${v}, cơ sở dữ liệu ghi ${c}: có thể nhầm ngày với tháng; đề nghị đối chiếu hồ sơ gốc và sửa cho thống nhất.`, "Cập nhật cơ sở dữ liệu")
          break
        case "ROSTER_LESS_PRECISE":
          push("Ngày sinh", c, v, `${where} chỉ ghi ${spell(r.birth)}, cơ sở dữ liệu ghi ${c}: không mâu thuẫn, danh sách ghi thiếu; đề nghị chi bộ ghi đủ ngày sinh theo hồ sơ.`, "Cập nhật danh sách chi bộ")
          break
        case "CENTRAL_LESS_PRECISE":
          push("Ngày sinh", c, v, `cơ sở dữ liệu chỉ ghi ${spell(m.birth)}, ${where} ghi ${v}: không mâu thuẫn, cơ sở dữ liệu ghi thiếu; đề nghị đối chiếu hồ sơ gốc và bổ sung vào cơ sở dữ liệu.`, "Cập nhật cơ sở dữ liệu")
          break
        case null:
      }
    }
    const c = `"${m.name.display}"`
    const v = `"${r.name.display}"`
    switch (nameCorrection(m.name, r.name)) {
      case "ROSTER_UNMARKED":
        push("Họ và tên", m.name.display, r.name.display, `${where} ghi ${v} (không dấu), cơ sở dữ liệu ghi ${c}: cùng một tên, chỉ khác dấu; đề nghị chi bộ ghi họ tên có dấu theo hồ sơ.`, "Cập nhật danh sách chi bộ")
        break
      case "CENTRAL_UNMARKED":
        push("Họ và tên", m.name.display, r.name.display, `cơ sở dữ liệu ghi ${c} (không dấu), ${where} ghi ${v}: cùng một tên, chỉ khác dấu; đề nghị đối chiếu lý lịch đảng viên và sửa họ tên trong cơ sở dữ liệu.`, "Cập nhật cơ sở dữ liệu")
        break
      case "MARKS_DIFFER":
        push("Họ và tên", m.name.display, r.name.display, `${where} ghi ${v}, cơ sở dữ liệu ghi ${c}: chỉ khác dấu; đề nghị đối chiếu lý lịch đảng viên và sửa cho thống nhất.`, "Cập nhật cơ sở dữ liệu")
        break
      case null:
    }
  }
  return [...byId.values()]
}

const notInCentral = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  const seen = new Map<string, number>()
  for (const lr of ctx.input.rows) {
    if (lr.memberId !== null || lr.row.kind !== "OFFICIAL") continue
    const r = lr.row
    const baseKey = [r.unitCode, r.name.folded, r.birth === null ? "" : formatDate(r.birth)].join("|")
    const n = (seen.get(baseKey) ?? 0) + 1
    seen.set(baseKey, n)
    const closest = lr.closestId === null ? undefined : ctx.members.get(lr.closestId)
    out.push({
      id: findingId("NOT_IN_CENTRAL", [baseKey, String(n)]),
      category: "NOT_IN_CENTRAL",
      kind: "finding",
      unitCode: r.unitCode,
      memberIds: [],
      rosterRows: [ref(r)],
      score: null,
      reason:
        `${r.name.display}${r.birth === null ? "" : ` (sinh ${formatDate(r.birth)})`} có tên trong danh sách của ` +
        `${unitName(ctx, r.unitCode)} (${refText(r)}) nhưng không tìm thấy trong cơ sở dữ liệu đảng viên.` +
        (closest !== undefined && lr.closestScore !== null
          ? ` Hồ sơ gần giống nhất là ${who(closest)}, độ tương đồng ${pct(lr.closestScore)}: chưa đủ để coi là cùng một người.`
          : ""),
      recommendation: "Xác minh",
      rule: cite(ctx, "NOT_IN_CENTRAL"),
      checks: OFFICIAL_ONLY
    })
  }
  return out
}

/** " Hồ sơ thuộc <province of the record>, danh sách thuộc <province of the list>: …" when the two differ. */
const betweenProvinces = (ctx: Context, centralUnit: string, rosterUnit: string): string => {
  const a = ctx.input.provinces?.get(centralUnit)
  const b = ctx.input.provinces?.get(rosterUnit)
  if (a === undefined || b === undefined || a.code === b.code) return ""
  return ` Hồ sơ trong cơ sở dữ liệu thuộc ${a.name} (mã ${a.code}), danh sách thuộc ${b.name} (mã ${b.code}): ` +
    `chuyển sinh hoạt giữa hai tỉnh, thành phố chưa được ghi nhận.`
}

const unreportedTransfers = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  for (const lr of ctx.input.rows) {
    if (lr.memberId === null) continue
    const m = ctx.members.get(lr.memberId)!
    const r = lr.row
    if (m.status !== "ACTIVE" || r.unitCode === m.unitCode || r.kind === "RESIDENCE_213") continue
    if (r.kind === "TEMPORARY" && hasActiveTemporaryTransfer(ctx, m.id, r.unitCode)) continue
    if (r.kind === "OFFICIAL") {
      if (hasOfficialTransfer(ctx, m.id, m.unitCode, r.unitCode)) continue
      // Also on the home cell's official list: that is a double listing, not a move.
      const home = (ctx.rowsOf.get(m.id) ?? []).some((x) => x.row.kind === "OFFICIAL" && x.row.unitCode === m.unitCode)
      if (home) continue
    }
    out.push({
      id: findingId("UNREPORTED_TRANSFER", [m.id, r.unitCode]),
      category: "UNREPORTED_TRANSFER",
      kind: "finding",
      unitCode: r.unitCode,
      memberIds: [m.id],
      rosterRows: [ref(r)],
      score: round(lr.score),
      reason:
        `${who(m)} thuộc ${unitName(ctx, m.unitCode)} theo cơ sở dữ liệu nhưng có tên trong ${KIND_LABEL[r.kind]} của ` +
        `${unitName(ctx, r.unitCode)} (${refText(r)}); không có hồ sơ chuyển sinh hoạt đảng` +
        `${r.kind === "TEMPORARY" ? " tạm thời" : ""} từ ${unitName(ctx, m.unitCode)} đến ${unitName(ctx, r.unitCode)}.` +
        betweenProvinces(ctx, m.unitCode, r.unitCode),
      recommendation: "Xác minh",
      rule: cite(ctx, "UNREPORTED_TRANSFER"),
      checks: ["RESIDENCE_213", "TEMPORARY", "TRANSFER_WINDOW"]
    })
  }
  return out
}

const transfersOverdue = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  const p = ctx.input.params
  for (const t of ctx.input.central.transfers) {
    if (!isPending(t)) continue
    const deadline = presentDeadline(ctx, t)
    if (deadline === null || ctx.input.asOf <= deadline) continue
    const m = ctx.members.get(t.memberId)
    const intro = dayNumber(t.introduced!)!
    const removal = ctx.input.asOf > addMonths(intro, p.transferRemovalMonths)
    const rows = (ctx.rowsOf.get(t.memberId) ?? []).filter((x) => x.row.unitCode === t.toUnit).map((x) => ref(x.row))
    const name = m === undefined ? `Đảng viên mã ${t.memberId}` : who(m)
    out.push({
      id: findingId("TRANSFER_OVERDUE", [t.memberId, t.fromUnit ?? "", t.toUnit ?? "", formatDate(t.introduced!)]),
      category: "TRANSFER_OVERDUE",
      kind: "finding",
      unitCode: t.toUnit !== null && ctx.units.has(t.toUnit) ? t.toUnit : t.fromUnit,
      memberIds: [t.memberId],
      rosterRows: rows,
      score: null,
      reason:
        `${name} được giới thiệu chuyển sinh hoạt đảng chính thức từ ${unitName(ctx, t.fromUnit)} đến ` +
        `${unitName(ctx, t.toUnit)} ngày ${formatDate(t.introduced!)} nhưng chưa được tiếp nhận. Hạn nộp giấy giới thiệu ` +
        `là ${p.transferPresentWorkingDays} ngày làm việc (${p.regulation}, mục 6.3.1), đã hết ngày ` +
        `${formatDate(isoToPartial(isoOfDayNumber(deadline)))}.` +
        (removal
          ? ` Đã quá ${p.transferRemovalMonths} tháng kể từ ngày giới thiệu (${p.transferRemovalSource}): nếu không có lý do ` +
            `chính đáng thì xem xét xóa tên với lý do tự ý bỏ sinh hoạt đảng.`
          : ""),
      recommendation: removal ? "Đề nghị xem xét xóa tên" : "Xác minh",
      rule: removal
        ? `${cite(ctx, "TRANSFER_OVERDUE")}; ${p.transferRemovalSource} (${p.transferRemovalMonths} tháng)`
        : cite(ctx, "TRANSFER_OVERDUE"),
      checks: ["TRANSFER_WINDOW"]
    })
  }
  return out
}

const isoToPartial = (iso: string) => ({ year: +iso.slice(0, 4), month: +iso.slice(5, 7), day: +iso.slice(8, 10) })

const duplicateRosters = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  for (const [memberId, linked] of ctx.rowsOf) {
    const m = ctx.members.get(memberId)!
    const official = linked.filter((x) => x.row.kind === "OFFICIAL")
    if (official.length < 2) continue
    // A listing at another cell inside a pending transfer's window is the transfer window, not a duplicate.
    const counted = official.filter(
      (x) => x.row.unitCode === m.unitCode || !inTransferWindow(ctx, memberId, m.unitCode, x.row.unitCode)
    )
    if (counted.length < 2) continue
    const unitList = [...new Set(counted.map((x) => unitName(ctx, x.row.unitCode)))]
    const minScore = Math.min(...counted.map((x) => x.score ?? 1))
    out.push({
      id: findingId("DUPLICATE_ROSTER", [memberId]),
      category: "DUPLICATE_ROSTER",
      kind: "finding",
      unitCode: m.unitCode,
      memberIds: [memberId],
      rosterRows: counted.map((x) => ref(x.row)),
      score: round(minScore),
      reason:
        `${who(m)} có tên ${counted.length} lần trong danh sách đảng viên chính thức (${unitList.join("; ")}): ` +
        counted.map((x) => refText(x.row)).join(" và ") +
        `. Mỗi đảng viên chỉ sinh hoạt chính thức ở một chi bộ; không có giấy giới thiệu sinh hoạt tạm thời, ` +
        `sinh hoạt nơi cư trú hay chuyển sinh hoạt đang trong hạn giải thích việc này.`,
      recommendation: "Xác minh",
      rule: cite(ctx, "DUPLICATE_ROSTER"),
      checks: ["RESIDENCE_213", "TEMPORARY", "TRANSFER_WINDOW"]
    })
  }
  return out
}

const duplicateCentral = (ctx: Context): Array<Discrepancy> =>
  ctx.input.centralDuplicates.map((p) => {
    const [a, b] = [ctx.members.get(p.a)!, ctx.members.get(p.b)!].sort((x, y) => x.id.localeCompare(y.id)) as [
      CentralMember,
      CentralMember
    ]
    const evidence: Array<string> = []
    if (a.cccd !== null && a.cccd === b.cccd) evidence.push("trùng số CCCD")
    if (a.cardNo !== null && a.cardNo === b.cardNo) evidence.push("trùng số thẻ đảng viên")
    if (a.name.key === b.name.key) evidence.push("cùng họ tên")
    else if (a.name.folded === b.name.folded) evidence.push("họ tên chỉ khác dấu")
    if (a.birth !== null && b.birth !== null && datesAgree(a.birth, b.birth) === "EXACT") evidence.push("cùng ngày sinh")
    return {
      id: findingId("DUPLICATE_CENTRAL", [a.id, b.id]),
      category: "DUPLICATE_CENTRAL" as const,
      kind: "finding" as const,
      unitCode: a.unitCode,
      memberIds: [a.id, b.id],
      rosterRows: [],
      score: round(p.score),
      reason:
        `Hai hồ sơ trong cơ sở dữ liệu có thể là cùng một người: ${who(a)} tại ${unitName(ctx, a.unitCode)} và ` +
        `${who(b)} tại ${unitName(ctx, b.unitCode)} (${evidence.join(", ") || "thông tin gần trùng khớp"}, ` +
        `độ tin cậy ${pct(p.score)}).`,
      recommendation: "Gộp hồ sơ trùng" as const,
      rule: cite(ctx, "DUPLICATE_CENTRAL"),
      checks: []
    }
  })

const missingFromRoster = (ctx: Context, duplicateLinked: ReadonlySet<string>): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  const gaps = ctx.input.gaps ?? NO_GAPS
  for (const m of ctx.input.central.members) {
    if (m.status !== "ACTIVE" || !ctx.input.unitsWithRoster.has(m.unitCode)) continue
    if ((ctx.rowsOf.get(m.id) ?? []).some((x) => x.row.kind === "OFFICIAL")) continue
    // Absent because a transfer out is pending: inside the window that is expected; past it, TRANSFER_OVERDUE says so.
    if (pendingOut(ctx, m).length > 0) continue
    // The other record of a duplicate pair is on a list: DUPLICATE_CENTRAL says so.
    if (duplicateLinked.has(m.id)) continue
    // Kept, not held back: the member may really be missing; but the reason says what was not read and it sorts last.
    const unread = gaps.byUnit.get(m.unitCode) ?? []
    out.push({
      id: findingId("MISSING_FROM_ROSTER", [m.id]),
      category: "MISSING_FROM_ROSTER",
      kind: "finding",
      unitCode: m.unitCode,
      memberIds: [m.id],
      rosterRows: [],
      score: null,
      reason:
        `${who(m)} đang sinh hoạt tại ${unitName(ctx, m.unitCode)} theo cơ sở dữ liệu nhưng không có tên trong ` +
        `danh sách đảng viên chính thức của chi bộ này hay của chi bộ nào khác trong đợt đối khớp.` +
        (unread.length === 0
          ? ""
          : ` Lưu ý: ${gapsText(unread)}. Đảng viên này có thể có tên ở phần chưa đọc được: ` +
            `cần xác minh trước khi đề xuất.`),
      recommendation: "Xác minh",
      rule: cite(ctx, "MISSING_FROM_ROSTER"),
      checks: ["TRANSFER_WINDOW"],
      ...(unread.length === 0 ? {} : { caveats: ["INPUT_INCOMPLETE" as const] })
    })
  }
  return out
}

const KIND_NOUN: Record<RosterKind, string> = {
  OFFICIAL: "danh sách chính thức",
  TEMPORARY: "danh sách sinh hoạt tạm thời",
  RESIDENCE_213: "danh sách sinh hoạt nơi cư trú (213)"
}

/**
 * One finding per cell of the central data with active members and no official list read: none of its
 * members was checked, which silence would hide. Unusable files that may be its list are named.
 */
const rostersNotSubmitted = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  const gaps = ctx.input.gaps ?? NO_GAPS
  const kindsOf = new Map<string, Set<RosterKind>>()
  for (const x of ctx.input.rows) {
    const kinds = kindsOf.get(x.row.unitCode)
    if (kinds === undefined) kindsOf.set(x.row.unitCode, new Set([x.row.kind]))
    else kinds.add(x.row.kind)
  }
  for (const [code, members] of activeByCell(ctx.input.central)) {
    if (ctx.input.unitsWithRoster.has(code)) continue
    const otherKinds = [...(kindsOf.get(code) ?? [])]
    const unread = gaps.byUnit.get(code) ?? []
    const loose = gaps.unattributed
    out.push({
      id: findingId("ROSTER_NOT_SUBMITTED", [code]),
      category: "ROSTER_NOT_SUBMITTED",
      kind: "finding",
      unitCode: code,
      memberIds: members.map((m) => m.id).sort(),
      rosterRows: [],
      score: null,
      reason:
        `${unitName(ctx, code)} (mã ${code}) có ${members.length} đảng viên đang sinh hoạt theo cơ sở dữ liệu nhưng ` +
        `không có danh sách đảng viên chính thức nào của chi bộ trong đợt đối khớp` +
        (otherKinds.length === 0 ? "" : ` (chỉ có ${otherKinds.map((k) => KIND_NOUN[k]).join(", ")})`) +
        `: chưa đối chiếu được đảng viên nào của chi bộ. Đề nghị chi bộ nộp danh sách.` +
        (unread.length === 0 ? "" : ` Lưu ý: ${gapsText(unread)}.`) +
        (loose.length === 0
          ? ""
          : ` Trong đợt này có ${loose.length} tệp không đọc được và không rõ của chi bộ nào ` +
            `(${loose.slice(0, 5).join("; ")}${loose.length > 5 ? "; …" : ""}): một trong số đó có thể là danh sách của chi bộ này.`),
      recommendation: "Xác minh",
      rule: cite(ctx, "ROSTER_NOT_SUBMITTED"),
      checks: [],
      ...(unread.length === 0 && loose.length === 0 ? {} : { caveats: ["INPUT_INCOMPLETE" as const] })
    })
  }
  return out
}

/**
 * A month that counts towards xóa tên ground 1: absent without reason, or dues recorded unpaid in a
 * month not excused or exempt. Blank months are unknown and never count.
 */
export const isAbsentMonth = (m: MonthAttendance | null): boolean =>
  m !== null && m.mark !== "EXEMPT" && m.mark !== "EXCUSED" && (m.mark === "UNEXCUSED" || m.duesPaid === false)

/** The months (1–12) that count, or [] when they do not reach `months` (in a row, when `consecutive`). */
export const absenceMonths = (
  attendance: ReadonlyArray<MonthAttendance | null>,
  months: number,
  consecutive: boolean
): Array<number> => {
  const bad = attendance.slice(0, 12).flatMap((m, i) => isAbsentMonth(m) ? [i + 1] : [])
  if (!consecutive) return bad.length >= months ? bad : []
  let run = 0
  let best = 0
  for (let i = 0; i < 12; i++) {
    run = isAbsentMonth(attendance[i] ?? null) ? run + 1 : 0
    best = Math.max(best, run)
  }
  return best >= months ? bad : []
}

const absences = (ctx: Context): Array<Discrepancy> => {
  const out: Array<Discrepancy> = []
  const p = ctx.input.params
  for (const lr of ctx.input.rows) {
    const r = lr.row
    // Attendance at a 213 or temporary list is not the member's own cell's activity.
    if (r.kind !== "OFFICIAL" || r.attendance === undefined || r.attendance === null) continue
    // Exempt members (miễn sinh hoạt) are never proposed for removal for absence.
    if (r.exempt) continue
    const m = lr.memberId === null ? undefined : ctx.members.get(lr.memberId)
    if (m !== undefined) {
      // Other statuses are STATUS_CONFLICT's business; a member attending elsewhere meanwhile is not absent.
      if (m.status !== "ACTIVE") continue
      if (hasActiveTemporaryTransferFrom(ctx, m.id, r.unitCode)) continue
      if ((ctx.transfersOf.get(m.id) ?? []).some((t) => isPending(t) && t.fromUnit === r.unitCode)) continue
    }
    const months = absenceMonths(r.attendance, p.absenceMonths, p.absenceConsecutive)
    if (months.length === 0) continue
    const monthText = months.map((n) => `T${n}`).join(", ")
    const name = m === undefined
      ? `${r.name.display}${r.birth === null ? "" : ` (sinh ${formatDate(r.birth)})`}`
      : who(m)
    out.push({
      id: findingId("ABSENCE_3_MONTHS", [m?.id ?? `${r.name.folded}|${r.birth === null ? "" : formatDate(r.birth)}`, r.unitCode]),
      category: "ABSENCE_3_MONTHS",
      kind: "finding",
      unitCode: r.unitCode,
      memberIds: m === undefined ? [] : [m.id],
      rosterRows: [ref(r)],
      score: round(lr.score),
      field: "Tháng vắng / chưa đóng đảng phí",
      rosterValue: monthText,
      reason:
        `${name} bỏ sinh hoạt hoặc không đóng đảng phí ${months.length} tháng trong năm không có lý do chính đáng ` +
        `(${monthText}) theo danh sách của ${unitName(ctx, r.unitCode)} (${refText(r)}); ngưỡng là ` +
        `${p.absenceMonths} tháng${p.absenceConsecutive ? " liên tiếp" : ""}. Không có miễn sinh hoạt, sinh hoạt tạm thời ` +
        `nơi khác hay chuyển sinh hoạt đang chờ giải thích việc này. Chi bộ xem xét, nếu không có lý do chính đáng thì ` +
        `đề nghị xóa tên.`,
      recommendation: "Đề nghị xem xét xóa tên",
      rule: cite(ctx, "ABSENCE_3_MONTHS"),
      checks: ["RESIDENCE_213", "TEMPORARY", "TRANSFER_WINDOW", "EXEMPT"]
    })
  }
  return out
}

const CATEGORY_ORDER = new Map<Category, number>(Categories.map((c, i) => [c, i]))

/**
 * All findings and corrections, in a deterministic order: category, then findings resting on input
 * not fully read last, then unit, first roster row, id.
 */
export const applyRules = (input: RulesInput): Array<Discrepancy> => {
  const members = new Map(input.central.members.map((m) => [m.id, m]))
  const units = new Map(input.central.units.map((u) => [u.code, u]))
  const transfersOf = new Map<string, Array<Transfer>>()
  for (const t of input.central.transfers) {
    const list = transfersOf.get(t.memberId)
    if (list === undefined) transfersOf.set(t.memberId, [t])
    else list.push(t)
  }
  const rowsOf = new Map<string, Array<LinkedRow>>()
  for (const lr of input.rows) {
    if (lr.memberId === null) continue
    const list = rowsOf.get(lr.memberId)
    if (list === undefined) rowsOf.set(lr.memberId, [lr])
    else list.push(lr)
  }
  const ctx: Context = { input, members, units, transfersOf, rowsOf }
  const duplicateLinked = new Set<string>()
  for (const p of input.centralDuplicates) {
    if (rowsOf.has(p.a)) duplicateLinked.add(p.b)
    if (rowsOf.has(p.b)) duplicateLinked.add(p.a)
  }
  const all = [
    ...missingFromRoster(ctx, duplicateLinked),
    ...rostersNotSubmitted(ctx),
    ...notInCentral(ctx),
    ...unreportedTransfers(ctx),
    ...transfersOverdue(ctx),
    ...duplicateCentral(ctx),
    ...duplicateRosters(ctx),
    ...fieldMismatches(ctx),
    ...statusConflicts(ctx),
    ...absences(ctx),
    ...corrections(ctx)
  ]
  const firstRow = (d: Discrepancy): string => {
    const r = d.rosterRows[0]
    return r === undefined ? "" : `${r.file}\u0000${r.sheet}\u0000${String(r.row).padStart(8, "0")}`
  }
  return all.sort(
    (a, b) =>
      CATEGORY_ORDER.get(a.category)! - CATEGORY_ORDER.get(b.category)! ||
      (a.caveats?.length ?? 0) - (b.caveats?.length ?? 0) ||
      (a.unitCode ?? "").localeCompare(b.unitCode ?? "") ||
      firstRow(a).localeCompare(firstRow(b)) ||
      a.id.localeCompare(b.id)
  )
}
