/**
 * Which chi bộ a roster file belongs to. Never guessed: a file resolves to exactly one central
 * unit. Clues, strongest first:
 *   1. a "Mã chi bộ" column or a "Mã chi bộ: X" title line: authoritative (names that disagree
 *      become notes), but a different cell code in the file or folder name is a conflict;
 *   2. a "CHI BỘ …" title line, told apart from namesakes by an "ĐẢNG BỘ …" line;
 *   3. a unit code anywhere in the file name, as a token;
 *   4. a unit name in the file name among the words clerks add (FileClues.ts);
 *   5. folder names: a code or a name of the cell or of a đảng bộ above it.
 * Every clue found must agree with the unit chosen (a đảng bộ agrees with the cells under it); a
 * conflict, or several cells left, is reported with the candidates. In 2 and 4 a name that is no
 * current unit's name is looked up in the alias table of old names (units renamed or merged in the
 * 1/7/2025 restructuring, domain brief §1.3), which the user extends. A file resolved by anything
 * but 1 or 2 carries a note saying which clues were used.
 */
import levenshtein from "fast-levenshtein"
import { parse as parseCsvSync } from "csv-parse/sync"
import type { Unit } from "../Domain.js"
import * as Text from "../Normalize/Text.js"
import * as FileClues from "./FileClues.js"

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
  /** Names and codes as file and folder names are read (FileClues.ts). */
  readonly names: FileClues.NameIndex
  /** FileClues.cellKey(old name) → aliases: old names inside file names. */
  readonly aliasesByKey: ReadonlyMap<string, ReadonlyArray<AliasEntry>>
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
  const aliasesByKey = new Map<string, Array<AliasEntry>>()
  for (const list of aliasMap.values()) {
    for (const e of list) {
      const k = FileClues.cellKey(e.alias.oldName)
      const xs = aliasesByKey.get(k)
      if (xs === undefined) aliasesByKey.set(k, [e])
      else xs.push(e)
    }
  }
  const names = FileClues.makeNameIndex(units)
  return { units, byCode, byName, aliases: aliasMap, badAliases, parentKeys, byNameAndParent, names, aliasesByKey }
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
  /** The file's path relative to the rosters directory ("Đảng bộ xã X/DS CB000043.csv"); folders are clues too. */
  readonly path: string
}

/**
 * Collects unit clues from the title lines (cells above the header; multi-line cells split).
 * `file`: the path relative to the rosters directory, or a bare file name.
 */
export const cluesFromTitles = (
  titleLines: ReadonlyArray<string>,
  codeColumnValue: string | null,
  file: string
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
  return { code, cellTitles, parentTitles, fileName: FileClues.splitPath(file).fileName, path: file }
}

export type UnitResolution =
  | {
    readonly ok: true
    readonly unit: Unit
    readonly via: "code" | "title" | "fileName" | "folder" | "alias"
    readonly notes: ReadonlyArray<string>
  }
  | { readonly ok: false; readonly reason: string; readonly candidates: ReadonlyArray<Unit> }

const describe = (u: Unit) => `${u.code} (${u.name}${u.parentName ? ` – ${u.parentName}` : ""})`

/** At most `n` units described, then how many more: a common name matches a cell in every commune. */
const describeSome = (units: ReadonlyArray<Unit>, n = 6) =>
  units.length <= n ? units.map(describe).join("; ") : `${units.slice(0, n).map(describe).join("; ")} và ${units.length - n} chi bộ khác`

const codesSome = (units: ReadonlyArray<Unit>, n = 6) =>
  units.length <= n ? units.map((u) => u.code).join(", ") : `${units.slice(0, n).map((u) => u.code).join(", ")} và ${units.length - n} chi bộ khác`

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
  return narrowByParentTitles(found, parents, index)
}

/** Units whose direct parent an "ĐẢNG BỘ …" line names; all of them when none is named. */
const narrowByParentTitles = (units: ReadonlyArray<Unit>, parents: ReadonlyArray<string>, index: UnitIndex): ReadonlyArray<Unit> => {
  if (units.length <= 1 || parents.length === 0) return units
  const parentKeys = new Set(parents.map(parentNameKey))
  const narrowed = units.filter((u) => {
    const p = index.parentKeys.get(u) ?? null
    return p !== null && parentKeys.has(p)
  })
  return narrowed.length > 0 ? narrowed : units
}

/**
 * Current units an old name stands for. An alias with an old parent applies only when the file
 * names that parent; when several remain, those whose parent matches are preferred.
 */
const filterAliases = (found: ReadonlyArray<AliasEntry>, parents: ReadonlyArray<string>): ReadonlyArray<AliasEntry> => {
  if (found.length === 0) return found
  const parentKeys = new Set(parents.map(parentNameKey))
  const withParent = found.filter((e) => e.parentKey !== null && parentKeys.has(e.parentKey))
  if (withParent.length > 0) return withParent
  return found.filter((e) => e.parentKey === null)
}

const byAlias = (name: string, parents: ReadonlyArray<string>, index: UnitIndex): ReadonlyArray<AliasEntry> =>
  filterAliases(index.aliases.get(unitNameKey(name)) ?? [], parents)

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

// ---------------------------------------------------------------------------------------------
// Clues weighed together

/** One thing the file says about its unit: the units it points at (a đảng bộ points at the cells under it too). */
interface Clue {
  readonly source: "title" | "alias" | "fileName" | "folder"
  /** Vietnamese, for notes and reasons: `mã "CB01" trong tên tệp`. */
  readonly label: string
  readonly units: ReadonlyArray<Unit>
  /** A unit code (in the path), as opposed to a name. */
  readonly isCode: boolean
  /** A title may name a đảng bộ itself; clues in the path name cells and only narrow to a đảng bộ. */
  readonly namesParents: boolean
  readonly notes: ReadonlyArray<string>
}

/** The units above a unit (at most 32 levels), walked once per unit and index: every file asks again. */
const ancestorsCache = new WeakMap<UnitIndex, Map<Unit, ReadonlySet<Unit>>>()
const ancestorsOf = (unit: Unit, index: UnitIndex): ReadonlySet<Unit> => {
  let cache = ancestorsCache.get(index)
  if (cache === undefined) ancestorsCache.set(index, (cache = new Map()))
  let above = cache.get(unit)
  if (above === undefined) {
    const found = new Set<Unit>()
    let code = unit.parentCode
    for (let depth = 0; code !== null && depth < 32; depth++) {
      const p = index.names.byCode.get(code.trim().toUpperCase())
      if (p === undefined) break
      found.add(p)
      code = p.parentCode
    }
    cache.set(unit, (above = found))
  }
  return above
}

const isUnder = (unit: Unit, ancestor: Unit, index: UnitIndex): boolean => ancestorsOf(unit, index).has(ancestor)

const agrees = (unit: Unit, clue: Clue, index: UnitIndex) => clue.units.some((u) => u === unit || isUnder(unit, u, index))

const isParent = (u: Unit, index: UnitIndex) => index.names.hasChildren.has(u.code.trim().toUpperCase())

const codeClue = (c: FileClues.CodeClue, where: string, source: Clue["source"]): Clue => ({
  source,
  label: `mã "${c.typed}" trong ${where}`,
  units: [c.unit],
  isCode: true,
  namesParents: false,
  notes: c.loose ? [`Mã "${c.typed}" trong ${where} được hiểu là mã ${c.unit.code} (chỉ khác số chữ số 0).`] : []
})

/** Name clues of a file or folder name, only when every other word of it is a clerk's word or a date. */
const spanClues = (
  n: FileClues.NameClues,
  where: string,
  source: Clue["source"],
  parents: ReadonlyArray<string>,
  index: UnitIndex
): Array<Clue> => {
  if (n.unknownWords.length > 0) return []
  const out: Array<Clue> = []
  for (const s of n.spans) {
    const units = [...s.cells, ...s.parents]
    if (units.length > 0) {
      out.push({ source, label: `tên "${units[0]!.name}" trong ${where}`, units, isCode: false, namesParents: false, notes: [] })
      continue
    }
    const aliased = filterAliases(index.aliasesByKey.get(s.key) ?? [], parents)
    if (aliased.length === 0) continue
    out.push({
      source: "alias",
      label: `tên cũ "${s.words}" trong ${where}`,
      units: distinctUnits(aliased),
      isCode: false,
      namesParents: false,
      notes: [aliasNote(s.words, aliased[0]!)]
    })
  }
  return out
}

/** The first "CHI BỘ …" title line that names a current unit, else an old one. */
const titleClue = (clues: UnitClues, index: UnitIndex): Clue | null => {
  for (const t of clues.cellTitles) {
    const found = byName(t, clues.parentTitles, index)
    if (found.length > 0) return { source: "title", label: `tiêu đề "${t}"`, units: found, isCode: false, namesParents: true, notes: [] }
    const aliased = byAlias(t, clues.parentTitles, index)
    if (aliased.length > 0) {
      return { source: "alias", label: `tiêu đề "${t}"`, units: distinctUnits(aliased), isCode: false, namesParents: true, notes: [aliasNote(t, aliased[0]!)] }
    }
  }
  return null
}

interface PathReading {
  readonly clues: ReadonlyArray<Clue>
  readonly unknownCodes: ReadonlyArray<string>
  /** Unit names seen in a file name that also holds unknown words: candidates, never a resolution. */
  readonly partial: ReadonlyArray<Unit>
  readonly unknownWords: ReadonlyArray<string>
  /** The file name ends in a "mới" that may be a clerk's "new version" mark. */
  readonly endsNew: boolean
}

const readPath = (clues: UnitClues, index: UnitIndex, asNew = false): PathReading => {
  const pc = FileClues.pathClues(clues.path, index.names, index.aliasesByKey, asNew)
  const where = `tên tệp "${clues.fileName}"`
  const parents = [...clues.parentTitles, ...pc.folders.map((f) => f.text)]
  const out: Array<Clue> = pc.file.codes.map((c) => codeClue(c, where, "fileName"))
  out.push(...spanClues(pc.file, where, "fileName", parents, index))
  const unknownCodes = pc.file.unknownCodes.map((c) => `mã "${c}" trong ${where}`)
  for (const f of pc.folders) {
    const w = `thư mục "${f.text}"`
    out.push(...f.codes.map((c) => codeClue(c, w, "folder")))
    out.push(...spanClues(f, w, "folder", parents, index))
    unknownCodes.push(...f.unknownCodes.map((c) => `mã "${c}" trong ${w}`))
  }
  const partial = pc.file.unknownWords.length > 0 ? [...new Set(pc.file.spans.flatMap((s) => s.cells))] : []
  return { clues: out, unknownCodes, partial, unknownWords: pc.file.unknownWords, endsNew: pc.file.endsNew }
}

const refuse = (reason: string, candidates: ReadonlyArray<Unit>): UnitResolution => ({ ok: false, reason, candidates })

/** (1) An explicit code is authoritative over names; an unknown one, or another cell's code in the path, is refused. */
const resolveByCode = (code: string, clues: UnitClues, path: PathReading, index: UnitIndex): UnitResolution => {
  const unit = index.byCode.get(codeKey(code))
  if (unit === undefined) {
    const candidates = nearest([...clues.cellTitles, clues.fileName], index)
    return refuse(
      `Mã chi bộ "${code}" không có trong danh sách chi bộ của dữ liệu trung ương.${candidates.length > 0 ? ` Có thể là: ${candidates.map(describe).join("; ")}.` : ""}`,
      candidates
    )
  }
  const conflicting = path.clues.filter((c) => c.isCode && !agrees(unit, c, index))
  if (conflicting.length > 0) {
    return refuse(
      `Mã chi bộ "${code}" trong tệp khác với ${conflicting.map((c) => `${c.label} (${codesSome(c.units)})`).join("; ")}; không xác định được chi bộ. Hãy sửa mã hoặc tên tệp cho khớp.`,
      [unit, ...conflicting.flatMap((c) => c.units)]
    )
  }
  const notes: Array<string> = []
  for (const t of clues.cellTitles) {
    if (unitNameKey(t) !== unitNameKey(unit.name)) {
      notes.push(`Tiêu đề "${t}" khác tên chi bộ theo mã ${unit.code} (${unit.name}); đã dùng mã chi bộ.`)
    }
  }
  return { ok: true, unit, via: "code", notes }
}

const listClues = (cs: ReadonlyArray<Clue>) => cs.map((c) => c.label).join(", ")

export const resolveUnit = (clues: UnitClues, index: UnitIndex): UnitResolution => {
  const path = readPath(clues, index)
  if (path.unknownCodes.length > 0) {
    const candidates = nearest([...clues.cellTitles, clues.fileName], index)
    return refuse(
      `Không có trong danh sách chi bộ của dữ liệu trung ương: ${path.unknownCodes.join(", ")}.${candidates.length > 0 ? ` Gần giống: ${candidates.map(describe).join("; ")}.` : ""} ${HOW_TO_FIX}`,
      candidates
    )
  }
  if (clues.code !== null) return resolveByCode(clues.code, clues, path, index)
  const asTyped = resolveByClues(clues, path, index)
  if (!path.endsNew) return asTyped.resolution
  // Read as "new version", the rest of the name must read whole: the reading has to rest on it.
  const newPath = readPath(clues, index, true)
  if (newPath.unknownWords.length > 0) return asTyped.resolution
  return weighNewMark(clues, asTyped, resolveByClues(clues, newPath, index))
}

/**
 * A file name ending in "mới" ("Thôn Đông moi", "KDC 2 (mới)") read both ways: "mới" as the end of
 * a cell's name ("Thôn Mới"), and as the clerk's "new version". The second reading is taken only
 * when the first names no cell that every other clue (folder, title) allows; when both readings
 * name a cell and not the same one ("Thôn Trung Mới" and "Thôn Trung" in one commune), the file is
 * refused with both: a person could not tell either.
 */
const weighNewMark = (clues: UnitClues, asTyped: Reading, asNew: Reading): UnitResolution => {
  const a = asTyped.resolution
  const b = asNew.resolution
  if (!b.ok) return a
  if (a.ok) {
    if (a.unit === b.unit) return a
    return refuse(
      `Tên tệp "${clues.fileName}" có thể là của ${describe(a.unit)} (chữ "mới" là một phần tên chi bộ) hoặc của ${describe(b.unit)} ("mới" là bản mới của danh sách); không xác định được chi bộ. ${HOW_TO_FIX}`,
      [a.unit, b.unit]
    )
  }
  const endingInNew = asTyped.agreed.filter((u) => FileClues.nameWords(u.name).at(-1) === "moi")
  if (endingInNew.length > 0) {
    return refuse(
      `Tên tệp "${clues.fileName}" có thể là của ${describeSome(endingInNew)} (chữ "mới" là một phần tên chi bộ) hoặc của ${describe(b.unit)} ("mới" là bản mới của danh sách); không xác định được chi bộ. ${HOW_TO_FIX}`,
      [...endingInNew, b.unit]
    )
  }
  return {
    ...b,
    notes: [...b.notes, `Chữ "mới" ở cuối tên tệp "${clues.fileName}" được hiểu là bản mới của danh sách (không chi bộ nào phù hợp có tên kết thúc bằng "Mới").`]
  }
}

interface Reading {
  readonly resolution: UnitResolution
  /** The cells every clue of this reading allows (more than one: refused as ambiguous). */
  readonly agreed: ReadonlyArray<Unit>
}

/** Titles and path clues weighed together (no code column or "Mã chi bộ" line). */
const resolveByClues = (clues: UnitClues, path: PathReading, index: UnitIndex): Reading => {
  const title = titleClue(clues, index)
  const all = title === null ? path.clues : [title, ...path.clues]
  // Candidates: the units the clues name (a đảng bộ only from a title), kept when every clue agrees.
  const named = new Set<Unit>()
  for (const c of all) for (const u of c.units) if (c.namesParents || !isParent(u, index)) named.add(u)
  const agreed = narrowByParentTitles([...named].filter((u) => all.every((c) => agrees(u, c, index))), clues.parentTitles, index)

  const reading = (resolution: UnitResolution): Reading => ({ resolution, agreed })
  if (agreed.length === 1) {
    const unit = agreed[0]!
    const notes = all.flatMap((c) => c.notes)
    if (title !== null && title.units.length === 1) return reading({ ok: true, unit, via: title.source, notes })
    const used = all.filter((c) => c.units.includes(unit) || c.units.some((u) => isUnder(unit, u, index)))
    const via = used.some((c) => c.source === "fileName") ? "fileName" : used.some((c) => c.source === "alias") ? "alias" : "folder"
    const unreadTitles = title === null && clues.cellTitles.length > 0 ? ` Tiêu đề ${clues.cellTitles.map((t) => `"${t}"`).join(", ")} không khớp chi bộ nào.` : ""
    return reading({
      ok: true,
      unit,
      via,
      notes: [...notes, `Chi bộ ${describe(unit)} được xác định từ ${listClues(used)}.${unreadTitles}`]
    })
  }
  if (agreed.length > 1) {
    const what = title !== null && title.units.length > 1 ? "Tên chi bộ trong tiêu đề" : listClues(all)
    return reading(refuse(`${what} trùng với nhiều chi bộ: ${describeSome(agreed)}. ${HOW_TO_FIX}`, agreed))
  }
  if (named.size > 0) {
    return reading(refuse(
      `Các dấu hiệu về chi bộ không khớp nhau: ${all.map((c) => `${c.label} chỉ ${codesSome(c.units)}`).join("; ")}. ${HOW_TO_FIX}`,
      [...named]
    ))
  }
  const tried = [...clues.cellTitles.map((t) => `tiêu đề "${t}"`), `tên tệp "${clues.fileName}"`].join(", ")
  const unread = path.unknownWords.length > 0 ? ` Trong tên tệp có chữ không nhận ra: ${path.unknownWords.map((w) => `"${w}"`).join(", ")}.` : ""
  const candidates = [...new Set([...path.partial, ...nearest([...clues.cellTitles, clues.fileName], index)])].slice(0, 5)
  return reading(refuse(
    `Không xác định được chi bộ: ${tried} không khớp chi bộ nào trong dữ liệu trung ương.${unread}${candidates.length > 0 ? ` Gần giống: ${candidates.map(describe).join("; ")}.` : ""} ${HOW_TO_FIX}`,
    candidates
  ))
}
