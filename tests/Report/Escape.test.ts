import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { escapeCell } from "../../src/Report/Escape.js"

describe("escapeCell", () => {
  it.each([
    ["=SUM(A1:A9)", "'=SUM(A1:A9)"],
    ["+84912345678", "'+84912345678"],
    ["-", "'-"],
    ["@cmd", "'@cmd"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["Nguyễn Văn Hòa", "Nguyễn Văn Hòa"],
    ["a=b", "a=b"],
    ["'=already", "'=already"],
    ["", ""]
  ])("%j → %j", (input, expected) => {
    expect(escapeCell(input)).toBe(expected)
  })

  it.prop("never starts with a formula trigger, keeps the text, is idempotent", [fc.string()], ([s]) => {
    const e = escapeCell(s)
    expect(e).not.toMatch(/^[=+\-@\t\r]/)
    expect(e.endsWith(s)).toBe(true)
    expect(e.length - s.length).toBeLessThanOrEqual(1)
    expect(escapeCell(e)).toBe(e)
  })
})
