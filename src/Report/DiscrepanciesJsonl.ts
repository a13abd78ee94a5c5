/**
 * discrepancies.jsonl: one finding per line, keys in a fixed order so that two runs over the same
 * input produce byte-identical files (the golden end-to-end test and `diff` rely on it).
 * This is machine data: values are written as they are, without spreadsheet escaping.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type { Discrepancy } from "../Domain.js"
import { lineChunks, type WrittenFile, writeChunksAtomic } from "./AtomicFile.js"
import { type ReportWriteError, writeFailed } from "./ReportError.js"

/** One line (without the line end). Roster rows are reduced to {file, sheet, row} even if richer objects are passed. */
export const discrepancyToJson = (d: Discrepancy): string => {
  const o: Record<string, unknown> = {
    id: d.id,
    category: d.category,
    kind: d.kind,
    unitCode: d.unitCode,
    memberIds: d.memberIds,
    rosterRows: d.rosterRows.map((r) => ({ file: r.file, sheet: r.sheet, row: r.row })),
    score: d.score
  }
  if (d.field !== undefined) o.field = d.field
  if (d.centralValue !== undefined) o.centralValue = d.centralValue
  if (d.rosterValue !== undefined) o.rosterValue = d.rosterValue
  o.reason = d.reason
  o.recommendation = d.recommendation
  // Additive keys after the original contract's: the rule cited, the checks applied, the review state.
  if (d.rule !== undefined) o.rule = d.rule
  if (d.checks !== undefined) o.checks = d.checks
  if (d.caveats !== undefined && d.caveats.length > 0) o.caveats = d.caveats
  if (d.review !== undefined) {
    // Comments stay in the workbook and the store: this file is machine data passed around more widely.
    o.review = {
      decision: d.review.decision,
      decidedOn: d.review.decidedOn,
      reviewer: d.review.reviewer,
      importedAt: d.review.importedAt,
      changedSinceDecision: d.review.changedSinceDecision
    }
  }
  return JSON.stringify(o)
}

/** The whole file: "\n" after every line; no findings → empty file. */
export const discrepanciesToJsonl = (ds: ReadonlyArray<Discrepancy>): string => {
  let out = ""
  for (const d of ds) out += discrepancyToJson(d) + "\n"
  return out
}

export const writeDiscrepanciesJsonl = (
  path: string,
  ds: ReadonlyArray<Discrepancy>
): Effect.Effect<WrittenFile, ReportWriteError, FileSystem.FileSystem> =>
  Effect.suspend(() => writeChunksAtomic(path, lineChunks(ds, discrepancyToJson))).pipe(Effect.mapError(writeFailed(path)))
