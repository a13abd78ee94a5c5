/**
 * `recon explain`: re-runs ingestion and the match stage on the same inputs, then shows, for one
 * roster row (file + row) or for the rows and members of one finding (discrepancy id), the
 * waterfall of weights behind the score — against the linked member, or else the closest
 * candidates. Effect only at the files.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import type { RowRef } from "../Domain.js"
import { readCentral } from "../Ingest/Central.js"
import { formatDate } from "../Normalize/Date.js"
import { ingestRosters } from "../Ingest/Rosters.js"
import * as Engine from "./Engine.js"
import { runMatch } from "./Stage.js"

export class ExplainError extends Schema.TaggedError<ExplainError>()("ExplainError", {
  message: Schema.String
}) {}

export interface ExplainOptions {
  readonly central: string
  readonly rosters: string
  readonly settings: Engine.MatchSettings
  /** A roster file (relative to the rosters directory, or its base name) and a row number… */
  readonly file?: string
  readonly row?: number
  /** …or a finding id, with the run directory whose discrepancies.jsonl holds it. */
  readonly discrepancy?: string
  readonly runDir?: string
  /** How many candidates to show for an unlinked row. */
  readonly top: number
}

interface Finding {
  readonly id: string
  readonly category: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<RowRef>
}

const sameFile = (rowFile: string, wanted: string): boolean =>
  rowFile === wanted || rowFile.endsWith(`/${wanted}`) || path.posix.basename(rowFile) === wanted

const readFinding = (runDir: string, id: string): Effect.Effect<Finding, ExplainError> =>
  Effect.tryPromise({
    try: () => fs.readFile(path.join(runDir, "discrepancies.jsonl"), "utf8"),
    catch: () => new ExplainError({ message: `cannot read ${path.join(runDir, "discrepancies.jsonl")}` })
  }).pipe(
    Effect.flatMap((text) => {
      const line = text.split("\n").find((l) => l.includes(`"id":"${id}"`))
      return line === undefined
        ? Effect.fail(new ExplainError({ message: `no finding ${id} in ${runDir}/discrepancies.jsonl` }))
        : Effect.succeed(JSON.parse(line) as Finding)
    })
  )

/** The explanation as text: one table per (row, member) pair. */
export const explain = (o: ExplainOptions): Effect.Effect<string, ExplainError> =>
  Effect.gen(function*() {
    const finding = o.discrepancy !== undefined ? yield* readFinding(o.runDir ?? ".", o.discrepancy) : null
    if (finding === null && (o.file === undefined || o.row === undefined)) {
      return yield* new ExplainError({ message: "give --file and --row, or --discrepancy with --run" })
    }
    const central = yield* readCentral(o.central).pipe(Effect.mapError((e) => new ExplainError({ message: e.message })))
    const rosters = yield* ingestRosters(o.rosters, central.data.units)
    const result = yield* Effect.try({
      try: () => runMatch(central.data, rosters.rows, o.settings),
      catch: (e) => new ExplainError({ message: e instanceof Error ? e.message : String(e) })
    })
    const members = central.data.members
    const memberIndex = new Map(members.map((m, j) => [m.id, j]))
    const rowIdx: Array<number> = []
    if (finding !== null) {
      for (const ref of finding.rosterRows) {
        const i = rosters.rows.findIndex((r) => r.file === ref.file && r.row === ref.row)
        if (i >= 0) rowIdx.push(i)
      }
    } else {
      const i = rosters.rows.findIndex((r) => sameFile(r.file, o.file!) && r.row === o.row)
      if (i < 0) return yield* new ExplainError({ message: `no ingested row ${o.row} in a roster file "${o.file}"` })
      rowIdx.push(i)
    }
    const out: Array<string> = []
    if (finding !== null) out.push(`${finding.id} (${finding.category})`)
    const describeMember = (j: number) => {
      const m = members[j]!
      return `${m.id} ${m.name.display}${m.birth === null ? "" : `, sinh ${formatDate(m.birth)}`} (${m.unitCode})`
    }
    for (const i of rowIdx) {
      const r = rosters.rows[i]!
      const link = result.links[i]!
      out.push("", `Dòng ${r.row} của ${r.file} [${r.sheet}]: ${r.name.display}`)
      const targets: Array<number> = []
      if (link.member >= 0) targets.push(link.member)
      for (const id of finding?.memberIds ?? []) {
        const j = memberIndex.get(id)
        if (j !== undefined && !targets.includes(j)) targets.push(j)
      }
      if (targets.length === 0) {
        // Not linked: the best candidates blocking produced, by score.
        const cands: Array<[number, number]> = []
        for (let k = result.rowBlocks.start[i]!; k < result.rowBlocks.start[i + 1]!; k++) {
          const j = result.rowBlocks.idx[k]!
          cands.push([j, Engine.explainPair(result.model, result.rows, i, result.central, j).probability])
        }
        cands.sort((a, b) => b[1] - a[1] || a[0] - b[0])
        if (cands.length === 0) out.push("  Không có hồ sơ ứng viên nào (không trùng khóa khối nào): không khớp với ai trong cơ sở dữ liệu.")
        for (const [j] of cands.slice(0, o.top)) targets.push(j)
        if (cands.length > 0) out.push(`  Không được ghép; ${Math.min(o.top, cands.length)} hồ sơ gần nhất:`)
      }
      for (const j of targets) {
        const w = Engine.explainPair(result.model, result.rows, i, result.central, j)
        out.push(`  ↔ ${describeMember(j)}${j === link.member ? " — đã ghép" : ""}`, Engine.explainTable(w).replace(/^/gm, "    "), `    ${Engine.explainSentence(w)}`)
      }
    }
    if (finding !== null && finding.rosterRows.length === 0 && finding.memberIds.length === 2) {
      // A finding about two central records (DUPLICATE_CENTRAL): explain the pair itself.
      const [a, b] = finding.memberIds.map((id) => memberIndex.get(id))
      if (a !== undefined && b !== undefined) {
        const w = Engine.explainPair(result.model, result.central, Math.min(a, b), result.central, Math.max(a, b), true)
        out.push("", `${describeMember(a)} ↔ ${describeMember(b)}`, Engine.explainTable(w).replace(/^/gm, "  "), `  ${Engine.explainSentence(w)}`)
      }
    }
    out.push("", `Mô hình: ${result.model.estimated ? "ước lượng từ dữ liệu (EM, tần suất tên)" : "trọng số khai báo trong pipeline"}.`)
    return out.join("\n")
  })
