#!/usr/bin/env node
// Builds the CLI as it ships: one esbuild bundle of src/ (and what it imports: pipelines/, the
// generators under samples/generators/, effect and the other pure-JS packages) into dist/, split at
// every dynamic import() so a command loads only its own code. Run by `npm ci` (the `prepare`
// script) and by `npm test`; tsx stays for development (`npm run dev -- …`) and the tests.
//
// Entry points are globbed, so a new pipeline or worker needs no change here:
//   src/bin.ts                 → dist/recon.js            (the `recon` command)
//   src/**/*Worker.ts, *Child.ts → dist/<name>.js         (worker threads / child processes)
//   pipelines/*.ts             → dist/pipelines/<name>.js (loaded by name; see src/Pipeline/Registry.ts)
// better-sqlite3 is native and stays in node_modules. exceljs is bundled: loaded from node_modules it
// took twice as long to load (CommonJS resolution of ~200 files; 2.6–3.5 s against 1.5–1.8 s, measured
// under heavy load beside node -e 0 at 0.6–0.8 s).
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const rel = (p) => path.relative(root, p).split(path.sep).join("/")
const walk = (dir) =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]
    )
    : []

const entryPoints = { recon: "src/bin.ts" }
for (const f of walk(path.join(root, "src"))) {
  const m = /([A-Za-z]+(?:Worker|Child))\.ts$/.exec(f)
  if (m) entryPoints[m[1]] = rel(f)
}
for (const f of walk(path.join(root, "pipelines"))) {
  const m = /^([a-z0-9][a-z0-9-]*)\.ts$/.exec(path.basename(f))
  if (m && m[1] !== "index") entryPoints[`pipelines/${m[1]}`] = rel(f)
}

const t0 = performance.now()
const outdir = path.join(root, "dist")
fs.rmSync(outdir, { recursive: true, force: true })
await esbuild.build({
  absWorkingDir: root,
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  // tsx loads a user's own pipeline source at run time (Pipeline/Registry.ts): used from node_modules, never bundled.
  external: ["better-sqlite3", "tsx", "esbuild"],
  // CommonJS packages inside the bundle call require().
  banner: { js: "import { createRequire as __reconRequire } from 'node:module'; const require = __reconRequire(import.meta.url);" },
  define: { "process.env.RECON_BUILD_TIME": JSON.stringify(String(Date.now())) },
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning"
})
fs.writeFileSync(path.join(outdir, "package.json"), JSON.stringify({ type: "module" }) + "\n")
fs.chmodSync(path.join(outdir, "recon.js"), 0o755)
if (!process.argv.includes("--quiet"))
  console.log(`built dist/ (${Object.keys(entryPoints).length} entry points) in ${Math.round(performance.now() - t0)} ms`)
