/**
 * Issue 11 item 8: a damaged state database is found when it is opened (PRAGMA quick_check), and
 * said in one line naming the file and what to do, never a stack trace (SqliteError, MigrationError).
 * Self-contained: the database is made here by a real run of the sample commune, then damaged.
 */
import { describe, expect, it, vi } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { main } from "../../src/Main.js"
import { latestRun, StoreLive } from "../../src/Store/RunStore.js"

const recon = async (...args: Array<string>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...xs) => void out.push(xs.join(" ")))
  try {
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {} })
    return { code, out: out.join("\n"), err: err.join("\n") }
  } finally {
    log.mockRestore()
  }
}

/** A run of the sample into a fresh folder: its state.sqlite. */
const sampleRun = async (): Promise<{ out: string; db: string }> => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "recon-statedb-"))
  const r = await recon("run", "--pipeline", "sample", "--out", out)
  expect(r.code).toBe(0)
  return { out, db: path.join(out, "state.sqlite") }
}

/** The page size and the root page of a table, read before damaging it. */
const pageOf = (db: string, table: string): { pageSize: number; root: number } => {
  const d = new Database(db, { readonly: true })
  try {
    const pageSize = d.pragma("page_size", { simple: true }) as number
    const root = (d.prepare("SELECT rootpage FROM sqlite_master WHERE name = ?").get(table) as { rootpage: number }).rootpage
    return { pageSize, root }
  } finally {
    d.close()
  }
}

const overwrite = (file: string, offset: number, bytes: Buffer) => {
  const fd = fs.openSync(file, "r+")
  try {
    fs.writeSync(fd, bytes, 0, bytes.length, offset)
  } finally {
    fs.closeSync(fd)
  }
}

const expectOneLineNamingTheFix = (err: string, db: string) => {
  expect(err.split("\n")).toHaveLength(1)
  expect(err).toContain(db)
  expect(err).toMatch(/bị hỏng/)
  expect(err).toMatch(/Khôi phục tệp này từ bản sao lưu, hoặc dùng một cơ sở dữ liệu mới với --db/)
  expect(err).not.toMatch(/SqliteError|MigrationError|at .*\.(js|ts):\d+/)
}

describe("a damaged state database", () => {
  it("damage in the middle of the file (a table's page) is found at open, by run and by review alike", async () => {
    const { db, out } = await sampleRun()
    const { pageSize, root } = pageOf(db, "links")
    expect(root).toBeGreaterThan(1)
    overwrite(db, (root - 1) * pageSize, Buffer.alloc(pageSize, 0x5a))
    const again = await recon("run", "--pipeline", "sample", "--out", out)
    expect(again.code).toBe(1)
    expectOneLineNamingTheFix(again.err, db)
    const status = await recon("review", "status", "--run", out)
    expect(status.code).toBe(1)
    expectOneLineNamingTheFix(status.err, db)
    // The library says the same to its callers (StoreError), so a test of the store sees it too.
    const e = await Effect.runPromise(Effect.flip(latestRun().pipe(Effect.provide(StoreLive(db, { create: false })))))
    expect(e._tag).toBe("StoreError")
    expect(e.message).toMatch(/quick_check|malformed|corrupt/i)
  }, 120_000)

  it("a damaged header is one line naming the file, not a stack trace", async () => {
    const { db, out } = await sampleRun()
    overwrite(db, 0, Buffer.from("this is not a SQLite header at all"))
    const r = await recon("review", "history", "--run", out)
    expect(r.code).toBe(1)
    expectOneLineNamingTheFix(r.err, db)
    const run = await recon("run", "--pipeline", "sample", "--out", out)
    expect(run.code).toBe(1)
    expectOneLineNamingTheFix(run.err, db)
  }, 120_000)

  it("a database that is not SQLite at all (a text file given as --db) is refused the same way", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-statedb-"))
    const db = path.join(dir, "notes.sqlite")
    fs.writeFileSync(db, "minutes of the meeting, not a database\n".repeat(200))
    const r = await recon("run", "--pipeline", "sample", "--out", path.join(dir, "o"), "--db", db)
    expect(r.code).toBe(1)
    expectOneLineNamingTheFix(r.err, db)
    expect(fs.readFileSync(db, "utf8").startsWith("minutes")).toBe(true)
  }, 120_000)

  it("rows not as recon wrote them (edited by another tool) are refused with the table and field named", async () => {
    const { db, out } = await sampleRun()
    const d = new Database(db)
    d.prepare("UPDATE discrepancies SET category = 'BOGUS' WHERE rowid = (SELECT min(rowid) FROM discrepancies)").run()
    d.close()
    const r = await recon("review", "status", "--run", out)
    expect(r.code).toBe(1)
    expect(r.err.split("\n")).toHaveLength(1)
    expect(r.err).toMatch(/bảng discrepancies có dữ liệu không do recon ghi: category: Expected "MISSING_FROM_ROSTER", actual "BOGUS"$/)
  }, 120_000)

  it("a sound database passes the check and is used", async () => {
    const { out } = await sampleRun()
    const r = await recon("review", "status", "--run", out)
    expect(r).toMatchObject({ code: 0, err: "" })
  }, 120_000)
})
