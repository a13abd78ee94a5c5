/** Generators of Vietnamese text for the Normalize property tests. */
import fc from "fast-check"

const TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"] as const

/** The 134 accented letters, listed independently of the code under test. */
export const ACCENTED: ReadonlyArray<string> = (() => {
  const out: string[] = []
  for (const base of ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]) {
    for (const b of [base, base.toUpperCase()]) {
      for (const t of TONES) {
        const ch = (b + t).normalize("NFC")
        if (ch.charCodeAt(0) >= 0x80) out.push(ch)
      }
    }
  }
  out.push("đ", "Đ")
  return out
})()

export const ASCII_LETTERS: ReadonlyArray<string> = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]
export const ALPHABET: ReadonlyArray<string> = [...ASCII_LETTERS, ...ACCENTED]

/** The 7 capitals TCVN3 (VN3) can write: Ă Â Ê Ô Ơ Ư Đ. */
export const TCVN3_BARE_CAPITALS = ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"] as const
export const LOWER_ACCENTED = ACCENTED.filter((c) => c === c.toLowerCase())
export const TONED_CAPITALS = ACCENTED.filter(
  (c) => c !== c.toLowerCase() && !(TCVN3_BARE_CAPITALS as ReadonlyArray<string>).includes(c)
)

/** Strings over the Vietnamese alphabet and spaces. */
export const alphabetText = (unit: ReadonlyArray<string> = ALPHABET, maxLength = 30) =>
  fc.string({ unit: fc.constantFrom(...unit, " "), maxLength })

const ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "s", "t", "th", "tr", "v", "x"]
/**
 * Rhymes with "*" after the vowel that carries the tone (old style). Single-vowel rhymes cover
 * every vowel base with every tone; stop-final rhymes only take sắc and nặng.
 */
const RHYMES = [
  "a*", "a*n", "ă*n", "â*n", "e*", "e*n", "ê*", "ê*n", "i*", "i*n", "o*", "o*n", "ô*", "ô*n", "ơ*", "ơ*n",
  "u*", "u*n", "ư*", "ư*ng", "y*", "o*a", "oa*n", "oa*ng", "u*y", "uyê*n", "ươ*ng", "a*i", "a*o", "â*y",
  "ư*a", "ươ*i", "oa*i", "u*i", "ô*i", "ơ*i", "iê*u", "a*nh", "ê*nh", "i*nh", "o*ng", "ô*ng", "uô*ng", "o*e"
]
const STOP_RHYMES = ["iê*t", "ă*c", "a*ch", "ư*c", "ô*p", "uyê*t", "o*t"]

export type Casing = "lower" | "title" | "upper"

export const syllable = (onset: string, rhyme: string, tone: number, casing: Casing): string => {
  const at = rhyme.indexOf("*")
  const marked = (rhyme.slice(0, at) + TONES[tone] + rhyme.slice(at + 1)).normalize("NFC")
  const s = onset + marked
  if (casing === "upper") return s.toUpperCase()
  if (casing === "title") return s.charAt(0).toUpperCase() + s.slice(1)
  return s
}

/** Every syllable the generator can make with onsets "", "h" and "đ", all tones and casings. */
export const allSyllables = (): ReadonlyArray<string> => {
  const out: string[] = []
  for (const onset of ["", "h", "đ"]) {
    for (const casing of ["lower", "title", "upper"] as const) {
      for (const r of RHYMES) for (let t = 0; t < 6; t++) out.push(syllable(onset, r, t, casing))
      for (const r of STOP_RHYMES) for (const t of [1, 5]) out.push(syllable(onset, r, t, casing))
    }
  }
  return out
}

export const syllableArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...ONSETS), fc.constantFrom(...RHYMES), fc.integer({ min: 0, max: 5 })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...ONSETS), fc.constantFrom(...STOP_RHYMES), fc.constantFrom(1, 5))
  }
).chain(([onset, rhyme, tone]) =>
  fc.constantFrom<Casing>("lower", "title", "upper").map((casing) => syllable(onset, rhyme, tone, casing))
)

/** Vietnamese text: 1–6 well-formed syllables separated by spaces (a name, a place, a phrase). */
export const vietnameseText: fc.Arbitrary<string> = fc
  .array(syllableArb, { minLength: 1, maxLength: 6 })
  .map((words) => words.join(" "))
