/** Progress on a terminal: one line rewritten in place; a stage of two seconds or more leaves its line. */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect } from "effect"
import { progressFor, silentProgress, terminalProgress } from "../../src/Pipeline/Progress.js"
import { loadPipeline } from "../../src/Pipeline/Registry.js"
import { run } from "../../src/Pipeline/Run.js"
import { scaleFindings } from "../../src/Bench/Report.js"
import { streamReviewWorkbook } from "../../src/Report/ReviewWorkbook.js"
import { discrepancies, reviewInput } from "../Report/fixtures.js"

const clocked = () => {
  let t = 0
  const written: Array<string> = []
  const p = terminalProgress((s) => void written.push(s), () => t)
  return { p, written, advance: (ms: number) => (t += ms), screen: () => written.join("") }
}

describe("progress", () => {
  it("a short stage shows its line while it runs and leaves nothing", () => {
    const c = clocked()
    c.p.start("match")
    c.advance(500)
    c.p.end()
    expect(c.written).toEqual(["\r\u001b[Kmatching…", "\r\u001b[K"])
  })

  it("a long stage counts files of total, shows its time and leaves one line", () => {
    const c = clocked()
    c.p.start("ingestRosters")
    c.p.start("ingestRosters", 40)
    for (let i = 1; i <= 40; i++) {
      c.advance(100)
      c.p.tick(i)
    }
    c.p.end()
    const last = c.written[c.written.length - 1]!
    expect(last).toBe("\r\u001b[Kreading rosters: 40 of 40 files · 4.0 s\n")
    expect(c.written.some((w) => w.includes("reading rosters: 20 of 40 files"))).toBe(true)
    expect(c.screen().split("\n")).toHaveLength(2)
  })

  it("a run into a pipe writes no progress (no carriage return, no escape codes) on stderr", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recon-progress-"))
    const r = spawnSync(process.execPath, ["dist/recon.js", "run", "--pipeline", "sample", "--out", out], { encoding: "utf8" })
    expect(r.status).toBe(0)
    expect(r.stderr).toBe("")
    expect(r.stdout).not.toMatch(/\r|\u001b/)
  }, 120_000)

  it("counts pairs scored and finding rows written in the same live line", () => {
    const c = clocked()
    c.p.start("match")
    for (let done = 65_536; done <= 655_360; done += 65_536) {
      c.advance(400)
      c.p.count(done, 771_353, "pairs scored")
    }
    c.p.end()
    expect(c.written.some((w) => w.includes("matching: 65,536 of 771,353 pairs scored"))).toBe(true)
    expect(c.written[c.written.length - 1]).toBe("\r\u001b[Kmatching: 655,360 of 771,353 pairs scored · 4.0 s\n")
    expect(c.screen().split("\n")).toHaveLength(2)
  })

  it("is drawn only on a terminal, and not under NO_COLOR or TERM=dumb", () => {
    const tty = { isTTY: true, write: () => true }
    expect(progressFor(tty, {})).not.toBe(silentProgress)
    expect(progressFor(tty, { NO_COLOR: "1" })).toBe(silentProgress)
    expect(progressFor(tty, { TERM: "dumb" })).toBe(silentProgress)
    expect(progressFor({ isTTY: false, write: () => true }, {})).toBe(silentProgress)
    expect(progressFor({ write: () => true }, {})).toBe(silentProgress)
  })

  it("a run on a (fake) terminal shows each stage, the files read of total, and ends every line it started", async () => {
    const written: Array<string> = []
    const progress = progressFor({ isTTY: true, write: (s: string) => void written.push(s) }, {})
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "recon-progress-"))
    const decl = await loadPipeline("sample")
    await Effect.runPromise(run(decl, {
      central: decl.defaults.central!, rosters: decl.defaults.rosters!, out, db: path.join(out, "s.sqlite"), asOf: decl.defaults.asOf!, progress
    }).pipe(Effect.provide(NodeContext.layer)))
    const screen = written.join("")
    for (const label of ["reading the central database", "matching", "applying the rules", "writing the outputs"]) expect(screen).toContain(label)
    expect(screen).toMatch(/reading rosters: \d+ of 18 files/)
    // Short stages leave nothing: the last thing written clears the line.
    expect(screen.endsWith("\r\u001b[K")).toBe(true)
  }, 120_000)

  it("the workbook writer reports finding rows written of total every 500 rows", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-progress-"))
    const counts: Array<[number, number]> = []
    const many = scaleFindings(discrepancies, 1234)
    await streamReviewWorkbook(path.join(dir, "review.xlsx"), reviewInput({ discrepancies: many, onRows: (w, t) => void counts.push([w, t]) }))
    expect(counts.length).toBeGreaterThanOrEqual(2)
    for (const [w, t] of counts) {
      expect(t).toBe(1234)
      expect(w % 500).toBe(0)
      expect(w).toBeLessThanOrEqual(1234)
    }
  }, 60_000)
})
