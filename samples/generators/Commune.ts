/**
 * Deterministic generator of the CI-checked sample commune (Đảng bộ xã An Phú, fictional):
 * a central database export, one roster file per cell in the layouts real cells keep, and
 * a manifest (planted.json) of every discrepancy planted on purpose and every decoy that
 * must NOT be flagged. Everything comes from one seeded PRNG, so two runs give the same
 * cell values, the same manifest and (zip timestamps pinned) the same bytes.
 *
 * Names are drawn from frequency lists (domain.md §6); no real roster is reused. The PRNG, date
 * helpers and name tables are exported for the province generator (Province.ts), which reuses them.
 */
import ExcelJS from "exceljs"
import { mkdir, rename, rm, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { type MemberStatus, MemberStatusLabels, type RosterKind, type RowRef, type Sex } from "../../src/Domain.js"
import { encodeTcvn3 } from "../../src/Normalize/Encoding.js"

// ---------------------------------------------------------------------------
// Public vocabulary

export type Layout = "A" | "B" | "C" | "D" | "E" | "F"

export type PlantedCategory =
  | "MISSING_FROM_ROSTER"
  | "NOT_IN_CENTRAL"
  | "UNREPORTED_TRANSFER"
  | "TRANSFER_OVERDUE"
  | "DUPLICATE_CENTRAL"
  | "DUPLICATE_ROSTER"
  | "FIELD_MISMATCH"
  | "STATUS_CONFLICT"
  | "ABSENCE_3_MONTHS"

export interface PlantedCase {
  readonly category: PlantedCategory
  readonly memberIds: ReadonlyArray<string>
  /** See README "unitCode convention": the unit whose list or record is at issue. */
  readonly unitCode: string
  readonly rosterRows: ReadonlyArray<RowRef>
  /** The column at issue, as the rules name it: "Ngày sinh" | "Số CCCD" | "Số thẻ đảng viên" (FIELD_MISMATCH), "Trạng thái" (STATUS_CONFLICT). */
  readonly field?: string
  readonly note: string
}

export interface Decoy {
  readonly kind: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<RowRef>
  readonly note: string
}

export interface RosterFileInfo {
  /** Relative to rosters/, with "/". */
  readonly file: string
  readonly unitCode: string
  readonly layout: Layout
  readonly kind: RosterKind
  /** Sheet name; for CSV files the file's name (with its extension), as the ingestion names it. */
  readonly sheet: string
  readonly headerRow: number
  readonly firstDataRow: number
  readonly dataRows: number
  readonly note: string
}

export interface CommuneManifest {
  readonly asOf: string
  readonly commune: string
  readonly seed: number
  readonly memberCount: number
  readonly unitWithoutRoster: string
  readonly files: ReadonlyArray<RosterFileInfo>
  readonly cases: ReadonlyArray<PlantedCase>
  readonly decoys: ReadonlyArray<Decoy>
}

export const AS_OF = "2026-10-31"
export const SEED = 20261031
const COMMUNE = "Đảng bộ xã An Phú"
/** Files are stamped with this instant so reruns give identical bytes. */
const FIXED_STAMP = new Date(Date.UTC(2026, 9, 15, 0, 0, 0))

// ---------------------------------------------------------------------------
// Seeded PRNG (mulberry32): tiny, fast, good enough for test data.

export class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<A>(xs: ReadonlyArray<A>): A {
    const x = xs[Math.floor(this.next() * xs.length)]
    if (x === undefined) throw new Error("pick from empty list")
    return x
  }
  weighted<A>(xs: ReadonlyArray<readonly [A, number]>): A {
    let total = 0
    for (const [, w] of xs) total += w
    let r = this.next() * total
    for (const [x, w] of xs) {
      r -= w
      if (r < 0) return x
    }
    const last = xs[xs.length - 1]
    if (last === undefined) throw new Error("weighted pick from empty list")
    return last[0]
  }
  shuffle<A>(xs: ReadonlyArray<A>): Array<A> {
    const out = [...xs]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      const a = out[i] as A
      out[i] = out[j] as A
      out[j] = a
    }
    return out
  }
  digits(n: number): string {
    let s = ""
    for (let i = 0; i < n; i++) s += String(this.int(0, 9))
    return s
  }
}

// ---------------------------------------------------------------------------
// Dates: plain {y, m, d}; arithmetic through UTC day numbers (no clock is read).

export interface Ymd {
  readonly y: number
  readonly m: number
  readonly d: number
}
export interface PDate {
  readonly y: number
  readonly m: number | null
  readonly d: number | null
}

export const dayNo = (x: Ymd): number => Date.UTC(x.y, x.m - 1, x.d) / 86400000
export const fromDayNo = (n: number): Ymd => {
  const dt = new Date(n * 86400000)
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() }
}
export const ymd = (y: number, m: number, d: number): Ymd => ({ y, m, d })
export const addDays = (x: Ymd, n: number): Ymd => fromDayNo(dayNo(x) + n)
export const addYears = (x: Ymd, n: number): Ymd => ({ y: x.y + n, m: x.m, d: x.d })
export const AS_OF_YMD = ymd(2026, 10, 31)
export const pad2 = (n: number): string => String(n).padStart(2, "0")
export const fmtSlash = (x: PDate): string =>
  x.m === null || x.d === null ? String(x.y) : `${pad2(x.d)}/${pad2(x.m)}/${x.y}`
export const fmtDot = (x: PDate): string =>
  x.m === null || x.d === null ? String(x.y) : `${pad2(x.d)}.${pad2(x.m)}.${x.y}`
const isWeekend = (x: Ymd): boolean => {
  const wd = new Date(dayNo(x) * 86400000).getUTCDay()
  return wd === 0 || wd === 6
}
/**
 * Quy định 294-QĐ/TW §6.3.1: 30 working days from the letter. The planted dates were chosen
 * so that no public holiday falls inside any window used here (all after Quốc khánh 2/9 or
 * well clear of the deadline), so weekends are the only days to skip.
 */
export const addWorkingDays = (x: Ymd, n: number): Ymd => {
  let cur = x
  let left = n
  while (left > 0) {
    cur = addDays(cur, 1)
    if (!isWeekend(cur)) left--
  }
  return cur
}
export const randomDate = (rng: Rng, from: Ymd, to: Ymd): Ymd => fromDayNo(rng.int(dayNo(from), dayNo(to)))

// ---------------------------------------------------------------------------
// Names (domain.md §6): family by national share, middle by cohort and sex, given from §6.3.

export const FAMILY: ReadonlyArray<readonly [string, number]> = [
  ["Nguyễn", 35], ["Trần", 11.5], ["Lê", 9.5], ["Phạm", 7], ["Hoàng", 4.5], ["Huỳnh", 0.6],
  ["Phan", 4.2], ["Vũ", 3.3], ["Võ", 0.6], ["Đặng", 2.1], ["Bùi", 2], ["Đỗ", 1.6], ["Hồ", 1.1],
  ["Ngô", 1.3], ["Dương", 1], ["Lý", 0.5], ["Đinh", 1.2], ["Trịnh", 1], ["Mai", 0.9], ["Đào", 0.8],
  ["Đoàn", 0.8], ["Lương", 0.7], ["Cao", 0.7], ["Hà", 0.8], ["Trương", 0.6], ["Lưu", 0.5],
  ["Tạ", 0.4], ["Vương", 0.3], ["Triệu", 0.3], ["Phùng", 0.4]
]
export const MIDDLE_M_OLD: ReadonlyArray<readonly [string, number]> = [
  ["Văn", 55], ["Đức", 7], ["Quang", 5], ["Công", 5], ["Hữu", 6], ["Xuân", 5], ["Thanh", 4],
  ["Minh", 4], ["Đình", 6], ["Ngọc", 3], ["Bá", 2], ["Trọng", 3], ["Mạnh", 2], ["Tiến", 2]
]
export const MIDDLE_M_YOUNG: ReadonlyArray<readonly [string, number]> = [
  ["Văn", 15], ["Đức", 10], ["Quang", 7], ["Minh", 10], ["Thanh", 6], ["Hữu", 5], ["Xuân", 4],
  ["Công", 5], ["Đình", 5], ["Tuấn", 4], ["Mạnh", 4], ["Trung", 3], ["Hoàng", 4], ["Ngọc", 3],
  ["Việt", 3], ["Anh", 3], ["Duy", 3], ["Tiến", 3]
]
export const MIDDLE_F_OLD: ReadonlyArray<readonly [string, number]> = [
  ["Thị", 60], ["Thanh", 5], ["Kim", 4], ["Thu", 6], ["Ngọc", 4], ["Thúy", 3], ["Mai", 3],
  ["Hồng", 5], ["Bích", 3], ["Minh", 2], ["Xuân", 3]
]
export const MIDDLE_F_YOUNG: ReadonlyArray<readonly [string, number]> = [
  ["Thị", 25], ["Thu", 8], ["Ngọc", 8], ["Thanh", 7], ["Phương", 5], ["Minh", 5], ["Hồng", 5],
  ["Thùy", 4], ["Khánh", 3], ["Diệu", 2], ["Mai", 4], ["Hải", 3], ["Lan", 2], ["Bảo", 2],
  ["Thị Thu", 5], ["Thị Thanh", 4], ["Thị Hồng", 3], ["Thị Ngọc", 3], ["Thị Minh", 2], ["Thị Phương", 2]
]
/** [name, young weight (§6.3 figures), old weight]. */
export const GIVEN_M: ReadonlyArray<readonly [string, number, number]> = [
  ["Tuấn", 2.71, 1.2], ["Hoàng", 2.46, 0.8], ["Huy", 2.23, 0.8], ["Anh", 2.05, 1], ["Hiếu", 1.99, 0.8],
  ["Hùng", 1.98, 2.2], ["Nam", 1.98, 1.5], ["Sơn", 1.9, 1.8], ["Đức", 1.88, 1.5], ["Dũng", 1.7, 1.8],
  ["Thành", 1.62, 2], ["Đạt", 1.56, 0.6], ["Cường", 1.56, 1.4], ["Long", 1.55, 1.2], ["Trung", 1.55, 1.5],
  ["Hải", 1.42, 1.6], ["Nguyên", 1.4, 0.8], ["Thắng", 1.4, 1.6], ["Minh", 1.31, 1.5], ["Duy", 1.15, 0.5],
  ["Bình", 0.8, 1.8], ["Hòa", 0.6, 1.4], ["Hưng", 0.9, 1.5], ["Tiến", 0.9, 1.3], ["Thịnh", 0.7, 1.1],
  ["Lâm", 0.6, 0.9], ["Khánh", 0.9, 0.8], ["Phúc", 0.8, 1], ["Toàn", 0.7, 1.1], ["Chiến", 0.4, 1.3],
  ["Lợi", 0.4, 1.1], ["Tâm", 0.7, 1], ["Việt", 0.9, 0.9], ["Vinh", 0.8, 1.2], ["Quý", 0.5, 0.9],
  ["Thuận", 0.5, 1], ["Kiên", 0.8, 0.8], ["Phong", 0.9, 0.8], ["Tùng", 0.9, 0.9], ["Hiển", 0.3, 0.8],
  ["Khoa", 0.8, 0.4], ["Lực", 0.3, 0.8]
]
export const GIVEN_F: ReadonlyArray<readonly [string, number, number]> = [
  ["Trang", 4.19, 0.8], ["Thảo", 3.52, 1], ["Linh", 3.02, 0.8], ["Anh", 2.46, 0.8], ["Phương", 2.2, 1.5],
  ["Hằng", 2.14, 1.6], ["Huyền", 2.11, 1], ["Hiền", 2.03, 1.5], ["Hương", 1.72, 2.2], ["Ngọc", 1.72, 1],
  ["Dung", 1.7, 1.6], ["Nhung", 1.69, 1.4], ["Thủy", 1.65, 1.8], ["Nhi", 1.62, 0.2], ["Duyên", 1.55, 0.5],
  ["Vân", 1.5, 1.6], ["Quỳnh", 1.49, 0.6], ["Nga", 1.49, 1.8], ["Yến", 1.48, 1.4], ["Lan", 0.8, 2.2],
  ["Hoa", 0.6, 2], ["Huệ", 0.4, 1.4], ["Mai", 1, 1.6], ["Hà", 1.2, 1.6], ["Hạnh", 0.9, 1.5],
  ["Liên", 0.5, 1.4], ["Loan", 0.5, 1.2], ["Tuyết", 0.4, 1.2], ["Thoa", 0.2, 1.1], ["Xuân", 0.4, 1],
  ["Bình", 0.3, 0.8], ["Chi", 1, 0.6], ["Cúc", 0.1, 1], ["Hồng", 0.6, 1.4], ["Oanh", 0.6, 1.1],
  ["Nhàn", 0.3, 1], ["Thơm", 0.1, 0.9], ["Hòa", 0.3, 0.8]
]

export const fold = (s: string): string =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
export const upper = (s: string): string => s.toLocaleUpperCase("vi")

// ---------------------------------------------------------------------------
// Units (ChiBo sheet). Two cells share a name under different parents on purpose.

interface UnitDef {
  readonly code: string
  readonly name: string
  readonly parent: string | null
  /** Residential (thôn/khu dân cư) vs workplace cell: drives age mix and Quy định 213. */
  readonly kind: "root" | "branch" | "residential" | "school" | "health" | "police" | "military"
  readonly size: number
}

const UNITS: ReadonlyArray<UnitDef> = [
  { code: "DB01", name: "Đảng bộ xã An Phú", parent: null, kind: "root", size: 0 },
  { code: "DB02", name: "Đảng bộ bộ phận Khu Bắc", parent: "DB01", kind: "branch", size: 0 },
  { code: "DB03", name: "Đảng bộ bộ phận Khu Nam", parent: "DB01", kind: "branch", size: 0 },
  { code: "CB01", name: "Chi bộ thôn Đông", parent: "DB02", kind: "residential", size: 34 },
  { code: "CB02", name: "Chi bộ thôn Bắc 1", parent: "DB02", kind: "residential", size: 28 },
  { code: "CB03", name: "Chi bộ thôn Bắc 2", parent: "DB02", kind: "residential", size: 24 },
  { code: "CB04", name: "Chi bộ Khu dân cư số 1", parent: "DB02", kind: "residential", size: 24 },
  { code: "CB05", name: "Chi bộ thôn Nam", parent: "DB03", kind: "residential", size: 28 },
  { code: "CB06", name: "Chi bộ thôn Tây", parent: "DB03", kind: "residential", size: 24 },
  { code: "CB07", name: "Chi bộ Khu dân cư số 1", parent: "DB03", kind: "residential", size: 24 },
  { code: "CB08", name: "Chi bộ thôn Phú Lợi", parent: "DB03", kind: "residential", size: 26 },
  { code: "CB09", name: "Chi bộ Trường THCS An Phú", parent: "DB01", kind: "school", size: 15 },
  { code: "CB10", name: "Chi bộ Trạm Y tế", parent: "DB01", kind: "health", size: 11 },
  { code: "CB11", name: "Chi bộ Công an xã", parent: "DB01", kind: "police", size: 11 },
  { code: "CB12", name: "Chi bộ Quân sự xã", parent: "DB01", kind: "military", size: 9 },
  { code: "CB13", name: "Chi bộ Trường Tiểu học An Phú", parent: "DB01", kind: "school", size: 13 }
]
const unitByCode = (code: string): UnitDef => {
  const u = UNITS.find((x) => x.code === code)
  if (u === undefined) throw new Error(`unknown unit ${code}`)
  return u
}
const CELLS = UNITS.filter((u) => u.code.startsWith("CB"))
const NO_ROSTER_CELL = "CB12"
const FOLDER: Record<string, string> = {
  DB01: "Chi bộ trực thuộc Đảng ủy xã",
  DB02: "Đảng bộ bộ phận Khu Bắc",
  DB03: "Đảng bộ bộ phận Khu Nam"
}
const EXTERNAL_UNITS = [
  "Đảng bộ phường Nam Thành, tỉnh Ninh Bình",
  "Đảng bộ xã Hải Hưng, tỉnh Ninh Bình",
  "Đảng bộ phường Hoàng Liệt, TP Hà Nội",
  "Đảng bộ xã Diễn Hồng, tỉnh Nghệ An",
  "Đảng bộ Công ty CP May Sông Hồng"
]

// ---------------------------------------------------------------------------
// Members

/** A synthetic member as the generators build it (mutable while the model is built). */
export interface Member {
  id: string
  family: string
  middle: string
  given: string
  sex: Sex
  birth: Ymd
  birthYearOnly: boolean
  hometown: string
  cccd: string | null
  cardNo: string | null
  admitted: Ymd
  official: Ymd | null
  unit: string
  status: MemberStatus
}
export const fullName = (m: Pick<Member, "family" | "middle" | "given">): string =>
  [m.family, m.middle, m.given].filter((x) => x !== "").join(" ")
const birthP = (m: Member): PDate => (m.birthYearOnly ? { y: m.birth.y, m: null, d: null } : m.birth)

/** The central export's "Trạng thái" wording. */
export const STATUS_TEXT = MemberStatusLabels

export const PROVINCES: ReadonlyArray<readonly [string, number, string, ReadonlyArray<string>]> = [
  ["036", 70, "Nam Định", ["An Phú", "An Phú", "An Phú", "An Phú", "Yên Lợi", "Hải Minh", "Trực Hùng", "Nghĩa Thái", "Xuân Ninh"]],
  ["037", 8, "Ninh Bình", ["Khánh Thiện", "Gia Lập", "Yên Mỹ"]],
  ["034", 6, "Thái Bình", ["Vũ Hội", "Thụy Liên", "Đông Hợp"]],
  ["035", 5, "Hà Nam", ["Thanh Hà", "Liêm Cần"]],
  ["040", 5, "Nghệ An", ["Diễn Hồng", "Nghi Xuân", "Quỳnh Lưu"]],
  ["001", 4, "Hà Nội", ["Phú Xuyên", "Thanh Oai"]],
  ["038", 2, "Thanh Hóa", ["Hoằng Lộc", "Quảng Xương"]]
]

/** What the identity-number generators need: the PRNG and the numbers already given out. */
export interface IdCtx {
  readonly rng: Rng
  readonly cccds: Set<string>
  readonly cards: Set<string>
}

interface Ctx extends IdCtx {
  /** folded full name + birth year: kept unique except where a decoy wants a twin. */
  readonly nameYears: Set<string>
}

/** A fresh CCCD whose digit 4 and digits 5–6 agree with sex and birth year (domain brief §1). */
export const newCccd = (ctx: IdCtx, province: string, sex: Sex, year: number): string => {
  const century = year >= 2000 ? (sex === "M" ? 2 : 3) : sex === "M" ? 0 : 1
  for (;;) {
    const c = `${province}${century}${String(year % 100).padStart(2, "0")}${ctx.rng.digits(6)}`
    if (!ctx.cccds.has(c)) {
      ctx.cccds.add(c)
      return c
    }
  }
}
/** A fresh legacy 9-digit CMND. */
export const newCmnd = (ctx: IdCtx): string => {
  for (;;) {
    const c = `16${ctx.rng.digits(7)}`
    if (!ctx.cccds.has(c)) {
      ctx.cccds.add(c)
      return c
    }
  }
}
/** All 8-digit card numbers are below 10,000,000 here, so every one has a leading zero. */
const newCard = (ctx: Ctx): string => {
  for (;;) {
    const c = String(ctx.rng.int(100000, 9999999)).padStart(8, "0")
    if (!ctx.cards.has(c)) {
      ctx.cards.add(c)
      return c
    }
  }
}

const pickName = (ctx: Ctx, sex: Sex, year: number): { family: string; middle: string; given: string } => {
  const old = year < 1980
  for (;;) {
    const family = ctx.rng.weighted(FAMILY)
    const middle = ctx.rng.weighted(
      sex === "M" ? (old ? MIDDLE_M_OLD : MIDDLE_M_YOUNG) : old ? MIDDLE_F_OLD : MIDDLE_F_YOUNG
    )
    const given = ctx.rng.weighted(
      (sex === "M" ? GIVEN_M : GIVEN_F).map(([n, young, oldW]) => [n, old ? oldW : young] as const)
    )
    if (middle.split(" ").includes(given) || given === family) continue
    const key = `${fold(`${family} ${middle} ${given}`)}|${year}`
    if (ctx.nameYears.has(key)) continue
    ctx.nameYears.add(key)
    return { family, middle, given }
  }
}

interface MemberSpec {
  readonly unit: string
  readonly sex?: Sex
  readonly birthYears?: readonly [number, number]
  readonly name?: { family: string; middle: string; given: string }
  readonly birth?: Ymd
  readonly admitted?: Ymd
  readonly status?: MemberStatus
  readonly probationary?: boolean
}

const birthRangeFor = (rng: Rng, kind: UnitDef["kind"]): readonly [number, number] => {
  switch (kind) {
    case "residential":
      // Residential cells are mostly retirees: a wide, old-leaning spread (ages 20–95).
      return rng.weighted([
        [[1931, 1945] as const, 18],
        [[1946, 1960] as const, 34],
        [[1961, 1980] as const, 30],
        [[1981, 2006] as const, 18]
      ])
    case "school":
    case "health":
      return [1968, 2000]
    case "police":
    case "military":
      return [1974, 2004]
    default:
      return [1950, 1990]
  }
}

const makeMember = (ctx: Ctx, spec: MemberSpec): Member => {
  const { rng } = ctx
  const kind = unitByCode(spec.unit).kind
  const sex: Sex =
    spec.sex ?? (kind === "police" || kind === "military" ? (rng.chance(0.85) ? "M" : "F") : rng.chance(0.58) ? "M" : "F")
  const [y0, y1] = spec.birthYears ?? birthRangeFor(rng, kind)
  const birth = spec.birth ?? randomDate(rng, ymd(y0, 1, 1), ymd(y1, 12, 28))
  const name = spec.name ?? pickName(ctx, sex, birth.y)
  if (spec.name !== undefined) ctx.nameYears.add(`${fold(fullName(spec.name))}|${birth.y}`)
  const [province, , provinceName, communes] = rng.weighted(PROVINCES.map((p) => [p, p[1]] as const))
  const hometown = `${rng.pick(communes)}, ${provinceName}`
  const oldMember = birth.y < 1950
  let cccd: string | null
  if (birth.y < 1946 && rng.chance(0.55)) cccd = null
  else if (oldMember && rng.chance(0.25)) cccd = newCmnd(ctx)
  else cccd = newCccd(ctx, province, sex, birth.y)
  const probationary = spec.probationary ?? false
  let admitted: Ymd
  if (spec.admitted !== undefined) admitted = spec.admitted
  else if (probationary) admitted = randomDate(rng, ymd(2025, 11, 10), ymd(2026, 9, 25))
  else {
    const ageAt = oldMember ? rng.int(18, 30) : rng.weighted([[rng.int(18, 24), 3], [rng.int(25, 35), 5], [rng.int(36, 48), 2]])
    const from = addYears(birth, ageAt)
    const latest = ymd(2025, 9, 30)
    admitted = dayNo(from) > dayNo(latest) ? randomDate(rng, ymd(2024, 1, 1), latest) : randomDate(rng, from, addDays(from, 300))
    if (dayNo(admitted) > dayNo(latest)) admitted = latest
    if (dayNo(admitted) < dayNo(addYears(birth, 18))) admitted = addDays(addYears(birth, 18), rng.int(30, 200))
  }
  // Probation is 12 months (Điều lệ art. 5); members admitted within 12 months of the as-of date have no card yet.
  const isFull = dayNo(addYears(admitted, 1)) <= dayNo(AS_OF_YMD)
  return {
    id: "",
    ...name,
    sex,
    birth: { y: birth.y, m: birth.m, d: Math.min(birth.d, 28) },
    birthYearOnly: false,
    hometown,
    cccd,
    cardNo: isFull ? newCard(ctx) : null,
    admitted,
    official: isFull ? addYears(admitted, 1) : null,
    unit: spec.unit,
    status: spec.status ?? "ACTIVE"
  }
}

interface TransferRec {
  readonly member: Member
  readonly from: string
  readonly to: string
  readonly kind: "Chính thức" | "Tạm thời"
  readonly introduced: Ymd
  readonly received: Ymd | null
}

// ---------------------------------------------------------------------------
// Roster rows

interface RowData {
  readonly memberId: string | null
  readonly name: string
  readonly birth: PDate
  /** Write a year-only birth as "00/00/yyyy" instead of "yyyy". */
  readonly zeroDayMonth?: boolean
  readonly sex: Sex
  readonly hometown: string
  readonly cccd: string | null
  readonly cardNo: string | null
  readonly admitted: Ymd
  readonly official: Ymd | null
  readonly note: string
  /**
   * Monthly columns T1…T12 of the files that keep them (index 0 = January): presence marks
   * ("x", "v", "k", "m") or dues (an amount, 0 = unpaid); null = blank. Filled in per file.
   */
  readonly months?: ReadonlyArray<string | number | null>
  /** Lookup key for the manifest. */
  readonly tag?: string
}

const rowOf = (m: Member, over: Partial<RowData> = {}): RowData => ({
  memberId: m.id,
  name: fullName(m),
  birth: birthP(m),
  sex: m.sex,
  hometown: m.hometown,
  cccd: m.cccd,
  cardNo: m.cardNo,
  admitted: m.admitted,
  official: m.official,
  note: m.official === null ? "Dự bị" : "",
  ...over
})

type DateMode = "excel" | "text" | "mixed"

interface RosterFile {
  readonly file: string
  readonly unitCode: string
  readonly layout: Layout
  readonly kind: RosterKind
  readonly sheet: string
  readonly title: string
  /** Row 2 "CHI BỘ …" line; false for the file identified only by its name. */
  readonly cellLine: boolean
  readonly dateMode: DateMode
  readonly capitals: boolean
  readonly zeroPadStt: boolean
  readonly extraEmptySheet: boolean
  /** Monthly columns: "Sinh hoạt tháng" over 1…12 (layout B), or "Đảng phí T1"…"Đảng phí T12" (layout A). */
  readonly monthly: "presence" | "dues" | null
  readonly rows: Array<RowData>
  readonly note: string
}

// ---------------------------------------------------------------------------
// The model: members, transfers, roster files, planted cases

interface Model {
  readonly members: ReadonlyArray<Member>
  readonly transfers: ReadonlyArray<TransferRec>
  readonly files: ReadonlyArray<RosterFile>
  /** Filled in after writing, once rows have numbers. */
  readonly cases: ReadonlyArray<PendingCase>
  readonly decoys: ReadonlyArray<PendingDecoy>
}
interface PendingCase {
  readonly category: PlantedCategory
  readonly members: ReadonlyArray<Member>
  readonly unitCode: string
  readonly tags: ReadonlyArray<string>
  readonly field?: string
  readonly note: (refs: ReadonlyArray<RowRef>) => string
}
interface PendingDecoy {
  readonly kind: string
  readonly members: ReadonlyArray<Member>
  readonly tags: ReadonlyArray<string>
  readonly note: (refs: ReadonlyArray<RowRef>) => string
}

const buildModel = (): Model => {
  const rng = new Rng(SEED)
  const ctx: Ctx = { rng, cccds: new Set(), cards: new Set(), nameYears: new Set() }

  // Decoy members with fixed names first, so random names can never collide with them.
  const twinA = makeMember(ctx, { unit: "CB01", sex: "M", name: { family: "Nguyễn", middle: "Văn", given: "Thành" }, birth: ymd(1968, 3, 14) })
  const twinB = makeMember(ctx, { unit: "CB05", sex: "M", name: { family: "Nguyễn", middle: "Văn", given: "Thành" }, birth: ymd(1968, 11, 2) })
  const noDiacritics = makeMember(ctx, { unit: "CB01", sex: "M", name: { family: "Nguyễn", middle: "Văn", given: "Hưng" }, birthYears: [1957, 1957] })
  const toneHoa = makeMember(ctx, { unit: "CB06", sex: "M", name: { family: "Lê", middle: "Văn", given: "Hòa" }, birthYears: [1962, 1962] })
  const toneThuy = makeMember(ctx, { unit: "CB09", sex: "F", name: { family: "Phạm", middle: "Thị", given: "Thủy" }, birthYears: [1979, 1979] })
  const special = [twinA, twinB, noDiacritics, toneHoa, toneThuy]

  const base: Array<Member> = [...special]
  for (const cell of CELLS) {
    const already = special.filter((m) => m.unit === cell.code).length
    for (let i = already; i < cell.size; i++) base.push(makeMember(ctx, { unit: cell.code }))
  }
  // A few probationary members (no card, no Ngày chính thức).
  for (const code of ["CB01", "CB02", "CB05", "CB06", "CB08", "CB09", "CB11", "CB04"]) {
    base.push(makeMember(ctx, { unit: code, birthYears: [1990, 2004], probationary: true }))
  }
  // Members who are no longer active: kept in the database with their last cell.
  const inactive: Array<Member> = []
  const addInactive = (status: MemberStatus, n: number, years: readonly [number, number]) => {
    for (let i = 0; i < n; i++) {
      const cell = rng.pick(CELLS.filter((c) => c.kind === "residential"))
      inactive.push(makeMember(ctx, { unit: cell.code, status, birthYears: years }))
    }
  }
  addInactive("DECEASED", 10, [1931, 1950])
  addInactive("TRANSFERRED_OUT", 6, [1965, 1995])
  addInactive("REMOVED", 4, [1970, 1995])
  addInactive("EXPELLED", 2, [1960, 1985])
  addInactive("LEFT", 2, [1975, 1990])
  // Planted status conflicts need a specific cell each.
  const scDead = makeMember(ctx, { unit: "CB06", status: "DECEASED", birthYears: [1935, 1948] })
  const scRemoved = makeMember(ctx, { unit: "CB02", status: "REMOVED", birthYears: [1975, 1990] })
  const scMoved = makeMember(ctx, { unit: "CB09", status: "TRANSFERRED_OUT", birthYears: [1980, 1992], sex: "F" })
  inactive.push(scDead, scRemoved, scMoved)

  // Ids: shuffled so that the id order says nothing about the cell.
  const all = rng.shuffle([...base, ...inactive])
  all.forEach((m, i) => {
    m.id = `DV${String(10001 + i * 3 + rng.int(0, 2)).padStart(5, "0")}`
  })

  const used = new Set<Member>([...special, scDead, scRemoved, scMoved])
  const take = (unit: string, pred: (m: Member) => boolean = () => true): Member => {
    const pool = all.filter(
      (m) => m.unit === unit && m.status === "ACTIVE" && !used.has(m) && m.official !== null && pred(m)
    )
    const m = rng.pick(pool)
    used.add(m)
    return m
  }
  const withIds = (m: Member) => m.cccd !== null && m.cccd.length === 12 && m.cardNo !== null
  const working = (m: Member) => m.birth.y >= 1961 && m.birth.y <= 1996

  // Old members whose central birth date is known only to the year.
  const yearOnlyCentral: Array<Member> = []
  for (const unit of ["CB01", "CB02", "CB05", "CB07", "CB08"]) {
    const m = take(unit, (x) => x.birth.y < 1947)
    m.birthYearOnly = true
    yearOnlyCentral.push(m)
  }
  // Miễn sinh hoạt (exempt) old members: still on the list, noted.
  const exempt: Array<Member> = []
  for (const unit of ["CB01", "CB03", "CB06", "CB07"]) exempt.push(take(unit, (x) => x.birth.y < 1950))

  const transfers: Array<TransferRec> = []
  // Completed transfers within the commune and from outside: the member is now in the destination cell.
  const transferredIn: Array<Member> = []
  for (const unit of ["CB02", "CB05", "CB07", "CB09"]) {
    const m = take(unit, working)
    const from = rng.pick(CELLS.filter((c) => c.code !== unit && c.code !== NO_ROSTER_CELL)).code
    const introduced = randomDate(rng, ymd(2025, 3, 1), ymd(2026, 6, 30))
    transfers.push({ member: m, from, to: unit, kind: "Chính thức", introduced, received: addDays(introduced, rng.int(5, 20)) })
    transferredIn.push(m)
  }
  for (const unit of ["CB04", "CB08", "CB13"]) {
    const m = take(unit, working)
    const introduced = randomDate(rng, ymd(2024, 6, 1), ymd(2026, 5, 31))
    transfers.push({ member: m, from: rng.pick(EXTERNAL_UNITS), to: unit, kind: "Chính thức", introduced, received: addDays(introduced, rng.int(7, 25)) })
    transferredIn.push(m)
  }
  // Members who left the commune: received official transfers out.
  for (const m of inactive.filter((x) => x.status === "TRANSFERRED_OUT")) {
    const introduced = randomDate(rng, ymd(2023, 1, 1), ymd(2026, 2, 28))
    transfers.push({ member: m, from: m.unit, to: rng.pick(EXTERNAL_UNITS), kind: "Chính thức", introduced, received: addDays(introduced, rng.int(5, 25)) })
  }

  // ---- planted cases ---------------------------------------------------------------
  const cases: Array<PendingCase> = []
  const decoys: Array<PendingDecoy> = []
  const extraRows = new Map<string, Array<RowData>>() // unit code → rows appended to its official list
  const omit = new Set<Member>() // members left off their own cell's official list
  const rowOverride = new Map<Member, Partial<RowData>>()
  const addExtra = (unit: string, row: RowData) => {
    const xs = extraRows.get(unit) ?? []
    xs.push(row)
    extraRows.set(unit, xs)
  }
  const refList = (refs: ReadonlyArray<RowRef>) => refs.map((r) => `${r.file} dòng ${r.row}`).join("; ")

  // MISSING_FROM_ROSTER
  for (const unit of ["CB01", "CB07", "CB11"]) {
    const m = take(unit, working)
    omit.add(m)
    cases.push({
      category: "MISSING_FROM_ROSTER", members: [m], unitCode: unit, tags: [],
      note: () => `${fullName(m)} is Đang sinh hoạt in ${unit} in the central database, has no pending transfer, and is on no official list; ${unit} has an official roster file.`
    })
  }

  // NOT_IN_CENTRAL: people on an official list who are not in the database at all.
  const phantom = (sex: Sex, year: number, province: string, probationary: boolean, tag: string): RowData => {
    const name = pickName(ctx, sex, year)
    const birth = randomDate(rng, ymd(year, 1, 1), ymd(year, 12, 28))
    const admitted = probationary ? ymd(2026, 8, 19) : randomDate(rng, ymd(2012, 1, 1), ymd(2020, 12, 31))
    return {
      memberId: null,
      name: fullName(name),
      birth,
      sex,
      hometown: province === "040" ? "Nghi Xuân, Nghệ An" : "An Phú, Nam Định",
      cccd: newCccd(ctx, province, sex, year),
      cardNo: probationary ? null : newCard(ctx),
      admitted,
      official: probationary ? null : addYears(admitted, 1),
      note: probationary ? "Dự bị" : "Chuyển đến",
      tag
    }
  }
  addExtra("CB08", phantom("M", 2001, "036", true, "nic1"))
  addExtra("CB13", phantom("F", 1988, "040", false, "nic2"))
  cases.push({
    category: "NOT_IN_CENTRAL", members: [], unitCode: "CB08", tags: ["nic1"],
    note: (r) => `A probationary member admitted 19/08/2026 is on the CB08 list (${refList(r)}) but was never entered in the central database.`
  })
  cases.push({
    category: "NOT_IN_CENTRAL", members: [], unitCode: "CB13", tags: ["nic2"],
    note: (r) => `A teacher listed on the CB13 list (${refList(r)}), with a card number and a Nghệ An CCCD, matches no central record (arrived without a recorded transfer).`
  })

  // UNREPORTED_TRANSFER: listed only at V, central says U, no transfer on record.
  const ut = [
    { m: take("CB01", (x) => working(x) && withIds(x)), to: "CB05" },
    { m: take("CB10", (x) => working(x) && withIds(x)), to: "CB13" }
  ]
  ut.forEach(({ m, to }, i) => {
    omit.add(m)
    addExtra(to, rowOf(m, { tag: `ut${i}` }))
    cases.push({
      category: "UNREPORTED_TRANSFER", members: [m], unitCode: to, tags: [`ut${i}`],
      note: (r) => `${fullName(m)} is recorded in ${m.unit} but appears only on the ${to} official list (${refList(r)}); no transfer ${m.unit} → ${to} is on record and ${m.unit}'s list does not include them.`
    })
  })

  // TRANSFER_OVERDUE: official transfer letters never received.
  {
    const m = take("CB02", working)
    omit.add(m)
    const introduced = ymd(2026, 5, 12)
    transfers.push({ member: m, from: "CB02", to: "CB08", kind: "Chính thức", introduced, received: null })
    const deadline = addWorkingDays(introduced, 30)
    cases.push({
      category: "TRANSFER_OVERDUE", members: [m], unitCode: "CB08", tags: [],
      note: () => `Official transfer CB02 → CB08 introduced ${fmtSlash(introduced)}, never received; the 30-working-day deadline (${fmtSlash(deadline)}) passed more than 3 months before ${fmtSlash(AS_OF_YMD)}. On neither list.`
    })
  }
  {
    const m = take("CB06", working)
    omit.add(m)
    const introduced = ymd(2026, 9, 15)
    const to = EXTERNAL_UNITS[0] as string
    transfers.push({ member: m, from: "CB06", to, kind: "Chính thức", introduced, received: null })
    const deadline = addWorkingDays(introduced, 30)
    cases.push({
      category: "TRANSFER_OVERDUE", members: [m], unitCode: "CB06", tags: [],
      note: () => `Official transfer CB06 → "${to}" introduced ${fmtSlash(introduced)}, not received; 30 working days end ${fmtSlash(deadline)} (Tue), just before ${fmtSlash(AS_OF_YMD)} (no public holiday in the window). On neither list.`
    })
  }

  // DUPLICATE_CENTRAL: the same person entered twice.
  const dups: Array<Member> = []
  // Re-entered records were created later, so they get ids above the generated range.
  const nextDupId = () => `DV${String(11200 + dups.length * 7).padStart(5, "0")}`
  const lowerIdUnit = (a: Member, b: Member) => (a.id < b.id ? a.unit : b.unit)
  {
    // Re-entered with a typo in the given name (tone mark lost) and the same CCCD; no card on the copy.
    const m = take("CB06", (x) => withIds(x) && working(x) && /[\u0300\u0301\u0303\u0309\u0323]/.test(x.given.normalize("NFD")))
    const typo = m.given.normalize("NFD").replace(/[\u0300\u0301\u0303\u0309\u0323]/g, "").normalize("NFC")
    const copy: Member = { ...m, id: nextDupId(), given: typo, cardNo: null }
    dups.push(copy)
    cases.push({
      category: "DUPLICATE_CENTRAL", members: [m, copy], unitCode: lowerIdUnit(m, copy), tags: [],
      note: () => `"${fullName(m)}" and "${fullName(copy)}" share CCCD, birth date and sex; the copy was re-entered with a typo in the given name and no card. The person is listed once, on the CB06 list (the row links to ${m.id}).`
    })
  }
  {
    // Same name, full birth date and sex; the copy lacks CCCD and card number.
    const m = take("CB08", (x) => withIds(x) && working(x))
    const copy: Member = { ...m, id: nextDupId(), cccd: null, cardNo: null }
    dups.push(copy)
    cases.push({
      category: "DUPLICATE_CENTRAL", members: [m, copy], unitCode: lowerIdUnit(m, copy), tags: [],
      note: () => `Two records "${fullName(m)}", same birth date ${fmtSlash(m.birth)} and sex, both in CB08; ${copy.id} has no CCCD and no card. Listed once, on the CB08 list (the row carries ${m.id}'s CCCD and card).`
    })
  }
  {
    // An old record (moved away, 9-digit CMND) and a new record after the return, same card number.
    const m = take("CB01", (x) => withIds(x) && x.birth.y >= 1955 && x.birth.y <= 1970)
    const old: Member = { ...m, id: nextDupId(), cccd: newCmnd(ctx), unit: "CB03", status: "TRANSFERRED_OUT" }
    dups.push(old)
    transfers.push({ member: old, from: "CB03", to: EXTERNAL_UNITS[3] as string, kind: "Chính thức", introduced: ymd(2019, 4, 8), received: ymd(2019, 4, 22) })
    transfers.push({ member: m, from: EXTERNAL_UNITS[3] as string, to: "CB01", kind: "Chính thức", introduced: ymd(2023, 9, 11), received: ymd(2023, 9, 20) })
    cases.push({
      category: "DUPLICATE_CENTRAL", members: [m, old], unitCode: lowerIdUnit(m, old), tags: [],
      note: () => `Same card number, name, birth date and sex: an old record ${old.id} (CB03, Đã chuyển đi 2019, 9-digit CMND) and ${m.id}, created when the member came back to CB01 in 2023 (12-digit CCCD). Listed once, on the CB01 list (the row carries ${m.id}'s CCCD; it must not raise STATUS_CONFLICT).`
    })
  }

  // DUPLICATE_ROSTER: on their own list and on another cell's official list.
  const dr = [
    { m: take("CB02", working), other: "CB04" },
    { m: take("CB09", working), other: "CB08" }
  ]
  dr.forEach(({ m, other }, i) => {
    rowOverride.set(m, { tag: `dr${i}own` })
    addExtra(other, rowOf(m, { tag: `dr${i}other` }))
    cases.push({
      category: "DUPLICATE_ROSTER", members: [m], unitCode: m.unit, tags: [`dr${i}own`, `dr${i}other`],
      note: (r) => `${fullName(m)} (${m.unit}) is on two official lists (${refList(r)}); no 213 or temporary listing, no transfer between ${m.unit} and ${other}.`
    })
  })

  // FIELD_MISMATCH: linked rows where one field disagrees; the other identifiers agree.
  {
    const m = take("CB04", (x) => withIds(x) && working(x))
    m.birth = { y: m.birth.y, m: 8, d: 5 }
    const rosterBirth = { y: m.birth.y, m: 5, d: 8 }
    rowOverride.set(m, { birth: rosterBirth, tag: "fm0" })
    cases.push({
      category: "FIELD_MISMATCH", members: [m], unitCode: "CB04", tags: ["fm0"], field: "Ngày sinh",
      note: (r) => `Birth date day and month swapped: central ${fmtSlash(m.birth)}, roster ${fmtSlash(rosterBirth)} (${refList(r)}). Name, CCCD and card agree.`
    })
  }
  {
    const m = take("CB09", (x) => withIds(x) && working(x))
    const c = m.cccd as string
    const digit = Number(c[9])
    const typo = `${c.slice(0, 9)}${(digit + 3) % 10}${c.slice(10)}`
    if (ctx.cccds.has(typo)) throw new Error("planted CCCD typo collides with a real CCCD")
    rowOverride.set(m, { cccd: typo, tag: "fm1" })
    cases.push({
      category: "FIELD_MISMATCH", members: [m], unitCode: "CB09", tags: ["fm1"], field: "Số CCCD",
      note: (r) => `CCCD differs in one digit (position 10) from the central record (${refList(r)}); still consistent with sex and birth year. Name, birth date and card agree.`
    })
  }
  {
    const m = take("CB01", (x) => withIds(x) && working(x) && x.cardNo !== null && x.cardNo[4] !== x.cardNo[5])
    const c = m.cardNo as string
    const swapped = `${c.slice(0, 4)}${c[5]}${c[4]}${c.slice(6)}`
    if (ctx.cards.has(swapped)) throw new Error("planted card typo collides with a real card number")
    rowOverride.set(m, { cardNo: swapped, tag: "fm2" })
    cases.push({
      category: "FIELD_MISMATCH", members: [m], unitCode: "CB01", tags: ["fm2"], field: "Số thẻ đảng viên",
      note: (r) => `Card number has digits 5 and 6 transposed compared with the central record (${refList(r)}). Name, birth date and CCCD agree.`
    })
  }
  {
    const m = take("CB13", (x) => withIds(x) && working(x) && x.birth.d <= 20)
    const rosterBirth = { y: m.birth.y, m: m.birth.m, d: m.birth.d + 7 }
    rowOverride.set(m, { birth: rosterBirth, tag: "fm3" })
    cases.push({
      category: "FIELD_MISMATCH", members: [m], unitCode: "CB13", tags: ["fm3"], field: "Ngày sinh",
      note: (r) => `Birth day typo: central ${fmtSlash(m.birth)}, roster ${fmtDot(rosterBirth)} (${refList(r)}, layout B). Name, CCCD and card agree.`
    })
  }

  // STATUS_CONFLICT: on an official list although no longer an active member.
  for (const [m, tag] of [[scDead, "sc0"], [scRemoved, "sc1"], [scMoved, "sc2"]] as const) {
    rowOverride.set(m, { tag, note: "" })
    if (m === scMoved) {
      transfers.push({ member: m, from: "CB09", to: EXTERNAL_UNITS[2] as string, kind: "Chính thức", introduced: ymd(2026, 2, 2), received: ymd(2026, 2, 10) })
    }
    cases.push({
      category: "STATUS_CONFLICT", members: [m], unitCode: m.unit, tags: [tag], field: "Trạng thái",
      note: (r) => `${fullName(m)} is "${STATUS_TEXT[m.status]}" in the central database but still on the ${m.unit} official list (${refList(r)}).`
    })
  }

  // ---- decoys ------------------------------------------------------------------------
  // Pending official transfers still inside the 30-working-day window.
  const pendA = take("CB03", working)
  const pendB = take("CB05", working)
  const pendC = take("CB08", working)
  omit.add(pendA)
  omit.add(pendB)
  transfers.push({ member: pendA, from: "CB03", to: "CB07", kind: "Chính thức", introduced: ymd(2026, 10, 5), received: null })
  transfers.push({ member: pendB, from: "CB05", to: "CB01", kind: "Chính thức", introduced: ymd(2026, 10, 12), received: null })
  transfers.push({ member: pendC, from: "CB08", to: "CB06", kind: "Chính thức", introduced: ymd(2026, 10, 8), received: null })
  addExtra("CB07", rowOf(pendA, { tag: "pendA" }))
  rowOverride.set(pendC, { tag: "pendCown" })
  addExtra("CB06", rowOf(pendC, { tag: "pendCdest", note: "Chuyển đến" }))
  decoys.push({
    kind: "PENDING_TRANSFER_IN_WINDOW", members: [pendA], tags: ["pendA"],
    note: (r) => `Official transfer CB03 → CB07 introduced 05/10/2026 (deadline ${fmtSlash(addWorkingDays(ymd(2026, 10, 5), 30))}); already on the CB07 list (${refList(r)}), off CB03's. Not UNREPORTED_TRANSFER, not MISSING, not OVERDUE.`
  })
  decoys.push({
    kind: "PENDING_TRANSFER_IN_WINDOW", members: [pendB], tags: [],
    note: () => `Official transfer CB05 → CB01 introduced 12/10/2026 (deadline ${fmtSlash(addWorkingDays(ymd(2026, 10, 12), 30))}); in transit, on neither list. Not MISSING, not OVERDUE.`
  })
  decoys.push({
    kind: "PENDING_TRANSFER_IN_WINDOW", members: [pendC], tags: ["pendCown", "pendCdest"],
    note: (r) => `Official transfer CB08 → CB06 introduced 08/10/2026 (deadline ${fmtSlash(addWorkingDays(ymd(2026, 10, 8), 30))}); on both lists during the window (${refList(r)}). Not DUPLICATE_ROSTER.`
  })

  // Quy định 213: workplace-cell members listed for contact at their residential cell.
  const r213 = [take("CB09", working), take("CB09", working), take("CB10", working), take("CB13", working)]
  const list213 = r213.map((m, i) => rowOf(m, { tag: `r213_${i}`, note: `Đảng viên ${unitByCode(m.unit).name}` }))
  decoys.push({
    kind: "RESIDENCE_213", members: r213, tags: list213.map((r) => r.tag as string),
    note: (r) => `Workplace-cell members (CB09, CB10, CB13) on the Quy định 213 residence-contact list of CB01 (${refList(r)}); each is also on their own cell's official list. Not UNREPORTED_TRANSFER, not DUPLICATE_ROSTER.`
  })

  // Temporary membership with a received Tạm thời transfer.
  const temp = [take("CB05", working), take("CB05", working)]
  for (const m of temp) {
    transfers.push({ member: m, from: "CB05", to: "CB08", kind: "Tạm thời", introduced: ymd(2026, 4, 2), received: ymd(2026, 4, 10) })
  }
  const listTemp = temp.map((m, i) =>
    rowOf(m, { tag: `temp${i}`, note: "Sinh hoạt tạm thời từ 10/04/2026 đến 10/04/2027 (từ Chi bộ thôn Nam)" })
  )
  decoys.push({
    kind: "TEMPORARY_WITH_TRANSFER", members: temp, tags: listTemp.map((r) => r.tag as string),
    note: (r) => `Members of CB05 on the CB08 temporary list (${refList(r)}) with a Tạm thời transfer CB05 → CB08 received 10/04/2026; still on CB05's official list.`
  })

  decoys.push({
    kind: "SAME_NAME_SAME_BIRTH_YEAR", members: [twinA, twinB], tags: ["twinA", "twinB"],
    note: (r) => `Two different members named ${fullName(twinA)}, both born 1968 (${fmtSlash(twinA.birth)} in CB01, ${fmtSlash(twinB.birth)} in CB05), different CCCDs, each on their own list (${refList(r)}). Not DUPLICATE_CENTRAL.`
  })
  rowOverride.set(twinA, { tag: "twinA" })
  rowOverride.set(twinB, { tag: "twinB" })
  rowOverride.set(noDiacritics, { name: "Nguyen Van Hung", tag: "nodia" })
  decoys.push({
    kind: "NAME_WITHOUT_DIACRITICS", members: [noDiacritics], tags: ["nodia"],
    note: (r) => `Central "${fullName(noDiacritics)}"; the roster row types "Nguyen Van Hung" (${refList(r)}). Other fields agree.`
  })
  rowOverride.set(toneHoa, { name: "Lê Văn Hoà", tag: "toneHoa" })
  rowOverride.set(toneThuy, { name: "Phạm Thị Thuỷ", tag: "toneThuy" })
  decoys.push({
    kind: "OLD_TONE_PLACEMENT", members: [toneHoa, toneThuy], tags: ["toneHoa", "toneThuy"],
    note: (r) => `Central "Lê Văn Hòa" / "Phạm Thị Thủy"; rosters write "Hoà" / "Thuỷ" (${refList(r)}).`
  })

  // Year-only birth dates on a roster against a full date in central.
  const yr = [take("CB08", (x) => x.birth.y < 1952), take("CB02", (x) => x.birth.y < 1952)]
  yr.forEach((m, i) => rowOverride.set(m, { birth: { y: m.birth.y, m: null, d: null }, tag: `yr${i}` }))
  decoys.push({
    kind: "YEAR_ONLY_BIRTH_DATE", members: yr, tags: ["yr0", "yr1"],
    note: (r) => `Roster gives only the birth year while central has the full date (${refList(r)}). Not a FIELD_MISMATCH.`
  })
  // Central year-only members: roster also year-only; one written "00/00/yyyy".
  yearOnlyCentral.forEach((m, i) => rowOverride.set(m, { tag: `yc${i}`, ...(m.unit === "CB01" ? { zeroDayMonth: true } : {}) }))
  decoys.push({
    kind: "CENTRAL_YEAR_ONLY_BIRTH", members: yearOnlyCentral, tags: yearOnlyCentral.map((_, i) => `yc${i}`),
    note: (r) => `Old members whose central Ngày sinh is a bare year; their roster rows also give the year only (CB01 writes "00/00/yyyy") (${refList(r)}).`
  })
  exempt.forEach((m, i) => rowOverride.set(m, { note: "Miễn sinh hoạt", tag: `ex${i}` }))
  decoys.push({
    kind: "EXEMPT_MEMBER", members: exempt, tags: exempt.map((_, i) => `ex${i}`),
    note: (r) => `Old members marked "Miễn sinh hoạt" in Ghi chú (${refList(r)}): still on the list and counted; nothing to flag.`
  })
  transferredIn.forEach((m, i) => rowOverride.set(m, { note: "Chuyển đến", tag: `tin${i}` }))

  // ABSENCE_3_MONTHS: two lists keep monthly columns, CB07 attendance marks and CB01 dues paid.
  // Months up to September are filled in (the lists are dated 15/10/2026); blank months are unknown.
  const absMonths = new Map<Member, ReadonlyArray<string | number | null>>()
  const absPresence = take("CB07", working)
  const absDues = take("CB01", working)
  const excused = take("CB07", working)
  const twoUnpaid = take("CB01", working)
  const marks = (m: Member, bad: ReadonlyArray<number>, badValue: string | number, good: string | number) =>
    absMonths.set(m, Array.from({ length: 12 }, (_, i) => (i >= 9 ? null : bad.includes(i + 1) ? badValue : good)))
  marks(absPresence, [3, 4, 5], "k", "x")
  marks(absDues, [6, 8, 9], 0, 30000)
  marks(excused, [2, 3, 4, 5], "v", "x")
  marks(twoUnpaid, [4, 7], 0, 30000)
  rowOverride.set(absPresence, { tag: "abs0" })
  rowOverride.set(absDues, { tag: "abs1" })
  rowOverride.set(excused, { tag: "absExcused" })
  rowOverride.set(twoUnpaid, { tag: "absTwo" })
  const absenceField = "Tháng vắng / chưa đóng đảng phí"
  cases.push({
    category: "ABSENCE_3_MONTHS", members: [absPresence], unitCode: "CB07", tags: ["abs0"], field: absenceField,
    note: (r) => `Marked "k" (vắng không lý do) in the Sinh hoạt tháng columns for March, April and May 2026 (${refList(r)}); present the other months, not exempt, no transfer.`
  })
  cases.push({
    category: "ABSENCE_3_MONTHS", members: [absDues], unitCode: "CB01", tags: ["abs1"], field: absenceField,
    note: (r) => `Đảng phí 0 (unpaid) in June, August and September 2026 (${refList(r)}): three months in the year, not consecutive, which is enough (Điều lệ Điều 8 counts months in the year).`
  })
  decoys.push({
    kind: "ABSENCE_EXCUSED", members: [excused], tags: ["absExcused"],
    note: (r) => `Marked "v" (vắng có lý do) for February to May 2026 on the CB07 list (${refList(r)}): absence with a reason is not ground for removal.`
  })
  decoys.push({
    kind: "ABSENCE_TWO_MONTHS", members: [twoUnpaid], tags: ["absTwo"],
    note: (r) => `Đảng phí 0 in April and July 2026 only (${refList(r)}): two months, below the threshold of three.`
  })

  // ---- roster files ------------------------------------------------------------------
  const allMembers = [...all, ...dups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const official = (unit: string): Array<RowData> => {
    const own = allMembers
      .filter((m) => m.unit === unit && ((m.status === "ACTIVE" && !omit.has(m) && !dups.includes(m)) || rowOverride.get(m)?.tag?.startsWith("sc")))
      // Sổ danh sách order: by date of admission.
      .sort((a, b) => dayNo(a.admitted) - dayNo(b.admitted) || (a.id < b.id ? -1 : 1))
      .map((m) => rowOf(m, rowOverride.get(m) ?? {}))
    return [...own, ...(extraRows.get(unit) ?? [])]
  }
  const capsTag = new Set<string>()
  const folderOf = (unit: string) => FOLDER[unitByCode(unit).parent as string] as string
  const mk = (
    unit: string,
    fileName: string,
    layout: Layout,
    opts: Partial<Omit<RosterFile, "file" | "unitCode" | "layout" | "rows">> & { rows?: Array<RowData> } = {}
  ): RosterFile => ({
    file: `${folderOf(unit)}/${fileName}`,
    unitCode: unit,
    layout,
    kind: layout === "E" ? "RESIDENCE_213" : layout === "F" ? "TEMPORARY" : "OFFICIAL",
    // CSV files have no sheets; ingestion names the one "sheet" after the file (its name, as written).
    sheet: layout === "C" ? fileName : "Danh sách",
    title:
      layout === "E"
        ? "DANH SÁCH ĐẢNG VIÊN GIỮ MỐI LIÊN HỆ VỚI CHI BỘ NƠI CƯ TRÚ (QUY ĐỊNH 213-QĐ/TW)"
        : layout === "F"
          ? "DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI"
          : "DANH SÁCH ĐẢNG VIÊN",
    cellLine: true,
    dateMode: "text",
    capitals: false,
    zeroPadStt: false,
    extraEmptySheet: false,
    monthly: null,
    note: "",
    ...opts,
    rows: opts.rows ?? official(unit)
  })
  const files: Array<RosterFile> = [
    mk("CB01", "DS đảng viên thôn Đông.xlsx", "A", { dateMode: "excel", monthly: "dues", note: "Official form layout, real Excel dates; Đảng phí T1…T12 columns (amounts, 0 = unpaid)." }),
    mk("CB01", "DS đảng viên 213 thôn Đông.xlsx", "E", { rows: list213, dateMode: "excel", note: "Quy định 213 residence-contact list." }),
    mk("CB02", "Thôn Bắc 1.xlsx", "B", { sheet: "Sheet1", note: "Two-row header; sex from the Nam/Nữ birth-date column; card numbers stored as numbers." }),
    mk("CB03", "Thôn Bắc 2 (font VnTime).xlsx", "D", { sheet: "DS", note: "Layout A in TCVN3 (.VnTime; all-capital title cells in .VnTimeH with lowercase codes)." }),
    mk("CB04", "KDC so 1.xlsx", "A", { capitals: true, note: "Layout A, names in capitals, text dates; same cell name as CB07, parent in A1 and folder." }),
    mk("CB05", "CB05_thon_Nam.csv", "C", { note: "CSV, UTF-8 with BOM; unit from the Mã chi bộ column." }),
    mk("CB06", "CB06.xlsx", "A", { cellLine: false, note: "Layout A without the CHI BỘ line: unit known only from the file name (the code)." }),
    mk("CB07", "Khu dân cư số 1.xlsx", "B", { monthly: "presence", note: "Layout B; same cell name as CB04, parent in A1 and folder; \"Sinh hoạt tháng\" merged over 1…12 (x, v, k, m)." }),
    mk("CB08", "Thôn Phú Lợi.xlsx", "A", { dateMode: "mixed", extraEmptySheet: true, note: "Layout A, Excel and text dates mixed row by row; an empty second sheet." }),
    mk("CB08", "Thôn Phú Lợi - sinh hoạt tạm thời.xlsx", "F", { rows: listTemp, note: "Temporary-membership list." }),
    mk("CB09", "Trường THCS An Phú.xlsx", "A", { dateMode: "mixed", note: "Layout A, mixed dates." }),
    mk("CB10", "Trạm Y tế.xlsx", "A", { capitals: true, dateMode: "excel", note: "Layout A, names in capitals, Excel dates." }),
    mk("CB11", "Cong an xa - CB11.csv", "C", { note: "CSV, UTF-8 with BOM." }),
    mk("CB13", "Trường Tiểu học An Phú.xlsx", "B", { zeroPadStt: true, note: "Layout B, STT as zero-padded text." })
  ]
  // Monthly columns: members who joined the cell this year (admitted, or transferred in) have blanks before.
  for (const f of files.filter((x) => x.monthly !== null)) {
    f.rows.forEach((r, i) => {
      const m = r.memberId === null ? undefined : allMembers.find((x) => x.id === r.memberId)
      const planted = m === undefined ? undefined : absMonths.get(m)
      if (planted !== undefined) {
        f.rows[i] = { ...r, months: planted }
        return
      }
      const t = m === undefined ? undefined : transfers.find((x) => x.member === m && x.to === f.unitCode)
      const joined = t === undefined ? r.admitted : (t.received ?? t.introduced)
      const first = joined.y < 2026 ? 1 : joined.y > 2026 ? 13 : joined.m
      const good = f.monthly === "presence" ? (r.note === "Miễn sinh hoạt" ? "m" : "x") : r.birth.y < 1961 ? 10000 : 30000
      f.rows[i] = { ...r, months: Array.from({ length: 12 }, (_, k) => (k >= 9 || k + 1 < first ? null : good)) }
    })
  }
  // Capitals decoy: the rows of the two capital-name files that carry no other purpose.
  const capsMembers: Array<Member> = []
  for (const f of files.filter((x) => x.capitals)) {
    const plain = f.rows.filter((r) => r.memberId !== null && r.tag === undefined).slice(0, 2)
    plain.forEach((r, i) => {
      const tag = `caps_${f.unitCode}_${i}`
      capsTag.add(tag)
      capsMembers.push(allMembers.find((m) => m.id === r.memberId) as Member)
      f.rows[f.rows.indexOf(r)] = { ...r, tag }
    })
  }
  decoys.push({
    kind: "NAME_IN_CAPITALS", members: capsMembers, tags: [...capsTag],
    note: (r) => `Whole files (CB04, CB10) write names in capitals ("NGUYỄN VĂN …"); sample rows: ${refList(r)}.`
  })
  decoys.push({
    kind: "CELL_WITHOUT_ROSTER", members: allMembers.filter((m) => m.unit === NO_ROSTER_CELL && m.status === "ACTIVE"), tags: [],
    note: () => `${NO_ROSTER_CELL} (${unitByCode(NO_ROSTER_CELL).name}) sent no roster file: its members are not reported MISSING_FROM_ROSTER.`
  })
  decoys.push({
    kind: "SAME_CELL_NAME_DIFFERENT_PARENT", members: [], tags: [],
    note: () => `CB04 (under DB02) and CB07 (under DB03) are both "Chi bộ Khu dân cư số 1"; their files are told apart by the parent unit in A1 and the folder name.`
  })

  return { members: allMembers, transfers, files, cases, decoys }
}

// ---------------------------------------------------------------------------
// Writing

interface Written {
  readonly info: RosterFileInfo
  readonly refs: ReadonlyArray<{ readonly row: RowData; readonly ref: RowRef }>
}

const FONT = "Times New Roman"

const newWorkbook = (): ExcelJS.Workbook => {
  const wb = new ExcelJS.Workbook()
  wb.creator = "An Phú"
  wb.lastModifiedBy = "An Phú"
  wb.created = FIXED_STAMP
  wb.modified = FIXED_STAMP
  return wb
}

const setText = (cell: ExcelJS.Cell, value: string | number | Date | null, fontName = FONT, bold = false) => {
  cell.value = value
  cell.font = { name: fontName, size: 12, bold }
}

/** Titles, header and the data rows of layouts A, D, E, F (the "official form"). */
const writeFormA = (ws: ExcelJS.Worksheet, f: RosterFile, rng: Rng, tcvn: boolean): Array<RowRef & { row: number }> => {
  const enc = (s: string): string => (tcvn ? encodeTcvn3(s) : s)
  // TCVN3 (VN3) has no capitals with tone marks: all-capital cells are typed with lowercase codes in .VnTimeH.
  const encCaps = (s: string): [string, string] => (tcvn ? [encodeTcvn3(s.toLocaleLowerCase("vi")), ".VnTimeH"] : [s, FONT])
  const textFont = tcvn ? ".VnTime" : FONT
  const unit = unitByCode(f.unitCode)
  const parent = unitByCode(unit.parent as string)
  const put = (addr: string, s: string, bold = false) => {
    const allCaps = s === upper(s) && /[A-ZĐ]/.test(s)
    const [v, font] = allCaps ? encCaps(s) : [enc(s), textFont]
    setText(ws.getCell(addr), v, font, bold)
  }
  put("A1", upper(parent.name), true)
  put("J1", "ĐẢNG CỘNG SẢN VIỆT NAM", true)
  ws.getCell("J1").alignment = { horizontal: "right" }
  if (f.cellLine) put("A2", upper(unit.name), true)
  ws.mergeCells("A4:J4")
  put("A4", f.title, true)
  ws.getCell("A4").alignment = { horizontal: "center" }
  ws.mergeCells("A5:J5")
  put("A5", "An Phú, ngày 15 tháng 10 năm 2026")
  ws.getCell("A5").alignment = { horizontal: "center" }
  const headers = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"]
  if (f.monthly === "dues") for (let k = 1; k <= 12; k++) headers.push(`Đảng phí T${k}`)
  headers.forEach((h, i) => put(`${String.fromCharCode(65 + i)}7`, h, true))
  headers.forEach((_, i) => setText(ws.getCell(8, i + 1), i + 1, textFont))
  const dateCell = (cell: ExcelJS.Cell, d: PDate | null, zero = false) => {
    const excel = f.dateMode === "excel" || (f.dateMode === "mixed" && rng.chance(0.5))
    if (d === null) setText(cell, null, textFont)
    else if (d.m === null || d.d === null) setText(cell, zero ? `00/00/${d.y}` : String(d.y), textFont)
    else if (excel) {
      setText(cell, new Date(Date.UTC(d.y, d.m - 1, d.d)), textFont)
      cell.numFmt = "dd/mm/yyyy"
    } else setText(cell, fmtSlash(d), textFont)
  }
  const refs: Array<RowRef & { row: number }> = []
  f.rows.forEach((r, i) => {
    const rowNo = 9 + i
    const name = f.capitals ? upper(r.name) : r.name
    setText(ws.getCell(rowNo, 1), i + 1, textFont)
    put(`B${rowNo}`, name)
    dateCell(ws.getCell(rowNo, 3), r.birth, r.zeroDayMonth === true)
    put(`D${rowNo}`, r.sex === "M" ? "Nam" : "Nữ")
    put(`E${rowNo}`, r.hometown)
    setText(ws.getCell(rowNo, 6), r.cccd, textFont)
    setText(ws.getCell(rowNo, 7), r.cardNo, textFont)
    dateCell(ws.getCell(rowNo, 8), r.admitted)
    dateCell(ws.getCell(rowNo, 9), r.official)
    if (r.note !== "") put(`J${rowNo}`, r.note)
    ;(r.months ?? []).forEach((v, k) => {
      setText(ws.getCell(rowNo, 11 + k), v, textFont)
      if (typeof v === "number") ws.getCell(rowNo, 11 + k).numFmt = "#,##0"
    })
    refs.push({ file: f.file, sheet: f.sheet, row: rowNo })
  })
  const total = 9 + f.rows.length
  ws.mergeCells(`A${total}:C${total}`)
  put(`A${total}`, `Tổng cộng: ${f.rows.length} đồng chí`, true)
  ws.mergeCells(`G${total + 2}:J${total + 2}`)
  put(`G${total + 2}`, "BÍ THƯ CHI BỘ", true)
  ws.getCell(`G${total + 2}`).alignment = { horizontal: "center" }
  ws.mergeCells(`G${total + 6}:J${total + 6}`)
  put(`G${total + 6}`, secretaryOf(f), true)
  ws.getCell(`G${total + 6}`).alignment = { horizontal: "center" }
  ;[6, 28, 13, 9, 24, 16, 12, 13, 13, 26, ...(f.monthly === "dues" ? Array<number>(12).fill(8) : [])].forEach((w, i) => {
    ws.getColumn(i + 1).width = w
  })
  return refs
}

/**
 * The secretary signs the list: the longest-standing member of working age on it, taken from
 * rows with no planted purpose so the signature is spelled as in the central record.
 */
const secretaryOf = (f: RosterFile): string => {
  const plain = f.rows.filter((r) => r.memberId !== null && r.tag === undefined)
  const r = plain.find((x) => x.birth.y >= 1955 && x.birth.y <= 1985) ?? plain[0] ?? f.rows[0]
  return r === undefined ? "" : r.name
}

const writeFormB = (ws: ExcelJS.Worksheet, f: RosterFile): Array<RowRef & { row: number }> => {
  const unit = unitByCode(f.unitCode)
  const parent = unitByCode(unit.parent as string)
  setText(ws.getCell("A1"), upper(parent.name), FONT, true)
  setText(ws.getCell("I1"), "ĐẢNG CỘNG SẢN VIỆT NAM", FONT, true)
  ws.getCell("I1").alignment = { horizontal: "right" }
  setText(ws.getCell("A2"), upper(unit.name), FONT, true)
  ws.mergeCells("A4:I4")
  setText(ws.getCell("A4"), f.title, FONT, true)
  ws.getCell("A4").alignment = { horizontal: "center" }
  ws.mergeCells("A5:I5")
  setText(ws.getCell("A5"), "An Phú, ngày 15 tháng 10 năm 2026")
  ws.getCell("A5").alignment = { horizontal: "center" }
  const top = 7
  const single: ReadonlyArray<readonly [string, string]> = [
    ["A", "STT"], ["B", "Họ và tên"], ["E", "Quê quán"], ["F", "Số thẻ ĐV"], ["G", "CCCD"], ["H", "Ngày vào Đảng"], ["I", "Ghi chú"]
  ]
  for (const [col, h] of single) {
    ws.mergeCells(`${col}${top}:${col}${top + 1}`)
    setText(ws.getCell(`${col}${top}`), h, FONT, true)
  }
  ws.mergeCells(`C${top}:D${top}`)
  setText(ws.getCell(`C${top}`), "Ngày sinh", FONT, true)
  setText(ws.getCell(`C${top + 1}`), "Nam", FONT, true)
  setText(ws.getCell(`D${top + 1}`), "Nữ", FONT, true)
  if (f.monthly === "presence") {
    ws.mergeCells(`J${top}:U${top}`)
    setText(ws.getCell(`J${top}`), "Sinh hoạt tháng", FONT, true)
    for (let k = 1; k <= 12; k++) setText(ws.getCell(top + 1, 9 + k), k, FONT, true)
  }
  const refs: Array<RowRef & { row: number }> = []
  f.rows.forEach((r, i) => {
    const rowNo = top + 2 + i
    setText(ws.getCell(rowNo, 1), f.zeroPadStt ? pad2(i + 1) : i + 1)
    setText(ws.getCell(rowNo, 2), r.name)
    setText(ws.getCell(rowNo, r.sex === "M" ? 3 : 4), fmtDot(r.birth))
    setText(ws.getCell(rowNo, 5), r.hometown)
    // Excel turned the card numbers into numbers and dropped the leading zeros.
    setText(ws.getCell(rowNo, 6), r.cardNo === null ? null : Number(r.cardNo))
    setText(ws.getCell(rowNo, 7), r.cccd)
    setText(ws.getCell(rowNo, 8), fmtDot(r.admitted))
    if (r.note !== "") setText(ws.getCell(rowNo, 9), r.note)
    ;(r.months ?? []).forEach((v, k) => setText(ws.getCell(rowNo, 10 + k), v))
    refs.push({ file: f.file, sheet: f.sheet, row: rowNo })
  })
  const total = top + 2 + f.rows.length
  ws.mergeCells(`A${total}:C${total}`)
  setText(ws.getCell(`A${total}`), `Tổng cộng: ${f.rows.length} đồng chí`, FONT, true)
  ws.mergeCells(`F${total + 2}:I${total + 2}`)
  setText(ws.getCell(`F${total + 2}`), "BÍ THƯ CHI BỘ", FONT, true)
  ws.mergeCells(`F${total + 6}:I${total + 6}`)
  setText(ws.getCell(`F${total + 6}`), secretaryOf(f), FONT, true)
  ;[6, 28, 12, 12, 24, 12, 16, 13, 30, ...(f.monthly === "presence" ? Array<number>(12).fill(4) : [])].forEach((w, i) => {
    ws.getColumn(i + 1).width = w
  })
  return refs
}

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

const writeCsv = (f: RosterFile): { text: string; refs: Array<RowRef & { row: number }> } => {
  const lines = [["Mã chi bộ", "STT", "Họ tên", "Ngày sinh", "Giới tính", "CCCD", "Số thẻ", "Ngày vào Đảng", "Ghi chú"].join(",")]
  const refs: Array<RowRef & { row: number }> = []
  f.rows.forEach((r, i) => {
    lines.push(
      [f.unitCode, String(i + 1), r.name, fmtSlash(r.birth), r.sex === "M" ? "Nam" : "Nữ", r.cccd ?? "", r.cardNo ?? "", fmtSlash(r.admitted), r.note]
        .map(csvField)
        .join(",")
    )
    refs.push({ file: f.file, sheet: f.sheet, row: i + 2 })
  })
  // Excel's "CSV UTF-8" export: BOM, CRLF line ends.
  return { text: `\uFEFF${lines.join("\r\n")}\r\n`, refs }
}

const writeCentral = async (model: Model): Promise<Buffer> => {
  const wb = newWorkbook()
  const header = (ws: ExcelJS.Worksheet, cols: ReadonlyArray<readonly [string, number]>) => {
    cols.forEach(([h, w], i) => {
      setText(ws.getCell(1, i + 1), h, FONT, true)
      ws.getColumn(i + 1).width = w
    })
  }
  const dv = wb.addWorksheet("DangVien")
  header(dv, [
    ["Mã đảng viên", 14], ["Họ và tên", 28], ["Ngày sinh", 12], ["Giới tính", 9], ["Quê quán", 24], ["Số CCCD", 16],
    ["Số thẻ đảng viên", 16], ["Ngày vào Đảng", 14], ["Ngày chính thức", 14], ["Mã chi bộ", 10], ["Trạng thái", 16]
  ])
  model.members.forEach((m, i) => {
    const values = [
      m.id, fullName(m), fmtSlash(birthP(m)), m.sex === "M" ? "Nam" : "Nữ", m.hometown, m.cccd, m.cardNo,
      fmtSlash(m.admitted), m.official === null ? null : fmtSlash(m.official), m.unit, STATUS_TEXT[m.status]
    ]
    values.forEach((v, j) => setText(dv.getCell(i + 2, j + 1), v))
  })
  const cb = wb.addWorksheet("ChiBo")
  header(cb, [["Mã chi bộ", 10], ["Tên chi bộ", 32], ["Mã đơn vị cấp trên", 18], ["Tên đơn vị cấp trên", 32]])
  UNITS.forEach((u, i) => {
    const p = u.parent === null ? null : unitByCode(u.parent)
    ;[u.code, u.name, p?.code ?? null, p?.name ?? null].forEach((v, j) => setText(cb.getCell(i + 2, j + 1), v))
  })
  const cs = wb.addWorksheet("ChuyenSinhHoat")
  header(cs, [["Mã đảng viên", 14], ["Từ chi bộ", 36], ["Đến chi bộ", 36], ["Loại", 12], ["Ngày giới thiệu", 15], ["Ngày tiếp nhận", 15]])
  const ts = [...model.transfers].sort((a, b) => dayNo(a.introduced) - dayNo(b.introduced) || (a.member.id < b.member.id ? -1 : 1))
  ts.forEach((t, i) => {
    ;[t.member.id, t.from, t.to, t.kind, fmtSlash(t.introduced), t.received === null ? null : fmtSlash(t.received)].forEach((v, j) =>
      setText(cs.getCell(i + 2, j + 1), v)
    )
  })
  return pinZipTimestamps(Buffer.from(await wb.xlsx.writeBuffer()))
}

/**
 * exceljs (through JSZip) stamps every zip entry with the current time; overwrite the DOS
 * time/date in the central directory and local headers so reruns give identical bytes.
 */
export const pinZipTimestamps = (buf: Buffer): Buffer => {
  const dosDate = ((FIXED_STAMP.getUTCFullYear() - 1980) << 9) | ((FIXED_STAMP.getUTCMonth() + 1) << 5) | FIXED_STAMP.getUTCDate()
  let eocd = -1
  for (let i = buf.length - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error("not a zip file")
  const entries = buf.readUInt16LE(eocd + 10)
  let p = buf.readUInt32LE(eocd + 16)
  for (let e = 0; e < entries; e++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("bad zip central directory")
    buf.writeUInt16LE(0, p + 12)
    buf.writeUInt16LE(dosDate, p + 14)
    const local = buf.readUInt32LE(p + 42)
    buf.writeUInt16LE(0, local + 10)
    buf.writeUInt16LE(dosDate, local + 12)
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32)
  }
  return buf
}

export const writeAtomic = async (file: string, data: string | Buffer): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp-${process.pid}`
  await writeFile(tmp, data)
  await rename(tmp, file)
}

const writeRoster = async (rostersDir: string, f: RosterFile, rng: Rng): Promise<Written> => {
  const target = path.join(rostersDir, ...f.file.split("/"))
  let refs: Array<RowRef & { row: number }>
  let headerRow = 7
  let firstDataRow = 9
  if (f.layout === "C") {
    const csv = writeCsv(f)
    refs = csv.refs
    headerRow = 1
    firstDataRow = 2
    await writeAtomic(target, csv.text)
  } else {
    const wb = newWorkbook()
    const ws = wb.addWorksheet(f.sheet)
    refs = f.layout === "B" ? writeFormB(ws, f) : writeFormA(ws, f, rng, f.layout === "D")
    if (f.extraEmptySheet) wb.addWorksheet("Sheet2")
    await writeAtomic(target, pinZipTimestamps(Buffer.from(await wb.xlsx.writeBuffer())))
  }
  return {
    info: {
      file: f.file, unitCode: f.unitCode, layout: f.layout, kind: f.kind, sheet: f.sheet,
      headerRow, firstDataRow, dataRows: f.rows.length, note: f.note
    },
    refs: f.rows.map((row, i) => ({ row, ref: refs[i] as RowRef }))
  }
}

const compareRef = (a: RowRef, b: RowRef): number =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : a.row - b.row

/**
 * Writes central.xlsx, rosters/ (replaced wholesale), planted.json and README.md under outDir
 * and returns the manifest. Deterministic: no clock, no Math.random.
 */
export const generateCommune = async (outDir: string): Promise<CommuneManifest> => {
  const model = buildModel()
  const rng = new Rng(SEED ^ 0x5eed)
  await mkdir(outDir, { recursive: true })
  await writeAtomic(path.join(outDir, "central.xlsx"), await writeCentral(model))
  const rostersDir = path.join(outDir, "rosters")
  await rm(rostersDir, { recursive: true, force: true })
  const written: Array<Written> = []
  for (const f of model.files) written.push(await writeRoster(rostersDir, f, rng))
  const byTag = new Map<string, RowRef>()
  for (const w of written) for (const { row, ref } of w.refs) if (row.tag !== undefined) byTag.set(row.tag, ref)
  const refsOf = (tags: ReadonlyArray<string>): Array<RowRef> =>
    tags
      .map((t) => {
        const r = byTag.get(t)
        if (r === undefined) throw new Error(`planted row ${t} was not written`)
        return r
      })
      .sort(compareRef)
  const ids = (ms: ReadonlyArray<Member>) => ms.map((m) => m.id).sort()
  const manifest: CommuneManifest = {
    asOf: AS_OF,
    commune: COMMUNE,
    seed: SEED,
    memberCount: model.members.length,
    unitWithoutRoster: NO_ROSTER_CELL,
    files: written.map((w) => w.info),
    cases: model.cases.map((c) => {
      const rosterRows = refsOf(c.tags)
      return {
        category: c.category,
        memberIds: ids(c.members),
        unitCode: c.unitCode,
        rosterRows,
        ...(c.field === undefined ? {} : { field: c.field }),
        note: c.note(rosterRows)
      }
    }),
    decoys: model.decoys.map((d) => {
      const rosterRows = refsOf(d.tags)
      return { kind: d.kind, memberIds: ids(d.members), rosterRows, note: d.note(rosterRows) }
    })
  }
  await writeAtomic(path.join(outDir, "planted.json"), `${JSON.stringify(manifest, null, 2)}\n`)
  await writeAtomic(path.join(outDir, "README.md"), renderReadme(manifest))
  return manifest
}

// ---------------------------------------------------------------------------
// README (generated, so the table can never drift from planted.json)

const mdCell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ")
const rowsText = (rs: ReadonlyArray<RowRef>): string =>
  rs.length === 0 ? "—" : rs.map((r) => `${r.file}${r.sheet === "" ? "" : ` [${r.sheet}]`} row ${r.row}`).join("<br>")

export const renderReadme = (m: CommuneManifest): string => {
  const layoutText: Record<Layout, string> = {
    A: "Official form: title block (A1 parent unit, far-right \"ĐẢNG CỘNG SẢN VIỆT NAM\", A2 \"CHI BỘ …\", A4 title merged, A5 place and date), header row 7 (STT | Họ và tên | Ngày sinh | Giới tính | Quê quán | Số CCCD | Số thẻ đảng viên | Ngày vào Đảng | Ngày chính thức | Ghi chú), column-index row 8 (1…10), data from row 9, then \"Tổng cộng: N đồng chí\" and the signature block (\"BÍ THƯ CHI BỘ\", a name).",
    B: "Two-row header: title block as A; header rows 7–8 with \"Ngày sinh\" merged over Nam | Nữ (the date sits under the member's sex); columns STT | Họ và tên | Ngày sinh (Nam, Nữ) | Quê quán | Số thẻ ĐV | CCCD | Ngày vào Đảng | Ghi chú; data from row 9; card numbers are numbers (leading zeros lost); dates dd.mm.yyyy text.",
    C: "CSV, UTF-8 with BOM, CRLF: Mã chi bộ,STT,Họ tên,Ngày sinh,Giới tính,CCCD,Số thẻ,Ngày vào Đảng,Ghi chú; header line 1, data from line 2; dates dd/mm/yyyy.",
    D: "Layout A typed in the legacy TCVN3 font: every text cell holds TCVN3 bytes as Latin-1 characters in font .VnTime; all-capital cells (unit names, title) hold the lowercase codes in .VnTimeH, as VN3 has no accented capitals.",
    E: "Layout A titled \"DANH SÁCH ĐẢNG VIÊN GIỮ MỐI LIÊN HỆ VỚI CHI BỘ NƠI CƯ TRÚ (QUY ĐỊNH 213-QĐ/TW)\".",
    F: "Layout A titled \"DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI\"."
  }
  const lines: Array<string> = []
  lines.push(
    "# Sample commune: Đảng bộ xã An Phú (synthetic)",
    "",
    "Generated by `samples/generators/Commune.ts` (`generateCommune(\"samples\")`); do not edit by hand — rerun the generator.",
    "All people are synthetic: names are drawn from family / middle / given-name frequency lists (domain brief §6), identity numbers are random but well-formed (CCCD digit 4 and digits 5–6 agree with sex and birth year). No real roster was used.",
    "",
    `As-of date for the rules: **${m.asOf}**. Seed ${m.seed}. ${m.memberCount} records in the central export. Roster files are dated 15/10/2026.`,
    "",
    "## The commune",
    "",
    "Đảng bộ xã An Phú (DB01, root) has two đảng bộ bộ phận — Khu Bắc (DB02: CB01–CB04) and Khu Nam (DB03: CB05–CB08) — and five cells directly under it (CB09 school, CB10 health station, CB11 police, CB12 military, CB13 primary school).",
    "CB04 and CB07 have the same name, \"Chi bộ Khu dân cư số 1\", under different parents: unit resolution must use the parent (A1 of the file names the direct parent; the sub-folder does too).",
    `${m.unitWithoutRoster} (Chi bộ Quân sự xã) sent no roster file: its members must not be reported missing.`,
    "",
    "## Files",
    "",
    "- `central.xlsx` — central database export. Sheets `DangVien` (Mã đảng viên | Họ và tên | Ngày sinh | Giới tính | Quê quán | Số CCCD | Số thẻ đảng viên | Ngày vào Đảng | Ngày chính thức | Mã chi bộ | Trạng thái), `ChiBo` (Mã chi bộ | Tên chi bộ | Mã đơn vị cấp trên | Tên đơn vị cấp trên) and `ChuyenSinhHoat` (Mã đảng viên | Từ chi bộ | Đến chi bộ | Loại | Ngày giới thiệu | Ngày tiếp nhận). Header row 1, data from row 2; every value is text; dates dd/mm/yyyy or a bare year for some old members; transfers to or from outside the commune name the outside party organisation in full instead of a code.",
    "- `rosters/<parent unit folder>/…` — one official list per cell (except " + m.unitWithoutRoster + "), plus a Quy định 213 list and a temporary-membership list.",
    "- `planted.json` — the manifest below, machine-readable (also the return value of `generateCommune`).",
    "",
    "### Layouts",
    "",
    "| Layout | Description |",
    "|---|---|"
  )
  for (const k of ["A", "B", "C", "D", "E", "F"] as const) lines.push(`| ${k} | ${mdCell(layoutText[k])} |`)
  lines.push("", "### Roster files", "", "| File | Unit | Layout | Kind | Sheet | Header row | Data rows | Notes |", "|---|---|---|---|---|---|---|---|")
  for (const f of m.files) {
    lines.push(`| ${mdCell(f.file)} | ${f.unitCode} | ${f.layout} | ${f.kind} | ${f.sheet === "" ? "(csv)" : f.sheet} | ${f.headerRow} | ${f.firstDataRow}–${f.firstDataRow + f.dataRows - 1} | ${mdCell(f.note)} |`)
  }
  lines.push(
    "",
    "## Planted cases",
    "",
    "Everything not listed here is clean: every other active member is on exactly their own cell's official list, with fields that agree with the central record.",
    "",
    "unitCode convention (as the rules report it): MISSING_FROM_ROSTER and DUPLICATE_ROSTER give the member's central cell; DUPLICATE_CENTRAL the cell of the record with the smaller id (no roster rows: the finding is about the database); TRANSFER_OVERDUE the destination cell when it is in the commune, else the origin cell; NOT_IN_CENTRAL, UNREPORTED_TRANSFER, FIELD_MISMATCH, STATUS_CONFLICT and ABSENCE_3_MONTHS the cell whose list holds the row.",
    "",
    "| # | Category | Members | Unit | Field | Roster rows | Why |",
    "|---|---|---|---|---|---|---|"
  )
  m.cases.forEach((c, i) => {
    lines.push(`| ${i + 1} | ${c.category} | ${c.memberIds.join(", ") || "—"} | ${c.unitCode} | ${c.field ?? ""} | ${mdCell(rowsText(c.rosterRows))} | ${mdCell(c.note)} |`)
  })
  lines.push("", "## Decoys (must NOT be flagged)", "", "| # | Kind | Members | Roster rows | Why it is legitimate |", "|---|---|---|---|---|")
  m.decoys.forEach((d, i) => {
    lines.push(`| ${i + 1} | ${d.kind} | ${d.memberIds.join(", ") || "—"} | ${mdCell(rowsText(d.rosterRows))} | ${mdCell(d.note)} |`)
  })
  lines.push(
    "",
    "## Notes for readers of these files",
    "",
    "- Row numbers are 1-based as a spreadsheet program shows them; for CSV files the header is line 1 and the sheet is named after the file (its name with the extension), as the ingestion does.",
    "- Two lists keep monthly columns up to September 2026: CB01 \"Đảng phí T1\"…\"Đảng phí T12\" (amount paid, 0 = unpaid) and CB07 \"Sinh hoạt tháng\" over 1…12 (x có mặt, v vắng có lý do, k vắng không lý do, m miễn sinh hoạt). Blank months are unknown and never count as absence.",
    "- Probationary members (admitted after 31/10/2025) have no card number and no Ngày chính thức, and are noted \"Dự bị\".",
    "- Card numbers are 8-digit text with leading zeros everywhere except layout B files, where Excel stored them as numbers.",
    "- Dates are real Excel dates in some files, dd/mm/yyyy or dd.mm.yyyy text in others, and mixed row by row in two files; bare years (\"1944\") and \"00/00/yyyy\" occur for old members.",
    "- `Ghi chú` holds \"Miễn sinh hoạt\" (exempt), \"Dự bị\", \"Chuyển đến\", or, on the 213 and temporary lists, the member's home cell.",
    ""
  )
  return lines.join("\n")
}
