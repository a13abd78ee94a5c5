/**
 * Writes a province model (Province.ts) as files: central.xlsx in the central contract, and one
 * roster file per list in the cells' layouts (A: official form; B: two-row header; C: CSV; D: form A
 * in TCVN3; V: form A in VNI-Windows). Unreadable fields are written as the clerk typed them
 * (`row.raw`), files that lost their title rows are written without them, CSV files carry a
 * "Mã chi bộ" column only when the clerk kept one.
 */
import ExcelJS from "exceljs"
import { mkdir, rename, rm } from "node:fs/promises"
import * as path from "node:path"
import type { RosterKind } from "../../src/Domain.js"
import { encodeTcvn3, encodeVni } from "../../src/Normalize/Encoding.js"
import type { ProvinceRow } from "./Clerks.js"
import { birthP } from "./Clerks.js"
import { fmtDot, fmtSlash, fullName, type PDate, pinZipTimestamps, STATUS_TEXT, upper, writeAtomic, type Ymd } from "./Commune.js"
import type { ProvinceFile, ProvinceModel, ProvinceUnit } from "./Province.js"

/** Files are stamped with this instant so reruns give identical bytes. */
const FIXED_STAMP = new Date(Date.UTC(2026, 9, 15, 0, 0, 0))
const FONT = "Times New Roman"

const pdate = (x: Ymd): PDate => ({ y: x.y, m: x.m, d: x.d })

const newWorkbook = (): ExcelJS.Workbook => {
  const wb = new ExcelJS.Workbook()
  wb.creator = "Hồng Lam"
  wb.lastModifiedBy = "Hồng Lam"
  wb.created = FIXED_STAMP
  wb.modified = FIXED_STAMP
  return wb
}

const setCell = (cell: ExcelJS.Cell, value: string | number | null, font = FONT, bold = false) => {
  cell.value = value
  cell.font = { name: font, size: 12, bold }
}

type UnitPair = { cell: ProvinceUnit; parent: ProvinceUnit }

const unitPair = (byCode: ReadonlyMap<string, ProvinceUnit>, code: string): UnitPair => {
  const cell = byCode.get(code)!
  return { cell, parent: byCode.get(cell.parentCode!)! }
}

/** The list's title: ingestion tells 213 and temporary lists from official ones by it. */
const TITLE: Record<RosterKind, string> = {
  OFFICIAL: "DANH SÁCH ĐẢNG VIÊN",
  RESIDENCE_213: "DANH SÁCH ĐẢNG VIÊN GIỮ MỐI LIÊN HỆ VỚI CHI BỘ NƠI CƯ TRÚ (QUY ĐỊNH 213-QĐ/TW)",
  TEMPORARY: "DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI"
}

/** A birth date as the clerk typed it: the unreadable text, the year ("00/00/1948"), or the date. */
const birthText = (r: ProvinceRow, fmt: (d: PDate) => string, zero: string): string =>
  r.raw.birth ?? (r.zeroDayMonth && r.birth.m === null ? `${zero}${r.birth.y}` : fmt(r.birth))
const admittedText = (r: ProvinceRow, fmt: (d: PDate) => string): string => r.raw.admitted ?? fmt(pdate(r.admitted))
const sexText = (r: ProvinceRow): string => r.raw.sex ?? (r.sex === "M" ? "Nam" : "Nữ")
const cccdText = (r: ProvinceRow): string | null => r.raw.cccd ?? r.cccd
const cardText = (r: ProvinceRow): string | null => r.raw.cardNo ?? r.cardNo

/**
 * Layouts A, D and V (D: every text cell in TCVN3 bytes, .VnTime; capitals as lowercase codes in
 * .VnTimeH. V: every text cell in VNI-Windows, VNI-Times, which has capitals of its own).
 */
const writeFormA = (ws: ExcelJS.Worksheet, f: ProvinceFile, units: UnitPair): void => {
  const tcvn = f.layout === "D"
  const vni = f.layout === "V"
  const textFont = tcvn ? ".VnTime" : vni ? "VNI-Times" : FONT
  const put = (r: number, c: number, s: string | null, bold = false) => {
    if (s === null) return setCell(ws.getCell(r, c), null, textFont)
    const allCaps = s === upper(s) && /[A-ZĐ]/.test(s)
    if (vni) return setCell(ws.getCell(r, c), encodeVni(s), textFont, bold)
    if (!tcvn) return setCell(ws.getCell(r, c), s, FONT, bold)
    if (allCaps) return setCell(ws.getCell(r, c), encodeTcvn3(s.toLocaleLowerCase("vi")), ".VnTimeH", bold)
    setCell(ws.getCell(r, c), encodeTcvn3(s), textFont, bold)
  }
  if (f.titleRows) {
    put(1, 1, upper(units.parent.name), true)
    put(1, 10, "ĐẢNG CỘNG SẢN VIỆT NAM", true)
    put(2, 1, upper(units.cell.name), true)
    put(4, 1, TITLE[f.kind], true)
    put(5, 1, "ngày 15 tháng 10 năm 2026")
  }
  const headers = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"]
  headers.forEach((h, i) => put(7, i + 1, h, true))
  headers.forEach((_, i) => setCell(ws.getCell(8, i + 1), i + 1, textFont))
  f.rows.forEach((r, i) => {
    const n = r.row
    setCell(ws.getCell(n, 1), i + 1, textFont)
    put(n, 2, f.capitals ? upper(r.name) : r.name)
    put(n, 3, birthText(r, fmtSlash, "00/00/"))
    put(n, 4, sexText(r))
    put(n, 5, r.hometown)
    setCell(ws.getCell(n, 6), cccdText(r), textFont)
    setCell(ws.getCell(n, 7), cardText(r), textFont)
    put(n, 8, admittedText(r, fmtSlash))
    put(n, 9, r.official === null ? null : fmtSlash(pdate(r.official)))
    if (r.note !== "") put(n, 10, r.note)
  })
  const total = 9 + f.rows.length
  put(total, 1, `Tổng cộng: ${f.rows.length} đồng chí`, true)
}

/** Layout B: two-row header, the birth date under Nam or Nữ, card numbers as numbers, dd.mm.yyyy. */
const writeFormB = (ws: ExcelJS.Worksheet, f: ProvinceFile, units: UnitPair): void => {
  if (f.titleRows) {
    setCell(ws.getCell("A1"), upper(units.parent.name), FONT, true)
    setCell(ws.getCell("I1"), "ĐẢNG CỘNG SẢN VIỆT NAM", FONT, true)
    setCell(ws.getCell("A2"), upper(units.cell.name), FONT, true)
    setCell(ws.getCell("A4"), TITLE[f.kind], FONT, true)
  }
  for (const [col, h] of [["A", "STT"], ["B", "Họ và tên"], ["E", "Quê quán"], ["F", "Số thẻ ĐV"], ["G", "CCCD"], ["H", "Ngày vào Đảng"], ["I", "Ghi chú"]] as const) {
    ws.mergeCells(`${col}7:${col}8`)
    setCell(ws.getCell(`${col}7`), h, FONT, true)
  }
  ws.mergeCells("C7:D7")
  setCell(ws.getCell("C7"), "Ngày sinh", FONT, true)
  setCell(ws.getCell("C8"), "Nam", FONT, true)
  setCell(ws.getCell("D8"), "Nữ", FONT, true)
  f.rows.forEach((r, i) => {
    const n = r.row
    setCell(ws.getCell(n, 1), i + 1)
    setCell(ws.getCell(n, 2), f.capitals ? upper(r.name) : r.name)
    setCell(ws.getCell(n, r.sex === "M" ? 3 : 4), birthText(r, fmtDot, "00.00."))
    setCell(ws.getCell(n, 5), r.hometown)
    // Excel turned the card numbers into numbers and dropped the leading zeros (an unreadable one stays text).
    setCell(ws.getCell(n, 6), r.raw.cardNo ?? (r.cardNo === null ? null : Number(r.cardNo)))
    setCell(ws.getCell(n, 7), cccdText(r))
    setCell(ws.getCell(n, 8), admittedText(r, fmtDot))
    if (r.note !== "") setCell(ws.getCell(n, 9), r.note)
  })
}

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

const csvText = (f: ProvinceFile): string => {
  const code = f.codeColumn ? ["Mã chi bộ"] : []
  const lines = [[...code, "STT", "Họ tên", "Ngày sinh", "Giới tính", "CCCD", "Số thẻ", "Ngày vào Đảng", "Ghi chú"].join(",")]
  f.rows.forEach((r, i) => {
    const fields = [birthText(r, fmtSlash, "00/00/"), sexText(r), cccdText(r) ?? "", cardText(r) ?? "", admittedText(r, fmtSlash), r.note]
    lines.push([...(f.codeColumn ? [f.unitCode] : []), String(i + 1), f.capitals ? upper(r.name) : r.name, ...fields].map(csvField).join(","))
  })
  return `\uFEFF${lines.join("\r\n")}\r\n`
}

/** central.xlsx through exceljs's streaming writer: memory stays flat at a million rows. */
export const writeCentral = async (model: ProvinceModel, file: string): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp-${process.pid}`
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: false, useSharedStrings: false })
  wb.created = FIXED_STAMP
  wb.modified = FIXED_STAMP
  const dv = wb.addWorksheet("DangVien")
  dv.addRow(["Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Trạng thái"]).commit()
  for (const m of model.members) {
    dv.addRow([
      m.id, fullName(m), fmtSlash(birthP(m)), m.sex === "M" ? "Nam" : "Nữ", m.hometown, m.cccd, m.cardNo,
      fmtSlash(m.admitted), m.official === null ? null : fmtSlash(m.official), m.unit, STATUS_TEXT[m.status]
    ]).commit()
  }
  dv.commit()
  const cb = wb.addWorksheet("ChiBo")
  cb.addRow(["Mã chi bộ", "Tên chi bộ", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên"]).commit()
  for (const u of model.units) cb.addRow([u.code, u.name, u.parentCode, u.parentName]).commit()
  cb.commit()
  const cs = wb.addWorksheet("ChuyenSinhHoat")
  cs.addRow(["Mã đảng viên", "Từ chi bộ", "Đến chi bộ", "Loại", "Ngày giới thiệu", "Ngày tiếp nhận"]).commit()
  for (const t of model.transfers) {
    cs.addRow([t.memberId, t.from, t.to, t.kind, fmtSlash(t.introduced), t.received === null ? null : fmtSlash(t.received)]).commit()
  }
  cs.commit()
  await wb.commit()
  await rename(tmp, file)
}

const writeRosterFile = async (rostersDir: string, byCode: ReadonlyMap<string, ProvinceUnit>, f: ProvinceFile): Promise<void> => {
  const target = path.join(rostersDir, ...f.file.split("/"))
  if (f.layout === "C") return writeAtomic(target, csvText(f))
  const wb = newWorkbook()
  const ws = wb.addWorksheet(f.sheet)
  const units = unitPair(byCode, f.unitCode)
  if (f.layout === "B") writeFormB(ws, f, units)
  else writeFormA(ws, f, units)
  await writeAtomic(target, pinZipTimestamps(Buffer.from(await wb.xlsx.writeBuffer())))
}

/** Writes rosters/ (replaced wholesale) only; used by the ingestion benchmark as well. */
export const writeRosters = async (model: ProvinceModel, rostersDir: string, concurrency = 4): Promise<void> => {
  await rm(rostersDir, { recursive: true, force: true })
  const byCode = new Map(model.units.map((u) => [u.code, u]))
  let next = 0
  const worker = async () => {
    while (next < model.files.length) {
      const f = model.files[next++]!
      await writeRosterFile(rostersDir, byCode, f)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}
