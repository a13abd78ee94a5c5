/**
 * The names of the pipelines: the files of `pipelines/` beside recon's package.json. Reads only the
 * directory (no pipeline is loaded), so the CLI can offer them as the choices of `--pipeline` at
 * start-up. Loading one is Registry.ts.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const here = fileURLToPath(import.meta.url)

/** The project root: the nearest directory above this module holding recon's package.json. */
export const projectRoot = (): string => {
  let dir = path.dirname(here)
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }
      if (pkg.name === "recon") return dir
    } catch {
      // no package.json here
    }
    const up = path.dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
}

export const pipelinesDir = (): string => path.join(projectRoot(), "pipelines")

export const FILE = /^([a-z0-9][a-z0-9-]*)\.(ts|json)$/

/** Pipeline names (file names without extension), sorted; index.ts is not a pipeline. */
export const pipelineNames = (dir: string = pipelinesDir()): Array<string> => {
  let entries: Array<string>
  try {
    entries = fs.readdirSync(dir)
  } catch {
    return []
  }
  const names = new Set<string>()
  for (const e of entries) {
    const m = FILE.exec(e)
    if (m !== null && m[1] !== "index") names.add(m[1]!)
  }
  return [...names].sort()
}

