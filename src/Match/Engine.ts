/**
 * The identity matcher: prepare → block → compare → estimate (u from random pairs, m by EM) →
 * score (Fellegi–Sunter log2 Bayes factors + term-frequency adjustments) → link (one-to-one per
 * roster file) → central duplicates → persons (clusters that never join records that disagree).
 *
 * What is compared is declared by the pipeline (src/Match/Comparisons.ts: each comparison, its
 * levels and their declared weights); this module runs whatever is declared. Plain functions over
 * arrays (style.md). Records are first turned into columns of interned integers (Side.ts), each
 * candidate pair's comparison vector is one small integer (a mixed-radix code over the declared
 * levels, Compare.ts), kept in an Int32Array. EM then runs over the *counts* of distinct codes (a
 * few thousand), not over the pairs, and scoring is one memoised lookup per code plus the
 * term-frequency adjustments of the central record's values.
 *
 * Cost grows with the number of candidate pairs (plus linear work per record for preparation and
 * blocking), never with left × right: blocking groups records by key and only pairs inside a
 * group are visited; the per-rule pair count is computed from group sizes before any pair is
 * built, and a run over budget is refused.
 */
import { type ComparisonDecl, type Field, lowerFirst } from "./Comparisons.js"
import { type Coder, compileCoder, type Layout, layoutOf, levelOf as levelIn, levelsOfPair } from "./Compare.js"
import { KeyTable, PART_LIMIT } from "./PairMemo.js"
import { NO_DAY, NONE, type Side } from "./Side.js"

export { Interner, type MatchInput, parentMap, prepare, type Side } from "./Side.js"

// ---------------------------------------------------------------------------------------------
// Vocabulary: blocking rules, settings

/** The fields a blocking rule may key on (names folded: diacritics and case do not split a block). */
export type BlockKey =
  | "cccd"
  | "cardNo"
  | "familyName"
  | "middleName"
  | "givenName"
  | "fullName"
  /** Family + given name, letters not doubled, Hoàng/Huỳnh, Vũ/Võ, i/y merged: survives a dropped middle name and a doubled key. */
  | "nameSkeleton"
  /** First letters of family and given name, in either order. */
  | "initials"
  | "birthYear"
  | "birthDate"
  | "hometown"
  | "parentUnit"
  | "sex"
  | "admittedDate"

export interface BlockingRule {
  readonly name: string
  readonly keys: ReadonlyArray<BlockKey>
  /**
   * Groups with more records than this on the central side pair nothing under this rule (a key
   * as common as "Nguyễn Hùng, 1960" says too little to be worth its pairs): pairs then grow
   * with the data, not its square. Absent: no cap.
   */
  readonly maxGroup?: number
}

/** `blockOn("givenName", "birthYear")`: candidate pairs share every listed key (rules are OR-ed). */
export const blockOn = (...keys: ReadonlyArray<BlockKey>): BlockingRule => ({ name: keys.join("+"), keys })

/** The rule, keeping only groups of at most `maxGroup` central records. */
export const capped = (rule: BlockingRule, maxGroup: number): BlockingRule => ({ ...rule, name: `${rule.name}≤${maxGroup}`, maxGroup })

export interface EstimateSettings {
  /** Estimate from the data (u, m, prior, term frequencies) only with at least this many central records; below it the declared weights are used as they are (EM on a few hundred records overfits). */
  readonly minCentralRecords: number
  /** Random (roster row, central record) pairs drawn to estimate u. */
  readonly randomPairs: number
  readonly emIterations: number
  /** Log2 weights (and term-frequency adjustments) are clipped to ±this. */
  readonly maxWeight: number
  /**
   * Floor of every m probability, per comparison name (`default` for the rest): no level is
   * assumed rarer than this among true matches, however clean the training data (fastLink's
   * error-rate view). Bounds the weight of one disagreement.
   */
  readonly minM: { readonly default: number } & Readonly<Record<string, number>>
  readonly termFrequency: boolean
  /** Seed of the random-pair sampler (estimates are reproducible run to run). */
  readonly seed: number
}

export interface MatchSettings {
  readonly blocking: ReadonlyArray<BlockingRule>
  /** Refuse to score when blocking yields more candidate pairs than this. */
  readonly maxCandidatePairs: number
  /** The comparisons and their levels, in order (src/Match/Comparisons.ts builds them). */
  readonly comparisons: ReadonlyArray<ComparisonDecl>
  /** Prior log2 odds that a candidate pair is a match (declared; EM replaces it when estimating). */
  readonly priorLog2: number
  /** Probability at or above which a pair is linked. */
  readonly linkThreshold: number
  /** Probability at or above which an unlinked pair is kept as the closest candidate (needs review). */
  readonly reviewThreshold: number
  /**
   * Two central records are the same person only with evidence beyond name and birth date: at
   * least one of these comparisons observed on both, and their weights together at least
   * `minWeight` (one soft disagreement such as another hometown may pass; a different card number
   * or CCCD may not). Empty comparisons: the probability alone decides.
   */
  readonly duplicateEvidence: { readonly comparisons: ReadonlyArray<string>; readonly minWeight: number }
  /**
   * Clusters: two records whose own pair probability is below this, or whose identifiers (CCCD,
   * card number) are at the level "else", never end in one person, whatever chain joins them.
   */
  readonly clusterMinProbability: number
  readonly estimate: EstimateSettings
}

/** The comparison that carries each field (for the names the engine itself needs). */
const comparisonsOn = (cs: ReadonlyArray<ComparisonDecl>, fields: ReadonlyArray<Field>): Array<number> =>
  cs.flatMap((c, k) => (fields.includes(c.field) ? [k] : []))

// ---------------------------------------------------------------------------------------------
// Blocking

/** Candidate pairs as CSR: the right indices of left record i are idx[start[i] .. start[i+1]). */
export interface Blocks {
  readonly start: Int32Array
  readonly idx: Int32Array
  readonly pairsPerRule: Readonly<Record<string, number>>
  readonly totalPairs: number
  /** Per pair, bit r set when blocking rule r pairs it (EM sessions by rule). */
  readonly ruleMask: Uint16Array | Uint32Array
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

/** One part of a blocking key of record i: an integer, NONE when the value is missing. Exported for the national index (Store/CentralIndex.ts). */
export const keyPart = (s: Side, i: number, k: BlockKey): number => {
  switch (k) {
    case "cccd":
      return s.cccd.id[i]!
    case "cardNo":
      return s.cardNo.id[i]!
    // The spelling-variant forms, so Hoàng/Huỳnh, Vũ/Võ and Quý/Quí share a block.
    case "familyName":
      return s.family.variant[i]!
    case "middleName":
      return s.middle.folded[i]!
    case "givenName":
      return s.given.variant[i]!
    case "fullName":
      return s.name.folded[i]!
    case "nameSkeleton":
      return s.skeletonId[i]!
    case "initials":
      return s.initials[i]!
    case "birthYear":
      return s.birth.y[i] === 0 ? NONE : s.birth.y[i]!
    case "birthDate":
      return s.birth.d[i] === 0 ? NONE : s.birth.y[i]! * 372 + s.birth.m[i]! * 31 + s.birth.d[i]!
    case "hometown":
      return s.hometown.folded[i]!
    case "parentUnit":
      return s.parentId[i]!
    case "sex":
      return s.sex[i] === 0 ? NONE : s.sex[i]!
    case "admittedDate":
      return s.admitted.day[i] === NO_DAY ? NONE : s.admitted.day[i]! + 100_000
  }
}

/**
 * The blocking key of record i under a rule; null when any part is missing (the rule cannot pair
 * it). Two records share a group under the rule exactly when their keys are equal. (Blocking
 * itself groups by the same parts through a typed hash table: `groupRule`.)
 */
export const ruleKey = (s: Side, i: number, rule: BlockingRule): string | number | null => {
  if (rule.keys.length === 1) {
    const v = keyPart(s, i, rule.keys[0]!)
    return v === NONE ? null : v
  }
  if (rule.keys.length === 2) {
    // Two parts as one number (each below 2^26: interned ids, day numbers, dates as y·372+m·31+d),
    // so the group map holds no string per record (measured at 1M records: peak memory).
    const a = keyPart(s, i, rule.keys[0]!)
    const b = keyPart(s, i, rule.keys[1]!)
    if (a === NONE || b === NONE) return null
    if (a >= 0 && b >= 0 && a < 67_108_864 && b < 67_108_864) return a * 67_108_864 + b
    return `${a}:${b}:`
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
  readonly rightGroup: Int32Array
  readonly groupStart: Int32Array
  readonly members: Int32Array
  readonly pairs: number
}

/**
 * keyPart of every record of a side, per key: computed once per side and key within one call of
 * `block` or `recallPerRule` (several rules share a key) and dropped with it. Kept for the life of
 * the side, they were ~12 columns × 4 bytes × every record held to the end of the run (100 MB at
 * 1M records a side); computing one again costs a pass over the side.
 */
type KeyColumns = Map<Side, Map<BlockKey, Int32Array>>

const keyColumn = (keyColumns: KeyColumns, side: Side, k: BlockKey): Int32Array => {
  let bySide = keyColumns.get(side)
  if (bySide === undefined) keyColumns.set(side, (bySide = new Map()))
  let col = bySide.get(k)
  if (col === undefined) {
    col = new Int32Array(side.n)
    for (let i = 0; i < side.n; i++) {
      const v = keyPart(side, i, k)
      // Parts out of the table's range (or not integers) go through ruleKey: marked PART_LIMIT.
      col[i] = v === NONE ? NONE : v >= 0 && v < PART_LIMIT && Number.isInteger(v) ? v : PART_LIMIT
    }
    bySide.set(k, col)
  }
  return col
}

/**
 * Group numbers of every record of one side under a rule (NONE where a key part is missing), from
 * a typed hash table over the key's parts (KeyTable): measured at 1M records, a Map keyed by
 * boxed numbers and strings spent 78 s in blocking and held ~50 bytes per record and rule.
 * Keys of more than three parts, or parts out of range, go through `ruleKey` and a Map.
 */
const groupNumbers = (
  keyColumns: KeyColumns,
  side: Side,
  rule: BlockingRule,
  table: KeyTable,
  fallback: Map<string | number, number>,
  create: boolean,
  out: Int32Array
): void => {
  const keys = rule.keys
  const nk = keys.length
  if (nk <= 3) {
    const A = keyColumn(keyColumns, side, keys[0]!)
    const B = nk > 1 ? keyColumn(keyColumns, side, keys[1]!) : null
    const C = nk > 2 ? keyColumn(keyColumns, side, keys[2]!) : null
    for (let i = 0; i < side.n; i++) {
      const a = A[i]!
      const b = B === null ? 0 : B[i]!
      const c = C === null ? 0 : C[i]!
      if (a === NONE || b === NONE || c === NONE) out[i] = NONE
      else if (a < PART_LIMIT && b < PART_LIMIT && c < PART_LIMIT) out[i] = create ? table.id(a, b, c) : table.find(a, b, c)
      else out[i] = viaRuleKey(side, i, rule, table, fallback, create)
    }
    return
  }
  for (let i = 0; i < side.n; i++) out[i] = viaRuleKey(side, i, rule, table, fallback, create)
}

const viaRuleKey = (side: Side, i: number, rule: BlockingRule, table: KeyTable, fallback: Map<string | number, number>, create: boolean): number => {
  const key = ruleKey(side, i, rule)
  if (key === null) return NONE
  let g = fallback.get(key)
  if (g === undefined) {
    if (!create) return NONE
    fallback.set(key, (g = table.fresh()))
  }
  return g
}

const groupRule = (
  keyColumns: KeyColumns,
  left: Side,
  right: Side,
  rule: BlockingRule,
  self: boolean,
  table: KeyTable,
  anchors?: Uint8Array
): RuleGroups => {
  table.reset()
  const fallback = new Map<string | number, number>()
  const rightGroup = new Int32Array(right.n)
  groupNumbers(keyColumns, right, rule, table, fallback, true, rightGroup)
  const sizes = new Int32Array(table.size)
  for (let j = 0; j < right.n; j++) if (rightGroup[j] !== NONE) sizes[rightGroup[j]!]!++
  if (rule.maxGroup !== undefined) {
    // Over-full groups pair nothing: their records leave the rule.
    for (let j = 0; j < right.n; j++) if (rightGroup[j] !== NONE && sizes[rightGroup[j]!]! > rule.maxGroup) rightGroup[j] = NONE
    for (let g = 0; g < sizes.length; g++) if (sizes[g]! > rule.maxGroup) sizes[g] = 0
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
  if (self && anchors !== undefined) {
    // Only pairs with at least one anchor: all pairs of the group but those among its other records.
    leftGroup = rightGroup
    const anchored = new Int32Array(sizes.length)
    for (let j = 0; j < right.n; j++) if (rightGroup[j] !== NONE && anchors[j] !== 0) anchored[rightGroup[j]!]!++
    for (let g = 0; g < sizes.length; g++) {
      const s = sizes[g]!
      const o = s - anchored[g]!
      pairs += (s * (s - 1)) / 2 - (o * (o - 1)) / 2
    }
  } else if (self) {
    leftGroup = rightGroup
    for (const s of sizes) pairs += (s * (s - 1)) / 2
  } else {
    leftGroup = new Int32Array(left.n)
    groupNumbers(keyColumns, left, rule, table, fallback, false, leftGroup)
    for (let i = 0; i < left.n; i++) {
      const g = leftGroup[i]!
      // A group emptied by the cap (or holding no right record) pairs nothing.
      if (g === NONE || sizes[g] === 0) leftGroup[i] = NONE
      else pairs += sizes[g]!
    }
  }
  return { leftGroup, rightGroup, groupStart, members, pairs }
}

/**
 * OR-ed blocking. With `self` (left and right are the same side), only pairs i < j are produced.
 * Counts the pairs of every rule from group sizes first and throws CandidateBudgetExceeded before
 * any pair is built when their sum is over budget.
 *
 * `anchors` (with `self` only; 1 = anchor): only pairs with at least one anchor record are produced.
 * A run against the national index anchors the province's own members: a pair of two records of
 * other provinces can give no finding of the province (Pipeline/IndexRun.inScope), and at 5.8 M
 * records such pairs were 10.5 M of the 12.8 M pairs compared. Groups and caps are those of all
 * records, so every pair produced is one the unrestricted call produces too.
 */
export const block = (
  left: Side,
  right: Side,
  s: Pick<MatchSettings, "blocking" | "maxCandidatePairs">,
  self = false,
  anchors?: Uint8Array
): Blocks => {
  const only = self ? anchors : undefined
  // One hash table for all rules, emptied between them: at 1M records a table per rule was ~50 MB
  // of new typed arrays each time, and every such allocation let V8 start a full collection of
  // the whole heap (the records themselves: 2.4 GB in the benchmark).
  const table = new KeyTable(Math.min(right.n, 1 << 20))
  const keyColumns: KeyColumns = new Map()
  const groups = s.blocking.map((rule) => groupRule(keyColumns, left, right, rule, self, table, only))
  const pairsPerRule: Record<string, number> = {}
  s.blocking.forEach((rule, r) => {
    pairsPerRule[rule.name] = groups[r]!.pairs
  })
  const upperBound = groups.reduce((a, g) => a + g.pairs, 0)
  if (upperBound > s.maxCandidatePairs) throw new CandidateBudgetExceeded(upperBound, s.maxCandidatePairs, pairsPerRule)
  if (s.blocking.length > 32) throw new Error(`at most 32 blocking rules (${s.blocking.length} declared)`)
  const seen = new Int32Array(right.n).fill(-1)
  // Where right record j sits among left record i's pairs, to mark every rule that pairs them.
  const at = new Int32Array(right.n)
  const start = new Int32Array(left.n + 1)
  const idx = new Int32Array(upperBound)
  const mask = s.blocking.length > 16 ? new Uint32Array(upperBound) : new Uint16Array(upperBound)
  let pos = 0
  for (let i = 0; i < left.n; i++) {
    start[i] = pos
    const free = only !== undefined && only[i] === 0
    for (let r = 0; r < groups.length; r++) {
      const g = groups[r]!
      const grp = g.leftGroup[i]!
      if (grp === NONE) continue
      const bit = 1 << r
      for (let k = g.groupStart[grp]!, end = g.groupStart[grp + 1]!; k < end; k++) {
        const j = g.members[k]!
        if (self && j <= i) continue
        if (free && only![j] === 0) continue
        if (seen[j] === i) {
          mask[at[j]!]! |= bit
          continue
        }
        seen[j] = i
        at[j] = pos
        mask[pos] = bit
        idx[pos++] = j
      }
    }
  }
  start[left.n] = pos
  // Copies when OR-ed rules overlap much, so the buffer sized for the upper bound is freed.
  const fit = <T extends Int32Array | Uint16Array | Uint32Array>(a: T): T => (pos < upperBound * 0.9 ? (a.slice(0, pos) as T) : (a.subarray(0, pos) as T))
  return { start, idx: fit(idx), pairsPerRule, totalPairs: pos, ruleMask: fit(mask) }
}

/** What one blocking rule contributed to a run, measured against the pairs the run accepted (no truth needed). */
export interface RuleContribution {
  readonly rule: string
  /** Candidate pairs the rule alone generates (before OR-ing with the other rules). */
  readonly pairs: number
  /** Accepted pairs (links, or central duplicates) the rule generates. */
  readonly accepted: number
  /** accepted / all accepted pairs: the rule's recall against the run's own links. */
  readonly share: number
  /** Accepted pairs no other rule generates: what the run would lose without this rule. */
  readonly only: number
}

/**
 * Per rule, the accepted pairs (left i, right j) it generated and those only it generated, read
 * from the blocks' rule masks: a truth-free "blocking recall per rule" (a rule whose accepted pairs
 * all come from other rules too buys no recall on this data and may be capped harder).
 */
export const ruleContributions = (
  blocks: Blocks,
  rules: ReadonlyArray<BlockingRule>,
  accepted: ReadonlyArray<readonly [number, number]>
): Array<RuleContribution> => {
  const hit = new Array<number>(rules.length).fill(0)
  const only = new Array<number>(rules.length).fill(0)
  for (const [i, j] of accepted) {
    for (let k = blocks.start[i]!, end = blocks.start[i + 1]!; k < end; k++) {
      if (blocks.idx[k] !== j) continue
      const m = blocks.ruleMask[k]!
      for (let r = 0; r < rules.length; r++) {
        if (((m >>> r) & 1) === 0) continue
        hit[r]!++
        if (m === 1 << r) only[r]!++
      }
      break
    }
  }
  return rules.map((rule, r) => ({
    rule: rule.name,
    pairs: blocks.pairsPerRule[rule.name] ?? 0,
    accepted: hit[r]!,
    share: accepted.length === 0 ? 1 : hit[r]! / accepted.length,
    only: only[r]!
  }))
}

/**
 * Blocking recall per rule: of the given true (left, right) pairs, the share each rule alone
 * would pair (caps included), and the share all rules together pair.
 */
export const recallPerRule = (
  left: Side,
  right: Side,
  rules: ReadonlyArray<BlockingRule>,
  truePairs: ReadonlyArray<readonly [number, number]>
): { readonly perRule: Record<string, number>; readonly any: number } => {
  const kept = new Uint8Array(truePairs.length)
  const perRule: Record<string, number> = {}
  const table = new KeyTable(Math.min(right.n, 1 << 20))
  const keyColumns: KeyColumns = new Map()
  for (const rule of rules) {
    const g = groupRule(keyColumns, left, right, rule, false, table)
    let n = 0
    truePairs.forEach(([i, j], x) => {
      if (g.leftGroup[i] !== NONE && g.leftGroup[i] === g.rightGroup[j]) {
        n++
        kept[x] = 1
      }
    })
    perRule[rule.name] = truePairs.length === 0 ? 1 : n / truePairs.length
  }
  const any = kept.reduce((a, b) => a + b, 0)
  return { perRule, any: truePairs.length === 0 ? 1 : any / truePairs.length }
}

/** How often each comparison code occurs (a few thousand distinct codes among millions of pairs). */
export type CodeCounts = Map<number, number>

const bump = (m: CodeCounts, code: number, by = 1): void => {
  m.set(code, (m.get(code) ?? 0) + by)
}

export interface Compared {
  /** Comparison code of every candidate pair, in the order of `blocks.idx`. */
  readonly codes: Int32Array
  readonly counts: CodeCounts
  /** The same counts restricted to the pairs each blocking rule generates (EM sessions). */
  readonly ruleCounts: ReadonlyArray<CodeCounts>
}

/** Progress of a long loop: pairs done of total (called every PROGRESS_EVERY pairs; a terminal shows it). */
export type OnProgress = (done: number, total: number) => void
export const PROGRESS_EVERY = 65_536

export const compareBlocks = (
  left: Side,
  right: Side,
  blocks: Blocks,
  coder: Coder,
  rules: ReadonlyArray<BlockingRule> = [],
  onProgress?: OnProgress,
  every = PROGRESS_EVERY
): Compared => {
  const codes = new Int32Array(blocks.totalPairs)
  const counts: CodeCounts = new Map()
  const ruleCounts = rules.map((): CodeCounts => new Map())
  const nr = rules.length
  const mask = blocks.ruleMask
  let nextReport = every
  for (let i = 0; i < left.n; i++) {
    if (onProgress !== undefined && blocks.start[i]! >= nextReport) {
      onProgress(blocks.start[i]!, blocks.totalPairs)
      nextReport = blocks.start[i]! + every
    }
    for (let k = blocks.start[i]!, end = blocks.start[i + 1]!; k < end; k++) {
      const c = coder(i, blocks.idx[k]!)
      codes[k] = c
      bump(counts, c)
      const m = mask[k]!
      for (let r = 0; r < nr; r++) if ((m >>> r) & 1) bump(ruleCounts[r]!, c)
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

/** Per comparison with term frequencies: log2 share of each central record's value; which levels are adjusted; log2 u of each level. */
export interface TermFrequency {
  readonly logTf: Float32Array
  readonly adjusted: ReadonlyArray<boolean>
  readonly logU: Float64Array
}

/** The fitted model: the declared comparisons, per-level log2 weights, prior, term frequencies. */
export interface Model {
  readonly estimated: boolean
  readonly comparisons: ReadonlyArray<ComparisonDecl>
  readonly layout: Layout
  readonly weights: ReadonlyArray<Float64Array>
  readonly priorLog2: number
  /** Prior for central × central pairs (duplicates are much rarer than roster links). */
  readonly selfPriorLog2: number
  readonly params: Parameters | null
  /** Per comparison, or null where it has none (or the model is declared). */
  readonly tf: ReadonlyArray<TermFrequency | null> | null
  readonly maxWeight: number
  readonly emIterations: number
  /** Sum of the level weights of a code, memoised. */
  readonly codeWeight: (code: number) => number
  /** Comparisons whose level "else" forbids joining two records in one person (CCCD, card). */
  readonly cannotLinkLevels: ReadonlyArray<readonly [number, number]>
  /** Comparisons that count as evidence beyond name and birth date for a central duplicate, and the least they must weigh together. */
  readonly duplicateEvidence: ReadonlyArray<number>
  readonly duplicateEvidenceMin: number
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

const perLevel = (cs: ReadonlyArray<ComparisonDecl>): Array<Float64Array> => cs.map((c) => new Float64Array(c.levels.length))

/** Level frequencies per comparison from code counts (missing levels excluded), with a floor. */
const levelShares = (cs: ReadonlyArray<ComparisonDecl>, layout: Layout, counts: CodeCounts, floor: number): Array<Float64Array> => {
  const out = perLevel(cs)
  for (const [code, c] of counts) {
    for (let k = 0; k < cs.length; k++) {
      const l = levelIn(layout, code, k)
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
export const estimateU = (cs: ReadonlyArray<ComparisonDecl>, left: Side, right: Side, pairs: number, seed: number): Array<Float64Array> => {
  const layout = layoutOf(cs)
  const coder = compileCoder(cs, layout, left, right)
  const rnd = sampler(seed)
  const counts: CodeCounts = new Map()
  // The same pairs, visited in the order of (i, j): counts do not depend on the order, and one side
  // read in order halves the cache misses of random records (measured at 100k: the largest part
  // of estimating). i·2^24 + j is exact in a double for sides below 2^24 records.
  const order = new Float64Array(pairs)
  for (let p = 0; p < pairs; p++) {
    const i = Math.floor(rnd() * left.n)
    const j = Math.floor(rnd() * right.n)
    order[p] = i * 16_777_216 + j
  }
  if (right.n <= 16_777_216) order.sort()
  for (let p = 0; p < pairs; p++) {
    const i = Math.floor(order[p]! / 16_777_216)
    bump(counts, coder(i, order[p]! - i * 16_777_216))
  }
  // A random pair agrees on a unique identifier about once per right-side record: never rarer.
  return levelShares(cs, layout, counts, 0.5 / Math.max(right.n, pairs))
}

const declaredArrays = (cs: ReadonlyArray<ComparisonDecl>): Array<Float64Array> => cs.map((c) => Float64Array.from(c.levels.map((l) => l.weight)))

/** The fields each blocking key fixes: within a rule's pairs, comparisons on them carry no information. */
const KEY_FIELDS: Readonly<Record<BlockKey, ReadonlyArray<Field>>> = {
  cccd: ["cccd"],
  cardNo: ["cardNo"],
  familyName: ["family", "name"],
  middleName: ["middle", "name"],
  givenName: ["given", "name"],
  fullName: ["name", "family", "middle", "given"],
  nameSkeleton: ["name", "family", "given"],
  initials: [],
  birthYear: ["birth"],
  birthDate: ["birth"],
  hometown: ["hometown"],
  sex: ["sex"],
  parentUnit: [],
  admittedDate: ["admitted"]
}

/**
 * One EM session for Fellegi–Sunter with u fixed (Splink's approach), over the counts of distinct
 * codes, not over pairs. Comparisons in `excluded` (those the session's blocking rule fixed) are
 * left out of the likelihood and keep their starting m. Returns m and the match share λ.
 */
export const estimateM = (
  cs: ReadonlyArray<ComparisonDecl>,
  counts: CodeCounts,
  u: ReadonlyArray<Float64Array>,
  mStart: ReadonlyArray<Float64Array>,
  lambdaStart: number,
  iterations: number,
  excluded: ReadonlyArray<boolean> = cs.map(() => false)
): { m: Array<Float64Array>; lambda: number } => {
  const layout = layoutOf(cs)
  const m = mStart.map((x) => Float64Array.from(x))
  const codes = [...counts.keys()]
  const levels = codes.map((c) => cs.map((_, k) => (excluded[k] ? -1 : levelIn(layout, c, k))))
  let lambda = lambdaStart
  for (let it = 0; it < iterations; it++) {
    const num = perLevel(cs)
    const den = cs.map(() => 0)
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
      const c = counts.get(codes[p]!)!
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
  cs: ReadonlyArray<ComparisonDecl>,
  ruleCounts: ReadonlyArray<CodeCounts>,
  rules: ReadonlyArray<BlockingRule>,
  u: ReadonlyArray<Float64Array>,
  declared: ReadonlyArray<Float64Array>,
  iterations: number,
  minPairs = 200
): Array<Float64Array> => {
  const start = mFromWeights(declared, u)
  const estimates: Array<Array<Float64Array>> = cs.map(() => [])
  rules.forEach((rule, r) => {
    const counts = ruleCounts[r]!
    let total = 0
    for (const c of counts.values()) total += c
    if (total < minPairs) return
    const fixed = new Set(rule.keys.flatMap((key) => KEY_FIELDS[key]))
    const excluded = cs.map((c) => fixed.has(c.field))
    const { m } = estimateM(cs, counts, u, start, 0.5, iterations, excluded)
    for (let k = 0; k < cs.length; k++) if (!excluded[k]) estimates[k]!.push(m[k]!)
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

const sumWeights = (layout: Layout, weights: ReadonlyArray<Float64Array>, code: number): number => {
  let sum = 0
  for (let k = 0; k < weights.length; k++) {
    const l = levelIn(layout, code, k)
    if (l >= 0) sum += weights[k]![l]!
  }
  return sum
}

/** λ alone (m and u fixed), for central × central pairs. */
const estimateLambda = (layout: Layout, counts: CodeCounts, weights: ReadonlyArray<Float64Array>, start: number, iterations: number): number => {
  const codes = [...counts.keys()]
  const w = codes.map((c) => sumWeights(layout, weights, c) * Math.LN2)
  let lambda = start
  for (let it = 0; it < iterations; it++) {
    let matched = 0
    let total = 0
    for (let p = 0; p < codes.length; p++) {
      const g = 1 / (1 + Math.exp(-(Math.log(lambda / (1 - lambda)) + w[p]!)))
      matched += counts.get(codes[p]!)! * g
      total += counts.get(codes[p]!)!
    }
    lambda = Math.min(Math.max(matched / Math.max(total, 1), 1e-9), 1 - 1e-9)
  }
  return lambda
}

const memoWeights = (layout: Layout, weights: ReadonlyArray<Float64Array>): ((code: number) => number) => {
  const memo = new Map<number, number>()
  return (code) => {
    let w = memo.get(code)
    if (w === undefined) memo.set(code, (w = sumWeights(layout, weights, code)))
    return w
  }
}

const clip = (x: number, max: number): number => (x > max ? max : x < -max ? -max : x)

const TF_FIELDS: ReadonlySet<Field> = new Set(["name", "family", "middle", "given", "hometown"])

const termFrequencies = (cs: ReadonlyArray<ComparisonDecl>, central: Side, u: ReadonlyArray<Float64Array>): Array<TermFrequency | null> =>
  cs.map((c, k) => {
    if (!TF_FIELDS.has(c.field) || !c.levels.some((l) => l.tf === true)) return null
    const ids = central[c.field as "name" | "family" | "middle" | "given" | "hometown"].folded
    const freq = new Map<number, number>()
    for (let j = 0; j < central.n; j++) freq.set(ids[j]!, (freq.get(ids[j]!) ?? 0) + 1)
    const logTf = new Float32Array(central.n)
    for (let j = 0; j < central.n; j++) logTf[j] = Math.log2(freq.get(ids[j]!)! / central.n)
    // The frequency is of the folded value, so a level's u is that of agreeing at it or at an
    // adjusted level above it ("folded" = exact or folded): u of "folded" alone is tiny (most equal
    // names are equal with their diacritics too) and would turn the adjustment into a penalty.
    let cumulative = 0
    const logU = u[k]!.map((x, l) => (c.levels[l]!.tf === true ? Math.log2((cumulative += x)) : Math.log2(x)))
    return { logTf, adjusted: c.levels.map((l) => l.tf === true), logU }
  })

/**
 * Term-frequency adjustments of a pair's weight (log2 u_level / tf(value) on the adjusted levels),
 * by the central record's values: "Nguyễn" or "Hùng" agreeing is weak evidence, a rare name strong.
 * Per comparison (for the waterfall), or summed when `k` is omitted.
 */
export const tfAdjustment = (model: Model, code: number, j: number, k?: number): number => {
  const tf = model.tf
  if (tf === null) return 0
  let sum = 0
  for (let x = k ?? 0, end = k === undefined ? tf.length : k + 1; x < end; x++) {
    const t = tf[x]
    if (t === null || t === undefined) continue
    const l = levelIn(model.layout, code, x)
    if (l >= 0 && t.adjusted[l]) sum += clip(t.logU[l]! - t.logTf[j]!, model.maxWeight)
  }
  return sum
}

const modelShape = (s: MatchSettings) => {
  const cs = s.comparisons
  return {
    comparisons: cs,
    layout: layoutOf(cs),
    maxWeight: s.estimate.maxWeight,
    cannotLinkLevels: comparisonsOn(cs, ["cccd", "cardNo"]).flatMap((k) => {
      const l = cs[k]!.levels.findIndex((x) => x.when.is === "else")
      return l < 0 ? [] : [[k, l] as const]
    }),
    duplicateEvidenceMin: s.duplicateEvidence.minWeight,
    // A comparison the pipeline removed is no evidence (and no error).
    duplicateEvidence: s.duplicateEvidence.comparisons.flatMap((name) => {
      const k = cs.findIndex((c) => c.name === name)
      return k < 0 ? [] : [k]
    })
  }
}

/** The declared model, unchanged (small data). */
export const declaredModel = (s: MatchSettings): Model => {
  const shape = modelShape(s)
  const weights = declaredArrays(s.comparisons)
  return {
    ...shape,
    estimated: false,
    weights,
    priorLog2: s.priorLog2,
    selfPriorLog2: s.priorLog2,
    params: null,
    tf: null,
    emIterations: 0,
    codeWeight: memoWeights(shape.layout, weights)
  }
}

/**
 * Estimates the model from the data when there is enough of it; the declared one otherwise. With
 * no roster rows (a central export deduplicated on its own), u and m come from central × central.
 */
export const fitModel = (
  rows: Side,
  central: Side,
  rowCmp: Compared,
  selfCmp: Compared | null,
  s: MatchSettings,
  /** All central × central pairs the self blocks were drawn from (default every pair: n(n-1)/2; see `block`'s anchors). */
  selfPairsTotal?: number
): Model => {
  const alone = rows.n === 0
  if (central.n < s.estimate.minCentralRecords || (alone && selfCmp === null)) return declaredModel(s)
  const e = s.estimate
  const cs = s.comparisons
  const shape = modelShape(s)
  const declared = declaredArrays(cs)
  const training = alone ? selfCmp! : rowCmp
  const u = estimateU(cs, alone ? central : rows, central, e.randomPairs, e.seed)
  const m = estimateMBySessions(cs, training.ruleCounts, s.blocking, u, declared, e.emIterations)
  const weights = m.map((mk, k) => {
    const floor = e.minM[cs[k]!.name] ?? e.minM.default
    return Float64Array.from(mk, (x, l) => clip(Math.log2(Math.max(x, floor) / u[k]![l]!), e.maxWeight))
  })
  // The weights are m/u with u from random pairs, so the prior is that of a random pair (Splink's
  // probability_two_random_records_match): the matches EM expects among the candidate pairs,
  // over all pairs. A prior fitted to the candidate pairs would count the blocking as evidence
  // a second time (measured on FEBRL 2: λ 0.98 among candidates, and namesakes linked).
  const start = 1 / (1 + Math.pow(2, -s.priorLog2))
  const randomPrior = (counts: CodeCounts, allPairs: number): number => {
    let candidates = 0
    for (const c of counts.values()) candidates += c
    const lambda = estimateLambda(shape.layout, counts, weights, start, e.emIterations)
    const p = Math.min(Math.max((lambda * candidates) / Math.max(allPairs, 1), 1e-12), 0.5)
    return Math.log2(p / (1 - p))
  }
  const selfPairs = selfPairsTotal ?? (central.n * (central.n - 1)) / 2
  const priorLog2 = alone ? randomPrior(selfCmp!.counts, selfPairs) : randomPrior(rowCmp.counts, rows.n * central.n)
  const selfPriorLog2 = selfCmp === null ? priorLog2 : alone ? priorLog2 : randomPrior(selfCmp.counts, selfPairs)
  return {
    ...shape,
    estimated: true,
    weights,
    priorLog2,
    selfPriorLog2,
    params: { m, u },
    tf: e.termFrequency ? termFrequencies(cs, central, u) : null,
    emIterations: e.emIterations,
    codeWeight: memoWeights(shape.layout, weights)
  }
}

/** The compiled comparison of two sides under a model's declaration. */
export const coderFor = (model: Pick<Model, "comparisons" | "layout">, a: Side, b: Side): Coder => compileCoder(model.comparisons, model.layout, a, b)

export const probability = (weight: number, priorLog2: number): number => 1 / (1 + Math.pow(2, -(weight + priorLog2)))

/** Total log2 Bayes factor of the pair with this code (j: the central record, for term frequencies). */
export const pairWeight = (model: Model, code: number, j: number): number => model.codeWeight(code) + tfAdjustment(model, code, j)

/** Level index of comparison k in a code (-1: a value missing). */
export const levelOf = (model: Pick<Model, "layout">, code: number, k: number): number => levelIn(model.layout, code, k)

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

const NO_LINK: RowLink = Object.freeze({ member: -1, score: null, closest: -1, closestScore: null })

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
  // Rows with no candidate at the review threshold share one value (RowLink is immutable).
  const result: Array<RowLink> = new Array(n)
  for (let i = 0; i < n; i++) result[i] = NO_LINK
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

/** True when the duplicate-evidence comparisons are observed and weigh together at least their minimum. */
const hasEvidenceBeyondName = (model: Model, code: number): boolean => {
  if (model.duplicateEvidence.length === 0) return true
  let observed = false
  let sum = 0
  for (const k of model.duplicateEvidence) {
    const l = levelIn(model.layout, code, k)
    if (l < 0) continue
    observed = true
    sum += model.weights[k]![l]!
  }
  return observed && sum >= model.duplicateEvidenceMin
}

/**
 * Pairs of central records that are the same person: probability at or above the link threshold
 * and evidence beyond name and birth date (MatchSettings.duplicateEvidence): a namesake born the
 * same day with another card number is not a duplicate, however rare the name.
 */
export const centralDuplicates = (blocks: Blocks, codes: Int32Array, model: Model, s: Pick<MatchSettings, "linkThreshold">): Array<CentralPair> => {
  const out: Array<CentralPair> = []
  const n = blocks.start.length - 1
  for (let i = 0; i < n; i++) {
    for (let k = blocks.start[i]!, end = blocks.start[i + 1]!; k < end; k++) {
      const j = blocks.idx[k]!
      const p = probability(pairWeight(model, codes[k]!, j), model.selfPriorLog2)
      if (p >= s.linkThreshold && hasEvidenceBeyondName(model, codes[k]!)) out.push({ a: i, b: j, score: p })
    }
  }
  return out
}

/**
 * Persons: central records joined by duplicate pairs, each with the roster rows linked to any of
 * its records. The id is "P-" + the smallest member id of the cluster, so it is stable across runs
 * as long as that record stays.
 */
export interface Person {
  readonly personId: string
  /** Central record indices, ascending. */
  readonly members: ReadonlyArray<number>
  /** Roster row indices, ascending. */
  readonly rows: ReadonlyArray<number>
}

/**
 * Two central records that must not be one person (when a chain of duplicates would join them):
 * not a match on their own, and a CCCD or card number differs outright (level "else") or their
 * probability is below the cluster floor.
 */
export const cannotLink =
  (model: Model, coder: Coder, s: Pick<MatchSettings, "linkThreshold" | "clusterMinProbability">) => (x: number, y: number): boolean => {
    const a = Math.min(x, y)
    const b = Math.max(x, y)
    const code = coder(a, b)
    const p = probability(pairWeight(model, code, b), model.selfPriorLog2)
    if (p >= s.linkThreshold) return false
    for (const [k, l] of model.cannotLinkLevels) if (levelIn(model.layout, code, k) === l) return true
    return p < s.clusterMinProbability
  }

/**
 * Clusters by the duplicate pairs in descending probability (ties by index), joining two clusters
 * only when no record of one `cannotLink` a record of the other: transitivity alone would chain
 * A–B–C into one person although A and C are told apart.
 */
export const clusterPersons = (
  memberIds: ReadonlyArray<string>,
  duplicates: ReadonlyArray<CentralPair>,
  links: ReadonlyArray<RowLink>,
  apart: (x: number, y: number) => boolean = () => false
): Array<Person> => personsOf(memberIds, joinDuplicates(memberIds.length, duplicates, apart), links)

/**
 * The joining step of clusterPersons: the root of each of `n` records after joining the duplicate
 * pairs in descending score (ties by index), never across a pair `apart`.
 */
export const joinDuplicates = (
  n: number,
  duplicates: ReadonlyArray<CentralPair>,
  apart: (x: number, y: number) => boolean
): ((x: number) => number) => {
  const parent = new Int32Array(n)
  for (let i = 0; i < n; i++) parent[i] = i
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!
      x = parent[x]!
    }
    return x
  }
  // Members of each non-singleton cluster, by root.
  const membersOf = new Map<number, Array<number>>()
  const list = (root: number): Array<number> => membersOf.get(root) ?? [root]
  const order = [...duplicates].sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b)
  for (const d of order) {
    const ra = find(d.a)
    const rb = find(d.b)
    if (ra === rb) continue
    const la = list(ra)
    const lb = list(rb)
    let ok = true
    for (let x = 0; ok && x < la.length; x++) for (let y = 0; ok && y < lb.length; y++) if (apart(la[x]!, lb[y]!)) ok = false
    if (!ok) continue
    const root = Math.min(ra, rb)
    parent[Math.max(ra, rb)] = root
    membersOf.delete(ra)
    membersOf.delete(rb)
    membersOf.set(root, la.concat(lb))
  }
  return find
}

/** The rows of a person linked to none: one shared empty list (most records of a run have one row or none). */
const NO_ROWS: ReadonlyArray<number> = Object.freeze([])

/**
 * Persons from the clusters' roots, sorted by id. Each person's lists are allocated at their final
 * size (counted first): at 1M records, growing a list per person and a Map entry per root held
 * ~440 bytes per person at the end of the stage. When the member ids are already in ascending
 * order (an export sorted by id), clusters in order of their first record are in id order and no
 * sort is needed.
 */
const personsOf = (memberIds: ReadonlyArray<string>, find: (x: number) => number, links: ReadonlyArray<RowLink>): Array<Person> => {
  const n = memberIds.length
  const rootOf = new Int32Array(n)
  const memberCount = new Int32Array(n)
  const rowCount = new Int32Array(n)
  for (let i = 0; i < n; i++) memberCount[(rootOf[i] = find(i))]!++
  for (let r = 0; r < links.length; r++) {
    const m = links[r]!.member
    if (m >= 0) rowCount[rootOf[m]!]!++
  }
  // The person of each root (by its index in `out`), its lists filled in index order.
  const personAt = new Int32Array(n).fill(-1)
  const fill = new Int32Array(n)
  const members: Array<Array<number>> = []
  const rows: Array<Array<number> | ReadonlyArray<number>> = []
  const minId: Array<string> = []
  for (let i = 0; i < n; i++) {
    const root = rootOf[i]!
    let p = personAt[root]!
    if (p < 0) {
      p = personAt[root] = members.length
      members.push(memberCount[root] === 1 ? [i] : new Array<number>(memberCount[root]!))
      rows.push(rowCount[root] === 0 ? NO_ROWS : new Array<number>(rowCount[root]!))
      minId.push(memberIds[i]!)
      fill[root] = 0
    }
    if (memberCount[root]! > 1) members[p]![fill[root]!++] = i
    if (memberIds[i]! < minId[p]!) minId[p] = memberIds[i]!
  }
  fill.fill(0)
  for (let r = 0; r < links.length; r++) {
    const m = links[r]!.member
    if (m < 0) continue
    const p = personAt[rootOf[m]!]!
    ;(rows[p] as Array<number>)[fill[p]!++] = r
  }
  const out: Array<Person> = new Array(members.length)
  for (let p = 0; p < members.length; p++) out[p] = { personId: `P-${minId[p]!}`, members: members[p]!, rows: rows[p]! }
  let sorted = true
  for (let i = 1; i < n && sorted; i++) if (!(memberIds[i - 1]! < memberIds[i]!)) sorted = false
  if (sorted) return out
  // A stable sort: equal ids (never in one export) keep the order of their first record.
  return out.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0))
}

// ---------------------------------------------------------------------------------------------
// Explanation: a plain waterfall (data), rendered as a table or a Vietnamese sentence

export interface WaterfallPart {
  /** The declared comparison's name, or "termFrequency". */
  readonly comparison: string
  /** Vietnamese name of the criterion ("Tên", "Ngày sinh", "Độ phổ biến của tên"). */
  readonly label: string
  /** The level's name, or for a term-frequency part the value whose frequency counts. */
  readonly level: string
  /** Vietnamese wording of the level ("tên trùng khớp"). */
  readonly levelLabel: string
  readonly weight: number
}

export interface Waterfall {
  readonly parts: ReadonlyArray<WaterfallPart>
  /** Sum of the comparison weights and the term-frequency adjustments (without the prior). */
  readonly weight: number
  readonly priorLog2: number
  readonly probability: number
}

const textOf = (s: Side, field: Field, j: number): string =>
  field === "name" || field === "family" || field === "middle" || field === "given" || field === "hometown" ? s[field].text[j]! : ""

/** The per-comparison weights behind a pair's score, level by level; they add up to `weight`. Missing values weigh nothing and are left out. */
export const explainPair = (model: Model, a: Side, i: number, b: Side, j: number, self = false): Waterfall => {
  const levels = levelsOfPair(model.comparisons, a, i, b, j)
  return explainCode(model, levels.reduce((acc, l, k) => acc + (l + 1) * model.layout.stride[k]!, 0), b, j, self)
}

/** The waterfall of a pair from its comparison code (as compareBlocks stored it): no value is compared again. */
export const explainCode = (model: Model, code: number, b: Side, j: number, self = false): Waterfall => {
  const cs = model.comparisons
  const parts: Array<WaterfallPart> = []
  let weight = 0
  cs.forEach((c, k) => {
    const l = levelIn(model.layout, code, k)
    if (l < 0) return
    const level = c.levels[l]!
    const w = model.weights[k]![l]!
    parts.push({ comparison: c.name, label: c.label, level: level.name, levelLabel: level.label, weight: w })
    weight += w
    const tf = tfAdjustment(model, code, j, k)
    if (tf !== 0) {
      const value = textOf(b, c.field, j)
      const what = lowerFirst(c.label)
      parts.push({
        comparison: "termFrequency",
        label: `Độ phổ biến của ${what}`,
        level: value,
        levelLabel: tf >= 0 ? `${what} "${value}" ít gặp` : `${what} "${value}" phổ biến`,
        weight: tf
      })
      weight += tf
    }
  })
  const prior = self ? model.selfPriorLog2 : model.priorLog2
  return { parts, weight, priorLog2: prior, probability: probability(weight, prior) }
}

const num = (x: number): string => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(1).replace(".", ",")
const pctVi = (p: number): string => `${(Math.round(p * 1000) / 10).toString().replace(".", ",")}%`

/** "Độ tin cậy 99,9%: họ trùng khớp (+2,1), tên trùng khớp (+6,8), ngày sinh trùng (+13,2), …" */
export const explainSentence = (w: Waterfall): string =>
  `Độ tin cậy ${pctVi(w.probability)}: ` +
  // Comparisons that weigh nothing at this precision say nothing to a reader (the table keeps them).
  w.parts.filter((c) => Math.abs(c.weight) >= 0.05).map((c) => `${c.levelLabel} (${num(c.weight)})`).join(", ") +
  "."

/** The waterfall as an aligned text table (for `recon explain`). */
export const explainTable = (w: Waterfall): string => {
  const rows: Array<[string, string, string, string]> = [["Tiêu chí", "Mức", "Trọng số (log2)", "Cộng dồn"]]
  let run = w.priorLog2
  rows.push(["Tiên nghiệm", "tỷ lệ trùng khớp chung của các cặp ứng viên", num(run), num(run)])
  for (const c of w.parts) {
    run += c.weight
    rows.push([c.label, c.levelLabel, num(c.weight), num(run)])
  }
  rows.push(["Tổng", `xác suất cùng một người ${pctVi(w.probability)}`, "", num(run)])
  const widths = [0, 1, 2, 3].map((k) => Math.max(...rows.map((r) => r[k]!.length)))
  return rows.map((r) => r.map((x, k) => (k >= 2 ? x.padStart(widths[k]!) : x.padEnd(widths[k]!))).join("  ")).join("\n")
}

/** The fitted weights as a plain object (run reports, bench): comparison → level → log2 weight. */
export const modelSummary = (model: Model): Record<string, unknown> => ({
  estimated: model.estimated,
  priorLog2: Math.round(model.priorLog2 * 100) / 100,
  selfPriorLog2: Math.round(model.selfPriorLog2 * 100) / 100,
  termFrequency: model.tf !== null,
  weights: Object.fromEntries(
    model.comparisons.map((c, k) => [c.name, Object.fromEntries(c.levels.map((l, i) => [l.name, Math.round(model.weights[k]![i]! * 100) / 100]))])
  )
})
