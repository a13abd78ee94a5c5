/**
 * The province generator's error model: what the clerk of each cell does to the rows and the
 * file names, drawn independently per file from ranges (not fixed rates), so no matcher can be
 * tuned to one rate. A "clerk" is one file's habits: how often they mistype, drop diacritics, leave
 * an ID blank, write a year for a birth date, swap day and month, put two or three errors on one
 * record, or type a value that cannot be read (31/02/1980); and how they name the file.
 *
 * Every error applied to a row is recorded by name in the row's `noise`; every field typed so that
 * it cannot be read is recorded in `unreadable`, with the text written in `raw`. truth.json carries
 * both, so an evaluation can tell a matcher's miss from an impossible row.
 */
import type { Sex } from "../../src/Domain.js"
import {
  addWorkingDays,
  fold,
  fullName,
  type Member,
  type PDate,
  type Rng,
  upper,
  type Ymd
} from "./Commune.js"

// ---------------------------------------------------------------------------
// Ranges

export type Range = readonly [number, number]

/**
 * Per-file probabilities per row, each drawn uniformly from its range for every file (domain.md
 * §6.4). Skewed ranges (most clerks careful, a few not) are drawn as lo + (hi − lo)·u².
 */
export const ERROR_RANGES = {
  /** One letter doubled or dropped in the family or given name. */
  typo: [0.003, 0.035],
  /** The whole name typed without diacritics (skewed: a few clerks type everything so). */
  dropDiacritics: [0, 0.2],
  /** "Hoà" for "Hòa" (§5.3). */
  newTonePlacement: [0.05, 0.6],
  /** Quý/Quí, Lý/Lí. */
  iy: [0.2, 0.8],
  /** Hoàng/Huỳnh, Vũ/Võ. */
  regionalSurname: [0, 0.1],
  missingSpace: [0, 0.012],
  /** The name in use for the birth name (§1.1). */
  nameInUse: [0.001, 0.006],
  /** "Nguyễn Nga" for "Nguyễn Thị Nga" (§6.2: the middle name is often dropped). */
  dropMiddle: [0, 0.02],
  missingCccd: [0.02, 0.15],
  missingCard: [0.01, 0.1],
  /** Members born before 1950 written with the year only. */
  yearOnlyOld: [0.1, 0.5],
  /** One digit of the day or month mistyped (still a valid date). */
  birthTypo: [0, 0.01],
  /** Day and month swapped (locale, typing). */
  swapDayMonth: [0, 0.012],
  /** Ngày vào Đảng as the ceremony, not the decision date (up to 30 working days later, §1.2). */
  admittedShift: [0.02, 0.1],
  /** Rows that get two or three errors at once, on top of the above. */
  combined: [0.005, 0.04],
  /** Rows with one field typed so that it cannot be read (31/02/1980, a 10-digit CCCD, "Nan"). */
  badField: [0, 0.015]
} as const satisfies Record<string, Range>

export type ErrorRate = keyof typeof ERROR_RANGES
const SKEWED: ReadonlySet<ErrorRate> = new Set(["dropDiacritics", "badField", "swapDayMonth", "birthTypo", "dropMiddle"])

/**
 * Province-wide habits, drawn once per seed from these ranges: how many files lost their title rows,
 * how many CSV files carry a "Mã chi bộ" column, how many files are all in capitals.
 */
export const PROVINCE_RANGES = {
  noTitle: [0.02, 0.15],
  csvCodeColumn: [0.3, 0.9],
  capitalsFile: [0.05, 0.15]
} as const satisfies Record<string, Range>

export type ProvinceHabits = { readonly [K in keyof typeof PROVINCE_RANGES]: number }

export const draw = (rng: Rng, [lo, hi]: Range, skewed = false): number => {
  const u = rng.next()
  return lo + (hi - lo) * (skewed ? u * u : u)
}

export type Clerk = { readonly [K in ErrorRate]: number }

export const drawClerk = (rng: Rng): Clerk =>
  Object.fromEntries((Object.keys(ERROR_RANGES) as Array<ErrorRate>).map((k) => [k, draw(rng, ERROR_RANGES[k], SKEWED.has(k))])) as Clerk

export const drawProvinceHabits = (rng: Rng): ProvinceHabits =>
  Object.fromEntries(Object.entries(PROVINCE_RANGES).map(([k, r]) => [k, draw(rng, r)])) as ProvinceHabits

// ---------------------------------------------------------------------------
// Rows

/** Fields a clerk can type so that they cannot be read. */
export type UnreadableField = "birth" | "cccd" | "cardNo" | "sex" | "admitted"

/** A roster row as written. `row` is the 1-based sheet row (CSV: line, header = 1). */
export interface ProvinceRow {
  readonly memberId: string | null
  readonly name: string
  readonly birth: PDate
  readonly zeroDayMonth: boolean
  readonly sex: Sex
  readonly hometown: string
  readonly cccd: string | null
  readonly cardNo: string | null
  readonly admitted: Ymd
  readonly official: Ymd | null
  readonly note: string
  /** The realistic errors applied to this row (for reading evaluation misses). */
  readonly noise: ReadonlyArray<string>
  /** Fields typed so that they cannot be read; `raw` holds the text written instead. */
  readonly unreadable: ReadonlyArray<UnreadableField>
  readonly raw: Readonly<Partial<Record<UnreadableField, string>>>
  row: number
  tag?: string
}

/** The row while errors go in. */
interface Draft {
  family: string
  middle: string
  given: string
  /** Set once the name is joined (tone placement, diacritics and spaces act on the whole). */
  name: string | null
  birth: PDate
  cccd: string | null
  cardNo: string | null
  admitted: Ymd
  noise: Array<string>
}

const stripMarks = (s: string): string =>
  s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC")

/** New-style tone placement on open syllables: "Hòa" → "Hoà", "Thủy" → "Thuỷ" (§5.3). */
const NEW_TONE: ReadonlyArray<readonly [RegExp, string]> = [
  [/òa(?=\s|$)/g, "oà"], [/óa(?=\s|$)/g, "oá"], [/ỏa(?=\s|$)/g, "oả"], [/õa(?=\s|$)/g, "oã"], [/ọa(?=\s|$)/g, "oạ"],
  [/ùy(?=\s|$)/g, "uỳ"], [/úy(?=\s|$)/g, "uý"], [/ủy(?=\s|$)/g, "uỷ"], [/ũy(?=\s|$)/g, "uỹ"], [/ụy(?=\s|$)/g, "uỵ"],
  [/òe(?=\s|$)/g, "oè"], [/óe(?=\s|$)/g, "oé"], [/ỏe(?=\s|$)/g, "oẻ"]
]
const newTone = (s: string): string => NEW_TONE.reduce((t, [re, to]) => t.replace(re, to), s)

/** i/y spellings: Quý/Quí, Lý/Lí, Mỹ/Mĩ, Kỳ/Kì. */
const IY: Record<string, string> = { y: "i", ý: "í", ỳ: "ì", ỷ: "ỉ", ỹ: "ĩ", ỵ: "ị" }
const iyVariant = (token: string): string => {
  const m = /^(Qu|L|M|K|T|V)([yýỳỷỹỵ])$/.exec(token)
  return m === null ? token : m[1]! + IY[m[2]!]!
}

/** Clerks from the other region write the other form of the same surname (§6.1). */
const REGIONAL: Record<string, string> = { Hoàng: "Huỳnh", Huỳnh: "Hoàng", Vũ: "Võ", Võ: "Vũ" }

export const typo = (rng: Rng, token: string): string => {
  if (token.length < 3) return token
  const i = rng.int(1, token.length - 1)
  return rng.chance(0.5) ? token.slice(0, i) + token[i] + token.slice(i) : token.slice(0, i) + token.slice(i + 1)
}

const joined = (d: Draft): string => d.name ?? fullName(d)

/**
 * One error: applies it when it can (a member born after 1950 gets no year-only date, a name without
 * a middle name loses none) and says whether it did. The field each error touches is in ERROR_FIELD.
 */
type ErrorFn = (rng: Rng, d: Draft, m: Member, ctx: { allowSpaceLoss: boolean; pickGiven: () => string }) => boolean

const ERRORS = {
  nameInUse: (_rng, d, m, ctx) => {
    const g = ctx.pickGiven()
    if (g === m.given || d.middle.split(" ").includes(g)) return false
    d.given = g
    return true
  },
  regionalSurname: (_rng, d) => {
    const r = REGIONAL[d.family]
    if (r === undefined || d.name !== null) return false
    d.family = r
    return true
  },
  iy: (_rng, d) => {
    const v = iyVariant(d.given)
    if (v === d.given || d.name !== null) return false
    d.given = v
    return true
  },
  typo: (rng, d) => {
    if (d.name !== null) return false
    const family = d.family.length >= 3 && (d.given.length < 3 || rng.chance(0.5))
    if (!family && d.given.length < 3) return false
    if (family) d.family = typo(rng, d.family)
    else d.given = typo(rng, d.given)
    return true
  },
  dropMiddle: (_rng, d) => {
    if (d.middle === "" || d.name !== null) return false
    d.middle = ""
    return true
  },
  newTone: (_rng, d) => {
    const t = newTone(joined(d))
    if (t === joined(d)) return false
    d.name = t
    return true
  },
  noDiacritics: (_rng, d) => {
    const t = stripMarks(joined(d))
    if (t === joined(d)) return false
    d.name = t
    return true
  },
  missingSpace: (_rng, d, _m, ctx) => {
    if (!ctx.allowSpaceLoss || d.middle === "") return false
    d.name = joined(d).replace(" ", "")
    return true
  },
  yearOnlyBirth: (_rng, d) => {
    if (d.birth.m === null) return false
    d.birth = { y: d.birth.y, m: null, d: null }
    return true
  },
  birthTypo: (rng, d) => {
    if (d.birth.m === null || d.birth.d === null) return false
    const b = d.birth
    for (let tries = 0; tries < 10; tries++) {
      // One digit: the day's last digit, or the month's.
      const next = rng.chance(0.7) ? { ...b, d: Math.floor(b.d! / 10) * 10 + rng.int(0, 9) } : { ...b, m: rng.int(1, 9) }
      if (next.d! >= 1 && next.d! <= 28 && (next.d !== b.d || next.m !== b.m) && !(next.d === b.m && next.m === b.d)) {
        d.birth = next
        return true
      }
    }
    return false
  },
  swappedDayMonth: (_rng, d) => {
    const b = d.birth
    if (b.m === null || b.d === null || b.d > 12 || b.d === b.m) return false
    d.birth = { y: b.y, m: b.d, d: b.m }
    return true
  },
  missingCccd: (_rng, d) => {
    if (d.cccd === null) return false
    d.cccd = null
    return true
  },
  missingCard: (_rng, d) => {
    if (d.cardNo === null) return false
    d.cardNo = null
    return true
  },
  admittedShift: (rng, d, m) => {
    d.admitted = addWorkingDays(m.admitted, rng.int(3, 25))
    return true
  }
} as const satisfies Record<string, ErrorFn>

export type ErrorName = keyof typeof ERRORS

/** The row field each error changes: a planted case that fixes a field keeps it free of errors. */
export const ERROR_FIELD: Readonly<Record<ErrorName, "name" | "birth" | "cccd" | "cardNo" | "admitted">> = {
  nameInUse: "name", regionalSurname: "name", iy: "name", typo: "name", dropMiddle: "name", newTone: "name",
  noDiacritics: "name", missingSpace: "name", yearOnlyBirth: "birth", birthTypo: "birth", swappedDayMonth: "birth",
  missingCccd: "cccd", missingCard: "cardNo", admittedShift: "admitted"
}

/** The errors a clerk makes one by one, in the order they act on a name, with the clerk's rate of each. */
const SINGLE: ReadonlyArray<readonly [ErrorName, (c: Clerk, m: Member) => number]> = [
  ["nameInUse", (c) => c.nameInUse],
  ["regionalSurname", (c) => c.regionalSurname],
  ["iy", (c) => c.iy],
  ["dropMiddle", (c) => c.dropMiddle],
  ["typo", (c) => c.typo],
  ["newTone", (c) => c.newTonePlacement],
  ["noDiacritics", (c) => c.dropDiacritics],
  ["missingSpace", (c) => c.missingSpace],
  ["yearOnlyBirth", (c, m) => (m.birth.y < 1950 ? c.yearOnlyOld : 0)],
  ["birthTypo", (c) => c.birthTypo],
  ["swappedDayMonth", (c) => c.swapDayMonth],
  ["missingCccd", (c) => c.missingCccd],
  ["missingCard", (c) => c.missingCard],
  ["admittedShift", (c) => c.admittedShift]
]

/** What two or three errors on one record are drawn from (a record a person could still recognise). */
const COMBINABLE: ReadonlyArray<ErrorName> = [
  "typo", "dropMiddle", "noDiacritics", "yearOnlyBirth", "birthTypo", "swappedDayMonth", "missingCccd", "missingCard", "admittedShift"
]

const NAME_DAMAGE: ReadonlySet<string> = new Set(["typo", "dropMiddle", "nameInUse"])
const BIRTH_DAMAGE: ReadonlySet<string> = new Set(["yearOnlyBirth", "birthTypo"])

/** Name order matters: tokens first (typo, dropped middle), then the joined name (tone, diacritics). */
const ORDER: ReadonlyArray<ErrorName> = SINGLE.map(([e]) => e)

const bothDamaged = (noise: ReadonlyArray<string>): boolean => noise.some((n) => NAME_DAMAGE.has(n)) && noise.some((n) => BIRTH_DAMAGE.has(n))

/**
 * Applies errors in ORDER (name, birth date, identifiers, admission date). A record whose name and
 * birth date are both damaged keeps what a person would still recognise it by: one identifier and
 * the admission date as typed in the decision.
 */
const applyErrors = (rng: Rng, d: Draft, m: Member, names: ReadonlyArray<ErrorName>, ctx: Parameters<ErrorFn>[3]): void => {
  const sorted = [...names].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
  for (const e of sorted) {
    if (d.noise.includes(e)) continue
    const lastId = (e === "missingCccd" || e === "missingCard") && (d.cccd === null || d.cardNo === null)
    if (bothDamaged(d.noise) && (e === "admittedShift" || lastId)) continue
    if (ERRORS[e](rng, d, m, ctx)) d.noise.push(e)
  }
}

export interface RowContext {
  /** Clerk of the file; null: a row with no errors at all. */
  readonly clerk: Clerk | null
  /** Capitals files lose no spaces (the name would not split back). */
  readonly allowSpaceLoss: boolean
  readonly pickGiven: () => string
}

const pdate = (x: Ymd): PDate => ({ y: x.y, m: x.m, d: x.d })
export const birthP = (m: Member): PDate => (m.birthYearOnly ? { y: m.birth.y, m: null, d: null } : pdate(m.birth))

/**
 * The row a cell's clerk writes for a member: the clerk's errors at the clerk's rates, sometimes two
 * or three at once, sometimes one field unreadable. `over` fixes fields a planted case needs (those
 * carry no errors); `forced` adds errors that must be there (moves with errors).
 */
export const rowFor = (rng: Rng, m: Member, rc: RowContext, over: Partial<ProvinceRow> = {}, forced: ReadonlyArray<ErrorName> = []): ProvinceRow => {
  const d: Draft = {
    family: m.family, middle: m.middle, given: m.given, name: null, birth: birthP(m), cccd: m.cccd, cardNo: m.cardNo, admitted: m.admitted, noise: []
  }
  const ctx = { allowSpaceLoss: rc.allowSpaceLoss, pickGiven: rc.pickGiven }
  const c = rc.clerk
  if (c !== null) {
    const names = SINGLE.filter(([, rate]) => rng.chance(rate(c, m))).map(([e]) => e)
    if (rng.chance(c.combined)) {
      const extra = rng.shuffle(COMBINABLE).slice(0, rng.int(2, 3))
      names.push(...extra)
    }
    applyErrors(rng, d, m, [...names, ...forced], ctx)
  } else if (forced.length > 0) applyErrors(rng, d, m, forced, ctx)
  // Fields forced by a planted case are not noise.
  const fixed = new Set(Object.keys(over))
  const noise = d.noise.filter((n) => !fixed.has(ERROR_FIELD[n as ErrorName]))
  const row: ProvinceRow = {
    memberId: m.id,
    name: joined(d),
    birth: d.birth,
    zeroDayMonth: m.birthYearOnly && rng.chance(0.3),
    sex: m.sex,
    hometown: m.hometown,
    cccd: d.cccd,
    cardNo: d.cardNo,
    admitted: d.admitted,
    official: m.official,
    note: m.official === null ? "Dự bị" : "",
    noise,
    unreadable: [],
    raw: {},
    row: 0,
    ...over
  }
  if (c === null || !rng.chance(c.badField)) return row
  return withUnreadableField(rng, row, fixed)
}

/** Values a clerk types that cannot be read (issue 9): impossible dates, wrong-length IDs, a sex that is neither. */
const unreadableValue = (rng: Rng, field: UnreadableField, row: ProvinceRow): string | null => {
  switch (field) {
    case "birth": {
      const y = row.birth.y
      return rng.pick([`31/02/${y}`, `30/02/${y}`, `93/04/${y}`, `${rng.int(32, 39)}/${rng.int(1, 12)}/${y}`, `12/${rng.int(13, 19)}/${y}`, `15/06/18${rng.int(10, 99)}`])
    }
    case "admitted":
      return rng.pick([`31/04/${row.admitted.y}`, `00/13/${row.admitted.y}`, `${row.admitted.d}/${row.admitted.m}/3${row.admitted.y % 1000}`])
    case "cccd":
      return row.cccd === null ? null : rng.pick([row.cccd.slice(0, 10), `${row.cccd}7`, `${row.cccd.slice(0, 5)}O${row.cccd.slice(6)}`])
    case "cardNo":
      return row.cardNo === null ? null : rng.pick([row.cardNo.slice(0, 5), `${row.cardNo.slice(0, 3)}-${row.cardNo.slice(3)}x`])
    case "sex":
      return rng.pick(["Nan", "x", "N", "?"])
  }
}

/** "12/14/1957": impossible day-first, so read month-first (Normalize/Date.ts) with a warning. */
const MONTH_FIRST = /^12\/(1[3-9])\/(\d{4})$/

const withUnreadableField = (rng: Rng, row: ProvinceRow, fixed: ReadonlySet<string>): ProvinceRow => {
  const fields = rng.shuffle<UnreadableField>(["birth", "birth", "cccd", "cardNo", "sex", "admitted"]).filter((f) => !fixed.has(f))
  for (const f of fields) {
    const value = unreadableValue(rng, f, row)
    if (value === null) continue
    const monthFirst = f === "birth" ? MONTH_FIRST.exec(value) : null
    if (monthFirst !== null) {
      // Not unreadable: a date typed month-first, read as 14/12 with a warning. The row carries that
      // date (it differs from the record, or agrees with a record known only to the year).
      const birth = { y: Number(monthFirst[2]), m: 12, d: Number(monthFirst[1]) }
      return { ...row, birth, noise: [...row.noise.filter((n) => ERROR_FIELD[n as ErrorName] !== "birth"), "birthMonthFirst"], raw: { birth: value } }
    }
    return { ...row, unreadable: [f], raw: { [f]: value } }
  }
  return row
}

// ---------------------------------------------------------------------------
// Moves across communes with errors (the UNREPORTED_TRANSFER cases matching misses today)

/**
 * The errors a member's row carries at the cell they moved to, typed by a clerk who has never seen
 * the record: one or two name errors, often a birth date written as the year or mistyped, and IDs
 * left blank more often than not (the new cell has no card number to copy).
 */
export const moveErrors = (rng: Rng, m: Member): Array<ErrorName> => {
  const possible: Array<ErrorName> = ["typo"]
  if (m.middle !== "") possible.push("dropMiddle")
  if (stripMarks(fullName(m)) !== fullName(m)) possible.push("noDiacritics")
  const name = rng.shuffle(possible).slice(0, rng.int(1, 2))
  const birth: Array<ErrorName> = rng.chance(0.6) ? [rng.pick<ErrorName>(["yearOnlyBirth", "birthTypo"])] : []
  const ids: Array<ErrorName> = []
  if (m.cccd !== null && rng.chance(0.7)) ids.push("missingCccd")
  if (m.cardNo !== null && rng.chance(0.5)) ids.push("missingCard")
  return [...name, ...birth, ...ids]
}

// ---------------------------------------------------------------------------
// File and folder names as clerks write them (issue 9)

export type FileNaming =
  | "codeUnderscoreName"
  | "codeDashWords"
  | "wordsUnderscoreCode"
  | "nameThenCodeInParens"
  | "clerkWords"
  | "clerkWordsNoDiacritics"
  | "capitals"
  | "underscores"
  | "noSpaces"
  | "plainName"
  | "fontMark"

/** Weights: half the files carry the code somewhere, the rest a name with or without clerk words. */
const NAMING: ReadonlyArray<readonly [FileNaming, number]> = [
  ["codeUnderscoreName", 12], ["codeDashWords", 10], ["wordsUnderscoreCode", 6], ["nameThenCodeInParens", 5],
  ["clerkWords", 16], ["clerkWordsNoDiacritics", 12], ["capitals", 8], ["underscores", 8], ["noSpaces", 4],
  ["plainName", 12], ["fontMark", 7]
]

export type FolderNaming = "name" | "foldedName" | "code" | "codeAndName"

const FOLDERS: ReadonlyArray<readonly [FolderNaming, number]> = [["name", 45], ["foldedName", 25], ["code", 15], ["codeAndName", 15]]

export const folderName = (rng: Rng, code: string, name: string): { folder: string; naming: FolderNaming } => {
  const naming = rng.weighted(FOLDERS)
  const short = name.replace(/^Đảng bộ /, "")
  const folder =
    naming === "name" ? name
    : naming === "foldedName" ? plain(stripMarks(short))
    : naming === "code" ? code
    : `${code} ${short}`
  return { folder, naming }
}

/** Words a clerk adds around the unit name. */
const CLERK_SUFFIX = ["", "", " năm 2025", " nam 2025", " 2025", " (1)", " final", " - bản sửa", " copy", " 15.10.2025", " moi", " (mới)", "_moi", " bản mới"] as const
const CLERK_PREFIX = ["DS đảng viên ", "Danh sách đảng viên ", "DS ĐV ", "DS ", "Danh sách "] as const

/** The kind's mark in a file name, in the spellings clerks use. */
const KIND_MARK = {
  OFFICIAL: [""],
  RESIDENCE_213: ["213", "DS 213", "QĐ 213", "QD213", "noi cu tru"],
  TEMPORARY: ["tam thoi", "tạm thời", "sinh hoat tam thoi", "SH tạm thời"]
} as const

const plain = (s: string): string => s.replace(/[^\p{L}\p{N}]+/gu, " ").trim()

/**
 * A roster file's name (without folder) in one of the clerks' habits; a 213 or temporary list always
 * carries its kind's mark somewhere. `short` is the cell name without "Chi bộ".
 */
export const fileName = (
  rng: Rng,
  cell: { code: string; name: string },
  kind: keyof typeof KIND_MARK,
  layout: string,
  ext: "xlsx" | "csv"
): { base: string; naming: FileNaming } => {
  let naming = rng.weighted(NAMING)
  if (naming === "fontMark" && layout !== "D" && layout !== "V") naming = "plainName"
  const short = cell.name.replace(/^Chi bộ /, "")
  const mark = rng.pick(KIND_MARK[kind])
  const withMark = (s: string, sep = " ") => (mark === "" ? s : rng.chance(0.5) ? `${mark}${sep}${s}` : `${s}${sep}${mark}`)
  const suffix = rng.pick(CLERK_SUFFIX)
  let base: string
  switch (naming) {
    case "codeUnderscoreName":
      base = `${cell.code}_${fold(withMark(cell.name)).replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").replace(/^./, (c) => c.toUpperCase())}`
      break
    case "codeDashWords":
      base = `${cell.code} - ${mark === "" ? rng.pick(["DS", "DS dang vien", "danh sach", "DS 2025", short]) : mark}`
      break
    case "wordsUnderscoreCode":
      base = `DS_${cell.code}_2025${mark === "" ? "" : `_${fold(mark).replace(/\s+/g, "_")}`}`
      break
    case "nameThenCodeInParens":
      base = `${withMark(short)} (${cell.code})`
      break
    case "clerkWords":
      base = `${rng.pick(CLERK_PREFIX)}${withMark(rng.chance(0.5) ? cell.name : short)}${suffix}`
      break
    case "clerkWordsNoDiacritics":
      base = stripMarks(`${rng.pick(CLERK_PREFIX)}${withMark(short)}${suffix}`)
      break
    case "capitals":
      base = upper(stripMarks(withMark(rng.chance(0.5) ? cell.name : short)))
      break
    case "underscores":
      base = plain(withMark(cell.name)).replace(/\s+/g, "_")
      break
    case "noSpaces":
      // The kind's mark stays a word of its own ("KhuDanCuSo3 213").
      base = withMark(stripMarks(short).replace(/\s+/g, ""))
      break
    case "plainName":
      base = withMark(short)
      break
    case "fontMark":
      base = `${withMark(short)} (${layout === "D" ? "font VnTime" : "VNI"})`
      break
  }
  return { base: `${base.replace(/[/\\:*?"<>|]/g, " ").replace(/\s+/g, " ").trim()}.${ext}`, naming }
}

export { stripMarks }
