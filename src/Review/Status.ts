/**
 * `recon review status`: per unit, how many findings of the latest run are open, decided (of which
 * not raised again) and re-opened because their evidence changed since the decision; and
 * `recon review history`: the audit trail of decisions.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Unit } from "../Domain.js"
import { formatInstantVi, formatIsoDate } from "../Report/Labels.js"
import { currentDecisions, decisionHistory, type StoredDecision } from "../Store/ReviewStore.js"
import { discrepanciesOfRun, latestRun, StoreLive, unitsOfRun } from "../Store/RunStore.js"
import { statusByUnit, type UnitReviewStatus } from "./Apply.js"

export interface ReviewStatusReport {
  readonly runId: number
  readonly asOf: string
  readonly units: ReadonlyArray<UnitReviewStatus & { readonly unitName: string | null }>
}

/** Status of the latest run in `db`; None when no run was saved yet. */
export const reviewStatus = (db: string) =>
  Effect.gen(function*() {
    const run = yield* latestRun()
    if (Option.isNone(run)) return Option.none<ReviewStatusReport>()
    const findings = yield* discrepanciesOfRun(run.value.id)
    const units = yield* unitsOfRun(run.value.id)
    const decisions = yield* currentDecisions()
    const names = new Map(units.map((u: Unit) => [u.code, u.name]))
    return Option.some<ReviewStatusReport>({
      runId: run.value.id,
      asOf: run.value.asOf,
      units: statusByUnit(findings, decisions).map((s) => ({
        ...s,
        unitName: s.unitCode === null ? null : names.get(s.unitCode) ?? null
      }))
    })
  }).pipe(Effect.provide(StoreLive(db, { create: false })))

const pad = (s: string | number, n: number): string => String(s).padStart(n)

/** A fixed-width table for the terminal, with a total line. */
export const formatStatus = (r: ReviewStatusReport): string => {
  const label = (u: ReviewStatusReport["units"][number]): string =>
    u.unitCode === null ? "(không xác định chi bộ)" : u.unitName === null ? u.unitCode : `${u.unitCode} ${u.unitName}`
  const width = Math.max(10, ...r.units.map((u) => label(u).length))
  const header = `${"Chi bộ".padEnd(width)}  ${pad("Tổng", 5)}  ${pad("Chưa rà soát", 12)}  ${pad("Đã quyết định", 13)}  ` +
    `${pad("(không nêu lại)", 15)}  ${pad("Mở lại", 6)}`
  const line = (name: string, s: { total: number; open: number; decided: number; suppressed: number; reopened: number }) =>
    `${name.padEnd(width)}  ${pad(s.total, 5)}  ${pad(s.open, 12)}  ${pad(s.decided, 13)}  ${pad(s.suppressed, 15)}  ${
      pad(s.reopened, 6)
    }`
  const total = r.units.reduce(
    (a, u) => ({
      total: a.total + u.total,
      open: a.open + u.open,
      decided: a.decided + u.decided,
      suppressed: a.suppressed + u.suppressed,
      reopened: a.reopened + u.reopened
    }),
    { total: 0, open: 0, decided: 0, suppressed: 0, reopened: 0 }
  )
  return [
    `Lần chạy #${r.runId}, tính đến ngày ${formatIsoDate(r.asOf)}`,
    header,
    ...r.units.map((u) => line(label(u), u)),
    line("Tổng cộng", total)
  ].join("\n")
}

/** The audit trail, oldest first; for one finding when given. */
export const reviewHistory = (db: string, findingId?: string) =>
  decisionHistory(findingId).pipe(Effect.provide(StoreLive(db, { create: false })))

export const formatHistory = (rows: ReadonlyArray<StoredDecision>): string =>
  rows.length === 0
    ? "Chưa có quyết định nào."
    : rows.map((d) =>
      `#${d.seq} ${d.findingId}  ${d.decision}  ${d.reviewer}${d.decidedOn === null ? "" : ` ${formatIsoDate(d.decidedOn)}`}` +
      `  nhập ${formatInstantVi(d.importedAt)}  từ ${d.sourceFile} / ${d.sourceSheet} / dòng ${d.sourceRow}` +
      (d.supersededBy === null ? "" : `  (thay bằng #${d.supersededBy})`)
    ).join("\n")
