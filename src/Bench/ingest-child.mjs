// Child process of the ingestion benchmark (Ingest.ts): registers the TypeScript loader, then runs
// IngestChild.ts, so its peak RSS is the ingestion's alone.
import { register } from "tsx/esm/api"

register()
await import("./IngestChild.ts")
