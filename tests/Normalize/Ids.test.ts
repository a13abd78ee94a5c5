import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Sex } from "../../src/Domain.js"
import {
  CCCD_PROVINCES,
  cccdConsistency,
  cccdProvince,
  maskId,
  parseCardNo,
  parseLyLich,
  parsePersonalId,
  parseSex
} from "../../src/Normalize/Ids.js"

const PROVINCES = Object.keys(CCCD_PROVINCES)

/** A CCCD as issued: province, century-and-sex digit, two year digits, six random digits. */
const buildCccd = (province: string, sex: Sex, year: number, serial: number): string => {
  const century = Math.floor((year - 1900) / 100)
  const d4 = century * 2 + (sex === "F" ? 1 : 0)
  return province + d4 + String(year % 100).padStart(2, "0") + String(serial).padStart(6, "0")
}

const cccdParts = fc.record({
  province: fc.constantFrom(...PROVINCES),
  sex: fc.constantFrom<Sex>("M", "F"),
  year: fc.integer({ min: 1900, max: 2099 }),
  serial: fc.integer({ min: 0, max: 999_999 })
})

describe("parsePersonalId", () => {
  it.each([
    ["001065012345", "001065012345", "CCCD"],
    ["001 065 012 345", "001065012345", "CCCD"],
    ["001.065.012.345", "001065012345", "CCCD"],
    ["001-065-012345", "001065012345", "CCCD"],
    ["'079165000123", "079165000123", "CCCD"],
    ["123456789", "123456789", "CMND"],
    ["012 345 678", "012345678", "CMND"],
    [123456789, "123456789", "CMND"]
  ] as const)("%j is kept as typed", (input, value, kind) => {
    expect(parsePersonalId(input)).toEqual({ ok: true, value, kind })
  })

  it.each([
    [79165000123, false, "079165000123", "CCCD"], // number lost its leading 0; 079 is a province code
    [1065012345, false, "001065012345", "CCCD"], // Hà Nội 001 lost "00"
    [12345678, true, "012345678", "CMND"] // the column shows 9-digit values
  ] as const)("number cell %j (column shows the width: %j) is padded back with a note", (input, fullWidth, value, kind) => {
    const r = parsePersonalId(input, fullWidth)
    expect(r).toMatchObject({ ok: true, value, kind })
    expect(r.ok && r.note).toContain(value)
  })

  it("does not pad a number cell when nothing shows the width", () => {
    expect(parsePersonalId(12345678).ok).toBe(false)
  })

  it.each(["79165000123", "12345678"])("never pads text: %j does not read", (input) => {
    const r = parsePersonalId(input, true)
    expect(r.ok).toBe(false)
    expect(r.ok === false && r.reason).toContain(`"${input}"`)
    expect(r.ok === false && r.reason).toContain("không tự thêm")
  })

  it.each([null, undefined, "", "  ", "-", "Chưa có"])("%j is blank", (v) => {
    expect(parsePersonalId(v)).toEqual({ ok: true, value: null, kind: null })
  })

  it.each([
    ["12345", 'Số CCCD/CMND phải có 12 hoặc 9 chữ số: "12345"'],
    ["0012345678901", 'Số CCCD/CMND phải có 12 hoặc 9 chữ số: "0012345678901"'],
    ["00106501234A", 'Số CCCD/CMND phải có 12 hoặc 9 chữ số: "00106501234A"'],
    [9065012345, 'Số CCCD/CMND phải có 12 hoặc 9 chữ số: "9065012345"'], // "009" is no province
    [1234.5, 'Số CCCD/CMND phải có 12 hoặc 9 chữ số: "1234.5"']
  ] as const)("rejects %j", (input, reason) => {
    expect(parsePersonalId(input)).toEqual({ ok: false, reason })
  })

  it("rejects 11 digits typed with their 0 (one digit missing)", () => {
    const r = parsePersonalId("01234567890")
    expect(r.ok === false && r.reason).toContain('Số CCCD/CMND phải có 12 hoặc 9 chữ số: "01234567890"')
  })

  it("explains Excel's exponent notation", () => {
    const r = parsePersonalId("7.91650E+10")
    expect(r.ok).toBe(false)
    expect(r.ok === false && r.reason).toContain("số mũ")
  })

  it("rejects other types", () => {
    expect(parsePersonalId(true).ok).toBe(false)
    expect(parsePersonalId({}).ok).toBe(false)
  })

  it("reads back a CCCD stored as a number", () => {
    fc.assert(
      fc.property(cccdParts, ({ province, sex, year, serial }) => {
        const cccd = buildCccd(province, sex, year, serial)
        const r = parsePersonalId(Number(cccd))
        return r.ok && r.value === cccd && r.kind === "CCCD"
      })
    )
  })
})

describe("cccdConsistency", () => {
  it("accepts a CCCD built from province, sex, year and random digits", () => {
    fc.assert(
      fc.property(cccdParts, ({ province, sex, year, serial }) => {
        const cccd = buildCccd(province, sex, year, serial)
        return (
          cccdConsistency(cccd, sex, year) === null &&
          cccdConsistency(cccd, null, year) === null &&
          cccdConsistency(cccd, sex, null) === null &&
          cccdProvince(cccd) === CCCD_PROVINCES[province]
        )
      })
    )
  })

  it("flags the other sex and any other year", () => {
    fc.assert(
      fc.property(cccdParts, fc.integer({ min: 1, max: 150 }), ({ province, sex, year, serial }, delta) => {
        const cccd = buildCccd(province, sex, year, serial)
        const other: Sex = sex === "M" ? "F" : "M"
        return cccdConsistency(cccd, other, year) !== null && cccdConsistency(cccd, sex, year + delta) !== null
      })
    )
  })

  it.each([
    ["001065012345", "M", 1965, null],
    ["001165012345", "F", 1965, null],
    ["001203012345", "M", 2003, null],
    ["001303012345", "F", 2003, null],
    ["001465012345", "M", 2165, null],
    [
      "001065012345",
      "F",
      1965,
      "Số CCCD không khớp: chữ số thứ 4 của CCCD (0) ứng với giới tính nam nhưng hồ sơ ghi nữ"
    ],
    [
      "001065012345",
      "M",
      1966,
      "Số CCCD không khớp: chữ số thứ 4–6 của CCCD ứng với năm sinh 1965 nhưng hồ sơ ghi năm sinh 1966"
    ],
    [
      "001265012345",
      "F",
      1965,
      "Số CCCD không khớp: chữ số thứ 4 của CCCD (2) ứng với giới tính nam nhưng hồ sơ ghi nữ; chữ số thứ 4–6 của CCCD ứng với năm sinh 2065 nhưng hồ sơ ghi năm sinh 1965"
    ],
    ["123456789", "F", 1965, null], // CMND: nothing to check
    ["001065012345", null, null, null]
  ] as const)("cccdConsistency(%j, %j, %j)", (cccd, sex, year, expected) => {
    expect(cccdConsistency(cccd, sex, year)).toBe(expected)
  })

  it("never puts the ID itself in the reason", () => {
    const r = cccdConsistency("079165123456", "M", 1970)
    expect(r).not.toBeNull()
    expect(r).not.toContain("079165123456")
  })

  it("knows province codes", () => {
    expect(cccdProvince("001065012345")).toBe("Hà Nội")
    expect(cccdProvince("079165012345")).toBe("Hồ Chí Minh")
    expect(cccdProvince("099165012345")).toBeNull()
    expect(PROVINCES.length).toBe(63)
  })
})

describe("parseCardNo", () => {
  it.each([
    ["01234567", "01234567"],
    ["0123 4567", "01234567"],
    [12345678, "12345678"]
  ] as const)("%j → %j", (input, value) => {
    expect(parseCardNo(input)).toEqual({ ok: true, value, kind: null })
  })

  it.each([
    [1234567, "01234567"],
    [952500, "00952500"]
  ] as const)("number cell %j is padded to %j only when the column shows 8 digits, with a note", (input, value) => {
    const r = parseCardNo(input, true)
    expect(r).toMatchObject({ ok: true, value, kind: null })
    expect(r.ok && r.note).toContain(value)
    expect(parseCardNo(input, false).ok).toBe(false)
  })

  it("pads a number cell by at most two zeros", () => {
    expect(parseCardNo(42, true).ok).toBe(false)
    expect(parseCardNo(1234, true).ok).toBe(false)
  })

  it.each(["1234", "0105", "1234567"])("never pads text: %j does not read as a card number", (input) => {
    const r = parseCardNo(input, true)
    expect(r.ok).toBe(false)
    expect(r.ok === false && r.reason).toContain(`"${input}"`)
  })

  it.each([null, undefined, "", "-"])("%j is blank", (v) => {
    expect(parseCardNo(v)).toEqual({ ok: true, value: null, kind: null })
  })

  it.each([
    ["123456789", 'Số thẻ đảng viên phải có 8 chữ số: "123456789"'],
    ["12A45678", 'Số thẻ đảng viên phải có 8 chữ số: "12A45678"'],
    [1.5, 'Số thẻ đảng viên phải có 8 chữ số: "1.5"'],
    [-3, 'Số thẻ đảng viên phải có 8 chữ số: "-3"']
  ] as const)("rejects %j", (input, reason) => {
    expect(parseCardNo(input)).toEqual({ ok: false, reason })
  })

  it("keeps every 8-digit text and pads its number form back when the column shows the width", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (n) => {
        const text = String(n).padStart(8, "0")
        const a = parseCardNo(text)
        const b = parseCardNo(n, true)
        return a.ok && a.value === text && (n < 100_000 ? !b.ok : b.ok && b.value === text)
      })
    )
  })

  it("never changes a digit string it accepts (text is kept as typed)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,12}$/), (s) => {
        const r = parseCardNo(s, true)
        return r.ok ? r.value === s : s.length !== 8
      })
    )
  })
})

describe("parseLyLich", () => {
  it.each([
    ["012345 HN", "012345", "HN"],
    ["012345-HNI", "012345", "HNI"],
    ["012345HN", "012345", "HN"],
    ["012345 / t", "012345", "T"],
    [" 012345  hn ", "012345", "HN"],
    ["012345 ĐN", "012345", "DN"],
    ["HN-012345", "012345", "HN"]
  ])("%j", (input, digits, letters) => {
    expect(parseLyLich(input)).toEqual({ ok: true, value: { digits, letters } })
  })

  it.each([null, undefined, ""])("%j is blank", (v) => {
    expect(parseLyLich(v)).toEqual({ ok: true, value: null })
  })

  it.each(["12345 HN", "012345", "012345 HNIX", "HN", 12345])("rejects %j", (input) => {
    const r = parseLyLich(input)
    expect(r.ok).toBe(false)
    expect(r.ok === false && r.reason).toContain("Số lý lịch phải gồm 6 chữ số và 1–3 chữ cái")
  })
})

describe("parseSex", () => {
  it.each([
    ["Nam", "M"], ["nam", "M"], ["NAM", "M"], [" M ", "M"], ["male", "M"],
    ["Nữ", "F"], ["nu", "F"], ["NỮ", "F"], ["F", "F"], ["nữ", "F"], ["Nu\u0303", "F"],
    ["", null], ["X", null], ["Không rõ", null]
  ] as const)("%j → %j", (input, expected) => {
    expect(parseSex(input)).toBe(expected)
  })

  it("returns null for non-text", () => {
    expect(parseSex(null)).toBeNull()
    expect(parseSex(1)).toBeNull()
  })
})

describe("maskId", () => {
  it.each([
    ["079165012345", "079*******45"],
    ["123456789", "123****89"],
    ["01234567", "012***67"],
    ["12345", "*****"],
    ["", ""],
    [null, ""]
  ] as const)("%j → %j", (id, masked) => {
    expect(maskId(id)).toBe(masked)
  })

  it("hides all but five characters of any ID", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 6, maxLength: 12 }), (id) => {
        const m = maskId(id)
        return m.length === id.length && m.slice(3, -2) === "*".repeat(id.length - 5)
      })
    )
  })
})
