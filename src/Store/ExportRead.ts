/**
 * One province export made ready for the national index (Store/NationalImport.ts): read (the
 * .xlsx export, or a SQLite file in the central schema), parsed by the same code as every central
 * read (`parseCentralStream`, which `parseCentral` is), its province settled, and its members
 * encoded and keyed. Runs on a worker thread (ImportWorker.ts) while the importing thread writes
 * the previous export, so the result is made of what crosses threads cheaply: the members' texts
 * as UTF-8 bytes, the keys in typed arrays (transferred, not copied).
 *
 * A SQLite export's members are read, parsed, keyed and encoded BATCH rows at a time, so its raw
 * rows and parsed members die young instead of all living until the last row is parsed: with the
 * whole province read first, garbage collection was a quarter of preparing an export (copying rows
 * that survive into the old generation).
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import type { CentralMember, Unit } from "../Domain.js"
import {
  duplicateIdsAmong,
  MemberSheet,
  type MemberRowSource,
  memberSheetFacts,
  parseCentralStream,
  type RawRow,
  type RawValue,
  readXlsxRaw,
  TransferSheet,
  UnitSheet
} from "../Ingest/Central.js"
import { encodeMember, encodeTransfer, IndexError, KeyBuilder, rootsOf, SCHEMA } from "./CentralIndex.js"

/** An export opened for preparing: its small sheets whole, its members as a MemberRowSource. */
export interface ExportSource {
  /** The file the export was made from (a SQLite export's central_meta.source_file), else the export's name. */
  readonly file: string
  readonly sha256: string
  /** central_meta of a SQLite export (province_code, province_name, source_file…). */
  readonly meta: ReadonlyMap<string, string>
  readonly units: ReadonlyArray<RawRow>
  /** DangVien rows. */
  readonly memberRows: number
  readonly members: MemberRowSource
  readonly transfers: () => ReadonlyArray<RawRow>
  readonly close: () => void
}

/** DangVien rows per batch: a batch's rows and members are garbage once it is keyed and encoded. */
const BATCH = 8192

/** Rows held in memory, in batches of BATCH. */
function* inBatches(rows: ReadonlyArray<RawRow>): Generator<ReadonlyArray<RawRow>> {
  for (let from = 0; from < rows.length; from += BATCH) yield rows.slice(from, from + BATCH)
}

export interface ProvinceOf {
  readonly code: string
  readonly name: string
  /** Where the code came from: "--province", "central_meta.province_code" or "root unit". */
  readonly codeFrom: string
}

/**
 * Members' texts as UTF-8 (what SQLite stores; half the bytes of the two-byte JS strings, and the
 * buffer is transferred, not copied): value v of a chunk (member i's member_id, unit_code, data at
 * 3i, 3i+1, 3i+2) is bytes[bounds[v] .. bounds[v+1]).
 */
export interface TextChunk {
  readonly bytes: Uint8Array
  readonly bounds: Int32Array
}

/**
 * Where a chunk's texts are written before they are copied out at their exact size: grown to fit
 * the largest chunk (a UTF-16 code unit takes at most 3 bytes of UTF-8), reused chunk after chunk.
 */
let scratch = Buffer.allocUnsafeSlow(0)
const ensureScratch = (bytes: number): Buffer => {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(Math.max(bytes, scratch.length * 2))
  return scratch
}

export interface PreparedExport {
  /** The export's file name as given. */
  readonly file: string
  /** The file the export was made from (a SQLite export's central_meta.source_file), as issues name it. */
  readonly sourceFile: string
  readonly sha256: string
  readonly province: ProvinceOf
  readonly rowsRead: number
  readonly rowsRejected: number
  readonly warnings: number
  /** DangVien rows read (the records/s figures count these). */
  readonly memberRows: number
  readonly members: number
  readonly chunks: ReadonlyArray<TextChunk>
  /** Stable keys of the members (recordKeys), with the member's index in the export. */
  readonly keys: Float64Array
  readonly keyMember: Int32Array
  readonly units: ReadonlyArray<Unit>
  /** member_id, from_unit, to_unit, data (encodeTransfer). */
  readonly transfers: ReadonlyArray<readonly [string, string | null, string | null, string]>
  /** level ("rejection" | "warning"), data (JSON). */
  readonly issues: ReadonlyArray<readonly [string, string]>
  /** Reading, parsing, keying and encoding, in seconds. */
  readonly seconds: number
}

const sha256File = (file: string): string => {
  const h = createHash("sha256")
  const fd = fs.openSync(file, "r")
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      h.update(buf.subarray(0, n))
    }
  } finally {
    fs.closeSync(fd)
  }
  return h.digest("hex")
}

/**
 * A SQLite export in importCentral's schema, opened with better-sqlite3 (raw values as stored).
 * The row number is selected last, so the row's array is its values as they are (in the sheet
 * spec's order; the trailing row number is never read as a value): no copy per row. Members are
 * read BATCH rows at a time by their row number when it is the table's key (as importCentral
 * makes it), else all at once.
 */
const openSqliteExport = (file: string): ExportSource => {
  const base = path.basename(file)
  let db: Database.Database
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch (e) {
    throw new IndexError({ message: `${base}: không mở được tệp SQLite (${e instanceof Error ? e.message : String(e)}) (cannot open)` })
  }
  try {
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((t) => t.name))
    const needed = ["central_meta", MemberSheet.table, UnitSheet.table, TransferSheet.table]
    const absent = needed.filter((t) => !tables.has(t))
    if (absent.length > 0) {
      throw new IndexError({ message: `${base}: không phải dữ liệu trung ương của một tỉnh: thiếu bảng ${absent.join(", ")} (not a province export)` })
    }
    const meta = new Map((db.prepare(`SELECT key, value FROM central_meta`).all() as Array<{ key: string; value: string }>).map((r) => [r.key, String(r.value)]))
    if (meta.get("schema") === SCHEMA) throw new IndexError({ message: `${base}: là một chỉ mục toàn quốc, không phải dữ liệu của một tỉnh (a national index, not a province export)` })
    const rowsOf = (all: Array<Array<RawValue>>, at: number): Array<RawRow> => {
      const rows = new Array<RawRow>(all.length)
      for (let i = 0; i < all.length; i++) rows[i] = { row: Number(all[i]![at]), values: all[i]! }
      return rows
    }
    // all(): one call into SQLite for the rows (iterate() crossed into it once per row).
    const read = (spec: typeof MemberSheet): Array<RawRow> =>
      rowsOf(db.prepare(`SELECT ${spec.columns.map((c) => c.column).join(", ")}, source_row FROM ${spec.table} ORDER BY source_row`).raw(true).all() as Array<Array<RawValue>>, spec.columns.length)
    const table = MemberSheet.table
    const cols = MemberSheet.columns.map((c) => c.column)
    const memberRows = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    const ids = db.prepare(`SELECT ${cols[0]}, source_row FROM ${table} ORDER BY source_row`).raw(true).all() as Array<[RawValue, number]>
    const duplicateIds = duplicateIdsAmong(ids.length, (x) => ids[x]![0], (x) => Number(ids[x]![1]))
    ids.length = 0
    const keyed = (db.prepare(`SELECT pk, type FROM pragma_table_info(?) WHERE name = 'source_row'`).get(table) as { pk: number; type: string } | undefined)
    const byRowNumber = keyed !== undefined && keyed.pk === 1 && keyed.type.toUpperCase() === "INTEGER" &&
      (db.prepare(`SELECT count(*) AS n FROM pragma_table_info(?) WHERE pk > 0`).get(table) as { n: number }).n === 1
    function* batches(): Generator<ReadonlyArray<RawRow>> {
      if (!byRowNumber) {
        yield* inBatches(read(MemberSheet))
        return
      }
      const page = db.prepare(`SELECT ${cols.join(", ")}, source_row FROM ${table} WHERE source_row > ? ORDER BY source_row LIMIT ${BATCH}`).raw(true)
      let after = Number.MIN_SAFE_INTEGER
      for (;;) {
        const rows = rowsOf(page.all(after) as Array<Array<RawValue>>, cols.length)
        if (rows.length === 0) return
        after = rows[rows.length - 1]!.row
        yield rows
      }
    }
    return {
      file: meta.get("source_file") ?? base,
      sha256: sha256File(file),
      meta,
      units: read(UnitSheet),
      memberRows,
      members: {
        duplicateIds,
        columnValues: (i) => (db.prepare(`SELECT ${cols[i]} FROM ${table} ORDER BY source_row`).raw(true).all() as Array<[RawValue]>).map((r) => r[0]),
        batches: { [Symbol.iterator]: batches }
      },
      transfers: () => read(TransferSheet),
      close: () => db.close()
    }
  } catch (e) {
    db.close()
    throw sqliteFailure(base, e)
  }
}

/** An error while reading a SQLite export, naming it (an IndexError as it is). */
const sqliteFailure = (base: string, e: unknown): IndexError =>
  e instanceof IndexError ? e : new IndexError({ message: `${base}: không đọc được tệp SQLite (${e instanceof Error ? e.message.split("\n")[0] : String(e)})` })

/** Opens one export (.xlsx, read whole; or .sqlite/.db in the central schema); an IndexError names the file. */
export const openExport = async (file: string): Promise<ExportSource> => {
  const ext = path.extname(file).toLowerCase()
  if (ext === ".xlsx") {
    return Effect.runPromise(
      readXlsxRaw(file).pipe(
        Effect.map(({ raw, sha256 }): ExportSource => ({
          file: path.basename(file),
          sha256,
          meta: new Map<string, string>(),
          units: raw.units,
          memberRows: raw.members.length,
          members: { ...memberSheetFacts(raw.members), batches: { [Symbol.iterator]: () => inBatches(raw.members) } },
          transfers: () => raw.transfers,
          close: () => {}
        })),
        Effect.mapError((e) => new IndexError({ message: e.message }))
      )
    )
  }
  if (ext === ".sqlite" || ext === ".db") return openSqliteExport(file)
  throw new IndexError({ message: `${path.basename(file)}: định dạng "${ext}" không hỗ trợ; cần .xlsx, .sqlite hoặc .db (unsupported format)` })
}

/** The province of an export: `--province`, else its central_meta.province_code, else the root of its ChiBo tree. */
export const provinceOf = (read: Pick<ExportSource, "file" | "meta">, units: ReadonlyArray<Unit>, given: string | undefined): ProvinceOf => {
  const roots = rootsOf(units)
  const rootName = roots.length === 1 ? roots[0]!.name : null
  const name = read.meta.get("province_name") ?? rootName
  if (given !== undefined) return { code: given, name: name ?? given, codeFrom: "--province" }
  const metaCode = read.meta.get("province_code")
  if (metaCode !== undefined && metaCode !== "") return { code: metaCode, name: name ?? metaCode, codeFrom: "central_meta.province_code" }
  if (roots.length === 1) return { code: roots[0]!.code, name: roots[0]!.name, codeFrom: "root unit" }
  throw new IndexError({
    message: `${read.file}: không xác định được tỉnh: cây tổ chức có ${roots.length} gốc (${roots.slice(0, 5).map((u) => u.code).join(", ")}) ` +
      `và tệp không ghi province_code; hãy cho --province <mã> (cannot tell the province; give --province)`
  })
}

/**
 * A short text (an id, a unit code) at `at`; the new end. ASCII is copied here: a call into
 * Buffer.write costs more than the copy (its checks and the crossing into C++, per text).
 */
const writeShort = (buf: Buffer, s: string, at: number): number => {
  const n = s.length
  if (n <= 32) {
    let i = 0
    for (; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) break
      buf[at + i] = c
    }
    if (i === n) return at + n
  }
  return at + buf.write(s, at)
}

/**
 * Members' texts as one chunk (see TextChunk), each written where the previous ended (Buffer.write:
 * native UTF-8, a lone surrogate as U+FFFD like Buffer.from) into room for three bytes per code
 * unit. (Counting each text's bytes in JS first, then writing them joined, took a sixth of
 * preparing an export; joining a batch's texts into one string to write it in one call was no
 * faster: the join costs what the calls did.)
 */
export const textChunk = (members: ReadonlyArray<CentralMember>): TextChunk => {
  const bounds = new Int32Array(members.length * 3 + 1)
  let buf = ensureScratch(0)
  let at = 0
  for (let i = 0, v = 0; i < members.length; i++) {
    const m = members[i]!
    const data = encodeMember(m)
    const room = at + 3 * (m.id.length + m.unitCode.length + data.length)
    if (room > buf.length) {
      const grown = ensureScratch(room)
      if (grown !== buf) buf.copy(grown, 0, 0, at)
      buf = grown
    }
    bounds[v++] = at
    at = writeShort(buf, m.id, at)
    bounds[v++] = at
    at = writeShort(buf, m.unitCode, at)
    bounds[v++] = at
    at += buf.write(data, at)
  }
  bounds[bounds.length - 1] = at
  // Its own memory (not Buffer's shared pool, which a small text would use): it is transferred.
  const bytes = Buffer.allocUnsafeSlow(at)
  buf.copy(bytes, 0, 0, at)
  return { bytes, bounds }
}

/** Reads, parses, keys and encodes one export. Throws an IndexError naming the file when it cannot be used. */
export const prepareExport = async (file: string, given: string | undefined, signatures: ReadonlyArray<string>): Promise<PreparedExport> => {
  const t0 = performance.now()
  const src = await openExport(file)
  try {
    const keys = new KeyBuilder(signatures, src.memberRows)
    const chunks: Array<TextChunk> = []
    let members = 0
    const p = parseCentralStream(src.file, { units: src.units, members: src.members, transfers: src.transfers }, (batch) => {
      if (batch.length === 0) return
      keys.add(batch)
      chunks.push(textChunk(batch))
      members += batch.length
    })
    const province = provinceOf(src, p.data.units, given)
    const { keys: keyValues, record } = keys.result()
    return {
      file: path.basename(file),
      sourceFile: src.file,
      sha256: src.sha256,
      province,
      rowsRead: p.rowsRead,
      rowsRejected: p.rowsRejected,
      warnings: p.warnings.length,
      memberRows: src.memberRows,
      members,
      chunks,
      keys: keyValues,
      keyMember: record,
      units: p.data.units,
      transfers: p.data.transfers.map((t) => [t.memberId, t.fromUnit, t.toUnit, encodeTransfer(t)] as const),
      issues: [...p.rejections.map((r) => ["rejection", JSON.stringify(r)] as const), ...p.warnings.map((w) => ["warning", JSON.stringify(w)] as const)],
      seconds: (performance.now() - t0) / 1000
    }
  } catch (e) {
    // A SQLite export's members are read as they are parsed: its errors surface here.
    throw e instanceof Database.SqliteError ? sqliteFailure(path.basename(file), e) : e
  } finally {
    src.close()
  }
}

/** The typed arrays of a prepared export, to transfer to another thread instead of copying. */
export const transferables = (p: PreparedExport): Array<ArrayBuffer> =>
  [p.keys.buffer, p.keyMember.buffer, ...p.chunks.flatMap((c) => [c.bounds.buffer, c.bytes.buffer])] as Array<ArrayBuffer>

/** Why an export could not be prepared, naming the file once. */
export const failureMessage = (file: string, e: unknown): string => {
  const m = typeof e === "object" && e !== null && "message" in e ? String((e as { message: unknown }).message) : String(e)
  const base = path.basename(file)
  return m.includes(base) ? m : `${base}: ${m}`
}
