/**
 * Explanations of a run as plain data, built once when the run matches and stored beside its
 * outputs (`<out>/explanations.jsonl`), and the renderers that turn them into text: the sentence
 * under each finding's reason in review.xlsx ("Diễn giải") and the tables of `recon explain`. So
 * the workbook and the command say the same, and `recon explain --run <out>` reads what the run
 * stored instead of reading every input again.
 *
 * Stored: every roster row a finding names, and every row that matched no one (its nearest
 * candidates), with the waterfall of weights (Engine.Waterfall) against the member it was linked
 * to or the members the finding names; and for a duplicate in the central data, the pair. Every
 * other linked row (most of them) goes to `<out>/link-explanations.jsonl` in a compact form (its
 * waterfall from the comparison code the match stage kept, so nothing is compared again):
 * `recon explain <file> <row> --run <out>` answers for any row from these two files and run.json.
 */
import type { CentralData, CentralMember, Discrepancy, RosterRow, RowRef } from "../Domain.js"
import { formatDate } from "../Normalize/Date.js"
import * as Engine from "./Engine.js"
import type { MatchResult } from "./Stage.js"

export const EXPLANATIONS_FILE = "explanations.jsonl"

/** A central record as explanations name it. */
export interface MemberBrief {
  readonly id: string
  readonly name: string
  readonly birth: string | null
  readonly unitCode: string
}

export interface Candidate {
  readonly member: MemberBrief
  /** The row was linked to this member. */
  readonly linked: boolean
  readonly waterfall: Engine.Waterfall
}

/** One roster row: what it was compared with, and how. */
export interface RowExplanation {
  readonly type: "row"
  readonly file: string
  readonly sheet: string
  readonly row: number
  readonly name: string
  /** The linked member, else the nearest candidates (best first; empty: no candidate shared a blocking key). */
  readonly candidates: ReadonlyArray<Candidate>
  /** The nearest candidate's id when the row was not linked but one came close (review threshold). */
  readonly closestId: string | null
}

/** Two central records taken for one person (DUPLICATE_CENTRAL). */
export interface PairExplanation {
  readonly type: "pair"
  readonly a: MemberBrief
  readonly b: MemberBrief
  readonly waterfall: Engine.Waterfall
}

export type Explanation = RowExplanation | PairExplanation

export const rowKeyOf = (r: RowRef): string => `${r.file}\u0000${r.sheet}\u0000${r.row}`
export const pairKeyOf = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`)

const brief = (m: CentralMember): MemberBrief => ({
  id: m.id,
  name: m.name.display,
  birth: m.birth === null ? null : formatDate(m.birth),
  unitCode: m.unitCode
})

/** Nearest candidates of an unlinked row among the pairs blocking produced, best first. */
const nearestCandidates = (r: MatchResult, i: number, top: number): Array<number> => {
  const cands: Array<[number, number]> = []
  for (let k = r.rowBlocks.start[i]!; k < r.rowBlocks.start[i + 1]!; k++) {
    const j = r.rowBlocks.idx[k]!
    cands.push([j, Engine.explainPair(r.model, r.rows, i, r.central, j).probability])
  }
  cands.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  return cands.slice(0, top).map(([j]) => j)
}

/**
 * The explanations a run stores: rows named by findings or linked to no one, and central pairs
 * (plain loops; the cost is per finding and per unlinked row, not per row).
 */
export const explainRun = (
  central: CentralData,
  rows: ReadonlyArray<RosterRow>,
  r: MatchResult,
  findings: ReadonlyArray<Discrepancy>,
  top = 3
): Array<Explanation> => {
  const memberIndex = new Map(central.members.map((m, j) => [m.id, j]))
  const rowIndex = new Map(rows.map((row, i) => [rowKeyOf(row), i]))
  /** Row index → extra members findings name for it. */
  const wanted = new Map<number, Set<number>>()
  const want = (i: number, j?: number) => {
    const set = wanted.get(i) ?? new Set<number>()
    if (j !== undefined) set.add(j)
    wanted.set(i, set)
  }
  for (let i = 0; i < rows.length; i++) if (r.links[i]!.member < 0) want(i)
  const out: Array<Explanation> = []
  const pairs = new Set<string>()
  for (const d of findings) {
    for (const ref of d.rosterRows) {
      const i = rowIndex.get(rowKeyOf(ref))
      if (i === undefined) continue
      want(i)
      for (const id of d.memberIds) {
        const j = memberIndex.get(id)
        if (j !== undefined) want(i, j)
      }
    }
    if (d.category === "DUPLICATE_CENTRAL" && d.memberIds.length === 2 && !pairs.has(pairKeyOf(d.memberIds[0]!, d.memberIds[1]!))) {
      const [a, b] = d.memberIds.map((id) => memberIndex.get(id))
      if (a === undefined || b === undefined) continue
      pairs.add(pairKeyOf(d.memberIds[0]!, d.memberIds[1]!))
      out.push({ type: "pair", a: brief(central.members[a]!), b: brief(central.members[b]!), waterfall: Engine.explainPair(r.model, r.central, a, r.central, b, true) })
    }
  }
  for (const [i, extra] of [...wanted].sort((p, q) => p[0] - q[0])) {
    const link = r.links[i]!
    const targets = link.member >= 0 ? [link.member] : link.closest >= 0 ? [link.closest] : []
    for (const j of extra) if (!targets.includes(j)) targets.push(j)
    if (link.member < 0) for (const j of nearestCandidates(r, i, top)) if (!targets.includes(j)) targets.push(j)
    const row = rows[i]!
    out.push({
      type: "row",
      file: row.file,
      sheet: row.sheet,
      row: row.row,
      name: row.name.display,
      closestId: link.member < 0 && link.closest >= 0 ? central.members[link.closest]!.id : null,
      candidates: targets.map((j) => ({
        member: brief(central.members[j]!),
        linked: j === link.member,
        waterfall: Engine.explainPair(r.model, r.rows, i, r.central, j)
      }))
    })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Renderers

/** Explanations indexed for reading: rows by file/sheet/row, pairs by their two ids. */
export interface ExplanationIndex {
  readonly rows: ReadonlyMap<string, RowExplanation>
  readonly pairs: ReadonlyMap<string, PairExplanation>
}

export const indexExplanations = (xs: Iterable<Explanation>): ExplanationIndex => {
  const rows = new Map<string, RowExplanation>()
  const pairs = new Map<string, PairExplanation>()
  for (const x of xs) {
    if (x.type === "row") rows.set(rowKeyOf(x), x)
    else pairs.set(pairKeyOf(x.a.id, x.b.id), x)
  }
  return { rows, pairs }
}

/**
 * The sentences under a finding's reason in review.xlsx ("Diễn giải"): the match behind each of its
 * rows, or the pair behind a duplicate; undefined when there is nothing to explain.
 */
export const findingSentence = (d: Discrepancy, x: ExplanationIndex): string | undefined => {
  const parts: Array<string> = []
  if (d.category === "DUPLICATE_CENTRAL" && d.memberIds.length === 2) {
    const p = x.pairs.get(pairKeyOf(d.memberIds[0]!, d.memberIds[1]!))
    if (p !== undefined) parts.push(`Căn cứ ghép ${d.memberIds[0]} với ${d.memberIds[1]}: ${Engine.explainSentence(p.waterfall)}`)
  }
  for (const ref of d.rosterRows) {
    const e = x.rows.get(rowKeyOf(ref))
    if (e === undefined) continue
    const where = d.rosterRows.length > 1 ? `dòng ${ref.row} (${ref.sheet})` : `dòng ${ref.row}`
    const linked = e.candidates.find((c) => c.linked)
    const named = d.memberIds.length === 1 ? e.candidates.find((c) => c.member.id === d.memberIds[0]) : undefined
    const closest = e.closestId === null ? undefined : e.candidates.find((c) => c.member.id === e.closestId)
    const chosen = linked ?? named
    if (chosen !== undefined) parts.push(`Căn cứ ghép ${where} với ${chosen.member.id}: ${Engine.explainSentence(chosen.waterfall)}`)
    else if (closest !== undefined) {
      parts.push(`Hồ sơ gần nhất trong CSDL cho ${where} là ${closest.member.id}, không đủ để ghép: ${Engine.explainSentence(closest.waterfall)}`)
    } else parts.push(`Không có hồ sơ nào trong CSDL cùng khóa so khớp với ${where}.`)
  }
  return parts.length > 0 ? parts.join("\n") : undefined
}

const describeMember = (m: MemberBrief): string => `${m.id} ${m.name}${m.birth === null ? "" : `, sinh ${m.birth}`} (${m.unitCode})`

const indent = (text: string, by: string): string => text.replace(/^/gm, by)

/** `recon explain` of one roster row: a table per candidate, as the command prints it. */
export const renderRow = (e: RowExplanation, top: number): Array<string> => {
  const out = [`Dòng ${e.row} của ${e.file} [${e.sheet}]: ${e.name}`]
  const linked = e.candidates.some((c) => c.linked)
  const shown = linked ? e.candidates : e.candidates.slice(0, top)
  if (e.candidates.length === 0) out.push("  Không có hồ sơ ứng viên nào (không trùng khóa khối nào): không khớp với ai trong cơ sở dữ liệu.")
  else if (!linked) out.push(`  Không được ghép; ${shown.length} hồ sơ gần nhất:`)
  for (const c of shown) {
    out.push(`  ↔ ${describeMember(c.member)}${c.linked ? " — đã ghép" : ""}`, indent(Engine.explainTable(c.waterfall), "    "), `    ${Engine.explainSentence(c.waterfall)}`)
  }
  return out
}

/** `recon explain <finding-id>`: the finding, then each of its rows, then its pair. */
export const renderFinding = (d: Pick<Discrepancy, "id" | "category" | "memberIds" | "rosterRows" | "reason">, x: ExplanationIndex, top: number): Array<string> => {
  const out = [`${d.id} (${d.category})`, d.reason]
  for (const ref of d.rosterRows) {
    const e = x.rows.get(rowKeyOf(ref))
    if (e !== undefined) out.push("", ...renderRow(e, top))
  }
  if (d.memberIds.length === 2) {
    const p = x.pairs.get(pairKeyOf(d.memberIds[0]!, d.memberIds[1]!))
    if (p !== undefined) {
      out.push("", `${describeMember(p.a)} ↔ ${describeMember(p.b)}`, indent(Engine.explainTable(p.waterfall), "  "), `  ${Engine.explainSentence(p.waterfall)}`)
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// link-explanations.jsonl: the waterfall of every linked row no finding names, compact

export const LINK_EXPLANATIONS_FILE = "link-explanations.jsonl"

/**
 * Last line of link-explanations.jsonl: the names the row lines refer to by number (last, so the rows
 * are written as they are made, in bounded memory). Each line before it is one linked row: `[file#,
 * sheet#, row, name, [memberId, memberName, birth, unitCode], probability, [part#, weight, …]]`,
 * parts as (comparison, label, level, levelLabel).
 */
interface LinkDictionary {
  readonly type: "dictionary"
  readonly priorLog2: number
  readonly files: ReadonlyArray<string>
  readonly sheets: ReadonlyArray<string>
  readonly parts: ReadonlyArray<readonly [string, string, string, string]>
}

type LinkLine = [number, number, number, string, [string, string, string | null, string], number, Array<number>]

const numbered = <K>(m: Map<K, number>, k: K): number => {
  let v = m.get(k)
  if (v === undefined) m.set(k, (v = m.size))
  return v
}

/**
 * The lines of link-explanations.jsonl, made one by one: every linked row `stored`
 * (explanations.jsonl) leaves out, then the dictionary. A plain loop; per row one waterfall from
 * its stored comparison code (Engine.explainCode).
 */
export function* linkExplanationLines(
  central: CentralData,
  rows: ReadonlyArray<RosterRow>,
  r: MatchResult,
  stored: ReadonlyArray<Explanation>
): Generator<string> {
  const done = new Set<string>()
  for (const x of stored) if (x.type === "row") done.add(rowKeyOf(x))
  const files = new Map<string, number>()
  const sheets = new Map<string, number>()
  const partIds = new Map<string, number>()
  const parts: Array<readonly [string, string, string, string]> = []
  for (let i = 0; i < rows.length; i++) {
    const j = r.links[i]!.member
    if (j < 0) continue
    const row = rows[i]!
    if (done.size > 0 && done.has(rowKeyOf(row))) continue
    let k = r.rowBlocks.start[i]!
    const end = r.rowBlocks.start[i + 1]!
    while (k < end && r.rowBlocks.idx[k] !== j) k++
    if (k === end) continue
    const w = Engine.explainCode(r.model, r.rowCodes[k]!, r.central, j)
    const enc: Array<number> = []
    for (const p of w.parts) {
      const key = `${p.comparison}\u0000${p.label}\u0000${p.level}\u0000${p.levelLabel}`
      let id = partIds.get(key)
      if (id === undefined) {
        partIds.set(key, (id = parts.length))
        parts.push([p.comparison, p.label, p.level, p.levelLabel])
      }
      // Six decimals: the tables show one, and their running sums stay the same.
      enc.push(id, Math.round(p.weight * 1e6) / 1e6)
    }
    const m = central.members[j]!
    const line: LinkLine = [
      numbered(files, row.file),
      numbered(sheets, row.sheet),
      row.row,
      row.name.display,
      [m.id, m.name.display, m.birth === null ? null : formatDate(m.birth), m.unitCode],
      Number(w.probability.toPrecision(9)),
      enc
    ]
    yield JSON.stringify(line)
  }
  const dictionary: LinkDictionary = { type: "dictionary", priorLog2: r.model.priorLog2, files: [...files.keys()], sheets: [...sheets.keys()], parts }
  yield JSON.stringify(dictionary)
}

/**
 * The linked rows of a stored link-explanations.jsonl text at `row` of a file `wanted` names
 * (`sameFile`), as RowExplanations; only the lines of that file are parsed.
 */
export const findLinkExplanations = (
  text: string,
  sameFile: (file: string) => boolean,
  row: number
): Array<RowExplanation> => {
  const body = `\n${text.trimEnd()}`
  const lastStart = body.lastIndexOf("\n")
  const dict = JSON.parse(body.slice(lastStart + 1)) as LinkDictionary
  if (dict.type !== "dictionary") return []
  const fileIds = dict.files.flatMap((f, k) => (sameFile(f) ? [k] : []))
  const out: Array<RowExplanation> = []
  for (const fid of fileIds) {
    const prefix = `\n[${fid},`
    for (let at = body.indexOf(prefix); at >= 0 && at < lastStart; at = body.indexOf(prefix, at + 1)) {
      const line = JSON.parse(body.slice(at + 1, body.indexOf("\n", at + 1))) as LinkLine
      if (line[2] !== row) continue
      const [, sheet, , name, [id, memberName, birth, unitCode], probability, enc] = line
      const parts: Array<Engine.WaterfallPart> = []
      let weight = 0
      for (let x = 0; x < enc.length; x += 2) {
        const [comparison, label, level, levelLabel] = dict.parts[enc[x]!]!
        parts.push({ comparison, label, level, levelLabel, weight: enc[x + 1]! })
        weight += enc[x + 1]!
      }
      out.push({
        type: "row",
        file: dict.files[fid]!,
        sheet: dict.sheets[sheet]!,
        row,
        name,
        closestId: null,
        candidates: [{ member: { id, name: memberName, birth, unitCode }, linked: true, waterfall: { parts, weight, priorLog2: dict.priorLog2, probability } }]
      })
    }
  }
  return out
}
