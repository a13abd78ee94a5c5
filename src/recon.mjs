#!/usr/bin/env node
// Launcher for the `recon` command: registers the TypeScript loader (tsx) relative to this file,
// so it works from any working directory, then runs the CLI.
import { register } from "tsx/esm/api"

register()
await import("./bin.ts")
