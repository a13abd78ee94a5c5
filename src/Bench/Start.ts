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
  readonly meetsTargets: { readonly version: boolean; readonly sampleRun: boolean }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Wall milliseconds of one process; throws when it fails. */
const timeProcess = (args: ReadonlyArray<string>, cwd: string): number => {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited with ${r.status}: ${String(r.stderr).split("\n")[0]}`)
  return ms
}

export const benchStart = (runs = 5): StartBench => {
  const root = projectRoot()
  const entry = path.join(root, "dist", "recon.js")
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: build it first (npm run build)`)
  const base: Array<number> = []
  const version: Array<number> = []
  const help: Array<number> = []
  const sample: Array<number> = []
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recon-bench-start-"))
  try {
    for (let i = 0; i < runs; i++) {
      base.push(timeProcess(["-e", "0"], root))
      version.push(timeProcess([entry, "--version"], root))
      help.push(timeProcess([entry, "run", "--help"], root))
      if (i < 3) {
        const out = path.join(tmp, String(i))
        sample.push(timeProcess([entry, "run", "--pipeline", "sample", "--out", out], root))
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
    sampleRunMs: r(median(sample))
  }
  return { ...s, meetsTargets: { version: s.versionMs <= TARGET_VERSION_MS, sampleRun: s.sampleRunMs <= TARGET_SAMPLE_MS } }
}

export const formatStartBench = (s: StartBench): string =>
  `start (dist/recon.js, median): --version ${s.versionMs} ms (target ≤ ${TARGET_VERSION_MS}: ${s.meetsTargets.version ? "met" : "NOT met"}), ` +
  `run --help ${s.helpMs} ms, sample run (npm start) ${s.sampleRunMs} ms (target ≤ ${TARGET_SAMPLE_MS}: ${s.meetsTargets.sampleRun ? "met" : "NOT met"}); ` +
  `node -e 0 ${s.nodeBaselineMs} ms at the same time`
