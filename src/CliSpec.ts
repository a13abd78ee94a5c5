/**
 * What the command line accepts, declared once as data: Cli.ts builds the @effect/cli options from
 * it, and this file renders the help and checks the flags of a command line against it. The help
 * is ours rather than @effect/cli's because its text cannot be made to teach (every option reads "A
 * user-defined piece of text.", usage reads `$ run`, ANSI codes even in pipes and under NO_COLOR).
 * Plain functions; no Effect, no @effect/cli.
 */
import levenshtein from "fast-levenshtein"

export type OptionKind = "text" | "file" | "directory" | "integer" | "choice" | "date" | "boolean"

export interface OptionSpec {
  readonly name: string
  readonly kind: OptionKind
  /** Shown after the flag, e.g. <file>. */
  readonly placeholder?: string
  readonly description: string
  /** As the user would type it; absent when there is none or it is computed (say so in `defaultText`). */
  readonly default?: string
  /** When the default depends on other options, in words. */
  readonly defaultText?: string
  readonly choices?: ReadonlyArray<string>
  /** true, or the condition under which the option may be left out (e.g. "unless the pipeline declares it"). */
  readonly required?: true | string
}

export interface ArgSpec {
  readonly name: string
  readonly description: string
  readonly optional?: boolean
  readonly repeated?: boolean
}

export interface CommandSpec {
  /** Words after `recon`, e.g. ["review", "import"]; [] for the root. */
  readonly path: ReadonlyArray<string>
  readonly summary: string
  readonly args?: ReadonlyArray<ArgSpec>
  readonly options?: ReadonlyArray<OptionSpec>
  readonly subcommands?: ReadonlyArray<CommandSpec>
  /** Ends the help: what to type and what it does. */
  readonly examples?: ReadonlyArray<{ readonly command: string; readonly what: string }>
  /** Extra paragraphs under the options. */
  readonly notes?: ReadonlyArray<string>
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: ReadonlyArray<OptionSpec> = [
  { name: "help", kind: "boolean", description: "Show this help and exit." },
  {
    name: "log-level",
    kind: "choice",
    placeholder: "<level>",
    description: "How much to log on stderr.",
    choices: ["error", "warning", "info", "debug"],
    default: "warning"
  }
]

/** Exit codes, as the root help and README document them. */
export const EXIT_CODES = {
  ok: 0,
  /** The command could not complete: an input unreadable, a database damaged, --expect differs. */
  failed: 1,
  /** The command line is wrong: unknown option or command, missing or invalid value. */
  usage: 2
} as const

// ---------------------------------------------------------------------------------------------
// Finding the command of a command line

/** The deepest command named by the leading words of `args` (argv without node and script). */
export const commandOf = (root: CommandSpec, args: ReadonlyArray<string>): CommandSpec => {
  let cmd = root
  for (const a of args) {
    if (a.startsWith("-")) break
    const sub = cmd.subcommands?.find((c) => c.path[c.path.length - 1] === a)
    if (sub === undefined) break
    cmd = sub
  }
  return cmd
}

const flagName = (a: string): string => a.replace(/^--?/, "").split("=")[0]!

const editDistance = (a: string, b: string): number => levenshtein.get(a, b)

/** The option name nearest to `name` among `names`, when it is near enough to be a typo. */
export const nearest = (name: string, names: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestD = Infinity
  for (const n of names) {
    const d = n.startsWith(name) && name.length >= 3 ? 1 : editDistance(name, n)
    if (d < bestD) {
      bestD = d
      best = n
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

const usageName = (cmd: CommandSpec): string => ["recon", ...cmd.path].join(" ")

/**
 * The first flag of `args` that `cmd` does not take, as the one-line message naming the nearest
 * option; undefined when every flag is known. Values of options are skipped, and `--` ends flags.
 */
export const unknownFlag = (cmd: CommandSpec, args: ReadonlyArray<string>): string | undefined => {
  const options = [...(cmd.options ?? []), ...GLOBAL_OPTIONS]
  const known = new Map(options.map((o) => [o.name, o]))
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === "--") break
    if (!a.startsWith("-") || /^-\d/.test(a)) continue
    if (a === "-h") continue
    const name = flagName(a)
    const spec = known.get(name)
    if (spec === undefined) {
      const near = nearest(name, options.map((o) => o.name))
      const hint = near !== undefined ? `did you mean --${near}?` : `see ${usageName(cmd)} --help`
      const what = cmd.options === undefined && cmd.subcommands !== undefined ? `${usageName(cmd)} takes a command, not` : `unknown option`
      return `${what} ${a.split("=")[0]}; ${hint}`
    }
    if (spec.kind === "boolean") continue
    const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[i + 1]
    if (!a.includes("=")) i++
    if (value === undefined || (value.startsWith("--") && !a.includes("=")))
      return `--${name} needs a value: ${placeholderOf(spec)} (see ${usageName(cmd)} --help)`
    if (spec.choices !== undefined && !spec.choices.includes(value)) {
      const near = nearest(value, spec.choices)
      return `--${name}: "${value}" is not one of ${spec.choices.join(", ")}` + (near !== undefined ? `; did you mean ${near}?` : "")
    }
  }
  return undefined
}

/** The first word that names no command of `cmd`, with the nearest command; undefined if none. */
export const unknownCommand = (root: CommandSpec, args: ReadonlyArray<string>): string | undefined => {
  const cmd = commandOf(root, args)
  const word = args[cmd.path.length]
  if (cmd.subcommands === undefined || word === undefined || word.startsWith("-")) return undefined
  const names = cmd.subcommands.map((c) => c.path[c.path.length - 1]!)
  const near = nearest(word, names)
  return `unknown command ${usageName(cmd)} ${word}; ` +
    (near !== undefined ? `did you mean ${usageName(cmd)} ${near}?` : `one of: ${names.join(", ")}`)
}

// ---------------------------------------------------------------------------------------------
// Help

export interface Style {
  readonly bold: (s: string) => string
}

/** Bold on a terminal, unless NO_COLOR is set (https://no-color.org); plain otherwise. */
export const styleFor = (stream: { readonly isTTY?: boolean }, env: Record<string, string | undefined>): Style =>
  stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb"
    ? { bold: (s) => `\u001b[1m${s}\u001b[22m` }
    : { bold: (s) => s }

const WIDTH = 100
const INDENT = 26

const wrap = (text: string, width: number): Array<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === "" ? word : `${line} ${word}`
  }
  if (line !== "") lines.push(line)
  return lines
}

const placeholderOf = (o: OptionSpec): string =>
  o.kind === "boolean"
    ? ""
    : o.placeholder ?? (o.kind === "choice" ? `<${o.choices!.join("|")}>` : o.kind === "date" ? "<YYYY-MM-DD>" : `<${o.kind === "directory" ? "dir" : o.kind === "integer" ? "n" : o.kind}>`)

const optionText = (o: OptionSpec): string => {
  const parts = [o.description]
  if (o.required === true) parts.unshift("Required.")
  else if (typeof o.required === "string") parts.unshift(`Required ${o.required}.`)
  if (o.choices !== undefined && o.placeholder !== undefined) parts.push(`One of: ${o.choices.join(", ")}.`)
  if (o.default !== undefined) parts.push(`Default: ${o.default}.`)
  else if (o.defaultText !== undefined) parts.push(`Default: ${o.defaultText}.`)
  return parts.join(" ")
}

const entry = (left: string, text: string, style: Style): Array<string> => {
  const body = wrap(text, WIDTH - INDENT)
  const pad = left.length + 2 <= INDENT ? " ".repeat(INDENT - left.length) : null
  const first = pad === null ? [style.bold(left)] : []
  const lines = body.map((l, i) => (i === 0 && pad !== null ? `${style.bold(left)}${pad}${l}` : `${" ".repeat(INDENT)}${l}`))
  return [...first, ...lines]
}

const usageLine = (cmd: CommandSpec): string => {
  const required = (cmd.options ?? []).filter((o) => o.required === true).map((o) => `--${o.name} ${placeholderOf(o)}`)
  const args = (cmd.args ?? []).map((a) => {
    const s = `<${a.name}>${a.repeated === true ? "…" : ""}`
    return a.optional === true ? `[${s}]` : s
  })
  const rest = cmd.subcommands !== undefined ? ["<command>"] : []
  return [usageName(cmd), ...rest, ...required, ...args, "[options]"].join(" ")
}

/** The help of one command, as `recon <command> --help` prints it. */
export const renderHelp = (cmd: CommandSpec, style: Style, version: string): string => {
  const out: Array<string> = []
  const title = cmd.path.length === 0 ? `recon ${version}` : usageName(cmd)
  out.push(`${style.bold(title)}: ${cmd.summary}`, "", `${style.bold("Usage:")} ${usageLine(cmd)}`)
  if (cmd.subcommands !== undefined) {
    out.push("", style.bold("Commands:"))
    for (const c of cmd.subcommands) out.push(...entry(`  ${c.path[c.path.length - 1]}`, c.summary, style))
  }
  if (cmd.args !== undefined && cmd.args.length > 0) {
    out.push("", style.bold("Arguments:"))
    for (const a of cmd.args) {
      const note = a.optional === true ? " Optional." : a.repeated === true ? " One or more." : ""
      out.push(...entry(`  <${a.name}>`, a.description + note, style))
    }
  }
  out.push("", style.bold("Options:"))
  for (const o of [...(cmd.options ?? []), ...GLOBAL_OPTIONS]) {
    const ph = placeholderOf(o)
    out.push(...entry(`  --${o.name}${ph === "" ? "" : " " + ph}`, optionText(o), style))
  }
  for (const n of cmd.notes ?? []) out.push("", ...wrap(n, WIDTH))
  if (cmd.examples !== undefined && cmd.examples.length > 0) {
    out.push("", style.bold("Examples:"))
    for (const e of cmd.examples) out.push(...wrap(e.what, WIDTH - 2).map((l) => `  # ${l}`), `  ${e.command}`, "")
    out.pop()
  }
  if (cmd.subcommands !== undefined) out.push("", `Run \`${usageName(cmd)} <command> --help\` for a command's options.`)
  return out.join("\n")
}
