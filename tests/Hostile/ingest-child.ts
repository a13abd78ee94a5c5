/**
 * `node --import tsx tests/Hostile/ingest-child.ts <rostersDir>`: ingests the directory as
 * `recon run` does and prints the files and issues as one JSON line. The tree-attack tests run it
 * as an unprivileged user when they run as root, where chmod 000 does not stop a read.
 */
import { Effect } from "effect"
import { readCentral } from "../../src/Ingest/Central.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"

const dir = process.argv[2]!
const central = await Effect.runPromise(readCentral("samples/central.xlsx"))
const r = await Effect.runPromise(ingestRosters(dir, central.data.units, { workers: 0 }).pipe(Effect.withLogSpan("child")))
process.stdout.write(`${JSON.stringify({ files: r.files, rejections: r.rejections, warnings: r.warnings, rows: r.rows.length })}\n`)
