/**
 * FEBRL 1 and 2 (P. Christen's FEBRL generator, as shipped with the Python Record Linkage Toolkit;
 * see ../shared/data/febrl/README.md) mapped into the contract, and scored pairwise. Data no one
 * here wrote, with an error model we did not design (typos, OCR and phonetic errors, swapped and
 * missing values, date-of-birth errors, several duplicates of one person): development data for
 * the matcher's weaknesses, not a target to fit.
 *
 * Mapping: name "surname given_name", date of birth (yyyymmdd; an impossible date is left out, as
 * ingestion leaves out an unreadable field), Quê quán "suburb, state", soc_sec_id once as the party
 * card number and once left out. All records sit in one cell. Truth: `rec-N-org` and
 * `rec-N-dup-K` are person N.
 *
 * - link: the originals are the central export, the duplicates roster rows (dataset1: one roster,
 *   each original has one duplicate; dataset2: one roster file per row, since one original may have
 *   up to five duplicates and a roster lists a member once) → link precision / recall / F1.
 * - dedupe: every record is a central record → persons → precision / recall / F1 over pairs of
 *   member ids in one person, and over the DUPLICATE_CENTRAL pairs themselves.
 */
import { parse as parseCsvSync } from "csv-parse/sync"
import type { CentralData, CentralMember, PartialDate, RosterRow, Unit } from "../Domain.js"
import type { MatchSettings } from "../Match/Engine.js"
import { runMatch } from "../Match/Stage.js"
import { parseName } from "../Normalize/Text.js"
import { linkMetrics } from "./Evaluate.js"

export interface FebrlRecord {
  readonly recId: string
  /** "rec-N": the person. */
  readonly person: string
  readonly original: boolean
  readonly given: string
  readonly surname: string
  readonly suburb: string
  readonly state: string
  readonly dob: string
  readonly socSecId: string
}

/** dataset1.csv / dataset2.csv (header rec_id, given_name, surname, …; values padded with a space). */
export const parseFebrl = (text: string): Array<FebrlRecord> => {
  const rows = parseCsvSync(text, { columns: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as Array<Record<string, string>>
  return rows.map((r) => {
    const recId = r["rec_id"] ?? ""
    const m = /^(rec-\d+)-(org|dup-\d+)$/.exec(recId)
    if (m === null) throw new Error(`FEBRL: unexpected rec_id "${recId}"`)
    return {
      recId,
      person: m[1]!,
      original: m[2] === "org",
      given: r["given_name"] ?? "",
      surname: r["surname"] ?? "",
      suburb: r["suburb"] ?? "",
      state: r["state"] ?? "",
      dob: r["date_of_birth"] ?? "",
      socSecId: r["soc_sec_id"] ?? ""
    }
  })
}

const UNIT: Unit = { code: "CB01", name: "FEBRL", parentCode: "DB01", parentName: "FEBRL" }
const UNITS: ReadonlyArray<Unit> = [UNIT, { code: "DB01", name: "FEBRL", parentCode: null, parentName: null }]

/** yyyymmdd → a date, or null when it is not a calendar date (the field is lost, not the record). */
export const febrlDate = (s: string): PartialDate | null => {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s)
  if (m === null) return null
  const [year, month, day] = [+m[1]!, +m[2]!, +m[3]!]
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && year >= 1880 ? { year, month, day } : null
}

interface Fields {
  readonly name: NonNullable<ReturnType<typeof parseName>>
  readonly birth: PartialDate | null
  readonly hometown: string | null
  readonly cardNo: string | null
}

/** The contract's fields of a record; null when it has no readable name (ingestion rejects such a row). */
const fieldsOf = (r: FebrlRecord, withNumber: boolean): Fields | null => {
  const name = parseName(`${r.surname} ${r.given}`.trim())
  if (name === null) return null
  const place = [r.suburb, r.state].filter((x) => x !== "").join(", ")
  return {
    name,
    birth: febrlDate(r.dob),
    hometown: place === "" ? null : place,
    cardNo: withNumber && /^\d+$/.test(r.socSecId) ? r.socSecId : null
  }
}

const memberOf = (r: FebrlRecord, f: Fields, sourceRow: number): CentralMember => ({
  id: r.recId,
  ...f,
  sex: null,
  cccd: null,
  admitted: null,
  official: null,
  unitCode: UNIT.code,
  status: "ACTIVE",
  sourceRow
})

const rowOf = (r: FebrlRecord, f: Fields, file: string, row: number): RosterRow => ({
  file,
  sheet: "Sheet1",
  row,
  unitCode: UNIT.code,
  kind: "OFFICIAL",
  ...f,
  sex: null,
  cccd: null,
  admitted: null,
  official: null,
  note: null,
  exempt: false,
  warnings: []
})

export interface PairMetrics {
  readonly truePairs: number
  readonly predicted: number
  readonly correct: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

const metrics = (truth: ReadonlySet<string>, predicted: ReadonlySet<string>): PairMetrics => {
  let correct = 0
  for (const p of predicted) if (truth.has(p)) correct++
  const precision = predicted.size === 0 ? 1 : correct / predicted.size
  const recall = truth.size === 0 ? 1 : correct / truth.size
  return { truePairs: truth.size, predicted: predicted.size, correct, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) }
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`)

/** Every unordered pair inside each group. */
const pairsWithin = (groups: Iterable<ReadonlyArray<string>>): Set<string> => {
  const out = new Set<string>()
  for (const g of groups) for (let x = 0; x < g.length; x++) for (let y = x + 1; y < g.length; y++) out.add(pairKey(g[x]!, g[y]!))
  return out
}

export interface FebrlLink {
  readonly links: ReturnType<typeof linkMetrics>
  /** True (row, original) pairs that blocking kept. */
  readonly blockingRecall: number
  readonly candidatePairs: number
  readonly pairsPerRule: Readonly<Record<string, number>>
}

/** Link task: originals as the central export, duplicates as roster rows. */
export const febrlLink = (records: ReadonlyArray<FebrlRecord>, settings: MatchSettings, withNumber: boolean, oneFile: boolean): FebrlLink => {
  const members: Array<CentralMember> = []
  const rows: Array<RosterRow> = []
  const truthOf: Array<string | null> = []
  const originals = new Set(records.filter((r) => r.original).map((r) => r.person))
  records.forEach((r, n) => {
    const f = fieldsOf(r, withNumber)
    if (f === null) return
    if (r.original) members.push(memberOf(r, f, n + 2))
    else {
      rows.push(rowOf(r, f, oneFile ? "duplicates.csv" : `duplicates/${r.recId}.csv`, n + 2))
      truthOf.push(originals.has(r.person) ? `${r.person}-org` : null)
    }
  })
  const central: CentralData = { members, units: UNITS, transfers: [] }
  const result = runMatch(central, rows, settings)
  const memberIndex = new Map(members.map((m, j) => [m.id, j]))
  let kept = 0
  let truePairs = 0
  truthOf.forEach((id, i) => {
    const j = id === null ? undefined : memberIndex.get(id)
    if (j === undefined) return
    truePairs++
    for (let k = result.rowBlocks.start[i]!; k < result.rowBlocks.start[i + 1]!; k++) {
      if (result.rowBlocks.idx[k] === j) {
        kept++
        break
      }
    }
  })
  const truthRows = rows.map((r, i) => ({ file: r.file, sheet: r.sheet, row: r.row, memberId: memberIndex.has(truthOf[i] ?? "") ? truthOf[i]! : null }))
  const links = rows.map((r, i) => {
    const l = result.links[i]!
    return { file: r.file, sheet: r.sheet, row: r.row, memberId: l.member >= 0 ? members[l.member]!.id : null }
  })
  return {
    links: linkMetrics(truthRows, links),
    blockingRecall: truePairs === 0 ? 1 : kept / truePairs,
    candidatePairs: result.rowBlocks.totalPairs,
    pairsPerRule: result.rowBlocks.pairsPerRule
  }
}

export interface FebrlDedupe {
  /** Pairs of member ids in one person. */
  readonly persons: PairMetrics
  /** The duplicate pairs themselves (DUPLICATE_CENTRAL findings, before clustering). */
  readonly duplicates: PairMetrics
  /** True pairs that blocking kept. */
  readonly blockingRecall: number
  readonly candidatePairs: number
}

/** Dedupe task: every record as one central export. */
export const febrlDedupe = (records: ReadonlyArray<FebrlRecord>, settings: MatchSettings, withNumber: boolean): FebrlDedupe => {
  const members: Array<CentralMember> = []
  records.forEach((r, n) => {
    const f = fieldsOf(r, withNumber)
    if (f !== null) members.push(memberOf(r, f, n + 2))
  })
  const result = runMatch({ members, units: UNITS, transfers: [] }, [], settings)
  const byPerson = new Map<string, Array<string>>()
  for (const m of members) {
    const p = m.id.replace(/-(org|dup-\d+)$/, "")
    const g = byPerson.get(p)
    if (g === undefined) byPerson.set(p, [m.id])
    else g.push(m.id)
  }
  const truth = pairsWithin(byPerson.values())
  const persons = pairsWithin(result.persons.map((p) => p.members.map((j) => members[j]!.id)))
  const duplicates = new Set(result.duplicates.map((d) => pairKey(members[d.a]!.id, members[d.b]!.id)))
  const blocked = new Set<string>()
  for (let i = 0; i < members.length; i++) {
    for (let k = result.selfBlocks.start[i]!; k < result.selfBlocks.start[i + 1]!; k++) {
      const key = pairKey(members[i]!.id, members[result.selfBlocks.idx[k]!]!.id)
      if (truth.has(key)) blocked.add(key)
    }
  }
  return {
    persons: metrics(truth, persons),
    duplicates: metrics(truth, duplicates),
    blockingRecall: truth.size === 0 ? 1 : blocked.size / truth.size,
    candidatePairs: result.selfBlocks.totalPairs
  }
}

export interface FebrlFigures {
  readonly dataset: string
  readonly withNumber: boolean
  readonly link: FebrlLink
  readonly dedupe: FebrlDedupe
}

/** Both tasks on one dataset, with and without the personal number as card number. */
export const febrlFigures = (dataset: string, text: string, settings: MatchSettings): Array<FebrlFigures> => {
  const records = parseFebrl(text)
  // dataset1: one duplicate per original, so a roster lists each person once.
  const oneFile = !records.some((r) => /-dup-[1-9]/.test(r.recId))
  return [false, true].map((withNumber) => ({
    dataset,
    withNumber,
    link: febrlLink(records, settings, withNumber, oneFile),
    dedupe: febrlDedupe(records, settings, withNumber)
  }))
}

const f3 = (x: number): string => x.toFixed(3)

export const formatFebrl = (figures: ReadonlyArray<FebrlFigures>): string => {
  const lines = [`FEBRL (pairwise)          number  link P / R / F1 (blocking R)     dedupe persons P / R / F1 (blocking R)   duplicate pairs F1`]
  for (const f of figures) {
    const l = f.link.links
    const d = f.dedupe
    lines.push(
      `  ${f.dataset.padEnd(22)} ${(f.withNumber ? "yes" : "no").padEnd(6)}  ` +
        `${f3(l.precision)} / ${f3(l.recall)} / ${f3(l.f1)} (${f3(f.link.blockingRecall)})    ` +
        `${f3(d.persons.precision)} / ${f3(d.persons.recall)} / ${f3(d.persons.f1)} (${f3(d.blockingRecall)})          ${f3(d.duplicates.f1)}`
    )
  }
  return lines.join("\n")
}
