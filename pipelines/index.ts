/** The named pipelines `recon run --pipeline NAME` knows. */
import type { PipelineDeclaration } from "../src/Pipeline/Declaration.js"
import { annualRosterMatching } from "./annual-roster-matching.js"
import { sample } from "./sample.js"

export const pipelines: ReadonlyArray<PipelineDeclaration> = [annualRosterMatching, sample]
