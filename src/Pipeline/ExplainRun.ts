/**
 * `recon explain … --run <out>` from what the run stored in <out> (Match/Explained.ts): a finding
 * from discrepancies.jsonl and explanations.jsonl; a roster row from explanations.jsonl (rows a
 * finding names, rows linked to no one), link-explanations.jsonl (every other linked row) or
 * run.json's rejections (a row not ingested, with why). No input is read again. Only a run made
 * before link-explanations.jsonl existed leaves a row to Match/Explain.ts, which reads the inputs.
 */
import * as fs from "node:fs/promises"
import * as path from "node:path"
import type { Discrepancy } from "../Domain.js"
import {
  EXPLANATIONS_FILE, type Explanation, findLinkExplanations, indexExplanations, LINK_EXPLANATIONS_FILE, renderFinding, renderRow,
  type RowExplanation
} from "../Match/Explained.js"

export class ExplainRunError extends Error {
  override readonly name = "ExplainRunError"
}

/**
 * The lines of a JSONL file that contain one of `needles`, parsed; only those are parsed, so a
 * 100,000-member run's 28 MB explanations.jsonl is searched, not decoded whole. Undefined when the
 * file cannot be read.
 */
const readJsonlWith = async <A>(file: string, needles: ReadonlyArray<string>): Promise<Array<A> | undefined> => {
  let text: string
  try {
    text = await fs.readFile(file, "utf8")
  } catch {
    return undefined
  }
  const out: Array<A> = []
  const seen = new Set<number>()
  for (const needle of needles) {
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      const start = text.lastIndexOf("\n", at) + 1
      if (seen.has(start)) continue
      seen.add(start)
      const end = text.indexOf("\n", at)
      out.push(JSON.parse(text.slice(start, end < 0 ? undefined : end)) as A)
    }
  }
  return out
}

const sameFile = (rowFile: string, wanted: string): boolean =>
  rowFile === wanted || rowFile.endsWith(`/${wanted}`) || path.posix.basename(rowFile) === wanted

export type ExplainTarget = { readonly finding: string } | { readonly file: string; readonly row: number }

/** The explanation text, or undefined when the run in `runDir` did not store what is asked. */
export const explainFromRun = async (runDir: string, target: ExplainTarget, top: number): Promise<string | undefined> => {
  const explanations = path.join(runDir, EXPLANATIONS_FILE)
  if ("finding" in target) {
    const file = path.join(runDir, "discrepancies.jsonl")
    const [d] = (await readJsonlWith<Discrepancy>(file, [`"id":${JSON.stringify(target.finding)}`])) ?? []
    if (d === undefined) {
      if (!(await fs.stat(file).then(() => true, () => false))) throw new ExplainRunError(`cannot read ${file}`)
      throw new ExplainRunError(`no finding ${target.finding} in ${file}`)
    }
    // The finding's rows and its pair of records: only the lines that can be theirs are read.
    const needles = [...d.rosterRows.map((r) => `"row":${r.row},`), ...(d.memberIds.length === 2 ? [`"id":${JSON.stringify(d.memberIds[0])}`] : [])]
    const stored = await readJsonlWith<Explanation>(explanations, needles)
    if (stored === undefined) return undefined
    return renderFinding(d, indexExplanations(stored), top).join("\n")
  }
  const stored = await readJsonlWith<Explanation>(explanations, [`"row":${target.row},`])
  if (stored === undefined) return undefined
  const index = indexExplanations(stored)
  const mine = (f: string) => sameFile(f, target.file)
  let rows: Array<RowExplanation> = [...index.rows.values()].filter((e) => mine(e.file) && e.row === target.row)
  const linkText = rows.length > 0 ? undefined : await fs.readFile(path.join(runDir, LINK_EXPLANATIONS_FILE), "utf8").catch(() => undefined)
  if (linkText !== undefined) rows = findLinkExplanations(linkText, mine, target.row)
  if (rows.length > 0) return rows.flatMap((e, k) => [...(k > 0 ? [""] : []), ...renderRow(e, top)]).join("\n")
  const rejected = (await rejectionsOf(runDir)).filter((r) => r.row === target.row && mine(r.file))
  if (rejected.length > 0) {
    return rejected.map((r) =>
      `Dòng ${r.row} của ${r.file}${r.sheet === null ? "" : ` [${r.sheet}]`}: không được đưa vào đối khớp` +
      `${r.column === null ? "" : ` (cột ${r.column})`}: ${r.reason}`
    ).join("\n")
  }
  // A run older than link-explanations.jsonl did not store linked rows: the caller reads the inputs again.
  if (linkText === undefined) return undefined
  throw new ExplainRunError(
    `no ingested row ${target.row} in a roster file "${target.file}" of the run in ${runDir} (nor among its rejected rows); ` +
      `the rows are listed in ${path.join(runDir, "links.csv")}`
  )
}

interface StoredRejection {
  readonly file: string
  readonly sheet: string | null
  readonly row: number | null
  readonly column: string | null
  readonly reason: string
}

/** run.json's rejected rows and files (empty when run.json cannot be read). */
const rejectionsOf = async (runDir: string): Promise<ReadonlyArray<StoredRejection>> => {
  try {
    const run = JSON.parse(await fs.readFile(path.join(runDir, "run.json"), "utf8")) as { rejections?: ReadonlyArray<StoredRejection> }
    return run.rejections ?? []
  } catch {
    return []
  }
}
