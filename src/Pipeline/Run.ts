/**
 * The reconciliation run, top to bottom as its stages:
 * ingest → (normalise, inside ingest) → block → compare/score/cluster → rules → report → store.
 * Effect at the edges (files, database); every stage in between is a plain function.
 */
import { FileSystem } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import { createHash } from "node:crypto"
import * as NodePath from "node:path"
import type { CentralData, Discrepancy, FileSummary, Link, RosterRow } from "../Domain.js"
import { readCentral } from "../Ingest/Central.js"
import type { CentralIngest } from "../Ingest/Central.js"
import { decodeCsvBytes } from "../Ingest/Grid.js"
import { ingestRosters, rosterPool } from "../Ingest/Rosters.js"
import { parseUnitAliases } from "../Ingest/Units.js"
import type { RosterIngest } from "../Ingest/Roster.js"
import * as Engine from "../Match/Engine.js"
import {
  EXPLANATIONS_FILE, type Explanation, explainRun, findingSentence, indexExplanations, LINK_EXPLANATIONS_FILE, linkExplanationLines
} from "../Match/Explained.js"
import { lineChunks, writeChunksAtomic, writeFileAtomic } from "../Report/AtomicFile.js"
import { writeFailed } from "../Report/ReportError.js"
import { type MatchResult, runMatch } from "../Match/Stage.js"
import { writeDiscrepanciesJsonl } from "../Report/DiscrepanciesJsonl.js"
import { writeLinksCsv } from "../Report/LinksCsv.js"
import { type PersonRecord, writePersonsCsv } from "../Report/PersonsCsv.js"
import { rowKey, splitByParentUnit, splitFileName, writeReviewWorkbook } from "../Report/ReviewWorkbook.js"
import type { ReviewInput } from "../Report/ReviewWorkbook.js"
import { applyDecisions } from "../Review/Apply.js"
import { evidenceHash } from "../Store/EvidenceHash.js"
import { currentDecisions } from "../Store/ReviewStore.js"
import { beginStaging, commitStaging, MANIFEST, recoverOutputs, type Staging } from "../Report/OutputSet.js"
import { holdRunLocks } from "../Report/RunLock.js"
import { categoryCounts, fileTotals, kindCounts, writeRunJson } from "../Report/RunJson.js"
import type { RunInput, RunManifest } from "../Report/RunJson.js"
import { makeCalendar } from "../Rules/Calendar.js"
import { applyRules, type InputGaps, inputGaps, paramsAsOf, uncoveredCells } from "../Rules/Rules.js"
import type { CentralDuplicate, LinkedRow } from "../Rules/Rules.js"
import { checkStore, saveRun, StoreLive } from "../Store/RunStore.js"
import { VERSION } from "../Version.js"
import { type AsOf, parseAsOf } from "./AsOf.js"
import { type Progress, silentProgress } from "./Progress.js"
import type { PipelineDeclaration } from "./Declaration.js"
import {
  inScope, loadSubset, noteListedElsewhere, openIndex, type Province, provincesFromRoots, provinceUnits, recordListings
} from "./IndexRun.js"
import { isNationalIndex } from "../Store/CentralIndex.js"

export { VERSION }

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
  /** "unit": also one review workbook per parent unit (review-<parentCode>.xlsx), for each committee. */
  readonly splitBy?: "unit"
  /** Old-unit-name table (CSV, see Declaration.defaults.unitAliases); unusable lines become warnings. */
  readonly unitAliases?: string
  /** Where stage progress goes (a terminal); default none. */
  readonly progress?: Progress
  /** Against a national index (`recon central import`): the province whose rosters these are (else the index's only one). */
  readonly province?: string
}

export interface RunResult {
  readonly manifest: RunManifest
  /** The findings reported (review decisions applied). */
  readonly discrepancies: ReadonlyArray<Discrepancy>
  /** Findings a standing review decision kept out of the report. */
  readonly suppressed: ReadonlyArray<Discrepancy>
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
  /** Per blocking rule: its pairs and what it contributed to the accepted links and central duplicates (no truth needed). */
  readonly rules: ReadonlyArray<RuleStats>
}

export interface RuleStats {
  readonly rule: string
  /** Row × central candidate pairs the rule alone generates. */
  readonly pairs: number
  /** Accepted links the rule generates, their share of all links, and those no other rule generates. */
  readonly links: number
  readonly linkShare: number
  readonly linksOnly: number
  /** The same for central × central pairs and the central duplicates found. */
  readonly centralPairs: number
  readonly duplicates: number
  readonly duplicatesOnly: number
}

/** Per rule, the contribution to the links and duplicates (Engine.ruleContributions on both block sets). */
const ruleStats = (result: MatchResult, rules: ReadonlyArray<Engine.BlockingRule>): Array<RuleStats> => {
  const linked: Array<readonly [number, number]> = []
  result.links.forEach((l, i) => {
    if (l.member >= 0) linked.push([i, l.member])
  })
  const links = Engine.ruleContributions(result.rowBlocks, rules, linked)
  const dups = Engine.ruleContributions(result.selfBlocks, rules, result.duplicates.map((d) => [d.a, d.b] as const))
  return rules.map((rule, r) => ({
    rule: rule.name,
    pairs: links[r]!.pairs,
    links: links[r]!.accepted,
    linkShare: Math.round(links[r]!.share * 10_000) / 10_000,
    linksOnly: links[r]!.only,
    centralPairs: dups[r]!.pairs,
    duplicates: dups[r]!.accepted,
    duplicatesOnly: dups[r]!.only
  }))
}

export interface MatchOutcome {
  readonly rows: ReadonlyArray<LinkedRow>
  readonly centralDuplicates: ReadonlyArray<CentralDuplicate>
  readonly stats: MatchStats
  /** The engine's own result: fitted model, persons, explanations (src/Match/Stage.ts). */
  readonly result: MatchResult
}

// ---------------------------------------------------------------------------------------------
// Stages (pure)

/**
 * Blocking, comparison, estimation, scoring, one-to-one assignment of roster rows to central
 * members, central duplicates and persons (src/Match/Stage.ts). Throws CandidateBudgetExceeded
 * before scoring when blocking is over budget.
 */
export const match = (
  central: CentralData,
  rows: ReadonlyArray<RosterRow>,
  settings: Engine.MatchSettings,
  onProgress?: Engine.OnProgress,
  /** Central records whose central × central pairs are compared (Stage.runMatch); default all. */
  selfAnchors?: Uint8Array
): MatchOutcome => {
  const result = runMatch(central, rows, settings, onProgress, selfAnchors)
  const links = result.links
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
    centralDuplicates: result.duplicates.map((p) => ({
      a: central.members[p.a]!.id,
      b: central.members[p.b]!.id,
      score: p.score
    })),
    stats: {
      candidatePairs: result.rowBlocks.totalPairs,
      pairsPerRule: result.rowBlocks.pairsPerRule,
      centralCandidatePairs: result.selfBlocks.totalPairs,
      linked: linkedCount,
      unlinked: linked.length - linkedCount,
      rules: ruleStats(result, settings.blocking)
    },
    result
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
  asOf: string | AsOf,
  gaps: InputGaps = inputGaps(rosters.files, rosters.rejections),
  provinces?: ReadonlyMap<string, Province>
): Array<Discrepancy> => {
  const date = typeof asOf === "string" ? Either.getOrThrowWith(parseAsOf(asOf), (why) => new Error(why)) : asOf
  return applyRules({
    central,
    rows: matched.rows,
    unitsWithRoster: unitsWithOfficialRoster(rosters.files),
    gaps,
    centralDuplicates: matched.centralDuplicates,
    asOf: date.dayNumber,
    params: paramsAsOf(decl.rules, date.iso),
    calendar: makeCalendar(decl.calendar),
    ...(provinces === undefined ? {} : { provinces })
  })
}

/**
 * The waterfall behind each finding as a Vietnamese sentence, for the "Diễn giải" column: the
 * roster row against its member, the two records of a central duplicate, or the nearest record of a
 * row that matched no one (Match/Explained.ts, which `recon explain` reads back too).
 */
export const explainFindings = (
  findings: ReadonlyArray<Discrepancy>,
  explanations: ReadonlyArray<Explanation>
): Map<string, string> => {
  const index = indexExplanations(explanations)
  const out = new Map<string, string>()
  for (const d of findings) {
    const s = findingSentence(d, index)
    if (s !== undefined) out.set(d.id, s)
  }
  return out
}

/** explanations.jsonl: one explanation per line (Match/Explained.ts). */
const writeExplanations = (path: string, xs: ReadonlyArray<Explanation>) =>
  Effect.suspend(() => writeFileAtomic(path, xs.map((x) => JSON.stringify(x) + "\n").join(""))).pipe(Effect.mapError(writeFailed(path)))

/** A file of lines made as it is written, in chunks of about 1 MB (bounded memory). */
const writeLines = (path: string, lines: () => Iterable<string>) =>
  Effect.suspend(() => writeChunksAtomic(path, lineChunks(lines(), (l) => l))).pipe(Effect.mapError(writeFailed(path)))

const toLinks = (matched: MatchOutcome): Array<Link> =>
  matched.rows.map((l) => ({ file: l.row.file, sheet: l.row.sheet, row: l.row.row, memberId: l.memberId, score: l.score }))

/** The engine's persons (indices) as ids and row references, for persons.csv and the store. */
const toPersons = (matched: MatchOutcome, central: CentralData, rows: ReadonlyArray<RosterRow>): Array<PersonRecord> =>
  matched.result.persons.map((p) => ({
    personId: p.personId,
    memberIds: p.members.map((j) => central.members[j]!.id),
    rosterRows: p.rows.map((i) => {
      const r = rows[i]!
      return { file: r.file, sheet: r.sheet, row: r.row }
    })
  }))

/** review.xlsx, and with `splitBy: "unit"` one workbook per parent unit beside it. */
const writeReviewWorkbooks = (opts: RunOptions, staging: Staging, input: ReviewInput) =>
  Effect.forEach(
    [
      { path: staging.path("review.xlsx"), input },
      ...(opts.splitBy === "unit"
        ? splitByParentUnit(input).map((p) => ({ path: staging.path(splitFileName(p.parentCode)), input: p.input }))
        : [])
    ],
    (w) => writeReviewWorkbook(w.path, w.input)
  )

// ---------------------------------------------------------------------------------------------
// The run

/** What a roster file is named (Roster.ts reads .xlsx and .csv; anything else is reported). */
const ROSTER_FILE = /\.(xlsx|csv)$/i

const timed = <A, E, R>(timings: Record<string, number>, stage: string, eff: Effect.Effect<A, E, R>, progress: Progress = silentProgress) =>
  Effect.gen(function*() {
    const t0 = performance.now()
    progress.start(stage)
    const a = yield* eff.pipe(Effect.withLogSpan(stage), Effect.ensuring(Effect.sync(() => progress.end())))
    timings[stage] = Math.round(performance.now() - t0)
    return a
  })

/** The alias CSV: a missing or unreadable file stops the run (the user named it), bad lines do not. */
const readAliasTable = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const bytes = yield* fs.readFile(file).pipe(
      Effect.mapError(() => new RunError({ message: `cannot read the unit alias table ${file}` }))
    )
    const table = parseUnitAliases(decodeCsvBytes(bytes).text)
    const sha256 = createHash("sha256").update(bytes).digest("hex")
    return { ...table, sha256 }
  })

export const run = (
  decl: PipelineDeclaration,
  opts: RunOptions
): Effect.Effect<RunResult, RunError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const startedAt = new Date().toISOString()
    const timings: Record<string, number> = {}
    const progress = opts.progress ?? silentProgress

    const asOf = yield* Either.match(parseAsOf(opts.asOf), {
      onLeft: (why) => Effect.fail(new RunError({ message: `as-of date: ${why}` })),
      onRight: Effect.succeed
    })
    yield* checkStore(opts.db).pipe(Effect.mapError((e) => new RunError({ message: e.message })))
    const rostersIsDir = yield* fs.stat(opts.rosters).pipe(
      Effect.map((s) => s.type === "Directory"),
      Effect.orElseSucceed(() => false)
    )
    if (!rostersIsDir) return yield* new RunError({ message: `rosters directory not found: ${opts.rosters}` })
    const centralInRosters = NodePath.relative(NodePath.resolve(opts.rosters), NodePath.resolve(opts.central))
    const exclude = centralInRosters.startsWith("..") || NodePath.isAbsolute(centralInRosters)
      ? []
      : [centralInRosters.split(NodePath.sep).join("/")]

    // One run at a time on this --out and this --db; what a killed run left in --out is settled first.
    yield* Effect.all([
      fs.makeDirectory(opts.out, { recursive: true }),
      fs.makeDirectory(NodePath.dirname(NodePath.resolve(opts.db)), { recursive: true })
    ]).pipe(Effect.mapError((e) => new RunError({ message: `cannot create output directory ${opts.out}: ${e.message}` })))
    yield* holdRunLocks(opts.out, opts.db).pipe(Effect.mapError((e) => new RunError({ message: e.message })))
    const recovered = yield* recoverOutputs(opts.out).pipe(
      Effect.mapError((e) => new RunError({ message: `cannot clean the output directory ${opts.out}: ${e.message}` }))
    )
    if (recovered.finished + recovered.removed > 0) {
      yield* Effect.logWarning(
        `${opts.out}: finished ${recovered.finished} interrupted output set(s), removed ${recovered.removed} leftover(s) of killed runs`
      )
    }

    // Roster worker threads load their code while the central database is read.
    const pool = yield* rosterPool(opts.rosters)
    // A national index (Pipeline/IndexRun.ts): the province's units now, its candidates once the rosters are read.
    const index = isNationalIndex(opts.central)
      ? yield* openIndex(opts.central, opts.province).pipe(Effect.mapError((e) => new RunError({ message: `${opts.central}: ${e.message}` })))
      : null
    if (index === null && opts.province !== undefined) {
      return yield* new RunError({ message: `--province ${opts.province}: ${opts.central} is no national index (recon central import); leave --province out` })
    }
    let central: CentralIngest = index !== null
      ? {
        data: { members: [], units: provinceUnits(index), transfers: [] },
        duplicateIds: [],
        rejections: [],
        warnings: [],
        summary: { file: NodePath.basename(opts.central), kind: null, unitCode: null, sha256: "", rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: null, suspectTruncated: false }
      }
      : yield* timed(timings, "ingestCentral", readCentral(opts.central, { asOf: opts.asOf }), progress).pipe(
        Effect.mapError((e) => new RunError({ message: `${opts.central}: ${e.message}` }))
      )
    const aliasTable = opts.unitAliases === undefined ? null : yield* readAliasTable(opts.unitAliases)
    const rosters = yield* timed(
      timings,
      "ingestRosters",
      ingestRosters(opts.rosters, central.data.units, {
        aliases: aliasTable?.aliases ?? [],
        pool,
        asOf: opts.asOf,
        exclude,
        onFile: (done, total) => (done === 1 ? progress.start("ingestRosters", total) : progress.tick(done))
      }),
      progress
    ).pipe(
      Effect.map((r) =>
        aliasTable === null || aliasTable.problems.length === 0
          ? r
          : {
            ...r,
            warnings: [
              ...aliasTable.problems.map((reason) => ({ file: opts.unitAliases!, sheet: null, row: null, column: null, reason })),
              ...r.warnings
            ]
          }
      )
    )
    if (!rosters.files.some((f) => ROSTER_FILE.test(f.file))) {
      const others = rosters.files.filter((f) => f.file !== ".").map((f) => f.file)
      return yield* new RunError({
        message: `no roster files (.xlsx or .csv) in ${opts.rosters} (searched recursively` +
          (exclude.length > 0 ? `, leaving out the central export ${exclude[0]}` : "") +
          (others.length > 0 ? `; found only ${others.slice(0, 3).join(", ")}${others.length > 3 ? ", …" : ""}` : "") +
          `); give --rosters the folder holding the cells' lists`
      })
    }
    const subset = index === null ? null : yield* timed(
      timings,
      "ingestCentral",
      Effect.try({
        try: () => loadSubset(index, rosters.rows, decl.match),
        catch: (e) => new RunError({ message: `${opts.central}: ${e instanceof Error ? e.message : String(e)}` })
      }),
      progress
    )
    if (subset !== null) {
      central = subset.central
      yield* Effect.logInfo(
        `national index, province ${index!.province.code}: ${subset.stats.ownMembers} own members, ${subset.stats.candidates} candidates of other provinces, ` +
          `${subset.stats.settledRows} roster rows and ${subset.stats.settledOwn} own members settled by an identifier, ` +
          `${subset.stats.overCapKeys} keys over a rule's cap (${subset.stats.keysLooked} keys looked up, ${subset.stats.ms} ms: ` +
          `${Object.entries(subset.stats.phases).map(([k, v]) => `${k} ${v}`).join(", ")})`
      )
    }
    // Unit → province: the index's; or, for a central with several roots, each unit's root.
    const provinces: ReadonlyMap<string, Province> | undefined = subset !== null
      ? subset.provinceOfUnit
      : (() => {
        const p = provincesFromRoots(central.data.units)
        return p.size > 0 ? p : undefined
      })()
    yield* Effect.logInfo(
      `ingested ${central.data.members.length} central members and ${rosters.rows.length} roster rows from ${rosters.files.length} files`
    )

    const matched = yield* timed(
      timings,
      "match",
      Effect.try({
        try: () =>
          match(
            central.data,
            rosters.rows,
            decl.match,
            (done, total) => progress.count(done, total, "pairs scored"),
            // Against the index, central × central pairs only with one of the province's own members (IndexRun.inScope).
            subset === null ? undefined : Uint8Array.from(central.data.members, (m) => (subset.ownMembers.has(m.id) ? 1 : 0))
          ),
        catch: (e) => new RunError({ message: e instanceof Error ? e.message : String(e) })
      }),
      progress
    )
    // What of each cell's input was not read: caveats its MISSING findings and lists it as not covered.
    const gaps = inputGaps(rosters.files, rosters.rejections)
    const scope = subset === null ? () => true : inScope(subset.ownUnits, subset.ownMembers)
    const uncovered = uncoveredCells(central.data, unitsWithOfficialRoster(rosters.files), gaps).filter((c) => subset === null || subset.ownUnits.has(c.unitCode))
    // Against the index, what concerns the province only (IndexRun.inScope).
    const allFindings = yield* timed(
      timings,
      "rules",
      Effect.sync(() => {
        const found = rules(decl, central.data, rosters, matched, asOf, gaps, provinces).filter(scope)
        return subset === null ? found : found.map(noteListedElsewhere(subset.listedElsewhere))
      }),
      progress
    )
    // Decisions imported with `recon review import`: standing ones keep judged findings out (Review/Apply.ts).
    const { raised: findings, suppressed } = yield* timed(
      timings,
      "review",
      currentDecisions().pipe(
        Effect.provide(StoreLive(opts.db)),
        Effect.map((decisions) => applyDecisions(allFindings, decisions, evidenceHash)),
        Effect.mapError((e) => new RunError({ message: `${opts.db}: ${e.message}` }))
      ),
      progress
    )

    const files = [central.summary, ...rosters.files]
    const inputs: Array<RunInput> = [
      { role: "central", path: NodePath.resolve(opts.central), sha256: central.summary.sha256 },
      ...rosters.files.map((f) => ({ role: "roster" as const, path: f.file, sha256: f.sha256 })),
      ...(aliasTable === null ? [] : [{ role: "unitAliases" as const, path: NodePath.resolve(opts.unitAliases!), sha256: aliasTable.sha256 }])
    ]
    const rowsByRef = new Map(rosters.rows.map((r) => [rowKey(r), r]))
    const rejections = [...central.rejections, ...rosters.rejections]
    const warnings = [...central.warnings, ...rosters.warnings]
    const explanations = explainRun(central.data, rosters.rows, matched.result, [...findings, ...suppressed])
    const links = toLinks(matched)
    const persons = toPersons(matched, central.data, rosters.rows)

    // Every output goes to a staging folder first and is put in place as one set (Report/OutputSet.ts).
    const staging = yield* beginStaging(opts.out).pipe(
      Effect.mapError((e) => new RunError({ message: `cannot write in the output directory ${opts.out}: ${e.message}` }))
    )
    const staged = yield* timed(
      timings,
      "report",
      Effect.all([
        timed(timings, "report.discrepancies.jsonl", writeDiscrepanciesJsonl(staging.path("discrepancies.jsonl"), findings)),
        timed(timings, "report.links.csv", writeLinksCsv(staging.path("links.csv"), links)),
        timed(timings, "report.persons.csv", writePersonsCsv(staging.path("persons.csv"), persons)),
        timed(timings, "report.explanations.jsonl", writeExplanations(staging.path(EXPLANATIONS_FILE), explanations)),
        // Every other linked row's waterfall, so `recon explain <file> <row> --run` needs no input again.
        timed(timings, "report.link-explanations.jsonl", writeLines(staging.path(LINK_EXPLANATIONS_FILE), () =>
          linkExplanationLines(central.data, rosters.rows, matched.result, explanations))),
        timed(timings, "report.review.xlsx", writeReviewWorkbooks(opts, staging, {
          discrepancies: findings,
          suppressed,
          members: new Map(central.data.members.map((m) => [m.id, m])),
          units: new Map(central.data.units.map((u) => [u.code, u])),
          rowsByRef,
          uncoveredCells: uncovered,
          onRows: (written, total) => progress.count(written, total, "finding rows written"),
          rejections,
          warnings,
          explanations: explainFindings([...findings, ...suppressed], explanations),
          files: rosters.files,
          central: central.summary,
          asOf: opts.asOf,
          inputs,
          tool: { name: "recon", version: VERSION },
          generatedAt: startedAt
        }))
      ]).pipe(Effect.map(([jsonl, csv, personsCsv, explained, linkExplained, workbooks]) => [jsonl, csv, personsCsv, explained, linkExplained, ...workbooks])),
      progress
    ).pipe(Effect.mapError((e) => new RunError({ message: e.message })))
    // run.json lists the outputs where they will be, not where they were staged.
    const outputs = staged.map((w) => ({ ...w, path: staging.finalPath(NodePath.basename(w.path)) }))

    const manifest: RunManifest = {
      tool: { name: "recon", version: VERSION },
      asOf: opts.asOf,
      stateDb: NodePath.resolve(opts.db),
      pipeline: decl.name,
      rosters: NodePath.resolve(opts.rosters),
      startedAt,
      finishedAt: new Date().toISOString(),
      inputs,
      files,
      totals: fileTotals(files),
      categories: categoryCounts(findings),
      kinds: kindCounts(findings),
      timings,
      outputs,
      rejections,
      warnings,
      match: matched.stats,
      uncoveredCells: uncovered
    }
    yield* writeRunJson(staging.path(MANIFEST), { ...manifest, timings: { ...timings } }).pipe(
      Effect.mapError((e) => new RunError({ message: e.message }))
    )
    yield* commitStaging(staging, [...staged.map((w) => NodePath.basename(w.path)), MANIFEST]).pipe(
      Effect.mapError((e) => new RunError({ message: `cannot put the outputs in place in ${opts.out}: ${e.message}` }))
    )
    // Recorded only once its outputs are in place: a failed run leaves no trace in the state database.
    const runId = yield* timed(
      timings,
      "store",
      saveRun({ manifest, links, discrepancies: allFindings, units: central.data.units, persons }).pipe(
        Effect.provide(StoreLive(opts.db))
      ),
      progress
    ).pipe(Effect.mapError((e) => new RunError({ message: `${opts.db}: ${e.message}` })))
    if (subset !== null) {
      // Rows linked to members of other provinces, for their runs' MISSING_FROM_ROSTER (IndexRun.recordListings).
      const unitNames = new Map(central.data.units.map((u) => [u.code, u.name]))
      yield* Effect.try({
        try: () =>
          recordListings(
            opts.central,
            index!.province,
            opts.asOf,
            matched.rows,
            new Map(central.data.members.map((m) => [m.id, m])),
            subset.provinceOfUnit,
            (c) => unitNames.get(c) ?? c
          ),
        catch: (e) => e
      }).pipe(
        Effect.tap((n) => Effect.logInfo(`${n} roster rows of members of other provinces recorded in the national index`)),
        // The run's outputs are in place: a busy or read-only index costs the note in other provinces' runs, not this run.
        Effect.catchAll((e) =>
          Effect.logWarning(`${opts.central}: could not record the rows listing members of other provinces (${e instanceof Error ? e.message : String(e)})`)
        )
      )
    }
    return { manifest, discrepancies: findings, suppressed, outDir: opts.out, runId, matchStats: matched.stats }
  }).pipe(Effect.scoped)
