/**
 * The shipped sample commune (xã An Phú), reconciled as of a fixed date so its result is stable
 * and CI can compare it with samples/expected/. This is what `npm start` runs.
 */
import type { PipelineDeclaration } from "../src/Pipeline/Declaration.js"
import { annualRosterMatching } from "./annual-roster-matching.js"

export const sample: PipelineDeclaration = {
  ...annualRosterMatching,
  name: "sample",
  description: "The sample commune in samples/, as of 2026-10-31",
  defaults: {
    central: "samples/central.xlsx",
    rosters: "samples/rosters",
    out: "reports/sample",
    // The state database is the run's: reports/sample/state.sqlite (<out>/state.sqlite).
    asOf: "2026-10-31"
  }
}

export default sample
