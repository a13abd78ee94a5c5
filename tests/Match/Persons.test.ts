import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import * as Engine from "../../src/Match/Engine.js"

/**
 * The grouping as it was written before its lists were sized up front (a Map of growing lists per
 * root, then a sort by person id): the reference the compact version must agree with exactly.
 */
const reference = (
  memberIds: ReadonlyArray<string>,
  duplicates: ReadonlyArray<Engine.CentralPair>,
  links: ReadonlyArray<Engine.RowLink>,
  apart: (x: number, y: number) => boolean
): Array<{ personId: string; members: Array<number>; rows: Array<number> }> => {
  const n = memberIds.length
  // The joining step is clusterPersons' own; what changed (lists sized up front) is the grouping below.
  const find = Engine.joinDuplicates(n, duplicates, apart)
  const byRoot = new Map<number, { members: Array<number>; rows: Array<number> }>()
  const entry = (root: number) => {
    let e = byRoot.get(root)
    if (e === undefined) byRoot.set(root, (e = { members: [], rows: [] }))
    return e
  }
  for (let i = 0; i < n; i++) entry(find(i)).members.push(i)
  links.forEach((l, r) => {
    if (l.member >= 0) entry(find(l.member)).rows.push(r)
  })
  const out = []
  for (const e of byRoot.values()) {
    let min = memberIds[e.members[0]!]!
    for (const m of e.members) if (memberIds[m]! < min) min = memberIds[m]!
    out.push({ personId: `P-${min}`, members: e.members, rows: e.rows })
  }
  return out.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0))
}

const link = (member: number): Engine.RowLink => ({ member, score: member >= 0 ? 0.99 : null, closest: -1, closestScore: null })

/** Records, duplicate pairs among them, rows linked to them, pairs kept apart; ids in order or shuffled (with repeats). */
const cases = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    ids: fc.oneof(
      fc.constant(Array.from({ length: n }, (_, i) => `DV${String(i * 3 + 10).padStart(5, "0")}`)),
      fc.array(fc.integer({ min: 0, max: 60 }), { minLength: n, maxLength: n }).map((xs) => xs.map((x) => `DV${x}`))
    ),
    dups: fc.array(
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 90, max: 99 })),
      { maxLength: 2 * n }
    ).map((ps) => ps.filter(([a, b]) => a < b)),
    links: fc.array(fc.integer({ min: -1, max: n - 1 }), { maxLength: 2 * n }),
    apart: fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { maxLength: n })
  })
)

describe("clusterPersons", () => {
  it.prop("gives the persons of the reference clustering, in the same order", [cases], ([c]) => {
    const duplicates = c.dups.map(([a, b, s]) => ({ a, b, score: s / 100 }))
    const links = c.links.map(link)
    const apartSet = new Set(c.apart.flatMap(([x, y]) => [`${x}:${y}`, `${y}:${x}`]))
    const apart = (x: number, y: number) => apartSet.has(`${x}:${y}`)
    const got = Engine.clusterPersons(c.ids, duplicates, links, apart).map((p) => ({ personId: p.personId, members: [...p.members], rows: [...p.rows] }))
    expect(got).toEqual(reference(c.ids, duplicates, links, apart))
  })

  it("joins duplicates and gathers their rows, ascending", () => {
    const persons = Engine.clusterPersons(
      ["DV3", "DV1", "DV2"],
      [{ a: 0, b: 2, score: 0.99 }],
      [link(2), link(-1), link(1), link(0)]
    )
    expect(persons.map((p) => ({ personId: p.personId, members: [...p.members], rows: [...p.rows] }))).toEqual([
      { personId: "P-DV1", members: [1], rows: [2] },
      { personId: "P-DV2", members: [0, 2], rows: [0, 3] }
    ])
  })
})
