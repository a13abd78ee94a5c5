/** `npx tsx src/Build/schemas.ts`: rewrites the JSON Schema files of samples/schemas/ from src/Report/Schemas.ts. */
import * as fs from "node:fs"
import { jsonSchemaFiles } from "../Report/Schemas.js"

fs.mkdirSync("samples/schemas", { recursive: true })
for (const [name, text] of Object.entries(jsonSchemaFiles())) fs.writeFileSync(`samples/schemas/${name}`, text)
console.log(`wrote samples/schemas/ (${Object.keys(jsonSchemaFiles()).join(", ")})`)
