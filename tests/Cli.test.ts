/** The CLI as a user calls it: argv in, files out, failures as typed errors. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cli } from "../src/Cli.js"

const recon = (...args: Array<string>) => cli(["node", "recon", ...args]).pipe(Effect.provide(NodeContext.layer))
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "recon-cli-"))

describe("recon CLI", () => {
  it.effect("run --pipeline sample --expect passes on the sample commune", () =>
    Effect.gen(function*() {
      const out = tmp()
      yield* recon("run", "--pipeline", "sample", "--out", out, "--db", path.join(out, "s.sqlite"), "--expect", "samples/expected/discrepancies.jsonl")
      for (const f of ["discrepancies.jsonl", "links.csv", "review.xlsx", "run.json"]) expect(fs.existsSync(path.join(out, f))).toBe(true)
      expect(fs.readdirSync(out).filter((f) => f.includes(".tmp-"))).toEqual([])
    }), 120_000)

  it.effect("central import makes a SQLite central that reconciles to the same findings", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const db = path.join(dir, "central.sqlite")
      yield* recon("central", "import", "samples/central.xlsx", "--into", db)
      const out = path.join(dir, "out")
      yield* recon("run", "--central", db, "--rosters", "samples/rosters", "--out", out, "--as-of", "2026-10-31", "--db", path.join(dir, "state.sqlite"), "--expect", "samples/expected/discrepancies.jsonl")
    }), 120_000)

  it.effect("--expect fails with the differences when the result changes", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const expected = path.join(dir, "expected.jsonl")
      const lines = fs.readFileSync("samples/expected/discrepancies.jsonl", "utf8").trim().split("\n")
      fs.writeFileSync(expected, lines.slice(1).join("\n") + "\n")
      const result = yield* Effect.either(recon("run", "--pipeline", "sample", "--out", path.join(dir, "o"), "--db", path.join(dir, "s.sqlite"), "--expect", expected))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(String((result.left as { message?: string }).message)).toContain("extra")
    }), 120_000)

  it.effect("an unreadable central export is a one-line RunError naming the file", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const bad = path.join(dir, "central.xlsx")
      fs.writeFileSync(bad, "not a workbook")
      const result = yield* Effect.either(recon("run", "--central", bad, "--rosters", "samples/rosters", "--out", path.join(dir, "o"), "--db", path.join(dir, "s.sqlite")))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("RunError")
        expect((result.left as { message: string }).message).toContain("central.xlsx")
      }
    }))

  it.effect("an unknown pipeline and a malformed --as-of are usage errors", () =>
    Effect.gen(function*() {
      const a = yield* Effect.either(recon("run", "--pipeline", "nope"))
      expect(Either.isLeft(a) && a.left._tag).toBe("UsageError")
      const b = yield* Effect.either(recon("run", "--pipeline", "sample", "--as-of", "31/10/2026"))
      expect(Either.isLeft(b) && b.left._tag).toBe("UsageError")
    }))
})
