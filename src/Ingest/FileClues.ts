/**
 * What a roster's path says about its cell and its kind of list, as clerks name files: a unit code
 * anywhere in the name or in a folder name ("CB00043_Chi_bo_Hop_tac_xa_43.csv", "DS 213 (CB00043)",
 * "DB0004/…"), a unit name among the words clerks add ("DS đảng viên KDC so 2 nam 2025 - Copy (2)",
 * "KHU_DAN_CU_SO_2", "KhuDanCuSo2"), and the 213 / tạm thời marks. Pure functions: Units.ts weighs
 * these clues against the title lines and decides; nothing here picks a unit.
 *
 * A name counts only when every other word of the file or folder name is a word clerks add (the
 * CLERK_PHRASES below) or a date: "Thôn Đông Bắc.xlsx" does not read as "Thôn Đông" when only the
 * latter is a unit, the extra word is reported instead.
 */
import type { RosterKind, Unit } from "../Domain.js"

// ---------------------------------------------------------------------------------------------
// Words

/** Diacritics stripped, Đ → D, case kept (camel case is read as word breaks). */
const foldKeepCase = (s: string): string =>
  s.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").replace(/[ðÐ]/g, "d")

/** Abbreviations clerks write for the words of cell names and list titles. */
const ABBREVIATIONS: ReadonlyMap<string, ReadonlyArray<string>> = new Map([
  ["kdc", ["khu", "dan", "cu"]],
  ["tdp", ["to", "dan", "pho"]],
  ["kp", ["khu", "pho"]],
  ["kv", ["khu", "vuc"]],
  ["cb", ["chi", "bo"]],
  ["db", ["dang", "bo"]],
  ["ds", ["danh", "sach"]],
  ["dv", ["dang", "vien"]],
  ["dsdv", ["danh", "sach", "dang", "vien"]],
  ["danhsach", ["danh", "sach"]],
  ["dangvien", ["dang", "vien"]],
  ["chibo", ["chi", "bo"]],
  ["dangbo", ["dang", "bo"]],
  ["shtt", ["sinh", "hoat", "tam", "thoi"]],
  ["sh", ["sinh", "hoat"]],
  ["tamthoi", ["tam", "thoi"]],
  ["sinhhoat", ["sinh", "hoat"]],
  ["qd213", ["qd", "213"]]
])

const isNumber = (t: string) => t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57

/**
 * Canonical words of a name: no diacritics, lower case, split at anything not a letter or digit,
 * at camel case ("KhuDanCu") and between letters and digits ("So2"); abbreviations expanded ("KDC"
 * → khu dan cu); "số" before a number dropped and leading zeros removed ("số 02" → "2"). Applied
 * alike to unit names and file names, so "Khu dân cư số 2", "KDC 02" and "khu_dan_cu_so2" agree.
 */
export const nameWords = (s: string): Array<string> => {
  const spaced = foldKeepCase(s)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])/g, "$1 $2")
    .replace(/([0-9])([A-Za-z])/g, "$1 $2")
    .toLowerCase()
  const raw = spaced.split(/[^a-z0-9]+/).filter((t) => t !== "")
  const out: Array<string> = []
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!
    const next = raw[i + 1]
    if (isNumber(t)) {
      out.push(t.replace(/^0+(?=\d)/, ""))
      continue
    }
    // "so" glued to the word before a number ("khudancuso2"): the "số" of the number.
    const word = next !== undefined && isNumber(next) && t.length > 2 && t.endsWith("so") ? t.slice(0, -2) : t
    if (next !== undefined && isNumber(next) && word === "so") continue
    const expanded = ABBREVIATIONS.get(word)
    if (expanded !== undefined) out.push(...expanded)
    else out.push(word)
  }
  return out
}

/** The words of a cell name that identify it: nameWords without a leading "chi bộ". */
export const cellKey = (name: string): string => {
  const w = nameWords(name)
  return (w[0] === "chi" && w[1] === "bo" ? w.slice(2) : w).join("")
}

const ADMIN_WORDS: ReadonlyArray<ReadonlyArray<string>> = [
  ["bo", "phan"], ["co", "so"], ["xa"], ["phuong"], ["thi", "tran"], ["thi", "xa"], ["huyen"], ["quan"], ["tinh"], ["thanh", "pho"]
]

/** Keys of a đảng bộ's name: without "đảng bộ" / "đảng ủy", and also without "xã", "phường", "bộ phận"…. */
export const parentKeys = (name: string): ReadonlyArray<string> => {
  let w = nameWords(name)
  if (w[0] === "dang" && (w[1] === "bo" || w[1] === "uy")) w = w.slice(2)
  const keys = [w.join("")]
  for (const a of ADMIN_WORDS) {
    if (a.every((x, i) => w[i] === x) && w.length > a.length) keys.push(w.slice(a.length).join(""))
  }
  return keys
}

// ---------------------------------------------------------------------------------------------
// Clerk words

/**
 * Phrases clerks add around a cell's name, as canonical words; "#" any number, "#y" a year
 * (1950–2099), "#s" a small number (≤ 31). A single word such as "mới" or "nam" is not here on
 * its own: "Thôn Mới" and "Thôn Nam" are cell names (a trailing "mới" is read both ways by
 * Units.ts, see withoutTrailingNew).
 */
/** Stands for a trailing "mới" read as "new version" (withoutTrailingNew): a clerk's word no name can run across. */
const NEW_MARK = "#new"

const CLERK_PHRASES: ReadonlyArray<ReadonlyArray<string>> = [
  ["danh", "sach"], ["dang", "vien"], ["chi", "bo"], ["dang", "bo"], ["dang", "uy"],
  ["nam", "#y"], ["#y"], ["thang", "#s"], ["ngay", "#s"], ["t", "#s"], ["nam", "hoc", "#y"],
  ["final"], ["v", "#s"], ["ver", "#s"], ["lan", "#s"], ["dot", "#s"],
  ["ban", "sua"], ["ban", "da", "sua"], ["da", "sua"], ["sua", "lai"], ["ban", "sao"], ["ban", "sao", "cua"], ["ban", "moi"],
  ["moi", "nhat"], ["ban", "cuoi"], ["cap", "nhat"], ["chot"], ["update"], ["updated"], ["new"], ["draft"], ["nhap"],
  ["copy"], ["copy", "of"], ["sao", "chep"],
  ["213"], ["qd", "213"], ["qd", "213", "qd", "tw"], ["213", "qd", "tw"], ["qd", "tw"], ["quy", "dinh", "213"], ["quy", "dinh"], ["theo"],
  ["tam", "thoi"], ["sinh", "hoat"], ["chinh", "thuc"], ["noi", "cu", "tru"], ["giu", "moi", "lien", "he"], ["du", "bi"],
  ["font"], ["vntime"], ["vn", "time"], ["vni"], ["tcvn", "3"], ["tcvn3"], ["unicode"], ["excel"], ["xlsx"], ["xls"], ["csv"],
  ["gui"], ["nop"], ["bao", "cao"], ["dinh", "kem"], ["kem", "theo"], ["cua"], ["thuoc"], ["truc", "thuoc"], ["va"],
  [NEW_MARK]
]

const matchesWord = (pattern: string, w: string): boolean => {
  if (pattern === "#") return isNumber(w)
  if (pattern === "#y") return /^(19[5-9]\d|20\d\d)$/.test(w)
  if (pattern === "#s") return isNumber(w) && Number(w) <= 31
  return pattern === w
}

/** Longest clerk phrase starting at `words[i]` within `end`, as a length (0: none). */
const clerkPhraseAt = (words: ReadonlyArray<string>, i: number, end: number): number => {
  let best = 0
  for (const p of CLERK_PHRASES) {
    if (p.length <= best || i + p.length > end) continue
    if (p.every((x, k) => matchesWord(x, words[i + k]!))) best = p.length
  }
  return best
}

// ---------------------------------------------------------------------------------------------
// Kinds

/**
 * "213" as its own number ("DS 213", "213-QĐ/TW", "ds_213.csv") or right after QĐ / DS / DV, never
 * inside a code or a longer number: unit CB001213's list is an official one.
 */
const RESIDENCE_213 = /(?<![\p{L}0-9])(?:q[dđ]|ds|dv|dsdv)?[\s_-]*213(?![0-9])/u
/**
 * The marks with or without their diacritics, but not with other ones: "Tâm Thới" is a place
 * ("Thôn Tâm Thới"), not "tạm thời".
 */
const TEMPORARY = /(?<!\p{L})(?:t[aạ]m[\s_-]*th[oờ]i|shtt)(?!\p{L})/u
const RESIDENCE = /(?<!\p{L})(?:n[oơ]i[\s_-]*c[uư][\s_-]*tr[uú]|gi[uữ][\s_-]*m[oố]i[\s_-]*li[eê]n[\s_-]*h[eệ])(?!\p{L})/u
const OFFICIAL = /(?<!\p{L})ch[ií]nh[\s_-]*th[uứ]c(?!\p{L})/u

const KIND_MARKS: ReadonlyArray<readonly [RosterKind, (t: string) => boolean]> = [
  ["TEMPORARY", (t) => TEMPORARY.test(t)],
  ["RESIDENCE_213", (t) => RESIDENCE_213.test(t) || RESIDENCE.test(t)],
  ["OFFICIAL", (t) => OFFICIAL.test(t)]
]

/**
 * The kind of list a title or a file name marks: "tạm thời" (also "TamThoi", "tam_thoi", "SHTT"),
 * "213" / "QĐ 213" / "nơi cư trú" / "giữ mối liên hệ", "chính thức"; null when it marks none.
 */
export const kindMark = (text: string): RosterKind | null => {
  const t = text.normalize("NFC").toLowerCase()
  for (const [kind, test] of KIND_MARKS) if (test(t)) return kind
  return null
}

/** Clerk phrases that mark a kind (see CLERK_PHRASES). */
const PHRASE_KIND: ReadonlyMap<string, RosterKind> = new Map([
  ["tam thoi", "TEMPORARY"],
  ["213", "RESIDENCE_213"],
  ["qd 213", "RESIDENCE_213"],
  ["qd 213 qd tw", "RESIDENCE_213"],
  ["213 qd tw", "RESIDENCE_213"],
  ["quy dinh 213", "RESIDENCE_213"],
  ["noi cu tru", "RESIDENCE_213"],
  ["giu moi lien he", "RESIDENCE_213"],
  ["chinh thuc", "OFFICIAL"]
])

// ---------------------------------------------------------------------------------------------
// Index

/** Names and codes of the central units, keyed as file names are read. */
export interface NameIndex {
  /** cellKey / parentKeys (squeezed canonical words) → units bearing that name. */
  readonly cells: ReadonlyMap<string, ReadonlyArray<Unit>>
  readonly parents: ReadonlyMap<string, ReadonlyArray<Unit>>
  /** Upper-case code → unit. */
  readonly byCode: ReadonlyMap<string, Unit>
  /** "CB43" (prefix and number without leading zeros) → units: "CB00043" typed for CB000043. */
  readonly byLooseCode: ReadonlyMap<string, ReadonlyArray<Unit>>
  /** Letter prefixes of the codes ("CB", "DB") and their digit counts: a token of that shape is a code. */
  readonly codeShapes: ReadonlyMap<string, ReadonlySet<number>>
  /** Codes of units that other units name as parent. */
  readonly hasChildren: ReadonlySet<string>
}

const push = <K, V>(m: Map<K, Array<V>>, k: K, v: V) => {
  const list = m.get(k)
  if (list === undefined) m.set(k, [v])
  else if (!list.includes(v)) list.push(v)
}

const CODE_SHAPE = /^([A-Z]+)(\d+)$/

const looseCode = (code: string): string | null => {
  const m = CODE_SHAPE.exec(code)
  return m === null ? null : `${m[1]}${Number(m[2])}`
}

export const makeNameIndex = (units: ReadonlyArray<Unit>): NameIndex => {
  const cells = new Map<string, Array<Unit>>()
  const parents = new Map<string, Array<Unit>>()
  const byCode = new Map<string, Unit>()
  const byLooseCode = new Map<string, Array<Unit>>()
  const codeShapes = new Map<string, Set<number>>()
  const hasChildren = new Set<string>()
  for (const u of units) {
    const code = u.code.trim().toUpperCase()
    byCode.set(code, u)
    const loose = looseCode(code)
    if (loose !== null) push(byLooseCode, loose, u)
    const m = CODE_SHAPE.exec(code)
    if (m !== null) {
      const set = codeShapes.get(m[1]!) ?? new Set<number>()
      set.add(m[2]!.length)
      codeShapes.set(m[1]!, set)
    }
    if (u.parentCode !== null) hasChildren.add(u.parentCode.trim().toUpperCase())
  }
  for (const u of units) {
    if (hasChildren.has(u.code.trim().toUpperCase())) {
      for (const k of parentKeys(u.name)) if (k !== "") push(parents, k, u)
    } else {
      const key = cellKey(u.name)
      if (key !== "") push(cells, key, u)
    }
  }
  return { cells, parents, byCode, byLooseCode, codeShapes, hasChildren }
}

// ---------------------------------------------------------------------------------------------
// One file or folder name

export interface CodeClue {
  /** As typed. */
  readonly typed: string
  readonly unit: Unit
  /** Typed with another number of leading zeros than the central code. */
  readonly loose: boolean
}

export interface NameSpan {
  /** The canonical words read as the name. */
  readonly words: string
  /** Units without units under them (cells) bearing that name, and đảng bộ bearing it. */
  readonly cells: ReadonlyArray<Unit>
  readonly parents: ReadonlyArray<Unit>
  /** The squeezed key, for the alias table when no current unit bears the name. */
  readonly key: string
}

export interface NameClues {
  /** As typed (file name without extension, or a folder name). */
  readonly text: string
  readonly codes: ReadonlyArray<CodeClue>
  /** Tokens shaped like the central codes ("CB" + six digits) that are no unit's code. */
  readonly unknownCodes: ReadonlyArray<string>
  /** Unit names found, longest first where they overlap. */
  readonly spans: ReadonlyArray<NameSpan>
  /** Runs of words that are neither a unit name nor a clerk's word nor a date. */
  readonly unknownWords: ReadonlyArray<string>
  /** Words left over once names and clerk words are taken out (an old name for the alias table). */
  readonly rest: string
  readonly kind: RosterKind | null
  /** The name ends in a "mới" mark that could be a clerk's "new version" (see withoutTrailingNew). */
  readonly endsNew: boolean
}

const isCodeWorthy = (code: string) => /[A-Z]/.test(code) ? /\d/.test(code) : code.length >= 6

/** Known codes as tokens (bounded by anything not a letter or digit); the text with them blanked. */
const findCodes = (
  folded: string,
  index: NameIndex
): { codes: Array<CodeClue>; unknown: Array<string>; rest: string } => {
  const tokens = [...folded.matchAll(/[A-Za-z0-9]+/g)]
  const codes: Array<CodeClue> = []
  const unknown: Array<string> = []
  const blank: Array<[number, number]> = []
  for (let i = 0; i < tokens.length; i++) {
    let found = false
    // A code may hold separators ("CB-01"): try up to three tokens with what lies between them.
    for (let n = Math.min(3, tokens.length - i); n >= 1 && !found; n--) {
      const start = tokens[i]!.index!
      const last = tokens[i + n - 1]!
      const end = last.index! + last[0].length
      const typed = folded.slice(start, end)
      const key = typed.toUpperCase()
      if (!isCodeWorthy(key)) continue
      const unit = index.byCode.get(key)
      if (unit !== undefined) {
        codes.push({ typed, unit, loose: false })
      } else if (n === 1) {
        const m = CODE_SHAPE.exec(key)
        if (m === null || !(index.codeShapes.get(m[1]!)?.size)) continue
        const loose = index.byLooseCode.get(looseCode(key)!) ?? []
        if (loose.length === 1) codes.push({ typed, unit: loose[0]!, loose: true })
        else unknown.push(typed)
      } else continue
      blank.push([start, end])
      i += n - 1
      found = true
    }
  }
  let rest = folded
  for (const [s, e] of blank.reverse()) rest = `${rest.slice(0, s)} ${rest.slice(e)}`
  return { codes, unknown, rest }
}

/** Dates and copy marks clerks and Windows add: 31.10.2025, 2025-10-31, 10.2025, 20251031, "(2)", "- Copy", "Copy of". */
const stripMarks = (s: string): string =>
  s
    // Not "năm" before a full date: "Thôn Nam 15.10.2025" would lose its Nam.
    .replace(/(?<![A-Za-z0-9])(?:(?:thang|ngay|t)[\s._-]*)?\d{1,2}[._-]\d{1,2}[._-](?:\d{4}|\d{2})(?![0-9])/gi, " ")
    .replace(/(?<![A-Za-z0-9])(?:19|20)\d{2}[._-]\d{1,2}[._-]\d{1,2}(?![0-9])/g, " ")
    .replace(/(?<![A-Za-z0-9])(?:(?:thang|t)[\s._-]*)?\d{1,2}[._-](?:19|20)\d{2}(?![0-9])/gi, " ")
    .replace(/(?<![0-9])(?:(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2})(?![0-9])/g, " ")
    .replace(/\(\s*\d{1,2}\s*\)/g, " ")
    .replace(/(?<![A-Za-z])copy\s+of(?![A-Za-z])/gi, " ")
    .replace(/[\s_-]+copy(?:\s*\d{1,2})?\s*$/gi, " ")

const MAX_NAME_WORDS = 14

/** Old names (cellKey) of the alias table, kept by Units.ts. */
export interface AliasKeys {
  readonly has: (key: string) => boolean
}
const NO_ALIASES: AliasKeys = new Set<string>()

/** Unit names among the words, longest first, without overlaps. */
const findSpans = (words: ReadonlyArray<string>, index: NameIndex, aliasKeys: AliasKeys) => {
  const found: Array<{ i: number; j: number; span: NameSpan }> = []
  for (let i = 0; i < words.length; i++) {
    let key = ""
    for (let j = i + 1; j <= Math.min(words.length, i + MAX_NAME_WORDS); j++) {
      key += words[j - 1]!
      const cells = index.cells.get(key) ?? []
      const parents = index.parents.get(key) ?? []
      if (cells.length === 0 && parents.length === 0 && !aliasKeys.has(key)) continue
      found.push({ i, j, span: { words: words.slice(i, j).join(" "), cells, parents, key } })
    }
  }
  found.sort((a, b) => b.j - b.i - (a.j - a.i) || a.i - b.i)
  const taken = new Uint8Array(words.length)
  const picked: typeof found = []
  for (const f of found) {
    let free = true
    for (let k = f.i; k < f.j && free; k++) free = taken[k] === 0
    if (!free) continue
    for (let k = f.i; k < f.j; k++) taken[k] = 1
    picked.push(f)
  }
  return { picked, taken }
}

/** Is the tail `words[from…]` made only of clerk phrases (dates and copy marks are gone already)? */
const onlyClerkWords = (words: ReadonlyArray<string>, from: number): boolean => {
  for (let i = from; i < words.length;) {
    const n = clerkPhraseAt(words, i, words.length)
    if (n === 0) return false
    i += n
  }
  return true
}

/**
 * The words without a trailing "mới" ("moi", "MOI", "(mới)", "_moi", "bản mới"), which clerks add
 * for "the new version"; only clerk words may follow it ("… moi 2025", "… mới (1)"). Null when the
 * name has no such mark. Whether the mark is a clerk's word or the end of a cell name ("Thôn Mới")
 * is for Units.ts to weigh: it reads the name both ways.
 */
const withoutTrailingNew = (words: ReadonlyArray<string>): Array<string> | null => {
  for (let k = words.length - 1; k >= 0; k--) {
    if (words[k] !== "moi") continue
    if (!onlyClerkWords(words, k + 1)) return null
    const from = k > 0 && words[k - 1] === "ban" ? k - 1 : k
    // Kept as a mark of its own, so "thôn Mới năm 2025" does not become "thôn Nam 2025".
    return [...words.slice(0, from), NEW_MARK, ...words.slice(k + 1)]
  }
  return null
}

/** Words of a file name, without codes, dates and copy marks. */
const fileWords = (text: string, index: NameIndex) => {
  const folded = foldKeepCase(text)
  const { codes, unknown, rest } = findCodes(folded, index)
  return { codes, unknown, words: nameWords(stripMarks(rest)) }
}

/**
 * What one file name (without extension) or one folder name says. `asNew`: read a trailing "mới"
 * as a clerk's "new version" mark (the name without it); `endsNew` of the plain reading says whether there is one.
 */
export const nameClues = (text: string, index: NameIndex, aliasKeys: AliasKeys = NO_ALIASES, asNew = false): NameClues => {
  const { codes, unknown, words: allWords } = fileWords(text, index)
  const withoutNew = withoutTrailingNew(allWords)
  const words = asNew ? withoutNew ?? allWords : allWords
  const { picked, taken } = findSpans(words, index, aliasKeys)
  const unknownWords: Array<string> = []
  const restWords: Array<string> = []
  const phraseKinds = new Set<RosterKind>()
  let run: Array<string> = []
  const flush = () => {
    if (run.length > 0) unknownWords.push(run.join(" "))
    run = []
  }
  for (let i = 0; i < words.length;) {
    if (taken[i] === 1) {
      flush()
      i++
      continue
    }
    const end = (() => {
      let e = i
      while (e < words.length && taken[e] === 0) e++
      return e
    })()
    const n = clerkPhraseAt(words, i, end)
    if (n > 0) {
      flush()
      const k = PHRASE_KIND.get(words.slice(i, i + n).join(" "))
      if (k !== undefined) phraseKinds.add(k)
      i += n
      continue
    }
    run.push(words[i]!)
    restWords.push(words[i]!)
    i++
  }
  flush()
  // A mark counts when it stands outside the unit's name ("Thôn Tâm Thới" is no "tạm thời") and,
  // read with its diacritics, is the mark (KIND_MARKS).
  const marked = codes.reduce((t, c) => t.replace(c.typed, " "), text).normalize("NFC").toLowerCase()
  const kind = KIND_MARKS.find(([k, test]) => phraseKinds.has(k) && test(marked))?.[0] ?? null
  return {
    text,
    codes,
    unknownCodes: unknown,
    spans: picked.sort((a, b) => a.i - b.i).map((p) => p.span),
    unknownWords,
    rest: restWords.join(" "),
    kind,
    endsNew: withoutNew !== null
  }
}

// ---------------------------------------------------------------------------------------------
// A path

const ROSTER_EXTENSION = /\.(xlsx|xlsm|xls|csv|ods|txt)$/i

export interface PathClues {
  /** File name without directory and extension. */
  readonly file: NameClues
  /** Folder names from the top of the rosters directory down. */
  readonly folders: ReadonlyArray<NameClues>
}

/** Splits a relative path ("Đảng bộ xã X/DS CB000043 (1).csv") into file name and folders. */
export const splitPath = (relPath: string): { fileName: string; folders: ReadonlyArray<string> } => {
  const parts = relPath.split(/[\\/]/).filter((p) => p !== "" && p !== ".")
  const last = parts.pop() ?? ""
  return { fileName: last.replace(ROSTER_EXTENSION, ""), folders: parts }
}

/** Folder readings per index: every file of a commune's folder shares them. */
const folderMemo = new WeakMap<NameIndex, Map<string, NameClues>>()

export const pathClues = (relPath: string, index: NameIndex, aliasKeys: AliasKeys = NO_ALIASES, asNew = false): PathClues => {
  const { fileName, folders } = splitPath(relPath)
  let memo = folderMemo.get(index)
  if (memo === undefined) folderMemo.set(index, (memo = new Map()))
  const folder = (f: string) => {
    const key = aliasKeys === NO_ALIASES ? f : `${f}\u0000a`
    let n = memo.get(key)
    if (n === undefined) memo.set(key, (n = nameClues(f, index, aliasKeys)))
    return n
  }
  return { file: nameClues(fileName, index, aliasKeys, asNew), folders: folders.map(folder) }
}

/** The kind of list the file name marks, outside any unit name in it. */
export const kindFromFileName = (relPath: string, index: NameIndex): RosterKind | null =>
  nameClues(splitPath(relPath).fileName, index).kind
