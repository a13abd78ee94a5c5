/**
 * `recon bench`: the match stage on a generated province held in memory (no files), with its
 * quality measured against the generator's truth, and the ingestion of a roster corpus written to
 * a temp directory. Figures go to reports/bench.json (merged per section, so runs at several
 * sizes accumulate): wall time, rows/s, candidate pairs/s, peak RSS.
 *
 * Peak RSS is the match stage's: the high-water mark is reset when matching starts (Linux), so it
 * counts what is held then (the records and the compact truth: `rssBeforeMatchMB`) and what the
 * stage adds, not the generator's own peak (`generatePeakRssMB`); where it cannot be reset it is
 * the process's (`peakScope`).
 */
import { readFileSync, writeFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import type { FileSummary } from "../Domain.js"
import { discrepancyMetrics, linkMetrics, type PlantedLike } from "../Evaluate/Evaluate.js"
import type { RosterIngest } from "../Ingest/Roster.js"
import * as Engine from "../Match/Engine.js"
import type { PipelineDeclaration } from "../Pipeline/Declaration.js"
import { match, rules } from "../Pipeline/Run.js"
import { writeAtomic } from "../../samples/generators/Commune.js"
import { buildProvince, type ProvinceRecords, provinceRecords } from "../../samples/generators/Province.js"
import { benchReport, formatReportBench, type ReportData } from "./Report.js"

const mb = (bytes: number): number => Math.round(bytes / 1048576)
const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d

/**
 * Peak RSS, and where the kernel allows it (Linux: /proc/self/clear_refs), a peak measured from a
 * given moment: the match stage's own peak, not the generator's that ran before it in the same
 * process. VmHWM is the high-water mark `clear_refs` resets (getrusage's maxRSS may keep a peak
 * of threads that exited).
 */
const peakRssMB = (): number => {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync("/proc/self/status", "utf8"))
    if (m !== null) return Math.round(Number(m[1]) / 1024)
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024)
}
/** Resets the peak to the current RSS; false when the system has no way to (the peak is then the process's). */
const resetPeakRss = (): boolean => {
  try {
    writeFileSync("/proc/self/clear_refs", "5")
    return true
  } catch {
    return false
  }
}
/**
 * Full collections until the heap stops shrinking (at most 8): each compacts only some pages, and
 * the generator's garbage is interleaved with the records (measured at 300k members: RSS 742 MB
 * after the first, 483 MB after the fourth, the records 254 MB). The bench child runs with
 * --expose-gc; elsewhere the flag is set now.
 */
const collectGarbage = (): void => {
  let gc: () => void
  if (typeof global.gc === "function") gc = global.gc
  else {
    v8.setFlagsFromString("--expose-gc")
    gc = vm.runInNewContext("gc") as () => void
  }
  let total = Infinity
  for (let k = 0; k < 8; k++) {
    gc()
    const now = process.memoryUsage().heapTotal
    if (now > total * 0.99) break
    total = now
  }
}

export interface MatchBench {
  readonly centralRecords: number
  readonly rosterRows: number
  readonly generateMs: number
  readonly wallMs: number
  /** CPU time (user + system) of the match stage. */
  readonly cpuMs: number
  readonly phasesMs: Readonly<Record<string, number>>
  readonly candidatePairs: number
  readonly centralCandidatePairs: number
  readonly pairsPerRule: Readonly<Record<string, number>>
  readonly rowsPerSecond: number
  readonly pairsPerSecond: number
  /** RSS when matching starts (after a full collection): the records and the compact truth. */
  readonly rssBeforeMatchMB: number
  /** Peak RSS while matching (from the start of the match stage when `peakScope` is "match"). */
  readonly peakRssMB: number
  readonly peakScope: "match" | "process"
  /** The process's peak before matching: the generator (model and records at once). */
  readonly generatePeakRssMB: number
  readonly quality: {
    readonly linkPrecision: number
    readonly linkRecall: number
    readonly linkF1: number
    readonly blockingRecall: number
    /** Of the true (row, member) pairs, the share each blocking rule alone keeps; and of the rows of members who moved to a cell of another commune (UNREPORTED_TRANSFER), the same. */
    readonly blockingRecallPerRule: Readonly<Record<string, number>>
    readonly moves: { readonly rows: number; readonly blockingRecall: number; readonly linkRecall: number; readonly perRule: Readonly<Record<string, number>> }
    readonly categories: Readonly<Record<string, { planted: number; found: number; precision: number; recall: number }>>
  }
  readonly model: Record<string, unknown>
}

/**
 * The generated province as a run would hold it (central records, roster rows, file summaries)
 * plus what the evaluation needs of the generator's truth, compactly: the member of each row, the
 * planted findings (category, members, rows) and which rows are planted moves. The generator's
 * model (members, files with their rows, clerks, notes) is not kept: at 1M members it was 0.8 GB
 * held through matching that no run would hold.
 */
interface Generated {
  readonly records: ProvinceRecords
  readonly planted: ReadonlyArray<PlantedLike>
  readonly files: ReadonlyArray<FileSummary>
  /** 1 for the rows of UNREPORTED_TRANSFER cases (members listed at a cell other than their own). */
  readonly moveRow: Uint8Array
  readonly asOf: string
}

const generate = (size: number, seed: number): Generated => {
  const model = buildProvince({ members: size, seed })
  const records = provinceRecords(model)
  const moveKeys = new Set(
    model.cases.filter((c) => c.category === "UNREPORTED_TRANSFER").flatMap((c) => c.rosterRows.map((x) => `${x.file}\u0000${x.sheet}\u0000${x.row}`))
  )
  const moveRow = new Uint8Array(records.rows.length)
  records.rows.forEach((row, i) => {
    if (moveKeys.has(`${row.file}\u0000${row.sheet}\u0000${row.row}`)) moveRow[i] = 1
  })
  return {
    records,
    planted: model.cases.map((c) => ({ category: c.category, memberIds: c.memberIds, rosterRows: c.rosterRows })),
    files: model.files.map((f) => ({
      file: f.file, kind: "OFFICIAL", unitCode: f.unitCode, sha256: "", rowsRead: f.rows.length, rowsIngested: f.rows.length, rowsRejected: 0, error: null, suspectTruncated: false
    })),
    moveRow,
    asOf: model.asOf
  }
}

/** Match stage at `size` active members (about as many roster rows), plus rules for quality figures. */
export const benchMatch = (
  decl: PipelineDeclaration,
  size: number,
  seed: number,
  /** Receives what the report stage needs (the report bench reuses the province instead of building another). */
  onResults?: (d: ReportData) => void
): MatchBench => {
  const t0 = performance.now()
  const { records: recs, planted, files, moveRow, asOf } = generate(size, seed)
  const generateMs = Math.round(performance.now() - t0)
  const generatePeak = peakRssMB()
  collectGarbage()
  const rssBefore = mb(process.memoryUsage().rss)
  const peakScope = resetPeakRss() ? "match" : "process"
  const cpu0 = process.cpuUsage()
  const t1 = performance.now()
  const matched = match(recs.central, recs.rows, decl.match)
  const wallMs = Math.round(performance.now() - t1)
  const cpu = process.cpuUsage(cpu0)
  const peak = peakRssMB()

  // Quality against the truth (not timed).
  const r = matched.result
  const memberIndex = new Map(recs.central.members.map((m, j) => [m.id, j]))
  let trueCount = 0
  let kept = 0
  recs.truth.forEach((id, i) => {
    if (id === null) return
    const j = memberIndex.get(id)
    if (j === undefined) return
    trueCount++
    for (let k = r.rowBlocks.start[i]!, end = r.rowBlocks.start[i + 1]!; k < end; k++) {
      if (r.rowBlocks.idx[k] === j) {
        kept++
        break
      }
    }
  })
  const truePairs: Array<readonly [number, number]> = []
  const movePairs: Array<readonly [number, number]> = []
  let movesLinked = 0
  recs.truth.forEach((id, i) => {
    const j = id === null ? undefined : memberIndex.get(id)
    if (j === undefined) return
    truePairs.push([i, j])
    if (moveRow[i] === 1) {
      movePairs.push([i, j])
      if (r.links[i]!.member === j) movesLinked++
    }
  })
  const perRule = Engine.recallPerRule(r.rows, r.central, decl.match.blocking, truePairs)
  const movesPerRule = Engine.recallPerRule(r.rows, r.central, decl.match.blocking, movePairs)
  const links = matched.rows.map((l) => ({ file: l.row.file, sheet: l.row.sheet, row: l.row.row, memberId: l.memberId }))
  const truthRows = recs.rows.map((row, i) => ({ file: row.file, sheet: row.sheet, row: row.row, memberId: recs.truth[i]! }))
  const lm = linkMetrics(truthRows, links)
  const rosters: RosterIngest = { rows: recs.rows, rejections: [], warnings: [], files }
  const found = rules(decl, recs.central, rosters, matched, asOf)
  onResults?.({ central: recs.central, rows: recs.rows, matched, findings: found, files, asOf })
  const dm = discrepancyMetrics(planted, found)
  const total = r.rowBlocks.totalPairs + r.selfBlocks.totalPairs
  return {
    centralRecords: recs.central.members.length,
    rosterRows: recs.rows.length,
    generateMs,
    wallMs,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    phasesMs: r.timings,
    candidatePairs: r.rowBlocks.totalPairs,
    centralCandidatePairs: r.selfBlocks.totalPairs,
    pairsPerRule: r.rowBlocks.pairsPerRule,
    rowsPerSecond: Math.round(((recs.rows.length + recs.central.members.length) / wallMs) * 1000),
    pairsPerSecond: Math.round((total / wallMs) * 1000),
    rssBeforeMatchMB: rssBefore,
    peakRssMB: peak,
    peakScope,
    generatePeakRssMB: generatePeak,
    quality: {
      linkPrecision: round(lm.precision),
      linkRecall: round(lm.recall),
      linkF1: round(lm.f1),
      blockingRecall: round(trueCount === 0 ? 1 : kept / trueCount, 5),
      blockingRecallPerRule: Object.fromEntries(Object.entries(perRule.perRule).map(([k, v]) => [k, round(v)])),
      moves: {
        rows: movePairs.length,
        blockingRecall: round(movesPerRule.any),
        linkRecall: round(movePairs.length === 0 ? 1 : movesLinked / movePairs.length),
        perRule: Object.fromEntries(Object.entries(movesPerRule.perRule).map(([k, v]) => [k, round(v)]))
      },
      categories: Object.fromEntries(
        dm.categories.filter((c) => c.planted > 0 || c.found > 0).map((c) => [c.category, { planted: c.planted, found: c.found, precision: round(c.precision), recall: round(c.recall) }])
      )
    },
    model: Engine.modelSummary(r.model)
  }
}

/** Merges a section into reports/bench.json (atomically), keyed so runs at several sizes accumulate. */
export const recordBench = async (file: string, section: "match" | "ingest" | "report" | "start" | "febrl" | "national", key: string, value: unknown): Promise<void> => {
  let current: Record<string, unknown> = {}
  try {
    current = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>
  } catch {
    current = {}
  }
  const sectionValue = (current[section] ?? {}) as Record<string, unknown>
  const next = {
    ...current,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "", totalMemoryMB: mb(os.totalmem()), node: process.version },
    // The load when this section was measured: timings on a shared machine mean little without it.
    [section]: { ...sectionValue, [key]: { ...(value as object), measuredAt: new Date().toISOString(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100) } }
  }
  await writeAtomic(file, `${JSON.stringify(next, null, 2)}\n`)
}

export interface BenchOptions {
  readonly size: number
  readonly seed: number
  readonly ingest: boolean
  readonly ingestSize: number
  readonly out: string
  /** Directory of FEBRL dataset1.csv / dataset2.csv (pairwise link and dedupe figures); null to skip. */
  readonly febrl: string | null
  /** The national bench only (src/Bench/National.ts): a folder made by `recon samples national`… */
  readonly national?: string
  /** …or nations of these sizes, generated, measured and deleted one after the other. */
  readonly nationalSizes?: ReadonlyArray<number>
}

/** The national bench: import, province run and evaluation per nation, into the "national" section. */
const runNationalBench = async (decl: PipelineDeclaration, o: BenchOptions): Promise<string> => {
  const { benchNationalDir, benchNationalSize, formatNationalBench } = await import("./National.js")
  const entry = process.argv[1]!
  const lines: Array<string> = []
  const benches = []
  if (o.national !== undefined) benches.push(() => benchNationalDir(decl, entry, o.national!))
  for (const n of o.nationalSizes ?? []) benches.push(() => benchNationalSize(decl, entry, n, o.seed))
  for (const b of benches) {
    const figures = await b()
    await recordBench(o.out, "national", String(figures.centralRecords), figures)
    lines.push(formatNationalBench(figures))
  }
  lines.push(`figures: ${o.out}`)
  return lines.join("\n")
}

/** V8's default heap (~4 GB here) is too small for a million records on each side; rerun in a child with more. */
const HEAP_MB_FOR_LARGE = 14_000

const inChildWithHeap = async (): Promise<number> => {
  const { spawn } = await import("node:child_process")
  const { getHeapStatistics } = await import("node:v8")
  if (getHeapStatistics().heap_size_limit / 1048576 >= HEAP_MB_FOR_LARGE * 0.9) return -1
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB_FOR_LARGE}`, "--expose-gc", ...process.execArgv, ...process.argv.slice(1)], {
      stdio: "inherit"
    })
    child.on("error", reject)
    child.on("exit", (code) => resolve(code ?? 1))
  })
}

/** What `recon bench` does: match (and ingest) figures, printed and merged into `out`. */
export const runBench = async (decl: PipelineDeclaration, o: BenchOptions): Promise<string> => {
  if (o.national !== undefined || (o.nationalSizes ?? []).length > 0) return runNationalBench(decl, o)
  if (o.size > 300_000) {
    const code = await inChildWithHeap()
    if (code >= 0) {
      if (code !== 0) throw new Error(`the benchmark child process exited with code ${code}`)
      return `(ran with --max-old-space-size=${HEAP_MB_FOR_LARGE}; figures in ${o.out})`
    }
  }
  const lines: Array<string> = []
  // Start-up and the sample run of the shipped CLI, in fresh processes (src/Bench/Start.ts).
  const { benchStart, formatStartBench } = await import("./Start.js")
  const start = benchStart()
  await recordBench(o.out, "start", "sample", start)
  lines.push(formatStartBench(start))
  let reportData: ReportData | undefined
  const m = benchMatch(decl, o.size, o.seed, (d) => (reportData = d))
  await recordBench(o.out, "match", String(o.size), m)
  lines.push(
    `match ${m.centralRecords} central × ${m.rosterRows} roster rows: ${(m.wallMs / 1000).toFixed(1)} s wall, ` +
      `${m.candidatePairs} + ${m.centralCandidatePairs} candidate pairs (${m.pairsPerSecond} pairs/s), ${m.rowsPerSecond} records/s, ` +
      `${(m.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${m.peakRssMB} MB ${m.peakScope === "match" ? "while matching" : "of the process"} ` +
      `(${m.rssBeforeMatchMB} MB before matching: the records; the generator peaked at ${m.generatePeakRssMB} MB before)`,
    `  phases ms: ${Object.entries(m.phasesMs).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `  links: precision ${m.quality.linkPrecision}, recall ${m.quality.linkRecall}; blocking recall ${m.quality.blockingRecall}`,
    `  pairs per rule (blocking recall of that rule alone): ${Object.entries(m.pairsPerRule).map(([k, v]) => `${k} ${v} (${m.quality.blockingRecallPerRule[k]})`).join(", ")}`,
    `  moves across cells (${m.quality.moves.rows} rows): blocking recall ${m.quality.moves.blockingRecall}, link recall ${m.quality.moves.linkRecall}; per rule: ${Object.entries(m.quality.moves.perRule).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    ...Object.entries(m.quality.categories).map(([c, q]) => `  ${c.padEnd(20)} planted ${q.planted}, found ${q.found}, precision ${q.precision}, recall ${q.recall}`)
  )
  if (o.febrl !== null) {
    const { febrlFigures, formatFebrl } = await import("../Evaluate/Febrl.js")
    const figures = []
    for (const d of ["dataset1", "dataset2"]) {
      const text = await fs.readFile(`${o.febrl}/${d}.csv`, "utf8").catch(() => null)
      if (text !== null) figures.push(...febrlFigures(d, text, decl.match))
    }
    if (figures.length > 0) {
      await recordBench(o.out, "febrl", "figures", { figures })
      lines.push(formatFebrl(figures))
    } else lines.push(`FEBRL: no dataset1.csv or dataset2.csv in ${o.febrl}`)
  }
  if (reportData !== undefined) {
    // The report stage (all output files) for this province; goal at 100,000 members: review.xlsx < 2 s.
    const r = await benchReport(reportData, 3)
    reportData = undefined
    await recordBench(o.out, "report", String(o.size), r)
    lines.push(formatReportBench(`${o.size} members`, r))
  }
  if (o.ingest) {
    // Ingest/Bench section owned by ingestion (src/Bench/Ingest.ts): many files and one large file, each in a child process.
    const { benchIngest: benchIngestFiles, formatIngestBench, recordIngestBench } = await import("./Ingest.js")
    const g = await benchIngestFiles({ rows: o.ingestSize, oneFileRows: o.ingestSize, seed: o.seed })
    await recordIngestBench(o.out, g)
    lines.push(formatIngestBench(g))
  }
  lines.push(`figures: ${o.out} (load average ${os.loadavg().map((x) => x.toFixed(1)).join(", ")})`)
  return lines.join("\n")
}
