import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { cellKey, kindFromFileName, kindMark, nameClues, nameWords } from "../../src/Ingest/FileClues.js"
import { cluesFromTitles, makeUnitIndex, resolveUnit } from "../../src/Ingest/Units.js"
import { CORPUS, CORPUS_UNITS } from "./FileNameCorpus.js"

const index = makeUnitIndex(CORPUS_UNITS)
const resolve = (path: string, titles: ReadonlyArray<string> = []) => resolveUnit(cluesFromTitles(titles, null, path), index)

describe("nameWords", () => {
  it.each([
    ["Khu dân cư số 2", "khu dan cu 2"],
    ["KDC so 02", "khu dan cu 2"],
    ["khu_dan_cu_so2", "khu dan cu 2"],
    ["khudancuso2", "khudancu 2"],
    ["KhuDanCuSo2", "khu dan cu 2"],
    ["DSDV TDP 2", "danh sach dang vien to dan pho 2"],
    ["TRẠM Y TẾ", "tram y te"],
    ["Trường THCS Phú Lộc", "truong thcs phu loc"]
  ])("%s → %s", (s, words) => {
    expect(nameWords(s).join(" ")).toBe(words)
  })

  it("spells a cell name the same whichever way it is typed", () => {
    expect(cellKey("Chi bộ Khu dân cư số 2")).toBe(cellKey("KDC 02"))
    expect(cellKey("Chi bộ Khu dân cư số 2")).not.toBe(cellKey("KDC 22"))
  })
})

describe("kindMark", () => {
  it.each([
    ["DS 213", "RESIDENCE_213"],
    ["QĐ213", "RESIDENCE_213"],
    ["nơi cư trú", "RESIDENCE_213"],
    ["tam_thoi", "TEMPORARY"],
    ["TamThoi", "TEMPORARY"],
    ["SINH HOẠT TẠM THỜI", "TEMPORARY"],
    ["Thôn Tâm Thới", null],
    ["CB001213", null],
    ["chính thức", "OFFICIAL"],
    ["Danh sách", null]
  ] as const)("%s → %s", (s, kind) => {
    expect(kindMark(s)).toBe(kind)
  })
})

describe("file names as clerks write them", () => {
  it("has at least 150 names", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150)
  })

  it.each(CORPUS.map((c) => [c.path + (c.titles ? ` + ${c.titles.join(" / ")}` : ""), c] as const))("%s", (_, c) => {
    const r = resolve(c.path, c.titles)
    if (c.unit === null) {
      expect(r.ok, r.ok ? `resolved to ${r.unit.code}` : "").toBe(false)
      if (!r.ok) {
        expect(r.reason.length).toBeGreaterThan(20)
        for (const code of c.candidates ?? []) expect(r.candidates.map((u) => u.code)).toContain(code)
      }
    } else {
      expect(r.ok, r.ok ? "" : r.reason).toBe(true)
      if (r.ok) {
        expect(r.unit.code).toBe(c.unit)
        // Anything but a title line leaves a note naming the clue used.
        if (r.via !== "title") expect(r.notes.join(" ")).toMatch(/xác định từ|tên cũ/)
      }
    }
    expect(kindFromFileName(c.path, index.names)).toBe(c.kind === undefined ? null : c.kind)
  })

  it("reports unknown words and the near cell when a name goes on", () => {
    const r = resolve("Hop tac xa 43 - nguoi lap Lan.xlsx")
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toContain('"nguoi lap lan"')
  })

  it("says which clue resolved the file", () => {
    const r = resolve("Đảng bộ xã Tân Lập/DS thon dong.xlsx")
    expect(r).toMatchObject({ ok: true, via: "fileName" })
    if (r.ok) {
      expect(r.notes.join(" ")).toContain('tên "Chi bộ Thôn Đông" trong tên tệp')
      expect(r.notes.join(" ")).toContain('thư mục "Đảng bộ xã Tân Lập"')
    }
    const loose = resolve("CB00043.xlsx")
    if (loose.ok) expect(loose.notes.join(" ")).toContain("chỉ khác số chữ số 0")
  })
})

// ---------------------------------------------------------------------------------------------
// Property: a resolution always rests on something in the path or the titles.

const cells = CORPUS_UNITS.filter((u) => !index.names.hasChildren.has(u.code))
const parents = CORPUS_UNITS.filter((u) => index.names.hasChildren.has(u.code))
const CLERK = ["DS", "Danh sách", "đảng viên", "DSDV", "năm 2025", "2025.10.31", "final", "final_v2", "(1)", "- Copy", "213", "QĐ 213", "tạm thời", "bản sửa", "v2", "Copy of"]
const NOISE = ["Bắc", "Nam", "mới", "2", "12", "anh", "Lan", "xã", "HTX", "Tổ", "Thôn", "Khu", "số"]

const spell = (name: string, how: number): string => {
  const plain = nameWords(name).join(" ")
  switch (how % 5) {
    case 0: return name
    case 1: return plain.toUpperCase()
    case 2: return plain.replace(/ /g, "_")
    case 3: return plain.replace(/ /g, "")
    default: return name.replace(/^Chi bộ /, "")
  }
}

const fragment = fc.oneof(
  fc.constantFrom(...cells).chain((u) => fc.nat(4).map((how) => spell(u.name, how))),
  fc.constantFrom(...parents).chain((u) => fc.nat(4).map((how) => spell(u.name, how))),
  fc.constantFrom(...CORPUS_UNITS).map((u) => u.code),
  fc.constantFrom(...CLERK),
  fc.constantFrom(...NOISE)
)
const nameOf = fc.array(fragment, { minLength: 1, maxLength: 4 }).chain((parts) => fc.constantFrom(" ", " - ", "_", "").map((sep) => parts.join(sep)))
const pathOf = fc.tuple(fc.array(nameOf, { maxLength: 2 }), nameOf, fc.constantFrom(".xlsx", ".csv")).map(([dirs, file, ext]) => [...dirs, file + ext].join("/"))

const squeezed = (s: string) => nameWords(s).join("")

/** Is the unit named in the text: its code (possibly zero-padded differently) or its name's words? */
const supports = (text: string, code: string, name: string) => {
  const upper = text.toUpperCase()
  const number = /^([A-Z]+)0*(\d+)$/.exec(code)
  const codeSeen = upper.includes(code) || (number !== null && new RegExp(`${number[1]}0*${number[2]}(?![0-9])`).test(upper))
  return codeSeen || squeezed(text).includes(cellKey(name))
}

describe("resolution rests on a clue", () => {
  it.prop("a resolved unit's code or name is in the path", [pathOf], ([path]) => {
    const r = resolve(path)
    if (r.ok) expect(supports(path, r.unit.code, r.unit.name), `${path} → ${r.unit.code} ${r.unit.name}`).toBe(true)
  }, { fastCheck: { numRuns: 400 }, timeout: 60_000 })

  it.prop("an unknown word next to a name never moves it to another unit", [pathOf, fc.constantFrom(...NOISE)], ([path, noise]) => {
    const before = resolve(path)
    const after = resolve(path.replace(/(\.[a-z]+)$/, ` ${noise}$1`))
    if (before.ok && after.ok) expect(after.unit.code).toBe(before.unit.code)
  }, { fastCheck: { numRuns: 300 }, timeout: 60_000 })

  it("the name clues themselves are pure words of the name", () => {
    const n = nameClues("DS_CB000043_Chi_bo_Hop_tac_xa_43 (1)", index.names)
    expect(n.codes.map((c) => c.unit.code)).toEqual(["CB000043"])
    expect(n.spans.map((s) => s.cells.map((u) => u.code))).toEqual([["CB000043"]])
    expect(n.unknownWords).toEqual([])
  })
})
