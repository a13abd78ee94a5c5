/**
 * Deterministic generator of a synthetic province (Đảng bộ tỉnh Hồng Lam, fictional) at any size:
 * a central export, one official roster per cell (~25 members) in five layouts, and truth.json —
 * which unit and kind every file is, which central member each roster row belongs to and which of
 * its fields were typed unreadable, every planted discrepancy and every decoy.
 *
 * It is built not to flatter the matcher (issue 10): each file's clerk draws error rates from
 * ranges (Clerks.ts), some records carry two or three errors, members who moved to a cell of another
 * commune are listed there with errors (name typo, dropped middle name, lost diacritics, year-only or
 * mistyped birth date, IDs left blank), namesakes born the same day are planted as hard negatives,
 * files are named as clerks name them, and some rows have one field that cannot be read (issue 9).
 * Legitimate double listings are decoys that must not be flagged: Quy định 213 residence-contact
 * lists, temporary-membership lists backed by a "Tạm thời" transfer, and listings at the destination
 * inside a pending transfer's window.
 *
 * The model is built as plain data first (`buildProvince`, a sequence of named steps over one
 * draft), so the benchmark can turn it into records in memory (`provinceRecords`) without writing
 * files.
 */
import { mkdir } from "node:fs/promises"
import * as path from "node:path"
import type { CentralData, CentralMember, MemberStatus, PartialDate, RosterKind, RosterRow, RowRef, Sex } from "../../src/Domain.js"
import { datesAgree, formatDate, partialDate } from "../../src/Normalize/Date.js"
import { parseName } from "../../src/Normalize/Text.js"
import { birthCorrection, nameCorrection } from "../../src/Rules/Rules.js"
import {
  birthP,
  type Clerk,
  drawClerk,
  drawProvinceHabits,
  type ErrorName,
  fileName,
  folderName,
  moveErrors,
  type ProvinceHabits,
  type ProvinceRow,
  type RowContext,
  rowFor as clerkRow,
  stripMarks,
  typo,
  type UnreadableField
} from "./Clerks.js"
import {
  addDays,
  addWorkingDays,
  addYears,
  AS_OF,
  AS_OF_YMD,
  dayNo,
  FAMILY,
  fmtSlash,
  fullName,
  GIVEN_F,
  GIVEN_M,
  type IdCtx,
  type Member,
  MIDDLE_F_OLD,
  MIDDLE_F_YOUNG,
  MIDDLE_M_OLD,
  MIDDLE_M_YOUNG,
  newCccd,
  newCmnd,
  type PDate,
  type PlantedCase,
  type PlantedCategory,
  PROVINCES,
  randomDate,
  Rng,
  STATUS_TEXT,
  upper,
  writeAtomic,
  type Ymd,
  ymd
} from "./Commune.js"
import { writeCentral, writeRosters } from "./ProvinceFiles.js"

export { writeRosters }
export type { ProvinceRow }

// ---------------------------------------------------------------------------
// Public vocabulary

/** A: the official form; B: two-row header; C: CSV; D: layout A in TCVN3 (.VnTime); V: layout A in VNI-Windows (VNI-Times). */
export type ProvinceLayout = "A" | "B" | "C" | "D" | "V"

export interface ProvinceOptions {
  /** Active members wanted (inactive records, duplicates and decoys come on top, a few %). */
  readonly members: number
  readonly seed: number
  /** The province committee's name (the root unit); default the fictional "Đảng bộ tỉnh Hồng Lam". */
  readonly provinceName?: string
  /** CCCDs and card numbers already given out elsewhere (the national generator shares them across provinces). */
  readonly ids?: { readonly cccds: Set<string>; readonly cards: Set<string> }
  /** Moves across provinces (National.ts): members of other provinces listed here, members of this one listed elsewhere. */
  readonly crossProvince?: CrossProvinceMoves
}

/** A member whose central record is in another province (`province`: its code), with id and unit set there. */
export interface ForeignMember {
  readonly member: ProvinceMember
  readonly province: string
}

export interface CrossProvinceMoves {
  /** Listed on an official list of this province with no transfer on record (UNREPORTED_TRANSFER across provinces). */
  readonly incoming: ReadonlyArray<ForeignMember>
  /** Members of this province to list in other provinces (left off their own list here: MISSING_FROM_ROSTER); their province codes. */
  readonly outgoing: ReadonlyArray<string>
  /** This province's code (cases name both provinces). */
  readonly province: string
}

export interface ProvinceUnit {
  readonly code: string
  readonly name: string
  readonly parentCode: string | null
  readonly parentName: string | null
}

export type ProvinceMember = Member

export interface ProvinceTransfer {
  readonly memberId: string
  readonly from: string
  readonly to: string
  readonly kind: "Chính thức" | "Tạm thời"
  readonly introduced: Ymd
  readonly received: Ymd | null
}

export interface ProvinceFile {
  /** Relative to rosters/, with "/": a folder per đảng bộ (by name or code), then the file name. */
  readonly file: string
  readonly unitCode: string
  readonly layout: ProvinceLayout
  /** Official list, Quy định 213 residence-contact list, or temporary-membership list (title and file name say which). */
  readonly kind: RosterKind
  readonly sheet: string
  readonly capitals: boolean
  /** The clerk's file naming habit (Clerks.ts FileNaming) and folder naming. */
  readonly naming: string
  readonly folderNaming: string
  /** False: the clerk deleted the title rows (ĐẢNG BỘ …, CHI BỘ …, the list's title), or a CSV file (it has none). */
  readonly titleRows: boolean
  /** CSV only: the file has a "Mã chi bộ" column. */
  readonly codeColumn: boolean
  /** The error rates this file's clerk drew. */
  readonly clerk: Clerk
  readonly rows: Array<ProvinceRow>
}

export interface ProvinceModel {
  readonly seed: number
  readonly asOf: string
  readonly habits: ProvinceHabits
  readonly units: ReadonlyArray<ProvinceUnit>
  readonly members: ReadonlyArray<ProvinceMember>
  readonly transfers: ReadonlyArray<ProvinceTransfer>
  readonly files: ReadonlyArray<ProvinceFile>
  readonly cases: ReadonlyArray<ProvinceCase>
  readonly decoys: ReadonlyArray<ProvinceDecoy>
}

/**
 * A planted discrepancy. `correction`: a planted day/month swap, which rules that record corrections
 * (kind "correction", category DATA_CORRECTION) should report as a correction rather than a
 * FIELD_MISMATCH. `noise`: the errors its roster rows were given on purpose (moves with errors).
 */
export interface ProvinceCase extends PlantedCase {
  readonly correction?: true
  readonly noise?: ReadonlyArray<string>
  /** A move to a cell of another commune (UNREPORTED_TRANSFER, DUPLICATE_ROSTER's second listing). */
  readonly acrossCommunes?: boolean
  /** The move's row was meant to carry errors (moveErrors); `noise` says which went in. */
  readonly moveWithErrors?: boolean
  /** A move between provinces: the province of the central record and the province of the listing (codes). */
  readonly crossProvince?: { readonly from: string; readonly to: string }
}

/**
 * A hard negative or a legitimate double listing: the run must raise nothing about it. Roster rows
 * are given when the decoy is a listing (213, temporary, transfer window); they still belong to
 * their member in truth.json's `rows`.
 */
export interface ProvinceDecoy {
  readonly kind: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows?: ReadonlyArray<RowRef>
}

/** One line of truth.json's `rows`: which central member a roster row belongs to (null: nobody). */
export interface TruthRow extends RowRef {
  readonly memberId: string | null
  readonly noise?: ReadonlyArray<string>
  /** Fields typed so that they cannot be read (the row still belongs to its member). */
  readonly unreadable?: ReadonlyArray<UnreadableField>
  /** The row lists its member at a cell other than the member's cell in the central data. */
  readonly move?: "sameCommune" | "otherCommune" | "otherProvince"
}

/** One line of truth.json's `files`: the unit and kind a file truly is, and how it was named. */
export interface TruthFile {
  readonly file: string
  readonly unitCode: string
  readonly kind: RosterKind
  readonly naming: string
  readonly folderNaming: string
  readonly titleRows: boolean
  readonly codeColumn: boolean
  readonly rows: number
}

export interface ProvinceTruth {
  readonly generator: "province"
  readonly seed: number
  readonly asOf: string
  readonly centralRecords: number
  readonly rosterFiles: number
  readonly habits: ProvinceHabits
  readonly files: ReadonlyArray<TruthFile>
  readonly rows: ReadonlyArray<TruthRow>
  readonly cases: ReadonlyArray<ProvinceCase>
  readonly decoys: ReadonlyArray<ProvinceDecoy>
}

const PROVINCE = "Đảng bộ tỉnh Hồng Lam"

/** Rates per active member of planted discrepancies and decoys. */
const RATE = {
  missing: 0.004,
  notInCentral: 0.003,
  unreportedTransfer: 0.003,
  /** Share of unreported moves (and second official listings) typed with errors at the new cell. */
  moveWithErrors: 0.7,
  /** Share of them at a cell of another commune. */
  moveAcrossCommunes: 0.7,
  transferOverdue: 0.001,
  duplicateCentral: 0.002,
  duplicateRoster: 0.0015,
  fieldMismatchEach: 0.001,
  statusConflict: 0.002,
  pendingInWindow: 0.001,
  namesake: 0.005,
  /** Same name, sex and birth date, another person (different IDs, admission, hometown). */
  namesakeSameDay: 0.002,
  twin: 0.002,
  inactive: 0.04,
  /** Share of workplace-cell members (schools, health, police) also on a 213 list where they live. */
  residence213: 0.2,
  /** Members on another cell's temporary list under a received "Tạm thời" transfer. */
  temporary: 0.003,
  /** The counterpart: on a temporary list with no "Tạm thời" transfer on record (UNREPORTED_TRANSFER). */
  temporaryWithoutTransfer: 0.0005,
  /** Cells that send no list at all (ROSTER_NOT_SUBMITTED), per active member: ~1 cell in 200. */
  notSubmitted: 0.0002
} as const

/** Official lists by layout (weights): TCVN3 files outnumber VNI ones in the north (domain.md §5.2). */
const LAYOUTS = [["A", 45], ["B", 20], ["C", 25], ["D", 10], ["V", 5]] as const
/** 213 and temporary lists: mostly with a title; a CSV one says its kind in its name only. */
const SPECIAL_LAYOUTS = [["A", 50], ["B", 22], ["C", 10], ["D", 11], ["V", 7]] as const

// ---------------------------------------------------------------------------
// Units: province → communes (unique names) → cells (names repeat across communes on purpose)

/** Distinct after folding (no "Thành"/"Thanh" pair): commune names must stay unique without diacritics, as unit resolution folds them. */
const SYLLABLES = [
  "An", "Bình", "Hòa", "Phú", "Thịnh", "Hưng", "Tân", "Đông", "Tây", "Nam", "Bắc", "Xuân", "Yên", "Hải",
  "Minh", "Quang", "Trung", "Hồng", "Lạc", "Phúc", "Thành", "Vĩnh", "Long", "Đức", "Nghĩa", "Thái", "Sơn",
  "Hiệp", "Lợi", "Mỹ"
]
const COMMUNE_KINDS = ["xã", "phường", "thị trấn"] as const
const HAMLETS = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Đình", "Chùa", "Mới", "Cầu", "Chợ"]

export interface CellDef {
  readonly code: string
  readonly name: string
  readonly commune: number
  readonly kind: "residential" | "school" | "health" | "police"
}

export const communeName = (i: number): string => {
  const n = SYLLABLES.length
  const kind = COMMUNE_KINDS[Math.floor(i / (n * (n - 1))) % COMMUNE_KINDS.length]!
  const k = i % (n * (n - 1))
  const a = Math.floor(k / (n - 1))
  let b = k % (n - 1)
  if (b >= a) b++
  return `Đảng bộ ${kind} ${SYLLABLES[a]} ${SYLLABLES[b]}`
}

export const cellNames = (rng: Rng, communeShort: string, count: number): Array<[string, CellDef["kind"]]> => {
  const out: Array<[string, CellDef["kind"]]> = []
  const workplaces: Array<[string, CellDef["kind"]]> = [
    [`Chi bộ Trường THCS ${communeShort}`, "school"],
    [`Chi bộ Trường Tiểu học ${communeShort}`, "school"],
    ["Chi bộ Trạm Y tế", "health"],
    ["Chi bộ Công an", "police"]
  ]
  const nWork = Math.min(workplaces.length, Math.max(0, Math.round(count * 0.12)))
  for (let i = 0; i < nWork; i++) out.push(workplaces[i]!)
  const hamlets = rng.shuffle(HAMLETS)
  for (let i = 0; out.length < count; i++) {
    out.push([i < hamlets.length ? `Chi bộ thôn ${hamlets[i]}` : `Chi bộ Khu dân cư số ${i - hamlets.length + 1}`, "residential"])
  }
  return out
}

// ---------------------------------------------------------------------------
// Members

const CCCD_PROVINCES = PROVINCES.map((p) => [p, p[1]] as const)

type Ctx = IdCtx

const newCard = (ctx: Ctx): string => {
  for (;;) {
    const c = ctx.rng.digits(8)
    if (!ctx.cards.has(c)) {
      ctx.cards.add(c)
      return c
    }
  }
}

const GIVEN_M_OLD = GIVEN_M.map(([n, , o]) => [n, o] as const)
const GIVEN_M_YOUNG = GIVEN_M.map(([n, y]) => [n, y] as const)
const GIVEN_F_OLD = GIVEN_F.map(([n, , o]) => [n, o] as const)
const GIVEN_F_YOUNG = GIVEN_F.map(([n, y]) => [n, y] as const)

/** Family, middle and given name by cohort and sex (domain.md §6.2: Văn/Thị dominate before 1980). No uniqueness: namesakes are real. */
export const pickName = (rng: Rng, sex: Sex, year: number): { family: string; middle: string; given: string } => {
  const old = year < 1980
  for (;;) {
    const family = rng.weighted(FAMILY)
    const middle = rng.weighted(sex === "M" ? (old ? MIDDLE_M_OLD : MIDDLE_M_YOUNG) : old ? MIDDLE_F_OLD : MIDDLE_F_YOUNG)
    const given = rng.weighted(sex === "M" ? (old ? GIVEN_M_OLD : GIVEN_M_YOUNG) : old ? GIVEN_F_OLD : GIVEN_F_YOUNG)
    if (!middle.split(" ").includes(given) && given !== family) return { family, middle, given }
  }
}

const birthRange = (rng: Rng, kind: CellDef["kind"]): readonly [number, number] => {
  switch (kind) {
    case "residential":
      return rng.weighted([
        [[1931, 1945] as const, 14],
        [[1946, 1960] as const, 32],
        [[1961, 1980] as const, 32],
        [[1981, 2006] as const, 22]
      ])
    case "school":
    case "health":
      return [1966, 2000]
    case "police":
      return [1972, 2004]
  }
}


/** 12 months later; from 29/02 that is 28/02 (a database never holds 29/02 of a common year). */
const oneYearAfter = (x: Ymd): Ymd => (x.m === 2 && x.d === 29 ? ymd(x.y + 1, 2, 28) : addYears(x, 1))

export const makeMember = (
  ctx: Ctx,
  cell: CellDef,
  over: {
    sex?: Sex; birth?: Ymd; name?: { family: string; middle: string; given: string }; years?: readonly [number, number]; status?: MemberStatus; hometown?: string
    /** The CCCD's province code (its first 3 digits: where the birth was registered); default drawn with the hometown. */
    cccdProvince?: string
  } = {}
): ProvinceMember => {
  const { rng } = ctx
  const sex: Sex = over.sex ?? (cell.kind === "police" ? (rng.chance(0.85) ? "M" : "F") : rng.chance(0.58) ? "M" : "F")
  const [y0, y1] = over.years ?? birthRange(rng, cell.kind)
  const b = over.birth ?? randomDate(rng, ymd(y0, 1, 1), ymd(y1, 12, 28))
  const birth = { y: b.y, m: b.m, d: Math.min(b.d, 28) }
  const name = over.name ?? pickName(rng, sex, birth.y)
  const [province, , provinceName, communes] = rng.weighted(CCCD_PROVINCES)
  const hometown = over.hometown ?? `${rng.pick(communes)}, ${provinceName}`
  let cccd: string | null
  if (birth.y < 1946 && rng.chance(0.55)) cccd = null
  else if (birth.y < 1950 && rng.chance(0.25)) cccd = newCmnd(ctx)
  else cccd = newCccd(ctx, over.cccdProvince ?? province, sex, birth.y)
  const ageAt = birth.y < 1950 ? rng.int(18, 30) : rng.weighted([[rng.int(18, 24), 3], [rng.int(25, 35), 5], [rng.int(36, 48), 2]] as const)
  const latest = dayNo(ymd(2026, 9, 25))
  let admitted = randomDate(rng, addYears(birth, ageAt), addDays(addYears(birth, ageAt), 300))
  if (dayNo(admitted) > latest) admitted = randomDate(rng, ymd(2024, 1, 1), ymd(2026, 9, 25))
  if (dayNo(admitted) < dayNo(addYears(birth, 18))) admitted = addDays(addYears(birth, 18), rng.int(30, 200))
  // Probation is 12 months (Điều lệ art. 5): no card and no Ngày chính thức before that.
  const isFull = dayNo(addYears(admitted, 1)) <= dayNo(AS_OF_YMD)
  return {
    id: "",
    ...name,
    sex,
    birth,
    birthYearOnly: birth.y < 1947 && rng.chance(0.4),
    hometown,
    cccd,
    cardNo: isFull ? newCard(ctx) : null,
    admitted,
    official: isFull ? oneYearAfter(admitted) : null,
    unit: cell.code,
    status: over.status ?? "ACTIVE"
  }
}


// ---------------------------------------------------------------------------
// The model, step by step. Every step adds to one draft; the step names are the table of contents.

const EXTERNAL_UNITS = [
  "Đảng bộ phường Nam Thành, tỉnh Ninh Bình",
  "Đảng bộ xã Hải Hưng, tỉnh Ninh Bình",
  "Đảng bộ phường Hoàng Liệt, TP Hà Nội",
  "Đảng bộ xã Diễn Hồng, tỉnh Nghệ An"
]

const countFor = (rate: number, n: number): number => Math.max(2, Math.round(rate * n))
const pdate = (x: Ymd): PDate => ({ y: x.y, m: x.m, d: x.d })

type Pending = {
  category: PlantedCategory
  memberIds: Array<string>
  unitCode: string
  tags: Array<string>
  field?: string
  note: string
  correction?: true
  noise?: ReadonlyArray<string>
  acrossCommunes?: boolean
  moveWithErrors?: boolean
  crossProvince?: { from: string; to: string }
}
type PendingDecoy = { kind: string; members: Array<ProvinceMember>; tags?: Array<string> }
/** A listing away from the member's own cell: the cell it is on, the row, and whether it crosses communes. */
type Away = { row: ProvinceRow; acrossCommunes: boolean }

interface Draft {
  readonly rng: Rng
  readonly ctx: Ctx
  readonly seed: number
  readonly target: number
  readonly provinceName: string
  readonly crossProvince: CrossProvinceMoves | undefined
  readonly habits: ProvinceHabits
  readonly units: Array<ProvinceUnit>
  readonly cells: Array<CellDef>
  readonly communeNames: Array<string>
  readonly communeCodes: Array<string>
  readonly cellByCode: Map<string, CellDef>
  readonly cellsOfCommune: Array<Array<CellDef>>
  /** Active members (and the decoys' second records). */
  readonly members: Array<ProvinceMember>
  nActive: number
  readonly inactive: Array<ProvinceMember>
  readonly dupCopies: Array<ProvinceMember>
  readonly transfers: Array<ProvinceTransfer>
  readonly pendingTransfers: Array<{ m: ProvinceMember; to: string; introduced: Ymd }>
  readonly decoys: Array<PendingDecoy>
  readonly cases: Array<Pending>
  /** Members already given a role (a case or a decoy): not drawn again. */
  readonly used: Set<ProvinceMember>
  /** Active members left off their cell's official list. */
  readonly omit: Set<ProvinceMember>
  /** Fields a planted case fixes on the member's own row. */
  readonly overrides: Map<ProvinceMember, Partial<ProvinceRow>>
  /** Extra rows per cell and list kind (a move, a ghost, a second listing, a 213 or temporary listing). */
  readonly extra: Map<string, Array<ProvinceRow>>
  readonly moves: Map<ProvinceRow, Away>
  /** The clerk of each cell (one per cell: the same person types all its lists). */
  readonly clerks: Map<string, Clerk>
  /** Cells whose clerk types every name in capitals. */
  readonly capitals: Map<string, boolean>
  /** Cells that send no list (their files are drawn, so the rest of the province stays the same, and dropped). */
  readonly notSubmitted: Set<string>
  tagNo: number
}

const listKey = (unit: string, kind: RosterKind) => `${kind}:${unit}`

const addListed = (d: Draft, unit: string, kind: RosterKind, row: ProvinceRow): void => {
  const k = listKey(unit, kind)
  const xs = d.extra.get(k) ?? []
  xs.push(row)
  d.extra.set(k, xs)
}

const newTag = (d: Draft): string => `t${d.tagNo++}`

const clerkOf = (d: Draft, unit: string): Clerk => {
  let c = d.clerks.get(unit)
  if (c === undefined) {
    c = drawClerk(d.rng)
    d.clerks.set(unit, c)
  }
  return c
}

const capitalsAt = (d: Draft, unit: string): boolean => {
  let c = d.capitals.get(unit)
  if (c === undefined) {
    c = d.rng.chance(d.habits.capitalsFile)
    d.capitals.set(unit, c)
  }
  return c
}

/** The row `unit`'s clerk writes for member m (errors at that clerk's rates), with a planted case's fixed fields and forced errors. */
const rowAt = (d: Draft, unit: string, m: ProvinceMember, over: Partial<ProvinceRow> = {}, forced: ReadonlyArray<ErrorName> = []): ProvinceRow => {
  // A name typed in capitals keeps its spaces (it would not split back otherwise).
  const rc: RowContext = { clerk: clerkOf(d, unit), allowSpaceLoss: !capitalsAt(d, unit), pickGiven: () => pickName(d.rng, m.sex, m.birth.y).given }
  return clerkRow(d.rng, m, rc, over, forced)
}

/** Step 1. Units: province → communes (unique names) → cells (names repeat across communes). */
const buildUnits = (d: Draft): void => {
  const nCells = Math.max(4, Math.round(d.target / 25))
  const nCommunes = Math.max(1, Math.round(nCells / 40))
  d.units.push({ code: "TU", name: d.provinceName, parentCode: null, parentName: null })
  for (let c = 0; c < nCommunes; c++) {
    const name = communeName(c)
    const code = `DB${String(c + 1).padStart(4, "0")}`
    d.communeNames.push(name)
    d.communeCodes.push(code)
    d.units.push({ code, name, parentCode: "TU", parentName: d.provinceName })
    const count = Math.floor(nCells / nCommunes) + (c < nCells % nCommunes ? 1 : 0)
    const short = name.replace(/^Đảng bộ (xã|phường|thị trấn) /, "")
    const own: Array<CellDef> = []
    for (const [cellName, kind] of cellNames(d.rng, short, count)) {
      const cell = { code: `CB${String(d.cells.length + 1).padStart(6, "0")}`, name: cellName, commune: c, kind }
      d.cells.push(cell)
      own.push(cell)
      d.cellByCode.set(cell.code, cell)
      d.units.push({ code: cell.code, name: cellName, parentCode: code, parentName: name })
    }
    d.cellsOfCommune.push(own)
  }
}

/** Step 2. Active members, spread over cells with sizes 10–45. */
const populateCells = (d: Draft): void => {
  const weights = d.cells.map(() => 10 + d.rng.next() * 35)
  const wTotal = weights.reduce((a, b) => a + b, 0)
  d.cells.forEach((cell, i) => {
    const n = Math.max(3, Math.round((weights[i]! / wTotal) * d.target))
    for (let k = 0; k < n; k++) d.members.push(makeMember(d.ctx, cell))
  })
  d.nActive = d.members.length
}

/**
 * Step 3. Hard negatives: namesakes born the same year in the same commune, namesakes born the same
 * day anywhere in the province (another person: own IDs, admission date, hometown), twins.
 */
const plantHardNegatives = (d: Draft): void => {
  const { rng } = d
  const someone = () => d.members[rng.int(0, d.nActive - 1)]!
  const sameName = (a: ProvinceMember) => ({ family: a.family, middle: a.middle, given: a.given })
  for (let k = 0; k < countFor(RATE.namesake, d.nActive); k++) {
    const a = someone()
    const cell = rng.pick(d.cellsOfCommune[d.cellByCode.get(a.unit)!.commune]!)
    const b = makeMember(d.ctx, cell, { sex: a.sex, name: sameName(a), years: [a.birth.y, a.birth.y] })
    if (b.birth.m === a.birth.m && b.birth.d === a.birth.d) b.birth = { ...b.birth, d: (b.birth.d % 28) + 1 }
    d.members.push(b)
    d.decoys.push({ kind: "NAMESAKE_SAME_BIRTH_YEAR_SAME_COMMUNE", members: [a, b] })
  }
  for (let k = 0; k < countFor(RATE.namesakeSameDay, d.nActive); k++) {
    const a = someone()
    const cell = rng.chance(0.5) ? rng.pick(d.cellsOfCommune[d.cellByCode.get(a.unit)!.commune]!) : rng.pick(d.cells)
    const b = makeMember(d.ctx, cell, { sex: a.sex, name: sameName(a), birth: a.birth })
    b.birthYearOnly = a.birthYearOnly
    d.members.push(b)
    d.decoys.push({ kind: "NAMESAKE_SAME_BIRTH_DATE", members: [a, b] })
  }
  for (let k = 0; k < countFor(RATE.twin, d.nActive); k++) {
    const a = someone()
    const cell = d.cellByCode.get(a.unit)!
    let given = pickName(rng, a.sex, a.birth.y).given
    while (given === a.given) given = pickName(rng, a.sex, a.birth.y).given
    const b = makeMember(d.ctx, cell, { sex: a.sex, birth: a.birth, name: { family: a.family, middle: a.middle, given }, hometown: a.hometown })
    b.birthYearOnly = a.birthYearOnly
    d.members.push(b)
    d.decoys.push({ kind: "TWIN", members: [a, b] })
  }
  for (const x of d.decoys) for (const m of x.members) d.used.add(m)
}

/** Step 4. Inactive records (kept in the database with their last cell). */
const addInactive = (d: Draft): void => {
  for (let k = 0; k < Math.round(RATE.inactive * d.nActive); k++) {
    const cell = d.cells[d.rng.int(0, d.cells.length - 1)]!
    const status = d.rng.weighted([["DECEASED", 5], ["TRANSFERRED_OUT", 3], ["REMOVED", 1], ["LEFT", 0.5]] as const)
    d.inactive.push(makeMember(d.ctx, cell, status === "DECEASED" ? { status, years: [1928, 1955] } : { status }))
  }
}

/** Step 5. Ids, shuffled so the id order says nothing about the cell; transfers out of the province. */
const assignIds = (d: Draft): void => {
  const { rng } = d
  const all = [...d.members, ...d.inactive]
  const order = rng.shuffle(all.map((_, i) => i))
  order.forEach((pos, i) => {
    // 8 digits: up to ~40 million records stay below the duplicates' range (9xxxxxxx).
    all[pos]!.id = `DV${10_000_001 + i * 2 + rng.int(0, 1)}`
  })
  for (const m of d.inactive) {
    if (m.status !== "TRANSFERRED_OUT") continue
    const introduced = randomDate(rng, ymd(2022, 1, 1), ymd(2026, 3, 31))
    d.transfers.push({ memberId: m.id, from: m.unit, to: rng.pick(EXTERNAL_UNITS), kind: "Chính thức", introduced, received: addDays(introduced, rng.int(5, 25)) })
  }
}

// ---- member selection for planted cases ----

const take = (d: Draft, pred: (m: ProvinceMember) => boolean = () => true): ProvinceMember => {
  for (let tries = 0; tries < 100_000; tries++) {
    const m = d.members[d.rng.int(0, d.members.length - 1)]!
    if (d.used.has(m) || m.status !== "ACTIVE" || m.official === null || !pred(m)) continue
    d.used.add(m)
    return m
  }
  throw new Error("province too small for the planted cases")
}
const withIds = (m: ProvinceMember) => m.cccd !== null && m.cccd.length === 12 && m.cardNo !== null
const working = (m: ProvinceMember) => m.birth.y >= 1961 && m.birth.y <= 1996 && !m.birthYearOnly

/** Another cell: of the member's commune, or (acrossCommunes) of another commune when there is one. */
const otherCell = (d: Draft, m: ProvinceMember, acrossCommunes = d.rng.chance(0.5)): CellDef => {
  const own = d.cellByCode.get(m.unit)!
  const across = acrossCommunes && d.cellsOfCommune.length > 1
  for (;;) {
    const c = d.rng.pick(across ? d.cells : d.cellsOfCommune[own.commune]!)
    if (c.code !== m.unit && (!across || c.commune !== own.commune)) return c
  }
}

/**
 * A listing of m at another cell's official list as its clerk types it: with the errors of a
 * clerk who never saw the record (moveErrors) when `withErrors`.
 */
const listAway = (d: Draft, m: ProvinceMember, to: CellDef, over: Partial<ProvinceRow>, withErrors: boolean): ProvinceRow => {
  const forced = withErrors ? moveErrors(d.rng, m) : []
  const row = rowAt(d, to.code, m, over, forced)
  d.moves.set(row, { row, acrossCommunes: to.commune !== d.cellByCode.get(m.unit)!.commune })
  return row
}

/** Step 6a. Active members on no list; people listed who are not in the database. */
const plantMissingAndGhosts = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.missing, d.nActive); k++) {
    const m = take(d)
    d.omit.add(m)
    d.cases.push({ category: "MISSING_FROM_ROSTER", memberIds: [m.id], unitCode: m.unit, tags: [], note: `${fullName(m)} is on no list.` })
  }
  for (let k = 0; k < countFor(RATE.notInCentral, d.nActive); k++) {
    const cell = d.rng.pick(d.cells)
    const ghost = makeMember(d.ctx, cell)
    const t = newTag(d)
    addListed(d, cell.code, "OFFICIAL", { ...rowAt(d, cell.code, ghost), memberId: null, tag: t })
    d.cases.push({ category: "NOT_IN_CENTRAL", memberIds: [], unitCode: cell.code, tags: [t], note: `${fullName(ghost)} is listed but not in the database.` })
  }
}

/**
 * Step 6b. Moves with no transfer on record (UNREPORTED_TRANSFER): most to a cell of another
 * commune, most typed with errors and without IDs — the cases blocking within a commune misses.
 */
const plantUnreportedMoves = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.unreportedTransfer, d.nActive); k++) {
    const m = take(d, working)
    const to = otherCell(d, m, d.rng.chance(RATE.moveAcrossCommunes))
    const withErrors = d.rng.chance(RATE.moveWithErrors)
    d.omit.add(m)
    const t = newTag(d)
    const row = listAway(d, m, to, { tag: t, note: "Chuyển đến" }, withErrors)
    addListed(d, to.code, "OFFICIAL", row)
    const across = d.moves.get(row)!.acrossCommunes
    d.cases.push({
      category: "UNREPORTED_TRANSFER", memberIds: [m.id], unitCode: to.code, tags: [t], noise: row.noise, acrossCommunes: across, moveWithErrors: withErrors,
      note: `${fullName(m)} moved ${m.unit} → ${to.code}${across ? " (another commune)" : ""} without a transfer on record${row.noise.length > 0 ? `, listed with ${row.noise.join(", ")}` : ""}.`
    })
  }
}

/**
 * Step 6b'. Moves between provinces (National.ts), with no transfer on record: members whose
 * central record is in another province listed on an official list here, most typed with errors by
 * a clerk who never saw the record (UNREPORTED_TRANSFER); and members of this province listed in
 * another one, so left off their list here (MISSING_FROM_ROSTER in a run of this province).
 */
const plantCrossProvinceMoves = (d: Draft): void => {
  const x = d.crossProvince
  if (x === undefined) return
  for (const { member: m, province } of x.incoming) {
    const to = d.rng.pick(d.cells)
    const withErrors = d.rng.chance(RATE.moveWithErrors)
    const t = newTag(d)
    const row = rowAt(d, to.code, m, { tag: t, note: "Chuyển đến" }, withErrors ? moveErrors(d.rng, m) : [])
    addListed(d, to.code, "OFFICIAL", row)
    d.cases.push({
      category: "UNREPORTED_TRANSFER", memberIds: [m.id], unitCode: to.code, tags: [t], noise: row.noise, acrossCommunes: true, moveWithErrors: withErrors,
      crossProvince: { from: province, to: x.province },
      note: `${fullName(m)} moved from ${m.unit} (province ${province}) → ${to.code} (province ${x.province}) without a transfer on record${row.noise.length > 0 ? `, listed with ${row.noise.join(", ")}` : ""}.`
    })
  }
  for (const province of x.outgoing) {
    const m = take(d, working)
    d.omit.add(m)
    d.cases.push({
      category: "MISSING_FROM_ROSTER", memberIds: [m.id], unitCode: m.unit, tags: [], crossProvince: { from: x.province, to: province },
      note: `${fullName(m)} moved to province ${province} without a transfer on record: on no list here.`
    })
  }
}

/** Step 6c. Official transfers introduced and never received (TRANSFER_OVERDUE). */
const plantOverdueTransfers = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.transferOverdue, d.nActive); k++) {
    const m = take(d, working)
    d.omit.add(m)
    const inside = d.rng.chance(0.7)
    const to = inside ? otherCell(d, m).code : d.rng.pick(EXTERNAL_UNITS)
    const introduced = randomDate(d.rng, ymd(2026, 1, 5), ymd(2026, 7, 31))
    d.pendingTransfers.push({ m, to, introduced })
    d.cases.push({ category: "TRANSFER_OVERDUE", memberIds: [m.id], unitCode: inside ? to : m.unit, tags: [], note: `Transfer ${m.unit} → ${to} introduced ${fmtSlash(introduced)}, never received.` })
  }
}

/** Step 6d. Members entered twice in the central data (DUPLICATE_CENTRAL), in three variants. */
const plantCentralDuplicates = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.duplicateCentral, d.nActive); k++) {
    const m = take(d, (x) => withIds(x) && working(x))
    const variant = k % 3
    // Re-entered records were created later: ids above the generated range, never colliding with it.
    const id = `DV${90_000_001 + d.dupCopies.length * 2}`
    let copy: ProvinceMember
    if (variant === 0) copy = { ...m, id, given: stripMarks(m.given) === m.given ? typo(d.rng, m.given) : stripMarks(m.given), cardNo: null }
    else if (variant === 1) copy = { ...m, id, cccd: null, cardNo: null }
    else {
      copy = { ...m, id, cccd: newCmnd(d.ctx), unit: otherCell(d, m).code, status: "TRANSFERRED_OUT" }
      d.transfers.push({ memberId: id, from: copy.unit, to: EXTERNAL_UNITS[3]!, kind: "Chính thức", introduced: ymd(2019, 4, 8), received: ymd(2019, 4, 22) })
    }
    d.dupCopies.push(copy)
    // The listed row carries the original's identifiers, so it can only be the original (as in the commune).
    d.overrides.set(m, { cccd: m.cccd, cardNo: m.cardNo })
    // The database finding cites the cell of the record with the smaller id (README convention).
    d.cases.push({ category: "DUPLICATE_CENTRAL", memberIds: [m.id, copy.id].sort(), unitCode: m.id < copy.id ? m.unit : copy.unit, tags: [], note: `${fullName(m)} entered twice (variant ${variant}).` })
  }
}

/** Step 6e. One member on two cells' official lists (DUPLICATE_ROSTER); the second listing often with errors. */
const plantRosterDuplicates = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.duplicateRoster, d.nActive); k++) {
    const m = take(d, working)
    const other = otherCell(d, m, d.rng.chance(RATE.moveAcrossCommunes))
    const own = newTag(d)
    const t = newTag(d)
    d.overrides.set(m, { tag: own })
    const withErrors = d.rng.chance(RATE.moveWithErrors / 2)
    const row = listAway(d, m, other, { tag: t }, withErrors)
    addListed(d, other.code, "OFFICIAL", row)
    d.cases.push({
      category: "DUPLICATE_ROSTER", memberIds: [m.id], unitCode: m.unit, tags: [own, t], noise: row.noise, moveWithErrors: withErrors,
      acrossCommunes: d.moves.get(row)!.acrossCommunes, note: `${fullName(m)} is on two official lists.`
    })
  }
}

/** Step 6f. One field differs from the database, the identifiers agree (FIELD_MISMATCH); a swap is a correction once rules record them. */
const plantFieldMismatches = (d: Draft): void => {
  const fm = (field: string, pred: (m: ProvinceMember) => boolean, change: (m: ProvinceMember) => Partial<ProvinceRow>, correction = false) => {
    for (let k = 0; k < countFor(RATE.fieldMismatchEach, d.nActive); k++) {
      const m = take(d, (x) => withIds(x) && working(x) && pred(x))
      const t = newTag(d)
      d.overrides.set(m, { cccd: m.cccd, cardNo: m.cardNo, birth: pdate(m.birth), tag: t, ...change(m) })
      d.cases.push({ category: "FIELD_MISMATCH", memberIds: [m.id], unitCode: m.unit, tags: [t], field, note: `${field} differs.`, ...(correction ? { correction: true } : {}) })
    }
  }
  fm("Ngày sinh", (m) => m.birth.d <= 12 && m.birth.d !== m.birth.m, (m) => ({ birth: { y: m.birth.y, m: m.birth.d, d: m.birth.m } }), true)
  fm("Ngày sinh", (m) => m.birth.d <= 20, (m) => ({ birth: { y: m.birth.y, m: m.birth.m, d: m.birth.d + 7 } }))
  fm("Số CCCD", () => true, (m) => {
    const c = m.cccd!
    let typoed = c
    for (let k = 3; d.ctx.cccds.has(typoed); k++) typoed = `${c.slice(0, 9)}${(Number(c[9]) + k) % 10}${c.slice(10)}`
    return { cccd: typoed }
  })
  fm("Số thẻ đảng viên", (m) => m.cardNo![4] !== m.cardNo![5], (m) => {
    const c = m.cardNo!
    return { cardNo: `${c.slice(0, 4)}${c[5]}${c[4]}${c.slice(6)}` }
  })
}

/** Step 6g. Dead, removed or transferred-out members still on a list (STATUS_CONFLICT). */
const plantStatusConflicts = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.statusConflict, d.nActive); k++) {
    const m = d.inactive[d.rng.int(0, d.inactive.length - 1)]!
    if (d.used.has(m)) continue
    d.used.add(m)
    const t = newTag(d)
    addListed(d, m.unit, "OFFICIAL", rowAt(d, m.unit, m, { tag: t, note: "" }))
    d.cases.push({ category: "STATUS_CONFLICT", memberIds: [m.id], unitCode: m.unit, tags: [t], field: "Trạng thái", note: `${fullName(m)} is "${STATUS_TEXT[m.status]}" but listed.` })
  }
}

/** Step 7a. Decoy: pending official transfer inside its 30-working-day window, already on both lists. */
const plantPendingInWindow = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.pendingInWindow, d.nActive); k++) {
    const m = take(d, working)
    const to = otherCell(d, m)
    const introduced = randomDate(d.rng, ymd(2026, 10, 15), ymd(2026, 10, 28))
    d.pendingTransfers.push({ m, to: to.code, introduced })
    const t = newTag(d)
    addListed(d, to.code, "OFFICIAL", listAway(d, m, to, { note: "Chuyển đến", tag: t }, false))
    d.decoys.push({ kind: "PENDING_TRANSFER_IN_WINDOW", members: [m], tags: [t] })
  }
}

/**
 * Step 7b. Temporary membership (3 months to 2 years, domain.md §2) at another cell: a decoy with a
 * received "Tạm thời" transfer; an UNREPORTED_TRANSFER without one. The member stays on the home list.
 */
const plantTemporaryListings = (d: Draft): void => {
  for (let k = 0; k < countFor(RATE.temporary, d.nActive); k++) {
    const m = take(d, working)
    const host = otherCell(d, m)
    const introduced = randomDate(d.rng, ymd(2025, 6, 1), ymd(2026, 9, 30))
    const received = addWorkingDays(introduced, d.rng.int(2, 15))
    d.transfers.push({ memberId: m.id, from: m.unit, to: host.code, kind: "Tạm thời", introduced, received })
    const t = newTag(d)
    addListed(d, host.code, "TEMPORARY", listAway(d, m, host, { tag: t, note: `Sinh hoạt tạm thời từ ${fmtSlash(received)} (từ ${d.cellByCode.get(m.unit)!.name})` }, false))
    d.decoys.push({ kind: "TEMPORARY_WITH_TRANSFER", members: [m], tags: [t] })
  }
  for (let k = 0; k < countFor(RATE.temporaryWithoutTransfer, d.nActive); k++) {
    const m = take(d, working)
    const host = otherCell(d, m)
    const t = newTag(d)
    addListed(d, host.code, "TEMPORARY", listAway(d, m, host, { tag: t, note: `Sinh hoạt tạm thời (từ ${d.cellByCode.get(m.unit)!.name})` }, false))
    d.cases.push({
      category: "UNREPORTED_TRANSFER", memberIds: [m.id], unitCode: host.code, tags: [t],
      note: `${fullName(m)} is on the temporary list of ${host.code} with no Tạm thời transfer from ${m.unit} on record.`
    })
  }
}

/**
 * Step 7c. Decoy: Quy định 213 — workplace-cell members keep contact with a residential cell of their
 * commune and are listed there too (Hướng dẫn 33: police in barracks are exempt from it, so fewer).
 */
const plant213Listings = (d: Draft): void => {
  for (const m of d.members) {
    const home = d.cellByCode.get(m.unit)!
    if (home.kind === "residential" || d.used.has(m) || m.status !== "ACTIVE") continue
    if (!d.rng.chance(home.kind === "police" ? RATE.residence213 / 2 : RATE.residence213)) continue
    const residential = d.cellsOfCommune[home.commune]!.filter((c) => c.kind === "residential")
    if (residential.length === 0) continue
    d.used.add(m)
    const where = d.rng.pick(residential)
    const t = newTag(d)
    addListed(d, where.code, "RESIDENCE_213", listAway(d, m, where, { tag: t, note: `Đảng viên ${home.name}` }, false))
    d.decoys.push({ kind: "RESIDENCE_213", members: [m], tags: [t] })
  }
  for (const p of d.pendingTransfers) {
    d.transfers.push({ memberId: p.m.id, from: p.m.unit, to: p.to, kind: "Chính thức", introduced: p.introduced, received: null })
  }
}

/** A file of one list: layout, folder, name as its clerk writes them, rows numbered as written. */
const rosterFile = (d: Draft, cell: CellDef, folder: { folder: string; naming: string }, kind: RosterKind, rows: Array<ProvinceRow>, taken: Set<string>): ProvinceFile => {
  const { rng } = d
  const layout: ProvinceLayout = rng.weighted(kind === "OFFICIAL" ? LAYOUTS : SPECIAL_LAYOUTS)
  const capitals = capitalsAt(d, cell.code)
  const named = fileName(rng, cell, kind, layout, layout === "C" ? "csv" : "xlsx")
  let file = `${folder.folder}/${named.base}`
  for (let n = 2; taken.has(file.toLowerCase()); n++) file = `${folder.folder}/${named.base.replace(/(\.[a-z]+)$/, ` (${n})$1`)}`
  taken.add(file.toLowerCase())
  const base = file.slice(folder.folder.length + 1)
  const first = layout === "C" ? 2 : 9
  rows.forEach((r, i) => {
    r.row = first + i
  })
  return {
    file,
    unitCode: cell.code,
    layout,
    kind,
    sheet: layout === "C" ? base : layout === "B" ? "Sheet1" : "Danh sách",
    capitals,
    naming: named.naming,
    folderNaming: folder.naming,
    titleRows: layout !== "C" && !rng.chance(d.habits.noTitle),
    codeColumn: layout === "C" && (kind !== "OFFICIAL" || rng.chance(d.habits.csvCodeColumn)),
    clerk: clerkOf(d, cell.code),
    rows
  }
}

/** Step 8. Roster files: every cell's official list (its members by admission, then the extra rows), its 213 and temporary lists. */
const writeRosterModel = (d: Draft): Array<ProvinceFile> => {
  const byCell = new Map<string, Array<ProvinceMember>>()
  for (const m of d.members) {
    if (m.status !== "ACTIVE" || d.omit.has(m)) continue
    const xs = byCell.get(m.unit) ?? []
    xs.push(m)
    byCell.set(m.unit, xs)
  }
  const folders = d.communeNames.map((name, c) => folderName(d.rng, d.communeCodes[c]!, name))
  const taken = new Set<string>()
  const files: Array<ProvinceFile> = []
  for (const cell of d.cells) {
    const own = (byCell.get(cell.code) ?? [])
      .sort((a, b) => dayNo(a.admitted) - dayNo(b.admitted) || (a.id < b.id ? -1 : 1))
      .map((m) => rowAt(d, cell.code, m, d.overrides.get(m) ?? {}))
    const folder = folders[cell.commune]!
    const official = rosterFile(d, cell, folder, "OFFICIAL", [...own, ...(d.extra.get(listKey(cell.code, "OFFICIAL")) ?? [])], taken)
    if (!d.notSubmitted.has(cell.code)) files.push(official)
    for (const kind of ["RESIDENCE_213", "TEMPORARY"] as const) {
      const list = d.extra.get(listKey(cell.code, kind))
      if (list !== undefined) files.push(rosterFile(d, cell, folder, kind, list, taken))
    }
  }
  return files
}

/**
 * Step 7d. Cells that send no list at all (ROSTER_NOT_SUBMITTED: one finding per cell naming its
 * active members). Only cells no planted case or decoy touches (no member given a role, no row
 * listed there), so every other case keeps its evidence. Drawn from a generator of their own, so
 * the rest of the province is the one the same seed gave before.
 */
const plantNotSubmitted = (d: Draft): void => {
  const touched = new Set<string>()
  for (const m of [...d.used, ...d.omit, ...d.overrides.keys()]) touched.add(m.unit)
  for (const k of d.extra.keys()) touched.add(k.slice(k.indexOf(":") + 1))
  for (const p of d.pendingTransfers) touched.add(p.to)
  const active = new Map<string, Array<ProvinceMember>>()
  for (const m of [...d.members, ...d.dupCopies]) {
    if (m.status !== "ACTIVE") continue
    const xs = active.get(m.unit) ?? []
    xs.push(m)
    active.set(m.unit, xs)
  }
  const rng = new Rng(d.seed * 7919 + 17)
  const eligible = rng.shuffle(d.cells.filter((c) => !touched.has(c.code) && (active.get(c.code)?.length ?? 0) > 0))
  for (const cell of eligible.slice(0, countFor(RATE.notSubmitted, d.nActive))) {
    d.notSubmitted.add(cell.code)
    const members = active.get(cell.code)!
    d.cases.push({
      category: "ROSTER_NOT_SUBMITTED", memberIds: members.map((m) => m.id).sort(), unitCode: cell.code, tags: [],
      note: `${cell.code} (${cell.name}) sent no list; ${members.length} active members.`
    })
  }
}

const compareRef = (a: RowRef, b: RowRef): number =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : a.row - b.row

/** A date of the generator as the rules see it (a year-only date has no month and day). */
const partialOf = (x: PDate) => ({ year: x.y, month: x.m, day: x.m === null ? null : x.d })

/** Every record by id: active, inactive and the central duplicates (rows link to any of them). */
const recordsById = (d: Draft): Map<string, ProvinceMember> => new Map([...d.members, ...d.inactive, ...d.dupCopies].map((m) => [m.id, m]))

/**
 * Step 9. Findings the clerks' errors imply, by the rules' own definitions (Rules.ts
 * fieldMismatches): a birth date on a list that is neither the record's, nor the same date less
 * precise, nor day and month swapped — a digit mistyped, a date typed month-first (12/14/1957) —
 * is a FIELD_MISMATCH on any row of a record, whatever its status. A plain swap is planted too, as
 * a FIELD_MISMATCH marked `correction` (what a run that records no corrections reports); the
 * correction itself is planted by step 10. Rows whose date could not be read are left out.
 */
const plantImpliedMismatches = (d: Draft, files: ReadonlyArray<ProvinceFile>): void => {
  const byId = recordsById(d)
  const planted = new Set(d.cases.filter((c) => c.category === "FIELD_MISMATCH" && c.field === "Ngày sinh").flatMap((c) => c.tags))
  for (const f of files) {
    for (const r of f.rows) {
      const m = r.memberId === null ? undefined : byId.get(r.memberId)
      if (m === undefined || r.unreadable.includes("birth") || (r.tag !== undefined && planted.has(r.tag))) continue
      const central = partialOf(birthP(m))
      const listed = partialOf(r.birth)
      const swapped = birthCorrection(central, listed) === "SWAPPED"
      const agreement = datesAgree(central, listed)
      if (!swapped && (agreement === "EXACT" || agreement === "COMPATIBLE")) continue
      const t = r.tag ?? newTag(d)
      r.tag = t
      d.cases.push({
        category: "FIELD_MISMATCH", memberIds: [m.id], unitCode: m.unit, tags: [t], field: "Ngày sinh",
        note: `The clerk typed ${fullName(m)}'s birth date ${swapped ? "with day and month swapped" : `as ${formatDate(listed)} (${r.noise.filter((n) => n.startsWith("birth") || n === "swappedDayMonth").join(", ") || "another date"})`}.`,
        ...(swapped ? { correction: true as const } : {})
      })
    }
  }
}

/**
 * Step 10. The data corrections a run should record (Rules.ts corrections, same definitions): on
 * every row of a record, a birth date with day and month swapped or known to the year only on one
 * side (yearOnlyBirth; a month-first date against a record known to the year), a name differing
 * only in diacritics (noDiacritics; tone placement and letter case are no difference). One
 * correction per record, cell, field and value, citing every row that carries it, as the rules do.
 */
const plantCorrections = (d: Draft, files: ReadonlyArray<ProvinceFile>): void => {
  const byId = recordsById(d)
  const found = new Map<string, Pending>()
  const nameOf = new Map<ProvinceMember, ReturnType<typeof parseName>>()
  for (const f of files) {
    for (const r of f.rows) {
      const m = r.memberId === null ? undefined : byId.get(r.memberId)
      if (m === undefined) continue
      const add = (field: string, value: string, what: string) => {
        const key = JSON.stringify([m.id, f.unitCode, field, value])
        const t = r.tag ?? newTag(d)
        r.tag = t
        const seen = found.get(key)
        if (seen !== undefined) {
          seen.tags.push(t)
          return
        }
        const c: Pending = { category: "DATA_CORRECTION", memberIds: [m.id], unitCode: f.unitCode, tags: [t], field, note: `${fullName(m)}: ${what} (${value}).` }
        found.set(key, c)
        d.cases.push(c)
      }
      if (!r.unreadable.includes("birth")) {
        const listed = partialOf(r.birth)
        const kind = birthCorrection(partialOf(birthP(m)), listed)
        if (kind !== null) add("Ngày sinh", formatDate(listed), kind)
      }
      let central = nameOf.get(m)
      if (central === undefined) nameOf.set(m, (central = parseName(fullName(m))))
      const listed = parseName(f.capitals ? upper(r.name) : r.name)
      if (central !== null && listed !== null) {
        const kind = nameCorrection(central, listed)
        if (kind !== null) add("Họ và tên", listed.display, kind)
      }
    }
  }
}

/** Step 11. The model: planted cases and decoys cite the rows by file and row number. */
const finishModel = (d: Draft, files: ReadonlyArray<ProvinceFile>): ProvinceModel => {
  const refOf = new Map<string, RowRef>()
  for (const f of files) for (const r of f.rows) if (r.tag !== undefined) refOf.set(r.tag, { file: f.file, sheet: f.sheet, row: r.row })
  const refs = (tags: ReadonlyArray<string>) => tags.map((t) => refOf.get(t)!).sort(compareRef)
  return {
    seed: d.seed,
    asOf: AS_OF,
    habits: d.habits,
    units: d.units,
    members: [...d.members, ...d.inactive, ...d.dupCopies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    transfers: d.transfers,
    files,
    cases: d.cases.map(({ tags, ...c }) => ({
      category: c.category,
      memberIds: c.memberIds,
      unitCode: c.unitCode,
      rosterRows: refs(tags),
      ...(c.field === undefined ? {} : { field: c.field }),
      note: c.note,
      ...(c.correction ? { correction: true as const } : {}),
      ...(c.noise === undefined || c.noise.length === 0 ? {} : { noise: c.noise }),
      ...(c.acrossCommunes === undefined ? {} : { acrossCommunes: c.acrossCommunes }),
      ...(c.moveWithErrors === undefined ? {} : { moveWithErrors: c.moveWithErrors }),
      ...(c.crossProvince === undefined ? {} : { crossProvince: c.crossProvince })
    })),
    decoys: d.decoys.map((x) => ({
      kind: x.kind,
      memberIds: x.members.map((m) => m.id).sort(),
      ...(x.tags === undefined ? {} : { rosterRows: refs(x.tags) })
    }))
  }
}

/** Where a listed member's row sits relative to their central cell (truth.json's `move`). */
const moveOf = (d: { cellOf: ReadonlyMap<string, string>; communeOf: ReadonlyMap<string, string | null> }, f: ProvinceFile, r: ProvinceRow): TruthRow["move"] => {
  if (r.memberId === null) return undefined
  const home = d.cellOf.get(r.memberId)
  // A listed member with no record in this province's model has it in another province (National.ts).
  if (home === undefined) return "otherProvince"
  if (home === f.unitCode) return undefined
  return d.communeOf.get(home) === d.communeOf.get(f.unitCode) ? "sameCommune" : "otherCommune"
}

export const buildProvince = (opts: ProvinceOptions): ProvinceModel => {
  const rng = new Rng(opts.seed)
  const d: Draft = {
    rng, ctx: { rng, cccds: opts.ids?.cccds ?? new Set(), cards: opts.ids?.cards ?? new Set() }, seed: opts.seed, target: Math.max(200, Math.floor(opts.members)),
    provinceName: opts.provinceName ?? PROVINCE, crossProvince: opts.crossProvince,
    habits: drawProvinceHabits(rng), units: [], cells: [], communeNames: [], communeCodes: [], cellByCode: new Map(), cellsOfCommune: [],
    members: [], nActive: 0, inactive: [], dupCopies: [], transfers: [], pendingTransfers: [], decoys: [], cases: [],
    used: new Set(), omit: new Set(), overrides: new Map(), extra: new Map(), moves: new Map(), clerks: new Map(), capitals: new Map(), notSubmitted: new Set(), tagNo: 0
  }
  buildUnits(d)
  populateCells(d)
  plantHardNegatives(d)
  addInactive(d)
  assignIds(d)
  plantMissingAndGhosts(d)
  plantUnreportedMoves(d)
  plantCrossProvinceMoves(d)
  plantOverdueTransfers(d)
  plantCentralDuplicates(d)
  plantRosterDuplicates(d)
  plantFieldMismatches(d)
  plantStatusConflicts(d)
  plantPendingInWindow(d)
  plantTemporaryListings(d)
  plant213Listings(d)
  plantNotSubmitted(d)
  const files = writeRosterModel(d)
  plantImpliedMismatches(d, files)
  plantCorrections(d, files)
  return finishModel(d, files)
}

// ---------------------------------------------------------------------------
// In-memory records (the benchmark matches these without writing files)

const NO_WARNINGS: ReadonlyArray<string> = Object.freeze([])
/** Shared date objects, as the readers make them (Normalize/Date.ts partialDate). */
const partial = (x: PDate | null): PartialDate | null => (x === null ? null : partialDate(x.y, x.m, x.d))

export interface ProvinceRecords {
  readonly central: CentralData
  readonly rows: ReadonlyArray<RosterRow>
  /** Per row of `rows`: the true member id, or null. */
  readonly truth: ReadonlyArray<string | null>
}

/**
 * The model as ingestion would see it (names parsed by the same normaliser; legacy fonts already
 * decoded; a field typed unreadable is blank, as a reader that keeps the rest of the row leaves it).
 */
export const provinceRecords = (model: ProvinceModel): ProvinceRecords => {
  // One flat string per distinct hometown, as a reader would hold them (the model's are concatenations).
  const places = new Map<string, string>()
  const place = (h: string | null): string | null => {
    if (h === null) return null
    let p = places.get(h)
    if (p === undefined) places.set(h, (p = h))
    return p
  }
  const units = model.units.map((u) => ({ code: u.code, name: u.name, parentCode: u.parentCode, parentName: u.parentName }))
  const unitCodes = new Set(units.map((u) => u.code))
  const members: Array<CentralMember> = model.members.map((m, i) => ({
    id: m.id,
    name: parseName(fullName(m))!,
    birth: partial(birthP(m)),
    sex: m.sex,
    hometown: place(m.hometown),
    cccd: m.cccd,
    cardNo: m.cardNo,
    admitted: partial(m.admitted),
    official: partial(m.official),
    unitCode: m.unit,
    status: m.status,
    sourceRow: i + 2
  }))
  const rows: Array<RosterRow> = []
  const truth: Array<string | null> = []
  for (const f of model.files) {
    for (const r of f.rows) {
      const name = parseName(f.capitals ? upper(r.name) : r.name)
      if (name === null) continue
      const bad = (x: UnreadableField) => r.unreadable.includes(x)
      rows.push({
        file: f.file,
        sheet: f.sheet,
        row: r.row,
        unitCode: f.unitCode,
        kind: f.kind,
        name,
        birth: bad("birth") ? null : partial(r.birth),
        sex: bad("sex") ? null : r.sex,
        hometown: f.layout === "C" ? null : place(r.hometown),
        cccd: bad("cccd") ? null : r.cccd,
        cardNo: bad("cardNo") ? null : r.cardNo,
        admitted: bad("admitted") ? null : partial(r.admitted),
        official: f.layout === "A" || f.layout === "D" || f.layout === "V" ? partial(r.official) : null,
        note: r.note === "" ? null : r.note,
        exempt: false,
        warnings: NO_WARNINGS
      })
      truth.push(r.memberId)
    }
  }
  return {
    central: {
      members,
      units,
      transfers: model.transfers.map((t, i) => ({
        memberId: t.memberId,
        fromUnit: unitCodes.has(t.from) ? t.from : null,
        toUnit: unitCodes.has(t.to) ? t.to : null,
        kind: t.kind === "Chính thức" ? "OFFICIAL" : "TEMPORARY",
        introduced: partial(t.introduced),
        received: partial(t.received),
        sourceRow: i + 2
      }))
    },
    rows,
    truth
  }
}

// ---------------------------------------------------------------------------
// truth.json and the files

export const truthOf = (model: ProvinceModel): ProvinceTruth => {
  const cellOf = new Map(model.members.map((m) => [m.id, m.unit]))
  const communeOf = new Map(model.units.map((u) => [u.code, u.parentCode]))
  return {
    generator: "province",
    seed: model.seed,
    asOf: model.asOf,
    centralRecords: model.members.length,
    rosterFiles: model.files.length,
    habits: model.habits,
    files: model.files.map((f) => ({
      file: f.file, unitCode: f.unitCode, kind: f.kind, naming: f.naming, folderNaming: f.folderNaming, titleRows: f.titleRows, codeColumn: f.codeColumn, rows: f.rows.length
    })),
    rows: model.files.flatMap((f) =>
      f.rows.map((r) => {
        const move = moveOf({ cellOf, communeOf }, f, r)
        return {
          file: f.file,
          sheet: f.sheet,
          row: r.row,
          memberId: r.memberId,
          ...(r.noise.length > 0 ? { noise: r.noise } : {}),
          ...(r.unreadable.length > 0 ? { unreadable: r.unreadable } : {}),
          ...(move === undefined ? {} : { move })
        }
      })
    ),
    cases: model.cases,
    decoys: model.decoys
  }
}

/**
 * Writes central.xlsx, rosters/ and truth.json under outDir (deterministic: same seed and size,
 * same cells and the same truth). Returns the truth.
 */
export const generateProvince = async (opts: ProvinceOptions & { readonly out: string }): Promise<ProvinceTruth> => {
  const model = buildProvince(opts)
  await mkdir(opts.out, { recursive: true })
  await writeCentral(model, path.join(opts.out, "central.xlsx"))
  await writeRosters(model, path.join(opts.out, "rosters"))
  const truth = truthOf(model)
  await writeAtomic(path.join(opts.out, "truth.json"), JSON.stringify(truth))
  return truth
}
