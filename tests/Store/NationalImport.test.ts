/**
 * `recon central import` on real files (a small generated nation: 4 provinces' SQLite exports):
 * the worker-thread path writes the same index as this thread alone; a new index (keys sorted once
 * at the end) and one built province by province (keys inserted into the existing tree, the
 * re-import path) give the same candidates for every key; a re-import replaces one province only;
 * a broken export among good ones is listed with its reason while the others are imported.
 */
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import { generateNational } from "../../samples/generators/National.js"
import { formatImportStats, importNational, type ImportOptions } from "../../src/Store/NationalImport.js"

const opts: ImportOptions = { pipeline: annualRosterMatching.name, rules: annualRosterMatching.match.blocking }

let dir: string
let exports: Array<string>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-national-import-"))
  await generateNational({ members: 4_000, provinces: 4, rosterProvince: "037", seed: 7, out: dir, skipRosterFiles: true })
  exports = fs.readdirSync(path.join(dir, "exports")).filter((f) => f.endsWith(".sqlite")).sort().map((f) => path.join(dir, "exports", f))
}, 120_000)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Everything an index holds, with the members' row ids replaced by (province, member id) and timings left out. */
const contents = (file: string) => {
  const db = new Database(file, { readonly: true })
  try {
    const all = (sql: string) => db.prepare(sql).raw(true).all().map((r) => JSON.stringify(r))
    return {
      members: all(`SELECT province, member_id, unit_code, data FROM central_members ORDER BY province, member_id`),
      // Candidates: for every key, the members it fetches.
      keys: all(`SELECT k.key, m.province, m.member_id FROM central_keys k JOIN central_members m ON m.id = k.member ORDER BY k.key, m.province, m.member_id`),
      units: all(`SELECT * FROM central_units ORDER BY province, unit_code`),
      transfers: all(`SELECT * FROM central_transfers ORDER BY province, member_id, rowid`),
      issues: all(`SELECT * FROM central_issues ORDER BY province, rowid`),
      provinces: all(`SELECT code, name, code_from, source_file, source_sha256, rows_read, rows_rejected, warnings, members, units, transfers FROM central_provinces ORDER BY code`),
      indexes: all(`SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name`),
      meta: all(`SELECT * FROM central_meta ORDER BY key`)
    }
  } finally {
    db.close()
  }
}

/** The same, with the row ids as they are (two imports of the same exports in the same order number them alike). */
const rowIds = (file: string) => {
  const db = new Database(file, { readonly: true })
  try {
    return {
      members: db.prepare(`SELECT id, member_id FROM central_members ORDER BY id`).raw(true).all(),
      keys: db.prepare(`SELECT key, member FROM central_keys`).raw(true).all()
    }
  } finally {
    db.close()
  }
}

describe("recon central import", () => {
  it.effect("on worker threads writes the same index, row ids included, as on this thread alone", () =>
    Effect.gen(function*() {
      expect(exports.length).toBe(4)
      const here = path.join(dir, "here.sqlite")
      const threads = path.join(dir, "threads.sqlite")
      const a = yield* importNational(exports, here, { ...opts, workers: 0 })
      const b = yield* importNational(exports, threads, { ...opts, workers: 2 })
      expect(a.workers).toBe(0)
      expect(b.workers).toBe(2)
      expect(b.onWorkers).toBe(4)
      expect(b.failed).toEqual([])
      expect(b.provinces.map((p) => p.province)).toEqual(a.provinces.map((p) => p.province))
      const c = contents(threads)
      expect(c.members.length).toBeGreaterThan(3_000)
      expect(c.keys.length).toBeGreaterThan(5 * c.members.length)
      expect(c).toEqual(contents(here))
      expect(rowIds(threads)).toEqual(rowIds(here))
    }), 120_000)

  it.effect("a new index and one built province by province (the re-import path) give the same candidates", () =>
    Effect.gen(function*() {
      const fresh = path.join(dir, "fresh.sqlite")
      const stepwise = path.join(dir, "stepwise.sqlite")
      yield* importNational(exports, fresh, { ...opts, workers: 0 })
      // The first province creates the index; each next one is added to the existing file.
      for (const e of exports) yield* importNational([e], stepwise, opts)
      expect(contents(stepwise)).toEqual(contents(fresh))
    }), 120_000)

  it.effect("re-importing one province replaces it only, and leaves the index as a fresh import would", () =>
    Effect.gen(function*() {
      const fresh = path.join(dir, "fresh2.sqlite")
      const copy = path.join(dir, "reimported.sqlite")
      yield* importNational(exports, fresh, { ...opts, workers: 0 })
      fs.copyFileSync(fresh, copy)
      const s = yield* importNational([exports[1]!], copy, opts)
      const p = s.provinces[0]!
      expect(s.created).toBe(false)
      expect(p.replaced).toBe(p.members)
      // Its members are numbered anew (after the last), so compare what the ids stand for.
      expect(contents(copy)).toEqual(contents(fresh))
      const db = new Database(copy, { readonly: true })
      const orphans = (db.prepare(`SELECT count(*) AS n FROM central_keys WHERE member NOT IN (SELECT id FROM central_members)`).get() as { n: number }).n
      db.close()
      expect(orphans).toBe(0)
    }), 120_000)

  it.effect("a broken export among good ones: listed with its reason, the others imported", () =>
    Effect.gen(function*() {
      const broken = path.join(dir, "broken")
      fs.mkdirSync(broken, { recursive: true })
      const notSqlite = path.join(broken, "099-hong.sqlite")
      fs.writeFileSync(notSqlite, "this is not a database, just text that happens to end in .sqlite\n".repeat(100))
      const noTables = path.join(broken, "098-trong.sqlite")
      new Database(noTables).exec(`CREATE TABLE other (x)`).close()
      const reference = path.join(broken, "reference.sqlite")
      yield* importNational(exports, reference, { ...opts, workers: 0 })
      const into = path.join(broken, "national.sqlite")
      const files = [exports[0]!, notSqlite, exports[1]!, noTables, exports[2]!, exports[3]!]
      for (const workers of [0, 2]) {
        fs.rmSync(into, { force: true })
        const s = yield* importNational(files, into, { ...opts, workers })
        expect(s.onWorkers).toBe(workers === 0 ? 0 : files.length)
        expect(s.provinces.length).toBe(4)
        expect(s.failed.map((f) => f.file)).toEqual(["099-hong.sqlite", "098-trong.sqlite"])
        expect(s.failed[0]!.message).toMatch(/^099-hong\.sqlite: .*SQLite/)
        expect(s.failed[1]!.message).toContain("thiếu bảng central_meta, central_members, central_units, central_transfers (not a province export)")
        expect(formatImportStats(s).split("\n").filter((l) => l.includes("NOT IMPORTED"))).toEqual(s.failed.map((f) => `  NOT IMPORTED ${f.message}`))
        expect(fs.existsSync(into)).toBe(true)
        expect(contents(into)).toEqual(contents(reference))
      }
      // Nothing usable: no index is left behind.
      const none = path.join(broken, "none.sqlite")
      const e = yield* Effect.flip(importNational([notSqlite, noTables], none, opts))
      expect(e.message).toContain("no export imported")
      expect(fs.readdirSync(broken).filter((f) => f.includes("none"))).toEqual([])
    }), 120_000)
})
