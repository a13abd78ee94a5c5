/**
 * Identifiers of a member (domain.md §1.2, §8 item 1): CCCD (12 digits) or legacy CMND (9),
 * party card number (8 digits, leading zeros kept), lý lịch number (6 digits + 1–3 letters), sex.
 * Identifiers are text and are kept as typed. Only a number cell (Excel stored the value as a
 * number, which drops leading zeros) is padded back, and only when the width is shown: by the
 * column's other values (`fullWidth`), or for a CCCD by its format (every CCCD starts with its
 * province code 001–096). Padding is reported in `note`. Text, from a CSV or a text cell, is never
 * padded: "1234" typed as a card number is not read as "00001234". Never log a full ID: use maskId.
 */
import type { Sex } from "../Domain.js"
import { clean, fold, isBlank } from "./Text.js"

export type IdResult =
  | {
    readonly ok: true
    readonly value: string | null
    readonly kind: "CCCD" | "CMND" | null
    /** Set when a number cell was padded back to its width (a warning for the clerk). */
    readonly note?: string
  }
  | { readonly ok: false; readonly reason: string }

export interface LyLich {
  readonly digits: string
  readonly letters: string
}

export type LyLichResult =
  | { readonly ok: true; readonly value: LyLich | null }
  | { readonly ok: false; readonly reason: string }

const NONE: IdResult = { ok: true, value: null, kind: null }

/** CCCD province codes, Thông tư 07/2016/TT-BCA Phụ lục 1 (old 63 provinces). */
export const CCCD_PROVINCES: Readonly<Record<string, string>> = {
  "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
  "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
  "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
  "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
  "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
  "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
  "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
  "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
  "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
  "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa–Vũng Tàu", "079": "Hồ Chí Minh",
  "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
  "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
  "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau"
}

/** Province of a 12-digit CCCD from its first three digits, or null when the code is unknown. */
export const cccdProvince = (cccd: string): string | null => CCCD_PROVINCES[cccd.slice(0, 3)] ?? null

const isDigits = (s: string): boolean => {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return false
  }
  return true
}

/** Removes what people put inside numbers: spaces, dots, dashes, and a leading text apostrophe. */
const stripSeparators = (s: string): string => clean(s).replace(/^'/, "").replace(/[\s.\-\u2013_]/g, "")

/** Digits of a non-negative integer as Excel stored it, or null (fractions, exponent notation). */
const integerDigits = (n: number): string | null =>
  Number.isSafeInteger(n) && n >= 0 ? String(n) : null

const personalIdReason = (shown: string): string => `Số CCCD/CMND phải có 12 hoặc 9 chữ số: "${shown}"`

const padNote = (what: string, n: string, padded: string, why: string): string =>
  `${what} ${n} được Excel lưu dạng số nên mất số 0 ở đầu; đã đọc là ${padded} (${why})`

/**
 * A number cell's digits, padded back to a CCCD or CMND when the width is shown: 11 digits, or 10
 * whose "00" + first digit is a province code (001 Hà Nội, 002, 004, 006, 008), are a CCCD that
 * lost its leading zeros when the padded value starts with a real province code (every CCCD does)
 * or the column holds full-width values; 8 digits are a CMND that lost its 0 when the column shows
 * 9-digit values.
 */
const classifyNumber = (digits: string, fullWidth: boolean): IdResult | null => {
  if (digits.length === 12) return { ok: true, value: digits, kind: "CCCD" }
  if (digits.length === 9) return { ok: true, value: digits, kind: "CMND" }
  if (digits.length === 11 || digits.length === 10) {
    const padded = digits.padStart(12, "0")
    const province = cccdProvince(padded) !== null
    if (!province && !fullWidth) return null
    const why = province ? `mã tỉnh ${padded.slice(0, 3)} của CCCD` : "các số khác trong cột có 12 chữ số"
    return { ok: true, value: padded, kind: "CCCD", note: padNote("Số CCCD", digits, padded, why) }
  }
  if (digits.length === 8 && fullWidth) {
    const padded = "0" + digits
    return { ok: true, value: padded, kind: "CMND", note: padNote("Số CMND", digits, padded, "các số khác trong cột có 9 chữ số") }
  }
  return null
}

/**
 * CCCD (12 digits) or CMND (9 digits). Spaces, dots and dashes are removed. Text is kept as typed
 * (never padded); a number cell is padded back as classifyNumber says. Blank → ok with null.
 */
export const parsePersonalId = (v: unknown, fullWidth = false): IdResult => {
  if (isBlank(v)) return NONE
  if (typeof v === "number") {
    const digits = integerDigits(v)
    const r = digits === null ? null : classifyNumber(digits, fullWidth)
    return r ?? { ok: false, reason: personalIdReason(String(v)) }
  }
  if (typeof v === "bigint") return parsePersonalId(String(v))
  if (typeof v !== "string") return { ok: false, reason: `Không đọc được số CCCD/CMND: "${String(v)}"` }
  const shown = clean(v)
  if (/^\d+(?:[.,]\d+)?e\+?\d+$/i.test(shown)) {
    return {
      ok: false,
      reason: `Số CCCD/CMND bị Excel đổi sang dạng số mũ, đã mất chữ số: "${shown}". Hãy định dạng cột là văn bản và nhập lại`
    }
  }
  const digits = stripSeparators(shown)
  if (isDigits(digits) && (digits.length === 12 || digits.length === 9)) {
    return { ok: true, value: digits, kind: digits.length === 12 ? "CCCD" : "CMND" }
  }
  const hint = isDigits(digits) && (digits.length === 11 || digits.length === 8) ? " (có thể đã mất số 0 ở đầu; không tự thêm, hãy nhập lại đủ số)" : ""
  return { ok: false, reason: personalIdReason(shown) + hint }
}

/**
 * Checks CCCD digit 4 (0/1 male/female born 1900–1999, 2/3 for 2000–2099, 4/5 for 2100–2199…)
 * and digits 5–6 (last two digits of the birth year) against the record. A reason in Vietnamese
 * when they disagree; null when they agree or nothing can be checked (CMND, missing data).
 */
export const cccdConsistency = (cccd: string, sex: Sex | null, birthYear: number | null): string | null => {
  if (cccd.length !== 12 || !isDigits(cccd)) return null
  const d4 = cccd.charCodeAt(3) - 0x30
  const problems: string[] = []
  if (sex !== null) {
    const idSex: Sex = d4 % 2 === 0 ? "M" : "F"
    if (idSex !== sex) {
      problems.push(
        `chữ số thứ 4 của CCCD (${d4}) ứng với giới tính ${idSex === "M" ? "nam" : "nữ"} nhưng hồ sơ ghi ${sex === "M" ? "nam" : "nữ"}`
      )
    }
  }
  if (birthYear !== null) {
    const idYear = 1900 + Math.floor(d4 / 2) * 100 + Number(cccd.slice(4, 6))
    if (idYear !== birthYear) {
      problems.push(`chữ số thứ 4–6 của CCCD ứng với năm sinh ${idYear} nhưng hồ sơ ghi năm sinh ${birthYear}`)
    }
  }
  return problems.length === 0 ? null : `Số CCCD không khớp: ${problems.join("; ")}`
}

const CARD_LENGTH = 8

/**
 * Party card number (số thẻ đảng viên): 8 digits kept as text, as typed (spaces, dots and dashes
 * removed). A number cell shorter than 8 digits lost its leading zeros: it is padded back, with a
 * note, only when the column shows the width (`fullWidth`, see Fields.ColumnFacts) and at most two
 * zeros are missing. Text shorter than 8 digits is not padded: it does not read as a card number.
 */
export const parseCardNo = (v: unknown, fullWidth = false): IdResult => {
  if (isBlank(v)) return NONE
  const need = (s: string) => `Số thẻ đảng viên phải có 8 chữ số: "${s}"`
  if (typeof v === "number") {
    const digits = integerDigits(v)
    if (digits === null || digits.length > CARD_LENGTH) return { ok: false, reason: need(String(v)) }
    if (digits.length === CARD_LENGTH) return { ok: true, value: digits, kind: null }
    // At most two zeros lost: "1234" in a column of card numbers is not 00001234.
    if (!fullWidth || digits.length < CARD_LENGTH - 2) {
      return {
        ok: false,
        reason: `${need(digits)} (ô dạng số, có thể đã mất số 0 ở đầu, nhưng không đủ căn cứ để thêm lại; hãy định dạng cột là văn bản và nhập lại)`
      }
    }
    const padded = digits.padStart(CARD_LENGTH, "0")
    return { ok: true, value: padded, kind: null, note: padNote("Số thẻ đảng viên", digits, padded, "các số khác trong cột có 8 chữ số") }
  }
  if (typeof v !== "string") return { ok: false, reason: `Không đọc được số thẻ đảng viên: "${String(v)}"` }
  const shown = clean(v)
  const digits = stripSeparators(shown)
  if (!isDigits(digits) || digits.length !== CARD_LENGTH) {
    return { ok: false, reason: need(shown) + (isDigits(digits) && digits.length < CARD_LENGTH ? " (không tự thêm số 0; hãy nhập lại đủ 8 chữ số)" : "") }
  }
  return { ok: true, value: digits, kind: null }
}

const RE_LY_LICH_DIGITS_FIRST = /^(\d{6})[\s\-/.]*([A-Z]{1,3})$/
const RE_LY_LICH_LETTERS_FIRST = /^([A-Z]{1,3})[\s\-/.]*(\d{6})$/

/**
 * Lý lịch number: 6 digits and a 1–3 letter province/committee code ("012345 HN", "012345-HNI",
 * also "HN-012345"). Letters are uppercased without diacritics (Đ → D) so that the (digits,
 * letters) pair compares reliably.
 */
export const parseLyLich = (v: unknown): LyLichResult => {
  if (isBlank(v)) return { ok: true, value: null }
  const shown = typeof v === "string" ? clean(v) : String(v)
  const s = fold(shown).toUpperCase().trim()
  const m = RE_LY_LICH_DIGITS_FIRST.exec(s)
  if (m !== null) return { ok: true, value: { digits: m[1]!, letters: m[2]! } }
  const l = RE_LY_LICH_LETTERS_FIRST.exec(s)
  if (l !== null) return { ok: true, value: { digits: l[2]!, letters: l[1]! } }
  return { ok: false, reason: `Số lý lịch phải gồm 6 chữ số và 1–3 chữ cái (ví dụ "012345 HN"): "${shown}"` }
}

const MALE = new Set(["nam", "m", "male", "trai", "ong"])
const FEMALE = new Set(["nu", "f", "female", "gai", "ba"])

/** "Nam", "NAM", "M", "male" → "M"; "Nữ", "nu", "NỮ", "F" → "F"; anything else → null. */
export const parseSex = (v: unknown): Sex | null => {
  if (typeof v !== "string") return null
  const f = fold(v)
  if (MALE.has(f)) return "M"
  if (FEMALE.has(f)) return "F"
  return null
}

/** For logs: first 3 and last 2 characters kept, the rest "*"; short values fully masked. */
export const maskId = (id: string | null): string => {
  if (id === null) return ""
  if (id.length <= 5) return "*".repeat(id.length)
  return id.slice(0, 3) + "*".repeat(id.length - 5) + id.slice(-2)
}
