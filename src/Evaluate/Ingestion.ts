/**
 * How much of a generated province's input reached matching (issue 9): files resolved to their true
 * cell, resolved to a wrong one, refused; list kinds read wrong; rows rejected by reason. Pure
 * functions over truth.json's `files` and run.json's `files` and `rejections`.
 */

/** A line of truth.json's `files`. */
export interface TruthFileLike {
  readonly file: string
  readonly unitCode: string
  readonly kind: string
  readonly naming?: string
  readonly rows?: number
}

/** A line of run.json's `files` (the central export is among them, and is skipped). */
export interface RunFileLike {
  readonly file: string
  readonly kind: string | null
  readonly unitCode: string | null
  readonly rowsRead: number
  readonly rowsRejected: number
  readonly error: string | null
}

export interface RejectionLike {
  readonly file: string
  readonly sheet: string | null
  readonly row: number | null
  readonly column: string | null
  readonly reason: string
}

export interface FileMetrics {
  readonly files: number
  readonly resolved: number
  /** Resolved to a unit other than the file's true one: the one figure that must stay 0. */
  readonly wronglyResolved: number
  /** Not resolved (refused with candidates, or unreadable). */
  readonly refused: number
  /** Files of the truth the run did not list at all. */
  readonly notInRun: number
  /** Resolved to the right unit but read as another list kind (official / 213 / temporary). */
  readonly wrongKind: number
  /** Per naming habit of the generator: files, resolved, wrongly resolved. */
  readonly byNaming: ReadonlyArray<{ readonly naming: string; readonly files: number; readonly resolved: number; readonly wrong: number }>
  /** Wrongly resolved files, at most 20: "file → unit (true unit)". */
  readonly wrong: ReadonlyArray<string>
}

export const fileMetrics = (truth: ReadonlyArray<TruthFileLike>, run: ReadonlyArray<RunFileLike>): FileMetrics => {
  const runOf = new Map(run.map((f) => [f.file, f]))
  let resolved = 0
  let wronglyResolved = 0
  let refused = 0
  let notInRun = 0
  let wrongKind = 0
  const wrong: Array<string> = []
  const byNaming = new Map<string, { files: number; resolved: number; wrong: number }>()
  for (const t of truth) {
    const n = byNaming.get(t.naming ?? "") ?? { files: 0, resolved: 0, wrong: 0 }
    byNaming.set(t.naming ?? "", n)
    n.files++
    const r = runOf.get(t.file)
    if (r === undefined) {
      notInRun++
      continue
    }
    if (r.unitCode === null || r.error !== null) {
      refused++
      continue
    }
    if (r.unitCode !== t.unitCode) {
      wronglyResolved++
      n.wrong++
      if (wrong.length < 20) wrong.push(`${t.file} → ${r.unitCode} (true unit ${t.unitCode})`)
      continue
    }
    resolved++
    n.resolved++
    if (r.kind !== t.kind) wrongKind++
  }
  return {
    files: truth.length,
    resolved,
    wronglyResolved,
    refused,
    notInRun,
    wrongKind,
    byNaming: [...byNaming].map(([naming, v]) => ({ naming, ...v })).sort((a, b) => (a.naming < b.naming ? -1 : 1)),
    wrong
  }
}

/**
 * A rejection's reason with its particulars taken out (quoted values, numbers, the candidate list),
 * so that rejections group by what went wrong: `Ngày không hợp lệ: "N/N/N" (tháng N không có ngày N)`.
 */
export const reasonTemplate = (r: RejectionLike): string => {
  const text = r.reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, "N")
    .replace(/\s+/g, " ")
  const cut = text.search(/(\. |: CB|; )/)
  return `${r.column ?? "(tệp)"}: ${(cut > 0 ? text.slice(0, cut) : text).slice(0, 90).trim()}`
}

export interface RejectionGroup {
  readonly reason: string
  /** Rejections in the group: one per row, or one per file refused whole. */
  readonly count: number
  /** Rows lost: 1 per row rejection, the file's rows for a file refused whole. */
  readonly rows: number
}

/** Rejections grouped by reasonTemplate, most rows first. `rowsOfFile` gives the rows of a file refused whole. */
export const rejectionsByReason = (rejections: ReadonlyArray<RejectionLike>, rowsOfFile: (file: string) => number): Array<RejectionGroup> => {
  const groups = new Map<string, { count: number; rows: number }>()
  for (const r of rejections) {
    const key = reasonTemplate(r)
    const g = groups.get(key) ?? { count: 0, rows: 0 }
    groups.set(key, g)
    g.count++
    g.rows += r.row === null ? rowsOfFile(r.file) : 1
  }
  return [...groups].map(([reason, g]) => ({ reason, ...g })).sort((a, b) => b.rows - a.rows || (a.reason < b.reason ? -1 : 1))
}
