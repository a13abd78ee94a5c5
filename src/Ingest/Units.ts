/**
 * Which chi bộ a roster file belongs to. Never guessed: a file resolves to exactly one central
 * unit, from (1) a "Mã chi bộ" column or a "Mã chi bộ: X" title line, (2) a "CHI BỘ …" title
 * line (disambiguated by an "ĐẢNG BỘ …" line against the parent's name), (3) the file name
 * (a unit code, or a unit name as in 2). Anything else is reported with the candidates.
 */
import levenshtein from "fast-levenshtein"
import type { Unit } from "../Domain.js"
import * as Text from "../Normalize/Text.js"

export interface UnitIndex {
  readonly units: ReadonlyArray<Unit>
  readonly byCode: ReadonlyMap<string, Unit>
  /** unitNameKey(name) → units with that name (several cells may share a name across đảng bộ). */
  readonly byName: ReadonlyMap<string, ReadonlyArray<Unit>>
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

export const makeUnitIndex = (units: ReadonlyArray<Unit>): UnitIndex => {
  const byCode = new Map<string, Unit>()
  const byName = new Map<string, Array<Unit>>()
  for (const u of units) {
    byCode.set(codeKey(u.code), u)
    const k = unitNameKey(u.name)
    const list = byName.get(k)
    if (list === undefined) byName.set(k, [u])
    else list.push(u)
  }
  return { units, byCode, byName }
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
  | { readonly ok: true; readonly unit: Unit; readonly via: "code" | "title" | "fileName"; readonly notes: ReadonlyArray<string> }
  | { readonly ok: false; readonly reason: string; readonly candidates: ReadonlyArray<Unit> }

const describe = (u: Unit) => `${u.code} (${u.name}${u.parentName ? ` – ${u.parentName}` : ""})`

const parentNameOf = (u: Unit, index: UnitIndex): string | null =>
  u.parentName ?? (u.parentCode !== null ? index.byCode.get(codeKey(u.parentCode))?.name ?? null : null)

/** Units whose name matches; several only when the đảng bộ lines cannot tell them apart. */
const byName = (name: string, parents: ReadonlyArray<string>, index: UnitIndex): ReadonlyArray<Unit> => {
  const found = index.byName.get(unitNameKey(name)) ?? []
  if (found.length <= 1 || parents.length === 0) return found
  const parentKeys = new Set(parents.map(parentNameKey))
  const narrowed = found.filter((u) => {
    const p = parentNameOf(u, index)
    return p !== null && parentKeys.has(parentNameKey(p))
  })
  return narrowed.length > 0 ? narrowed : found
}

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
  // (2) "CHI BỘ …" title lines.
  let ambiguous: ReadonlyArray<Unit> = []
  for (const t of clues.cellTitles) {
    const found = byName(t, clues.parentTitles, index)
    if (found.length === 1) return { ok: true, unit: found[0]!, via: "title", notes }
    if (found.length > 1) {
      ambiguous = found
      break
    }
  }
  // (3) The file name: a unit code, or a unit name.
  const fromFile = index.byCode.get(codeKey(clues.fileName))
  const fileMatches = fromFile !== undefined ? [fromFile] : byName(clues.fileName, clues.parentTitles, index)
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
