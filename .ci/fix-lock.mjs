#!/usr/bin/env node
// The npm registry mirror of this workplace does not serve the platform-specific optional packages
// of other platforms (@rollup/rollup-darwin-arm64 …), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This adds an entry for every
// optional dependency the lock names but lacks, with its os/cpu/libc, so npm ci skips it on a
// non-matching platform and fetches it by version on a matching one.
// Run after any `npm install` that changes package-lock.json: `node .ci/fix-lock.mjs`.
import fs from "node:fs"

const lockPath = new URL("../package-lock.json", import.meta.url)
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"))
const packages = lock.packages

const platformOf = (name) => {
  const tail = name.split("/").pop().replace(/^(rollup|msgpackr-extract)-/, "")
  const [os, cpu, abi] = tail.split("-")
  return {
    os: [os],
    cpu: [cpu],
    ...(os === "linux" && abi !== undefined ? { libc: [abi.startsWith("musl") ? "musl" : "glibc"] } : {})
  }
}

let added = 0
for (const [path, pkg] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    if (packages[key] !== undefined || (path !== "" && packages[`${path}/${key}`] !== undefined)) continue
    const p = platformOf(name)
    packages[key] = {
      version,
      cpu: p.cpu,
      ...(pkg.dev === true ? { dev: true } : {}),
      ...(p.libc ? { libc: p.libc } : {}),
      optional: true,
      os: p.os
    }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)))
)
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n")
console.log(`fix-lock: added ${added} platform-specific optional packages to package-lock.json`)
