import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { formatScore, linksToCsv, quoteCsv, writeLinksCsv } from "../../src/Report/LinksCsv.js"
import { links } from "./fixtures.js"

describe("quoteCsv", () => {
  it.each([
    ["plain", "plain"],
    ["Danh sách", "Danh sách"],
    ["a,b", "\"a,b\""],
    ["say \"hi\"", "\"say \"\"hi\"\"\""],
    ["two\nlines", "\"two\nlines\""],
    ["cr\rhere", "\"cr\rhere\""],
    ["", ""]
  ])("%j → %j", (input, expected) => {
    expect(quoteCsv(input)).toBe(expected)
  })

  it.prop("any fields survive csv-parse", [fc.array(fc.string(), { minLength: 1, maxLength: 5 })], ([fields]) => {
    const line = fields.map(quoteCsv).join(",") + "\n"
    const parsed = parse(line, { relax_column_count: false }) as Array<Array<string>>
    expect(parsed).toEqual([fields])
  })
})

describe("formatScore", () => {
  it.each([
    [null, ""],
    [1, "1"],
    [0, "0"],
    [0.5, "0.5"],
    [0.97123456, "0.9712"],
    [0.99995, "1"],
    [0.00001, "0"],
    [Number.NaN, ""]
  ])("%s → %j", (score, expected) => {
    expect(formatScore(score)).toBe(expected)
  })

  it.prop("at most 4 decimals, no exponent, within 0.00005", [fc.double({ min: 0, max: 1, noNaN: true })], ([s]) => {
    const text = formatScore(s)
    expect(text).toMatch(/^[01](\.\d{1,4})?$/)
    expect(Math.abs(Number(text) - s)).toBeLessThanOrEqual(0.00005 + 1e-12)
  })
})

describe("linksToCsv", () => {
  it("writes the header and one quoted/escaped line per link", () => {
    expect(linksToCsv(links)).toBe(
      "file,sheet,row,member_id,score\n" +
        "kp1/ds-2025.xlsx,Danh sách,5,DV0001,0.9712\n" +
        "kp1/ds-2025.xlsx,Danh sách,6,,\n" +
        "\"kp2/ds,2025.xlsx\",\"Trang \"\"1\"\"\",7,DV0003,1\n" +
        "\"kp2/ghi chú\nmới.csv\",'=cmd,8,'+DV0005,0.5\n"
    )
  })

  it("parses back with csv-parse to the same rows (escape aside)", () => {
    const records = parse(linksToCsv(links), { columns: true }) as Array<Record<string, string>>
    expect(records.map((r) => [r.file, r.sheet, r.row, r.member_id, r.score])).toEqual([
      ["kp1/ds-2025.xlsx", "Danh sách", "5", "DV0001", "0.9712"],
      ["kp1/ds-2025.xlsx", "Danh sách", "6", "", ""],
      ["kp2/ds,2025.xlsx", "Trang \"1\"", "7", "DV0003", "1"],
      ["kp2/ghi chú\nmới.csv", "'=cmd", "8", "'+DV0005", "0.5"]
    ])
  })

  it("is just the header for no links", () => {
    expect(linksToCsv([])).toBe("file,sheet,row,member_id,score\n")
  })
})

describe("writeLinksCsv", () => {
  it.scoped("writes plain UTF-8 without BOM", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-links-" })
      const path = NodePath.join(dir, "links.csv")
      const written = yield* writeLinksCsv(path, links)
      const bytes = NodeFs.readFileSync(path)
      expect(bytes.subarray(0, 4).toString("utf8")).toBe("file")
      expect(bytes.toString("utf8")).toBe(linksToCsv(links))
      expect(written.bytes).toBe(bytes.length)
    }).pipe(Effect.provide(NodeContext.layer)))
})
