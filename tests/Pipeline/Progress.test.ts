/** Progress on a terminal: one line rewritten in place; a stage of two seconds or more leaves its line. */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { terminalProgress } from "../../src/Pipeline/Progress.js"

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
})
