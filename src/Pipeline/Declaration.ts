/**
 * What a pipeline declares (Splink's "settings": authoring, not implementing). A file in pipelines/
 * exports one of these; src/ implements it.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Categories } from "../Domain.js"
import type { BlockKey, MatchSettings } from "../Match/Engine.js"
import type { CalendarSettings } from "../Rules/Calendar.js"
import type { RuleParams } from "../Rules/Rules.js"
import { IsoDate } from "./AsOf.js"

export interface PipelineDeclaration {
  readonly name: string
  readonly description: string
  /** Default inputs and outputs, relative to the project root; the CLI's options override them. */
  readonly defaults: {
    readonly central?: string
    readonly rosters?: string
    readonly out?: string
    /** ISO date; when absent, today. */
    readonly asOf?: string
    /** The state database, when not `<out>/state.sqlite`; used only while neither --out nor --db is given. */
    readonly db?: string
    /**
     * CSV of old unit names (before a restructuring such as 1/7/2025) and the current unit code each
     * now means: columns "Tên cũ", "Đảng bộ cũ" (optional), "Mã chi bộ mới". See README.
     */
    readonly unitAliases?: string
  }
  readonly match: MatchSettings
  /** Rule parameters with the date each set took effect; a run applies the set in force on its as-of date. */
  readonly rules: ReadonlyArray<RuleParams>
  readonly calendar: CalendarSettings
}

// ---------------------------------------------------------------------------------------------
// The schema a pipeline file is checked against when it is loaded (Registry.ts): a user's own file
// in pipelines/ with a bad field gets one line naming the field, not a crash deep in a stage. It
// checks what this declaration and the rules promise; settings it does not list are passed through
// unchecked (the matcher owns them), so a new setting needs no change here.

/** The block keys of Match/Engine.ts (BlockKey), as values; the compiler keeps both lists equal. */
const BLOCK_KEYS = [
  "cccd", "cardNo", "familyName", "middleName", "givenName", "fullName", "nameSkeleton", "initials", "birthYear", "birthDate",
  "hometown", "parentUnit", "sex", "admittedDate"
] as const satisfies ReadonlyArray<BlockKey>
type MissingBlockKey = Exclude<BlockKey, (typeof BLOCK_KEYS)[number]>
const _allBlockKeys: [MissingBlockKey] extends [never] ? true : never = true
void _allBlockKeys

const Probability = Schema.Number.pipe(Schema.between(0, 1))
const Path = Schema.String.pipe(Schema.minLength(1))

export const PipelineSchema = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[a-z0-9][a-z0-9-]*$/, { message: () => "a name of lowercase letters, digits and -" })),
  description: Schema.String,
  defaults: Schema.Struct({
    central: Schema.optional(Path),
    rosters: Schema.optional(Path),
    out: Schema.optional(Path),
    asOf: Schema.optional(IsoDate),
    db: Schema.optional(Path),
    unitAliases: Schema.optional(Path)
  }),
  match: Schema.Struct({
    blocking: Schema.NonEmptyArray(Schema.Struct({
      name: Schema.String,
      keys: Schema.NonEmptyArray(Schema.String.pipe(Schema.filter((k) =>
        (BLOCK_KEYS as ReadonlyArray<string>).includes(k) || `expected one of ${BLOCK_KEYS.join(", ")}, got ${JSON.stringify(k)}`
      )))
    })),
    maxCandidatePairs: Schema.Int.pipe(Schema.positive()),
    priorLog2: Schema.Number,
    linkThreshold: Probability,
    reviewThreshold: Probability
  }),
  rules: Schema.NonEmptyArray(Schema.Struct({
    effectiveFrom: IsoDate,
    regulation: Schema.String,
    transferPresentWorkingDays: Schema.Int.pipe(Schema.positive()),
    transferRemovalMonths: Schema.Int.pipe(Schema.positive()),
    transferRemovalSource: Schema.String,
    temporaryTransferMaxMonths: Schema.Int.pipe(Schema.positive()),
    absenceMonths: Schema.Int.pipe(Schema.between(1, 12)),
    absenceConsecutive: Schema.Boolean,
    citations: Schema.Record({ key: Schema.Literal(...Categories), value: Schema.String })
  })),
  calendar: Schema.Struct({
    extraHolidays: Schema.Array(IsoDate),
    extraWorkingDays: Schema.Array(IsoDate),
    nationalDayAdjacent: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Literal("01-09", "03-09") }))
  })
})

/**
 * `value` checked against PipelineSchema: the declaration itself (not a decoded copy, so settings the
 * schema does not list are kept), or the first problem as "field.path: what is wrong".
 */
export const checkPipeline = (value: unknown): Either.Either<PipelineDeclaration, string> =>
  Either.match(Schema.decodeUnknownEither(PipelineSchema, { errors: "first", onExcessProperty: "ignore" })(value), {
    onRight: () => Either.right(value as PipelineDeclaration),
    onLeft: (e) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
      const where = issue === undefined || issue.path.length === 0 ? "" : `${issue.path.join(".")}: `
      return Either.left(`${where}${issue?.message ?? String(e)}`)
    }
  })
