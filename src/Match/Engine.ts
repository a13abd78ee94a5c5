/**
 * The identity matcher: blocking → comparison → scoring → one-to-one assignment.
 * Plain functions over arrays (style.md: no Effect per pair). Scores are Fellegi–Sunter style:
 * each comparison level contributes a log2 Bayes factor; the sum plus a prior log-odds gives a
 * match probability. The settings (blocking rules, level weights, thresholds) are declared in
 * pipelines/, not here.
 */
import type { CentralMember, PartialDate, PersonName, RosterRow, Sex, Unit } from "../Domain.js"
import { datesAgree } from "../Normalize/Date.js"
import { fold } from "../Normalize/Text.js"
import { compareIds, jaroWinkler } from "./Similarity.js"

/** The fields a blocking rule may key on. */
export type BlockKey = "cccd" | "cardNo" | "familyName" | "givenName" | "fullName" | "birthYear" | "birthDate" | "parentUnit"

export interface BlockingRule {
  readonly name: string
  readonly keys: ReadonlyArray<BlockKey>
}

/** `blockOn("givenName", "birthYear")`: candidate pairs share every listed key (rules are OR-ed). */
export const blockOn = (...keys: ReadonlyArray<BlockKey>): BlockingRule => ({ name: keys.join("+"), keys })

export interface NameWeights {
  readonly exact: number
  readonly folded: number
  readonly jw95: number
  readonly jw88: number
  readonly familyGiven: number
  readonly else: number
}
export interface DateWeights {
  readonly exact: number
  readonly compatible: number
  readonly swapped: number
  readonly sameMonthYear: number
  readonly sameYear: number
  readonly yearPlusMinus1: number
  readonly else: number
}
export interface IdWeights {
  readonly exact: number
  readonly oneEdit: number
  readonly else: number
}

export interface MatchSettings {
  readonly blocking: ReadonlyArray<BlockingRule>
  /** Refuse to score when blocking yields more candidate pairs than this. */
  readonly maxCandidatePairs: number
  /** Prior log2 odds that a candidate pair is a match. */
  readonly priorLog2: number
  /** Probability at or above which a pair is linked. */
  readonly linkThreshold: number
  /** Probability at or above which an unlinked pair is mentioned as the closest candidate. */
  readonly reviewThreshold: number
  readonly weights: {
    readonly name: NameWeights
    readonly birth: DateWeights
    readonly sex: { readonly agree: number; readonly disagree: number }
    readonly cccd: IdWeights
    readonly cardNo: IdWeights
    readonly hometown: { readonly agree: number; readonly disagree: number }
  }
}

/** What the matcher needs of either side, with keys computed once per record. */
export interface MatchRecord {
  readonly name: PersonName
  readonly birth: PartialDate | null
  readonly sex: Sex | null
  readonly cccd: string | null
  readonly cardNo: string | null
  readonly hometownKey: string | null
  readonly parentUnit: string | null
}

export const toMatchRecord = (
  r: Pick<CentralMember | RosterRow, "name" | "birth" | "sex" | "cccd" | "cardNo" | "hometown" | "unitCode">,
  parentOf: ReadonlyMap<string, string | null>
): MatchRecord => ({
  name: r.name,
  birth: r.birth,
  sex: r.sex,
  cccd: r.cccd,
  cardNo: r.cardNo,
  hometownKey: r.hometown === null ? null : fold(r.hometown),
  parentUnit: parentOf.get(r.unitCode) ?? null
})

export const parentMap = (units: ReadonlyArray<Unit>): Map<string, string | null> =>
  new Map(units.map((u) => [u.code, u.parentCode]))

const keyPart = (r: MatchRecord, k: BlockKey): string | null => {
  switch (k) {
    case "cccd":
      return r.cccd
    case "cardNo":
      return r.cardNo
    case "familyName":
      return r.name.family || null
    case "givenName":
      return r.name.given || null
    case "fullName":
      return r.name.folded || null
    case "birthYear":
      return r.birth === null ? null : String(r.birth.year)
    case "birthDate":
      return r.birth === null || r.birth.day === null ? null : `${r.birth.year}-${r.birth.month}-${r.birth.day}`
    case "parentUnit":
      return r.parentUnit
  }
}

/** The blocking key of a record under a rule; null when any part is missing (the rule then cannot pair it). */
export const blockKey = (r: MatchRecord, rule: BlockingRule): string | null => {
  let key = ""
  for (const k of rule.keys) {
    const part = keyPart(r, k)
    if (part === null || part === "") return null
    key += part + "\u0001"
  }
  return key
}

export interface Comparison {
  readonly comparison: "name" | "birth" | "sex" | "cccd" | "cardNo" | "hometown"
  readonly level: string
  readonly weight: number
}

const nameLevel = (a: PersonName, b: PersonName, w: NameWeights): [string, number] => {
  if (a.key === b.key) return ["exact", w.exact]
  if (a.folded === b.folded) return ["folded", w.folded]
  const jw = jaroWinkler(a.folded, b.folded)
  if (jw >= 0.95) return ["jw95", w.jw95]
  if (a.family === b.family && a.given === b.given) return ["familyGiven", w.familyGiven]
  if (jw >= 0.88) return ["jw88", w.jw88]
  return ["else", w.else]
}

const dateLevel = (a: PartialDate, b: PartialDate, w: DateWeights): [string, number] => {
  switch (datesAgree(a, b)) {
    case "EXACT":
      return ["exact", w.exact]
    case "COMPATIBLE":
      return ["compatible", w.compatible]
    case "SWAPPED":
      return ["swapped", w.swapped]
    case "SAME_MONTH_YEAR":
      return ["sameMonthYear", w.sameMonthYear]
    case "SAME_YEAR":
      return ["sameYear", w.sameYear]
    case "YEAR_PLUS_MINUS_1":
      return ["yearPlusMinus1", w.yearPlusMinus1]
    case "DIFFERENT":
      return ["else", w.else]
  }
}

const idLevel = (a: string, b: string, w: IdWeights): [string, number] => {
  switch (compareIds(a, b)) {
    case "EXACT":
      return ["exact", w.exact]
    case "ONE_EDIT":
      return ["oneEdit", w.oneEdit]
    case "DIFFERENT":
      return ["else", w.else]
  }
}

/** Total log2 weight of a pair. Missing values weigh nothing. Hot loop: no allocation. */
export const pairWeight = (a: MatchRecord, b: MatchRecord, s: MatchSettings): number => {
  const w = s.weights
  let total = nameLevel(a.name, b.name, w.name)[1]
  if (a.birth !== null && b.birth !== null) total += dateLevel(a.birth, b.birth, w.birth)[1]
  if (a.sex !== null && b.sex !== null) total += a.sex === b.sex ? w.sex.agree : w.sex.disagree
  if (a.cccd !== null && b.cccd !== null) total += idLevel(a.cccd, b.cccd, w.cccd)[1]
  if (a.cardNo !== null && b.cardNo !== null) total += idLevel(a.cardNo, b.cardNo, w.cardNo)[1]
  if (a.hometownKey !== null && b.hometownKey !== null)
    total += a.hometownKey === b.hometownKey ? w.hometown.agree : w.hometown.disagree
  return total
}

/** The per-comparison weights behind a pair's score (a waterfall). */
export const explainPair = (a: MatchRecord, b: MatchRecord, s: MatchSettings): ReadonlyArray<Comparison> => {
  const w = s.weights
  const out: Array<Comparison> = []
  const [nl, nw] = nameLevel(a.name, b.name, w.name)
  out.push({ comparison: "name", level: nl, weight: nw })
  if (a.birth !== null && b.birth !== null) {
    const [l, x] = dateLevel(a.birth, b.birth, w.birth)
    out.push({ comparison: "birth", level: l, weight: x })
  }
  if (a.sex !== null && b.sex !== null)
    out.push({
      comparison: "sex",
      level: a.sex === b.sex ? "agree" : "disagree",
      weight: a.sex === b.sex ? w.sex.agree : w.sex.disagree
    })
  if (a.cccd !== null && b.cccd !== null) {
    const [l, x] = idLevel(a.cccd, b.cccd, w.cccd)
    out.push({ comparison: "cccd", level: l, weight: x })
  }
  if (a.cardNo !== null && b.cardNo !== null) {
    const [l, x] = idLevel(a.cardNo, b.cardNo, w.cardNo)
    out.push({ comparison: "cardNo", level: l, weight: x })
  }
  if (a.hometownKey !== null && b.hometownKey !== null) {
    const agree = a.hometownKey === b.hometownKey
    out.push({ comparison: "hometown", level: agree ? "agree" : "disagree", weight: agree ? w.hometown.agree : w.hometown.disagree })
  }
  return out
}

export const probability = (weight: number, s: MatchSettings): number => 1 / (1 + Math.pow(2, -(weight + s.priorLog2)))

/** Candidate pairs produced by blocking: for each left record, the right indices (deduplicated across rules). */
export interface Blocks {
  readonly candidates: ReadonlyArray<Int32Array>
  readonly pairsPerRule: Readonly<Record<string, number>>
  readonly totalPairs: number
}

export class CandidateBudgetExceeded extends Error {
  constructor(
    readonly totalPairs: number,
    readonly budget: number,
    readonly pairsPerRule: Readonly<Record<string, number>>
  ) {
    const worst = Object.entries(pairsPerRule).sort((x, y) => y[1] - x[1])[0]
    super(
      `blocking produced ${totalPairs} candidate pairs, over the budget of ${budget}` +
        (worst ? `; rule "${worst[0]}" alone gives ${worst[1]}: make it stricter (add a key) or raise maxCandidatePairs` : "")
    )
  }
}

const indexRight = (right: ReadonlyArray<MatchRecord>, rule: BlockingRule): Map<string, Array<number>> => {
  const index = new Map<string, Array<number>>()
  for (let j = 0; j < right.length; j++) {
    const k = blockKey(right[j]!, rule)
    if (k === null) continue
    const bucket = index.get(k)
    if (bucket === undefined) index.set(k, [j])
    else bucket.push(j)
  }
  return index
}

/**
 * OR-ed blocking. With `self` (left and right are the same array), only pairs i < j are produced.
 * Throws CandidateBudgetExceeded before any scoring when the pair count is over budget.
 */
export const block = (
  left: ReadonlyArray<MatchRecord>,
  right: ReadonlyArray<MatchRecord>,
  s: MatchSettings,
  self = false
): Blocks => {
  const indexes = s.blocking.map((rule) => indexRight(right, rule))
  const pairsPerRule: Record<string, number> = {}
  s.blocking.forEach((rule, r) => {
    let n = 0
    for (let i = 0; i < left.length; i++) {
      const k = blockKey(left[i]!, rule)
      if (k === null) continue
      const bucket = indexes[r]!.get(k)
      if (bucket === undefined) continue
      if (self) {
        for (const j of bucket) if (j > i) n++
      } else n += bucket.length
    }
    pairsPerRule[rule.name] = n
  })
  const upperBound = Object.values(pairsPerRule).reduce((a, b) => a + b, 0)
  if (upperBound > s.maxCandidatePairs) throw new CandidateBudgetExceeded(upperBound, s.maxCandidatePairs, pairsPerRule)
  const seen = new Int32Array(right.length).fill(-1)
  const candidates: Array<Int32Array> = []
  let totalPairs = 0
  const buf: Array<number> = []
  for (let i = 0; i < left.length; i++) {
    buf.length = 0
    for (let r = 0; r < s.blocking.length; r++) {
      const k = blockKey(left[i]!, s.blocking[r]!)
      if (k === null) continue
      const bucket = indexes[r]!.get(k)
      if (bucket === undefined) continue
      for (const j of bucket) {
        if (self && j <= i) continue
        if (seen[j] === i) continue
        seen[j] = i
        buf.push(j)
      }
    }
    totalPairs += buf.length
    candidates.push(Int32Array.from(buf))
  }
  return { candidates, pairsPerRule, totalPairs }
}

export interface RowLink {
  /** Index into the central members array, or -1. */
  readonly member: number
  readonly score: number | null
  /** Closest candidate above the review threshold when the row was not linked. */
  readonly closest: number
  readonly closestScore: number | null
}

/**
 * Links each roster row to at most one central member; within one roster file each member is
 * linked at most once (greedy on descending score, ties broken by index for determinism).
 */
export const linkRows = (
  rows: ReadonlyArray<RosterRow>,
  rowRecords: ReadonlyArray<MatchRecord>,
  centralRecords: ReadonlyArray<MatchRecord>,
  blocks: Blocks,
  s: MatchSettings
): Array<RowLink> => {
  type Pair = { i: number; j: number; p: number }
  const byFile = new Map<string, Array<Pair>>()
  for (let i = 0; i < rows.length; i++) {
    const cands = blocks.candidates[i]!
    for (let c = 0; c < cands.length; c++) {
      const j = cands[c]!
      const p = probability(pairWeight(rowRecords[i]!, centralRecords[j]!, s), s)
      if (p < s.reviewThreshold) continue
      const file = rows[i]!.file
      const list = byFile.get(file)
      if (list === undefined) byFile.set(file, [{ i, j, p }])
      else list.push({ i, j, p })
    }
  }
  const result: Array<RowLink> = rows.map(() => ({ member: -1, score: null, closest: -1, closestScore: null }))
  for (const pairs of byFile.values()) {
    pairs.sort((x, y) => y.p - x.p || x.i - y.i || x.j - y.j)
    const rowDone = new Set<number>()
    const memberDone = new Set<number>()
    for (const { i, j, p } of pairs) {
      if (rowDone.has(i)) continue
      if (p >= s.linkThreshold) {
        if (memberDone.has(j)) continue
        rowDone.add(i)
        memberDone.add(j)
        result[i] = { member: j, score: p, closest: -1, closestScore: null }
      } else if (result[i]!.closest === -1) {
        result[i] = { member: -1, score: null, closest: j, closestScore: p }
      }
    }
  }
  return result
}

export interface CentralPair {
  readonly a: number
  readonly b: number
  readonly score: number
}

/** Pairs of central records that are the same person (score at or above the link threshold). */
export const centralDuplicates = (
  centralRecords: ReadonlyArray<MatchRecord>,
  blocks: Blocks,
  s: MatchSettings
): Array<CentralPair> => {
  const out: Array<CentralPair> = []
  for (let i = 0; i < centralRecords.length; i++) {
    const cands = blocks.candidates[i]!
    for (let c = 0; c < cands.length; c++) {
      const j = cands[c]!
      const p = probability(pairWeight(centralRecords[i]!, centralRecords[j]!, s), s)
      if (p >= s.linkThreshold) out.push({ a: i, b: j, score: p })
    }
  }
  return out
}
