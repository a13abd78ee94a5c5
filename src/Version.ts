/** The tool's version, from package.json (inlined by the build, so reading it costs nothing at start). */
import pkg from "../package.json" with { type: "json" }

export const VERSION: string = pkg.version
