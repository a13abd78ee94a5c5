/**
 * Measures a run against a generated province's truth.json: link precision / recall / F1 over
 * roster rows, per-category discrepancy precision / recall (a finding matches a planted case when
 * category, member ids and roster rows are equal), blocking recall (true pairs that survive
 * blocking), and decoys flagged (hard negatives and legitimate double listings a finding cites). Pure functions over parsed text; the CLI reads the files.
 */
import type { Category, RowRef } from "../Domain.js"
import { Categories } from "../Domain.js"
import type { Blocks } from "../Match/Engine.js"

export interface TruthRowLike extends RowRef {
  readonly memberId: string | null
}

export interface PlantedLike {
  readonly category: string
  /** "finding" or "correction" in discrepancies.jsonl; absent in truth files. */
  readonly kind?: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<RowRef>
}

/** A hard negative or legitimate double listing of truth.json: nothing may be raised about it. */
export interface DecoyLike {
  readonly kind: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows?: ReadonlyArray<RowRef>
}

export interface TruthLike {
  readonly rows: ReadonlyArray<TruthRowLike>
  readonly cases: ReadonlyArray<PlantedLike>
  /** Absent in truth files of older generators. */
  readonly decoys?: ReadonlyArray<DecoyLike>
}

export interface DecoyMetrics {
  readonly kind: string
  readonly planted: number
  /** Decoys a finding of the run cites (a false alarm each). */
  readonly flagged: number
}

export interface LinkLike extends RowRef {
  readonly memberId: string | null
}

export interface LinkMetrics {
  /** Roster rows in the truth that belong to a central member. */
  readonly truePairs: number
  /** Links made by the run. */
  readonly predicted: number
  readonly correct: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
  /** Rows the truth knows that the run did not report at all (rejected at ingestion). */
  readonly rowsMissingFromRun: number
}

export interface CategoryMetrics {
  readonly category: Category
  readonly planted: number
  readonly found: number
  readonly matched: number
  readonly precision: number
  readonly recall: number
}

export interface Evaluation {
  readonly links: LinkMetrics
  readonly categories: ReadonlyArray<CategoryMetrics>
  /** Findings of the run that match no planted case (for reading), at most 20. */
  readonly unexpected: ReadonlyArray<string>
  /** Planted cases the run did not find, at most 20. */
  readonly missed: ReadonlyArray<string>
  readonly decoys: ReadonlyArray<DecoyMetrics>
  /** Flagged decoys with the finding that cites them, at most 20. */
  readonly flaggedDecoys: ReadonlyArray<string>
  readonly blocking?: BlockingMetrics
}

export interface BlockingMetrics {
  readonly truePairs: number
  readonly kept: number
  readonly recall: number
  readonly candidatePairs: number
}

/** A CSV file has one "sheet" whose name is a naming convention of ingestion, so it is left out of the key. */
export const refKey = (r: RowRef): string =>
  `${r.file}\u0000${/\.csv$/i.test(r.file) ? "" : r.sheet}\u0000${r.row}`

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b)

/** links.csv (header file,sheet,row,member_id,score; RFC 4180 quoting) → links. */
export const parseLinksCsv = (text: string): Array<LinkLike> => {
  const out: Array<LinkLike> = []
  const records = parseCsv(text)
  const header = records[0] ?? []
  const col = (name: string) => header.indexOf(name)
  const [f, s, r, m] = [col("file"), col("sheet"), col("row"), col("member_id")]
  if (f < 0 || s < 0 || r < 0 || m < 0) throw new Error("links.csv: expected the header file,sheet,row,member_id,score")
  for (let i = 1; i < records.length; i++) {
    const x = records[i]!
    if (x.length < header.length) continue
    out.push({ file: x[f]!, sheet: x[s]!, row: Number(x[r]), memberId: x[m] === "" ? null : x[m]! })
  }
  return out
}

/** Minimal RFC 4180 reader (quotes, doubled quotes, CRLF); a leading BOM is dropped. */
const parseCsv = (text: string): Array<Array<string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"') quoted = true
    else if (c === ",") {
      row.push(field)
      field = ""
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++
      row.push(field)
      rows.push(row)
      row = []
      field = ""
    } else field += c
  }
  if (field !== "" || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

export const parseDiscrepanciesJsonl = (text: string): Array<PlantedLike> =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as PlantedLike)

export const linkMetrics = (truth: ReadonlyArray<TruthRowLike>, links: ReadonlyArray<LinkLike>): LinkMetrics => {
  const predictedOf = new Map<string, string | null>()
  for (const l of links) predictedOf.set(refKey(l), l.memberId)
  let truePairs = 0
  let correct = 0
  let missing = 0
  for (const t of truth) {
    const key = refKey(t)
    if (!predictedOf.has(key)) missing++
    if (t.memberId === null) continue
    truePairs++
    if (predictedOf.get(key) === t.memberId) correct++
  }
  const predicted = links.filter((l) => l.memberId !== null).length
  const precision = ratio(correct, predicted)
  const recall = ratio(correct, truePairs)
  return {
    truePairs,
    predicted,
    correct,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    rowsMissingFromRun: missing
  }
}

export const findingKey = (d: PlantedLike): string =>
  JSON.stringify([d.category, [...d.memberIds].sort(), d.rosterRows.map(refKey).sort()])

export const discrepancyMetrics = (
  planted: ReadonlyArray<PlantedLike>,
  found: ReadonlyArray<PlantedLike>
): { categories: Array<CategoryMetrics>; unexpected: Array<string>; missed: Array<string> } => {
  const plantedKeys = new Set(planted.map(findingKey))
  const foundKeys = new Set(found.map(findingKey))
  const categories = Categories.map((category) => {
    const p = planted.filter((x) => x.category === category)
    const f = found.filter((x) => x.category === category)
    const matched = f.filter((x) => plantedKeys.has(findingKey(x))).length
    return { category, planted: p.length, found: f.length, matched, precision: ratio(matched, f.length), recall: ratio(matched, p.length) }
  })
  const describe = (d: PlantedLike) =>
    `${d.category} [${d.memberIds.join(", ")}] ${d.rosterRows.map((r) => `${r.file}:${r.row}`).join("; ")}`
  return {
    categories,
    unexpected: found.filter((x) => !plantedKeys.has(findingKey(x))).slice(0, 20).map(describe),
    missed: planted.filter((x) => !foundKeys.has(findingKey(x))).slice(0, 20).map(describe)
  }
}

const push = <K, V>(map: Map<K, Array<V>>, key: K, value: V): void => {
  const xs = map.get(key)
  if (xs === undefined) map.set(key, [value])
  else xs.push(value)
}

/**
 * A decoy is flagged when a finding cites one of its roster rows (a 213 or temporary listing, a
 * listing inside a transfer window), or, for a decoy of several records (namesakes, twins), names
 * all of them (taken for one person). Per kind, in order of first appearance.
 */
export const decoyMetrics = (
  decoys: ReadonlyArray<DecoyLike>,
  found: ReadonlyArray<PlantedLike>
): { decoys: Array<DecoyMetrics>; flaggedDecoys: Array<string> } => {
  const byRow = new Map<string, Array<PlantedLike>>()
  const byMember = new Map<string, Array<PlantedLike>>()
  for (const f of found) {
    // A correction proposes no removal, and a cell-wide finding (no list submitted) names every
    // member of the cell without taking any two for one person: neither raises a decoy.
    if (f.kind === "correction") continue
    for (const r of f.rosterRows) push(byRow, refKey(r), f)
    if (f.category === "ROSTER_NOT_SUBMITTED") continue
    for (const m of f.memberIds) push(byMember, m, f)
  }
  const kinds = new Map<string, { planted: number; flagged: number }>()
  const flaggedDecoys: Array<string> = []
  for (const d of decoys) {
    const k = kinds.get(d.kind) ?? { planted: 0, flagged: 0 }
    kinds.set(d.kind, k)
    k.planted++
    const citing =
      (d.rosterRows ?? []).flatMap((r) => byRow.get(refKey(r)) ?? [])[0] ??
      (d.memberIds.length < 2
        ? undefined
        : (byMember.get(d.memberIds[0]!) ?? []).find((f) => d.memberIds.every((m) => f.memberIds.includes(m))))
    if (citing === undefined) continue
    k.flagged++
    if (flaggedDecoys.length < 20) flaggedDecoys.push(`${d.kind} [${d.memberIds.join(", ")}] ← ${citing.category} [${citing.memberIds.join(", ")}]`)
  }
  return { decoys: [...kinds].map(([kind, v]) => ({ kind, ...v })), flaggedDecoys }
}

export const evaluate = (truth: TruthLike, links: ReadonlyArray<LinkLike>, found: ReadonlyArray<PlantedLike>): Evaluation => ({
  links: linkMetrics(truth.rows, links),
  ...discrepancyMetrics(truth.cases, found),
  ...decoyMetrics(truth.decoys ?? [], found)
})

/**
 * True (row, member) pairs kept by blocking. `rowIndex` maps a truth row to its index in the
 * blocked rows, `memberIndex` a member id to its index in the central side.
 */
export const blockingRecall = (
  truth: ReadonlyArray<TruthRowLike>,
  rowIndex: ReadonlyMap<string, number>,
  memberIndex: ReadonlyMap<string, number>,
  blocks: Blocks
): BlockingMetrics => {
  let truePairs = 0
  let kept = 0
  for (const t of truth) {
    if (t.memberId === null) continue
    const i = rowIndex.get(refKey(t))
    const j = memberIndex.get(t.memberId)
    if (i === undefined || j === undefined) continue
    truePairs++
    for (let k = blocks.start[i]!, end = blocks.start[i + 1]!; k < end; k++) {
      if (blocks.idx[k] === j) {
        kept++
        break
      }
    }
  }
  return { truePairs, kept, recall: ratio(kept, truePairs), candidatePairs: blocks.totalPairs }
}

const f4 = (x: number): string => x.toFixed(4)

export const formatEvaluation = (e: Evaluation): string => {
  const l = e.links
  const lines = [
    `links: precision ${f4(l.precision)}  recall ${f4(l.recall)}  F1 ${f4(l.f1)}  (true pairs ${l.truePairs}, predicted ${l.predicted}, correct ${l.correct}${l.rowsMissingFromRun > 0 ? `, rows not in the run ${l.rowsMissingFromRun}` : ""})`
  ]
  if (e.blocking !== undefined) {
    const b = e.blocking
    lines.push(`blocking: recall ${f4(b.recall)}  (kept ${b.kept} of ${b.truePairs} true pairs; ${b.candidatePairs} candidate pairs)`)
  }
  lines.push("discrepancies:", `  ${"category".padEnd(20)} planted  found  matched  precision  recall`)
  for (const c of e.categories) {
    lines.push(
      `  ${c.category.padEnd(20)} ${String(c.planted).padStart(7)} ${String(c.found).padStart(6)} ${String(c.matched).padStart(8)}  ${f4(c.precision).padStart(9)}  ${f4(c.recall).padStart(6)}`
    )
  }
  if (e.decoys.length > 0) {
    lines.push("decoys (hard negatives and legitimate double listings; none may be flagged):")
    for (const d of e.decoys) lines.push(`  ${d.kind.padEnd(38)} ${String(d.planted).padStart(6)} planted ${String(d.flagged).padStart(5)} flagged`)
  }
  if (e.flaggedDecoys.length > 0) lines.push("flagged decoys (first 20):", ...e.flaggedDecoys.map((x) => `  ${x}`))
  if (e.missed.length > 0) lines.push("missed (first 20):", ...e.missed.map((x) => `  ${x}`))
  if (e.unexpected.length > 0) lines.push("unexpected (first 20):", ...e.unexpected.map((x) => `  ${x}`))
  return lines.join("\n")
}
