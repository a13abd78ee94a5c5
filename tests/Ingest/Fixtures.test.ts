/**
 * The ugly-roster corpus (tests/fixtures/rosters/, rebuilt by `npx tsx tests/fixtures/build.ts`)
 * read through the real ingestion path and compared field by field with expected.json.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { PartialDate, Rejection, RosterRow } from "../../src/Domain.js"
import type { RosterIngest } from "../../src/Ingest/Roster.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"
import { parseUnitAliases } from "../../src/Ingest/Units.js"
import { type ExpectedDate, type FixtureManifest, writeRosterFixtures } from "../../samples/generators/Fixtures.js"
import { removeTempDirs, tempDir } from "./fixtures.js"

const ROOT = path.join(import.meta.dirname, "..", "fixtures", "rosters")
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "expected.json"), "utf8")) as FixtureManifest
const aliases = parseUnitAliases(fs.readFileSync(path.join(ROOT, "aliases.csv"), "utf8"))

let result: RosterIngest
beforeAll(async () => {
  result = await Effect.runPromise(ingestRosters(path.join(ROOT, "files"), manifest.units, { aliases: aliases.aliases }))
})
afterAll(removeTempDirs)

const date = (x: PartialDate | null): ExpectedDate | null => (x === null ? null : { year: x.year, month: x.month, day: x.day })
const inFile = <A extends { readonly file: string }>(xs: ReadonlyArray<A>, file: string) => xs.filter((x) => x.file === file)

describe("the roster fixture corpus", () => {
  it("is what the generator writes (rebuild with npx tsx tests/fixtures/build.ts)", async () => {
    const dir = tempDir("fixtures")
    const fresh = await writeRosterFixtures(dir)
    expect(JSON.parse(JSON.stringify(fresh))).toEqual(manifest)
    for (const file of Object.keys(manifest.files)) {
      expect(fs.readFileSync(path.join(dir, "files", file)).equals(fs.readFileSync(path.join(ROOT, "files", file))), file).toBe(true)
    }
  })

  it("reads the alias table from its CSV", () => {
    expect(aliases.problems).toEqual([])
    expect(aliases.aliases).toEqual(manifest.aliases)
  })

  it("has every file on disk and in expected.json, nothing else", () => {
    expect(result.files.map((f) => f.file).sort()).toEqual(Object.keys(manifest.files).sort())
  })

  describe.each(Object.entries(manifest.files))("%s", (file, exp) => {
    it("accounts for every row: read = ingested + rejected, and as expected", () => {
      const s = result.files.find((f) => f.file === file)!
      expect(s.rowsRead).toBe(s.rowsIngested + s.rowsRejected)
      expect({ kind: s.kind, unitCode: s.unitCode, rowsRead: s.rowsRead, rowsIngested: s.rowsIngested, rowsRejected: s.rowsRejected }).toEqual({
        kind: exp.kind,
        unitCode: exp.unitCode,
        rowsRead: exp.rowsRead,
        rowsIngested: exp.rowsIngested,
        rowsRejected: exp.rowsRejected
      })
      if (exp.error === null) expect(s.error).toBeNull()
      else expect(s.error).toContain(exp.error)
      if (s.error === null) expect(s.sha256).toMatch(/^[0-9a-f]{64}$/)
    })

    it("reads each row field by field", () => {
      const rows = inFile(result.rows, file)
      expect(rows.map((r) => `${r.sheet}!${r.row}`)).toEqual(exp.rows.map((r) => `${r.sheet}!${r.row}`))
      exp.rows.forEach((e, i) => {
        const r: RosterRow = rows[i]!
        const at = `${file} ${e.sheet}!${e.row}`
        expect(r.name.display, at).toBe(e.display)
        if (e.key !== undefined) expect(r.name.key, at).toBe(e.key)
        expect(r.kind, at).toBe(e.kind)
        expect(r.sex, at).toBe(e.sex)
        expect(date(r.birth), at).toEqual(e.birth)
        expect(r.unitCode, at).toBe(exp.unitCode)
        const optional = ["hometown", "cccd", "cardNo", "lyLich", "memberId", "exempt", "note"] as const
        for (const k of optional) if (e[k] !== undefined) expect(r[k] ?? null, `${at} ${k}`).toEqual(e[k])
        if (e.admitted !== undefined) expect(date(r.admitted), `${at} admitted`).toEqual(e.admitted)
        if (e.official !== undefined) expect(date(r.official), `${at} official`).toEqual(e.official)
        const warnings = e.warnings ?? []
        expect(r.warnings.length, `${at} warnings ${JSON.stringify(r.warnings)}`).toBe(warnings.length)
        warnings.forEach((w, k) => expect(r.warnings[k], at).toContain(w))
      })
    })

    it("rejects with file, sheet, row, column and a reason", () => {
      const rej: ReadonlyArray<Rejection> = inFile(result.rejections, file)
      expect(rej.map((r) => ({ sheet: r.sheet, row: r.row, column: r.column }))).toEqual(
        exp.rejections.map((r) => ({ sheet: r.sheet, row: r.row, column: r.column }))
      )
      exp.rejections.forEach((e, i) => expect(rej[i]!.reason).toContain(e.reason))
      for (const w of exp.warnings ?? []) expect(inFile(result.warnings, file).map((x) => x.reason).join("\n")).toContain(w)
    })
  })

  it("gives the same rows, rejections and accounting when read by a worker thread", async () => {
    const pooled = await Effect.runPromise(ingestRosters(path.join(ROOT, "files"), manifest.units, { aliases: aliases.aliases, workers: 1 }))
    expect(pooled).toEqual(result)
  }, 30_000)
})
