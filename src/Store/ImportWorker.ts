/**
 * The worker side of ImportPool.ts: prepares the exports it is sent (ExportRead.prepareExport),
 * one at a time, and answers with the result, its typed arrays transferred; after the last, it may
 * be sent a new index's keys to sort (KeySort.sortRuns).
 */
import { parentPort } from "node:worker_threads"
import { failureMessage, prepareExport, transferables } from "./ExportRead.js"
import type { PoolAnswer, PoolJob, SortJob } from "./ImportPool.js"
import { sortRuns } from "./KeySort.js"

const port = parentPort!

port.on("message", (job: PoolJob | SortJob) => {
  if ("runs" in job) {
    const sorted = sortRuns(job.runs)
    port.postMessage({ sorted }, [sorted.start.buffer, sorted.lo.buffer, sorted.member.buffer] as Array<ArrayBuffer>)
    return
  }
  prepareExport(job.file, job.given, job.signatures).then(
    (prepared) => port.postMessage({ id: job.id, ok: true, prepared } satisfies PoolAnswer, transferables(prepared)),
    (e: unknown) => port.postMessage({ id: job.id, ok: false, message: failureMessage(job.file, e) } satisfies PoolAnswer)
  )
})
