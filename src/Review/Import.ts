/**
 * `recon review import`: reads reviewers' decisions back from review workbooks recon wrote, by the
 * stable finding id, validates every row and stores them all or none.
 *
 * A row is taken when any reviewer cell is filled. It is refused, with file, sheet, row, column and
 * a plain reason, when: the decision is not one of the four choices (or missing while comments are
 * filled); the date is not a date; no reviewer is named (cell or --reviewer); the evidence cells were
 * edited (checksum); the finding id or its evidence is unknown to the store; or the same finding gets
 * two different decisions in one import. Each reviewer and hidden cell is decoded with its
 * effect/Schema (FindingIdCell, DecisionCell, ReviewDateCell, ReviewerCell, CommentCell,
 * EvidenceHashCell, ChecksumCell), so a bad cell is one problem naming it and its value. Reading
 * and checking are plain functions; only `importReviews` touches files and the database.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type ExcelJS from "exceljs"
import { type Rejection, type ReviewDecision, ReviewDecisions } from "../Domain.js"
import { escapeCell, unescapeCell } from "../Report/Escape.js"
import {
  EVIDENCE_COLUMNS,
  evidenceChecksum,
  FINDING_COLUMNS,
  SUPPRESSED_SHEET
} from "../Report/ReviewWorkbook.js"
import { type NewDecision, recordDecisions, type RecordOutcome, reportedEvidence } from "../Store/ReviewStore.js"
import { StoreLive } from "../Store/RunStore.js"

/** The import was refused: nothing was stored. `problems` are per file / row, in file and row order. */
export class ReviewImportError extends Schema.TaggedError<ReviewImportError>()("ReviewImportError", {
  message: Schema.String,
  problems: Schema.Array(Schema.Struct({
    file: Schema.String,
    sheet: Schema.NullOr(Schema.String),
    row: Schema.NullOr(Schema.Number),
    column: Schema.NullOr(Schema.String),
    reason: Schema.String
  }))
}) {}

export interface ImportOptions {
  /** Used when a row's "Người rà soát" is blank. */
  readonly reviewer?: string
}

export interface ReadResult {
  readonly decisions: ReadonlyArray<NewDecision>
  readonly problems: ReadonlyArray<Rejection>
}

const ID = "Mã phát hiện"
const DECISION = "Quyết định"
const UNIT_COMMENT = "Ý kiến chi bộ"
const COMMITTEE_COMMENT = "Ý kiến cấp ủy"
const REVIEWER = "Người rà soát"
const DATE = "Ngày"
const EVIDENCE_HASH = "Mã bằng chứng"
const CHECKSUM = "Mã kiểm tra"
const REQUIRED = [ID, DECISION, UNIT_COMMENT, COMMITTEE_COMMENT, REVIEWER, DATE, EVIDENCE_HASH, CHECKSUM] as const

/** A cell's value as recon wrote it or a person typed it: text, number, date or null. */
const plain = (v: ExcelJS.CellValue): string | number | Date | null => {
  if (v === null || v === undefined) return null
  if (typeof v === "string" || typeof v === "number" || v instanceof Date) return v
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE"
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((r) => r.text).join("")
    // An error value ("#N/A", "#REF!") is what the cell shows: read as that text, so it is reported, not skipped.
    if ("error" in v && typeof v.error === "string") return v.error
    if ("text" in v && typeof v.text === "string") return v.text
    if ("result" in v) {
      const r = v.result
      return r === undefined || r === null || typeof r === "object" && !(r instanceof Date) ? null : plain(r as ExcelJS.CellValue)
    }
  }
  return null
}

const asText = (v: string | number | Date | null): string | null => {
  if (v === null) return null
  const s = (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)).replace(/\r\n?/g, "\n").normalize("NFC").trim()
  return s === "" ? null : unescapeCell(s)
}

/**
 * A reviewer's free text (comment, name) as stored: a formula typed in the cell is kept as its text
 * ("=SUM(1)"), and any line that would start a formula is escaped ("'@SUM(1)"), exactly as the
 * workbook shows it; nothing a reviewer wrote is dropped or evaluated.
 */
export const reviewerText = (v: ExcelJS.CellValue): string | null => {
  const formula = typeof v === "object" && v !== null && !(v instanceof Date)
    ? ("formula" in v && typeof v.formula === "string" ? v.formula
      : "sharedFormula" in v && typeof v.sharedFormula === "string" ? v.sharedFormula
      : null)
    : null
  const s = formula !== null ? `=${formula.replace(/^=/, "")}` : asText(plain(v))
  if (s === null) return null
  return s.split("\n").map(escapeCell).join("\n")
}

const pad2 = (n: number): string => String(n).padStart(2, "0")

const validIso = (y: number, m: number, d: number): string | null => {
  const t = new Date(Date.UTC(y, m - 1, d))
  return y >= 1900 && y <= 2100 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
    ? `${y}-${pad2(m)}-${pad2(d)}`
    : null
}

/** "Ngày": a date cell, dd/mm/yyyy (also with - or .), yyyy-mm-dd, or an Excel serial. Undefined = invalid. */
export const parseReviewDate = (v: string | number | Date | null): string | null | undefined => {
  if (v === null) return null
  if (v instanceof Date) {
    return Number.isNaN(v.getTime()) ? undefined : validIso(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()) ?? undefined
  }
  if (typeof v === "number") {
    // Excel serial: day 25569 is 1970-01-01.
    if (!Number.isInteger(v)) return undefined
    const t = new Date((v - 25569) * 86_400_000)
    return validIso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()) ?? undefined
  }
  const s = v.trim()
  if (s === "") return null
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s)
  if (m !== null) return validIso(+m[3]!, +m[2]!, +m[1]!) ?? undefined
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (m !== null) return validIso(+m[1]!, +m[2]!, +m[3]!) ?? undefined
  return undefined
}

const fold = (s: string): string => s.normalize("NFC").toLocaleLowerCase("vi").replace(/\s+/g, " ").trim()
const DECISION_BY_FOLDED = new Map<string, ReviewDecision>(ReviewDecisions.map((d) => [fold(d), d]))

/** The decision a reviewer picked (drop-down or typed; case and spacing do not matter). */
export const parseDecision = (s: string): ReviewDecision | undefined => DECISION_BY_FOLDED.get(fold(s))

const CHOICES = ReviewDecisions.join("; ")

// ---------------------------------------------------------------------------------------------
// The reviewed row's cells, as effect/Schema: each decoded on its own, so a bad cell is one problem
// naming its sheet, row, column and value (never a crash, never a silent skip).

/** Rules.findingId writes a two-letter category prefix and 12 hex digits; 2–4 letters and 8–16 digits are taken (test fixtures use MFR-3f2a9c01). */
export const FindingIdCell = Schema.String.pipe(Schema.pattern(/^[A-Z]{2,4}-[0-9a-f]{8,16}$/))

/** One of the four choices of the drop-down, however typed (case, spacing). */
export const DecisionCell = Schema.transformOrFail(Schema.String, Schema.Literal(...ReviewDecisions), {
  strict: true,
  decode: (s, _, ast) => {
    const d = parseDecision(s)
    return d === undefined ? ParseResult.fail(new ParseResult.Type(ast, s)) : ParseResult.succeed(d)
  },
  encode: ParseResult.succeed
})

/** "Ngày": blank, or a real date (cell date, dd/mm/yyyy, yyyy-mm-dd, Excel serial) → yyyy-mm-dd. */
export const ReviewDateCell = Schema.transformOrFail(
  Schema.Union(Schema.Null, Schema.String, Schema.Number, Schema.DateFromSelf),
  Schema.NullOr(Schema.String),
  {
    strict: true,
    decode: (v, _, ast) => {
      const d = parseReviewDate(v)
      return d === undefined ? ParseResult.fail(new ParseResult.Type(ast, v)) : ParseResult.succeed(d)
    },
    encode: ParseResult.succeed
  }
)

/** A reviewer's name: a name, not a paragraph. */
export const ReviewerCell = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))

/** Comments: free text up to Excel's cell limit. */
export const CommentCell = Schema.NullOr(Schema.String.pipe(Schema.maxLength(32_767)))

/** The hidden round-trip columns recon wrote: sha256 hex of the evidence, and the 16-digit checksum. */
export const EvidenceHashCell = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))
export const ChecksumCell = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{16}$/))

const decodeFindingId = Schema.decodeUnknownEither(FindingIdCell)
const decodeDecision = Schema.decodeUnknownEither(DecisionCell)
const decodeDate = Schema.decodeUnknownEither(ReviewDateCell)
const decodeReviewer = Schema.decodeUnknownEither(ReviewerCell)
const decodeComment = Schema.decodeUnknownEither(CommentCell)
const decodeEvidenceHash = Schema.decodeUnknownEither(EvidenceHashCell)
const decodeChecksum = Schema.decodeUnknownEither(ChecksumCell)

/** A value as a problem line quotes it (long text cut). */
const quoted = (v: unknown): string => {
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : String(v)
  return `"${s.length > 60 ? `${s.slice(0, 57)}…` : s}"`
}

/** Reads one workbook's finding sheets. `file` is how the file is named in problems and in the audit trail. */
export const readReviewedWorkbook = (wb: ExcelJS.Workbook, file: string, options: ImportOptions = {}): ReadResult => {
  const decisions: Array<NewDecision> = []
  const problems: Array<Rejection> = []
  let findingSheets = 0
  for (const ws of wb.worksheets) {
    const headers = new Map<string, number>()
    ws.getRow(1).eachCell((cell, col) => {
      const h = asText(plain(cell.value))
      if (h !== null && !headers.has(h)) headers.set(h, col)
    })
    // The "Không nêu lại" sheet lists decisions already stored: it is a record, not for input.
    if (!headers.has(ID) || !headers.has(DECISION) || ws.name === SUPPRESSED_SHEET) continue
    findingSheets++
    const missing = REQUIRED.filter((h) => !headers.has(h))
    if (missing.length > 0) {
      problems.push({
        file,
        sheet: ws.name,
        row: 1,
        column: null,
        reason: `Trang thiếu cột ${missing.map((h) => `"${h}"`).join(", ")}: hãy nhập tệp review.xlsx do recon lập, ` +
          `không xóa hay đổi tên cột.`
      })
      continue
    }
    const col = (h: (typeof REQUIRED)[number]): number => headers.get(h)!
    // The evidence columns are located by the writer's layout, checked against this sheet's headers.
    const layoutOk = FINDING_COLUMNS.every((c, i) => asText(plain(ws.getRow(1).getCell(i + 1).value)) === c.header)
    if (!layoutOk) {
      problems.push({
        file,
        sheet: ws.name,
        row: 1,
        column: null,
        reason: "Thứ tự hoặc tên các cột đã bị thay đổi so với báo cáo recon lập; hãy nhập tệp báo cáo gốc."
      })
      continue
    }
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r)
      const get = (h: (typeof REQUIRED)[number]) => plain(row.getCell(col(h)).value)
      const free = (h: (typeof REQUIRED)[number]) => reviewerText(row.getCell(col(h)).value)
      const rawDecision = free(DECISION)
      const unitComment = free(UNIT_COMMENT)
      const committeeComment = free(COMMITTEE_COMMENT)
      const reviewerCell = free(REVIEWER)
      const rawDate = get(DATE)
      if (rawDecision === null && unitComment === null && committeeComment === null && reviewerCell === null && rawDate === null) {
        continue
      }
      const problem = (column: string | null, reason: string): void => {
        problems.push({ file, sheet: ws.name, row: r, column, reason })
      }
      const rawId = asText(get(ID))
      if (rawId === null) {
        problem(ID, "Dòng có ý kiến rà soát nhưng không có mã phát hiện; chỉ ghi quyết định vào các dòng recon đã lập.")
        continue
      }
      if (Either.isLeft(decodeFindingId(rawId))) {
        problem(ID, `Mã phát hiện ${quoted(rawId)} không đúng dạng recon lập (ví dụ MR-ddf01d095156); không sửa cột này.`)
        continue
      }
      const id = rawId
      let ok = true
      const decision = rawDecision === null ? undefined : Either.getOrUndefined(decodeDecision(rawDecision))
      if (rawDecision === null) {
        problem(DECISION, `Dòng ${id} có ý kiến nhưng chưa chọn Quyết định; chọn một trong: ${CHOICES}.`)
        ok = false
      } else if (decision === undefined) {
        problem(DECISION, `Quyết định ${quoted(rawDecision)} không hợp lệ; chọn một trong: ${CHOICES}.`)
        ok = false
      }
      const date = decodeDate(rawDate)
      const decidedOn = Either.isRight(date) ? date.right : undefined
      if (decidedOn === undefined) {
        problem(DATE, `Ngày ${quoted(asText(rawDate) ?? "")} không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/11/2026.`)
        ok = false
      }
      for (const [column, text] of [[UNIT_COMMENT, unitComment], [COMMITTEE_COMMENT, committeeComment]] as const) {
        if (Either.isLeft(decodeComment(text))) {
          problem(column, `Ý kiến dài quá 32.767 ký tự (giới hạn của Excel): ${quoted(text)}; rút gọn ý kiến.`)
          ok = false
        }
      }
      const fromOption = options.reviewer?.trim()
      const reviewer = reviewerCell ?? (fromOption === undefined || fromOption === "" ? null : escapeCell(fromOption))
      if (reviewer === null || reviewer === "") {
        problem(REVIEWER, "Chưa ghi tên người rà soát; ghi vào cột Người rà soát hoặc nhập lại với --reviewer \"Họ và tên\".")
        ok = false
      } else if (Either.isLeft(decodeReviewer(reviewer))) {
        problem(REVIEWER, `Tên người rà soát ${quoted(reviewer)} dài quá 200 ký tự; chỉ ghi họ và tên.`)
        ok = false
      }
      const evidence: Array<string | number | null> = []
      for (const c of EVIDENCE_COLUMNS) {
        const v = plain(row.getCell(c).value)
        evidence.push(v instanceof Date ? v.toISOString() : typeof v === "string" ? v.replace(/\r\n?/g, "\n") : v)
      }
      const checksum = asText(get(CHECKSUM))
      const evidenceHash = asText(get(EVIDENCE_HASH))
      const hidden = [[EVIDENCE_HASH, evidenceHash, decodeEvidenceHash], [CHECKSUM, checksum, decodeChecksum]] as const
      const badHidden = hidden.filter(([, v, decode]) => v !== null && Either.isLeft(decode(v)))
      for (const [column, v] of badHidden) {
        problem(column, `Cột ẩn "${column}" của phát hiện ${id} đã bị sửa (${quoted(v)}); ghi quyết định vào tệp báo cáo gốc.`)
        ok = false
      }
      if (badHidden.length > 0) continue
      if (checksum === null || evidenceHash === null || evidenceChecksum(evidence) !== checksum) {
        problem(
          null,
          `Các cột bằng chứng của phát hiện ${id} (từ "${ID}" đến "Tình trạng rà soát") đã bị sửa so với báo cáo recon lập; ` +
            `không nhận quyết định của dòng này. Ghi quyết định vào tệp báo cáo gốc, không sửa các cột bằng chứng.`
        )
        ok = false
      }
      if (!ok || decision === undefined || decidedOn === undefined || reviewer === null || evidenceHash === null) continue
      decisions.push({
        findingId: id,
        decision,
        unitComment,
        committeeComment,
        reviewer,
        decidedOn,
        sourceFile: file,
        sourceSheet: ws.name,
        sourceRow: r,
        evidenceHash
      })
    }
  }
  if (findingSheets === 0) {
    problems.push({
      file,
      sheet: null,
      row: null,
      column: null,
      reason: "Tệp không có trang phát hiện nào (cột \"Mã phát hiện\" và \"Quyết định\"); đây có phải tệp review.xlsx do recon lập?"
    })
  }
  return { decisions, problems }
}

const sameContent = (a: NewDecision, b: NewDecision): boolean =>
  a.decision === b.decision && a.unitComment === b.unitComment && a.committeeComment === b.committeeComment &&
  a.reviewer === b.reviewer && a.decidedOn === b.decidedOn && a.evidenceHash === b.evidenceHash

const where = (d: NewDecision): string => `${d.sourceFile}, trang "${d.sourceSheet}", dòng ${d.sourceRow}`

/**
 * Checks decisions against what runs reported (`reported`: finding id → evidence hashes) and against
 * each other. Returns the decisions to store (one per finding) and the problems.
 */
export const checkDecisions = (
  decisions: ReadonlyArray<NewDecision>,
  reported: ReadonlyMap<string, ReadonlySet<string>>
): ReadResult => {
  const problems: Array<Rejection> = []
  const kept = new Map<string, NewDecision>()
  for (const d of decisions) {
    const at = { file: d.sourceFile, sheet: d.sourceSheet, row: d.sourceRow }
    const hashes = reported.get(d.findingId)
    if (hashes === undefined) {
      problems.push({
        ...at,
        column: ID,
        reason: `Mã phát hiện "${d.findingId}" không có trong cơ sở dữ liệu lưu kết quả; kiểm tra tệp được lập từ đúng ` +
          `cơ sở dữ liệu (--db) và mã không bị sửa.`
      })
      continue
    }
    if (!hashes.has(d.evidenceHash)) {
      problems.push({
        ...at,
        column: "Mã bằng chứng",
        reason: `Bằng chứng của phát hiện ${d.findingId} trong tệp không khớp với bằng chứng recon đã báo cáo; ` +
          `tệp đã bị sửa. Ghi quyết định vào tệp báo cáo gốc.`
      })
      continue
    }
    const earlier = kept.get(d.findingId)
    if (earlier === undefined) kept.set(d.findingId, d)
    else if (!sameContent(earlier, d)) {
      problems.push({
        ...at,
        column: DECISION,
        reason: `Phát hiện ${d.findingId} có hai quyết định khác nhau: ở đây và ở ${where(earlier)}; chỉ giữ một.`
      })
    }
  }
  return { decisions: [...kept.values()], problems }
}

/** "tệp, trang "…", dòng n, cột …: lý do" — one line per problem, for the terminal. */
export const problemLine = (p: Rejection): string =>
  [p.file, p.sheet === null ? null : `trang "${p.sheet}"`, p.row === null ? null : `dòng ${p.row}`,
    p.column === null ? null : `cột ${p.column}`].filter((x) => x !== null).join(", ") + `: ${p.reason}`

export interface ImportSummary extends RecordOutcome {
  readonly files: number
  /** Rows with a decision read from the workbooks. */
  readonly rows: number
}

/**
 * Reads, validates and stores the decisions of `paths` into the store `db`, in one transaction;
 * any problem anywhere refuses the whole import (ReviewImportError) and stores nothing.
 */
export const importReviews = (
  paths: ReadonlyArray<string>,
  db: string,
  options: ImportOptions & { readonly importedAt: string }
) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const { default: excel } = yield* Effect.promise(() => import("exceljs"))
    const read: Array<NewDecision> = []
    const problems: Array<Rejection> = []
    for (const path of paths) {
      const bytes = yield* fs.readFile(path).pipe(Effect.either)
      if (bytes._tag === "Left") {
        problems.push({ file: path, sheet: null, row: null, column: null, reason: "Không đọc được tệp; kiểm tra đường dẫn." })
        continue
      }
      const wb = new excel.Workbook()
      const loaded = yield* Effect.tryPromise(() => wb.xlsx.load(Buffer.from(bytes.right) as unknown as ArrayBuffer)).pipe(Effect.either)
      if (loaded._tag === "Left") {
        problems.push({
          file: path,
          sheet: null,
          row: null,
          column: null,
          reason: "Không mở được tệp như một bảng tính .xlsx; lưu lại tệp bằng Excel (định dạng .xlsx) rồi nhập lại."
        })
        continue
      }
      const r = readReviewedWorkbook(wb, path, options)
      read.push(...r.decisions)
      problems.push(...r.problems)
    }
    const store = StoreLive(db, { create: false })
    const reported = yield* reportedEvidence().pipe(Effect.provide(store))
    const checked = checkDecisions(read, reported)
    problems.push(...checked.problems)
    if (problems.length > 0) {
      return yield* new ReviewImportError({
        message: `không nhập quyết định nào: ${problems.length} lỗi\n${problems.map((p) => `  ${problemLine(p)}`).join("\n")}`,
        problems
      })
    }
    const outcome = yield* recordDecisions(checked.decisions, options.importedAt).pipe(Effect.provide(store))
    return { ...outcome, files: paths.length, rows: read.length } satisfies ImportSummary
  })
