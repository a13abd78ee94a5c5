/**
 * Whole runs over attacked copies of the sample commune, through the CLI entry in-process, as a
 * user runs `recon run`: exit 0 (the run completes), every row and file accounted for in run.json,
 * each attacked file reported in Vietnamese, and the findings those of the clean sample, since no
 * attack here changes what the lists say (observation 2: members of a lost file showed up as
 * MISSING_FROM_ROSTER). The cut file (observation 3) is marked, its cut row rejected, never a finding.
 */
import { Either } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as Enc from "../../src/Normalize/Encoding.js"
import {
  CB05,
  cb05Text,
  cleanUp,
  readFindings,
  readRunJson,
  reconRun,
  sampleTree,
  tempDir,
  utf16,
  VIETNAMESE,
  xlsxOf
} from "./harness.js"

afterAll(cleanUp)

const CB11 = "Chi bộ trực thuộc Đảng ủy xã/Cong an xa - CB11.csv"
const expected = readFindings("samples/expected/discrepancies.jsonl")

const accounted = (out: string) => {
  const run = readRunJson(out)
  let read = 0
  for (const f of run.files) {
    expect(f.rowsRead, f.file).toBe(f.rowsIngested + f.rowsRejected)
    read += f.rowsRead
  }
  expect(run.totals.rowsRead).toBe(read)
  expect(run.totals.rowsRead).toBe(run.totals.rowsIngested + run.totals.rowsRejected)
  return run
}

describe("recon run over an attacked sample", () => {
  it("re-encoded lists, a stray quote and junk beside them: exit 0, same findings as the clean sample, junk reported", async () => {
    const root = sampleTree()
    // CB05 in UTF-16BE without a byte order mark, with a stray quote at line 6.
    const lines = cb05Text().split("\n")
    const f = lines[5]!.split(",")
    f[2] = `"${f[2]}`
    lines[5] = f.join(",")
    fs.writeFileSync(path.join(root, CB05), utf16(lines.join("\n"), "be", false))
    // CB11 in VNI-Windows bytes.
    const cb11 = fs.readFileSync(path.join(root, CB11), "utf8").replace(/^\uFEFF/, "")
    fs.writeFileSync(path.join(root, CB11), Buffer.from(Enc.encodeVni(cb11), "latin1"))
    // Junk: a FIFO, a dangling link, a folder loop, an encrypted workbook, a zip bomb, an empty CSV.
    fs.mkdirSync(path.join(root, "rác"))
    execFileSync("mkfifo", [path.join(root, "rác", "ong.csv")])
    fs.symlinkSync("/khong/co/dau", path.join(root, "rác", "hong.xlsx"))
    fs.symlinkSync(root, path.join(root, "rác", "vong"))
    const cfb = Buffer.alloc(1024)
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(cfb)
    fs.writeFileSync(path.join(root, "rác", "mat-khau.xlsx"), cfb)
    fs.writeFileSync(path.join(root, "rác", "bom.xlsx"), xlsxOf({ name: "xl/worksheets/sheet1.xml", data: Buffer.alloc(20 * 1024 * 1024, 0x20) }))
    fs.writeFileSync(path.join(root, "rác", "trống.csv"), "")

    const out = path.join(tempDir(), "out")
    const exit = await reconRun(root, out)
    expect(Either.isRight(exit), String(Either.isLeft(exit) ? exit.left : "")).toBe(true)
    const run = accounted(out)
    const junk = ["rác/ong.csv", "rác/hong.xlsx", "rác/vong/", "rác/mat-khau.xlsx", "rác/bom.xlsx", "rác/trống.csv"]
    for (const j of junk) {
      const file = run.files.find((x) => x.file === j)
      expect(file?.error, j).toMatch(VIETNAMESE)
      expect(run.rejections.some((r) => r.file === j)).toBe(true)
    }
    const cb05 = run.files.find((x) => x.file === CB05)!
    expect(cb05).toMatchObject({ error: null, rowsRead: 29, rowsIngested: 29 })
    expect(run.warnings.find((w) => w.file === CB05 && /ngoặc kép/.test(w.reason))?.row).toBe(6)
    expect(run.files.find((x) => x.file === CB11)!.error).toBeNull()

    // Nothing lost, nothing invented: the clean sample's findings, exactly.
    const found = readFindings(path.join(out, "discrepancies.jsonl"))
    expect(found.map((x) => x.id).sort()).toEqual(expected.map((x) => x.id).sort())
  }, 180_000)

  it("a list cut in half: marked suspectTruncated, the cut row rejected, no finding made of the cut name", async () => {
    const root = sampleTree()
    const text = cb05Text()
    const cut = text.slice(0, text.indexOf("\n", Math.floor(text.length / 2)) + 12)
    fs.writeFileSync(path.join(root, CB05), cut)
    const cutLine = cut.split("\n").length

    const out = path.join(tempDir(), "out")
    const exit = await reconRun(root, out)
    expect(Either.isRight(exit)).toBe(true)
    const run = accounted(out)
    const cb05 = run.files.find((x) => x.file === CB05)!
    expect(cb05.suspectTruncated).toBe(true)
    expect(cb05.rowsRejected).toBe(1)
    expect(run.rejections.find((r) => r.file === CB05)).toMatchObject({ row: cutLine })
    expect(run.warnings.some((w) => w.file === CB05 && /tệp có thể bị cắt cụt/.test(w.reason))).toBe(true)
    const found = readFindings(path.join(out, "discrepancies.jsonl"))
    expect(found.filter((x) => x.rosterRows.some((r) => r.file === CB05 && r.row === cutLine))).toEqual([])
  }, 180_000)
})
