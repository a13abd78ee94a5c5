/**
 * `node ingest-child.mjs <rostersDir> <units.json> [workers|auto] [warm]`: ingests the directory and prints
 * one JSON line (rows, wall time, peak RSS). `warm`: the worker threads are started 1.5 s before
 * the clock starts, as `recon run` starts them before reading the central database (2.9 s for the
 * 100,000-member province), so their start-up is not counted. `--baseline`: prints the RSS of
 * starting up only.
 */
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import type { Unit } from "../Domain.js"
import { startRosterPool } from "../Ingest/Pool.js"
import { listRosterFiles } from "../Ingest/Roster.js"
import { autoWorkers, ingestRosters } from "../Ingest/Rosters.js"

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024)
const [dir, unitsFile, workers, warm] = process.argv.slice(2)

if (dir === "--baseline" || dir === undefined || unitsFile === undefined) {
  process.stdout.write(`${JSON.stringify({ files: 0, rowsRead: 0, rowsIngested: 0, rowsRejected: 0, filesWithErrors: 0, workers: 0, wallMs: 0, peakRssMB: peakRssMB() })}\n`)
} else {
  const units = JSON.parse(readFileSync(unitsFile, "utf8")) as ReadonlyArray<Unit>
  const chosen = workers === undefined || workers === "auto" ? undefined : Number(workers)
  let pool = null
  if (warm === "warm") {
    pool = startRosterPool(chosen ?? autoWorkers((await listRosterFiles(dir)).length))
    await new Promise((resolve) => setTimeout(resolve, 1500))
  }
  const t0 = performance.now()
  const r = await Effect.runPromise(ingestRosters(dir, units, pool !== null ? { pool } : chosen === undefined ? {} : { workers: chosen }))
  const wallMs = Math.round(performance.now() - t0)
  let rowsRead = 0
  let rowsIngested = 0
  let rowsRejected = 0
  for (const f of r.files) {
    rowsRead += f.rowsRead
    rowsIngested += f.rowsIngested
    rowsRejected += f.rowsRejected
  }
  process.stdout.write(
    `${JSON.stringify({ files: r.files.length, rowsRead, rowsIngested, rowsRejected, filesWithErrors: r.files.filter((f) => f.error !== null).length, workers: chosen ?? autoWorkers(r.files.length), wallMs, peakRssMB: peakRssMB() })}\n`
  )
}
