/**
 * The command tree. @effect/cli stays in this file (style.md: easy to migrate).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { FileSystem } from "@effect/platform"
import { Console, Effect, Option, Schema } from "effect"
import * as NodePath from "node:path"
import { pipelines } from "../pipelines/index.js"
import { Categories } from "./Domain.js"
import { importCentral } from "./Ingest/Central.js"
import { categoryLabel } from "./Report/Labels.js"
import type { PipelineDeclaration } from "./Pipeline/Declaration.js"
import { compareWithExpected } from "./Pipeline/Expect.js"
import { run, RunError, VERSION } from "./Pipeline/Run.js"
import { importReviews } from "./Review/Import.js"
import { formatHistory, formatStatus, reviewHistory, reviewStatus } from "./Review/Status.js"

/** A usage problem that is the user's to fix (unknown pipeline, missing input). */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String
}) {}

const today = (): string => new Date().toISOString().slice(0, 10)
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

const pipelineOpt = Options.text("pipeline").pipe(
  Options.withDescription(`Named pipeline from pipelines/ (${pipelines.map((p) => p.name).join(", ")})`),
  Options.withDefault("annual-roster-matching")
)
const centralOpt = Options.file("central").pipe(
  Options.withDescription("Central database export: .xlsx (sheets DangVien, ChiBo, ChuyenSinhHoat) or .sqlite"),
  Options.optional
)
const rostersOpt = Options.directory("rosters").pipe(
  Options.withDescription("Directory of cell rosters (.xlsx, .csv), searched recursively"),
  Options.optional
)
const outOpt = Options.directory("out").pipe(
  Options.withDescription("Output directory for discrepancies.jsonl, links.csv, review.xlsx, run.json"),
  Options.optional
)
const asOfOpt = Options.text("as-of").pipe(
  Options.withDescription("Reconcile as of this date, YYYY-MM-DD (default: the pipeline's, else today)"),
  Options.optional
)
const dbOpt = Options.file("db").pipe(
  Options.withDescription("State database (SQLite) recording runs, links and findings (default: under reports/)"),
  Options.optional
)
const splitByOpt = Options.choice("split-by", ["unit"]).pipe(
  Options.withDescription("Also write one review workbook per parent unit (review-<parentCode>.xlsx)"),
  Options.optional
)
const unitAliasesOpt = Options.file("unit-aliases").pipe(
  Options.withDescription("CSV of old unit names and their current unit code (Tên cũ, Đảng bộ cũ, Mã chi bộ mới)"),
  Options.optional
)
const expectOpt = Options.file("expect").pipe(
  Options.withDescription("Compare discrepancies.jsonl with this reviewed file; exit 1 on any difference"),
  Options.optional
)

const findPipeline = (name: string): Effect.Effect<PipelineDeclaration, UsageError> => {
  const p = pipelines.find((x) => x.name === name)
  return p === undefined
    ? Effect.fail(
        new UsageError({ message: `unknown pipeline "${name}"; known: ${pipelines.map((x) => x.name).join(", ")}` })
      )
    : Effect.succeed(p)
}

const required = (name: string, given: Option.Option<string>, fallback: string | undefined) =>
  Option.match(given, {
    onSome: Effect.succeed,
    onNone: () =>
      fallback === undefined
        ? Effect.fail(new UsageError({ message: `--${name} is required (the pipeline declares no default)` }))
        : Effect.succeed(fallback)
  })

const runCommand = Command.make(
  "run",
  {
    pipeline: pipelineOpt,
    central: centralOpt,
    rosters: rostersOpt,
    out: outOpt,
    asOf: asOfOpt,
    db: dbOpt,
    splitBy: splitByOpt,
    unitAliases: unitAliasesOpt,
    expect: expectOpt
  },
  (o) =>
    Effect.gen(function*() {
      const decl = yield* findPipeline(o.pipeline)
      const d = decl.defaults
      const central = yield* required("central", o.central, d.central)
      const rosters = yield* required("rosters", o.rosters, d.rosters)
      const out = yield* required("out", o.out, d.out)
      const asOf = Option.getOrElse(o.asOf, () => d.asOf ?? today())
      if (!ISO_DATE.test(asOf)) return yield* new UsageError({ message: `--as-of must be YYYY-MM-DD, got "${asOf}"` })
      const db = Option.getOrElse(o.db, () => d.db ?? "reports/recon.sqlite")
      const splitBy = Option.getOrUndefined(o.splitBy)
      const unitAliases = Option.getOrUndefined(o.unitAliases) ?? d.unitAliases
      const result = yield* run(decl, {
        central,
        rosters,
        out,
        asOf,
        db,
        ...(splitBy === undefined ? {} : { splitBy }),
        ...(unitAliases === undefined ? {} : { unitAliases })
      })
      const m = result.manifest
      yield* Console.log(
        `recon ${VERSION}: pipeline ${decl.name}, as of ${asOf}\n` +
          `  rows read ${m.totals.rowsRead}, ingested ${m.totals.rowsIngested}, rejected ${m.totals.rowsRejected} ` +
          `(${m.files.length} files, ${m.files.filter((f) => f.error !== null).length} with errors)\n` +
          `  linked ${result.matchStats.linked} roster rows, ${result.matchStats.unlinked} unlinked; ` +
          `${result.matchStats.candidatePairs} candidate pairs (` +
          Object.entries(result.matchStats.pairsPerRule).map(([rule, n]) => `${rule} ${n}`).join(", ") +
          `)\n` +
          `  findings: ${result.discrepancies.length}` +
          (result.suppressed.length > 0 ? ` (${result.suppressed.length} more kept out by review decisions)` : "") +
          `\n` +
          Categories.filter((c) => m.categories[c] > 0)
            .map((c) => `    ${c.padEnd(20)} ${String(m.categories[c]).padStart(5)}  ${categoryLabel(c)}`)
            .join("\n") +
          `\nreport: ${NodePath.resolve(out, "review.xlsx")}\n` +
          `        ${NodePath.resolve(out)}/{discrepancies.jsonl,links.csv,persons.csv,run.json}`
      )
      if (Option.isSome(o.expect)) {
        const fs = yield* FileSystem.FileSystem
        const expected = yield* fs
          .readFileString(o.expect.value)
          .pipe(Effect.mapError(() => new UsageError({ message: `cannot read ${o.expect.pipe(Option.getOrElse(() => ""))}` })))
        const actual = yield* fs
          .readFileString(NodePath.join(out, "discrepancies.jsonl"))
          .pipe(Effect.mapError((e) => new RunError({ message: e.message })))
        const diff = compareWithExpected(expected, actual)
        if (diff.length > 0)
          return yield* new RunError({
            message: `discrepancies differ from ${o.expect.value}:\n${diff.join("\n")}`
          })
        yield* Console.log(`matches ${o.expect.value}`)
      }
    })
).pipe(Command.withDescription("Reconcile cell rosters against the central database and write the review report"))

const centralImport = Command.make(
  "import",
  {
    xlsx: Args.file({ name: "xlsx", exists: "yes" }).pipe(Args.withDescription("Central export workbook (.xlsx)")),
    into: Options.file("into").pipe(Options.withDescription("SQLite file to create or replace"))
  },
  ({ xlsx, into }) =>
    importCentral(xlsx, into).pipe(
      Effect.flatMap((s) =>
        Console.log(`imported ${s.rowsIngested} rows (${s.rowsRejected} rejected) from ${xlsx} into ${into}`)
      )
    )
).pipe(Command.withDescription("Convert a central export workbook into the documented SQLite schema"))

const central = Command.make("central").pipe(
  Command.withDescription("Work with the central database export"),
  Command.withSubcommands([centralImport])
)

const samplesCommune = Command.make(
  "commune",
  {
    out: Options.directory("out").pipe(Options.withDescription("Where to write it"), Options.withDefault("samples"))
  },
  ({ out }) =>
    Effect.promise(() => import("../samples/generators/Commune.js")).pipe(
      Effect.flatMap((m) => Effect.promise(() => m.generateCommune(out))),
      Effect.flatMap(() => Console.log(`wrote the sample commune to ${out}`))
    )
).pipe(Command.withDescription("Regenerate the deterministic sample commune (central.xlsx, rosters/, planted.json)"))

const samplesGenerate = Command.make(
  "generate",
  {
    members: Options.integer("members").pipe(Options.withDescription("Active members in the province (cells of ~25)"), Options.withDefault(100_000)),
    seed: Options.integer("seed").pipe(Options.withDescription("PRNG seed: same seed and size, same files and truth"), Options.withDefault(1)),
    out: Options.directory("out").pipe(Options.withDescription("Where to write central.xlsx, rosters/ and truth.json"))
  },
  ({ members, out, seed }) =>
    Effect.promise(() => import("../samples/generators/Province.js")).pipe(
      Effect.flatMap((m) => Effect.promise(() => m.generateProvince({ members, seed, out }))),
      Effect.flatMap((t) =>
        Console.log(
          `wrote a synthetic province to ${out}: ${t.centralRecords} central records, ${t.rosterFiles} roster files, ` +
            `${t.rows.length} roster rows, ${t.cases.length} planted discrepancies (truth.json)`
        )
      )
    )
).pipe(Command.withDescription("Generate a synthetic province (central.xlsx, rosters/, truth.json) for evaluation and benchmarks"))

const samples = Command.make("samples").pipe(
  Command.withDescription("Synthetic data for trying and testing recon"),
  Command.withSubcommands([samplesCommune, samplesGenerate])
)

const evaluateCommand = Command.make(
  "evaluate",
  {
    truth: Options.file("truth").pipe(Options.withDescription("truth.json written by `recon samples generate`")),
    run: Options.directory("run").pipe(Options.withDescription("Output directory of `recon run` (links.csv, discrepancies.jsonl)")),
    pipeline: pipelineOpt,
    skipBlocking: Options.boolean("skip-blocking").pipe(
      Options.withDescription("Do not re-ingest the province next to truth.json to measure blocking recall")
    )
  },
  (o) =>
    Effect.gen(function*() {
      const decl = yield* findPipeline(o.pipeline)
      const { evaluateRun } = yield* Effect.promise(() => import("./Evaluate/Run.js"))
      const { formatEvaluation } = yield* Effect.promise(() => import("./Evaluate/Evaluate.js"))
      const e = yield* evaluateRun({ truth: o.truth, run: o.run, settings: decl.match, blocking: !o.skipBlocking })
      yield* Console.log(formatEvaluation(e))
    })
).pipe(Command.withDescription("Link precision/recall/F1, per-category discrepancy precision/recall and blocking recall of a run against truth.json"))

const benchCommand = Command.make(
  "bench",
  {
    pipeline: pipelineOpt,
    size: Options.integer("size").pipe(Options.withDescription("Central records and roster rows (each side), generated in memory"), Options.withDefault(100_000)),
    seed: Options.integer("seed").pipe(Options.withDefault(1)),
    skipIngest: Options.boolean("skip-ingest").pipe(Options.withDescription("Do not time the ingestion of a written roster corpus")),
    ingestSize: Options.integer("ingest-size").pipe(Options.withDescription("Roster rows of the ingestion corpus (~25 per file)"), Options.withDefault(100_000)),
    out: Options.file("out").pipe(Options.withDescription("Where the figures are merged"), Options.withDefault("reports/bench.json")),
    febrl: Options.text("febrl").pipe(
      Options.withDescription("Directory of the FEBRL dataset1.csv / dataset2.csv (pairwise link and dedupe figures); default ../shared/data/febrl if present; \"none\" to skip"),
      Options.withDefault("../shared/data/febrl")
    )
  },
  (o) =>
    Effect.gen(function*() {
      const decl = yield* findPipeline(o.pipeline)
      const { runBench } = yield* Effect.promise(() => import("./Bench/Bench.js"))
      const text = yield* Effect.tryPromise({
        try: () => runBench(decl, { size: o.size, seed: o.seed, ingest: !o.skipIngest, ingestSize: o.ingestSize, out: o.out, febrl: o.febrl === "none" ? null : o.febrl }),
        catch: (e) => new RunError({ message: e instanceof Error ? e.message : String(e) })
      })
      yield* Console.log(text)
    })
).pipe(Command.withDescription("Benchmark the match stage (in memory) and roster ingestion; figures to reports/bench.json"))

/** Finding ids: a category prefix and 12 hex digits (Rules.findingId). */
const FINDING_ID = /^[A-Z]{2}-[0-9a-f]{12}$/

const explainCommand = Command.make(
  "explain",
  {
    pipeline: pipelineOpt,
    central: centralOpt,
    rosters: rostersOpt,
    file: Options.text("file").pipe(Options.withDescription("Roster file (path under the rosters directory, or its name)"), Options.optional),
    row: Options.integer("row").pipe(Options.withDescription("Row number as the spreadsheet shows it"), Options.optional),
    discrepancy: Options.text("discrepancy").pipe(Options.withDescription("A finding id from discrepancies.jsonl (with --run)"), Options.optional),
    run: Options.directory("run").pipe(Options.withDescription("Output directory of the run holding the finding"), Options.optional),
    top: Options.integer("top").pipe(Options.withDescription("Candidates shown for an unlinked row"), Options.withDefault(3)),
    target: Args.text({ name: "file-or-finding" }).pipe(
      Args.withDescription("A roster file (then the row number), or a finding id such as FM-146537e47e06"),
      Args.optional
    ),
    rowArg: Args.integer({ name: "row" }).pipe(Args.withDescription("Row number as the spreadsheet shows it"), Args.optional)
  },
  (o) =>
    Effect.gen(function*() {
      const decl = yield* findPipeline(o.pipeline)
      const central = yield* required("central", o.central, decl.defaults.central)
      const rosters = yield* required("rosters", o.rosters, decl.defaults.rosters)
      // `recon explain <file> <row>` and `recon explain <finding-id>` as well as the options.
      const positional = Option.getOrUndefined(o.target)
      const isFinding = positional !== undefined && FINDING_ID.test(positional)
      const file = Option.getOrUndefined(o.file) ?? (isFinding ? undefined : positional)
      const row = Option.getOrUndefined(o.row) ?? Option.getOrUndefined(o.rowArg)
      const discrepancy = Option.getOrUndefined(o.discrepancy) ?? (isFinding ? positional : undefined)
      const runDir = Option.getOrUndefined(o.run) ?? decl.defaults.out
      const { explain } = yield* Effect.promise(() => import("./Match/Explain.js"))
      const text = yield* explain({
        central,
        rosters,
        settings: decl.match,
        top: o.top,
        ...(file === undefined ? {} : { file }),
        ...(row === undefined ? {} : { row }),
        ...(discrepancy === undefined ? {} : { discrepancy }),
        ...(runDir === undefined ? {} : { runDir })
      })
      yield* Console.log(text)
    })
).pipe(Command.withDescription("Show the weights behind a roster row's match (a waterfall), by file and row or by finding id"))

const pipelinesCommand = Command.make("pipelines", {}, () =>
  Console.log(pipelines.map((p) => `${p.name.padEnd(24)} ${p.description}`).join("\n"))
).pipe(Command.withDescription("List the named pipelines"))

/** The state database of `review` commands: --db, else the one `run --pipeline` of the same name uses. */
const reviewDbOpt = Options.file("db").pipe(
  Options.withDescription("State database (SQLite) the runs were saved in (default: the pipeline's, as for run)"),
  Options.optional
)
const reviewDb = (given: Option.Option<string>, pipeline: string) =>
  Option.match(given, {
    onSome: Effect.succeed,
    onNone: () => Effect.map(findPipeline(pipeline), (p) => p.defaults.db ?? "reports/recon.sqlite")
  })

const reviewImport = Command.make(
  "import",
  {
    files: Args.file({ name: "reviewed.xlsx", exists: "yes" }).pipe(
      Args.withDescription("Review workbooks with the reviewers' decisions"),
      Args.atLeast(1)
    ),
    db: reviewDbOpt,
    pipeline: pipelineOpt,
    reviewer: Options.text("reviewer").pipe(
      Options.withDescription("Reviewer's name for rows whose \"Người rà soát\" is blank"),
      Options.optional
    )
  },
  (o) =>
    Effect.gen(function*() {
      const db = yield* reviewDb(o.db, o.pipeline)
      const reviewer = Option.getOrUndefined(o.reviewer)
      const s = yield* importReviews(o.files, db, {
        importedAt: new Date().toISOString(),
        ...(reviewer === undefined ? {} : { reviewer })
      })
      yield* Console.log(
        `đã nhập ${s.recorded} quyết định từ ${s.files} tệp vào ${db}` +
          (s.superseded > 0 ? ` (${s.superseded} thay cho quyết định trước)` : "") +
          (s.unchanged > 0 ? `; ${s.unchanged} không đổi` : "")
      )
    })
).pipe(Command.withDescription("Read reviewers' decisions back from review workbooks (all rows or none)"))

const reviewStatusCommand = Command.make("status", { db: reviewDbOpt, pipeline: pipelineOpt }, (o) =>
  reviewDb(o.db, o.pipeline).pipe(
    Effect.flatMap(reviewStatus),
    Effect.flatMap(Option.match({
      onNone: () => Console.log("Chưa có lần chạy nào trong cơ sở dữ liệu."),
      onSome: (r) => Console.log(formatStatus(r))
    }))
  )).pipe(Command.withDescription("Per unit: findings of the latest run open, decided and re-opened"))

const reviewHistoryCommand = Command.make(
  "history",
  {
    db: reviewDbOpt,
    pipeline: pipelineOpt,
    finding: Args.text({ name: "finding-id" }).pipe(Args.withDescription("Only this finding"), Args.optional)
  },
  (o) =>
    reviewDb(o.db, o.pipeline).pipe(
      Effect.flatMap((db) => reviewHistory(db, Option.getOrUndefined(o.finding))),
      Effect.flatMap((rows) => Console.log(formatHistory(rows)))
    )
).pipe(Command.withDescription("The audit trail of imported decisions (superseded ones included)"))

const review = Command.make("review").pipe(
  Command.withDescription("Read reviewers' decisions back and follow the review"),
  Command.withSubcommands([reviewImport, reviewStatusCommand, reviewHistoryCommand])
)

const root = Command.make("recon").pipe(
  Command.withDescription("Reconcile party cell rosters against the central member database"),
  Command.withSubcommands([runCommand, central, samples, pipelinesCommand, review, evaluateCommand, explainCommand, benchCommand])
)

export const cli = Command.run(root, { name: "recon", version: VERSION })
