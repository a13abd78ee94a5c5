/**
 * persons.csv: the persons the matcher found, one line each — the central records that are the
 * same person (duplicates clustered) and the roster rows linked to any of them. The person id is
 * "P-" + the smallest member id, so it stays the same across runs while that record stays.
 * Same conventions as links.csv: UTF-8 without BOM, "\n" line ends, RFC 4180 quoting only when
 * needed, text fields formula-escaped.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type { RowRef } from "../Domain.js"
import { lineChunks, type WrittenFile, writeChunksAtomic } from "./AtomicFile.js"
import { escapeCell } from "./Escape.js"
import { quoteCsv } from "./LinksCsv.js"
import { type ReportWriteError, writeFailed } from "./ReportError.js"

export const PERSONS_HEADER = "person_id,member_ids,roster_rows"

/** One person: ids of its central records and the roster rows linked to them. */
export interface PersonRecord {
  readonly personId: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<RowRef>
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export const compareRowRefs = (a: RowRef, b: RowRef): number =>
  byString(a.file, b.file) || byString(a.sheet, b.sheet) || a.row - b.row

/**
 * A file or sheet name may hold the separators themselves; "\" escapes "\", "|" and ";" inside a
 * part so the list splits back unambiguously (names without them are written as they are).
 */
const escapePart = (s: string): string => s.replace(/[\\|;]/g, (c) => `\\${c}`)

/** `file|sheet|row`, separators inside names escaped. */
export const rowRefText = (r: RowRef): string => `${escapePart(r.file)}|${escapePart(r.sheet)}|${r.row}`

/** Splits `s` on `sep` where not preceded by an escaping "\"; parts keep their escapes. */
const splitEscaped = (s: string, sep: string): Array<string> => {
  const out: Array<string> = []
  let cur = ""
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[i + 1]!
      i++
    } else if (c === sep) {
      out.push(cur)
      cur = ""
    } else cur += c
  }
  out.push(cur)
  return out
}

const unescapePart = (s: string): string => s.replace(/\\([\\|;])/g, "$1")

/** Inverse of the roster_rows field (after CSV unquoting and formula unescaping): the row references. */
export const parseRosterRows = (field: string): Array<RowRef> =>
  field === ""
    ? []
    : splitEscaped(field, ";").map((item) => {
      const [file = "", sheet = "", row = ""] = splitEscaped(item, "|")
      return { file: unescapePart(file), sheet: unescapePart(sheet), row: Number(row) }
    })

const textField = (s: string): string => quoteCsv(escapeCell(s))

/** Member ids ascending, roster rows by file, sheet and row: the same person gives the same line. */
export const personToCsvLine = (p: PersonRecord): string => {
  const members = [...p.memberIds].sort(byString).join(";")
  const rows = [...p.rosterRows].sort(compareRowRefs).map(rowRefText).join(";")
  return `${textField(p.personId)},${textField(members)},${textField(rows)}`
}

const sortedPersons = (persons: ReadonlyArray<PersonRecord>): Array<PersonRecord> =>
  persons.filter((p) => p.memberIds.length > 0).sort((a, b) => byString(a.personId, b.personId))

/** Header plus one line per person with at least one central record, sorted by person id. */
export const personsToCsv = (persons: ReadonlyArray<PersonRecord>): string =>
  [...lineChunks(sortedPersons(persons), personToCsvLine, PERSONS_HEADER)].join("")

export const writePersonsCsv = (
  path: string,
  persons: ReadonlyArray<PersonRecord>
): Effect.Effect<WrittenFile, ReportWriteError, FileSystem.FileSystem> =>
  Effect.suspend(() => writeChunksAtomic(path, lineChunks(sortedPersons(persons), personToCsvLine, PERSONS_HEADER))).pipe(
    Effect.mapError(writeFailed(path))
  )
