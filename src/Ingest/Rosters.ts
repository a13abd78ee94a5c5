/**
 * A directory of roster files read into RosterRows (Roster.ts reads one file): on this thread, or
 * on this thread and worker threads together for large directories (Pool.ts).
 */
import * as os from "node:os"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Either from "effect/Either"
import type { Rejection, RosterRow, Unit } from "../Domain.js"
import { type RosterPool, startRosterPool } from "./Pool.js"
import { type FileExtract, listRosterFiles, readRosterFile, type RosterIngest } from "./Roster.js"
import { envAsOf } from "./Fields.js"
import { walkRosterDir } from "./RosterDir.js"
import { makeUnitIndex, type UnitAlias } from "./Units.js"

export interface IngestOptions {
  /** The as-of date ("yyyy-mm-dd"): a roster date after it does not read (the field is left blank, with a warning). */
  readonly asOf?: string
  /** Old unit names and the current unit each now means (see Units.ts). */
  readonly aliases?: ReadonlyArray<UnitAlias>
  /**
   * Worker threads reading files beside this one (Pool.ts). Default: one per further CPU (at most
   * 3) when there are at least AUTO_WORKERS_MIN_FILES files, else none; 0 reads everything here.
   * Measured on this 2-vCPU machine (102,940 rows in 5,651 files, `npm run bench`): this thread
   * alone 3.7 s; with one worker 3.2 s, or 3.0 s when the worker was started beforehand (as
   * `recon run` does). Two threads do not double the pace here (two processes reading halves each
   * run ~1.3x slower than one alone; two workers beside this thread were slower than one), and a
   * worker needs ~0.3 s to start, which is why small directories are read on this thread only.
   * More than one worker is untried here (no machine with more cores).
   */
  readonly workers?: number
  /**
   * Workers started earlier (rosterPool), so they have loaded their modules by the time the files
   * are read; used instead of starting `workers` new ones.
   */
  readonly pool?: RosterPool | null
  /** Paths relative to `dir` (with /) that are not rosters: the central export when it lies inside `dir`. */
  readonly exclude?: ReadonlyArray<string>
  /** Called as files are read on this thread, with how many and of how many (progress on a terminal). */
  readonly onFile?: (done: number, total: number) => void
}

/** Reads files in this thread, one after the other (reads are synchronous; parsing is CPU-bound). */
const readInProcess = async (
  files: ReadonlyArray<string>,
  read: (rel: string) => Promise<FileExtract>,
  onFile?: (done: number, total: number) => void
): Promise<Array<FileExtract>> => {
  const out: Array<FileExtract> = []
  for (const rel of files) {
    out.push(await read(rel))
    onFile?.(out.length, files.length)
  }
  return out
}

/** An entry of the tree that could not be read, as a file with an error (so run.json lists it). */
const unreadEntry = (file: string, reason: string): FileExtract => ({
  rows: [],
  rejections: [{ file, sheet: null, row: null, column: null, reason }],
  warnings: [],
  summary: { file, kind: null, unitCode: null, sha256: "", rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: reason, suspectTruncated: false }
})

/** How the listing found a file (a link followed, a name not in UTF-8), as warnings of that file. */
const withNote = (x: FileExtract, note: string | undefined): FileExtract =>
  note === undefined ? x : { ...x, warnings: [{ file: x.summary.file, sheet: null, row: null, column: null, reason: note }, ...x.warnings] }

/** Below this many files (~0.3 s of reading) a worker's start-up costs more than it saves. */
export const AUTO_WORKERS_MIN_FILES = 400

/** The default of IngestOptions.workers for `files` files. */
export const autoWorkers = (files: number): number =>
  files < AUTO_WORKERS_MIN_FILES ? 0 : Math.max(0, Math.min(3, os.availableParallelism() - 1))

/**
 * Worker threads for reading `dir` later, started now (none for a small or unreadable directory);
 * ended with the scope, whether or not they were used.
 */
export const rosterPool = (dir: string): Effect.Effect<RosterPool | null, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => listRosterFiles(dir).catch(() => [])).pipe(
      Effect.map((files) => {
        const workers = autoWorkers(files.length)
        return workers > 0 ? startRosterPool(workers) : null
      })
    ),
    (pool) => Effect.sync(() => pool?.close())
  )

/**
 * Reads every roster under `dir` (on this thread, and on worker threads for large directories). Never fails: unreadable, corrupt or
 * unsupported files and unresolved units become FileSummary.error plus a file-level Rejection.
 */
export const ingestRosters = (dir: string, units: ReadonlyArray<Unit>, options: IngestOptions = {}): Effect.Effect<RosterIngest> =>
  Effect.gen(function* () {
    const aliases = options.aliases ?? []
    const index = makeUnitIndex(units, aliases)
    const listed = yield* Effect.either(Effect.tryPromise(() => walkRosterDir(dir)))
    if (Either.isLeft(listed)) {
      const reason = `Không đọc được thư mục danh sách "${dir}"`
      return {
        rows: [],
        rejections: [{ file: ".", sheet: null, row: null, column: null, reason }],
        warnings: [],
        files: [{ file: ".", kind: null, unitCode: null, sha256: "", rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: reason, suspectTruncated: false }]
      } satisfies RosterIngest
    }
    const listing = listed.right
    // Files named in bytes that are not text are read here; workers get the path as text.
    const excluded = new Set(options.exclude ?? [])
    const files = listing.files.filter((f) => !listing.bytePaths.has(f) && !excluded.has(f))
    const given = options.pool ?? null
    const workers = given !== null ? given.size : Math.max(0, Math.floor(options.workers ?? autoWorkers(files.length)))
    const env = envAsOf(options.asOf)
    const read = (rel: string) => readRosterFile(dir, rel, index, env, listing.bytePaths.get(rel))
    const pooled = yield* Effect.promise(() => {
      if (workers === 0) {
        given?.close()
        return readInProcess(files, read, options.onFile)
      }
      return (given ?? startRosterPool(workers)).read({ dir, files, units, aliases, env, read })
    })
    const byteNamed = yield* Effect.promise(() => readInProcess([...listing.bytePaths.keys()], read))
    const extracts = [...pooled, ...byteNamed, ...listing.problems.map((p) => unreadEntry(p.file, p.reason))]
      .map((x) => withNote(x, listing.notes.get(x.summary.file)))
      .sort((a, b) => (a.summary.file < b.summary.file ? -1 : a.summary.file > b.summary.file ? 1 : 0))
    const rows: Array<RosterRow> = []
    const rejections: Array<Rejection> = []
    const warnings: Array<Rejection> = index.badAliases.map((reason) => ({ file: ".", sheet: null, row: null, column: null, reason }))
    // Loops, not flatMap: a province is 100k+ rows and spreading them is measurable.
    for (const x of extracts) {
      for (const r of x.rows) rows.push(r)
      for (const r of x.rejections) rejections.push(r)
      for (const w of x.warnings) warnings.push(w)
    }
    const result: RosterIngest = { rows, rejections, warnings, files: extracts.map((x) => x.summary) }
    yield* Effect.logInfo("rosters read").pipe(
      Effect.annotateLogs({
        files: result.files.length,
        fileErrors: result.files.filter((f) => f.error !== null).length,
        rows: result.rows.length,
        rejected: result.rejections.length,
        workers
      })
    )
    return result
  }).pipe(Effect.withLogSpan("ingest-rosters"))
