/**
 * The --rosters tree, entry by entry: a folder or file that cannot be read is reported and the
 * rest is read. Symbolic links are followed, each real folder walked once (a link back up the
 * tree is a loop, reported) and each real file read once (a second path to it is reported). Names
 * that are not UTF-8 are opened by their bytes and shown decoded as Windows-1258, with a note.
 *
 * Plain async functions, no Effect runtime: Roster.listRosterFiles and the bench child use it too.
 */
import * as fs from "node:fs/promises"
import * as path from "node:path"
import iconv from "iconv-lite"

export interface RosterListing {
  /** Roster files, relative to the root with "/", sorted. */
  readonly files: ReadonlyArray<string>
  /** Files whose path is not text (a name that is not UTF-8): the bytes to open them by. */
  readonly bytePaths: ReadonlyMap<string, Buffer>
  /** Per file, a note on how it was found (shown as a warning of that file). */
  readonly notes: ReadonlyMap<string, string>
  /** Entries that cannot be read: folders end with "/"; each becomes a file-level error. */
  readonly problems: ReadonlyArray<{ readonly file: string; readonly reason: string }>
}

const isIgnored = (name: string) => name.startsWith(".") || name.startsWith("~$")

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** A name as text: UTF-8 when it is, else its bytes read as Windows-1258 (what Vietnamese Windows writes). */
const nameOf = (bytes: Buffer): { readonly text: string; readonly utf8: boolean } => {
  try {
    return { text: utf8.decode(bytes), utf8: true }
  } catch {
    return { text: iconv.decode(bytes, "windows1258").normalize("NFC"), utf8: false }
  }
}

const codeOf = (e: unknown): string => ((e as { code?: unknown }).code as string | undefined) ?? ""

/** Why an entry could not be opened, in Vietnamese. */
export const accessReason = (e: unknown, what: "tệp" | "thư mục"): string => {
  switch (codeOf(e)) {
    case "EACCES":
    case "EPERM":
      return `không có quyền đọc ${what} này; hãy cấp quyền đọc rồi chạy lại`
    case "ELOOP":
      return `${what} là liên kết tượng trưng vòng lặp (trỏ về chính nó); đã bỏ qua`
    case "ENOENT":
      return `${what} không còn tồn tại (liên kết tượng trưng hỏng, hoặc bị xóa, đổi tên trong khi chạy)`
    case "EBUSY":
      return `${what} đang bị khóa bởi chương trình khác; hãy đóng chương trình đó rồi chạy lại`
    case "ENAMETOOLONG":
      return `đường dẫn của ${what} quá dài`
    default:
      return `không đọc được ${what} (${codeOf(e) || (e instanceof Error ? e.message : String(e))})`
  }
}

const realKey = async (p: Buffer): Promise<string> => (await fs.realpath(p, { encoding: "buffer" })).toString("latin1")

/**
 * Every file under `dir` (hidden files and Office lock files excluded) and every entry that could
 * not be read. Throws only when `dir` itself cannot be listed.
 */
export const walkRosterDir = async (dir: string): Promise<RosterListing> => {
  const files: Array<string> = []
  const bytePaths = new Map<string, Buffer>()
  const notes = new Map<string, string>()
  const problems: Array<{ file: string; reason: string }> = []
  const root = Buffer.from(path.resolve(dir))
  const rootKey = await realKey(root)
  const seenDirs = new Set<string>([rootKey])
  const seenFiles = new Map<string, string>()

  // Real paths (as latin1 keys) are asked of the system only for links: below the resolved root, a
  // path without a link in it is its own real path (a province is thousands of files).
  const addFile = async (rel: string, abs: Buffer, textPath: boolean, via: "link" | null, plainKey: string): Promise<void> => {
    let key = plainKey
    if (via === "link") {
      try {
        key = await realKey(abs)
      } catch (e) {
        problems.push({ file: rel, reason: accessReason(e, "tệp") })
        return
      }
    }
    const first = seenFiles.get(key)
    if (first !== undefined) {
      problems.push({ file: rel, reason: `cùng một tệp với "${first}" (qua liên kết tượng trưng); chỉ đọc một lần` })
      return
    }
    seenFiles.set(key, rel)
    files.push(rel)
    if (!textPath) bytePaths.set(rel, abs)
    if (!textPath && !notes.has(rel)) notes.set(rel, "đường dẫn có tên thư mục không phải UTF-8; hiển thị theo Windows-1258")
    if (via === "link") notes.set(rel, "tệp là liên kết tượng trưng; đã đọc tệp mà nó trỏ tới")
  }

  const walk = async (rel: string, abs: Buffer, textPath: boolean, real: string): Promise<void> => {
    let entries: Array<{ name: Buffer; isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }>
    try {
      entries = await fs.readdir(abs, { withFileTypes: true, encoding: "buffer" })
    } catch (e) {
      if (rel === "") throw e
      problems.push({ file: `${rel}/`, reason: accessReason(e, "thư mục") })
      return
    }
    for (const e of entries) {
      const name = nameOf(e.name)
      if (isIgnored(name.text)) continue
      const child = rel === "" ? name.text : `${rel}/${name.text}`
      const childAbs = Buffer.concat([abs, Buffer.from("/"), e.name])
      const childText = textPath && name.utf8
      if (!name.utf8) notes.set(child, `tên ${e.isDirectory() ? "thư mục" : "tệp"} không phải UTF-8 (byte ${e.name.toString("hex")}); hiển thị theo Windows-1258`)
      let isDir = e.isDirectory()
      let isFile = e.isFile()
      const link = e.isSymbolicLink()
      if (link) {
        try {
          const st = await fs.stat(childAbs)
          isDir = st.isDirectory()
          isFile = st.isFile()
        } catch (err) {
          problems.push({ file: child, reason: accessReason(err, "tệp") })
          continue
        }
      }
      const plainKey = `${real}/${e.name.toString("latin1")}`
      if (isDir) {
        let key = plainKey
        if (link) {
          try {
            key = await realKey(childAbs)
          } catch (err) {
            problems.push({ file: `${child}/`, reason: accessReason(err, "thư mục") })
            continue
          }
        }
        if (seenDirs.has(key)) {
          problems.push({ file: `${child}/`, reason: "thư mục là liên kết tượng trưng trỏ về một thư mục đã đọc (vòng lặp); đã bỏ qua" })
          continue
        }
        seenDirs.add(key)
        await walk(child, childAbs, childText, key)
      } else if (isFile) await addFile(child, childAbs, childText, link ? "link" : null, plainKey)
      else problems.push({ file: child, reason: "không phải tệp thông thường (ống dẫn, socket hoặc thiết bị); đã bỏ qua" })
    }
  }

  await walk("", root, true, rootKey)
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  files.sort(byName)
  problems.sort((a, b) => byName(a.file, b.file))
  return { files, bytePaths, notes, problems }
}
