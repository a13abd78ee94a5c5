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
          // An empty result is a normal result: writeAll of zero bytes fails with WriteZero.
          if (bytes.byteLength > 0) yield* file.writeAll(bytes)
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

/** About 1 MB of text per write: large enough to be fast, small enough to keep memory bounded. */
const CHUNK_CHARS = 1 << 20

/**
 * The lines `toLine(item)` of every item, "\n"-ended, joined into chunks of about 1 MB: a file of
 * a million findings is written without ever holding it whole in memory.
 */
export function* lineChunks<A>(items: Iterable<A>, toLine: (a: A) => string, header?: string): Generator<string> {
  let buf = header === undefined ? "" : header + "\n"
  for (const item of items) {
    buf += toLine(item) + "\n"
    if (buf.length >= CHUNK_CHARS) {
      yield buf
      buf = ""
    }
  }
  if (buf !== "") yield buf
}

/**
 * Writes text chunks (UTF-8, no BOM) atomically, one chunk in memory at a time; size and hash are
 * computed on the way. No chunks → an empty file.
 */
export const writeChunksAtomic = (
  path: string,
  chunks: Iterable<string>
): Effect.Effect<WrittenFile, PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    withAtomicFile(path, (tempPath) =>
      Effect.scoped(
        Effect.gen(function*() {
          const file = yield* fs.open(tempPath, { flag: "wx" })
          const hash = createHash("sha256")
          const encoder = new TextEncoder()
          let bytes = 0
          for (const chunk of chunks) {
            const b = encoder.encode(chunk)
            if (b.byteLength === 0) continue
            hash.update(b)
            bytes += b.byteLength
            yield* file.writeAll(b)
          }
          yield* file.sync
          return { path, bytes, sha256: hash.digest("hex") } satisfies WrittenFile
        })
      )))
