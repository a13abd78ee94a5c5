/**
 * `recon central import`: province exports into the national index (schema: Store/CentralIndex.ts).
 *
 * Two threads of work: worker threads read, parse, key and encode the next exports
 * (ExportRead.ts through ImportPool.ts) while this thread writes the current one, in the order
 * given (member ids follow it, so an import is deterministic whatever thread finishes first).
 *
 * A new index is written without secondary indexes and without its key table: members, units,
 * transfers and issues are appended (journal off, synchronous off: the file is built under a
 * temporary name and renamed only when complete), the keys of all provinces are collected and
 * sorted once at the end (KeySort.ts, on a worker while this thread builds the secondary indexes)
 * and appended to the clustered key table in key order. Importing into an existing index
 * (re-importing a province, or adding one) takes the slower path: the province's rows are deleted
 * and its keys inserted into the existing key tree.
 *
 * An export that cannot be read (missing tables, not SQLite, no province) does not stop the
 * others: they are imported, and the export is listed with its reason (the command then fails).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import type { BlockingRule } from "../Match/Engine.js"
import { DDL, IndexError, INDEXES, readIndexMeta, SCHEMA, signaturesOf } from "./CentralIndex.js"
import type { PreparedExport } from "./ExportRead.js"
import { startExportPool } from "./ImportPool.js"
import { forEachBatch, KeyRuns, type SortedKeys } from "./KeySort.js"

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
  /** Preparing (reading, parsing, keying; on a worker) plus writing this province, in seconds. */
  readonly seconds: number
  readonly recordsPerSecond: number
}

export interface ImportStats {
  readonly into: string
  readonly created: boolean
  readonly provinces: ReadonlyArray<ProvinceStats>
  /** Exports not imported, with the reason. */
  readonly failed: ReadonlyArray<{ readonly file: string; readonly message: string }>
  /** Worker threads started (0: all exports prepared on the importing thread). */
  readonly workers: number
  /** Exports prepared on a worker thread (the others on the importing thread). */
  readonly onWorkers: number
  readonly seconds: number
  /** Writing the keys of a new index, and waiting for their sort when the indexes were built first. */
  readonly keySeconds: number
  /** Building the secondary indexes (a new index's keys are sorted meanwhile). */
  readonly indexSeconds: number
  readonly recordsPerSecond: number
}

export interface ImportOptions {
  readonly pipeline: string
  readonly rules: ReadonlyArray<BlockingRule>
  /** Province code for every export given (one export only). */
  readonly province?: string
  /** Worker threads preparing exports; default: none for one export or a few MB of them, else min(2, cores). */
  readonly workers?: number
}

/** Opens (creating when absent) the index and checks that it indexes these rules. */
const openForImport = (into: string, created: boolean, opts: ImportOptions) => {
  const db = new Database(into)
  const signatures = signaturesOf(opts.rules)
  if (created) {
    // A new index only appends (members in id order, keys in key order): a small page cache does.
    db.pragma("cache_size = -65536")
    db.pragma("page_size = 8192")
    db.pragma("journal_mode = OFF")
    db.pragma("synchronous = OFF")
    for (const d of DDL) db.exec(d)
    const put = db.prepare(`INSERT INTO central_meta (key, value) VALUES (?, ?)`)
    put.run("schema", SCHEMA)
    put.run("kind", "national-index")
    put.run("pipeline", opts.pipeline)
    put.run("key_rules", JSON.stringify(signatures))
    return { db, signatures }
  }
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
  // 512 MB of page cache: a province's keys are inserted into the existing key tree.
  db.pragma("cache_size = -524288")
  db.pragma("journal_mode = DELETE")
  db.pragma("synchronous = NORMAL")
  return { db, signatures: meta.signatures }
}

/**
 * Rows per multi-row INSERT (keys: 2 values a row; members: 5), under SQLite's 32,766 variables.
 * The values are passed as arguments (`run(...values)`), not as one array: better-sqlite3 reads an
 * array element by element through V8's generic property lookup, a fifth of writing the keys
 * (56.5 M key rows: 10.6 s of CPU as an array, 8.3–8.6 s as arguments).
 */
const KEY_BATCH = 10_000
const MEMBER_BATCH = 500

/** Writes sorted keys into the key table (appended in order to a new table; inserted into an existing one). */
const insertKeys = (db: Database.Database, sorted: SortedKeys) => {
  const batch = db.prepare(`INSERT OR IGNORE INTO central_keys (key, member) VALUES ${new Array(KEY_BATCH).fill("(?, ?)").join(", ")}`)
  const one = db.prepare(`INSERT OR IGNORE INTO central_keys (key, member) VALUES (?, ?)`)
  forEachBatch(sorted, KEY_BATCH, (values, rows) => {
    if (rows === KEY_BATCH) batch.run(...values)
    else for (let r = 0; r < rows; r++) one.run(values[r * 2]!, values[r * 2 + 1]!)
  })
}

/**
 * Writes one prepared province: its members (numbered after the index's last), units, transfers
 * and issues, replacing what the index held for the province. Keys go to `keys` (a new index:
 * sorted and written at the end) or, when null, straight into the existing key table.
 */
const writeProvince = (db: Database.Database, p: PreparedExport, keys: KeyRuns | null): ProvinceStats => {
  const t0 = performance.now()
  const code = p.province.code
  const old = keys !== null ? 0 : (db.prepare(`SELECT count(*) AS n FROM central_members WHERE province = ?`).get(code) as { n: number }).n
  db.transaction(() => {
    if (old > 0) {
      // Only this province's rows: members (and their keys), units, transfers, issues.
      db.prepare(`DELETE FROM central_keys WHERE member IN (SELECT id FROM central_members WHERE province = ?)`).run(code)
      for (const t of ["central_members", "central_units", "central_transfers", "central_issues"]) db.prepare(`DELETE FROM ${t} WHERE province = ?`).run(code)
    }
    db.prepare(`DELETE FROM central_provinces WHERE code = ?`).run(code)
    const firstId = ((db.prepare(`SELECT max(id) AS m FROM central_members`).get() as { m: number | null }).m ?? 0) + 1
    insertMembers(db, p, code, firstId)
    if (keys !== null) keys.add(p.keys, p.keyMember, firstId)
    else {
      const own = new KeyRuns()
      own.add(p.keys, p.keyMember, firstId)
      insertKeys(db, own.sort())
    }
    const insUnit = db.prepare(`INSERT INTO central_units (province, unit_code, unit_name, parent_code, parent_name) VALUES (?, ?, ?, ?, ?)`)
    for (const u of p.units) insUnit.run(code, u.code, u.name, u.parentCode, u.parentName)
    const insTransfer = db.prepare(`INSERT INTO central_transfers (province, member_id, from_unit, to_unit, data) VALUES (?, ?, ?, ?, ?)`)
    for (const t of p.transfers) insTransfer.run(code, t[0], t[1], t[2], t[3])
    const insIssue = db.prepare(`INSERT INTO central_issues (province, level, data) VALUES (?, ?, ?)`)
    for (const [level, data] of p.issues) insIssue.run(code, level, data)
  })()
  // Member ids also held by another province (a national duplicate id): counted, the run warns.
  // A new index has no member index yet: counted only when importing into an existing one.
  const hasMemberIndex = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'central_members_member'`).get() !== undefined
  const idsInOtherProvinces = hasMemberIndex
    ? (db.prepare(
      `SELECT count(*) AS n FROM central_members a WHERE a.province = ? AND EXISTS (SELECT 1 FROM central_members b WHERE b.member_id = a.member_id AND b.province <> a.province)`
    ).get(code) as { n: number }).n
    : 0
  const seconds = p.seconds + (performance.now() - t0) / 1000
  const stats: ProvinceStats = {
    province: code,
    name: p.province.name,
    codeFrom: p.province.codeFrom,
    file: p.file,
    rowsRead: p.rowsRead,
    rowsRejected: p.rowsRejected,
    warnings: p.warnings,
    members: p.members,
    units: p.units.length,
    transfers: p.transfers.length,
    replaced: old,
    idsInOtherProvinces,
    seconds,
    recordsPerSecond: p.memberRows / Math.max(seconds, 1e-6)
  }
  db.prepare(
    `INSERT INTO central_provinces (code, name, code_from, source_file, source_sha256, imported_at, rows_read, rows_rejected, warnings,
       members, units, transfers, seconds, records_per_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    code, stats.name, stats.codeFrom, p.sourceFile, p.sha256, new Date().toISOString(), stats.rowsRead, stats.rowsRejected,
    stats.warnings, stats.members, stats.units, stats.transfers, seconds, stats.recordsPerSecond
  )
  return stats
}

/**
 * The members, MEMBER_BATCH rows a statement. Their texts are bound as the prepared UTF-8 bytes
 * (views, no copy, no decoding) and stored as TEXT by CAST: SQLite takes a blob's bytes as text in
 * the database's encoding (UTF-8) unchanged.
 */
const insertMembers = (db: Database.Database, p: PreparedExport, code: string, firstId: number) => {
  const row = "(?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))"
  const batch = db.prepare(`INSERT INTO central_members (id, province, member_id, unit_code, data) VALUES ${new Array(MEMBER_BATCH).fill(row).join(", ")}`)
  const one = db.prepare(`INSERT INTO central_members (id, province, member_id, unit_code, data) VALUES ${row}`)
  const values = new Array<unknown>(MEMBER_BATCH * 5)
  let rows = 0
  let id = firstId
  for (const c of p.chunks) {
    const n = (c.bounds.length - 1) / 3
    for (let i = 0; i < n; i++) {
      const v = rows * 5
      const b = i * 3
      values[v] = id++
      values[v + 1] = code
      values[v + 2] = c.bytes.subarray(c.bounds[b]!, c.bounds[b + 1]!)
      values[v + 3] = c.bytes.subarray(c.bounds[b + 1]!, c.bounds[b + 2]!)
      values[v + 4] = c.bytes.subarray(c.bounds[b + 2]!, c.bounds[b + 3]!)
      if (++rows === MEMBER_BATCH) {
        batch.run(...values)
        rows = 0
      }
    }
  }
  for (let r = 0; r < rows; r++) one.run(values.slice(r * 5, r * 5 + 5))
}

/**
 * Below this many bytes of exports no worker is started: one takes 0.3–0.6 s to load its modules
 * (seconds under tsx), longer than preparing ~50,000 members here.
 */
const WORKER_MIN_BYTES = 8 << 20

/**
 * A worker's heap cap: ten times the largest SQLite export (the 5.6 M nation's largest, 119 MB,
 * parses with a live heap under 800 MB), forty times an .xlsx (zipped), at least 512 MB.
 */
const workerHeapMb = (exports: ReadonlyArray<string>): number =>
  Math.max(
    512,
    ...exports.map((f) => Math.ceil(((fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0) / 2 ** 20) * (path.extname(f).toLowerCase() === ".xlsx" ? 40 : 10)))
  )

const defaultWorkers = (exports: ReadonlyArray<string>): number => {
  if (exports.length < 2) return 0
  const bytes = exports.reduce((a, f) => a + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0)
  return bytes < WORKER_MIN_BYTES ? 0 : Math.max(1, Math.min(2, os.availableParallelism()))
}

/**
 * Imports province exports into the national index `into` (created when absent; a new file is
 * built under a temporary name and renamed when complete). Re-importing a province replaces its
 * members, keys, units, transfers and issues only. An export that cannot be used is listed in
 * `failed` and the others are imported; when none could be, the import fails.
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
    const failed: Array<{ file: string; message: string }> = []
    let keySeconds = 0
    let indexSeconds = 0
    let workers = 0
    let onWorkers = 0
    const attempt = <A>(f: () => A) =>
      Effect.try({ try: f, catch: (e) => (e instanceof IndexError ? e : new IndexError({ message: `${path.basename(into)}: ${e instanceof Error ? e.message : String(e)}` })) })
    yield* Effect.acquireUseRelease(
      attempt(() => openForImport(target, !exists, opts)),
      (h) =>
        Effect.acquireUseRelease(
          Effect.sync(() => startExportPool(exports, opts.province, h.signatures, opts.workers ?? defaultWorkers(exports), workerHeapMb(exports))),
          (pool) =>
            Effect.gen(function*() {
              workers = pool.workers
              const keys = exists ? null : new KeyRuns()
              const seen = new Map<string, string>()
              for (let i = 0; i < exports.length; i++) {
                const a = yield* Effect.promise(() => pool.get(i))
                if (!a.ok) {
                  failed.push({ file: path.basename(exports[i]!), message: a.message })
                  yield* Effect.logWarning("export not imported").pipe(Effect.annotateLogs({ file: path.basename(exports[i]!), reason: a.message }))
                  continue
                }
                const p = a.prepared
                const earlier = seen.get(p.province.code)
                if (earlier !== undefined) {
                  failed.push({ file: p.file, message: `${p.file}: tỉnh ${p.province.code} đã được nhập từ tệp ${earlier} trong cùng lệnh (two exports of one province)` })
                  continue
                }
                seen.set(p.province.code, p.file)
                const stats = yield* attempt(() => writeProvince(h.db, p, keys))
                provinces.push(stats)
                yield* Effect.logInfo("province imported").pipe(
                  Effect.annotateLogs({ province: stats.province, members: stats.members, rejected: stats.rowsRejected, perSecond: Math.round(stats.recordsPerSecond) })
                )
              }
              onWorkers = pool.onWorkers()
              if (provinces.length === 0) {
                return yield* new IndexError({ message: `không nhập được tệp nào (no export imported): ${failed.map((f) => f.message).join("; ")}` })
              }
              // A new index's keys are sorted on a worker (the others end) while this thread builds
              // the secondary indexes, then appended to the key table in one transaction
              // (committing each statement wrote its pages out and checked the file again).
              const tk = performance.now()
              const sorting = keys !== null ? pool.sortKeys(keys.take()) : null
              yield* attempt(() => {
                for (const d of INDEXES) h.db.exec(d)
              })
              const ti = performance.now()
              indexSeconds = (ti - tk) / 1000
              if (sorting !== null) {
                const sorted = yield* Effect.tryPromise({
                  try: () => sorting,
                  catch: (e) => new IndexError({ message: `${path.basename(into)}: ${e instanceof Error ? e.message : String(e)}` })
                })
                const tw = performance.now()
                yield* attempt(() => h.db.transaction(() => insertKeys(h.db, sorted))())
                yield* Effect.logDebug("keys written").pipe(
                  Effect.annotateLogs({ keys: sorted.length, sortWaitSeconds: ((tw - ti) / 1000).toFixed(1), writeSeconds: ((performance.now() - tw) / 1000).toFixed(1) })
                )
              }
              pool.close()
              keySeconds = (performance.now() - ti) / 1000
            }),
          (pool) => Effect.sync(() => pool.close())
        ),
      (h, exit) =>
        Effect.sync(() => {
          h.db.close()
          if (!exists && exit._tag === "Failure") fs.rmSync(target, { force: true })
        })
    ).pipe(Effect.onError(() => Effect.sync(() => (!exists ? fs.rmSync(target, { force: true }) : undefined))))
    if (!exists) yield* attempt(() => fs.renameSync(target, into))
    const seconds = (performance.now() - t0) / 1000
    const records = provinces.reduce((a, p) => a + p.rowsRead, 0)
    return { into, created: !exists, provinces, failed, workers, onWorkers, seconds, keySeconds, indexSeconds, recordsPerSecond: records / Math.max(seconds, 1e-6) }
  })

/** The import stats as printed by `recon central import`. */
export const formatImportStats = (s: ImportStats): string =>
  [
    `${s.created ? "created" : "updated"} ${s.into}: ${s.provinces.length} province export(s) in ${s.seconds.toFixed(1)} s ` +
    `(${s.onWorkers} prepared on ${s.workers} worker thread(s); keys ${s.keySeconds.toFixed(1)} s, indexes ${s.indexSeconds.toFixed(1)} s), ` +
    `${Math.round(s.recordsPerSecond).toLocaleString("en-US")} records/s`,
    ...s.provinces.map((p) =>
      `  ${p.province} ${p.name} (code from ${p.codeFrom}; ${p.file}): read ${p.rowsRead}, rejected ${p.rowsRejected}, warnings ${p.warnings}; ` +
      `${p.members} members, ${p.units} units, ${p.transfers} transfers` +
      (p.replaced > 0 ? `; replaced ${p.replaced} members of the earlier import` : "") +
      (p.idsInOtherProvinces > 0 ? `; ${p.idsInOtherProvinces} member ids also in another province` : "") +
      `; ${Math.round(p.recordsPerSecond).toLocaleString("en-US")} records/s`
    ),
    // The message names the file.
    ...s.failed.map((f) => `  NOT IMPORTED ${f.message}`)
  ].join("\n")
