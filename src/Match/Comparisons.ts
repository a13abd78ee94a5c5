/**
 * The comparison library (in the manner of Splink's comparison_library.py): a pipeline declares
 * each comparison as a value — the field it reads, its levels in order, each level's condition and
 * declared log2 weight — and src/Match/Compare.ts compiles the list into integer level codes for
 * the pairwise loop. Adding, removing or re-levelling a comparison is a change to the pipeline
 * only. Levels are tried in order; the first whose condition holds is the pair's level (Splink's
 * CASE WHEN). A pair with a value missing on either side gets no level and weighs nothing.
 *
 * Pure data; Vietnamese labels are what `recon explain` and the review workbook print.
 */

/** Fields a comparison may read (names folded where a condition says so). */
export type StringField = "name" | "family" | "middle" | "given" | "hometown"
export type DateField = "birth" | "admitted"
export type IdField = "cccd" | "cardNo"
export type Field = StringField | DateField | IdField | "sex"

/** Conditions of a level: what must hold between the two values. */
export type When =
  /** Strings: equal with diacritics (lowercase, canonical tones); dates: equal at the same precision; ids, sex: equal. */
  | { readonly is: "exact" }
  /** Strings: equal once diacritics and case are folded away. */
  | { readonly is: "folded" }
  /** Name parts: equal up to Hoàng/Huỳnh, Vũ/Võ, a final i/y (domain.md §6.1). */
  | { readonly is: "variant" }
  /** family / given: the two are written the other way round (given first). */
  | { readonly is: "crossed" }
  /**
   * family / given: written the other way round with a typo: one part equal to the other record's
   * opposite part, the other one edit (substitution, insertion, deletion, adjacent swap) from it;
   * an edit only in words of four letters or more (Lê/Lý are two names).
   */
  | { readonly is: "crossedEdit" }
  /** Strings: one side empty, the other not (a middle name dropped). */
  | { readonly is: "oneEmpty" }
  /** Name parts: the whole names are the same letters, spaced otherwise ("Hayd En" / "Hayden"). */
  | { readonly is: "sameLetters" }
  /** Places ("commune, district, province"): one is the other's last parts (only the province written), or both end in the same part. */
  | { readonly is: "coarser" }
  | { readonly is: "sameRegion" }
  /** Full name: same family and given name, another or no middle name. */
  | { readonly is: "familyAndGiven" }
  /** Full name: the given name of one is the given name of the other (name in use, family name typed wrong). */
  | { readonly is: "givenOnly" }
  /** Strings (folded): Jaro-Winkler similarity at least `min`. */
  | { readonly is: "jaroWinkler"; readonly min: number }
  /** Strings (folded), ids: one substitution, insertion or deletion. */
  | { readonly is: "oneEdit" }
  /** Strings (folded), ids, full dates as yyyymmdd: two adjacent characters swapped. */
  | { readonly is: "transposition" }
  /** Full dates: one digit of yyyymmdd wrong. */
  | { readonly is: "oneDigit" }
  /** Full dates: day and month exchanged. */
  | { readonly is: "dayMonthSwapped" }
  /** Dates: same year, one side known only to the year (or the month). */
  | { readonly is: "yearOnly" }
  /** Full dates at most this many days apart. */
  | { readonly is: "daysWithin"; readonly days: number }
  | { readonly is: "sameMonthYear" }
  | { readonly is: "sameYear" }
  | { readonly is: "yearsWithin"; readonly years: number }
  /** Anything else (every comparison ends with it). */
  | { readonly is: "else" }

export interface Level {
  /** Identifier of the level (run reports, explain). */
  readonly name: string
  readonly when: When
  /** Declared log2 Bayes factor: used as is on small data, EM's starting point on larger. */
  readonly weight: number
  /** Adjust by the frequency of the central record's value (Splink's term-frequency adjustment). */
  readonly tf?: boolean
  /** Vietnamese wording ("tên trùng khớp"). */
  readonly label: string
}

export interface ComparisonDecl {
  readonly name: string
  readonly field: Field
  /** Vietnamese name of the criterion ("Tên", "Ngày sinh"). */
  readonly label: string
  readonly levels: ReadonlyArray<Level>
}

/** "Số CCCD" → "số CCCD" (a label inside a sentence). */
export const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1)

/** Weights by level name; omitted levels are left out of the comparison. */
type Weights<K extends string> = Partial<Readonly<Record<K, number>>>

const pick = <K extends string>(
  weights: Weights<K>,
  all: ReadonlyArray<readonly [K, When, string, boolean?]>
): Array<Level> => {
  const out: Array<Level> = []
  for (const [name, when, label, tf] of all) {
    const w = weights[name]
    if (w === undefined) continue
    out.push(tf ? { name, when, weight: w, tf: true, label } : { name, when, weight: w, label })
  }
  return out
}

const requireElse = (c: ComparisonDecl): ComparisonDecl => {
  if (c.levels.length === 0 || c.levels[c.levels.length - 1]!.when.is !== "else") {
    throw new Error(`comparison "${c.name}": the last level must be "else"`)
  }
  return c
}

/** Two values agree or not (sex). */
export const exact = (
  field: Field,
  o: { readonly name?: string; readonly label: string; readonly agree: number; readonly disagree: number; readonly labels?: readonly [string, string] }
): ComparisonDecl =>
  requireElse({
    name: o.name ?? field,
    field,
    label: o.label,
    levels: [
      { name: "exact", when: { is: "exact" }, weight: o.agree, label: o.labels?.[0] ?? `cùng ${lowerFirst(o.label)}` },
      { name: "else", when: { is: "else" }, weight: o.disagree, label: o.labels?.[1] ?? `khác ${lowerFirst(o.label)}` }
    ]
  })

/** A string compared exactly, then folded, then by Jaro-Winkler thresholds (highest first). */
export const jaroWinklerLevels = (
  field: StringField,
  o: {
    readonly name?: string
    readonly label: string
    readonly exact?: number
    readonly folded?: number
    readonly thresholds: ReadonlyArray<readonly [number, number]>
    readonly else: number
    readonly termFrequency?: boolean
  }
): ComparisonDecl => {
  const what = lowerFirst(o.label)
  const levels: Array<Level> = []
  if (o.exact !== undefined) levels.push({ name: "exact", when: { is: "exact" }, weight: o.exact, label: `${what} trùng khớp`, ...(o.termFrequency ? { tf: true } : {}) })
  if (o.folded !== undefined) levels.push({ name: "folded", when: { is: "folded" }, weight: o.folded, label: `${what} trùng khi bỏ dấu`, ...(o.termFrequency ? { tf: true } : {}) })
  for (const [min, weight] of o.thresholds) {
    levels.push({ name: `jw${Math.round(min * 100)}`, when: { is: "jaroWinkler", min }, weight, label: `${what} gần giống (Jaro-Winkler ≥ ${min.toString().replace(".", ",")})` })
  }
  levels.push({ name: "else", when: { is: "else" }, weight: o.else, label: `${what} khác` })
  return requireElse({ name: o.name ?? field, field, label: o.label, levels })
}

export type PlaceLevel = "exact" | "oneEdit" | "transposition" | "sameLetters" | "coarser" | "jw90" | "sameRegion" | "else"

/**
 * A place written as "commune, district, province" (Quê quán): exact, a typo, one written only to
 * a coarser level ("Nam Định" for "Hải Vân, Hải Hậu, Nam Định"), same province, else.
 */
export const placeLevels = (field: "hometown", o: { readonly name?: string; readonly label: string; readonly weights: Weights<PlaceLevel> }): ComparisonDecl => {
  const what = lowerFirst(o.label)
  return requireElse({
    name: o.name ?? field,
    field,
    label: o.label,
    levels: pick(o.weights, [
      ["exact", { is: "exact" }, `cùng ${what}`],
      ["oneEdit", { is: "oneEdit" }, `${what} sai một ký tự`],
      ["transposition", { is: "transposition" }, `${what} đảo hai ký tự liền nhau`],
      ["sameLetters", { is: "sameLetters" }, `${what} cùng các chữ cái, khác chỗ cách`],
      ["coarser", { is: "coarser" }, `một bên chỉ ghi cấp trên của ${what}`],
      ["jw90", { is: "jaroWinkler", min: 0.9 }, `${what} gần giống (sai vài ký tự)`],
      ["sameRegion", { is: "sameRegion" }, `${what} cùng tỉnh, khác nơi`],
      ["else", { is: "else" }, `khác ${what}`]
    ])
  })
}

export type NamePart = "family" | "middle" | "given"

const PART_LABEL: Readonly<Record<NamePart, string>> = { family: "Họ", middle: "Tên đệm", given: "Tên" }

export type NamePartLevel = "exact" | "folded" | "variant" | "crossed" | "crossedEdit" | "sameLetters" | "oneEmpty" | "oneEdit" | "transposition" | "jw90" | "jw80" | "else"

/**
 * One part of a name (family, middle or given), with its own term frequencies: "Nguyễn" agreeing
 * says little, a rare given name much. Levels come from the weights given. A one-word name may be
 * either part: family and given then weigh only when the word agrees with that part (else the
 * other part is taken as missing, no evidence either way).
 */
export const namePart = (part: NamePart, weights: Weights<NamePartLevel>, o: { readonly termFrequency?: boolean } = {}): ComparisonDecl => {
  const p = lowerFirst(PART_LABEL[part])
  const tf = o.termFrequency ?? true
  return requireElse({
    name: part,
    field: part,
    label: PART_LABEL[part],
    levels: pick(weights, [
      ["exact", { is: "exact" }, `${p} trùng khớp`, tf],
      ["folded", { is: "folded" }, `${p} trùng khi bỏ dấu`, tf],
      ["variant", { is: "variant" }, `${p} chỉ khác cách viết (Hoàng/Huỳnh, Vũ/Võ, i/y)`],
      ["crossed", { is: "crossed" }, `họ và tên viết đảo chỗ`],
      ["sameLetters", { is: "sameLetters" }, `họ tên cùng các chữ cái, khác chỗ cách`],
      ["oneEmpty", { is: "oneEmpty" }, `một bên không ghi ${p}`],
      ["oneEdit", { is: "oneEdit" }, `${p} sai một ký tự`],
      ["transposition", { is: "transposition" }, `${p} đảo hai ký tự liền nhau`],
      // After the part's own typo levels: tried only for pairs whose parts do not nearly agree.
      ["crossedEdit", { is: "crossedEdit" }, `họ và tên viết đảo chỗ, sai một ký tự`],
      ["jw90", { is: "jaroWinkler", min: 0.9 }, `${p} gần giống`],
      ["jw80", { is: "jaroWinkler", min: 0.8 }, `${p} hơi giống`],
      ["else", { is: "else" }, `${p} khác`]
    ])
  })
}

export type DateLevel =
  | "exact"
  | "dayMonthSwapped"
  | "yearOnly"
  | "oneDigit"
  | "transposition"
  | "daysWithin"
  | "sameMonthYear"
  | "sameYear"
  | "yearsWithin"
  | "else"

/** A date: exact, day/month swapped, year only, a digit wrong, within some days, same month, year, years apart. */
export const dateLevels = (
  field: DateField,
  o: { readonly name?: string; readonly label: string; readonly weights: Weights<DateLevel>; readonly days?: number; readonly years?: number }
): ComparisonDecl => {
  const what = lowerFirst(o.label)
  const days = o.days ?? 44
  const years = o.years ?? 1
  return requireElse({
    name: o.name ?? field,
    field,
    label: o.label,
    levels: pick(o.weights, [
      ["exact", { is: "exact" }, `${what} trùng`],
      ["dayMonthSwapped", { is: "dayMonthSwapped" }, `${what} đảo ngày và tháng`],
      ["yearOnly", { is: "yearOnly" }, `cùng năm (một bên chỉ ghi năm)`],
      ["oneDigit", { is: "oneDigit" }, `${what} sai một chữ số`],
      ["transposition", { is: "transposition" }, `${what} đảo hai chữ số liền nhau`],
      ["daysWithin", { is: "daysWithin", days }, `${what} lệch không quá ${days} ngày`],
      ["sameMonthYear", { is: "sameMonthYear" }, `cùng tháng, năm nhưng khác ngày`],
      ["sameYear", { is: "sameYear" }, `cùng năm nhưng khác ngày, tháng`],
      ["yearsWithin", { is: "yearsWithin", years }, `năm lệch không quá ${years} năm`],
      ["else", { is: "else" }, `${what} khác`]
    ])
  })
}

export type IdLevel = "exact" | "oneEdit" | "transposition" | "else"

/**
 * An identifier: exact, one substitution/insertion/deletion, two adjacent digits swapped, else.
 * A different number is evidence against: its m is small (cards are reissued, rarely mistyped
 * in more than one digit), so "else" weighs strongly negative once estimated.
 */
export const idLevels = (field: IdField, o: { readonly name?: string; readonly label: string; readonly weights: Weights<IdLevel> }): ComparisonDecl => {
  const what = lowerFirst(o.label)
  return requireElse({
    name: o.name ?? field,
    field,
    label: o.label,
    levels: pick(o.weights, [
      ["exact", { is: "exact" }, `${what} trùng`],
      ["oneEdit", { is: "oneEdit" }, `${what} lệch một chữ số`],
      ["transposition", { is: "transposition" }, `${what} đảo hai chữ số liền nhau`],
      ["else", { is: "else" }, `${what} khác`]
    ])
  })
}

/** A comparison with its levels re-weighted (a pipeline adjusting another's declaration). */
export const reweight = (c: ComparisonDecl, weights: Readonly<Record<string, number>>): ComparisonDecl => ({
  ...c,
  levels: c.levels.map((l) => (weights[l.name] === undefined ? l : { ...l, weight: weights[l.name]! }))
})
