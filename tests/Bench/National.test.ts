import { mkdtemp, rm } from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { benchNationalDir, formatNationalBench, type NationalBench } from "../../src/Bench/National.js"
import { loadPipeline } from "../../src/Pipeline/Registry.js"
import { generateNational } from "../../samples/generators/National.js"

/** The compiled CLI (npm test builds dist/ first): the bench times it in child processes. */
const ENTRY = path.resolve("dist/recon.js")

describe("the national bench on a small nation (3 provinces, 3,000 members)", () => {
  let dir: string
  let b: NationalBench

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "recon-national-bench-test-"))
    await generateNational({ members: 3_000, provinces: 3, rosterProvince: "037", seed: 11, out: dir })
    b = await benchNationalDir(await loadPipeline("annual-roster-matching"), ENTRY, dir)
  }, 300_000)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it("imports every export into one index and runs the roster province against it, timing each child", () => {
    expect(b.provinces).toBe(3)
    for (const s of [b.import, b.run]) {
      expect(s.exitCode).toBe(0)
      expect(s.wallMs).toBeGreaterThan(0)
      expect(s.cpuMs).toBeGreaterThan(0)
      expect(s.peakRssMB).toBeGreaterThan(20)
    }
    expect(b.import.recordsPerSecond).toBe(Math.round(b.centralRecords / (b.import.wallMs / 1000)))
    expect(formatNationalBench(b)).toContain("moves between provinces")
  })

  it("finds the moves from other provinces through the national index (what recon evaluate counts)", () => {
    const x = b.quality!.crossProvince!
    expect(x.unreportedTransfer.planted).toBeGreaterThanOrEqual(2)
    // A run against the roster province's export alone finds none of them (they are not in its database);
    // at this size a move in a file the run could not resolve is a third of them, so one miss is allowed.
    expect(x.unreportedTransfer.matched).toBeGreaterThanOrEqual(x.unreportedTransfer.planted - 1)
    expect(x.unreportedTransfer.precision).toBeGreaterThanOrEqual(0.9)
    expect(b.quality!.linkPrecision).toBeGreaterThan(0.99)
  })
})
