/**
 * Ingestion benchmark (issue "Ingest real cell rosters", evidence): rows/s and peak RSS reading
 * (1) a province's rosters: the generated 100,000-member province, 102,940 rows in 5,651 files
 * (4,676 xlsx in layouts A–D with TCVN3, VNI and merged two-row headers, 975 CSV; more and smaller
 * files than the 4,000 of the issue, since Quy định 213 and temporary lists are files of their own),
 * and (2) one 100,000-row file.
 *
 * The province's rosters are read three ways: as `ingestRosters` reads them by default (this thread
 * and a worker, the worker's start-up inside the clock); as `recon run` reads them (the worker
 * started before the clock, since the run starts it while it reads the central database); and on
 * this thread alone (workers: 0).
 *
 * Each measurement runs in a child process (IngestChild.ts), so its peak RSS is the ingestion's
 * own and not the generator's or the match benchmark's; the RSS of the same child doing nothing
 * but start up is reported beside it. Target: at least 30,000 rows/s on the project's machine.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import ExcelJS from "exceljs"
import { writeAtomic } from "../../samples/generators/Commune.js"
import { buildProvince, type ProvinceModel, writeRosters } from "../../samples/generators/Province.js"

export interface IngestBenchOptions {
  /** Roster rows of the multi-file corpus; ~25 per file (100,000 → 4,000 files). */
  readonly rows: number
  /** Rows of the single-file corpus. */
  readonly oneFileRows: number
  readonly seed: number
  /** Worker threads for ingestRosters (0: in-process, the default). */
  readonly workers?: number
}

/** What the child process prints (IngestChild.ts). */
interface ChildResult {
  /** Worker threads beside the main one. */
  readonly workers: number
  readonly files: number
  readonly rowsRead: number
  readonly rowsIngested: number
  readonly rowsRejected: number
  readonly filesWithErrors: number
  readonly wallMs: number
  readonly peakRssMB: number
}

export interface IngestMeasurement extends ChildResult {
  /** Wall time of each run; wallMs (and rowsPerSecond) is their median, peakRssMB their largest. */
  readonly wallMsRuns: ReadonlyArray<number>
  readonly rowsPerSecond: number
  /** Peak RSS of the same child process started without ingesting anything. */
  readonly baselineRssMB: number
}

export interface IngestBenchResult {
  /** Default: worker threads started inside the clock. */
  readonly manyFiles: IngestMeasurement & { readonly corpusWriteMs: number }
  /** As in `recon run`: the worker threads started before the clock. */
  readonly manyFilesInRun: IngestMeasurement
  /** This thread only. */
  readonly manyFilesOneThread: IngestMeasurement
  readonly oneFile: IngestMeasurement & { readonly corpusWriteMs: number; readonly fileMB: number }
  readonly targetRowsPerSecond: number
  readonly meetsTarget: boolean
}

export const TARGET_ROWS_PER_SECOND = 30_000

const CHILD = new URL("./ingest-child.mjs", import.meta.url)

/** Runs IngestChild.ts on `dir` (or on nothing, for the baseline) and parses its one-line JSON answer. */
const runChild = (args: ReadonlyArray<string>): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD.pathname, ...args], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")))
    child.on("error", reject)
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? ""
      if (code !== 0) return reject(new Error(`ingest benchmark child exited with code ${code}`))
      try {
        resolve(JSON.parse(line) as ChildResult)
      } catch {
        reject(new Error(`ingest benchmark child gave no result: ${line.slice(0, 200)}`))
      }
    })
  })

/** Runs per measurement: the figure is the median run, since this machine's pace varies by ±10% from run to run. */
const RUNS = 3

const measure = async (dir: string, unitsFile: string, workers: number | "auto", baselineRssMB: number, warm = false): Promise<IngestMeasurement> => {
  const runs: Array<ChildResult> = []
  for (let i = 0; i < RUNS; i++) runs.push(await runChild([dir, unitsFile, String(workers), ...(warm ? ["warm"] : [])]))
  const r = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(RUNS / 2)]!
  return {
    ...r,
    peakRssMB: Math.max(...runs.map((x) => x.peakRssMB)),
    wallMsRuns: runs.map((x) => x.wallMs),
    rowsPerSecond: Math.round((r.rowsRead / Math.max(1, r.wallMs)) * 1000),
    baselineRssMB
  }
}

/**
 * One sheet of `rows` members under one cell's title, written with exceljs's streaming writer (the
 * in-memory writer needs gigabytes at this size). Text dates, a two-line title, Times New Roman.
 */
const writeOneFile = async (model: ProvinceModel, rows: number, file: string): Promise<void> => {
  const cell = model.units.find((u) => u.code === model.files[0]!.unitCode)!
  const parent = model.units.find((u) => u.code === cell.parentCode)
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: true })
  const ws = wb.addWorksheet("Danh sách")
  const font = { name: "Times New Roman", size: 12 }
  const put = (values: ReadonlyArray<string | number | null>) => {
    const row = ws.addRow(values as Array<string | number | null>)
    row.eachCell((c) => (c.font = font))
    row.commit()
  }
  put([(parent?.name ?? "").toLocaleUpperCase("vi"), null, null, null, null, null, null, null, "ĐẢNG CỘNG SẢN VIỆT NAM"])
  put([cell.name.toLocaleUpperCase("vi")])
  put(["DANH SÁCH ĐẢNG VIÊN"])
  put(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ghi chú"])
  const pad = (n: number) => String(n).padStart(2, "0")
  let n = 0
  outer: for (;;) {
    for (const f of model.files) {
      for (const r of f.rows) {
        if (n >= rows) break outer
        n++
        const b = r.birth
        put([
          n,
          r.name,
          b.m === null || b.d === null ? String(b.y) : `${pad(b.d)}/${pad(b.m)}/${b.y}`,
          r.sex === "M" ? "Nam" : "Nữ",
          r.hometown,
          r.cccd,
          r.cardNo,
          `${pad(r.admitted.d)}/${pad(r.admitted.m)}/${r.admitted.y}`,
          r.note === "" ? null : r.note
        ])
      }
    }
  }
  ws.commit()
  await wb.commit()
}

/** Generates both corpora in a temp directory, measures each in a child process, removes them. */
export const benchIngest = async (opts: IngestBenchOptions): Promise<IngestBenchResult> => {
  const workers = opts.workers ?? "auto"
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "recon-bench-ingest-"))
  try {
    const model = buildProvince({ members: opts.rows, seed: opts.seed })
    const unitsFile = path.join(tmp, "units.json")
    await fs.writeFile(unitsFile, JSON.stringify(model.units.map((u) => ({ code: u.code, name: u.name, parentCode: u.parentCode, parentName: u.parentName }))))
    const baseline = (await runChild(["--baseline"])).peakRssMB

    const manyDir = path.join(tmp, "rosters")
    let t0 = performance.now()
    await writeRosters(model, manyDir)
    const manyWriteMs = Math.round(performance.now() - t0)
    const many = await measure(manyDir, unitsFile, workers, baseline)
    const inRun = await measure(manyDir, unitsFile, workers, baseline, true)
    const oneThread = await measure(manyDir, unitsFile, 0, baseline)
    await fs.rm(manyDir, { recursive: true, force: true })

    const oneDir = path.join(tmp, "one")
    await fs.mkdir(oneDir)
    const oneFile = path.join(oneDir, "danh-sach.xlsx")
    t0 = performance.now()
    await writeOneFile(model, opts.oneFileRows, oneFile)
    const oneWriteMs = Math.round(performance.now() - t0)
    const fileMB = Math.round(((await fs.stat(oneFile)).size / 1048576) * 10) / 10
    const one = await measure(oneDir, unitsFile, workers, baseline)

    const slowest = Math.min(many.rowsPerSecond, one.rowsPerSecond)
    return {
      manyFiles: { ...many, corpusWriteMs: manyWriteMs },
      manyFilesInRun: inRun,
      manyFilesOneThread: oneThread,
      oneFile: { ...one, corpusWriteMs: oneWriteMs, fileMB },
      targetRowsPerSecond: TARGET_ROWS_PER_SECOND,
      meetsTarget: slowest >= TARGET_ROWS_PER_SECOND
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true })
  }
}

/** Two lines for the console. */
export const formatIngestBench = (r: IngestBenchResult): string => {
  const line = (label: string, m: IngestMeasurement) =>
    `ingest ${label}: ${m.rowsRead} rows (${m.rowsRejected} rejected) in ${m.files} files, ${(m.wallMs / 1000).toFixed(2)} s, ` +
    `${m.rowsPerSecond} rows/s (median of ${m.wallMsRuns.length} runs: ${m.wallMsRuns.map((w) => (w / 1000).toFixed(1)).join(", ")} s), peak RSS ${m.peakRssMB} MB (${m.baselineRssMB} MB at start-up)` +
    (m.workers > 0 ? `, ${m.workers} worker thread${m.workers > 1 ? "s" : ""} beside the main one` : ", main thread only")
  return [
    line("many files", r.manyFiles),
    line("many files, workers started before (as recon run)", r.manyFilesInRun),
    line("many files, one thread", r.manyFilesOneThread),
    line(`one file (${r.oneFile.fileMB} MB)`, r.oneFile),
    `  target ${r.targetRowsPerSecond} rows/s (many files and one file): ${r.meetsTarget ? "met" : "NOT met"}`
  ].join("\n")
}

/** Merges the result into `file` (reports/bench.json) under "ingest", atomically. */
export const recordIngestBench = async (file: string, r: IngestBenchResult): Promise<void> => {
  let current: Record<string, unknown> = {}
  try {
    current = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>
  } catch {
    current = {}
  }
  const next = {
    ...current,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "", totalMemoryMB: Math.round(os.totalmem() / 1048576), node: process.version },
    ingest: { ...r, measuredAt: new Date().toISOString() }
  }
  await fs.mkdir(path.dirname(file), { recursive: true })
  await writeAtomic(file, `${JSON.stringify(next, null, 2)}\n`)
}
