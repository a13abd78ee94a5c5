/**
 * `recon bench --national <dir>` / `--national-size N[,N…]`: the national bench (issue 12). Each
 * step runs the shipped CLI in a child process, so its wall time, CPU time and peak RSS are its
 * own (a preloaded hook writes the child's process.resourceUsage() at exit):
 *
 *   generate  `recon samples national` (only with --national-size: a temp folder, deleted after)
 *   import    `recon central import exports/*.sqlite --into national.sqlite` (records/s)
 *   run       `recon run --central national.sqlite --rosters rosters --province <code>`
 *   evaluate  in this process: the run against truth.json, moves between provinces included
 *
 * with the load average before each step (the machine is shared: figures are only comparable
 * within one sitting). Figures go to reports/bench.json, section "national", keyed by the number of
 * central records, so runs at 1 M, 3 M and 5.6 M accumulate into the scaling table.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import type { Evaluation } from "../Evaluate/Evaluate.js"
import type { PipelineDeclaration } from "../Pipeline/Declaration.js"

export interface StepFigures {
  readonly wallMs: number
  readonly cpuMs: number
  readonly peakRssMB: number
  /** 1-minute load average when the step started, and when it ended. */
  readonly loadBefore: number
  readonly loadAfter: number
  readonly exitCode: number
  /** The last lines the command printed. */
  readonly output: string
}

export interface NationalBench {
  readonly dir: string
  readonly centralRecords: number
  readonly provinces: number
  readonly rosterProvince: string
  readonly rosterRows: number
  readonly rosterFiles: number
  readonly generate?: StepFigures
  readonly import: StepFigures & { readonly recordsPerSecond: number; readonly indexMB: number }
  readonly run: StepFigures
  readonly quality?: {
    readonly linkPrecision: number
    readonly linkRecall: number
    readonly crossProvince?: Evaluation["crossProvince"]
    readonly categories: Readonly<Record<string, { planted: number; found: number; precision: number; recall: number }>>
    readonly decoysFlagged: Readonly<Record<string, string>>
  }
}

const PRELOAD = `const fs = require("node:fs")
process.on("exit", () => {
  try {
    const u = process.resourceUsage()
    fs.writeFileSync(process.env.RECON_BENCH_USAGE, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKB: u.maxRSS }))
  } catch {}
})
`

const load1 = (): number => Math.round(os.loadavg()[0]! * 100) / 100

/** Runs `node <entry> …args` with the usage hook; its figures, and its output's last lines. */
export const timeChild = async (entry: string, args: ReadonlyArray<string>, nodeArgs: ReadonlyArray<string> = []): Promise<StepFigures> => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "recon-bench-usage-"))
  const preload = path.join(tmp, "usage.cjs")
  const usageFile = path.join(tmp, "usage.json")
  await fs.writeFile(preload, PRELOAD)
  const loadBefore = load1()
  const t0 = performance.now()
  let head = ""
  let output = ""
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, "--require", preload, entry, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", RECON_BENCH_USAGE: usageFile }
    })
    // The first lines (the import's totals, the run's subset) and the last (its findings).
    const keep = (b: Buffer) => {
      const text = b.toString("utf8")
      if (head.length < 2000) head += text.slice(0, 2000 - head.length)
      output = (output + text).slice(-4000)
    }
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    child.on("error", reject)
    child.on("exit", (code) => resolve(code ?? 1))
  })
  const wallMs = Math.round(performance.now() - t0)
  const usage = JSON.parse(await fs.readFile(usageFile, "utf8").catch(() => "{}")) as { cpuMs?: number; maxRssKB?: number }
  await fs.rm(tmp, { recursive: true, force: true })
  return {
    wallMs, cpuMs: Math.round(usage.cpuMs ?? -1), peakRssMB: Math.round((usage.maxRssKB ?? -1024) / 1024), loadBefore, loadAfter: load1(), exitCode,
    output: output.length < 4000 ? output.trim() : `${head.trim()}\n…\n${output.trim().split("\n").slice(-12).join("\n")}`
  }
}

const check = (what: string, s: StepFigures): StepFigures => {
  if (s.exitCode !== 0) throw new Error(`${what} exited with code ${s.exitCode}:\n${s.output}`)
  return s
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d

interface NationalManifest {
  readonly centralRecords: number
  readonly rosterProvince: string
  readonly exports: ReadonlyArray<{ readonly file: string }>
}

/** Import, run and evaluate a folder made by `recon samples national`. */
export const benchNationalDir = async (decl: PipelineDeclaration, entry: string, dir: string, generate?: StepFigures): Promise<NationalBench> => {
  const manifest = JSON.parse(await fs.readFile(path.join(dir, "national.json"), "utf8")) as NationalManifest
  const index = path.join(dir, "national.sqlite")
  const out = path.join(dir, "out")
  await fs.rm(index, { force: true })
  await fs.rm(out, { recursive: true, force: true })
  const imported = check("recon central import", await timeChild(entry, ["central", "import", ...manifest.exports.map((e) => path.join(dir, e.file)), "--into", index, "--pipeline", decl.name]))
  const indexMB = Math.round((await fs.stat(index)).size / 1048576)
  const run = check("recon run", await timeChild(entry, [
    "run", "--central", index, "--rosters", path.join(dir, "rosters"), "--out", out, "--province", manifest.rosterProvince,
    "--as-of", "2026-10-31", "--pipeline", decl.name
  ]))
  const truthFile = path.join(dir, "truth.json")
  const truth = JSON.parse(await fs.readFile(truthFile, "utf8")) as { rows: Array<unknown>; rosterFiles: number }
  const { Effect } = await import("effect")
  const { evaluateRun } = await import("../Evaluate/Run.js")
  const e = await Effect.runPromise(evaluateRun({ truth: truthFile, run: out, settings: decl.match, blocking: false })).catch(() => undefined)
  return {
    dir,
    centralRecords: manifest.centralRecords,
    provinces: manifest.exports.length,
    rosterProvince: manifest.rosterProvince,
    rosterRows: truth.rows.length,
    rosterFiles: truth.rosterFiles,
    ...(generate === undefined ? {} : { generate }),
    import: { ...imported, recordsPerSecond: Math.round(manifest.centralRecords / (imported.wallMs / 1000)), indexMB },
    run,
    ...(e === undefined ? {} : {
      quality: {
        linkPrecision: round(e.links.precision),
        linkRecall: round(e.links.recall),
        crossProvince: e.crossProvince,
        categories: Object.fromEntries(e.categories.filter((c) => c.planted + c.found > 0).map((c) => [c.category, { planted: c.planted, found: c.found, precision: round(c.precision), recall: round(c.recall) }])),
        decoysFlagged: Object.fromEntries(e.decoys.map((d) => [d.kind, `${d.flagged} of ${d.planted}`]))
      }
    })
  }
}

/** Generate a nation of `members` (34 provinces, the rosters of 150,000 members of Ninh Bình), bench it, delete it. */
export const benchNationalSize = async (decl: PipelineDeclaration, entry: string, members: number, seed: number): Promise<NationalBench> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "recon-national-bench-"))
  try {
    const generate = check("recon samples national", await timeChild(entry, [
      "samples", "national", "--members", String(members), "--provinces", "34", "--roster-province", "037", "--roster-members", "150000",
      "--seed", String(seed), "--out", dir
    ]))
    return await benchNationalDir(decl, entry, dir, generate)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const step = (name: string, f: StepFigures): string =>
  `  ${name.padEnd(9)} ${s(f.wallMs).padStart(8)} wall, ${s(f.cpuMs).padStart(8)} CPU, peak RSS ${String(f.peakRssMB).padStart(5)} MB (load ${f.loadBefore} → ${f.loadAfter})`

export const formatNationalBench = (b: NationalBench): string => {
  const lines = [
    `national: ${b.centralRecords.toLocaleString("en-US")} central records in ${b.provinces} provinces; rosters of ${b.rosterProvince}: ${b.rosterRows} rows in ${b.rosterFiles} files`
  ]
  if (b.generate !== undefined) lines.push(step("generate", b.generate))
  lines.push(`${step("import", b.import)}, ${b.import.recordsPerSecond.toLocaleString("en-US")} records/s, index ${b.import.indexMB} MB`)
  lines.push(step("run", b.run))
  const q = b.quality
  if (q !== undefined) {
    lines.push(`  links: precision ${q.linkPrecision}, recall ${q.linkRecall}`)
    const x = q.crossProvince
    if (x !== undefined) {
      lines.push(
        `  moves between provinces: UNREPORTED_TRANSFER precision ${round(x.unreportedTransfer.precision)}, recall ${round(x.unreportedTransfer.recall)} ` +
          `(planted ${x.unreportedTransfer.planted}, found ${x.unreportedTransfer.found}, matched ${x.unreportedTransfer.matched}; typed with errors ${x.withErrors.matched} of ${x.withErrors.planted}); ` +
          `moved out found as MISSING_FROM_ROSTER ${x.movedOut.matched} of ${x.movedOut.planted}`
      )
    }
    for (const [c, v] of Object.entries(q.categories)) lines.push(`  ${c.padEnd(20)} planted ${v.planted}, found ${v.found}, precision ${v.precision}, recall ${v.recall}`)
    lines.push(`  decoys flagged: ${Object.entries(q.decoysFlagged).map(([k, v]) => `${k} ${v}`).join(", ")}`)
  }
  return lines.join("\n")
}
