/**
 * A fingerprint of what a finding rests on, so a later run (and the review decisions of the next
 * issue) can tell "same finding, same evidence" from "same finding id, evidence changed".
 * Reason text and recommendation are wording, not evidence, and are left out; member ids and roster
 * rows are sets, so their order does not change the hash.
 */
import { createHash } from "node:crypto"
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

/** sha256 hex of the canonical evidence. */
export const evidenceHash = (d: Discrepancy): string => createHash("sha256").update(evidenceOf(d)).digest("hex")
