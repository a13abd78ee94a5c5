/**
 * A province's run against the national index (Store/CentralIndex.ts): instead of loading the
 * whole central database, it reads
 *
 *   1. the province's units (to resolve the roster files),
 *   2. after the rosters are read: the province's own members, the members whose blocking keys
 *      (every rule of the pipeline) equal a key of a roster row or of an own member, the members
 *      with a transfer from or to a unit of the province, the units of all of them up to their
 *      roots, and their transfers,
 *
 * and runs the existing in-memory pipeline on that subset. Memory grows with the rosters and the
 * candidates, not with the central size.
 *
 * Candidates: every record a run over the whole database would pair with a roster row or an own
 * member. A rule capped at `maxGroup` pairs nothing in a group over its cap: such a group is looked
 * up with `LIMIT maxGroup + 1` and, over the cap, not fetched (the national "Nguyễn Hùng, 1960"
 * would otherwise bring hundreds of records each). Records fetched by other rules that share such
 * a key may then pair under the capped rule in the subset: an extra candidate pair, never a
 * missing one (README: the national index, where an index run may differ from a whole run).
 *
 * Settled rows: a roster row sharing a CCCD or card number with one of the province's own members
 * is that member (a CCCD is for life); it and that member look up their identifiers only, not
 * their name and date keys. At 5.6 M records those keys brought ~4 records of other provinces
 * each (given name + birth date, admission date + given name: no cap), 1.4 M candidates for a
 * province of 155,000 rows, none of which could outscore the member sharing the row's CCCD. Rows
 * without such a member (a mover, a row with no or a mistyped identifier, a person not in the
 * database) and own members no row names look up every key. What this gives up: a duplicate of a
 * listed own member in another province that shares none of its identifiers; and the model is
 * fitted on fewer records of other provinces.
 *
 * The match then compares central × central pairs only when one record is an own member
 * (Engine.block's anchors): a pair of two records of other provinces gives no finding here.
 */
import * as path from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import type { CentralMember, Discrepancy, Rejection, RosterRow, Transfer, Unit } from "../Domain.js"
import type { CentralIngest } from "../Ingest/Central.js"
import type { BlockKey, MatchSettings, Side } from "../Match/Engine.js"
import { Interner, parentMap, prepare } from "../Match/Engine.js"
import {
  decodeMember, decodeTransfer, IndexError, type IndexMeta, provinceIssues, provinceLocal, readIndexMeta, signatureOf, signaturesOf, stableKey
} from "../Store/CentralIndex.js"

/** Key signatures of identifiers: a row sharing one with an own member is that member (a CCCD is for life). */
const IDENTIFIERS: ReadonlySet<string> = new Set(["cccd", "cardNo"])

export interface Province {
  readonly code: string
  readonly name: string
}

export interface IndexHandle {
  readonly db: Database.Database
  readonly file: string
  readonly meta: IndexMeta
  readonly province: Province & { readonly sourceSha256: string; readonly rowsRead: number; readonly rowsRejected: number }
}

/** Opens the index read-only for the run's scope and settles the province. */
export const openIndex = (file: string, province: string | undefined) =>
  Effect.acquireRelease(
    Effect.try({
      try: (): IndexHandle => {
        const db = new Database(file, { readonly: true, fileMustExist: true })
        try {
          const meta = readIndexMeta(db)
          if (meta === null) throw new IndexError({ message: `${path.basename(file)} is not a national index` })
          const all = db.prepare(`SELECT code, name, source_sha256, rows_read, rows_rejected FROM central_provinces ORDER BY code`).all() as Array<{
            code: string
            name: string
            source_sha256: string
            rows_read: number
            rows_rejected: number
          }>
          const list = all.map((p) => `${p.code} (${p.name})`).join(", ")
          const chosen = province === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((p) => p.code === province)
          if (chosen === undefined) {
            throw new IndexError({
              message: province === undefined
                ? `${path.basename(file)} holds ${all.length} provinces; give --province <code>, one of: ${list}`
                : `--province ${province}: not in ${path.basename(file)}; it holds ${list || "no province"}`
            })
          }
          return {
            db,
            file,
            meta,
            province: { code: chosen.code, name: chosen.name, sourceSha256: chosen.source_sha256, rowsRead: chosen.rows_read, rowsRejected: chosen.rows_rejected }
          }
        } catch (e) {
          db.close()
          throw e
        }
      },
      catch: (e) => (e instanceof IndexError ? e : new IndexError({ message: `${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}` }))
    }),
    (h) => Effect.sync(() => h.db.close())
  )

interface UnitRow {
  readonly province: string
  readonly unit_code: string
  readonly unit_name: string
  readonly parent_code: string | null
  readonly parent_name: string | null
}

const unitOf = (r: UnitRow): Unit => ({ code: r.unit_code, name: r.unit_name, parentCode: r.parent_code, parentName: r.parent_name })

/** The province's units (for resolving its roster files). */
export const provinceUnits = (h: IndexHandle): Array<Unit> =>
  (h.db.prepare(`SELECT * FROM central_units WHERE province = ? ORDER BY rowid`).all(h.province.code) as Array<UnitRow>).map(unitOf)

/** The pipeline's rules the index has no keys for (the run is refused: candidates would be missed silently). */
export const missingRules = (meta: IndexMeta, settings: Pick<MatchSettings, "blocking">): Array<string> =>
  settings.blocking.filter((r) => !provinceLocal(r) && !meta.signatures.includes(signatureOf(r))).map((r) => r.name)

/** A member of this province found on another province's roster by that province's last index run. */
export interface Listing {
  readonly memberId: string
  readonly listedProvince: string
  readonly listedProvinceName: string
  readonly unitCode: string
  readonly unitName: string
  readonly file: string
  readonly row: number
  readonly asOf: string
}

export interface Subset {
  readonly central: CentralIngest
  /** Own members listed on another province's roster (recorded by that province's runs), by member id. */
  readonly listedElsewhere: ReadonlyMap<string, ReadonlyArray<Listing>>
  /** Unit code → its province, for every unit loaded. */
  readonly provinceOfUnit: ReadonlyMap<string, Province>
  readonly ownUnits: ReadonlySet<string>
  readonly ownMembers: ReadonlySet<string>
  readonly stats: {
    readonly ownMembers: number
    readonly candidates: number
    /** Keys of capped rules whose group is over the cap in the whole database (not fetched). */
    readonly overCapKeys: number
    readonly keysLooked: number
    /** Roster rows and own members settled by a shared CCCD or card number (their other keys not looked up). */
    readonly settledRows: number
    readonly settledOwn: number
    readonly droppedDuplicateIds: number
    readonly ms: number
    /** Milliseconds per step: own members, prepare (rows and own members as match sides), keys, key lookup, candidates read, the rest (units, transfers). */
    readonly phases: Readonly<Record<string, number>>
  }
}

/** Runs `fn` over `xs` through a temporary one-column table joined in SQL (no statement per value). */
const withTempIds = <T>(db: Database.Database, table: string, type: "INTEGER" | "TEXT", xs: Iterable<number | string>, fn: () => T): T => {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${table} (v ${type} PRIMARY KEY)`)
  db.exec(`DELETE FROM temp.${table}`)
  const ins = db.prepare(`INSERT OR IGNORE INTO temp.${table} (v) VALUES (?)`)
  db.transaction(() => {
    for (const x of xs) ins.run(x)
  })()
  try {
    return fn()
  } finally {
    db.exec(`DELETE FROM temp.${table}`)
  }
}

export interface SubsetOptions {
  /**
   * A roster row that shares a CCCD or card number with one of the province's own members, and
   * that member, look up their identifiers only (module comment: settled rows). Default true; false
   * looks up every key of every row and own member.
   */
  readonly settle?: boolean
}

/**
 * Reads what the run needs for these roster rows (see the module comment). The model is then
 * fitted on the subset: with at least `estimate.minCentralRecords` records its estimates come
 * from the subset, not the whole database (README: national index, limits).
 */
export const loadSubset = (h: IndexHandle, rows: ReadonlyArray<RosterRow>, settings: MatchSettings, options: SubsetOptions = {}): Subset => {
  const o = { settle: options.settle ?? true }
  const t0 = performance.now()
  const phases: Record<string, number> = {}
  let tLap = t0
  const lap = (phase: string) => {
    const now = performance.now()
    phases[phase] = Math.round(now - tLap)
    tLap = now
  }
  const db = h.db
  const province = h.province.code
  const missing = missingRules(h.meta, settings)
  if (missing.length > 0) {
    throw new IndexError({
      message: `${path.basename(h.file)} holds blocking keys for the rules of pipeline ${h.meta.pipeline}, not for ${missing.join(", ")}; ` +
        `re-import the exports with --pipeline of this run, or run with pipeline ${h.meta.pipeline}`
    })
  }
  // Per key signature: the LIMIT of a lookup (null: every record of the group).
  const limitOf = new Map<string, number | null>()
  for (const r of settings.blocking) {
    // Rules on the parent unit pair only records of the province, loaded whole.
    if (provinceLocal(r)) continue
    const sig = signatureOf(r)
    const prev = limitOf.get(sig)
    const lim = r.maxGroup === undefined ? null : r.maxGroup + 1
    limitOf.set(sig, prev === undefined ? lim : prev === null || lim === null ? null : Math.max(prev, lim))
  }
  const sigs = signaturesOf(settings.blocking)
  const keyLists = sigs.map((s) => s.split("+") as Array<BlockKey>)

  // Units: the province's, then those of every member loaded, up to their roots.
  const unitsByCode = new Map<string, Unit>()
  const provinceOfUnit = new Map<string, Province>()
  const provinceNames = new Map(
    (db.prepare(`SELECT code, name FROM central_provinces`).all() as Array<{ code: string; name: string }>).map((p) => [p.code, p.name])
  )
  const addUnit = (r: UnitRow) => {
    if (unitsByCode.has(r.unit_code)) return
    unitsByCode.set(r.unit_code, unitOf(r))
    provinceOfUnit.set(r.unit_code, { code: r.province, name: provinceNames.get(r.province) ?? r.province })
  }
  for (const r of db.prepare(`SELECT * FROM central_units WHERE province = ? ORDER BY rowid`).all(province) as Array<UnitRow>) addUnit(r)
  const ownUnits = new Set(unitsByCode.keys())
  const unitStmt = db.prepare(`SELECT * FROM central_units WHERE unit_code = ? ORDER BY rowid LIMIT 1`)
  const loadUnits = (codes: Iterable<string>) => {
    let todo = [...codes]
    while (todo.length > 0) {
      const next: Array<string> = []
      for (const c of todo) {
        if (unitsByCode.has(c)) continue
        const r = unitStmt.get(c) as UnitRow | undefined
        if (r === undefined) continue
        addUnit(r)
        if (r.parent_code !== null && !unitsByCode.has(r.parent_code)) next.push(r.parent_code)
      }
      todo = next
    }
  }

  // Members: by index row id; the province's own first.
  const members = new Map<number, CentralMember>()
  const idTaken = new Set<string>()
  let droppedDuplicateIds = 0
  const take = (rowid: number, data: string): CentralMember | null => {
    const m = decodeMember(data)
    if (idTaken.has(m.id)) {
      droppedDuplicateIds++
      return null
    }
    idTaken.add(m.id)
    members.set(rowid, m)
    return m
  }
  const own: Array<CentralMember> = []
  for (const r of db.prepare(`SELECT id, data FROM central_members WHERE province = ? ORDER BY id`).raw(true).iterate(province) as Iterable<[number, string]>) {
    const m = take(r[0], r[1])
    if (m !== null) own.push(m)
  }
  const ownMembers = new Set(own.map((m) => m.id))
  const ownCount = members.size
  lap("own")

  // Keys of the roster rows and of the own members, by signature; capped ones looked up with a limit.
  const looked = new Set<number>()
  const unlimited = new Set<number>()
  const limited = new Map<number, number>()
  const strings = new Interner()
  const want = (k: number, sig: string) => {
    if (looked.has(k)) return
    looked.add(k)
    const lim = limitOf.get(sig)!
    if (lim === null) unlimited.add(k)
    else limited.set(k, lim)
  }
  const ownParents = parentMap([...unitsByCode.values()])
  const rowSide = prepare(rows, ownParents, strings)
  const ownSide = prepare(own, ownParents, strings)
  lap("prepare")
  const keysOf = (side: Side, i: number, r: number) => stableKey(side, strings, i, sigs[r]!, keyLists[r]!)
  const identifier = sigs.map((s) => IDENTIFIERS.has(s))
  // Settled (see the module comment): a row sharing a CCCD or card number with an own member, and
  // that member; they look up their identifiers only.
  const ownByIdentifier = new Map<number, number>()
  if (o.settle) {
    for (let i = 0; i < ownSide.n; i++) {
      for (let r = 0; r < sigs.length; r++) {
        if (!identifier[r]) continue
        const k = keysOf(ownSide, i, r)
        if (k !== null && !ownByIdentifier.has(k)) ownByIdentifier.set(k, i)
      }
    }
  }
  const ownSettled = new Uint8Array(ownSide.n)
  let settledRows = 0
  for (let i = 0; i < rowSide.n; i++) {
    let settled = false
    for (let r = 0; r < sigs.length; r++) {
      if (!identifier[r]) continue
      const k = keysOf(rowSide, i, r)
      if (k === null) continue
      want(k, sigs[r]!)
      const j = ownByIdentifier.get(k)
      if (j !== undefined) {
        settled = true
        ownSettled[j] = 1
      }
    }
    if (settled) {
      settledRows++
      continue
    }
    for (let r = 0; r < sigs.length; r++) {
      if (identifier[r]) continue
      const k = keysOf(rowSide, i, r)
      if (k !== null) want(k, sigs[r]!)
    }
  }
  let settledOwn = 0
  for (let i = 0; i < ownSide.n; i++) {
    if (ownSettled[i] === 1) settledOwn++
    for (let r = 0; r < sigs.length; r++) {
      if (ownSettled[i] === 1 && !identifier[r]) continue
      const k = keysOf(ownSide, i, r)
      if (k !== null) want(k, sigs[r]!)
    }
  }
  lap("keys")

  const fetched = new Set<number>()
  let overCap = 0
  const lookup = () => {
    if (unlimited.size > 0) {
      withTempIds(db, "recon_keys", "INTEGER", unlimited, () => {
        for (const r of db.prepare(`SELECT k.member FROM temp.recon_keys q CROSS JOIN central_keys k ON k.key = q.v`).raw(true).iterate() as Iterable<[number]>) {
          if (!members.has(r[0])) fetched.add(r[0])
        }
      })
    }
    // A capped group comes whole when within its cap; over it, not at all (the whole database pairs nothing in it).
    const byKey = db.prepare(`SELECT member FROM central_keys WHERE key = ? LIMIT ?`).raw(true)
    for (const [k, lim] of limited) {
      const group = byKey.all(k, lim) as Array<[number]>
      if (group.length >= lim) {
        overCap++
        continue
      }
      for (const r of group) if (!members.has(r[0])) fetched.add(r[0])
    }
    unlimited.clear()
    limited.clear()
  }
  const loadFetched = (): Array<CentralMember> => {
    const out: Array<CentralMember> = []
    if (fetched.size === 0) return out
    withTempIds(db, "recon_ids", "INTEGER", fetched, () => {
      for (const r of db.prepare(`SELECT m.id, m.data FROM temp.recon_ids q CROSS JOIN central_members m ON m.id = q.v`).raw(true).iterate() as Iterable<[number, string]>) {
        if (members.has(r[0])) continue
        const m = take(r[0], r[1])
        if (m !== null) out.push(m)
      }
    })
    fetched.clear()
    return out
  }
  lookup()
  lap("lookup")
  // Members with a transfer from or to a unit of the province (their transfer concerns its units).
  withTempIds(db, "recon_units", "TEXT", ownUnits, () => {
    const q = db.prepare(
      `SELECT m.id FROM central_transfers t JOIN central_members m ON m.member_id = t.member_id AND m.province = t.province
       WHERE t.province <> ? AND (t.to_unit IN (SELECT v FROM temp.recon_units) OR t.from_unit IN (SELECT v FROM temp.recon_units))`
    ).raw(true)
    for (const r of q.iterate(province) as Iterable<[number]>) if (!members.has(r[0])) fetched.add(r[0])
  })
  const candidates = loadFetched()
  lap("candidates")
  loadUnits(candidates.map((m) => m.unitCode))

  // Transfers: the province's, and those of the other provinces' members loaded.
  const transfers: Array<Transfer> = []
  for (const r of db.prepare(`SELECT data FROM central_transfers WHERE province = ? ORDER BY rowid`).raw(true).iterate(province) as Iterable<[string]>) {
    transfers.push(decodeTransfer(r[0]))
  }
  const foreign = candidates
  if (foreign.length > 0) {
    const foreignIds = new Set(foreign.map((m) => m.id))
    withTempIds(db, "recon_member_ids", "TEXT", foreignIds, () => {
      const q = db.prepare(
        `SELECT t.data FROM temp.recon_member_ids q CROSS JOIN central_transfers t ON t.member_id = q.v WHERE t.province <> ? ORDER BY t.rowid`
      ).raw(true)
      for (const r of q.iterate(province) as Iterable<[string]>) transfers.push(decodeTransfer(r[0]))
    })
  }
  for (const t of transfers) loadUnits([t.fromUnit, t.toUnit].filter((c): c is string => c !== null))

  const issues = provinceIssues(db, province)
  const listedElsewhere = new Map<string, Array<Listing>>()
  if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'central_listings'`).get() !== undefined) {
    const q = db.prepare(
      `SELECT member_id AS memberId, listed_province AS listedProvince, listed_province_name AS listedProvinceName, unit_code AS unitCode,
         unit_name AS unitName, file, row, as_of AS asOf FROM central_listings WHERE member_province = ? ORDER BY rowid`
    )
    for (const l of q.all(province) as Array<Listing>) {
      const list = listedElsewhere.get(l.memberId)
      if (list === undefined) listedElsewhere.set(l.memberId, [l])
      else list.push(l)
    }
  }
  // In index order (the order of import), as a run over the whole database would see them: ties
  // between two equal records break the same way.
  const all = [...members.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1])
  const central: CentralIngest = {
    data: { members: all, units: [...unitsByCode.values()], transfers },
    duplicateIds: [],
    rejections: issues.rejections,
    warnings: droppedDuplicateIds === 0 ? issues.warnings : [
      ...issues.warnings,
      {
        file: path.basename(h.file),
        sheet: null,
        row: null,
        column: null,
        reason: `${droppedDuplicateIds} hồ sơ của tỉnh khác có Mã đảng viên trùng với hồ sơ đã đọc; chỉ dùng hồ sơ đọc trước (của tỉnh ${h.province.name} nếu có)`
      } satisfies Rejection
    ],
    summary: {
      file: path.basename(h.file),
      kind: null,
      unitCode: null,
      sha256: h.province.sourceSha256,
      rowsRead: h.province.rowsRead,
      rowsIngested: h.province.rowsRead - h.province.rowsRejected,
      rowsRejected: h.province.rowsRejected,
      error: null,
      suspectTruncated: false
    }
  }
  return {
    central,
    listedElsewhere,
    provinceOfUnit,
    ownUnits,
    ownMembers,
    stats: {
      ownMembers: ownCount,
      candidates: candidates.length,
      overCapKeys: overCap,
      keysLooked: looked.size,
      settledRows,
      settledOwn,
      droppedDuplicateIds,
      ms: Math.round(performance.now() - t0),
      phases: (lap("rest"), phases)
    }
  }
}

/**
 * What a province's run reports: findings that name one of its roster rows, one of its units or
 * one of its members. The rest (a cell of another province with no list, two records of other
 * provinces that are one person) is for that province's run or `recon central duplicates`.
 */
export const inScope = (ownUnits: ReadonlySet<string>, ownMembers: ReadonlySet<string>) => (d: Discrepancy): boolean =>
  d.rosterRows.length > 0 || (d.unitCode !== null && ownUnits.has(d.unitCode)) || d.memberIds.some((m) => ownMembers.has(m))

/** A root unit named as a province or centrally-run city ("Đảng bộ tỉnh Nam Định", "Đảng bộ Thành phố Hà Nội"). */
const PROVINCE_NAME = /^(đảng bộ\s+)?(tỉnh|thành phố)\s/iu

/**
 * Unit code → province for an in-memory central holding several provinces: each unit's root, when
 * there are at least two roots and every root is named as a province (a central whose roots are
 * districts or communes names nothing: a move between them is no move between provinces). Empty
 * otherwise.
 */
export const provincesFromRoots = (units: ReadonlyArray<Unit>): Map<string, Province> => {
  const roots = units.filter((u) => u.parentCode === null || !units.some((x) => x.code === u.parentCode))
  if (roots.length < 2 || !roots.every((r) => PROVINCE_NAME.test(r.name.normalize("NFC")))) return new Map()
  const byCode = new Map(units.map((u) => [u.code, u]))
  const out = new Map<string, Province>()
  const rootOf = (u: Unit): Unit => {
    const seen = new Set<string>()
    let x = u
    while (x.parentCode !== null && byCode.has(x.parentCode) && !seen.has(x.code)) {
      seen.add(x.code)
      x = byCode.get(x.parentCode)!
    }
    return x
  }
  for (const u of units) {
    const r = rootOf(u)
    out.set(u.code, { code: r.code, name: r.name })
  }
  return out
}

/**
 * A MISSING_FROM_ROSTER of a member another province's run found on one of its lists says so: the
 * committee verifying the absence learns where the member is listed (and that the other province
 * reports an unreported move).
 */
export const noteListedElsewhere = (listed: ReadonlyMap<string, ReadonlyArray<Listing>>) => (d: Discrepancy): Discrepancy => {
  if (d.category !== "MISSING_FROM_ROSTER" || d.memberIds.length !== 1) return d
  const ls = listed.get(d.memberIds[0]!)
  if (ls === undefined || ls.length === 0) return d
  const where = ls.map((l) => `${l.unitName} (mã ${l.unitCode}) thuộc ${l.listedProvinceName} (mã ${l.listedProvince}), tệp ${l.file}, dòng ${l.row}`).join("; ")
  return {
    ...d,
    reason: `${d.reason} Lưu ý: theo lần đối chiếu của ${ls[0]!.listedProvinceName} tính đến ngày ${ls[0]!.asOf.split("-").reverse().join("/")}, ` +
      `đảng viên này có tên trong danh sách của ${where}: có thể đã chuyển sinh hoạt sang tỉnh, thành phố khác mà chưa làm thủ tục ` +
      `(bên đó ghi nhận là chuyển sinh hoạt không báo).`
  }
}

/**
 * After a province's run: its rows linked to members of other provinces, recorded in the index
 * (replacing what its previous run recorded), so those provinces' runs can say where the member is
 * listed. The only write a run makes to the index; one short transaction.
 */
export const recordListings = (
  file: string,
  province: Province,
  asOf: string,
  linked: ReadonlyArray<{ readonly memberId: string | null; readonly row: RosterRow }>,
  members: ReadonlyMap<string, CentralMember>,
  provinceOfUnit: ReadonlyMap<string, Province>,
  unitName: (code: string) => string
): number => {
  const db = new Database(file, { fileMustExist: true })
  try {
    db.pragma("busy_timeout = 30000")
    db.exec(`CREATE TABLE IF NOT EXISTS central_listings (member_id TEXT NOT NULL, member_province TEXT NOT NULL,
      listed_province TEXT NOT NULL, listed_province_name TEXT NOT NULL, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,
      file TEXT NOT NULL, row INTEGER NOT NULL, as_of TEXT NOT NULL, recorded_at TEXT NOT NULL)`)
    db.exec(`CREATE INDEX IF NOT EXISTS central_listings_member_province ON central_listings (member_province)`)
    const now = new Date().toISOString()
    let n = 0
    db.transaction(() => {
      db.prepare(`DELETE FROM central_listings WHERE listed_province = ?`).run(province.code)
      const ins = db.prepare(`INSERT INTO central_listings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      for (const l of linked) {
        if (l.memberId === null) continue
        const m = members.get(l.memberId)
        const home = m === undefined ? undefined : provinceOfUnit.get(m.unitCode)
        if (home === undefined || home.code === province.code) continue
        ins.run(l.memberId, home.code, province.code, province.name, l.row.unitCode, unitName(l.row.unitCode), l.row.file, l.row.row, asOf, now)
        n++
      }
    })()
    return n
  } finally {
    db.close()
  }
}
