/**
 * Records as columns of interned integers ("sides"): the pairwise loop compares integers and reads
 * strings only for Jaro-Winkler and edit tests. Both sides of a match share one Interner, so equal
 * values get equal ids.
 */
import type { CentralMember, PartialDate, PersonName, RosterRow, Unit } from "../Domain.js"
import { fold } from "../Normalize/Text.js"

/** What the matcher needs of a record on either side. */
export type MatchInput = Pick<
  CentralMember | RosterRow,
  "name" | "birth" | "sex" | "cccd" | "cardNo" | "hometown" | "unitCode" | "admitted"
>

/** One string ↔ integer table shared by both sides of a match, so equal keys get equal ids. */
export class Interner {
  private readonly ids = new Map<string, number>()
  readonly strings: Array<string> = []
  id(s: string): number {
    let id = this.ids.get(s)
    if (id === undefined) {
      id = this.strings.length
      this.ids.set(s, id)
      this.strings.push(s)
    }
    return id
  }
}

export const NONE = -1
export const NO_DAY = -2147483648

/** A string field: ids with diacritics (key), folded, spelling variant; the folded text. */
export interface StringColumn {
  readonly key: Int32Array
  readonly folded: Int32Array
  readonly variant: Int32Array
  readonly text: ReadonlyArray<string>
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
const REGIONAL_FAMILY: Readonly<Record<string, string>> = { huynh: "hoang", vo: "vu" }
const iyKey = (given: string): string => given.replace(/^(qu|l|m|k|t|v)y$/, "$1i")
const collapseRuns = (s: string): string => s.replace(/(.)\1+/g, "$1")
/** Family and given name, letters not doubled, in alphabetical order (so a name written given-first keys the same). */
const skeleton = (family: string, given: string): string => {
  const a = collapseRuns(family)
  const b = collapseRuns(given)
  return a <= b ? `${a} ${b}` : `${b} ${a}`
}

export const parentMap = (units: ReadonlyArray<Unit>): Map<string, string | null> =>
  new Map(units.map((u) => [u.code, u.parentCode]))

const dayOf = (d: PartialDate | null): number =>
  d === null || d.month === null || d.day === null ? NO_DAY : Date.UTC(d.year, d.month - 1, d.day) / 86_400_000

const stringColumn = (n: number): StringColumn & { text: Array<string> } => ({
  key: new Int32Array(n),
  folded: new Int32Array(n),
  variant: new Int32Array(n),
  text: new Array<string>(n)
})
const dateColumn = (n: number): DateColumn => ({ y: new Int16Array(n), m: new Int8Array(n), d: new Int8Array(n), day: new Int32Array(n) })
const idColumn = (n: number): IdColumn & { text: Array<string | null> } => ({ id: new Int32Array(n), text: new Array<string | null>(n) })

const setString = (c: StringColumn & { text: Array<string> }, i: number, key: string, folded: string, variant: string, strings: Interner) => {
  c.key[i] = strings.id("k" + key)
  c.folded[i] = strings.id("t" + folded)
  c.variant[i] = strings.id("t" + variant)
  c.text[i] = folded
}

const setDate = (c: DateColumn, i: number, d: PartialDate | null) => {
  c.y[i] = d === null ? 0 : d.year
  c.m[i] = d === null || d.month === null ? 0 : d.month
  c.d[i] = d === null || d.month === null || d.day === null ? 0 : d.day
  c.day[i] = dayOf(d)
}

const setId = (c: IdColumn & { text: Array<string | null> }, i: number, v: string | null, prefix: string, strings: Interner) => {
  c.text[i] = v
  c.id[i] = v === null ? NONE : strings.id(prefix + v)
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
    name: stringColumn(n),
    family: stringColumn(n),
    middle: stringColumn(n),
    given: stringColumn(n),
    hometown: stringColumn(n),
    birth: dateColumn(n),
    admitted: dateColumn(n),
    cccd: idColumn(n),
    cardNo: idColumn(n),
    sex: new Int8Array(n),
    oneWord: new Int8Array(n),
    hometownLetters: new Int32Array(n),
    hometownRegion: new Int32Array(n),
    lettersId: new Int32Array(n),
    skeletonId: new Int32Array(n),
    initials: new Int32Array(n),
    parentId: new Int32Array(n)
  }
  // One string per distinct hometown (a province has a few thousand), not one per record.
  const hometowns = new Map<string, string>()
  for (let i = 0; i < n; i++) {
    const r = records[i]!
    const nm = r.name
    const [kf, km, kg] = keyParts(nm)
    setString(s.name, i, nm.key, nm.folded, nm.folded, strings)
    setString(s.family, i, kf, nm.family, REGIONAL_FAMILY[nm.family] ?? nm.family, strings)
    setString(s.middle, i, km, nm.middle, nm.middle, strings)
    setString(s.given, i, kg, nm.given, iyKey(nm.given), strings)
    if (r.hometown === null) {
      s.hometown.key[i] = NONE
      s.hometown.folded[i] = NONE
      s.hometown.variant[i] = NONE
      s.hometown.text[i] = ""
      s.hometownLetters[i] = NONE
      s.hometownRegion[i] = NONE
    } else {
      let h = hometowns.get(r.hometown)
      if (h === undefined) hometowns.set(r.hometown, (h = fold(r.hometown)))
      setString(s.hometown, i, h, h, h, strings)
      s.hometownLetters[i] = strings.id("l" + h.replace(/[ ,]/g, ""))
      const comma = h.lastIndexOf(",")
      s.hometownRegion[i] = comma < 0 ? NONE : strings.id("t" + h.slice(comma + 1).trim())
    }
    setDate(s.birth, i, r.birth)
    setDate(s.admitted, i, r.admitted)
    setId(s.cccd, i, r.cccd, "c", strings)
    setId(s.cardNo, i, r.cardNo, "d", strings)
    s.sex[i] = r.sex === null ? 0 : r.sex === "M" ? 1 : 2
    s.oneWord[i] = nm.folded.includes(" ") ? 0 : 1
    s.lettersId[i] = strings.id("l" + nm.folded.replaceAll(" ", ""))
    s.skeletonId[i] = strings.id("s" + skeleton(REGIONAL_FAMILY[nm.family] ?? nm.family, iyKey(nm.given)))
    const f0 = nm.family.charCodeAt(0)
    const g0 = nm.given.charCodeAt(0)
    s.initials[i] = f0 < g0 ? f0 * 65536 + g0 : g0 * 65536 + f0
    const parent = parents.get(r.unitCode) ?? null
    s.parentId[i] = parent === null ? NONE : strings.id("u" + parent)
  }
  return s
}
