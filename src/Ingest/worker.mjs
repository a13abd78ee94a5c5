// Worker-thread entry for Pool.ts: registers the TypeScript loader (as src/recon.mjs does), then
// loads the worker's code.
import { register } from "tsx/esm/api"

register()
await import("./RosterWorker.ts")
