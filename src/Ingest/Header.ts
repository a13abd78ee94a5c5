/**
 * Finds the table header of a roster sheet by fuzzy matching cell texts against the Vietnamese
 * column vocabulary of Mẫu 7-HSĐV and the lists clerks make from it (domain brief §1.1, §5.1, §8.9).
 *
 * Handles title rows above the table, two-row headers ("Ngày sinh" merged over "Nam" | "Nữ"),
 * Nam / Nữ columns with an "X", header cells stacking several fields ("Ngày vào Đảng, ngày chính
 * thức" → one value per line) and a numbered column-index row ("1 2 3 …") under the header.
 */
import levenshtein from "fast-levenshtein"
import * as Enc from "../Normalize/Encoding.js"
import * as Text from "../Normalize/Text.js"
import { type FieldKey, Fields } from "./Fields.js"
import { type Cell, cellText, isBlankCell } from "./Grid.js"

/** The roster columns: every declared field with header words (Fields.ts); "status" is central-only. */
export type Field = Exclude<FieldKey, "status">

/** Folded spellings per field, from the one declaration (Fields.ts); compared after `headerKey`. */
export const Vocabulary: Readonly<Record<Field, ReadonlyArray<string>>> = Object.fromEntries(
  // In this order: a typo equally close to two fields' words goes to the first.
  (["stt", "name", "birth", "sexMale", "sexFemale", "sex", "hometown", "cccd", "cardNo", "lyLich", "admitted", "official", "unitCode", "note", "kind", "memberId"] as const)
    .map((k) => [k, Fields[k].words])
) as Record<Field, ReadonlyArray<string>>

interface Term {
  readonly key: string
  readonly field: Field
}

// Precomputed once: the vocabulary is matched against up to 30 rows of every file.
const TERMS: ReadonlyArray<Term> = (Object.keys(Vocabulary) as Array<Field>).flatMap((field) =>
  Vocabulary[field].map((key) => ({ key, field }))
)
const EXACT = new Map<string, Field>(TERMS.map((t) => [t.key, t.field]))

/** Letter/digit/space counts: half their L1 difference is a lower bound of the edit distance. */
const histogram = (s: string): Int16Array => {
  const h = new Int16Array(37)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h[c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : 36]!++
  }
  return h
}
const TERM_HISTOGRAMS: ReadonlyArray<Int16Array> = TERMS.map((t) => histogram(t.key))

/** histogram() into a reused array: matchKey runs for every cell of the scanned rows. */
const SCRATCH = new Int16Array(37)
const histogramInto = (h: Int16Array, s: string): Int16Array => {
  h.fill(0)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h[c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : 36]!++
  }
  return h
}

const histogramBound = (a: Int16Array, b: Int16Array): number => {
  let d = 0
  for (let i = 0; i < 37; i++) d += Math.abs(a[i]! - b[i]!)
  return Math.ceil(d / 2)
}

/** fold, then anything but letters and digits becomes one space. */
export const headerKey = (s: string): string =>
  Text.fold(s)
    .replace(/[^a-z0-9]+/g, " ")
    .trim()

/** Typos tolerated relative to length: none under 8 characters ("nam", "nu", "ho ten" must be exact). */
const allowedDistance = (len: number) => (len >= 14 ? 2 : len >= 8 ? 1 : 0)

/** The field a header text names, tolerating small typos; null when none. */
export const matchKey = (key: string): Field | null => {
  if (key === "") return null
  const exact = EXACT.get(key)
  if (exact !== undefined) return exact
  const allowed = allowedDistance(key.length)
  if (allowed === 0) return null
  let best: Field | null = null
  let bestDistance = allowed + 1
  // Most cells scanned are data (names, places): the histogram bound rejects them without a DP.
  let h: Int16Array | null = null
  for (let i = 0; i < TERMS.length; i++) {
    const t = TERMS[i]!
    if (Math.abs(t.key.length - key.length) > allowed || allowedDistance(t.key.length) === 0) continue
    h ??= histogramInto(SCRATCH, key)
    if (histogramBound(h, TERM_HISTOGRAMS[i]!) >= bestDistance) continue
    const d = levenshtein.get(t.key, key)
    if (d < bestDistance) {
      best = t.field
      bestDistance = d
    }
  }
  return best
}

/** Where a field's value sits: a column, and for stacked header cells the line within the cell. */
export interface ColumnRef {
  /** 0-based column index. */
  readonly col: number
  /** Line of a multi-line cell (header "Ngày vào Đảng, ngày chính thức" → 0 and 1); null: the whole cell. */
  readonly part: number | null
  /** The header as written in the file, for rejections ("Ngày sinh", "Ngày sinh - Nữ"). */
  readonly label: string
}

export interface HeaderMap {
  readonly columns: Readonly<Partial<Record<Field, ColumnRef>>>
  /** "Ngày sinh" over "Nam" | "Nữ": the date is written under the member's sex. */
  readonly birthBySex: { readonly male: ColumnRef; readonly female: ColumnRef } | null
  /** Row indexes (into the sheet's rows) of the first and last header rows. */
  readonly firstHeaderRow: number
  readonly lastHeaderRow: number
  /** First row index after the header (and after a column-index row, if any). */
  readonly firstDataRow: number
  /** Number of vocabulary fields recognised. */
  readonly score: number
}

export interface CellMatch {
  readonly fields: ReadonlyArray<{ readonly field: Field; readonly part: number | null }>
  readonly label: string
}

const cleanLabel = (s: string) => s.replace(/\s+/g, " ").trim()

/**
 * matchHeaderCell's answers by font and text: the same header labels (and title lines) recur in
 * every file of a province, and matching one costs a decode, a fold and a fuzzy scan. Answers are
 * immutable. Bounded: cleared when full.
 */
const MATCH_MEMO_LIMIT = 20_000
/** Font → text → answer (two levels: a concatenated key cost more to build and hash than the lookups). */
const matchMemo = new Map<string, Map<string, CellMatch | null>>()
let matchMemoSize = 0

/** Matches one header cell: whole text first, then its lines / comma-separated parts (stacked fields). */
export const matchHeaderCell = (cell: Cell | undefined): CellMatch | null => {
  if (cell === undefined || isBlankCell(cell) || typeof cell.value !== "string") return null
  if (cell.value.length > 120) return null
  const font = cell.font ?? ""
  let byText = matchMemo.get(font)
  if (byText === undefined) {
    byText = new Map()
    matchMemo.set(font, byText)
  }
  let m = byText.get(cell.value)
  if (m === undefined) {
    m = matchText(cell.value, cell.font)
    if (matchMemoSize >= MATCH_MEMO_LIMIT) {
      matchMemo.clear()
      matchMemoSize = 0
      matchMemo.set(font, byText)
      byText.clear()
    }
    byText.set(cell.value, m)
    matchMemoSize++
  }
  return m
}

const matchText = (value: string, font: string | null): CellMatch | null => {
  // Headers typed in .VnTime / VNI fonts are decoded like any other cell.
  const text = Enc.decodeText(value, font).text
  const label = cleanLabel(text)
  const whole = matchKey(headerKey(text))
  if (whole !== null) return { fields: [{ field: whole, part: null }], label }
  const parts = text.split(/[\n,;/]+/).map((p) => p.trim()).filter((p) => p !== "")
  if (parts.length < 2) return null
  const found: Array<{ field: Field; part: number }> = []
  parts.forEach((p, i) => {
    const f = matchKey(headerKey(p))
    if (f !== null && !found.some((x) => x.field === f)) found.push({ field: f, part: i })
  })
  if (found.length === 0) return null
  const fields = found.map((x) => x.field)
  if (fields.includes("sexMale") && fields.includes("sexFemale")) return { fields: [{ field: "sex", part: null }], label }
  if (found.length === 1) return { fields: [{ field: found[0]!.field, part: null }], label }
  return { fields: found, label }
}

const MAX_SCAN_ROWS = 30

interface Candidate {
  readonly columns: Partial<Record<Field, ColumnRef>>
  readonly birthBySex: { male: ColumnRef; female: ColumnRef } | null
  readonly score: number
}

const assign = (columns: Partial<Record<Field, ColumnRef>>, field: Field, ref: ColumnRef) => {
  // The first column naming a field wins (a second "Ghi chú" is ignored).
  if (columns[field] === undefined) columns[field] = ref
}

const scoreOf = (c: Partial<Record<Field, ColumnRef>>, bySex: boolean) =>
  Object.keys(c).length + (bySex ? 3 : 0)

const singleRow = (matches: ReadonlyArray<CellMatch | null>): Candidate => {
  const columns: Partial<Record<Field, ColumnRef>> = {}
  matches.forEach((m, col) => {
    if (m !== null) for (const f of m.fields) assign(columns, f.field, { col, part: f.part, label: m.label })
  })
  return { columns, birthBySex: null, score: scoreOf(columns, false) }
}

const pairRows = (
  top: ReadonlyArray<CellMatch | null>,
  bottom: ReadonlyArray<CellMatch | null>
): Candidate => {
  const columns: Partial<Record<Field, ColumnRef>> = {}
  let male: ColumnRef | null = null
  let female: ColumnRef | null = null
  const width = Math.max(top.length, bottom.length)
  for (let col = 0; col < width; col++) {
    const t = top[col] ?? null
    const b = bottom[col] ?? null
    const bField = b !== null && b.fields.length === 1 ? b.fields[0]!.field : null
    if (t !== null && t.fields.length === 1 && t.fields[0]!.field === "birth" && (bField === "sexMale" || bField === "sexFemale")) {
      const ref = { col, part: null, label: `${t.label} - ${b!.label}` }
      if (bField === "sexMale") male ??= ref
      else female ??= ref
      continue
    }
    const use = b ?? t
    if (use !== null) for (const f of use.fields) assign(columns, f.field, { col, part: f.part, label: use.label })
  }
  const birthBySex = male !== null && female !== null ? { male, female } : null
  if (birthBySex === null) {
    // Only one of Nam/Nữ under "Ngày sinh": read it as a plain birth column.
    const only = male ?? female
    if (only !== null) assign(columns, "birth", only)
  }
  return { columns, birthBySex, score: scoreOf(columns, birthBySex !== null) }
}

const usable = (c: Candidate) =>
  c.columns.name !== undefined && (c.score >= 2 || c.birthBySex !== null)

const integerLike = (cell: Cell | undefined): number | null => {
  const v = cell?.value
  if (typeof v === "number") return Number.isInteger(v) ? v : null
  if (typeof v === "string") {
    const m = /^\s*\(?(\d{1,2})\)?\s*$/.exec(v)
    return m ? Number(m[1]) : null
  }
  return null
}

/** "1 2 3 …" (or "(1) (2) …") under a header: at least 3 numbers, increasing, starting at 1 or 2. */
export const isColumnIndexRow = (row: ReadonlyArray<Cell> | undefined): boolean => {
  if (row === undefined) return false
  let count = 0
  let prev = 0
  for (const cell of row) {
    if (isBlankCell(cell)) continue
    const n = integerLike(cell)
    if (n === null || n <= prev || (count === 0 && n > 2)) return false
    prev = n
    count++
  }
  return count >= 3
}

/**
 * A row that repeats the header (a vertically merged header cell expands into it) and carries no
 * data of its own: every non-blank cell equals the cell above or is a vocabulary label.
 */
const isHeaderContinuation = (
  above: ReadonlyArray<Cell> | undefined,
  row: ReadonlyArray<Cell> | undefined,
  matches: ReadonlyArray<CellMatch | null> | undefined
): boolean => {
  if (above === undefined || row === undefined || matches === undefined) return false
  let repeated = 0
  for (let c = 0; c < row.length; c++) {
    const cell = row[c]
    if (isBlankCell(cell)) continue
    const same = !isBlankCell(above[c]) && cellText(above[c]) === cellText(cell)
    if (same) repeated++
    else if (matches[c] === null || matches[c] === undefined) return false
  }
  return repeated > 0
}

/**
 * Scans the first rows for the header: each row alone and each pair of consecutive rows, scored
 * by the number of vocabulary fields recognised. Needs Họ và tên plus one other field. Ties
 * prefer a single row, then the earlier row. Null when no row qualifies.
 */
export const findHeader = (rows: ReadonlyArray<ReadonlyArray<Cell>>): HeaderMap | null => {
  const n = Math.min(rows.length, MAX_SCAN_ROWS)
  // Matched lazily: the scan stops a few rows after the first usable header, so data rows (most of
  // a small file) are not fuzzy-matched against the vocabulary; that was 40% of extraction time.
  const matches: Array<ReadonlyArray<CellMatch | null>> = []
  const matchRow = (r: number): ReadonlyArray<CellMatch | null> => (matches[r] ??= rows[r]!.map(matchHeaderCell))
  let firstFound = -1
  let best: { cand: Candidate; first: number; last: number } | null = null
  const consider = (cand: Candidate, first: number, last: number) => {
    if (!usable(cand)) return
    const current: { cand: Candidate; first: number; last: number } | null = best
    const better =
      current === null ||
      cand.score > current.cand.score ||
      // A title row paired with the real header scores the same as the header alone.
      (cand.score === current.cand.score && first === last && current.first !== current.last)
    if (better) best = { cand, first, last }
    if (firstFound < 0) firstFound = first
  }
  for (let r = 0; r < n; r++) {
    // A better header than the first usable one is at most a row or two below it (a two-row header).
    if (firstFound >= 0 && r > firstFound + 2) break
    consider(singleRow(matchRow(r)), r, r)
    if (r + 1 < n) {
      const pair = pairRows(matchRow(r), matchRow(r + 1))
      const nameCol = pair.columns.name?.col
      // A data row under a header is not a header row: its name cell holds a person's name.
      const bottomName = nameCol === undefined ? undefined : rows[r + 1]![nameCol]
      const nameOk =
        nameCol !== undefined &&
        (isBlankCell(bottomName) ||
          cellText(bottomName) === cellText(rows[r]![nameCol]) ||
          matchRow(r + 1)[nameCol] != null)
      if (nameOk) consider(pair, r, r + 1)
    }
  }
  if (best === null) return null
  const chosen: { cand: Candidate; first: number; last: number } = best
  let last = chosen.last
  while (last + 1 < n && isHeaderContinuation(rows[last], rows[last + 1], matchRow(last + 1))) last++
  let firstDataRow = last + 1
  if (isColumnIndexRow(rows[firstDataRow])) firstDataRow++
  return {
    columns: chosen.cand.columns,
    birthBySex: chosen.cand.birthBySex,
    firstHeaderRow: chosen.first,
    lastHeaderRow: last,
    firstDataRow,
    score: chosen.cand.score
  }
}
