/**
 * `recon central duplicates`: duplicate records over the whole national index, as a job of its
 * own. Block by block, one province at a time: its members and every record sharing one of their
 * blocking keys (IndexRun.loadSubset with no roster rows) go through the engine's central
 * duplicate search (Match/Stage.ts with no rows); a pair is kept from the block of the smaller
 * province code among its two records, so each pair is written once. Memory grows with the
 * largest province and its candidates, not with the index.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import type { MatchSettings } from "../Match/Engine.js"
import { runMatch } from "../Match/Stage.js"
import { writeFileAtomic } from "../Report/AtomicFile.js"
import { IndexError } from "../Store/CentralIndex.js"
import { loadSubset, openIndex } from "./IndexRun.js"
import Database from "better-sqlite3"

export interface DuplicatesStats {
  readonly file: string
  readonly provinces: number
  readonly pairs: number
  readonly crossProvince: number
  readonly seconds: number
}

export interface DuplicateRecord {
  readonly a: string
  readonly b: string
  readonly provinceA: string
  readonly provinceB: string
  readonly unitA: string
  readonly unitB: string
  readonly score: number
}

export const nationalDuplicates = (central: string, out: string, settings: MatchSettings): Effect.Effect<DuplicatesStats, IndexError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const t0 = performance.now()
    const codes = yield* Effect.try({
      try: () => {
        const db = new Database(central, { readonly: true, fileMustExist: true })
        try {
          return (db.prepare(`SELECT code FROM central_provinces ORDER BY code`).all() as Array<{ code: string }>).map((r) => r.code)
        } finally {
          db.close()
        }
      },
      catch: (e) => new IndexError({ message: `${path.basename(central)}: ${e instanceof Error ? e.message : String(e)}` })
    })
    const lines: Array<string> = []
    let crossProvince = 0
    for (const code of codes) {
      const found = yield* Effect.scoped(
        Effect.gen(function*() {
          const h = yield* openIndex(central, code)
          return yield* Effect.try({
            try: () => {
              const subset = loadSubset(h, [], settings)
              const members = subset.central.data.members
              const result = runMatch(subset.central.data, [], settings)
              const provinceOf = (unit: string) => subset.provinceOfUnit.get(unit)?.code ?? ""
              const out: Array<DuplicateRecord> = []
              for (const p of result.duplicates) {
                const a = members[p.a]!
                const b = members[p.b]!
                const pa = provinceOf(a.unitCode)
                const pb = provinceOf(b.unitCode)
                // Written from the block of the smaller province code of the two.
                if ((pa < pb ? pa : pb) !== code) continue
                const [x, y] = a.id <= b.id ? [a, b] : [b, a]
                out.push({
                  a: x.id,
                  b: y.id,
                  provinceA: provinceOf(x.unitCode),
                  provinceB: provinceOf(y.unitCode),
                  unitA: x.unitCode,
                  unitB: y.unitCode,
                  score: Math.round(p.score * 10000) / 10000
                })
              }
              return out
            },
            catch: (e) => (e instanceof IndexError ? e : new IndexError({ message: `${code}: ${e instanceof Error ? e.message : String(e)}` }))
          })
        })
      )
      found.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0))
      for (const d of found) {
        if (d.provinceA !== d.provinceB) crossProvince++
        lines.push(JSON.stringify(d))
      }
      yield* Effect.logInfo(`central duplicates: province ${code}, ${found.length} pairs`)
    }
    yield* Effect.try({ try: () => fs.mkdirSync(out, { recursive: true }), catch: (e) => new IndexError({ message: `${out}: ${String(e)}` }) })
    const file = path.join(out, "central-duplicates.jsonl")
    yield* writeFileAtomic(file, lines.map((l) => l + "\n").join("")).pipe(
      Effect.mapError((e) => new IndexError({ message: `${file}: ${e instanceof Error ? e.message : String(e)}` }))
    )
    return { file, provinces: codes.length, pairs: lines.length, crossProvince, seconds: (performance.now() - t0) / 1000 }
  })

export const formatDuplicatesStats = (s: DuplicatesStats): string =>
  `central duplicates: ${s.pairs} pairs (${s.crossProvince} across provinces) over ${s.provinces} provinces in ${s.seconds.toFixed(1)} s\nwritten: ${s.file}`
