/**
 * `recon evaluate`: reads truth.json and a run's links.csv, discrepancies.jsonl and (when there)
 * run.json, and — when the province's central.xlsx and rosters/ sit next to truth.json — re-ingests
 * them and blocks with the pipeline's rules to measure blocking recall, overall, for moves across
 * communes, and per rule (each rule alone, whatever rules the pipeline declares). Effect only here,
 * at the files.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { readCentral } from "../Ingest/Central.js"
import { ingestRosters } from "../Ingest/Rosters.js"
import * as Engine from "../Match/Engine.js"
import {
  blockingRecall,
  evaluate,
  type Evaluation,
  parseDiscrepanciesJsonl,
  parseLinksCsv,
  refKey,
  type RuleRecall,
  type TruthLike
} from "./Evaluate.js"
import { fileMetrics, rejectionsByReason, type RejectionLike, type RunFileLike, type TruthFileLike } from "./Ingestion.js"

export class EvaluateError extends Schema.TaggedError<EvaluateError>()("EvaluateError", {
  message: Schema.String
}) {}

const readText = (file: string) =>
  Effect.tryPromise({
    try: () => fs.readFile(file, "utf8"),
    catch: () => new EvaluateError({ message: `cannot read ${file}` })
  })

const exists = (file: string) => Effect.promise(() => fs.stat(file).then(() => true, () => false))

export interface EvaluateOptions {
  readonly truth: string
  readonly run: string
  readonly settings: Engine.MatchSettings
  /** Measure blocking recall too (re-ingests the province next to truth.json). */
  readonly blocking: boolean
}

export const evaluateRun = (o: EvaluateOptions): Effect.Effect<Evaluation, EvaluateError> =>
  Effect.gen(function*() {
    const truth = yield* readText(o.truth).pipe(
      Effect.flatMap((t) =>
        Effect.try({ try: () => JSON.parse(t) as TruthLike, catch: () => new EvaluateError({ message: `${o.truth} is not JSON` }) })
      )
    )
    if (!Array.isArray(truth.rows) || !Array.isArray(truth.cases)) {
      return yield* new EvaluateError({ message: `${o.truth} has no "rows" and "cases": is it a truth.json from recon samples generate?` })
    }
    const links = yield* readText(path.join(o.run, "links.csv")).pipe(
      Effect.flatMap((t) => Effect.try({ try: () => parseLinksCsv(t), catch: (e) => new EvaluateError({ message: String(e) }) }))
    )
    const found = yield* readText(path.join(o.run, "discrepancies.jsonl")).pipe(
      Effect.flatMap((t) =>
        Effect.try({ try: () => parseDiscrepanciesJsonl(t), catch: () => new EvaluateError({ message: "discrepancies.jsonl: a line is not JSON" }) })
      )
    )
    const withRunJson = yield* ingestionOf(truth, o.run)
    const result = { ...evaluate(truth, links, found), ...withRunJson }
    if (!o.blocking) return result
    const dir = path.dirname(o.truth)
    const centralFile = path.join(dir, "central.xlsx")
    const rostersDir = path.join(dir, "rosters")
    if (!(yield* exists(centralFile)) || !(yield* exists(rostersDir))) return result
    const central = yield* readCentral(centralFile).pipe(Effect.mapError((e) => new EvaluateError({ message: e.message })))
    const rosters = yield* ingestRosters(rostersDir, central.data.units)
    const parents = Engine.parentMap(central.data.units)
    const strings = new Engine.Interner()
    const centralSide = Engine.prepare(central.data.members, parents, strings)
    const rowSide = Engine.prepare(rosters.rows, parents, strings)
    const blocks = yield* Effect.try({
      try: () => Engine.block(rowSide, centralSide, o.settings),
      catch: (e) => new EvaluateError({ message: e instanceof Error ? e.message : String(e) })
    })
    const rowIndex = new Map(rosters.rows.map((r, i) => [refKey(r), i]))
    const memberIndex = new Map(central.data.members.map((m, j) => [m.id, j]))
    const across = (t: { move?: string }) => t.move === "otherCommune"
    const all = blockingRecall(truth.rows, rowIndex, memberIndex, blocks)
    const moves = blockingRecall(truth.rows, rowIndex, memberIndex, blocks, across)
    // True pairs only one rule keeps, from the rule masks of the blocks of all rules together.
    const truePairs: Array<readonly [number, number]> = []
    for (const t of truth.rows) {
      const i = t.memberId === null ? undefined : rowIndex.get(refKey(t))
      const j = t.memberId === null ? undefined : memberIndex.get(t.memberId)
      if (i !== undefined && j !== undefined) truePairs.push([i, j])
    }
    const only = Engine.ruleContributions(blocks, o.settings.blocking, truePairs)
    const perRule: Array<RuleRecall> = []
    for (const [x, rule] of o.settings.blocking.entries()) {
      const alone = yield* Effect.try({
        try: () => Engine.block(rowSide, centralSide, { ...o.settings, blocking: [rule] }),
        catch: (e) => new EvaluateError({ message: e instanceof Error ? e.message : String(e) })
      })
      const r = blockingRecall(truth.rows, rowIndex, memberIndex, alone)
      const m = blockingRecall(truth.rows, rowIndex, memberIndex, alone, across)
      perRule.push({
        rule: rule.name,
        pairs: alone.totalPairs,
        kept: r.kept,
        recall: r.recall,
        otherCommuneKept: m.kept,
        otherCommuneRecall: m.recall,
        only: only[x]!.only
      })
    }
    return {
      ...result,
      blocking: { ...all, otherCommune: { truePairs: moves.truePairs, kept: moves.kept, recall: moves.recall }, perRule }
    }
  })

/** Files resolved and rows rejected, from run.json's `files` and `rejections` (when the run wrote one and truth.json lists its files). */
const ingestionOf = (truth: TruthLike & { files?: ReadonlyArray<TruthFileLike> }, runDir: string) =>
  Effect.gen(function*() {
    const file = path.join(runDir, "run.json")
    if (!(yield* exists(file))) return {}
    const run = yield* readText(file).pipe(
      Effect.flatMap((t) =>
        Effect.try({
          try: () => JSON.parse(t) as { files?: ReadonlyArray<RunFileLike>; rejections?: ReadonlyArray<RejectionLike> },
          catch: () => new EvaluateError({ message: `${file} is not JSON` })
        })
      )
    )
    const truthFiles = truth.files ?? []
    const rowsOf = new Map<string, number>()
    for (const f of truthFiles) rowsOf.set(f.file, f.rows ?? 0)
    for (const f of run.files ?? []) if (!rowsOf.has(f.file)) rowsOf.set(f.file, f.rowsRead)
    return {
      ...(truthFiles.length > 0 ? { files: fileMetrics(truthFiles, run.files ?? []) } : {}),
      rejections: rejectionsByReason(run.rejections ?? [], (f) => rowsOf.get(f) ?? 0)
    }
  })
