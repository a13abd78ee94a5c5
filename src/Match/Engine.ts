/**
 * The identity matcher: prepare → block → compare → estimate (u from random pairs, m by EM) →
 * score (Fellegi–Sunter log2 Bayes factors + term-frequency adjustment of names) → link
 * (one-to-one per roster file) → central duplicates → persons (clusters).
 *
 * Plain functions over arrays (style.md). Records are first turned into columns of interned
 * integers ("sides"), so the pairwise loop compares integers and calls Jaro-Winkler only when the
 * folded names differ; each candidate pair's comparison vector is one small integer (a mixed-radix
 * code over the comparison levels), kept in an Int32Array. EM then runs over the *counts* of
 * distinct codes (a few thousand), not over the pairs, and the scoring pass is one table lookup
 * plus the name's term-frequency adjustment per pair.
 *
 * Cost grows with the number of candidate pairs (plus linear work per record for preparation and
 * blocking), never with left × right: blocking groups records by key and only pairs inside a
 * group are visited; the per-rule pair count is computed from group sizes before any pair is
 * built, and a run over budget is refused.
 */
import type { CentralMember, PartialDate, PersonName, RosterRow, Unit } from "../Domain.js"
import { fold } from "../Normalize/Text.js"
import { jaroWinkler, withinOneEdit } from "./Similarity.js"

// ---------------------------------------------------------------------------------------------
// Vocabulary: blocking rules, comparisons and their levels, settings

/** The fields a blocking rule may key on (all folded: diacritics and case do not split a block). */
export type BlockKey =
  | "cccd"
  | "cardNo"
  | "familyName"
  | "givenName"
  | "fullName"
  | "birthYear"
  | "birthDate"
  | "parentUnit"
  | "sex"
  | "admittedDate"

export interface BlockingRule {
  readonly name: string
  readonly keys: ReadonlyArray<BlockKey>
}

/** `blockOn("givenName", "birthYear")`: candidate pairs share every listed key (rules are OR-ed). */
export const blockOn = (...keys: ReadonlyArray<BlockKey>): BlockingRule => ({ name: keys.join("+"), keys })

export const NameLevels = ["exact", "folded", "variant", "jw95", "familyGiven", "jw88", "givenOnly", "else"] as const
export const BirthLevels = ["exact", "swapped", "yearOnly", "sameMonthYear", "sameYear", "yearPlusMinus1", "else"] as const
export const AgreeLevels = ["agree", "disagree"] as const
export const IdLevels = ["exact", "oneEdit", "else"] as const
export const AdmittedLevels = ["exact", "within30WorkingDays", "sameYear", "else"] as const

export type NameLevel = (typeof NameLevels)[number]
export type BirthLevel = (typeof BirthLevels)[number]
export type AgreeLevel = (typeof AgreeLevels)[number]
export type IdLevel = (typeof IdLevels)[number]
export type AdmittedLevel = (typeof AdmittedLevels)[number]

/** The comparisons, in the order of the code's mixed radix (name lowest, so its level is code % 9). */
export const Comparisons = ["name", "birth", "sex", "cccd", "cardNo", "hometown", "admitted"] as const
export type ComparisonName = (typeof Comparisons)[number]

const LEVELS: Readonly<Record<ComparisonName, ReadonlyArray<string>>> = {
  name: NameLevels,
  birth: BirthLevels,
  sex: AgreeLevels,
  cccd: IdLevels,
  cardNo: IdLevels,
  hometown: AgreeLevels,
  admitted: AdmittedLevels
}

export interface ComparisonWeights {
  readonly name: Readonly<Record<NameLevel, number>>
  readonly birth: Readonly<Record<BirthLevel, number>>
  readonly sex: Readonly<Record<AgreeLevel, number>>
  readonly cccd: Readonly<Record<IdLevel, number>>
  readonly cardNo: Readonly<Record<IdLevel, number>>
  readonly hometown: Readonly<Record<AgreeLevel, number>>
  readonly admitted: Readonly<Record<AdmittedLevel, number>>
}

export interface EstimateSettings {
  /** Estimate from the data (u, m, prior, term frequencies) only with at least this many central records; below it the declared weights are used as they are (EM on a few hundred records overfits). */
  readonly minCentralRecords: number
  /** Random (roster row, central record) pairs drawn to estimate u. */
  readonly randomPairs: number
  readonly emIterations: number
  /** Log2 weights (and term-frequency adjustments) are clipped to ±this. */
  readonly maxWeight: number
  /**
   * Floor of every m probability: no level is assumed rarer than this among true matches, however
   * clean the training data (fastLink's error-rate view). Bounds the weight of one disagreement.
   * Per comparison where identifiers deserve a lower floor (a CCCD is for life; cards are reissued).
   */
  readonly minM: { readonly default: number } & Partial<Readonly<Record<ComparisonName, number>>>
  readonly termFrequency: boolean
  /** Seed of the random-pair sampler (estimates are reproducible run to run). */
  readonly seed: number
}

export interface MatchSettings {
  readonly blocking: ReadonlyArray<BlockingRule>
  /** Refuse to score when blocking yields more candidate pairs than this. */
  readonly maxCandidatePairs: number
  /** Prior log2 odds that a candidate pair is a match (declared; EM replaces it when estimating). */
  readonly priorLog2: number
  /** Probability at or above which a pair is linked. */
  readonly linkThreshold: number
  /** Probability at or above which an unlinked pair is kept as the closest candidate (needs review). */
  readonly reviewThreshold: number
  /** Declared log2 Bayes factors per level: used as they are on small data, and as EM's starting point. */
  readonly weights: ComparisonWeights
  readonly estimate: EstimateSettings
}

// ---------------------------------------------------------------------------------------------
// Sides: records as columns of interned integers

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

const NONE = -1
const NO_DAY = -2147483648

export interface Side {
  readonly n: number
  readonly keyId: Int32Array
  readonly foldedId: Int32Array
  readonly familyId: Int32Array
  readonly middleId: Int32Array
  readonly givenId: Int32Array
  /** Family with Hoàng/Huỳnh and Vũ/Võ merged; given with a final i/y merged (Quý/Quí). */
  readonly familyVarId: Int32Array
  readonly givenVarId: Int32Array
  readonly folded: ReadonlyArray<string>
  readonly birthY: Int16Array
  readonly birthM: Int8Array
  readonly birthD: Int8Array
  /** 0 unknown, 1 M, 2 F. */
  readonly sex: Int8Array
  readonly cccd: ReadonlyArray<string | null>
  readonly cccdId: Int32Array
  readonly cardNo: ReadonlyArray<string | null>
  readonly cardId: Int32Array
  readonly hometownId: Int32Array
  readonly admittedDay: Int32Array
  readonly admittedYear: Int16Array
  readonly parentId: Int32Array
}

/** Hoàng/Huỳnh and Vũ/Võ are one surname written two ways (domain.md §6.1): weak equivalence. */
const REGIONAL_FAMILY: Readonly<Record<string, string>> = { huynh: "hoang", vo: "vu" }
const iyKey = (given: string): string => given.replace(/^(qu|l|m|k|t|v)y$/, "$1i")

export const parentMap = (units: ReadonlyArray<Unit>): Map<string, string | null> =>
  new Map(units.map((u) => [u.code, u.parentCode]))

const dayOf = (d: PartialDate | null): number =>
  d === null || d.month === null || d.day === null ? NO_DAY : Date.UTC(d.year, d.month - 1, d.day) / 86_400_000

export const prepare = (
  records: ReadonlyArray<MatchInput>,
  parents: ReadonlyMap<string, string | null>,
  strings: Interner
): Side => {
  const n = records.length
  const s: Side = {
    n,
    keyId: new Int32Array(n),
    foldedId: new Int32Array(n),
    familyId: new Int32Array(n),
    middleId: new Int32Array(n),
    givenId: new Int32Array(n),
    familyVarId: new Int32Array(n),
    givenVarId: new Int32Array(n),
    folded: new Array<string>(n),
    birthY: new Int16Array(n),
    birthM: new Int8Array(n),
    birthD: new Int8Array(n),
    sex: new Int8Array(n),
    cccd: new Array<string | null>(n),
    cccdId: new Int32Array(n),
    cardNo: new Array<string | null>(n),
    cardId: new Int32Array(n),
    hometownId: new Int32Array(n),
    admittedDay: new Int32Array(n),
    admittedYear: new Int16Array(n),
    parentId: new Int32Array(n)
  }
  const folded = s.folded as Array<string>
  const cccd = s.cccd as Array<string | null>
  const card = s.cardNo as Array<string | null>
  for (let i = 0; i < n; i++) {
    const r = records[i]!
    const nm: PersonName = r.name
    s.keyId[i] = strings.id("k" + nm.key)
    s.foldedId[i] = strings.id("f" + nm.folded)
    folded[i] = nm.folded
    s.familyId[i] = strings.id("t" + nm.family)
    s.middleId[i] = strings.id("t" + nm.middle)
    s.givenId[i] = strings.id("t" + nm.given)
    s.familyVarId[i] = strings.id("t" + (REGIONAL_FAMILY[nm.family] ?? nm.family))
    s.givenVarId[i] = strings.id("t" + iyKey(nm.given))
    s.birthY[i] = r.birth === null ? 0 : r.birth.year
    s.birthM[i] = r.birth === null || r.birth.month === null ? 0 : r.birth.month
    s.birthD[i] = r.birth === null || r.birth.month === null || r.birth.day === null ? 0 : r.birth.day
    s.sex[i] = r.sex === null ? 0 : r.sex === "M" ? 1 : 2
    cccd[i] = r.cccd
    s.cccdId[i] = r.cccd === null ? NONE : strings.id("c" + r.cccd)
    card[i] = r.cardNo
    s.cardId[i] = r.cardNo === null ? NONE : strings.id("d" + r.cardNo)
    s.hometownId[i] = r.hometown === null ? NONE : strings.id("h" + fold(r.hometown))
    s.admittedDay[i] = dayOf(r.admitted)
    s.admittedYear[i] = r.admitted === null ? 0 : r.admitted.year
    const parent = parents.get(r.unitCode) ?? null
    s.parentId[i] = parent === null ? NONE : strings.id("u" + parent)
  }
  return s
}

// ---------------------------------------------------------------------------------------------
// Comparison: one pair → one integer code (level + 1 per comparison, 0 = missing)

const RADIX = Comparisons.map((c) => LEVELS[c].length + 1)
const STRIDE: ReadonlyArray<number> = RADIX.map((_, k) => RADIX.slice(0, k).reduce((a, b) => a * b, 1))
/** Number of distinct comparison-vector codes. */
export const CODE_SPACE = RADIX.reduce((a, b) => a * b, 1)
const S_BIRTH = STRIDE[1]!
const S_SEX = STRIDE[2]!
const S_CCCD = STRIDE[3]!
const S_CARD = STRIDE[4]!
const S_HOME = STRIDE[5]!
const S_ADM = STRIDE[6]!

/** Level index (0-based) of comparison k in a code, or -1 when a value was missing. */
export const levelOf = (code: number, k: number): number => (Math.floor(code / STRIDE[k]!) % RADIX[k]!) - 1

/**
 * Jaro-Winkler thresholds on folded names (Splink's defaults); 44 calendar days ≈ 30 working
 * days (Quy định 24-QĐ/TW §4: decision vs ceremony date of admission, domain.md §1.2).
 */
const JW_HIGH = 0.95
const JW_LOW = 0.88
const ADMITTED_TOLERANCE_DAYS = 44

/** The comparison vector of (a[i], b[j]). Hot loop: integer compares, no allocation. */
export const compareCode = (a: Side, i: number, b: Side, j: number): number => {
  // name (always present: a record without a name is rejected at ingestion)
  let name: number
  if (a.keyId[i] === b.keyId[j]) name = 1
  else if (a.foldedId[i] === b.foldedId[j]) name = 2
  else if (a.familyVarId[i] === b.familyVarId[j] && a.middleId[i] === b.middleId[j] && a.givenVarId[i] === b.givenVarId[j]) name = 3
  else {
    const jw = jaroWinkler(a.folded[i]!, b.folded[j]!)
    const familyGiven = a.familyId[i] === b.familyId[j] && a.givenId[i] === b.givenId[j]
    if (jw >= JW_HIGH) name = 4
    else if (familyGiven) name = 5
    else if (jw >= JW_LOW) name = 6
    else if (a.givenId[i] === b.givenId[j]) name = 7
    else name = 8
  }
  let code = name

  const ay = a.birthY[i]!
  const by = b.birthY[j]!
  if (ay !== 0 && by !== 0) {
    let l: number
    if (ay === by) {
      const am = a.birthM[i]!
      const bm = b.birthM[j]!
      const ad = a.birthD[i]!
      const bd = b.birthD[j]!
      if (am === bm && ad === bd) l = am === 0 ? 3 : 1
      else if (ad !== 0 && bd !== 0 && ad === bm && am === bd) l = 2
      else if (ad === 0 || bd === 0) l = am === 0 || bm === 0 || am === bm ? 3 : 5
      else l = am === bm ? 4 : 5
    } else l = ay - by === 1 || by - ay === 1 ? 6 : 7
    code += l * S_BIRTH
  }

  const as = a.sex[i]!
  const bs = b.sex[j]!
  if (as !== 0 && bs !== 0) code += (as === bs ? 1 : 2) * S_SEX

  const ac = a.cccd[i]!
  const bc = b.cccd[j]!
  // A 9-digit CMND and a 12-digit CCCD are different documents of one person: no evidence either way.
  if (ac !== null && bc !== null && (ac.length > 10) === (bc.length > 10)) {
    code += (a.cccdId[i] === b.cccdId[j] ? 1 : withinOneEdit(ac, bc) ? 2 : 3) * S_CCCD
  }
  const ak = a.cardNo[i]!
  const bk = b.cardNo[j]!
  if (ak !== null && bk !== null) code += (a.cardId[i] === b.cardId[j] ? 1 : withinOneEdit(ak, bk) ? 2 : 3) * S_CARD

  const ah = a.hometownId[i]!
  const bh = b.hometownId[j]!
  if (ah !== NONE && bh !== NONE) code += (ah === bh ? 1 : 2) * S_HOME

  const ad = a.admittedDay[i]!
  const bd = b.admittedDay[j]!
  if (ad !== NO_DAY && bd !== NO_DAY) {
    const diff = ad > bd ? ad - bd : bd - ad
    code += (diff === 0 ? 1 : diff <= ADMITTED_TOLERANCE_DAYS ? 2 : a.admittedYear[i] === b.admittedYear[j] ? 3 : 4) * S_ADM
  } else if (a.admittedYear[i] !== 0 && b.admittedYear[j] !== 0) {
    code += (a.admittedYear[i] === b.admittedYear[j] ? 3 : 4) * S_ADM
  }
  return code
}

// ---------------------------------------------------------------------------------------------
// Blocking

/** Candidate pairs as CSR: the right indices of left record i are idx[start[i] .. start[i+1]). */
export interface Blocks {
  readonly start: Int32Array
  readonly idx: Int32Array
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
        (worst ? `; rule "${worst[0]}" alone gives ${worst[1]}: make it stricter (add a key such as parentUnit or sex) or raise maxCandidatePairs` : "")
    )
  }
}

const keyPart = (s: Side, i: number, k: BlockKey): number => {
  switch (k) {
    case "cccd":
      return s.cccdId[i]!
    case "cardNo":
      return s.cardId[i]!
    // The spelling-variant forms, so Hoàng/Huỳnh, Vũ/Võ and Quý/Quí share a block.
    case "familyName":
      return s.familyVarId[i]!
    case "givenName":
      return s.givenVarId[i]!
    case "fullName":
      return s.foldedId[i]!
    case "birthYear":
      return s.birthY[i] === 0 ? NONE : s.birthY[i]!
    case "birthDate":
      return s.birthD[i] === 0 ? NONE : s.birthY[i]! * 372 + s.birthM[i]! * 31 + s.birthD[i]!
    case "parentUnit":
      return s.parentId[i]!
    case "sex":
      return s.sex[i] === 0 ? NONE : s.sex[i]!
    case "admittedDate":
      return s.admittedDay[i] === NO_DAY ? NONE : s.admittedDay[i]! + 100_000
  }
}

/** The blocking key of record i under a rule; null when any part is missing (the rule cannot pair it). */
const ruleKey = (s: Side, i: number, rule: BlockingRule): string | number | null => {
  if (rule.keys.length === 1) {
    const v = keyPart(s, i, rule.keys[0]!)
    return v === NONE ? null : v
  }
  let key = ""
  for (const k of rule.keys) {
    const v = keyPart(s, i, k)
    if (v === NONE) return null
    key += v + ":"
  }
  return key
}

interface RuleGroups {
  /** Group of each left record on the right side, -1 when none. */
  readonly leftGroup: Int32Array
  readonly groupStart: Int32Array
  readonly members: Int32Array
  readonly pairs: number
}

const groupRule = (left: Side, right: Side, rule: BlockingRule, self: boolean): RuleGroups => {
  const map = new Map<string | number, number>()
  const rightGroup = new Int32Array(right.n)
  const sizes: Array<number> = []
  for (let j = 0; j < right.n; j++) {
    const k = ruleKey(right, j, rule)
    if (k === null) {
      rightGroup[j] = NONE
      continue
    }
    let g = map.get(k)
    if (g === undefined) {
      g = sizes.length
      map.set(k, g)
      sizes.push(0)
    }
    rightGroup[j] = g
    sizes[g]!++
  }
  const groupStart = new Int32Array(sizes.length + 1)
  for (let g = 0; g < sizes.length; g++) groupStart[g + 1] = groupStart[g]! + sizes[g]!
  const fill = groupStart.slice(0, sizes.length)
  const members = new Int32Array(groupStart[sizes.length]!)
  for (let j = 0; j < right.n; j++) {
    const g = rightGroup[j]!
    if (g !== NONE) members[fill[g]!++] = j
  }
  let pairs = 0
  let leftGroup: Int32Array
  if (self) {
    leftGroup = rightGroup
    for (const s of sizes) pairs += (s * (s - 1)) / 2
  } else {
    leftGroup = new Int32Array(left.n)
    for (let i = 0; i < left.n; i++) {
      const k = ruleKey(left, i, rule)
      const g = k === null ? undefined : map.get(k)
      leftGroup[i] = g === undefined ? NONE : g
      if (g !== undefined) pairs += sizes[g]!
    }
  }
  return { leftGroup, groupStart, members, pairs }
}

/**
 * OR-ed blocking. With `self` (left and right are the same side), only pairs i < j are produced.
 * Counts the pairs of every rule from group sizes first and throws CandidateBudgetExceeded before
 * any pair is built when their sum is over budget.
 */
export const block = (left: Side, right: Side, s: Pick<MatchSettings, "blocking" | "maxCandidatePairs">, self = false): Blocks => {
  const groups = s.blocking.map((rule) => groupRule(left, right, rule, self))
  const pairsPerRule: Record<string, number> = {}
  s.blocking.forEach((rule, r) => {
    pairsPerRule[rule.name] = groups[r]!.pairs
  })
  const upperBound = groups.reduce((a, g) => a + g.pairs, 0)
  if (upperBound > s.maxCandidatePairs) throw new CandidateBudgetExceeded(upperBound, s.maxCandidatePairs, pairsPerRule)
  const seen = new Int32Array(right.n).fill(-1)
  const start = new Int32Array(left.n + 1)
  const idx = new Int32Array(upperBound)
  let pos = 0
  for (let i = 0; i < left.n; i++) {
    start[i] = pos
    for (let r = 0; r < groups.length; r++) {
      const g = groups[r]!
      const grp = g.leftGroup[i]!
      if (grp === NONE) continue
      for (let k = g.groupStart[grp]!, end = g.groupStart[grp + 1]!; k < end; k++) {
        const j = g.members[k]!
        if (self && j <= i) continue
        if (seen[j] === i) continue
        seen[j] = i
        idx[pos++] = j
      }
    }
  }
  start[left.n] = pos
  return { start, idx: idx.subarray(0, pos), pairsPerRule, totalPairs: pos }
}

/** True when (a[i], b[j]) agree on every key of the rule (the rule would have paired them). */
const ruleAgrees = (a: Side, i: number, b: Side, j: number, rule: BlockingRule): boolean => {
  for (const k of rule.keys) {
    const v = keyPart(a, i, k)
    if (v === NONE || v !== keyPart(b, j, k)) return false
  }
  return true
}

export interface Compared {
  /** Comparison code of every candidate pair, in the order of `blocks.idx`. */
  readonly codes: Int32Array
  /** How often each code occurs among the candidate pairs. */
  readonly counts: Float64Array
  /** The same counts restricted to the pairs each blocking rule generates (EM sessions). */
  readonly ruleCounts: ReadonlyArray<Float64Array>
}

export const compareBlocks = (left: Side, right: Side, blocks: Blocks, rules: ReadonlyArray<BlockingRule> = []): Compared => {
  const codes = new Int32Array(blocks.totalPairs)
  const counts = new Float64Array(CODE_SPACE)
  const ruleCounts = rules.map(() => new Float64Array(CODE_SPACE))
  for (let i = 0; i < left.n; i++) {
    for (let k = blocks.start[i]!, end = blocks.start[i + 1]!; k < end; k++) {
      const j = blocks.idx[k]!
      const c = compareCode(left, i, right, j)
      codes[k] = c
      counts[c]!++
      for (let r = 0; r < rules.length; r++) if (ruleAgrees(left, i, right, j, rules[r]!)) ruleCounts[r]![c]!++
    }
  }
  return { codes, counts, ruleCounts }
}

// ---------------------------------------------------------------------------------------------
// Estimation: u from random pairs, m and the prior by EM over code counts

/** Per comparison, per level: the probability of the level among matches (m) and non-matches (u). */
export interface Parameters {
  readonly m: ReadonlyArray<Float64Array>
  readonly u: ReadonlyArray<Float64Array>
}

/** The fitted model: per-level log2 weights, prior, term frequencies. */
export interface Model {
  readonly estimated: boolean
  readonly weights: ReadonlyArray<Float64Array>
  readonly priorLog2: number
  /** Prior for central × central pairs (duplicates are much rarer than roster links). */
  readonly selfPriorLog2: number
  /** Sum of the level weights for every code. */
  readonly table: Float64Array
  readonly params: Parameters | null
  /** u of the name levels that get a term-frequency adjustment (log2), or null when off. */
  readonly tf: TermFrequencies | null
  readonly maxWeight: number
  readonly emIterations: number
}

export interface TermFrequencies {
  /** log2 of the share of central records with this folded full name / given name, per central record. */
  readonly logFull: Float64Array
  readonly logGiven: Float64Array
  /** log2 u of the levels adjusted: exact, folded (full name), givenOnly (given name). */
  readonly logUExact: number
  readonly logUFolded: number
  readonly logUGivenOnly: number
}

/** mulberry32: a seeded sampler so estimates do not change from run to run. */
const sampler = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const perLevel = (): Array<Float64Array> => Comparisons.map((c) => new Float64Array(LEVELS[c].length))

/** Level frequencies per comparison from code counts (missing levels excluded), with a floor. */
const levelShares = (counts: Float64Array, floor: number): Array<Float64Array> => {
  const out = perLevel()
  for (let code = 0; code < CODE_SPACE; code++) {
    const c = counts[code]!
    if (c === 0) continue
    for (let k = 0; k < Comparisons.length; k++) {
      const l = levelOf(code, k)
      if (l >= 0) out[k]![l]! += c
    }
  }
  for (const arr of out) {
    let total = 0
    for (const x of arr) total += x
    for (let l = 0; l < arr.length; l++) arr[l] = Math.max(total === 0 ? 0 : arr[l]! / total, floor)
  }
  return out
}

/** u: level shares among random (left, right) pairs, which are almost all non-matches. */
export const estimateU = (left: Side, right: Side, pairs: number, seed: number): Array<Float64Array> => {
  const rnd = sampler(seed)
  const counts = new Float64Array(CODE_SPACE)
  for (let p = 0; p < pairs; p++) {
    const i = Math.floor(rnd() * left.n)
    const j = Math.floor(rnd() * right.n)
    counts[compareCode(left, i, right, j)]!++
  }
  // A random pair agrees on a unique identifier about once per right-side record: never rarer.
  return levelShares(counts, 0.5 / Math.max(right.n, pairs))
}

const declaredArrays = (w: ComparisonWeights): Array<Float64Array> =>
  Comparisons.map((c) => Float64Array.from(LEVELS[c].map((l) => (w[c] as Record<string, number>)[l]!)))

/** The comparison each blocking key fixes: within a rule's pairs it carries no information. */
const KEY_COMPARISON: Readonly<Record<BlockKey, number>> = {
  cccd: 3,
  cardNo: 4,
  familyName: 0,
  givenName: 0,
  fullName: 0,
  birthYear: 1,
  birthDate: 1,
  sex: 2,
  parentUnit: -1,
  admittedDate: 6
}

/**
 * One EM session for Fellegi–Sunter with u fixed (Splink's approach), over the counts of distinct
 * codes, not over pairs. Comparisons in `excluded` (those the session's blocking rule fixed) are
 * left out of the likelihood and keep their starting m. Returns m and the match share λ.
 */
export const estimateM = (
  counts: Float64Array,
  u: ReadonlyArray<Float64Array>,
  mStart: ReadonlyArray<Float64Array>,
  lambdaStart: number,
  iterations: number,
  excluded: ReadonlyArray<boolean> = Comparisons.map(() => false)
): { m: Array<Float64Array>; lambda: number } => {
  const m = mStart.map((x) => Float64Array.from(x))
  const codes: Array<number> = []
  for (let c = 0; c < CODE_SPACE; c++) if (counts[c]! > 0) codes.push(c)
  const levels = codes.map((c) => Comparisons.map((_, k) => (excluded[k] ? -1 : levelOf(c, k))))
  let lambda = lambdaStart
  for (let it = 0; it < iterations; it++) {
    const num = perLevel()
    const den = Comparisons.map(() => 0)
    let matched = 0
    let total = 0
    for (let p = 0; p < codes.length; p++) {
      const ls = levels[p]!
      let logRatio = Math.log(lambda / (1 - lambda))
      for (let k = 0; k < ls.length; k++) {
        const l = ls[k]!
        if (l >= 0) logRatio += Math.log(m[k]![l]! / u[k]![l]!)
      }
      const g = 1 / (1 + Math.exp(-logRatio))
      const c = counts[codes[p]!]!
      matched += c * g
      total += c
      for (let k = 0; k < ls.length; k++) {
        const l = ls[k]!
        if (l < 0) continue
        num[k]![l]! += c * g
        den[k]! += c * g
      }
    }
    for (let k = 0; k < m.length; k++) {
      if (excluded[k]) continue
      // A pseudo-count keeps levels never seen among matches from reaching probability 0.
      const d = den[k]! + 1
      for (let l = 0; l < m[k]!.length; l++) m[k]![l] = (num[k]![l]! + m[k]![l]!) / d
    }
    lambda = Math.min(Math.max(matched / Math.max(total, 1), 1e-9), 1 - 1e-9)
  }
  return { m, lambda }
}

/** m implied by declared weights and u (m ∝ u·2^w): EM's starting point. */
const mFromWeights = (declared: ReadonlyArray<Float64Array>, u: ReadonlyArray<Float64Array>): Array<Float64Array> =>
  declared.map((w, k) => {
    const arr = new Float64Array(w.length)
    let total = 0
    for (let l = 0; l < w.length; l++) total += arr[l] = u[k]![l]! * Math.pow(2, w[l]!)
    for (let l = 0; l < w.length; l++) arr[l] = arr[l]! / total
    return arr
  })

/**
 * EM in sessions, one per blocking rule (Splink's training by blocking rule): a rule's pairs all
 * agree on its keys, so the comparisons it fixes are estimated in the other sessions only. Each
 * comparison's m is the median over the sessions that estimated it (declared where none did).
 */
export const estimateMBySessions = (
  ruleCounts: ReadonlyArray<Float64Array>,
  rules: ReadonlyArray<BlockingRule>,
  u: ReadonlyArray<Float64Array>,
  declared: ReadonlyArray<Float64Array>,
  iterations: number,
  minPairs = 200
): Array<Float64Array> => {
  const start = mFromWeights(declared, u)
  const estimates: Array<Array<Float64Array>> = Comparisons.map(() => [])
  rules.forEach((rule, r) => {
    const counts = ruleCounts[r]!
    let total = 0
    for (let c = 0; c < CODE_SPACE; c++) total += counts[c]!
    if (total < minPairs) return
    const excluded = Comparisons.map(() => false)
    for (const key of rule.keys) {
      const k = KEY_COMPARISON[key]
      if (k >= 0) excluded[k] = true
    }
    const { m } = estimateM(counts, u, start, 0.5, iterations, excluded)
    for (let k = 0; k < Comparisons.length; k++) if (!excluded[k]) estimates[k]!.push(m[k]!)
  })
  // Per level, the median over sessions: one session whose EM settled on another split (many
  // look-alike non-matches) must not drag the others (measured at 1M records: the mean did).
  return start.map((s0, k) => {
    const es = estimates[k]!
    if (es.length === 0) return s0
    const med = Float64Array.from(s0, (_, l) => {
      const xs = es.map((e) => e[l]!).sort((a, b) => a - b)
      const h = xs.length >> 1
      return xs.length % 2 === 1 ? xs[h]! : (xs[h - 1]! + xs[h]!) / 2
    })
    const total = med.reduce((a, b) => a + b, 0)
    return med.map((x) => x / total)
  })
}

/** λ alone (m and u fixed), for central × central pairs. */
const estimateLambda = (counts: Float64Array, weights: ReadonlyArray<Float64Array>, start: number, iterations: number): number => {
  const codes: Array<number> = []
  const w: Array<number> = []
  for (let c = 0; c < CODE_SPACE; c++) {
    if (counts[c]! === 0) continue
    codes.push(c)
    let sum = 0
    for (let k = 0; k < Comparisons.length; k++) {
      const l = levelOf(c, k)
      if (l >= 0) sum += weights[k]![l]!
    }
    w.push(sum * Math.LN2)
  }
  let lambda = start
  for (let it = 0; it < iterations; it++) {
    let matched = 0
    let total = 0
    for (let p = 0; p < codes.length; p++) {
      const g = 1 / (1 + Math.exp(-(Math.log(lambda / (1 - lambda)) + w[p]!)))
      matched += counts[codes[p]!]! * g
      total += counts[codes[p]!]!
    }
    lambda = Math.min(Math.max(matched / Math.max(total, 1), 1e-9), 1 - 1e-9)
  }
  return lambda
}

const buildTable = (weights: ReadonlyArray<Float64Array>): Float64Array => {
  const table = new Float64Array(CODE_SPACE)
  for (let code = 0; code < CODE_SPACE; code++) {
    let sum = 0
    for (let k = 0; k < Comparisons.length; k++) {
      const l = levelOf(code, k)
      if (l >= 0) sum += weights[k]![l]!
    }
    table[code] = sum
  }
  return table
}

const clip = (x: number, max: number): number => (x > max ? max : x < -max ? -max : x)

const termFrequencies = (central: Side, u: ReadonlyArray<Float64Array>): TermFrequencies => {
  const full = new Map<number, number>()
  const given = new Map<number, number>()
  for (let j = 0; j < central.n; j++) {
    full.set(central.foldedId[j]!, (full.get(central.foldedId[j]!) ?? 0) + 1)
    given.set(central.givenId[j]!, (given.get(central.givenId[j]!) ?? 0) + 1)
  }
  const logFull = new Float64Array(central.n)
  const logGiven = new Float64Array(central.n)
  for (let j = 0; j < central.n; j++) {
    logFull[j] = Math.log2(full.get(central.foldedId[j]!)! / central.n)
    logGiven[j] = Math.log2(given.get(central.givenId[j]!)! / central.n)
  }
  const nameU = u[0]!
  return {
    logFull,
    logGiven,
    logUExact: Math.log2(nameU[0]!),
    logUFolded: Math.log2(nameU[1]!),
    logUGivenOnly: Math.log2(nameU[6]!)
  }
}

/**
 * Term-frequency adjustment of a pair's name weight (log2 u_level / tf(value)), by the central
 * record's name: "Nguyễn Văn Hùng" agreeing is weak evidence, a rare name strong.
 */
export const tfAdjustment = (model: Model, code: number, j: number): number => {
  const tf = model.tf
  if (tf === null) return 0
  const name = code % RADIX[0]!
  if (name === 1) return clip(tf.logUExact - tf.logFull[j]!, model.maxWeight)
  if (name === 2) return clip(tf.logUFolded - tf.logFull[j]!, model.maxWeight)
  if (name === 7) return clip(tf.logUGivenOnly - tf.logGiven[j]!, model.maxWeight)
  return 0
}

/** The declared model, unchanged (small data). */
export const declaredModel = (s: MatchSettings): Model => {
  const weights = declaredArrays(s.weights)
  return {
    estimated: false,
    weights,
    priorLog2: s.priorLog2,
    selfPriorLog2: s.priorLog2,
    table: buildTable(weights),
    params: null,
    tf: null,
    maxWeight: s.estimate.maxWeight,
    emIterations: 0
  }
}

/** Estimates the model from the data when there is enough of it; the declared one otherwise. */
export const fitModel = (
  rows: Side,
  central: Side,
  rowCmp: Compared,
  selfCounts: Float64Array | null,
  s: MatchSettings
): Model => {
  if (central.n < s.estimate.minCentralRecords || rows.n === 0) return declaredModel(s)
  const e = s.estimate
  const declared = declaredArrays(s.weights)
  const u = estimateU(rows, central, e.randomPairs, e.seed)
  const m = estimateMBySessions(rowCmp.ruleCounts, s.blocking, u, declared, e.emIterations)
  const weights = m.map((mk, k) => {
    const floor = e.minM[Comparisons[k]!] ?? e.minM.default
    return Float64Array.from(mk, (x, l) => clip(Math.log2(Math.max(x, floor) / u[k]![l]!), e.maxWeight))
  })
  const start = 1 / (1 + Math.pow(2, -s.priorLog2))
  const lambda = estimateLambda(rowCmp.counts, weights, start, e.emIterations)
  const selfLambda = selfCounts === null ? lambda : estimateLambda(selfCounts, weights, start, e.emIterations)
  return {
    estimated: true,
    weights,
    priorLog2: Math.log2(lambda / (1 - lambda)),
    selfPriorLog2: Math.log2(selfLambda / (1 - selfLambda)),
    table: buildTable(weights),
    params: { m, u },
    tf: e.termFrequency ? termFrequencies(central, u) : null,
    maxWeight: e.maxWeight,
    emIterations: e.emIterations
  }
}

export const probability = (weight: number, priorLog2: number): number => 1 / (1 + Math.pow(2, -(weight + priorLog2)))

/** Total log2 Bayes factor of the pair with this code (j: the central record, for term frequencies). */
export const pairWeight = (model: Model, code: number, j: number): number => model.table[code]! + tfAdjustment(model, code, j)

// ---------------------------------------------------------------------------------------------
// Linking, duplicates, persons

export interface RowLink {
  /** Index into the central side, or -1. */
  readonly member: number
  readonly score: number | null
  /** Closest candidate at or above the review threshold when the row was not linked. */
  readonly closest: number
  readonly closestScore: number | null
}

/**
 * Links each roster row to at most one central record; within one roster file each record is
 * linked at most once (greedy on descending probability, ties broken by index for determinism).
 * `fileOf[i]` groups rows by file.
 */
export const linkRows = (
  fileOf: ReadonlyArray<string>,
  blocks: Blocks,
  codes: Int32Array,
  model: Model,
  s: Pick<MatchSettings, "linkThreshold" | "reviewThreshold">
): Array<RowLink> => {
  const n = fileOf.length
  const rowsOfFile = new Map<string, Array<number>>()
  for (let i = 0; i < n; i++) {
    const list = rowsOfFile.get(fileOf[i]!)
    if (list === undefined) rowsOfFile.set(fileOf[i]!, [i])
    else list.push(i)
  }
  const result: Array<RowLink> = new Array(n)
  for (let i = 0; i < n; i++) result[i] = { member: -1, score: null, closest: -1, closestScore: null }
  const pi: Array<number> = []
  const pj: Array<number> = []
  const pp: Array<number> = []
  for (const rows of rowsOfFile.values()) {
    pi.length = 0
    pj.length = 0
    pp.length = 0
    for (const i of rows) {
      for (let k = blocks.start[i]!, end = blocks.start[i + 1]!; k < end; k++) {
        const j = blocks.idx[k]!
        const p = probability(pairWeight(model, codes[k]!, j), model.priorLog2)
        if (p < s.reviewThreshold) continue
        pi.push(i)
        pj.push(j)
        pp.push(p)
      }
    }
    const order = pi.map((_, x) => x).sort((x, y) => pp[y]! - pp[x]! || pi[x]! - pi[y]! || pj[x]! - pj[y]!)
    const rowDone = new Set<number>()
    const memberDone = new Set<number>()
    for (const x of order) {
      const i = pi[x]!
      const j = pj[x]!
      const p = pp[x]!
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

/** Pairs of central records that are the same person (probability at or above the link threshold). */
export const centralDuplicates = (
  blocks: Blocks,
  codes: Int32Array,
  model: Model,
  s: Pick<MatchSettings, "linkThreshold">
): Array<CentralPair> => {
  const out: Array<CentralPair> = []
  const n = blocks.start.length - 1
  for (let i = 0; i < n; i++) {
    for (let k = blocks.start[i]!, end = blocks.start[i + 1]!; k < end; k++) {
      const j = blocks.idx[k]!
      const p = probability(pairWeight(model, codes[k]!, j), model.selfPriorLog2)
      if (p >= s.linkThreshold) out.push({ a: i, b: j, score: p })
    }
  }
  return out
}

/**
 * Persons: central records joined by duplicate pairs (union–find), each with the roster rows
 * linked to any of its records. The id is "P-" + the smallest member id of the cluster, so it is
 * stable across runs as long as that record stays.
 */
export interface Person {
  readonly personId: string
  /** Central record indices, ascending. */
  readonly members: ReadonlyArray<number>
  /** Roster row indices, ascending. */
  readonly rows: ReadonlyArray<number>
}

export const clusterPersons = (
  memberIds: ReadonlyArray<string>,
  duplicates: ReadonlyArray<CentralPair>,
  links: ReadonlyArray<RowLink>
): Array<Person> => {
  const parent = new Int32Array(memberIds.length)
  for (let i = 0; i < parent.length; i++) parent[i] = i
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!
      x = parent[x]!
    }
    return x
  }
  for (const d of duplicates) {
    const a = find(d.a)
    const b = find(d.b)
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b)
  }
  const byRoot = new Map<number, { members: Array<number>; rows: Array<number> }>()
  const entry = (root: number) => {
    let e = byRoot.get(root)
    if (e === undefined) byRoot.set(root, (e = { members: [], rows: [] }))
    return e
  }
  for (let i = 0; i < memberIds.length; i++) entry(find(i)).members.push(i)
  links.forEach((l, r) => {
    if (l.member >= 0) entry(find(l.member)).rows.push(r)
  })
  const out: Array<Person> = []
  for (const e of byRoot.values()) {
    let min = memberIds[e.members[0]!]!
    for (const m of e.members) if (memberIds[m]! < min) min = memberIds[m]!
    out.push({ personId: `P-${min}`, members: e.members, rows: e.rows })
  }
  return out.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0))
}

// ---------------------------------------------------------------------------------------------
// Explanation (a waterfall, and a Vietnamese sentence)

export interface Comparison {
  readonly comparison: ComparisonName | "prior" | "termFrequency"
  readonly level: string
  readonly weight: number
}

export interface Waterfall {
  readonly parts: ReadonlyArray<Comparison>
  /** Sum of the comparison weights and the term-frequency adjustment (without the prior). */
  readonly weight: number
  readonly priorLog2: number
  readonly probability: number
}

/** The per-comparison weights behind a pair's score; they add up to `weight`. Missing values weigh nothing and are left out. */
export const explainPair = (model: Model, a: Side, i: number, b: Side, j: number, self = false): Waterfall => {
  const code = compareCode(a, i, b, j)
  const parts: Array<Comparison> = []
  let weight = 0
  for (let k = 0; k < Comparisons.length; k++) {
    const l = levelOf(code, k)
    if (l < 0) continue
    const c = Comparisons[k]!
    const w = model.weights[k]![l]!
    parts.push({ comparison: c, level: LEVELS[c][l]!, weight: w })
    weight += w
  }
  const tf = tfAdjustment(model, code, j)
  if (tf !== 0) {
    const nameLevel = NameLevels[levelOf(code, 0)]!
    parts.push({ comparison: "termFrequency", level: nameLevel === "givenOnly" ? b.folded[j]!.split(" ").pop()! : b.folded[j]!, weight: tf })
    weight += tf
  }
  const prior = self ? model.selfPriorLog2 : model.priorLog2
  return { parts, weight, priorLog2: prior, probability: probability(weight, prior) }
}

const LABEL: Readonly<Record<ComparisonName, Readonly<Record<string, string>>>> = {
  name: {
    exact: "họ tên trùng khớp",
    folded: "họ tên trùng khi bỏ dấu",
    variant: "họ tên chỉ khác cách viết (Hoàng/Huỳnh, Vũ/Võ, i/y)",
    jw95: "họ tên gần giống",
    familyGiven: "cùng họ và tên, khác tên đệm",
    jw88: "họ tên hơi giống",
    givenOnly: "chỉ trùng tên",
    else: "họ tên khác"
  },
  birth: {
    exact: "ngày sinh trùng",
    swapped: "ngày sinh đảo ngày và tháng",
    yearOnly: "cùng năm sinh (một bên chỉ ghi năm)",
    sameMonthYear: "cùng tháng, năm sinh nhưng khác ngày",
    sameYear: "cùng năm sinh nhưng khác ngày, tháng",
    yearPlusMinus1: "năm sinh lệch một năm",
    else: "ngày sinh khác"
  },
  sex: { agree: "cùng giới tính", disagree: "khác giới tính" },
  cccd: { exact: "số CCCD trùng", oneEdit: "số CCCD lệch một chữ số", else: "số CCCD khác" },
  cardNo: { exact: "số thẻ đảng viên trùng", oneEdit: "số thẻ đảng viên lệch một chữ số", else: "số thẻ đảng viên khác" },
  hometown: { agree: "cùng quê quán", disagree: "khác quê quán" },
  admitted: {
    exact: "ngày vào Đảng trùng",
    within30WorkingDays: "ngày vào Đảng lệch trong khoảng 30 ngày làm việc",
    sameYear: "cùng năm vào Đảng",
    else: "ngày vào Đảng khác"
  }
}

const COMPARISON_LABEL: Readonly<Record<Comparison["comparison"], string>> = {
  prior: "Tiên nghiệm",
  name: "Họ tên",
  birth: "Ngày sinh",
  sex: "Giới tính",
  cccd: "Số CCCD",
  cardNo: "Số thẻ đảng viên",
  hometown: "Quê quán",
  admitted: "Ngày vào Đảng",
  termFrequency: "Độ phổ biến của tên"
}

const num = (x: number): string => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(1).replace(".", ",")
const pctVi = (p: number): string => `${(Math.round(p * 1000) / 10).toString().replace(".", ",")}%`

/** Vietnamese label of a comparison level ("số CCCD trùng"). */
export const levelLabel = (c: Comparison): string => {
  if (c.comparison === "prior") return "tỷ lệ trùng khớp chung của các cặp ứng viên"
  if (c.comparison === "termFrequency") return c.weight >= 0 ? `tên "${c.level}" ít gặp` : `tên "${c.level}" phổ biến`
  return LABEL[c.comparison][c.level] ?? c.level
}

/** "Độ tin cậy 99,9%: họ tên trùng khi bỏ dấu (+6,8), ngày sinh trùng (+13,2), …" */
export const explainSentence = (w: Waterfall): string =>
  `Độ tin cậy ${pctVi(w.probability)}: ` +
  // Comparisons that weigh nothing at this precision say nothing to a reader (the table keeps them).
  w.parts.filter((c) => Math.abs(c.weight) >= 0.05).map((c) => `${levelLabel(c)} (${num(c.weight)})`).join(", ") +
  "."

/** The waterfall as an aligned text table (for `recon explain`). */
export const explainTable = (w: Waterfall): string => {
  const rows: Array<[string, string, string, string]> = [["Tiêu chí", "Mức", "Trọng số (log2)", "Cộng dồn"]]
  let run = w.priorLog2
  rows.push([COMPARISON_LABEL.prior, levelLabel({ comparison: "prior", level: "", weight: run }), num(run), num(run)])
  for (const c of w.parts) {
    run += c.weight
    rows.push([COMPARISON_LABEL[c.comparison], levelLabel(c), num(c.weight), num(run)])
  }
  rows.push(["Tổng", `xác suất cùng một người ${pctVi(w.probability)}`, "", num(run)])
  const widths = [0, 1, 2, 3].map((k) => Math.max(...rows.map((r) => r[k]!.length)))
  return rows
    .map((r) => r.map((x, k) => (k >= 2 ? x.padStart(widths[k]!) : x.padEnd(widths[k]!))).join("  "))
    .join("\n")
}

/** The fitted weights as a plain object (run reports, bench): comparison → level → log2 weight. */
export const modelSummary = (model: Model): Record<string, unknown> => ({
  estimated: model.estimated,
  priorLog2: Math.round(model.priorLog2 * 100) / 100,
  selfPriorLog2: Math.round(model.selfPriorLog2 * 100) / 100,
  termFrequency: model.tf !== null,
  weights: Object.fromEntries(
    Comparisons.map((c, k) => [c, Object.fromEntries(LEVELS[c].map((l, i) => [l, Math.round(model.weights[k]![i]! * 100) / 100]))])
  )
})

