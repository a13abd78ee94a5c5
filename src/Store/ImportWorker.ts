/**
 * The worker side of ImportPool.ts: prepares the exports it is sent (ExportRead.prepareExport),
 * one at a time, and answers with the result, its typed arrays transferred.
 */
import { parentPort } from "node:worker_threads"
import { failureMessage, prepareExport, transferables } from "./ExportRead.js"
import type { PoolAnswer, PoolJob } from "./ImportPool.js"

const port = parentPort!

port.on("message", (job: PoolJob) => {
  prepareExport(job.file, job.given, job.signatures).then(
    (prepared) => port.postMessage({ id: job.id, ok: true, prepared } satisfies PoolAnswer, transferables(prepared)),
    (e: unknown) => port.postMessage({ id: job.id, ok: false, message: failureMessage(job.file, e) } satisfies PoolAnswer)
  )
})
