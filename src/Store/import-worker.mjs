// Worker-thread entry for ImportPool.ts under tsx (tests, `npm run dev`): registers the TypeScript
// loader, then loads the worker's code. The built CLI starts dist/ImportWorker.js instead.
import { register } from "tsx/esm/api"

register()
await import("./ImportWorker.ts")
