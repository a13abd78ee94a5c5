/**
 * The match stage as one pure function: prepare both sides, block (refusing over budget before
 * any pair is built), compare, fit the model, link, find central duplicates, cluster persons.
 * Used by the pipeline (Run.match), the benchmark and the evaluation, so all three measure the
 * same code. Per-phase timings are returned because the benchmark reports them.
 */
import type { CentralData, RosterRow } from "../Domain.js"
import * as Engine from "./Engine.js"
import { releasePacked } from "./Side.js"

export interface MatchResult {
  readonly central: Engine.Side
  readonly rows: Engine.Side
  readonly rowBlocks: Engine.Blocks
  /** Comparison code of each candidate pair of rowBlocks (its waterfall without comparing again: Engine.explainCode). */
  readonly rowCodes: Int32Array
  readonly selfBlocks: Engine.Blocks
  readonly model: Engine.Model
  readonly links: ReadonlyArray<Engine.RowLink>
  readonly duplicates: ReadonlyArray<Engine.CentralPair>
  readonly persons: ReadonlyArray<Engine.Person>
  /** Milliseconds per phase. */
  readonly timings: Readonly<Record<string, number>>
}

/** Pairs of n records with at least one of a anchors: the pairs a random anchored pair is drawn from. */
const anchoredPairs = (anchors: Uint8Array): number => {
  let a = 0
  for (let i = 0; i < anchors.length; i++) if (anchors[i] !== 0) a++
  return (a * (a - 1)) / 2 + a * (anchors.length - a)
}

export const runMatch = (
  central: CentralData,
  rows: ReadonlyArray<RosterRow>,
  settings: Engine.MatchSettings,
  /** Candidate pairs scored of total, every Engine.PROGRESS_EVERY pairs (a terminal's progress line). */
  onProgress?: Engine.OnProgress,
  /**
   * Central records (by index) whose central × central pairs matter: only pairs with at least one
   * of them are blocked and compared (Engine.block's anchors). A run against the national index
   * gives the province's own members. Default: every pair.
   */
  selfAnchors?: Uint8Array
): MatchResult => {
  const timings: Record<string, number> = {}
  let t = performance.now()
  const lap = (phase: string) => {
    const now = performance.now()
    timings[phase] = Math.round(now - t)
    t = now
  }
  const parents = Engine.parentMap(central.units)
  const strings = new Engine.Interner()
  const centralSide = Engine.prepare(central.members, parents, strings)
  const rowSide = Engine.prepare(rows, parents, strings)
  lap("prepare")
  const rowBlocks = Engine.block(rowSide, centralSide, settings)
  const selfBlocks = Engine.block(centralSide, centralSide, settings, true, selfAnchors)
  lap("block")
  const declared = Engine.declaredModel(settings)
  const rowCoder = Engine.coderFor(declared, rowSide, centralSide)
  const selfCoder = Engine.coderFor(declared, centralSide, centralSide)
  const total = rowBlocks.totalPairs + selfBlocks.totalPairs
  const rowCmp = Engine.compareBlocks(rowSide, centralSide, rowBlocks, rowCoder, settings.blocking, onProgress && ((done) => onProgress(done, total)))
  // Deduplicating a central export alone, EM trains on its own pairs, by blocking rule.
  const selfCmp = Engine.compareBlocks(centralSide, centralSide, selfBlocks, selfCoder, rows.length === 0 ? settings.blocking : [],
    onProgress && ((done) => onProgress(rowBlocks.totalPairs + done, total)))
  lap("compare")
  const model = Engine.fitModel(rowSide, centralSide, rowCmp, selfCmp, settings, selfAnchors === undefined ? undefined : anchoredPairs(selfAnchors))
  lap("estimate")
  const links = Engine.linkRows(
    rows.map((r) => r.file),
    rowBlocks,
    rowCmp.codes,
    model,
    settings
  )
  const duplicates = Engine.centralDuplicates(selfBlocks, selfCmp.codes, model, settings)
  lap("link")
  const persons = Engine.clusterPersons(
    central.members.map((m) => m.id),
    duplicates,
    links,
    Engine.cannotLink(model, selfCoder, settings)
  )
  lap("cluster")
  // The packed copies the coders read (Side.packSide) are not needed past this stage: ~150 bytes a record.
  releasePacked(centralSide)
  releasePacked(rowSide)
  return { central: centralSide, rows: rowSide, rowBlocks, rowCodes: rowCmp.codes, selfBlocks, model, links, duplicates, persons, timings }
}
