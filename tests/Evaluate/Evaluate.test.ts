import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import {
  decoyMetrics,
  discrepancyMetrics,
  findingKey,
  formatEvaluation,
  linkMetrics,
  parseLinksCsv
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
      ...m
    })
    expect(lines).toContain("RESIDENCE_213")
    expect(lines).toMatch(/flagged decoys \(first 20\):\n  RESIDENCE_213 \[DV1\]/)
  })
})

describe("recon evaluate on a generated province", () => {
  it.effect("a run on a small province scores its links, findings and blocking against truth.json", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-eval-"))
      yield* Effect.promise(() => generateProvince({ members: 2_500, seed: 11, out: dir }))
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
      expect(e.links.rowsMissingFromRun).toBe(0)
      expect(e.links.precision).toBeGreaterThanOrEqual(0.998)
      expect(e.links.recall).toBeGreaterThanOrEqual(0.995)
      expect(e.blocking!.recall).toBeGreaterThanOrEqual(0.995)
      for (const c of e.categories.filter((x) => x.planted > 0)) expect([c.category, c.recall >= 0.9]).toEqual([c.category, true])
      // The legitimate double listings and hard negatives are planted and none is raised.
      expect(e.decoys.map((d) => d.kind).sort()).toEqual([
        "NAMESAKE_SAME_BIRTH_YEAR_SAME_COMMUNE",
        "PENDING_TRANSFER_IN_WINDOW",
        "RESIDENCE_213",
        "TEMPORARY_WITH_TRANSFER",
        "TWIN"
      ])
      expect(e.decoys.find((d) => d.kind === "RESIDENCE_213")!.planted).toBeGreaterThan(20)
      expect(e.flaggedDecoys).toEqual([])
      expect(formatEvaluation(e)).toMatch(/^links: precision/)
      fs.rmSync(dir, { recursive: true, force: true })
    }).pipe(Effect.provide(NodeContext.layer)), 180_000)
})
