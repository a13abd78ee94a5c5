/**
 * Progress of a run on a terminal: one status line on stderr, rewritten in place, naming the stage
 * and its count (files read of total, candidate pairs scored, workbook rows written); a stage that
 * took two seconds or more leaves one line saying so. Nothing at all when stderr is not a terminal
 * (pipes, logs, tests) or under NO_COLOR / TERM=dumb: silentProgress (progressFor decides).
 * Matching computes without yielding, so its line is redrawn from the count callback itself
 * (Engine.compareBlocks calls it every 65,536 pairs), never from a timer.
 */
export interface Progress {
  /** A stage begins; `total` when its count has one, of `unit` ("files", "pairs scored", "rows written"). */
  readonly start: (stage: string, total?: number, unit?: string) => void
  /** Items of the current stage done so far. */
  readonly tick: (done: number) => void
  /** `done` of `total` `unit` in the current stage (sets the count the first time, then ticks). */
  readonly count: (done: number, total: number, unit: string) => void
  /** The current stage ends. */
  readonly end: () => void
}

export const silentProgress: Progress = { start: () => {}, tick: () => {}, count: () => {}, end: () => {} }

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
  let unit = "files"
  let done = 0
  let t0 = 0
  let lastDraw = 0
  let timer: ReturnType<typeof setInterval> | undefined
  const text = () => {
    const seconds = (now() - t0) / 1000
    const counted = total === undefined ? "" : `: ${count(done)} of ${count(total)} ${unit}`
    return `${LABELS[stage] ?? stage}${counted}${seconds >= LONG_STAGE_MS / 1000 ? ` · ${seconds.toFixed(1)} s` : "…"}`
  }
  const draw = () => {
    lastDraw = now()
    write(`\r\u001b[K${text()}`)
  }
  return {
    start: (s, t, u = "files") => {
      unit = u
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
    count: (n, t, u) => {
      const first = total !== t || unit !== u
      total = t
      unit = u
      done = n
      if (first || now() - lastDraw >= 100) draw()
    },
    end: () => {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      write(now() - t0 >= LONG_STAGE_MS ? `\r\u001b[K${text()}\n` : "\r\u001b[K")
    }
  }
}

/**
 * The progress a run shows on this stream: the live line only on a terminal, and not under NO_COLOR
 * or TERM=dumb (whose users asked for plain output); nothing in pipes and logs.
 */
export const progressFor = (
  stream: { readonly isTTY?: boolean; readonly write: (s: string) => unknown },
  env: Record<string, string | undefined>
): Progress =>
  stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== "dumb" ? terminalProgress((s) => void stream.write(s)) : silentProgress
