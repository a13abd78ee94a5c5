/**
 * The national generator (issue 12): a central database of millions of members across the 34
 * provinces of the 2025 merger, written directly as one SQLite export per province (the central
 * schema of src/Ingest/Central.ts plus `central_meta` keys `province_code` and `province_name`),
 * and one province's rosters and truth.json through the province generator (Province.ts), with
 * moves between provinces planted:
 *
 * - members whose central record is in another province listed on an official list of the roster
 *   province with no transfer on record (UNREPORTED_TRANSFER across provinces; most typed with the
 *   errors of a clerk who never saw the record, Clerks.moveErrors);
 * - members of the roster province listed in another province (left off their list: the roster
 *   province's run sees a MISSING_FROM_ROSTER);
 * - decoys: namesakes of listed members, same sex and birth date, in other provinces (another
 *   person: own CCCD, card, admission and hometown).
 *
 * Xlsx cannot hold 5.6 M rows (Excel's 1,048,576), so the exports are written with better-sqlite3
 * prepared statements in one transaction per province; members are made cell by cell and written
 * at once (a province is never held in memory). The roster province is built in memory as the
 * province generator builds it. Deterministic: the same options give the same rows and bytes.
 *
 * Steps (the table of contents): planProvinces → planCrossProvince → buildRosterProvince →
 * plantOtherProvinceDecoys → writeRosterProvinceExport → writeProvinceExport (each other province)
 * → writeRosters + truth.json + national.json.
 */
import Database from "better-sqlite3"
import { mkdir, rename, rm } from "node:fs/promises"
import * as path from "node:path"
import { MemberSheet, TransferSheet, UnitSheet } from "../../src/Ingest/Central.js"
import type { MemberStatus } from "../../src/Domain.js"
import { birthP } from "./Clerks.js"
import { fmtSlash, fullName, type IdCtx, randomDate, Rng, STATUS_TEXT, writeAtomic, ymd } from "./Commune.js"
import {
  buildProvince,
  type CellDef,
  cellNames,
  communeName,
  type ForeignMember,
  makeMember,
  type ProvinceMember,
  type ProvinceModel,
  type ProvinceTruth,
  truthOf,
  writeRosters
} from "./Province.js"

// ---------------------------------------------------------------------------
// The 34 provinces and cities since 1 July 2025 (domain.md §2: 63 → 34). Code: the CCCD code
// (Thông tư 07/2016/TT-BCA) of the province whose name was kept; `merged`: the CCCD codes of the
// provinces merged into it, for hometowns and CCCDs. Weight: roughly the population in millions
// (illustrative; party membership is not published per merged province).

export interface NationalProvince {
  readonly code: string
  readonly name: string
  readonly weight: number
  readonly merged: ReadonlyArray<string>
}

const P = (code: string, name: string, weight: number, merged: ReadonlyArray<string> = [code]): NationalProvince => ({ code, name, weight, merged })

export const PROVINCES_2025: ReadonlyArray<NationalProvince> = [
  P("001", "Thành phố Hà Nội", 8.7),
  P("046", "Thành phố Huế", 1.2),
  P("031", "Thành phố Hải Phòng", 4.7, ["031", "030"]),
  P("048", "Thành phố Đà Nẵng", 3.1, ["048", "049"]),
  P("079", "Thành phố Hồ Chí Minh", 14.0, ["079", "074", "077"]),
  P("092", "Thành phố Cần Thơ", 4.2, ["092", "094", "093"]),
  P("012", "tỉnh Lai Châu", 0.5),
  P("011", "tỉnh Điện Biên", 0.65),
  P("014", "tỉnh Sơn La", 1.3),
  P("020", "tỉnh Lạng Sơn", 0.8),
  P("004", "tỉnh Cao Bằng", 0.55),
  P("022", "tỉnh Quảng Ninh", 1.4),
  P("038", "tỉnh Thanh Hóa", 4.3),
  P("040", "tỉnh Nghệ An", 3.8),
  P("042", "tỉnh Hà Tĩnh", 1.6),
  P("008", "tỉnh Tuyên Quang", 1.9, ["008", "002"]),
  P("010", "tỉnh Lào Cai", 1.8, ["010", "015"]),
  P("019", "tỉnh Thái Nguyên", 1.8, ["019", "006"]),
  P("025", "tỉnh Phú Thọ", 4.0, ["025", "026", "017"]),
  P("027", "tỉnh Bắc Ninh", 3.6, ["027", "024"]),
  P("033", "tỉnh Hưng Yên", 3.6, ["033", "034"]),
  P("037", "tỉnh Ninh Bình", 4.4, ["037", "036", "035"]),
  P("045", "tỉnh Quảng Trị", 1.9, ["045", "044"]),
  P("051", "tỉnh Quảng Ngãi", 1.9, ["051", "062"]),
  P("064", "tỉnh Gia Lai", 3.6, ["064", "052"]),
  P("056", "tỉnh Khánh Hòa", 2.2, ["056", "058"]),
  P("068", "tỉnh Lâm Đồng", 3.9, ["068", "067", "060"]),
  P("066", "tỉnh Đắk Lắk", 3.3, ["066", "054"]),
  P("075", "tỉnh Đồng Nai", 4.5, ["075", "070"]),
  P("072", "tỉnh Tây Ninh", 3.3, ["072", "080"]),
  P("086", "tỉnh Vĩnh Long", 4.3, ["086", "083", "084"]),
  P("087", "tỉnh Đồng Tháp", 4.4, ["087", "082"]),
  P("096", "tỉnh Cà Mau", 2.6, ["096", "095"]),
  P("089", "tỉnh An Giang", 5.0, ["089", "091"])
]

/** The names of the 63 provinces before the merger, by CCCD code (domain.md §1.3): hometowns keep the old names. */
const OLD_NAMES: Readonly<Record<string, string>> = {
  "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên",
  "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh",
  "024": "Bắc Giang", "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng", "033": "Hưng Yên",
  "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
  "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi",
  "052": "Bình Định", "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum", "064": "Gia Lai",
  "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
  "077": "Bà Rịa–Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
  "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
  "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau"
}

export const committeeName = (p: NationalProvince): string => `Đảng bộ ${p.name}`

/** Rates per active member of the roster province. */
const NATIONAL_RATE = {
  /** Members of other provinces listed here without a transfer (UNREPORTED_TRANSFER across provinces). */
  incoming: 0.003,
  /** Members of this province listed in another one (MISSING_FROM_ROSTER here). */
  outgoing: 0.002,
  /** Namesakes of listed members, same birth date, in other provinces. */
  namesakeOtherProvince: 0.004,
  /** Inactive records in the other provinces (as the province generator's 4 %). */
  inactive: 0.04
} as const

// ---------------------------------------------------------------------------
// Options and results

export interface NationalOptions {
  /** Active members nationally (the roster province's included). */
  readonly members: number
  /** How many of the 34 provinces (the roster province and the first others of the list). */
  readonly provinces: number
  /** The roster province's code (PROVINCES_2025). */
  readonly rosterProvince: string
  /** Active members of the roster province (its rosters hold about as many rows); default 150,000 or its share when smaller. */
  readonly rosterMembers?: number
  readonly seed: number
  readonly out: string
  /** Skip writing the roster files (the bench needs only the exports). */
  readonly skipRosterFiles?: boolean
}

export interface ExportInfo {
  readonly code: string
  readonly name: string
  /** Relative to the output folder. */
  readonly file: string
  readonly members: number
  readonly units: number
  readonly transfers: number
  /** Inclusive ranges of the numeric part of the member ids ("DV" + digits) given out in this province. */
  readonly idRanges: ReadonlyArray<readonly [number, number]>
}

export interface NationalTruthInfo {
  readonly rosterProvince: string
  readonly provinces: ReadonlyArray<ExportInfo>
}

export type NationalTruth = Omit<ProvinceTruth, "generator"> & { readonly generator: "national"; readonly national: NationalTruthInfo }

export interface NationalResult {
  readonly truth: NationalTruth
  readonly exports: ReadonlyArray<ExportInfo>
  readonly centralRecords: number
  /** Milliseconds per step. */
  readonly ms: Readonly<Record<string, number>>
}

// ---------------------------------------------------------------------------
// Step 1. The plan: which provinces, how many members each, their unit trees and cell sizes

interface CellPlan extends CellDef {
  readonly size: number
}

interface ProvincePlan {
  readonly index: number
  readonly province: NationalProvince
  readonly roster: boolean
  active: number
  /** Other provinces: the unit tree, cells with their sizes. */
  units: Array<{ code: string; name: string; parentCode: string | null; parentName: string | null }>
  cells: Array<CellPlan>
  inactive: number
  /** Records made before the bulk (movers, decoys): the first ids of the province. */
  readonly planted: Array<ProvinceMember>
  /** Planted slots reserved up front, so the id range is known before the planted members are made. */
  plantedSlots: number
  idBase: number
}

const ROSTER_DEFAULT = 150_000
/** Other provinces' ids start here (the roster province's generator uses 10,000,001… and 90,000,001…). */
const OTHER_ID_BASE = 20_000_001
const OTHER_ID_LIMIT = 89_999_999

const chooseProvinces = (opts: NationalOptions): Array<NationalProvince> => {
  const roster = PROVINCES_2025.find((p) => p.code === opts.rosterProvince)
  if (roster === undefined) throw new Error(`--roster-province ${opts.rosterProvince}: not one of the 34 codes (${PROVINCES_2025.map((p) => p.code).join(", ")})`)
  const n = Math.max(2, Math.min(PROVINCES_2025.length, Math.floor(opts.provinces)))
  return [roster, ...PROVINCES_2025.filter((p) => p !== roster).slice(0, n - 1)]
}

/** Units of another province: committee → communes (names from the province generator's list, offset per province) → cells. */
const planUnits = (rng: Rng, plan: ProvincePlan): void => {
  const pp = String(plan.index + 1).padStart(2, "0")
  const root = `TU${pp}`
  const rootName = committeeName(plan.province)
  const nCells = Math.max(2, Math.round(plan.active / 25))
  const nCommunes = Math.max(1, Math.round(nCells / 40))
  plan.units.push({ code: root, name: rootName, parentCode: null, parentName: null })
  const weights: Array<number> = []
  for (let c = 0; c < nCommunes; c++) {
    const name = communeName((c + plan.index * 137) % 2610)
    const code = `DB${pp}${String(c + 1).padStart(4, "0")}`
    plan.units.push({ code, name, parentCode: root, parentName: rootName })
    const count = Math.floor(nCells / nCommunes) + (c < nCells % nCommunes ? 1 : 0)
    const short = name.replace(/^Đảng bộ (xã|phường|thị trấn) /, "")
    for (const [cellName, kind] of cellNames(rng, short, count)) {
      const cellCode = `CB${pp}${String(plan.cells.length + 1).padStart(6, "0")}`
      plan.units.push({ code: cellCode, name: cellName, parentCode: code, parentName: name })
      plan.cells.push({ code: cellCode, name: cellName, commune: c, kind, size: 0 })
      weights.push(10 + rng.next() * 35)
    }
  }
  // Cell sizes 10–45 as in the province generator, summing to the province's active members.
  const wTotal = weights.reduce((a, b) => a + b, 0)
  let given = 0
  plan.cells = plan.cells.map((c, i) => {
    const size = i === plan.cells.length - 1 ? Math.max(1, plan.active - given) : Math.max(1, Math.round((weights[i]! / wTotal) * plan.active))
    given += size
    return { ...c, size }
  })
  plan.active = given
  plan.inactive = Math.round(NATIONAL_RATE.inactive * plan.active)
}

const planProvinces = (rng: Rng, opts: NationalOptions): Array<ProvincePlan> => {
  const chosen = chooseProvinces(opts)
  const total = Math.max(chosen.length * 300, Math.floor(opts.members))
  const wAll = chosen.reduce((a, p) => a + p.weight, 0)
  const rosterShare = Math.round((total * chosen[0]!.weight) / wAll)
  const rosterActive = Math.max(200, Math.floor(opts.rosterMembers ?? Math.min(ROSTER_DEFAULT, rosterShare)))
  const rest = Math.max(0, total - rosterActive)
  const wOthers = wAll - chosen[0]!.weight
  return chosen.map((province, i) => {
    const plan: ProvincePlan = {
      index: PROVINCES_2025.indexOf(province), province, roster: i === 0,
      active: i === 0 ? rosterActive : Math.max(100, Math.round((rest * province.weight) / wOthers)),
      units: [], cells: [], inactive: 0, planted: [], plantedSlots: 0, idBase: 0
    }
    if (!plan.roster) planUnits(rng, plan)
    return plan
  })
}

// ---------------------------------------------------------------------------
// Step 2. Moves and decoys across provinces: how many, from and to which province

const hometownIn = (rng: Rng, p: NationalProvince): { hometown: string; cccdProvince: string } => {
  const old = rng.pick(p.merged)
  const commune = communeName(rng.int(0, 869)).replace(/^Đảng bộ (xã|phường|thị trấn) /, "")
  return { hometown: `${commune}, ${OLD_NAMES[old] ?? p.name}`, cccdProvince: old }
}

const weightedOther = (rng: Rng, others: ReadonlyArray<ProvincePlan>): ProvincePlan => rng.weighted(others.map((p) => [p, p.active] as const))

interface CrossPlan {
  /** Per mover: its province. */
  readonly incoming: Array<ProvincePlan>
  readonly outgoing: Array<ProvincePlan>
  readonly decoys: Array<ProvincePlan>
}

const planCrossProvince = (rng: Rng, plans: ReadonlyArray<ProvincePlan>): CrossPlan => {
  const roster = plans[0]!
  const others = plans.slice(1)
  const n = (rate: number) => Math.max(2, Math.round(rate * roster.active))
  const incoming = Array.from({ length: n(NATIONAL_RATE.incoming) }, () => weightedOther(rng, others))
  const outgoing = Array.from({ length: n(NATIONAL_RATE.outgoing) }, () => weightedOther(rng, others))
  const decoys = Array.from({ length: n(NATIONAL_RATE.namesakeOtherProvince) }, () => weightedOther(rng, others))
  for (const p of [...incoming, ...decoys]) p.plantedSlots++
  // Id ranges, one after the other: planted first, then the bulk.
  let base = OTHER_ID_BASE
  for (const p of others) {
    p.idBase = base
    base += p.plantedSlots + p.active + p.inactive
  }
  if (base > OTHER_ID_LIMIT) throw new Error(`${base - OTHER_ID_BASE} records do not fit the id range (DV20000001–DV89999999)`)
  return { incoming, outgoing, decoys }
}

/**
 * Ids in a province's range in an order that says nothing about the cell (as the province
 * generator shuffles them): i → base + (a·i + c) mod n, a bijection when gcd(a, n) = 1.
 */
const idOrder = (n: number, seed: number): ((i: number) => number) => {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y))
  let a = (2_654_435_761 + seed) % Math.max(1, n)
  while (n > 1 && (a === 0 || gcd(a, n) !== 1)) a = (a + 1) % n
  const c = (seed * 7919) % Math.max(1, n)
  return (i) => (n <= 1 ? 0 : (a * i + c) % n)
}

const memberIdOf = (p: ProvincePlan, perm: (i: number) => number, i: number): string => `DV${p.idBase + perm(i)}`

/** A working-age full member (born 1961–1996, past probation) of a cell of `p`: the kind of member who moves. */
const makeMover = (ctx: IdCtx, p: ProvincePlan): ProvinceMember => {
  const cell = ctx.rng.pick(p.cells)
  for (;;) {
    const m = makeMember(ctx, cell, { years: [1961, 1996], ...hometownIn(ctx.rng, p.province) })
    if (m.official !== null) return m
  }
}

// ---------------------------------------------------------------------------
// Step 3. The roster province, as the province generator builds it, with the moves planted

const buildRosterProvince = (ctx: IdCtx, plans: ReadonlyArray<ProvincePlan>, cross: CrossPlan, seed: number): ProvinceModel => {
  const roster = plans[0]!
  const perms = new Map(plans.slice(1).map((p) => [p, idOrder(p.plantedSlots + p.active + p.inactive, seed + p.index)]))
  const incoming: Array<ForeignMember> = cross.incoming.map((p) => {
    const m = makeMover(ctx, p)
    m.id = memberIdOf(p, perms.get(p)!, p.planted.length)
    p.planted.push(m)
    return { member: m, province: p.province.code }
  })
  const model = buildProvince({
    members: roster.active, seed: seed + 1, provinceName: committeeName(roster.province), ids: { cccds: ctx.cccds, cards: ctx.cards },
    crossProvince: { incoming, outgoing: cross.outgoing.map((p) => p.province.code), province: roster.province.code }
  })
  return model
}

/** Step 4. Namesakes of listed members of the roster province, born the same day, in other provinces. */
const plantOtherProvinceDecoys = (ctx: IdCtx, model: ProvinceModel, cross: CrossPlan, seed: number): Array<{ kind: string; memberIds: Array<string> }> => {
  const listed = new Set<string>()
  for (const f of model.files) for (const r of f.rows) if (r.memberId !== null) listed.add(r.memberId)
  const candidates = model.members.filter((m) => m.status === "ACTIVE" && listed.has(m.id))
  const used = new Set<string>()
  const out: Array<{ kind: string; memberIds: Array<string> }> = []
  for (const p of cross.decoys) {
    let a = ctx.rng.pick(candidates)
    while (used.has(a.id)) a = ctx.rng.pick(candidates)
    used.add(a.id)
    const b = makeMember(ctx, ctx.rng.pick(p.cells), { sex: a.sex, name: { family: a.family, middle: a.middle, given: a.given }, birth: a.birth, ...hometownIn(ctx.rng, p.province) })
    b.birthYearOnly = a.birthYearOnly
    b.id = memberIdOf(p, idOrder(p.plantedSlots + p.active + p.inactive, seed + p.index), p.planted.length)
    p.planted.push(b)
    out.push({ kind: "NAMESAKE_SAME_BIRTH_DATE_OTHER_PROVINCE", memberIds: [a.id, b.id].sort() })
  }
  return out
}

// ---------------------------------------------------------------------------
// Step 5. The exports: SQLite in the central schema, written directly

type Raw = string | number | null

/** A member as the export holds it: the raw values the workbook would (ProvinceFiles.writeCentral), by column. */
const memberValues = (m: ProvinceMember): Record<string, Raw> => ({
  member_id: m.id,
  full_name: fullName(m),
  birth_date: fmtSlash(birthP(m)),
  sex: m.sex === "M" ? "Nam" : "Nữ",
  hometown: m.hometown,
  cccd: m.cccd,
  card_no: m.cardNo,
  admitted_date: fmtSlash(m.admitted),
  official_date: m.official === null ? null : fmtSlash(m.official),
  unit_code: m.unit,
  status: STATUS_TEXT[m.status]
})

const TABLES = [MemberSheet, UnitSheet, TransferSheet] as const

/** One export being written: the schema of Central.ts (columns from its sheet declarations), prepared inserts, one transaction. */
class ExportWriter {
  readonly db: Database.Database
  private readonly inserts: Array<Database.Statement>
  private readonly columns: Array<ReadonlyArray<string>>
  private readonly rows = [1, 1, 1]
  readonly counts = [0, 0, 0]
  constructor(readonly file: string, meta: Record<string, string>) {
    this.db = new Database(file)
    // OFF is refused in defensive mode (better-sqlite3 answers "delete"); MEMORY keeps the rollback journal off the disk.
    this.db.pragma("journal_mode = MEMORY")
    this.db.pragma("synchronous = OFF")
    this.db.exec("CREATE TABLE central_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for (const spec of TABLES) this.db.exec(`CREATE TABLE ${spec.table} (source_row INTEGER PRIMARY KEY, ${spec.columns.map((c) => c.column).join(", ")})`)
    const m = this.db.prepare("INSERT INTO central_meta (key, value) VALUES (?, ?)")
    for (const [k, v] of Object.entries(meta)) m.run(k, v)
    this.columns = TABLES.map((spec) => spec.columns.map((c) => c.column))
    this.inserts = TABLES.map((spec) => this.db.prepare(`INSERT INTO ${spec.table} VALUES (?, ${spec.columns.map(() => "?").join(", ")})`))
    this.db.exec("BEGIN")
  }
  /** `table`: 0 members, 1 units, 2 transfers; source_row numbers the sheet's data rows from 2. */
  add(table: 0 | 1 | 2, values: Record<string, Raw>): void {
    const row = ++this.rows[table]!
    const args: Array<Raw> = [row]
    for (const c of this.columns[table]!) args.push(values[c] ?? null)
    this.inserts[table]!.run(args)
    this.counts[table]!++
  }
  close(): void {
    this.db.exec("COMMIT")
    this.db.close()
  }
}

const exportName = (p: NationalProvince): string =>
  `exports/${p.code}-${p.name.replace(/^(tỉnh|Thành phố) /, "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/[^a-z0-9]+/g, "-")}.sqlite`

const openExport = async (out: string, p: NationalProvince, seed: number): Promise<{ w: ExportWriter; tmp: string; target: string; rel: string }> => {
  const rel = exportName(p)
  const target = path.join(out, rel)
  await mkdir(path.dirname(target), { recursive: true })
  const tmp = `${target}.tmp-${process.pid}`
  await rm(tmp, { force: true })
  const w = new ExportWriter(tmp, {
    schema_version: "1",
    source_file: path.basename(rel).replace(/\.sqlite$/, ".xlsx"),
    source_sha256: "",
    province_code: p.code,
    province_name: p.name,
    generator: `recon samples national (seed ${seed})`
  })
  return { w, tmp, target, rel }
}

const finishExport = async (e: { w: ExportWriter; tmp: string; target: string }): Promise<void> => {
  e.w.close()
  await rename(e.tmp, e.target)
}

/** Numeric ids grouped into runs (a gap over 1,000 starts a new one): the ranges truth.json gives per province. */
const idRangesOf = (ids: ReadonlyArray<string>): Array<[number, number]> => {
  const xs = ids.map((id) => Number(id.replace(/^DV/, ""))).filter(Number.isFinite).sort((a, b) => a - b)
  const out: Array<[number, number]> = []
  for (const x of xs) {
    const last = out[out.length - 1]
    if (last !== undefined && x - last[1] <= 1000) last[1] = x
    else out.push([x, x])
  }
  return out
}

/** The roster province's export: the model's members, units and transfers (what central.xlsx would hold). */
const writeRosterProvinceExport = async (out: string, plan: ProvincePlan, model: ProvinceModel, seed: number): Promise<ExportInfo> => {
  const e = await openExport(out, plan.province, seed)
  for (const m of model.members) e.w.add(0, memberValues(m))
  for (const u of model.units) e.w.add(1, { unit_code: u.code, unit_name: u.name, parent_code: u.parentCode, parent_name: u.parentName })
  for (const t of model.transfers) {
    e.w.add(2, {
      member_id: t.memberId, from_unit: t.from, to_unit: t.to, kind: t.kind,
      introduced_date: fmtSlash(t.introduced), received_date: t.received === null ? null : fmtSlash(t.received)
    })
  }
  const [members, units, transfers] = e.w.counts as [number, number, number]
  await finishExport(e)
  return { code: plan.province.code, name: plan.province.name, file: e.rel, members, units, transfers, idRanges: idRangesOf(model.members.map((m) => m.id)) }
}

const INACTIVE: ReadonlyArray<readonly [MemberStatus, number]> = [["DECEASED", 5], ["TRANSFERRED_OUT", 3], ["REMOVED", 1], ["LEFT", 0.5]]

/**
 * Another province's export, made cell by cell and written at once: the planted members first (their
 * ids were given out already), then every cell's active members, then the inactive records (a
 * transfer out of the province for each TRANSFERRED_OUT one).
 */
const writeProvinceExport = async (out: string, ctx: IdCtx, plan: ProvincePlan, all: ReadonlyArray<ProvincePlan>, seed: number): Promise<ExportInfo> => {
  const { rng } = ctx
  const e = await openExport(out, plan.province, seed)
  const n = plan.plantedSlots + plan.active + plan.inactive
  const perm = idOrder(n, seed + plan.index)
  for (const u of plan.units) e.w.add(1, { unit_code: u.code, unit_name: u.name, parent_code: u.parentCode, parent_name: u.parentName })
  for (const m of plan.planted) e.w.add(0, memberValues(m))
  let i = plan.plantedSlots
  const elsewhere = all.filter((p) => p !== plan)
  for (const cell of plan.cells) {
    for (let k = 0; k < cell.size; k++) {
      const m = makeMember(ctx, cell, hometownIn(rng, plan.province))
      m.id = memberIdOf(plan, perm, i++)
      e.w.add(0, memberValues(m))
    }
  }
  for (let k = 0; k < plan.inactive; k++) {
    const cell = rng.pick(plan.cells)
    const status = rng.weighted(INACTIVE)
    const m = makeMember(ctx, cell, { ...(status === "DECEASED" ? { years: [1928, 1955] as const } : {}), status, ...hometownIn(rng, plan.province) })
    m.id = memberIdOf(plan, perm, i++)
    e.w.add(0, memberValues(m))
    if (status === "TRANSFERRED_OUT") {
      const introduced = randomDate(rng, ymd(2022, 1, 1), ymd(2026, 3, 31))
      const received = randomDate(rng, introduced, ymd(2026, 4, 30))
      const to = elsewhere.length > 0 ? committeeName(rng.pick(elsewhere).province) : "Đảng bộ Quân đội"
      e.w.add(2, { member_id: m.id, from_unit: cell.code, to_unit: to, kind: "Chính thức", introduced_date: fmtSlash(introduced), received_date: fmtSlash(received) })
    }
  }
  const [members, units, transfers] = e.w.counts as [number, number, number]
  await finishExport(e)
  return { code: plan.province.code, name: plan.province.name, file: e.rel, members, units, transfers, idRanges: [[plan.idBase, plan.idBase + n - 1]] }
}

// ---------------------------------------------------------------------------
// The whole

export const generateNational = async (opts: NationalOptions): Promise<NationalResult> => {
  const ms: Record<string, number> = {}
  const timed = async <A>(step: string, f: () => A | Promise<A>): Promise<A> => {
    const t0 = performance.now()
    const a = await f()
    ms[step] = Math.round(performance.now() - t0)
    return a
  }
  const rng = new Rng(opts.seed)
  const ctx: IdCtx = { rng, cccds: new Set(), cards: new Set() }
  const plans = await timed("plan", () => planProvinces(rng, opts))
  const cross = planCrossProvince(rng, plans)
  const model = await timed("rosterProvince", () => buildRosterProvince(ctx, plans, cross, opts.seed))
  const decoys = plantOtherProvinceDecoys(ctx, model, cross, opts.seed)
  await mkdir(opts.out, { recursive: true })
  const exports: Array<ExportInfo> = []
  exports.push(await timed("rosterProvinceExport", () => writeRosterProvinceExport(opts.out, plans[0]!, model, opts.seed)))
  await timed("otherExports", async () => {
    for (const p of plans.slice(1)) exports.push(await writeProvinceExport(opts.out, ctx, p, plans, opts.seed))
  })
  if (opts.skipRosterFiles !== true) await timed("rosterFiles", () => writeRosters(model, path.join(opts.out, "rosters")))
  const base = truthOf(model)
  const truth: NationalTruth = {
    ...base,
    generator: "national",
    decoys: [...base.decoys, ...decoys],
    national: { rosterProvince: plans[0]!.province.code, provinces: exports }
  }
  await timed("truth", () => writeAtomic(path.join(opts.out, "truth.json"), JSON.stringify(truth)))
  const centralRecords = exports.reduce((a, x) => a + x.members, 0)
  await writeAtomic(
    path.join(opts.out, "national.json"),
    JSON.stringify({ seed: opts.seed, members: opts.members, rosterProvince: plans[0]!.province.code, centralRecords, exports }, null, 2)
  )
  return { truth, exports, centralRecords, ms }
}
