/**
 * Exports prepared on worker threads (ImportWorker.ts) while the importing thread writes, handed
 * out in the order given. Each worker prepares one export at a time; no export is started more
 * than `workers` places ahead of the one being written, so at most that many prepared provinces
 * wait in memory. A worker that fails to start or dies leaves its export to this thread; with no
 * workers (one export, or `workers: 0`) every export is prepared here, by the same code.
 */
import { Worker } from "node:worker_threads"
import { failureMessage, type PreparedExport, prepareExport } from "./ExportRead.js"

export interface PoolJob {
  readonly id: number
  readonly file: string
  readonly given: string | undefined
  readonly signatures: ReadonlyArray<string>
}

export type PoolAnswer =
  | { readonly id: number; readonly ok: true; readonly prepared: PreparedExport }
  | { readonly id: number; readonly ok: false; readonly message: string }

/** The compiled worker beside the bundle (dist/), or under tsx the launcher that registers it. */
const WORKER_URL = import.meta.url.endsWith(".ts")
  ? new URL("./import-worker.mjs", import.meta.url)
  : new URL(import.meta.url.includes("/chunks/") ? "../ImportWorker.js" : "./ImportWorker.js", import.meta.url)

export interface ExportPool {
  /** Workers started (0: every export is prepared on this thread). */
  readonly workers: number
  /** Exports a worker has prepared so far. */
  readonly onWorkers: () => number
  /** Export i, prepared (or why it could not be); ask in order 0, 1, 2, … */
  readonly get: (i: number) => Promise<PoolAnswer>
  readonly close: () => void
}

interface Slot {
  readonly worker: Worker
  job: number | null
  alive: boolean
}

/**
 * `heapMb` caps each worker's V8 heap: V8 then collects the rows of a parsed province before its
 * heap grows past the cap instead of long after (the largest province of 5.6 M, 732,000 members,
 * prepared alone: peak RSS 1.95 GB uncapped, 1.54 GB capped at 1,100 MB, CPU time the same). A
 * province that does not fit ends its worker, and is prepared on this thread instead.
 */
export const startExportPool = (
  files: ReadonlyArray<string>,
  given: string | undefined,
  signatures: ReadonlyArray<string>,
  workers: number,
  heapMb?: number
): ExportPool => {
  const settle: Array<(a: PoolAnswer) => void> = []
  // Settled answers are not kept here once handed out: the caller holds the one it writes.
  const answers: Array<Promise<PoolAnswer> | undefined> = files.map((_, i) => new Promise<PoolAnswer>((resolve) => (settle[i] = resolve)))
  const started = new Set<number>()
  let next = 0
  let wanted = 0
  const slots: Array<Slot> = []
  let answered = 0
  const job = (id: number): PoolJob => ({ id, file: files[id]!, given, signatures: [...signatures] })
  const here = (id: number) => {
    started.add(id)
    prepareExport(files[id]!, given, signatures).then(
      (prepared) => settle[id]!({ id, ok: true, prepared }),
      (e: unknown) => settle[id]!({ id, ok: false, message: failureMessage(files[id]!, e) })
    )
  }
  const dispatch = () => {
    for (const s of slots) {
      while (next < files.length && started.has(next)) next++
      if (!s.alive || s.job !== null || next >= files.length || next > wanted + workers) continue
      s.job = next
      started.add(next)
      s.worker.postMessage(job(next++))
    }
  }
  const gone = (s: Slot) => {
    if (!s.alive) return
    s.alive = false
    // Its export, if any, is prepared here instead.
    if (s.job !== null) here(s.job)
    s.job = null
  }
  for (let w = 0; w < workers; w++) {
    let worker: Worker
    try {
      worker = new Worker(WORKER_URL, heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heapMb } })
    } catch {
      break
    }
    const s: Slot = { worker, job: null, alive: true }
    worker.on("message", (a: PoolAnswer) => {
      answered++
      if (s.job === a.id) s.job = null
      settle[a.id]!(a)
      dispatch()
    })
    worker.on("error", () => gone(s))
    worker.on("exit", () => gone(s))
    slots.push(s)
  }
  dispatch()
  return {
    workers: slots.length,
    onWorkers: () => answered,
    get: (i) => {
      wanted = Math.max(wanted, i)
      dispatch()
      if (!started.has(i) && !slots.some((s) => s.alive)) here(i)
      const a = answers[i]
      if (a === undefined) throw new Error(`export ${i} was handed out already`)
      answers[i] = undefined
      return a
    },
    close: () => {
      for (const s of slots) {
        s.alive = false
        void s.worker.terminate()
      }
    }
  }
}
