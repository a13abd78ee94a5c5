/** Helpers that write real spreadsheet files for the ingestion tests. */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import ExcelJS from "exceljs"
import type { Unit } from "../../src/Domain.js"
import { FIXTURE_UNITS } from "../../samples/generators/Fixtures.js"

export interface SheetSpec {
  readonly name: string
  /** Row 1 first; undefined / null leave the cell empty. */
  readonly rows: ReadonlyArray<ReadonlyArray<unknown>>
  /** Ranges such as "C5:D5". */
  readonly merges?: ReadonlyArray<string>
  /** Font name for every non-empty cell of the sheet (".VnTime", "VNI-Times"). */
  readonly font?: string
}

const created: Array<string> = []

export const tempDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `recon-${prefix}-`))
  created.push(dir)
  return dir
}

/** For afterAll: removes the directories this test file created. */
export const removeTempDirs = (): void => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

export const writeXlsx = async (file: string, sheets: ReadonlyArray<SheetSpec>): Promise<void> => {
  const wb = new ExcelJS.Workbook()
  for (const spec of sheets) {
    const ws = wb.addWorksheet(spec.name)
    spec.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        if (value === undefined || value === null) return
        const cell = ws.getCell(r + 1, c + 1)
        cell.value = value as ExcelJS.CellValue
        if (spec.font !== undefined) cell.font = { name: spec.font }
      })
    })
    for (const m of spec.merges ?? []) ws.mergeCells(m)
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await wb.xlsx.writeFile(file)
}

export const writeFile = (file: string, bytes: Uint8Array | string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, bytes)
}

/** A UTC-midnight date, as exceljs reads a date cell back. */
export const day = (y: number, m: number, d: number): Date => new Date(Date.UTC(y, m - 1, d))

/** The unit tree the ingestion tests resolve against: the fixture corpus's, one definition. */
export const UNITS: ReadonlyArray<Unit> = FIXTURE_UNITS

/** Every .xlsx of the roster fixture corpus and of samples/: the workbooks the readers are compared on. */
export const workbookCorpus = (): Array<string> => {
  const under = (dir: string): Array<string> =>
    fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".xlsx")).map((f) => path.join(dir, f))
  return [...under(path.join(import.meta.dirname, "..", "fixtures", "rosters", "files")), ...under(path.join(import.meta.dirname, "..", "..", "samples"))]
}
