/**
 * Runs a checked command line through @effect/cli (Cli.ts) and turns its end into an exit code and
 * one line on stderr (Main.ts has already answered --help and refused unknown names). Interrupted by
 * SIGINT / SIGTERM, it ends its fibers (workers, temporary files) and exits 130.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Cause, Effect, Exit, Fiber, Logger, LogLevel } from "effect"
import { cli } from "./Cli.js"
import { commandOf, EXIT_CODES } from "./CliSpec.js"
import { rootSpec } from "./Commands.js"
import type { Io } from "./Main.js"

const LEVELS: Record<string, LogLevel.LogLevel> = {
  error: LogLevel.Error,
  warning: LogLevel.Warning,
  info: LogLevel.Info,
  debug: LogLevel.Debug
}

const ANSI = /\u001b\[[0-9;]*m/g

/** @effect/cli's message of a ValidationError, as one plain line. */
const validationLine = (e: ValidationError.ValidationError): string =>
  "error" in e ? HelpDoc.toAnsiText(e.error).replace(ANSI, "").replace(/\s*\n\s*/g, " ").trim() : (e as { _tag: string })._tag

/**
 * @effect/cli's messages for what Main.ts cannot check before parsing (a required option or argument,
 * a path that must exist, a number), rewritten to name the option and the fix like ours.
 */
export const withFix = (line: string, args: ReadonlyArray<string>): string => {
  const cmd = commandOf(rootSpec, args)
  const help = `see ${["recon", ...cmd.path].join(" ")} --help`
  let m = /^Expected to find option: '(--[\w-]+)'$/.exec(line)
  if (m !== null) return `${m[1]} is required (${help})`
  m = /^Missing argument <([^>]+)>$/.exec(line)
  if (m !== null) return `missing <${m[1]}> (${help})`
  m = /^Path '(.*)' must exist$/.exec(line)
  if (m !== null) return `${m[1]}: no such file or folder (${help})`
  m = /^'(.*)' is not a (?:integer|number)$/.exec(line)
  if (m !== null) {
    const at = args.indexOf(m[1]!)
    const option = at > 0 && args[at - 1]!.startsWith("--") ? `${args[at - 1]}: ` : ""
    return `${option}"${m[1]}" is not a whole number (${help})`
  }
  return line
}

/** Exit code and message of a failure of the command. */
const failureOf = (cause: Cause.Cause<unknown>): { code: number; line: string } => {
  if (Cause.isInterruptedOnly(cause)) return { code: 130, line: "interrupted" }
  const failure = Cause.failureOption(cause)
  if (failure._tag === "None") return { code: EXIT_CODES.failed, line: Cause.pretty(cause) }
  const e = failure.value
  if (ValidationError.isValidationError(e)) return { code: EXIT_CODES.usage, line: validationLine(e) }
  const tagged = e as { _tag?: string; message?: unknown }
  const message = typeof tagged.message === "string" ? tagged.message : String(e)
  return { code: tagged._tag === "UsageError" ? EXIT_CODES.usage : EXIT_CODES.failed, line: message }
}

/**
 * @effect/cli prints its own (multi-line, coloured) account of a parse error on Console.error; ours
 * replaces it, so its error output is dropped. Commands print with Console.log only.
 */
const withoutConsoleErrors = <A, E, R>(eff: Effect.Effect<A, E, R>) =>
  Effect.consoleWith((c) => Effect.withConsole(eff, { ...c, error: () => Effect.void, unsafe: { ...c.unsafe, error: () => {} } }))

/** The command's effect: its exit code, never failing. */
export const command = (args: ReadonlyArray<string>, io: Io, level: string): Effect.Effect<number> =>
  cli(["node", "recon", ...args]).pipe(
    withoutConsoleErrors,
    // Logs go to stderr (io.err), so stdout keeps only what the command prints.
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make((o) => io.err(Logger.logfmtLogger.log(o))))),
    Logger.withMinimumLogLevel(LEVELS[level] ?? LogLevel.Warning),
    Effect.provide(NodeContext.layer),
    Effect.exit,
    Effect.map((exit) => {
      if (Exit.isSuccess(exit)) return EXIT_CODES.ok
      const { code, line } = failureOf(exit.cause)
      io.err(`recon: ${code === EXIT_CODES.usage ? withFix(line, args) : line}`)
      return code
    })
  )

/** Runs the command; SIGINT / SIGTERM interrupt it (finalizers run). */
export const execute = async (args: ReadonlyArray<string>, io: Io, level: string): Promise<number> => {
  const fiber = Effect.runFork(command(args, io, level))
  const onSignal = () => fiber.unsafeInterruptAsFork(fiber.id())
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  try {
    const exit = await Effect.runPromise(Fiber.await(fiber))
    return Exit.isSuccess(exit) ? exit.value : (io.err("recon: interrupted"), 130)
  } finally {
    process.removeListener("SIGINT", onSignal)
    process.removeListener("SIGTERM", onSignal)
  }
}
