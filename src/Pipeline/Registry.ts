/**
 * The named pipelines: the files of `pipelines/` (beside package.json), by file name. Listing them
 * reads only the directory, so `--pipeline` can offer the names without loading any; a pipeline is
 * loaded when a command uses it, and checked against PipelineSchema (Declaration.ts):
 *
 * - `<name>.ts` exporting a PipelineDeclaration (default export, or an export whose `name` is the
 *   file's). The build compiles the ones present at build time into dist/pipelines/; a file added or
 *   edited since is loaded from its source through tsx (a second or so longer), so a user's own
 *   pipeline works without rebuilding.
 * - `<name>.json`: the same declaration as data (blocking rules as `{ "name", "keys": [...] }`).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import * as Either from "effect/Either"
import { checkPipeline, type PipelineDeclaration } from "./Declaration.js"
import { here, pipelineNames, pipelinesDir } from "./Names.js"

export { pipelineNames, pipelinesDir, projectRoot } from "./Names.js"

/** A pipeline that cannot be found or loaded; the message is one line naming the file and field. */
export class PipelineError extends Error {
  override readonly name = "PipelineError"
}

const isCompiled = !here.endsWith(".ts")

const mtime = (file: string): number => {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return -1
  }
}

/** The module to import for `<name>.ts`: the compiled one when it is at least as new as the source. */
const moduleUrl = async (source: string, name: string): Promise<string> => {
  if (isCompiled) {
    const compiled = path.join(path.dirname(here).replace(/[\\/]chunks$/, ""), "pipelines", `${name}.js`)
    if (mtime(compiled) >= mtime(source)) return pathToFileURL(compiled).href
    const { register } = await import("tsx/esm/api")
    register()
  }
  return pathToFileURL(source).href
}

const declarationOf = (mod: Record<string, unknown>, name: string): unknown => {
  if (mod.default !== undefined) return mod.default
  const objects = Object.values(mod).filter((v) => typeof v === "object" && v !== null)
  return objects.find((v) => (v as { name?: unknown }).name === name) ?? (objects.length === 1 ? objects[0] : undefined)
}

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"))
  } catch (e) {
    throw new PipelineError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
}

/** Loads and checks the pipeline `name`; PipelineError with one line when it cannot. */
export const loadPipeline = async (name: string, dir: string = pipelinesDir()): Promise<PipelineDeclaration> => {
  const names = pipelineNames(dir)
  if (!names.includes(name))
    throw new PipelineError(`unknown pipeline "${name}"; the pipelines in ${dir} are: ${names.join(", ") || "none"}`)
  const json = path.join(dir, `${name}.json`)
  const ts = path.join(dir, `${name}.ts`)
  const file = fs.existsSync(json) ? json : ts
  let value: unknown
  if (file === json) value = readJson(json)
  else {
    try {
      value = declarationOf((await import(await moduleUrl(ts, name))) as Record<string, unknown>, name)
    } catch (e) {
      throw new PipelineError(`${file}: cannot be loaded: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`)
    }
    if (value === undefined) throw new PipelineError(`${file}: exports no pipeline declaration (export default { name: "${name}", … })`)
  }
  const checked = checkPipeline(value)
  if (Either.isLeft(checked)) throw new PipelineError(`${file}: ${checked.left}`)
  if (checked.right.name !== name)
    throw new PipelineError(`${file}: name is "${checked.right.name}" but the file is named ${path.basename(file)}; make them the same`)
  return checked.right
}

/** Every pipeline with its description, for `recon pipelines`; a broken file is listed with its problem. */
export const describePipelines = async (dir: string = pipelinesDir()): Promise<Array<{ name: string; description: string }>> => {
  const out: Array<{ name: string; description: string }> = []
  for (const name of pipelineNames(dir)) {
    try {
      out.push({ name, description: (await loadPipeline(name, dir)).description })
    } catch (e) {
      out.push({ name, description: `(cannot be used: ${e instanceof Error ? e.message : String(e)})` })
    }
  }
  return out
}
