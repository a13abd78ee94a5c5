/**
 * Golden end-to-end test: the shipped sample commune in, the reviewed expected findings out,
 * compared exactly; plus the accounting and the other outputs of the same run.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import ExcelJS from "exceljs"
import Database from "better-sqlite3"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sample } from "../../pipelines/sample.js"
import { Categories } from "../../src/Domain.js"
import { compareWithExpected } from "../../src/Pipeline/Expect.js"
import { run } from "../../src/Pipeline/Run.js"

const out = fs.mkdtempSync(path.join(os.tmpdir(), "recon-sample-"))
const runSample = run(sample, {
  central: "samples/central.xlsx",
  rosters: "samples/rosters",
  out,
  asOf: sample.defaults.asOf!,
  db: path.join(out, "state.sqlite")
}).pipe(Effect.provide(NodeContext.layer))

describe("sample commune", () => {
  it.effect("finds exactly the reviewed expected discrepancies", () =>
    Effect.gen(function*() {
      yield* runSample
      const expected = fs.readFileSync("samples/expected/discrepancies.jsonl", "utf8")
      const actual = fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8")
      expect(compareWithExpected(expected, actual)).toEqual([])
      expect(actual).toBe(expected)
    }), 120_000)

  it("the expected file holds every planted case and nothing else", () => {
    const planted = JSON.parse(fs.readFileSync("samples/planted.json", "utf8")) as {
      cases: Array<{ category: string; memberIds: Array<string>; unitCode: string; rosterRows: Array<{ file: string; sheet: string; row: number }>; field?: string }>
    }
    const key = (c: (typeof planted.cases)[number]) =>
      JSON.stringify([c.category, [...c.memberIds].sort(), c.unitCode, c.rosterRows.map((r) => `${r.file}|${r.sheet}|${r.row}`).sort(), c.field ?? null])
    const expected = fs
      .readFileSync("samples/expected/discrepancies.jsonl", "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
    expect(new Set(expected.map(key))).toEqual(new Set(planted.cases.map(key)))
    expect(expected).toHaveLength(planted.cases.length)
  })

  it("accounts for every row, links every ingested roster row, and records the run", async () => {
    const runJson = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
    for (const f of runJson.files) expect(f.rowsRead).toBe(f.rowsIngested + f.rowsRejected)
    expect(runJson.totals.rowsRead).toBe(runJson.files.reduce((a: number, f: { rowsRead: number }) => a + f.rowsRead, 0))
    expect(runJson.asOf).toBe("2026-10-31")
    expect(Object.keys(runJson.categories)).toEqual([...Categories])
    expect(runJson.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/)
    for (const stage of ["ingestCentral", "ingestRosters", "match", "rules", "report", "report.review.xlsx"]) expect(runJson.timings).toHaveProperty(stage)
    // run.json is part of the output set, which is in place before the run is stored: no "store" time in it.
    expect(runJson.timings).not.toHaveProperty("store")

    const rosterRows = runJson.files.filter((f: { file: string }) => f.file !== "central.xlsx").reduce((a: number, f: { rowsIngested: number }) => a + f.rowsIngested, 0)
    const links = fs.readFileSync(path.join(out, "links.csv"), "utf8").trim().split("\n")
    expect(links[0]).toBe("file,sheet,row,member_id,score")
    expect(links.length - 1).toBe(rosterRows)

    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path.join(out, "review.xlsx"))
    expect(wb.worksheets.map((w) => w.name)).toContain("Tổng hợp")
    expect(wb.worksheets.map((w) => w.name)).toContain("Lỗi dữ liệu")
    // "Diễn giải" carries the match explanation (the waterfall as a sentence) under the reason.
    const dc = wb.getWorksheet("Trùng hồ sơ CSDL")!
    const col = (dc.getRow(1).values as Array<unknown>).indexOf("Diễn giải")
    const explained = String(dc.getRow(2).getCell(col).value)
    expect(explained).toMatch(/^Hai hồ sơ trong cơ sở dữ liệu/)
    expect(explained).toMatch(/\nCăn cứ ghép DV\d+ với DV\d+: Độ tin cậy \d+(,\d)?%: .*\(\+\d+,\d\)/)
    const fm = wb.getWorksheet("Sai lệch thông tin")!
    expect(String(fm.getRow(2).getCell(col).value)).toMatch(/Căn cứ ghép dòng \d+ với DV\d+: Độ tin cậy/)

    const expectedCount = fs.readFileSync("samples/expected/discrepancies.jsonl", "utf8").trim().split("\n").length
    expect(runJson.rejections).toEqual([])
    // Candidate pairs per declared blocking rule, adding up to at least the total (rules overlap).
    expect(Object.keys(runJson.match.pairsPerRule)).toHaveLength(sample.match.blocking.length)
    const perRule = Object.values(runJson.match.pairsPerRule) as Array<number>
    expect(perRule.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(runJson.match.candidatePairs)
    expect(runJson.match.linked + runJson.match.unlinked).toBe(links.length - 1)
    // Per rule: its pairs, and the accepted links it generates (every link comes from some rule; the
    // links only one rule generates are among those that rule generates).
    const rules = runJson.match.rules as Array<{ rule: string; pairs: number; links: number; linkShare: number; linksOnly: number; duplicates: number; duplicatesOnly: number }>
    expect(rules.map((r) => r.rule)).toEqual(sample.match.blocking.map((b) => b.name))
    for (const r of rules) {
      expect(r.pairs).toBe(runJson.match.pairsPerRule[r.rule])
      expect(r.links).toBeLessThanOrEqual(runJson.match.linked)
      expect(r.linksOnly).toBeLessThanOrEqual(r.links)
      expect(r.linkShare).toBeCloseTo(r.links / runJson.match.linked, 4)
      expect(r.duplicatesOnly).toBeLessThanOrEqual(r.duplicates)
    }
    expect(Math.max(...rules.map((r) => r.links))).toBeGreaterThan(0)
    expect(rules.reduce((a, r) => a + r.links, 0)).toBeGreaterThanOrEqual(runJson.match.linked)
    // The warnings, each a thing a clerk can check: three card-number columns Excel stored as numbers,
    // padded back (one warning per column); the impossible birth date (the field lost, not the row);
    // the cells told by file name (one note per file, naming the clue); two dates of a one-row list
    // that nothing in their column settles.
    const warned = runJson.warnings.map((w: { file: string; column: string | null; reason: string }) => [w.file, w.column, w.reason])
    const kindOf = (w: [string, string | null, string]): string =>
      w[2].includes("mất số 0 ở đầu") ? "padded" : w[2].includes("31/02/1964") ? "badDate" : w[2].includes("được xác định từ") ? "clue" : w[2].includes("đảo ngày và tháng") ? "ambiguous" : "other"
    expect(warned.map((w: [string, string | null, string]) => kindOf(w)).sort()).toEqual([
      "ambiguous", "ambiguous", "badDate", "clue", "clue", "clue", "clue", "padded", "padded", "padded"
    ])
    expect(warned.find((w: [string, string | null, string]) => kindOf(w) === "badDate")!.slice(0, 2)).toEqual(["Đảng bộ bộ phận Khu Nam/CB05_thon_Nam.csv", "Ngày sinh"])
    const db = new Database(path.join(out, "state.sqlite"), { readonly: true })
    try {
      expect((db.prepare("SELECT count(*) AS n FROM discrepancies").get() as { n: number }).n).toBe(expectedCount)
      expect((db.prepare("SELECT count(*) AS n FROM links").get() as { n: number }).n).toBe(rosterRows)
    } finally {
      db.close()
    }
  })
})
