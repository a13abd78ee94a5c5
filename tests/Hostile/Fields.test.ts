/**
 * Issue 11, items 6 (values kept as typed) and 9 (central integrity), as attacks on a copy of the
 * sample: a CSV whose clerk typed short card numbers and an 11-digit CCCD, an xlsx whose card
 * numbers Excel stored as numbers, and a central export with a duplicated member id, a unit cycle,
 * a unit that is its own parent and a transfer of a member id on no DangVien row. Each case checks:
 * no crash (the run completes), the documented outcome, every row accounted for (read = ingested
 * + rejected), a Vietnamese message naming file and row, and nothing silently changed.
 * Self-contained: builds its inputs from samples/ in a temporary folder.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import ExcelJS from "exceljs"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { sample } from "../../pipelines/sample.js"
import { readCentral } from "../../src/Ingest/Central.js"
import { run } from "../../src/Pipeline/Run.js"

interface Issue {
  readonly file: string
  readonly sheet: string | null
  readonly row: number | null
  readonly column: string | null
  readonly reason: string
}
interface Finding {
  readonly category: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<{ readonly file: string; readonly row: number }>
  readonly field?: string
  readonly rosterValue?: string
  readonly centralValue?: string
  readonly recommendation: string
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-hostile-fields-"))
const rosters = path.join(dir, "rosters")
const central = path.join(dir, "central.xlsx")
const out = path.join(dir, "out")
const CSV = "Đảng bộ bộ phận Khu Nam/CB05_thon_Nam.csv"
const XLSX = "Đảng bộ bộ phận Khu Nam/CB05_so.xlsx"

let runJson: {
  files: Array<{ file: string; rowsRead: number; rowsIngested: number; rowsRejected: number; error: string | null }>
  totals: { rowsRead: number; rowsIngested: number; rowsRejected: number }
  rejections: Array<Issue>
  warnings: Array<Issue>
}
let findings: Array<Finding>
let csvLines: Array<Array<string>>

/** Appends rows to a sheet of the sample's central workbook. */
const buildCentral = async () => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile("samples/central.xlsx")
  const members = wb.getWorksheet("DangVien")!
  const dv10005 = (members.getRow(3).values as Array<unknown>).slice(1)
  expect(dv10005[0]).toBe("DV10005")
  // The same id typed for another person: which row is right cannot be known.
  members.addRow(["DV10005", "Trần Văn Giả", "01/01/1970", "Nam", null, null, null, null, null, "CB05", "Đang sinh hoạt"])
  const units = wb.getWorksheet("ChiBo")!
  units.addRow(["CB90", "Chi bộ Vòng A", "CB91", "Chi bộ Vòng B"])
  units.addRow(["CB91", "Chi bộ Vòng B", "CB90", "Chi bộ Vòng A"])
  units.addRow(["CB92", "Chi bộ Tự trỏ", "CB92", "Chi bộ Tự trỏ"])
  const transfers = wb.getWorksheet("ChuyenSinhHoat")!
  // A transfer letter of 2020, never received, of nobody in DangVien.
  transfers.addRow(["DV99999", "CB05", "Đảng bộ xã Diễn Hồng, tỉnh Nghệ An", "Chính thức", "01/01/2020", null])
  await wb.xlsx.writeFile(central)
}

beforeAll(async () => {
  fs.cpSync("samples/rosters", rosters, { recursive: true })
  // The clerk typed short card numbers and an 11-digit CCCD (text, in a CSV).
  const text = fs.readFileSync(path.join(rosters, CSV), "utf8").replace(/^\uFEFF/, "")
  csvLines = text.trim().split(/\r?\n/).map((l) => l.split(","))
  csvLines[1]![6] = "1234"
  csvLines[2]![6] = "0105"
  csvLines[3]![5] = "61784857123"
  fs.writeFileSync(path.join(rosters, CSV), csvLines.map((l) => l.join(",")).join("\n") + "\n")
  // An xlsx of another cell whose card column Excel stored as numbers: 07654321 became 7654321.
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet("DS")
  ws.addRow(["CHI BỘ THÔN NAM"])
  ws.addRow(["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên"])
  ws.addRow([1, "Đinh Văn Thử", "01/01/1970", 7654321])
  ws.addRow([2, "Đinh Thị Thử", "02/01/1971", 12345678])
  ws.addRow([3, "Đinh Văn Ngắn", "03/01/1972", 1234])
  await wb.xlsx.writeFile(path.join(rosters, XLSX))
  await buildCentral()

  await Effect.runPromise(
    run(sample, { central, rosters, out, asOf: sample.defaults.asOf!, db: path.join(dir, "state.sqlite") }).pipe(Effect.provide(NodeContext.layer))
  )
  runJson = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
  findings = fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8").trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))
}, 180_000)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const VIETNAMESE = /[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/i

describe("hostile: values kept as typed (issue 11, item 6)", () => {
  it("completes with every row accounted for", () => {
    for (const f of runJson.files) expect(f.rowsRead, f.file).toBe(f.rowsIngested + f.rowsRejected)
    expect(runJson.totals.rowsRead).toBe(runJson.totals.rowsIngested + runJson.totals.rowsRejected)
    expect(runJson.files.find((f) => f.file === CSV)).toMatchObject({ rowsRead: csvLines.length - 1, rowsRejected: 0, error: null })
  })

  it.each([
    [2, "Số thẻ", "1234"],
    [3, "Số thẻ", "0105"],
    [4, "CCCD", "61784857123"]
  ] as const)("CSV row %i: %s typed %j is not padded; a Vietnamese warning names file, row, column and value", (row, column, value) => {
    const w = runJson.warnings.filter((x) => x.file === CSV && x.row === row && x.column === column)
    expect(w).toHaveLength(1)
    expect(w[0]!.reason).toContain(`"${value}"`)
    expect(w[0]!.reason).toMatch(VIETNAMESE)
  })

  it("nothing typed as text is changed: no finding carries a padded value", () => {
    const values = findings.flatMap((f) => [f.rosterValue, f.centralValue]).filter((v) => v !== undefined)
    for (const padded of ["00001234", "00000105", "061784857123"]) expect(values).not.toContain(padded)
    const links = fs.readFileSync(path.join(out, "links.csv"), "utf8") + fs.readFileSync(path.join(out, "run.json"), "utf8")
    for (const padded of ["00001234", "00000105", "061784857123"]) expect(links).not.toContain(padded)
    // So no field mismatch on those rows' card numbers recommends updating the database.
    const onRows = findings.filter((f) => f.rosterRows.some((r) => r.file === CSV && r.row <= 4) && f.field === "Số thẻ đảng viên")
    expect(onRows).toEqual([])
  })

  it("a number cell is padded only when its column shows the width, with one warning naming the column and rows", () => {
    const w = runJson.warnings.filter((x) => x.file === XLSX)
    expect(w).toContainEqual({ file: XLSX, sheet: "DS", row: 3, column: "Số thẻ đảng viên", reason: expect.stringContaining("(dòng 3)") })
    // 1234 would need four zeros: not padded, reported with its value.
    expect(w).toContainEqual({ file: XLSX, sheet: "DS", row: 5, column: "Số thẻ đảng viên", reason: expect.stringContaining('"1234"') })
    expect(runJson.files.find((f) => f.file === XLSX)).toMatchObject({ rowsRead: 3, rowsIngested: 3, rowsRejected: 0 })
  })
})

describe("hostile: central integrity (issue 11, item 9)", () => {
  const centralRejections = () => runJson.rejections.filter((r) => r.file === "central.xlsx")

  it("a duplicated member id rejects both rows, each naming the other; no first-wins", async () => {
    const dup = centralRejections().filter((r) => r.sheet === "DangVien" && r.reason.includes('"DV10005"'))
    expect(dup.map((r) => r.row)).toEqual([3, 311])
    for (const r of dup) {
      expect(r.column).toBe("Mã đảng viên")
      expect(r.reason).toContain("3, 311")
      expect(r.reason).toMatch(VIETNAMESE)
    }
    const c = await Effect.runPromise(readCentral(central))
    expect(c.data.members.some((m) => m.id === "DV10005")).toBe(false)
    expect(c.duplicateIds).toEqual([{ id: "DV10005", rows: [3, 311] }])
    // Accounted: every DangVien row is ingested or rejected.
    expect(c.summary.rowsRead).toBe(c.summary.rowsIngested + c.summary.rowsRejected)
  })

  it("a unit cycle and a self-parent are rejected with the units named", () => {
    const units = centralRejections().filter((r) => r.sheet === "ChiBo")
    expect(units.map((r) => r.row)).toEqual([18, 19, 20])
    expect(units[0]!.reason).toContain("CB90 → CB91 → CB90")
    expect(units[1]!.reason).toContain("CB91 → CB90 → CB91")
    expect(units[2]!.reason).toContain('"CB92"')
    expect(units[2]!.reason).toContain("chính nó")
  })

  it("a transfer of a member id on no DangVien row is set aside with a message, never a TRANSFER_OVERDUE", () => {
    const t = centralRejections().filter((r) => r.sheet === "ChuyenSinhHoat")
    expect(t).toEqual([{ file: "central.xlsx", sheet: "ChuyenSinhHoat", row: 28, column: "Mã đảng viên", reason: expect.stringContaining('"DV99999"') }])
    expect(findings.filter((f) => f.memberIds.includes("DV99999"))).toEqual([])
  })
})
