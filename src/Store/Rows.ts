/**
 * Rows read back from the state database, checked against what recon writes (effect/Schema): a
 * database edited by hand or by another tool is a StoreError-like SqlError naming the table and the
 * field, not a wrong value passed on. Used where rows are few (runs, findings, decisions); the
 * links of a run (one per roster row) stay plain.
 */
import { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Categories, LegitimacyChecks, ReviewDecisions } from "../Domain.js"

/** The rows as the schema says, or one SqlError naming the table and the first bad field. */
export const decodeRows = <A, I>(schema: Schema.Schema<A, I>, table: string) => (rows: ReadonlyArray<unknown>) =>
  Schema.decodeUnknown(Schema.Array(schema), { errors: "first" })(rows).pipe(
    Effect.mapError((e) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
      return new SqlError({
        cause: e,
        message: `bảng ${table} có dữ liệu không do recon ghi: ${issue === undefined ? e.message : `${issue.path.slice(1).join(".")}: ${issue.message}`}`
      })
    })
  )

const JsonArrayOf = <A, I>(item: Schema.Schema<A, I>) => Schema.parseJson(Schema.Array(item))

export const RunRow = Schema.Struct({
  id: Schema.Int,
  started_at: Schema.String,
  finished_at: Schema.String,
  as_of: Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)),
  tool_version: Schema.String,
  summary_json: Schema.String
})

export const DiscrepancyRow = Schema.Struct({
  id: Schema.String,
  category: Schema.Literal(...Categories),
  unit_code: Schema.NullOr(Schema.String),
  member_ids_json: JsonArrayOf(Schema.String),
  roster_rows_json: JsonArrayOf(Schema.Struct({ file: Schema.String, sheet: Schema.String, row: Schema.Int })),
  score: Schema.NullOr(Schema.Number),
  field: Schema.NullOr(Schema.String),
  central_value: Schema.NullOr(Schema.String),
  roster_value: Schema.NullOr(Schema.String),
  reason: Schema.String,
  recommendation: Schema.Literal("Đề nghị xem xét xóa tên", "Cập nhật cơ sở dữ liệu", "Cập nhật danh sách chi bộ", "Gộp hồ sơ trùng", "Xác minh"),
  evidence_hash: Schema.String,
  rule: Schema.NullOr(Schema.String),
  checks_json: Schema.NullOr(JsonArrayOf(Schema.Literal(...LegitimacyChecks)))
})

export const DecisionRow = Schema.Struct({
  seq: Schema.Int,
  finding_id: Schema.String,
  decision: Schema.Literal(...ReviewDecisions),
  unit_comment: Schema.NullOr(Schema.String),
  committee_comment: Schema.NullOr(Schema.String),
  reviewer: Schema.String,
  decided_on: Schema.NullOr(Schema.String),
  imported_at: Schema.String,
  source_file: Schema.String,
  source_sheet: Schema.String,
  source_row: Schema.Int,
  evidence_hash: Schema.String,
  superseded_by: Schema.NullOr(Schema.Int)
})
