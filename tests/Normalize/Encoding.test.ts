import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  decodeText,
  decodeTcvn3,
  decodeVni,
  detectEncoding,
  detectEncodingAll,
  encodeTcvn3,
  encodeVni,
  encodingFromFont,
  isCapitalsFont
} from "../../src/Normalize/Encoding.js"
import {
  ACCENTED,
  ALPHABET,
  ASCII_LETTERS,
  LOWER_ACCENTED,
  TCVN3_BARE_CAPITALS,
  TONED_CAPITALS,
  allSyllables,
  alphabetText,
  vietnameseText
} from "./arbitraries.js"

// domain.md §5.2 "Recognising and checking".
const TCVN3_EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ["NguyÔn V¨n Hïng", "Nguyễn Văn Hùng"],
  ["TrÇn ThÞ Thu Hµ", "Trần Thị Thu Hà"],
  ["Lª §øc Th¾ng", "Lê Đức Thắng"],
  ["NguyÔn ThÞ H\u00AD¬ng", "Nguyễn Thị Hương"],
  ["Céng hßa X· héi", "Cộng hòa Xã hội"],
  ["§¶ng Céng s¶n ViÖt Nam", "Đảng Cộng sản Việt Nam"],
  ["Ph\u00ADêng", "Phường"]
]
const VNI_EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ["Nguyeãn Vaên Huøng", "Nguyễn Văn Hùng"],
  ["Traàn Thò Thu Haø", "Trần Thị Thu Hà"],
  ["Leâ Ñöùc Thaéng", "Lê Đức Thắng"],
  ["Nguyeãn Vaên Taâm", "Nguyễn Văn Tâm"],
  ["ÑAÛNG COÄNG SAÛN VIEÄT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM"],
  ["Phöôøng Taân Ñònh", "Phường Tân Định"]
]
const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trịnh", "Lương", "Mai", "Hà", "Tô", "Cao"]
const MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Ngọc", "Thanh", "Minh", "Quang", "Công", "Xuân", "Kim", "Thu", "Thúy", "Đình", "Bá", "Trọng", "Hồng", "Thế"]
const GIVEN = [
  "Hùng", "Hương", "Hà", "Anh", "Linh", "Trang", "Thảo", "Tuấn", "Hoàng", "Huy", "Hiếu", "Nam", "Sơn", "Đức", "Dũng",
  "Thành", "Đạt", "Cường", "Long", "Trung", "Hải", "Nguyên", "Thắng", "Minh", "Duy", "Hằng", "Huyền", "Hiền", "Ngọc",
  "Dung", "Nhung", "Thủy", "Nhi", "Duyên", "Vân", "Quỳnh", "Nga", "Yến", "Tâm", "Lan", "Hòa", "Bình", "Phương", "Ánh"
]
/** Three-word names from the frequent surnames, middle and given names of domain.md §6. */
const FULL_NAMES: ReadonlyArray<string> = FAMILY.flatMap((f) => MIDDLE.flatMap((m) => GIVEN.map((g) => `${f} ${m} ${g}`)))
/** What TCVN3 (VN3) can keep of a text: capitals with tone marks come back lowercase. */
const vn3Case = (s: string): string => [...s].map((c) => (TONED_CAPITALS.includes(c) ? c.toLowerCase() : c)).join("")

const UNICODE_EXAMPLES = [
  "Hà", "Nguyễn", "Trần Thị Thu Hà", "ĐỖ", "HÀ", "Tâm", "Hoà Tâm", "Lê Đức Thắng", "Nguye\u0302\u0303n",
  "José Müller", "café", "naïve", "François", "São Paulo", "Ångström", "Smørrebrød", "Zürich", "España",
  "niño", "Gödel", "Straße", "résumé", "Renée", "Cafe 123", "", "12/03/1965", "Chi bộ 3 – Khu phố 5",
  "Qúy", "Thò", "Dòng"
]

describe("encodingFromFont", () => {
  it.each([
    [".VnTime", "TCVN3"],
    [".VnTimeH", "TCVN3"],
    [".VnArial", "TCVN3"],
    [".vnarialh", "TCVN3"],
    [" .VnCentury Schoolbook", "TCVN3"],
    ["VNI-Times", "VNI"],
    ["vni-helve", "VNI"],
    ["Times New Roman", null],
    ["Arial", null],
    ["VnTime", null],
    ["", null],
    [undefined, null],
    [null, null]
  ] as const)("%j → %j", (font, expected) => {
    expect(encodingFromFont(font)).toBe(expected)
  })

  it("knows the capitals fonts", () => {
    expect(isCapitalsFont(".VnTimeH")).toBe(true)
    expect(isCapitalsFont(".VnArialH")).toBe(true)
    expect(isCapitalsFont(".VnTime")).toBe(false)
    expect(isCapitalsFont("VNI-TimesH")).toBe(false)
    expect(isCapitalsFont(null)).toBe(false)
  })
})

describe("decoders", () => {
  it.each(TCVN3_EXAMPLES)("decodeTcvn3(%j) = %j", (input, expected) => {
    expect(decodeTcvn3(input)).toBe(expected)
  })

  it.each(VNI_EXAMPLES)("decodeVni(%j) = %j", (input, expected) => {
    expect(decodeVni(input)).toBe(expected)
  })

  it("keeps the soft hyphen as ư", () => {
    expect(encodeTcvn3("ư")).toBe("\u00AD")
    expect(decodeTcvn3("®\u00ADa")).toBe("đưa")
  })

  it("decodes TCVN3 capitals fonts to capitals", () => {
    expect(decodeTcvn3("nguyÔn v¨n hïng", true)).toBe("NGUYỄN VĂN HÙNG")
    expect(decodeText("ñy ban nh©n d©n", ".VnTimeH")).toEqual({ text: "ỦY BAN NHÂN DÂN", encoding: "TCVN3" })
  })

  it("decodes VN1 capitals from C1 controls and cp1252 characters", () => {
    expect(decodeTcvn3("H\u009DNG")).toBe("HÙNG")
    expect(decodeTcvn3("TR\u2013NG")).toBe("TRỌNG") // 0x96 typed inside a word
    expect(decodeTcvn3("\u20AC")).toBe("À")
    expect(decodeTcvn3("A \u2013 B")).toBe("A \u2013 B") // a dash between spaces stays a dash
    expect(decodeTcvn3("\u201CHµ\u201D")).toBe("\u201CHà\u201D")
  })

  it("decodes the VN1 combining marks to composed letters", () => {
    expect(decodeTcvn3("a\u00B3")).toBe("á")
  })

  it("leaves ASCII and characters outside the tables alone", () => {
    expect(decodeTcvn3("Nguyen Van 123 -/")).toBe("Nguyen Van 123 -/")
    expect(decodeVni("Nguyen Van 123 -/")).toBe("Nguyen Van 123 -/")
  })
})

describe("round trips", () => {
  it("VNI encode→decode is the identity on every letter", () => {
    for (const ch of ALPHABET) expect(decodeVni(encodeVni(ch))).toBe(ch)
    expect(new Set(ACCENTED.map(encodeVni)).size).toBe(134)
  })

  it("VNI encode→decode is the identity on Vietnamese text", () => {
    fc.assert(fc.property(alphabetText(), (s) => decodeVni(encodeVni(s)) === s))
  })

  it("TCVN3 encode→decode is the identity on lowercase letters and the 7 bare capitals", () => {
    const unit = [...ASCII_LETTERS, ...LOWER_ACCENTED, ...TCVN3_BARE_CAPITALS]
    for (const ch of unit) expect(decodeTcvn3(encodeTcvn3(ch))).toBe(ch)
    expect(new Set([...LOWER_ACCENTED, ...TCVN3_BARE_CAPITALS].map(encodeTcvn3)).size).toBe(67 + 7)
    fc.assert(fc.property(alphabetText(unit), (s) => decodeTcvn3(encodeTcvn3(s)) === s))
  })

  it("TCVN3 keeps capitals with tones only case-insensitively, or via the capitals font", () => {
    expect(TONED_CAPITALS.length).toBe(134 - 67 - 7)
    for (const ch of TONED_CAPITALS) {
      expect(decodeTcvn3(encodeTcvn3(ch))).toBe(ch.toLowerCase())
      expect(decodeTcvn3(encodeTcvn3(ch), true)).toBe(ch)
    }
    fc.assert(
      fc.property(alphabetText(), (s) => {
        const back = decodeTcvn3(encodeTcvn3(s))
        const expected = [...s].map((c) => (TONED_CAPITALS.includes(c) ? c.toLowerCase() : c)).join("")
        return back === expected && decodeTcvn3(encodeTcvn3(s), true) === s.toUpperCase()
      })
    )
  })
})

describe("detectEncoding", () => {
  it.each(TCVN3_EXAMPLES)("finds TCVN3 in %j", (input, expected) => {
    expect(detectEncoding(input)).toBe("TCVN3")
    expect(decodeText(input)).toEqual({ text: expected, encoding: "TCVN3" })
  })

  it.each(VNI_EXAMPLES)("finds VNI in %j", (input, expected) => {
    expect(detectEncoding(input)).toBe("VNI")
    expect(decodeText(input)).toEqual({ text: expected, encoding: "VNI" })
  })

  it.each(UNICODE_EXAMPLES)("keeps %j as Unicode", (input) => {
    expect(detectEncoding(input)).toBe("UNICODE")
    expect(decodeText(input)).toEqual({ text: input.normalize("NFC"), encoding: "UNICODE" })
  })

  it("keeps every syllable the generator can make (all 134 accented letters) as Unicode", () => {
    const syllables = allSyllables()
    const letters = new Set(syllables.flatMap((s) => [...s]))
    for (const ch of ACCENTED) expect(letters.has(ch)).toBe(true)
    for (const s of syllables) {
      expect(detectEncoding(s)).toBe("UNICODE")
      expect(decodeText(s).text).toBe(s)
    }
  })

  it("is the identity on Unicode Vietnamese text, NFC or NFD", () => {
    fc.assert(
      fc.property(vietnameseText, (s) => {
        const nfd = s.normalize("NFD")
        return (
          detectEncoding(s) === "UNICODE" &&
          decodeText(s).text === s &&
          detectEncoding(nfd) === "UNICODE" &&
          decodeText(nfd).text === s
        )
      })
    )
  })

  it("is the identity on any text with a Vietnamese letter outside Latin-1", () => {
    const beyondLatin1 = ACCENTED.filter((c) => c.charCodeAt(0) > 0xff)
    fc.assert(
      fc.property(alphabetText(), fc.constantFrom(...beyondLatin1), alphabetText(), (a, ch, b) => {
        const s = a + ch + b
        return detectEncoding(s) === "UNICODE" && decodeText(s, ".VnTime").text === s
      })
    )
  })

  it("treats pure ASCII as Unicode", () => {
    fc.assert(fc.property(fc.string({ unit: "binary-ascii" }), (s) => detectEncoding(s) === "UNICODE"))
  })

  it("never takes real names in TCVN3 for VNI or the reverse, and finds nearly all from the cell alone", () => {
    let tcvn3Found = 0
    let vniFound = 0
    let total = 0
    for (const name of FULL_NAMES) {
      for (const text of [name, name.toUpperCase()]) {
        total++
        const t = detectEncoding(encodeTcvn3(text))
        const v = detectEncoding(encodeVni(text))
        expect(t).not.toBe("VNI")
        expect(v).not.toBe("TCVN3")
        if (t === "TCVN3") tcvn3Found++
        if (v === "VNI") vniFound++
      }
    }
    // The misses are names whose every accented word is also a Unicode word ("Phan Thò Anh").
    expect(tcvn3Found / total).toBeGreaterThan(0.97)
    expect(vniFound / total).toBeGreaterThan(0.97)
  })

  it("never takes real Unicode names for a legacy encoding", () => {
    for (const name of FULL_NAMES) {
      expect(detectEncoding(name)).toBe("UNICODE")
      expect(detectEncoding(name.toUpperCase())).toBe("UNICODE")
    }
  })
})

describe("decodeText with a font or a column decision", () => {
  it("decodes by the font", () => {
    expect(decodeText("NguyÔn V¨n Hïng", ".VnTime")).toEqual({ text: "Nguyễn Văn Hùng", encoding: "TCVN3" })
    expect(decodeText("Nguyeãn Vaên Huøng", "VNI-Times")).toEqual({ text: "Nguyễn Văn Hùng", encoding: "VNI" })
    // Ambiguous alone ("Dòng" is a Unicode word too); the font settles it.
    expect(decodeText("Dòng", ".VnTime")).toEqual({ text: "Dũng", encoding: "TCVN3" })
    expect(decodeText("Thò", "VNI-Times")).toEqual({ text: "Thị", encoding: "VNI" })
  })

  it("does not decode Unicode text left in a .VnTime cell", () => {
    expect(decodeText("Nguyễn Văn Hùng", ".VnTime")).toEqual({ text: "Nguyễn Văn Hùng", encoding: "UNICODE" })
    expect(decodeText("Hà", ".VnTime")).toEqual({ text: "Hà", encoding: "UNICODE" })
    expect(decodeText("Hoà Tâm", ".VnTime")).toEqual({ text: "Hoà Tâm", encoding: "UNICODE" })
    expect(decodeText("ĐỖ", "VNI-Times")).toEqual({ text: "ĐỖ", encoding: "UNICODE" })
  })

  it("a legacy font never changes text with a Vietnamese letter outside Latin-1", () => {
    fc.assert(
      fc.property(vietnameseText, fc.constantFrom(".VnTime", ".VnTimeH", "VNI-Times"), (s, font) => {
        const hasBeyond = [...s].some((c) => c.charCodeAt(0) > 0xff)
        return !hasBeyond || decodeText(s, font).text === s
      })
    )
  })

  it("detectEncodingAll resolves words that are ambiguous alone", () => {
    const column = ["Phan Thò Anh", "Nguyeãn Vaên Huøng", "Traàn Thò Thu Haø", "Sôn"]
    expect(detectEncoding("Phan Thò Anh")).toBe("UNICODE")
    const enc = detectEncodingAll(column)
    expect(enc).toBe("VNI")
    expect(column.map((c) => decodeText(c, null, enc).text)).toEqual([
      "Phan Thị Anh",
      "Nguyễn Văn Hùng",
      "Trần Thị Thu Hà",
      "Sơn"
    ])
    expect(detectEncodingAll(["Dòng", "NguyÔn V¨n Hïng", "Lª §øc Th¾ng"])).toBe("TCVN3")
    expect(detectEncodingAll(["Dòng", "Nguyễn Văn Hùng", "Trần Thị Hà"])).toBe("UNICODE")
    expect(detectEncodingAll(["Tâm", "Nguyễn Văn Hùng"], ".VnTime")).toBe("UNICODE")
    expect(detectEncodingAll(["Dòng", "Phó"], ".VnTime")).toBe("TCVN3")
    expect(detectEncodingAll([])).toBe("UNICODE")
  })

  it("with a Unicode column decision still catches an obvious legacy cell", () => {
    expect(decodeText("Lª §øc Th¾ng", ".VnTime", "UNICODE")).toEqual({ text: "Lê Đức Thắng", encoding: "TCVN3" })
    expect(decodeText("Thò", "VNI-Times", "UNICODE")).toEqual({ text: "Thò", encoding: "UNICODE" })
  })

  it("decodes whole columns of real names exactly once the column is decided", () => {
    const columns = [FULL_NAMES.slice(0, 15), FULL_NAMES.slice(500, 515), FULL_NAMES.filter((n) => n.includes("Thị")).slice(0, 15)]
    for (const column of columns) {
      const tcvn3 = column.map(encodeTcvn3)
      const encT = detectEncodingAll(tcvn3)
      expect(encT).toBe("TCVN3")
      expect(tcvn3.map((c) => decodeText(c, null, encT).text)).toEqual(column.map(vn3Case))
      const vni = column.map(encodeVni)
      const encV = detectEncodingAll(vni)
      expect(encV).toBe("VNI")
      expect(vni.map((c) => decodeText(c, null, encV).text)).toEqual(column)
      expect(detectEncodingAll(column)).toBe("UNICODE")
    }
  })
})
