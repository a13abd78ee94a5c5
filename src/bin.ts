#!/usr/bin/env node
/**
 * The `recon` command (compiled to dist/recon.js by `npm run build`; `npm run dev -- …` runs it
 * through tsx). `recon --version` answers before anything is loaded; everything else goes to Main.ts.
 */
import { VERSION } from "./Version.js"

// Bundled packages (exceljs's zip code) call `new Buffer()`; Node warns about that (DEP0005) unless the
// caller sits in node_modules, which bundled code no longer does. That one warning is not the user's
// concern; every other warning is still printed.
const emitWarning = process.emitWarning.bind(process)
process.emitWarning = ((warning: string | Error, ...rest: Array<unknown>) => {
  const code = typeof rest[0] === "object" && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1]
  if (code === "DEP0005") return
  ;(emitWarning as (...a: Array<unknown>) => void)(warning, ...rest)
}) as typeof process.emitWarning

if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.write(`${VERSION}\n`)
} else {
  const { main } = await import("./Main.js")
  process.exitCode = await main(process.argv.slice(2), {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    isTTY: process.stdout.isTTY === true,
    env: process.env
  })
}
