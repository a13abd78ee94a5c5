/**
 * Spreadsheet cells are data, never formulas. Text that a spreadsheet program would evaluate when
 * typed, pasted or opened from CSV (OWASP "CSV injection": leading = + - @, and tab / carriage
 * return) gets a visible leading apostrophe. Numbers are not text and are never escaped.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/

export const escapeCell = (text: string): string => FORMULA_TRIGGER.test(text) ? `'${text}` : text

const ESCAPED = /^'[=+\-@\t\r]/

/** Inverse of `escapeCell`, for text read back from a workbook recon wrote (line by line, like the writer). */
export const unescapeCell = (text: string): string =>
  text.split("\n").map((line) => ESCAPED.test(line) ? line.slice(1) : line).join("\n")
