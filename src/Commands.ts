/**
 * What every command accepts, declared once as data (CliSpec.ts): Cli.ts builds the @effect/cli
 * commands from these, Main.ts renders the help and checks command lines against them without
 * loading @effect/cli. Plain data; the pipeline names are read from the pipelines/ directory.
 */
import type { CommandSpec, OptionSpec } from "./CliSpec.js"
import { pipelineNames } from "./Pipeline/Names.js"

export const DEFAULT_PIPELINE = "annual-roster-matching"
export const PIPELINES = pipelineNames()

export const spec = <S extends OptionSpec>(s: S): S => s

export const O = {
  pipeline: spec({
    name: "pipeline",
    kind: "choice",
    placeholder: "<name>",
    description: "The named pipeline (a file in pipelines/) whose inputs, match settings and rule parameters are used; " +
      "options given here override its inputs. `recon pipelines` describes them.",
    choices: PIPELINES,
    default: DEFAULT_PIPELINE
  }),
  central: spec({
    name: "central",
    kind: "file",
    description: "The central member database export: an .xlsx workbook with sheets DangVien, ChiBo and ChuyenSinhHoat, " +
      "a .sqlite file in the central schema, or the national index made by `recon central import` (then only the rosters' candidates are read).",
    required: "unless the pipeline declares it",
    defaultText: "the pipeline's"
  }),
  rosters: spec({
    name: "rosters",
    kind: "directory",
    description: "The folder of the cells' roster files (.xlsx, .csv), searched recursively; other files are reported and skipped.",
    required: "unless the pipeline declares it",
    defaultText: "the pipeline's"
  }),
  out: spec({
    name: "out",
    kind: "directory",
    description: "The folder for the outputs: discrepancies.jsonl, links.csv, persons.csv, review.xlsx and run.json " +
      "(created when missing; earlier outputs there are replaced).",
    required: "unless the pipeline declares it",
    defaultText: "the pipeline's"
  }),
  asOf: spec({
    name: "as-of",
    kind: "date",
    description: "Reconcile as of this date: the rules in force then apply and deadlines are counted to it. A real calendar date.",
    defaultText: "the pipeline's date, else today"
  }),
  province: spec({
    name: "province",
    kind: "text",
    placeholder: "<code>",
    description: "The province code: on import, of the one export given (else its central_meta.province_code, else the root unit of its ChiBo tree); " +
      "on a run against the national index, the province whose rosters are read (required when the index holds several).",
    defaultText: "from the export; on a run, the index's only province"
  }),
  db: spec({
    name: "db",
    kind: "file",
    placeholder: "<state.sqlite>",
    description: "The state database recording runs, links, findings and review decisions; use the same one for every run " +
      "of a review cycle. Its path is recorded in run.json.",
    defaultText: "<out>/state.sqlite"
  }),
  splitBy: spec({
    name: "split-by",
    kind: "choice",
    placeholder: "<unit>",
    description: "Also write one review workbook per parent unit (review-<parentCode>.xlsx), one for each committee.",
    choices: ["unit"],
    defaultText: "one review.xlsx only"
  }),
  unitAliases: spec({
    name: "unit-aliases",
    kind: "file",
    placeholder: "<old-names.csv>",
    description: "A CSV of old unit names and the unit code each now means (columns Tên cũ, Đảng bộ cũ, Mã chi bộ mới), " +
      "for rosters still titled with names from before a restructuring.",
    defaultText: "the pipeline's, else none"
  }),
  expect: spec({
    name: "expect",
    kind: "file",
    placeholder: "<discrepancies.jsonl>",
    description: "Compare the findings with this reviewed discrepancies.jsonl; exit 1 and list the differences when they differ (CI does this)."
  }),
  runDir: spec({
    name: "run",
    kind: "directory",
    placeholder: "<out>",
    description: "The output folder of a `recon run`: its run.json says where the state database is.",
    defaultText: "the folder of the first workbook"
  }),
  readDb: spec({
    name: "db",
    kind: "file",
    placeholder: "<state.sqlite>",
    description: "The state database to read, when not the one the run's run.json names. Never created by this command.",
    defaultText: "found through --run"
  })
} as const

export const runSpec: CommandSpec = {
  path: ["run"],
  summary: "Reconcile the cells' rosters against the central database and write the review report.",
  options: [O.pipeline, O.central, O.rosters, O.out, O.asOf, O.db, O.splitBy, O.unitAliases, O.expect, O.province],
  notes: [
    "Exit code 0 when the run completes (findings are results, not errors); 1 with one line naming the file when it " +
      "cannot run; 2 when the command line is wrong. Files that cannot be read are reported and the run goes on."
  ],
  examples: [
    { what: "Reconcile the sample commune in samples/ into reports/sample/ (what `npm start` does).", command: "recon run --pipeline sample" },
    {
      what: "Reconcile a commune's rosters against the central export as of 31 October 2026; the state database is " +
        "reports/2026/state.sqlite, so reviewers' decisions imported later apply to the next run.",
      command: "recon run --central export/central.xlsx --rosters rosters/2026 --out reports/2026 --as-of 2026-10-31"
    }
  ]
}

export const reviewImportSpec: CommandSpec = {
  path: ["review", "import"],
  summary: "Read reviewers' decisions back from review workbooks into the state database (all rows or none).",
  args: [{ name: "reviewed.xlsx", description: "Review workbooks written by `recon run`, with the reviewers' decisions.", repeated: true }],
  options: [
    O.runDir,
    O.readDb,
    spec({
      name: "reviewer",
      kind: "text",
      placeholder: "<name>",
      description: "The reviewer's name for rows whose \"Người rà soát\" cell is blank.",
      defaultText: "none: such rows are refused"
    })
  ],
  examples: [
    { what: "After `npm start`: import the sample's reviewed workbook (the database is found beside it).", command: "recon review import reports/sample/review.xlsx" },
    { what: "Import two committees' workbooks into the database of the run in reports/2026.", command: "recon review import review-DB01.xlsx review-DB02.xlsx --run reports/2026 --reviewer \"Nguyễn Văn A\"" }
  ]
}

export const readerOptions: ReadonlyArray<OptionSpec> = [{ ...O.runDir, required: "unless --db is given", defaultText: undefined } as OptionSpec, O.readDb]

export const reviewStatusSpec: CommandSpec = {
  path: ["review", "status"],
  summary: "Per unit: the findings of the latest run open, decided and re-opened.",
  options: readerOptions,
  examples: [{ what: "The review status of the sample after `npm start`.", command: "recon review status --run reports/sample" }]
}

export const reviewHistorySpec: CommandSpec = {
  path: ["review", "history"],
  summary: "The audit trail of imported decisions, superseded ones included.",
  args: [{ name: "finding-id", description: "Only this finding's decisions, e.g. FM-9970a9ce4970.", optional: true }],
  options: readerOptions,
  examples: [{ what: "Every decision taken on one finding of the sample.", command: "recon review history FM-9970a9ce4970 --run reports/sample" }]
}

export const explainSpec: CommandSpec = {
  path: ["explain"],
  summary: "Show the weights behind a roster row's match (a waterfall table and the sentence used in the report).",
  args: [
    { name: "file-or-finding", description: "A roster file (path under the rosters folder, or its name) followed by a row number, or a finding id such as FM-9970a9ce4970.", optional: true },
    { name: "row", description: "The row number as the spreadsheet shows it (for CSV, the line).", optional: true }
  ],
  options: [
    { ...O.runDir, description: "The output folder of the run: its run.json gives the inputs, the pipeline and the findings.", defaultText: "the pipeline's out folder" },
    spec({ name: "file", kind: "text", placeholder: "<roster file>", description: "The roster file, instead of the first argument." }),
    spec({ name: "row", kind: "integer", placeholder: "<n>", description: "The row number, instead of the second argument." }),
    spec({ name: "discrepancy", kind: "text", placeholder: "<finding-id>", description: "A finding id, instead of the first argument." }),
    { ...O.pipeline, default: undefined, defaultText: "the run's (run.json), else annual-roster-matching" } as OptionSpec,
    { ...O.central, required: undefined, defaultText: "the run's (run.json), else the pipeline's" } as OptionSpec,
    { ...O.rosters, required: undefined, defaultText: "the run's (run.json), else the pipeline's" } as OptionSpec,
    spec({ name: "top", kind: "integer", placeholder: "<n>", description: "Candidates shown for a row that matched no one.", default: "3" })
  ],
  examples: [
    { what: "Why the sample's finding FM-9970a9ce4970 was raised (after `npm start`).", command: "recon explain FM-9970a9ce4970 --run reports/sample" },
    { what: "How row 32 of a roster was matched in that run.", command: "recon explain \"KDC so 1.xlsx\" 32 --run reports/sample" }
  ]
}

export const centralImportSpec: CommandSpec = {
  path: ["central", "import"],
  summary: "Import central exports (one per province) into the national index: records, units, transfers and the blocking keys.",
  args: [{
    name: "export",
    description: "A province's central export: the .xlsx workbook (sheets DangVien, ChiBo, ChuyenSinhHoat) or a .sqlite file in the central schema.",
    repeated: true
  }],
  options: [
    spec({
      name: "into",
      kind: "file",
      placeholder: "<national.sqlite>",
      description: "The national index to create, or to add to (re-importing a province replaces only its records, units and transfers).",
      required: true
    }),
    { ...O.pipeline, description: "The pipeline whose blocking rules the keys are built for (runs with other rules are refused)." } as OptionSpec,
    O.province
  ],
  examples: [
    { what: "Import the sample's export, then reconcile against the index.", command: "recon central import samples/central.xlsx --into reports/national.sqlite" },
    { what: "Import two provinces' exports into one national index.", command: "recon central import exports/ND.sqlite exports/HN.xlsx --into national.sqlite" }
  ]
}

export const centralDuplicatesSpec: CommandSpec = {
  path: ["central", "duplicates"],
  summary: "Find duplicate records over the whole national index, block by block; writes central-duplicates.jsonl.",
  options: [
    spec({ name: "central", kind: "file", placeholder: "<national.sqlite>", description: "The national index (`recon central import`).", required: true }),
    spec({ name: "out", kind: "directory", description: "Where to write central-duplicates.jsonl (created when missing).", required: true }),
    { ...O.pipeline, description: "The pipeline whose match settings compare the records." } as OptionSpec
  ],
  examples: [{ what: "All central duplicates of the national index.", command: "recon central duplicates --central national.sqlite --out reports/duplicates" }]
}

export const samplesCommuneSpec: CommandSpec = {
  path: ["samples", "commune"],
  summary: "Regenerate the deterministic sample commune (central.xlsx, rosters/, planted.json).",
  options: [spec({ name: "out", kind: "directory", description: "Where to write it.", default: "samples" })]
}

export const generateOptions = {
  members: spec({ name: "members", kind: "integer", placeholder: "<n>", description: "Active members in the province (cells of about 25).", default: "100000" }),
  seed: spec({ name: "seed", kind: "integer", placeholder: "<n>", description: "Seed of the random draws: the same seed and size give the same files and truth.", default: "1" }),
  out: spec({ name: "out", kind: "directory", description: "Where to write central.xlsx, rosters/ and truth.json.", required: true })
}

export const samplesGenerateSpec: CommandSpec = {
  path: ["samples", "generate"],
  summary: "Generate a synthetic province (central.xlsx, rosters/, truth.json) for evaluation and benchmarks.",
  options: Object.values(generateOptions),
  examples: [{ what: "A province of 10,000 members, then reconcile and evaluate it.", command: "recon samples generate --members 10000 --out /tmp/p && recon run --central /tmp/p/central.xlsx --rosters /tmp/p/rosters --out /tmp/p/out && recon evaluate --truth /tmp/p/truth.json --run /tmp/p/out" }]
}

export const nationalOptions = {
  members: spec({ name: "members", kind: "integer", placeholder: "<n>", description: "Active members nationally, the roster province's included (inactive records come on top, about 4 %).", default: "5600000" }),
  provinces: spec({ name: "provinces", kind: "integer", placeholder: "<n>", description: "How many of the 34 provinces and cities of the 2025 merger: the roster province and the first others of the list.", default: "34" }),
  rosterProvince: spec({ name: "roster-province", kind: "text", placeholder: "<code>", description: "The province whose rosters are written, by its code (the CCCD code of the province whose name was kept, e.g. 037 Ninh Bình, 001 Hà Nội, 079 Hồ Chí Minh).", default: "037" }),
  rosterMembers: spec({ name: "roster-members", kind: "integer", placeholder: "<n>", description: "Active members of the roster province (its rosters hold about as many rows, ~25 a file); 0: 150,000, or its share of --members when smaller.", default: "0" }),
  seed: spec({ name: "seed", kind: "integer", placeholder: "<n>", description: "Seed of the random draws: the same options give the same exports, files and truth.", default: "1" }),
  out: spec({ name: "out", kind: "directory", description: "Where to write exports/<code>-<name>.sqlite (one per province), rosters/, truth.json and national.json.", required: true }),
  skipRosterFiles: spec({ name: "skip-roster-files", kind: "boolean", description: "Write the exports and truth.json but not the roster files." })
}

export const samplesNationalSpec: CommandSpec = {
  path: ["samples", "national"],
  summary: "Generate a national central database (one SQLite export per province) and one province's rosters, with moves between provinces planted.",
  options: Object.values(nationalOptions),
  notes: [
    "The exports are in the central SQLite schema (README, Inputs) with central_meta keys province_code and province_name. " +
      "truth.json is the province generator's for the roster province, with the moves between provinces marked (crossProvince) " +
      "and, under `national`, each export's member id ranges, so `recon evaluate` can count them."
  ],
  examples: [
    { what: "A small nation of 3 provinces for trying the commands.", command: "recon samples national --members 20000 --provinces 3 --out /tmp/nat" },
    { what: "The national bench's data: 5.6 million members in 34 provinces, the rosters of Ninh Bình.", command: "recon samples national --members 5600000 --provinces 34 --roster-province 037 --out /tmp/nat" }
  ]
}

export const evaluateOptions = {
  truth: spec({ name: "truth", kind: "file", placeholder: "<truth.json>", description: "The truth.json written by `recon samples generate`.", required: true }),
  run: spec({ name: "run", kind: "directory", placeholder: "<out>", description: "The output folder of `recon run` on that province (links.csv, discrepancies.jsonl).", required: true }),
  skipBlocking: spec({ name: "skip-blocking", kind: "boolean", description: "Do not re-read the province beside truth.json to measure blocking recall." })
}

export const evaluateSpec: CommandSpec = {
  path: ["evaluate"],
  summary: "Link precision / recall / F1, per-category discrepancy precision / recall and blocking recall of a run against truth.json.",
  options: [evaluateOptions.truth, evaluateOptions.run, O.pipeline, evaluateOptions.skipBlocking],
  examples: [{ what: "Evaluate a run on a generated province.", command: "recon evaluate --truth /tmp/p/truth.json --run /tmp/p/out" }]
}

export const benchOptions = {
  size: spec({ name: "size", kind: "integer", placeholder: "<n>", description: "Central records and roster rows (each side) generated in memory for the match stage.", default: "100000" }),
  seed: spec({ name: "seed", kind: "integer", placeholder: "<n>", description: "Seed of the generated data.", default: "1" }),
  skipIngest: spec({ name: "skip-ingest", kind: "boolean", description: "Do not time the ingestion of a written roster corpus." }),
  ingestSize: spec({ name: "ingest-size", kind: "integer", placeholder: "<n>", description: "Roster rows of the ingestion corpus (about 25 per file).", default: "100000" }),
  out: spec({ name: "out", kind: "file", placeholder: "<bench.json>", description: "Where the figures are merged.", default: "reports/bench.json" }),
  national: spec({ name: "national", kind: "directory", placeholder: "<dir>", description: "The national bench only: import the exports of this `recon samples national` folder, run its roster province against the index and evaluate it (wall, CPU, peak RSS of each step, records/s)." }),
  nationalSize: spec({ name: "national-size", kind: "text", placeholder: "<n[,n…]>", description: "The national bench only, at these central sizes (e.g. 1000000,3000000,5600000): each nation generated (34 provinces, the rosters of 150,000 members), imported, run, evaluated and deleted." }),
  febrl: spec({ name: "febrl", kind: "text", placeholder: "<dir>", description: "Folder of the public FEBRL dataset1.csv / dataset2.csv: pairwise link and dedupe precision / recall / F1, with and without the personal number as card number; \"none\" skips them.", default: "../shared/data/febrl" })
}

export const benchSpec: CommandSpec = {
  path: ["bench"],
  summary: "Benchmark start-up, the sample run, the match stage and roster ingestion; figures into reports/bench.json.",
  options: [O.pipeline, ...Object.values(benchOptions)],
  examples: [
    { what: "The match stage only, at 10,000 records a side.", command: "recon bench --size 10000 --skip-ingest" },
    { what: "The national bench's scaling: 1 M, 3 M and 5.6 M central records (about 40 minutes).", command: "recon bench --national-size 1000000,3000000,5600000" }
  ]
}

export const pipelinesSpec: CommandSpec = { path: ["pipelines"], summary: "List the named pipelines (the files of pipelines/) with their descriptions.", options: [] }

export const rootSpec: CommandSpec = {
  path: [],
  summary: "Reconcile party cell rosters against the central member database and write review spreadsheets.",
  subcommands: [
    runSpec,
    { path: ["review"], summary: "Read reviewers' decisions back and follow the review.", subcommands: [reviewImportSpec, reviewStatusSpec, reviewHistorySpec] },
    explainSpec,
    { path: ["central"], summary: "Work with the central database export.", subcommands: [centralImportSpec, centralDuplicatesSpec] },
    { path: ["samples"], summary: "Synthetic data for trying and testing recon.", subcommands: [samplesCommuneSpec, samplesGenerateSpec, samplesNationalSpec] },
    evaluateSpec,
    benchSpec,
    pipelinesSpec
  ],
  options: [spec({ name: "version", kind: "boolean", description: "Print the version and exit." })],
  notes: ["Exit codes: 0 done; 1 the command could not complete (one line naming the file and the fix); 2 the command line is wrong."],
  examples: [
    { what: "Reconcile the sample commune (what `npm start` does), then read reviewers' decisions back.", command: "recon run --pipeline sample && recon review import reports/sample/review.xlsx" }
  ]
}

