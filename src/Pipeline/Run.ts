/**
 * The reconciliation run, top to bottom as its stages:
 * ingest → (normalise, inside ingest) → block → compare/score/cluster → rules → report → store.
 * Effect at the edges (files, database); every stage in between is a plain function.
 */
import { FileSystem } from "@effect/platform"
import { Effect, Schema } from "effect"
import { createRequire } from "node:module"
import * as NodePath from "node:path"
import type { CentralData, Discrepancy, FileSummary, Link, RosterRow } from "../Domain.js"
import { readCentral } from "../Ingest/Central.js"
import type { CentralIngest } from "../Ingest/Central.js"
import { ingestRosters } from "../Ingest/Roster.js"
import type { RosterIngest } from "../Ingest/Roster.js"
import * as Engine from "../Match/Engine.js"
import { writeDiscrepanciesJsonl } from "../Report/DiscrepanciesJsonl.js"
import { writeLinksCsv } from "../Report/LinksCsv.js"
import { rowKey, writeReviewWorkbook } from "../Report/ReviewWorkbook.js"
import { categoryCounts, fileTotals, writeRunJson } from "../Report/RunJson.js"
import type { RunInput, RunManifest } from "../Report/RunJson.js"
import { makeCalendar, dayNumberOf } from "../Rules/Calendar.js"
import { applyRules, paramsAsOf } from "../Rules/Rules.js"
import type { CentralDuplicate, LinkedRow } from "../Rules/Rules.js"
import { saveRun, StoreLive } from "../Store/RunStore.js"
import type { PipelineDeclaration } from "./Declaration.js"

export const VERSION: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version

/** A run that cannot start or finish; the message is one line naming the file. */
export class RunError extends Schema.TaggedError<RunError>()("RunError", {
  message: Schema.String
}) {}

export interface RunOptions {
  readonly central: string
  readonly rosters: string
  readonly out: string
  /** YYYY-MM-DD */
  readonly asOf: string
  readonly db: string
}

export interface RunResult {
  readonly manifest: RunManifest
  readonly discrepancies: ReadonlyArray<Discrepancy>
  readonly outDir: string
  readonly runId: number
  readonly matchStats: MatchStats
}

export interface MatchStats {
  readonly candidatePairs: number
  readonly pairsPerRule: Readonly<Record<string, number>>
  readonly centralCandidatePairs: number
  readonly linked: number
  readonly unlinked: number
}

export interface MatchOutcome {
  readonly rows: ReadonlyArray<LinkedRow>
  readonly centralDuplicates: ReadonlyArray<CentralDuplicate>
  readonly stats: MatchStats
}

// ---------------------------------------------------------------------------------------------
// Stages (pure)

/** Blocking, comparison, scoring and one-to-one assignment of roster rows to central members. */
export const match = (
  central: CentralData,
  rows: ReadonlyArray<RosterRow>,
  settings: Engine.MatchSettings
): MatchOutcome => {
  const parents = Engine.parentMap(central.units)
  const centralRecords = central.members.map((m) => Engine.toMatchRecord(m, parents))
  const rowRecords = rows.map((r) => Engine.toMatchRecord(r, parents))
  const rowBlocks = Engine.block(rowRecords, centralRecords, settings)
  const links = Engine.linkRows(rows, rowRecords, centralRecords, rowBlocks, settings)
  const selfBlocks = Engine.block(centralRecords, centralRecords, settings, true)
  const dupPairs = Engine.centralDuplicates(centralRecords, selfBlocks, settings)
  const linked: Array<LinkedRow> = rows.map((row, i) => {
    const l = links[i]!
    return {
      row,
      memberId: l.member >= 0 ? central.members[l.member]!.id : null,
      score: l.score,
      closestId: l.closest >= 0 ? central.members[l.closest]!.id : null,
      closestScore: l.closestScore
    }
  })
  const linkedCount = linked.filter((l) => l.memberId !== null).length
  return {
    rows: linked,
    centralDuplicates: dupPairs.map((p) => ({
      a: central.members[p.a]!.id,
      b: central.members[p.b]!.id,
      score: p.score
    })),
    stats: {
      candidatePairs: rowBlocks.totalPairs,
      pairsPerRule: rowBlocks.pairsPerRule,
      centralCandidatePairs: selfBlocks.totalPairs,
      linked: linkedCount,
      unlinked: linked.length - linkedCount
    }
  }
}

/** Units with an official roster file that was read: only their members can be reported missing. */
export const unitsWithOfficialRoster = (files: ReadonlyArray<FileSummary>): Set<string> =>
  new Set(files.filter((f) => f.error === null && f.unitCode !== null && f.kind === "OFFICIAL").map((f) => f.unitCode!))

export const rules = (
  decl: PipelineDeclaration,
  central: CentralData,
  rosters: RosterIngest,
  matched: MatchOutcome,
  asOf: string
): Array<Discrepancy> =>
  applyRules({
    central,
    rows: matched.rows,
    unitsWithRoster: unitsWithOfficialRoster(rosters.files),
    centralDuplicates: matched.centralDuplicates,
    asOf: dayNumberOf(+asOf.slice(0, 4), +asOf.slice(5, 7), +asOf.slice(8, 10)),
    params: paramsAsOf(decl.rules, asOf),
    calendar: makeCalendar(decl.calendar)
  })

const toLinks = (matched: MatchOutcome): Array<Link> =>
  matched.rows.map((l) => ({ file: l.row.file, sheet: l.row.sheet, row: l.row.row, memberId: l.memberId, score: l.score }))

// ---------------------------------------------------------------------------------------------
// The run

const timed = <A, E, R>(timings: Record<string, number>, stage: string, eff: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const t0 = performance.now()
    const a = yield* eff.pipe(Effect.withLogSpan(stage))
    timings[stage] = Math.round(performance.now() - t0)
    return a
  })

export const run = (
  decl: PipelineDeclaration,
  opts: RunOptions
): Effect.Effect<RunResult, RunError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const startedAt = new Date().toISOString()
    const timings: Record<string, number> = {}

    const rostersIsDir = yield* fs.stat(opts.rosters).pipe(
      Effect.map((s) => s.type === "Directory"),
      Effect.orElseSucceed(() => false)
    )
    if (!rostersIsDir) return yield* new RunError({ message: `rosters directory not found: ${opts.rosters}` })

    const central: CentralIngest = yield* timed(timings, "ingestCentral", readCentral(opts.central)).pipe(
      Effect.mapError((e) => new RunError({ message: `${opts.central}: ${e.message}` }))
    )
    const rosters = yield* timed(timings, "ingestRosters", ingestRosters(opts.rosters, central.data.units))
    yield* Effect.logInfo(
      `ingested ${central.data.members.length} central members and ${rosters.rows.length} roster rows from ${rosters.files.length} files`
    )

    const matched = yield* timed(
      timings,
      "match",
      Effect.try({
        try: () => match(central.data, rosters.rows, decl.match),
        catch: (e) => new RunError({ message: e instanceof Error ? e.message : String(e) })
      })
    )
    const findings = yield* timed(timings, "rules", Effect.sync(() => rules(decl, central.data, rosters, matched, opts.asOf)))

    yield* fs.makeDirectory(opts.out, { recursive: true }).pipe(
      Effect.mapError((e) => new RunError({ message: `cannot create output directory ${opts.out}: ${e.message}` }))
    )
    const files = [central.summary, ...rosters.files]
    const inputs: Array<RunInput> = [
      { role: "central", path: NodePath.resolve(opts.central), sha256: central.summary.sha256 },
      ...rosters.files.map((f) => ({ role: "roster" as const, path: f.file, sha256: f.sha256 }))
    ]
    const rowsByRef = new Map(rosters.rows.map((r) => [rowKey(r), r]))
    const links = toLinks(matched)
    const outputs = yield* timed(
      timings,
      "report",
      Effect.all([
        writeDiscrepanciesJsonl(NodePath.join(opts.out, "discrepancies.jsonl"), findings),
        writeLinksCsv(NodePath.join(opts.out, "links.csv"), links),
        writeReviewWorkbook(NodePath.join(opts.out, "review.xlsx"), {
          discrepancies: findings,
          members: new Map(central.data.members.map((m) => [m.id, m])),
          units: new Map(central.data.units.map((u) => [u.code, u])),
          rowsByRef,
          rejections: [...central.rejections, ...rosters.rejections],
          warnings: [...central.warnings, ...rosters.warnings],
          files,
          asOf: opts.asOf,
          inputs,
          tool: { name: "recon", version: VERSION },
          generatedAt: startedAt
        })
      ])
    ).pipe(Effect.mapError((e) => new RunError({ message: e.message })))

    const manifest: RunManifest = {
      tool: { name: "recon", version: VERSION },
      asOf: opts.asOf,
      startedAt,
      finishedAt: new Date().toISOString(),
      inputs,
      files,
      totals: fileTotals(files),
      categories: categoryCounts(findings),
      timings,
      outputs
    }
    const runId = yield* timed(
      timings,
      "store",
      saveRun({ manifest, links, discrepancies: findings }).pipe(Effect.provide(StoreLive(opts.db)))
    ).pipe(Effect.mapError((e) => new RunError({ message: `${opts.db}: ${e.message}` })))
    yield* writeRunJson(NodePath.join(opts.out, "run.json"), { ...manifest, timings: { ...timings } }).pipe(
      Effect.mapError((e) => new RunError({ message: e.message }))
    )
    return { manifest, discrepancies: findings, outDir: opts.out, runId, matchStats: matched.stats }
  })
