/**
 * The report stage on its own: every output file of a run (discrepancies.jsonl, links.csv,
 * persons.csv, review.xlsx, run.json) written from results held in memory, timed per file, with
 * the process's peak RSS. Used by `recon bench` (a generated province) and by `scaleReport`, which
 * multiplies real findings to a given count (1,000,000) to show the stage is linear and bounded.
 */
import { explainRun } from "../Match/Explained.js"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as NodePath from "node:path"
import type { CentralData, Discrepancy, FileSummary, Link, RosterRow } from "../Domain.js"
import { writeDiscrepanciesJsonl } from "../Report/DiscrepanciesJsonl.js"
import { writeLinksCsv } from "../Report/LinksCsv.js"
import { writePersonsCsv } from "../Report/PersonsCsv.js"
import { rowKey, writeReviewWorkbook } from "../Report/ReviewWorkbook.js"
import type { ReviewInput } from "../Report/ReviewWorkbook.js"
import { explainFindings, type MatchOutcome } from "../Pipeline/Run.js"

export interface ReportBench {
  readonly findings: number
  readonly links: number
  /** Wall time of the whole stage, and of each file. */
  readonly wallMs: number
  readonly filesMs: Readonly<Record<string, number>>
  readonly reviewXlsxBytes: number
  readonly peakRssMB: number
  readonly rssBeforeMB: number
  readonly msPerFinding: number
}

const peakRssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024)

export interface ReportData {
  readonly central: CentralData
  readonly rows: ReadonlyArray<RosterRow>
  readonly matched: MatchOutcome
  readonly findings: ReadonlyArray<Discrepancy>
  readonly files: ReadonlyArray<FileSummary>
  readonly asOf: string
  /** Off for scaled runs: explanations are computed per finding before the stage. */
  readonly explain?: boolean
}

const timedAsync = async <A>(times: Record<string, number>, name: string, f: () => Promise<A>): Promise<A> => {
  const t0 = performance.now()
  const a = await f()
  times[name] = Math.round(performance.now() - t0)
  return a
}

/** Writes every output of the report stage into a temp directory (removed after) and times it. */
export const benchReport = async (d: ReportData): Promise<ReportBench> => {
  const dir = await fs.mkdtemp(NodePath.join(os.tmpdir(), "recon-bench-report-"))
  const run = <A, E>(eff: Effect.Effect<A, E, import("@effect/platform/FileSystem").FileSystem>) =>
    Effect.runPromise(eff.pipe(Effect.provide(NodeContext.layer)))
  try {
    global.gc?.()
    const rssBeforeMB = Math.round(process.memoryUsage().rss / 1048576)
    const times: Record<string, number> = {}
    const t0 = performance.now()
    const links: Array<Link> = d.matched.rows.map((l) => ({
      file: l.row.file, sheet: l.row.sheet, row: l.row.row, memberId: l.memberId, score: l.score
    }))
    const explanations = d.explain === false
      ? new Map<string, string>()
      : await timedAsync(times, "explain", async () => explainFindings(d.findings, explainRun(d.central, d.rows, d.matched.result, d.findings)))
    const input: ReviewInput = {
      discrepancies: d.findings,
      members: new Map(d.central.members.map((m) => [m.id, m])),
      units: new Map(d.central.units.map((u) => [u.code, u])),
      rowsByRef: new Map(d.rows.map((r) => [rowKey(r), r])),
      rejections: [],
      warnings: [],
      explanations,
      files: d.files,
      asOf: d.asOf,
      inputs: [],
      tool: { name: "recon", version: "bench" },
      generatedAt: new Date().toISOString()
    }
    await timedAsync(times, "discrepancies.jsonl", () => run(writeDiscrepanciesJsonl(NodePath.join(dir, "discrepancies.jsonl"), d.findings)))
    await timedAsync(times, "links.csv", () => run(writeLinksCsv(NodePath.join(dir, "links.csv"), links)))
    await timedAsync(times, "persons.csv", () => run(writePersonsCsv(NodePath.join(dir, "persons.csv"), [])))
    const xlsx = await timedAsync(times, "review.xlsx", () => run(writeReviewWorkbook(NodePath.join(dir, "review.xlsx"), input)))
    const wallMs = Math.round(performance.now() - t0)
    return {
      findings: d.findings.length,
      links: links.length,
      wallMs,
      filesMs: times,
      reviewXlsxBytes: xlsx.bytes,
      peakRssMB: peakRssMB(),
      rssBeforeMB,
      msPerFinding: d.findings.length === 0 ? 0 : Math.round((wallMs / d.findings.length) * 1000) / 1000
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** `n` findings made from `seed` findings (ids made unique), for measuring the stage at scale. */
export const scaleFindings = (seed: ReadonlyArray<Discrepancy>, n: number): Array<Discrepancy> => {
  const out: Array<Discrepancy> = new Array(n)
  for (let i = 0; i < n; i++) {
    const d = seed[i % seed.length]!
    out[i] = { ...d, id: `${d.id}-${i.toString(36)}` }
  }
  return out
}

export const formatReportBench = (label: string, r: ReportBench): string =>
  `report ${label}: ${r.findings} findings, ${r.links} links: ${(r.wallMs / 1000).toFixed(2)} s wall ` +
  `(${Object.entries(r.filesMs).map(([k, v]) => `${k} ${v} ms`).join(", ")}), ` +
  `${r.msPerFinding} ms/finding, review.xlsx ${Math.round(r.reviewXlsxBytes / 1024)} KB, peak RSS ${r.peakRssMB} MB ` +
  `(${r.rssBeforeMB} MB before)`
