/**
 * run.json: what was run, on what, with what result. Written last, so it can list the other outputs.
 * Keys are always emitted in the same order regardless of how the object was built.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import {
  Categories,
  type Category,
  type Discrepancy,
  type FileSummary,
  type FindingKind,
  FindingKinds,
  type Rejection,
  type UncoveredCell
} from "../Domain.js"
import type { RuleStats } from "../Pipeline/Run.js"
import { type WrittenFile, writeFileAtomic } from "./AtomicFile.js"
import { type ReportWriteError, writeFailed } from "./ReportError.js"

export type InputRole = "central" | "roster" | "unitAliases"

export interface RunInput {
  readonly role: InputRole
  readonly path: string
  readonly sha256: string
}

export interface RunTotals {
  readonly rowsRead: number
  readonly rowsIngested: number
  readonly rowsRejected: number
}

export interface RunManifest {
  readonly tool: { readonly name: "recon"; readonly version: string }
  /** The reconciliation date (YYYY-MM-DD) rules were evaluated at. */
  readonly asOf: string
  /** The state database the run was recorded in (absolute path), so `--run <out>` finds it. */
  readonly stateDb?: string
  /** The pipeline and the rosters folder (absolute) of the run, so `recon explain --run <out>` needs no more. */
  readonly pipeline?: string
  readonly rosters?: string
  /** ISO 8601 instants. */
  readonly startedAt: string
  readonly finishedAt: string
  readonly inputs: ReadonlyArray<RunInput>
  readonly files: ReadonlyArray<FileSummary>
  readonly totals: RunTotals
  readonly categories: Readonly<Record<Category, number>>
  /** Findings for removal review and data corrections, counted apart. Absent in manifests of older runs. */
  readonly kinds?: Readonly<Record<FindingKind, number>>
  /** Milliseconds per stage, in stage order. */
  readonly timings: Readonly<Record<string, number>>
  /** The files written before run.json (its own entry cannot hold its own hash). */
  readonly outputs: ReadonlyArray<WrittenFile>
  /**
   * Every rejected row (and every unreadable file) with file, sheet, row, column and reason: with
   * `totals`, the account of every input row. Absent only in manifests built before ingestion ran.
   */
  readonly rejections?: ReadonlyArray<Rejection>
  /** Values read with a caveat (ambiguous date, dropped bad identifier, …): the row was ingested. */
  readonly warnings?: ReadonlyArray<Rejection>
  /** Candidate pairs per blocking rule and in total (the budget is checked on these before scoring), links made. */
  readonly match?: {
    readonly candidatePairs: number
    readonly pairsPerRule: Readonly<Record<string, number>>
    readonly centralCandidatePairs: number
    readonly linked: number
    readonly unlinked: number
    /**
     * Per blocking rule: its row × central pairs; the accepted links it generates, their share of
     * all links (its recall against the run's own links) and those no other rule generates; the
     * same for central × central pairs and central duplicates. Absent in manifests of older runs.
     */
    readonly rules?: ReadonlyArray<RuleStats>
  }
  /** Cells with active members not reconciled in full (no official list, or input not fully read). */
  readonly uncoveredCells?: ReadonlyArray<UncoveredCell>
}

/** Every category present, 0 when there are no findings of that kind. */
export const categoryCounts = (ds: ReadonlyArray<Discrepancy>): Record<Category, number> => {
  const counts = Object.fromEntries(Categories.map((c) => [c, 0])) as Record<Category, number>
  for (const d of ds) counts[d.category] += 1
  return counts
}

/** Findings and corrections, counted apart. */
export const kindCounts = (ds: ReadonlyArray<Discrepancy>): Record<FindingKind, number> => {
  const counts = Object.fromEntries(FindingKinds.map((k) => [k, 0])) as Record<FindingKind, number>
  for (const d of ds) counts[d.kind] += 1
  return counts
}

export const fileTotals = (files: ReadonlyArray<FileSummary>): RunTotals => {
  let rowsRead = 0
  let rowsIngested = 0
  let rowsRejected = 0
  for (const f of files) {
    rowsRead += f.rowsRead
    rowsIngested += f.rowsIngested
    rowsRejected += f.rowsRejected
  }
  return { rowsRead, rowsIngested, rowsRejected }
}

const fileSummaryJson = (f: FileSummary) => ({
  file: f.file,
  kind: f.kind,
  unitCode: f.unitCode,
  sha256: f.sha256,
  rowsRead: f.rowsRead,
  rowsIngested: f.rowsIngested,
  rowsRejected: f.rowsRejected,
  error: f.error,
  suspectTruncated: f.suspectTruncated
})

const issueJson = (r: Rejection) => ({ file: r.file, sheet: r.sheet, row: r.row, column: r.column, reason: r.reason })

/**
 * The manifest with keys in contract order, as a plain object. The run store keeps it without the
 * row-level lists (`lists: false`): those can be long and are in run.json and the workbook.
 */
export const runToObject = (run: RunManifest, lists = true) => ({
  tool: { name: run.tool.name, version: run.tool.version },
  asOf: run.asOf,
  ...(run.stateDb === undefined ? {} : { stateDb: run.stateDb }),
  ...(run.pipeline === undefined ? {} : { pipeline: run.pipeline }),
  ...(run.rosters === undefined ? {} : { rosters: run.rosters }),
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
  inputs: run.inputs.map((i) => ({ role: i.role, path: i.path, sha256: i.sha256 })),
  files: run.files.map(fileSummaryJson),
  totals: { rowsRead: run.totals.rowsRead, rowsIngested: run.totals.rowsIngested, rowsRejected: run.totals.rowsRejected },
  categories: Object.fromEntries(Categories.map((c) => [c, run.categories[c] ?? 0])),
  ...(run.kinds === undefined ? {} : { kinds: Object.fromEntries(FindingKinds.map((k) => [k, run.kinds![k] ?? 0])) }),
  timings: { ...run.timings },
  outputs: run.outputs.map((o) => ({ path: o.path, bytes: o.bytes, sha256: o.sha256 })),
  ...(run.match === undefined
    ? {}
    : {
      match: {
        candidatePairs: run.match.candidatePairs,
        pairsPerRule: { ...run.match.pairsPerRule },
        centralCandidatePairs: run.match.centralCandidatePairs,
        linked: run.match.linked,
        unlinked: run.match.unlinked,
        ...(run.match.rules === undefined
          ? {}
          : {
            rules: run.match.rules.map((r) => ({
              rule: r.rule,
              pairs: r.pairs,
              links: r.links,
              linkShare: r.linkShare,
              linksOnly: r.linksOnly,
              centralPairs: r.centralPairs,
              duplicates: r.duplicates,
              duplicatesOnly: r.duplicatesOnly
            }))
          })
      }
    }),
  ...(run.uncoveredCells === undefined
    ? {}
    : {
      uncoveredCells: run.uncoveredCells.map((c) => ({
        unitCode: c.unitCode,
        unitName: c.unitName,
        parentCode: c.parentCode,
        activeMembers: c.activeMembers,
        why: c.why
      }))
    }),
  ...(lists
    ? { rejections: (run.rejections ?? []).map(issueJson), warnings: (run.warnings ?? []).map(issueJson) }
    : {})
})

/** 2-space indent, final newline. */
export const runToJson = (run: RunManifest): string => JSON.stringify(runToObject(run), null, 2) + "\n"

export const writeRunJson = (
  path: string,
  run: RunManifest
): Effect.Effect<WrittenFile, ReportWriteError, FileSystem.FileSystem> =>
  Effect.suspend(() => writeFileAtomic(path, runToJson(run))).pipe(Effect.mapError(writeFailed(path)))
