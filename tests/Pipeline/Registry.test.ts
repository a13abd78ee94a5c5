/**
 * Pipelines are the files of pipelines/ by name: the shipped ones load and pass the schema, and a
 * user's own file with a bad field is one line naming the file and the field, not a crash.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describePipelines, loadPipeline, pipelineNames } from "../../src/Pipeline/Registry.js"
import { sample } from "../../pipelines/sample.js"

const dirWith = (files: Record<string, string>): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recon-pipelines-"))
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text)
  return dir
}

/** The sample declaration as JSON, with `edit` applied. */
const sampleJson = (edit: (d: Record<string, any>) => void = () => {}): string => {
  const d = JSON.parse(JSON.stringify(sample))
  d.name = "mine"
  edit(d)
  return JSON.stringify(d, null, 2)
}

describe("pipeline registry", () => {
  it("lists the files of pipelines/ by name and loads the shipped ones", async () => {
    expect(pipelineNames()).toEqual(["annual-roster-matching", "sample"])
    const p = await loadPipeline("sample")
    expect(p.defaults.out).toBe("reports/sample")
    expect((await describePipelines()).map((x) => x.name)).toEqual(["annual-roster-matching", "sample"])
  })

  it("a user's JSON pipeline is loaded and checked", async () => {
    const dir = dirWith({ "mine.json": sampleJson() })
    const p = await loadPipeline("mine", dir)
    expect(p.match.blocking.length).toBe(sample.match.blocking.length)
    expect(p.defaults.asOf).toBe("2026-10-31")
  })

  const bad: ReadonlyArray<[string, (d: Record<string, any>) => void, RegExp]> = [
    ["a threshold out of range", (d) => (d.match.linkThreshold = 1.5), /^.*mine\.json: match\.linkThreshold: Expected a number between 0 and 1, actual 1\.5$/],
    ["an unknown block key", (d) => (d.match.blocking[0].keys = ["cccdd"]), /mine\.json: match\.blocking\.0\.keys\.0: expected one of cccd, cardNo, .*, got "cccdd"$/],
    ["an impossible as-of date", (d) => (d.defaults.asOf = "2026-02-30"), /mine\.json: defaults\.asOf: "2026-02-30" is not a date: 2026-02 has 28 days$/],
    ["a missing rule citation", (d) => delete d.rules[0].citations.FIELD_MISMATCH, /mine\.json: rules\.0\.citations\.FIELD_MISMATCH: is missing$/],
    ["a name that is not the file's", (d) => (d.name = "other"), /mine\.json: name is "other" but the file is named mine\.json; make them the same$/]
  ]
  for (const [what, edit, message] of bad) {
    it(`a user's pipeline with ${what} is one line naming the file and field`, async () => {
      const dir = dirWith({ "mine.json": sampleJson(edit) })
      await expect(loadPipeline("mine", dir)).rejects.toThrow(message)
    })
  }

  it("a broken JSON file and an unknown name say so", async () => {
    const dir = dirWith({ "mine.json": "{ \"name\": " })
    await expect(loadPipeline("mine", dir)).rejects.toThrow(/mine\.json: not valid JSON/)
    await expect(loadPipeline("yours", dir)).rejects.toThrow(/^unknown pipeline "yours"; the pipelines in .* are: mine$/)
  })

  it("a user's TypeScript pipeline is loaded from its source", async () => {
    const root = path.resolve("src/Pipeline/Declaration.ts")
    const dir = dirWith({
      "mine.ts": `import { sample } from ${JSON.stringify(path.resolve("pipelines/sample.ts"))}\n` +
        `import type { PipelineDeclaration } from ${JSON.stringify(root)}\n` +
        `export const mine: PipelineDeclaration = { ...sample, name: "mine", description: "mine", match: { ...sample.match, reviewThreshold: "high" as never } }\n`
    })
    await expect(loadPipeline("mine", dir)).rejects.toThrow(/mine\.ts: match\.reviewThreshold: Expected number, actual "high"$/)
  })
})
