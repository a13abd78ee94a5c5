/**
 * A run over broken input: a corrupt workbook, an `.xls` binary, an empty file and a CSV with
 * unreadable rows next to the sample's good files. The run completes, every row lands in exactly
 * one place, and run.json and the "Lỗi dữ liệu" sheet name file, sheet, row, column and reason.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import ExcelJS from "exceljs"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sample } from "../../pipelines/sample.js"
import { run } from "../../src/Pipeline/Run.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-bad-"))
const rosters = path.join(dir, "rosters")
fs.cpSync("samples/rosters", rosters, { recursive: true })
fs.writeFileSync(path.join(rosters, "hỏng.xlsx"), Buffer.from("PK\u0003\u0004 this is not a zip archive"))
fs.writeFileSync(path.join(rosters, "cũ.xls"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]))
fs.writeFileSync(path.join(rosters, "trống.csv"), "")
// CB12 sent no list in the sample; this one has two good rows, one with an impossible birth date (kept, the date
// blank with a warning) and one without a name (rejected).
fs.writeFileSync(
  path.join(rosters, "CB12_quan_su.csv"),
  [
    "Mã chi bộ,STT,Họ tên,Ngày sinh,Giới tính,CCCD,Số thẻ,Ngày vào Đảng,Ghi chú",
    "CB12,1,Trần Văn Bình,31/02/1980,Nam,,,01/01/2005,",
    "CB12,2,,12/03/1985,Nam,,,01/01/2010,",
    "CB12,3,Lê Thị Hoa,12/03/1985,Nữ,,,01/01/2010,",
    "CB12,4,Phạm Văn Nam,1984,Nam,,,01/01/2011,"
  ].join("\n") + "\n"
)
const out = path.join(dir, "out")

describe("a run over broken input", () => {
  it.effect("completes, accounts for every row and lists every rejection with its place and reason", () =>
    Effect.gen(function*() {
      yield* run(sample, {
        central: "samples/central.xlsx",
        rosters,
        out,
        asOf: sample.defaults.asOf!,
        db: path.join(dir, "state.sqlite")
      }).pipe(Effect.provide(NodeContext.layer))

      const runJson = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
      for (const f of runJson.files) expect(f.rowsRead, f.file).toBe(f.rowsIngested + f.rowsRejected)
      const byFile = new Map(runJson.files.map((f: { file: string }) => [f.file, f]))
      for (const broken of ["hỏng.xlsx", "cũ.xls", "trống.csv"]) {
        expect(byFile.get(broken), broken).toMatchObject({ rowsIngested: 0 })
        expect((byFile.get(broken) as { error: string | null }).error, broken).toBeTruthy()
        expect(runJson.rejections.some((r: { file: string; reason: string }) => r.file === broken && r.reason !== ""), broken).toBe(true)
      }
      expect(byFile.get("CB12_quan_su.csv")).toMatchObject({ unitCode: "CB12", rowsRead: 4, rowsIngested: 3, rowsRejected: 1 })

      const csvRejections = runJson.rejections.filter((r: { file: string }) => r.file === "CB12_quan_su.csv")
      expect(csvRejections).toHaveLength(1)
      expect(csvRejections[0]).toMatchObject({ sheet: "CB12_quan_su.csv", row: 3, column: "Họ tên" })
      const csvWarnings = runJson.warnings.filter((r: { file: string }) => r.file === "CB12_quan_su.csv")
      expect(csvWarnings).toContainEqual(expect.objectContaining({ sheet: "CB12_quan_su.csv", row: 2, column: "Ngày sinh", reason: expect.stringContaining("31/02/1980") }))
      expect(runJson.totals.rowsRead).toBe(runJson.totals.rowsIngested + runJson.totals.rowsRejected)

      // The same list, in the workbook reviewers open.
      const wb = new ExcelJS.Workbook()
      yield* Effect.promise(() => wb.xlsx.readFile(path.join(out, "review.xlsx")))
      const errors = wb.getWorksheet("Lỗi dữ liệu")!
      const text: Array<string> = []
      errors.eachRow((row) => text.push((row.values as Array<unknown>).map((v) => String(v ?? "")).join("|")))
      const all = text.join("\n")
      for (const f of ["hỏng.xlsx", "cũ.xls", "trống.csv", "CB12_quan_su.csv"]) expect(all).toContain(f)

      // The good files still reconcile: the sample's findings are all there, but for CB12's "no list", as it now sent one.
      const findings = fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
      const found = findings.map((d) => d.id)
      const expected = fs.readFileSync("samples/expected/discrepancies.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l))
      for (const d of expected) {
        if (d.category === "ROSTER_NOT_SUBMITTED" && d.unitCode === "CB12") expect(found).not.toContain(d.id)
        else expect(found).toContain(d.id)
      }
      // CB12's list had unreadable rows: its members missing from it are reported with that caveat, after the others.
      const missing = findings.filter((d) => d.category === "MISSING_FROM_ROSTER")
      const cb12 = missing.filter((d) => d.unitCode === "CB12")
      expect(cb12.length).toBeGreaterThan(0)
      for (const d of cb12) {
        expect(d.caveats).toEqual(["INPUT_INCOMPLETE"])
        expect(d.reason).toMatch(/danh sách của chi bộ có \d+ dòng không đọc được: tệp CB12_quan_su\.csv, dòng /)
      }
      expect(missing.slice(-cb12.length)).toEqual(cb12)
      expect(runJson.uncoveredCells).toContainEqual(expect.objectContaining({ unitCode: "CB12", why: "UNREAD_INPUT" }))
    }), 120_000)
})
