/** The CLI as a user calls it: argv in, files out, failures as typed errors. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it, vi } from "@effect/vitest"
import { Effect, Either } from "effect"
import ExcelJS from "exceljs"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cli } from "../src/Cli.js"

const recon = (...args: Array<string>) => cli(["node", "recon", ...args]).pipe(Effect.provide(NodeContext.layer))
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "recon-cli-"))

describe("recon CLI", () => {
  it.effect("run --pipeline sample --expect passes on the sample commune", () =>
    Effect.gen(function*() {
      const out = tmp()
      yield* recon("run", "--pipeline", "sample", "--out", out, "--db", path.join(out, "s.sqlite"), "--expect", "samples/expected/discrepancies.jsonl")
      for (const f of ["discrepancies.jsonl", "links.csv", "review.xlsx", "run.json"]) expect(fs.existsSync(path.join(out, f))).toBe(true)
      expect(fs.readdirSync(out).filter((f) => f.includes(".tmp-"))).toEqual([])
    }), 120_000)

  it.effect("central import makes a SQLite central that reconciles to the same findings", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const db = path.join(dir, "central.sqlite")
      yield* recon("central", "import", "samples/central.xlsx", "--into", db)
      const out = path.join(dir, "out")
      yield* recon("run", "--central", db, "--rosters", "samples/rosters", "--out", out, "--as-of", "2026-10-31", "--db", path.join(dir, "state.sqlite"), "--expect", "samples/expected/discrepancies.jsonl")
    }), 120_000)

  it.effect("--unit-aliases resolves a roster titled with a unit's old name; without it the file is reported, not guessed", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const rosters = path.join(dir, "rosters")
      fs.mkdirSync(rosters)
      // CB12's list, still titled with the names in use before the 1/7/2025 restructuring.
      const wb = new ExcelJS.Workbook()
      const ws = wb.addWorksheet("Danh sách")
      ws.addRow(["ĐẢNG BỘ XÃ AN LẠC"])
      ws.addRow(["CHI BỘ DÂN QUÂN XÃ AN LẠC"])
      ws.addRow(["DANH SÁCH ĐẢNG VIÊN"])
      ws.addRow(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng"])
      ws.addRow([1, "Trần Văn Bình", "14/05/1980", "Nam", "12/12/2005"])
      ws.addRow([2, "Lê Thị Hoa", "23/08/1985", "Nữ", "30/04/2010"])
      yield* Effect.promise(() => wb.xlsx.writeFile(path.join(rosters, "ds-dan-quan.xlsx")))
      const aliases = path.join(dir, "ten-cu.csv")
      fs.writeFileSync(aliases, "Tên cũ,Đảng bộ cũ,Mã chi bộ mới\nChi bộ Dân quân xã An Lạc,Đảng bộ xã An Lạc,CB12\nChi bộ thôn Cũ,,\n")
      const runWith = (out: string, ...extra: Array<string>) =>
        recon("run", "--central", "samples/central.xlsx", "--rosters", rosters, "--out", out, "--as-of", "2026-10-31", "--db", path.join(out, "s.sqlite"), ...extra)

      const without = path.join(dir, "without")
      yield* runWith(without)
      const r0 = JSON.parse(fs.readFileSync(path.join(without, "run.json"), "utf8"))
      expect(r0.files[1]).toMatchObject({ file: "ds-dan-quan.xlsx", unitCode: null, rowsRead: 2, rowsIngested: 0, rowsRejected: 2 })
      expect(r0.files[1].error).toMatch(/chi bộ/i)

      const withAliases = path.join(dir, "with")
      yield* runWith(withAliases, "--unit-aliases", aliases)
      const r1 = JSON.parse(fs.readFileSync(path.join(withAliases, "run.json"), "utf8"))
      expect(r1.files[1]).toMatchObject({ file: "ds-dan-quan.xlsx", unitCode: "CB12", rowsRead: 2, rowsIngested: 2, rowsRejected: 0, error: null })
      expect(r1.inputs.find((i: { role: string }) => i.role === "unitAliases").sha256).toMatch(/^[0-9a-f]{64}$/)
      // The unusable line of the table is reported with its line number, not dropped.
      expect(r1.warnings.some((w: { file: string; reason: string }) => w.file === aliases && w.reason.includes("dòng 3"))).toBe(true)

      const missing = yield* Effect.either(runWith(path.join(dir, "x"), "--unit-aliases", path.join(dir, "nope.csv")))
      expect(Either.isLeft(missing)).toBe(true)
    }), 120_000)

  it.effect("--expect fails with the differences when the result changes", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const expected = path.join(dir, "expected.jsonl")
      const lines = fs.readFileSync("samples/expected/discrepancies.jsonl", "utf8").trim().split("\n")
      fs.writeFileSync(expected, lines.slice(1).join("\n") + "\n")
      const result = yield* Effect.either(recon("run", "--pipeline", "sample", "--out", path.join(dir, "o"), "--db", path.join(dir, "s.sqlite"), "--expect", expected))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(String((result.left as { message?: string }).message)).toContain("extra")
    }), 120_000)

  it.effect("an unreadable central export is a one-line RunError naming the file", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const bad = path.join(dir, "central.xlsx")
      fs.writeFileSync(bad, "not a workbook")
      const result = yield* Effect.either(recon("run", "--central", bad, "--rosters", "samples/rosters", "--out", path.join(dir, "o"), "--db", path.join(dir, "s.sqlite")))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("RunError")
        expect((result.left as { message: string }).message).toContain("central.xlsx")
      }
    }))

  it.effect("explain shows the waterfall for a roster row (positional or options) and for a finding id", () =>
    Effect.gen(function*() {
      const out = tmp()
      yield* recon("run", "--pipeline", "sample", "--out", out, "--db", path.join(out, "s.sqlite"))
      const printed = (...args: Array<string>) =>
        Effect.gen(function*() {
          const spy = vi.spyOn(console, "log").mockImplementation(() => {})
          try {
            yield* recon("explain", "--pipeline", "sample", ...args)
            return spy.mock.calls.map((c) => c.join(" ")).join("\n")
          } finally {
            spy.mockRestore()
          }
        })
      const byRow = yield* printed("KDC so 1.xlsx", "32")
      expect(byRow).toContain("Dòng 32 của Đảng bộ bộ phận Khu Bắc/KDC so 1.xlsx [Danh sách]")
      expect(byRow).toMatch(/DV10800 Nguyễn Việt Thịnh, sinh 05\/08\/1996 \(CB04\) — đã ghép/)
      expect(byRow).toMatch(/Ngày sinh\s+ngày sinh đảo ngày và tháng\s+\+\d+,\d/)
      expect(byRow).toMatch(/Độ tin cậy \d+(,\d)?%: họ trùng khớp \([^)]*\), tên đệm trùng khớp \([^)]*\), tên trùng khớp/)
      expect(yield* printed("--file", "KDC so 1.xlsx", "--row", "32")).toBe(byRow)
      const byFinding = yield* printed("FM-146537e47e06", "--run", out)
      expect(byFinding.startsWith("FM-146537e47e06 (FIELD_MISMATCH)")).toBe(true)
      expect(byFinding).toContain(byRow.trim())
      const missing = yield* Effect.either(printed("KDC so 1.xlsx", "9999"))
      expect(Either.isLeft(missing)).toBe(true)
    }), 120_000)

  it.effect("an unknown pipeline and a malformed --as-of are usage errors", () =>
    Effect.gen(function*() {
      const a = yield* Effect.either(recon("run", "--pipeline", "nope"))
      expect(Either.isLeft(a) && a.left._tag).toBe("UsageError")
      const b = yield* Effect.either(recon("run", "--pipeline", "sample", "--as-of", "31/10/2026"))
      expect(Either.isLeft(b) && b.left._tag).toBe("UsageError")
    }))
})
