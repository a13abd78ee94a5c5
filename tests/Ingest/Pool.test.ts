/**
 * Reading a directory on this thread and a worker thread together (Pool.ts) gives exactly what
 * reading it on this thread alone gives, whoever reads which file.
 */
import { describe, expect, it } from "@effect/vitest"
import * as path from "node:path"
import type { Unit } from "../../src/Domain.js"
import { startRosterPool } from "../../src/Ingest/Pool.js"
import { type FileExtract, listRosterFiles, readRosterFile } from "../../src/Ingest/Roster.js"
import { makeUnitIndex, parseUnitAliases } from "../../src/Ingest/Units.js"
import * as fs from "node:fs"
import type { FixtureManifest } from "../../samples/generators/Fixtures.js"

const ROOT = path.join(import.meta.dirname, "..", "fixtures", "rosters")
const DIR = path.join(ROOT, "files")
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "expected.json"), "utf8")) as FixtureManifest
const aliases = parseUnitAliases(fs.readFileSync(path.join(ROOT, "aliases.csv"), "utf8")).aliases
const index = makeUnitIndex(manifest.units, aliases)

const readHere = async (files: ReadonlyArray<string>) => {
  const out: Array<FileExtract> = []
  for (const f of files) out.push(await readRosterFile(DIR, f, index))
  return out
}

describe("startRosterPool(n).read", () => {
  it("puts a worker's answers in file order, equal to reading on this thread", async () => {
    const files = await listRosterFiles(DIR)
    const expected = await readHere(files)
    const readByThisThread: Array<string> = []
    // This thread is made slow (1.5 s a file), so the worker reads most of the files even when it
    // takes seconds to start on a loaded machine (at 150 ms a file this thread read all 9 before a
    // worker started under load 15–20).
    const got = await startRosterPool(1).read({
      dir: DIR,
      files,
      units: manifest.units,
      aliases,
      read: async (rel) => {
        readByThisThread.push(rel)
        await new Promise((r) => setTimeout(r, 1500))
        return readRosterFile(DIR, rel, index)
      }
    })
    expect(got).toEqual(expected)
    expect(readByThisThread.length).toBeLessThan(files.length)
    expect(readByThisThread.length).toBeGreaterThan(0)
  }, 60_000)

  it("reads everything on this thread when no worker can be started", async () => {
    const files = await listRosterFiles(DIR)
    // A function cannot be sent to a thread: the worker fails to start.
    const units = [...manifest.units, { ...manifest.units[0]!, code: "X", toString: () => "x" } as unknown as Unit]
    let here = 0
    const got = await startRosterPool(2).read({ dir: DIR, files, units, aliases, read: (rel) => (here++, readRosterFile(DIR, rel, index)) })
    expect(got).toEqual(await readHere(files))
    expect(here).toBe(files.length)
  }, 60_000)

  it("finishes on this thread when the workers are ended with files still queued on them", async () => {
    const files = await listRosterFiles(DIR)
    const pool = startRosterPool(1)
    expect(pool.size).toBe(1)
    let reads = 0
    const got = await pool.read({
      dir: DIR,
      files,
      units: manifest.units,
      aliases,
      read: async (rel) => {
        // The worker has been given the files from the back; it is ended before it answers.
        if (++reads === 2) pool.close()
        await new Promise((r) => setTimeout(r, 100))
        return readRosterFile(DIR, rel, index)
      }
    })
    expect(got).toEqual(await readHere(files))
  }, 60_000)
})
