/**
 * The as-of date of a run: the one place it is parsed and checked, wherever it enters (the
 * `--as-of` option, a pipeline's `defaults.asOf`, `run()` called as a library). A calendar date
 * YYYY-MM-DD that exists (no 2026-02-30) within the years the tool reads (MIN_YEAR–MAX_YEAR).
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { daysInMonth, MAX_YEAR, MIN_YEAR } from "../Normalize/Date.js"
import { dayNumberOf } from "../Rules/Calendar.js"

export interface AsOf {
  /** YYYY-MM-DD, as given. */
  readonly iso: string
  readonly year: number
  readonly month: number
  readonly day: number
  /** Days since 1970-01-01 (Calendar.dayNumberOf). */
  readonly dayNumber: number
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The date, or why it is not one (English, one line; the caller names the option or field). */
export const parseAsOf = (text: string): Either.Either<AsOf, string> => {
  const m = ISO_DATE.exec(text)
  if (m === null) return Either.left(`expected a date as YYYY-MM-DD (e.g. 2026-10-31), got "${text}"`)
  const year = +m[1]!
  const month = +m[2]!
  const day = +m[3]!
  if (year < MIN_YEAR || year > MAX_YEAR) return Either.left(`"${text}": the year must be between ${MIN_YEAR} and ${MAX_YEAR}`)
  if (month < 1 || month > 12) return Either.left(`"${text}" has no month ${month} (months are 01–12)`)
  if (day < 1 || day > daysInMonth(year, month))
    return Either.left(`"${text}" is not a date: ${year}-${m[2]} has ${daysInMonth(year, month)} days`)
  return Either.right({ iso: text, year, month, day, dayNumber: dayNumberOf(year, month, day) })
}

/** An existing calendar date as YYYY-MM-DD, for schemas at the boundaries (pipeline files, run.json). */
export const IsoDate = Schema.String.pipe(
  Schema.filter((s) => Either.match(parseAsOf(s), { onLeft: (why) => why, onRight: () => true }), {
    identifier: "IsoDate",
    description: "a calendar date, YYYY-MM-DD",
    jsonSchema: { type: "string", format: "date" }
  })
)
