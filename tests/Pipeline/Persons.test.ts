/**
 * Persons leave the run: persons.csv in --out and the persons table in the state database, with
 * the same person ids when the same inputs are run again (into another --out and database).
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sample } from "../../pipelines/sample.js"
import { readCentral } from "../../src/Ingest/Central.js"
import { parseRosterRows } from "../../src/Report/PersonsCsv.js"
import { run } from "../../src/Pipeline/Run.js"

const runInto = (out: string) =>
  run(sample, {
    central: "samples/central.xlsx",
    rosters: "samples/rosters",
    out,
    asOf: sample.defaults.asOf!,
    db: path.join(out, "state.sqlite")
  }).pipe(Effect.provide(NodeContext.layer))

const readCsv = (file: string) => parse(fs.readFileSync(file, "utf8"), { columns: true }) as Array<Record<string, string>>

describe("persons of the sample run", () => {
  it.effect("are written to persons.csv and the state database, with the same ids in a second run", () =>
    Effect.gen(function*() {
      const outA = fs.mkdtempSync(path.join(os.tmpdir(), "recon-persons-a-"))
      const outB = fs.mkdtempSync(path.join(os.tmpdir(), "recon-persons-b-"))
      const a = yield* runInto(outA)
      const b = yield* runInto(outB)

      const textA = fs.readFileSync(path.join(outA, "persons.csv"), "utf8")
      const textB = fs.readFileSync(path.join(outB, "persons.csv"), "utf8")
      expect(textB).toBe(textA)
      expect(textA.startsWith("person_id,member_ids,roster_rows\n")).toBe(true)
      expect(a.manifest.outputs.map((o) => path.basename(o.path))).toContain("persons.csv")
      const listed = a.manifest.outputs.find((o) => o.path.endsWith("persons.csv"))!
      expect(listed.bytes).toBe(Buffer.byteLength(textA))

      const persons = readCsv(path.join(outA, "persons.csv"))
      // Every central record is in exactly one person; the id is "P-" + its smallest member id.
      const central = yield* readCentral("samples/central.xlsx")
      const members = persons.flatMap((p) => p.member_ids!.split(";"))
      expect(new Set(members).size).toBe(members.length)
      expect(members.sort()).toEqual(central.data.members.map((m) => m.id).sort())
      for (const p of persons) expect(p.person_id).toBe(`P-${p.member_ids!.split(";").sort()[0]}`)
      expect(persons.map((p) => p.person_id)).toEqual(persons.map((p) => p.person_id).sort())
      // The sample plants central duplicates: some persons gather two records.
      const merged = persons.filter((p) => p.member_ids!.includes(";"))
      expect(merged.length).toBeGreaterThanOrEqual(a.discrepancies.filter((d) => d.category === "DUPLICATE_CENTRAL").length)

      // The roster rows of the persons are exactly the linked rows of links.csv, each under its member's person.
      const personOf = new Map(persons.flatMap((p) => p.member_ids!.split(";").map((m) => [m, p.person_id!] as const)))
      const linked = readCsv(path.join(outA, "links.csv")).filter((l) => l.member_id !== "")
      const fromPersons = persons.flatMap((p) =>
        parseRosterRows(p.roster_rows!).map((r) => `${r.file}|${r.sheet}|${r.row}|${p.person_id}`)
      )
      expect(fromPersons.sort()).toEqual(linked.map((l) => `${l.file}|${l.sheet}|${l.row}|${personOf.get(l.member_id!)}`).sort())

      // The state database of each run holds the same persons.
      const stored = (out: string, runId: number) => {
        const db = new Database(path.join(out, "state.sqlite"), { readonly: true })
        try {
          return db.prepare("SELECT person_id, member_id FROM persons WHERE run_id = ? ORDER BY member_id").all(runId)
        } finally {
          db.close()
        }
      }
      const rowsA = stored(outA, a.runId)
      expect(rowsA).toHaveLength(members.length)
      expect(rowsA).toEqual(members.sort().map((m) => ({ person_id: personOf.get(m), member_id: m })))
      expect(stored(outB, b.runId)).toEqual(rowsA)
      fs.rmSync(outA, { recursive: true, force: true })
      fs.rmSync(outB, { recursive: true, force: true })
    }), 180_000)
})
