import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import {
  correctionMetrics,
  decoyMetrics,
  evaluate,
  moveMetrics,
  discrepancyMetrics,
  findingKey,
  formatEvaluation,
  linkMetrics,
  parseLinksCsv,
  type PlantedLike
} from "../../src/Evaluate/Evaluate.js"
import { evaluateRun } from "../../src/Evaluate/Run.js"
import { run } from "../../src/Pipeline/Run.js"
import { generateProvince } from "../../samples/generators/Province.js"

const ref = (file: string, row: number) => ({ file, sheet: "Danh sách", row })

describe("link metrics", () => {
  it("counts correct, wrong and missing links", () => {
    const truth = [
      { ...ref("a.xlsx", 9), memberId: "DV1" },
      { ...ref("a.xlsx", 10), memberId: "DV2" },
      { ...ref("a.xlsx", 11), memberId: null },
      { ...ref("a.xlsx", 12), memberId: "DV4" }
    ]
    const links = [
      { ...ref("a.xlsx", 9), memberId: "DV1" },
      { ...ref("a.xlsx", 10), memberId: "DV3" },
      { ...ref("a.xlsx", 11), memberId: "DV9" }
    ]
    const m = linkMetrics(truth, links)
    expect([m.truePairs, m.predicted, m.correct, m.rowsMissingFromRun]).toEqual([3, 3, 1, 1])
    expect(m.precision).toBeCloseTo(1 / 3)
    expect(m.recall).toBeCloseTo(1 / 3)
  })

  it("reads links.csv with quoted fields and ignores the sheet name of a CSV roster", () => {
    const csv = 'file,sheet,row,member_id,score\r\n"x/a, b.csv",a,2,DV1,0.99\r\n"q ""x"".xlsx",S,9,,\r\n'
    const links = parseLinksCsv(csv)
    expect(links).toEqual([
      { file: "x/a, b.csv", sheet: "a", row: 2, memberId: "DV1" },
      { file: 'q "x".xlsx', sheet: "S", row: 9, memberId: null }
    ])
    const m = linkMetrics([{ file: "x/a, b.csv", sheet: "a, b.csv", row: 2, memberId: "DV1" }], links)
    expect(m.correct).toBe(1)
  })
})

describe("discrepancy metrics", () => {
  it("matches findings by category, member ids and roster rows, in any order", () => {
    const planted = [
      { category: "DUPLICATE_ROSTER", memberIds: ["DV1"], rosterRows: [ref("b.xlsx", 3), ref("a.xlsx", 9)] },
      { category: "MISSING_FROM_ROSTER", memberIds: ["DV2"], rosterRows: [] }
    ]
    const found = [
      { category: "DUPLICATE_ROSTER", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9), ref("b.xlsx", 3)] },
      { category: "MISSING_FROM_ROSTER", memberIds: ["DV3"], rosterRows: [] }
    ]
    const m = discrepancyMetrics(planted, found)
    const dr = m.categories.find((c) => c.category === "DUPLICATE_ROSTER")!
    const mr = m.categories.find((c) => c.category === "MISSING_FROM_ROSTER")!
    expect([dr.precision, dr.recall]).toEqual([1, 1])
    expect([mr.precision, mr.recall]).toEqual([0, 0])
    expect(m.unexpected).toEqual(["MISSING_FROM_ROSTER [DV3] "])
    expect(findingKey(planted[0]!)).toBe(findingKey(found[0]!))
  })
})

describe("decoy metrics", () => {
  it("a correction citing a decoy's row, or a cell-wide ROSTER_NOT_SUBMITTED naming all its records, flags nothing", () => {
    const decoys = [
      { kind: "RESIDENCE_213", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)] },
      { kind: "TWIN", memberIds: ["DV3", "DV4"] }
    ]
    const found = [
      { category: "DATA_CORRECTION", kind: "correction", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)] },
      { category: "ROSTER_NOT_SUBMITTED", kind: "finding", memberIds: ["DV2", "DV3", "DV4"], rosterRows: [] }
    ]
    expect(decoyMetrics(decoys, found).flaggedDecoys).toEqual([])
    // The same row cited by a finding is flagged.
    expect(decoyMetrics(decoys, [{ ...found[0]!, category: "UNREPORTED_TRANSFER", kind: "finding" }]).flaggedDecoys).toHaveLength(1)
  })

  it("counts a decoy as flagged when a finding cites its row, or names all its records", () => {
    const decoys = [
      { kind: "RESIDENCE_213", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)] },
      { kind: "RESIDENCE_213", memberIds: ["DV2"], rosterRows: [ref("b.csv", 3)] },
      { kind: "TWIN", memberIds: ["DV3", "DV4"] },
      { kind: "TWIN", memberIds: ["DV5", "DV6"] },
      { kind: "NAMESAKE", memberIds: ["DV7", "DV8"] }
    ]
    const found = [
      // Cites the first 213 row: a false alarm.
      { category: "UNREPORTED_TRANSFER", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)] },
      // Same member, another row: not about the decoy's listing. CSV sheet names do not matter.
      { category: "FIELD_MISMATCH", memberIds: ["DV2"], rosterRows: [{ file: "b.csv", sheet: "b.csv", row: 4 }] },
      // Both twins taken for one person.
      { category: "DUPLICATE_CENTRAL", memberIds: ["DV4", "DV3"], rosterRows: [] },
      // One twin alone is not about the pair.
      { category: "MISSING_FROM_ROSTER", memberIds: ["DV5"], rosterRows: [] }
    ]
    const m = decoyMetrics(decoys, found)
    // A finding the truth plants on a decoy's row is no false alarm.
    const plantedOn213 = { category: "UNREPORTED_TRANSFER", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)] }
    expect(decoyMetrics(decoys, found, [plantedOn213]).decoys[0]).toEqual({ kind: "RESIDENCE_213", planted: 2, flagged: 0 })
    expect(m.decoys).toEqual([
      { kind: "RESIDENCE_213", planted: 2, flagged: 1 },
      { kind: "TWIN", planted: 2, flagged: 1 },
      { kind: "NAMESAKE", planted: 1, flagged: 0 }
    ])
    expect(m.flaggedDecoys).toEqual([
      "RESIDENCE_213 [DV1] ← UNREPORTED_TRANSFER [DV1]",
      "TWIN [DV3, DV4] ← DUPLICATE_CENTRAL [DV4, DV3]"
    ])
    const lines = formatEvaluation({
      links: linkMetrics([], []),
      ...discrepancyMetrics([], []),
      ...m,
      moves: moveMetrics([], [], []),
      corrections: correctionMetrics([], [], [], false)
    })
    expect(lines).toContain("RESIDENCE_213")
    expect(lines).toMatch(/flagged decoys \(first 20\):\n  RESIDENCE_213 \[DV1\]/)
  })
})

describe("corrections planted in truth.json", () => {
  const swap = { category: "DATA_CORRECTION", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)], field: "Ngày sinh" }
  const name = { category: "DATA_CORRECTION", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)], field: "Họ và tên" }
  const twoRows = { category: "DATA_CORRECTION", memberIds: ["DV2"], rosterRows: [ref("a.xlsx", 10), ref("b.xlsx", 9)], field: "Ngày sinh" }
  const truth = {
    rows: [{ ...ref("a.xlsx", 9), memberId: "DV1" }, { ...ref("a.xlsx", 10), memberId: "DV2" }, { ...ref("b.xlsx", 9), memberId: "DV2" }],
    cases: [
      // The legacy form of a swap: a FIELD_MISMATCH marked `correction`, expected only from a run that records none.
      { category: "FIELD_MISMATCH", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)], field: "Ngày sinh", correction: true },
      swap,
      name,
      twoRows
    ]
  }
  const asRun = (x: PlantedLike): PlantedLike => ({ ...x, kind: "correction" })

  it("scores corrections by member, rows and field: a date and a name on one row are two corrections", () => {
    const found = [asRun(swap), asRun({ ...name, field: "Ngày sinh", rosterRows: [ref("a.xlsx", 11)] }), asRun({ ...twoRows, rosterRows: [ref("a.xlsx", 10)] })]
    const e = evaluate(truth, [], found)
    expect(e.corrections.planted).toBe(true)
    expect(e.corrections.byField).toEqual([
      // Found 3 dates: the swap matches; one on a row the truth has no correction for; one citing only one of its two rows.
      { field: "Ngày sinh", found: 3, explained: 1, expected: 2, recalled: 1 },
      { field: "Họ và tên", found: 0, explained: 0, expected: 1, recalled: 0 }
    ])
    expect(e.corrections.missed).toHaveLength(2)
    expect(e.corrections.unexpected).toHaveLength(2)
    // Corrections are not findings: no category row for them, and the legacy swap is not expected as a FIELD_MISMATCH.
    expect(e.categories.find((c) => c.category === "FIELD_MISMATCH")!.planted).toBe(0)
    expect(e.categories.some((c) => c.category === "DATA_CORRECTION")).toBe(false)
    expect(formatEvaluation(e)).toContain("corrections missed (first 20):")
  })

  it("from a run that records no corrections, expects the legacy swap as a FIELD_MISMATCH and never a DATA_CORRECTION", () => {
    const e = evaluate(truth, [], [{ category: "FIELD_MISMATCH", memberIds: ["DV1"], rosterRows: [ref("a.xlsx", 9)], field: "Ngày sinh" }])
    const fm = e.categories.find((c) => c.category === "FIELD_MISMATCH")!
    expect([fm.planted, fm.matched]).toEqual([1, 1])
    expect(e.categories.some((c) => c.category === "DATA_CORRECTION")).toBe(false)
    expect(e.corrections.recorded).toBe(false)
  })
})

describe("recon evaluate on a hand-made run directory", () => {
  const truth = {
    files: [
      { file: "DB1/CB01_thon_Dong.csv", unitCode: "CB01", kind: "OFFICIAL", naming: "codeUnderscoreName", rows: 3 },
      { file: "DB1/thon Tay.xlsx", unitCode: "CB02", kind: "OFFICIAL", naming: "plainName", rows: 2 },
      { file: "DB2/thon Tay 213.xlsx", unitCode: "CB03", kind: "RESIDENCE_213", naming: "plainName", rows: 1 },
      { file: "DB2/KDC 1.xlsx", unitCode: "CB04", kind: "OFFICIAL", naming: "capitals", rows: 1 }
    ],
    rows: [
      { file: "DB1/CB01_thon_Dong.csv", sheet: "CB01_thon_Dong.csv", row: 2, memberId: "DV1", noise: ["swappedDayMonth"] },
      { file: "DB1/CB01_thon_Dong.csv", sheet: "CB01_thon_Dong.csv", row: 3, memberId: "DV2", noise: ["noDiacritics"] },
      { file: "DB1/CB01_thon_Dong.csv", sheet: "CB01_thon_Dong.csv", row: 4, memberId: "DV3", unreadable: ["birth"] },
      { file: "DB1/thon Tay.xlsx", sheet: "Danh sách", row: 9, memberId: "DV4", noise: ["typo", "yearOnlyBirth"], move: "otherCommune" },
      { file: "DB1/thon Tay.xlsx", sheet: "Danh sách", row: 10, memberId: "DV5", noise: ["swappedDayMonth"] },
      { file: "DB2/thon Tay 213.xlsx", sheet: "Danh sách", row: 9, memberId: "DV6", move: "sameCommune" },
      { file: "DB2/KDC 1.xlsx", sheet: "Danh sách", row: 9, memberId: "DV7" }
    ],
    cases: [
      { category: "FIELD_MISMATCH", memberIds: ["DV5"], unitCode: "CB02", rosterRows: [{ file: "DB1/thon Tay.xlsx", sheet: "Danh sách", row: 10 }], field: "Ngày sinh", correction: true },
      { category: "UNREPORTED_TRANSFER", memberIds: ["DV4"], unitCode: "CB02", rosterRows: [{ file: "DB1/thon Tay.xlsx", sheet: "Danh sách", row: 9 }], moveWithErrors: true }
    ],
    decoys: []
  }
  const runJson = {
    files: [
      { file: "central.xlsx", kind: null, unitCode: null, rowsRead: 7, rowsRejected: 0, error: null },
      { file: "DB1/CB01_thon_Dong.csv", kind: "OFFICIAL", unitCode: "CB01", rowsRead: 3, rowsRejected: 1, error: null },
      { file: "DB1/thon Tay.xlsx", kind: "OFFICIAL", unitCode: "CB02", rowsRead: 2, rowsRejected: 0, error: null },
      // The 213 list resolved to the wrong cell and read as an official list.
      { file: "DB2/thon Tay 213.xlsx", kind: "OFFICIAL", unitCode: "CB02", rowsRead: 1, rowsRejected: 0, error: null },
      { file: "DB2/KDC 1.xlsx", kind: null, unitCode: null, rowsRead: 0, rowsRejected: 0, error: "Không xác định được chi bộ" }
    ],
    rejections: [
      { file: "DB1/CB01_thon_Dong.csv", sheet: "CB01_thon_Dong.csv", row: 4, column: "Ngày sinh", reason: 'Ngày không hợp lệ: "31/02/1980" (tháng 2 không có ngày 31)' },
      { file: "DB2/KDC 1.xlsx", sheet: null, row: null, column: null, reason: 'Tên tệp "KDC 1" trùng với nhiều chi bộ: CB04 (…); CB09 (…)' }
    ]
  }
  const links = [
    "file,sheet,row,member_id,score",
    "DB1/CB01_thon_Dong.csv,CB01_thon_Dong.csv,2,DV1,1",
    "DB1/CB01_thon_Dong.csv,CB01_thon_Dong.csv,3,DV2,1",
    "DB1/thon Tay.xlsx,Danh sách,9,,",
    "DB1/thon Tay.xlsx,Danh sách,10,DV5,1",
    "DB2/thon Tay 213.xlsx,Danh sách,9,DV6,1"
  ].join("\n")
  const line = (o: object) => JSON.stringify(o)
  const found = [
    // A correction for the planted swap and one for a noise swap; one name correction; one unexplained.
    line({ category: "DATA_CORRECTION", kind: "correction", memberIds: ["DV5"], rosterRows: [{ file: "DB1/thon Tay.xlsx", sheet: "Danh sách", row: 10 }], field: "Ngày sinh" }),
    line({ category: "DATA_CORRECTION", kind: "correction", memberIds: ["DV1"], rosterRows: [{ file: "DB1/CB01_thon_Dong.csv", sheet: "x", row: 2 }], field: "Ngày sinh" }),
    line({ category: "DATA_CORRECTION", kind: "correction", memberIds: ["DV2"], rosterRows: [{ file: "DB1/CB01_thon_Dong.csv", sheet: "x", row: 3 }], field: "Họ và tên" }),
    line({ category: "DATA_CORRECTION", kind: "correction", memberIds: ["DV6"], rosterRows: [{ file: "DB2/thon Tay 213.xlsx", sheet: "Danh sách", row: 9 }], field: "Họ và tên" }),
    // A finding the truth does not plant, of a category new to the domain list.
    line({ category: "ROSTER_NOT_SUBMITTED", kind: "finding", memberIds: ["DV7"], rosterRows: [] }),
    line({ category: "MISSING_FROM_ROSTER", kind: "finding", memberIds: ["DV3"], rosterRows: [] })
  ].join("\n")

  const runIn = (dir: string, jsonl: string) =>
    Effect.gen(function*() {
      fs.mkdirSync(path.join(dir, "out"), { recursive: true })
      fs.writeFileSync(path.join(dir, "truth.json"), JSON.stringify(truth))
      fs.writeFileSync(path.join(dir, "out", "run.json"), JSON.stringify(runJson))
      fs.writeFileSync(path.join(dir, "out", "links.csv"), links)
      fs.writeFileSync(path.join(dir, "out", "discrepancies.jsonl"), jsonl)
      return yield* evaluateRun({ truth: path.join(dir, "truth.json"), run: path.join(dir, "out"), settings: annualRosterMatching.match, blocking: false })
    })

  it.effect("counts files resolved, wrongly resolved and refused, rows rejected by reason, moves, and corrections apart", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-eval-hand-"))
      const e = yield* runIn(dir, found)
      const f = e.files!
      expect([f.files, f.resolved, f.wronglyResolved, f.refused, f.notInRun, f.wrongKind]).toEqual([4, 2, 1, 1, 0, 0])
      expect(f.wrong).toEqual(["DB2/thon Tay 213.xlsx → CB02 (true unit CB03)"])
      expect(f.byNaming.find((n) => n.naming === "plainName")).toEqual({ naming: "plainName", files: 2, resolved: 1, wrong: 1 })
      expect(e.rejections).toEqual([
        { reason: '(tệp): Tên tệp "…" trùng với nhiều chi bộ', count: 1, rows: 1 },
        { reason: 'Ngày sinh: Ngày không hợp lệ: "…" (tháng N không có ngày N)', count: 1, rows: 1 }
      ])
      // Moves: the row away in another commune was not linked; the 213 row was.
      expect(e.moves.away).toEqual({ rows: 2, correct: 1, recall: 0.5 })
      expect(e.moves.otherCommune).toEqual({ rows: 1, correct: 0, recall: 0 })
      expect(e.moves.withErrors).toEqual({ rows: 1, correct: 0, recall: 0 })
      // The planted swap is expected as a correction (the run records them), so FIELD_MISMATCH plants nothing.
      const cat = (c: string) => e.categories.find((x) => x.category === c)!
      expect([cat("FIELD_MISMATCH").planted, cat("UNREPORTED_TRANSFER").planted, cat("UNREPORTED_TRANSFER").recall]).toEqual([0, 1, 0])
      expect([cat("ROSTER_NOT_SUBMITTED").found, cat("ROSTER_NOT_SUBMITTED").precision]).toEqual([1, 0])
      expect(e.categories.some((c) => c.category === "DATA_CORRECTION")).toBe(false)
      expect(e.corrections.recorded).toBe(true)
      expect(e.corrections.byField).toEqual([
        // DV1 (noise swap) and DV5 (planted swap) found and explained; DV4's year-only date comes with a typo in the name, not in the date: expected too.
        { field: "Ngày sinh", found: 2, explained: 2, expected: 3, recalled: 2 },
        { field: "Họ và tên", found: 2, explained: 1, expected: 1, recalled: 1 }
      ])
      const text = formatEvaluation(e)
      expect(text).toMatch(/files: 4 roster files; resolved 2 \(0\.5000\), wrongly resolved 1, refused 1/)
      expect(text).toContain("rows rejected: 2")
      fs.rmSync(dir, { recursive: true, force: true })
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("expects a planted swap as a FIELD_MISMATCH from a run that records no corrections", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-eval-hand-"))
      const old = line({ category: "FIELD_MISMATCH", memberIds: ["DV5"], rosterRows: [{ file: "DB1/thon Tay.xlsx", sheet: "Danh sách", row: 10 }], field: "Ngày sinh" })
      const noiseSwap = line({ category: "FIELD_MISMATCH", memberIds: ["DV1"], rosterRows: [{ file: "DB1/CB01_thon_Dong.csv", sheet: "x", row: 2 }], field: "Ngày sinh" })
      const e = yield* runIn(dir, `${old}\n${noiseSwap}\n`)
      const fm = e.categories.find((x) => x.category === "FIELD_MISMATCH")!
      expect([fm.planted, fm.found, fm.matched]).toEqual([1, 2, 1])
      expect(e.corrections.recorded).toBe(false)
      expect(e.corrections.findingsThatAreCorrections).toBe(2)
      fs.rmSync(dir, { recursive: true, force: true })
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("recon evaluate on a generated province", () => {
  it.effect("a run on a small province scores its links, findings and blocking against truth.json", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-eval-"))
      const truth = yield* Effect.promise(() => generateProvince({ members: 2_500, seed: 11, out: dir }))
      const out = path.join(dir, "out")
      yield* run(annualRosterMatching, {
        central: path.join(dir, "central.xlsx"),
        rosters: path.join(dir, "rosters"),
        out,
        asOf: "2026-10-31",
        db: path.join(out, "state.sqlite")
      })
      const e = yield* evaluateRun({ truth: path.join(dir, "truth.json"), run: out, settings: annualRosterMatching.match, blocking: true })
      expect(e.links.truePairs).toBeGreaterThan(2_000)
      // Files named as clerks name them: what is resolved is resolved right, the rest is refused, never guessed.
      const f = e.files!
      expect(f.files).toBe(truth.rosterFiles)
      expect(f.resolved + f.wronglyResolved + f.refused + f.notInRun).toBe(f.files)
      expect(f.wronglyResolved).toBe(0)
      // Every truth row the run did not report is accounted for by a rejection (a refused file's rows, a rejected row).
      expect(e.rejections!.reduce((a, g) => a + g.rows, 0)).toBe(e.links.rowsMissingFromRun)
      expect(e.links.precision).toBeGreaterThanOrEqual(0.998)
      // Of the rows the run read, nearly all reach their member.
      expect(e.links.correct / (e.links.truePairs - e.links.rowsMissingFromRun)).toBeGreaterThanOrEqual(0.99)
      expect(e.blocking!.recall).toBeGreaterThanOrEqual(0.995)
      expect(e.blocking!.perRule!.map((r) => r.rule)).toEqual(annualRosterMatching.match.blocking.map((r) => r.name))
      expect(e.moves.away.rows).toBeGreaterThan(50)
      // The legitimate double listings and hard negatives are planted.
      expect(e.decoys.map((d) => d.kind).sort()).toEqual([
        "NAMESAKE_SAME_BIRTH_DATE",
        "NAMESAKE_SAME_BIRTH_YEAR_SAME_COMMUNE",
        "PENDING_TRANSFER_IN_WINDOW",
        "RESIDENCE_213",
        "TEMPORARY_WITH_TRANSFER",
        "TWIN"
      ])
      expect(e.decoys.find((d) => d.kind === "RESIDENCE_213")!.planted).toBeGreaterThan(20)
      // Cells without a list and the corrections are planted, and scored as such.
      const ns = e.categories.find((c) => c.category === "ROSTER_NOT_SUBMITTED")!
      expect(ns.planted).toBeGreaterThanOrEqual(2)
      expect(ns.recall).toBe(1)
      expect(e.corrections.planted).toBe(true)
      for (const c of e.corrections.byField) {
        expect(c.expected, c.field).toBeGreaterThan(10)
        expect(c.explained / c.found, c.field).toBeGreaterThanOrEqual(0.95)
        expect(c.recalled / c.expected, c.field).toBeGreaterThanOrEqual(0.95)
      }
      expect(formatEvaluation(e)).toMatch(/^files: \d+ roster files; resolved/)
      fs.rmSync(dir, { recursive: true, force: true })
    }).pipe(Effect.provide(NodeContext.layer)), 180_000)
})
