import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { createHash } from "node:crypto"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { withAtomicFile, writeFileAtomic } from "../../src/Report/AtomicFile.js"
import { writeLinksCsv } from "../../src/Report/LinksCsv.js"

const tempDir = Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped({ prefix: "recon-atomic-" }))

describe("AtomicFile", () => {
  it.scoped("writes the bytes, reports size and hash, leaves no temp file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const path = NodePath.join(dir, "out.txt")
      const written = yield* writeFileAtomic(path, "Đảng viên\n")
      const bytes = NodeFs.readFileSync(path)
      expect(bytes.toString("utf8")).toBe("Đảng viên\n")
      expect(bytes[0]).not.toBe(0xef) // no BOM
      expect(written).toEqual({
        path,
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex")
      })
      expect(NodeFs.readdirSync(dir)).toEqual(["out.txt"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("replaces an existing file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const path = NodePath.join(dir, "out.txt")
      NodeFs.writeFileSync(path, "old")
      yield* writeFileAtomic(path, new Uint8Array([110, 101, 119]))
      expect(NodeFs.readFileSync(path, "utf8")).toBe("new")
      expect(NodeFs.readdirSync(dir)).toEqual(["out.txt"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("a write failing half-way leaves the previous file intact and removes the temp file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const path = NodePath.join(dir, "report.jsonl")
      NodeFs.writeFileSync(path, "previous run\n")
      const fs = yield* FileSystem.FileSystem
      let seenTemp = ""
      const result = yield* Effect.either(
        withAtomicFile(path, (tempPath) =>
          Effect.gen(function*() {
            seenTemp = tempPath
            yield* fs.writeFileString(tempPath, "half of the new")
            return yield* Effect.fail("disk full" as const)
          }))
      )
      expect(result).toEqual(Either.left("disk full"))
      expect(NodePath.dirname(seenTemp)).toBe(dir)
      expect(NodePath.basename(seenTemp)).toMatch(new RegExp(`^report\\.jsonl\\.tmp-${process.pid}-[0-9a-f]{12}$`))
      expect(NodeFs.readFileSync(path, "utf8")).toBe("previous run\n")
      expect(NodeFs.readdirSync(dir)).toEqual(["report.jsonl"])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("an interrupted write leaves no temp file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const path = NodePath.join(dir, "x.csv")
      const fs = yield* FileSystem.FileSystem
      const exit = yield* Effect.exit(
        withAtomicFile(path, (tempPath) => Effect.zipRight(fs.writeFileString(tempPath, "a"), Effect.interrupt))
      )
      expect(exit._tag).toBe("Failure")
      expect(NodeFs.readdirSync(dir)).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("a missing output directory fails with a Vietnamese ReportWriteError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const path = NodePath.join(dir, "khong-co", "links.csv")
      const error = yield* Effect.flip(writeLinksCsv(path, []))
      expect(error._tag).toBe("ReportWriteError")
      expect(error.path).toBe(path)
      expect(error.message).toContain("Không ghi được tệp kết quả")
      expect(NodeFs.readdirSync(dir)).toEqual([])
    }).pipe(Effect.provide(NodeContext.layer)))
})
