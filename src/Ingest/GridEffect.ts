/**
 * Grid.ts's xlsx reader as an Effect, for the central database export (Central.ts) and any other
 * caller inside the Effect runtime. Kept apart from Grid.ts so roster worker threads, which load
 * Grid.ts, do not load the Effect runtime.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { readXlsxEither, type Sheet } from "./Grid.js"

/** A file-level problem reading a grid; `reason` is a Vietnamese sentence for the clerk. */
export class GridError extends Data.TaggedError("GridError")<{ readonly reason: string }> {}

/** Reads every worksheet of an xlsx into a grid; rows 1..last row, columns 1..last used column. */
export const readXlsx = (bytes: Uint8Array): Effect.Effect<ReadonlyArray<Sheet>, GridError> =>
  Effect.flatMap(
    Effect.promise(() => readXlsxEither(bytes, false)),
    Either.match({ onLeft: (reason) => Effect.fail(new GridError({ reason })), onRight: Effect.succeed })
  )
