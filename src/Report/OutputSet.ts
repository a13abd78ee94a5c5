/**
 * The outputs of a run are one set: discrepancies.jsonl, links.csv, persons.csv, review.xlsx and
 * run.json must describe the same run. They are written into a staging folder inside --out
 * (`.recon-staging-<pid>-<random>`, same file system, so renames are atomic), then put in place:
 *
 * 1. a `COMMIT` marker is written into the staging folder (atomically): from then on the set is
 *    complete and the move must be finished, by this run or by the next one;
 * 2. the old run.json is removed, each file is renamed into --out, run.json last;
 * 3. the staging folder is removed.
 *
 * A run killed before step 1 leaves the previous set untouched and a staging folder the next run
 * deletes; killed during step 2, the next run finishes the move (roll forward). Readers trust
 * run.json: it is in place only when every file it lists is. Stale `*.tmp-*` files of atomic
 * writes are removed too. Callers hold the output folder's lock (RunLock.ts) around all of this.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import { randomBytes } from "node:crypto"
import * as NodePath from "node:path"
import { writeFileAtomic } from "./AtomicFile.js"

export const STAGING_PREFIX = ".recon-staging-"
const COMMIT = "COMMIT"
/** The manifest: moved last, removed first. */
export const MANIFEST = "run.json"

export interface Staging {
  /** The staging folder. */
  readonly dir: string
  /** The output folder the set goes to. */
  readonly out: string
  /** Where to write output `name` now. */
  readonly path: (name: string) => string
  /** Where output `name` will be once committed. */
  readonly finalPath: (name: string) => string
}

const TEMP_FILE = /\.tmp-\d+-[0-9a-f]+$/

/** Moves every file named in a committed staging folder into `out` (run.json last), then removes the folder. */
const finishCommit = (fs: FileSystem.FileSystem, dir: string, out: string, names: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const ordered = [...names.filter((n) => n !== MANIFEST), ...names.filter((n) => n === MANIFEST)]
    for (const name of ordered) {
      const from = NodePath.join(dir, name)
      // Already moved by an interrupted commit: nothing to do for this one.
      if (yield* fs.exists(from)) yield* fs.rename(from, NodePath.join(out, name))
    }
    yield* fs.remove(dir, { recursive: true, force: true })
  })

const readCommit = (fs: FileSystem.FileSystem, dir: string) =>
  fs.readFileString(NodePath.join(dir, COMMIT)).pipe(
    Effect.map((text) => text.split("\n").filter((n) => n !== "")),
    Effect.orElseSucceed(() => null)
  )

/** A staging folder left behind: finished when committed (true), deleted otherwise (false). */
const settleStaging = (fs: FileSystem.FileSystem, dir: string, out: string) =>
  Effect.flatMap(readCommit(fs, dir), (names) =>
    names === null
      ? Effect.as(fs.remove(dir, { recursive: true, force: true }), false)
      : Effect.as(finishCommit(fs, dir, out, names), true))

/**
 * What a killed run left in `out`: committed staging folders are finished, others deleted, and
 * temp files of atomic writes removed. Returns what was done, for the log.
 */
export const recoverOutputs = (
  out: string
): Effect.Effect<{ readonly finished: number; readonly removed: number }, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    if (!(yield* fs.exists(out))) return { finished: 0, removed: 0 }
    let finished = 0
    let removed = 0
    for (const name of (yield* fs.readDirectory(out)).sort()) {
      const path = NodePath.join(out, name)
      if (name.startsWith(STAGING_PREFIX)) {
        if (yield* settleStaging(fs, path, out)) finished++
        else removed++
      } else if (TEMP_FILE.test(name)) {
        yield* fs.remove(path, { force: true })
        removed++
      }
    }
    return { finished, removed }
  })

/**
 * A fresh staging folder in `out`. When the scope closes on a failure the folder is deleted, unless
 * the set was already committed, in which case the move is finished.
 */
export const beginStaging = (out: string): Effect.Effect<Staging, PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    Effect.acquireRelease(
      Effect.gen(function*() {
        const dir = NodePath.join(out, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`)
        yield* fs.makeDirectory(dir, { recursive: false })
        return {
          dir,
          out,
          path: (name: string) => NodePath.join(dir, name),
          finalPath: (name: string) => NodePath.join(out, name)
        } satisfies Staging
      }),
      (s, exit) => Exit.isSuccess(exit) ? Effect.void : Effect.ignore(settleStaging(fs, s.dir, out))
    ))

/**
 * Puts the staged files `names` in place as one set (steps 1–3 above). Files of a previous set that
 * this one does not have (e.g. a split workbook of a unit with no findings any more) are left as they are.
 */
export const commitStaging = (
  staging: Staging,
  names: ReadonlyArray<string>
): Effect.Effect<void, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    yield* writeFileAtomic(NodePath.join(staging.dir, COMMIT), names.map((n) => `${n}\n`).join(""))
    yield* fs.remove(staging.finalPath(MANIFEST), { force: true })
    yield* finishCommit(fs, staging.dir, staging.out, names)
  })
