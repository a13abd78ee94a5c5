/**
 * The national index's (key, member) rows in key order, built once: the keys of every province are
 * collected as they are imported and sorted together at the end, then appended to the clustered
 * key table in order (SQLite appends to the right edge of the B-tree). Inserting each province's
 * sorted keys into the growing tree instead cost a merge per province: at 5.6 M records (~40 M
 * keys) the tree outgrew the page cache and the import took 16 minutes.
 *
 * The sort: keys are integers below 2^53 (hash53), uniformly spread, so their top 21 bits place
 * each key in one of 2^21 buckets (one counting pass and one scatter); a bucket (~20 keys at 40 M)
 * is then sorted by the low 32 bits. Stable: keys equal in value keep the order they were added,
 * which is increasing member id (members are numbered in import order).
 */

const HI = 4294967296
const BUCKETS = 1 << 21

export interface Run {
  readonly keys: Float64Array
  /** Member of key k: first + record[k]. */
  readonly record: Int32Array
  readonly first: number
}

/** Sorted (key, member) rows: bucket b holds keys b·2^32 + lo[p] for p in start[b] .. start[b+1]. */
export interface SortedKeys {
  readonly length: number
  readonly start: Int32Array
  readonly lo: Uint32Array
  readonly member: Int32Array
}

/** Keys added province by province (member ids already global), sorted once. */
export class KeyRuns {
  private runs: Array<Run> = []
  private total = 0
  get length(): number {
    return this.total
  }
  /** The keys of records numbered first, first+1, … (`record[k]` is the record's index among them). */
  add(keys: Float64Array, record: Int32Array, first: number): void {
    if (first + keys.length > 2 ** 31 - 1) throw new Error("member ids past 2^31 do not fit the key sort")
    this.runs.push({ keys, record, first })
    this.total += keys.length
  }
  /** The runs added, handed over (to sort elsewhere: `sortRuns`); none remain here. */
  take(): Array<Run> {
    const runs = this.runs
    this.runs = []
    this.total = 0
    return runs
  }
  /** Every key added, sorted by key then in the order added (`sortRuns`). */
  sort(): SortedKeys {
    return sortRuns(this.take())
  }
}

/** The keys of the runs, sorted by key then in run order; each run is released (emptied in `runs`) once read. */
export const sortRuns = (runs: Array<Run>): SortedKeys => {
  let n = 0
  for (const r of runs) n += r.keys.length
  const start = new Int32Array(BUCKETS + 1)
  for (const r of runs) for (let k = 0; k < r.keys.length; k++) start[Math.floor(r.keys[k]! / HI) + 1]!++
  for (let b = 0; b < BUCKETS; b++) start[b + 1]! += start[b]!
  const next = start.slice(0, BUCKETS)
  const lo = new Uint32Array(n)
  const member = new Int32Array(n)
  for (let x = 0; x < runs.length; x++) {
    const r = runs[x]!
    for (let k = 0; k < r.keys.length; k++) {
      const key = r.keys[k]!
      const h = Math.floor(key / HI)
      const p = next[h]!++
      lo[p] = key - h * HI
      member[p] = r.first + r.record[k]!
    }
    runs[x] = { keys: new Float64Array(0), record: new Int32Array(0), first: 0 }
  }
  for (let b = 0; b < BUCKETS; b++) sortBucket(lo, member, start[b]!, start[b + 1]!)
  return { length: n, start, lo, member }
}

/** Insertion sort of lo[s..e) (members alongside), stable; a large bucket (many equal keys, or bad luck) by an index sort. */
const sortBucket = (lo: Uint32Array, member: Int32Array, s: number, e: number): void => {
  if (e - s < 2) return
  if (e - s > 64) {
    const order = new Int32Array(e - s)
    for (let i = 0; i < order.length; i++) order[i] = s + i
    order.sort((a, b) => lo[a]! - lo[b]! || a - b)
    const l = new Uint32Array(order.length)
    const m = new Int32Array(order.length)
    for (let i = 0; i < order.length; i++) {
      l[i] = lo[order[i]!]!
      m[i] = member[order[i]!]!
    }
    lo.set(l, s)
    member.set(m, s)
    return
  }
  for (let i = s + 1; i < e; i++) {
    const x = lo[i]!
    const y = member[i]!
    let j = i - 1
    while (j >= s && lo[j]! > x) {
      lo[j + 1] = lo[j]!
      member[j + 1] = member[j]!
      j--
    }
    lo[j + 1] = x
    member[j + 1] = y
  }
}

/** Visits the sorted rows in order, `batch` at a time (key and member interleaved: the values of one multi-row INSERT). */
export const forEachBatch = (s: SortedKeys, batch: number, visit: (values: Array<number>, rows: number) => void): void => {
  const values = new Array<number>(batch * 2)
  let rows = 0
  for (let b = 0; b < BUCKETS; b++) {
    const base = b * HI
    for (let p = s.start[b]!; p < s.start[b + 1]!; p++) {
      values[rows * 2] = base + s.lo[p]!
      values[rows * 2 + 1] = s.member[p]!
      if (++rows === batch) {
        visit(values, rows)
        rows = 0
      }
    }
  }
  if (rows > 0) visit(values, rows)
}
