/** What `recon run` prints when it finishes: counts, the files with errors by name, where the outputs are. */
import * as NodePath from "node:path"
import { type Category, CorrectionCategories, FindingCategories } from "../Domain.js"
import { categoryLabel } from "../Report/Labels.js"
import type { RunResult } from "./Run.js"

/** How many files with errors the summary names; the rest are counted and pointed to. */
export const FILES_NAMED = 5

export const formatRunSummary = (result: RunResult, pipeline: string, db: string): string => {
  const m = result.manifest
  const out = result.outDir
  const failed = m.files.filter((f) => f.error !== null)
  const lines = [
    `recon ${m.tool.version}: pipeline ${pipeline}, as of ${m.asOf}`,
    `  rows read ${m.totals.rowsRead}, ingested ${m.totals.rowsIngested}, rejected ${m.totals.rowsRejected} ` +
      `(${m.files.length} files, ${failed.length} with errors)`
  ]
  if (failed.length > 0) {
    for (const f of failed.slice(0, FILES_NAMED)) lines.push(`    ${f.file}: ${f.error}`)
    if (failed.length > FILES_NAMED) lines.push(`    … and ${failed.length - FILES_NAMED} more`)
    lines.push(`    (every file and rejected row: run.json "files" and "rejections", sheet "Lỗi dữ liệu" of review.xlsx)`)
  }
  const s = result.matchStats
  lines.push(
    `  linked ${s.linked} roster rows, ${s.unlinked} unlinked; ${s.candidatePairs} candidate pairs (` +
      Object.entries(s.pairsPerRule).map(([rule, n]) => `${rule} ${n}`).join(", ") + ")",
    `  findings: ${result.discrepancies.filter((d) => d.kind === "finding").length}` +
      (result.suppressed.length > 0 ? ` (${result.suppressed.length} more kept out by review decisions)` : "")
  )
  const categoryLines = (cs: ReadonlyArray<Category>): void => {
    for (const c of cs) {
      const n = m.categories[c] ?? 0
      if (n > 0) lines.push(`    ${c.padEnd(20)} ${String(n).padStart(5)}  ${categoryLabel(c)}`)
    }
  }
  categoryLines(FindingCategories)
  lines.push(`  corrections (not findings): ${result.discrepancies.filter((d) => d.kind === "correction").length}`)
  categoryLines(CorrectionCategories)
  const uncovered = m.uncoveredCells ?? []
  if (uncovered.length > 0) {
    lines.push(
      `  cells not fully reconciled: ${uncovered.length} (` +
        uncovered.slice(0, 10).map((c) => `${c.unitCode} ${c.why === "NO_ROSTER" ? "no official list" : "input not fully read"}`).join(", ") +
        `${uncovered.length > 10 ? ", …; all in run.json" : ""})`
    )
  }
  lines.push(
    `report: ${NodePath.resolve(out, "review.xlsx")}`,
    `        ${NodePath.resolve(out)}/{discrepancies.jsonl,links.csv,persons.csv,run.json}`,
    `state:  ${NodePath.resolve(db)}`
  )
  return lines.join("\n")
}
