/**
 * Where the state database is. A run keeps it in its output folder (`<out>/state.sqlite`) unless
 * `--db` names another, and records the choice in run.json (`stateDb`); the commands that read a
 * run (review import / status / history, explain) find it from `--db`, else from `--run <out>`,
 * else next to the review workbooks given, else in the current folder (a run's output folder).
 * Reading never creates a database: when none is found, the message lists every place looked at.
 */
import * as fs from "node:fs"
import * as path from "node:path"

export const STATE_DB_FILE = "state.sqlite"

/** The database a run in `out` uses when --db is not given. */
export const defaultStateDb = (out: string): string => path.join(out, STATE_DB_FILE)

/** run.json's `stateDb` in `dir`, if run.json is there and says. */
const recordedIn = (dir: string): string | undefined => {
  try {
    const run = JSON.parse(fs.readFileSync(path.join(dir, "run.json"), "utf8")) as { stateDb?: unknown }
    return typeof run.stateDb === "string" ? run.stateDb : undefined
  } catch {
    return undefined
  }
}

/** Candidates for a run folder, best first: what its run.json records, then `<dir>/state.sqlite`. */
const candidatesIn = (dir: string): Array<string> => {
  const recorded = recordedIn(dir)
  return [...(recorded === undefined ? [] : [recorded]), defaultStateDb(dir)]
}

export interface LocateInput {
  /** --db: used as given (the store then says if it is missing). */
  readonly db?: string
  /** --run: a run's output folder. */
  readonly run?: string
  /** Files that came out of a run (review workbooks): their folders are looked in. */
  readonly near?: ReadonlyArray<string>
}

/** The database to read, or the one-line message saying where none was found. */
export const locateStateDb = (o: LocateInput): { readonly db: string } | { readonly error: string } => {
  if (o.db !== undefined) return { db: o.db }
  const near = [...new Set((o.near ?? []).map((f) => path.dirname(f)))]
  const dirs = o.run !== undefined ? [o.run] : near.length > 0 ? near : ["."]
  const looked: Array<string> = []
  for (const dir of dirs) {
    for (const c of candidatesIn(dir)) {
      if (fs.existsSync(c)) return { db: c }
      if (!looked.includes(path.resolve(c))) looked.push(path.resolve(c))
    }
  }
  const hint = "give --run <the run's output folder> or --db <state.sqlite>"
  return {
    error: looked.length === 0
      ? `no state database given: ${hint}`
      : `no state database found (looked for ${looked.join(", ")}); ${hint}`
  }
}
