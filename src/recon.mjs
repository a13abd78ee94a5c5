#!/usr/bin/env node
// Development launcher: runs the CLI from the TypeScript sources through tsx (registered relative
// to this file, so it works from any working directory). What ships is the compiled dist/recon.js
// (`npm run build`, run by `npm ci`); this is for trying a change without rebuilding.
import { register } from "tsx/esm/api"

register()
await import("./bin.ts")
