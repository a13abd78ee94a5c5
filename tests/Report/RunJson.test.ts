import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { Categories } from "../../src/Domain.js"
import { categoryCounts, fileTotals, kindCounts, type RunManifest, runToJson, writeRunJson } from "../../src/Report/RunJson.js"
import { discrepancies, manifest, reviewInput } from "./fixtures.js"

describe("categoryCounts / fileTotals", () => {
  it("counts every category, zero when absent, in Categories order", () => {
    const counts = categoryCounts(discrepancies)
    expect(Object.keys(counts)).toEqual([...Categories])
    expect(counts).toEqual({
      MISSING_FROM_ROSTER: 1,
      ROSTER_NOT_SUBMITTED: 0,
      NOT_IN_CENTRAL: 1,
      UNREPORTED_TRANSFER: 0,
      TRANSFER_OVERDUE: 0,
      DUPLICATE_CENTRAL: 1,
      DUPLICATE_ROSTER: 1,
      FIELD_MISMATCH: 1,
      STATUS_CONFLICT: 1,
      ABSENCE_3_MONTHS: 0,
      DATA_CORRECTION: 0
    })
  })

  it("counts findings and corrections apart", () => {
    const fm = discrepancies.find((d) => d.category === "FIELD_MISMATCH")!
    expect(kindCounts(discrepancies)).toEqual({ finding: discrepancies.length, correction: 0 })
    expect(kindCounts([...discrepancies, { ...fm, category: "DATA_CORRECTION", kind: "correction" }])).toEqual({
      finding: discrepancies.length,
      correction: 1
    })
  })

  it("sums rows over files", () => {
    expect(fileTotals(reviewInput().files)).toEqual({ rowsRead: 5, rowsIngested: 4, rowsRejected: 1 })
    expect(fileTotals([])).toEqual({ rowsRead: 0, rowsIngested: 0, rowsRejected: 0 })
  })
})

describe("runToJson", () => {
  it("uses the contract key order, 2-space indent and a final newline", () => {
    const text = runToJson(manifest())
    const o = JSON.parse(text)
    expect(Object.keys(o)).toEqual([
      "tool", "asOf", "startedAt", "finishedAt", "inputs", "files", "totals", "categories", "timings", "outputs",
      "rejections", "warnings"
    ])
    expect(Object.keys(o.files[0])).toEqual([
      "file", "kind", "unitCode", "sha256", "rowsRead", "rowsIngested", "rowsRejected", "error", "suspectTruncated"
    ])
    expect(Object.keys(o.inputs[0])).toEqual(["role", "path", "sha256"])
    expect(Object.keys(o.timings)).toEqual(["ingest", "match", "rules", "report"])
    expect(o.tool).toEqual({ name: "recon", version: "0.1.0" })
    expect(o.rejections).toEqual([])
    expect(text.startsWith("{\n  \"tool\": {\n    \"name\": \"recon\",")).toBe(true)
    expect(text.endsWith("}\n")).toBe(true)
  })

  it("does not depend on how the manifest object was built, and fills missing categories with 0", () => {
    const m = manifest()
    const { tool, outputs, ...rest } = m
    const reordered = {
      outputs,
      ...rest,
      categories: { FIELD_MISMATCH: 1 } as unknown as RunManifest["categories"],
      tool
    }
    const o = JSON.parse(runToJson(reordered))
    expect(Object.keys(o)[0]).toBe("tool")
    expect(Object.keys(o.categories)).toEqual([...Categories])
    expect(o.categories.FIELD_MISMATCH).toBe(1)
    expect(o.categories.NOT_IN_CENTRAL).toBe(0)
  })

  it("writes the counts by kind after the categories and the cells not covered before the lists", () => {
    const o = JSON.parse(runToJson({
      ...manifest(),
      kinds: { finding: 6, correction: 2 },
      uncoveredCells: [{ unitCode: "CB12", unitName: "Chi bộ Quân sự xã", parentCode: "DB01", activeMembers: 9, why: "NO_ROSTER" }]
    }))
    expect(Object.keys(o)).toEqual([
      "tool", "asOf", "startedAt", "finishedAt", "inputs", "files", "totals", "categories", "kinds", "timings", "outputs",
      "uncoveredCells", "rejections", "warnings"
    ])
    expect(o.kinds).toEqual({ finding: 6, correction: 2 })
    expect(o.uncoveredCells).toEqual([{ unitCode: "CB12", unitName: "Chi bộ Quân sự xã", parentCode: "DB01", activeMembers: 9, why: "NO_ROSTER" }])
  })
})

describe("writeRunJson", () => {
  it.scoped("writes the same text atomically", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-run-" })
      const path = NodePath.join(dir, "run.json")
      yield* writeRunJson(path, manifest())
      expect(NodeFs.readFileSync(path, "utf8")).toBe(runToJson(manifest()))
      expect(NodeFs.readdirSync(dir)).toEqual(["run.json"])
    }).pipe(Effect.provide(NodeContext.layer)))
})
