/**
 * The review round trip on real files: the sample commune is reconciled, the review workbook is
 * filled in as a reviewer would (exceljs, editing only the reviewer columns), imported into a temp
 * SQLite store, a roster is corrected, and the next run applies the decisions.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import ExcelJS from "exceljs"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sample } from "../../pipelines/sample.js"
import type { Category } from "../../src/Domain.js"
import { run } from "../../src/Pipeline/Run.js"
import { categorySheetName } from "../../src/Report/Labels.js"
import { findingColumn, SUPPRESSED_SHEET } from "../../src/Report/ReviewWorkbook.js"
import { importReviews, ReviewImportError } from "../../src/Review/Import.js"
import { reviewHistory, reviewStatus } from "../../src/Review/Status.js"
import { StoreLive } from "../../src/Store/RunStore.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-review-"))
const rosters = path.join(dir, "rosters")
fs.cpSync("samples/rosters", rosters, { recursive: true })
fs.copyFileSync("samples/central.xlsx", path.join(dir, "central.xlsx"))
const db = path.join(dir, "state.sqlite")

const runInto = (out: string) =>
  run(sample, { central: path.join(dir, "central.xlsx"), rosters, out: path.join(dir, out), asOf: "2026-10-31", db, splitBy: "unit" })
    .pipe(Effect.provide(NodeContext.layer))

const importing = (files: ReadonlyArray<string>, reviewer?: string) =>
  importReviews(files, db, { importedAt: "2026-11-05T09:00:00.000Z", ...(reviewer === undefined ? {} : { reviewer }) })
    .pipe(Effect.provide(NodeContext.layer))

const readJsonl = (out: string): Array<Record<string, any>> =>
  fs.readFileSync(path.join(dir, out, "discrepancies.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))

const load = async (file: string): Promise<ExcelJS.Workbook> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  return wb
}

/** The row of finding `id` on its category sheet. */
const rowOf = (wb: ExcelJS.Workbook, category: Category, id: string): ExcelJS.Row => {
  const ws = wb.getWorksheet(categorySheetName(category))!
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, findingColumn("Mã phát hiện")).value === id) return ws.getRow(r)
  throw new Error(`no finding ${id} on ${ws.name}`)
}

interface Fill {
  readonly decision?: string
  readonly unit?: string
  readonly committee?: string
  readonly reviewer?: string
  readonly date?: Date | string
}

/** What a reviewer does in Excel: picks a decision, writes opinions, name and date in the yellow columns. */
const fill = (wb: ExcelJS.Workbook, category: Category, id: string, f: Fill): void => {
  const row = rowOf(wb, category, id)
  if (f.decision !== undefined) row.getCell(findingColumn("Quyết định")).value = f.decision
  if (f.unit !== undefined) row.getCell(findingColumn("Ý kiến chi bộ")).value = f.unit
  if (f.committee !== undefined) row.getCell(findingColumn("Ý kiến cấp ủy")).value = f.committee
  if (f.reviewer !== undefined) row.getCell(findingColumn("Người rà soát")).value = f.reviewer
  if (f.date !== undefined) row.getCell(findingColumn("Ngày")).value = f.date
}

const decisionRows = Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ n: number }>`SELECT count(*) AS n FROM review_decisions`)
  .pipe(Effect.map((rows) => rows[0]?.n ?? -1), Effect.provide(StoreLive(db)))

/** The import was refused as a whole; its per-row problems. */
const refusal = <A, E>(e: Either.Either<A, E>) => {
  if (Either.isRight(e) || !(e.left instanceof ReviewImportError)) throw new Error(`expected a refused import, got ${String(e)}`)
  return e.left
}

// Findings of the sample commune used below (their ids are stable: samples/expected/discrepancies.jsonl).
const DUP_CENTRAL = "DC-a2accbe20b01" // judged legitimate → kept out
const CARD_MISMATCH = "FM-9970a9ce4970" // handled, then the roster changes again → re-opened
const MISSING = "MR-ddf01d095156" // proposal agreed → still raised, showing the decision
const STATUS = "SC-c88c6aae8c8f" // to be verified; reviewer named on the command line

describe("review round trip", () => {
  it.effect("write → fill → import → run again: suppressed, re-opened, decided, audit trail", () =>
    Effect.gen(function*() {
      // Run 1: nothing decided yet.
      const first = yield* runInto("run1")
      expect(first.suppressed).toEqual([])
      expect(readJsonl("run1").every((d) => d.review === undefined)).toBe(true)
      for (const parent of ["DB01", "DB02", "DB03"]) expect(fs.existsSync(path.join(dir, "run1", `review-${parent}.xlsx`))).toBe(true)

      // A reviewer fills in the workbook.
      const wb = yield* Effect.promise(() => load(path.join(dir, "run1", "review.xlsx")))
      fill(wb, "DUPLICATE_CENTRAL", DUP_CENTRAL, {
        decision: "Không đồng ý",
        unit: "Hai người khác nhau, cùng tên",
        committee: "=Đồng ý với chi bộ",
        reviewer: "Nguyễn Thị Lan",
        date: new Date(Date.UTC(2026, 10, 3))
      })
      fill(wb, "FIELD_MISMATCH", CARD_MISMATCH, { decision: "Đã xử lý", reviewer: "Nguyễn Thị Lan", date: "04/11/2026" })
      fill(wb, "MISSING_FROM_ROSTER", MISSING, { decision: "đồng ý  đề xuất", reviewer: "Trần Văn Bình" })
      fill(wb, "STATUS_CONFLICT", STATUS, { decision: "Cần xác minh", unit: "Gia đình báo đã mất" })
      const reviewed = path.join(dir, "reviewed.xlsx")
      yield* Effect.promise(() => wb.xlsx.writeFile(reviewed))

      // Without a reviewer for the STATUS row the import is refused as a whole.
      const refused = yield* Effect.either(importing([reviewed]))
      expect(refusal(refused).problems.map((p) => p.column)).toEqual(["Người rà soát"])
      expect(yield* decisionRows).toBe(0)

      const imported = yield* importing([reviewed], "Lê Văn Cường")
      expect(imported).toMatchObject({ recorded: 4, superseded: 0, unchanged: 0, files: 1, rows: 4 })
      // Importing the same file again changes nothing.
      expect(yield* importing([reviewed], "Lê Văn Cường")).toMatchObject({ recorded: 0, unchanged: 4 })

      const trail = yield* reviewHistory(db).pipe(Effect.provide(NodeContext.layer))
      const dc = trail.find((d) => d.findingId === DUP_CENTRAL)!
      expect(dc).toMatchObject({
        decision: "Không đồng ý",
        unitComment: "Hai người khác nhau, cùng tên",
        // Kept as text, escaped as the workbook shows it (issue 11 item 6).
        committeeComment: "'=Đồng ý với chi bộ",
        reviewer: "Nguyễn Thị Lan",
        decidedOn: "2026-11-03",
        importedAt: "2026-11-05T09:00:00.000Z",
        sourceFile: reviewed,
        sourceSheet: categorySheetName("DUPLICATE_CENTRAL"),
        supersededBy: null
      })
      expect(dc.evidenceHash).toMatch(/^[0-9a-f]{64}$/)
      expect(trail.find((d) => d.findingId === CARD_MISMATCH)?.decidedOn).toBe("2026-11-04")
      expect(trail.find((d) => d.findingId === MISSING)).toMatchObject({ decision: "Đồng ý đề xuất", decidedOn: null })
      expect(trail.find((d) => d.findingId === STATUS)?.reviewer).toBe("Lê Văn Cường")

      // The cell corrects the card number, but to another wrong value: the evidence changes.
      const rosterFile = path.join(rosters, "Đảng bộ bộ phận Khu Bắc", "DS đảng viên thôn Đông.xlsx")
      const roster = yield* Effect.promise(() => load(rosterFile))
      let edited = 0
      roster.eachSheet((ws) =>
        ws.getRow(35).eachCell((cell) => {
          if (String(cell.value) === "07410930") {
            cell.value = "07419300"
            edited++
          }
        })
      )
      expect(edited).toBe(1)
      yield* Effect.promise(() => roster.xlsx.writeFile(rosterFile))

      // Run 2 applies the decisions.
      const second = yield* runInto("run2")
      const lines = readJsonl("run2")
      const byId = new Map(lines.map((d) => [d.id, d]))
      expect(byId.has(DUP_CENTRAL)).toBe(false)
      expect(second.suppressed.map((d) => d.id)).toEqual([DUP_CENTRAL])
      expect(byId.get(CARD_MISMATCH)?.rosterValue).toBe("07419300")
      expect(byId.get(CARD_MISMATCH)?.review).toEqual({
        decision: "Đã xử lý",
        decidedOn: "2026-11-04",
        reviewer: "Nguyễn Thị Lan",
        importedAt: "2026-11-05T09:00:00.000Z",
        changedSinceDecision: true
      })
      expect(byId.get(MISSING)?.review).toMatchObject({ decision: "Đồng ý đề xuất", changedSinceDecision: false })
      expect(byId.get(STATUS)?.review).toMatchObject({ decision: "Cần xác minh", changedSinceDecision: false })
      expect(lines).toHaveLength(readJsonl("run1").length - 1)

      const wb2 = yield* Effect.promise(() => load(path.join(dir, "run2", "review.xlsx")))
      const status = (category: Category, id: string) => rowOf(wb2, category, id).getCell(findingColumn("Tình trạng rà soát")).value
      expect(status("FIELD_MISMATCH", CARD_MISMATCH)).toBe(
        "Mở lại: bằng chứng đã thay đổi sau quyết định \"Đã xử lý (Nguyễn Thị Lan, 04/11/2026)\""
      )
      // A re-opened finding starts blank; a standing decision is shown in the reviewer columns.
      expect(rowOf(wb2, "FIELD_MISMATCH", CARD_MISMATCH).getCell(findingColumn("Quyết định")).value).toBeNull()
      expect(status("MISSING_FROM_ROSTER", MISSING)).toBe("Đồng ý đề xuất (Trần Văn Bình)")
      expect(rowOf(wb2, "MISSING_FROM_ROSTER", MISSING).getCell(findingColumn("Quyết định")).value).toBe("Đồng ý đề xuất")
      expect(rowOf(wb2, "STATUS_CONFLICT", STATUS).getCell(findingColumn("Ý kiến chi bộ")).value).toBe("Gia đình báo đã mất")
      // The day/month swap of the sample is a correction, on its own sheet, not yet reviewed.
      expect(status("DATA_CORRECTION", "HC-7d244d8484f8")).toBe("Chưa rà soát")
      expect(() => rowOf(wb2, "DUPLICATE_CENTRAL", DUP_CENTRAL)).toThrow()
      const kept = wb2.getWorksheet(SUPPRESSED_SHEET)!
      expect(kept.getRow(2).getCell(2).value).toBe(DUP_CENTRAL)
      expect(kept.getRow(2).getCell(6).value).toBe("Không đồng ý")
      expect(kept.getRow(2).getCell(10).value).toBe("'=Đồng ý với chi bộ")

      // The run-2 workbook imported as it is: the pre-filled decisions are the standing ones.
      expect(yield* importing([path.join(dir, "run2", "review.xlsx")])).toMatchObject({ recorded: 0, unchanged: 2 })

      // Per unit: CB01 has the missing member (decided), the card mismatch (re-opened), the kept-out duplicate.
      const report = Option.getOrThrow(yield* reviewStatus(db).pipe(Effect.provide(NodeContext.layer)))
      const cb01 = report.units.find((u) => u.unitCode === "CB01")!
      expect(cb01).toMatchObject({ unitName: "Chi bộ thôn Đông", decided: 2, suppressed: 1, reopened: 1 })
      expect(cb01.open).toBe(cb01.total - 3)
      expect(report.units.find((u) => u.unitCode === "CB06")).toMatchObject({ decided: 1, reopened: 0 })
      const totals = report.units.reduce((a, u) => a + u.total, 0)
      expect(totals).toBe(readJsonl("run1").length)

      // A new decision on the re-opened finding supersedes the old one; the old row stays.
      const wb3 = yield* Effect.promise(() => load(path.join(dir, "run2", "review.xlsx")))
      fill(wb3, "FIELD_MISMATCH", CARD_MISMATCH, { decision: "Đồng ý đề xuất", reviewer: "Nguyễn Thị Lan", date: "10/11/2026" })
      const reviewed3 = path.join(dir, "reviewed-3.xlsx")
      yield* Effect.promise(() => wb3.xlsx.writeFile(reviewed3))
      expect(yield* importing([reviewed3])).toMatchObject({ recorded: 1, superseded: 1, unchanged: 2 })
      const history = yield* reviewHistory(db, CARD_MISMATCH).pipe(Effect.provide(NodeContext.layer))
      expect(history.map((d) => d.decision)).toEqual(["Đã xử lý", "Đồng ý đề xuất"])
      expect(history[0]!.supersededBy).toBe(history[1]!.seq)
      expect(history[1]!.supersededBy).toBeNull()
      expect(history[0]!.evidenceHash).not.toBe(history[1]!.evidenceHash)

      // The trail cannot be rewritten or deleted, even with SQL.
      const tamper = (statement: (sql: SqlClient.SqlClient) => Effect.Effect<unknown, unknown>) =>
        Effect.flatMap(SqlClient.SqlClient, statement).pipe(Effect.provide(StoreLive(db)), Effect.flip,
          // SQLite's message (the trigger's) is the cause of the SqlError.
          Effect.map((e) => String((e as { cause?: unknown }).cause ?? e)))
      expect(yield* tamper((sql) => sql`DELETE FROM review_decisions`)).toMatch(/audit trail/)
      expect(yield* tamper((sql) => sql`UPDATE review_decisions SET decision = 'Đã xử lý' WHERE seq = 1`)).toMatch(/audit trail/)
      expect(yield* decisionRows).toBe(5)
    }), 300_000)

  it.effect("invalid rows are refused with per-row reasons and nothing is stored", () =>
    Effect.gen(function*() {
      const before = yield* decisionRows
      const wb = yield* Effect.promise(() => load(path.join(dir, "run1", "review.xlsx")))
      // One valid row that must not be stored because others fail.
      fill(wb, "NOT_IN_CENTRAL", "NC-acc8f8a1e374", { decision: "Cần xác minh", reviewer: "A" })
      fill(wb, "DUPLICATE_ROSTER", "DR-bcdefb6e41b8", { decision: "Có lẽ", reviewer: "A" })
      fill(wb, "TRANSFER_OVERDUE", "TO-2390546dfcea", { decision: "Đã xử lý", reviewer: "A", date: "31/02/2026" })
      fill(wb, "UNREPORTED_TRANSFER", "UT-31c80ef8c539", { unit: "Chưa rõ", reviewer: "A" })
      // Edited evidence: the reason of a finding is changed.
      const edited = rowOf(wb, "DUPLICATE_CENTRAL", "DC-9f86bc910960")
      edited.getCell(findingColumn("Diễn giải")).value = "Không trùng"
      fill(wb, "DUPLICATE_CENTRAL", "DC-9f86bc910960", { decision: "Không đồng ý", reviewer: "A" })
      // An id that no run produced.
      const unknown = rowOf(wb, "STATUS_CONFLICT", "SC-13897471b931")
      unknown.getCell(findingColumn("Mã phát hiện")).value = "SC-000000000000"
      const ws = wb.getWorksheet(categorySheetName("STATUS_CONFLICT"))!
      const rowNo = unknown.number
      // Keep the checksum consistent, as someone forging a row would; only the store can tell.
      const { evidenceChecksum, EVIDENCE_COLUMNS } = yield* Effect.promise(() => import("../../src/Report/ReviewWorkbook.js"))
      const cells: Array<string | number | Date | null> = []
      for (const c of EVIDENCE_COLUMNS) cells.push(ws.getCell(rowNo, c).value as string | number | Date | null)
      ws.getCell(rowNo, findingColumn("Mã kiểm tra")).value = evidenceChecksum(cells)
      fill(wb, "STATUS_CONFLICT", "SC-000000000000", { decision: "Đã xử lý", reviewer: "A" })
      const bad = path.join(dir, "bad.xlsx")
      yield* Effect.promise(() => wb.xlsx.writeFile(bad))

      const error = refusal(yield* Effect.either(importing([bad])))
      const problems = error.problems
      const at = (sheet: Category) => problems.filter((p) => p.sheet === categorySheetName(sheet))
      expect(at("DUPLICATE_ROSTER")[0]).toMatchObject({ file: bad, column: "Quyết định", row: rowOf(wb, "DUPLICATE_ROSTER", "DR-bcdefb6e41b8").number })
      expect(at("DUPLICATE_ROSTER")[0]!.reason).toContain("\"Có lẽ\" không hợp lệ")
      expect(at("TRANSFER_OVERDUE")[0]).toMatchObject({ column: "Ngày" })
      expect(at("TRANSFER_OVERDUE")[0]!.reason).toContain("31/02/2026")
      expect(at("UNREPORTED_TRANSFER")[0]).toMatchObject({ column: "Quyết định" })
      expect(at("UNREPORTED_TRANSFER")[0]!.reason).toContain("chưa chọn Quyết định")
      expect(at("DUPLICATE_CENTRAL")[0]!.reason).toContain("đã bị sửa")
      expect(at("STATUS_CONFLICT")[0]).toMatchObject({ column: "Mã phát hiện", row: rowNo })
      expect(at("STATUS_CONFLICT")[0]!.reason).toContain("SC-000000000000")
      expect(problems).toHaveLength(5)
      expect(error.message).toContain("không nhập quyết định nào: 5 lỗi")
      expect(yield* decisionRows).toBe(before)
    }), 120_000)

  it.effect("bad reviewer and hidden cells, edited in a real xlsx, are each one problem naming sheet, row, column and value", () =>
    Effect.gen(function*() {
      const before = yield* decisionRows
      const wb = yield* Effect.promise(() => load(path.join(dir, "run1", "review.xlsx")))
      // An error value where the decision goes (a broken lookup pasted in): reported, not skipped.
      fill(wb, "NOT_IN_CENTRAL", "NC-acc8f8a1e374", { reviewer: "A" })
      rowOf(wb, "NOT_IN_CENTRAL", "NC-acc8f8a1e374").getCell(findingColumn("Quyết định")).value = { error: "#N/A" } as ExcelJS.CellErrorValue
      // A name that is a paragraph.
      fill(wb, "DUPLICATE_ROSTER", "DR-bcdefb6e41b8", { decision: "Cần xác minh", reviewer: "Nguyễn Văn A ".repeat(30) })
      // The hidden evidence hash overwritten.
      fill(wb, "TRANSFER_OVERDUE", "TO-2390546dfcea", { decision: "Đã xử lý", reviewer: "A", date: new Date(Date.UTC(2026, 10, 5)) })
      rowOf(wb, "TRANSFER_OVERDUE", "TO-2390546dfcea").getCell(findingColumn("Mã bằng chứng")).value = "xem lại"
      // An id cut short.
      const cut = rowOf(wb, "STATUS_CONFLICT", "SC-13897471b931")
      cut.getCell(findingColumn("Mã phát hiện")).value = "SC-1389"
      cut.getCell(findingColumn("Quyết định")).value = "Đã xử lý"
      cut.getCell(findingColumn("Người rà soát")).value = "A"
      // A tick box where the date goes.
      fill(wb, "UNREPORTED_TRANSFER", "UT-31c80ef8c539", { decision: "Đồng ý đề xuất", reviewer: "A" })
      rowOf(wb, "UNREPORTED_TRANSFER", "UT-31c80ef8c539").getCell(findingColumn("Ngày")).value = true
      const bad = path.join(dir, "bad-cells.xlsx")
      yield* Effect.promise(() => wb.xlsx.writeFile(bad))

      const problems = refusal(yield* Effect.either(importing([bad]))).problems
      const one = (sheet: Category, column: string) => {
        const found = problems.filter((p) => p.sheet === categorySheetName(sheet) && p.column === column)
        expect(found).toHaveLength(1)
        return found[0]!
      }
      expect(one("NOT_IN_CENTRAL", "Quyết định")).toMatchObject({ file: bad, row: rowOf(wb, "NOT_IN_CENTRAL", "NC-acc8f8a1e374").number })
      expect(one("NOT_IN_CENTRAL", "Quyết định").reason).toContain("\"#N/A\" không hợp lệ")
      expect(one("DUPLICATE_ROSTER", "Người rà soát").reason).toMatch(/^Tên người rà soát "Nguyễn Văn A Nguyễn.*…" dài quá 200 ký tự/)
      expect(one("TRANSFER_OVERDUE", "Mã bằng chứng").reason).toContain("\"xem lại\"")
      expect(one("STATUS_CONFLICT", "Mã phát hiện")).toMatchObject({ row: cut.number })
      expect(one("STATUS_CONFLICT", "Mã phát hiện").reason).toContain("\"SC-1389\" không đúng dạng")
      expect(one("UNREPORTED_TRANSFER", "Ngày").reason).toContain("Ngày \"TRUE\" không hợp lệ")
      expect(problems).toHaveLength(5)
      expect(yield* decisionRows).toBe(before)
    }), 120_000)

  it.effect("a file that is not a review workbook is refused", () =>
    Effect.gen(function*() {
      const error = refusal(yield* Effect.either(importing([path.join(dir, "central.xlsx")])))
      expect(error.problems[0]!.reason).toContain("không có trang phát hiện")
    }))
})
