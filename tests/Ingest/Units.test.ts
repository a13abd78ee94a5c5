import { describe, expect, it } from "@effect/vitest"
import { cluesFromTitles, makeUnitIndex, parseUnitAliases, resolveUnit, unitNameKey } from "../../src/Ingest/Units.js"
import { UNITS } from "./fixtures.js"

const index = makeUnitIndex([...UNITS, { code: "KP7", name: "Khu phố 7", parentCode: "DB01", parentName: null }])
const resolve = (titles: ReadonlyArray<string>, fileName: string, code: string | null = null) =>
  resolveUnit(cluesFromTitles(titles, code, fileName), index)

describe("unitNameKey", () => {
  it("drops case, diacritics, punctuation and a leading Chi bộ", () => {
    expect(unitNameKey("CHI BỘ: KHU PHỐ 1")).toBe("khu pho 1")
    expect(unitNameKey("Chi bộ Khu phố 1")).toBe("khu pho 1")
    expect(unitNameKey("  Khu  phố 1 ")).toBe("khu pho 1")
  })
})

describe("resolveUnit", () => {
  it("uses the Mã chi bộ column first, case-insensitively", () => {
    expect(resolve(["CHI BỘ KHU PHỐ 1"], "x", "cb01")).toMatchObject({ ok: true, via: "code", unit: { code: "CB01" } })
  })

  it("uses a 'Mã chi bộ: X' title line", () => {
    expect(resolve(["Mã chi bộ: CB02"], "x")).toMatchObject({ ok: true, via: "code", unit: { code: "CB02" } })
  })

  it("reports an unknown code instead of falling back to the title", () => {
    const r = resolve(["CHI BỘ KHU PHỐ 1"], "x", "CB99")
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.reason).toContain("CB99")
      expect(r.candidates.map((u) => u.code)).toContain("CB01")
    }
  })

  it("matches a CHI BỘ title with or without the prefix in the central name", () => {
    expect(resolve(["CHI BỘ KHU PHỐ 2"], "x")).toMatchObject({ ok: true, via: "title", unit: { code: "CB02" } })
    expect(resolve(["CHI BỘ KHU PHỐ 7"], "x")).toMatchObject({ ok: true, via: "title", unit: { code: "KP7" } })
  })

  it("picks among units sharing a name by the ĐẢNG BỘ line, else reports both", () => {
    expect(resolve(["ĐẢNG BỘ PHƯỜNG BẾN NGHÉ", "CHI BỘ TRƯỜNG HỌC"], "x")).toMatchObject({ ok: true, unit: { code: "CB03" } })
    expect(resolve(["Đảng bộ phường Đa Kao", "Chi bộ Trường học"], "x")).toMatchObject({ ok: true, unit: { code: "CB04" } })
    const r = resolve(["CHI BỘ TRƯỜNG HỌC"], "danh sach")
    expect(r).toMatchObject({ ok: false })
    if (!r.ok) {
      expect(r.candidates.map((u) => u.code).sort()).toEqual(["CB03", "CB04"])
      expect(r.reason).toContain("CB03")
      expect(r.reason).toContain("CB04")
    }
    expect(resolve(["CHI BỘ TRƯỜNG HỌC"], "CB04")).toMatchObject({ ok: true, via: "fileName", unit: { code: "CB04" } })
  })

  it("falls back to the file name: a code or a unit name", () => {
    expect(resolve([], "CB05")).toMatchObject({ ok: true, via: "fileName", unit: { code: "CB05" } })
    expect(resolve([], "chi bo co quan")).toMatchObject({ ok: true, via: "fileName", unit: { code: "CB05" } })
  })

  it("never guesses: an unknown name is an error listing near names", () => {
    const r = resolve(["CHI BỘ KHU PHỐ 9"], "ds-2025")
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.reason).toContain("CHI BỘ KHU PHỐ 9")
      expect(r.reason).toContain("ds-2025")
      expect(r.candidates.map((u) => u.code)).toEqual(expect.arrayContaining(["CB01", "CB02"]))
    }
  })
})

describe("alias table of old unit names", () => {
  const aliases = [
    { oldName: "Chi bộ Thôn 3", parentName: "Đảng bộ xã Hòa Bình", code: "CB05" },
    { oldName: "Chi bộ Ấp Mới", parentName: null, code: "CB02" },
    { oldName: "Chi bộ Tổ 9", parentName: null, code: "CB99" }
  ]
  const withAliases = makeUnitIndex(UNITS, aliases)
  const resolveA = (titles: ReadonlyArray<string>, fileName: string) => resolveUnit(cluesFromTitles(titles, null, fileName), withAliases)

  it("resolves an old name under its old đảng bộ, with a note naming the new unit", () => {
    const r = resolveA(["ĐẢNG BỘ XÃ HOÀ BÌNH", "CHI BỘ THÔN 3"], "ds")
    expect(r).toMatchObject({ ok: true, via: "alias", unit: { code: "CB05" } })
    if (r.ok) expect(r.notes.join(" ")).toContain("tên cũ")
  })

  it("does not apply an alias tied to another đảng bộ", () => {
    expect(resolveA(["ĐẢNG BỘ XÃ AN PHÚ", "CHI BỘ THÔN 3"], "ds").ok).toBe(false)
    expect(resolveA(["CHI BỘ THÔN 3"], "ds").ok).toBe(false)
  })

  it("applies an alias without a parent anywhere, from the title or the file name", () => {
    expect(resolveA(["CHI BỘ ẤP MỚI"], "ds")).toMatchObject({ ok: true, via: "alias", unit: { code: "CB02" } })
    expect(resolveA([], "Chi bo Ap Moi")).toMatchObject({ ok: true, via: "alias", unit: { code: "CB02" } })
  })

  it("prefers a current name over an alias", () => {
    const idx = makeUnitIndex(UNITS, [{ oldName: "Chi bộ Khu phố 1", parentName: null, code: "CB05" }])
    expect(resolveUnit(cluesFromTitles(["CHI BỘ KHU PHỐ 1"], null, "x"), idx)).toMatchObject({ ok: true, via: "title", unit: { code: "CB01" } })
  })

  it("reports an alias pointing at an unknown code instead of using it", () => {
    expect(withAliases.badAliases).toHaveLength(1)
    expect(withAliases.badAliases[0]).toContain("CB99")
    expect(resolveA(["CHI BỘ TỔ 9"], "ds").ok).toBe(false)
  })

  it("reads the CSV a user keeps: header in any order, ';' or ',', problems by line", () => {
    const r = parseUnitAliases("\uFEFFMã chi bộ mới;Tên cũ;Đảng bộ cũ\r\nCB05;Chi bộ Thôn 3;Đảng bộ xã Hòa Bình\r\n;Chi bộ Thôn 4;\r\nCB02;Chi bộ Ấp Mới;\r\n")
    expect(r.aliases).toEqual([
      { oldName: "Chi bộ Thôn 3", parentName: "Đảng bộ xã Hòa Bình", code: "CB05" },
      { oldName: "Chi bộ Ấp Mới", parentName: null, code: "CB02" }
    ])
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toContain("dòng 3")
    expect(parseUnitAliases("Chi bộ Thôn 3,\"Đảng bộ xã Hòa Bình, huyện cũ\",CB05\n").aliases).toEqual([
      { oldName: "Chi bộ Thôn 3", parentName: "Đảng bộ xã Hòa Bình, huyện cũ", code: "CB05" }
    ])
  })
})
