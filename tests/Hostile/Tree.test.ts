/**
 * Attacks on the --rosters tree (issue 11, observation 4): every directory entry on its own. An
 * unreadable folder or file, a symbolic link (followed once), a link loop, a dangling link, a
 * FIFO, names that are not UTF-8 or hold a newline: each is reported, and the rest is read.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { execFileSync } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FileSummary, Rejection } from "../../src/Domain.js"
import {
  CB05_FILE,
  cb05Text,
  cleanCb05,
  cleanUp,
  content,
  expectAccounted,
  ingest,
  issueOf,
  runUnprivileged,
  tempDir,
  tree,
  VIETNAMESE
} from "./harness.js"

let clean: Awaited<ReturnType<typeof cleanCb05>>
beforeAll(async () => {
  clean = await cleanCb05()
}, 60_000)
afterAll(cleanUp)

/** A tree with CB05's list at the root and `more` beside it. */
const withCb05 = (more: Record<string, string> = {}) => tree({ [CB05_FILE]: cb05Text(), ...more })

const cb05Rows = (r: Awaited<ReturnType<typeof ingest>>) => r.rows.filter((x) => x.file === CB05_FILE).map(content)

describe("links", () => {
  it("a symlinked roster file is read once, through the link, with a note", async () => {
    const outside = path.join(tempDir(), "elsewhere.csv")
    fs.writeFileSync(outside, cb05Text())
    const root = tree({})
    fs.mkdirSync(path.join(root, "khu"))
    fs.symlinkSync(outside, path.join(root, "khu", CB05_FILE))
    const r = await ingest(root)
    expectAccounted(r, [`khu/${CB05_FILE}`])
    expect(r.rows.map(content)).toEqual(clean)
    issueOf(r.warnings, `khu/${CB05_FILE}`, /liên kết/)
  })

  it("two paths to one file (a link beside its target) are read once, the second reported", async () => {
    const root = withCb05()
    fs.symlinkSync(path.join(root, CB05_FILE), path.join(root, "ban-sao.csv"))
    const r = await ingest(root)
    expectAccounted(r, [CB05_FILE, "ban-sao.csv"])
    expect(r.rows.length).toBe(clean.length)
    issueOf(r.rejections, "ban-sao.csv", /chỉ đọc một lần/)
  })

  it("a folder link back up the tree (a loop) is reported and the rest read", async () => {
    const root = withCb05()
    fs.mkdirSync(path.join(root, "a"))
    fs.symlinkSync(root, path.join(root, "a", "vong"))
    const r = await ingest(root)
    expectAccounted(r, [CB05_FILE, "a/vong/"])
    expect(cb05Rows(r)).toEqual(clean)
    issueOf(r.rejections, "a/vong/", /vòng lặp/)
  })

  it("a link to itself and a dangling link are reported, the rest read", async () => {
    const root = withCb05()
    fs.symlinkSync("tu-tro.csv", path.join(root, "tu-tro.csv"))
    fs.symlinkSync(path.join(root, "khong-co.csv"), path.join(root, "hong.csv"))
    const r = await ingest(root)
    expectAccounted(r, [CB05_FILE, "tu-tro.csv", "hong.csv"])
    expect(cb05Rows(r)).toEqual(clean)
    issueOf(r.rejections, "tu-tro.csv", /vòng lặp/)
    issueOf(r.rejections, "hong.csv", /không còn tồn tại/)
  })
})

describe("odd entries and names", () => {
  it("a FIFO named like a roster is reported, never opened (opening it would hang the run)", async () => {
    const root = withCb05()
    execFileSync("mkfifo", [path.join(root, "ong.csv")])
    const r = await ingest(root)
    expectAccounted(r, [CB05_FILE, "ong.csv"])
    issueOf(r.rejections, "ong.csv", /không phải tệp thông thường/)
    expect(cb05Rows(r)).toEqual(clean)
  })

  it("a file name that is not UTF-8 is opened by its bytes and its name reported", async () => {
    const root = tree({})
    // "CB05_thôn.csv" with ô as the Windows-1258 byte 0xF4.
    fs.writeFileSync(Buffer.concat([Buffer.from(root + "/CB05_th"), Buffer.from([0xf4]), Buffer.from("n.csv")]), cb05Text())
    const r = await ingest(root)
    expect(r.files.map((f) => f.file)).toEqual(["CB05_thôn.csv"])
    expectAccounted(r, ["CB05_thôn.csv"])
    expect(r.files[0]!.error).toBeNull()
    expect(r.rows.map((x) => ({ ...content(x) }))).toEqual(clean)
    issueOf(r.warnings, "CB05_thôn.csv", /không phải UTF-8/)
  })

  it("a folder name that is not UTF-8: the files in it are read", async () => {
    const root = tree({})
    const sub = Buffer.concat([Buffer.from(root + "/Khu "), Buffer.from([0xd0, 0xf4]), Buffer.from("ng")])
    fs.mkdirSync(sub)
    fs.writeFileSync(Buffer.concat([sub, Buffer.from("/" + CB05_FILE)]), cb05Text())
    const r = await ingest(root)
    expect(r.files.map((f) => f.file)).toEqual([`Khu Đông/${CB05_FILE}`])
    expect(r.rows.map(content)).toEqual(clean)
  })

  it("a file name with a newline is read and listed under its name", async () => {
    const name = "CB05\nthôn Nam.csv"
    const r = await ingest(tree({ [name]: cb05Text() }))
    expectAccounted(r, [name])
    expect(r.files[0]!.error).toBeNull()
    expect(r.rows.map(content)).toEqual(clean)
  })
})

describe("unreadable entries (chmod 000)", () => {
  // As root, chmod 000 does not stop a read: the tree is then read by a child process running as
  // uid 65534 (nobody), where it does. One tree, one child (it takes seconds to start).
  let r: { files: Array<FileSummary>; rejections: Array<Rejection>; warnings: Array<Rejection>; rows: number }
  beforeAll(() => {
    const root = tree({ [CB05_FILE]: cb05Text(), "khoa/CB06.csv": "x", "khoa.csv": cb05Text() })
    fs.chmodSync(path.join(root, "khoa"), 0o000)
    fs.chmodSync(path.join(root, "khoa.csv"), 0o000)
    const child = runUnprivileged("tests/Hostile/ingest-child.ts", [root])
    expect(child.status, child.stderr).toBe(0)
    r = JSON.parse(child.stdout.trim().split("\n").pop()!)
  }, 90_000)

  it("an unreadable subfolder is reported and the rest of the tree read (it used to drop the whole tree)", () => {
    expect(r.rows).toBe(clean.length)
    const f = r.files.find((x) => x.file === "khoa/")!
    expect(f.error).toMatch(/không có quyền đọc thư mục/)
    expect(r.rejections.some((x) => x.file === "khoa/" && VIETNAMESE.test(x.reason))).toBe(true)
  })

  it("an unreadable file is reported by name and the others read", () => {
    expect(r.files.find((x) => x.file === CB05_FILE)!.rowsIngested).toBe(clean.length)
    expect(r.files.find((x) => x.file === "khoa.csv")!.error).toMatch(/không có quyền đọc tệp/)
    for (const f of r.files) expect(f.rowsRead, f.file).toBe(f.rowsIngested + f.rowsRejected)
  })
})
