/**
 * One province export made ready for the national index (Store/NationalImport.ts): read (the
 * .xlsx export, or a SQLite file in the central schema), parsed by the same code as every central
 * read (`parseCentral`), its province settled, and its members encoded and keyed. Runs on a worker
 * thread (ImportWorker.ts) while the importing thread writes the previous export, so the result is
 * made of what crosses threads cheaply: the members' texts in a few long strings, the keys in
 * typed arrays (transferred, not copied).
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import type { Unit } from "../Domain.js"
import { type CentralRaw, MemberSheet, parseCentral, type RawRow, type RawValue, readXlsxRaw, TransferSheet, UnitSheet } from "../Ingest/Central.js"
import { encodeMember, encodeTransfer, IndexError, recordKeys, rootsOf, SCHEMA } from "./CentralIndex.js"

export interface ExportRead {
  readonly file: string
  readonly sha256: string
  readonly raw: CentralRaw
  /** central_meta of a SQLite export (province_code, province_name, source_file…). */
  readonly meta: ReadonlyMap<string, string>
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

/** Bytes of a string in UTF-8, as Buffer.from writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
const utf8Length = (s: string): number => {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2
      i++
    } else n += 2
  }
  return n
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

/** Members per text chunk: a chunk stays far below V8's longest string (2^29 characters) whatever the province's size. */
const CHUNK = 50_000

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
 * A SQLite export in importCentral's schema, read with better-sqlite3 (raw values as stored). The
 * row number is selected last, so the row's array is its values as they are (in the sheet spec's
 * order; the trailing row number is never read as a value): no copy per row.
 */
const readSqliteExport = (file: string): ExportRead => {
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
    const read = (spec: typeof MemberSheet): Array<RawRow> => {
      const cols = spec.columns.map((c) => c.column)
      const at = cols.length
      const stmt = db.prepare(`SELECT ${cols.join(", ")}, source_row FROM ${spec.table} ORDER BY source_row`).raw(true)
      // all(): one call into SQLite for the table (iterate() crossed into it once per row).
      const all = stmt.all() as Array<Array<RawValue>>
      const rows = new Array<RawRow>(all.length)
      for (let i = 0; i < all.length; i++) rows[i] = { row: Number(all[i]![at]), values: all[i]! }
      return rows
    }
    const raw: CentralRaw = { members: read(MemberSheet), units: read(UnitSheet), transfers: read(TransferSheet) }
    return { file: meta.get("source_file") ?? base, sha256: sha256File(file), raw, meta }
  } catch (e) {
    if (e instanceof IndexError) throw e
    throw new IndexError({ message: `${base}: không đọc được tệp SQLite (${e instanceof Error ? e.message.split("\n")[0] : String(e)})` })
  } finally {
    db.close()
  }
}

/** Reads one export (.xlsx, or .sqlite/.db in the central schema); an IndexError names the file. */
export const readExport = async (file: string): Promise<ExportRead> => {
  const ext = path.extname(file).toLowerCase()
  if (ext === ".xlsx") {
    return Effect.runPromise(
      readXlsxRaw(file).pipe(
        Effect.map(({ raw, sha256 }): ExportRead => ({ file: path.basename(file), sha256, raw, meta: new Map<string, string>() })),
        Effect.mapError((e) => new IndexError({ message: e.message }))
      )
    )
  }
  if (ext === ".sqlite" || ext === ".db") return readSqliteExport(file)
  throw new IndexError({ message: `${path.basename(file)}: định dạng "${ext}" không hỗ trợ; cần .xlsx, .sqlite hoặc .db (unsupported format)` })
}

/** The province of an export: `--province`, else its central_meta.province_code, else the root of its ChiBo tree. */
export const provinceOf = (read: ExportRead, units: ReadonlyArray<Unit>, given: string | undefined): ProvinceOf => {
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

/** Reads, parses, keys and encodes one export. Throws an IndexError naming the file when it cannot be used. */
export const prepareExport = async (file: string, given: string | undefined, signatures: ReadonlyArray<string>): Promise<PreparedExport> => {
  const t0 = performance.now()
  let read: ExportRead | null = await readExport(file)
  const { file: sourceFile, sha256 } = read
  const memberRows = read.raw.members.length
  const p = parseCentral(sourceFile, read.raw)
  const province = provinceOf(read, p.data.units, given)
  // The raw rows are garbage from here (a large province's are about as big as its parsed members).
  read = null
  const members = p.data.members
  const { keys, record } = recordKeys(members, signatures)
  const chunks: Array<TextChunk> = []
  for (let from = 0; from < members.length; from += CHUNK) {
    const to = Math.min(members.length, from + CHUNK)
    const parts = new Array<string>((to - from) * 3)
    const bounds = new Int32Array(parts.length + 1)
    let at = 0
    for (let i = from, v = 0; i < to; i++) {
      const m = members[i]!
      const data = encodeMember(m)
      parts[v] = m.id
      bounds[v++] = at
      at += utf8Length(m.id)
      parts[v] = m.unitCode
      bounds[v++] = at
      at += utf8Length(m.unitCode)
      parts[v] = data
      bounds[v++] = at
      at += utf8Length(data)
    }
    bounds[parts.length] = at
    // Its own memory (not Buffer's shared pool, which a small string would use): it is transferred.
    const bytes = Buffer.allocUnsafeSlow(at)
    const written = bytes.write(parts.join(""), 0, "utf8")
    if (written !== at) throw new Error(`member texts: ${written} bytes written, ${at} counted`)
    chunks.push({ bytes, bounds })
  }
  return {
    file: path.basename(file),
    sourceFile,
    sha256,
    province,
    rowsRead: p.rowsRead,
    rowsRejected: p.rowsRejected,
    warnings: p.warnings.length,
    memberRows,
    members: members.length,
    chunks,
    keys,
    keyMember: record,
    units: p.data.units,
    transfers: p.data.transfers.map((t) => [t.memberId, t.fromUnit, t.toUnit, encodeTransfer(t)] as const),
    issues: [...p.rejections.map((r) => ["rejection", JSON.stringify(r)] as const), ...p.warnings.map((w) => ["warning", JSON.stringify(w)] as const)],
    seconds: (performance.now() - t0) / 1000
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
