/**
 * The command tree. @effect/cli stays in this file (style.md: easy to migrate); what the commands
 * accept is declared once in the specs below (CliSpec.ts renders the help from them and checks
 * flags). Every command loads its implementation with import() when it runs, so starting the CLI
 * costs only this file, @effect/cli and effect.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Console, Effect, Either, Option, Schema } from "effect"
import type { OptionSpec } from "./CliSpec.js"
import {
  benchOptions, DEFAULT_PIPELINE, evaluateOptions, generateOptions, nationalOptions, O, PIPELINES, samplesCommuneSpec
} from "./Commands.js"
import { parseAsOf } from "./Pipeline/AsOf.js"
import type { PipelineDeclaration } from "./Pipeline/Declaration.js"
import { VERSION } from "./Version.js"

/** A misuse of the command line that the user fixes by typing something else (exit code 2). */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String
}) {}

/** The command could not complete (exit code 1); the message is one line naming the file. */
export class CommandError extends Schema.TaggedError<CommandError>()("CommandError", {
  message: Schema.String
}) {}

const today = (): string => new Date().toISOString().slice(0, 10)
const messageOf = (e: unknown): string => e instanceof Error ? e.message : typeof e === "object" && e !== null && "message" in e ? String(e.message) : String(e)
const failWith = (e: unknown) => new CommandError({ message: messageOf(e) })

// ---------------------------------------------------------------------------------------------
// Options, declared once: the spec (help) and the @effect/cli option built from it

const asOfValid = (name: string) => (s: string) =>
  Either.match(parseAsOf(s), {
    onLeft: (why) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name}: ${why}`))),
    onRight: () => Effect.succeed(s)
  })

/** An optional path, text or date option. */
const optional = (s: OptionSpec): Options.Options<Option.Option<string>> => {
  const base = s.kind === "file" ? Options.file(s.name) : s.kind === "directory" ? Options.directory(s.name) : Options.text(s.name)
  const checked = s.kind === "date" ? base.pipe(Options.mapEffect(asOfValid(s.name))) : base
  return checked.pipe(Options.optional)
}
const withDefault = (s: OptionSpec & { default: string }): Options.Options<string> =>
  (s.kind === "file" ? Options.file(s.name) : s.kind === "directory" ? Options.directory(s.name) : Options.text(s.name)).pipe(
    Options.withDefault(s.default)
  )
/** An integer option with its default; sizes and counts must be at least 1, a seed at least 0. */
const integer = (s: OptionSpec & { default: string }): Options.Options<number> => {
  const min = s.name === "seed" ? 0 : 1
  return Options.integer(s.name).pipe(
    Options.mapEffect((n) =>
      n >= min ? Effect.succeed(n) : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${s.name}: expected a whole number of at least ${min}, got ${n}`)))
    ),
    Options.withDefault(Number(s.default))
  )
}
const flag = (s: OptionSpec): Options.Options<boolean> => Options.boolean(s.name)

const pipelineOpt = (PIPELINES.length > 0
  ? Options.choice(O.pipeline.name, PIPELINES as [string, ...Array<string>])
  : Options.text(O.pipeline.name)
).pipe(Options.withDefault(DEFAULT_PIPELINE))

const loadPipeline = (name: string): Effect.Effect<PipelineDeclaration, UsageError> =>
  Effect.tryPromise({
    try: () => import("./Pipeline/Registry.js").then((r) => r.loadPipeline(name)),
    catch: (e) => new UsageError({ message: messageOf(e) })
  })

const required = (s: OptionSpec, given: Option.Option<string>, fallback: string | undefined, pipeline: string, command = "run") =>
  Option.match(given, {
    onSome: Effect.succeed,
    onNone: () =>
      fallback === undefined
        ? Effect.fail(new UsageError({ message: `--${s.name} is required: the pipeline ${pipeline} declares no default (see recon ${command} --help)` }))
        : Effect.succeed(fallback)
  })

// ---------------------------------------------------------------------------------------------
// recon run

const runCommand = Command.make(
  "run",
  {
    pipeline: pipelineOpt,
    central: optional(O.central),
    rosters: optional(O.rosters),
    out: optional(O.out),
    asOf: optional(O.asOf),
    db: optional(O.db),
    splitBy: Options.choice(O.splitBy.name, ["unit"]).pipe(Options.optional),
    unitAliases: optional(O.unitAliases),
    expect: optional(O.expect),
    province: optional(O.province)
  },
  (o) =>
    Effect.gen(function*() {
      const decl = yield* loadPipeline(o.pipeline)
      const d = decl.defaults
      const central = yield* required(O.central, o.central, d.central, decl.name)
      const rosters = yield* required(O.rosters, o.rosters, d.rosters, decl.name)
      const out = yield* required(O.out, o.out, d.out, decl.name)
      const asOf = Option.getOrElse(o.asOf, () => d.asOf ?? today())
      const { defaultStateDb } = yield* Effect.promise(() => import("./Store/Location.js"))
      // The database follows --out; a pipeline's own db only while its out is used.
      const db = Option.getOrElse(o.db, () => (Option.isNone(o.out) && d.db !== undefined ? d.db : defaultStateDb(out)))
      const splitBy = Option.getOrUndefined(o.splitBy)
      const unitAliases = Option.getOrUndefined(o.unitAliases) ?? d.unitAliases
      const { run } = yield* Effect.promise(() => import("./Pipeline/Run.js"))
      const { formatRunSummary } = yield* Effect.promise(() => import("./Pipeline/Summary.js"))
      const { progressFor } = yield* Effect.promise(() => import("./Pipeline/Progress.js"))
      // On a terminal only: nothing of it in pipes or logs.
      const progress = progressFor(process.stderr, process.env)
      const result = yield* run(decl, {
        progress,
        central,
        rosters,
        out,
        asOf,
        db,
        ...(splitBy === undefined ? {} : { splitBy }),
        ...(unitAliases === undefined ? {} : { unitAliases }),
        ...(Option.isSome(o.province) ? { province: o.province.value } : {})
      }).pipe(Effect.mapError(failWith))
      yield* Console.log(formatRunSummary(result, decl.name, db))
      if (Option.isSome(o.expect)) yield* checkExpected(o.expect.value, out)
    })
)

const checkExpected = (expectedFile: string, out: string) =>
  Effect.gen(function*() {
    const fs = yield* Effect.promise(() => import("node:fs/promises"))
    const { compareWithExpected } = yield* Effect.promise(() => import("./Pipeline/Expect.js"))
    const expected = yield* Effect.tryPromise({
      try: () => fs.readFile(expectedFile, "utf8"),
      catch: () => new UsageError({ message: `--expect: cannot read ${expectedFile}` })
    })
    const actual = yield* Effect.tryPromise({ try: () => fs.readFile(`${out}/discrepancies.jsonl`, "utf8"), catch: failWith })
    const diff = compareWithExpected(expected, actual)
    if (diff.length > 0) return yield* new CommandError({ message: `discrepancies differ from ${expectedFile}:\n${diff.join("\n")}` })
    yield* Console.log(`matches ${expectedFile}`)
  })

// ---------------------------------------------------------------------------------------------
// recon review …

const locateDb = (db: Option.Option<string>, run: Option.Option<string>, near: ReadonlyArray<string> = []) =>
  Effect.promise(() => import("./Store/Location.js")).pipe(
    Effect.flatMap(({ locateStateDb }) => {
      const found = locateStateDb({
        ...(Option.isSome(db) ? { db: db.value } : {}),
        ...(Option.isSome(run) ? { run: run.value } : {}),
        near
      })
      return "db" in found ? Effect.succeed(found.db) : Effect.fail(new UsageError({ message: found.error }))
    })
  )

const reviewImport = Command.make(
  "import",
  {
    files: Args.file({ name: "reviewed.xlsx", exists: "yes" }).pipe(Args.atLeast(1)),
    run: optional(O.runDir),
    db: optional(O.readDb),
    reviewer: Options.text("reviewer").pipe(Options.optional)
  },
  (o) =>
    Effect.gen(function*() {
      const db = yield* locateDb(o.db, o.run, o.files)
      const reviewer = Option.getOrUndefined(o.reviewer)
      const { importReviews } = yield* Effect.promise(() => import("./Review/Import.js"))
      const s = yield* importReviews(o.files, db, {
        importedAt: new Date().toISOString(),
        ...(reviewer === undefined ? {} : { reviewer })
      }).pipe(Effect.mapError(failWith))
      yield* Console.log(
        `đã nhập ${s.recorded} quyết định từ ${s.files} tệp vào ${db}` +
          (s.superseded > 0 ? ` (${s.superseded} thay cho quyết định trước)` : "") +
          (s.unchanged > 0 ? `; ${s.unchanged} không đổi` : "")
      )
    })
)

const reviewStatusCommand = Command.make("status", { run: optional(O.runDir), db: optional(O.readDb) }, (o) =>
  Effect.gen(function*() {
    const db = yield* locateDb(o.db, o.run)
    const { formatStatus, reviewStatus } = yield* Effect.promise(() => import("./Review/Status.js"))
    const report = yield* reviewStatus(db).pipe(Effect.mapError(failWith))
    yield* Console.log(Option.match(report, { onNone: () => `Chưa có lần chạy nào trong ${db}.`, onSome: formatStatus }))
  }))

const reviewHistoryCommand = Command.make(
  "history",
  { run: optional(O.runDir), db: optional(O.readDb), finding: Args.text({ name: "finding-id" }).pipe(Args.optional) },
  (o) =>
    Effect.gen(function*() {
      const db = yield* locateDb(o.db, o.run)
      const { formatHistory, reviewHistory } = yield* Effect.promise(() => import("./Review/Status.js"))
      const rows = yield* reviewHistory(db, Option.getOrUndefined(o.finding)).pipe(Effect.mapError(failWith))
      yield* Console.log(formatHistory(rows))
    })
)

const review = Command.make("review").pipe(Command.withSubcommands([reviewImport, reviewStatusCommand, reviewHistoryCommand]))

// ---------------------------------------------------------------------------------------------
// recon explain

/** Finding ids: a category prefix and 12 hex digits (Rules.findingId). */
const FINDING_ID = /^[A-Z]{2}-[0-9a-f]{12}$/

/** What a run recorded about itself in run.json: enough to explain without repeating the options. */
const runRecord = (dir: string | undefined) =>
  Effect.promise(async () => {
    if (dir === undefined) return {}
    const fs = await import("node:fs/promises")
    try {
      const r = JSON.parse(await fs.readFile(`${dir}/run.json`, "utf8")) as { pipeline?: string; rosters?: string; inputs?: Array<{ role: string; path: string }> }
      return { pipeline: r.pipeline, rosters: r.rosters, central: r.inputs?.find((i) => i.role === "central")?.path }
    } catch {
      return {}
    }
  })

const explainCommand = Command.make(
  "explain",
  {
    pipeline: Options.choice(O.pipeline.name, PIPELINES as [string, ...Array<string>]).pipe(Options.optional),
    central: optional(O.central),
    rosters: optional(O.rosters),
    file: Options.text("file").pipe(Options.optional),
    row: Options.integer("row").pipe(Options.optional),
    discrepancy: Options.text("discrepancy").pipe(Options.optional),
    run: optional(O.runDir),
    top: Options.integer("top").pipe(Options.withDefault(3)),
    target: Args.text({ name: "file-or-finding" }).pipe(Args.optional),
    rowArg: Args.integer({ name: "row" }).pipe(Args.optional)
  },
  (o) =>
    Effect.gen(function*() {
      const given = Option.getOrUndefined(o.run)
      const recorded = yield* runRecord(given)
      const decl = yield* loadPipeline(Option.getOrUndefined(o.pipeline) ?? recorded.pipeline ?? DEFAULT_PIPELINE)
      const runDir = given ?? decl.defaults.out
      // `recon explain <file> <row>` and `recon explain <finding-id>` as well as the options.
      const positional = Option.getOrUndefined(o.target)
      const isFinding = positional !== undefined && FINDING_ID.test(positional)
      const file = Option.getOrUndefined(o.file) ?? (isFinding ? undefined : positional)
      const row = Option.getOrUndefined(o.row) ?? Option.getOrUndefined(o.rowArg)
      const discrepancy = Option.getOrUndefined(o.discrepancy) ?? (isFinding ? positional : undefined)
      if (discrepancy === undefined && (file === undefined || row === undefined))
        return yield* new UsageError({ message: "explain needs a finding id, or a roster file and a row number (see recon explain --help)" })
      if (runDir !== undefined) {
        const { explainFromRun } = yield* Effect.promise(() => import("./Pipeline/ExplainRun.js"))
        const target = discrepancy !== undefined ? { finding: discrepancy } : { file: file!, row: row! }
        const stored = yield* Effect.tryPromise({ try: () => explainFromRun(runDir, target, o.top), catch: failWith })
        if (stored !== undefined) return yield* Console.log(stored)
      }
      // Not stored by the run (or no run given): read the inputs again and match.
      const central = yield* required(O.central, o.central, recorded.central ?? decl.defaults.central, decl.name, "explain")
      const rosters = yield* required(O.rosters, o.rosters, recorded.rosters ?? decl.defaults.rosters, decl.name, "explain")
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
      }).pipe(Effect.mapError(failWith))
      yield* Console.log(text)
    })
)

// ---------------------------------------------------------------------------------------------
// recon central import, samples, evaluate, bench, pipelines

const centralImport = Command.make(
  "import",
  {
    exports: Args.file({ name: "export", exists: "yes" }).pipe(Args.atLeast(1)),
    into: Options.file("into"),
    pipeline: pipelineOpt,
    province: optional(O.province)
  },
  ({ exports, into, pipeline, province }) =>
    Effect.gen(function*() {
      const decl = yield* loadPipeline(pipeline)
      const { formatImportStats, importNational } = yield* Effect.promise(() => import("./Store/NationalImport.js"))
      const s = yield* importNational(exports, into, {
        pipeline: decl.name,
        rules: decl.match.blocking,
        ...(Option.isSome(province) ? { province: province.value } : {})
      }).pipe(Effect.mapError(failWith))
      yield* Console.log(formatImportStats(s))
      // The others are in the index; the command still fails, naming what was left out.
      if (s.failed.length > 0) {
        return yield* Effect.fail(failWith({ message: `${s.failed.length} of ${exports.length} export(s) not imported: ${s.failed.map((f) => f.message).join("; ")}` }))
      }
    })
)

const centralDuplicates = Command.make(
  "duplicates",
  { central: Options.file("central"), out: Options.directory("out"), pipeline: pipelineOpt },
  ({ central, out, pipeline }) =>
    Effect.gen(function*() {
      const decl = yield* loadPipeline(pipeline)
      const { formatDuplicatesStats, nationalDuplicates } = yield* Effect.promise(() => import("./Pipeline/NationalDuplicates.js"))
      const s = yield* nationalDuplicates(central, out, decl.match).pipe(Effect.mapError(failWith))
      yield* Console.log(formatDuplicatesStats(s))
    })
)

const central = Command.make("central").pipe(Command.withSubcommands([centralImport, centralDuplicates]))

const samplesCommune = Command.make("commune", { out: withDefault(samplesCommuneSpec.options![0]! as OptionSpec & { default: string }) }, ({ out }) =>
  Effect.promise(() => import("../samples/generators/Commune.js")).pipe(
    Effect.flatMap((m) => Effect.promise(() => m.generateCommune(out))),
    Effect.flatMap(() => Console.log(`wrote the sample commune to ${out}`))
  ))

const samplesGenerate = Command.make(
  "generate",
  { members: integer(generateOptions.members), seed: integer(generateOptions.seed), out: Options.directory("out") },
  ({ members, out, seed }) =>
    Effect.promise(() => import("../samples/generators/Province.js")).pipe(
      Effect.flatMap((m) => Effect.promise(() => m.generateProvince({ members, seed, out }))),
      Effect.flatMap((t) =>
        Console.log(
          `wrote a synthetic province to ${out}: ${t.centralRecords} central records, ${t.rosterFiles} roster files, ` +
            `${t.rows.length} roster rows, ${t.cases.filter((c) => c.category !== "DATA_CORRECTION").length} planted discrepancies and ` +
            `${t.cases.filter((c) => c.category === "DATA_CORRECTION").length} corrections (truth.json)`
        )
      )
    )
)

const samplesNational = Command.make(
  "national",
  {
    members: integer(nationalOptions.members),
    provinces: integer(nationalOptions.provinces),
    rosterProvince: withDefault(nationalOptions.rosterProvince),
    rosterMembers: integer(nationalOptions.rosterMembers),
    seed: integer(nationalOptions.seed),
    out: Options.directory("out"),
    skipRosterFiles: flag(nationalOptions.skipRosterFiles)
  },
  (o) =>
    Effect.gen(function*() {
      const m = yield* Effect.promise(() => import("../samples/generators/National.js"))
      const t0 = performance.now()
      const cpu0 = process.cpuUsage()
      const r = yield* Effect.tryPromise({
        try: () =>
          m.generateNational({
            members: o.members, provinces: o.provinces, rosterProvince: o.rosterProvince, seed: o.seed, out: o.out,
            ...(o.rosterMembers > 0 ? { rosterMembers: o.rosterMembers } : {}), skipRosterFiles: o.skipRosterFiles
          }),
        catch: failWith
      })
      const cpu = process.cpuUsage(cpu0)
      const t = r.truth
      const cross = t.cases.filter((c) => c.crossProvince !== undefined)
      yield* Console.log(
        `wrote ${r.exports.length} province exports (${r.centralRecords} central records) to ${o.out}/exports, ` +
          `${o.skipRosterFiles ? "no roster files" : `${t.rosterFiles} roster files`} (${t.rows.length} rows) of ${t.national.rosterProvince}, truth.json: ` +
          `${t.cases.length} planted discrepancies, ${cross.filter((c) => c.category === "UNREPORTED_TRANSFER").length} moves in from other provinces, ` +
          `${cross.filter((c) => c.category === "MISSING_FROM_ROSTER").length} out\n` +
          `  ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; ` +
          Object.entries(r.ms).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(", ")
      )
    })
)

const samples = Command.make("samples").pipe(Command.withSubcommands([samplesCommune, samplesGenerate, samplesNational]))

const evaluateCommand = Command.make(
  "evaluate",
  { truth: Options.file("truth"), run: Options.directory("run"), pipeline: pipelineOpt, skipBlocking: flag(evaluateOptions.skipBlocking) },
  (o) =>
    Effect.gen(function*() {
      const decl = yield* loadPipeline(o.pipeline)
      const { evaluateRun } = yield* Effect.promise(() => import("./Evaluate/Run.js"))
      const { formatEvaluation } = yield* Effect.promise(() => import("./Evaluate/Evaluate.js"))
      const e = yield* evaluateRun({ truth: o.truth, run: o.run, settings: decl.match, blocking: !o.skipBlocking }).pipe(Effect.mapError(failWith))
      yield* Console.log(formatEvaluation(e))
    })
)

const benchCommand = Command.make(
  "bench",
  {
    pipeline: pipelineOpt,
    size: integer(benchOptions.size),
    seed: integer(benchOptions.seed),
    skipIngest: flag(benchOptions.skipIngest),
    ingestSize: integer(benchOptions.ingestSize),
    out: withDefault(benchOptions.out),
    febrl: withDefault(benchOptions.febrl),
    national: optional(benchOptions.national),
    nationalSize: optional(benchOptions.nationalSize)
  },
  (o) =>
    Effect.gen(function*() {
      const decl = yield* loadPipeline(o.pipeline)
      const sizes = Option.getOrUndefined(o.nationalSize)?.split(",").map((x) => Number(x.trim().replace(/_/g, "")))
      if (sizes !== undefined && sizes.some((n) => !Number.isInteger(n) || n < 1000)) {
        return yield* new UsageError({ message: `--national-size: expected central sizes such as 1000000,3000000,5600000` })
      }
      const national = Option.getOrUndefined(o.national)
      const { runBench } = yield* Effect.promise(() => import("./Bench/Bench.js"))
      const text = yield* Effect.tryPromise({
        try: () => runBench(decl, {
          size: o.size, seed: o.seed, ingest: !o.skipIngest, ingestSize: o.ingestSize, out: o.out, febrl: o.febrl === "none" ? null : o.febrl,
          ...(national === undefined ? {} : { national }), ...(sizes === undefined ? {} : { nationalSizes: sizes })
        }),
        catch: failWith
      })
      yield* Console.log(text)
    })
)

const pipelinesCommand = Command.make("pipelines", {}, () =>
  Effect.promise(() => import("./Pipeline/Registry.js").then((r) => r.describePipelines())).pipe(
    Effect.flatMap((ps) => Console.log(ps.map((p) => `${p.name.padEnd(24)} ${p.description}`).join("\n")))
  ))

// ---------------------------------------------------------------------------------------------
// The tree

const root = Command.make("recon").pipe(
  Command.withSubcommands([runCommand, central, samples, pipelinesCommand, review, evaluateCommand, explainCommand, benchCommand])
)

/** The CLI on an argv (node, script, args…): output on the console, failures as typed errors. */
export const cli = Command.run(root, { name: "recon", version: VERSION })
