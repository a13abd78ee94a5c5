/**
 * Roster files read on worker threads (IngestOptions.workers; off by default). Parsing xlsx is
 * CPU-bound and fibers do not use a second core (style.md), so whole files go to a small pool:
 * each worker reads, parses and extracts a file (Roster.readRosterFile, the same code as
 * in-process) and returns plain FileExtracts. Results are put back in file order, so the output
 * and the accounting are the same as reading in-process. A worker that dies has its files re-read
 * in this thread: nothing is lost. Why it is off by default: see IngestOptions.workers.
 */
import { Worker } from "node:worker_threads"
import type { Unit } from "../Domain.js"
import type { FileExtract } from "./Roster.js"
import type { UnitAlias } from "./Units.js"

export interface PoolInput {
  readonly dir: string
  readonly files: ReadonlyArray<string>
  readonly units: ReadonlyArray<Unit>
  readonly aliases: ReadonlyArray<UnitAlias>
  readonly workers: number
  /** Reads one file in this thread: the files of a worker that failed (or could not start). */
  readonly fallback: (rel: string) => Promise<FileExtract>
}

/** What the main thread sends: one file to read. */
export interface WorkerRequest {
  readonly id: number
  readonly rel: string
}

/** What a worker answers. */
export interface WorkerResponse {
  readonly id: number
  readonly extract: FileExtract
}

export interface WorkerInit {
  readonly dir: string
  readonly units: ReadonlyArray<Unit>
  readonly aliases: ReadonlyArray<UnitAlias>
}

/** Files in flight per worker: enough to hide the message round trip, few enough to balance the load. */
const IN_FLIGHT = 4

const WORKER_URL = new URL("./worker.mjs", import.meta.url)

export const readWithWorkers = (input: PoolInput): Promise<Array<FileExtract>> =>
  new Promise((resolve) => {
    const { files } = input
    const out: Array<FileExtract | undefined> = new Array(files.length)
    let done = 0
    let next = 0
    const orphans: Array<number> = []
    let live = 0
    let finished = false

    const finish = async () => {
      if (finished) return
      finished = true
      // Files no worker could read (a worker died, or none started) are read here.
      for (let i = 0; i < files.length; i++) if (out[i] === undefined) out[i] = await input.fallback(files[i]!)
      resolve(out as Array<FileExtract>)
    }

    const take = (): number | undefined => (orphans.length > 0 ? orphans.pop() : next < files.length ? next++ : undefined)

    const start = () => {
      const inFlight = new Set<number>()
      const worker = new Worker(WORKER_URL, {
        workerData: { dir: input.dir, units: input.units, aliases: input.aliases } satisfies WorkerInit
      })
      live++
      let closed = false
      const feed = () => {
        while (inFlight.size < IN_FLIGHT) {
          const id = take()
          if (id === undefined) break
          inFlight.add(id)
          worker.postMessage({ id, rel: files[id]! } satisfies WorkerRequest)
        }
        if (inFlight.size === 0) void worker.terminate()
      }
      const close = () => {
        if (closed) return
        closed = true
        live--
        for (const id of inFlight) if (out[id] === undefined) orphans.push(id)
        inFlight.clear()
        if (live === 0) void finish()
      }
      worker.on("message", (m: WorkerResponse) => {
        inFlight.delete(m.id)
        if (out[m.id] === undefined) {
          out[m.id] = m.extract
          done++
        }
        if (done === files.length) {
          void worker.terminate()
          return
        }
        feed()
      })
      worker.on("error", close)
      worker.on("exit", close)
      feed()
    }

    if (files.length === 0) return resolve([])
    for (let w = 0; w < Math.max(1, input.workers); w++) start()
  })
