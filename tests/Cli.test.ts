/**
 * The CLI as a user calls it: argv in, files out, one line and an exit code for every misuse.
 * `main` runs in-process (stdout / stderr captured); the compiled entry (dist/recon.js, built by
 * `npm test` before vitest) is spawned where the process itself matters: exit codes, pipes, NO_COLOR.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it, vi } from "@effect/vitest"
import { Effect, Either } from "effect"
import ExcelJS from "exceljs"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cli } from "../src/Cli.js"
import { rootSpec } from "../src/Commands.js"
import type { CommandSpec } from "../src/CliSpec.js"
import { main } from "../src/Main.js"

const recon = (...args: Array<string>) => cli(["node", "recon", ...args]).pipe(Effect.provide(NodeContext.layer))
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "recon-cli-"))

/** `recon …` in-process: exit code and what it printed. */
const run = async (...args: Array<string>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...xs) => void out.push(xs.join(" ")))
  try {
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {} })
    return { code, out: out.join("\n"), err: err.join("\n") }
  } finally {
    log.mockRestore()
  }
}

const DIST = path.resolve("dist/recon.js")
/** The compiled `recon` in a child process, stdout and stderr piped. */
const spawnRecon = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [DIST, ...args], { encoding: "utf8", env: { ...process.env, ...env } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const allCommands = (c: CommandSpec): Array<CommandSpec> => [c, ...(c.subcommands ?? []).flatMap(allCommands)]

describe("recon help", () => {
  for (const c of allCommands(rootSpec)) {
    const name = ["recon", ...c.path].join(" ")
    it(`${name} --help teaches every option (snapshot)`, async () => {
      const r = await run(...c.path, "--help")
      expect(r.code).toBe(0)
      expect(r.out).toMatchSnapshot()
      expect(r.out).not.toMatch(/\u001b\[/)
      expect(r.out).toContain(`Usage: ${name}`)
      expect(r.out).not.toMatch(/A user-defined piece of text|^\$ /m)
      for (const o of c.options ?? []) expect(r.out).toContain(`--${o.name}`)
    })
  }

  it("run --help marks the required inputs, lists the pipelines and ends with two worked examples", async () => {
    const r = await run("run", "--help")
    expect(r.out).toMatch(/--central <file>\s+Required unless the pipeline declares it/)
    expect(r.out).toMatch(/One of: annual-roster-matching, sample/)
    expect(r.out).toMatch(/Default: <out>\/state\.sqlite/)
    const examples = r.out.slice(r.out.indexOf("Examples:"))
    expect(examples.match(/^ {2}recon run /gm)).toHaveLength(2)
    expect(r.out.trimEnd().split("\n").pop()).toMatch(/^ {2}recon run --central/)
  })

  it("the compiled entry prints no ANSI codes into a pipe, nor under NO_COLOR", () => {
    for (const env of [{}, { NO_COLOR: "1" }] as Array<Record<string, string>>) {
      const r = spawnRecon(["run", "--help"], env)
      expect(r.code).toBe(0)
      expect(r.out).not.toMatch(/\u001b\[/)
      expect(r.out).toContain("Usage: recon run")
    }
    const v = spawnRecon(["--version"])
    expect(v).toMatchObject({ code: 0, out: `${JSON.parse(fs.readFileSync("package.json", "utf8")).version}\n`, err: "" })
  })
})

describe("recon misuse: one line, the fix, a documented exit code", () => {
  const cases: ReadonlyArray<[Array<string>, RegExp, number]> = [
    [["run", "--frobnicate"], /^recon: unknown option --frobnicate; see recon run --help$/, 2],
    [["run", "--centrl", "x.xlsx"], /^recon: unknown option --centrl; did you mean --central\?$/, 2],
    [["run", "--pipeline", "sampel"], /^recon: --pipeline: "sampel" is not one of annual-roster-matching, sample; did you mean sample\?$/, 2],
    [["run", "--pipeline", "sample", "--as-of", "2026-13-45"], /^recon: --as-of: "2026-13-45" has no month 13/, 2],
    [["run", "--pipeline", "sample", "--as-of", "2026-02-30"], /^recon: --as-of: "2026-02-30" is not a date: 2026-02 has 28 days$/, 2],
    [["bench", "--size", "-5", "--skip-ingest"], /^recon: --size: expected a whole number of at least 1, got -5$/, 2],
    [["run", "--pipeline", "sample", "--as-of", "31/10/2026"], /^recon: --as-of: expected a date as YYYY-MM-DD/, 2],
    [["run", "--central"], /^recon: --central needs a value: <file>/, 2],
    [["run"], /^recon: --central is required: the pipeline annual-roster-matching declares no default/, 2],
    [["run", "--log-level", "loud"], /^recon: --log-level must be one of error, warning, info, debug, got "loud"$/, 2],
    [["rn"], /^recon: unknown command recon rn; did you mean recon run\?$/, 2],
    [["review"], /^recon: recon review needs a command: import, status, history/, 2],
    [["review", "stats"], /^recon: unknown command recon review stats; did you mean recon review status\?$/, 2],
    [["bench", "--size", "many"], /^recon: .*many/, 2],
    [["run", "--split-by", "cell"], /^recon: --split-by: "cell" is not one of unit$/, 2],
    [["explain", "KDC so 1.xlsx", "32"], /^recon: --central is required: the pipeline annual-roster-matching declares no default \(see recon explain --help\)$/, 2],
    [["explain"], /^recon: explain needs a finding id, or a roster file and a row number/, 2],
    [["central", "import", "samples/central.xlsx"], /^recon: .*into/, 2],
    [["run", "--pipeline", "sample", "--as-of"], /^recon: --as-of needs a value/, 2],
    [["review", "import"], /^recon: missing <reviewed\.xlsx> \(see recon review import --help\)$/, 2],
    [["review", "import", "/nonexistent/review.xlsx"], /^recon: \/nonexistent\/review\.xlsx: no such file or folder \(see recon review import --help\)$/, 2],
    [["explain", "KDC so 1.xlsx", "--row", "x"], /^recon: --row: "x" is not a whole number \(see recon explain --help\)$/, 2],
    [["samples", "generate", "--members", "10"], /^recon: --out is required \(see recon samples generate --help\)$/, 2],
    [["evaluate", "--run", "reports/sample"], /^recon: --truth is required \(see recon evaluate --help\)$/, 2],
    [["run", "--pipeline", "sample", "--rosters", "/nonexistent", "--out", "/tmp/recon-cli-never"], /^recon: rosters directory not found: \/nonexistent$/, 1]
  ]
  for (const [args, message, code] of cases) {
    it(`recon ${args.join(" ")}`, async () => {
      const r = await run(...args)
      expect(r.err.split("\n")).toHaveLength(1)
      expect(r.err).toMatch(message)
      expect(r.code).toBe(code)
    })
  }

  it("the compiled entry exits 2 with one line for an unknown option, never [object Object]", () => {
    const r = spawnRecon(["run", "--frobnicate"])
    expect(r).toMatchObject({ code: 2, out: "", err: "recon: unknown option --frobnicate; see recon run --help\n" })
  })

  it("--log-level info is accepted where the help lists it", async () => {
    const dir = tmp()
    const r = await run("run", "--log-level", "info", "--pipeline", "sample", "--out", dir)
    expect(r.code).toBe(0)
    // Logs on stderr, never mixed into what the command prints.
    expect(r.err).toMatch(/level=INFO .*message="rosters read"/)
    expect(r.out).not.toMatch(/level=INFO/)
  }, 120_000)
})

describe("recon run", () => {
  it.effect("run --pipeline sample --expect passes on the sample commune", () =>
    Effect.gen(function*() {
      const out = tmp()
      yield* recon("run", "--pipeline", "sample", "--out", out, "--db", path.join(out, "s.sqlite"), "--expect", "samples/expected/discrepancies.jsonl")
      for (const f of ["discrepancies.jsonl", "links.csv", "review.xlsx", "run.json"]) expect(fs.existsSync(path.join(out, f))).toBe(true)
      expect(fs.readdirSync(out).filter((f) => f.includes(".tmp-"))).toEqual([])
    }), 120_000)

  it("the state database follows --out, run.json records it, and review import finds it from the workbook", async () => {
    const dir = tmp()
    const out = path.join(dir, "out2")
    const r = await run("run", "--pipeline", "sample", "--out", out)
    expect(r.code).toBe(0)
    expect(fs.existsSync(path.join(out, "state.sqlite"))).toBe(true)
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8"))
    expect(manifest.stateDb).toBe(path.resolve(out, "state.sqlite"))
    expect(r.out).toContain(`state:  ${path.resolve(out, "state.sqlite")}`)
    const imported = await run("review", "import", path.join(out, "review.xlsx"))
    expect(imported.err).toBe("")
    expect(imported.out).toContain(`vào ${path.resolve(out, "state.sqlite")}`)
    expect(imported.code).toBe(0)
    const status = await run("review", "status", "--run", out)
    expect(status.code).toBe(0)
    expect(status.out).toContain("31/10/2026")
  }, 120_000)

  it("a review command that finds no database says where it looked and creates none", async () => {
    const dir = tmp()
    const cwd = process.cwd()
    const r = await run("review", "status", "--run", dir)
    expect(r.code).toBe(2)
    expect(r.err).toBe(`recon: no state database found (looked for ${path.join(dir, "state.sqlite")}); give --run <the run's output folder> or --db <state.sqlite>`)
    const given = await run("review", "history", "--db", path.join(dir, "nope.sqlite"))
    expect(given.code).toBe(1)
    expect(given.err).toContain(path.join(dir, "nope.sqlite"))
    expect(fs.readdirSync(dir)).toEqual([])
    expect(fs.existsSync(path.join(cwd, "reports", "recon.sqlite"))).toBe(false)
    const none = await run("review", "status")
    expect(none).toMatchObject({
      code: 2,
      err: `recon: no state database found (looked for ${path.resolve("state.sqlite")}); give --run <the run's output folder> or --db <state.sqlite>`
    })
  })

  it("as a new user: npm start's run, then review import / status / history and explain with nothing but the paths it printed", () => {
    // A fresh folder holding only the samples, as a clone does; the sample pipeline writes reports/sample there.
    const dir = tmp()
    fs.symlinkSync(path.resolve("samples"), path.join(dir, "samples"))
    const inDir = (args: ReadonlyArray<string>, cwd = dir) => {
      const r = spawnSync(process.execPath, [DIST, ...args], { encoding: "utf8", cwd, env: { ...process.env, NO_COLOR: "1" } })
      return { code: r.status, out: r.stdout, err: r.stderr }
    }
    const started = inDir(["run", "--pipeline", "sample"])
    expect(started).toMatchObject({ code: 0, err: "" })
    expect(started.out).toContain(`report: ${path.join(dir, "reports", "sample", "review.xlsx")}`)
    const imported = inDir(["review", "import", "reports/sample/review.xlsx"])
    expect(imported).toMatchObject({ code: 0, err: "" })
    expect(imported.out).toContain(`vào ${path.join(dir, "reports", "sample", "state.sqlite")}`)
    // From inside the run's folder, no option at all.
    const status = inDir(["review", "status"], path.join(dir, "reports", "sample"))
    expect(status).toMatchObject({ code: 0, err: "" })
    expect(status.out).toMatch(/^Lần chạy #1, tính đến ngày 31\/10\/2026/)
    expect(inDir(["review", "history", "--run", "reports/sample"])).toMatchObject({ code: 0, err: "" })
    // The finding ids the help's examples name are findings of the sample.
    const ids = new Set(fs.readFileSync(path.join(dir, "reports", "sample", "discrepancies.jsonl"), "utf8").match(/"id":"[A-Z]{2}-[0-9a-f]{12}"/g)!.map((x) => x.slice(6, -1)))
    const helpIds = allCommands(rootSpec).flatMap((c) => JSON.stringify(c).match(/\b[A-Z]{2}-[0-9a-f]{12}\b/g) ?? [])
    expect(helpIds.length).toBeGreaterThan(0)
    for (const id of helpIds) expect(ids.has(id)).toBe(true)
    const explained = inDir(["explain", helpIds[0]!, "--run", "reports/sample"])
    expect(explained).toMatchObject({ code: 0, err: "" })
    expect(explained.out.startsWith(`${helpIds[0]} (`)).toBe(true)
  }, 120_000)

  it("an empty rosters folder is an error naming what was looked for; the central export inside --rosters is not a roster", async () => {
    const dir = tmp()
    const empty = path.join(dir, "empty")
    fs.mkdirSync(empty)
    const a = await run("run", "--central", "samples/central.xlsx", "--rosters", empty, "--out", path.join(dir, "o"), "--as-of", "2026-10-31")
    expect(a.code).toBe(1)
    expect(a.err).toBe(`recon: no roster files (.xlsx or .csv) in ${empty} (searched recursively); give --rosters the folder holding the cells' lists`)
    const withCentral = path.join(dir, "only-central")
    fs.mkdirSync(withCentral)
    fs.copyFileSync("samples/central.xlsx", path.join(withCentral, "central.xlsx"))
    fs.writeFileSync(path.join(withCentral, "notes.txt"), "x")
    const b = await run("run", "--central", path.join(withCentral, "central.xlsx"), "--rosters", withCentral, "--out", path.join(dir, "o"), "--as-of", "2026-10-31")
    expect(b.code).toBe(1)
    expect(b.err).toMatch(/^recon: no roster files \(\.xlsx or \.csv\) in .*only-central \(searched recursively, leaving out the central export central\.xlsx; found only notes\.txt\)/)
  }, 120_000)

  it("the summary names the files with errors, counts them and says where the full list is", async () => {
    const dir = tmp()
    const rosters = path.join(dir, "rosters")
    fs.cpSync("samples/rosters", rosters, { recursive: true })
    for (let i = 1; i <= 7; i++) fs.writeFileSync(path.join(rosters, `broken-${i}.xlsx`), "not a workbook")
    const r = await run("run", "--central", "samples/central.xlsx", "--rosters", rosters, "--out", path.join(dir, "o"), "--as-of", "2026-10-31")
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/\(26 files, 7 with errors\)/)
    expect(r.out).toMatch(/^ {4}broken-1\.xlsx: /m)
    expect(r.out).toContain("… and 2 more")
    expect(r.out).toContain(`run.json "files" and "rejections", sheet "Lỗi dữ liệu" of review.xlsx`)
  }, 120_000)

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

  it("--expect fails with the differences when the result changes (exit 1)", async () => {
    const dir = tmp()
    const expected = path.join(dir, "expected.jsonl")
    const lines = fs.readFileSync("samples/expected/discrepancies.jsonl", "utf8").trim().split("\n")
    fs.writeFileSync(expected, lines.slice(1).join("\n") + "\n")
    const r = await run("run", "--pipeline", "sample", "--out", path.join(dir, "o"), "--expect", expected)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^recon: discrepancies differ from .*expected\.jsonl:\n.*extra/)
  }, 120_000)

  it("an unreadable central export is one line naming the file (exit 1)", async () => {
    const dir = tmp()
    const bad = path.join(dir, "central.xlsx")
    fs.writeFileSync(bad, "not a workbook")
    const r = await run("run", "--central", bad, "--rosters", "samples/rosters", "--out", path.join(dir, "o"))
    expect(r.code).toBe(1)
    expect(r.err.split("\n")).toHaveLength(1)
    expect(r.err).toMatch(/^recon: .*central\.xlsx/)
  })
})

describe("recon explain", () => {
  it("shows the waterfall for a roster row (positional or options) and for a finding id, with only --run", async () => {
    const out = tmp()
    expect((await run("run", "--pipeline", "sample", "--out", out)).code).toBe(0)
    const byRow = (await run("explain", "KDC so 1.xlsx", "32", "--run", out)).out
    expect(byRow).toContain("Dòng 32 của Đảng bộ bộ phận Khu Bắc/KDC so 1.xlsx [Danh sách]")
    expect(byRow).toMatch(/DV10800 Nguyễn Việt Thịnh, sinh 05\/08\/1996 \(CB04\) — đã ghép/)
    expect(byRow).toMatch(/Ngày sinh\s+ngày sinh đảo ngày và tháng\s+\+\d+,\d/)
    expect(byRow).toMatch(/Độ tin cậy \d+(,\d)?%: họ trùng khớp \([^)]*\), tên đệm trùng khớp \([^)]*\), tên trùng khớp/)
    expect((await run("explain", "--file", "KDC so 1.xlsx", "--row", "32", "--run", out)).out).toBe(byRow)
    const byFinding = (await run("explain", "HC-7d244d8484f8", "--run", out)).out
    expect(byFinding.startsWith("HC-7d244d8484f8 (DATA_CORRECTION)")).toBe(true)
    expect(byFinding).toContain(byRow.trim())
    // Every finding of every category, from what the run stored: with the inputs gone, it still explains.
    const moved = tmp()
    fs.cpSync(out, moved, { recursive: true })
    const manifest = JSON.parse(fs.readFileSync(path.join(moved, "run.json"), "utf8"))
    fs.writeFileSync(path.join(moved, "run.json"), JSON.stringify({ ...manifest, rosters: "/nonexistent", inputs: [{ role: "central", path: "/nonexistent.xlsx", sha256: "" }] }))
    const findings = fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(new Set(findings.map((f) => f.category)).size).toBeGreaterThanOrEqual(9)
    for (const f of findings) {
      const r = await run("explain", f.id, "--run", moved)
      expect(r.err).toBe("")
      expect(r.out.startsWith(`${f.id} (${f.category})\n${f.reason}`)).toBe(true)
      for (const ref of f.rosterRows) expect(r.out).toContain(`Dòng ${ref.row} của ${ref.file} [${ref.sheet}]`)
      if (f.category === "DUPLICATE_CENTRAL") expect(r.out).toMatch(/DV\d+ .* ↔ DV\d+ /)
    }
    expect((await run("explain", "KDC so 1.xlsx", "32", "--run", moved)).out).toBe(byRow)
    const unknown = await run("explain", "FM-000000000000", "--run", moved)
    expect(unknown).toMatchObject({ code: 1, err: `recon: no finding FM-000000000000 in ${path.join(moved, "discrepancies.jsonl")}` })
    const missing = await run("explain", "KDC so 1.xlsx", "9999", "--run", out)
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^recon: no ingested row 9999/)
  }, 120_000)

  it("explains every linked row, and says why a rejected row was left out, from the stored run alone", async () => {
    const dir = tmp()
    const rosters = path.join(dir, "rosters")
    fs.cpSync("samples/rosters", rosters, { recursive: true })
    // A row with no readable name is rejected (line 31 of the CSV).
    fs.appendFileSync(path.join(rosters, "Đảng bộ bộ phận Khu Nam", "CB05_thon_Nam.csv"), "CB05,30,1234,01/01/1950,Nam,,,,\n")
    const out = path.join(dir, "out")
    expect((await run("run", "--central", "samples/central.xlsx", "--rosters", rosters, "--out", out, "--as-of", "2026-10-31")).code).toBe(0)
    // The stored waterfall is the one matching again computes (Match/Explain.ts reads the inputs).
    const { explain } = await import("../src/Match/Explain.js")
    const { loadPipeline } = await import("../src/Pipeline/Registry.js")
    const settings = (await loadPipeline("annual-roster-matching")).match
    const again = await Effect.runPromise(explain({ central: "samples/central.xlsx", rosters, settings, top: 3, file: "Thôn Phú Lợi.xlsx", row: 9 }))
    const stored = await run("explain", "Thôn Phú Lợi.xlsx", "9", "--run", out)
    expect(again.trim().split("\n").slice(0, -2)).toEqual(stored.out.trim().split("\n"))
    // The inputs are gone: every answer comes from the run's files.
    fs.rmSync(rosters, { recursive: true })
    const findings = fs.readFileSync(path.join(out, "discrepancies.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    const named = new Set(findings.flatMap((f) => f.rosterRows.map((r: { file: string; row: number }) => `${r.file}|${r.row}`)))
    const links = fs.readFileSync(path.join(out, "links.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","))
    const linkedOnly = links.filter(([file, , row, member]) => member !== "" && !named.has(`${file}|${row}`))
    expect(linkedOnly.length).toBeGreaterThan(200)
    for (const [file, sheet, row, member] of linkedOnly.filter((_, k) => k % 7 === 0)) {
      const r = await run("explain", file!, row!, "--run", out)
      expect(r.err).toBe("")
      expect(r.code).toBe(0)
      expect(r.out).toContain(`Dòng ${row} của ${file} [${sheet}]`)
      expect(r.out).toMatch(new RegExp(`↔ ${member} .* — đã ghép`))
      expect(r.out).toMatch(/Tổng\s+xác suất cùng một người/)
    }
    const rejected = await run("explain", "CB05_thon_Nam.csv", "31", "--run", out)
    expect(rejected.code).toBe(0)
    expect(rejected.out).toMatch(/^Dòng 31 của Đảng bộ bộ phận Khu Nam\/CB05_thon_Nam\.csv \[CB05_thon_Nam\.csv\]: không được đưa vào đối khớp/)
    const nowhere = await run("explain", "CB05_thon_Nam.csv", "77", "--run", out)
    expect(nowhere).toMatchObject({ code: 1, err: expect.stringMatching(/^recon: no ingested row 77 in a roster file "CB05_thon_Nam\.csv" of the run in /) })
  }, 120_000)
})
