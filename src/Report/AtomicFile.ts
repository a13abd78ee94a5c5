/**
 * Atomic output files: data goes to `<name>.tmp-<pid>-<random>` in the target's directory and is
 * renamed over the target only once completely written and flushed, so a reader (or a crash)
 * never sees a half-written report and a failed run leaves the previous file untouched.
 * Same directory because rename(2) is atomic only within one file system.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { createHash, randomBytes } from "node:crypto"

/** What was written, for run.json's `outputs`. */
export interface WrittenFile {
  readonly path: string
  readonly bytes: number
  readonly sha256: string
}

export const tempPathFor = (path: string): string =>
  `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`

/**
 * Runs `write` against a fresh temp path next to `path`; on success renames it over `path`,
 * on failure or interruption deletes the temp file. The target is never opened for writing.
 */
export const withAtomicFile = <A, E, R>(
  path: string,
  write: (tempPath: string) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | PlatformError, R | FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    Effect.acquireUseRelease(
      Effect.sync(() => tempPathFor(path)),
      (tempPath) => Effect.zipLeft(write(tempPath), fs.rename(tempPath, path)),
      (tempPath, exit) => Exit.isSuccess(exit) ? Effect.void : Effect.ignore(fs.remove(tempPath, { force: true }))
    ))

/** Writes `data` (a string is encoded as UTF-8, no BOM) atomically, flushed to disk before the rename. */
export const writeFileAtomic = (
  path: string,
  data: string | Uint8Array
): Effect.Effect<WrittenFile, PlatformError, FileSystem.FileSystem> => {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data
  return Effect.flatMap(FileSystem.FileSystem, (fs) =>
    withAtomicFile(path, (tempPath) =>
      Effect.scoped(
        Effect.gen(function*() {
          // "wx": never clobber a file that happens to carry the temp name.
          const file = yield* fs.open(tempPath, { flag: "wx" })
          yield* file.writeAll(bytes)
          yield* file.sync
        })
      ))).pipe(
      Effect.as<WrittenFile>({
        path,
        bytes: bytes.byteLength,
        sha256: createHash("sha256").update(bytes).digest("hex")
      })
    )
}
