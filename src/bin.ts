/**
 * Entry point. Domain errors are printed as one line (`recon: …`) and exit 1; anything unexpected
 * is printed in full, so no failure is ever silent.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Console, Effect, Logger, LogLevel } from "effect"
import { cli } from "./Cli.js"

const program = cli(process.argv).pipe(
  Effect.catchAllCause((cause) => {
    const failure = Cause.failureOption(cause)
    if (failure._tag === "Some") {
      const e = failure.value as { _tag?: string; message?: string }
      // @effect/cli has already shown validation errors with the help text.
      if (e._tag === "ValidationError" || e._tag === undefined) return Effect.failCause(cause)
      return Console.error(`recon: ${e.message ?? String(e)}`).pipe(Effect.zipRight(Effect.failCause(cause)))
    }
    return Console.error(Cause.pretty(cause)).pipe(Effect.zipRight(Effect.failCause(cause)))
  }),
  Logger.withMinimumLogLevel(process.env.RECON_LOG === "debug" ? LogLevel.Debug : LogLevel.Warning),
  Effect.provide(NodeContext.layer)
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
