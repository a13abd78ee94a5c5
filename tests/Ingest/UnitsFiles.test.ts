/**
 * File → cell and kind on real files read back: names as clerks write them, folders, titles and
 * the marks of the list's kind, through ingestRosters.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as path from "node:path"
import type { FileSummary } from "../../src/Domain.js"
import type { RosterIngest } from "../../src/Ingest/Roster.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"
import { CORPUS_UNITS, std } from "./FileNameCorpus.js"
import { removeTempDirs, tempDir, writeFile, writeXlsx } from "./fixtures.js"

const HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán"]
const ROW = [1, "Nguyễn Văn An", "02/03/1970", "Nam", "Hà Tĩnh"]
const form = (titles: ReadonlyArray<string>) => ({ name: "Danh sách", rows: [...titles.map((t) => [t]), [], HEADER, ROW] })
const csv = `\uFEFF${["STT,Họ tên,Ngày sinh,Giới tính", "1,Nguyễn Văn An,02/03/1970,Nam"].join("\r\n")}\r\n`

let dir = ""
let result: RosterIngest
const file = (rel: string): FileSummary => result.files.find((f) => f.file === rel)!
const notes = (rel: string) => result.warnings.filter((w) => w.file === rel).map((w) => w.reason).join(" ")

beforeAll(async () => {
  dir = tempDir("unitfiles")
  const tl = "Đảng bộ xã Tân Lập"
  writeFile(path.join(dir, "CB000043_Chi_bo_Hop_tac_xa_43.csv"), csv)
  writeFile(path.join(dir, "CB000043 - DS 213.csv"), csv)
  writeFile(path.join(dir, tl, "KDC so 2 - tam thoi.csv"), csv)
  writeFile(path.join(dir, "Khu dân cư số 2.csv"), csv)
  writeFile(path.join(dir, "CB001213_chi_bo_thon_tam_thoi.csv"), csv)
  await writeXlsx(path.join(dir, tl, "DS DV THON DONG final.xlsx"), [form(["DANH SÁCH ĐẢNG VIÊN"])])
  await writeXlsx(path.join(dir, tl, "Thon Moi - tam thoi.xlsx"), [form(["CHI BỘ THÔN MỚI", "DANH SÁCH ĐẢNG VIÊN"])])
  await writeXlsx(path.join(dir, "Thon Moi - DS 213.xlsx"), [form(["CHI BỘ THÔN MỚI", "DANH SÁCH ĐẢNG VIÊN SINH HOẠT TẠM THỜI"])])
  await writeXlsx(path.join(dir, "CB000043.xlsx"), [form(["CHI BỘ THÔN MỚI", "DANH SÁCH ĐẢNG VIÊN"])])
  result = await Effect.runPromise(ingestRosters(dir, CORPUS_UNITS, { workers: 0 }))
})
afterAll(removeTempDirs)

describe("file names as clerks write them, on real files", () => {
  it("finds a code inside a longer CSV name, with a note, and reads the kind from the name", () => {
    expect(file("CB000043_Chi_bo_Hop_tac_xa_43.csv")).toMatchObject({ unitCode: "CB000043", kind: "OFFICIAL", error: null })
    expect(file("CB000043 - DS 213.csv")).toMatchObject({ unitCode: "CB000043", kind: "RESIDENCE_213", error: null })
    expect(notes("CB000043 - DS 213.csv")).toContain('mã "CB000043" trong tên tệp')
  })

  it("narrows a shared name by its folder and reads tạm thời from the name", () => {
    expect(file("Đảng bộ xã Tân Lập/KDC so 2 - tam thoi.csv")).toMatchObject({ unitCode: std("DB0004", "Chi bộ Khu dân cư số 2"), kind: "TEMPORARY" })
    expect(notes("Đảng bộ xã Tân Lập/KDC so 2 - tam thoi.csv")).toContain('thư mục "Đảng bộ xã Tân Lập"')
    expect(file("Đảng bộ xã Tân Lập/DS DV THON DONG final.xlsx")).toMatchObject({ unitCode: "CB000451", kind: "OFFICIAL" })
  })

  it("refuses a shared name with nothing to narrow it, rows counted as rejected", () => {
    const f = file("Khu dân cư số 2.csv")
    expect(f.unitCode).toBeNull()
    expect(f.rowsRejected).toBe(1)
    expect(f.error).toContain("trùng với nhiều chi bộ")
  })

  it("never reads a mark inside the cell's name or code", () => {
    expect(file("CB001213_chi_bo_thon_tam_thoi.csv")).toMatchObject({ unitCode: "CB001213", kind: "OFFICIAL" })
  })

  it("takes the kind from the name when the title is plain, and from the title when both say, with a note", () => {
    expect(file("Đảng bộ xã Tân Lập/Thon Moi - tam thoi.xlsx")).toMatchObject({ unitCode: "CB000450", kind: "TEMPORARY" })
    expect(file("Thon Moi - DS 213.xlsx")).toMatchObject({ unitCode: "CB000450", kind: "TEMPORARY" })
    expect(notes("Thon Moi - DS 213.xlsx")).toContain("đã theo tiêu đề")
  })

  it("refuses a code in the name that the title contradicts", () => {
    expect(file("CB000043.xlsx")).toMatchObject({ unitCode: null })
    expect(file("CB000043.xlsx").error).toContain("không khớp nhau")
  })
})
