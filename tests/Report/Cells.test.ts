/**
 * The cell helpers of the workbook writers take shortcuts for speed (no split of a multi-line text
 * unless a line needs escaping, line counting without split, the checksum without copying the cells);
 * each must give what the plain definition gives, on any text.
 */
import { createHash } from "node:crypto"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { cellText, rowHeight } from "../../src/Report/Cells.js"
import { escapeCell } from "../../src/Report/Escape.js"
import { evidenceChecksum } from "../../src/Report/ReviewWorkbook.js"

/** Text with the characters that matter here: line ends, formula triggers, Vietnamese letters. */
const text = fc.array(fc.constantFrom("a", "ễ", " ", "\n", "\r", "=", "+", "-", "@", "\t", "'", "1"), { maxLength: 60 }).map((cs) => cs.join(""))

const plainCellText = (s: string | null): string | null =>
  s === null || s === "" ? null : s.includes("\n") ? s.split("\n").map(escapeCell).join("\n") : escapeCell(s)

const plainRowHeight = (cells: ReadonlyArray<unknown>, widths: ReadonlyArray<number>): number => {
  let lines = 1
  cells.forEach((v, i) => {
    const width = widths[i] ?? 0
    if (typeof v !== "string" || v === "" || width <= 0) return
    const perLine = Math.max(1, Math.floor(width * 1.15 - 1))
    const n = v.split("\n").reduce((a, l) => a + Math.max(1, Math.ceil(l.length / perLine)), 0)
    lines = Math.max(lines, n)
  })
  return Math.min(409, Math.ceil(lines * 12.75 + 3))
}

const plainChecksum = (cells: ReadonlyArray<string | number | Date | null>): string =>
  createHash("sha256")
    .update(JSON.stringify(cells.map((c) => typeof c === "string" ? c.replace(/\r\n?/g, "\n") : c instanceof Date ? c.toISOString() : c)))
    .digest("hex")
    .slice(0, 16)

describe("cell helpers", () => {
  it("cellText escapes every line that starts with a formula trigger, as line-by-line escaping does", () => {
    fc.assert(fc.property(text, (s) => { expect(cellText(s)).toBe(plainCellText(s)) }), { numRuns: 2000 })
    expect(cellText("ghi chú\n=SUM(A1)\n-5")).toBe("ghi chú\n'=SUM(A1)\n'-5")
  })

  it("rowHeight counts wrapped lines as splitting at line ends does", () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(text, fc.integer(), fc.constant(null)), { maxLength: 6 }),
      fc.array(fc.integer({ min: -1, max: 40 }), { maxLength: 6 }),
      (cells, widths) => { expect(rowHeight(cells, widths)).toBe(plainRowHeight(cells, widths)) }
    ), { numRuns: 2000 })
  })

  it("evidenceChecksum is the SHA-256 of the cells with line ends normalised, dates as ISO instants", () => {
    const cell = fc.oneof(text, fc.integer(), fc.double({ noNaN: true }), fc.constant(null),
      fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }).map((t) => new Date(t)))
    fc.assert(fc.property(fc.array(cell, { maxLength: 8 }), (cells) => { expect(evidenceChecksum(cells)).toBe(plainChecksum(cells)) }), { numRuns: 2000 })
    expect(evidenceChecksum(["a\r\nb"])).toBe(evidenceChecksum(["a\nb"]))
  })
})
