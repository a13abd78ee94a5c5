/**
 * `node ingest-child.mjs <rostersDir> <units.json> <workers>`: ingests the directory and prints one
 * JSON line (rows, wall time, peak RSS). `--baseline`: prints the RSS of starting up only.
 */
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import type { Unit } from "../Domain.js"
import { ingestRosters } from "../Ingest/Roster.js"

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024)
const [dir, unitsFile, workers] = process.argv.slice(2)

if (dir === "--baseline" || dir === undefined || unitsFile === undefined) {
  process.stdout.write(`${JSON.stringify({ files: 0, rowsRead: 0, rowsIngested: 0, rowsRejected: 0, filesWithErrors: 0, wallMs: 0, peakRssMB: peakRssMB() })}\n`)
} else {
  const units = JSON.parse(readFileSync(unitsFile, "utf8")) as ReadonlyArray<Unit>
  const t0 = performance.now()
  const r = await Effect.runPromise(ingestRosters(dir, units, { workers: Number(workers ?? 0) }))
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
    `${JSON.stringify({ files: r.files.length, rowsRead, rowsIngested, rowsRejected, filesWithErrors: r.files.filter((f) => f.error !== null).length, wallMs, peakRssMB: peakRssMB() })}\n`
  )
}
