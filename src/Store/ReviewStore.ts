/**
 * Review decisions in the run store (table review_decisions, migration 0002): an append-only audit
 * trail. Recording a decision on a finding that already has one supersedes the old row (its
 * superseded_by points at the new row); nothing is deleted or rewritten.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type { CurrentDecision, DecisionFields } from "../Review/Apply.js"
import { decodeRows, DecisionRow as DecisionRowSchema } from "./Rows.js"

/** A decision read from a reviewed workbook, ready to store. */
export interface NewDecision extends DecisionFields {
  readonly sourceFile: string
  readonly sourceSheet: string
  readonly sourceRow: number
}

export interface StoredDecision extends NewDecision {
  readonly seq: number
  readonly importedAt: string
  readonly supersededBy: number | null
}

export interface RecordOutcome {
  /** New rows written. */
  readonly recorded: number
  /** Of those, how many superseded an earlier decision. */
  readonly superseded: number
  /** Decisions identical to the standing one (a workbook imported twice, a pre-filled row): not written again. */
  readonly unchanged: number
}

type DecisionRow = Schema.Schema.Type<typeof DecisionRowSchema>

const fromRow = (r: DecisionRow): StoredDecision => ({
  seq: r.seq,
  findingId: r.finding_id,
  decision: r.decision,
  unitComment: r.unit_comment,
  committeeComment: r.committee_comment,
  reviewer: r.reviewer,
  decidedOn: r.decided_on,
  importedAt: r.imported_at,
  sourceFile: r.source_file,
  sourceSheet: r.source_sheet,
  sourceRow: r.source_row,
  evidenceHash: r.evidence_hash,
  supersededBy: r.superseded_by
})

const sameDecision = (a: NewDecision, b: StoredDecision): boolean =>
  a.decision === b.decision &&
  a.unitComment === b.unitComment &&
  a.committeeComment === b.committeeComment &&
  a.reviewer === b.reviewer &&
  a.decidedOn === b.decidedOn &&
  a.evidenceHash === b.evidenceHash

/** Records decisions in one transaction (all or nothing), in the order given. */
export const recordDecisions = (
  decisions: ReadonlyArray<NewDecision>,
  importedAt: string
): Effect.Effect<RecordOutcome, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.withTransaction(
      Effect.gen(function*() {
        let recorded = 0
        let superseded = 0
        let unchanged = 0
        for (const d of decisions) {
          const current = yield* sql`SELECT * FROM review_decisions
            WHERE finding_id = ${d.findingId} AND superseded_by IS NULL ORDER BY seq DESC LIMIT 1`.pipe(
            Effect.flatMap(decodeRows(DecisionRowSchema, "review_decisions"))
          )
          const standing = current[0] === undefined ? undefined : fromRow(current[0])
          if (standing !== undefined && sameDecision(d, standing)) {
            unchanged++
            continue
          }
          const [inserted] = yield* sql<{ seq: number }>`INSERT INTO review_decisions ${
            sql.insert({
              finding_id: d.findingId,
              decision: d.decision,
              unit_comment: d.unitComment,
              committee_comment: d.committeeComment,
              reviewer: d.reviewer,
              decided_on: d.decidedOn,
              imported_at: importedAt,
              source_file: d.sourceFile,
              source_sheet: d.sourceSheet,
              source_row: d.sourceRow,
              evidence_hash: d.evidenceHash
            })
          } RETURNING seq`
          if (inserted === undefined) return yield* Effect.dieMessage("INSERT INTO review_decisions returned no seq")
          recorded++
          if (standing !== undefined) {
            yield* sql`UPDATE review_decisions SET superseded_by = ${inserted.seq} WHERE seq = ${standing.seq}`
            superseded++
          }
        }
        return { recorded, superseded, unchanged }
      })
    ))

/** The standing decision of every decided finding. */
export const currentDecisions = (): Effect.Effect<
  ReadonlyMap<string, CurrentDecision>,
  SqlError,
  SqlClient.SqlClient
> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT * FROM review_decisions WHERE superseded_by IS NULL ORDER BY seq`.pipe(
      Effect.flatMap(decodeRows(DecisionRowSchema, "review_decisions"))
    )
    return new Map(rows.map((r) => [r.finding_id, fromRow(r)]))
  })

/** The whole trail (superseded rows included), oldest first; for one finding when `findingId` is given. */
export const decisionHistory = (
  findingId?: string
): Effect.Effect<ReadonlyArray<StoredDecision>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = findingId === undefined
      ? yield* sql`SELECT * FROM review_decisions ORDER BY seq`
      : yield* sql`SELECT * FROM review_decisions WHERE finding_id = ${findingId} ORDER BY seq`
    return (yield* decodeRows(DecisionRowSchema, "review_decisions")(rows)).map(fromRow)
  })

/**
 * For each finding id the store has ever reported, the evidence hashes it was reported with: an
 * import accepts a decision only on a finding (and evidence) a run actually produced.
 */
export const reportedEvidence = (): Effect.Effect<
  ReadonlyMap<string, ReadonlySet<string>>,
  SqlError,
  SqlClient.SqlClient
> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ id: string; evidence_hash: string }>`SELECT DISTINCT id, evidence_hash FROM discrepancies`
    const out = new Map<string, Set<string>>()
    for (const r of rows) {
      const set = out.get(r.id) ?? new Set<string>()
      set.add(r.evidence_hash)
      out.set(r.id, set)
    }
    return out
  })
