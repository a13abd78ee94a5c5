import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { unescapeCell } from "../../src/Report/Escape.js"
import {
  parseRosterRows,
  type PersonRecord,
  personsToCsv,
  rowRefText,
  writePersonsCsv
} from "../../src/Report/PersonsCsv.js"

const persons: ReadonlyArray<PersonRecord> = [
  // Given out of order: the file is sorted by person id, members and rows within a line too.
  {
    personId: "P-DV0003",
    memberIds: ["DV0009", "DV0003"],
    rosterRows: [
      { file: "kp2/ds,2025.xlsx", sheet: "Trang \"1\"", row: 12 },
      { file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 7 }
    ]
  },
  { personId: "P-DV0001", memberIds: ["DV0001"], rosterRows: [{ file: "kp1/ds-2025.xlsx", sheet: "Danh sách", row: 5 }] },
  // No roster row: still a person (a member on no list).
  { personId: "P-DV0002", memberIds: ["DV0002"], rosterRows: [] },
  // Separators and a formula start inside names.
  {
    personId: "P-=DV0004",
    memberIds: ["=DV0004"],
    rosterRows: [
      { file: "-kp3/a;b|c\\d.csv", sheet: "a;b|c\\d.csv", row: 2 },
      { file: "-kp3/a;b|c\\d.csv", sheet: "a;b|c\\d.csv", row: 10 }
    ]
  },
  // No central record: not a person of persons.csv.
  { personId: "P-none", memberIds: [], rosterRows: [{ file: "x.csv", sheet: "x.csv", row: 3 }] }
]

describe("personsToCsv", () => {
  it("writes the header and one sorted, quoted, escaped line per person with a central record", () => {
    expect(personsToCsv(persons)).toBe(
      "person_id,member_ids,roster_rows\n" +
        "P-=DV0004,'=DV0004,'-kp3/a\\;b\\|c\\\\d.csv|a\\;b\\|c\\\\d.csv|2;-kp3/a\\;b\\|c\\\\d.csv|a\\;b\\|c\\\\d.csv|10\n" +
        "P-DV0001,DV0001,kp1/ds-2025.xlsx|Danh sách|5\n" +
        "P-DV0002,DV0002,\n" +
        "P-DV0003,DV0003;DV0009,\"kp1/ds-2025.xlsx|Danh sách|7;kp2/ds,2025.xlsx|Trang \"\"1\"\"|12\"\n"
    )
  })

  it("parses back with csv-parse to the same persons", () => {
    const records = parse(personsToCsv(persons), { columns: true }) as Array<Record<string, string>>
    const back = records.map((r) => ({
      personId: unescapeCell(r.person_id!),
      memberIds: unescapeCell(r.member_ids!).split(";"),
      rosterRows: parseRosterRows(unescapeCell(r.roster_rows!))
    }))
    expect(back).toEqual([
      { personId: "P-=DV0004", memberIds: ["=DV0004"], rosterRows: persons[3]!.rosterRows },
      { personId: "P-DV0001", memberIds: ["DV0001"], rosterRows: persons[1]!.rosterRows },
      { personId: "P-DV0002", memberIds: ["DV0002"], rosterRows: [] },
      { personId: "P-DV0003", memberIds: ["DV0003", "DV0009"], rosterRows: [...persons[0]!.rosterRows].reverse() }
    ])
  })

  it("is just the header for no persons", () => {
    expect(personsToCsv([])).toBe("person_id,member_ids,roster_rows\n")
  })

  it.prop(
    "any file and sheet names survive the roster_rows field",
    [fc.array(fc.record({ file: fc.string(), sheet: fc.string(), row: fc.nat() }), { minLength: 1, maxLength: 4 })],
    ([refs]) => {
      expect(parseRosterRows(refs.map(rowRefText).join(";"))).toEqual(refs)
    }
  )
})

describe("writePersonsCsv", () => {
  it.scoped("writes plain UTF-8 without BOM, atomically, and reads back", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-persons-" })
      const path = NodePath.join(dir, "persons.csv")
      NodeFs.writeFileSync(path, "old content")
      const written = yield* writePersonsCsv(path, persons)
      const bytes = NodeFs.readFileSync(path)
      expect(bytes.subarray(0, 6).toString("utf8")).toBe("person")
      expect(bytes.toString("utf8")).toBe(personsToCsv(persons))
      expect(written.bytes).toBe(bytes.length)
      expect(written.sha256).toMatch(/^[0-9a-f]{64}$/)
      // Only the target is left: the temp file was renamed over it.
      expect(NodeFs.readdirSync(dir)).toEqual(["persons.csv"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("fails with a Vietnamese ReportWriteError when the directory does not exist", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-persons-" })
      const error = yield* Effect.flip(writePersonsCsv(NodePath.join(dir, "missing", "persons.csv"), persons))
      expect(error._tag).toBe("ReportWriteError")
      expect(error.message).toContain("Không ghi được tệp kết quả")
    }).pipe(Effect.provide(NodeContext.layer)))
})
