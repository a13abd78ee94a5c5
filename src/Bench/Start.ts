/**
 * Start-up figures of the shipped CLI (dist/recon.js, built by `npm run build`): `recon --version`,
 * `recon run --help` and the whole sample run (`npm start`), each the median of a few runs in a
 * fresh process, beside `node -e 0` measured in the same moments (the machine's load moves all of
 * them; the baseline says how much).
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { projectRoot } from "../Pipeline/Names.js"

export const TARGET_VERSION_MS = 300
export const TARGET_SAMPLE_MS = 1500

export interface StartBench {
  readonly nodeBaselineMs: number
  readonly versionMs: number
  readonly helpMs: number
  readonly sampleRunMs: number
  /** CPU time (user + system) of the same processes, median; null where the system does not say (no /proc). */
  readonly cpuMs: { readonly version: number | null; readonly help: number | null; readonly sampleRun: number | null }
  readonly meetsTargets: { readonly version: boolean; readonly sampleRun: boolean }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** CPU milliseconds of the children this process has waited for (Linux /proc: cutime + cstime), or null. */
const childrenCpuMs = (): number | null => {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    // Fields 16 and 17 of stat(5), counted from the state (field 3) here; clock ticks of 10 ms.
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return null
  }
}

/** Wall and CPU milliseconds of one process; throws when it fails. */
const timeProcess = (args: ReadonlyArray<string>, cwd: string, cpu?: Array<number | null>): number => {
  const c0 = childrenCpuMs()
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
  const ms = performance.now() - t0
  const c1 = childrenCpuMs()
  cpu?.push(c0 === null || c1 === null ? null : c1 - c0)
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited with ${r.status}: ${String(r.stderr).split("\n")[0]}`)
  return ms
}

const medianOrNull = (xs: ReadonlyArray<number | null>): number | null =>
  xs.length === 0 || xs.some((x) => x === null) ? null : median(xs as ReadonlyArray<number>)

export const benchStart = (runs = 5): StartBench => {
  const root = projectRoot()
  const entry = path.join(root, "dist", "recon.js")
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: build it first (npm run build)`)
  const base: Array<number> = []
  const version: Array<number> = []
  const help: Array<number> = []
  const sample: Array<number> = []
  const cpu = { version: [] as Array<number | null>, help: [] as Array<number | null>, sample: [] as Array<number | null> }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recon-bench-start-"))
  try {
    for (let i = 0; i < runs; i++) {
      base.push(timeProcess(["-e", "0"], root))
      version.push(timeProcess([entry, "--version"], root, cpu.version))
      help.push(timeProcess([entry, "run", "--help"], root, cpu.help))
      if (i < 3) {
        const out = path.join(tmp, String(i))
        sample.push(timeProcess([entry, "run", "--pipeline", "sample", "--out", out], root, cpu.sample))
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  const r = (x: number) => Math.round(x)
  const s: Omit<StartBench, "meetsTargets"> = {
    nodeBaselineMs: r(median(base)),
    versionMs: r(median(version)),
    helpMs: r(median(help)),
    sampleRunMs: r(median(sample)),
    cpuMs: { version: medianOrNull(cpu.version), help: medianOrNull(cpu.help), sampleRun: medianOrNull(cpu.sample) }
  }
  return { ...s, meetsTargets: { version: s.versionMs <= TARGET_VERSION_MS, sampleRun: s.sampleRunMs <= TARGET_SAMPLE_MS } }
}

const cpuOf = (ms: number | null): string => (ms === null ? "" : ` / ${ms} ms CPU`)

export const formatStartBench = (s: StartBench): string =>
  `start (dist/recon.js, median, wall / CPU): --version ${s.versionMs} ms${cpuOf(s.cpuMs.version)} (target ≤ ${TARGET_VERSION_MS} ms: ${s.meetsTargets.version ? "met" : "NOT met"}), ` +
  `run --help ${s.helpMs} ms${cpuOf(s.cpuMs.help)}, sample run (npm start) ${s.sampleRunMs} ms${cpuOf(s.cpuMs.sampleRun)} (target ≤ ${TARGET_SAMPLE_MS} ms: ${s.meetsTargets.sampleRun ? "met" : "NOT met"}); ` +
  `node -e 0 ${s.nodeBaselineMs} ms at the same time`
