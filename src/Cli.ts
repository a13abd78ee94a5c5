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
      const result = yield* run(decl, { central, rosters, out, asOf, db })
      const m = result.manifest
      yield* Console.log(
        `recon ${VERSION}: pipeline ${decl.name}, as of ${asOf}\n` +
          `  rows read ${m.totals.rowsRead}, ingested ${m.totals.rowsIngested}, rejected ${m.totals.rowsRejected} ` +
          `(${m.files.length} files, ${m.files.filter((f) => f.error !== null).length} with errors)\n` +
          `  linked ${result.matchStats.linked} roster rows, ${result.matchStats.unlinked} unlinked; ` +
          `${result.matchStats.candidatePairs} candidate pairs\n` +
          `  findings: ${result.discrepancies.length}\n` +
          Categories.filter((c) => m.categories[c] > 0)
            .map((c) => `    ${c.padEnd(20)} ${String(m.categories[c]).padStart(5)}  ${categoryLabel(c)}`)
            .join("\n") +
          `\nreport: ${NodePath.resolve(out, "review.xlsx")}\n` +
          `        ${NodePath.resolve(out)}/{discrepancies.jsonl,links.csv,run.json}`
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
    Effect.promise(() => import("./Samples/Commune.js")).pipe(
      Effect.flatMap((m) => Effect.promise(() => m.generateCommune(out))),
      Effect.flatMap(() => Console.log(`wrote the sample commune to ${out}`))
    )
).pipe(Command.withDescription("Regenerate the deterministic sample commune (central.xlsx, rosters/, planted.json)"))

const samples = Command.make("samples").pipe(
  Command.withDescription("Synthetic data for trying and testing recon"),
  Command.withSubcommands([samplesCommune])
)

const pipelinesCommand = Command.make("pipelines", {}, () =>
  Console.log(pipelines.map((p) => `${p.name.padEnd(24)} ${p.description}`).join("\n"))
).pipe(Command.withDescription("List the named pipelines"))

const root = Command.make("recon").pipe(
  Command.withDescription("Reconcile party cell rosters against the central member database"),
  Command.withSubcommands([runCommand, central, samples, pipelinesCommand])
)

export const cli = Command.run(root, { name: "recon", version: VERSION })
