/**
 * Which chi bộ a roster file belongs to. Never guessed: a file resolves to exactly one central
 * unit, from (1) a "Mã chi bộ" column or a "Mã chi bộ: X" title line, (2) a "CHI BỘ …" title
 * line (disambiguated by an "ĐẢNG BỘ …" line against the parent's name), (3) the file name
 * (a unit code, or a unit name as in 2). In (2) and (3) a name that is no current unit's name is
 * looked up in the alias table of old names (units renamed or merged in the 1/7/2025
 * restructuring, domain brief §1.3), which the user extends. Anything else is reported with the
 * candidates.
 */
import levenshtein from "fast-levenshtein"
import { parse as parseCsvSync } from "csv-parse/sync"
import type { Unit } from "../Domain.js"
import * as Text from "../Normalize/Text.js"

/**
 * An old unit name that now means a current unit: "Chi bộ Thôn 3" of "Đảng bộ xã Hòa Bình" is
 * "CB0412" since the communes merged. `parentName` (the old đảng bộ) narrows the alias to files
 * whose "ĐẢNG BỘ …" line names it; null: any parent.
 */
export interface UnitAlias {
  readonly oldName: string
  readonly parentName: string | null
  readonly code: string
}

interface AliasEntry {
  readonly parentKey: string | null
  readonly unit: Unit
  readonly alias: UnitAlias
}

export interface UnitIndex {
  readonly units: ReadonlyArray<Unit>
  readonly byCode: ReadonlyMap<string, Unit>
  /** unitNameKey(name) → units with that name (several cells may share a name across đảng bộ). */
  readonly byName: ReadonlyMap<string, ReadonlyArray<Unit>>
  /** unitNameKey(old name) → aliases to current units. */
  readonly aliases: ReadonlyMap<string, ReadonlyArray<AliasEntry>>
  /** Aliases whose code is no unit of the central data: reported once per run, never applied. */
  readonly badAliases: ReadonlyArray<string>
  /** parentNameKey of each unit's parent name, precomputed: common cell names ("Khu dân cư số 2") repeat across hundreds of đảng bộ. */
  readonly parentKeys: ReadonlyMap<Unit, string | null>
  /** `${unitNameKey}\u0000${parentNameKey}` → units, in `units` order: byName's narrowing without scanning every namesake. */
  readonly byNameAndParent: ReadonlyMap<string, ReadonlyArray<Unit>>
}

const codeKey = (s: string) => s.trim().toUpperCase()

const plainKey = (s: string) =>
  Text.fold(s)
    .replace(/[^a-z0-9]+/g, " ")
    .trim()

/** Folded, punctuation-free unit name without a leading "chi bộ" ("Chi bộ Khu phố 3" → "khu pho 3"). */
export const unitNameKey = (s: string): string => plainKey(s).replace(/^chi bo\s+/, "")

/** Same for parent names, without "đảng bộ" / "đảng ủy". */
export const parentNameKey = (s: string): string => plainKey(s).replace(/^(dang bo|dang uy)\s+/, "")

export const makeUnitIndex = (units: ReadonlyArray<Unit>, aliases: ReadonlyArray<UnitAlias> = []): UnitIndex => {
  const byCode = new Map<string, Unit>()
  const byName = new Map<string, Array<Unit>>()
  for (const u of units) {
    byCode.set(codeKey(u.code), u)
    const k = unitNameKey(u.name)
    const list = byName.get(k)
    if (list === undefined) byName.set(k, [u])
    else list.push(u)
  }
  const aliasMap = new Map<string, Array<AliasEntry>>()
  const badAliases: Array<string> = []
  for (const a of aliases) {
    const unit = byCode.get(codeKey(a.code))
    if (unit === undefined) {
      badAliases.push(`Bảng tên cũ: "${a.oldName}" trỏ tới mã chi bộ "${a.code}" không có trong dữ liệu trung ương; dòng này không được dùng.`)
      continue
    }
    const k = unitNameKey(a.oldName)
    const entry: AliasEntry = { parentKey: a.parentName === null || a.parentName.trim() === "" ? null : parentNameKey(a.parentName), unit, alias: a }
    const list = aliasMap.get(k)
    if (list === undefined) aliasMap.set(k, [entry])
    else if (!list.some((e) => e.unit === unit && e.parentKey === entry.parentKey)) list.push(entry)
  }
  const parentKeys = new Map<Unit, string | null>()
  const byNameAndParent = new Map<string, Array<Unit>>()
  for (const u of units) {
    const p = u.parentName ?? (u.parentCode !== null ? byCode.get(codeKey(u.parentCode))?.name ?? null : null)
    const pk = p === null ? null : parentNameKey(p)
    parentKeys.set(u, pk)
    if (pk === null) continue
    const k = `${unitNameKey(u.name)}\u0000${pk}`
    const list = byNameAndParent.get(k)
    if (list === undefined) byNameAndParent.set(k, [u])
    else list.push(u)
  }
  return { units, byCode, byName, aliases: aliasMap, badAliases, parentKeys, byNameAndParent }
}

const ALIAS_HEADERS = {
  oldName: ["ten cu", "ten chi bo cu", "old name"],
  parentName: ["dang bo cu", "dang bo", "cap tren cu", "parent", "old parent"],
  code: ["ma chi bo moi", "ma chi bo", "ma moi", "new code", "code"]
} as const

/**
 * The alias table as a CSV (UTF-8 or a Windows code page, "," or ";"): columns "Tên cũ", "Đảng bộ
 * cũ" (may be blank) and "Mã chi bộ mới", in that order when there is no header row. Lines that
 * cannot be used are returned as problems (with the line number), not dropped silently.
 */
export const parseUnitAliases = (
  text: string
): { readonly aliases: ReadonlyArray<UnitAlias>; readonly problems: ReadonlyArray<string> } => {
  const body = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n")
  const firstLine = body.split("\n", 1)[0] ?? ""
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ","
  const records = parseCsvSync(body, { delimiter, relax_column_count: true, skip_empty_lines: false }) as Array<Array<string>>
  const aliases: Array<UnitAlias> = []
  const problems: Array<string> = []
  let cols = { oldName: 0, parentName: 1, code: 2 }
  let start = 0
  const head = (records[0] ?? []).map((h) => plainKey(h))
  const find = (names: ReadonlyArray<string>) => head.findIndex((h) => names.includes(h))
  const o = find(ALIAS_HEADERS.oldName)
  const c = find(ALIAS_HEADERS.code)
  if (o >= 0 && c >= 0) {
    cols = { oldName: o, parentName: find(ALIAS_HEADERS.parentName), code: c }
    start = 1
  }
  for (let i = start; i < records.length; i++) {
    const rec = records[i]!
    const get = (k: number) => (k >= 0 ? Text.clean(rec[k] ?? "") : "")
    if (rec.every((v) => v.trim() === "")) continue
    const oldName = get(cols.oldName)
    const code = get(cols.code)
    if (oldName === "" || code === "") {
      problems.push(`Bảng tên cũ, dòng ${i + 1}: thiếu ${oldName === "" ? "tên cũ" : "mã chi bộ mới"}; dòng này không được dùng.`)
      continue
    }
    const parent = get(cols.parentName)
    aliases.push({ oldName, parentName: parent === "" ? null : parent, code })
  }
  return { aliases, problems }
}

/** What a file says about its unit. */
export interface UnitClues {
  /** From a "Mã chi bộ" column (first non-blank value) or a "Mã chi bộ: X" title line. */
  readonly code: string | null
  /** Names after "CHI BỘ" in title lines, as written. */
  readonly cellTitles: ReadonlyArray<string>
  /** Names after "ĐẢNG BỘ" in title lines, as written. */
  readonly parentTitles: ReadonlyArray<string>
  /** File name without directory and extension. */
  readonly fileName: string
}

/** Collects unit clues from the title lines (cells above the header; multi-line cells split). */
export const cluesFromTitles = (
  titleLines: ReadonlyArray<string>,
  codeColumnValue: string | null,
  fileName: string
): UnitClues => {
  let code = codeColumnValue !== null && codeColumnValue.trim() !== "" ? codeColumnValue.trim() : null
  const cellTitles: Array<string> = []
  const parentTitles: Array<string> = []
  for (const raw of titleLines) {
    for (const line of raw.split(/\r?\n/)) {
      const t = line.trim()
      if (t === "") continue
      const k = plainKey(t)
      if (code === null && k.startsWith("ma chi bo")) {
        const m = /[:：]\s*(.+)$/.exec(t)
        if (m) code = m[1]!.trim()
      } else if (k.startsWith("chi bo ")) {
        if (!cellTitles.includes(t)) cellTitles.push(t)
      } else if (k.startsWith("dang bo ")) {
        if (!parentTitles.includes(t)) parentTitles.push(t)
      }
    }
  }
  return { code, cellTitles, parentTitles, fileName }
}

export type UnitResolution =
  | {
    readonly ok: true
    readonly unit: Unit
    readonly via: "code" | "title" | "fileName" | "alias"
    readonly notes: ReadonlyArray<string>
  }
  | { readonly ok: false; readonly reason: string; readonly candidates: ReadonlyArray<Unit> }

const describe = (u: Unit) => `${u.code} (${u.name}${u.parentName ? ` – ${u.parentName}` : ""})`

/** Units whose name matches; several only when the đảng bộ lines cannot tell them apart. */
const byName = (name: string, parents: ReadonlyArray<string>, index: UnitIndex): ReadonlyArray<Unit> => {
  const nameKey = unitNameKey(name)
  const found = index.byName.get(nameKey) ?? []
  if (found.length <= 1 || parents.length === 0) return found
  const parentKeys = new Set(parents.map(parentNameKey))
  if (parentKeys.size === 1) {
    // One parent named (the usual title block): the precomputed list is exactly the filter below.
    const [pk] = parentKeys
    const narrowed = index.byNameAndParent.get(`${nameKey}\u0000${pk}`) ?? []
    return narrowed.length > 0 ? narrowed : found
  }
  const narrowed = found.filter((u) => {
    const p = index.parentKeys.get(u) ?? null
    return p !== null && parentKeys.has(p)
  })
  return narrowed.length > 0 ? narrowed : found
}

/**
 * Current units an old name stands for. An alias with an old parent applies only when the file
 * names that parent; when several remain, those whose parent matches are preferred.
 */
const byAlias = (name: string, parents: ReadonlyArray<string>, index: UnitIndex): ReadonlyArray<AliasEntry> => {
  const found = index.aliases.get(unitNameKey(name)) ?? []
  if (found.length === 0) return found
  const parentKeys = new Set(parents.map(parentNameKey))
  const withParent = found.filter((e) => e.parentKey !== null && parentKeys.has(e.parentKey))
  if (withParent.length > 0) return withParent
  return found.filter((e) => e.parentKey === null)
}

const distinctUnits = (entries: ReadonlyArray<AliasEntry>): ReadonlyArray<Unit> => [...new Set(entries.map((e) => e.unit))]

const aliasNote = (name: string, e: AliasEntry) =>
  `"${name}" là tên cũ của chi bộ ${e.unit.code} (${e.unit.name}) theo bảng tên cũ${e.alias.parentName !== null ? ` (thuộc ${e.alias.parentName})` : ""}; đã dùng chi bộ ${e.unit.code}.`

/** Up to three units with the closest names, for the clerk to pick from. */
const nearest = (names: ReadonlyArray<string>, index: UnitIndex): ReadonlyArray<Unit> => {
  if (names.length === 0) return []
  const keys = names.map(unitNameKey)
  return index.units
    .map((u) => {
      const k = unitNameKey(u.name)
      return { u, d: Math.min(...keys.map((q) => levenshtein.get(q, k) / Math.max(q.length, k.length, 1))) }
    })
    .filter((x) => x.d <= 0.5)
    .sort((a, b) => a.d - b.d || a.u.code.localeCompare(b.u.code))
    .slice(0, 3)
    .map((x) => x.u)
}

const HOW_TO_FIX = 'Hãy thêm cột "Mã chi bộ" hoặc dòng "Mã chi bộ: …" ở đầu danh sách.'

export const resolveUnit = (clues: UnitClues, index: UnitIndex): UnitResolution => {
  const notes: Array<string> = []
  // (1) An explicit code is authoritative; an unknown one is an error, not a hint to guess from.
  if (clues.code !== null) {
    const unit = index.byCode.get(codeKey(clues.code))
    if (unit === undefined) {
      const candidates = nearest([...clues.cellTitles, clues.fileName], index)
      return {
        ok: false,
        reason: `Mã chi bộ "${clues.code}" không có trong danh sách chi bộ của dữ liệu trung ương.${candidates.length > 0 ? ` Có thể là: ${candidates.map(describe).join("; ")}.` : ""}`,
        candidates
      }
    }
    for (const t of clues.cellTitles) {
      if (unitNameKey(t) !== unitNameKey(unit.name)) {
        notes.push(`Tiêu đề "${t}" khác tên chi bộ theo mã ${unit.code} (${unit.name}); đã dùng mã chi bộ.`)
      }
    }
    return { ok: true, unit, via: "code", notes }
  }
  // (2) "CHI BỘ …" title lines: a current name, else an old name from the alias table.
  let ambiguous: ReadonlyArray<Unit> = []
  for (const t of clues.cellTitles) {
    const found = byName(t, clues.parentTitles, index)
    if (found.length === 1) return { ok: true, unit: found[0]!, via: "title", notes }
    if (found.length > 1) {
      ambiguous = found
      break
    }
    const aliased = byAlias(t, clues.parentTitles, index)
    const units = distinctUnits(aliased)
    if (units.length === 1) return { ok: true, unit: units[0]!, via: "alias", notes: [...notes, aliasNote(t, aliased[0]!)] }
    if (units.length > 1) {
      ambiguous = units
      break
    }
  }
  // (3) The file name: a unit code, a unit name, or an old name.
  const fromFile = index.byCode.get(codeKey(clues.fileName))
  let fileMatches = fromFile !== undefined ? [fromFile] : byName(clues.fileName, clues.parentTitles, index)
  let fileAlias: AliasEntry | null = null
  if (fileMatches.length === 0) {
    const aliased = byAlias(clues.fileName, clues.parentTitles, index)
    fileMatches = distinctUnits(aliased)
    if (fileMatches.length === 1) fileAlias = aliased[0]!
  }
  if (fileAlias !== null && ambiguous.length === 0) {
    return { ok: true, unit: fileAlias.unit, via: "alias", notes: [...notes, aliasNote(clues.fileName, fileAlias)] }
  }
  if (ambiguous.length > 0) {
    const agreed = fileMatches.filter((u) => ambiguous.includes(u))
    if (agreed.length === 1) return { ok: true, unit: agreed[0]!, via: "fileName", notes }
    return {
      ok: false,
      reason: `Tên chi bộ trong tiêu đề trùng với nhiều chi bộ: ${ambiguous.map(describe).join("; ")}. ${HOW_TO_FIX}`,
      candidates: ambiguous
    }
  }
  if (fileMatches.length === 1) return { ok: true, unit: fileMatches[0]!, via: "fileName", notes }
  if (fileMatches.length > 1) {
    return {
      ok: false,
      reason: `Tên tệp "${clues.fileName}" trùng với nhiều chi bộ: ${fileMatches.map(describe).join("; ")}. ${HOW_TO_FIX}`,
      candidates: fileMatches
    }
  }
  const tried = [
    ...clues.cellTitles.map((t) => `tiêu đề "${t}"`),
    `tên tệp "${clues.fileName}"`
  ].join(", ")
  const candidates = nearest([...clues.cellTitles, clues.fileName], index)
  return {
    ok: false,
    reason: `Không xác định được chi bộ: ${tried} không khớp chi bộ nào trong dữ liệu trung ương.${candidates.length > 0 ? ` Gần giống: ${candidates.map(describe).join("; ")}.` : ""} ${HOW_TO_FIX}`,
    candidates
  }
}
