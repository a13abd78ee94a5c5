/**
 * Attacks on a run's outputs (issue 11 items 1, 5, 6, 7): an empty result, a run killed with -9
 * during the report, two runs on one --out or one --db, a failing run and the state database, a
 * 1 MB cell, formulas typed in review notes and names. Each case failed on the code before the fix.
 * Self-contained: real files in a temp directory, real child processes where a kill or a second
 * process is the point.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import ExcelJS from "exceljs"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sample } from "../../pipelines/sample.js"
import { run } from "../../src/Pipeline/Run.js"
import { CELL_LIMIT } from "../../src/Report/Cells.js"
import { categorySheetName } from "../../src/Report/Labels.js"
import { dbLockPath, OUT_LOCK_NAME, outLockPath } from "../../src/Report/RunLock.js"
import { STAGING_PREFIX, recoverOutputs } from "../../src/Report/OutputSet.js"
import { findingColumn, SUMMARY_SHEET, writeReviewWorkbook } from "../../src/Report/ReviewWorkbook.js"
import { INPUTS_SHEET } from "../../src/Report/SummarySheet.js"
import { importReviews, readReviewedWorkbook } from "../../src/Review/Import.js"
import { reviewHistory } from "../../src/Review/Status.js"
import { StoreLive } from "../../src/Store/RunStore.js"
import { discrepancies, reviewInput } from "../Report/fixtures.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-outputs-"))
const AS_OF = sample.defaults.asOf!

const runSample = (out: string, db: string, rosters = "samples/rosters", central = "samples/central.xlsx") =>
  run(sample, { central, rosters, out, db, asOf: AS_OF }).pipe(Effect.provide(NodeContext.layer))

const runCount = (db: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ n: number }>`SELECT count(*) AS n FROM runs`).pipe(
    Effect.map((rows) => rows[0]?.n ?? -1),
    Effect.provide(StoreLive(db)),
    Effect.provide(NodeContext.layer)
  )

const load = async (file: string): Promise<ExcelJS.Workbook> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  return wb
}

/** Every text of a sheet, one line per row. */
const sheetText = (ws: ExcelJS.Worksheet): string => {
  const lines: Array<string> = []
  ws.eachRow((row) => lines.push((row.values as Array<unknown>).map((v) => String(v ?? "")).join("|")))
  return lines.join("\n")
}

/** What a killed run may leave: staging folders, temp files, lock files. */
const leftovers = (out: string): Array<string> =>
  fs.readdirSync(out).filter((n) => n.startsWith(STAGING_PREFIX) || /\.tmp-/.test(n) || n === OUT_LOCK_NAME)

/** `recon` as a user runs it, in a child process. */
const recon = (args: ReadonlyArray<string>): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } => {
  const child = spawn(process.execPath, ["src/recon.mjs", ...args], { stdio: ["ignore", "ignore", "pipe"] })
  let stderr = ""
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString("utf8")))
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }))
  )
  return { child, done }
}

/** A live process that is not recon, to hold a lock file with its pid. */
const sleeper = (): ChildProcess => spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], { stdio: "ignore" })

/** A central database with one active member in one cell, and that cell's roster listing them. */
const oneMemberDataset = async (root: string): Promise<{ central: string; rosters: string }> => {
  fs.mkdirSync(root, { recursive: true })
  const wb = new ExcelJS.Workbook()
  wb.addWorksheet("DangVien").addRows([
    ["Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Trạng thái"],
    ["DV00001", "Nguyễn Văn An", "12/03/1970", "Nam", "Hà Nội", "001070000001", "01234567", "01/02/2000", "01/02/2001", "CB01", "Đang sinh hoạt"]
  ])
  wb.addWorksheet("ChiBo").addRows([
    ["Mã chi bộ", "Tên chi bộ", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên"],
    ["DB01", "Đảng bộ xã Thử", null, null],
    ["CB01", "Chi bộ thôn Một", "DB01", "Đảng bộ xã Thử"]
  ])
  wb.addWorksheet("ChuyenSinhHoat").addRow(["Mã đảng viên", "Từ chi bộ", "Đến chi bộ", "Loại", "Ngày giới thiệu", "Ngày tiếp nhận"])
  const central = path.join(root, "central.xlsx")
  await wb.xlsx.writeFile(central)
  const rosters = path.join(root, "rosters")
  fs.mkdirSync(rosters, { recursive: true })
  fs.writeFileSync(
    path.join(rosters, "CB01_thon_Mot.csv"),
    "Mã chi bộ,STT,Họ tên,Ngày sinh,Giới tính,CCCD,Số thẻ,Ngày vào Đảng,Ghi chú\n" +
      "CB01,1,Nguyễn Văn An,12/03/1970,Nam,001070000001,01234567,01/02/2000,\n"
  )
  return { central, rosters }
}

describe("outputs of a run (issue 11)", () => {
  it.effect("a clean one-member dataset is a normal, empty result: empty files and \"Không có sai lệch\"", () =>
    Effect.gen(function*() {
      const root = path.join(dir, "one")
      const { central, rosters } = yield* Effect.promise(() => oneMemberDataset(root))
      const out = path.join(root, "out")
      const db = path.join(root, "state.sqlite")
      const result = yield* runSample(out, db, rosters, central)
      expect(result.discrepancies).toHaveLength(0)
      expect(fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8")).toBe("")
      const runJson = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
      expect(Object.values(runJson.categories).every((n) => n === 0)).toBe(true)
      expect(runJson.outputs.find((o: { path: string }) => o.path.endsWith("discrepancies.jsonl"))).toMatchObject({ bytes: 0 })
      const wb = yield* Effect.promise(() => load(path.join(out, "review.xlsx")))
      expect(sheetText(wb.getWorksheet(SUMMARY_SHEET)!)).toContain("Không có sai lệch")
      expect(yield* runCount(db)).toBe(1)
      expect(leftovers(out)).toEqual([])
    }), 120_000)

  it.effect("after every finding is answered the next run is empty, and formulas typed by reviewers are kept as text", () =>
    Effect.gen(function*() {
      const out1 = path.join(dir, "answered", "run1")
      const db = path.join(dir, "answered", "state.sqlite")
      yield* runSample(out1, db)
      const wb = yield* Effect.promise(() => load(path.join(out1, "review.xlsx")))
      let answered = 0
      for (const ws of wb.worksheets) {
        if (ws.getRow(1).getCell(findingColumn("Mã phát hiện")).value !== "Mã phát hiện") continue
        for (let r = 2; r <= ws.rowCount; r++) {
          const row = ws.getRow(r)
          row.getCell(findingColumn("Quyết định")).value = "Không đồng ý"
          row.getCell(findingColumn("Người rà soát")).value = "Nguyễn Thị Lan"
          answered++
        }
      }
      // 23 findings and 4 data corrections: every sheet with a finding id has reviewer columns.
      expect(answered).toBe(27)
      // A formula typed in a note, and a name starting like a formula.
      const first = wb.getWorksheet(categorySheetName("MISSING_FROM_ROSTER"))!.getRow(2)
      first.getCell(findingColumn("Ý kiến cấp ủy")).value = { formula: "SUM(1,2)", result: 3 } as ExcelJS.CellValue
      first.getCell(findingColumn("Người rà soát")).value = "@SUM(1)"
      const reviewed = path.join(dir, "answered", "reviewed.xlsx")
      yield* Effect.promise(() => wb.xlsx.writeFile(reviewed))

      const read = readReviewedWorkbook(yield* Effect.promise(() => load(reviewed)), reviewed)
      expect(read.problems).toEqual([])
      const withFormula = read.decisions.find((d) => d.sourceRow === 2 && d.sourceSheet === categorySheetName("MISSING_FROM_ROSTER"))!
      expect(withFormula).toMatchObject({ committeeComment: "'=SUM(1,2)", reviewer: "'@SUM(1)" })

      yield* importReviews([reviewed], db, { importedAt: "2026-11-05T09:00:00.000Z" }).pipe(Effect.provide(NodeContext.layer))
      const trail = yield* reviewHistory(db).pipe(Effect.provide(NodeContext.layer))
      expect(trail.find((d) => d.findingId === withFormula.findingId)).toMatchObject({
        committeeComment: "'=SUM(1,2)",
        reviewer: "'@SUM(1)"
      })

      const out2 = path.join(dir, "answered", "run2")
      const second = yield* runSample(out2, db)
      expect(second.discrepancies).toHaveLength(0)
      expect(second.suppressed).toHaveLength(27)
      expect(fs.readFileSync(path.join(out2, "discrepancies.jsonl"), "utf8")).toBe("")
      const wb2 = yield* Effect.promise(() => load(path.join(out2, "review.xlsx")))
      expect(sheetText(wb2.getWorksheet(SUMMARY_SHEET)!)).toContain("Không có sai lệch")
      expect(wb2.worksheets.map((w) => w.name)).toEqual([SUMMARY_SHEET, "Không nêu lại", INPUTS_SHEET, "Lỗi dữ liệu"])
    }), 240_000)

  it.effect("kill -9 during the report leaves the previous set whole; the next run cleans up", () =>
    Effect.gen(function*() {
      const out = path.join(dir, "killed", "out")
      const db = path.join(dir, "killed", "state.sqlite")
      yield* runSample(out, db)
      const before = new Map(fs.readdirSync(out).map((n) => [n, fs.readFileSync(path.join(out, n))]))

      const { child, done } = recon(["run", "--pipeline", "sample", "--out", out, "--db", db])
      // The report stage begins when the staging folder appears: kill the run then.
      const killedInReport = yield* Effect.promise(() =>
        new Promise<boolean>((resolve) => {
          const timer = setInterval(() => {
            if (fs.readdirSync(out).some((n) => n.startsWith(STAGING_PREFIX))) {
              clearInterval(timer)
              child.kill("SIGKILL")
              resolve(true)
            }
          }, 2)
          void done.then(() => {
            clearInterval(timer)
            resolve(false)
          })
        })
      )
      const exit = yield* Effect.promise(() => done)
      expect(killedInReport).toBe(true)
      expect(exit.signal).toBe("SIGKILL")
      // The old set, byte for byte; the killed run left its staging folder and its lock behind, and no record.
      for (const [name, bytes] of before) expect(fs.readFileSync(path.join(out, name)).equals(bytes), name).toBe(true)
      expect(leftovers(out).length).toBeGreaterThan(0)
      expect(yield* runCount(db)).toBe(1)

      // The next run takes the dead run's lock over, cleans up and writes a new complete set.
      yield* runSample(out, db)
      expect(leftovers(out)).toEqual([])
      expect(fs.existsSync(dbLockPath(db))).toBe(false)
      const runJson = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
      for (const o of runJson.outputs as Array<{ path: string; bytes: number }>) expect(fs.statSync(o.path).size, o.path).toBe(o.bytes)
      expect(yield* runCount(db)).toBe(2)
    }), 240_000)

  it.effect("a committed set interrupted while being moved is finished by the next run (roll forward)", () =>
    Effect.gen(function*() {
      const out = path.join(dir, "rollforward")
      const staging = path.join(out, `${STAGING_PREFIX}999999-abcd`)
      fs.mkdirSync(staging, { recursive: true })
      fs.writeFileSync(path.join(out, "discrepancies.jsonl"), "old\n")
      fs.writeFileSync(path.join(out, "links.csv"), "new links, already moved\n")
      fs.writeFileSync(path.join(staging, "discrepancies.jsonl"), "new\n")
      fs.writeFileSync(path.join(staging, "run.json"), "{}\n")
      fs.writeFileSync(path.join(staging, "COMMIT"), "discrepancies.jsonl\nlinks.csv\nrun.json\n")
      fs.writeFileSync(path.join(out, "review.xlsx.tmp-999999-0a1b2c"), "half")
      const uncommitted = path.join(out, `${STAGING_PREFIX}999998-ef01`)
      fs.mkdirSync(uncommitted)
      fs.writeFileSync(path.join(uncommitted, "review.xlsx"), "half")
      const done = yield* recoverOutputs(out).pipe(Effect.provide(NodeContext.layer))
      expect(done).toEqual({ finished: 1, removed: 2 })
      expect(fs.readdirSync(out).sort()).toEqual(["discrepancies.jsonl", "links.csv", "run.json"])
      expect(fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8")).toBe("new\n")
    }))

  it.effect("a second run on a locked --out or --db stops with one clear line; a dead run's lock is taken over", () =>
    Effect.gen(function*() {
      const root = path.join(dir, "locked")
      const out = path.join(root, "out")
      const db = path.join(root, "state.sqlite")
      fs.mkdirSync(out, { recursive: true })
      const holder = sleeper()
      try {
        fs.writeFileSync(outLockPath(out), `${holder.pid}\n`)
        const onOut = yield* Effect.either(runSample(out, db))
        expect(Either.isLeft(onOut)).toBe(true)
        const msg = Either.isLeft(onOut) ? onOut.left.message : ""
        expect(msg).not.toContain("\n")
        expect(msg).toContain(`Thư mục kết quả ${out} đang được một lần chạy recon khác dùng (pid ${holder.pid})`)
        expect(msg).toContain(`output folder ${out} is in use by another recon run (pid ${holder.pid})`)
        expect(fs.existsSync(path.join(out, "run.json"))).toBe(false)

        fs.rmSync(outLockPath(out))
        fs.writeFileSync(dbLockPath(db), `${holder.pid}\n`)
        const onDb = yield* Effect.either(runSample(path.join(root, "other"), db))
        expect(Either.isLeft(onDb) ? onDb.left.message : "").toContain(`Cơ sở dữ liệu ${db} đang được một lần chạy recon khác dùng`)
        // The lock of the refused run's own --out was released.
        expect(fs.existsSync(outLockPath(path.join(root, "other")))).toBe(false)
      } finally {
        holder.kill("SIGKILL")
      }
      // The holder is dead now: its locks are stale and are taken over.
      yield* Effect.promise(() => new Promise((r) => holder.once("exit", r)))
      fs.writeFileSync(outLockPath(out), `${holder.pid}\n`)
      const ok = yield* runSample(out, db)
      expect(ok.discrepancies).toHaveLength(27)
      expect(fs.existsSync(outLockPath(out))).toBe(false)
      expect(fs.existsSync(dbLockPath(db))).toBe(false)
    }), 240_000)

  it.effect("two real runs started together on one --out and one --db never mix their outputs", () =>
    Effect.gen(function*() {
      const out = path.join(dir, "race", "out")
      const db = path.join(dir, "race", "state.sqlite")
      const args = ["run", "--pipeline", "sample", "--out", out, "--db", db]
      const [a, b] = yield* Effect.promise(() => Promise.all([recon(args).done, recon(args).done]))
      // One may be refused by the lock (exit 1, one line naming it); none fails otherwise.
      for (const r of [a, b]) {
        if (r.code !== 0) expect(r.stderr).toMatch(/đang được một lần chạy recon khác dùng .* in use by another recon run/)
      }
      expect([a.code, b.code]).toContain(0)
      const runJson = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
      const lines = fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8").trim().split("\n")
      expect(lines).toHaveLength(27)
      expect(Object.values(runJson.categories as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(27)
      expect(leftovers(out)).toEqual([])
    }), 240_000)

  it.effect("a run that cannot put its outputs in place fails and is not recorded in the state database", () =>
    Effect.gen(function*() {
      const out = path.join(dir, "blocked", "out")
      const db = path.join(dir, "blocked", "state.sqlite")
      // run.json cannot be replaced: a folder with that name, not empty.
      fs.mkdirSync(path.join(out, "run.json"), { recursive: true })
      fs.writeFileSync(path.join(out, "run.json", "keep"), "x")
      const result = yield* Effect.either(runSample(out, db))
      expect(Either.isLeft(result)).toBe(true)
      expect(yield* runCount(db)).toBe(0)
    }), 120_000)

  it.effect("a 1 MB cell is cut to Excel's 32,767 characters with a marker and a warning", () =>
    Effect.gen(function*() {
      const huge = "Nguyễn Văn An ".repeat(75_000)
      const base = discrepancies[0]!
      const path_ = path.join(dir, "huge.xlsx")
      yield* writeReviewWorkbook(path_, reviewInput({ discrepancies: [{ ...base, reason: huge }] })).pipe(
        Effect.provide(NodeContext.layer)
      )
      const wb = yield* Effect.promise(() => load(path_))
      const ws = wb.getWorksheet(categorySheetName(base.category))!
      const reason = String(ws.getRow(2).getCell(findingColumn("Lý do")).value)
      expect(reason.length).toBeLessThanOrEqual(CELL_LIMIT)
      expect(reason).toMatch(/…\[đã cắt bớt \d+ ký tự do giới hạn của Excel\]$/)
      expect(reason.startsWith("Nguyễn Văn An Nguyễn")).toBe(true)
      expect(sheetText(wb.getWorksheet("Lỗi dữ liệu")!)).toContain("đã bị cắt bớt")
      // The round trip still accepts the row: the checksum covers the cell as written.
      ws.getRow(2).getCell(findingColumn("Quyết định")).value = "Cần xác minh"
      ws.getRow(2).getCell(findingColumn("Người rà soát")).value = "Lan"
      expect(readReviewedWorkbook(wb, path_).problems).toEqual([])
    }))
})
