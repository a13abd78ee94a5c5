import { describe, expect, it } from "vitest"
import { ACCENTED_LETTERS, isValidSyllable, isWellCased } from "../../src/Normalize/Vietnamese.js"
import { ACCENTED, allSyllables } from "./arbitraries.js"

describe("isValidSyllable", () => {
  it.each([
    "nguyễn", "Nguyễn", "NGUYỄN", "hòa", "hoà", "thủy", "thuỷ", "khỏe", "khoẻ", "hoàng", "thuyết", "quý", "Quỳnh",
    "quốc", "giữa", "gì", "gìn", "giếng", "người", "rượu", "khuya", "khuỷu", "ngoài", "việt", "đức", "ấn", "út",
    "ý", "thắng", "hương", "nghiêng", "thi", "oăn"
  ])("accepts %j", (s) => {
    expect(isValidSyllable(s)).toBe(true)
  })

  it.each([
    "Qúy", // tone on the u of qu
    "hòang", // tone on o in a closed syllable
    "thúyết", // two tone marks
    "viêt", // stop final without sắc/nặng
    "thàt",
    "nguyênthi", // two syllables
    "nguyen", // "uye" needs its circumflex
    "nguyôn", "tuên", "hỔ̉", "coõng2", "leõo", "mỹller", "josé", "ab", "", "xyz"
  ])("rejects %j", (s) => {
    expect(isValidSyllable(s)).toBe(false)
  })

  it("accepts every syllable of the test generator", () => {
    for (const s of allSyllables()) expect(isValidSyllable(s)).toBe(true)
  })
})

describe("tables", () => {
  it("lists the same 134 accented letters as the tests", () => {
    expect(new Set(ACCENTED_LETTERS)).toEqual(new Set(ACCENTED))
    expect(ACCENTED_LETTERS.length).toBe(134)
  })

  it.each([
    ["Nguyễn", true], ["nguyễn", true], ["NGUYỄN", true], ["NguyÔn", false], ["TuÊn", false], ["nGUYEN", false]
  ] as const)("isWellCased(%j) = %j", (s, expected) => {
    expect(isWellCased(s)).toBe(expected)
  })
})
