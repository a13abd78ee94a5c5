/**
 * Issue 9, property: corrupting any one optional field of a roster row never changes the central
 * member the row links to, when its other fields identify it. The sample commune's central data and
 * rosters; one row of one roster file rewritten (as CSV or as xlsx, written and read back) with one
 * field replaced by a value that does not read, then the whole match stage (Pipeline/Run.ts match).
 * "Its other fields identify it": the same row with that field left blank links to that member.
 */
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "fast-check"
import { afterAll, beforeAll } from "vitest"
import { sample } from "../../pipelines/sample.js"
import type { CentralData, RosterRow } from "../../src/Domain.js"
import { readCentral } from "../../src/Ingest/Central.js"
import { readRosterFile } from "../../src/Ingest/Roster.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"
import { makeUnitIndex, type UnitIndex } from "../../src/Ingest/Units.js"
import { envAsOf } from "../../src/Ingest/Fields.js"
import { match } from "../../src/Pipeline/Run.js"
import { removeTempDirs, tempDir, writeFile, writeXlsx } from "./fixtures.js"

const AS_OF = sample.defaults.asOf!
const ROSTERS = "samples/rosters"
const FILE = "Đảng bộ bộ phận Khu Nam/CB05_thon_Nam.csv"
const HEADER = ["Mã chi bộ", "STT", "Họ tên", "Ngày sinh", "Giới tính", "CCCD", "Số thẻ", "Ngày vào Đảng", "Ghi chú"]
/** The optional fields of this file, by column. */
const OPTIONAL = [3, 4, 5, 6, 7, 8] as const

let central: CentralData
let baseRows: ReadonlyArray<RosterRow>
let lines: Array<Array<string>>
let index: UnitIndex
let linkOf: (rows: ReadonlyArray<RosterRow>, row: number) => string | null

const csvLine = (cells: ReadonlyArray<string>) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")

beforeAll(async () => {
  central = (await Effect.runPromise(readCentral("samples/central.xlsx", { asOf: AS_OF }))).data
  baseRows = (await Effect.runPromise(ingestRosters(ROSTERS, central.units, { asOf: AS_OF, workers: 0 }))).rows
  index = makeUnitIndex(central.units)
  const { readFileSync } = await import("node:fs")
  const text = readFileSync(path.join(ROSTERS, FILE), "utf8").replace(/^\uFEFF/, "")
  const all = text.trim().split(/\r?\n/).map((l) => l.split(","))
  expect(all[0]).toEqual(HEADER)
  lines = all.slice(1)
  linkOf = (rows, row) => {
    const outcome = match(central, rows, sample.match)
    return outcome.rows.find((l) => l.row.file === FILE && l.row.row === row)?.memberId ?? null
  }
})
afterAll(removeTempDirs)

/** The sample's rows with FILE's rows replaced by `cells` written in the given format and read back. */
const withFile = async (data: ReadonlyArray<ReadonlyArray<string>>, format: "csv" | "xlsx"): Promise<ReadonlyArray<RosterRow>> => {
  const dir = tempDir("one-bad-field")
  const rel = format === "csv" ? FILE : FILE.replace(/\.csv$/, ".xlsx")
  if (format === "csv") writeFile(path.join(dir, rel), [HEADER, ...data].map(csvLine).join("\n") + "\n")
  else await writeXlsx(path.join(dir, rel), [{ name: "DS", rows: [HEADER, ...data.map((r) => r.map((c) => (c === "" ? null : c)))] }])
  const extract = await readRosterFile(dir, rel, index, envAsOf(AS_OF))
  expect(extract.summary.rowsRead).toBe(data.length)
  expect(extract.rejections).toEqual([])
  // Rows keep FILE's name so links compare with the sample's; the xlsx sheet has the same row numbers.
  return [...baseRows.filter((r) => r.file !== FILE), ...extract.rows.map((r) => ({ ...r, file: FILE }))]
}

/** Values that do not read in each optional column (and any text at all). */
const corruption = fc.oneof(
  fc.constantFrom("93/04/1945", "31/02/1980", "12/05/1885", "01/01/2090", "00/13/1970", "1234", "0105", "12345678901234", "???", "không rõ", "X", "Nam Nữ"),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[,"\n\r]/.test(s) && s.trim() !== "")
)

describe("one bad field", () => {
  it.effect("never changes the member a row links to when its other fields identify it", () =>
    Effect.promise(async () => {
      const blankMemo = new Map<string, string | null>()
      await fc.assert(
        fc.asyncProperty(
          fc.nat(lines.length - 1),
          fc.constantFrom(...OPTIONAL),
          corruption,
          fc.constantFrom("csv" as const, "xlsx" as const),
          async (i, col, bad, format) => {
            const rowNo = format === "csv" ? i + 2 : i + 2
            const before = linkOf(baseRows, i + 2)
            fc.pre(before !== null)
            const key = `${i}:${col}:${format}`
            if (!blankMemo.has(key)) {
              const blank = lines.map((l, k) => (k === i ? l.map((c, j) => (j === col ? "" : c)) : l))
              blankMemo.set(key, linkOf(await withFile(blank, format), rowNo))
            }
            fc.pre(blankMemo.get(key) === before)
            const corrupted = lines.map((l, k) => (k === i ? l.map((c, j) => (j === col ? bad : c)) : l))
            const after = linkOf(await withFile(corrupted, format), rowNo)
            expect(after, `row ${rowNo}, column ${HEADER[col]} = ${JSON.stringify(bad)} (${format})`).toBe(before)
          }
        ),
        { numRuns: 12, seed: 9 }
      )
    }), 240_000)
})
