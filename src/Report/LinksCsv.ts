/**
 * links.csv: which central member each ingested roster row was linked to.
 * Plain UTF-8 without BOM and "\n" line ends: it is for programs (csv-parse, pandas), not for Excel;
 * people read the review workbook. Fields are quoted per RFC 4180 only when needed, and text
 * fields are formula-escaped like workbook cells so the file is safe to open in a spreadsheet anyway.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type { Link } from "../Domain.js"
import { lineChunks, type WrittenFile, writeChunksAtomic } from "./AtomicFile.js"
import { escapeCell } from "./Escape.js"
import { type ReportWriteError, writeFailed } from "./ReportError.js"

export const LINKS_HEADER = "file,sheet,row,member_id,score"

const NEEDS_QUOTES = /[",\r\n]/

/** RFC 4180 §2.6–2.7: enclose in double quotes when the field holds a comma, quote or line break; double inner quotes. */
export const quoteCsv = (field: string): string =>
  NEEDS_QUOTES.test(field) ? `"${field.replaceAll("\"", "\"\"")}"` : field

/** At most 4 decimals, no trailing zeros, never exponent notation (scores are within 0–1). */
export const formatScore = (score: number | null): string =>
  score === null || !Number.isFinite(score) ? "" : String(Number(score.toFixed(4)) + 0)

const textField = (s: string): string => quoteCsv(escapeCell(s))

export const linkToCsvLine = (link: Link): string =>
  `${textField(link.file)},${textField(link.sheet)},${link.row},${
    link.memberId === null ? "" : textField(link.memberId)
  },${formatScore(link.score)}`

/** Header plus one line per link, in the order given, each ended by "\n". */
export const linksToCsv = (links: ReadonlyArray<Link>): string => {
  const lines: Array<string> = [LINKS_HEADER]
  for (const link of links) lines.push(linkToCsvLine(link))
  return lines.join("\n") + "\n"
}

export const writeLinksCsv = (
  path: string,
  links: ReadonlyArray<Link>
): Effect.Effect<WrittenFile, ReportWriteError, FileSystem.FileSystem> =>
  Effect.suspend(() => writeChunksAtomic(path, lineChunks(links, linkToCsvLine, LINKS_HEADER))).pipe(
    Effect.mapError(writeFailed(path))
  )
