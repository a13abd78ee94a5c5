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
 * id, no name, no unit code, duplicate id, unknown status or transfer kind); a bad optional value
 * (date, sex, CCCD, card number) becomes null and is listed in `warnings`.
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
  Rejection,
  Sex,
  Transfer,
  TransferKind,
  Unit
} from "../Domain.js"
import * as DateP from "../Normalize/Date.js"
import * as Ids from "../Normalize/Ids.js"
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
}

interface SheetSpec {
  readonly sheet: string
  readonly table: string
  readonly columns: ReadonlyArray<ColumnSpec>
}

const col = (header: string, column: string, required = false): ColumnSpec => ({ header, column, required })

export const MemberSheet: SheetSpec = {
  sheet: "DangVien",
  table: "central_members",
  columns: [
    col("Mã đảng viên", "member_id", true),
    col("Họ và tên", "full_name", true),
    col("Ngày sinh", "birth_date"),
    col("Giới tính", "sex"),
    col("Quê quán", "hometown"),
    col("Số CCCD", "cccd"),
    col("Số thẻ đảng viên", "card_no"),
    col("Ngày vào Đảng", "admitted_date"),
    col("Ngày chính thức", "official_date"),
    col("Mã chi bộ", "unit_code", true),
    col("Trạng thái", "status", true)
  ]
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

const STATUS: ReadonlyMap<string, MemberStatus> = new Map([
  ["dang sinh hoat", "ACTIVE"],
  ["da chuyen di", "TRANSFERRED_OUT"],
  ["tu tran", "DECEASED"],
  ["xoa ten", "REMOVED"],
  ["khai tru", "EXPELLED"],
  ["ra khoi dang", "LEFT"]
])

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
}

const textOf = (v: RawValue | undefined): string | null => {
  if (v === null || v === undefined) return null
  const t = typeof v === "number" ? String(v) : Text.clean(v)
  return t === "" ? null : t
}

/** Turns the raw rows of the three sheets into CentralData plus rejections and warnings. */
export const parseCentral = (file: string, raw: CentralRaw): CentralParse => {
  const warnings: Array<Rejection> = []
  const at = (spec: SheetSpec, row: number, i: number | null) => ({
    file,
    sheet: spec.sheet,
    row,
    column: i === null ? null : spec.columns[i]!.header
  })
  let rowsRead = 0
  let rowsRejected = 0

  const optionalDate = (spec: SheetSpec, r: RawRow, i: number, what: string): PartialDate | null => {
    const v = r.values[i] ?? null
    if (v === null || (typeof v === "string" && v.trim() === "")) return null
    const res = DateP.parseDate(typeof v === "string" ? v.trim() : v)
    if (res.ok) return res.value
    warnings.push({ ...at(spec, r.row, i), reason: `${what}: ${res.reason}; bỏ qua giá trị` })
    return null
  }

  // ChiBo first: members and transfers are checked against the unit codes.
  const unitRejections: Array<Rejection> = []
  const units: Array<Unit> = []
  const unitRows = new Map<string, number>()
  for (const r of raw.units) {
    rowsRead++
    const code = textOf(r.values[0])
    const name = textOf(r.values[1])
    const reject = (i: number, reason: string) => {
      rowsRejected++
      unitRejections.push({ ...at(UnitSheet, r.row, i), reason })
    }
    if (code === null) {
      reject(0, "Thiếu Mã chi bộ")
      continue
    }
    const seen = unitRows.get(code)
    if (seen !== undefined) {
      reject(0, `Mã chi bộ "${code}" trùng với dòng ${seen}`)
      continue
    }
    unitRows.set(code, r.row)
    if (name === null) {
      reject(1, "Thiếu Tên chi bộ")
      continue
    }
    units.push({ code, name, parentCode: textOf(r.values[2]), parentName: textOf(r.values[3]) })
  }

  const members: Array<CentralMember> = []
  const memberRows = new Map<string, number>()
  const memberRejections: Array<Rejection> = []
  const memberWarnings: Array<Rejection> = []
  for (const r of raw.members) {
    rowsRead++
    const v = r.values
    const reject = (i: number, reason: string) => {
      rowsRejected++
      memberRejections.push({ ...at(MemberSheet, r.row, i), reason })
    }
    const warn = (i: number, reason: string) => memberWarnings.push({ ...at(MemberSheet, r.row, i), reason })
    const id = textOf(v[0])
    if (id === null) {
      reject(0, "Thiếu Mã đảng viên")
      continue
    }
    const seen = memberRows.get(id)
    if (seen !== undefined) {
      reject(0, `Mã đảng viên "${id}" trùng với dòng ${seen}`)
      continue
    }
    memberRows.set(id, r.row)
    const nameText = textOf(v[1])
    const name = nameText === null ? null : Text.parseName(nameText)
    if (name === null) {
      reject(1, nameText === null ? "Thiếu Họ và tên" : `Họ và tên "${nameText}" không đọc được thành tên người`)
      continue
    }
    const unitCode = textOf(v[9])
    if (unitCode === null) {
      reject(9, "Thiếu Mã chi bộ")
      continue
    }
    const statusText = textOf(v[10])
    const status = statusText === null ? undefined : STATUS.get(headerKey(statusText))
    if (status === undefined) {
      reject(
        10,
        `${statusText === null ? "Thiếu Trạng thái" : `Trạng thái "${statusText}" không rõ`} (cần một trong: Đang sinh hoạt, Đã chuyển đi, Từ trần, Xóa tên, Khai trừ, Ra khỏi Đảng)`
      )
      continue
    }
    // From here on the row is ingested; bad optional values become null with a warning.
    const birth = optionalDate(MemberSheet, r, 2, "Ngày sinh")
    let sex: Sex | null = null
    const sexText = textOf(v[3])
    if (sexText !== null) {
      sex = Ids.parseSex(sexText)
      if (sex === null) warn(3, `Giới tính "${sexText}" không đọc được; bỏ qua giá trị`)
    }
    let cccd: string | null = null
    if (textOf(v[5]) !== null) {
      const res = Ids.parsePersonalId(v[5])
      if (res.ok) cccd = res.value
      else warn(5, `${res.reason}; bỏ qua giá trị`)
    }
    if (cccd !== null) {
      const c = Ids.cccdConsistency(cccd, sex, birth?.year ?? null)
      if (c !== null) warn(5, c)
    }
    let cardNo: string | null = null
    if (textOf(v[6]) !== null) {
      const res = Ids.parseCardNo(v[6])
      if (res.ok) cardNo = res.value
      else warn(6, `${res.reason}; bỏ qua giá trị`)
    }
    if (!unitRows.has(unitCode)) warn(9, `Mã chi bộ "${unitCode}" không có trong trang ChiBo`)
    members.push({
      id,
      name,
      birth,
      sex,
      hometown: textOf(v[4]),
      cccd,
      cardNo,
      admitted: optionalDate(MemberSheet, r, 7, "Ngày vào Đảng"),
      official: optionalDate(MemberSheet, r, 8, "Ngày chính thức"),
      unitCode,
      status,
      sourceRow: r.row
    })
  }
  // optionalDate pushes into `warnings`; keep the sheet order DangVien, ChiBo, ChuyenSinhHoat.
  const memberDateWarnings = warnings.splice(0)

  const transfers: Array<Transfer> = []
  const transferRejections: Array<Rejection> = []
  const transferWarnings: Array<Rejection> = []
  for (const r of raw.transfers) {
    rowsRead++
    const v = r.values
    const reject = (i: number, reason: string) => {
      rowsRejected++
      transferRejections.push({ ...at(TransferSheet, r.row, i), reason })
    }
    const memberId = textOf(v[0])
    if (memberId === null) {
      reject(0, "Thiếu Mã đảng viên")
      continue
    }
    const kindText = textOf(v[3])
    const kind = kindText === null ? undefined : TRANSFER_KIND.get(headerKey(kindText))
    if (kind === undefined) {
      reject(3, `${kindText === null ? "Thiếu Loại" : `Loại "${kindText}" không rõ`} (cần "Chính thức" hoặc "Tạm thời")`)
      continue
    }
    if (!memberRows.has(memberId)) {
      transferWarnings.push({ ...at(TransferSheet, r.row, 0), reason: `Mã đảng viên "${memberId}" không có trong trang DangVien` })
    }
    transfers.push({
      memberId,
      fromUnit: textOf(v[1]),
      toUnit: textOf(v[2]),
      kind,
      introduced: optionalDate(TransferSheet, r, 4, "Ngày giới thiệu"),
      received: optionalDate(TransferSheet, r, 5, "Ngày tiếp nhận"),
      sourceRow: r.row
    })
  }
  const transferDateWarnings = warnings.splice(0)

  // Warnings in reading order: by row, then by column as laid out in the contract.
  const inOrder = (spec: SheetSpec, list: Array<Rejection>) => {
    const colIndex = (r: Rejection) => spec.columns.findIndex((c) => c.header === r.column)
    return list.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || colIndex(a) - colIndex(b))
  }
  return {
    data: { members, units, transfers },
    rejections: [...memberRejections, ...unitRejections, ...transferRejections],
    warnings: [
      ...inOrder(MemberSheet, [...memberWarnings, ...memberDateWarnings]),
      ...inOrder(TransferSheet, [...transferWarnings, ...transferDateWarnings])
    ],
    rowsRead,
    rowsRejected
  }
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
      const index = spec.columns.map((c) => keys.indexOf(headerKey(c.header)))
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

const readXlsxRaw = (file: string) =>
  Effect.gen(function* () {
    const base = path.basename(file)
    const bytes = yield* readBytes(file)
    const sheets = yield* readXlsx(bytes).pipe(
      Effect.mapError((e) => new CentralError({ file: base, message: `Tệp trung ương "${base}": ${e.reason} (unreadable workbook)` }))
    )
    const raw = yield* rawFromSheets(base, sheets)
    return { raw, sha256: sha256Of(bytes) }
  })

const toIngest = (summaryFile: string, rowsFile: string, sha256: string, raw: CentralRaw): CentralIngest => {
  const p = parseCentral(rowsFile, raw)
  return {
    data: p.data,
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
export const readCentral = (file: string): Effect.Effect<CentralIngest, CentralError> => {
  const base = path.basename(file)
  const ext = path.extname(file).toLowerCase()
  if (ext === ".xlsx") {
    return readXlsxRaw(file).pipe(Effect.map(({ raw, sha256 }) => toIngest(base, base, sha256, raw)))
  }
  if (ext === ".sqlite" || ext === ".db") {
    return Effect.gen(function* () {
      // Read the bytes first: it proves the file exists (SQLite would create an empty one) and gives the hash.
      const bytes = yield* readBytes(file)
      const { raw, sourceFile } = yield* readSqliteRaw(base).pipe(
        Effect.provide(SqliteClient.layer({ filename: file, readonly: true, disableWAL: true })),
        Effect.catchAll((e) => (e instanceof CentralError ? Effect.fail(e) : Effect.fail(sqlError(base, "không đọc được cơ sở dữ liệu SQLite")(e))))
      )
      return toIngest(base, sourceFile, sha256Of(bytes), raw)
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
