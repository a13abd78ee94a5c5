/**
 * String and identifier similarity, plain functions for the pairwise hot loop.
 * Jaro-Winkler is our own tight implementation (no allocation beyond two flag arrays);
 * identifiers are compared by a linear one-edit test; full edit distance (fast-levenshtein) is
 * kept for tests and diagnostics.
 */
import levenshtein from "fast-levenshtein"

const flagsA = new Uint8Array(256)
const flagsB = new Uint8Array(256)

/** Jaro similarity in [0, 1]. Strings longer than 256 code units are compared on their first 256. */
export const jaro = (a: string, b: string): number => {
  if (a === b) return a.length === 0 ? 1 : 1
  const la = Math.min(a.length, 256)
  const lb = Math.min(b.length, 256)
  if (la === 0 || lb === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1)
  flagsA.fill(0, 0, la)
  flagsB.fill(0, 0, lb)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window)
    const hi = Math.min(lb - 1, i + window)
    const c = a.charCodeAt(i)
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1
        flagsB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue
    while (flagsB[k] === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  const t = transpositions / 2
  return (matches / la + matches / lb + (matches - t) / matches) / 3
}

/** Jaro-Winkler with the usual prefix scale 0.1 over at most 4 characters. */
export const jaroWinkler = (a: string, b: string): number => {
  const j = jaro(a, b)
  if (j <= 0.7) return j
  const max = Math.min(4, a.length, b.length)
  let prefix = 0
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return j + prefix * 0.1 * (1 - j)
}

export const editDistance = (a: string, b: string): number => levenshtein.get(a, b)

/** True when b is a with two adjacent characters swapped. */
export const isTransposition = (a: string, b: string): boolean => {
  if (a.length !== b.length || a === b) return false
  let first = -1
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      if (first === -1) first = i
      else if (i !== first + 1) return false
      else return a[first] === b[i] && a[i] === b[first] && a.slice(i + 1) === b.slice(i + 1)
    }
  }
  return false
}

export type IdAgreement = "EXACT" | "ONE_EDIT" | "DIFFERENT"

/**
 * True when a and b are one edit apart: one substitution, insertion or deletion, or one adjacent
 * transposition. Linear and allocation-free (the pairwise hot loop calls it).
 */
export const withinOneEdit = (a: string, b: string): boolean => {
  const la = a.length
  const lb = b.length
  if (la === lb) {
    let first = -1
    let diffs = 0
    for (let i = 0; i < la; i++) {
      if (a.charCodeAt(i) !== b.charCodeAt(i)) {
        if (diffs === 0) first = i
        diffs++
        if (diffs > 2) return false
      }
    }
    if (diffs <= 1) return true
    // Two differences: only an adjacent swap counts as one edit.
    return (
      first + 1 < la &&
      a.charCodeAt(first) === b.charCodeAt(first + 1) &&
      a.charCodeAt(first + 1) === b.charCodeAt(first) &&
      a.charCodeAt(first + 1) !== b.charCodeAt(first + 1)
    )
  }
  if (Math.abs(la - lb) !== 1) return false
  const s = la < lb ? a : b
  const l = la < lb ? b : a
  let i = 0
  while (i < s.length && s.charCodeAt(i) === l.charCodeAt(i)) i++
  for (let k = i; k < s.length; k++) if (s.charCodeAt(k) !== l.charCodeAt(k + 1)) return false
  return true
}

/** Identifier comparison: exact, one substitution/insertion/deletion or one adjacent transposition, else different. */
export const compareIds = (a: string, b: string): IdAgreement => {
  if (a === b) return "EXACT"
  return withinOneEdit(a, b) ? "ONE_EDIT" : "DIFFERENT"
}

/** How two strings differ by at most one edit: 0 equal, 1 one substitution/insertion/deletion, 2 one adjacent transposition, 3 more. */
export const EditKind = { equal: 0, oneEdit: 1, transposition: 2, more: 3 } as const

/** Linear and allocation-free classification of a pair of identifiers or digit strings (see EditKind). */
export const editKind = (a: string, b: string): number => {
  if (a === b) return 0
  if (!withinOneEdit(a, b)) return 3
  return a.length === b.length && isTransposition(a, b) ? 2 : 1
}

/**
 * The edit kind of two full dates written as yyyymmdd (a typed digit wrong, or two digits swapped),
 * without building strings: digits are compared from the numbers.
 */
export const dateDigitsEditKind = (y1: number, m1: number, d1: number, y2: number, m2: number, d2: number): number =>
  digitsEditKind(y1 * 10000 + m1 * 100 + d1, y2 * 10000 + m2 * 100 + d2, 8)

/**
 * `editKind` of two digit strings of the same length given as numbers (leading zeros kept by the
 * length): the pairwise loop compares identifiers without reading their strings (measured at 300k
 * records: the string test on CCCD and card numbers of non-matching candidate pairs was the
 * largest single cost of comparing).
 */
export const digitsEditKind = (a: number, b: number, length: number): number => {
  if (a === b) return 0
  let x = a
  let y = b
  let diffs = 0
  let firstPos = -1
  let da0 = 0
  let db0 = 0
  for (let pos = 0; pos < length; pos++) {
    const ca = x % 10
    const cb = y % 10
    x = (x - ca) / 10
    y = (y - cb) / 10
    if (ca === cb) continue
    diffs++
    if (diffs === 1) {
      firstPos = pos
      da0 = ca
      db0 = cb
    } else if (diffs === 2) {
      if (pos !== firstPos + 1 || ca !== db0 || cb !== da0) return 3
    } else return 3
  }
  return diffs === 1 ? 1 : 2
}
