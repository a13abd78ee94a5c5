/**
 * What recon writes for others to read, described with effect/Schema: one record of
 * discrepancies.jsonl, one row of links.csv, and run.json. The JSON Schema files shipped in
 * samples/schemas/ are generated from these (`npx tsx src/Build/schemas.ts`; a test regenerates and
 * compares them), and tests validate the sample's outputs against these schemas. Vocabularies come
 * from Domain.ts (Categories, LegitimacyChecks, ReviewDecisions), so a new category there is a new
 * literal here with no edit; a new field of Discrepancy fails to compile until it is added below.
 * Writers stay plain (no per-row decoding in the hot loops); these are for readers and tests.
 */
import * as JSONSchema from "effect/JSONSchema"
import * as Schema from "effect/Schema"
import { Categories, Caveats, type Discrepancy, LegitimacyChecks, type Recommendation, ReviewDecisions } from "../Domain.js"
import { IsoDate } from "../Pipeline/AsOf.js"

/** Domain.Recommendation as values; the compiler keeps both lists equal. */
const RECOMMENDATIONS = ["Đề nghị xem xét xóa tên", "Cập nhật cơ sở dữ liệu", "Cập nhật danh sách chi bộ", "Gộp hồ sơ trùng", "Xác minh"] as const satisfies ReadonlyArray<Recommendation>
type MissingRecommendation = Exclude<Recommendation, (typeof RECOMMENDATIONS)[number]>
const _allRecommendations: [MissingRecommendation] extends [never] ? true : never = true
void _allRecommendations

const RowNumber = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))
const Score = Schema.Number.pipe(Schema.between(0, 1))
const Count = Schema.Int.pipe(Schema.nonNegative())
const Instant = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/), Schema.annotations({ jsonSchema: { type: "string", format: "date-time" } }))
const Sha256 = Schema.String.pipe(Schema.pattern(/^([0-9a-f]{64})?$/))

export const RowRefRecord = Schema.Struct({ file: Schema.String, sheet: Schema.String, row: RowNumber })

/** One line of discrepancies.jsonl (README "Outputs"). */
export const DiscrepancyRecord = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(/^[A-Z]{2}-[0-9a-f]{12}$/)),
  category: Schema.Literal(...Categories),
  kind: Schema.Literal("finding", "correction"),
  unitCode: Schema.NullOr(Schema.String),
  memberIds: Schema.Array(Schema.String),
  rosterRows: Schema.Array(RowRefRecord),
  score: Schema.NullOr(Score),
  field: Schema.optional(Schema.String),
  centralValue: Schema.optional(Schema.String),
  rosterValue: Schema.optional(Schema.String),
  reason: Schema.String.pipe(Schema.minLength(1)),
  recommendation: Schema.Literal(...RECOMMENDATIONS),
  rule: Schema.optional(Schema.String),
  checks: Schema.optional(Schema.Array(Schema.Literal(...LegitimacyChecks))),
  caveats: Schema.optional(Schema.Array(Schema.Literal(...Caveats))),
  review: Schema.optional(Schema.Struct({
    decision: Schema.Literal(...ReviewDecisions),
    decidedOn: Schema.NullOr(IsoDate),
    reviewer: Schema.String,
    importedAt: Instant,
    changedSinceDecision: Schema.Boolean
  }))
}).annotations({ identifier: "DiscrepancyRecord", title: "recon discrepancies.jsonl record", description: "One finding, one line of discrepancies.jsonl." })

/** The record's keys are Discrepancy's: a field added to the domain type must be added here too. */
type RecordKeys = keyof Schema.Schema.Type<typeof DiscrepancyRecord>
const _sameKeys: [Exclude<keyof Discrepancy, RecordKeys> | Exclude<RecordKeys, keyof Discrepancy>] extends [never] ? true : never = true
void _sameKeys

/** One row of links.csv as text cells: file,sheet,row,member_id,score (empty member_id and score: not linked). */
export const LinksCsvRow = Schema.Struct({
  file: Schema.String.pipe(Schema.minLength(1)),
  sheet: Schema.String,
  row: Schema.String.pipe(Schema.pattern(/^[1-9]\d*$/)),
  member_id: Schema.String,
  score: Schema.String.pipe(Schema.pattern(/^(|0|1|0\.\d+|1\.0+)$/))
}).annotations({ identifier: "LinksCsvRow", title: "recon links.csv row", description: "One ingested roster row and the central member it was linked to; cells as text." })

const Issue = Schema.Struct({
  file: Schema.String,
  sheet: Schema.NullOr(Schema.String),
  row: Schema.NullOr(Schema.Int),
  column: Schema.NullOr(Schema.String),
  reason: Schema.String
})

/** run.json (README "Outputs"): keys other than these are allowed (later additions). */
export const RunRecord = Schema.Struct({
  tool: Schema.Struct({ name: Schema.Literal("recon"), version: Schema.String }),
  asOf: IsoDate,
  stateDb: Schema.optional(Schema.String),
  pipeline: Schema.optional(Schema.String),
  rosters: Schema.optional(Schema.String),
  startedAt: Instant,
  finishedAt: Instant,
  inputs: Schema.Array(Schema.Struct({ role: Schema.Literal("central", "roster", "unitAliases"), path: Schema.String, sha256: Sha256 })),
  files: Schema.Array(Schema.Struct({
    file: Schema.String,
    kind: Schema.NullOr(Schema.String),
    unitCode: Schema.NullOr(Schema.String),
    sha256: Sha256,
    rowsRead: Count,
    rowsIngested: Count,
    rowsRejected: Count,
    error: Schema.NullOr(Schema.String),
    suspectTruncated: Schema.Boolean
  })),
  totals: Schema.Struct({ rowsRead: Count, rowsIngested: Count, rowsRejected: Count }),
  categories: Schema.Record({ key: Schema.Literal(...Categories), value: Count }),
  kinds: Schema.optional(Schema.Struct({ finding: Count, correction: Count })),
  timings: Schema.Record({ key: Schema.String, value: Schema.Number }),
  outputs: Schema.Array(Schema.Struct({ path: Schema.String, bytes: Count, sha256: Sha256 })),
  rejections: Schema.optional(Schema.Array(Issue)),
  warnings: Schema.optional(Schema.Array(Issue)),
  match: Schema.optional(Schema.Struct({
    candidatePairs: Count,
    pairsPerRule: Schema.Record({ key: Schema.String, value: Count }),
    centralCandidatePairs: Count,
    linked: Count,
    unlinked: Count,
    rules: Schema.optional(Schema.Array(Schema.Struct({
      rule: Schema.String,
      pairs: Count,
      links: Count,
      linkShare: Schema.Number.pipe(Schema.between(0, 1)),
      linksOnly: Count,
      centralPairs: Count,
      duplicates: Count,
      duplicatesOnly: Count
    }).annotations({
      description: "One blocking rule: its candidate pairs, the accepted links (and central duplicates) it generates, their share of all links, and those no other rule generates"
    })))
  })),
  uncoveredCells: Schema.optional(Schema.Array(Schema.Struct({
    unitCode: Schema.String,
    unitName: Schema.String,
    parentCode: Schema.NullOr(Schema.String),
    activeMembers: Count,
    why: Schema.Literal("NO_ROSTER", "UNREAD_INPUT")
  })))
}).annotations({ identifier: "RunRecord", title: "recon run.json", description: "What a run read, counted, took and wrote." })

/** The JSON Schema files shipped in samples/schemas/, by file name. */
export const jsonSchemaFiles = (): Record<string, string> => ({
  "discrepancy.schema.json": JSON.stringify(JSONSchema.make(DiscrepancyRecord), null, 2) + "\n",
  "links-row.schema.json": JSON.stringify(JSONSchema.make(LinksCsvRow), null, 2) + "\n",
  "run.schema.json": JSON.stringify(JSONSchema.make(RunRecord), null, 2) + "\n"
})
