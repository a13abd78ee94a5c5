import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import Database from "better-sqlite3"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import type { Discrepancy, Link } from "../../src/Domain.js"
import { runToObject } from "../../src/Report/RunJson.js"
import { evidenceHash } from "../../src/Store/EvidenceHash.js"
import {
  discrepanciesOfRun,
  latestRun,
  linksOfRun,
  personsOfRun,
  type RunRecord,
  saveRun,
  StoreLive
} from "../../src/Store/RunStore.js"
import { discrepancies, manifest } from "../Report/fixtures.js"

/** 2,000 links: more than one 999-variable batch (166 rows of 6 columns). */
const manyLinks: ReadonlyArray<Link> = Array.from({ length: 2000 }, (_, i) => ({
  file: `kp${i % 7}/danh sách ${i % 3}.xlsx`,
  sheet: "Trang 1",
  row: i + 2,
  memberId: i % 5 === 0 ? null : `DV${String(i).padStart(6, "0")}`,
  score: i % 5 === 0 ? null : (i % 1000) / 1000
}))

/** 150 findings: more than one 66-row batch of 15 columns. */
const manyDiscrepancies: ReadonlyArray<Discrepancy> = [
  ...discrepancies,
  ...Array.from({ length: 144 }, (_, i): Discrepancy => ({
    id: `NIC-${String(i).padStart(8, "0")}`,
    category: "NOT_IN_CENTRAL",
    kind: "finding",
    unitCode: i % 2 === 0 ? "CB01" : null,
    memberIds: [],
    rosterRows: [{ file: "kp1/ds.xlsx", sheet: "Trang 1", row: i + 2 }],
    score: null,
    reason: "Có trong danh sách chi bộ nhưng không tìm thấy hồ sơ trong CSDL.",
    recommendation: "Cập nhật cơ sở dữ liệu"
  }))
]

const record = (): RunRecord => ({ manifest: manifest(), links: manyLinks, discrepancies: manyDiscrepancies })

const tempDb = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const dir = yield* fs.makeTempDirectoryScoped({ prefix: "recon-store-" })
  // A parent that does not exist yet: StoreLive creates it.
  return NodePath.join(dir, "nested", "store", "recon.sqlite")
}).pipe(Effect.provide(NodeContext.layer))

const count = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql<{ n: number }>`SELECT count(*) AS n FROM ${sql(table)}`, (rows) => rows[0]?.n ?? -1))

describe("RunStore", () => {
  it.scoped("migrates a new file, saves a run with 2,000 links and reads it back", () =>
    Effect.gen(function*() {
      const filename = yield* tempDb
      const runId = yield* Effect.provide(
        Effect.gen(function*() {
          expect(yield* latestRun()).toEqual(Option.none())
          const id = yield* saveRun(record())
          const links = yield* linksOfRun(id)
          expect(links).toEqual(manyLinks)
          const ds = yield* discrepanciesOfRun(id)
          expect(ds.map(({ evidenceHash: _, ...d }) => d)).toEqual(manyDiscrepancies)
          expect(ds.map((d) => d.evidenceHash)).toEqual(manyDiscrepancies.map(evidenceHash))
          const latest = Option.getOrThrow(yield* latestRun())
          expect(latest).toEqual({
            id,
            startedAt: "2025-04-01T08:29:58.000Z",
            finishedAt: "2025-04-01T08:30:01.250Z",
            asOf: "2025-03-31",
            toolVersion: "0.1.0",
            summaryJson: JSON.stringify(runToObject(manifest(), false))
          })
          const sql = yield* SqlClient.SqlClient
          const inputs = yield* sql`SELECT role, path, rows_read, rows_ingested, rows_rejected, error
            FROM run_inputs WHERE run_id = ${id} ORDER BY rowid`
          expect(inputs).toEqual([
            { role: "central", path: "data/csdl-2025-03.xlsx", rows_read: null, rows_ingested: null, rows_rejected: null, error: null },
            { role: "roster", path: "kp1/ds-2025.xlsx", rows_read: 3, rows_ingested: 2, rows_rejected: 1, error: null },
            { role: "roster", path: "kp2/ds,2025.xlsx", rows_read: 2, rows_ingested: 2, rows_rejected: 0, error: null },
            { role: "roster", path: "kp3/hong.xlsx", rows_read: 0, rows_ingested: 0, rows_rejected: 0,
              error: "Tệp bị hỏng, không mở được; lưu lại tệp bằng Excel rồi chạy lại." },
            { role: "roster", path: "kp4/khong-ro.xlsx", rows_read: 0, rows_ingested: 0, rows_rejected: 0,
              error: "Không xác định được chi bộ của tệp; đặt tên tệp theo mã chi bộ." }
          ])
          return id
        }),
        StoreLive(filename)
      )
      expect(runId).toBe(1)
      expect(NodeFs.existsSync(filename)).toBe(true)
    }))

  it.scoped("a second open applies no migration again and keeps the data; runs get increasing ids", () =>
    Effect.gen(function*() {
      const filename = yield* tempDb
      const first = yield* Effect.provide(saveRun(record()), StoreLive(filename))
      const second = yield* Effect.provide(
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const migrations = yield* sql<{ migration_id: number; name: string }>`
            SELECT migration_id, name FROM effect_sql_migrations`
          expect(migrations).toEqual([
            { migration_id: 1, name: "create_run_tables" },
            { migration_id: 2, name: "review_decisions" },
            { migration_id: 3, name: "persons" }
          ])
          expect(yield* count("links")).toBe(2000)
          const id = yield* saveRun({ ...record(), links: manyLinks.slice(0, 10), discrepancies: [] })
          expect(Option.map(yield* latestRun(), (r) => r.id)).toEqual(Option.some(id))
          expect(yield* discrepanciesOfRun(id)).toEqual([])
          expect(yield* linksOfRun(id)).toHaveLength(10)
          expect(yield* discrepanciesOfRun(first)).toHaveLength(manyDiscrepancies.length)
          return id
        }),
        StoreLive(filename)
      )
      expect(second).toBe(first + 1)
      // Third open, still one row per migration.
      const migrationRows = yield* Effect.provide(count("effect_sql_migrations"), StoreLive(filename))
      expect(migrationRows).toBe(3)
    }))

  it.scoped("saves the persons of a run and reads them back by run (ids stable, members ascending)", () =>
    Effect.gen(function*() {
      const filename = yield* tempDb
      // 1,200 persons, 1,500 member rows: more than one 333-row batch of 3 columns.
      const persons = Array.from({ length: 1200 }, (_, i) => {
        const id = `DV${String(i * 10).padStart(6, "0")}`
        return { personId: `P-${id}`, memberIds: i % 4 === 0 ? [id, `DV9${String(i).padStart(5, "0")}`] : [id] }
      })
      const [first, second] = yield* Effect.provide(
        Effect.gen(function*() {
          const a = yield* saveRun({ ...record(), persons })
          // The next run: one person fewer, another record joined to the first person.
          const b = yield* saveRun({
            ...record(),
            persons: [{ personId: persons[0]!.personId, memberIds: [...persons[0]!.memberIds, "DV999999"] }, ...persons.slice(2)]
          })
          expect(yield* count("persons")).toBe(1500 + 1500)
          return [a, b] as const
        }),
        StoreLive(filename)
      )
      // Reopened: the persons survive on disk.
      yield* Effect.provide(
        Effect.gen(function*() {
          expect(yield* personsOfRun(first)).toEqual(persons)
          const later = yield* personsOfRun(second)
          expect(later).toHaveLength(1199)
          expect(later[0]).toEqual({ personId: "P-DV000000", memberIds: ["DV000000", "DV900000", "DV999999"] })
          // Following a person across runs by its id.
          const sql = yield* SqlClient.SqlClient
          const runs = yield* sql<{ run_id: number }>`SELECT DISTINCT run_id FROM persons
            WHERE person_id = ${"P-DV000010"} ORDER BY run_id`
          expect(runs.map((r) => r.run_id)).toEqual([first])
          expect(yield* personsOfRun(second + 1)).toEqual([])
        }),
        StoreLive(filename)
      )
      const db = new Database(filename, { readonly: true })
      try {
        expect(db.prepare("SELECT count(*) AS n FROM persons WHERE run_id = ?").get(first)).toEqual({ n: 1500 })
      } finally {
        db.close()
      }
    }))

  it.scoped("a run saved without persons has none, and one member cannot be in two persons of a run", () =>
    Effect.gen(function*() {
      const filename = yield* tempDb
      yield* Effect.provide(
        Effect.gen(function*() {
          const id = yield* saveRun(record())
          expect(yield* personsOfRun(id)).toEqual([])
          const error = yield* Effect.flip(saveRun({
            ...record(),
            persons: [{ personId: "P-DV1", memberIds: ["DV1", "DV2"] }, { personId: "P-DV2", memberIds: ["DV2"] }]
          }))
          expect(error._tag).toBe("SqlError")
          expect(yield* count("runs")).toBe(1)
        }),
        StoreLive(filename)
      )
    }))

  it.scoped("a failing save leaves nothing behind (one transaction)", () =>
    Effect.gen(function*() {
      const filename = yield* tempDb
      const first = discrepancies[0]!
      yield* Effect.provide(
        Effect.gen(function*() {
          // The same finding id twice in a run violates the primary key after links were inserted.
          const error = yield* Effect.flip(saveRun({ ...record(), discrepancies: [first, first] }))
          expect(error._tag).toBe("SqlError")
          expect(yield* count("runs")).toBe(0)
          expect(yield* count("run_inputs")).toBe(0)
          expect(yield* count("links")).toBe(0)
          expect(yield* latestRun()).toEqual(Option.none())
        }),
        StoreLive(filename)
      )
    }))

  it.scoped("an unusable store path fails with a Vietnamese StoreError", () =>
    Effect.gen(function*() {
      const filename = yield* tempDb
      // The parent "directory" is a regular file.
      NodeFs.mkdirSync(NodePath.dirname(NodePath.dirname(filename)), { recursive: true })
      NodeFs.writeFileSync(NodePath.dirname(filename), "not a directory")
      const error = yield* Effect.flip(Effect.provide(latestRun(), StoreLive(filename)))
      expect(error._tag).toBe("StoreError")
      expect(error.message).toContain("Không mở được cơ sở dữ liệu lưu kết quả")
    }))
})

describe("evidenceHash", () => {
  const d = discrepancies.find((x) => x.category === "DUPLICATE_ROSTER")!

  it("ignores wording and the order of members and rows", () => {
    expect(evidenceHash({ ...d, reason: "Khác", recommendation: "Gộp hồ sơ trùng", score: 0.1, id: "x" }))
      .toBe(evidenceHash(d))
    expect(evidenceHash({ ...d, rosterRows: [...d.rosterRows].reverse() })).toBe(evidenceHash(d))
    expect(evidenceHash({ ...d, memberIds: ["B", "A"] })).toBe(evidenceHash({ ...d, memberIds: ["A", "B"] }))
    expect(evidenceHash(d)).toMatch(/^[0-9a-f]{64}$/)
  })

  it("changes when the evidence changes", () => {
    const base = evidenceHash(d)
    expect(evidenceHash({ ...d, rosterRows: [d.rosterRows[0]!] })).not.toBe(base)
    expect(evidenceHash({ ...d, category: "DUPLICATE_CENTRAL" })).not.toBe(base)
    expect(evidenceHash({ ...d, field: "birth" })).not.toBe(base)
    expect(evidenceHash({ ...d, field: "birth", centralValue: "1958" }))
      .not.toBe(evidenceHash({ ...d, field: "birth", rosterValue: "1958" }))
  })
})
