import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import type { Discrepancy } from "../../src/Domain.js"
import {
  discrepanciesToJsonl,
  discrepancyToJson,
  writeDiscrepanciesJsonl
} from "../../src/Report/DiscrepanciesJsonl.js"
import { discrepancies } from "./fixtures.js"

const fieldMismatch = discrepancies.find((d) => d.category === "FIELD_MISMATCH")!
const missing = discrepancies.find((d) => d.category === "MISSING_FROM_ROSTER")!

describe("discrepancyToJson", () => {
  it("emits keys in contract order, with field/values only when present", () => {
    expect(Object.keys(JSON.parse(discrepancyToJson(fieldMismatch)))).toEqual([
      "id", "category", "kind", "unitCode", "memberIds", "rosterRows", "score",
      "field", "centralValue", "rosterValue", "reason", "recommendation"
    ])
    expect(Object.keys(JSON.parse(discrepancyToJson(missing)))).toEqual([
      "id", "category", "kind", "unitCode", "memberIds", "rosterRows", "score", "reason", "recommendation"
    ])
  })

  it("writes kind right after category, and caveats after checks only when there are any", () => {
    const correction: Discrepancy = { ...fieldMismatch, category: "DATA_CORRECTION", kind: "correction", checks: [] }
    const o = JSON.parse(discrepancyToJson(correction))
    expect(Object.keys(o).slice(0, 3)).toEqual(["id", "category", "kind"])
    expect(o.kind).toBe("correction")
    expect(o).not.toHaveProperty("caveats")
    const caveated: Discrepancy = { ...missing, checks: ["TRANSFER_WINDOW"], caveats: ["INPUT_INCOMPLETE"] }
    expect(Object.keys(JSON.parse(discrepancyToJson(caveated))).slice(-2)).toEqual(["checks", "caveats"])
    expect(Object.keys(JSON.parse(discrepancyToJson({ ...caveated, caveats: [] })))).not.toContain("caveats")
  })

  it("does not depend on the key order of the object it is given", () => {
    const { reason, id, ...rest } = fieldMismatch
    const shuffled: Discrepancy = { reason, ...rest, id }
    expect(discrepancyToJson(shuffled)).toBe(discrepancyToJson(fieldMismatch))
  })

  it("keeps only file, sheet and row of roster rows, and null score/unit as null", () => {
    const d: Discrepancy = {
      ...missing,
      unitCode: null,
      rosterRows: [{ file: "a.xlsx", sheet: "S", row: 3, extra: "dropped" } as never]
    }
    expect(discrepancyToJson(d)).toBe(
      "{\"id\":\"MFR-3f2a9c01\",\"category\":\"MISSING_FROM_ROSTER\",\"kind\":\"finding\",\"unitCode\":null,\"memberIds\":[\"DV0002\"]," +
        "\"rosterRows\":[{\"file\":\"a.xlsx\",\"sheet\":\"S\",\"row\":3}],\"score\":null," +
        "\"reason\":\"Đảng viên có trong CSDL của Chi bộ Khu phố 1 nhưng không có trong danh sách chi bộ.\"," +
        "\"recommendation\":\"Xác minh\"}"
    )
  })

  it("keeps an empty-string value (present, not absent) and does not spreadsheet-escape", () => {
    const d: Discrepancy = { ...fieldMismatch, centralValue: "", rosterValue: "=1+1" }
    const o = JSON.parse(discrepancyToJson(d))
    expect(o.centralValue).toBe("")
    expect(o.rosterValue).toBe("=1+1")
  })
})

describe("discrepanciesToJsonl", () => {
  it("round-trips: one object per line, in order, final newline", () => {
    const text = discrepanciesToJsonl(discrepancies)
    expect(text.endsWith("\n")).toBe(true)
    expect(text).not.toContain("\r")
    const lines = text.slice(0, -1).split("\n")
    expect(lines).toHaveLength(discrepancies.length)
    expect(lines.map((l) => JSON.parse(l))).toEqual(discrepancies.map((d) => JSON.parse(JSON.stringify(d))))
  })

  it("is empty for no findings", () => {
    expect(discrepanciesToJsonl([])).toBe("")
  })
})

describe("writeDiscrepanciesJsonl", () => {
  it.scoped("writes UTF-8 with Vietnamese intact, byte-identical on a second run", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-jsonl-" })
      const path = NodePath.join(dir, "discrepancies.jsonl")
      const first = yield* writeDiscrepanciesJsonl(path, discrepancies)
      const bytes = NodeFs.readFileSync(path)
      expect(bytes.toString("utf8")).toContain("Đảng viên có trong CSDL")
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false)
      const second = yield* writeDiscrepanciesJsonl(path, discrepancies)
      expect(second.sha256).toBe(first.sha256)
      expect(NodeFs.readdirSync(dir)).toEqual(["discrepancies.jsonl"])
    }).pipe(Effect.provide(NodeContext.layer)))
})
