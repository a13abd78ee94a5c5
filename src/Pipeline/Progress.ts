/**
 * Progress of a run on a terminal: one status line on stderr, rewritten in place, naming the stage
 * and its count (files read of total); a stage that took two seconds or more leaves one line
 * saying so. Nothing at all when stderr is not a terminal (pipes, logs, tests): silentProgress.
 * Stages that compute without yielding (matching, rules) show their line when they start and
 * their time when they end; those that read files update as each file is read.
 */
export interface Progress {
  /** A stage begins; `total` when its count has one (files). */
  readonly start: (stage: string, total?: number) => void
  /** Items of the current stage done so far. */
  readonly tick: (done: number) => void
  /** The current stage ends. */
  readonly end: () => void
}

export const silentProgress: Progress = { start: () => {}, tick: () => {}, end: () => {} }

/** What a user reads for each stage of Run.ts. */
const LABELS: Record<string, string> = {
  ingestCentral: "reading the central database",
  ingestRosters: "reading rosters",
  match: "matching",
  rules: "applying the rules",
  review: "applying review decisions",
  report: "writing the outputs",
  store: "saving to the state database"
}

export const LONG_STAGE_MS = 2000

const count = (n: number): string => n.toLocaleString("en-US")

export const terminalProgress = (write: (s: string) => void, now: () => number = () => performance.now()): Progress => {
  let stage = ""
  let total: number | undefined
  let done = 0
  let t0 = 0
  let lastDraw = 0
  let timer: ReturnType<typeof setInterval> | undefined
  const text = () => {
    const seconds = (now() - t0) / 1000
    const counted = total === undefined ? "" : `: ${count(done)} of ${count(total)} files`
    return `${LABELS[stage] ?? stage}${counted}${seconds >= LONG_STAGE_MS / 1000 ? ` · ${seconds.toFixed(1)} s` : "…"}`
  }
  const draw = () => {
    lastDraw = now()
    write(`\r\u001b[K${text()}`)
  }
  return {
    start: (s, t) => {
      if (s === stage && timer !== undefined) {
        total = t
        return draw()
      }
      stage = s
      total = t
      done = 0
      t0 = now()
      draw()
      timer = setInterval(draw, 250)
      timer.unref()
    },
    tick: (n) => {
      done = n
      if (now() - lastDraw >= 100) draw()
    },
    end: () => {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      write(now() - t0 >= LONG_STAGE_MS ? `\r\u001b[K${text()}\n` : "\r\u001b[K")
    }
  }
}
