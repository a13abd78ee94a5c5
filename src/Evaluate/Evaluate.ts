/**
 * Measures a run against a generated province's truth.json: link precision / recall / F1 over
 * roster rows (and over the rows of members listed away from their cell: moves), per-category
 * discrepancy precision / recall (a finding matches a planted case when category, member ids and
 * roster rows are equal) with data corrections counted apart, blocking recall (true pairs that
 * survive blocking, overall, for moves and per rule), decoys flagged (hard negatives and legitimate
 * double listings a finding cites), and with run.json the files resolved and rows rejected
 * (Ingestion.ts). Pure functions over parsed text; the CLI reads the files.
 */
import type { RowRef } from "../Domain.js"
import { FindingCategories } from "../Domain.js"
import type { Blocks } from "../Match/Engine.js"
import { type FileMetrics, type RejectionGroup } from "./Ingestion.js"

export interface TruthRowLike extends RowRef {
  readonly memberId: string | null
  /** The errors the generator put on the row (Clerks.ts ErrorName). */
  readonly noise?: ReadonlyArray<string>
  readonly unreadable?: ReadonlyArray<string>
  /** The row lists its member at a cell other than their central cell. */
  readonly move?: "sameCommune" | "otherCommune" | "otherProvince"
}

export interface PlantedLike {
  readonly category: string
  /** "finding" or "correction" in discrepancies.jsonl; absent in truth files. */
  readonly kind?: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<RowRef>
  readonly field?: string | null
  /** truth.json: a planted day/month swap, expected as a correction when the run records corrections. */
  readonly correction?: boolean
  /** truth.json: an UNREPORTED_TRANSFER / DUPLICATE_ROSTER listing typed with errors on purpose. */
  readonly moveWithErrors?: boolean
  /** truth.json of the national generator: a move between provinces (codes of the record's and the listing's province). */
  readonly crossProvince?: { readonly from: string; readonly to: string }
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
  /** The national generator's: the roster province and each province's member id ranges. */
  readonly national?: NationalLike
}

export interface NationalLike {
  readonly rosterProvince: string
  readonly provinces: ReadonlyArray<{ readonly code: string; readonly idRanges: ReadonlyArray<readonly [number, number]> }>
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
  readonly category: string
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
  /** Link recall over the rows of members listed away from their own cell. */
  readonly moves: MoveMetrics
  readonly corrections: CorrectionMetrics
  /** Moves between provinces, when the truth is the national generator's. */
  readonly crossProvince?: CrossProvinceMetrics
  /** With run.json next to the run's outputs. */
  readonly files?: FileMetrics
  readonly rejections?: ReadonlyArray<RejectionGroup>
}

export interface RecallOf {
  readonly rows: number
  readonly correct: number
  readonly recall: number
}

export interface MoveMetrics {
  /** Rows listing a member at another cell (moves, 213 and temporary lists, second listings). */
  readonly away: RecallOf
  /** Of them, at a cell of another commune. */
  readonly otherCommune: RecallOf
  /** The rows of planted moves typed with errors (UNREPORTED_TRANSFER, DUPLICATE_ROSTER). */
  readonly withErrors: RecallOf
}

export interface BlockingMetrics {
  readonly truePairs: number
  readonly kept: number
  readonly recall: number
  readonly candidatePairs: number
  /** The same over the rows of members listed at a cell of another commune. */
  readonly otherCommune?: { readonly truePairs: number; readonly kept: number; readonly recall: number }
  /** Each rule alone: its pairs and the true pairs it keeps (overall and across communes). */
  readonly perRule?: ReadonlyArray<RuleRecall>
}

export interface RuleRecall {
  readonly rule: string
  readonly pairs: number
  readonly kept: number
  readonly recall: number
  readonly otherCommuneKept: number
  readonly otherCommuneRecall: number
  /** True pairs this rule keeps and no other rule of the pipeline does (what the blocking loses without it). */
  readonly only?: number
}

export interface CorrectionField {
  readonly field: string
  /** Corrections the run recorded for this field. */
  readonly found: number
  /** Of them, on a row the generator gave a correction-type error in that field (or a planted swap). */
  readonly explained: number
  /** Rows that should get one: correction-type errors only, in that field, on a row of a central member. */
  readonly expected: number
  /** Expected rows the run recorded a correction for. */
  readonly recalled: number
}

export interface CorrectionMetrics {
  /** True when discrepancies.jsonl carries `kind` (the run records corrections apart). */
  readonly recorded: boolean
  /**
   * True when truth.json plants the corrections themselves (DATA_CORRECTION cases): `byField` then
   * counts exact matches (member, roster rows, field); otherwise it is inferred from the rows' noise.
   */
  readonly planted?: boolean
  readonly byField: ReadonlyArray<CorrectionField>
  /** With planted corrections: corrections of the run that match none, and planted ones not found (at most 20 each). */
  readonly unexpected?: ReadonlyArray<string>
  readonly missed?: ReadonlyArray<string>
  /** FIELD_MISMATCH findings on the birth date of a row whose only birth error is a swap or year-only date: corrections reported as conflicts. */
  readonly findingsThatAreCorrections: number
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

/** Categories to report (findings; corrections are counted apart): the domain's, then any other a truth or a run names (new rules), in order of appearance. */
const categoriesOf = (planted: ReadonlyArray<PlantedLike>, found: ReadonlyArray<PlantedLike>): Array<string> => {
  const out: Array<string> = [...FindingCategories]
  for (const x of [...planted, ...found]) if (!out.includes(x.category)) out.push(x.category)
  return out
}

export const discrepancyMetrics = (
  planted: ReadonlyArray<PlantedLike>,
  found: ReadonlyArray<PlantedLike>
): { categories: Array<CategoryMetrics>; unexpected: Array<string>; missed: Array<string> } => {
  const plantedKeys = new Set(planted.map(findingKey))
  const foundKeys = new Set(found.map(findingKey))
  const categories = categoriesOf(planted, found).map((category) => {
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

// ---------------------------------------------------------------------------------------------
// Corrections (kind "correction", category DATA_CORRECTION): counted apart from the findings

export const isCorrection = (d: PlantedLike): boolean => d.kind === "correction" || d.category === "DATA_CORRECTION"

/** The generator's errors a correction is for, by the field the correction names. */
const CORRECTION_NOISE: Readonly<Record<string, ReadonlyArray<string>>> = {
  "Ngày sinh": ["swappedDayMonth", "yearOnlyBirth"],
  "Họ và tên": ["noDiacritics", "newTone"]
}
/** Errors that change a field beyond what a correction covers. */
const FIELD_NOISE: Readonly<Record<string, ReadonlyArray<string>>> = {
  "Ngày sinh": ["swappedDayMonth", "yearOnlyBirth", "birthTypo"],
  "Họ và tên": ["noDiacritics", "newTone", "typo", "dropMiddle", "nameInUse", "regionalSurname", "iy", "missingSpace"]
}

/** The row's errors in `field` are all of the kind a correction records (and there is one). */
const correctionOnly = (noise: ReadonlyArray<string>, field: string): boolean => {
  const inField = noise.filter((n) => FIELD_NOISE[field]!.includes(n))
  return inField.length > 0 && inField.every((n) => CORRECTION_NOISE[field]!.includes(n))
}

export const correctionMetrics = (
  rows: ReadonlyArray<TruthRowLike>,
  plantedCorrections: ReadonlyArray<PlantedLike>,
  found: ReadonlyArray<PlantedLike>,
  recorded: boolean
): CorrectionMetrics => {
  const truthOf = new Map(rows.map((r) => [refKey(r), r]))
  const planted = new Set(plantedCorrections.flatMap((c) => c.rosterRows.map(refKey)))
  const plantedIn = (field: string) => new Set(plantedCorrections.filter((c) => (c.field ?? "Ngày sinh") === field).flatMap((c) => c.rosterRows.map(refKey)))
  const corrections = found.filter(isCorrection)
  const byField = Object.keys(CORRECTION_NOISE).map((field) => {
    const mineDeclared = plantedIn(field)
    const expectedRows = new Set(mineDeclared)
    for (const r of rows) if (r.memberId !== null && !(r.unreadable ?? []).length && correctionOnly(r.noise ?? [], field)) expectedRows.add(refKey(r))
    const mine = corrections.filter((c) => c.field === field)
    const cited = new Set(mine.flatMap((c) => c.rosterRows.map(refKey)))
    const explained = mine.filter((c) =>
      c.rosterRows.some((x) => mineDeclared.has(refKey(x)) || (truthOf.get(refKey(x))?.noise ?? []).some((n) => CORRECTION_NOISE[field]!.includes(n)))
    ).length
    return { field, found: mine.length, explained, expected: expectedRows.size, recalled: [...expectedRows].filter((k) => cited.has(k)).length }
  })
  const other = corrections.filter((c) => CORRECTION_NOISE[c.field ?? ""] === undefined)
  if (other.length > 0) byField.push({ field: other[0]!.field ?? "(không rõ)", found: other.length, explained: 0, expected: 0, recalled: 0 })
  const findingsThatAreCorrections = found.filter(
    (f) =>
      !isCorrection(f) && f.category === "FIELD_MISMATCH" && f.field === "Ngày sinh" &&
      f.rosterRows.some((x) => planted.has(refKey(x)) || correctionOnly(truthOf.get(refKey(x))?.noise ?? [], "Ngày sinh"))
  ).length
  return { recorded, byField, findingsThatAreCorrections }
}

/** A correction's identity: a finding's, plus the field (one row may need a date and a name corrected). */
const correctionKey = (d: PlantedLike): string => `${findingKey(d)}\u0000${d.field ?? ""}`

/**
 * Corrections scored against the ones truth.json plants (category DATA_CORRECTION), by field: a
 * correction of the run is explained when a planted one has the same member, roster rows and field.
 */
export const plantedCorrectionMetrics = (
  planted: ReadonlyArray<PlantedLike>,
  found: ReadonlyArray<PlantedLike>,
  recorded: boolean,
  findingsThatAreCorrections: number
): CorrectionMetrics => {
  const corrections = found.filter(isCorrection)
  const plantedKeys = new Set(planted.map(correctionKey))
  const foundKeys = new Set(corrections.map(correctionKey))
  const fields = [...new Set([...Object.keys(CORRECTION_NOISE), ...planted.map((c) => c.field ?? ""), ...corrections.map((c) => c.field ?? "")])]
  const byField = fields.map((field) => {
    const mine = corrections.filter((c) => (c.field ?? "") === field)
    const wanted = planted.filter((c) => (c.field ?? "") === field)
    return {
      field,
      found: mine.length,
      explained: mine.filter((c) => plantedKeys.has(correctionKey(c))).length,
      expected: wanted.length,
      recalled: wanted.filter((c) => foundKeys.has(correctionKey(c))).length
    }
  })
  const describe = (d: PlantedLike) => `${d.field ?? ""} [${d.memberIds.join(", ")}] ${d.rosterRows.map((r) => `${r.file}:${r.row}`).join("; ")}`
  return {
    recorded,
    planted: true,
    byField,
    findingsThatAreCorrections,
    unexpected: corrections.filter((c) => !plantedKeys.has(correctionKey(c))).slice(0, 20).map(describe),
    missed: planted.filter((c) => !foundKeys.has(correctionKey(c))).slice(0, 20).map(describe)
  }
}

// ---------------------------------------------------------------------------------------------
// Moves: members listed away from their own cell

const recallOver = (rows: ReadonlyArray<TruthRowLike>, predictedOf: ReadonlyMap<string, string | null>): RecallOf => {
  let correct = 0
  for (const r of rows) if (predictedOf.get(refKey(r)) === r.memberId) correct++
  return { rows: rows.length, correct, recall: ratio(correct, rows.length) }
}

export const moveMetrics = (rows: ReadonlyArray<TruthRowLike>, cases: ReadonlyArray<PlantedLike>, links: ReadonlyArray<LinkLike>): MoveMetrics => {
  const predictedOf = new Map(links.map((l) => [refKey(l), l.memberId]))
  const away = rows.filter((r) => r.memberId !== null && r.move !== undefined)
  const erroredKeys = new Set(cases.filter((c) => c.moveWithErrors === true).flatMap((c) => c.rosterRows.map(refKey)))
  return {
    away: recallOver(away, predictedOf),
    otherCommune: recallOver(away.filter((r) => r.move === "otherCommune"), predictedOf),
    withErrors: recallOver(away.filter((r) => erroredKeys.has(refKey(r))), predictedOf)
  }
}

// ---------------------------------------------------------------------------------------------
// Moves between provinces (national truth)

export interface CrossProvinceMetrics {
  readonly rosterProvince: string
  /** UNREPORTED_TRANSFER of members whose central record is in another province: planted, found (findings naming a member of another province), matched. */
  readonly unreportedTransfer: CategoryMetrics
  /** Of the planted ones, those typed with errors. */
  readonly withErrors: { readonly planted: number; readonly matched: number; readonly recall: number }
  /** Members of the roster province listed in another one: MISSING_FROM_ROSTER in its run. */
  readonly movedOut: { readonly planted: number; readonly matched: number; readonly recall: number }
  /** Rows listing a member of another province, linked to that member. */
  readonly links: RecallOf
}

/** The province whose id ranges hold a member id ("DV" + digits), or null. */
export const provinceOfMember = (national: NationalLike, id: string): string | null => {
  const m = /^DV(\d+)$/.exec(id)
  if (m === null) return null
  const n = Number(m[1])
  for (const p of national.provinces) for (const [lo, hi] of p.idRanges) if (n >= lo && n <= hi) return p.code
  return null
}

export const crossProvinceMetrics = (
  truth: TruthLike,
  links: ReadonlyArray<LinkLike>,
  found: ReadonlyArray<PlantedLike>
): CrossProvinceMetrics | undefined => {
  const national = truth.national
  if (national === undefined) return undefined
  const foreign = (id: string) => provinceOfMember(national, id) !== national.rosterProvince
  const planted = truth.cases.filter((c) => c.category === "UNREPORTED_TRANSFER" && c.crossProvince !== undefined)
  const foundKeys = new Set(found.map(findingKey))
  const plantedKeys = new Set(planted.map(findingKey))
  const mine = found.filter((f) => f.category === "UNREPORTED_TRANSFER" && f.memberIds.some(foreign))
  const matched = mine.filter((f) => plantedKeys.has(findingKey(f))).length
  const recalled = (cs: ReadonlyArray<PlantedLike>) => {
    const m = cs.filter((c) => foundKeys.has(findingKey(c))).length
    return { planted: cs.length, matched: m, recall: ratio(m, cs.length) }
  }
  const predictedOf = new Map(links.map((l) => [refKey(l), l.memberId]))
  return {
    rosterProvince: national.rosterProvince,
    unreportedTransfer: {
      category: "UNREPORTED_TRANSFER", planted: planted.length, found: mine.length, matched,
      precision: ratio(matched, mine.length), recall: ratio(planted.filter((c) => foundKeys.has(findingKey(c))).length, planted.length)
    },
    withErrors: recalled(planted.filter((c) => c.moveWithErrors === true)),
    movedOut: recalled(truth.cases.filter((c) => c.category === "MISSING_FROM_ROSTER" && c.crossProvince !== undefined)),
    links: recallOver(truth.rows.filter((r) => r.move === "otherProvince" && r.memberId !== null), predictedOf)
  }
}

const formatCrossProvince = (x: CrossProvinceMetrics): Array<string> => {
  const u = x.unreportedTransfer
  return [
    `moves between provinces (the rosters of ${x.rosterProvince}; central records in other provinces):`,
    `  UNREPORTED_TRANSFER across provinces  precision ${f4(u.precision)}  recall ${f4(u.recall)}  (planted ${u.planted}, found ${u.found}, matched ${u.matched})`,
    `  of them typed with errors             recall ${f4(x.withErrors.recall)}  (${x.withErrors.matched} of ${x.withErrors.planted})`,
    `  moved out (MISSING_FROM_ROSTER here)  recall ${f4(x.movedOut.recall)}  (${x.movedOut.matched} of ${x.movedOut.planted})`,
    recallLine("rows of members of other provinces", x.links)
  ]
}

const push = <K, V>(map: Map<K, Array<V>>, key: K, value: V): void => {
  const xs = map.get(key)
  if (xs === undefined) map.set(key, [value])
  else xs.push(value)
}

/**
 * A decoy is flagged when a finding cites one of its roster rows (a 213 or temporary listing, a
 * listing inside a transfer window), or, for a decoy of several records (namesakes, twins), names
 * all of them (taken for one person); a finding the truth plants does not count. Per kind, in order
 * of first appearance.
 */
export const decoyMetrics = (
  decoys: ReadonlyArray<DecoyLike>,
  found: ReadonlyArray<PlantedLike>,
  planted: ReadonlyArray<PlantedLike> = []
): { decoys: Array<DecoyMetrics>; flaggedDecoys: Array<string> } => {
  const byRow = new Map<string, Array<PlantedLike>>()
  const byMember = new Map<string, Array<PlantedLike>>()
  // A planted finding on a decoy's row (a birth date mistyped on a 213 list) is expected, not a false alarm.
  const expected = new Set(planted.map(findingKey))
  for (const f of found) {
    // A correction proposes no removal, and a cell-wide finding (no list submitted) names every
    // member of the cell without taking any two for one person: neither raises a decoy.
    if (f.kind === "correction") continue
    if (expected.has(findingKey(f))) continue
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

/**
 * Findings are scored against the planted cases; corrections apart. A planted day/month swap is
 * expected as a FIELD_MISMATCH from a run that does not record corrections, as a correction from
 * one that does (its discrepancies.jsonl carries `kind`).
 */
export const evaluate = (truth: TruthLike, links: ReadonlyArray<LinkLike>, found: ReadonlyArray<PlantedLike>): Evaluation => {
  const recorded = found.some((f) => f.kind !== undefined)
  const findings = found.filter((f) => !isCorrection(f))
  // Truth files of newer generators plant the corrections themselves (DATA_CORRECTION cases).
  const truthCorrections = truth.cases.filter(isCorrection)
  const expected = (recorded ? truth.cases.filter((c) => c.correction !== true) : truth.cases).filter((c) => !isCorrection(c))
  const plantedCorrections = recorded ? truth.cases.filter((c) => c.correction === true) : []
  const inferred = correctionMetrics(truth.rows, plantedCorrections, found, recorded)
  const crossProvince = crossProvinceMetrics(truth, links, findings)
  return {
    ...(crossProvince === undefined ? {} : { crossProvince }),
    links: linkMetrics(truth.rows, links),
    ...discrepancyMetrics(expected, findings),
    ...decoyMetrics(truth.decoys ?? [], findings, expected),
    moves: moveMetrics(truth.rows, truth.cases, links),
    corrections: truthCorrections.length > 0 && recorded
      ? plantedCorrectionMetrics(truthCorrections, found, recorded, inferred.findingsThatAreCorrections)
      : inferred
  }
}

/**
 * True (row, member) pairs kept by blocking. `rowIndex` maps a truth row to its index in the
 * blocked rows, `memberIndex` a member id to its index in the central side.
 */
export const blockingRecall = (
  truth: ReadonlyArray<TruthRowLike>,
  rowIndex: ReadonlyMap<string, number>,
  memberIndex: ReadonlyMap<string, number>,
  blocks: Blocks,
  only: (t: TruthRowLike) => boolean = () => true
): BlockingMetrics => {
  let truePairs = 0
  let kept = 0
  for (const t of truth) {
    if (t.memberId === null || !only(t)) continue
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

const recallLine = (label: string, r: RecallOf): string => `  ${label.padEnd(34)} recall ${f4(r.recall)}  (${r.correct} of ${r.rows} rows linked to their member)`

const formatFiles = (e: Evaluation): Array<string> => {
  const lines: Array<string> = []
  if (e.files !== undefined) {
    const f = e.files
    lines.push(
      `files: ${f.files} roster files; resolved ${f.resolved} (${f4(ratio(f.resolved, f.files))}), wrongly resolved ${f.wronglyResolved}, refused ${f.refused}` +
        `${f.notInRun > 0 ? `, not in the run ${f.notInRun}` : ""}; resolved with the wrong list kind ${f.wrongKind}`
    )
    for (const n of f.byNaming) lines.push(`  ${n.naming.padEnd(24)} ${String(n.files).padStart(6)} files ${String(n.resolved).padStart(6)} resolved ${String(n.wrong).padStart(4)} wrong`)
    if (f.wrong.length > 0) lines.push("wrongly resolved (first 20):", ...f.wrong.map((x) => `  ${x}`))
  }
  if (e.rejections !== undefined) {
    const rows = e.rejections.reduce((a, g) => a + g.rows, 0)
    lines.push(`rows rejected: ${rows}${e.rejections.length > 0 ? " — by reason (rejections, rows):" : ""}`)
    for (const g of e.rejections.slice(0, 25)) lines.push(`  ${String(g.count).padStart(6)} ${String(g.rows).padStart(7)}  ${g.reason}`)
  }
  return lines
}

const formatBlocking = (b: BlockingMetrics): Array<string> => {
  const lines = [`blocking: recall ${f4(b.recall)}  (kept ${b.kept} of ${b.truePairs} true pairs; ${b.candidatePairs} candidate pairs)`]
  if (b.otherCommune !== undefined) {
    lines.push(`  moves to another commune: recall ${f4(b.otherCommune.recall)}  (kept ${b.otherCommune.kept} of ${b.otherCommune.truePairs})`)
  }
  if (b.perRule !== undefined) {
    lines.push(`  ${"rule alone".padEnd(40)} ${"pairs".padStart(10)}  recall  moves (other commune)  only this rule`)
    for (const r of b.perRule) {
      lines.push(`  ${r.rule.padEnd(40)} ${String(r.pairs).padStart(10)}  ${f4(r.recall)}  ${f4(r.otherCommuneRecall).padEnd(21)}  ${r.only ?? ""}`)
    }
  }
  return lines
}

const formatCorrections = (c: CorrectionMetrics): Array<string> => {
  const lines = [
    c.recorded
      ? `corrections (kind "correction", counted apart from the findings):`
      : `corrections: the run records none apart (no "kind" in discrepancies.jsonl); expected ones for reference:`
  ]
  lines.push(`  ${"field".padEnd(12)} found  explained  precision  expected  recalled  recall`)
  for (const f of c.byField) {
    lines.push(
      `  ${f.field.padEnd(12)} ${String(f.found).padStart(5)} ${String(f.explained).padStart(10)}  ${f4(ratio(f.explained, f.found)).padStart(9)} ${String(f.expected).padStart(9)} ${String(f.recalled).padStart(9)}  ${f4(ratio(f.recalled, f.expected))}`
    )
  }
  lines.push(`  FIELD_MISMATCH findings on a birth date that only needs a correction (swap, year only): ${c.findingsThatAreCorrections}`)
  if (c.planted === true) lines.push(`  (scored against the corrections truth.json plants: same member, rows and field)`)
  if ((c.missed ?? []).length > 0) lines.push("  corrections missed (first 20):", ...c.missed!.map((x) => `    ${x}`))
  if ((c.unexpected ?? []).length > 0) lines.push("  corrections unexpected (first 20):", ...c.unexpected!.map((x) => `    ${x}`))
  return lines
}

export const formatEvaluation = (e: Evaluation): string => {
  const l = e.links
  const lines = [
    ...formatFiles(e),
    `links: precision ${f4(l.precision)}  recall ${f4(l.recall)}  F1 ${f4(l.f1)}  (true pairs ${l.truePairs}, predicted ${l.predicted}, correct ${l.correct}${l.rowsMissingFromRun > 0 ? `, rows not in the run ${l.rowsMissingFromRun}` : ""})`,
    "moves (members listed away from their own cell):",
    recallLine("at another cell", e.moves.away),
    recallLine("at a cell of another commune", e.moves.otherCommune),
    recallLine("planted moves typed with errors", e.moves.withErrors)
  ]
  if (e.crossProvince !== undefined) lines.push(...formatCrossProvince(e.crossProvince))
  if (e.blocking !== undefined) lines.push(...formatBlocking(e.blocking))
  lines.push("discrepancies (findings; corrections apart):", `  ${"category".padEnd(20)} planted  found  matched  precision  recall`)
  for (const c of e.categories) {
    lines.push(
      `  ${c.category.padEnd(20)} ${String(c.planted).padStart(7)} ${String(c.found).padStart(6)} ${String(c.matched).padStart(8)}  ${f4(c.precision).padStart(9)}  ${f4(c.recall).padStart(6)}`
    )
  }
  lines.push(...formatCorrections(e.corrections))
  if (e.decoys.length > 0) {
    lines.push("decoys (hard negatives and legitimate double listings; none may be flagged):")
    for (const d of e.decoys) lines.push(`  ${d.kind.padEnd(38)} ${String(d.planted).padStart(6)} planted ${String(d.flagged).padStart(5)} flagged`)
  }
  if (e.flaggedDecoys.length > 0) lines.push("flagged decoys (first 20):", ...e.flaggedDecoys.map((x) => `  ${x}`))
  if (e.missed.length > 0) lines.push("missed (first 20):", ...e.missed.map((x) => `  ${x}`))
  if (e.unexpected.length > 0) lines.push("unexpected (first 20):", ...e.unexpected.map((x) => `  ${x}`))
  return lines.join("\n")
}
