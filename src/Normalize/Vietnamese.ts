/**
 * Vietnamese letters and syllable structure, as lookup tables built once at module load.
 * Shared by Text (tone placement) and Encoding (checking that a decoding gives real syllables).
 * domain.md §5.3.
 */

/** The 12 vowel bases, lowercase, with their shape marks (breve, circumflex, horn) kept. */
export const VOWEL_BASES = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] as const

/** Combining tone marks in tone order: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng (0 = ngang, none). */
export const TONE_MARKS = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"] as const

export const TONE_SAC = 1
export const TONE_NANG = 5

/** Code points above this are never Vietnamese letters; tables are sized to it. */
const TABLE_SIZE = 0x1f00

/** Vowel base index + 1 (0 = not a vowel), by code point. */
const vowelBase = new Uint8Array(TABLE_SIZE)
/** Tone 0..5 by code point (vowels only). */
const toneOf = new Uint8Array(TABLE_SIZE)
/** 1 = uppercase letter, 2 = lowercase letter (Vietnamese alphabet and ASCII letters only). */
const letterCase = new Uint8Array(TABLE_SIZE)
/** Composition: [(base * 2 + upper) * 6 + tone] → NFC character. */
const compose: string[] = []

for (let b = 0; b < VOWEL_BASES.length; b++) {
  const lower = VOWEL_BASES[b]!
  for (let upper = 0; upper < 2; upper++) {
    const base = upper === 1 ? lower.toUpperCase() : lower
    for (let t = 0; t < 6; t++) {
      const ch = (base + TONE_MARKS[t]).normalize("NFC")
      compose[(b * 2 + upper) * 6 + t] = ch
      const cp = ch.codePointAt(0)!
      vowelBase[cp] = b + 1
      toneOf[cp] = t
      letterCase[cp] = upper === 1 ? 1 : 2
    }
  }
}
for (let c = 0x41; c <= 0x5a; c++) letterCase[c] = 1
for (let c = 0x61; c <= 0x7a; c++) letterCase[c] = 2
letterCase[0x110] = 1 // Đ
letterCase[0x111] = 2 // đ

/** All 134 accented Vietnamese letters (both cases), in a fixed order: useful for tests and generators. */
export const ACCENTED_LETTERS: ReadonlyArray<string> = (() => {
  const out: string[] = []
  for (let b = 0; b < VOWEL_BASES.length; b++) {
    for (let upper = 0; upper < 2; upper++) {
      for (let t = 0; t < 6; t++) {
        const ch = compose[(b * 2 + upper) * 6 + t]!
        // Plain a e i o u y carry no mark; every other form is an accented letter.
        if (ch.charCodeAt(0) >= 0x80) out.push(ch)
      }
    }
  }
  out.push("Đ", "đ")
  return out
})()

/** True for the Vietnamese alphabet (ASCII letters, đ/Đ and the accented vowels). */
export const isLetter = (code: number): boolean => code < TABLE_SIZE && letterCase[code] !== 0
export const isUpperLetter = (code: number): boolean => code < TABLE_SIZE && letterCase[code] === 1
export const isLowerLetter = (code: number): boolean => code < TABLE_SIZE && letterCase[code] === 2

/** Vowel base index (0..11) of a character, or -1. */
export const baseIndex = (code: number): number => (code < TABLE_SIZE ? vowelBase[code]! - 1 : -1)
export const toneAt = (code: number): number => (code < TABLE_SIZE ? toneOf[code]! : 0)
export const composeVowel = (base: number, upper: boolean, tone: number): string =>
  compose[(base * 2 + (upper ? 1 : 0)) * 6 + tone]!

// Indices into VOWEL_BASES, named for readability below.
const A_BREVE = 1
const A_CIRC = 2
const E_CIRC = 4
const I = 5
const O_CIRC = 7
const O_HORN = 8
const U = 9
const U_HORN = 10
const Y = 11
const SHAPED = new Set([A_BREVE, A_CIRC, E_CIRC, O_CIRC, O_HORN, U_HORN])

/**
 * One syllable decomposed: base letters lowercase without tone (shape marks kept), the tone,
 * and where the tone sat. `chars` keeps the original characters for rebuilding.
 */
export interface Decomposed {
  /** Lowercase letters with tone removed ("nguyên" for "Nguyễn"). */
  readonly bases: string
  /** Vowel base index per position, -1 for consonants. */
  readonly vowel: ReadonlyArray<number>
  readonly tone: number
  /** Position of the (first) toned vowel, -1 when none. */
  readonly tonePos: number
  /** Number of toned vowels (more than one means the token is not a single syllable). */
  readonly toneCount: number
}

/** Decomposes a run of Vietnamese letters; null when it contains any other character. */
export const decompose = (token: string): Decomposed | null => {
  let bases = ""
  const vowel: number[] = []
  let tone = 0
  let tonePos = -1
  let toneCount = 0
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i)
    if (!isLetter(code)) return null
    const b = vowelBase[code]! - 1
    vowel.push(b)
    if (b >= 0) {
      bases += VOWEL_BASES[b]
      const t = toneOf[code]!
      if (t !== 0) {
        toneCount++
        if (tonePos < 0) {
          tone = t
          tonePos = i
        }
      }
    } else if (code === 0x110 || code === 0x111) {
      bases += "đ"
    } else {
      bases += String.fromCharCode(code | 0x20)
    }
  }
  return { bases, vowel, tone, tonePos, toneCount }
}

/** Where onset, nucleus and coda lie within a decomposed syllable. */
export interface Parts {
  readonly onsetEnd: number
  readonly nucleusEnd: number
}

/**
 * Splits into onset / vowel nucleus / coda. "qu" and "gi" followed by a vowel belong to the
 * onset (so "Qúy" has nucleus "y"). With `giAsG` the "gi" rule is skipped ("giếng" = g + iêng).
 * Null when the letters after the nucleus are not all consonants (several syllables run together).
 */
export const parts = (d: Decomposed, giAsG = false): Parts | null => {
  const v = d.vowel
  const n = v.length
  let onsetEnd = 0
  while (onsetEnd < n && v[onsetEnd]! < 0) onsetEnd++
  const first = d.bases.charCodeAt(0)
  if (onsetEnd === 1 && n > 2 && v[2]! >= 0) {
    if (first === 0x71 /* q */ && v[1] === U) onsetEnd = 2
    else if (!giAsG && first === 0x67 /* g */ && v[1] === I) onsetEnd = 2
  }
  let nucleusEnd = onsetEnd
  while (nucleusEnd < n && v[nucleusEnd]! >= 0) nucleusEnd++
  if (nucleusEnd === onsetEnd) return null
  for (let i = nucleusEnd; i < n; i++) if (v[i]! >= 0) return null
  return { onsetEnd, nucleusEnd }
}

const isOaOeUy = (a: number, b: number): boolean =>
  (a === 6 /* o */ && (b === 0 /* a */ || b === 3) /* e */) || (a === U && b === Y)

/**
 * Index where the tone mark belongs. Old style (the canonical one): in open oa/oe/uy the mark
 * goes on the first vowel (hòa, khỏe, thủy); `newStyle` puts it on the second (hoà, khoẻ, thuỷ).
 * Returns -1 when the nucleus is not a Vietnamese one (four or more vowels).
 */
export const tonePosition = (d: Decomposed, p: Parts, newStyle = false): number => {
  const v = d.vowel
  const s = p.onsetEnd
  const len = p.nucleusEnd - s
  // A shaped vowel (ă â ê ô ơ ư) takes the mark; in ươ it is the ơ, the last one.
  for (let i = p.nucleusEnd - 1; i >= s; i--) if (SHAPED.has(v[i]!)) return i
  if (p.nucleusEnd < v.length) return p.nucleusEnd - 1 // closed syllable: hoàng, huỳnh
  if (len === 1) return s
  if (len === 2) return newStyle && isOaOeUy(v[s]!, v[s + 1]!) ? s + 1 : s
  if (len === 3) return s + 1 // oai, oay, uya, uyu, oeo
  return -1
}

const ONSETS = new Set([
  "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
  "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"
])

const STOP_CODAS = new Set(["c", "ch", "p", "t"])

/** Valid rhymes (nucleus + coda), tone removed. */
const RHYMES: ReadonlySet<string> = (() => {
  const open = [
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu",
    "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa", "ưi", "ưu", "iêu", "yêu", "oa", "oe", "uê", "uy",
    "uơ", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu"
  ]
  const closed: Record<string, string> = {
    a: "c ch m n ng nh p t",
    ă: "c m n ng p t",
    â: "c m n ng p t",
    e: "c m n ng p t",
    ê: "ch m n nh p t",
    i: "ch m n nh p t",
    o: "c m n ng p t",
    ô: "c m n ng p t",
    ơ: "c m n p t",
    u: "c m n ng p t",
    ư: "c m n ng t",
    iê: "c m n ng p t",
    yê: "m n ng t",
    oa: "c ch m n ng nh p t",
    oă: "c m n ng t",
    oe: "n t",
    uâ: "n ng t",
    uê: "ch nh",
    uy: "ch n nh t",
    uyê: "n t",
    uô: "c m n ng t",
    ươ: "c m n ng p t",
    oo: "c ng"
  }
  const set = new Set(open)
  for (const [nucleus, codas] of Object.entries(closed)) for (const c of codas.split(" ")) set.add(nucleus + c)
  return set
})()

const checkParse = (d: Decomposed, p: Parts): boolean => {
  const onset = d.bases.slice(0, p.onsetEnd)
  if (!ONSETS.has(onset)) return false
  const rhyme = d.bases.slice(p.onsetEnd)
  // After "qu" the u is a glide: "quynh", "quang" are q + uynh, q + uang.
  if (!RHYMES.has(rhyme) && !(onset === "qu" && (RHYMES.has("u" + rhyme) || RHYMES.has("o" + rhyme)))) return false
  const coda = d.bases.slice(p.nucleusEnd)
  if (STOP_CODAS.has(coda) && d.tone !== TONE_SAC && d.tone !== TONE_NANG) return false
  if (d.tone === 0) return true
  return d.tonePos === tonePosition(d, p, false) || d.tonePos === tonePosition(d, p, true)
}

/**
 * True when `token` (letters only, any case) is one well-formed Vietnamese syllable: a known
 * onset and rhyme, at most one tone mark, sitting on a vowel where either spelling style puts it,
 * and only sắc/nặng before a stop consonant. Used to judge candidate decodings; deliberately
 * ignores spelling conventions such as c/k/q so that it accepts what clerks actually type.
 */
export const isValidSyllable = (token: string): boolean => {
  const d = decompose(token.toLowerCase())
  if (d === null || d.toneCount > 1) return false
  const p = parts(d)
  if (p !== null && checkParse(d, p)) return true
  if (d.bases.startsWith("gi")) {
    const g = parts(d, true)
    return g !== null && checkParse(d, g)
  }
  return false
}

/**
 * True when a word is written all lowercase, all capitals, or with only its first letter
 * capital. Legacy text read as Unicode often is not ("NguyÔn", "TuÊn"), which is a tell.
 */
export const isWellCased = (token: string): boolean => {
  let upper = 0
  for (let i = 1; i < token.length; i++) if (isUpperLetter(token.charCodeAt(i))) upper++
  return upper === 0 || upper === token.length - 1 && isUpperLetter(token.charCodeAt(0))
}
