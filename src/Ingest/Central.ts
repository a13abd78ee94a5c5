/**
 * The central member database export: an .xlsx with sheets DangVien, ChiBo, ChuyenSinhHoat
 * (header in row 1, data from row 2), or the SQLite file `importCentral` makes from it.
 *
 * Both sources are first read into the same raw records (cell values as typed: text, or a number
 * when the cell held a number; dates as dd/mm/yyyy text) and then go through one parser,
 * `parseCentral`, so the SQLite path is not a second implementation.
 *
 * SQLite schema (version 1). Value columns are declared without a type on purpose: SQLite then
 * stores each value exactly as given (TEXT stays TEXT, a number stays a number), so a card number
 * or CCCD typed as a number in the workbook parses identically from either source.
 *
 *   central_meta(key TEXT PRIMARY KEY, value TEXT)        -- schema_version, source_file, source_sha256
 *   central_members(source_row INTEGER PRIMARY KEY,       -- row in sheet DangVien
 *     member_id, full_name, birth_date, sex, hometown, cccd, card_no,
 *     admitted_date, official_date, unit_code, status)
 *   central_units(source_row INTEGER PRIMARY KEY,         -- row in sheet ChiBo
 *     unit_code, unit_name, parent_code, parent_name)
 *   central_transfers(source_row INTEGER PRIMARY KEY,     -- row in sheet ChuyenSinhHoat
 *     member_id, from_unit, to_unit, kind, introduced_date, received_date)
 *
 * Every data row of the workbook is stored (also the ones the parser rejects), so reading the
 * SQLite file gives the same data, rejections and warnings as reading the workbook.
 *
 * Accounting: rows read = ingested + rejected. A row is rejected only when it cannot be used (no
 * id, no name, no unit code, unknown status or transfer kind); a bad optional value (date, sex,
 * CCCD, card number) becomes null and is listed in `warnings`. The member columns are the ones
 * declared in Fields.ts, decoded by one loop (`memberParser`) as roster rows are.
 *
 * Integrity: a member id on several DangVien rows rejects all of them (never first-wins: which row
 * is the person cannot be known) and is listed in `duplicateIds`; a unit that is its own parent or
 * on a cycle of parents is rejected with the units named; a transfer of a member id on no ingested
 * DangVien row is rejected, so the rules never raise TRANSFER_OVERDUE for nobody.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type {
  CentralData,
  CentralMember,
  FileSummary,
  MemberStatus,
  PartialDate,
  PersonName,
  Rejection,
  Sex,
  Transfer,
  TransferKind,
  Unit
} from "../Domain.js"
import * as DateP from "../Normalize/Date.js"
import * as Ids from "../Normalize/Ids.js"
import * as Fields from "./Fields.js"
import * as Text from "../Normalize/Text.js"
import { type Cell, cellText, isBlankCell, type Sheet } from "./Grid.js"
import { readXlsx } from "./GridEffect.js"
import { headerKey } from "./Header.js"

export class CentralError extends Schema.TaggedError<CentralError>()("CentralError", {
  file: Schema.String,
  message: Schema.String
}) {}

export interface CentralIngest {
  readonly data: CentralData
  /** Member ids on several DangVien rows (all of them rejected): see CentralParse.duplicateIds. */
  readonly duplicateIds: CentralParse["duplicateIds"]
  readonly rejections: ReadonlyArray<Rejection>
  readonly warnings: ReadonlyArray<Rejection>
  readonly summary: FileSummary
}

// ---------------------------------------------------------------------------------------------
// The contract

interface ColumnSpec {
  readonly header: string
  readonly column: string
  readonly required: boolean
  /** Other header spellings accepted (folded, as Header.headerKey makes them). */
  readonly words: ReadonlyArray<string>
}

interface SheetSpec {
  readonly sheet: string
  readonly table: string
  readonly columns: ReadonlyArray<ColumnSpec>
}

const col = (header: string, column: string, required = false, words: ReadonlyArray<string> = []): ColumnSpec => ({
  header,
  column,
  required,
  words
})

/** DangVien: the member fields as declared once (Fields.ts), in the export's column order. */
export const MemberSheet: SheetSpec = {
  sheet: "DangVien",
  table: "central_members",
  columns: Fields.CentralMemberFields.map((f) => col(f.decl.label, f.decl.centralColumn!, f.required, f.decl.words))
}

export const UnitSheet: SheetSpec = {
  sheet: "ChiBo",
  table: "central_units",
  columns: [
    col("Mã chi bộ", "unit_code", true),
    col("Tên chi bộ", "unit_name", true),
    col("Mã đơn vị cấp trên", "parent_code"),
    col("Tên đơn vị cấp trên", "parent_name")
  ]
}

export const TransferSheet: SheetSpec = {
  sheet: "ChuyenSinhHoat",
  table: "central_transfers",
  columns: [
    col("Mã đảng viên", "member_id", true),
    col("Từ chi bộ", "from_unit"),
    col("Đến chi bộ", "to_unit"),
    col("Loại", "kind", true),
    col("Ngày giới thiệu", "introduced_date"),
    col("Ngày tiếp nhận", "received_date")
  ]
}

const SHEETS = [MemberSheet, UnitSheet, TransferSheet] as const

/** A cell as typed: text, or a number when the cell held one; dates as dd/mm/yyyy text. */
export type RawValue = string | number | null

export interface RawRow {
  /** 1-based row in the workbook sheet. */
  readonly row: number
  /** In the order of the sheet spec's columns. */
  readonly values: ReadonlyArray<RawValue>
}

export interface CentralRaw {
  readonly members: ReadonlyArray<RawRow>
  readonly units: ReadonlyArray<RawRow>
  readonly transfers: ReadonlyArray<RawRow>
}

const TRANSFER_KIND: ReadonlyMap<string, TransferKind> = new Map([
  ["chinh thuc", "OFFICIAL"],
  ["tam thoi", "TEMPORARY"]
])

// ---------------------------------------------------------------------------------------------
// Parsing (pure, shared by both sources)

export interface CentralParse {
  readonly data: CentralData
  readonly rejections: ReadonlyArray<Rejection>
  readonly warnings: ReadonlyArray<Rejection>
  readonly rowsRead: number
  readonly rowsRejected: number
  /**
   * Member ids found on more than one DangVien row: every such row is rejected (the database holds
   * two people under one id, or one person twice; recon cannot tell which row is right). A record
   * for the central data, for a finding addressed to whoever keeps the database.
   */
  readonly duplicateIds: ReadonlyArray<{ readonly id: string; readonly rows: ReadonlyArray<number> }>
}

const textOf = (v: RawValue | undefined): string | null => {
  if (v === null || v === undefined) return null
  const t = typeof v === "number" ? String(v) : Text.clean(v)
  return t === "" ? null : t
}

/** A sheet spec's columns by SQLite column name: rows are read by name, never by position. */
const columnIndex = (spec: SheetSpec) => {
  const index = new Map(spec.columns.map((c, i) => [c.column, i]))
  return (column: string): number => index.get(column)!
}

type At = (row: number, column: string | null) => Omit<Rejection, "reason">

const locator = (file: string, spec: SheetSpec): At => {
  const header = new Map(spec.columns.map((c) => [c.column, c.header]))
  return (row, column) => ({ file, sheet: spec.sheet, row, column: column === null ? null : header.get(column)! })
}

interface Tally {
  rowsRead: number
  rowsRejected: number
}

/**
 * ChiBo: a unit needs a code and a name; a code seen twice keeps its first row. A unit that is its
 * own parent, or on a cycle of parents, is rejected with the units named: the tree above it
 * cannot be known.
 */
const parseUnits = (file: string, rows: ReadonlyArray<RawRow>, tally: Tally) => {
  const at = locator(file, UnitSheet)
  const ix = columnIndex(UnitSheet)
  const rejections: Array<Rejection> = []
  const reject = (row: number, column: string | null, reason: string) => {
    tally.rowsRejected++
    rejections.push({ ...at(row, column), reason })
  }
  const kept: Array<{ unit: Unit; row: number }> = []
  const seen = new Map<string, number>()
  for (const r of rows) {
    tally.rowsRead++
    const code = textOf(r.values[ix("unit_code")])
    const name = textOf(r.values[ix("unit_name")])
    if (code === null) {
      reject(r.row, "unit_code", "Thiếu Mã chi bộ")
      continue
    }
    const first = seen.get(code)
    if (first !== undefined) {
      reject(r.row, "unit_code", `Mã chi bộ "${code}" trùng với dòng ${first}`)
      continue
    }
    seen.set(code, r.row)
    if (name === null) {
      reject(r.row, "unit_name", "Thiếu Tên chi bộ")
      continue
    }
    kept.push({ unit: { code, name, parentCode: textOf(r.values[ix("parent_code")]), parentName: textOf(r.values[ix("parent_name")]) }, row: r.row })
  }
  const parentOf = new Map(kept.map((k) => [k.unit.code, k.unit.parentCode]))
  const bad = new Map<string, string>()
  for (const { unit } of kept) {
    if (unit.parentCode === unit.code) {
      bad.set(unit.code, `Chi bộ "${unit.code}" ghi đơn vị cấp trên là chính nó; không xác định được cây tổ chức. Hãy sửa Mã đơn vị cấp trên`)
      continue
    }
    // Walk up from the unit; meeting a unit already on the path is a cycle through it.
    const path: Array<string> = [unit.code]
    let p = unit.parentCode
    while (p !== null && parentOf.has(p) && !path.includes(p)) {
      path.push(p)
      p = parentOf.get(p) ?? null
    }
    if (p !== null && path.includes(p) && p === unit.code) {
      bad.set(unit.code, `Đơn vị cấp trên tạo thành vòng lặp: ${[...path, p].join(" → ")}; không xác định được cây tổ chức. Hãy sửa Mã đơn vị cấp trên`)
    }
  }
  const units: Array<Unit> = []
  for (const k of kept) {
    const reason = bad.get(k.unit.code)
    if (reason === undefined) units.push(k.unit)
    else reject(k.row, "parent_code", reason)
  }
  return { units, rejections }
}

const DAY_FIRST: Fields.ColumnFacts = { dayFirst: true, fullWidth: false }

/** Ids on more than one row, in the order of their first row; a list of rows only for those (one id in a million repeats). */
export const duplicateIdsOf = (rows: ReadonlyArray<RawRow>, idColumn: number) => duplicateIdsAmong(rows.length, (x) => rows[x]!.values[idColumn], (x) => rows[x]!.row)

/** duplicateIdsOf over `count` rows given by their id value and row number (the ids alone can be read, without the rows). */
export const duplicateIdsAmong = (count: number, idAt: (x: number) => RawValue | undefined, rowAt: (x: number) => number) => {
  const firstAt = new Map<string, number>()
  const repeated = new Map<string, Array<number>>()
  for (let x = 0; x < count; x++) {
    const id = textOf(idAt(x))
    if (id === null) continue
    const first = firstAt.get(id)
    if (first === undefined) firstAt.set(id, x)
    else {
      const list = repeated.get(id)
      if (list === undefined) repeated.set(id, [rowAt(first), rowAt(x)])
      else list.push(rowAt(x))
    }
  }
  return [...repeated].sort((a, b) => firstAt.get(a[0])! - firstAt.get(b[0])!).map(([id, rs]) => ({ id, rows: rs }))
}

/**
 * Values that repeat down a column (names, dates, statuses, places, unit codes) are parsed once per
 * distinct cell value: the parsers are pure given the column (its facts and the run's env), and a
 * parse that remarked on its value (a note, a restored zero) is not kept, so every row still gets
 * its own remark. A column whose values hardly repeat (ids, CCCD) stops being memoised after a
 * sample. Measured at 455,000 members: parsing took half the time, a third of it collecting garbage.
 */
class ColumnMemo {
  private map: Map<RawValue, unknown> | null = new Map()
  private tries = 0
  private hits = 0
  get(v: RawValue): unknown {
    const m = this.map
    if (m === null) return undefined
    const p = m.get(v)
    this.tries++
    if (p !== undefined) this.hits++
    else if (this.tries === 4096 && this.hits < 1024) this.map = null
    return p
  }
  set(v: RawValue, p: unknown): void {
    this.map?.set(v, p)
  }
}

/**
 * What decoding DangVien needs from the whole sheet before its first row: the member ids on
 * several rows, and a column's values (surveyed only when a parser asks, Fields.lazyFacts). The
 * rows themselves may then come in batches (MemberParser.feed), so a large export's raw rows need
 * not all be held at once (Store/ExportRead.ts reads a SQLite export so).
 */
export interface MemberSheetFacts {
  readonly duplicateIds: ReadonlyArray<{ readonly id: string; readonly rows: ReadonlyArray<number> }>
  /** Column i's values in row order. */
  readonly columnValues: (i: number) => ReadonlyArray<RawValue>
}

/** The whole-sheet facts of rows held in memory. */
export const memberSheetFacts = (rows: ReadonlyArray<RawRow>): MemberSheetFacts => ({
  duplicateIds: duplicateIdsOf(rows, 0),
  columnValues: (i) => rows.map((r) => r.values[i] ?? null)
})

export interface MemberParser {
  /** The members of these rows (the next rows of the sheet, in order): those not rejected. */
  readonly feed: (rows: ReadonlyArray<RawRow>) => Array<CentralMember>
  /** After the last rows: the sheet's rejections and warnings (in reading order). */
  readonly finish: () => { rejections: Array<Rejection>; warnings: Array<Rejection>; duplicateIds: MemberSheetFacts["duplicateIds"] }
}

/**
 * DangVien: each row decoded by the declared fields (Fields.CentralMemberFields) in one loop. A
 * required field that is blank or does not read rejects the row; another costs the field (null
 * and a warning). A member id on several rows rejects all of them.
 */
const memberParser = (file: string, facts: MemberSheetFacts, unitCodes: ReadonlySet<string>, env: Fields.DecodeEnv, tally: Tally): MemberParser => {
  const at = locator(file, MemberSheet)
  const fields = Fields.CentralMemberFields
  // The export writes dates dd/mm/yyyy (the contract): day-first is settled, as a roster column showing it would be.
  const duplicateIds = facts.duplicateIds
  const duplicated = new Map(duplicateIds.map((d) => [d.id, d.rows]))
  const rejections: Array<Rejection> = []
  const warnings: Array<Rejection> = []
  const restored = fields.map((): Array<number> => [])
  // Where parsers' remarks go: the row being decoded.
  let rowNo = 0
  let rowWarnings: Array<Rejection> = []
  let remarked = false
  const contexts = fields.map((f, i) =>
    Fields.contextOf(
      env,
      f.decl.survey === "dates" ? DAY_FIRST : Fields.lazyFacts(f.decl.survey, () => facts.columnValues(i)),
      (remark) => {
        remarked = true
        rowWarnings.push({ ...at(rowNo, f.decl.centralColumn), reason: remark })
      },
      () => {
        remarked = true
        restored[i]!.push(rowNo)
      }
    )
  )
  const memos = fields.map(() => new ColumnMemo())
  const reject = (row: number, column: string, reason: string) => {
    tally.rowsRejected++
    rejections.push({ ...at(row, column), reason })
  }
  const slot = Object.fromEntries(fields.map((f, i) => [f.decl.key, i])) as Record<Fields.FieldKey, number>
  const feed = (rows: ReadonlyArray<RawRow>): Array<CentralMember> => {
    const members: Array<CentralMember> = []
    rows: for (const r of rows) {
      tally.rowsRead++
      rowNo = r.row
      rowWarnings = []
      const v = new Array<unknown>(fields.length)
      for (let i = 0; i < fields.length; i++) {
        const { decl, required } = fields[i]!
        const column = decl.centralColumn!
        const raw = r.values[i] ?? null
        let p = memos[i]!.get(raw)
        if (p === undefined) {
          remarked = false
          p = raw === null || (typeof raw === "string" && raw.trim() === "") ? null : decl.parse(typeof raw === "string" ? raw.trim() : raw, contexts[i]!)
          if (!remarked) memos[i]!.set(raw, p)
        }
        if (p === null) {
          if (required) {
            reject(r.row, column, decl.key === "status" ? `Thiếu ${decl.label} (cần một trong: Đang sinh hoạt, Đã chuyển đi, Từ trần, Xóa tên, Khai trừ, Ra khỏi Đảng)` : `Thiếu ${decl.label}`)
            continue rows
          }
          continue
        }
        if (p instanceof Fields.Bad) {
          if (required) {
            reject(r.row, column, p.reason)
            continue rows
          }
          rowWarnings.push({ ...at(r.row, column), reason: `${p.reason}; bỏ qua giá trị` })
          continue
        }
        v[i] = p
        if (decl.key === "memberId" && duplicateIds.length > 0) {
          const dup = duplicated.get(p as string)
          if (dup !== undefined) {
            const others = dup.filter((x) => x !== r.row)
            reject(
              r.row,
              column,
              `Mã đảng viên "${p as string}" trùng ở các dòng ${dup.join(", ")} của trang ${MemberSheet.sheet} ` +
                `(dòng này và dòng ${others.join(", ")}); không biết dòng nào đúng nên không dùng dòng nào. Hãy sửa dữ liệu trung ương`
            )
            continue rows
          }
        }
      }
      const m = memberOf(v, slot, r.row)
      if (m.cccd !== null) {
        const c = Ids.cccdConsistency(m.cccd, m.sex, m.birth?.year ?? null)
        if (c !== null) rowWarnings.push({ ...at(r.row, "cccd"), reason: c })
      }
      let member = m
      if (Fields.admittedBeforeEighteen(m.birth, m.admitted)) {
        rowWarnings.push({ ...at(r.row, "admitted_date"), reason: Fields.admittedTooYoung(m.admitted!, m.birth!) })
        member = { ...m, admitted: null }
      }
      if (!unitCodes.has(member.unitCode)) rowWarnings.push({ ...at(r.row, "unit_code"), reason: `Mã chi bộ "${member.unitCode}" không có trong trang ChiBo` })
      members.push(member)
      for (const w of rowWarnings) warnings.push(w)
    }
    return members
  }
  const finish = () => {
    fields.forEach((f, i) => {
      const rs = restored[i]!
      if (rs.length > 0) warnings.push({ ...at(rs[0]!, f.decl.centralColumn), reason: Fields.restoredWarning(f.decl.label, rs) })
    })
    // Reading order: by row, then by column as the sheet lays them out.
    const colIndex = new Map(MemberSheet.columns.map((c, i) => [c.header, i]))
    warnings.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (colIndex.get(a.column ?? "") ?? 99) - (colIndex.get(b.column ?? "") ?? 99))
    return { rejections, warnings, duplicateIds }
  }
  return { feed, finish }
}

/** The member from the row's parsed values (`v[slot.name]` is the name's). */
const memberOf = (v: ReadonlyArray<unknown>, slot: Record<Fields.FieldKey, number>, row: number): CentralMember => ({
  id: v[slot.memberId] as string,
  name: v[slot.name] as PersonName,
  birth: (v[slot.birth] as PartialDate | undefined) ?? null,
  sex: (v[slot.sex] as Sex | undefined) ?? null,
  hometown: (v[slot.hometown] as string | undefined) ?? null,
  cccd: (v[slot.cccd] as string | undefined) ?? null,
  cardNo: (v[slot.cardNo] as string | undefined) ?? null,
  admitted: (v[slot.admitted] as PartialDate | undefined) ?? null,
  official: (v[slot.official] as PartialDate | undefined) ?? null,
  unitCode: v[slot.unitCode] as string,
  status: v[slot.status] as MemberStatus,
  sourceRow: row
})

/**
 * ChuyenSinhHoat: a transfer needs a member id and a kind. A transfer of a member id on no
 * DangVien row is rejected (it is no transfer the rules can judge: no TRANSFER_OVERDUE for nobody),
 * as is one whose member's rows were rejected.
 */
const parseTransfers = (file: string, rows: ReadonlyArray<RawRow>, memberRows: ReadonlySet<string>, tally: Tally) => {
  const at = locator(file, TransferSheet)
  const ix = columnIndex(TransferSheet)
  const transfers: Array<Transfer> = []
  const rejections: Array<Rejection> = []
  const warnings: Array<Rejection> = []
  const date = (r: RawRow, column: string, what: string): PartialDate | null => {
    const v = r.values[ix(column)] ?? null
    if (v === null || (typeof v === "string" && v.trim() === "")) return null
    const res = DateP.parseDate(typeof v === "string" ? v.trim() : v)
    const plausible = res.ok && res.value !== null && res.value.year < Fields.MIN_PLAUSIBLE_YEAR
      ? `năm ${res.value.year} trước năm ${Fields.MIN_PLAUSIBLE_YEAR}, không thể đúng`
      : null
    if (res.ok && plausible === null) return res.value
    warnings.push({ ...at(r.row, column), reason: `${what}: ${res.ok ? `"${String(v)}" ${plausible}` : res.reason}; bỏ qua giá trị` })
    return null
  }
  for (const r of rows) {
    tally.rowsRead++
    const reject = (column: string, reason: string) => {
      tally.rowsRejected++
      rejections.push({ ...at(r.row, column), reason })
    }
    const memberId = textOf(r.values[ix("member_id")])
    if (memberId === null) {
      reject("member_id", "Thiếu Mã đảng viên")
      continue
    }
    const kindText = textOf(r.values[ix("kind")])
    const kind = kindText === null ? undefined : TRANSFER_KIND.get(headerKey(kindText))
    if (kind === undefined) {
      reject("kind", `${kindText === null ? "Thiếu Loại" : `Loại "${kindText}" không rõ`} (cần "Chính thức" hoặc "Tạm thời")`)
      continue
    }
    if (!memberRows.has(memberId)) {
      reject(
        "member_id",
        `Mã đảng viên "${memberId}" không có trong trang DangVien (hoặc dòng của đảng viên đó bị loại); bỏ qua việc chuyển sinh hoạt này, không xét quá hạn`
      )
      continue
    }
    transfers.push({
      memberId,
      fromUnit: textOf(r.values[ix("from_unit")]),
      toUnit: textOf(r.values[ix("to_unit")]),
      kind,
      introduced: date(r, "introduced_date", "Ngày giới thiệu"),
      received: date(r, "received_date", "Ngày tiếp nhận"),
      sourceRow: r.row
    })
  }
  return { transfers, rejections, warnings }
}

/** DangVien's rows in batches, in sheet order, with what decoding them needs from the whole sheet first. */
export interface MemberRowSource extends MemberSheetFacts {
  readonly batches: Iterable<ReadonlyArray<RawRow>>
}

/**
 * `parseCentral` with DangVien's rows given in batches: each batch's members are handed to `take`
 * as soon as they are decoded (the caller keeps what it needs of them), so a large export's raw
 * rows and members need not all be held at once. The same parse: `parseCentral` is this with one
 * batch. The result is parseCentral's without the members.
 */
export const parseCentralStream = (
  file: string,
  raw: { readonly units: ReadonlyArray<RawRow>; readonly members: MemberRowSource; readonly transfers: () => ReadonlyArray<RawRow> },
  take: (members: Array<CentralMember>) => void,
  env: Fields.DecodeEnv = Fields.NO_ENV
): Omit<CentralParse, "data"> & { readonly data: Omit<CentralData, "members"> } => {
  const tally: Tally = { rowsRead: 0, rowsRejected: 0 }
  // ChiBo first: members are checked against the unit codes.
  const u = parseUnits(file, raw.units, tally)
  const parser = memberParser(file, raw.members, new Set(u.units.map((x) => x.code)), env, tally)
  const ids = new Set<string>()
  for (const rows of raw.members.batches) {
    const batch = parser.feed(rows)
    for (const m of batch) ids.add(m.id)
    take(batch)
  }
  const m = parser.finish()
  const t = parseTransfers(file, raw.transfers(), ids, tally)
  return {
    data: { units: u.units, transfers: t.transfers },
    rejections: [...m.rejections, ...u.rejections, ...t.rejections],
    warnings: [...m.warnings, ...t.warnings],
    rowsRead: tally.rowsRead,
    rowsRejected: tally.rowsRejected,
    duplicateIds: m.duplicateIds
  }
}

/** Turns the raw rows of the three sheets into CentralData plus rejections and warnings. */
export const parseCentral = (file: string, raw: CentralRaw, env: Fields.DecodeEnv = Fields.NO_ENV): CentralParse => {
  let members: Array<CentralMember> = []
  const p = parseCentralStream(
    file,
    { units: raw.units, members: { ...memberSheetFacts(raw.members), batches: [raw.members] }, transfers: () => raw.transfers },
    (batch) => (members = batch),
    env
  )
  return { ...p, data: { members, units: p.data.units, transfers: p.data.transfers } }
}

// ---------------------------------------------------------------------------------------------
// Raw records from the workbook

const rawValue = (cell: Cell | undefined): RawValue => {
  if (cell === undefined || isBlankCell(cell)) return null
  const v = cell.value
  if (typeof v === "number" || typeof v === "string") return v
  return cellText(cell)
}

const sheetKey = (s: string) => headerKey(s).replace(/ /g, "")

/** The contract's sheets as raw rows; a missing sheet or required column is a CentralError. */
export const rawFromSheets = (file: string, sheets: ReadonlyArray<Sheet>): Effect.Effect<CentralRaw, CentralError> =>
  Effect.gen(function* () {
    const out: Array<Array<RawRow>> = []
    for (const spec of SHEETS) {
      const sheet = sheets.find((s) => sheetKey(s.name) === sheetKey(spec.sheet))
      if (sheet === undefined) {
        return yield* new CentralError({
          file,
          message: `Tệp trung ương "${file}": thiếu trang tính "${spec.sheet}" (missing sheet ${spec.sheet})`
        })
      }
      const header = sheet.rows[0] ?? []
      const keys = header.map((c) => headerKey(cellText(c)))
      const index = spec.columns.map((c) => {
        const exact = keys.indexOf(headerKey(c.header))
        return exact !== -1 ? exact : keys.findIndex((k) => c.words.includes(k))
      })
      const missing = spec.columns.filter((c, i) => c.required && index[i] === -1).map((c) => `"${c.header}"`)
      if (missing.length > 0) {
        return yield* new CentralError({
          file,
          message: `Tệp trung ương "${file}", trang "${spec.sheet}": thiếu cột ${missing.join(", ")} ở dòng 1 (missing column)`
        })
      }
      const rows: Array<RawRow> = []
      for (let r = 1; r < sheet.rows.length; r++) {
        const cells = sheet.rows[r]!
        const values = index.map((i) => (i === -1 ? null : rawValue(cells[i])))
        if (values.every((x) => x === null)) continue
        rows.push({ row: sheet.rowNumbers[r]!, values })
      }
      out.push(rows)
    }
    return { members: out[0]!, units: out[1]!, transfers: out[2]! }
  })

// ---------------------------------------------------------------------------------------------
// Files

const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const readBytes = (file: string) =>
  Effect.tryPromise({
    try: () => fs.readFile(file),
    catch: () =>
      new CentralError({
        file: path.basename(file),
        message: `Không đọc được tệp trung ương "${path.basename(file)}" (unreadable or missing file)`
      })
  })

/** The workbook's three sheets as raw rows, with the file's SHA-256 (also the national index's import reads it). */
export const readXlsxRaw = (file: string) =>
  Effect.gen(function* () {
    const base = path.basename(file)
    const bytes = yield* readBytes(file)
    const sheets = yield* readXlsx(bytes).pipe(
      Effect.mapError((e) => new CentralError({ file: base, message: `Tệp trung ương "${base}": ${e.reason} (unreadable workbook)` }))
    )
    const raw = yield* rawFromSheets(base, sheets)
    return { raw, sha256: sha256Of(bytes) }
  })

const toIngest = (summaryFile: string, rowsFile: string, sha256: string, raw: CentralRaw, env: Fields.DecodeEnv = Fields.NO_ENV): CentralIngest => {
  const p = parseCentral(rowsFile, raw, env)
  return {
    data: p.data,
    duplicateIds: p.duplicateIds,
    rejections: p.rejections,
    warnings: p.warnings,
    summary: {
      file: summaryFile,
      kind: null,
      unitCode: null,
      sha256,
      rowsRead: p.rowsRead,
      rowsIngested: p.rowsRead - p.rowsRejected,
      rowsRejected: p.rowsRejected,
      error: null,
      suspectTruncated: false
    }
  }
}

const sqlError = (file: string, what: string) => (e: unknown) =>
  new CentralError({
    file,
    message: `Tệp trung ương "${file}": ${what} (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`
  })

const columnsOf = (spec: SheetSpec) => ["source_row", ...spec.columns.map((c) => c.column)]

// SQLite's historical limit is 999 bound variables per statement.
const MAX_VARIABLES = 999

const writeSqlite = (raw: CentralRaw, meta: Record<string, string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`CREATE TABLE central_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`
        for (const spec of SHEETS) {
          const defs = spec.columns.map((c) => c.column).join(", ")
          yield* sql.unsafe(`CREATE TABLE ${spec.table} (source_row INTEGER PRIMARY KEY, ${defs})`)
        }
        yield* sql`INSERT INTO central_meta ${sql.insert(Object.entries(meta).map(([key, value]) => ({ key, value })))}`
        const parts: ReadonlyArray<readonly [SheetSpec, ReadonlyArray<RawRow>]> = [
          [MemberSheet, raw.members],
          [UnitSheet, raw.units],
          [TransferSheet, raw.transfers]
        ]
        for (const [spec, rows] of parts) {
          const names = columnsOf(spec)
          const batch = Math.floor(MAX_VARIABLES / names.length)
          for (let i = 0; i < rows.length; i += batch) {
            const records = rows.slice(i, i + batch).map((r) => {
              const rec: Record<string, RawValue> = { source_row: r.row }
              spec.columns.forEach((c, k) => (rec[c.column] = r.values[k] ?? null))
              return rec
            })
            yield* sql`INSERT INTO ${sql(spec.table)} ${sql.insert(records)}`
          }
        }
      })
    )
  })

const readSqliteRaw = (file: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const tables = yield* sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
    const names = new Set(tables.map((t) => t.name))
    const absent = ["central_meta", ...SHEETS.map((s) => s.table)].filter((t) => !names.has(t))
    if (absent.length > 0) {
      return yield* new CentralError({
        file,
        message: `Tệp "${file}" không phải dữ liệu trung ương do recon tạo: thiếu bảng ${absent.join(", ")} (not a recon central database)`
      })
    }
    const meta = yield* sql<{ key: string; value: string }>`SELECT key, value FROM central_meta`
    const out: Array<Array<RawRow>> = []
    for (const spec of SHEETS) {
      const rows: Array<RawRow> = []
      let last = 0
      // @effect/sql-sqlite-node does not stream; page by source_row instead.
      for (;;) {
        const page = yield* sql<Record<string, RawValue>>`SELECT * FROM ${sql(spec.table)} WHERE source_row > ${last} ORDER BY source_row LIMIT 20000`
        for (const rec of page) {
          rows.push({ row: Number(rec.source_row), values: spec.columns.map((c) => rec[c.column] ?? null) })
        }
        if (page.length < 20000) break
        last = rows[rows.length - 1]!.row
      }
      out.push(rows)
    }
    const sourceFile = meta.find((m) => m.key === "source_file")?.value ?? file
    return { raw: { members: out[0]!, units: out[1]!, transfers: out[2]! } as CentralRaw, sourceFile }
  })

/**
 * Reads the central data from an .xlsx (the export) or an .sqlite / .db made by importCentral.
 * Rejections and warnings name the workbook (for SQLite: the workbook it was imported from) with
 * its sheet and row; the summary names the file actually read.
 */
export const readCentral = (file: string, options: { readonly asOf?: string } = {}): Effect.Effect<CentralIngest, CentralError> => {
  const base = path.basename(file)
  const env = Fields.envAsOf(options.asOf)
  const ext = path.extname(file).toLowerCase()
  if (ext === ".xlsx") {
    return readXlsxRaw(file).pipe(Effect.map(({ raw, sha256 }) => toIngest(base, base, sha256, raw, env)))
  }
  if (ext === ".sqlite" || ext === ".db") {
    return Effect.gen(function* () {
      // Read the bytes first: it proves the file exists (SQLite would create an empty one) and gives the hash.
      const bytes = yield* readBytes(file)
      const { raw, sourceFile } = yield* readSqliteRaw(base).pipe(
        Effect.provide(SqliteClient.layer({ filename: file, readonly: true, disableWAL: true })),
        Effect.catchAll((e) => (e instanceof CentralError ? Effect.fail(e) : Effect.fail(sqlError(base, "không đọc được cơ sở dữ liệu SQLite")(e))))
      )
      return toIngest(base, sourceFile, sha256Of(bytes), raw, env)
    })
  }
  return Effect.fail(
    new CentralError({ file: base, message: `Tệp trung ương "${base}": định dạng "${ext}" không hỗ trợ; cần .xlsx, .sqlite hoặc .db (unsupported format)` })
  )
}

/**
 * Imports the central workbook into a new SQLite file (replacing it atomically: written beside it
 * under a temporary name, then renamed). Returns the accounting of the rows parsed.
 */
export const importCentral = (xlsx: string, sqlite: string): Effect.Effect<FileSummary, CentralError, never> =>
  Effect.gen(function* () {
    const base = path.basename(xlsx)
    const target = path.basename(sqlite)
    const { raw, sha256 } = yield* readXlsxRaw(xlsx)
    const tmp = path.join(path.dirname(sqlite), `.${target}.${process.pid}.${Date.now()}.tmp`)
    const cleanup = Effect.promise(() => fs.rm(tmp, { force: true }))
    yield* writeSqlite(raw, { schema_version: "1", source_file: base, source_sha256: sha256 }).pipe(
      Effect.provide(SqliteClient.layer({ filename: tmp, disableWAL: true })),
      Effect.mapError(sqlError(target, "không ghi được tệp SQLite")),
      Effect.zipRight(
        Effect.tryPromise({ try: () => fs.rename(tmp, sqlite), catch: sqlError(target, "không thay được tệp SQLite đích") })
      ),
      Effect.onError(() => cleanup)
    )
    const summary = toIngest(base, base, sha256, raw).summary
    yield* Effect.logInfo("central imported").pipe(
      Effect.annotateLogs({ file: base, into: target, rows: summary.rowsRead, rejected: summary.rowsRejected })
    )
    return summary
  })
