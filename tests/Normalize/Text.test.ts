import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { canonicalTone, clean, fold, foldedTokens, isBlank, isNfcStable, parseName, titleCase } from "../../src/Normalize/Text.js"
import { ACCENTED, ALPHABET, alphabetText, vietnameseText } from "./arbitraries.js"

/** Text mixing Vietnamese letters with the characters clean() and fold() must handle. */
const messyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...ALPHABET),
    fc.constantFrom(
      " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u200b", "\u200d", "\ufeff", "\u3000", "\u00d0", "\u00f0",
      "\u0300", "\u0301", "\u0323", "\u00ad", "/", ".", "-", "'", "’", "0", "7"
    ),
    fc.string({ unit: "binary", maxLength: 1 })
  ),
  maxLength: 40
})

describe("clean", () => {
  it.each([
    ["  Nguyễn   Văn  Hòa ", "Nguyễn Văn Hòa"],
    ["Nguyễn\u00a0Văn\tHòa", "Nguyễn Văn Hòa"],
    ["Nguyễn\nVăn\r\nHòa", "Nguyễn Văn Hòa"],
    ["Nguyễn\u200bVăn", "Nguyễn Văn"],
    ["\ufeffNguyễn", "Nguyễn"],
    ["Ng\u200duyễn", "Nguyễn"],
    ["\u00d0inh \u00f0ức", "Đinh đức"],
    ["Nguye\u0302\u0303n", "Nguyễn"],
    ["H\u00ad¬ng", "H\u00ad¬ng"],
    ["plain ascii", "plain ascii"],
    ["", ""],
    ["   ", ""]
  ])("clean(%j) = %j", (input, expected) => {
    expect(clean(input)).toBe(expected)
  })

  it("is idempotent", () => {
    fc.assert(fc.property(messyText, (s) => clean(clean(s)) === clean(s)))
  })

  it("never leaves edge or double spaces, and returns NFC", () => {
    fc.assert(
      fc.property(messyText, (s) => {
        const c = clean(s)
        return c === c.trim() && !c.includes("  ") && c === c.normalize("NFC")
      })
    )
  })
})

describe("canonicalTone", () => {
  it.each([
    ["hoà", "hòa"],
    ["hòa", "hòa"],
    ["thuỷ", "thủy"],
    ["khoẻ", "khỏe"],
    ["Thuý", "Thúy"],
    ["Thuỵ", "Thụy"],
    ["HOÀ", "HÒA"],
    ["Qúy", "Quý"],
    ["qúy", "quý"],
    ["Quý", "Quý"],
    ["Qùynh", "Quỳnh"],
    ["hòang", "hoàng"],
    ["hoàng", "hoàng"],
    ["thuyết", "thuyết"],
    ["thúyết", "thúyết"], // two tone marks: not one syllable, left alone
    ["gịa", "giạ"],
    ["giữa", "giữa"],
    ["gì", "gì"],
    ["gìn", "gìn"],
    ["ngòai", "ngoài"],
    ["khúya", "khuýa"],
    ["nguyễn", "nguyễn"],
    ["Nguyêñ", "Nguyêñ"],
    ["mùa", "mùa"],
    ["người", "người"],
    ["rượu", "rượu"],
    ["Nguyễn Văn Hoà, Thuỷ-Khoẻ", "Nguyễn Văn Hòa, Thủy-Khỏe"],
    ["hoa\u0300", "hòa"],
    ["José", "José"],
    ["NguyễnThị", "NguyễnThị"]
  ])("canonicalTone(%j) = %j", (input, expected) => {
    expect(canonicalTone(input)).toBe(expected)
  })

  it("makes old and new placements equal", () => {
    const pairs: Array<[string, string]> = [
      ["hòa", "hoà"], ["khỏe", "khoẻ"], ["thủy", "thuỷ"], ["Hòa", "Hoà"], ["Thúy", "Thuý"], ["Thụy", "Thuỵ"],
      ["xõa", "xoã"], ["họa", "hoạ"], ["lũy", "luỹ"]
    ]
    for (const [a, b] of pairs) expect(canonicalTone(a)).toBe(canonicalTone(b))
  })

  it("is idempotent and keeps length and case", () => {
    fc.assert(
      fc.property(fc.oneof(vietnameseText, alphabetText()), (s) => {
        const c = canonicalTone(s)
        return canonicalTone(c) === c && c.length === s.length && fold(c) === fold(s)
      })
    )
  })

  it("is idempotent on messy text", () => {
    fc.assert(fc.property(messyText, (s) => canonicalTone(canonicalTone(s)) === canonicalTone(s)))
  })
})

describe("fold", () => {
  it.each([
    ["Nguyễn Văn Hòa", "nguyen van hoa"],
    ["ĐỖ THỊ ĐÀO", "do thi dao"],
    ["\u00d0inh", "dinh"],
    ["  Trần\tThị  Thu Hà ", "tran thi thu ha"],
    ["Nguye\u0302\u0303n", "nguyen"],
    ["Lưu Ngọc Ánh", "luu ngoc anh"],
    ["H’Hen Niê", "h'hen nie"],
    ["", ""]
  ])("fold(%j) = %j", (input, expected) => {
    expect(fold(input)).toBe(expected)
  })

  it("folds every accented letter to one ASCII letter", () => {
    for (const ch of ACCENTED) expect(fold(ch)).toMatch(/^[a-z]$/)
  })

  it("is idempotent and ASCII", () => {
    fc.assert(
      fc.property(fc.oneof(messyText, fc.string({ unit: "binary" })), (s) => {
        const f = fold(s)
        // eslint-disable-next-line no-control-regex
        return fold(f) === f && /^[\x20-\x7e]*$/.test(f) && f === f.toLowerCase() && !f.includes("  ")
      })
    )
  })

  it("foldedTokens splits folded text", () => {
    expect(foldedTokens(" Nguyễn  Văn ")).toEqual(["nguyen", "van"])
    expect(foldedTokens("   ")).toEqual([])
  })
})

describe("titleCase", () => {
  it.each([
    ["NGUYỄN VĂN HÙNG", "Nguyễn Văn Hùng"],
    ["nguyễn thị thu hà", "Nguyễn Thị Thu Hà"],
    ["ĐỖ ĐỨC ĐẠT", "Đỗ Đức Đạt"],
    ["H'HEN NIÊ", "H'Hen Niê"],
    ["ưng ơn", "Ưng Ơn"]
  ])("titleCase(%j) = %j", (input, expected) => {
    expect(titleCase(input)).toBe(expected)
  })

  it("is idempotent and only changes case", () => {
    fc.assert(
      fc.property(vietnameseText, (s) => {
        const t = titleCase(s)
        return titleCase(t) === t && t.toLowerCase() === s.toLowerCase()
      })
    )
  })
})

describe("parseName", () => {
  it.each([
    ["Nguyễn Văn Hòa", "Nguyễn Văn Hòa", "nguyễn văn hòa", "nguyen", "van", "hoa"],
    ["  Nguyễn  Văn Hoà ", "Nguyễn Văn Hoà", "nguyễn văn hòa", "nguyen", "van", "hoa"],
    ["Đ/c Nguyễn Văn Hùng", "Nguyễn Văn Hùng", "nguyễn văn hùng", "nguyen", "van", "hung"],
    ["đ/c: Trần Thị Thu Hà", "Trần Thị Thu Hà", "trần thị thu hà", "tran", "thi thu", "ha"],
    ["Đ/C. LÊ ĐỨC THẮNG", "LÊ ĐỨC THẮNG", "lê đức thắng", "le", "duc", "thang"],
    ["Đc Lê Văn Tám", "Lê Văn Tám", "lê văn tám", "le", "van", "tam"],
    ["ĐC. Lê Văn Tám", "Lê Văn Tám", "lê văn tám", "le", "van", "tam"],
    ["Đồng chí Phạm Thị Thuỷ", "Phạm Thị Thuỷ", "phạm thị thủy", "pham", "thi", "thuy"],
    ["ĐỒNG CHÍ PHẠM VĂN ĐỒNG", "PHẠM VĂN ĐỒNG", "phạm văn đồng", "pham", "van", "dong"],
    ["Đ/cNguyễn Văn A", "Nguyễn Văn A", "nguyễn văn a", "nguyen", "van", "a"],
    ["NguyễnThị Hà", "Nguyễn Thị Hà", "nguyễn thị hà", "nguyen", "thi", "ha"],
    ["Nguyễn ThịThu Hà", "Nguyễn Thị Thu Hà", "nguyễn thị thu hà", "nguyen", "thi thu", "ha"],
    ["nguyenthi ha", "nguyen thi ha", "nguyen thi ha", "nguyen", "thi", "ha"],
    ["NGUYỄNTHỊ HÀ", "NGUYỄN THỊ HÀ", "nguyễn thị hà", "nguyen", "thi", "ha"],
    ["tranvan nam", "tran van nam", "tran van nam", "tran", "van", "nam"],
    ["Qúy", "Qúy", "quý", "quy", "", "quy"],
    ["\u00d0inh Công Tráng", "Đinh Công Tráng", "đinh công tráng", "dinh", "cong", "trang"],
    ["Nguyễn Văn\nHùng", "Nguyễn Văn Hùng", "nguyễn văn hùng", "nguyen", "van", "hung"]
  ])("parseName(%j)", (raw, display, key, family, middle, given) => {
    const n = parseName(raw)
    expect(n).not.toBeNull()
    expect(n).toEqual({ display, key, folded: fold(key), family, middle, given })
  })

  it.each([
    "nguyenthanh", // remainder "thanh" is a middle name: split
    "lethi"
  ])("splits a known surname off %j", (raw) => {
    expect(parseName(raw)!.folded.split(" ").length).toBe(2)
  })

  it.each([
    ["Thanh", "thanh"], // a valid syllable is never split
    ["Nguyênthu", "nguyênthu"], // "nguyên" is not in the surname list
    ["Maihoa", "maihoa"], // "hoa" is not a known middle name
    ["Đcông Hà", "đcông hà"], // "Đc" without a separator is not an honorific
    ["Đông Hà", "đông hà"]
  ])("does not split or cut %j", (raw, key) => {
    expect(parseName(raw)!.key).toBe(key)
  })

  it.each(["", "   ", "Đ/c", "Đồng chí", "123", "--", "\u200b"])("returns null for %j", (raw) => {
    expect(parseName(raw)).toBeNull()
  })

  it("key is idempotent and the keys agree with each other", () => {
    fc.assert(
      fc.property(fc.oneof(vietnameseText, messyText), (raw) => {
        const n = parseName(raw)
        if (n === null) return true
        const again = parseName(n.key)
        return (
          again !== null &&
          again.key === n.key &&
          n.folded === fold(n.key) &&
          n.key === canonicalTone(n.key) &&
          n.family === n.folded.split(" ")[0] &&
          n.given === n.folded.split(" ").at(-1)
        )
      })
    )
  })

  it("old and new tone placements give the same key", () => {
    expect(parseName("Nguyễn Thị Thuỷ")!.key).toBe(parseName("nguyễn thị thủy")!.key)
    expect(parseName("Lê Văn Hoà")!.key).toBe(parseName("LÊ VĂN HÒA")!.key)
  })
})

describe("isBlank", () => {
  it.each([null, undefined, "", "  ", "-", "—", "Chưa có", "không có", "N/A"])("%j is blank", (v) => {
    expect(isBlank(v)).toBe(true)
  })
  it.each(["0", "x", "Nam", 0, 12])("%j is not blank", (v) => {
    expect(isBlank(v)).toBe(false)
  })
})

describe("isNfcStable", () => {
  it("is true only for text NFC leaves unchanged", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), vietnameseText, fc.string({ unit: fc.constantFrom("a", "\u0301", "\u0300", "ơ", "Ω", "\u2126", "Å", "\u212b", "\u1e9b", "\u0323") })), (s) => {
        if (isNfcStable(s)) expect(s.normalize("NFC")).toBe(s)
      }),
      { numRuns: 2000 }
    )
  })

  it("passes Vietnamese as typed in Unicode, not decomposed text or compatibility letters", () => {
    expect(isNfcStable("Nguyễn Thị Thuỷ, thôn Đông")).toBe(true)
    expect(isNfcStable("Nguye\u0302\u0303n")).toBe(false)
    expect(isNfcStable("\u2126")).toBe(false)
  })
})

describe("parseName: name parts shared between records", () => {
  it("leaves the parts unchanged when they are shared (equal parts of two records read alike)", () => {
    const a = parseName("Nguyễn Thị Hồng Nhung")!
    const b = parseName("NGUYEN THI HONG NHUNG")!
    expect([a.family, a.middle, a.given]).toEqual(["nguyen", "thi hong", "nhung"])
    expect([b.family, b.middle, b.given]).toEqual([a.family, a.middle, a.given])
    // The same string objects: a Set of both records' parts holds each once (identity of primitives
    // is not observable in JS, so this checks the values; the heap measurement is in README).
    expect(new Set([a.family, b.family, a.given, b.given]).size).toBe(2)
  })
})
