/**
 * What a pipeline declares (Splink's "settings": authoring, not implementing). A file in pipelines/
 * exports one of these; src/ implements it.
 */
import type { MatchSettings } from "../Match/Engine.js"
import type { CalendarSettings } from "../Rules/Calendar.js"
import type { RuleParams } from "../Rules/Rules.js"

export interface PipelineDeclaration {
  readonly name: string
  readonly description: string
  /** Default inputs and outputs, relative to the project root; the CLI's options override them. */
  readonly defaults: {
    readonly central?: string
    readonly rosters?: string
    readonly out?: string
    /** ISO date; when absent, today. */
    readonly asOf?: string
    readonly db?: string
    /**
     * CSV of old unit names (before a restructuring such as 1/7/2025) and the current unit code each
     * now means: columns "Tên cũ", "Đảng bộ cũ" (optional), "Mã chi bộ mới". See README.
     */
    readonly unitAliases?: string
  }
  readonly match: MatchSettings
  /** Rule parameters with the date each set took effect; a run applies the set in force on its as-of date. */
  readonly rules: ReadonlyArray<RuleParams>
  readonly calendar: CalendarSettings
}
