/**
 * `recon explain … --run <out>` from what the run stored (explanations.jsonl and
 * discrepancies.jsonl in <out>; Match/Explained.ts): no input is read again. A row the run did not
 * store (linked, and named by no finding) is left to Match/Explain.ts, which reads the inputs again.
 */
import * as fs from "node:fs/promises"
import * as path from "node:path"
import type { Discrepancy } from "../Domain.js"
import { EXPLANATIONS_FILE, type Explanation, indexExplanations, renderFinding, renderRow } from "../Match/Explained.js"

export class ExplainRunError extends Error {
  override readonly name = "ExplainRunError"
}

const readJsonl = async <A>(file: string): Promise<Array<A> | undefined> => {
  let text: string
  try {
    text = await fs.readFile(file, "utf8")
  } catch {
    return undefined
  }
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as A)
}

const sameFile = (rowFile: string, wanted: string): boolean =>
  rowFile === wanted || rowFile.endsWith(`/${wanted}`) || path.posix.basename(rowFile) === wanted

export type ExplainTarget = { readonly finding: string } | { readonly file: string; readonly row: number }

/** The explanation text, or undefined when the run in `runDir` did not store what is asked. */
export const explainFromRun = async (runDir: string, target: ExplainTarget, top: number): Promise<string | undefined> => {
  const stored = await readJsonl<Explanation>(path.join(runDir, EXPLANATIONS_FILE))
  if (stored === undefined) return undefined
  const index = indexExplanations(stored)
  if ("finding" in target) {
    const file = path.join(runDir, "discrepancies.jsonl")
    const findings = await readJsonl<Discrepancy>(file)
    if (findings === undefined) throw new ExplainRunError(`cannot read ${file}`)
    const d = findings.find((f) => f.id === target.finding)
    if (d === undefined) throw new ExplainRunError(`no finding ${target.finding} in ${file}`)
    return renderFinding(d, index, top).join("\n")
  }
  const rows = [...index.rows.values()].filter((e) => sameFile(e.file, target.file) && e.row === target.row)
  if (rows.length === 0) return undefined
  return rows.flatMap((e, k) => [...(k > 0 ? [""] : []), ...renderRow(e, top)]).join("\n")
}
