/**
 * Preparing an export for the national index reads a SQLite export's members in batches and parses
 * them as they come (ExportRead.ts, Central.parseCentralStream). Here: an export of three batches
 * and more, with what needs the whole sheet (a member id repeated in two batches, a short number
 * card that makes the parser survey its column) and rows that cost a field or are rejected,
 * prepared and compared with the whole-sheet parse (`parseCentral`) of the same rows: the same
 * members, texts, keys, rejections and warnings. Also when the rows are not keyed by their row
 * number (read whole), and from the .xlsx export.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import Database from "better-sqlite3"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import ExcelJS from "exceljs"
import { MemberSheet, parseCentral, type RawRow, type RawValue, TransferSheet, UnitSheet } from "../../src/Ingest/Central.js"
import { encodeMember, encodeTransfer, recordKeys, signaturesOf } from "../../src/Store/CentralIndex.js"
import { type PreparedExport, prepareExport, type TextChunk, textChunk } from "../../src/Store/ExportRead.js"

const SIGNATURES = signaturesOf(annualRosterMatching.match.blocking)
const ROWS = 20_000
const FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
const GIVENS = ["An", "Bình", "Hoa", "Khoa", "Lan", "Minh", "Thảo", "Tùng", "Yến", "Hùng"]

type Row = Record<string, RawValue>

/** The export's rows: plain members, and at fixed rows what needs the whole sheet or costs a field or the row. */
const memberRows = (): Array<Row> => {
  const rows: Array<Row> = []
  for (let i = 0; i < ROWS; i++) {
    const day = 1 + (i % 28)
    const month = 1 + (i % 12)
    const year = 1950 + (i % 50)
    rows.push({
      member_id: `DV${String(10_000_000 + i)}`,
      full_name: `${FAMILIES[i % FAMILIES.length]} Văn ${GIVENS[(i * 7) % GIVENS.length]}`,
      birth_date: `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}`,
      sex: i % 3 === 0 ? "Nữ" : "Nam",
      hometown: `Xã ${GIVENS[i % GIVENS.length]}, Nam Định`,
      cccd: `036${i % 3 === 0 ? 1 : 0}${String(year % 100).padStart(2, "0")}${String(100_000 + i).padStart(6, "0")}`,
      card_no: String(10_000_000 + i * 3),
      admitted_date: `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year + 25}`,
      official_date: null,
      unit_code: `CB${String(i % 40).padStart(3, "0")}`,
      status: i % 97 === 0 ? "Từ trần" : "Đang sinh hoạt"
    })
  }
  // One id on a row of the first batch and one of the third: both rejected.
  rows[15_000]!.member_id = rows[100]!.member_id ?? null
  // A card number typed as a number that lost its leading zeros: the column is surveyed for the width.
  rows[9_000]!.card_no = 123456
  rows[500]!.birth_date = "31/02/1970"
  rows[12_345]!.full_name = null
  rows[17_000]!.unit_code = "CB999"
  rows[8_191]!.status = "không rõ"
  rows[19_999]!.admitted_date = "01/01/1960"
  return rows
}

const unitRows = (): Array<Row> => [
  { unit_code: "TU25", unit_name: "Đảng bộ tỉnh Nam Định", parent_code: null, parent_name: null },
  ...Array.from({ length: 40 }, (_, i) => ({ unit_code: `CB${String(i).padStart(3, "0")}`, unit_name: `Chi bộ ${i}`, parent_code: "TU25", parent_name: "Đảng bộ tỉnh Nam Định" }))
]

const transferRows = (): Array<Row> => [
  { member_id: "DV10000001", from_unit: "CB001", to_unit: "CB002", kind: "Chính thức", introduced_date: "01/02/2026", received_date: null },
  { member_id: "DV99999999", from_unit: "CB001", to_unit: "CB002", kind: "Chính thức", introduced_date: "01/02/2026", received_date: null }
]

const SPECS = [MemberSheet, UnitSheet, TransferSheet] as const

/** A SQLite export in the central schema; `keyed`: source_row is the tables' INTEGER PRIMARY KEY (as importCentral writes it). */
const writeExport = (file: string, keyed: boolean) => {
  const db = new Database(file)
  db.exec("CREATE TABLE central_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
  db.prepare("INSERT INTO central_meta (key, value) VALUES (?, ?), (?, ?)").run("source_file", "nam-dinh.xlsx", "province_code", "025")
  const data = [memberRows(), unitRows(), transferRows()]
  db.transaction(() => {
    SPECS.forEach((spec, t) => {
      const cols = spec.columns.map((c) => c.column)
      db.exec(`CREATE TABLE ${spec.table} (source_row ${keyed ? "INTEGER PRIMARY KEY" : ""}, ${cols.join(", ")})`)
      const ins = db.prepare(`INSERT INTO ${spec.table} VALUES (?, ${cols.map(() => "?").join(", ")})`)
      // Not keyed: inserted in reverse, so only ORDER BY gives the sheet's order.
      const rows = data[t]!.map((r, i) => [i + 2, ...cols.map((c) => r[c] ?? null)])
      for (const r of keyed ? rows : rows.reverse()) ins.run(r)
    })
  })()
  db.close()
}

/** The rows of a SQLite export read whole, as the reference parse takes them. */
const rawOf = (file: string) => {
  const db = new Database(file, { readonly: true })
  try {
    const read = (spec: typeof MemberSheet): Array<RawRow> =>
      (db.prepare(`SELECT ${spec.columns.map((c) => c.column).join(", ")}, source_row FROM ${spec.table} ORDER BY source_row`).raw(true).all() as Array<Array<RawValue>>)
        .map((v) => ({ row: Number(v[v.length - 1]), values: v.slice(0, -1) }))
    return { members: read(MemberSheet), units: read(UnitSheet), transfers: read(TransferSheet) }
  } finally {
    db.close()
  }
}

/** The members' three texts per member, decoded from chunks. */
const textsOf = (p: { readonly chunks: ReadonlyArray<TextChunk> }): Array<Array<string>> => {
  const out: Array<Array<string>> = []
  for (const c of p.chunks) {
    const text = (v: number) => Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength).toString("utf8", c.bounds[v]!, c.bounds[v + 1]!)
    for (let v = 0; v + 3 < c.bounds.length; v += 3) out.push([text(v), text(v + 1), text(v + 2)])
  }
  return out
}

/** What prepareExport must give for these rows: the whole-sheet parse, encoded and keyed. */
const expected = (sourceFile: string, raw: ReturnType<typeof rawOf>) => {
  const p = parseCentral(sourceFile, raw)
  const keys = recordKeys(p.data.members, SIGNATURES)
  return {
    rowsRead: p.rowsRead,
    rowsRejected: p.rowsRejected,
    warnings: p.warnings.length,
    members: p.data.members.length,
    texts: p.data.members.map((m) => [m.id, m.unitCode, encodeMember(m)]),
    keys: [...keys.keys],
    keyMember: [...keys.record],
    units: p.data.units,
    transfers: p.data.transfers.map((t) => [t.memberId, t.fromUnit, t.toUnit, encodeTransfer(t)]),
    issues: [...p.rejections.map((r) => ["rejection", JSON.stringify(r)]), ...p.warnings.map((w) => ["warning", JSON.stringify(w)])]
  }
}

const actual = (p: PreparedExport) => ({
  rowsRead: p.rowsRead,
  rowsRejected: p.rowsRejected,
  warnings: p.warnings,
  members: p.members,
  texts: textsOf(p),
  keys: [...p.keys],
  keyMember: [...p.keyMember],
  units: p.units,
  transfers: p.transfers.map((t) => [...t]),
  issues: p.issues.map((i) => [...i])
})

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-export-read-"))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe("prepareExport", () => {
  it("reads a SQLite export in batches and gives what the whole-sheet parse gives", async () => {
    const file = path.join(dir, "025-keyed.sqlite")
    writeExport(file, true)
    const p = await prepareExport(file, undefined, SIGNATURES)
    const want = expected("nam-dinh.xlsx", rawOf(file))
    // Batches of 8,192 rows: the members came in several chunks.
    expect(p.chunks.length).toBeGreaterThanOrEqual(3)
    expect(actual(p)).toEqual(want)
    // What needs the whole sheet held: both rows of the repeated id rejected, the short card number restored.
    // Four member rows (the repeated id's two, no name, an unknown status) and the transfer of an unknown member.
    expect(p.rowsRejected).toBe(5)
    expect(p.memberRows).toBe(ROWS)
    expect(p.members).toBe(ROWS - 4)
    const issues = p.issues.map(([level, d]) => ({ level, ...(JSON.parse(d) as { sheet: string; row: number; column: string; reason: string }) }))
    expect(issues.filter((i) => i.reason.includes("trùng ở các dòng")).map((i) => i.row)).toEqual([102, 15_002])
    expect(issues.filter((i) => i.level === "warning" && i.sheet === "DangVien").map((i) => [i.row, i.column])).toEqual([
      [502, "Ngày sinh"],
      [9_002, "Số thẻ đảng viên"],
      [17_002, "Mã chi bộ"],
      [20_001, "Ngày vào Đảng"]
    ])
    expect(issues.find((i) => i.row === 9_002)!.reason).toContain("thêm lại số 0")
    expect(p.province).toEqual({ code: "025", name: "Đảng bộ tỉnh Nam Định", codeFrom: "central_meta.province_code" })
    expect(p.sourceFile).toBe("nam-dinh.xlsx")
  })

  it("rows not keyed by their row number are read whole, in row order, with the same result", async () => {
    const keyed = path.join(dir, "025-keyed2.sqlite")
    const loose = path.join(dir, "025-loose.sqlite")
    writeExport(keyed, true)
    writeExport(loose, false)
    const a = await prepareExport(keyed, undefined, SIGNATURES)
    const b = await prepareExport(loose, undefined, SIGNATURES)
    expect(actual(b)).toEqual(actual(a))
  })

  it("the .xlsx export, read whole, gives the same as its SQLite copy", async () => {
    const sqlite = path.join(dir, "025-from.sqlite")
    writeExport(sqlite, true)
    const raw = rawOf(sqlite)
    // The workbook of the same rows: headers as the contract names them, values as typed.
    const wb = new ExcelJS.Workbook()
    SPECS.forEach((spec, t) => {
      const ws = wb.addWorksheet(spec.sheet)
      ws.addRow(spec.columns.map((c) => c.header))
      for (const r of [raw.members, raw.units, raw.transfers][t]!) ws.addRow([...r.values])
    })
    const xlsx = path.join(dir, "nam-dinh.xlsx")
    await wb.xlsx.writeFile(xlsx)
    const fromXlsx = await prepareExport(xlsx, "025", SIGNATURES)
    const fromSqlite = await prepareExport(sqlite, "025", SIGNATURES)
    expect(fromXlsx.chunks.length).toBeGreaterThanOrEqual(3)
    expect(actual(fromXlsx)).toEqual(actual(fromSqlite))
  }, 120_000)

  it("a chunk's texts read back as encoded, also texts holding U+0000 and a lone surrogate", () => {
    const file = path.join(dir, "025-chunk.sqlite")
    writeExport(file, true)
    const raw = rawOf(file)
    const members = parseCentral("x.xlsx", { ...raw, members: raw.members.slice(0, 50) }).data.members
    const odd = [...members.slice(0, 3), { ...members[3]!, id: "DV\u0000 1", unitCode: "CB\u0000" }, { ...members[4]!, hometown: "Xã \u0000 An" }, { ...members[5]!, id: "DV\ud800" },
      { ...members[6]!, unitCode: "Chi bộ Đông Hà" }, { ...members[7]!, id: "DV".padEnd(40, "7") }]
    for (const batch of [members, odd]) {
      // As Buffer.from would write them (a lone surrogate as U+FFFD).
      const written = (t: string) => Buffer.from(t, "utf8").toString("utf8")
      expect(textsOf({ chunks: [textChunk(batch)] })).toEqual(batch.map((m) => [m.id, m.unitCode, encodeMember(m)].map(written)))
    }
  })
})
