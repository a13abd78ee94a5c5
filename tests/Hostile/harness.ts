/**
 * The attack-suite harness (issue 11): builds hostile roster trees in temp directories from the
 * sample commune or from code, reads them the way `recon run` does (ingestRosters, or the whole
 * run through the CLI entry), and asserts what every attack must leave true: no crash, every row
 * accounted for (rows read = ingested + rejected, per file, and every file listed), a Vietnamese
 * message naming the file and the row, and nothing changed without a word.
 *
 * Everything is generated here (zip archives included, by `zipOf`); nothing binary is committed.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Either } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { expect } from "vitest"
import { cli } from "../../src/Cli.js"
import type { Rejection, RosterRow, Unit } from "../../src/Domain.js"
import { readCentral } from "../../src/Ingest/Central.js"
import type { RosterIngest } from "../../src/Ingest/Roster.js"
import { ingestRosters } from "../../src/Ingest/Rosters.js"

export const SAMPLE_ROSTERS = "samples/rosters"
export const SAMPLE_CENTRAL = "samples/central.xlsx"
export const AS_OF = "2026-10-31"
/** The sample's CSV roster of cell CB05 (UTF-8 with a BOM, 29 members). */
export const CB05_DIR = "Đảng bộ bộ phận Khu Nam"
export const CB05_FILE = "CB05_thon_Nam.csv"
export const CB05 = `${CB05_DIR}/${CB05_FILE}`

// ---------------------------------------------------------------------------------------------
// Trees

const made: Array<string> = []

/** A fresh temp directory, readable by everyone (the unprivileged child reads it too). */
export const tempDir = (prefix = "hostile"): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `recon-${prefix}-`))
  fs.chmodSync(dir, 0o755)
  made.push(dir)
  return dir
}

/** For afterAll: restores permissions (chmod 000 cases) and removes what this file made. */
export const cleanUp = (): void => {
  for (const dir of made.splice(0)) {
    spawnSync("chmod", ["-R", "u+rwx", dir])
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** A rosters directory holding `files` (path relative, "/" separated → bytes or text). */
export const tree = (files: Record<string, Uint8Array | string>, root = path.join(tempDir(), "rosters")): string => {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
  fs.mkdirSync(root, { recursive: true })
  return root
}

/** A copy of the sample commune's rosters, to attack in place. */
export const sampleTree = (): string => {
  const root = path.join(tempDir(), "rosters")
  fs.cpSync(SAMPLE_ROSTERS, root, { recursive: true })
  return root
}

/** The sample CB05 CSV as text (no BOM, "\n" line ends). */
export const cb05Text = (): string => fs.readFileSync(path.join(SAMPLE_ROSTERS, CB05), "utf8").replace(/^\uFEFF/, "").replace(/\r\n/g, "\n")

/** CB05's CSV as a grid of strings (header first), for building xlsx versions of it. */
export const cb05Grid = (): Array<Array<string>> => cb05Text().trim().split("\n").map((l) => l.split(","))

export { colName, sheetXml, toCp1258, utf16, xlsxOf, zipOf, type ZipEntry } from "./build.js"

// ---------------------------------------------------------------------------------------------
// Reading as recon does

let units: ReadonlyArray<Unit> | null = null

/** The sample central database's unit tree (read once per test file). */
export const sampleUnits = async (): Promise<ReadonlyArray<Unit>> => {
  units ??= (await Effect.runPromise(readCentral(SAMPLE_CENTRAL))).data.units
  return units
}

/** ingestRosters as `recon run` calls it, on this thread. */
export const ingest = async (dir: string): Promise<RosterIngest> =>
  Effect.runPromise(ingestRosters(dir, await sampleUnits(), { workers: 0 }))

/** `recon run` through the CLI entry, in-process: Right when it completed (exit 0), Left when it failed (exit 1). */
export const reconRun = (rosters: string, out: string) =>
  Effect.runPromise(
    Effect.either(
      cli(["node", "recon", "run", "--central", SAMPLE_CENTRAL, "--rosters", rosters, "--out", out, "--db", path.join(out, "state.sqlite"), "--as-of", AS_OF]).pipe(
        Effect.provide(NodeContext.layer)
      )
    )
  ).then((r) => (Either.isLeft(r) ? Either.left(r.left) : Either.right(undefined)))

export interface RunJson {
  readonly files: ReadonlyArray<{ file: string; rowsRead: number; rowsIngested: number; rowsRejected: number; error: string | null; suspectTruncated?: boolean }>
  readonly totals: { rowsRead: number; rowsIngested: number; rowsRejected: number }
  readonly rejections: ReadonlyArray<Rejection>
  readonly warnings: ReadonlyArray<Rejection>
}

export const readRunJson = (out: string): RunJson => JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8")) as RunJson

export interface Finding {
  readonly id: string
  readonly category: string
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<{ file: string; sheet: string; row: number }>
}

export const readFindings = (file: string): Array<Finding> => {
  const text = fs.readFileSync(file, "utf8").trim()
  return text === "" ? [] : text.split("\n").map((l) => JSON.parse(l) as Finding)
}

// ---------------------------------------------------------------------------------------------
// What every attack must leave true

/** A word with a Vietnamese letter: the message speaks Vietnamese. */
export const VIETNAMESE = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i

/**
 * Every row accounted for: per file rows read = ingested + rejected, the ingested rows are the
 * rows returned for that file, each rejected row has a rejection naming file and row; `files`
 * (relative paths) are all listed.
 */
export const expectAccounted = (r: RosterIngest, files: ReadonlyArray<string> = []): void => {
  const listed = r.files.map((f) => f.file)
  for (const f of files) expect(listed, `file ${JSON.stringify(f)} listed`).toContain(f)
  for (const f of r.files) {
    expect(f.rowsRead, f.file).toBe(f.rowsIngested + f.rowsRejected)
    if (f.error === null) {
      expect(r.rows.filter((x) => x.file === f.file).length, f.file).toBe(f.rowsIngested)
      expect(r.rejections.filter((x) => x.file === f.file && x.row !== null).length, f.file).toBe(f.rowsRejected)
    } else {
      expect(r.rejections.some((x) => x.file === f.file && x.reason === f.error), f.file).toBe(true)
      expect(f.error, f.file).toMatch(VIETNAMESE)
    }
  }
}

/** The problem reported for `file` (a rejection or warning whose reason matches), with its row. */
export const issueOf = (issues: ReadonlyArray<Rejection>, file: string, reason: RegExp): Rejection => {
  const hit = issues.find((x) => x.file === file && reason.test(x.reason))
  expect(hit, `an issue of ${JSON.stringify(file)} matching ${reason} among ${JSON.stringify(issues.filter((x) => x.file === file))}`).toBeDefined()
  expect(hit!.reason).toMatch(VIETNAMESE)
  return hit!
}

/** What a row says, for "nothing silently changed": every decoded field, not where it came from. */
export const content = (r: RosterRow) => ({
  row: r.row,
  unitCode: r.unitCode,
  name: r.name,
  birth: r.birth,
  sex: r.sex,
  hometown: r.hometown,
  cccd: r.cccd,
  cardNo: r.cardNo,
  admitted: r.admitted,
  note: r.note
})

/** The rows the sample's clean CB05 CSV gives (the reference an attacked copy is compared with). */
export const cleanCb05 = async (): Promise<Array<ReturnType<typeof content>>> => {
  const r = await ingest(tree({ [CB05_FILE]: cb05Text() }))
  return r.rows.map(content)
}

/** Runs a TypeScript file as an unprivileged user (uid/gid 65534) when this process is root; else as is. */
export const runUnprivileged = (script: string, args: ReadonlyArray<string>): { status: number | null; stdout: string; stderr: string } => {
  const asRoot = process.getuid?.() === 0
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    cwd: process.cwd(),
    env: { ...process.env, HOME: os.tmpdir() },
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    timeout: 60_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
