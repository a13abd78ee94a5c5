/**
 * Roster files read on this thread and on worker threads together (IngestOptions.workers).
 * Parsing xlsx is CPU-bound and fibers do not use a second core (style.md), so whole files go to
 * workers: each reads, parses and extracts a file (Roster.readRosterFile, the same code as here)
 * and returns a plain FileExtract.
 *
 * How the work is shared: this thread reads files from the front of the sorted list, and hands
 * workers files from the back, a few at a time, so nobody waits for a share computed in advance.
 * A worker takes 0.3–0.6 s to start (it loads the TypeScript modules); this thread does not wait
 * for it. When the list is used up, this thread also reads the files still queued on a worker,
 * from the one the worker will reach last, and whichever answer comes first is kept: a slow or
 * late worker can never make the run wait longer than reading those files here would. A worker that fails or dies has
 * its files read here. Results are put back in file order, so the output and the accounting are
 * exactly those of reading everything on this thread.
 *
 * A pool can be started before the files are known (`startRosterPool`): `recon run` starts it
 * while it reads the central database, so the workers have loaded their modules by the time the
 * rosters are read.
 */
import { Worker } from "node:worker_threads"
import type { Unit } from "../Domain.js"
import type { DecodeEnv } from "./Fields.js"
import type { FileExtract } from "./Roster.js"
import type { UnitAlias } from "./Units.js"

/** What reading a directory needs. */
export interface PoolRead {
  readonly dir: string
  readonly files: ReadonlyArray<string>
  readonly units: ReadonlyArray<Unit>
  readonly aliases: ReadonlyArray<UnitAlias>
  /** What values are checked against (the as-of date). */
  readonly env?: DecodeEnv
  /** Reads one file on this thread. */
  readonly read: (rel: string) => Promise<FileExtract>
}

/** What this thread sends: the directory and unit tree once, then files to read. */
export type WorkerRequest =
  | {
    readonly type: "init"
    readonly dir: string
    readonly units: ReadonlyArray<Unit>
    readonly aliases: ReadonlyArray<UnitAlias>
    readonly env?: DecodeEnv
  }
  | { readonly type: "read"; readonly id: number; readonly rel: string }

/** What a worker answers. */
export interface WorkerResponse {
  readonly id: number
  readonly extract: FileExtract
}

/**
 * Files queued on a worker: ~16 ms of work for small rosters, more than the longest this thread
 * goes without looking at its messages (YIELD_MS), so a started worker never runs dry.
 */
const IN_FLIGHT = 16
/** This thread lets worker messages in (and refills their queues) at least this often. */
const YIELD_MS = 4

/** The compiled worker beside the bundle (dist/), or under tsx the launcher that registers it. */
const WORKER_URL = import.meta.url.endsWith(".ts")
  ? new URL("./worker.mjs", import.meta.url)
  : new URL(import.meta.url.includes("/chunks/") ? "../RosterWorker.js" : "./RosterWorker.js", import.meta.url)

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Worker threads for one directory read: started now, used by `read` once, ended by `close`. */
export interface RosterPool {
  /** Workers that started. */
  readonly size: number
  /** Reads the files on this thread and the workers together; never rejects for a worker's sake. */
  read(input: PoolRead): Promise<Array<FileExtract>>
  /** Ends the workers (idempotent; `read` ends them too). */
  close(): void
}

interface Slot {
  readonly worker: Worker
  readonly queued: Set<number>
  alive: boolean
}

export const startRosterPool = (workers: number): RosterPool => {
  const slots: Array<Slot> = []
  /** Set while a read runs: where worker events go. */
  let onAnswer: ((slot: Slot, m: WorkerResponse) => void) | null = null
  let onGone: ((slot: Slot) => void) | null = null
  for (let w = 0; w < workers; w++) {
    let worker: Worker
    try {
      worker = new Worker(WORKER_URL)
    } catch {
      // No thread to be had (resource limits): this thread reads it all.
      continue
    }
    const slot: Slot = { worker, queued: new Set(), alive: true }
    slots.push(slot)
    const gone = () => {
      if (!slot.alive) return
      slot.alive = false
      onGone?.(slot)
    }
    worker.on("message", (m: WorkerResponse) => onAnswer?.(slot, m))
    worker.on("error", gone)
    worker.on("exit", gone)
  }
  const close = () => {
    for (const s of slots) {
      s.alive = false
      void s.worker.terminate()
    }
  }
  let used = false

  const read = async (input: PoolRead): Promise<Array<FileExtract>> => {
    if (used) throw new Error("a roster pool reads one directory")
    used = true
    const { files } = input
    const n = files.length
    const out: Array<FileExtract | undefined> = new Array(n)
    let filled = 0
    const put = (i: number, x: FileExtract) => {
      if (out[i] !== undefined) return
      out[i] = x
      filled++
    }
    /** Files [front, back) are not yet given to anyone. */
    let front = 0
    let back = n
    /** Files given to a worker that has gone: read here. */
    const orphans: Array<number> = []
    let wake: (() => void) | null = null
    const notify = () => {
      const w = wake
      wake = null
      w?.()
    }
    const refill = (s: Slot) => {
      while (s.alive && s.queued.size < IN_FLIGHT && front < back) {
        const id = --back
        s.queued.add(id)
        s.worker.postMessage({ type: "read", id, rel: files[id]! } satisfies WorkerRequest)
      }
    }
    onAnswer = (slot, m) => {
      slot.queued.delete(m.id)
      put(m.id, m.extract)
      refill(slot)
      notify()
    }
    onGone = (slot) => {
      for (const id of slot.queued) if (out[id] === undefined) orphans.push(id)
      slot.queued.clear()
      notify()
    }
    for (const s of slots) {
      if (!s.alive) continue
      try {
        s.worker.postMessage({ type: "init", dir: input.dir, units: input.units, aliases: input.aliases, env: input.env } satisfies WorkerRequest)
      } catch {
        // Data that cannot be sent to a thread: this worker is of no use.
        s.alive = false
        continue
      }
      refill(s)
    }

    /** The next file for this thread: its own share, then orphans, then the file a worker will reach last. */
    const readingHere = new Set<number>()
    const take = (): number | undefined => {
      if (front < back) return front++
      while (orphans.length > 0) {
        const id = orphans.pop()!
        if (out[id] === undefined) return id
      }
      // Workers take their queue from the highest index down.
      let best: number | undefined
      for (const s of slots) for (const id of s.queued) if (out[id] === undefined && !readingHere.has(id) && (best === undefined || id < best)) best = id
      return best
    }

    try {
      let lastYield = performance.now()
      while (filled < n) {
        const id = take()
        if (id === undefined) {
          // Everything left is queued on a worker and already read here: wait for an answer.
          await new Promise<void>((resolve) => (wake = resolve))
          continue
        }
        readingHere.add(id)
        put(id, await input.read(files[id]!))
        if (performance.now() - lastYield >= YIELD_MS) {
          await nextMacrotask()
          lastYield = performance.now()
        }
      }
    } finally {
      onAnswer = null
      onGone = null
      close()
    }
    return out as Array<FileExtract>
  }
  return { size: slots.length, read, close }
}
