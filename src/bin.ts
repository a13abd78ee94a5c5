#!/usr/bin/env node
/**
 * The `recon` command (compiled to dist/recon.js by `npm run build`; `npm run dev -- …` runs it
 * through tsx). `recon --version` answers before anything is loaded; everything else goes to Main.ts.
 */
import { VERSION } from "./Version.js"

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
