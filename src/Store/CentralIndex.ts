/**
 * The national central index: many province exports (the .xlsx export, or the SQLite schema
 * `importCentral` writes) in one SQLite file, with the blocking keys of a pipeline's rules
 * precomputed and indexed, so a province's run fetches only the candidates of its rosters
 * (Pipeline/IndexRun.ts) instead of loading the whole central database.
 *
 * Schema (central_meta.schema = "national-1"):
 *
 *   central_meta(key TEXT PRIMARY KEY, value TEXT)   -- schema, kind = national-index, pipeline, key_rules (JSON)
 *   central_provinces(code PRIMARY KEY, name, code_from, source_file, source_sha256, imported_at,
 *     rows_read, rows_rejected, warnings, members, units, transfers, seconds, records_per_s)
 *   central_members(id INTEGER PRIMARY KEY, province, member_id, unit_code, data)  -- data: the parsed member (JSON array)
 *   central_units(province, unit_code, unit_name, parent_code, parent_name)
 *   central_transfers(province, member_id, from_unit, to_unit, data)  -- data: the parsed transfer (JSON)
 *   central_issues(province, level, data)           -- the import's rejections and warnings (JSON), shown by the province's runs
 *   central_keys(key, member) WITHOUT ROWID          -- one row per member and distinct blocking-key signature, clustered by key
 *
 * Records are stored parsed (by the same parser as every central read, `parseCentral`), so a run
 * reads them without re-parsing and a column-wide decision (a padded number cell) stays the one
 * taken over the whole province export.
 *
 * Keys: for every distinct key list among the pipeline's blocking rules ("nameSkeleton+birthYear"),
 * a 53-bit hash of the signature and the key's text parts (interned ids are replaced by their
 * strings, so keys are stable across runs). A collision only adds a candidate: the run blocks
 * the fetched records again in memory with the engine's own `block`.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import Database from "better-sqlite3"
import { Effect, Schema } from "effect"
import type { CentralMember, PartialDate, Rejection, Transfer, Unit } from "../Domain.js"
import { type CentralRaw, parseCentral, type RawRow, type RawValue, MemberSheet, readXlsxRaw, TransferSheet, UnitSheet } from "../Ingest/Central.js"
import type { BlockingRule, BlockKey } from "../Match/Engine.js"
import { Interner, keyPart, parentMap, prepare, type Side } from "../Match/Engine.js"
import { NONE } from "../Match/Side.js"

export class IndexError extends Schema.TaggedError<IndexError>()("IndexError", {
  message: Schema.String
}) {}

export const SCHEMA = "national-1"

// ---------------------------------------------------------------------------------------------
// Keys

/** Block keys whose part is an interned id (its string is used), the others are plain numbers. */
const INTERNED: ReadonlySet<BlockKey> = new Set<BlockKey>([
  "cccd", "cardNo", "familyName", "middleName", "givenName", "fullName", "nameSkeleton", "hometown", "parentUnit"
])

/** cyrb53: a fast 53-bit string hash (an integer SQLite stores in 8 bytes). */
export const hash53 = (str: string): number => {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** A rule's keys as one text: rules with the same keys (capped or not) share the index rows. */
export const signatureOf = (rule: Pick<BlockingRule, "keys">): string => rule.keys.join("+")

/**
 * A rule keyed on the parent unit pairs a roster row only with records under the same parent:
 * records of the row's own province, which a run loads whole. Such rules need no stored keys.
 */
export const provinceLocal = (rule: Pick<BlockingRule, "keys">): boolean => rule.keys.includes("parentUnit")

/** The distinct key signatures a pipeline's rules need stored, in declaration order (province-local rules left out). */
export const signaturesOf = (rules: ReadonlyArray<BlockingRule>): Array<string> =>
  [...new Set(rules.filter((r) => !provinceLocal(r)).map(signatureOf))]

/** The stable key of record i under a signature, or null when a part is missing (the rule cannot pair it). */
export const stableKey = (side: Side, strings: Interner, i: number, signature: string, keys: ReadonlyArray<BlockKey>): number | null => {
  let text = signature
  for (const k of keys) {
    const v = keyPart(side, i, k)
    if (v === NONE) return null
    text += "\u0001" + (INTERNED.has(k) ? strings.strings[v]! : String(v))
  }
  return hash53(text)
}

// ---------------------------------------------------------------------------------------------
// Stored records

type MemberRow = readonly [
  id: string, display: string, key: string, folded: string, family: string, middle: string, given: string,
  birth: readonly [number, number | null, number | null] | null, sex: string | null, hometown: string | null,
  cccd: string | null, cardNo: string | null,
  admitted: readonly [number, number | null, number | null] | null,
  official: readonly [number, number | null, number | null] | null,
  unitCode: string, status: string, sourceRow: number
]

const dateOut = (d: PartialDate | null) => (d === null ? null : ([d.year, d.month, d.day] as const))
const dateIn = (d: readonly [number, number | null, number | null] | null): PartialDate | null =>
  d === null ? null : { year: d[0], month: d[1], day: d[2] }

export const encodeMember = (m: CentralMember): string => {
  const row: MemberRow = [
    m.id, m.name.display, m.name.key, m.name.folded, m.name.family, m.name.middle, m.name.given,
    dateOut(m.birth), m.sex, m.hometown, m.cccd, m.cardNo, dateOut(m.admitted), dateOut(m.official),
    m.unitCode, m.status, m.sourceRow
  ]
  return JSON.stringify(row)
}

export const decodeMember = (text: string): CentralMember => {
  const r = JSON.parse(text) as MemberRow
  return {
    id: r[0],
    name: { display: r[1], key: r[2], folded: r[3], family: r[4], middle: r[5], given: r[6] },
    birth: dateIn(r[7]),
    sex: r[8] as CentralMember["sex"],
    hometown: r[9],
    cccd: r[10],
    cardNo: r[11],
    admitted: dateIn(r[12]),
    official: dateIn(r[13]),
    unitCode: r[14],
    status: r[15] as CentralMember["status"],
    sourceRow: r[16]
  }
}

export const encodeTransfer = (t: Transfer): string => JSON.stringify(t)
export const decodeTransfer = (text: string): Transfer => JSON.parse(text) as Transfer

// ---------------------------------------------------------------------------------------------
// The database

const DDL = [
  `CREATE TABLE IF NOT EXISTS central_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_provinces (code TEXT PRIMARY KEY, name TEXT NOT NULL, code_from TEXT NOT NULL,
     source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, rows_read INTEGER NOT NULL,
     rows_rejected INTEGER NOT NULL, warnings INTEGER NOT NULL, members INTEGER NOT NULL, units INTEGER NOT NULL,
     transfers INTEGER NOT NULL, seconds REAL NOT NULL, records_per_s REAL NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_members (id INTEGER PRIMARY KEY, province TEXT NOT NULL, member_id TEXT NOT NULL,
     unit_code TEXT NOT NULL, data TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_units (province TEXT NOT NULL, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,
     parent_code TEXT, parent_name TEXT)`,
  `CREATE TABLE IF NOT EXISTS central_transfers (province TEXT NOT NULL, member_id TEXT NOT NULL, from_unit TEXT, to_unit TEXT, data TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_issues (province TEXT NOT NULL, level TEXT NOT NULL, data TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_keys (key INTEGER NOT NULL, member INTEGER NOT NULL, PRIMARY KEY (key, member)) WITHOUT ROWID`
]

/** Created after the bulk insert of a new file (much faster than inserting into indexed tables). */
const INDEXES = [
  `CREATE INDEX IF NOT EXISTS central_members_province ON central_members (province)`,
  `CREATE INDEX IF NOT EXISTS central_members_member ON central_members (member_id)`,
  `CREATE INDEX IF NOT EXISTS central_units_code ON central_units (unit_code)`,
  `CREATE INDEX IF NOT EXISTS central_units_province ON central_units (province)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_member ON central_transfers (member_id)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_province ON central_transfers (province)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_to ON central_transfers (to_unit)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_from ON central_transfers (from_unit)`,
  `CREATE INDEX IF NOT EXISTS central_issues_province ON central_issues (province)`
]

export interface IndexMeta {
  readonly pipeline: string
  /** The key signatures indexed ("cccd", "nameSkeleton+birthYear", …). */
  readonly signatures: ReadonlyArray<string>
}

/** The index's meta, or null when the file is no national index (an importCentral file, another SQLite). */
export const readIndexMeta = (db: Database.Database): IndexMeta | null => {
  const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'central_meta'`).get()
  if (has === undefined) return null
  const meta = new Map((db.prepare(`SELECT key, value FROM central_meta`).all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]))
  if (meta.get("schema") !== SCHEMA) return null
  return { pipeline: meta.get("pipeline") ?? "", signatures: JSON.parse(meta.get("key_rules") ?? "[]") as Array<string> }
}

/** True when the file is a national index (checked by its meta, not its name). */
export const isNationalIndex = (file: string): boolean => {
  const ext = path.extname(file).toLowerCase()
  if ((ext !== ".sqlite" && ext !== ".db") || !fs.existsSync(file)) return false
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      return readIndexMeta(db) !== null
    } finally {
      db.close()
    }
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------------------------
// Reading one export

interface ExportRead {
  readonly file: string
  readonly sha256: string
  readonly raw: CentralRaw
  /** central_meta of a SQLite export (province_code, province_name, source_file…). */
  readonly meta: ReadonlyMap<string, string>
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

/** A SQLite export in importCentral's schema, read with better-sqlite3 (raw values as stored). */
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
      const stmt = db.prepare(`SELECT source_row, ${cols.join(", ")} FROM ${spec.table} ORDER BY source_row`).raw(true)
      const rows: Array<RawRow> = []
      for (const r of stmt.iterate() as Iterable<Array<RawValue>>) rows.push({ row: Number(r[0]), values: r.slice(1) })
      return rows
    }
    const raw: CentralRaw = { members: read(MemberSheet), units: read(UnitSheet), transfers: read(TransferSheet) }
    return { file: meta.get("source_file") ?? base, sha256: sha256File(file), raw, meta }
  } finally {
    db.close()
  }
}

const readExport = (file: string): Effect.Effect<ExportRead, IndexError> => {
  const ext = path.extname(file).toLowerCase()
  if (ext === ".xlsx") {
    return readXlsxRaw(file).pipe(
      Effect.map(({ raw, sha256 }) => ({ file: path.basename(file), sha256, raw, meta: new Map<string, string>() })),
      Effect.mapError((e) => new IndexError({ message: e.message }))
    )
  }
  if (ext === ".sqlite" || ext === ".db") {
    return Effect.try({
      try: () => readSqliteExport(file),
      catch: (e) => (e instanceof IndexError ? e : new IndexError({ message: `${path.basename(file)}: ${String(e)}` }))
    })
  }
  return Effect.fail(new IndexError({ message: `${path.basename(file)}: định dạng "${ext}" không hỗ trợ; cần .xlsx, .sqlite hoặc .db (unsupported format)` }))
}

/** The roots of a units tree: units whose parent is none or not a unit of the tree. */
export const rootsOf = (units: ReadonlyArray<Unit>): Array<Unit> => {
  const codes = new Set(units.map((u) => u.code))
  return units.filter((u) => u.parentCode === null || !codes.has(u.parentCode))
}

// ---------------------------------------------------------------------------------------------
// Import

export interface ProvinceStats {
  readonly province: string
  readonly name: string
  /** Where the code came from: "--province", "central_meta.province_code" or "root unit". */
  readonly codeFrom: string
  readonly file: string
  readonly rowsRead: number
  readonly rowsRejected: number
  readonly warnings: number
  readonly members: number
  readonly units: number
  readonly transfers: number
  /** Members that were already in the index for this province (replaced). */
  readonly replaced: number
  /** Member ids also found in another province of the index. */
  readonly idsInOtherProvinces: number
  readonly seconds: number
  readonly recordsPerSecond: number
}

export interface ImportStats {
  readonly into: string
  readonly created: boolean
  readonly provinces: ReadonlyArray<ProvinceStats>
  readonly seconds: number
  readonly indexSeconds: number
  readonly recordsPerSecond: number
}

export interface ImportOptions {
  readonly pipeline: string
  readonly rules: ReadonlyArray<BlockingRule>
  /** Province code for every export given (one export only). */
  readonly province?: string
}

const provinceOf = (read: ExportRead, units: ReadonlyArray<Unit>, given: string | undefined) => {
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

/** Opens (creating when absent) the index and checks that it indexes these rules. */
const openForImport = (into: string, opts: ImportOptions) => {
  const created = !fs.existsSync(into)
  const db = new Database(into)
  // 512 MB of page cache while importing (the key table's pages stay in memory between batches).
  db.pragma("cache_size = -524288")
  const signatures = signaturesOf(opts.rules)
  if (created) {
    db.pragma("page_size = 8192")
    db.pragma("journal_mode = OFF")
    db.pragma("synchronous = OFF")
    for (const d of DDL) db.exec(d)
    const put = db.prepare(`INSERT INTO central_meta (key, value) VALUES (?, ?)`)
    put.run("schema", SCHEMA)
    put.run("kind", "national-index")
    put.run("pipeline", opts.pipeline)
    put.run("key_rules", JSON.stringify(signatures))
  } else {
    const meta = readIndexMeta(db)
    if (meta === null) {
      db.close()
      throw new IndexError({ message: `${path.basename(into)}: đã có và không phải chỉ mục toàn quốc của recon; hãy chọn --into khác (exists and is not a national index)` })
    }
    const missing = signatures.filter((s) => !meta.signatures.includes(s))
    if (missing.length > 0) {
      db.close()
      throw new IndexError({
        message: `${path.basename(into)}: chỉ mục được lập cho các quy tắc của pipeline ${meta.pipeline}, thiếu ${missing.join(", ")}; ` +
          `hãy nhập lại mọi tệp vào một chỉ mục mới với --pipeline ${opts.pipeline} (index built for other blocking rules)`
      })
    }
    db.pragma("journal_mode = DELETE")
    db.pragma("synchronous = NORMAL")
  }
  return { db, created, signatures: created ? signatures : readIndexMeta(db)!.signatures }
}

const KEY_BATCH = 10_000
const MEMBER_BATCH = 100

const importOne = (db: Database.Database, signatures: ReadonlyArray<string>, file: string, read: ExportRead, given: string | undefined): ProvinceStats => {
  const t0 = performance.now()
  const p = parseCentral(read.file, read.raw)
  const prov = provinceOf(read, p.data.units, given)
  const members = p.data.members
  const strings = new Interner()
  const side = prepare(members, parentMap(p.data.units), strings)
  const keyLists = signatures.map((s) => s.split("+") as Array<BlockKey>)
  const old = (db.prepare(`SELECT count(*) AS n FROM central_members WHERE province = ?`).get(prov.code) as { n: number }).n
  const write = db.transaction(() => {
    if (old > 0) {
      // Only this province's rows: members (and their keys), units, transfers, issues.
      db.prepare(`DELETE FROM central_keys WHERE member IN (SELECT id FROM central_members WHERE province = ?)`).run(prov.code)
      for (const t of ["central_members", "central_units", "central_transfers", "central_issues"]) {
        db.prepare(`DELETE FROM ${t} WHERE province = ?`).run(prov.code)
      }
    }
    db.prepare(`DELETE FROM central_provinces WHERE code = ?`).run(prov.code)
    const firstId = ((db.prepare(`SELECT max(id) AS m FROM central_members`).get() as { m: number | null }).m ?? 0) + 1
    const insMember = db.prepare(`INSERT INTO central_members (id, province, member_id, unit_code, data) VALUES (?, ?, ?, ?, ?)`)
    // Keys in multi-row statements: one statement per 10,000 keys is much faster than one per key.
    const keyBatch = db.prepare(`INSERT OR IGNORE INTO central_keys (key, member) VALUES ${new Array(KEY_BATCH).fill("(?, ?)").join(", ")}`)
    const keyOne = db.prepare(`INSERT OR IGNORE INTO central_keys (key, member) VALUES (?, ?)`)
    // Keys of the province computed first, then inserted in key order: the clustered key table
    // grows by mostly sequential page writes (no index to build afterwards).
    let kKey = new Float64Array(members.length * signatures.length)
    let kMember = new Int32Array(members.length * signatures.length)
    let nk = 0
    const memberBatch = db.prepare(`INSERT INTO central_members (id, province, member_id, unit_code, data) VALUES ${new Array(MEMBER_BATCH).fill("(?, ?, ?, ?, ?)").join(", ")}`)
    const mbuf: Array<unknown> = []
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!
      const id = firstId + i
      mbuf.push(id, prov.code, m.id, m.unitCode, encodeMember(m))
      if (mbuf.length === MEMBER_BATCH * 5) {
        memberBatch.run(mbuf)
        mbuf.length = 0
      }
      for (let r = 0; r < signatures.length; r++) {
        const k = stableKey(side, strings, i, signatures[r]!, keyLists[r]!)
        if (k === null) continue
        kKey[nk] = k
        kMember[nk++] = id
      }
    }
    for (let x = 0; x < mbuf.length; x += 5) insMember.run(mbuf[x], mbuf[x + 1], mbuf[x + 2], mbuf[x + 3], mbuf[x + 4])
    const order = new Uint32Array(nk)
    for (let x = 0; x < nk; x++) order[x] = x
    // Stable: members of one key stay in increasing order.
    order.sort((x, y) => kKey[x]! - kKey[y]!)
    const buf: Array<number> = []
    for (let x = 0; x < nk; x++) {
      buf.push(kKey[order[x]!]!, kMember[order[x]!]!)
      if (buf.length === KEY_BATCH * 2) {
        keyBatch.run(buf)
        buf.length = 0
      }
    }
    for (let x = 0; x < buf.length; x += 2) keyOne.run(buf[x]!, buf[x + 1]!)
    kKey = new Float64Array(0)
    kMember = new Int32Array(0)
    const insUnit = db.prepare(`INSERT INTO central_units (province, unit_code, unit_name, parent_code, parent_name) VALUES (?, ?, ?, ?, ?)`)
    for (const u of p.data.units) insUnit.run(prov.code, u.code, u.name, u.parentCode, u.parentName)
    const insTransfer = db.prepare(`INSERT INTO central_transfers (province, member_id, from_unit, to_unit, data) VALUES (?, ?, ?, ?, ?)`)
    for (const t of p.data.transfers) insTransfer.run(prov.code, t.memberId, t.fromUnit, t.toUnit, encodeTransfer(t))
    const insIssue = db.prepare(`INSERT INTO central_issues (province, level, data) VALUES (?, ?, ?)`)
    for (const r of p.rejections) insIssue.run(prov.code, "rejection", JSON.stringify(r))
    for (const w of p.warnings) insIssue.run(prov.code, "warning", JSON.stringify(w))
  })
  write()
  // Member ids also held by another province (a national duplicate id): counted, the run warns.
  const hasMemberIndex = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'central_members_member'`).get() !== undefined
  const idsInOtherProvinces = hasMemberIndex
    ? (db.prepare(
      `SELECT count(*) AS n FROM central_members a WHERE a.province = ? AND EXISTS (SELECT 1 FROM central_members b WHERE b.member_id = a.member_id AND b.province <> a.province)`
    ).get(prov.code) as { n: number }).n
    : 0
  const seconds = (performance.now() - t0) / 1000
  const stats: ProvinceStats = {
    province: prov.code,
    name: prov.name,
    codeFrom: prov.codeFrom,
    file,
    rowsRead: p.rowsRead,
    rowsRejected: p.rowsRejected,
    warnings: p.warnings.length,
    members: members.length,
    units: p.data.units.length,
    transfers: p.data.transfers.length,
    replaced: old,
    idsInOtherProvinces,
    seconds,
    recordsPerSecond: read.raw.members.length / Math.max(seconds, 1e-6)
  }
  db.prepare(
    `INSERT INTO central_provinces (code, name, code_from, source_file, source_sha256, imported_at, rows_read, rows_rejected, warnings,
       members, units, transfers, seconds, records_per_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    prov.code, prov.name, prov.codeFrom, read.file, read.sha256, new Date().toISOString(), stats.rowsRead, stats.rowsRejected,
    stats.warnings, stats.members, stats.units, stats.transfers, seconds, stats.recordsPerSecond
  )
  return stats
}

/**
 * Imports province exports into the national index `into` (created when absent; a new file is
 * built under a temporary name and renamed when complete). Re-importing a province replaces its
 * members, keys, units, transfers and issues only. Exports are read one at a time, so memory
 * grows with the largest province, not with the index.
 */
export const importNational = (exports: ReadonlyArray<string>, into: string, opts: ImportOptions): Effect.Effect<ImportStats, IndexError> =>
  Effect.gen(function*() {
    if (opts.province !== undefined && exports.length > 1) {
      return yield* new IndexError({ message: `--province names the province of one export; ${exports.length} given (import them one by one, or let each export name its province)` })
    }
    const t0 = performance.now()
    const exists = fs.existsSync(into)
    const target = exists ? into : path.join(path.dirname(into), `.${path.basename(into)}.${process.pid}.${Date.now()}.tmp`)
    const provinces: Array<ProvinceStats> = []
    let indexSeconds = 0
    yield* Effect.acquireUseRelease(
      Effect.try({
        try: () => openForImport(target, opts),
        catch: (e) => (e instanceof IndexError ? e : new IndexError({ message: `${path.basename(into)}: ${e instanceof Error ? e.message : String(e)}` }))
      }),
      (h) =>
        Effect.gen(function*() {
          const seen = new Set<string>()
          for (const file of exports) {
            const read = yield* readExport(file)
            const stats = yield* Effect.try({
              try: () => importOne(h.db, h.signatures, path.basename(file), read, opts.province),
              catch: (e) => (e instanceof IndexError ? e : new IndexError({ message: `${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}` }))
            })
            if (seen.has(stats.province)) {
              return yield* new IndexError({ message: `${path.basename(file)}: tỉnh ${stats.province} đã được nhập từ một tệp khác trong cùng lệnh (two exports of one province)` })
            }
            seen.add(stats.province)
            provinces.push(stats)
            yield* Effect.logInfo("province imported").pipe(
              Effect.annotateLogs({ province: stats.province, members: stats.members, rejected: stats.rowsRejected, perSecond: Math.round(stats.recordsPerSecond) })
            )
          }
          const ti = performance.now()
          yield* Effect.try({
            try: () => {
              for (const d of INDEXES) h.db.exec(d)
            },
            catch: (e) => new IndexError({ message: `${path.basename(into)}: ${String(e)}` })
          })
          indexSeconds = (performance.now() - ti) / 1000
        }),
      (h, exit) =>
        Effect.sync(() => {
          h.db.close()
          if (!exists && exit._tag === "Failure") fs.rmSync(target, { force: true })
        })
    ).pipe(Effect.onError(() => Effect.sync(() => (!exists ? fs.rmSync(target, { force: true }) : undefined))))
    if (!exists) {
      yield* Effect.try({ try: () => fs.renameSync(target, into), catch: (e) => new IndexError({ message: `${path.basename(into)}: ${String(e)}` }) })
    }
    const seconds = (performance.now() - t0) / 1000
    const records = provinces.reduce((a, p) => a + p.rowsRead, 0)
    return { into, created: !exists, provinces, seconds, indexSeconds, recordsPerSecond: records / Math.max(seconds, 1e-6) }
  })

/** The import stats as printed by `recon central import`. */
export const formatImportStats = (s: ImportStats): string =>
  [
    `${s.created ? "created" : "updated"} ${s.into}: ${s.provinces.length} province export(s) in ${s.seconds.toFixed(1)} s ` +
    `(indexes ${s.indexSeconds.toFixed(1)} s), ${Math.round(s.recordsPerSecond).toLocaleString("en-US")} records/s`,
    ...s.provinces.map((p) =>
      `  ${p.province} ${p.name} (code from ${p.codeFrom}; ${p.file}): read ${p.rowsRead}, rejected ${p.rowsRejected}, warnings ${p.warnings}; ` +
      `${p.members} members, ${p.units} units, ${p.transfers} transfers` +
      (p.replaced > 0 ? `; replaced ${p.replaced} members of the earlier import` : "") +
      (p.idsInOtherProvinces > 0 ? `; ${p.idsInOtherProvinces} member ids also in another province` : "") +
      `; ${Math.round(p.recordsPerSecond).toLocaleString("en-US")} records/s`
    )
  ].join("\n")

/** Rejections and warnings stored at import for a province. */
export const provinceIssues = (db: Database.Database, province: string): { rejections: Array<Rejection>; warnings: Array<Rejection> } => {
  const rows = db.prepare(`SELECT level, data FROM central_issues WHERE province = ? ORDER BY rowid`).all(province) as Array<{ level: string; data: string }>
  const rejections: Array<Rejection> = []
  const warnings: Array<Rejection> = []
  for (const r of rows) (r.level === "rejection" ? rejections : warnings).push(JSON.parse(r.data) as Rejection)
  return { rejections, warnings }
}
