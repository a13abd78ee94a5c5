/**
 * link-explanations.jsonl: the compact waterfall of each linked row, written from the comparison
 * code the match stage kept, reads back as the waterfall Engine.explainPair computes by comparing
 * the values again (an estimated model with term frequencies, on a generated province).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Engine from "../../src/Match/Engine.js"
import { explainRun, findLinkExplanations, linkExplanationLines } from "../../src/Match/Explained.js"
import { match } from "../../src/Pipeline/Run.js"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import { buildProvince, provinceRecords } from "../../samples/generators/Province.js"

describe("link explanations", () => {
  it("every linked row no finding names reads back with the weights of comparing it again", () => {
    const recs = provinceRecords(buildProvince({ members: 4000, seed: 5 }))
    const m = match(recs.central, recs.rows, annualRosterMatching.match)
    const r = m.result
    expect(r.model.estimated).toBe(true)
    // Progress of the pairs scored: counts rising to the total, from the plain loop (every 4,096 here).
    const progress: Array<[number, number]> = []
    const coder = Engine.coderFor(r.model, r.rows, r.central)
    const again = Engine.compareBlocks(r.rows, r.central, r.rowBlocks, coder, [], (done, total) => void progress.push([done, total]), 4096)
    expect(again.codes).toEqual(r.rowCodes)
    expect(progress.length).toBeGreaterThanOrEqual(Math.floor(r.rowBlocks.totalPairs / 4096) - 1)
    for (let k = 0; k < progress.length; k++) {
      expect(progress[k]![1]).toBe(r.rowBlocks.totalPairs)
      expect(progress[k]![0]).toBeLessThanOrEqual(r.rowBlocks.totalPairs)
      if (k > 0) expect(progress[k]![0] - progress[k - 1]![0]).toBeGreaterThanOrEqual(4096)
    }
    const stored = explainRun(recs.central, recs.rows, r, [])
    const lines = [...linkExplanationLines(recs.central, recs.rows, r, stored)]
    const linked = r.links.filter((l) => l.member >= 0).length
    const storedRows = stored.filter((x) => x.type === "row" && x.candidates.some((c) => c.linked)).length
    expect(lines.length - 1).toBe(linked - storedRows)
    const text = lines.join("\n") + "\n"
    let termFrequencyParts = 0
    for (let i = 0; i < recs.rows.length; i += 23) {
      const j = r.links[i]!.member
      if (j < 0) continue
      const row = recs.rows[i]!
      const [back] = findLinkExplanations(text, (f) => f === row.file, row.row)
      expect(back).toBeDefined()
      const want = Engine.explainPair(r.model, r.rows, i, r.central, j)
      const got = back!.candidates[0]!
      expect(got.member.id).toBe(recs.central.members[j]!.id)
      expect(got.linked).toBe(true)
      expect(got.waterfall.parts.map((p) => [p.comparison, p.level, p.levelLabel])).toEqual(want.parts.map((p) => [p.comparison, p.level, p.levelLabel]))
      got.waterfall.parts.forEach((p, k) => expect(p.weight).toBeCloseTo(want.parts[k]!.weight, 3))
      expect(got.waterfall.probability).toBeCloseTo(want.probability, 8)
      expect(Engine.explainSentence(got.waterfall)).toBe(Engine.explainSentence(want))
      termFrequencyParts += want.parts.filter((p) => p.comparison === "termFrequency").length
    }
    expect(termFrequencyParts).toBeGreaterThan(0)
  }, 120_000)
})
