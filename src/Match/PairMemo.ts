/**
 * Typed-array hash tables for the match stage's hot loops (no object, string or boxed number per
 * entry, so nothing for the garbage collector at a million records):
 *
 * - `PairMemo`: a value per unordered pair of interned ids, so a fuzzy comparison (Jaro-Winkler,
 *   the one-edit test) runs once per *distinct* pair of values, not once per candidate pair. A
 *   province has a few hundred given names and a few thousand hometowns, so almost every
 *   candidate pair is a hit.
 * - `KeyTable`: dense group numbers for blocking keys made of up to three non-negative integer
 *   parts (what `Map<number, number>` did, with keys above 2^30 boxed as heap numbers and a
 *   string per record for three-part keys).
 */

const EMPTY = -1

/** The next power of two ≥ n (at least 16). */
const pow2 = (n: number): number => {
  let c = 16
  while (c < n) c *= 2
  return c
}

/** Mixes two 32-bit integers into a 32-bit hash (murmur3's finaliser over a ^ rotated b). */
const mix = (a: number, b: number): number => {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((b << 16) | (b >>> 16), 0xc2b2ae35)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * A number per unordered pair (a, b) of non-negative 32-bit ids. When it holds `maxEntries`, it
 * starts afresh (a cache: a miss only costs the computation again), so its memory is bounded.
 */
export class PairMemo {
  private keysA: Int32Array
  private keysB: Int32Array
  private values: Float64Array
  private mask: number
  private size = 0
  hits = 0
  misses = 0
  constructor(
    initialCapacity = 1024,
    readonly maxEntries = 1 << 21
  ) {
    const cap = pow2(initialCapacity)
    this.keysA = new Int32Array(cap).fill(EMPTY)
    this.keysB = new Int32Array(cap)
    this.values = new Float64Array(cap)
    this.mask = cap - 1
  }

  /** The value stored for {a, b}, or NaN (values stored are never NaN). */
  lookup(a: number, b: number): number {
    const x = a < b ? a : b
    const y = a < b ? b : a
    const keysA = this.keysA
    let slot = mix(x, y) & this.mask
    for (;;) {
      const k = keysA[slot]!
      if (k === EMPTY) break
      if (k === x && this.keysB[slot] === y) {
        this.hits++
        return this.values[slot]!
      }
      slot = (slot + 1) & this.mask
    }
    this.misses++
    return NaN
  }

  /** Stores v for {a, b} (after a lookup that missed); returns v. */
  store(a: number, b: number, v: number): number {
    const x = a < b ? a : b
    const y = a < b ? b : a
    if (this.size >= this.maxEntries) this.clear()
    if ((this.size + 1) * 2 > this.keysA.length) this.grow()
    let slot = mix(x, y) & this.mask
    for (;;) {
      const k = this.keysA[slot]!
      if (k === EMPTY) break
      if (k === x && this.keysB[slot] === y) {
        this.values[slot] = v
        return v
      }
      slot = (slot + 1) & this.mask
    }
    this.keysA[slot] = x
    this.keysB[slot] = y
    this.values[slot] = v
    this.size++
    return v
  }

  get entries(): number {
    return this.size
  }

  clear(): void {
    this.keysA.fill(EMPTY)
    this.size = 0
  }

  private grow(): void {
    const oldA = this.keysA
    const oldB = this.keysB
    const oldV = this.values
    const cap = oldA.length * 2
    this.keysA = new Int32Array(cap).fill(EMPTY)
    this.keysB = new Int32Array(cap)
    this.values = new Float64Array(cap)
    this.mask = cap - 1
    for (let s = 0; s < oldA.length; s++) {
      const x = oldA[s]!
      if (x === EMPTY) continue
      const y = oldB[s]!
      let slot = mix(x, y) & this.mask
      while (this.keysA[slot] !== EMPTY) slot = (slot + 1) & this.mask
      this.keysA[slot] = x
      this.keysB[slot] = y
      this.values[slot] = oldV[s]!
    }
  }
}

/** Parts of a key are below this (interned ids, day numbers, dates as y·372+m·31+d). */
export const PART_LIMIT = 67_108_864

/**
 * Dense numbers 0, 1, 2, … for keys of one to three parts, each in [0, PART_LIMIT) (an absent
 * third part is 0 with `parts` < 3). The first two parts are held as one exact double.
 */
export class KeyTable {
  private hi: Float64Array
  private lo: Int32Array
  private ids: Int32Array
  private mask: number
  size = 0
  constructor(expected: number) {
    const cap = pow2(expected * 2)
    this.hi = new Float64Array(cap)
    this.lo = new Int32Array(cap)
    this.ids = new Int32Array(cap).fill(EMPTY)
    this.mask = cap - 1
  }

  private slotOf(a: number, b: number, c: number): number {
    const hi = a * PART_LIMIT + b
    let slot = mix(mix(a, b), c) & this.mask
    for (;;) {
      const id = this.ids[slot]!
      if (id === EMPTY || (this.hi[slot] === hi && this.lo[slot] === c)) return slot
      slot = (slot + 1) & this.mask
    }
  }

  /** The key's number, assigned (the next one) when the key is new. */
  id(a: number, b: number, c: number): number {
    let slot = this.slotOf(a, b, c)
    const id = this.ids[slot]!
    if (id !== EMPTY) return id
    if ((this.size + 1) * 2 > this.ids.length) {
      this.grow()
      slot = this.slotOf(a, b, c)
    }
    this.hi[slot] = a * PART_LIMIT + b
    this.lo[slot] = c
    this.ids[slot] = this.size
    return this.size++
  }

  /** Forgets every key (keeps the capacity, so one table serves rule after rule). */
  reset(): void {
    if (this.size === 0) return
    this.ids.fill(EMPTY)
    this.size = 0
  }

  /** A number no key has (for keys kept elsewhere, e.g. out of range). */
  fresh(): number {
    return this.size++
  }

  /** The key's number, or -1 when it was never assigned. */
  find(a: number, b: number, c: number): number {
    return this.ids[this.slotOf(a, b, c)]!
  }

  private grow(): void {
    const oldHi = this.hi
    const oldLo = this.lo
    const oldIds = this.ids
    const cap = oldIds.length * 2
    this.hi = new Float64Array(cap)
    this.lo = new Int32Array(cap)
    this.ids = new Int32Array(cap).fill(EMPTY)
    this.mask = cap - 1
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s]!
      if (id === EMPTY) continue
      const hi = oldHi[s]!
      const a = Math.floor(hi / PART_LIMIT)
      const b = hi - a * PART_LIMIT
      const c = oldLo[s]!
      let slot = mix(mix(a, b), c) & this.mask
      while (this.ids[slot] !== EMPTY) slot = (slot + 1) & this.mask
      this.hi[slot] = hi
      this.lo[slot] = c
      this.ids[slot] = id
    }
  }
}
