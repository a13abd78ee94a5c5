/**
 * Deterministic generator of a synthetic province (Đảng bộ tỉnh Hồng Lam, fictional) at any size:
 * a central export, one official roster per cell (~25 members) in four of the commune's layouts,
 * and truth.json — which central member each roster row belongs to, and every planted
 * discrepancy, in the shape of samples/planted.json. Used to measure the matcher (evaluate,
 * bench), so errors are realistic (domain.md §6.4) and hard negatives are planted on purpose:
 * namesakes with the same birth year in the same commune, twins. Some cells type in legacy fonts
 * (TCVN3 .VnTime, VNI-Times). Legitimate double listings are planted as decoys that must not be
 * flagged: Quy định 213 residence-contact lists (workplace-cell members listed at the residential
 * cell where they live), temporary-membership lists backed by a "Tạm thời" transfer, and listings
 * at the destination inside a pending transfer's window.
 *
 * The model is built as plain data first (`buildProvince`), so the benchmark can turn it into
 * records in memory (`provinceRecords`) without writing files.
 */
import ExcelJS from "exceljs"
import { mkdir, rename, rm } from "node:fs/promises"
import * as path from "node:path"
import type { CentralData, CentralMember, MemberStatus, PartialDate, RosterKind, RosterRow, RowRef, Sex } from "../../src/Domain.js"
import { encodeTcvn3, encodeVni } from "../../src/Normalize/Encoding.js"
import { parseName } from "../../src/Normalize/Text.js"
import {
  addDays,
  addWorkingDays,
  addYears,
  AS_OF,
  AS_OF_YMD,
  dayNo,
  FAMILY,
  fmtDot,
  fmtSlash,
  fold,
  GIVEN_F,
  GIVEN_M,
  MIDDLE_F_OLD,
  MIDDLE_F_YOUNG,
  MIDDLE_M_OLD,
  MIDDLE_M_YOUNG,
  type PDate,
  type PlantedCase,
  type PlantedCategory,
  pinZipTimestamps,
  PROVINCES,
  randomDate,
  Rng,
  STATUS_TEXT,
  upper,
  writeAtomic,
  type Ymd,
  ymd,
  fullName,
  type IdCtx,
  type Member,
  newCccd,
  newCmnd
} from "./Commune.js"

// ---------------------------------------------------------------------------
// Public vocabulary

/** A: the official form; B: two-row header; C: CSV; D: layout A in TCVN3 (.VnTime); V: layout A in VNI-Windows (VNI-Times). */
export type ProvinceLayout = "A" | "B" | "C" | "D" | "V"

export interface ProvinceOptions {
  /** Active members wanted (inactive records, duplicates and decoys come on top, a few %). */
  readonly members: number
  readonly seed: number
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
  row: number
  tag?: string
}

export interface ProvinceFile {
  /** Relative to rosters/, with "/". */
  readonly file: string
  readonly unitCode: string
  readonly layout: ProvinceLayout
  /** Official list, Quy định 213 residence-contact list, or temporary-membership list (told by the title). */
  readonly kind: RosterKind
  readonly sheet: string
  readonly capitals: boolean
  readonly rows: Array<ProvinceRow>
}

export interface ProvinceModel {
  readonly seed: number
  readonly asOf: string
  readonly units: ReadonlyArray<ProvinceUnit>
  readonly members: ReadonlyArray<ProvinceMember>
  readonly transfers: ReadonlyArray<ProvinceTransfer>
  readonly files: ReadonlyArray<ProvinceFile>
  readonly cases: ReadonlyArray<PlantedCase>
  readonly decoys: ReadonlyArray<ProvinceDecoy>
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
}

export interface ProvinceTruth {
  readonly generator: "province"
  readonly seed: number
  readonly asOf: string
  readonly centralRecords: number
  readonly rosterFiles: number
  readonly rows: ReadonlyArray<TruthRow>
  readonly cases: ReadonlyArray<PlantedCase>
  readonly decoys: ReadonlyArray<ProvinceDecoy>
}

const PROVINCE = "Đảng bộ tỉnh Hồng Lam"
/** Files are stamped with this instant so reruns give identical bytes. */
const FIXED_STAMP = new Date(Date.UTC(2026, 9, 15, 0, 0, 0))

/** Rates per active member (planted discrepancies, realistic noise); see domain.md §6.4. */
const RATE = {
  missing: 0.004,
  notInCentral: 0.003,
  unreportedTransfer: 0.002,
  transferOverdue: 0.001,
  duplicateCentral: 0.002,
  duplicateRoster: 0.0015,
  fieldMismatchEach: 0.001,
  statusConflict: 0.002,
  pendingInWindow: 0.001,
  namesake: 0.005,
  twin: 0.002,
  inactive: 0.04,
  /** Share of workplace-cell members (schools, health, police) also on a 213 list where they live. */
  residence213: 0.2,
  /** Members on another cell's temporary list under a received "Tạm thời" transfer. */
  temporary: 0.003,
  /** The counterpart: on a temporary list with no "Tạm thời" transfer on record (UNREPORTED_TRANSFER). */
  temporaryWithoutTransfer: 0.0005
} as const

const NOISE = {
  dropDiacritics: 0.03,
  newTonePlacement: 0.3,
  iy: 0.5,
  hoangHuynh: 0.05,
  typo: 0.015,
  missingSpace: 0.005,
  nameInUse: 0.003,
  missingCccd: 0.06,
  missingCard: 0.04,
  yearOnlyOld: 0.3,
  admittedShift: 0.05,
  capitalsFile: 0.1
} as const

/** Official lists by layout (weights): TCVN3 files outnumber VNI ones in the north (domain.md §5.2). */
const LAYOUTS = [["A", 45], ["B", 20], ["C", 25], ["D", 10], ["V", 5]] as const
/** 213 and temporary lists carry their kind in the title, so they are never CSV (no title). */
const SPECIAL_LAYOUTS = [["A", 55], ["B", 25], ["D", 12], ["V", 8]] as const

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

interface CellDef {
  readonly code: string
  readonly name: string
  readonly commune: number
  readonly kind: "residential" | "school" | "health" | "police"
}

const communeName = (i: number): string => {
  const n = SYLLABLES.length
  const kind = COMMUNE_KINDS[Math.floor(i / (n * (n - 1))) % COMMUNE_KINDS.length]!
  const k = i % (n * (n - 1))
  const a = Math.floor(k / (n - 1))
  let b = k % (n - 1)
  if (b >= a) b++
  return `Đảng bộ ${kind} ${SYLLABLES[a]} ${SYLLABLES[b]}`
}

const cellNames = (rng: Rng, communeShort: string, count: number): Array<[string, CellDef["kind"]]> => {
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
const pickName = (rng: Rng, sex: Sex, year: number): { family: string; middle: string; given: string } => {
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

const makeMember = (
  ctx: Ctx,
  cell: CellDef,
  over: { sex?: Sex; birth?: Ymd; name?: { family: string; middle: string; given: string }; years?: readonly [number, number]; status?: MemberStatus; hometown?: string } = {}
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
  else cccd = newCccd(ctx, province, sex, birth.y)
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
// Realistic errors on roster rows (domain.md §6.4)

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

const typo = (rng: Rng, token: string): string => {
  if (token.length < 3) return token
  const i = rng.int(1, token.length - 1)
  return rng.chance(0.5) ? token.slice(0, i) + token[i] + token.slice(i) : token.slice(0, i) + token.slice(i + 1)
}

interface Named {
  family: string
  middle: string
  given: string
}

/** The name as a cell's clerk typed it, and which errors went in. */
const noisyName = (rng: Rng, m: ProvinceMember, allowSpaceLoss: boolean): { name: string; noise: Array<string> } => {
  const noise: Array<string> = []
  const n: Named = { family: m.family, middle: m.middle, given: m.given }
  if (rng.chance(NOISE.nameInUse)) {
    // The name in use differs from the birth name on the lý lịch (§1.1).
    n.given = pickName(rng, m.sex, m.birth.y).given
    if (n.given !== m.given) noise.push("nameInUse")
  }
  if (REGIONAL[n.family] !== undefined && rng.chance(NOISE.hoangHuynh)) {
    n.family = REGIONAL[n.family]!
    noise.push("regionalSurname")
  }
  const iy = iyVariant(n.given)
  if (iy !== n.given && rng.chance(NOISE.iy)) {
    n.given = iy
    noise.push("iy")
  }
  if (rng.chance(NOISE.typo)) {
    if (rng.chance(0.5)) n.family = typo(rng, n.family)
    else n.given = typo(rng, n.given)
    noise.push("typo")
  }
  let name = fullName(n)
  const toned = newTone(name)
  if (toned !== name && rng.chance(NOISE.newTonePlacement)) {
    name = toned
    noise.push("newTone")
  }
  if (rng.chance(NOISE.dropDiacritics)) {
    name = stripMarks(name)
    noise.push("noDiacritics")
  }
  if (allowSpaceLoss && n.middle !== "" && rng.chance(NOISE.missingSpace)) {
    name = name.replace(" ", "")
    noise.push("missingSpace")
  }
  return { name, noise }
}

const pdate = (x: Ymd): PDate => ({ y: x.y, m: x.m, d: x.d })
const birthP = (m: ProvinceMember): PDate => (m.birthYearOnly ? { y: m.birth.y, m: null, d: null } : pdate(m.birth))

/** The row a cell would write for a member: faithful, with realistic noise unless `clean`. */
const rowFor = (rng: Rng, m: ProvinceMember, file: { capitals: boolean } | null, over: Partial<ProvinceRow> = {}, clean = false): ProvinceRow => {
  const noise: Array<string> = []
  let name = fullName(m)
  let birth = birthP(m)
  let cccd = m.cccd
  let cardNo = m.cardNo
  let admitted = m.admitted
  if (!clean) {
    const nn = noisyName(rng, m, file === null || !file.capitals)
    name = nn.name
    noise.push(...nn.noise)
    if (!m.birthYearOnly && m.birth.y < 1950 && rng.chance(NOISE.yearOnlyOld)) {
      birth = { y: m.birth.y, m: null, d: null }
      noise.push("yearOnlyBirth")
    }
    if (cccd !== null && rng.chance(NOISE.missingCccd)) {
      cccd = null
      noise.push("missingCccd")
    }
    if (cardNo !== null && rng.chance(NOISE.missingCard)) {
      cardNo = null
      noise.push("missingCard")
    }
    // Ngày vào Đảng may be the decision or the ceremony date (§1.2): up to 30 working days apart.
    if (rng.chance(NOISE.admittedShift)) {
      admitted = addWorkingDays(m.admitted, rng.int(3, 25))
      noise.push("admittedShift")
    }
  }
  // Fields forced by a planted case are not noise.
  const kept = noise.filter(
    (n) => !((n === "missingCccd" && "cccd" in over) || (n === "missingCard" && "cardNo" in over) || (n === "yearOnlyBirth" && "birth" in over))
  )
  return {
    memberId: m.id,
    name,
    birth,
    zeroDayMonth: m.birthYearOnly && rng.chance(0.3),
    sex: m.sex,
    hometown: m.hometown,
    cccd,
    cardNo,
    admitted,
    official: m.official,
    note: m.official === null ? "Dự bị" : "",
    noise: kept,
    row: 0,
    ...over
  }
}

// ---------------------------------------------------------------------------
// The model

const EXTERNAL_UNITS = [
  "Đảng bộ phường Nam Thành, tỉnh Ninh Bình",
  "Đảng bộ xã Hải Hưng, tỉnh Ninh Bình",
  "Đảng bộ phường Hoàng Liệt, TP Hà Nội",
  "Đảng bộ xã Diễn Hồng, tỉnh Nghệ An"
]

const countFor = (rate: number, n: number): number => Math.max(2, Math.round(rate * n))

export const buildProvince = (opts: ProvinceOptions): ProvinceModel => {
  const rng = new Rng(opts.seed)
  const ctx: Ctx = { rng, cccds: new Set(), cards: new Set() }
  const target = Math.max(200, Math.floor(opts.members))

  // Units: ~25 members per cell, ~40 cells per commune.
  const nCells = Math.max(4, Math.round(target / 25))
  const nCommunes = Math.max(1, Math.round(nCells / 40))
  const units: Array<ProvinceUnit> = [{ code: "TU", name: PROVINCE, parentCode: null, parentName: null }]
  const cells: Array<CellDef> = []
  const communeNames: Array<string> = []
  for (let c = 0; c < nCommunes; c++) {
    const name = communeName(c)
    communeNames.push(name)
    const code = `DB${String(c + 1).padStart(4, "0")}`
    units.push({ code, name, parentCode: "TU", parentName: PROVINCE })
    const count = Math.floor(nCells / nCommunes) + (c < nCells % nCommunes ? 1 : 0)
    const short = name.replace(/^Đảng bộ (xã|phường|thị trấn) /, "")
    for (const [cellName, kind] of cellNames(rng, short, count)) {
      const cellCode = `CB${String(cells.length + 1).padStart(6, "0")}`
      cells.push({ code: cellCode, name: cellName, commune: c, kind })
      units.push({ code: cellCode, name: cellName, parentCode: code, parentName: name })
    }
  }
  const cellByCode = new Map(cells.map((c) => [c.code, c]))
  const cellsOfCommune: Array<Array<CellDef>> = communeNames.map(() => [])
  for (const c of cells) cellsOfCommune[c.commune]!.push(c)

  // Active members, spread over cells with sizes 10–45.
  const members: Array<ProvinceMember> = []
  const weights = cells.map(() => 10 + rng.next() * 35)
  const wTotal = weights.reduce((a, b) => a + b, 0)
  cells.forEach((cell, i) => {
    const n = Math.max(3, Math.round((weights[i]! / wTotal) * target))
    for (let k = 0; k < n; k++) members.push(makeMember(ctx, cell))
  })
  const nActive = members.length

  // Hard negatives: namesakes (same name, sex, birth year, same commune, different person) and twins.
  const decoys: Array<{ kind: string; members: Array<ProvinceMember>; tags?: Array<string> }> = []
  for (let k = 0; k < countFor(RATE.namesake, nActive); k++) {
    const a = members[rng.int(0, nActive - 1)]!
    const cell = rng.pick(cellsOfCommune[cellByCode.get(a.unit)!.commune]!)
    const b = makeMember(ctx, cell, { sex: a.sex, name: { family: a.family, middle: a.middle, given: a.given }, years: [a.birth.y, a.birth.y] })
    if (b.birth.m === a.birth.m && b.birth.d === a.birth.d) b.birth = { ...b.birth, d: (b.birth.d % 28) + 1 }
    members.push(b)
    decoys.push({ kind: "NAMESAKE_SAME_BIRTH_YEAR_SAME_COMMUNE", members: [a, b] })
  }
  for (let k = 0; k < countFor(RATE.twin, nActive); k++) {
    const a = members[rng.int(0, nActive - 1)]!
    const cell = cellByCode.get(a.unit)!
    let given = pickName(rng, a.sex, a.birth.y).given
    while (given === a.given) given = pickName(rng, a.sex, a.birth.y).given
    const b = makeMember(ctx, cell, { sex: a.sex, birth: a.birth, name: { family: a.family, middle: a.middle, given }, hometown: a.hometown })
    b.birthYearOnly = a.birthYearOnly
    members.push(b)
    decoys.push({ kind: "TWIN", members: [a, b] })
  }

  // Inactive records (kept in the database with their last cell).
  const inactive: Array<ProvinceMember> = []
  const transfers: Array<ProvinceTransfer> = []
  const pendingTransfers: Array<{ m: ProvinceMember; to: string; introduced: Ymd; received: Ymd | null; kind: "Chính thức" }> = []
  for (let k = 0; k < Math.round(RATE.inactive * nActive); k++) {
    const cell = cells[rng.int(0, cells.length - 1)]!
    const status = rng.weighted([["DECEASED", 5], ["TRANSFERRED_OUT", 3], ["REMOVED", 1], ["LEFT", 0.5]] as const)
    const m = makeMember(ctx, cell, status === "DECEASED" ? { status, years: [1928, 1955] } : { status })
    inactive.push(m)
  }

  // Ids: shuffled so the id order says nothing about the cell.
  const all = [...members, ...inactive]
  const order = rng.shuffle(all.map((_, i) => i))
  order.forEach((pos, i) => {
    // 8 digits: up to ~40 million records stay below the duplicates' range (9xxxxxxx).
    all[pos]!.id = `DV${10_000_001 + i * 2 + rng.int(0, 1)}`
  })
  for (const m of inactive) {
    if (m.status !== "TRANSFERRED_OUT") continue
    const introduced = randomDate(rng, ymd(2022, 1, 1), ymd(2026, 3, 31))
    transfers.push({ memberId: m.id, from: m.unit, to: rng.pick(EXTERNAL_UNITS), kind: "Chính thức", introduced, received: addDays(introduced, rng.int(5, 25)) })
  }

  // ---- planted cases ---------------------------------------------------------------
  const used = new Set<ProvinceMember>(decoys.flatMap((d) => d.members))
  const take = (pred: (m: ProvinceMember) => boolean = () => true): ProvinceMember => {
    for (let tries = 0; tries < 100_000; tries++) {
      const m = members[rng.int(0, members.length - 1)]!
      if (used.has(m) || m.status !== "ACTIVE" || m.official === null || !pred(m)) continue
      used.add(m)
      return m
    }
    throw new Error("province too small for the planted cases")
  }
  const withIds = (m: ProvinceMember) => m.cccd !== null && m.cccd.length === 12 && m.cardNo !== null
  const working = (m: ProvinceMember) => m.birth.y >= 1961 && m.birth.y <= 1996 && !m.birthYearOnly
  const otherCell = (m: ProvinceMember): CellDef => {
    const own = cellByCode.get(m.unit)!
    const pool = rng.chance(0.5) ? cellsOfCommune[own.commune]! : cells
    for (;;) {
      const c = rng.pick(pool)
      if (c.code !== m.unit) return c
    }
  }

  type Pending = { category: PlantedCategory; memberIds: Array<string>; unitCode: string; tags: Array<string>; field?: string; note: string }
  const cases: Array<Pending> = []
  const omit = new Set<ProvinceMember>()
  const overrides = new Map<ProvinceMember, { over: Partial<ProvinceRow>; clean: boolean }>()
  const extra = new Map<string, Array<ProvinceRow>>()
  const addExtra = (unit: string, row: ProvinceRow) => {
    const xs = extra.get(unit) ?? []
    xs.push(row)
    extra.set(unit, xs)
  }
  let tagNo = 0
  const tag = () => `t${tagNo++}`

  for (let k = 0; k < countFor(RATE.missing, nActive); k++) {
    const m = take()
    omit.add(m)
    cases.push({ category: "MISSING_FROM_ROSTER", memberIds: [m.id], unitCode: m.unit, tags: [], note: `${fullName(m)} is on no list.` })
  }
  for (let k = 0; k < countFor(RATE.notInCentral, nActive); k++) {
    const cell = rng.pick(cells)
    const ghost = makeMember(ctx, cell)
    const t = tag()
    addExtra(cell.code, { ...rowFor(rng, ghost, null), memberId: null, tag: t })
    cases.push({ category: "NOT_IN_CENTRAL", memberIds: [], unitCode: cell.code, tags: [t], note: `${fullName(ghost)} is listed but not in the database.` })
  }
  for (let k = 0; k < countFor(RATE.unreportedTransfer, nActive); k++) {
    const m = take((x) => working(x) && withIds(x))
    const to = otherCell(m)
    omit.add(m)
    const t = tag()
    addExtra(to.code, rowFor(rng, m, null, { tag: t, note: "Chuyển đến" }))
    cases.push({ category: "UNREPORTED_TRANSFER", memberIds: [m.id], unitCode: to.code, tags: [t], note: `${fullName(m)} moved ${m.unit} → ${to.code} without a transfer on record.` })
  }
  for (let k = 0; k < countFor(RATE.transferOverdue, nActive); k++) {
    const m = take(working)
    omit.add(m)
    const inside = rng.chance(0.7)
    const to = inside ? otherCell(m).code : rng.pick(EXTERNAL_UNITS)
    const introduced = randomDate(rng, ymd(2026, 1, 5), ymd(2026, 7, 31))
    pendingTransfers.push({ m, to, introduced, received: null, kind: "Chính thức" })
    cases.push({ category: "TRANSFER_OVERDUE", memberIds: [m.id], unitCode: inside ? to : m.unit, tags: [], note: `Transfer ${m.unit} → ${to} introduced ${fmtSlash(introduced)}, never received.` })
  }
  const dupCopies: Array<ProvinceMember> = []
  let dupNo = 0
  for (let k = 0; k < countFor(RATE.duplicateCentral, nActive); k++) {
    const m = take((x) => withIds(x) && working(x))
    const variant = k % 3
    // Re-entered records were created later: ids above the generated range, never colliding with it.
    const id = `DV${90_000_001 + dupNo++ * 2}`
    let copy: ProvinceMember
    if (variant === 0) copy = { ...m, id, given: stripMarks(m.given) === m.given ? typo(rng, m.given) : stripMarks(m.given), cardNo: null }
    else if (variant === 1) copy = { ...m, id, cccd: null, cardNo: null }
    else {
      copy = { ...m, id, cccd: newCmnd(ctx), unit: otherCell(m).code, status: "TRANSFERRED_OUT" }
      transfers.push({ memberId: id, from: copy.unit, to: EXTERNAL_UNITS[3]!, kind: "Chính thức", introduced: ymd(2019, 4, 8), received: ymd(2019, 4, 22) })
    }
    dupCopies.push(copy)
    // The listed row carries the original's identifiers, so it can only be the original (as in the commune).
    overrides.set(m, { over: { cccd: m.cccd, cardNo: m.cardNo }, clean: false })
    // The database finding cites the cell of the record with the smaller id (README convention).
    cases.push({ category: "DUPLICATE_CENTRAL", memberIds: [m.id, copy.id].sort(), unitCode: m.id < copy.id ? m.unit : copy.unit, tags: [], note: `${fullName(m)} entered twice (variant ${variant}).` })
  }
  for (let k = 0; k < countFor(RATE.duplicateRoster, nActive); k++) {
    const m = take(working)
    const other = otherCell(m)
    const own = tag()
    const t = tag()
    overrides.set(m, { over: { tag: own }, clean: false })
    addExtra(other.code, rowFor(rng, m, null, { tag: t }))
    cases.push({ category: "DUPLICATE_ROSTER", memberIds: [m.id], unitCode: m.unit, tags: [own, t], note: `${fullName(m)} is on two official lists.` })
  }
  const fm = (field: string, pred: (m: ProvinceMember) => boolean, change: (m: ProvinceMember) => Partial<ProvinceRow>) => {
    for (let k = 0; k < countFor(RATE.fieldMismatchEach, nActive); k++) {
      const m = take((x) => withIds(x) && working(x) && pred(x))
      const t = tag()
      // The other identifiers agree (as in the commune), so the finding is about one field only.
      overrides.set(m, { over: { cccd: m.cccd, cardNo: m.cardNo, birth: pdate(m.birth), tag: t, ...change(m) }, clean: false })
      cases.push({ category: "FIELD_MISMATCH", memberIds: [m.id], unitCode: m.unit, tags: [t], field, note: `${field} differs.` })
    }
  }
  fm("Ngày sinh", (m) => m.birth.d <= 12 && m.birth.d !== m.birth.m, (m) => ({ birth: { y: m.birth.y, m: m.birth.d, d: m.birth.m } }))
  fm("Ngày sinh", (m) => m.birth.d <= 20, (m) => ({ birth: { y: m.birth.y, m: m.birth.m, d: m.birth.d + 7 } }))
  fm("Số CCCD", () => true, (m) => {
    const c = m.cccd!
    let typoed = c
    for (let d = 3; ctx.cccds.has(typoed); d++) typoed = `${c.slice(0, 9)}${(Number(c[9]) + d) % 10}${c.slice(10)}`
    return { cccd: typoed }
  })
  fm("Số thẻ đảng viên", (m) => m.cardNo![4] !== m.cardNo![5], (m) => {
    const c = m.cardNo!
    return { cardNo: `${c.slice(0, 4)}${c[5]}${c[4]}${c.slice(6)}` }
  })
  for (let k = 0; k < countFor(RATE.statusConflict, nActive); k++) {
    const m = inactive[rng.int(0, inactive.length - 1)]!
    if (used.has(m)) continue
    used.add(m)
    const t = tag()
    addExtra(m.unit, rowFor(rng, m, null, { tag: t, note: "" }))
    cases.push({ category: "STATUS_CONFLICT", memberIds: [m.id], unitCode: m.unit, tags: [t], field: "Trạng thái", note: `${fullName(m)} is "${STATUS_TEXT[m.status]}" but listed.` })
  }
  // Decoy: pending official transfer inside its 30-working-day window, already on both lists.
  for (let k = 0; k < countFor(RATE.pendingInWindow, nActive); k++) {
    const m = take(working)
    const to = otherCell(m)
    const introduced = randomDate(rng, ymd(2026, 10, 15), ymd(2026, 10, 28))
    pendingTransfers.push({ m, to: to.code, introduced, received: null, kind: "Chính thức" })
    const t = tag()
    addExtra(to.code, rowFor(rng, m, null, { note: "Chuyển đến", tag: t }))
    decoys.push({ kind: "PENDING_TRANSFER_IN_WINDOW", members: [m], tags: [t] })
  }
  // Decoy: temporary membership (3 months to 2 years, domain.md §2) at another cell with a received
  // "Tạm thời" transfer; the member stays on the home cell's official list.
  const tempRows = new Map<string, Array<ProvinceRow>>()
  for (let k = 0; k < countFor(RATE.temporary, nActive); k++) {
    const m = take(working)
    const host = otherCell(m)
    const introduced = randomDate(rng, ymd(2025, 6, 1), ymd(2026, 9, 30))
    const received = addWorkingDays(introduced, rng.int(2, 15))
    transfers.push({ memberId: m.id, from: m.unit, to: host.code, kind: "Tạm thời", introduced, received })
    const t = tag()
    const xs = tempRows.get(host.code) ?? []
    xs.push(rowFor(rng, m, null, { tag: t, note: `Sinh hoạt tạm thời từ ${fmtSlash(received)} (từ ${cellByCode.get(m.unit)!.name})` }))
    tempRows.set(host.code, xs)
    decoys.push({ kind: "TEMPORARY_WITH_TRANSFER", members: [m], tags: [t] })
  }
  for (let k = 0; k < countFor(RATE.temporaryWithoutTransfer, nActive); k++) {
    const m = take(working)
    const host = otherCell(m)
    const t = tag()
    const xs = tempRows.get(host.code) ?? []
    xs.push(rowFor(rng, m, null, { tag: t, note: `Sinh hoạt tạm thời (từ ${cellByCode.get(m.unit)!.name})` }))
    tempRows.set(host.code, xs)
    cases.push({
      category: "UNREPORTED_TRANSFER",
      memberIds: [m.id],
      unitCode: host.code,
      tags: [t],
      note: `${fullName(m)} is on the temporary list of ${host.code} with no Tạm thời transfer from ${m.unit} on record.`
    })
  }
  // Decoy: Quy định 213 — workplace-cell members keep contact with a residential cell of their commune
  // and are listed there too (Hướng dẫn 33: police in barracks are exempt from it, so fewer of them).
  const rows213 = new Map<string, Array<ProvinceRow>>()
  for (const m of members) {
    const home = cellByCode.get(m.unit)!
    if (home.kind === "residential" || used.has(m) || m.status !== "ACTIVE") continue
    if (!rng.chance(home.kind === "police" ? RATE.residence213 / 2 : RATE.residence213)) continue
    const residential = cellsOfCommune[home.commune]!.filter((c) => c.kind === "residential")
    if (residential.length === 0) continue
    used.add(m)
    const where = rng.pick(residential)
    const t = tag()
    const xs = rows213.get(where.code) ?? []
    xs.push(rowFor(rng, m, null, { tag: t, note: `Đảng viên ${home.name}` }))
    rows213.set(where.code, xs)
    decoys.push({ kind: "RESIDENCE_213", members: [m], tags: [t] })
  }
  for (const p of pendingTransfers) transfers.push({ memberId: p.m.id, from: p.m.unit, to: p.to, kind: p.kind, introduced: p.introduced, received: p.received })

  // ---- roster files ------------------------------------------------------------------
  const byCell = new Map<string, Array<ProvinceMember>>()
  for (const m of members) {
    if (m.status !== "ACTIVE" || omit.has(m)) continue
    const xs = byCell.get(m.unit) ?? []
    xs.push(m)
    byCell.set(m.unit, xs)
  }
  const files: Array<ProvinceFile> = []
  for (const cell of cells) {
    const layout: ProvinceLayout = rng.weighted(LAYOUTS)
    const capitals = layout !== "C" && rng.chance(NOISE.capitalsFile)
    const commune = communeNames[cell.commune]!
    const folder = commune
    const baseName =
      layout === "C" ? `${cell.code}_${fold(cell.name).replace(/[^a-z0-9]+/g, "_")}.csv`
      : layout === "D" ? `${cell.name} (font VnTime).xlsx`
      : layout === "V" ? `DS ${cell.name.replace(/^Chi bộ /, "")} (VNI).xlsx`
      : layout === "A" ? `DS đảng viên ${cell.name.replace(/^Chi bộ /, "")}.xlsx`
      : `${cell.name.replace(/^Chi bộ /, "")}.xlsx`
    const sheet = layout === "C" ? baseName.replace(/\.[^.]+$/, "") : layout === "B" ? "Sheet1" : "Danh sách"
    const f = { capitals }
    const own = (byCell.get(cell.code) ?? [])
      .sort((a, b) => dayNo(a.admitted) - dayNo(b.admitted) || (a.id < b.id ? -1 : 1))
      .map((m) => {
        const o = overrides.get(m)
        return rowFor(rng, m, f, o?.over ?? {}, o?.clean ?? false)
      })
    const rows = [...own, ...(extra.get(cell.code) ?? [])]
    const first = layout === "C" ? 2 : 9
    rows.forEach((r, i) => {
      r.row = first + i
    })
    files.push({ file: `${folder}/${baseName}`, unitCode: cell.code, layout, kind: "OFFICIAL", sheet, capitals, rows })
    const short = cell.name.replace(/^Chi bộ /, "")
    for (const [kind, list, name] of [
      ["RESIDENCE_213", rows213.get(cell.code), `DS đảng viên 213 ${short}.xlsx`],
      ["TEMPORARY", tempRows.get(cell.code), `DS sinh hoạt tạm thời ${short}.xlsx`]
    ] as const) {
      if (list === undefined) continue
      const special: ProvinceLayout = rng.weighted(SPECIAL_LAYOUTS)
      list.forEach((r, i) => {
        r.row = 9 + i
      })
      files.push({
        file: `${folder}/${name}`,
        unitCode: cell.code,
        layout: special,
        kind,
        sheet: special === "B" ? "Sheet1" : "Danh sách",
        capitals: false,
        rows: list
      })
    }
  }

  const refOf = new Map<string, RowRef>()
  for (const f of files) for (const r of f.rows) if (r.tag !== undefined) refOf.set(r.tag, { file: f.file, sheet: f.sheet, row: r.row })
  const compareRef = (a: RowRef, b: RowRef): number =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : a.row - b.row
  const allMembers = [...all, ...dupCopies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return {
    seed: opts.seed,
    asOf: AS_OF,
    units,
    members: allMembers,
    transfers,
    files,
    cases: cases.map((c) => ({
      category: c.category,
      memberIds: c.memberIds,
      unitCode: c.unitCode,
      rosterRows: c.tags.map((t) => refOf.get(t)!).sort(compareRef),
      ...(c.field === undefined ? {} : { field: c.field }),
      note: c.note
    })),
    decoys: decoys.map((d) => ({
      kind: d.kind,
      memberIds: d.members.map((m) => m.id).sort(),
      ...(d.tags === undefined ? {} : { rosterRows: d.tags.map((t) => refOf.get(t)!).sort(compareRef) })
    }))
  }
}

// ---------------------------------------------------------------------------
// In-memory records (the benchmark matches these without writing files)

const partial = (d: PDate | null): PartialDate | null => (d === null ? null : { year: d.y, month: d.m, day: d.d })

export interface ProvinceRecords {
  readonly central: CentralData
  readonly rows: ReadonlyArray<RosterRow>
  /** Per row of `rows`: the true member id, or null. */
  readonly truth: ReadonlyArray<string | null>
}

/** The model as ingestion would see it (names parsed by the same normaliser; legacy fonts already decoded). */
export const provinceRecords = (model: ProvinceModel): ProvinceRecords => {
  const units = model.units.map((u) => ({ code: u.code, name: u.name, parentCode: u.parentCode, parentName: u.parentName }))
  const unitCodes = new Set(units.map((u) => u.code))
  const members: Array<CentralMember> = model.members.map((m, i) => ({
    id: m.id,
    name: parseName(fullName(m))!,
    birth: partial(birthP(m)),
    sex: m.sex,
    hometown: m.hometown,
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
      rows.push({
        file: f.file,
        sheet: f.sheet,
        row: r.row,
        unitCode: f.unitCode,
        kind: f.kind,
        name,
        birth: partial(r.birth),
        sex: r.sex,
        hometown: f.layout === "C" ? null : r.hometown,
        cccd: r.cccd,
        cardNo: r.cardNo,
        admitted: partial(r.admitted),
        official: f.layout === "A" || f.layout === "D" || f.layout === "V" ? partial(r.official) : null,
        note: r.note === "" ? null : r.note,
        exempt: false,
        warnings: []
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
// Writing

const FONT = "Times New Roman"

const newWorkbook = (): ExcelJS.Workbook => {
  const wb = new ExcelJS.Workbook()
  wb.creator = "Hồng Lam"
  wb.lastModifiedBy = "Hồng Lam"
  wb.created = FIXED_STAMP
  wb.modified = FIXED_STAMP
  return wb
}

const setCell = (cell: ExcelJS.Cell, value: string | number | null, font = FONT, bold = false) => {
  cell.value = value
  cell.font = { name: font, size: 12, bold }
}

const parentNameOf = (model: ProvinceModel, code: string): { cell: ProvinceUnit; parent: ProvinceUnit } => {
  const cell = model.units.find((u) => u.code === code)!
  return { cell, parent: model.units.find((u) => u.code === cell.parentCode)! }
}

/** The list's title: ingestion tells 213 and temporary lists from official ones by it. */
const TITLE: Record<RosterKind, string> = {
  OFFICIAL: "DANH SÁCH ĐẢNG VIÊN",
  RESIDENCE_213: "DANH SÁCH ĐẢNG VIÊN GIỮ MỐI LIÊN HỆ VỚI CHI BỘ NƠI CƯ TRÚ (QUY ĐỊNH 213-QĐ/TW)",
  TEMPORARY: "DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI"
}

/**
 * Layouts A, D and V (D: every text cell in TCVN3 bytes, .VnTime; capitals as lowercase codes in
 * .VnTimeH. V: every text cell in VNI-Windows, VNI-Times, which has capitals of its own).
 */
const writeFormA = (ws: ExcelJS.Worksheet, f: ProvinceFile, units: { cell: ProvinceUnit; parent: ProvinceUnit }): void => {
  const tcvn = f.layout === "D"
  const vni = f.layout === "V"
  const textFont = tcvn ? ".VnTime" : vni ? "VNI-Times" : FONT
  const put = (r: number, c: number, s: string | null, bold = false) => {
    if (s === null) return setCell(ws.getCell(r, c), null, textFont)
    const allCaps = s === upper(s) && /[A-ZĐ]/.test(s)
    if (vni) return setCell(ws.getCell(r, c), encodeVni(s), textFont, bold)
    if (!tcvn) return setCell(ws.getCell(r, c), s, FONT, bold)
    if (allCaps) return setCell(ws.getCell(r, c), encodeTcvn3(s.toLocaleLowerCase("vi")), ".VnTimeH", bold)
    setCell(ws.getCell(r, c), encodeTcvn3(s), textFont, bold)
  }
  put(1, 1, upper(units.parent.name), true)
  put(1, 10, "ĐẢNG CỘNG SẢN VIỆT NAM", true)
  put(2, 1, upper(units.cell.name), true)
  put(4, 1, TITLE[f.kind], true)
  put(5, 1, "ngày 15 tháng 10 năm 2026")
  const headers = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"]
  headers.forEach((h, i) => put(7, i + 1, h, true))
  headers.forEach((_, i) => setCell(ws.getCell(8, i + 1), i + 1, textFont))
  const dateText = (d: PDate | null, zero: boolean): string | null =>
    d === null ? null : d.m === null || d.d === null ? (zero ? `00/00/${d.y}` : String(d.y)) : fmtSlash(d)
  f.rows.forEach((r, i) => {
    const n = r.row
    setCell(ws.getCell(n, 1), i + 1, textFont)
    put(n, 2, f.capitals ? upper(r.name) : r.name)
    put(n, 3, dateText(r.birth, r.zeroDayMonth))
    put(n, 4, r.sex === "M" ? "Nam" : "Nữ")
    put(n, 5, r.hometown)
    setCell(ws.getCell(n, 6), r.cccd, textFont)
    setCell(ws.getCell(n, 7), r.cardNo, textFont)
    put(n, 8, dateText(pdate(r.admitted), false))
    put(n, 9, r.official === null ? null : dateText(pdate(r.official), false))
    if (r.note !== "") put(n, 10, r.note)
  })
  const total = 9 + f.rows.length
  put(total, 1, `Tổng cộng: ${f.rows.length} đồng chí`, true)
}

/** Layout B: two-row header, the birth date under Nam or Nữ, card numbers as numbers, dd.mm.yyyy. */
const writeFormB = (ws: ExcelJS.Worksheet, f: ProvinceFile, units: { cell: ProvinceUnit; parent: ProvinceUnit }): void => {
  setCell(ws.getCell("A1"), upper(units.parent.name), FONT, true)
  setCell(ws.getCell("I1"), "ĐẢNG CỘNG SẢN VIỆT NAM", FONT, true)
  setCell(ws.getCell("A2"), upper(units.cell.name), FONT, true)
  setCell(ws.getCell("A4"), TITLE[f.kind], FONT, true)
  for (const [col, h] of [["A", "STT"], ["B", "Họ và tên"], ["E", "Quê quán"], ["F", "Số thẻ ĐV"], ["G", "CCCD"], ["H", "Ngày vào Đảng"], ["I", "Ghi chú"]] as const) {
    ws.mergeCells(`${col}7:${col}8`)
    setCell(ws.getCell(`${col}7`), h, FONT, true)
  }
  ws.mergeCells("C7:D7")
  setCell(ws.getCell("C7"), "Ngày sinh", FONT, true)
  setCell(ws.getCell("C8"), "Nam", FONT, true)
  setCell(ws.getCell("D8"), "Nữ", FONT, true)
  f.rows.forEach((r, i) => {
    const n = r.row
    setCell(ws.getCell(n, 1), i + 1)
    setCell(ws.getCell(n, 2), f.capitals ? upper(r.name) : r.name)
    setCell(ws.getCell(n, r.sex === "M" ? 3 : 4), r.zeroDayMonth && r.birth.m === null ? `00.00.${r.birth.y}` : fmtDot(r.birth))
    setCell(ws.getCell(n, 5), r.hometown)
    // Excel turned the card numbers into numbers and dropped the leading zeros.
    setCell(ws.getCell(n, 6), r.cardNo === null ? null : Number(r.cardNo))
    setCell(ws.getCell(n, 7), r.cccd)
    setCell(ws.getCell(n, 8), fmtDot(pdate(r.admitted)))
    if (r.note !== "") setCell(ws.getCell(n, 9), r.note)
  })
}

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

const csvText = (f: ProvinceFile): string => {
  const lines = [["Mã chi bộ", "STT", "Họ tên", "Ngày sinh", "Giới tính", "CCCD", "Số thẻ", "Ngày vào Đảng", "Ghi chú"].join(",")]
  f.rows.forEach((r, i) => {
    const birth = r.zeroDayMonth && r.birth.m === null ? `00/00/${r.birth.y}` : fmtSlash(r.birth)
    lines.push([f.unitCode, String(i + 1), r.name, birth, r.sex === "M" ? "Nam" : "Nữ", r.cccd ?? "", r.cardNo ?? "", fmtSlash(pdate(r.admitted)), r.note].map(csvField).join(","))
  })
  return `\uFEFF${lines.join("\r\n")}\r\n`
}

/** central.xlsx through exceljs's streaming writer: memory stays flat at a million rows. */
const writeCentral = async (model: ProvinceModel, file: string): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp-${process.pid}`
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: false, useSharedStrings: false })
  wb.created = FIXED_STAMP
  wb.modified = FIXED_STAMP
  const dv = wb.addWorksheet("DangVien")
  dv.addRow(["Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Trạng thái"]).commit()
  for (const m of model.members) {
    dv.addRow([
      m.id, fullName(m), fmtSlash(birthP(m)), m.sex === "M" ? "Nam" : "Nữ", m.hometown, m.cccd, m.cardNo,
      fmtSlash(m.admitted), m.official === null ? null : fmtSlash(m.official), m.unit, STATUS_TEXT[m.status]
    ]).commit()
  }
  dv.commit()
  const cb = wb.addWorksheet("ChiBo")
  cb.addRow(["Mã chi bộ", "Tên chi bộ", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên"]).commit()
  for (const u of model.units) cb.addRow([u.code, u.name, u.parentCode, u.parentName]).commit()
  cb.commit()
  const cs = wb.addWorksheet("ChuyenSinhHoat")
  cs.addRow(["Mã đảng viên", "Từ chi bộ", "Đến chi bộ", "Loại", "Ngày giới thiệu", "Ngày tiếp nhận"]).commit()
  for (const t of model.transfers) {
    cs.addRow([t.memberId, t.from, t.to, t.kind, fmtSlash(t.introduced), t.received === null ? null : fmtSlash(t.received)]).commit()
  }
  cs.commit()
  await wb.commit()
  await rename(tmp, file)
}

const writeRosterFile = async (rostersDir: string, model: ProvinceModel, f: ProvinceFile): Promise<void> => {
  const target = path.join(rostersDir, ...f.file.split("/"))
  if (f.layout === "C") return writeAtomic(target, csvText(f))
  const wb = newWorkbook()
  const ws = wb.addWorksheet(f.sheet)
  const units = parentNameOf(model, f.unitCode)
  if (f.layout === "B") writeFormB(ws, f, units)
  else writeFormA(ws, f, units)
  await writeAtomic(target, pinZipTimestamps(Buffer.from(await wb.xlsx.writeBuffer())))
}

export const truthOf = (model: ProvinceModel): ProvinceTruth => ({
  generator: "province",
  seed: model.seed,
  asOf: model.asOf,
  centralRecords: model.members.length,
  rosterFiles: model.files.length,
  rows: model.files.flatMap((f) =>
    f.rows.map((r) => ({ file: f.file, sheet: f.sheet, row: r.row, memberId: r.memberId, ...(r.noise.length > 0 ? { noise: r.noise } : {}) }))
  ),
  cases: model.cases,
  decoys: model.decoys
})

/** Writes rosters/ (replaced wholesale) only; used by the ingestion benchmark as well. */
export const writeRosters = async (model: ProvinceModel, rostersDir: string, concurrency = 4): Promise<void> => {
  await rm(rostersDir, { recursive: true, force: true })
  let next = 0
  const worker = async () => {
    while (next < model.files.length) {
      const f = model.files[next++]!
      await writeRosterFile(rostersDir, model, f)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
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
