/**
 * The national central index: many province exports (the .xlsx export, or the SQLite schema
 * `importCentral` writes) in one SQLite file, with the blocking keys of a pipeline's rules
 * precomputed and indexed, so a province's run fetches only the candidates of its rosters
 * (Pipeline/IndexRun.ts) instead of loading the whole central database.
 *
 * Schema (central_meta.schema = "national-1"):
 *
 *   central_meta(key TEXT PRIMARY KEY, value TEXT)   -- schema, kind = national-index, pipeline, key_rules (JSON)
 *   central_provinces(code PRIMARY KEY, name, code_from, source_file, source_sha256, imported_at,
 *     rows_read, rows_rejected, warnings, members, units, transfers, seconds, records_per_s)
 *   central_members(id INTEGER PRIMARY KEY, province, member_id, unit_code, data)  -- data: the parsed member (JSON array)
 *   central_units(province, unit_code, unit_name, parent_code, parent_name)
 *   central_transfers(province, member_id, from_unit, to_unit, data)  -- data: the parsed transfer (JSON)
 *   central_issues(province, level, data)           -- the import's rejections and warnings (JSON), shown by the province's runs
 *   central_keys(key, member) WITHOUT ROWID          -- one row per member and distinct blocking-key signature, clustered by key
 *
 * Records are stored parsed (by the same parser as every central read, `parseCentral`), so a run
 * reads them without re-parsing and a column-wide decision (a padded number cell) stays the one
 * taken over the whole province export.
 *
 * Keys: for every distinct key list among the pipeline's blocking rules ("nameSkeleton+birthYear"),
 * a 53-bit hash of the signature and the key's text parts (interned ids are replaced by their
 * strings, so keys are stable across runs). A collision only adds a candidate: the run blocks
 * the fetched records again in memory with the engine's own `block`.
 */
import { partialDate } from "../Normalize/Date.js"
import * as fs from "node:fs"
import * as path from "node:path"
import Database from "better-sqlite3"
import { Schema } from "effect"
import type { CentralMember, PartialDate, PersonName, Rejection, Transfer, Unit } from "../Domain.js"
import type { BlockingRule, BlockKey } from "../Match/Engine.js"
import { type Interner, keyPart, type Side } from "../Match/Engine.js"
import { dayOf, iyKey, type MatchInput, NO_DAY, NONE, REGIONAL_FAMILY, skeleton } from "../Match/Side.js"
import { fold } from "../Normalize/Text.js"

export class IndexError extends Schema.TaggedError<IndexError>()("IndexError", {
  message: Schema.String
}) {}

export const SCHEMA = "national-1"

// ---------------------------------------------------------------------------------------------
// Keys

/** Block keys whose part is an interned id (its string is used), the others are plain numbers. */
const INTERNED: ReadonlySet<BlockKey> = new Set<BlockKey>([
  "cccd", "cardNo", "familyName", "middleName", "givenName", "fullName", "nameSkeleton", "hometown", "parentUnit"
])

/** cyrb53: a fast 53-bit string hash (an integer SQLite stores in 8 bytes). */
export const hash53 = (str: string): number => {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** A rule's keys as one text: rules with the same keys (capped or not) share the index rows. */
export const signatureOf = (rule: Pick<BlockingRule, "keys">): string => rule.keys.join("+")

/**
 * A rule keyed on the parent unit pairs a roster row only with records under the same parent:
 * records of the row's own province, which a run loads whole. Such rules need no stored keys.
 */
export const provinceLocal = (rule: Pick<BlockingRule, "keys">): boolean => rule.keys.includes("parentUnit")

/** The distinct key signatures a pipeline's rules need stored, in declaration order (province-local rules left out). */
export const signaturesOf = (rules: ReadonlyArray<BlockingRule>): Array<string> =>
  [...new Set(rules.filter((r) => !provinceLocal(r)).map(signatureOf))]

/** The stable key of record i under a signature, or null when a part is missing (the rule cannot pair it). */
export const stableKey = (side: Side, strings: Interner, i: number, signature: string, keys: ReadonlyArray<BlockKey>): number | null => {
  let text = signature
  for (const k of keys) {
    const v = keyPart(side, i, k)
    if (v === NONE) return null
    text += "\u0001" + (INTERNED.has(k) ? strings.text(v) : String(v))
  }
  return hash53(text)
}

/**
 * Feeds the text of key part `k` of a record, as `stableKey` reads it from a prepared side (the
 * interned value with its namespace, or the number), to the hash; false when the part is missing.
 * Computed from the record alone: the import keys millions of records without building the match
 * columns it does not need. Must agree with `keyPart` and `prepare` (tests/Store/CentralIndex.test.ts
 * checks it on every key of every rule).
 */
const feedPart = (h: Hash, r: MatchInput, k: BlockKey, memo: PartMemo): boolean => {
  switch (k) {
    case "cccd":
      return r.cccd !== null && h.tagged(99 /* c */, r.cccd)
    case "cardNo":
      return r.cardNo !== null && h.tagged(100 /* d */, r.cardNo)
    case "familyName":
      return h.tagged(116 /* t */, REGIONAL_FAMILY[r.name.family] ?? r.name.family)
    case "middleName":
      return h.tagged(116, r.name.middle)
    case "givenName":
      return h.tagged(116, memo.given(r.name.given))
    case "fullName":
      return h.tagged(116, r.name.folded)
    case "nameSkeleton":
      return h.tagged(115 /* s */, memo.skeleton(REGIONAL_FAMILY[r.name.family] ?? r.name.family, memo.given(r.name.given)))
    case "initials": {
      const f0 = r.name.family.charCodeAt(0)
      const g0 = r.name.given.charCodeAt(0)
      // As the side stores it (an Int32Array: a missing letter's NaN becomes 0).
      return h.number((f0 < g0 ? f0 * 65536 + g0 : g0 * 65536 + f0) | 0)
    }
    case "birthYear":
      return r.birth !== null && r.birth.year !== 0 && h.number(r.birth.year)
    case "birthDate": {
      const b = r.birth
      return b !== null && b.month !== null && b.day !== null && b.day !== 0 && h.number(b.year * 372 + b.month * 31 + b.day)
    }
    case "hometown":
      return r.hometown !== null && h.tagged(116, memo.hometown(r.hometown))
    case "sex":
      return r.sex !== null && h.number(r.sex === "M" ? 1 : 2)
    case "admittedDate": {
      const day = dayOf(r.admitted)
      return day !== NO_DAY && h.number(day + 100_000)
    }
    case "parentUnit":
      throw new Error("parentUnit keys are province-local and never stored")
  }
}

/**
 * hash53 of a key's text fed piece by piece ("signature", then "\u0001" and each part), so no
 * string is built per key: the same value as `hash53(text)`.
 */
class Hash {
  private h1 = 0
  private h2 = 0
  start(signature: string): void {
    this.h1 = 0xdeadbeef
    this.h2 = 0x41c6ce57
    this.text(signature)
  }
  /** The state after `start(signature)`, to `resume` from (a signature is hashed once, not once per record). */
  state(): readonly [number, number] {
    return [this.h1, this.h2]
  }
  resume(state: readonly [number, number]): void {
    this.h1 = state[0]
    this.h2 = state[1]
  }
  private char(ch: number): void {
    this.h1 = Math.imul(this.h1 ^ ch, 2654435761)
    this.h2 = Math.imul(this.h2 ^ ch, 1597334677)
  }
  private text(s: string): void {
    for (let i = 0; i < s.length; i++) this.char(s.charCodeAt(i))
  }
  /** A part: the separator, the namespace letter, the text. */
  tagged(ns: number, s: string): true {
    this.char(1)
    this.char(ns)
    this.text(s)
    return true
  }
  /** A number part: the separator, then `String(n)`'s characters (an integer's digits fed one by one, no string built). */
  number(n: number): true {
    this.char(1)
    if (!Number.isSafeInteger(n)) {
      this.text(String(n))
      return true
    }
    if (n < 0) {
      this.char(45 /* - */)
      n = -n
    }
    let d = 1
    while (d * 10 <= n) d *= 10
    for (; d >= 1; d /= 10) {
      const q = Math.floor(n / d)
      this.char(48 + q)
      n -= q * d
    }
    return true
  }
  finish(): number {
    let h1 = this.h1
    let h2 = this.h2
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
    return 4294967296 * (2097151 & h2) + (h1 >>> 0)
  }
}

/** Derived texts computed once per distinct value (given names, hometowns, name halves repeat across a province). */
class PartMemo {
  private readonly givens = new Map<string, string>()
  private readonly places = new Map<string, string>()
  private readonly skeletons = new Map<string, Map<string, string>>()
  given(g: string): string {
    let v = this.givens.get(g)
    if (v === undefined) this.givens.set(g, (v = iyKey(g)))
    return v
  }
  hometown(h: string): string {
    let v = this.places.get(h)
    if (v === undefined) this.places.set(h, (v = fold(h)))
    return v
  }
  skeleton(family: string, given: string): string {
    let byGiven = this.skeletons.get(family)
    if (byGiven === undefined) this.skeletons.set(family, (byGiven = new Map()))
    let v = byGiven.get(given)
    if (v === undefined) byGiven.set(given, (v = skeleton(family, given)))
    return v
  }
}

/** Keys of many records: for each record, in signature order, the key of each signature it has every part of. */
export interface RecordKeys {
  readonly keys: Float64Array
  /** The record (its index in the input) each key belongs to. */
  readonly record: Int32Array
}

/**
 * The stable keys (`stableKey`'s values) of records under the signatures, straight from the records:
 * record by record, signature by signature, a missing part skipping that key. Records may be added
 * in batches (`add`); a record's index counts from the first record added.
 */
export class KeyBuilder {
  private readonly lists: ReadonlyArray<ReadonlyArray<BlockKey>>
  private readonly memo = new PartMemo()
  private readonly h = new Hash()
  /** The hash state after each signature (hashed once, not once per record). */
  private readonly starts: ReadonlyArray<readonly [number, number]>
  private keys: Float64Array
  private record: Int32Array
  private n = 0
  private records = 0
  /** `expected`: about how many records will be added (the arrays grow past it if need be). */
  constructor(private readonly signatures: ReadonlyArray<string>, expected: number) {
    this.lists = signatures.map((s) => s.split("+") as Array<BlockKey>)
    this.starts = signatures.map((s) => {
      this.h.start(s)
      return this.h.state()
    })
    this.keys = new Float64Array(Math.max(1, expected * signatures.length))
    this.record = new Int32Array(this.keys.length)
  }
  add(records: ReadonlyArray<MatchInput>): this {
    const { lists, memo, h, starts } = this
    const sigs = this.signatures.length
    if (this.n + records.length * sigs > this.keys.length) {
      const size = Math.max(this.n + records.length * sigs, this.keys.length * 2)
      const keys = new Float64Array(size)
      keys.set(this.keys.subarray(0, this.n))
      const record = new Int32Array(size)
      record.set(this.record.subarray(0, this.n))
      this.keys = keys
      this.record = record
    }
    const { keys, record } = this
    let n = this.n
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!
      const at = this.records + i
      keys: for (let s = 0; s < sigs; s++) {
        h.resume(starts[s]!)
        for (const k of lists[s]!) if (!feedPart(h, r, k, memo)) continue keys
        keys[n] = h.finish()
        record[n++] = at
      }
    }
    this.n = n
    this.records += records.length
    return this
  }
  /** The keys so far (copies at their exact length). */
  result(): RecordKeys {
    return { keys: this.keys.slice(0, this.n), record: this.record.slice(0, this.n) }
  }
}

/** The stable keys of records under the signatures (KeyBuilder, all at once). */
export const recordKeys = (records: ReadonlyArray<MatchInput>, signatures: ReadonlyArray<string>): RecordKeys =>
  new KeyBuilder(signatures, records.length).add(records).result()

// ---------------------------------------------------------------------------------------------
// Stored records

type MemberRow = readonly [
  id: string, display: string, key: string, folded: string, family: string, middle: string, given: string,
  birth: readonly [number, number | null, number | null] | null, sex: string | null, hometown: string | null,
  cccd: string | null, cardNo: string | null,
  admitted: readonly [number, number | null, number | null] | null,
  official: readonly [number, number | null, number | null] | null,
  unitCode: string, status: string, sourceRow: number
]

const dateOut = (d: PartialDate | null) => (d === null ? null : ([d.year, d.month, d.day] as const))
const dateIn = (d: readonly [number, number | null, number | null] | null): PartialDate | null =>
  d === null ? null : partialDate(d[0], d[1], d[2])

/** The MemberRow of a member as JSON (the reference encoding; `encodeMember` writes the same text faster). */
export const encodeMemberJson = (m: CentralMember): string => {
  const row: MemberRow = [
    m.id, m.name.display, m.name.key, m.name.folded, m.name.family, m.name.middle, m.name.given,
    dateOut(m.birth), m.sex, m.hometown, m.cccd, m.cardNo, dateOut(m.admitted), dateOut(m.official),
    m.unitCode, m.status, m.sourceRow
  ]
  return JSON.stringify(row)
}

/** Characters JSON.stringify escapes in a string (quote, backslash, controls, surrogates: checked by it). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/
const str = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`)
const strOrNull = (s: string | null): string => (s === null ? "null" : str(s))
const dateJson = (d: PartialDate | null): string => (d === null ? "null" : `[${d.year},${d.month},${d.day}]`)
/** A name's six texts as JSON, once per name object (the central parse shares one object among the members of one name). */
const nameJson = new WeakMap<PersonName, string>()

/**
 * The member's stored text: the JSON of its MemberRow, written directly (JSON.stringify of the row
 * array was a tenth of preparing an export; the same text, tests/Store/CentralIndex.test.ts).
 */
export const encodeMember = (m: CentralMember): string => {
  const n = m.name
  let name = nameJson.get(n)
  if (name === undefined) {
    name = `${str(n.display)},${str(n.key)},${str(n.folded)},${str(n.family)},${str(n.middle)},${str(n.given)}`
    nameJson.set(n, name)
  }
  return `[${str(m.id)},${name},${dateJson(m.birth)},${strOrNull(m.sex)},${strOrNull(m.hometown)},${strOrNull(m.cccd)},${strOrNull(m.cardNo)},` +
    `${dateJson(m.admitted)},${dateJson(m.official)},${str(m.unitCode)},${str(m.status)},${m.sourceRow}]`
}

export const decodeMember = (text: string): CentralMember => {
  const r = JSON.parse(text) as MemberRow
  return {
    id: r[0],
    name: { display: r[1], key: r[2], folded: r[3], family: r[4], middle: r[5], given: r[6] },
    birth: dateIn(r[7]),
    sex: r[8] as CentralMember["sex"],
    hometown: r[9],
    cccd: r[10],
    cardNo: r[11],
    admitted: dateIn(r[12]),
    official: dateIn(r[13]),
    unitCode: r[14],
    status: r[15] as CentralMember["status"],
    sourceRow: r[16]
  }
}

export const encodeTransfer = (t: Transfer): string => JSON.stringify(t)
export const decodeTransfer = (text: string): Transfer => JSON.parse(text) as Transfer

// ---------------------------------------------------------------------------------------------
// The database

export const DDL = [
  `CREATE TABLE IF NOT EXISTS central_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_provinces (code TEXT PRIMARY KEY, name TEXT NOT NULL, code_from TEXT NOT NULL,
     source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, rows_read INTEGER NOT NULL,
     rows_rejected INTEGER NOT NULL, warnings INTEGER NOT NULL, members INTEGER NOT NULL, units INTEGER NOT NULL,
     transfers INTEGER NOT NULL, seconds REAL NOT NULL, records_per_s REAL NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_members (id INTEGER PRIMARY KEY, province TEXT NOT NULL, member_id TEXT NOT NULL,
     unit_code TEXT NOT NULL, data TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_units (province TEXT NOT NULL, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,
     parent_code TEXT, parent_name TEXT)`,
  `CREATE TABLE IF NOT EXISTS central_transfers (province TEXT NOT NULL, member_id TEXT NOT NULL, from_unit TEXT, to_unit TEXT, data TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_issues (province TEXT NOT NULL, level TEXT NOT NULL, data TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS central_keys (key INTEGER NOT NULL, member INTEGER NOT NULL, PRIMARY KEY (key, member)) WITHOUT ROWID`
]

/** Created after the bulk insert of a new file (much faster than inserting into indexed tables). */
export const INDEXES = [
  `CREATE INDEX IF NOT EXISTS central_members_province ON central_members (province)`,
  `CREATE INDEX IF NOT EXISTS central_members_member ON central_members (member_id)`,
  `CREATE INDEX IF NOT EXISTS central_units_code ON central_units (unit_code)`,
  `CREATE INDEX IF NOT EXISTS central_units_province ON central_units (province)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_member ON central_transfers (member_id)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_province ON central_transfers (province)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_to ON central_transfers (to_unit)`,
  `CREATE INDEX IF NOT EXISTS central_transfers_from ON central_transfers (from_unit)`,
  `CREATE INDEX IF NOT EXISTS central_issues_province ON central_issues (province)`
]

export interface IndexMeta {
  readonly pipeline: string
  /** The key signatures indexed ("cccd", "nameSkeleton+birthYear", …). */
  readonly signatures: ReadonlyArray<string>
}

/** The index's meta, or null when the file is no national index (an importCentral file, another SQLite). */
export const readIndexMeta = (db: Database.Database): IndexMeta | null => {
  const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'central_meta'`).get()
  if (has === undefined) return null
  const meta = new Map((db.prepare(`SELECT key, value FROM central_meta`).all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]))
  if (meta.get("schema") !== SCHEMA) return null
  return { pipeline: meta.get("pipeline") ?? "", signatures: JSON.parse(meta.get("key_rules") ?? "[]") as Array<string> }
}

/** True when the file is a national index (checked by its meta, not its name). */
export const isNationalIndex = (file: string): boolean => {
  const ext = path.extname(file).toLowerCase()
  if ((ext !== ".sqlite" && ext !== ".db") || !fs.existsSync(file)) return false
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      return readIndexMeta(db) !== null
    } finally {
      db.close()
    }
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------------------------
// Exports

/** The roots of a units tree: units whose parent is none or not a unit of the tree. */
export const rootsOf = (units: ReadonlyArray<Unit>): Array<Unit> => {
  const codes = new Set(units.map((u) => u.code))
  return units.filter((u) => u.parentCode === null || !codes.has(u.parentCode))
}

/** Rejections and warnings stored at import for a province. */
export const provinceIssues = (db: Database.Database, province: string): { rejections: Array<Rejection>; warnings: Array<Rejection> } => {
  const rows = db.prepare(`SELECT level, data FROM central_issues WHERE province = ? ORDER BY rowid`).all(province) as Array<{ level: string; data: string }>
  const rejections: Array<Rejection> = []
  const warnings: Array<Rejection> = []
  for (const r of rows) (r.level === "rejection" ? rejections : warnings).push(JSON.parse(r.data) as Rejection)
  return { rejections, warnings }
}
