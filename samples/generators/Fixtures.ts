/**
 * A corpus of ugly cell rosters for the ingestion tests (tests/fixtures/rosters/), written by code so
 * it can be rebuilt (`npx tsx tests/fixtures/build.ts`), with what each file must read as in
 * expected.json beside them. Each file exercises several points of domain.md §1, §5, §6 and the
 * issue "Ingest real cell rosters as people actually keep them": legacy encodings by font and by
 * content, NFD, look-alike Đ, tone placement, honorifics, merged two-row headers, X marks, a column-
 * index row, stacked Mẫu 7-HSĐV cells, header synonyms, every date form, identifier checks, CSV
 * encodings and separators, the three list kinds, unit resolution (code, title, file name, old
 * name, ambiguous, unknown) and files that cannot be opened.
 *
 * The expectations are written by hand from what each cell means, not computed by the ingestion.
 * Output is byte-for-byte deterministic (zip timestamps pinned).
 */
import ExcelJS from "exceljs"
import iconv from "iconv-lite"
import { mkdir, rm } from "node:fs/promises"
import * as path from "node:path"
import type { RosterKind, Sex, Unit } from "../../src/Domain.js"
import type { UnitAlias } from "../../src/Ingest/Units.js"
import { encodeTcvn3, encodeVni } from "../../src/Normalize/Encoding.js"
import { pinZipTimestamps, writeAtomic } from "./Commune.js"

// ---------------------------------------------------------------------------------------------
// The central units the corpus resolves against (and the alias table of old names).

export const FIXTURE_UNITS: ReadonlyArray<Unit> = [
  { code: "DB01", name: "Đảng bộ phường Bến Nghé", parentCode: null, parentName: null },
  { code: "DB02", name: "Đảng bộ phường Đa Kao", parentCode: null, parentName: null },
  { code: "CB01", name: "Chi bộ Khu phố 1", parentCode: "DB01", parentName: "Đảng bộ phường Bến Nghé" },
  { code: "CB02", name: "Chi bộ Khu phố 2", parentCode: "DB01", parentName: "Đảng bộ phường Bến Nghé" },
  { code: "CB03", name: "Chi bộ Trường học", parentCode: "DB01", parentName: "Đảng bộ phường Bến Nghé" },
  { code: "CB04", name: "Chi bộ Trường học", parentCode: "DB02", parentName: "Đảng bộ phường Đa Kao" },
  { code: "CB05", name: "Chi bộ Cơ quan", parentCode: "DB02", parentName: "Đảng bộ phường Đa Kao" },
  { code: "CB06", name: "Chi bộ Khu phố 6", parentCode: "DB02", parentName: "Đảng bộ phường Đa Kao" }
]

/** Before 1/7/2025: xã Hòa Bình's "Chi bộ Thôn 3" became Chi bộ Khu phố 6 of phường Đa Kao. */
export const FIXTURE_ALIASES: ReadonlyArray<UnitAlias> = [
  { oldName: "Chi bộ Thôn 3", parentName: "Đảng bộ xã Hòa Bình", code: "CB06" }
]

// ---------------------------------------------------------------------------------------------
// Expectations

export interface ExpectedDate {
  readonly year: number
  readonly month: number | null
  readonly day: number | null
}

/** Fields compared when present; `warnings` are substrings, one per expected warning, in order. */
export interface ExpectedRow {
  readonly sheet: string
  readonly row: number
  readonly display: string
  readonly key?: string
  readonly kind: RosterKind
  readonly sex: Sex | null
  readonly birth: ExpectedDate | null
  readonly hometown?: string | null
  readonly cccd?: string | null
  readonly cardNo?: string | null
  readonly lyLich?: string | null
  readonly memberId?: string | null
  readonly admitted?: ExpectedDate | null
  readonly official?: ExpectedDate | null
  readonly exempt?: boolean
  readonly note?: string | null
  readonly warnings?: ReadonlyArray<string>
}

export interface ExpectedRejection {
  readonly sheet: string | null
  readonly row: number | null
  readonly column: string | null
  /** A substring of the reason. */
  readonly reason: string
}

export interface ExpectedFile {
  readonly covers: ReadonlyArray<string>
  readonly kind: RosterKind | null
  readonly unitCode: string | null
  readonly rowsRead: number
  readonly rowsIngested: number
  readonly rowsRejected: number
  /** A substring of FileSummary.error; null: the file was used. */
  readonly error: string | null
  readonly rows: ReadonlyArray<ExpectedRow>
  readonly rejections: ReadonlyArray<ExpectedRejection>
  /** Substrings of the file's warnings (row-level and file-level) that must be present. */
  readonly warnings?: ReadonlyArray<string>
}

export interface FixtureManifest {
  readonly units: ReadonlyArray<Unit>
  readonly aliases: ReadonlyArray<UnitAlias>
  readonly files: Readonly<Record<string, ExpectedFile>>
}

const d = (day: number | null, month: number | null, year: number): ExpectedDate => ({ year, month, day })

// ---------------------------------------------------------------------------------------------
// Writing

type Value = string | number | Date | boolean | null
interface CellSpec {
  readonly v: Value
  readonly font?: string
}
type RowSpec = ReadonlyArray<Value | CellSpec | undefined>

interface SheetSpec {
  readonly name: string
  readonly font?: string
  readonly rows: ReadonlyArray<RowSpec>
  readonly merges?: ReadonlyArray<string>
}

const FIXED_STAMP = new Date(Date.UTC(2026, 0, 1))
const isCellSpec = (x: unknown): x is CellSpec => typeof x === "object" && x !== null && !(x instanceof Date) && "v" in x

const xlsxBytes = async (sheets: ReadonlyArray<SheetSpec>): Promise<Buffer> => {
  const wb = new ExcelJS.Workbook()
  wb.creator = "recon fixtures"
  wb.created = FIXED_STAMP
  wb.modified = FIXED_STAMP
  for (const spec of sheets) {
    const ws = wb.addWorksheet(spec.name)
    spec.rows.forEach((row, r) => {
      row.forEach((x, c) => {
        if (x === undefined || x === null) return
        const cell = ws.getCell(r + 1, c + 1)
        const { v, font } = isCellSpec(x) ? x : { v: x, font: undefined }
        cell.value = v
        const name = font ?? spec.font
        if (name !== undefined) cell.font = { name, size: 12 }
      })
    })
    for (const m of spec.merges ?? []) ws.mergeCells(m)
  }
  return pinZipTimestamps(Buffer.from(await wb.xlsx.writeBuffer()))
}

/** Text as Vietnamese Windows (cp1258) stores it: base letters with ^ ˘ ʼ composed, tones as combining marks. */
export const toCp1258 = (s: string): Buffer =>
  iconv.encode(
    s.normalize("NFD").replace(/[A-Za-z][\u0302\u0306\u031B]/g, (m) => m.normalize("NFC")),
    "windows1258"
  )

const T = encodeTcvn3
/** TCVN3 capitals are the lowercase codes shown in an …H font. */
const TH = (s: string): CellSpec => ({ v: encodeTcvn3(s.toLocaleLowerCase("vi")), font: ".VnTimeH" })
const V = encodeVni

// Excel's serial for a date (1900 system): days since 1899-12-30.
const serial = (y: number, m: number, dd: number) => Math.round((Date.UTC(y, m - 1, dd) - Date.UTC(1899, 11, 30)) / 86400000)
const utc = (y: number, m: number, dd: number) => new Date(Date.UTC(y, m - 1, dd))

interface Fixture {
  readonly file: string
  readonly bytes: () => Promise<Buffer> | Buffer
  readonly expected: ExpectedFile
}

// ---------------------------------------------------------------------------------------------
// The corpus

const fixtures: ReadonlyArray<Fixture> = [
  {
    // A whole list typed in TCVN3 (.VnTime) with its capitals in .VnTimeH; real dates and serials.
    file: "tcvn3/danh-sach-kp1.xlsx",
    bytes: () =>
      xlsxBytes([
        {
          name: "DS",
          font: ".VnTime",
          rows: [
            [TH("Đảng bộ phường Bến Nghé"), undefined, undefined, undefined, undefined, TH("Đảng cộng sản Việt Nam")],
            [TH("Chi bộ Khu phố 1")],
            [],
            [TH("Danh sách đảng viên")],
            [T("Bến Nghé, ngày 15 tháng 10 năm 2025")],
            [],
            [T("STT"), T("Họ và tên"), T("Ngày sinh"), T("Giới tính"), T("Quê quán"), T("Số thẻ đảng viên"), T("Ngày vào Đảng")],
            [1, 2, 3, 4, 5, 6, 7],
            [1, T("Nguyễn Thị Hương"), utc(1962, 5, 14), T("Nữ"), T("Phường Bến Nghé"), "01234567", utc(1990, 3, 2)],
            [2, TH("Trần Văn Đức"), serial(1958, 11, 3), T("Nam"), T("Xã Đông Hưng"), "00456789", serial(1985, 6, 30)],
            [3, T("Lê Thị Thủy"), T("07/08/1970"), T("Nữ"), T("Thừa Thiên Huế"), null, T("19/05/2001")],
            // Typed in TCVN3, then the cell's font was changed: detected from the content alone.
            [4, { v: T("Phạm Thị Lựu"), font: "Arial" }, T("1949"), T("Nữ"), { v: T("Hưng Yên"), font: "Arial" }, null, null],
            [],
            [T("Tổng cộng: 4 đồng chí")],
            [T("Người lập"), undefined, undefined, T("Bí thư")],
            [T("Nguyễn Văn Lập")]
          ]
        }
      ]),
    expected: {
      covers: ["TCVN3 by font (.VnTime)", "TCVN3 by content (font changed to Arial)", ".VnTimeH capitals", "ư as soft hyphen", "title block", "place and date line", "column-index row", "Excel dates", "serial numbers", "subtotal row", "signature block", "unit by title"],
      kind: "OFFICIAL",
      unitCode: "CB01",
      rowsRead: 4,
      rowsIngested: 4,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "DS", row: 9, display: "Nguyễn Thị Hương", kind: "OFFICIAL", sex: "F", birth: d(14, 5, 1962), hometown: "Phường Bến Nghé", cardNo: "01234567", admitted: d(2, 3, 1990) },
        { sheet: "DS", row: 10, display: "TRẦN VĂN ĐỨC", key: "trần văn đức", kind: "OFFICIAL", sex: "M", birth: d(3, 11, 1958), hometown: "Xã Đông Hưng", cardNo: "00456789", admitted: d(30, 6, 1985) },
        { sheet: "DS", row: 11, display: "Lê Thị Thủy", kind: "OFFICIAL", sex: "F", birth: d(7, 8, 1970), hometown: "Thừa Thiên Huế", cardNo: null, admitted: d(19, 5, 2001), warnings: ["đảo ngày và tháng"] },
        { sheet: "DS", row: 12, display: "Phạm Thị Lựu", kind: "OFFICIAL", sex: "F", birth: d(null, null, 1949), hometown: "Hưng Yên", admitted: null }
      ],
      rejections: []
    }
  },
  {
    // VNI-Times, no title at all: the unit comes from the file name.
    file: "vni/Chi bo Khu pho 2.xlsx",
    bytes: () =>
      xlsxBytes([
        {
          name: "Sheet1",
          font: "VNI-Times",
          rows: [
            [V("STT"), V("Họ tên"), V("Năm sinh"), V("Giới tính"), V("Quê quán"), V("CCCD")],
            [1, V("Phạm Văn Thắng"), 1948, V("Nam"), V("Nghệ An"), "040048000123"],
            [2, V("Đỗ Thị Ngọc Ánh"), V("00/00/1952"), V("Nữ"), V("Hà Tĩnh"), "042152000456"],
            [3, V("Hoàng Quốc Việt"), V("1-2-55"), V("Nam"), V("Quảng Bình"), "044055000789"],
            // VNI text in a cell whose font is not a VNI font: detected from the content.
            [4, { v: V("Lý Thị Mỹ Dung"), font: "Arial" }, 1956, V("Nữ"), { v: V("Thanh Hóa"), font: "Arial" }, null]
          ]
        }
      ]),
    expected: {
      covers: ["VNI by font", "VNI by content (Arial)", "header synonyms (Họ tên, Năm sinh, CCCD)", "year only", "00/00/yyyy", "2-digit year with -", "unit by file name"],
      kind: "OFFICIAL",
      unitCode: "CB02",
      rowsRead: 4,
      rowsIngested: 4,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "Sheet1", row: 2, display: "Phạm Văn Thắng", kind: "OFFICIAL", sex: "M", birth: d(null, null, 1948), hometown: "Nghệ An", cccd: "040048000123" },
        { sheet: "Sheet1", row: 3, display: "Đỗ Thị Ngọc Ánh", kind: "OFFICIAL", sex: "F", birth: d(null, null, 1952), hometown: "Hà Tĩnh", cccd: "042152000456" },
        { sheet: "Sheet1", row: 4, display: "Hoàng Quốc Việt", kind: "OFFICIAL", sex: "M", birth: d(1, 2, 1955), hometown: "Quảng Bình", cccd: "044055000789", warnings: ["đảo ngày và tháng"] },
        { sheet: "Sheet1", row: 5, display: "Lý Thị Mỹ Dung", kind: "OFFICIAL", sex: "F", birth: d(null, null, 1956), hometown: "Thanh Hóa", cccd: null }
      ],
      rejections: []
    }
  },
  {
    // Mẫu 7-HSĐV: stacked header cells and stacked values, index row 1…14, a shared cell name told apart by the ĐẢNG BỘ line.
    file: "mau7/so-danh-sach.xlsx",
    bytes: () =>
      xlsxBytes([
        {
          name: "Mẫu 7",
          font: "Times New Roman",
          rows: [
            ["ĐẢNG BỘ PHƯỜNG BẾN NGHÉ\nCHI BỘ TRƯỜNG HỌC", undefined, undefined, undefined, undefined, undefined, undefined, undefined, "ĐẢNG CỘNG SẢN VIỆT NAM"],
            [],
            ["SỔ DANH SÁCH ĐẢNG VIÊN"],
            [
              "Số TT",
              "Họ và tên\nHọ và tên khai sinh",
              "Nam, nữ, dân tộc, tôn giáo",
              "Quê quán",
              "Văn hoá, lý luận, CMNV, ngoại ngữ",
              "Nghề nghiệp",
              "Ngày vào Đảng, ngày chính thức",
              "Số thẻ đảng viên, số lý lịch đảng viên, số Huy hiệu Đảng",
              "Ghi chú"
            ],
            [1, 2, 3, 4, 5, 6, 7, 8, 9],
            [1, "Vũ Minh Khoa\nVũ Minh Khoa", "Nam\nKinh\nKhông", "Nam Định", "12/12", "Giáo viên", "03/02/1995\n03/02/1996", "00123456\n012345 HCM\n", null],
            [2, "Bùi Thị Lan\nBùi Thị Lan Anh", "Nữ\nKinh\nPhật giáo", "Thái Bình", "12/12", "Giáo viên", "19/05/2010\n19/05/2011", "00234567\n054321-HCM", "miễn sinh hoạt"]
          ]
        }
      ]),
    expected: {
      covers: ["Mẫu 7-HSĐV stacked header and values", "Số thẻ + số lý lịch in one cell", "column-index row 1…9", "unit by title, shared name told apart by ĐẢNG BỘ", "miễn sinh hoạt note"],
      kind: "OFFICIAL",
      unitCode: "CB03",
      rowsRead: 2,
      rowsIngested: 2,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "Mẫu 7", row: 6, display: "Vũ Minh Khoa", kind: "OFFICIAL", sex: "M", birth: null, hometown: "Nam Định", admitted: d(3, 2, 1995), official: d(3, 2, 1996), cardNo: "00123456", lyLich: "012345 HCM", exempt: false, warnings: [] }, // 03/02: other dates in the column are day-first
        { sheet: "Mẫu 7", row: 7, display: "Bùi Thị Lan", kind: "OFFICIAL", sex: "F", birth: null, hometown: "Thái Bình", admitted: d(19, 5, 2010), official: d(19, 5, 2011), cardNo: "00234567", lyLich: "054321 HCM", exempt: true, note: "miễn sinh hoạt" }
      ],
      rejections: []
    }
  },
  {
    // "Ngày sinh" merged over Nam | Nữ, "Họ và tên" merged down; card numbers typed as numbers;
    // a second sheet with X marks and the date in its own column; a notes sheet without a table.
    file: "hai-dong/CB04.xlsx",
    bytes: () =>
      xlsxBytes([
        {
          name: "Chính thức",
          font: "Times New Roman",
          rows: [
            ["CHI BỘ TRƯỜNG HỌC", undefined, undefined, undefined, "ĐẢNG CỘNG SẢN VIỆT NAM"],
            ["ĐẢNG BỘ PHƯỜNG ĐA KAO"],
            ["DANH SÁCH ĐẢNG VIÊN"],
            ["STT", "Họ và tên", "Ngày sinh", undefined, "Số thẻ ĐV", "Số CMND/CCCD", "Ngày vào Đảng"],
            [undefined, undefined, "Nam", "Nữ"],
            ["01", "Ngô Văn Bình", "12.03.1965", null, 1234567, 123456789, "30.04.2008"],
            ["02", "Đặng Thị Hoa", null, "25.12.1971", 23456789, "079171000321", "02.09.1999"]
          ],
          merges: ["C4:D4", "A4:A5", "B4:B5", "E4:E5", "F4:F5", "G4:G5"]
        },
        {
          name: "Dự bị",
          font: "Times New Roman",
          rows: [
            ["STT", "Họ và tên khai sinh", "Nam", "Nữ", "Ngày tháng năm sinh", "Số định danh cá nhân"],
            [1, "Trịnh Quang Huy", "x", null, "05/11/1990", 79090000111],
            [2, "Mai Thị Thu", null, "X", "17/06/1993", "079193000222"]
          ]
        },
        { name: "Ghi chú", rows: [["Danh sách đã được chi ủy rà soát ngày 10/10/2025."]] }
      ]),
    expected: {
      covers: ["merged two-row header (Ngày sinh over Nam | Nữ)", "X in Nam / Nữ columns", "several sheets", "sheet without a table", "card number typed as a number (leading zero restored)", "CMND 9 digits", "CCCD typed as a number (leading zero restored)", "dd.mm.yyyy", "header synonyms (Họ và tên khai sinh, Số thẻ ĐV, Số CMND/CCCD, Số định danh cá nhân)", "unit by title narrowed by the ĐẢNG BỘ line"],
      kind: "OFFICIAL",
      unitCode: "CB04",
      rowsRead: 4,
      rowsIngested: 4,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "Chính thức", row: 6, display: "Ngô Văn Bình", kind: "OFFICIAL", sex: "M", birth: d(12, 3, 1965), cardNo: "01234567", cccd: "123456789", admitted: d(30, 4, 2008), warnings: ["đảo ngày và tháng"] },
        { sheet: "Chính thức", row: 7, display: "Đặng Thị Hoa", kind: "OFFICIAL", sex: "F", birth: d(25, 12, 1971), cardNo: "23456789", cccd: "079171000321", admitted: d(2, 9, 1999), warnings: [] }, // 02/09: the column has 30/04/2008, so it is day-first
        { sheet: "Dự bị", row: 2, display: "Trịnh Quang Huy", kind: "OFFICIAL", sex: "M", birth: d(5, 11, 1990), cccd: "079090000111", warnings: [] }, // 05/11: settled by 17/06/1993 below
        { sheet: "Dự bị", row: 3, display: "Mai Thị Thu", kind: "OFFICIAL", sex: "F", birth: d(17, 6, 1993), cccd: "079193000222" }
      ],
      rejections: [],
      warnings: ["Trang tính không có bảng danh sách"]
    }
  },
  {
    // Unicode oddities in names, every date form, identifier checks, kinds per row.
    file: "unicode/CB05.xlsx",
    bytes: () =>
      xlsxBytes([
        {
          name: "Danh sách",
          font: "Times New Roman",
          rows: [
            ["Mã chi bộ: CB05"],
            ["DANH SÁCH ĐẢNG VIÊN CHI BỘ CƠ QUAN"],
            ["STT", "Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số lý lịch", "Ngày vào Đảng", "Ghi chú"],
            [1, "DV000101", "Nguyễn Văn Hoà".normalize("NFD"), "13/02/1970", "Nam", "001070000101", "000101 HN", "03.02.1995", null],
            [2, "DV000102", "Ðỗ Thị Qúy", "5-6-70", "Nữ", "001170000102", null, null, "213"],
            [3, "DV000103", "Đ/c  Lê   Văn Thuỷ", "1965", "Nam", null, null, null, null],
            [4, "DV000104", "đồng chí Phan ThịThu Hà", "1975", "Nữ", "001075000104", null, null, "tạm thời"],
            [],
            [5, "DV000105", null, "01/01/1980", "Nam", null, null, null, "không có tên"],
            [6, "DV000106", "Hồ Văn Nam", "20/10/1968", "Nam", "12345", "12345", "1992", "miễn sinh hoạt"],
            [7, 107, "Tô Thị Vân", serial(1981, 7, 9), "Nữ", 1181000107, null, utc(2005, 1, 15), null],
            [8, "DV000108", "Kim Văn Bảy", "31/02/1970", "Nam", null, null, null, null]
          ]
        }
      ]),
    expected: {
      covers: ["NFD → NFC", "Ð look-alike", "Qúy → Quý key", "hoà ≡ hòa key, thuỷ ≡ thủy key", "honorifics dropped (Đ/c, đồng chí)", "stray spaces", "missing space between name parts", "unambiguous dd/mm", "ambiguous dd/mm settled by another date in the column (05/06 under 13/02)", "2-digit year", "year only", "impossible date rejected", "row without a name rejected", "blank row inside the table", "CCCD inconsistent with sex flagged", "bad CCCD and lý lịch dropped with a warning", "CCCD typed as a number", "Mã đảng viên", "lý lịch", "kinds per row note (213, tạm thời)", "miễn sinh hoạt", "unit by a 'Mã chi bộ:' title line"],
      kind: "OFFICIAL",
      unitCode: "CB05",
      rowsRead: 8,
      rowsIngested: 6,
      rowsRejected: 2,
      error: null,
      rows: [
        { sheet: "Danh sách", row: 4, display: "Nguyễn Văn Hoà", key: "nguyễn văn hòa", kind: "OFFICIAL", sex: "M", birth: d(13, 2, 1970), cccd: "001070000101", lyLich: "000101 HN", memberId: "DV000101", admitted: d(3, 2, 1995), warnings: ["đảo ngày và tháng"] },
        { sheet: "Danh sách", row: 5, display: "Đỗ Thị Qúy", key: "đỗ thị quý", kind: "RESIDENCE_213", sex: "F", birth: d(5, 6, 1970), cccd: "001170000102", memberId: "DV000102", note: "213", warnings: [] }, // 05/06: settled by the column's 13/02/1970
        { sheet: "Danh sách", row: 6, display: "Lê Văn Thuỷ", key: "lê văn thủy", kind: "OFFICIAL", sex: "M", birth: d(null, null, 1965), memberId: "DV000103" },
        { sheet: "Danh sách", row: 7, display: "Phan Thị Thu Hà", key: "phan thị thu hà", kind: "TEMPORARY", sex: "F", birth: d(null, null, 1975), cccd: "001075000104", memberId: "DV000104", warnings: ["CCCD"] },
        { sheet: "Danh sách", row: 10, display: "Hồ Văn Nam", kind: "OFFICIAL", sex: "M", birth: d(20, 10, 1968), cccd: null, lyLich: null, memberId: "DV000106", admitted: d(null, null, 1992), exempt: true, warnings: ["12345", "Số lý lịch"] },
        { sheet: "Danh sách", row: 11, display: "Tô Thị Vân", kind: "OFFICIAL", sex: "F", birth: d(9, 7, 1981), cccd: "001181000107", memberId: "107", admitted: d(15, 1, 2005) }
      ],
      rejections: [
        { sheet: "Danh sách", row: 9, column: "Họ và tên", reason: "Thiếu Họ và tên" },
        { sheet: "Danh sách", row: 12, column: "Ngày sinh", reason: "31/02/1970" }
      ]
    }
  },
  {
    // A temporary-membership list: the kind from the title, the unit from a "Mã chi bộ" column.
    file: "loai/tam-thoi.xlsx",
    bytes: () =>
      xlsxBytes([
        {
          name: "Tạm thời",
          rows: [
            ["DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI"],
            // Headers with a typo and without diacritics: found by fuzzy matching, not by position.
            ["Mã chi bộ", "STT", "Ho va ten", "Ngày sinh", "Nam", "Nữ", "Ngày vào Đảg"],
            ["CB02", 1, "Lương Văn Sơn", "08/08/1988", "X", null, "15/08/2015"],
            ["CB02", 2, "Cao Thị Yến", "22/12/1992", null, "X", "20/12/2016"]
          ]
        }
      ]),
    expected: {
      covers: ["kind from the title (tạm thời)", "unit by a Mã chi bộ column", "single-row Nam | Nữ with X", "fuzzy header (typo, no diacritics)"],
      kind: "TEMPORARY",
      unitCode: "CB02",
      rowsRead: 2,
      rowsIngested: 2,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "Tạm thời", row: 3, display: "Lương Văn Sơn", kind: "TEMPORARY", sex: "M", birth: d(8, 8, 1988), admitted: d(15, 8, 2015) },
        { sheet: "Tạm thời", row: 4, display: "Cao Thị Yến", kind: "TEMPORARY", sex: "F", birth: d(22, 12, 1992), admitted: d(20, 12, 2016) }
      ],
      rejections: []
    }
  },
  {
    // A Quy định 213 residence-contact list as CSV, UTF-8 with BOM, kinds also from a column.
    file: "csv/CB01-213.csv",
    bytes: () =>
      Buffer.from(
        "\uFEFFDANH SÁCH ĐẢNG VIÊN GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ (QUY ĐỊNH 213)\r\n" +
          "CHI BỘ KHU PHỐ 1\r\n" +
          "STT,Họ và tên,Ngày sinh,Giới tính,Loại\r\n" +
          "1,Trương Văn Hải,14/07/1966,Nam,\r\n" +
          "2,Lâm Thị Kim,03/03/1979,Nữ,Chính thức\r\n",
        "utf8"
      ),
    expected: {
      covers: ["CSV UTF-8 with BOM", "CRLF", "kind from the title (213)", "kind from a column", "title rows in a CSV", "unit by title"],
      kind: "RESIDENCE_213",
      unitCode: "CB01",
      rowsRead: 2,
      rowsIngested: 2,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "CB01-213.csv", row: 4, display: "Trương Văn Hải", kind: "RESIDENCE_213", sex: "M", birth: d(14, 7, 1966) },
        { sheet: "CB01-213.csv", row: 5, display: "Lâm Thị Kim", kind: "OFFICIAL", sex: "F", birth: d(3, 3, 1979) }
      ],
      rejections: []
    }
  },
  {
    // UTF-8 without BOM, ";" separated, an address with commas and a note over two lines.
    file: "csv/semicolon/CB02.csv",
    bytes: () =>
      Buffer.from(
        "STT;Họ và tên;Ngày sinh;Quê quán;Số thẻ ĐV;Ghi chú\n" +
          '1;Dương Văn Tú;15/09/1960;"Xã Yên Hòa, huyện Yên Mô, tỉnh Ninh Bình";01020304;"Chuyển đến 3/2025\ntừ Đảng bộ xã Yên Hòa"\n' +
          "2;Triệu Thị Nga;20/11/1972;Cao Bằng;;\n",
        "utf8"
      ),
    expected: {
      covers: ["CSV UTF-8 without BOM", "';' separator", "quoted field with commas", "quoted field with an embedded newline", "unit by file name (a code)"],
      kind: "OFFICIAL",
      unitCode: "CB02",
      rowsRead: 2,
      rowsIngested: 2,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "CB02.csv", row: 2, display: "Dương Văn Tú", kind: "OFFICIAL", sex: null, birth: d(15, 9, 1960), hometown: "Xã Yên Hòa, huyện Yên Mô, tỉnh Ninh Bình", cardNo: "01020304" },
        { sheet: "CB02.csv", row: 4, display: "Triệu Thị Nga", kind: "OFFICIAL", sex: null, birth: d(20, 11, 1972), hometown: "Cao Bằng" }
      ],
      rejections: []
    }
  },
  {
    // Exported by Vietnamese Windows Excel: cp1258 (tones as combining marks).
    file: "csv/CB03-cp1258.csv",
    bytes: () =>
      toCp1258(
        "CHI BỘ TRƯỜNG HỌC\nĐẢNG BỘ PHƯỜNG BẾN NGHÉ\nSTT,Họ và tên,Ngày sinh,Giới tính,Quê quán\n" +
          "1,Nguyễn Thị Phương,10/10/1980,Nữ,Hải Dương\n2,Trần Đức Thịnh,02/01/1957,Nam,Hưng Yên\n"
      ),
    expected: {
      covers: ["CSV Windows-1258", "unit by title narrowed by ĐẢNG BỘ"],
      kind: "OFFICIAL",
      unitCode: "CB03",
      rowsRead: 2,
      rowsIngested: 2,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "CB03-cp1258.csv", row: 4, display: "Nguyễn Thị Phương", kind: "OFFICIAL", sex: "F", birth: d(10, 10, 1980), hometown: "Hải Dương" },
        { sheet: "CB03-cp1258.csv", row: 5, display: "Trần Đức Thịnh", kind: "OFFICIAL", sex: "M", birth: d(2, 1, 1957), hometown: "Hưng Yên", warnings: ["đảo ngày và tháng"] }
      ],
      rejections: []
    }
  },
  {
    // Windows-1252 export (Western Excel): only the letters cp1252 has survive.
    file: "csv/cp1252/CB05.csv",
    bytes: () =>
      iconv.encode("STT,Họ và tên,Ngày sinh\n1,Lê Thành Tâm,1963\n2,Hà Minh Châu,28/02/1977\n".normalize("NFC").replace("ọ", "o").replace("ỳ", "y"), "windows1252"),
    expected: {
      covers: ["CSV Windows-1252", "unit by file name (a code)"],
      kind: "OFFICIAL",
      unitCode: "CB05",
      rowsRead: 2,
      rowsIngested: 2,
      rowsRejected: 0,
      error: null,
      rows: [
        { sheet: "CB05.csv", row: 2, display: "Lê Thành Tâm", kind: "OFFICIAL", sex: null, birth: d(null, null, 1963) },
        { sheet: "CB05.csv", row: 3, display: "Hà Minh Châu", kind: "OFFICIAL", sex: null, birth: d(28, 2, 1977) }
      ],
      rejections: []
    }
  },
  {
    // An old cell name (before 1/7/2025) under its old đảng bộ: resolved through the alias table.
    file: "don-vi/thon-3.xlsx",
    bytes: () =>
      xlsxBytes([
        {
          name: "DS",
          rows: [
            ["ĐẢNG BỘ XÃ HOÀ BÌNH"],
            ["CHI BỘ THÔN 3"],
            ["STT", "Họ và tên", "Ngày sinh"],
            [1, "Kiều Văn Toàn", "1950"]
          ]
        }
      ]),
    expected: {
      covers: ["unit by an old name through the alias table"],
      kind: "OFFICIAL",
      unitCode: "CB06",
      rowsRead: 1,
      rowsIngested: 1,
      rowsRejected: 0,
      error: null,
      rows: [{ sheet: "DS", row: 4, display: "Kiều Văn Toàn", kind: "OFFICIAL", sex: null, birth: d(null, null, 1950) }],
      rejections: [],
      warnings: ["tên cũ"]
    }
  },
  {
    file: "don-vi/truong-hoc.xlsx",
    bytes: () =>
      xlsxBytes([{ name: "DS", rows: [["CHI BỘ TRƯỜNG HỌC"], ["STT", "Họ và tên", "Ngày sinh"], [1, "Đinh Văn Lộc", "1961"], [2, "Tạ Thị Mơ", "1966"]] }]),
    expected: {
      covers: ["ambiguous unit reported with candidates, its rows counted as rejected"],
      kind: null,
      unitCode: null,
      rowsRead: 2,
      rowsIngested: 0,
      rowsRejected: 2,
      error: "CB03",
      rows: [],
      rejections: [{ sheet: null, row: null, column: null, reason: "CB04" }]
    }
  },
  {
    file: "don-vi/khu-pho-9.xlsx",
    bytes: () => xlsxBytes([{ name: "DS", rows: [["CHI BỘ KHU PHỐ 9"], ["STT", "Họ và tên", "Ngày sinh"], [1, "Mạc Văn Đông", "1959"]] }]),
    expected: {
      covers: ["unknown unit reported with near names"],
      kind: null,
      unitCode: null,
      rowsRead: 1,
      rowsIngested: 0,
      rowsRejected: 1,
      error: "Không xác định được chi bộ",
      rows: [],
      rejections: [{ sheet: null, row: null, column: null, reason: "CHI BỘ KHU PHỐ 9" }]
    }
  },
  {
    file: "hong/corrupt.xlsx",
    bytes: () => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from("this zip was cut short when it was copied from a USB stick")]),
    expected: { covers: ["corrupt zip"], kind: null, unitCode: null, rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: "bị hỏng", rows: [], rejections: [{ sheet: null, row: null, column: null, reason: "bị hỏng" }] }
  },
  {
    // Excel wraps a password-protected workbook in an OLE compound file.
    file: "hong/mat-khau.xlsx",
    bytes: () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
    expected: { covers: ["password-protected workbook"], kind: null, unitCode: null, rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: "mật khẩu", rows: [], rejections: [{ sheet: null, row: null, column: null, reason: "mật khẩu" }] }
  },
  {
    file: "hong/cu.xls",
    bytes: () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
    expected: { covers: [".xls binary"], kind: null, unitCode: null, rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: ".xls", rows: [], rejections: [{ sheet: null, row: null, column: null, reason: ".xls" }] }
  },
  {
    file: "hong/rong.xlsx",
    bytes: () => Buffer.alloc(0),
    expected: { covers: ["empty file"], kind: null, unitCode: null, rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: "rỗng", rows: [], rejections: [{ sheet: null, row: null, column: null, reason: "rỗng" }] }
  },
  {
    file: "hong/khong-co-bang.xlsx",
    bytes: () => xlsxBytes([{ name: "Sheet1", rows: [["Báo cáo công tác đảng viên quý III"], ["Số đảng viên: 25"]] }]),
    expected: { covers: ["workbook without a roster table"], kind: null, unitCode: null, rowsRead: 0, rowsIngested: 0, rowsRejected: 0, error: "Không tìm thấy dòng tiêu đề", rows: [], rejections: [{ sheet: null, row: null, column: null, reason: "Không tìm thấy dòng tiêu đề" }] }
  }
]

/**
 * Writes every fixture under `outDir` (replaced wholesale) with expected.json, units.json and
 * aliases.csv (the alias table as a user would keep it) beside them. Returns the manifest.
 */
export const writeRosterFixtures = async (outDir: string): Promise<FixtureManifest> => {
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  const files: Record<string, ExpectedFile> = {}
  for (const f of fixtures) {
    await writeAtomic(path.join(outDir, "files", ...f.file.split("/")), await f.bytes())
    files[f.file] = f.expected
  }
  const manifest: FixtureManifest = { units: FIXTURE_UNITS, aliases: FIXTURE_ALIASES, files }
  await writeAtomic(path.join(outDir, "expected.json"), `${JSON.stringify(manifest, null, 2)}\n`)
  await writeAtomic(
    path.join(outDir, "aliases.csv"),
    `Tên cũ;Đảng bộ cũ;Mã chi bộ mới\n${FIXTURE_ALIASES.map((a) => `${a.oldName};${a.parentName ?? ""};${a.code}`).join("\n")}\n`
  )
  return manifest
}
