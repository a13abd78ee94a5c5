/**
 * One run at a time per output folder and per state database: a lock file holding the owner's pid,
 * created exclusively ("wx"). A lock whose pid is no longer alive (a run killed with -9, a crashed
 * machine) is taken over; a live one stops the second run with one line in Vietnamese and English.
 * The lock is released when the run's scope closes, whether it succeeded or failed.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

export class RunLockError extends Schema.TaggedError<RunLockError>()("RunLockError", {
  path: Schema.String,
  message: Schema.String
}) {}

/** The lock file of an output folder; the state database's lock is `<db>.lock`. */
export const OUT_LOCK_NAME = ".recon.lock"

export const outLockPath = (out: string): string => NodePath.join(out, OUT_LOCK_NAME)
export const dbLockPath = (db: string): string => `${db}.lock`

/** Alive as far as this machine can tell: signal 0 reaches it, or it exists but belongs to someone else. */
export const pidAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

const readPid = (path: string): number | null => {
  try {
    const n = Number.parseInt(NodeFs.readFileSync(path, "utf8").trim(), 10)
    return Number.isNaN(n) ? null : n
  } catch {
    return null
  }
}

/** Locks held by this process: a second run inside the same process is refused too (same pid). */
const held = new Set<string>()

type Attempt = { readonly ok: true } | { readonly ok: false; readonly holder: number | null }

/** Creates the lock, or takes over a stale one (its pid dead, or unreadable after a crash mid-write). */
const tryLock = (path: string): Attempt => {
  if (held.has(path)) return { ok: false, holder: process.pid }
  const a = takeLock(path)
  if (a.ok) held.add(path)
  return a
}

const takeLock = (path: string): Attempt => {
  const mine = `${process.pid}\n`
  try {
    NodeFs.writeFileSync(path, mine, { flag: "wx" })
    return { ok: true }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
  }
  const holder = readPid(path)
  if (holder !== null && holder !== process.pid && pidAlive(holder)) return { ok: false, holder }
  // Stale: replace it by rename (atomic), then check that no other run took it over at the same time.
  const temp = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}`
  NodeFs.writeFileSync(temp, mine, { flag: "wx" })
  NodeFs.renameSync(temp, path)
  const now = readPid(path)
  return now === process.pid ? { ok: true } : { ok: false, holder: now }
}

const release = (path: string): void => {
  held.delete(path)
  if (readPid(path) === process.pid) NodeFs.rmSync(path, { force: true })
}

/**
 * Holds the lock at `path` for the current scope. `what` names the locked thing in the message
 * ("thư mục kết quả" / "output folder", …).
 */
export const holdLock = (
  path: string,
  what: { readonly vi: string; readonly en: string; readonly target: string; readonly option: string }
): Effect.Effect<void, RunLockError, import("effect/Scope").Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () => tryLock(path),
      catch: (e) =>
        new RunLockError({
          path,
          message: `không tạo được tệp khóa ${path} / cannot create the lock file ${path}: ${(e as Error).message}`
        })
    }).pipe(
      Effect.flatMap((a) =>
        a.ok
          ? Effect.void
          : Effect.fail(
            new RunLockError({
              path,
              message: `${what.vi} ${what.target} đang được một lần chạy recon khác dùng (pid ${a.holder ?? "?"}); ` +
                `chờ lần chạy đó xong hoặc chọn ${what.option} khác / ${what.en} ${what.target} is in use by another ` +
                `recon run (pid ${a.holder ?? "?"}); wait for it to finish or choose another ${what.option}`
            })
          )
      )
    ),
    () => Effect.sync(() => release(path))
  )

/** Locks of one run: its output folder, then its state database (always in this order, so two runs cannot deadlock). */
export const holdRunLocks = (out: string, db: string) =>
  Effect.zipRight(
    holdLock(outLockPath(out), { vi: "Thư mục kết quả", en: "output folder", target: out, option: "--out" }),
    holdLock(dbLockPath(db), { vi: "Cơ sở dữ liệu", en: "state database", target: db, option: "--db" })
  )
