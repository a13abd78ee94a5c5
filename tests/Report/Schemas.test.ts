/**
 * The outputs' schemas (src/Report/Schemas.ts) and the JSON Schema files generated from them
 * (samples/schemas/): the files are what the schemas generate today, and every output of a real
 * sample run, and the reviewed expected result, decode with them (no unknown key allowed).
 */
import { describe, expect, it, vi } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { Either, Schema } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { main } from "../../src/Main.js"
import { DiscrepancyRecord, jsonSchemaFiles, LinksCsvRow, RunRecord } from "../../src/Report/Schemas.js"

const strict = { errors: "all", onExcessProperty: "error" } as const
const decodes = <A, I>(schema: Schema.Schema<A, I>, value: unknown): string | null =>
  Either.match(Schema.decodeUnknownEither(schema, strict)(value), { onLeft: (e) => e.message, onRight: () => null })

const jsonl = (file: string): Array<unknown> =>
  fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))

describe("output schemas", () => {
  it("samples/schemas/ holds what the schemas generate (regenerate: npx tsx src/Build/schemas.ts)", () => {
    for (const [name, text] of Object.entries(jsonSchemaFiles())) {
      expect(fs.readFileSync(path.join("samples/schemas", name), "utf8"), name).toBe(text)
    }
    expect(fs.readdirSync("samples/schemas").sort()).toEqual(Object.keys(jsonSchemaFiles()).sort())
  })

  it("every output of a sample run, and the reviewed expected result, match their schemas", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recon-schemas-"))
    const log = vi.spyOn(console, "log").mockImplementation(() => {})
    try {
      expect(await main(["run", "--pipeline", "sample", "--out", out], { out: () => {}, err: () => {}, isTTY: false, env: {} })).toBe(0)
    } finally {
      log.mockRestore()
    }
    const records = [...jsonl(path.join(out, "discrepancies.jsonl")), ...jsonl("samples/expected/discrepancies.jsonl")]
    expect(records.length).toBeGreaterThan(40)
    for (const r of records) expect(decodes(DiscrepancyRecord, r)).toBeNull()
    const links = parse(fs.readFileSync(path.join(out, "links.csv")), { columns: true, bom: false }) as Array<unknown>
    expect(links.length).toBeGreaterThan(200)
    for (const r of links) expect(decodes(LinksCsvRow, r)).toBeNull()
    expect(decodes(RunRecord, JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8")))).toBeNull()
  }, 120_000)

  it("a record outside the contract is refused with the field named", () => {
    const good = jsonl("samples/expected/discrepancies.jsonl")[0] as Record<string, unknown>
    expect(decodes(DiscrepancyRecord, { ...good, category: "NOPE" })).toMatch(/category/)
    expect(decodes(DiscrepancyRecord, { ...good, surprise: 1 })).toMatch(/surprise/)
    expect(decodes(DiscrepancyRecord, { ...good, rosterRows: [{ file: "a.csv", sheet: "a.csv", row: 0 }] })).toMatch(/row/)
    expect(decodes(LinksCsvRow, { file: "a.csv", sheet: "a.csv", row: "2", member_id: "", score: "2" })).toMatch(/score/)
  })
})
