/**
 * Applying reviewers' decisions to a run's findings (pure). What each choice of "Quyết định" does:
 *
 * - "Không đồng ý" (the reviewer judges the finding not a problem, e.g. a legitimate double listing)
 *   and "Đã xử lý" (already dealt with): the finding is not raised again while its evidence is the
 *   evidence decided on; it is listed on the "Không nêu lại" sheet for the record.
 * - "Đồng ý đề xuất" and "Cần xác minh": the finding is still raised (the proposal or the check is
 *   under way), showing the decision.
 * - Whatever the decision, a finding whose evidence changed since the decision is raised again,
 *   marked `changedSinceDecision`, and counts as re-opened.
 */
import type { Discrepancy, FindingReview, ReviewDecision } from "../Domain.js"

/** What a reviewer decided on one finding, as read from the workbook and as stored. */
export interface DecisionFields {
  readonly findingId: string
  readonly decision: ReviewDecision
  readonly unitComment: string | null
  readonly committeeComment: string | null
  readonly reviewer: string
  /** YYYY-MM-DD, or null when "Ngày" was left blank. */
  readonly decidedOn: string | null
  /** Evidence hash of the finding as the reviewer saw it. */
  readonly evidenceHash: string
}

/** A stored decision as the run needs it (the current, not superseded, one per finding). */
export interface CurrentDecision extends DecisionFields {
  readonly importedAt: string
}

/** Decisions that keep an unchanged finding out of the report. */
export const SUPPRESSING: ReadonlySet<ReviewDecision> = new Set<ReviewDecision>(["Không đồng ý", "Đã xử lý"])

export type ReviewState = "OPEN" | "DECIDED" | "SUPPRESSED" | "REOPENED"

export const reviewState = (decision: CurrentDecision | undefined, currentEvidenceHash: string): ReviewState =>
  decision === undefined
    ? "OPEN"
    : decision.evidenceHash !== currentEvidenceHash
    ? "REOPENED"
    : SUPPRESSING.has(decision.decision)
    ? "SUPPRESSED"
    : "DECIDED"

export interface Applied {
  /** Findings to report, in the input order, each with its `review` when decided. */
  readonly raised: ReadonlyArray<Discrepancy>
  /** Findings kept out by a standing decision, with their `review`. */
  readonly suppressed: ReadonlyArray<Discrepancy>
}

const toReview = (d: CurrentDecision, changed: boolean): FindingReview => ({
  decision: d.decision,
  decidedOn: d.decidedOn,
  reviewer: d.reviewer,
  unitComment: d.unitComment,
  committeeComment: d.committeeComment,
  importedAt: d.importedAt,
  changedSinceDecision: changed
})

/** Splits findings into raised and suppressed; `hashOf` is the evidence hash (Store/EvidenceHash). */
export const applyDecisions = (
  findings: ReadonlyArray<Discrepancy>,
  decisions: ReadonlyMap<string, CurrentDecision>,
  hashOf: (d: Discrepancy) => string
): Applied => {
  const raised: Array<Discrepancy> = []
  const suppressed: Array<Discrepancy> = []
  for (const f of findings) {
    const decision = decisions.get(f.id)
    if (decision === undefined) {
      raised.push(f)
      continue
    }
    const state = reviewState(decision, hashOf(f))
    const withReview: Discrepancy = { ...f, review: toReview(decision, state === "REOPENED") }
    if (state === "SUPPRESSED") suppressed.push(withReview)
    else raised.push(withReview)
  }
  return { raised, suppressed }
}

/** Per-unit review progress of one run's findings. `decided` includes `suppressed`. */
export interface UnitReviewStatus {
  readonly unitCode: string | null
  readonly total: number
  readonly open: number
  readonly decided: number
  readonly suppressed: number
  readonly reopened: number
}

export const statusByUnit = (
  findings: ReadonlyArray<{ readonly id: string; readonly unitCode: string | null; readonly evidenceHash: string }>,
  decisions: ReadonlyMap<string, CurrentDecision>
): Array<UnitReviewStatus> => {
  const byUnit = new Map<string | null, { total: number; open: number; decided: number; suppressed: number; reopened: number }>()
  for (const f of findings) {
    const s = byUnit.get(f.unitCode) ?? { total: 0, open: 0, decided: 0, suppressed: 0, reopened: 0 }
    s.total++
    const state = reviewState(decisions.get(f.id), f.evidenceHash)
    if (state === "OPEN") s.open++
    else if (state === "REOPENED") s.reopened++
    else {
      s.decided++
      if (state === "SUPPRESSED") s.suppressed++
    }
    byUnit.set(f.unitCode, s)
  }
  return [...byUnit.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([unitCode, s]) => ({ unitCode, ...s }))
}
