/**
 * Text normalisation for names and other free text: cleaning, canonical tone placement,
 * accent folding and name parsing. Pure functions over tables built once at load; they run on
 * every roster and database row. domain.md §5.3, §6.4, §8 item 2.
 *
 * Order of use: decode legacy encodings first (Encoding.decodeText), then clean / parseName.
 */
import type { PersonName } from "../Domain.js"
import {
  baseIndex,
  composeVowel,
  decompose,
  isLetter,
  isLowerLetter,
  isUpperLetter,
  isValidSyllable,
  parts,
  toneAt,
  tonePosition
} from "./Vietnamese.js"

// ---------------------------------------------------------------------------------------------
// clean

/** Per code point (< 0x3100): 0 keep, 1 becomes a space, 2 removed, 3 Icelandic eth → Đ/đ. */
const CLEAN_CLASS = new Uint8Array(0x3100)
for (let c = 0; c < 0x20; c++) CLEAN_CLASS[c] = 1 // tabs, line breaks and other C0 controls
CLEAN_CLASS[0x20] = 1
for (let c = 0x7f; c <= 0x9f; c++) CLEAN_CLASS[c] = 1 // DEL and C1 controls
CLEAN_CLASS[0xa0] = 1 // NBSP
CLEAN_CLASS[0x1680] = 1
for (let c = 0x2000; c <= 0x200b; c++) CLEAN_CLASS[c] = 1 // en/em/thin… spaces and zero-width space
// Joiners and the word joiner sit inside words; replacing them by a space would split a name.
CLEAN_CLASS[0x200c] = 2
CLEAN_CLASS[0x200d] = 2
CLEAN_CLASS[0x2060] = 2
CLEAN_CLASS[0x2028] = 1
CLEAN_CLASS[0x2029] = 1
CLEAN_CLASS[0x202f] = 1
CLEAN_CLASS[0x205f] = 1
CLEAN_CLASS[0x3000] = 1
CLEAN_CLASS[0xd0] = 3
CLEAN_CLASS[0xf0] = 3

const cleanClass = (code: number): number =>
  code < 0x3100 ? CLEAN_CLASS[code]! : code === 0xfeff ? 2 : 0

/** True when no cleaning is needed: printable ASCII, single inner spaces, no edge spaces. */
const isCleanAscii = (s: string): boolean => {
  const n = s.length
  if (n === 0) return true
  let prevSpace = true
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7e || c < 0x20) return false
    if (c === 0x20) {
      if (prevSpace) return false
      prevSpace = true
    } else prevSpace = false
  }
  return !prevSpace
}

/** Like isCleanAscii for any (already NFC) text: nothing to map, remove or collapse. */
const isCleanNfc = (t: string): boolean => {
  const n = t.length
  if (n === 0) return true
  let prevSpace = true
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i)
    if (c === 0x20) {
      if (prevSpace) return false
      prevSpace = true
    } else if (cleanClass(c) !== 0) return false
    else prevSpace = false
  }
  return !prevSpace
}

/**
 * True when NFC leaves `s` as it is because every character is below U+0300 or a precomposed
 * Latin letter of U+1E00–U+1EFF (all of Vietnamese as typed in Unicode): none of them decomposes
 * or combines, and there is no combining mark. A cheap test that spares most cells the ICU call.
 */
export const isNfcStable = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x300 && (c < 0x1e00 || c > 0x1eff)) return false
  }
  return true
}

/** s.normalize("NFC"), without the call when isNfcStable says it changes nothing. */
export const toNfc = (s: string): string => (isNfcStable(s) ? s : s.normalize("NFC"))

/**
 * NFC; Icelandic Ð/ð (U+00D0/U+00F0) → Đ/đ; NBSP, zero-width space, tabs, line breaks and other
 * control or space characters → space; zero-width joiners and BOM removed; runs of spaces
 * collapsed; trimmed. Does not decode legacy encodings (the soft hyphen, TCVN3 "ư", is kept).
 */
export const clean = (s: string): string => {
  if (isCleanAscii(s)) return s
  // NFC first so that look-alikes and spaces are seen composed; again at the end only when a
  // removed joiner brought a letter and a combining mark together.
  const t = toNfc(s)
  if (isCleanNfc(t)) return t
  let out = ""
  let pendingSpace = false
  let removed = false
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    const k = cleanClass(c)
    if (k === 1) {
      pendingSpace = out.length > 0
    } else if (k === 2) {
      removed = true
      continue
    } else {
      if (pendingSpace) {
        out += " "
        pendingSpace = false
      }
      out += k === 3 ? (c === 0xd0 ? "Đ" : "đ") : t[i]
    }
  }
  return removed ? out.normalize("NFC") : out
}

/** True for null, undefined, blank text and the usual "nothing here" placeholders of rosters. */
export const isBlank = (v: unknown): boolean => {
  if (v === null || v === undefined) return true
  if (typeof v !== "string") return false
  const f = fold(v)
  return f === "" || BLANK_PLACEHOLDERS.has(f)
}
const BLANK_PLACEHOLDERS = new Set(["-", "--", "---", ".", "...", "n/a", "chua co", "khong co"])

// ---------------------------------------------------------------------------------------------
// canonicalTone

/** Moves the tone mark of one letters-only syllable to its canonical (old-style) vowel. */
const canonicalSyllable = (syl: string): string => {
  const d = decompose(syl)
  if (d === null || d.toneCount !== 1) return syl
  const p = parts(d)
  if (p === null) return syl
  const target = tonePosition(d, p, false)
  if (target < 0 || target === d.tonePos) return syl
  const from = syl.charCodeAt(d.tonePos)
  const to = syl.charCodeAt(target)
  const fromBare = composeVowel(baseIndex(from), isUpperLetter(from), 0)
  const toToned = composeVowel(baseIndex(to), isUpperLetter(to), d.tone)
  const lo = Math.min(target, d.tonePos)
  const hi = Math.max(target, d.tonePos)
  const atLo = lo === target ? toToned : fromBare
  const atHi = hi === target ? toToned : fromBare
  return syl.slice(0, lo) + atLo + syl.slice(lo + 1, hi) + atHi + syl.slice(hi + 1)
}

/**
 * One canonical tone placement per syllable, case kept: old style, so "hoà"→"hòa",
 * "thuỷ"→"thủy", "khoẻ"→"khỏe", while closed syllables keep the mark on the second vowel
 * ("hoàng", "thuyết"); the u of "qu" and the i of "gi" never carry it ("Qúy"→"Quý").
 * Tokens that are not one syllable (foreign words, run-together names) are left alone.
 */
export const canonicalTone = (s: string): string => canonicalToneIn(s, false)

const canonicalToneIn = (s: string, normalized: boolean): string => {
  let out = ""
  let last = 0
  let i = 0
  const n = s.length
  while (i < n) {
    const c0 = s.charCodeAt(i)
    if (!isLetter(c0)) {
      // Decomposed input (NFD): compose first, once, so that marks sit on their letters.
      if (!normalized && c0 >= 0x300 && c0 <= 0x36f) return canonicalToneIn(s.normalize("NFC"), true)
      i++
      continue
    }
    const start = i
    let toned = false
    while (i < n) {
      const c = s.charCodeAt(i)
      if (!isLetter(c)) break
      if (toneAt(c) !== 0) toned = true
      i++
    }
    // A combining mark NFC could not attach: leave the word as typed rather than guess.
    if (!toned || (i < n && s.charCodeAt(i) >= 0x300 && s.charCodeAt(i) <= 0x36f)) continue
    const syl = s.slice(start, i)
    const fixed = canonicalSyllable(syl)
    if (fixed !== syl) {
      out += s.slice(last, start) + fixed
      last = i
    }
  }
  return last === 0 ? s : out + s.slice(last)
}

// ---------------------------------------------------------------------------------------------
// fold

/** Folded form per code point below 0x2000 (lowercase ASCII, "" for marks, " " for spaces). */
const FOLD: string[] = (() => {
  const table: string[] = new Array(0x2000)
  for (let c = 0; c < 0x2000; c++) {
    const k = c < 0x3100 ? CLEAN_CLASS[c]! : 0
    if (k === 1) {
      table[c] = " "
      continue
    }
    if (k === 2) {
      table[c] = ""
      continue
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      table[c] = ""
      continue
    }
    const ch = String.fromCharCode(c)
    let f = ch.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    f = f.replace(/[đð]/g, "d").replace(/ø/g, "o").replace(/æ/g, "ae").replace(/œ/g, "oe").replace(/ß/g, "ss")
    // Keep only what is ASCII after removing marks; anything else has no useful folded form.
    let ascii = ""
    for (let j = 0; j < f.length; j++) if (f.charCodeAt(j) < 0x80) ascii += f[j]
    table[c] = ascii
  }
  return table
})()

const foldChar = (c: number): string => {
  if (c < 0x2000) return FOLD[c]!
  if (c === 0x2018 || c === 0x2019) return "'"
  return cleanClass(c) === 1 ? " " : ""
}

/**
 * Lowercase, all diacritics stripped, Đ/đ (and Icelandic Ð/ð) → d, spaces collapsed, trimmed:
 * "Nguyễn Văn Hòa" → "nguyen van hoa". Output is always ASCII: characters with no Latin base
 * (CJK, symbols outside Latin-1) are dropped.
 */
let lastFoldIn = ""
let lastFoldOut = ""

export const fold = (s: string): string => {
  // Callers often fold the same cell twice in a row (isBlank, then the parser): remember the last one.
  if (s === lastFoldIn) return lastFoldOut
  let out = ""
  let pendingSpace = false
  for (let i = 0; i < s.length; i++) {
    const f = foldChar(s.charCodeAt(i))
    if (f === "") continue
    if (f === " ") {
      pendingSpace = out.length > 0
      continue
    }
    if (pendingSpace) {
      out += " "
      pendingSpace = false
    }
    out += f
  }
  lastFoldIn = s
  lastFoldOut = out
  return out
}

/** Folded, space-separated tokens ("Nguyễn  Văn" → ["nguyen", "van"]). */
export const foldedTokens = (s: string): ReadonlyArray<string> => {
  const f = fold(s)
  return f === "" ? [] : f.split(" ")
}

// ---------------------------------------------------------------------------------------------
// titleCase

const isWordBreak = (c: number): boolean =>
  c === 0x20 || c === 0x2d || c === 0x27 || c === 0x2019 || c === 0x28 || c === 0x2e || c === 0x2f

/** "NGUYỄN VĂN HÙNG" → "Nguyễn Văn Hùng"; also capitalises after - ' ’ ( . / ("H'Hen"). */
export const titleCase = (s: string): string => {
  const t = s.normalize("NFC")
  let out = ""
  let atStart = true
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!
    const c = t.charCodeAt(i)
    out += atStart ? ch.toUpperCase() : ch.toLowerCase()
    atStart = isWordBreak(c)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// parseName

/**
 * "Đ/c", "Đ.c", "Đc", "Đồng chí" (any case, optional dot) before the name. The separator after
 * it (space or punctuation) is required so that a name starting with "Đc…" is not cut.
 */
const HONORIFIC = /^(?:đ\s*\/\s*c(?:hí)?|d\s*\/\s*c|đ\s*\.\s*c|đc|đồng\s+chí)\.?(?:\s*[.:,;\-\u2013]+\s*|\s+|$)/iu

const stripHonorifics = (s: string): string => {
  let t = s
  for (;;) {
    // Every honorific starts with d/đ; skip the regex for all other names.
    const c = t.charCodeAt(0)
    if (c !== 0x64 && c !== 0x44 && c !== 0x110 && c !== 0x111) return t
    const m = HONORIFIC.exec(t)
    if (m === null || m[0].length === 0) return t
    t = t.slice(m[0].length)
  }
}

/** Inserts a space at every lowercase→Uppercase boundary: "NguyễnThị Hà" → "Nguyễn Thị Hà". */
const splitCaseBoundaries = (s: string): string => {
  let out = ""
  let last = 0
  for (let i = 1; i < s.length; i++) {
    if (isLowerLetter(s.charCodeAt(i - 1)) && isUpperLetter(s.charCodeAt(i))) {
      out += s.slice(last, i) + " "
      last = i
    }
  }
  return last === 0 ? s : out + s.slice(last)
}

/** Frequent surnames (domain.md §6.1). */
const SURNAMES = [
  "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ",
  "ngô", "dương", "lý", "lâm", "đinh", "nghiêm", "đào", "vương", "trịnh", "phùng", "triệu", "đoàn",
  "trương", "lưu", "lương", "thạch", "nông", "cao", "châu", "quách", "tạ", "mai", "hà", "kiều",
  "khúc", "tăng", "tô", "đàm", "chu", "giang", "lại", "mạc", "thái", "văn", "doãn"
]

/** Frequent middle names (domain.md §6.2): the remainder must be one of these to split. */
const MIDDLE_NAMES = [
  "văn", "thị", "đức", "hữu", "ngọc", "thanh", "minh", "quang", "công", "xuân", "kim", "thu", "thúy",
  "thủy", "đình", "duy", "quốc", "bá", "trọng", "như", "hồng", "thế", "tiến", "đăng", "mạnh", "viết",
  "khánh", "gia", "hải", "bảo", "diệu", "phương", "tuấn", "anh", "mỹ", "thành", "trung", "việt"
]

/**
 * Every surname + middle name written together, lowercase, with and without diacritics
 * ("nguyenthi", "nguyễnthị") → length of the surname part. Built once; a lookup per name.
 */
const RUN_TOGETHER: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>()
  for (const surname of SURNAMES) {
    for (const middle of MIDDLE_NAMES) {
      const joined = surname + middle
      // A real one-syllable word never gets split (none of these pairs makes one, but be sure).
      if (isValidSyllable(joined)) continue
      map.set(joined, surname.length)
      map.set(fold(surname) + fold(middle), fold(surname).length)
    }
  }
  return map
})()

/**
 * Splits a known surname off a run-together first word ("nguyenthi" → "nguyen thi",
 * "NGUYỄNTHỊ" → "NGUYỄN THỊ") only when the rest is a known middle name: conservative on
 * purpose, since a wrong split would corrupt a real name.
 */
const splitLeadingSurname = (word: string): string => {
  if (word.length < 4 || word.length > 12) return word
  const lower = word.toLowerCase()
  const at = lower.length === word.length ? RUN_TOGETHER.get(lower) : undefined
  return at === undefined ? word : word.slice(0, at) + " " + word.slice(at)
}

const hasAsciiLetter = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20
    if (c >= 0x61 && c <= 0x7a) return true
  }
  return false
}

/**
 * One string per distinct name part (family, middle, given name, folded): a province has a few
 * thousand, and a copy per record was ~3 × 40 bytes of every record held while matching (measured
 * at 1M members). Bounded, so a long-lived process reading odd data cannot grow it without end.
 */
const NAME_PARTS_MAX = 200_000
const nameParts = new Map<string, string>()
const sharedPart = (part: string): string => {
  const shared = nameParts.get(part)
  if (shared !== undefined) return shared
  if (nameParts.size < NAME_PARTS_MAX) nameParts.set(part, part)
  return part
}

/**
 * Parses a name cell: clean, drop a leading honorific (Đ/c, Đc, Đồng chí…), restore missing
 * spaces where they can be recovered, then derive the matching keys. Null when no letter is left.
 * The input must already be decoded (Encoding.decodeText) if it came from a legacy font.
 */
export const parseName = (raw: string): PersonName | null => {
  // Case boundaries first, so that "Đ/cNguyễn" and "ĐồngChí Hà" lose their honorific too.
  let display = stripHonorifics(splitCaseBoundaries(clean(raw)))
  const firstSpace = display.indexOf(" ")
  const first = firstSpace < 0 ? display : display.slice(0, firstSpace)
  const split = splitLeadingSurname(first)
  if (split !== first) display = split + display.slice(first.length)
  const key = canonicalTone(display.toLowerCase())
  const folded = fold(key)
  if (!hasAsciiLetter(folded)) return null
  // fold leaves single spaces between tokens and none at the ends: slice instead of split/join.
  const firstBreak = folded.indexOf(" ")
  const lastBreak = folded.lastIndexOf(" ")
  return {
    display,
    key,
    folded,
    family: firstBreak < 0 ? folded : sharedPart(folded.slice(0, firstBreak)),
    middle: firstBreak < 0 || firstBreak === lastBreak ? "" : sharedPart(folded.slice(firstBreak + 1, lastBreak)),
    given: lastBreak < 0 ? folded : sharedPart(folded.slice(lastBreak + 1))
  }
}
