/**
 * The run store: one SQLite file keeping every run's inputs, links and findings, so later runs and
 * reviewers can compare findings by their stable id and evidence hash.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import Database from "better-sqlite3"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqliteMigrator from "@effect/sql-sqlite-node/SqliteMigrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Category, Discrepancy, Link, Unit } from "../Domain.js"
import { categoryKind } from "../Domain.js"
import type { PersonRecord } from "../Report/PersonsCsv.js"
import { type RunManifest, runToObject } from "../Report/RunJson.js"
import { evidenceHash } from "./EvidenceHash.js"
import { migrations } from "./Migrations.js"
import { decodeRows, DiscrepancyRow, RunRow } from "./Rows.js"

export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  filename: Schema.String,
  /** Plain Vietnamese, shown to the user. */
  message: Schema.String,
  cause: Schema.Defect
}) {}

export interface StoreOptions {
  /**
   * false: the database must already exist (commands that read a run: review, explain); a missing
   * file is a StoreError naming it instead of a new empty database. Default true (a run creates it).
   */
  readonly create?: boolean
}

/** The one line a user reads when the store cannot be used, with what to do about it. */
const damaged = (filename: string, what: string) =>
  `Cơ sở dữ liệu lưu kết quả "${filename}" bị hỏng (${what}). Khôi phục tệp này từ bản sao lưu, ` +
  `hoặc dùng một cơ sở dữ liệu mới với --db <tệp mới> (các quyết định rà soát đã nhập trong tệp cũ sẽ không được áp dụng).`

const firstLine = (cause: unknown): string => {
  const c = cause as { cause?: unknown; message?: unknown }
  const inner = c.cause instanceof Error ? c.cause.message : typeof c.message === "string" ? c.message : String(cause)
  return inner.split("\n")[0]!
}

/**
 * Opens the file and checks it before anything is read or migrated (`PRAGMA quick_check`: damage in
 * the middle of the file, not only in its header), so a damaged store is one StoreError naming the
 * file and what to do, never a stack trace.
 */
const checkedClient = (filename: string, options: StoreOptions) =>
  Effect.gen(function*() {
    if (filename === ":memory:") return SqliteClient.layer({ filename })
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const exists = yield* fs.exists(filename).pipe(Effect.orElseSucceed(() => false))
    if (!exists && options.create === false) {
      return yield* Effect.fail(
        new StoreError({
          filename,
          message: `Không có cơ sở dữ liệu lưu kết quả "${path.resolve(filename)}". Chạy \`recon run\` trước, ` +
            `hoặc chỉ đúng tệp bằng --db <tệp> hay thư mục kết quả của lần chạy bằng --run <thư mục>.`,
          cause: null
        })
      )
    }
    if (!exists) yield* fs.makeDirectory(path.dirname(filename), { recursive: true })
    else yield* quickCheck(filename)
    return SqliteClient.layer({ filename })
  })

/** PRAGMA quick_check on an existing file, through its own short-lived connection. */
const quickCheck = (filename: string) =>
  Effect.try({
    try: () => {
      const db = new Database(filename, { readonly: true, fileMustExist: true })
      try {
        const rows = db.prepare("PRAGMA quick_check").pluck().all() as Array<string>
        return rows.length === 1 && rows[0] === "ok" ? null : rows.slice(0, 2).join("; ")
      } finally {
        db.close()
      }
    },
    catch: (e) => e
  }).pipe(
    Effect.catchAll((e) => Effect.succeed(firstLine(e))),
    Effect.flatMap((problem) =>
      problem === null ? Effect.void : Effect.fail(new StoreError({ filename, message: damaged(filename, problem), cause: null }))
    )
  )

/**
 * The check StoreLive makes, on its own: a damaged existing database is a StoreError now, before a
 * run spends minutes reading its inputs; a missing one is fine (the run creates it).
 */
export const checkStore = (filename: string): Effect.Effect<void, StoreError> =>
  filename === ":memory:"
    ? Effect.void
    : Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      if (yield* fs.exists(filename).pipe(Effect.orElseSucceed(() => false))) yield* quickCheck(filename)
    }).pipe(Effect.provide(NodeContext.layer))

/**
 * SQLite client for `filename` (parent directory created) with all migrations applied, after
 * checking the file (quick_check). Self-contained: provides its own Node platform services. Opening
 * an up-to-date store again applies nothing.
 */
export const StoreLive = (
  filename: string,
  options: StoreOptions = {}
): Layer.Layer<SqliteClient.SqliteClient | SqlClient.SqlClient, StoreError> => {
  const client = Layer.unwrapEffect(checkedClient(filename, options))
  return SqliteMigrator.layer({ loader: SqliteMigrator.fromRecord(migrations) }).pipe(
    Layer.provideMerge(client),
    Layer.provide(NodeContext.layer),
    Layer.mapError((cause) =>
      cause instanceof StoreError
        ? cause
        : new StoreError({
          filename,
          message: `Không mở được cơ sở dữ liệu lưu kết quả "${filename}": ${firstLine(cause)}. ` +
            `Kiểm tra đường dẫn và quyền ghi; nếu tệp bị hỏng, khôi phục từ bản sao lưu hoặc dùng --db <tệp mới>.`,
          cause
        })
    )
  )
}

/** Everything saved about one run. */
export interface RunRecord {
  readonly manifest: RunManifest
  readonly links: ReadonlyArray<Link>
  /** Every finding the rules raised, including those a review decision keeps out of the report. */
  readonly discrepancies: ReadonlyArray<Discrepancy>
  /** The unit tree of the run's central data, so later commands can name units. */
  readonly units?: ReadonlyArray<Unit>
  /** The persons the matcher found (central records clustered); roster rows are in `links`. */
  readonly persons?: ReadonlyArray<Pick<PersonRecord, "personId" | "memberIds">>
}

/** One person of a stored run: its id and its central records, ascending. */
export interface StoredPerson {
  readonly personId: string
  readonly memberIds: ReadonlyArray<string>
}

export interface StoredRun {
  readonly id: number
  readonly startedAt: string
  readonly finishedAt: string
  readonly asOf: string
  readonly toolVersion: string
  /** run.json content (key order as in the file). */
  readonly summaryJson: string
}

export interface StoredDiscrepancy extends Discrepancy {
  readonly evidenceHash: string
}

/** SQLite's historical default limit on bound variables per statement. */
const MAX_VARIABLES = 999

const chunksFor = <A>(rows: ReadonlyArray<A>, columns: number): Array<ReadonlyArray<A>> => {
  const size = Math.floor(MAX_VARIABLES / columns)
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

const insertBatched = <A extends Record<string, unknown>>(
  sql: SqlClient.SqlClient,
  table: string,
  rows: ReadonlyArray<A>
): Effect.Effect<void, SqlError> => {
  const first = rows[0]
  if (first === undefined) return Effect.void
  return Effect.forEach(
    chunksFor(rows, Object.keys(first).length),
    (chunk) => sql`INSERT INTO ${sql(table)} ${sql.insert(chunk as Array<A>)}`,
    { discard: true }
  )
}

/**
 * Saves a run in one transaction and returns its id. `run_inputs` holds the central input(s) from
 * the manifest (no row counts) and one row per roster file summary (with counts and file error);
 * roster entries of `manifest.inputs` are the same files and stay in summary_json.
 */
export const saveRun = (run: RunRecord): Effect.Effect<number, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const m = run.manifest
    const [inserted] = yield* sql<{ id: number }>`INSERT INTO runs ${
      sql.insert({
        started_at: m.startedAt,
        finished_at: m.finishedAt,
        as_of: m.asOf,
        tool_version: m.tool.version,
        summary_json: JSON.stringify(runToObject(m, false))
      })
    } RETURNING id`
    const runId = inserted === undefined ? yield* Effect.dieMessage("INSERT INTO runs returned no id") : inserted.id
    yield* insertBatched(sql, "run_inputs", [
      ...m.inputs.filter((i) => i.role === "central").map((i) => ({
        run_id: runId,
        role: i.role,
        path: i.path,
        sha256: i.sha256,
        rows_read: null,
        rows_ingested: null,
        rows_rejected: null,
        error: null
      })),
      ...m.files.map((f) => ({
        run_id: runId,
        role: "roster",
        path: f.file,
        sha256: f.sha256,
        rows_read: f.rowsRead,
        rows_ingested: f.rowsIngested,
        rows_rejected: f.rowsRejected,
        error: f.error
      }))
    ])
    yield* insertBatched(
      sql,
      "links",
      run.links.map((l) => ({
        run_id: runId,
        file: l.file,
        sheet: l.sheet,
        row: l.row,
        member_id: l.memberId,
        score: l.score
      }))
    )
    yield* insertBatched(
      sql,
      "discrepancies",
      run.discrepancies.map((d) => ({
        run_id: runId,
        id: d.id,
        category: d.category,
        unit_code: d.unitCode,
        member_ids_json: JSON.stringify(d.memberIds),
        roster_rows_json: JSON.stringify(d.rosterRows.map((r) => ({ file: r.file, sheet: r.sheet, row: r.row }))),
        score: d.score,
        field: d.field ?? null,
        central_value: d.centralValue ?? null,
        roster_value: d.rosterValue ?? null,
        reason: d.reason,
        recommendation: d.recommendation,
        evidence_hash: evidenceHash(d),
        rule: d.rule ?? null,
        checks_json: d.checks === undefined ? null : JSON.stringify(d.checks)
      }))
    )
    yield* insertBatched(
      sql,
      "run_units",
      (run.units ?? []).map((u) => ({ run_id: runId, code: u.code, name: u.name, parent_code: u.parentCode }))
    )
    yield* insertBatched(
      sql,
      "persons",
      (run.persons ?? []).flatMap((p) => p.memberIds.map((m) => ({ run_id: runId, person_id: p.personId, member_id: m })))
    )
    return runId
  }).pipe((effect) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect)))


/** The most recently saved run, if any. */
export const latestRun = (): Effect.Effect<Option.Option<StoredRun>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT id, started_at, finished_at, as_of, tool_version, summary_json
      FROM runs ORDER BY id DESC LIMIT 1`.pipe(Effect.flatMap(decodeRows(RunRow, "runs")))
    return Option.map(Option.fromNullable(rows[0]), (r) => ({
      id: r.id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      asOf: r.as_of,
      toolVersion: r.tool_version,
      summaryJson: r.summary_json
    }))
  })

/** The findings of a run in the order they were saved; empty for an unknown run. */
export const discrepanciesOfRun = (
  runId: number
): Effect.Effect<ReadonlyArray<StoredDiscrepancy>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT id, category, unit_code, member_ids_json, roster_rows_json,
      score, field, central_value, roster_value, reason, recommendation, evidence_hash, rule, checks_json
      FROM discrepancies WHERE run_id = ${runId} ORDER BY rowid`.pipe(Effect.flatMap(decodeRows(DiscrepancyRow, "discrepancies")))
    return rows.map((r): StoredDiscrepancy => ({
      id: r.id,
      category: r.category,
      kind: categoryKind(r.category as Category),
      unitCode: r.unit_code,
      memberIds: r.member_ids_json,
      rosterRows: r.roster_rows_json,
      score: r.score,
      ...(r.field === null ? {} : { field: r.field }),
      ...(r.central_value === null ? {} : { centralValue: r.central_value }),
      ...(r.roster_value === null ? {} : { rosterValue: r.roster_value }),
      reason: r.reason,
      recommendation: r.recommendation,
      ...(r.rule === null ? {} : { rule: r.rule }),
      ...(r.checks_json === null ? {} : { checks: r.checks_json }),
      evidenceHash: r.evidence_hash
    }))
  })

interface LinkRow {
  readonly file: string
  readonly sheet: string
  readonly row: number
  readonly member_id: string | null
  readonly score: number | null
}

/** The links of a run in the order they were saved. */
export const linksOfRun = (runId: number): Effect.Effect<ReadonlyArray<Link>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<LinkRow>`SELECT file, sheet, row, member_id, score
      FROM links WHERE run_id = ${runId} ORDER BY rowid`
    return rows.map((r) => ({ file: r.file, sheet: r.sheet, row: r.row, memberId: r.member_id, score: r.score }))
  })

/** The unit tree saved with a run (empty for runs saved without one). */
export const unitsOfRun = (runId: number): Effect.Effect<ReadonlyArray<Unit>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ code: string; name: string; parent_code: string | null }>`SELECT code, name, parent_code
      FROM run_units WHERE run_id = ${runId} ORDER BY code`
    const names = new Map(rows.map((r) => [r.code, r.name]))
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      parentCode: r.parent_code,
      parentName: r.parent_code === null ? null : names.get(r.parent_code) ?? null
    }))
  })

/** The persons saved with a run, by person id, member ids ascending (empty for runs saved without). */
export const personsOfRun = (runId: number): Effect.Effect<ReadonlyArray<StoredPerson>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ person_id: string; member_id: string }>`SELECT person_id, member_id
      FROM persons WHERE run_id = ${runId} ORDER BY person_id, member_id`
    const out: Array<{ personId: string; memberIds: Array<string> }> = []
    for (const r of rows) {
      const last = out[out.length - 1]
      if (last !== undefined && last.personId === r.person_id) last.memberIds.push(r.member_id)
      else out.push({ personId: r.person_id, memberIds: [r.member_id] })
    }
    return out
  })
