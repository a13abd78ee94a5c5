/**
 * Exports prepared on worker threads (ImportWorker.ts) while the importing thread writes, handed
 * out in the order given. Each worker prepares one export at a time. An export may start when it
 * is at most `workers` places ahead of the one being written, or when the exports started ahead of
 * that one come to at most AHEAD_BYTES of files: a worker does not idle beside a large province
 * being prepared (Hà Nội first: the other worker had stopped after two exports, a core idle for
 * ten seconds), and what waits in memory stays bounded. Of those that may start, a worker takes
 * the one being waited for, else the largest (the index is the same whatever order they are
 * prepared in: they are written in the order given). A worker that fails to start or dies
 * leaves its export to this thread; with no workers (one export, or `workers: 0`) every export is
 * prepared here, by the same code.
 */
import * as fs from "node:fs"
import { Worker } from "node:worker_threads"
import { failureMessage, type PreparedExport, prepareExport } from "./ExportRead.js"
import { type Run, type SortedKeys, sortRuns } from "./KeySort.js"

/**
 * Export bytes that may be prepared ahead of the one being written, past the first `workers`: a
 * prepared province takes about twice its SQLite file in memory (its texts as UTF-8, its keys).
 */
const AHEAD_BYTES = 256 << 20

/**
 * A worker's young generation: a batch of rows (ExportRead.ts) is read, parsed, keyed and encoded
 * before the next, so with room for a batch's garbage most of it dies unscavenged. Preparing the
 * 5.6 M nation on two workers: 88–93 s with V8's default, 70–81 s at 128 MB (one run each at 64 MB,
 * 88 s, and 256 MB, 87 s, on a machine whose speed drifts by a tenth).
 */
const YOUNG_MB = 128

export interface PoolJob {
  readonly id: number
  readonly file: string
  readonly given: string | undefined
  readonly signatures: ReadonlyArray<string>
}

/** The keys of a new index, to sort on a worker (KeySort.sortRuns). */
export interface SortJob {
  readonly runs: Array<Run>
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
  /**
   * After the last export: the keys sorted on a worker (handed over, not copied), while this
   * thread goes on; the other workers end. With no worker left, sorted here.
   */
  readonly sortKeys: (runs: Array<Run>) => Promise<SortedKeys>
  readonly close: () => void
}

interface Slot {
  readonly worker: Worker
  job: number | null
  alive: boolean
  /** A key sort sent to it: settled by its answer, failed if it dies first. */
  sorting: { resolve: (s: SortedKeys) => void; reject: (e: Error) => void } | null
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
  const sizes = files.map((f) => fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0)
  /** File bytes of the exports started beyond the one asked for last. */
  const ahead = () => {
    let bytes = 0
    for (const j of started) if (j > wanted) bytes += sizes[j]!
    return bytes
  }
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
  /**
   * The export an idle worker takes: the one being waited for if not started, else the largest
   * that may start (so the small ones are left for the end, when a worker would otherwise idle
   * beside the last large one); null when none may.
   */
  const pick = (): number | null => {
    while (next < files.length && started.has(next)) next++
    if (next >= files.length) return null
    if (wanted >= next && !started.has(wanted)) return wanted
    const budget = AHEAD_BYTES - ahead()
    let best: number | null = null
    for (let j = next; j < files.length; j++) {
      if (started.has(j)) continue
      if (j > wanted + workers && sizes[j]! > budget) {
        // Exports further on are only allowed by the budget, which the smallest may still fit.
        continue
      }
      if (best === null || sizes[j]! > sizes[best]!) best = j
    }
    return best
  }
  const dispatch = () => {
    for (const s of slots) {
      if (!s.alive || s.job !== null) continue
      const j = pick()
      if (j === null) return
      s.job = j
      started.add(j)
      s.worker.postMessage(job(j))
    }
  }
  const gone = (s: Slot) => {
    if (!s.alive) return
    s.alive = false
    s.sorting?.reject(new Error("the worker sorting the keys stopped before it was done"))
    s.sorting = null
    // Its export, if any, is prepared here instead.
    if (s.job !== null) here(s.job)
    s.job = null
  }
  for (let w = 0; w < workers; w++) {
    let worker: Worker
    try {
      worker = new Worker(WORKER_URL, {
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB, ...(heapMb === undefined ? {} : { maxOldGenerationSizeMb: heapMb }) }
      })
    } catch {
      break
    }
    const s: Slot = { worker, job: null, alive: true, sorting: null }
    worker.on("message", (a: PoolAnswer | { readonly sorted: SortedKeys }) => {
      if ("sorted" in a) {
        s.sorting?.resolve(a.sorted)
        s.sorting = null
        return
      }
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
    sortKeys: (runs) => {
      const s = slots.find((x) => x.alive && x.job === null)
      for (const x of slots) {
        if (x === s) continue
        x.alive = false
        void x.worker.terminate()
      }
      if (s === undefined) return Promise.resolve(sortRuns(runs))
      return new Promise<SortedKeys>((resolve, reject) => {
        s.sorting = { resolve, reject }
        s.worker.postMessage({ runs } satisfies SortJob, runs.flatMap((r) => [r.keys.buffer, r.record.buffer]) as Array<ArrayBuffer>)
      })
    },
    close: () => {
      for (const s of slots) {
        s.alive = false
        void s.worker.terminate()
      }
    }
  }
}
