/**
 * Compiles declared comparisons (src/Match/Comparisons.ts) against two sides into one function
 * (i, j) → integer code: each comparison's level (+1, 0 = a value missing) in a mixed radix. The
 * conditions become closures over the sides' typed arrays once per side pair, so the pairwise loop
 * compares integers and calls Jaro-Winkler or the edit test at most once per comparison and pair.
 */
import type { ComparisonDecl, DateField, IdField, StringField, When } from "./Comparisons.js"
import type { DateColumn, IdColumn, Side, StringColumn } from "./Side.js"
import { NONE, NO_DAY, PACKED_WIDTH, packSide } from "./Side.js"
import { PairMemo } from "./PairMemo.js"
import { dateDigitsEditKind, digitsEditKind, editKind, jaroWinkler } from "./Similarity.js"

/** How codes are laid out: per comparison its radix (levels + 1) and stride; the number of codes. */
export interface Layout {
  readonly radix: ReadonlyArray<number>
  readonly stride: ReadonlyArray<number>
  readonly space: number
}

/** Codes must fit an Int32Array; beyond, the declaration has too many comparisons or levels. */
const MAX_SPACE = 2 ** 31 - 1

export const layoutOf = (cs: ReadonlyArray<ComparisonDecl>): Layout => {
  const radix = cs.map((c) => c.levels.length + 1)
  const stride: Array<number> = []
  let space = 1
  for (const r of radix) {
    stride.push(space)
    space *= r
  }
  if (space > MAX_SPACE) throw new Error(`the declared comparisons have ${space} level combinations, more than a 32-bit code holds: remove levels or comparisons`)
  return { radix, stride, space }
}

/** Level index (0-based) of comparison k in a code, or -1 when a value was missing. */
export const levelOf = (layout: Layout, code: number, k: number): number => (Math.floor(code / layout.stride[k]!) % layout.radix[k]!) - 1

type Pred = (i: number, j: number) => boolean
type LevelFn = (i: number, j: number) => number

// Per pair and comparison, computed at most once (the pairwise loop is single-threaded).
// The Jaro-Winkler value lives in a typed slot: a double assigned to a module variable is boxed
// (a heap number per pair and comparison, measured as garbage-collector time).
const jwSlot = new Float64Array(1)
let jwKnown = false
let editMemo = -1

const STRING_FIELDS: ReadonlySet<string> = new Set(["name", "family", "middle", "given", "hometown"])
const DATE_FIELDS: ReadonlySet<string> = new Set(["birth", "admitted"])

const unsupported = (c: ComparisonDecl, w: When): never => {
  throw new Error(`comparison "${c.name}" on field ${c.field}: condition "${w.is}" does not apply to this field`)
}

/**
 * Jaro-Winkler and the edit kind of two folded strings, once per distinct pair of values (keyed by
 * their interned ids): measured at 100k members, the string work per candidate pair was most of
 * the compare phase, and the pairs share few distinct values (family, middle, given names, places).
 */
interface StringMemos {
  readonly jw: PairMemo
  readonly edit: PairMemo
  /** Edit kind of a family name against a given name (crossedEdit). */
  readonly cross: PairMemo
}

/** No memo (one pair compared: explain, tests). */
const direct = (i: number, j: number, A: StringColumn, B: StringColumn, f: (a: string, b: string) => number, F: number): number =>
  f(A.text[(i / F) | 0]!, B.text[(j / F) | 0]!)

/*
 * Predicates index typed columns by i·F and j·F: on packed sides (packSide) every typed column is
 * a view into one interleaved array of F values per record, so one pair reads a record's values
 * from one or two cache lines instead of ~30 arrays. Strings and identifier digits are read by the
 * record's own index (i / F), only when a memo misses or numbers differ. F = 1 on plain sides.
 */
const stringPred = (c: ComparisonDecl, w: When, a: Side, b: Side, memos: StringMemos | null, F: number): Pred => {
  const A: StringColumn = a[c.field as StringField]
  const B: StringColumn = b[c.field as StringField]
  const jw = memos === null ? (i: number, j: number): number => direct(i, j, A, B, jaroWinkler, F) : (i: number, j: number): number => {
    const x = A.folded[i]!
    const y = B.folded[j]!
    const v = memos.jw.lookup(x, y)
    return v === v ? v : memos.jw.store(x, y, jaroWinkler(A.text[(i / F) | 0]!, B.text[(j / F) | 0]!))
  }
  const edit = memos === null ? (i: number, j: number): number => direct(i, j, A, B, editKind, F) : (i: number, j: number): number => {
    const x = A.folded[i]!
    const y = B.folded[j]!
    const v = memos.edit.lookup(x, y)
    return v === v ? v : memos.edit.store(x, y, editKind(A.text[(i / F) | 0]!, B.text[(j / F) | 0]!))
  }
  // The edit kind of a's value x (text s) against b's value y (text t), once per distinct pair. A
  // word of three letters or fewer changed by one letter is another name (Lê/Lý, Hà/Hồ), not a typo.
  const crossEdit = (s: string, t: string): number => {
    const k = editKind(s, t)
    return k === 0 || (s.length >= 4 && t.length >= 4) ? k : 3
  }
  const crossKind = (x: number, y: number, s: string, t: string): number => {
    if (x === y) return 0
    if (memos === null) return crossEdit(s, t)
    const v = memos.cross.lookup(x, y)
    return v === v ? v : memos.cross.store(x, y, crossEdit(s, t))
  }
  switch (w.is) {
    case "exact":
      return (i, j) => A.key[i] === B.key[j]
    case "folded":
      return (i, j) => A.folded[i] === B.folded[j]
    case "variant":
      return (i, j) => A.variant[i] === B.variant[j]
    case "crossed":
      return (i, j) => a.family.folded[i] === b.given.folded[j] && a.given.folded[i] === b.family.folded[j]
    case "crossedEdit":
      // One of a's family and given name equal to b's given or family name, the other within one
      // edit of b's other part (both equal: "crossed"). Two integer tests settle almost every pair;
      // the edit test runs only when one part crosses exactly.
      return (i, j) => {
        const ff = a.family.folded[i]!
        const gg = a.given.folded[i]!
        const bf = b.family.folded[j]!
        const bg = b.given.folded[j]!
        if (ff === bg) return gg !== bf && crossKind(gg, bf, a.given.text[(i / F) | 0]!, b.family.text[(j / F) | 0]!) <= 2
        if (gg === bf) return crossKind(ff, bg, a.family.text[(i / F) | 0]!, b.given.text[(j / F) | 0]!) <= 2
        return false
      }
    case "oneEmpty":
      return (i, j) => A.empty[i] !== B.empty[j]
    case "sameLetters":
      return c.field === "hometown" ? (i, j) => a.hometownLetters[i] === b.hometownLetters[j] : (i, j) => a.lettersId[i] === b.lettersId[j]
    case "coarser":
      // "nsw" against "beachmere, nsw": the one without a comma is the other's last part.
      return (i, j) =>
        (a.hometownRegion[i] === NONE && b.hometownRegion[j] === A.folded[i]) || (b.hometownRegion[j] === NONE && a.hometownRegion[i] === B.folded[j])
    case "sameRegion":
      return (i, j) => a.hometownRegion[i] !== NONE && a.hometownRegion[i] === b.hometownRegion[j]
    case "familyAndGiven":
      return (i, j) => a.family.variant[i] === b.family.variant[j] && a.given.variant[i] === b.given.variant[j]
    case "givenOnly":
      return (i, j) => a.given.variant[i] === b.given.variant[j]
    case "jaroWinkler": {
      const min = w.min
      return (i, j) => {
        if (!jwKnown) {
          jwSlot[0] = jw(i, j)
          jwKnown = true
        }
        return jwSlot[0]! >= min
      }
    }
    case "oneEdit":
      return (i, j) => (editMemo < 0 ? (editMemo = edit(i, j)) : editMemo) === 1
    case "transposition":
      return (i, j) => (editMemo < 0 ? (editMemo = edit(i, j)) : editMemo) === 2
    case "else":
      return () => true
    default:
      return unsupported(c, w)
  }
}

const datePred = (c: ComparisonDecl, w: When, a: Side, b: Side): Pred => {
  const A: DateColumn = a[c.field as DateField]
  const B: DateColumn = b[c.field as DateField]
  const full = (i: number, j: number) => A.d[i] !== 0 && B.d[j] !== 0
  const digits = (i: number, j: number) =>
    editMemo < 0 ? (editMemo = dateDigitsEditKind(A.y[i]!, A.m[i]!, A.d[i]!, B.y[j]!, B.m[j]!, B.d[j]!)) : editMemo
  switch (w.is) {
    case "exact":
      return (i, j) => A.m[i] !== 0 && A.y[i] === B.y[j] && A.m[i] === B.m[j] && A.d[i] === B.d[j]
    case "dayMonthSwapped":
      return (i, j) => full(i, j) && A.y[i] === B.y[j] && A.d[i] === B.m[j] && A.m[i] === B.d[j] && A.d[i] !== A.m[i]
    case "yearOnly":
      return (i, j) =>
        A.y[i] === B.y[j] && (A.m[i] === 0 || B.m[j] === 0 || ((A.d[i] === 0 || B.d[j] === 0) && A.m[i] === B.m[j]))
    case "oneDigit":
      return (i, j) => full(i, j) && digits(i, j) === 1
    case "transposition":
      return (i, j) => full(i, j) && digits(i, j) === 2
    case "daysWithin": {
      const n = w.days
      return (i, j) => A.day[i] !== NO_DAY && B.day[j] !== NO_DAY && Math.abs(A.day[i]! - B.day[j]!) <= n
    }
    case "sameMonthYear":
      return (i, j) => A.y[i] === B.y[j] && A.m[i] !== 0 && A.m[i] === B.m[j]
    case "sameYear":
      return (i, j) => A.y[i] === B.y[j]
    case "yearsWithin": {
      const n = w.years
      return (i, j) => Math.abs(A.y[i]! - B.y[j]!) <= n
    }
    case "else":
      return () => true
    default:
      return unsupported(c, w)
  }
}

const idPred = (c: ComparisonDecl, w: When, a: Side, b: Side, F: number): Pred => {
  const A: IdColumn = a[c.field as IdField]
  const B: IdColumn = b[c.field as IdField]
  const kindOf = (i: number, j: number): number => {
    const la = A.length[i]!
    const lb = B.length[j]!
    // Lengths two or more apart: more than one edit. Same length, all digits: from the numbers.
    if (la - lb > 1 || lb - la > 1) return 3
    const x = (i / F) | 0
    const y = (j / F) | 0
    const da = A.digits[x]!
    const db = B.digits[y]!
    if (la === lb && da === da && db === db) return digitsEditKind(da, db, la)
    return editKind(A.text[x]!, B.text[y]!)
  }
  const kind = (i: number, j: number) => (editMemo < 0 ? (editMemo = kindOf(i, j)) : editMemo)
  switch (w.is) {
    case "exact":
      return (i, j) => A.id[i] === B.id[j]
    case "oneEdit":
      return (i, j) => kind(i, j) === 1
    case "transposition":
      return (i, j) => kind(i, j) === 2
    case "else":
      return () => true
    default:
      return unsupported(c, w)
  }
}

const sexPred = (c: ComparisonDecl, w: When, a: Side, b: Side): Pred => {
  if (w.is === "exact") return (i, j) => a.sex[i] === b.sex[j]
  if (w.is === "else") return () => true
  return unsupported(c, w)
}

/** When a comparison has no evidence: a value missing on either side. */
const presence = (c: ComparisonDecl, a: Side, b: Side): Pred => {
  if (STRING_FIELDS.has(c.field)) {
    const A: StringColumn = a[c.field as StringField]
    const B: StringColumn = b[c.field as StringField]
    return (i, j) => A.folded[i] !== NONE && B.folded[j] !== NONE
  }
  if (DATE_FIELDS.has(c.field)) {
    const A: DateColumn = a[c.field as DateField]
    const B: DateColumn = b[c.field as DateField]
    return (i, j) => A.y[i] !== 0 && B.y[j] !== 0
  }
  if (c.field === "sex") return (i, j) => a.sex[i] !== 0 && b.sex[j] !== 0
  const A: IdColumn = a[c.field as IdField]
  const B: IdColumn = b[c.field as IdField]
  // A 9-digit CMND and a 12-digit CCCD are different documents of one person: no evidence either way.
  if (c.field === "cccd") return (i, j) => A.id[i] !== NONE && B.id[j] !== NONE && a.cccdLong[i] === b.cccdLong[j]
  return (i, j) => A.id[i] !== NONE && B.id[j] !== NONE
}

const predicate = (c: ComparisonDecl, w: When, a: Side, b: Side, memos: StringMemos | null, F: number): Pred =>
  STRING_FIELDS.has(c.field)
    ? stringPred(c, w, a, b, memos, F)
    : DATE_FIELDS.has(c.field)
      ? datePred(c, w, a, b)
      : c.field === "sex"
        ? sexPred(c, w, a, b)
        : idPred(c, w, a, b, F)

/** Comparison c of a[i / F] and b[j / F] (F: values per record of packed sides, 1 on plain ones). */
const compileOne = (c: ComparisonDecl, a: Side, b: Side, memo = true, F = 1): LevelFn => {
  const present = presence(c, a, b)
  const memos: StringMemos | null = memo && STRING_FIELDS.has(c.field) ? { jw: new PairMemo(64), edit: new PairMemo(64), cross: new PairMemo(64) } : null
  const preds = c.levels.map((l) => predicate(c, l.when, a, b, memos, F))
  const last = preds.length - 1
  // A one-word name ("Lombardi", given name missing): family and given weigh only when they agree.
  const agreeing = c.levels.map((l) => l.when.is === "exact" || l.when.is === "folded" || l.when.is === "variant" || l.when.is === "sameLetters")
  const partOfName = c.field === "family" || c.field === "given"
  return (i, j) => {
    if (!present(i, j)) return -1
    jwKnown = false
    editMemo = -1
    if (partOfName && (a.oneWord[i] === 1 || b.oneWord[j] === 1)) {
      for (let l = 0; l < last; l++) if (agreeing[l] && preds[l]!(i, j)) return l
      return -1
    }
    for (let l = 0; l < last; l++) if (preds[l]!(i, j)) return l
    return last
  }
}

/** The comparison-vector code of (a[i], b[j]) under the declared comparisons. */
export type Coder = (i: number, j: number) => number

export const compileCoder = (cs: ReadonlyArray<ComparisonDecl>, layout: Layout, a: Side, b: Side): Coder => {
  const pa = packSide(a)
  const pb = packSide(b)
  const F = PACKED_WIDTH
  const fns = cs.map((c) => compileOne(c, pa, pb, true, F))
  const stride = layout.stride
  const k = fns.length
  return (i, j) => {
    const x = i * F
    const y = j * F
    let code = 0
    for (let c = 0; c < k; c++) code += (fns[c]!(x, y) + 1) * stride[c]!
    return code
  }
}

/** The level of each comparison for one pair (explain, tests): -1 where a value is missing. */
export const levelsOfPair = (cs: ReadonlyArray<ComparisonDecl>, a: Side, i: number, b: Side, j: number): Array<number> =>
  cs.map((c) => compileOne(c, a, b, false)(i, j))
