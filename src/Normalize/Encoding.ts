/**
 * Legacy Vietnamese font encodings found in roster cells: TCVN3 (ABC, ".Vn…" fonts) and
 * VNI-Windows ("VNI-…" fonts). A Unicode cell typed in such a font holds the bytes as Latin-1
 * (or cp1252) code points. domain.md §5.2, §5.4, §5.5; tables from encodings/tcvn3.json and vni.json.
 *
 * Never decode blindly: real Unicode "Hà" read as TCVN3 gives "HỔ". decodeText decides from the
 * font and the content, and checks that the decoding yields real Vietnamese syllables.
 */
import { isLetter, isValidSyllable, isWellCased } from "./Vietnamese.js"
import { toNfc } from "./Text.js"

export type TextEncoding = "UNICODE" | "TCVN3" | "VNI"

// ---------------------------------------------------------------------------------------------
// Tables

/** TCVN 5712:1993 byte → Unicode (glibc TCVN5712-1), every byte that differs from Latin-1. */
const TCVN3_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0x01, "Ú"], [0x02, "Ụ"], [0x04, "Ừ"], [0x05, "Ử"], [0x06, "Ữ"], [0x11, "Ứ"], [0x12, "Ự"],
  [0x13, "Ỳ"], [0x14, "Ỷ"], [0x15, "Ỹ"], [0x16, "Ý"], [0x17, "Ỵ"],
  [0x80, "À"], [0x81, "Ả"], [0x82, "Ã"], [0x83, "Á"], [0x84, "Ạ"], [0x85, "Ặ"], [0x86, "Ậ"], [0x87, "È"],
  [0x88, "Ẻ"], [0x89, "Ẽ"], [0x8a, "É"], [0x8b, "Ẹ"], [0x8c, "Ệ"], [0x8d, "Ì"], [0x8e, "Ỉ"], [0x8f, "Ĩ"],
  [0x90, "Í"], [0x91, "Ị"], [0x92, "Ò"], [0x93, "Ỏ"], [0x94, "Õ"], [0x95, "Ó"], [0x96, "Ọ"], [0x97, "Ộ"],
  [0x98, "Ờ"], [0x99, "Ở"], [0x9a, "Ỡ"], [0x9b, "Ớ"], [0x9c, "Ợ"], [0x9d, "Ù"], [0x9e, "Ủ"], [0x9f, "Ũ"],
  [0xa1, "Ă"], [0xa2, "Â"], [0xa3, "Ê"], [0xa4, "Ô"], [0xa5, "Ơ"], [0xa6, "Ư"], [0xa7, "Đ"], [0xa8, "ă"],
  [0xa9, "â"], [0xaa, "ê"], [0xab, "ô"], [0xac, "ơ"], [0xad, "ư"], [0xae, "đ"], [0xaf, "Ằ"],
  [0xb0, "\u0300"], [0xb1, "\u0309"], [0xb2, "\u0303"], [0xb3, "\u0301"], [0xb4, "\u0323"],
  [0xb5, "à"], [0xb6, "ả"], [0xb7, "ã"], [0xb8, "á"], [0xb9, "ạ"], [0xba, "Ẳ"], [0xbb, "ằ"], [0xbc, "ẳ"],
  [0xbd, "ẵ"], [0xbe, "ắ"], [0xbf, "Ẵ"], [0xc0, "Ắ"], [0xc1, "Ầ"], [0xc2, "Ẩ"], [0xc3, "Ẫ"], [0xc4, "Ấ"],
  [0xc5, "Ề"], [0xc6, "ặ"], [0xc7, "ầ"], [0xc8, "ẩ"], [0xc9, "ẫ"], [0xca, "ấ"], [0xcb, "ậ"], [0xcc, "è"],
  [0xcd, "Ể"], [0xce, "ẻ"], [0xcf, "ẽ"], [0xd0, "é"], [0xd1, "ẹ"], [0xd2, "ề"], [0xd3, "ể"], [0xd4, "ễ"],
  [0xd5, "ế"], [0xd6, "ệ"], [0xd7, "ì"], [0xd8, "ỉ"], [0xd9, "Ễ"], [0xda, "Ế"], [0xdb, "Ồ"], [0xdc, "ĩ"],
  [0xdd, "í"], [0xde, "ị"], [0xdf, "ò"], [0xe0, "Ổ"], [0xe1, "ỏ"], [0xe2, "õ"], [0xe3, "ó"], [0xe4, "ọ"],
  [0xe5, "ồ"], [0xe6, "ổ"], [0xe7, "ỗ"], [0xe8, "ố"], [0xe9, "ộ"], [0xea, "ờ"], [0xeb, "ở"], [0xec, "ỡ"],
  [0xed, "ớ"], [0xee, "ợ"], [0xef, "ù"], [0xf0, "Ỗ"], [0xf1, "ủ"], [0xf2, "ũ"], [0xf3, "ú"], [0xf4, "ụ"],
  [0xf5, "ừ"], [0xf6, "ử"], [0xf7, "ữ"], [0xf8, "ứ"], [0xf9, "ự"], [0xfa, "ỳ"], [0xfb, "ỷ"], [0xfc, "ỹ"],
  [0xfd, "ý"], [0xfe, "ỵ"], [0xff, "Ố"]
]

/**
 * The 74 bytes of ordinary .VnTime (VN3) text: 67 lowercase accented letters and 7 bare capitals
 * (domain.md §5.4, last column). Everything else in the table is VN1 only.
 */
const VN3_BYTES: ReadonlyArray<number> = [
  0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae,
  0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xbb, 0xbc, 0xbd, 0xbe,
  0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xce, 0xcf,
  0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xdc, 0xdd, 0xde, 0xdf,
  0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
  0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe
]

/** cp1252 characters for bytes 0x80–0x9F (what Excel stores when such a byte was typed). */
const CP1252: ReadonlyArray<readonly [number, number]> = [
  [0x20ac, 0x80], [0x201a, 0x82], [0x0192, 0x83], [0x201e, 0x84], [0x2026, 0x85], [0x2020, 0x86],
  [0x2021, 0x87], [0x02c6, 0x88], [0x2030, 0x89], [0x0160, 0x8a], [0x2039, 0x8b], [0x0152, 0x8c],
  [0x017d, 0x8e], [0x2018, 0x91], [0x2019, 0x92], [0x201c, 0x93], [0x201d, 0x94], [0x2022, 0x95],
  [0x2013, 0x96], [0x2014, 0x97], [0x02dc, 0x98], [0x2122, 0x99], [0x0161, 0x9a], [0x203a, 0x9b],
  [0x0153, 0x9c], [0x017e, 0x9e], [0x0178, 0x9f]
]
const CP1252_TO_BYTE = new Map<number, number>(CP1252)
/**
 * Typographic punctuation from cp1252 is far more often real punctuation than a VN1 capital
 * (VN3 text never uses 0x80–0x9F), so it is decoded only between two letters ("TR–NG" = TRỌNG).
 */
const CP1252_PUNCT = new Set([0x2018, 0x2019, 0x201c, 0x201d, 0x2013, 0x2014, 0x2026, 0x2022])

/** TCVN3 decoding by byte; undefined = the byte means itself. */
const TCVN3_DECODE: Array<string | undefined> = new Array(256)
for (const [b, u] of TCVN3_TABLE) TCVN3_DECODE[b] = u

/** 1 for bytes that decode to a letter in full VN1 text but never occur in .VnTime (VN3) text. */
const VN1_ONLY = new Uint8Array(256)
for (const [b] of TCVN3_TABLE) VN1_ONLY[b] = 1
for (const b of VN3_BYTES) VN1_ONLY[b] = 0

/** Unicode letter → the VN3 byte as a character; capitals with tones use the lowercase code. */
const TCVN3_ENCODE = new Map<string, string>()
for (const b of VN3_BYTES) {
  const u = TCVN3_DECODE[b]!
  TCVN3_ENCODE.set(u, String.fromCharCode(b))
  const upper = u.toUpperCase()
  if (upper !== u && !TCVN3_ENCODE.has(upper)) TCVN3_ENCODE.set(upper, String.fromCharCode(b))
}
// The 7 bare capitals have their own codes; make sure the lowercase fallback did not win.
for (const b of [0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7]) TCVN3_ENCODE.set(TCVN3_DECODE[b]!, String.fromCharCode(b))

/** VNI-Windows: Unicode letter → VNI characters (134 letters, domain.md §5.5). */
const VNI_TABLE: Readonly<Record<string, string>> = {
  À: "AØ", Á: "AÙ", Â: "AÂ", Ã: "AÕ", È: "EØ", É: "EÙ", Ê: "EÂ", Ì: "Ì", Í: "Í", Ò: "OØ", Ó: "OÙ", Ô: "OÂ",
  Õ: "OÕ", Ù: "UØ", Ú: "UÙ", Ý: "YÙ", à: "aø", á: "aù", â: "aâ", ã: "aõ", è: "eø", é: "eù", ê: "eâ", ì: "ì",
  í: "í", ò: "oø", ó: "où", ô: "oâ", õ: "oõ", ù: "uø", ú: "uù", ý: "yù", Ă: "AÊ", ă: "aê", Đ: "Ñ", đ: "ñ",
  Ĩ: "Ó", ĩ: "ó", Ũ: "UÕ", ũ: "uõ", Ơ: "Ô", ơ: "ô", Ư: "Ö", ư: "ö", Ạ: "AÏ", ạ: "aï", Ả: "AÛ", ả: "aû",
  Ấ: "AÁ", ấ: "aá", Ầ: "AÀ", ầ: "aà", Ẩ: "AÅ", ẩ: "aå", Ẫ: "AÃ", ẫ: "aã", Ậ: "AÄ", ậ: "aä", Ắ: "AÉ", ắ: "aé",
  Ằ: "AÈ", ằ: "aè", Ẳ: "AÚ", ẳ: "aú", Ẵ: "AÜ", ẵ: "aü", Ặ: "AË", ặ: "aë", Ẹ: "EÏ", ẹ: "eï", Ẻ: "EÛ", ẻ: "eû",
  Ẽ: "EÕ", ẽ: "eõ", Ế: "EÁ", ế: "eá", Ề: "EÀ", ề: "eà", Ể: "EÅ", ể: "eå", Ễ: "EÃ", ễ: "eã", Ệ: "EÄ", ệ: "eä",
  Ỉ: "Æ", ỉ: "æ", Ị: "Ò", ị: "ò", Ọ: "OÏ", ọ: "oï", Ỏ: "OÛ", ỏ: "oû", Ố: "OÁ", ố: "oá", Ồ: "OÀ", ồ: "oà",
  Ổ: "OÅ", ổ: "oå", Ỗ: "OÃ", ỗ: "oã", Ộ: "OÄ", ộ: "oä", Ớ: "ÔÙ", ớ: "ôù", Ờ: "ÔØ", ờ: "ôø", Ở: "ÔÛ", ở: "ôû",
  Ỡ: "ÔÕ", ỡ: "ôõ", Ợ: "ÔÏ", ợ: "ôï", Ụ: "UÏ", ụ: "uï", Ủ: "UÛ", ủ: "uû", Ứ: "ÖÙ", ứ: "öù", Ừ: "ÖØ", ừ: "öø",
  Ử: "ÖÛ", ử: "öû", Ữ: "ÖÕ", ữ: "öõ", Ự: "ÖÏ", ự: "öï", Ỳ: "YØ", ỳ: "yø", Ỵ: "Î", ỵ: "î", Ỷ: "YÛ", ỷ: "yû",
  Ỹ: "YÕ", ỹ: "yõ"
}

const VNI_PAIR = new Map<number, string>()
const VNI_SINGLE = new Map<number, string>()
/** 1 for characters that can be the second half of a VNI pair (mark bytes). */
const VNI_MARK = new Uint8Array(256)
for (const [letter, seq] of Object.entries(VNI_TABLE)) {
  if (seq.length === 1) {
    VNI_SINGLE.set(seq.charCodeAt(0), letter)
    continue
  }
  const base = seq.charCodeAt(0)
  const mark = seq.charCodeAt(1)
  VNI_MARK[mark] = 1
  VNI_PAIR.set(base * 0x10000 + mark, letter)
  // A mark byte of the other case after a base letter still means the same letter; the case
  // follows the base (mixed pairs appear after UPPER()/LOWER() on part of a cell).
  const other = mark >= 0xe0 ? mark - 0x20 : mark + 0x20
  VNI_MARK[other] = 1
  const otherKey = base * 0x10000 + other
  if (!VNI_PAIR.has(otherKey)) VNI_PAIR.set(otherKey, letter)
}
const VNI_ENCODE = new Map<string, string>(Object.entries(VNI_TABLE))

// ---------------------------------------------------------------------------------------------
// Fonts

/**
 * ".VnTime", ".VnArial", ".VnTimeH"… (any font starting with ".Vn") → TCVN3; "VNI-Times"…
 * → VNI; any other font → null, meaning: decide from the content.
 */
export const encodingFromFont = (font: string | undefined | null): TextEncoding | null => {
  if (font === undefined || font === null) return null
  // Called for every text cell; a workbook has a handful of font names.
  const known = fontEncodings.get(font)
  if (known !== undefined) return known
  const e = encodingOfFontName(font)
  if (fontEncodings.size >= 1024) fontEncodings.clear()
  fontEncodings.set(font, e)
  return e
}

const fontEncodings = new Map<string, TextEncoding | null>()

const encodingOfFontName = (font: string): TextEncoding | null => {
  const f = font.trim().toLowerCase()
  if (f.startsWith(".vn")) return "TCVN3"
  if (f.startsWith("vni-") || f.startsWith("vni ") || f.startsWith("vni_")) return "VNI"
  return null
}

/** ".VnTimeH", ".VnArialH": TCVN3 capitals fonts, which show every letter as a capital. */
export const isCapitalsFont = (font: string | undefined | null): boolean => {
  if (font === undefined || font === null) return false
  const f = font.trim()
  return f.length > 3 && f.slice(0, 3).toLowerCase() === ".vn" && f.endsWith("H")
}

// ---------------------------------------------------------------------------------------------
// Decoders and encoders

/** The byte a character stands for when a legacy-encoded cell was read as cp1252, or -1. */
const byteOf = (c: number): number => (c <= 0xff ? c : CP1252_TO_BYTE.get(c) ?? -1)

const isLetterish = (c: number): boolean => {
  if (c < 0x80) return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a
  const b = byteOf(c)
  return b >= 0x80 && TCVN3_DECODE[b] !== undefined
}

/**
 * TCVN3 → Unicode (NFC). Each character is taken as the byte it shows in Latin-1/cp1252;
 * U+00AD (soft hyphen) is "ư" and is kept. `capitals` (".Vn…H" fonts) uppercases the result,
 * since those fonts draw every letter as a capital.
 */
export const decodeTcvn3 = (s: string, capitals = false): string => {
  let out = ""
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const b = byteOf(c)
    let u: string | undefined = b >= 0 ? TCVN3_DECODE[b] : undefined
    if (u !== undefined && CP1252_PUNCT.has(c)) {
      const between = i > 0 && i + 1 < s.length && isLetterish(s.charCodeAt(i - 1)) && isLetterish(s.charCodeAt(i + 1))
      if (!between) u = undefined
    }
    out += u ?? s[i]
  }
  const nfc = out.normalize("NFC")
  return capitals ? nfc.toUpperCase() : nfc
}

/**
 * Unicode → TCVN3 as it sits in a Unicode cell (bytes as Latin-1 characters), VN3 convention:
 * capitals with tone marks do not exist there and are written with the lowercase code, so a
 * round trip keeps them only case-insensitively (or with capitals = true for all-capital text).
 * For generating test data.
 */
export const encodeTcvn3 = (s: string): string => {
  const t = s.normalize("NFC")
  let out = ""
  for (const ch of t) out += TCVN3_ENCODE.get(ch) ?? ch
  return out
}

/**
 * VNI-Windows → Unicode (NFC): a base letter followed by a mark character is read as one letter
 * first (greedy), then the single-character letters (Ñ ñ Ô ô Ö ö and the i/ỵ forms).
 */
export const decodeVni = (s: string): string => {
  let out = ""
  const n = s.length
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (i + 1 < n) {
      const m = s.charCodeAt(i + 1)
      if (m < 256 && VNI_MARK[m] === 1) {
        const pair = VNI_PAIR.get(c * 0x10000 + m)
        if (pair !== undefined) {
          out += pair
          i++
          continue
        }
      }
    }
    out += c >= 0xc0 ? (VNI_SINGLE.get(c) ?? s[i]) : s[i]
  }
  return out.normalize("NFC")
}

/** Unicode → VNI-Windows as it sits in a Unicode cell. For generating test data. */
export const encodeVni = (s: string): string => {
  const t = s.normalize("NFC")
  let out = ""
  for (const ch of t) out += VNI_ENCODE.get(ch) ?? ch
  return out
}

// ---------------------------------------------------------------------------------------------
// Detection

/**
 * Scan result: 0 = pure ASCII, 1 = has Latin-1/cp1252 characters only (could be legacy),
 * 2 = has a character that no legacy-encoded cell can contain (a Vietnamese letter such as
 * "ễ", a combining mark, CJK…): the text is Unicode.
 */
const scan = (s: string): 0 | 1 | 2 => {
  let kind: 0 | 1 = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c <= 0xff || CP1252_TO_BYTE.has(c)) kind = 1
    else return 2
  }
  return kind
}

/** Latin-1 characters that are themselves Vietnamese letters (à á â ã è é ê ì í ò ó ô õ ù ú ý…). */
const isLatin1VietLetter = (c: number): boolean => c >= 0xc0 && c <= 0xff && isLetter(c)

interface Scores {
  unicode: number
  tcvn3: number
  vni: number
  /** Characters that cannot be Vietnamese Unicode but are TCVN3 letters (¸ µ ¶ ª « ¬ ® § Ç Þ…). */
  tcvn3Tells: number
  /** Characters that cannot be Vietnamese Unicode but are VNI marks or letters (ø û ï Ñ ñ ö Ö…). */
  vniTells: number
  /** Characters whose byte is a VN1-only code ("à" = 0xE0): unusual in real .VnTime text. */
  vn1Only: number
  /** Letter + VNI mark pairs ("oâ", "UÕ"): how VNI writes most accented letters. */
  vniPairs: number
  /** Words whose TCVN3 reading is valid and also sanely cased (VNI readings must be). */
  tcvn3Cased: number
}

/** Word separators: ASCII other than letters (and the VN1 capitals at 0x01–0x17), and NBSP. */
const isSeparator = (c: number): boolean => {
  if (c >= 0x80) return c === 0xa0
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return false
  return c > 0x17 || TCVN3_DECODE[c] === undefined
}

/**
 * Counts, per word that has a non-ASCII character, under which reading (as-is, TCVN3, VNI) it
 * is a valid, sanely cased Vietnamese syllable. ASCII-only words read the same under every
 * encoding and carry no evidence.
 */
const emptyScores = (): Scores => ({
  unicode: 0,
  tcvn3: 0,
  vni: 0,
  tcvn3Tells: 0,
  vniTells: 0,
  vn1Only: 0,
  vniPairs: 0,
  tcvn3Cased: 0
})

const score = (s: string, r: Scores = emptyScores()): Scores => {
  const n = s.length
  let i = 0
  while (i < n) {
    while (i < n && isSeparator(s.charCodeAt(i))) i++
    const start = i
    let nonAscii = false
    while (i < n && !isSeparator(s.charCodeAt(i))) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) {
        nonAscii = true
        const byte = byteOf(c)
        if (byte >= 0 && VN1_ONLY[byte] === 1) r.vn1Only++
        if (c <= 0xff && VNI_MARK[c] === 1 && i > start && VNI_PAIR.has(s.charCodeAt(i - 1) * 0x10000 + c)) r.vniPairs++
        if (!isLatin1VietLetter(c)) {
          const b = byteOf(c)
          if (b >= 0 && TCVN3_DECODE[b] !== undefined) r.tcvn3Tells++
          if (c <= 0xff && (VNI_MARK[c] === 1 || VNI_SINGLE.has(c))) r.vniTells++
        }
      }
      i++
    }
    if (!nonAscii) continue
    const word = s.slice(start, i)
    if (isWellCased(word) && isValidSyllable(word)) r.unicode++
    // VN3 has no capitals with tone marks (they are typed with lowercase codes), so the case of
    // a TCVN3 reading says nothing.
    const tcvn3 = decodeTcvn3(word)
    if (isValidSyllable(tcvn3)) {
      r.tcvn3++
      if (isWellCased(tcvn3)) r.tcvn3Cased++
    }
    const vni = decodeVni(word)
    if (isWellCased(vni) && isValidSyllable(vni)) r.vni++
  }
  return r
}

/**
 * TCVN3 or VNI: more valid syllables, then more tell-tale characters, then the reading with
 * consistent case (VNI "TRÒNH THÒ" is "TRỊNH THỊ"; as TCVN3 it would be "TRềNH THề"), then VNI
 * letter pairs ("Coâng").
 */
const pickLegacy = (r: Scores): TextEncoding => {
  if (r.tcvn3 !== r.vni) return r.tcvn3 > r.vni ? "TCVN3" : "VNI"
  if (r.tcvn3Tells !== r.vniTells) return r.vniTells > r.tcvn3Tells ? "VNI" : "TCVN3"
  if (r.vni > r.tcvn3Cased) return "VNI"
  return r.vniPairs > 0 ? "VNI" : "TCVN3"
}

/**
 * Detects the encoding of a cell from its content alone (domain.md §5.2 "Recognising and
 * checking"): text with a character no legacy cell can hold is Unicode, pure ASCII is Unicode;
 * otherwise each word is checked as a Vietnamese syllable as-is, decoded as TCVN3 and decoded as
 * VNI, and a legacy encoding wins only when it yields strictly more valid syllables than the
 * text as it stands. So ordinary Vietnamese Unicode ("Hà", "Trần Thị Thu Hà") and Latin text
 * ("José", "Müller") stay Unicode.
 */
export const detectEncoding = (s: string): TextEncoding => {
  if (scan(s) !== 1) return "UNICODE"
  const r = score(s)
  const best = Math.max(r.tcvn3, r.vni)
  if (best <= r.unicode) return "UNICODE"
  return pickLegacy(r)
}

/** Words with a non-ASCII character: the evidence a certainly-Unicode cell gives a column. */
const nonAsciiWords = (s: string): number => {
  let words = 0
  let inWord = false
  let counted = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isSeparator(c)) {
      inWord = false
      continue
    }
    if (!inWord) {
      inWord = true
      counted = false
    }
    if (c >= 0x80 && !counted) {
      words++
      counted = true
    }
  }
  return words
}

/**
 * Detects one encoding for many cells (a column or a sheet), which resolves words that are
 * ambiguous alone: VNI "Thò" (Thị) and TCVN3 "Dòng" (Dũng) are also real Unicode words, but a
 * column of names rarely consists of such words only. Cells that are certainly Unicode count
 * their words for Unicode (an old .VnTime template later typed in Unicode); the other cells'
 * evidence is summed and judged as in detectEncoding. A legacy `font` wins unless Unicode is
 * strictly better supported. Pass the result to decodeText as `assumed`.
 */
export const detectEncodingAll = (cells: Iterable<string>, font?: string | null): TextEncoding => {
  const r = emptyScores()
  for (const cell of cells) {
    const kind = scan(cell)
    if (kind === 1) score(cell, r)
    else if (kind === 2) r.unicode += nonAsciiWords(cell)
  }
  const hinted = encodingFromFont(font)
  if (hinted !== null && (hinted === "TCVN3" ? r.tcvn3 : r.vni) >= r.unicode) return hinted
  return Math.max(r.tcvn3, r.vni) <= r.unicode ? "UNICODE" : pickLegacy(r)
}

/**
 * Decodes a cell. The encoding to try comes from `assumed` (decided for the whole column with
 * detectEncodingAll) or else from the cell's font; without either it is detected from the cell
 * alone (as is also done when `assumed` is "UNICODE", so a stray legacy cell is still caught).
 * The content can overrule a legacy hint: a character no legacy cell can hold, or a reading as
 * Unicode with more valid syllables, or a tie with no legacy tell-tale while the text holds a
 * VN1-only byte ("Hà" in a cell of an old .VnTime template later typed in Unicode). `font` also
 * says whether TCVN3 is in capitals (".VnTimeH"). The text comes back NFC; Unicode text is
 * otherwise unchanged.
 */
export const decodeText = (
  s: string,
  font?: string | null,
  assumed?: TextEncoding | null
): { text: string; encoding: TextEncoding } => {
  const hinted: TextEncoding | null =
    assumed === "UNICODE" ? null : assumed !== undefined && assumed !== null ? assumed : encodingFromFont(font)
  const kind = scan(s)
  if (kind === 2) return { text: toNfc(s), encoding: "UNICODE" }
  // Only text that could be legacy is scored word by word; remember those answers (places, notes
  // and "Nữ" repeat down a column). Results are treated as immutable by every caller.
  if (kind === 1) {
    const memo = hinted === null ? legacyMemoNone : hinted === "VNI" ? legacyMemoVni : isCapitalsFont(font) ? legacyMemoTcvn3Caps : legacyMemoTcvn3
    let r = memo.get(s)
    if (r === undefined) {
      r = decodeLegacyCandidate(s, font, hinted)
      if (memo.size >= 16_384) memo.clear()
      memo.set(s, r)
    }
    return r
  }
  if (hinted === null) return { text: s, encoding: "UNICODE" } // pure ASCII is already NFC
  return { text: hinted === "TCVN3" ? decodeTcvn3(s, isCapitalsFont(font)) : decodeVni(s), encoding: hinted }
}

type Decoded = { text: string; encoding: TextEncoding }
/** One memo per hint (none, VNI, TCVN3, TCVN3 capitals font): the answer depends on the text and these only. */
const legacyMemoNone = new Map<string, Decoded>()
const legacyMemoVni = new Map<string, Decoded>()
const legacyMemoTcvn3 = new Map<string, Decoded>()
const legacyMemoTcvn3Caps = new Map<string, Decoded>()

/** decodeText for text with Latin-1 / cp1252 characters only (scan = 1). */
const decodeLegacyCandidate = (
  s: string,
  font: string | null | undefined,
  hinted: TextEncoding | null
): { text: string; encoding: TextEncoding } => {
  const r = score(s)
  if (hinted === null) {
    if (Math.max(r.tcvn3, r.vni) <= r.unicode) return { text: s.normalize("NFC"), encoding: "UNICODE" }
    const enc = pickLegacy(r)
    return { text: enc === "TCVN3" ? decodeTcvn3(s) : decodeVni(s), encoding: enc }
  }
  const hintedScore = hinted === "TCVN3" ? r.tcvn3 : r.vni
  const tells = hinted === "TCVN3" ? r.tcvn3Tells : r.vniTells
  const tieLooksUnicode = tells === 0 && r.unicode === hintedScore && hinted === "TCVN3" && r.vn1Only > 0
  if (r.unicode > hintedScore || tieLooksUnicode) return { text: s.normalize("NFC"), encoding: "UNICODE" }
  return { text: hinted === "TCVN3" ? decodeTcvn3(s, isCapitalsFont(font)) : decodeVni(s), encoding: hinted }
}

// ---------------------------------------------------------------------------------------------
// Whole files (CSV)

/** What a CSV file that is not UTF-8 was written in: a Windows code page, or a legacy font's bytes. */
export type LegacyFileEncoding = "windows-1258" | "windows-1252" | "TCVN3" | "VNI"

const WORD = /[\p{L}\p{M}]+/gu
const NON_ASCII = /[^\x00-\x7f]/

/**
 * Words with a non-ASCII letter that are well-formed Vietnamese syllables (well cased too, unless
 * `anyCase`: TCVN3 has no tone-marked capitals, so its readings cannot be judged by case).
 */
export const vietnameseWordCount = (text: string, anyCase = false): number => {
  let n = 0
  for (const m of text.matchAll(WORD)) {
    const w = m[0]
    if (NON_ASCII.test(w) && isValidSyllable(w) && (anyCase || isWellCased(w))) n++
  }
  return n
}

/**
 * The reading of a non-UTF-8 file's text that yields the most Vietnamese syllables: `cp1258` is
 * the file as Windows-1258 (NFC), `latin1` as bytes = characters, where TCVN3 and VNI bytes sit
 * as legacy cells hold them (domain.md §5.2). Windows-1258 wins ties (Vietnamese Windows exports
 * it), then TCVN3, then VNI; with no Vietnamese syllable at all, Windows-1252 (Western text).
 */
export const pickFileEncoding = (cp1258: string, latin1: string): LegacyFileEncoding => {
  const scores: Array<readonly [LegacyFileEncoding, number]> = [
    ["windows-1258", vietnameseWordCount(cp1258)],
    ["TCVN3", vietnameseWordCount(decodeTcvn3(latin1), true)],
    ["VNI", vietnameseWordCount(decodeVni(latin1))]
  ]
  let best: readonly [LegacyFileEncoding, number] = ["windows-1252", 0]
  for (const s of scores) if (s[1] > best[1]) best = s
  return best[0]
}
