/**
 * The one failure a report writer reports to the user: an output file could not be produced.
 */
import * as Schema from "effect/Schema"

export class ReportWriteError extends Schema.TaggedError<ReportWriteError>()("ReportWriteError", {
  path: Schema.String,
  /** Plain Vietnamese, shown to the user. */
  message: Schema.String,
  cause: Schema.Defect
}) {}

/** Wraps any low-level failure (file system, exceljs) into the user-facing error for `path`. */
export const writeFailed = (path: string) => (cause: unknown): ReportWriteError =>
  new ReportWriteError({
    path,
    message: `Không ghi được tệp kết quả "${path}": ${describe(cause)}. Kiểm tra thư mục --out còn chỗ trống và có quyền ghi.`,
    cause
  })

const describe = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "object" && cause !== null && "message" in cause
    ? String((cause as { message: unknown }).message)
    : String(cause)
