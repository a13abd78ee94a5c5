/**
 * The `recon` command as a process sees it: argv in, text on stdout / stderr, an exit code out.
 * Before anything heavy is loaded: `--help` is rendered from the specs (Commands.ts, CliSpec.ts),
 * unknown commands and options and bad choices are refused with the nearest name, and
 * `--log-level` is taken out; only then is the command run (Execute.ts, @effect/cli). Every failure
 * ends as one line `recon: …` (a refused review import lists its problems under it) and a
 * documented exit code (CliSpec.EXIT_CODES).
 */
import { commandOf, EXIT_CODES, renderHelp, styleFor, unknownCommand, unknownFlag } from "./CliSpec.js"
import { rootSpec } from "./Commands.js"
import { VERSION } from "./Version.js"

export interface Io {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  /** Whether stdout is a terminal (bold help). */
  readonly isTTY: boolean
  readonly env: Record<string, string | undefined>
}

const LOG_LEVELS = ["error", "warning", "info", "debug"]

const helpWanted = (args: ReadonlyArray<string>): boolean => {
  const end = args.indexOf("--")
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h")
}

/** `--log-level <level>` / `--log-level=<level>` taken out of args: the level, or the usage message. */
const takeLogLevel = (args: Array<string>, env: Io["env"]): { level: string } | { error: string } => {
  let level = env.RECON_LOG === "debug" ? "debug" : "warning"
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === "--") break
    if (a !== "--log-level" && !a.startsWith("--log-level=")) continue
    const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[i + 1]
    args.splice(i, a.includes("=") ? 1 : 2)
    i--
    if (value === undefined || !LOG_LEVELS.includes(value))
      return { error: `--log-level must be one of ${LOG_LEVELS.join(", ")}, got ${value === undefined ? "nothing" : `"${value}"`}` }
    level = value
  }
  return { level }
}

/** What is wrong with the command line before it is parsed, as one line; undefined when nothing is. */
const misuse = (args: ReadonlyArray<string>): string | undefined => {
  const badCommand = unknownCommand(rootSpec, args)
  if (badCommand !== undefined) return badCommand
  const cmd = commandOf(rootSpec, args)
  if (cmd.subcommands !== undefined && args.length === cmd.path.length && cmd.path.length > 0) {
    const names = cmd.subcommands.map((c) => c.path[c.path.length - 1]).join(", ")
    return `recon ${cmd.path.join(" ")} needs a command: ${names} (see recon ${cmd.path.join(" ")} --help)`
  }
  return unknownFlag(cmd, args.slice(cmd.path.length))
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export const main = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const args = [...argv]
  if (args.length === 1 && args[0] === "--version") return (io.out(VERSION), EXIT_CODES.ok)
  const usage = (line: string) => (io.err(`recon: ${line}`), EXIT_CODES.usage)
  const log = takeLogLevel(args, io.env)
  if ("error" in log) return usage(log.error)
  if (args.length === 0 || (helpWanted(args) && unknownCommand(rootSpec, args) === undefined)) {
    io.out(renderHelp(commandOf(rootSpec, args), styleFor({ isTTY: io.isTTY }, io.env), VERSION))
    return EXIT_CODES.ok
  }
  const wrong = misuse(args)
  if (wrong !== undefined) return usage(wrong)
  const { execute } = await import("./Execute.js")
  return execute(args, io, log.level)
}
