/**
 * A fingerprint of what a finding rests on, so a later run (and the review decisions of the next
 * issue) can tell "same finding, same evidence" from "same finding id, evidence changed".
 * Reason text and recommendation are wording, not evidence, and are left out; member ids and roster
 * rows are sets, so their order does not change the hash.
 */
import * as Crypto from "node:crypto"
import type { Discrepancy, RowRef } from "../Domain.js"

const compareText = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

const compareRef = (a: RowRef, b: RowRef): number =>
  compareText(a.file, b.file) || compareText(a.sheet, b.sheet) || a.row - b.row

export const evidenceOf = (d: Discrepancy): string =>
  JSON.stringify([
    d.category,
    [...d.memberIds].sort(compareText),
    [...d.rosterRows].sort(compareRef).map((r) => [r.file, r.sheet, r.row]),
    d.field ?? null,
    d.centralValue ?? null,
    d.rosterValue ?? null,
    // A caveat (input not fully read) is part of what was decided on; absent, the hash is as before.
    ...(d.caveats === undefined || d.caveats.length === 0 ? [] : [[...d.caveats]])
  ])

/** A run hashes each finding twice (state store and review.xlsx); findings are immutable values. */
const hashes = new WeakMap<Discrepancy, string>()

/** sha256 hex of the canonical evidence. */
export const evidenceHash = (d: Discrepancy): string => {
  let h = hashes.get(d)
  if (h === undefined) hashes.set(d, (h = sha256Hex(evidenceOf(d))))
  return h
}

/**
 * SHA-256 hex of a text's UTF-8: Node's one-shot `crypto.hash` where it exists (20.12 and later; about
 * half the cost of a Hash object for the short texts hashed per finding), else a Hash object.
 */
export const sha256Hex: (text: string) => string = typeof (Crypto as { hash?: unknown }).hash === "function"
  ? (text) => (Crypto as unknown as { hash: (alg: string, data: string, enc: "hex") => string }).hash("sha256", text, "hex")
  : (text) => Crypto.createHash("sha256").update(text).digest("hex")
