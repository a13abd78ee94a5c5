/**
 * Comparing a run's discrepancies.jsonl with a reviewed expected file (CI's sample check).
 * Findings are compared by id; every field counts (the file holds no volatile fields).
 */

const parse = (text: string): Map<string, string> => {
  const out = new Map<string, string>()
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue
    const obj = JSON.parse(line) as { id: string }
    out.set(obj.id, JSON.stringify(obj))
  }
  return out
}

/** Human-readable differences; empty when the two files hold the same findings in the same order. */
export const compareWithExpected = (expected: string, actual: string): Array<string> => {
  const e = parse(expected)
  const a = parse(actual)
  const out: Array<string> = []
  for (const [id, line] of e) {
    const got = a.get(id)
    if (got === undefined) out.push(`  missing  ${line}`)
    else if (got !== line) out.push(`  changed  ${id}\n    expected ${line}\n    actual   ${got}`)
  }
  for (const [id, line] of a) if (!e.has(id)) out.push(`  extra    ${line}`)
  if (out.length === 0 && [...e.keys()].join() !== [...a.keys()].join()) out.push("  same findings, different order")
  return out
}
