/**
 * Records as columns of interned integers ("sides"): the pairwise loop compares integers and reads
 * strings only for Jaro-Winkler and edit tests. Both sides of a match share one Interner, so equal
 * values get equal ids.
 */
import type { CentralMember, PartialDate, PersonName, RosterRow, Unit } from "../Domain.js"
import { fold } from "../Normalize/Text.js"
import { PairMemo } from "./PairMemo.js"

/** What the matcher needs of a record on either side. */
export type MatchInput = Pick<
  CentralMember | RosterRow,
  "name" | "birth" | "sex" | "cccd" | "cardNo" | "hometown" | "unitCode" | "admitted"
>

/**
 * One string → integer table shared by both sides of a match, so equal keys get equal ids. Keys
 * live in namespaces (the first character of `id`'s argument, or `idIn`'s): one Map per namespace,
 * so a lookup needs no prefixed copy of the string (measured at 1M records: a concatenated string
 * per field and record was most of `prepare`'s time and garbage). Ids are unique across namespaces.
 */
export class Interner {
  private readonly spaces = new Map<string, Map<string, number>>()
  private next = 0
  /** The id of `s` in the namespace `s[0]` ("t" + folded text, …). */
  id(s: string): number {
    return this.idIn(s.charAt(0), s.slice(1))
  }
  /** The id of `s` in namespace `ns`. */
  idIn(ns: string, s: string): number {
    let space = this.spaces.get(ns)
    if (space === undefined) this.spaces.set(ns, (space = new Map()))
    let id = space.get(s)
    if (id === undefined) space.set(s, (id = this.next++))
    return id
  }
  /** The namespace's table (for a loop that interns many values of one kind). */
  space(ns: string): Map<string, number> {
    let space = this.spaces.get(ns)
    if (space === undefined) this.spaces.set(ns, (space = new Map()))
    return space
  }
  /** A fresh id (for a value interned through `space`). */
  fresh(): number {
    return this.next++
  }
  /** How many distinct values were interned. */
  get size(): number {
    return this.next
  }
  private reverse: Array<string> | null = null
  /**
   * The value an id stands for, namespace first (as `id` takes it): the stable text the national index
   * hashes its keys from. The reverse table is built on first use and again after new values.
   */
  text(id: number): string {
    if (this.reverse === null || this.reverse.length !== this.next) {
      const r = new Array<string>(this.next)
      for (const [ns, space] of this.spaces) for (const [s, i] of space) r[i] = ns + s
      this.reverse = r
    }
    return this.reverse[id]!
  }
}

export const NONE = -1
export const NO_DAY = -2147483648

/** A string field: ids with diacritics (key), folded, spelling variant; the folded text. */
export interface StringColumn {
  readonly key: Int32Array
  readonly folded: Int32Array
  readonly variant: Int32Array
  /** 1 when the folded text is empty (no middle name): read without touching the string. */
  readonly empty: Uint8Array
  readonly text: ReadonlyArray<string>
}

/** Record i of a string column: its ids and folded text (`empty` when the text is). */
const setString = (c: StringColumn & { text: Array<string> }, i: number, key: number, folded: number, variant: number, text: string): void => {
  c.key[i] = key
  c.folded[i] = folded
  c.variant[i] = variant
  c.text[i] = text
  c.empty[i] = text.length === 0 ? 1 : 0
}

/** A date field: year (0 unknown), month and day (0 unknown), day number (NO_DAY unless full). */
export interface DateColumn {
  readonly y: Int16Array
  readonly m: Int8Array
  readonly d: Int8Array
  readonly day: Int32Array
}

export interface IdColumn {
  readonly id: Int32Array
  /** The number as a value when it is all digits (at most 15), NaN otherwise; its length in characters. */
  readonly digits: Float64Array
  readonly length: Uint8Array
  readonly text: ReadonlyArray<string | null>
}

export interface Side {
  readonly n: number
  readonly name: StringColumn
  readonly family: StringColumn
  readonly middle: StringColumn
  readonly given: StringColumn
  readonly hometown: StringColumn
  readonly birth: DateColumn
  readonly admitted: DateColumn
  readonly cccd: IdColumn
  readonly cardNo: IdColumn
  /** 1 when the CCCD has more than 10 digits (a 12-digit CCCD, not a 9-digit CMND). */
  readonly cccdLong: Int8Array
  /** 0 unknown, 1 M, 2 F. */
  readonly sex: Int8Array
  /** 1 when the name is one word: it may be the family or the given name (the other is missing). */
  readonly oneWord: Int8Array
  /** Hometown: folded text without spaces; its last comma-separated part (the province), or NONE. */
  readonly hometownLetters: Int32Array
  readonly hometownRegion: Int32Array
  /** The folded full name without spaces: "hayd en" and "hayden" are the same letters spaced otherwise. */
  readonly lettersId: Int32Array
  /** Family and given name with runs of a letter collapsed ("dao llan" → "dao lan"): a blocking key that survives a dropped middle name, diacritics and doubled keys. */
  readonly skeletonId: Int32Array
  /** First letters of the family and the given name, in either order (a blocking key with the birth date: survives typos after the first letter and names written the other way round). */
  readonly initials: Int32Array
  readonly parentId: Int32Array
}

/** Hoàng/Huỳnh and Vũ/Võ are one surname written two ways (domain.md §6.1): weak equivalence. */
export const REGIONAL_FAMILY: Readonly<Record<string, string>> = { huynh: "hoang", vo: "vu" }
export const iyKey = (given: string): string => given.replace(/^(qu|l|m|k|t|v)y$/, "$1i")
const collapseRuns = (s: string): string => s.replace(/(.)\1+/g, "$1")
/** Family and given name, letters not doubled, in alphabetical order (so a name written given-first keys the same). */
export const skeleton = (family: string, given: string): string => {
  const a = collapseRuns(family)
  const b = collapseRuns(given)
  return a <= b ? `${a} ${b}` : `${b} ${a}`
}

export const parentMap = (units: ReadonlyArray<Unit>): Map<string, string | null> =>
  new Map(units.map((u) => [u.code, u.parentCode]))

export const dayOf = (d: PartialDate | null): number =>
  d === null || d.month === null || d.day === null ? NO_DAY : Date.UTC(d.year, d.month - 1, d.day) / 86_400_000

/**
 * `same` names the ids that are always the folded ones for this field (a full name's and a middle
 * name's variant, a place's key and variant): one array serves both instead of a copy (4 bytes a
 * record each).
 */
const stringColumn = (n: number, same: { key?: true; variant?: true } = {}): StringColumn & { text: Array<string> } => {
  const folded = new Int32Array(n)
  return {
    key: same.key ? folded : new Int32Array(n),
    folded,
    variant: same.variant ? folded : new Int32Array(n),
    empty: new Uint8Array(n),
    text: new Array<string>(n)
  }
}
const dateColumn = (n: number): DateColumn => ({ y: new Int16Array(n), m: new Int8Array(n), d: new Int8Array(n), day: new Int32Array(n) })
const idColumn = (n: number): IdColumn & { text: Array<string | null> } => ({
  id: new Int32Array(n),
  digits: new Float64Array(n),
  length: new Uint8Array(n),
  text: new Array<string | null>(n)
})

/** An identifier's digits as a number (exact below 2^53), NaN when it has another character or more than 15. */
const digitValue = (v: string): number => {
  if (v.length === 0 || v.length > 15) return NaN
  let x = 0
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k) - 48
    if (c < 0 || c > 9) return NaN
    x = x * 10 + c
  }
  return x
}

/** Interns one value in one namespace table (see Interner). */
const intern = (space: Map<string, number>, strings: Interner, v: string): number => {
  let id = space.get(v)
  if (id === undefined) space.set(v, (id = strings.fresh()))
  return id
}

const setDate = (c: DateColumn, i: number, d: PartialDate | null) => {
  c.y[i] = d === null ? 0 : d.year
  c.m[i] = d === null || d.month === null ? 0 : d.month
  c.d[i] = d === null || d.month === null || d.day === null ? 0 : d.day
  c.day[i] = dayOf(d)
}

const setId = (c: IdColumn & { text: Array<string | null> }, i: number, v: string | null, space: Map<string, number>, strings: Interner) => {
  c.text[i] = v
  c.id[i] = v === null ? NONE : intern(space, strings, v)
  c.digits[i] = v === null ? NaN : digitValue(v)
  c.length[i] = v === null ? 0 : Math.min(v.length, 255)
}

/** The parts of the name key (diacritics kept) in the same token positions as the folded parts. */
const keyParts = (nm: PersonName): [string, string, string] => {
  const first = nm.key.indexOf(" ")
  const last = nm.key.lastIndexOf(" ")
  return [
    first < 0 ? nm.key : nm.key.slice(0, first),
    first < 0 || first === last ? "" : nm.key.slice(first + 1, last),
    last < 0 ? nm.key : nm.key.slice(last + 1)
  ]
}

export const prepare = (records: ReadonlyArray<MatchInput>, parents: ReadonlyMap<string, string | null>, strings: Interner): Side => {
  const n = records.length
  const s = {
    n,
    name: stringColumn(n, { variant: true }),
    family: stringColumn(n),
    middle: stringColumn(n, { variant: true }),
    given: stringColumn(n),
    hometown: stringColumn(n, { key: true, variant: true }),
    birth: dateColumn(n),
    admitted: dateColumn(n),
    cccd: idColumn(n),
    cardNo: idColumn(n),
    cccdLong: new Int8Array(n),
    sex: new Int8Array(n),
    oneWord: new Int8Array(n),
    hometownLetters: new Int32Array(n),
    hometownRegion: new Int32Array(n),
    lettersId: new Int32Array(n),
    skeletonId: new Int32Array(n),
    initials: new Int32Array(n),
    parentId: new Int32Array(n)
  }
  // Namespaces: k name with diacritics, t folded text, l letters without spaces, s skeleton, c CCCD,
  // d card number, u unit. Values derived from a folded value are computed once per distinct value
  // (by its id), not per record.
  const K = strings.space("k")
  const T = strings.space("t")
  const L = strings.space("l")
  const S = strings.space("s")
  const C = strings.space("c")
  const D = strings.space("d")
  const U = strings.space("u")
  const lettersOf = new Map<number, number>()
  const familyVariantOf = new Map<number, number>()
  const givenVariantOf = new Map<number, number>()
  const skeletonOf = new PairMemo(1024, 1 << 30)
  // One string per distinct hometown (a province has a few thousand), not one per record.
  const hometowns = new Map<string, { folded: number; letters: number; region: number; text: string }>()
  const parentIds = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const r = records[i]!
    const nm = r.name
    const [kf, km, kg] = keyParts(nm)
    const nameFolded = intern(T, strings, nm.folded)
    setString(s.name, i, intern(K, strings, nm.key), nameFolded, nameFolded, nm.folded)
    const familyFolded = intern(T, strings, nm.family)
    let familyVariant = familyVariantOf.get(familyFolded)
    if (familyVariant === undefined) familyVariantOf.set(familyFolded, (familyVariant = intern(T, strings, REGIONAL_FAMILY[nm.family] ?? nm.family)))
    setString(s.family, i, intern(K, strings, kf), familyFolded, familyVariant, nm.family)
    const middleFolded = intern(T, strings, nm.middle)
    setString(s.middle, i, intern(K, strings, km), middleFolded, middleFolded, nm.middle)
    const givenFolded = intern(T, strings, nm.given)
    let givenVariant = givenVariantOf.get(givenFolded)
    if (givenVariant === undefined) givenVariantOf.set(givenFolded, (givenVariant = intern(T, strings, iyKey(nm.given))))
    setString(s.given, i, intern(K, strings, kg), givenFolded, givenVariant, nm.given)
    if (r.hometown === null) {
      s.hometown.key[i] = NONE
      s.hometown.folded[i] = NONE
      s.hometown.variant[i] = NONE
      s.hometown.text[i] = ""
      s.hometown.empty[i] = 1
      s.hometownLetters[i] = NONE
      s.hometownRegion[i] = NONE
    } else {
      let h = hometowns.get(r.hometown)
      if (h === undefined) {
        const text = fold(r.hometown)
        const comma = text.lastIndexOf(",")
        h = {
          text,
          folded: intern(T, strings, text),
          letters: intern(L, strings, text.replace(/[ ,]/g, "")),
          region: comma < 0 ? NONE : intern(T, strings, text.slice(comma + 1).trim())
        }
        hometowns.set(r.hometown, h)
      }
      // The place is compared folded (key = folded).
      s.hometown.key[i] = h.folded
      s.hometown.folded[i] = h.folded
      s.hometown.variant[i] = h.folded
      s.hometown.text[i] = h.text
      s.hometown.empty[i] = h.text.length === 0 ? 1 : 0
      s.hometownLetters[i] = h.letters
      s.hometownRegion[i] = h.region
    }
    setDate(s.birth, i, r.birth)
    setDate(s.admitted, i, r.admitted)
    setId(s.cccd, i, r.cccd, C, strings)
    setId(s.cardNo, i, r.cardNo, D, strings)
    s.cccdLong[i] = r.cccd !== null && r.cccd.length > 10 ? 1 : 0
    s.sex[i] = r.sex === null ? 0 : r.sex === "M" ? 1 : 2
    s.oneWord[i] = nm.folded.includes(" ") ? 0 : 1
    let letters = lettersOf.get(nameFolded)
    if (letters === undefined) lettersOf.set(nameFolded, (letters = intern(L, strings, nm.folded.replaceAll(" ", ""))))
    s.lettersId[i] = letters
    // The skeleton sorts its two parts, so it is a function of the unordered pair of variant ids.
    let sk = skeletonOf.lookup(familyVariant, givenVariant)
    if (sk !== sk) sk = skeletonOf.store(familyVariant, givenVariant, intern(S, strings, skeleton(REGIONAL_FAMILY[nm.family] ?? nm.family, iyKey(nm.given))))
    s.skeletonId[i] = sk
    const f0 = nm.family.charCodeAt(0)
    const g0 = nm.given.charCodeAt(0)
    s.initials[i] = f0 < g0 ? f0 * 65536 + g0 : g0 * 65536 + f0
    const parent = parents.get(r.unitCode) ?? null
    if (parent === null) s.parentId[i] = NONE
    else {
      let p = parentIds.get(parent)
      if (p === undefined) parentIds.set(parent, (p = intern(U, strings, parent)))
      s.parentId[i] = p
    }
  }
  return s
}

// ---------------------------------------------------------------------------------------------
// Packed sides: the typed columns the comparisons read, interleaved

/** Values per record of a packed side (see packSide). */
export const PACKED_WIDTH = 38

const packedCache = new WeakMap<Side, Side>()

/**
 * The side with every typed column the comparisons read (Compare.ts) interleaved into one
 * Int32Array of PACKED_WIDTH values per record; each column becomes a view into it at its own
 * offset, so `column[i * PACKED_WIDTH]` is record i's value. A candidate pair then reads each
 * record from one or two cache lines instead of ~30 arrays (measured at 300k records: the random
 * reads of the central record were most of the compare phase). Strings, identifier digits and
 * the blocking-only columns keep the record's own index. Built once per side (cached).
 */
/** Drops the packed copy of a side (the match stage, when its coders are done): the side itself stays usable. */
export const releasePacked = (s: Side): void => {
  packedCache.delete(s)
}

export const packSide = (s: Side): Side => {
  const cached = packedCache.get(s)
  if (cached !== undefined) return cached
  const n = s.n
  const F = PACKED_WIDTH
  const packed = new Int32Array(n * F + F)
  let next = 0
  const col = (src: ArrayLike<number>): Int32Array => {
    const o = next++
    for (let i = 0; i < n; i++) packed[i * F + o] = src[i]!
    return packed.subarray(o)
  }
  const str = (c: StringColumn): StringColumn => ({ key: col(c.key), folded: col(c.folded), variant: col(c.variant), empty: col(c.empty) as unknown as Uint8Array, text: c.text })
  const date = (c: DateColumn): DateColumn => ({ y: col(c.y) as unknown as Int16Array, m: col(c.m) as unknown as Int8Array, d: col(c.d) as unknown as Int8Array, day: col(c.day) })
  const id = (c: IdColumn): IdColumn => ({ id: col(c.id), digits: c.digits, length: col(c.length) as unknown as Uint8Array, text: c.text })
  const out: Side = {
    n,
    family: str(s.family),
    given: str(s.given),
    middle: str(s.middle),
    birth: date(s.birth),
    sex: col(s.sex) as unknown as Int8Array,
    oneWord: col(s.oneWord) as unknown as Int8Array,
    cccd: id(s.cccd),
    cccdLong: col(s.cccdLong) as unknown as Int8Array,
    cardNo: id(s.cardNo),
    lettersId: col(s.lettersId),
    hometown: str(s.hometown),
    hometownLetters: col(s.hometownLetters),
    hometownRegion: col(s.hometownRegion),
    admitted: date(s.admitted),
    name: str(s.name),
    skeletonId: s.skeletonId,
    initials: s.initials,
    parentId: s.parentId
  }
  if (next > F) throw new Error(`packSide: ${next} columns, more than PACKED_WIDTH ${F}`)
  packedCache.set(s, out)
  return out
}
