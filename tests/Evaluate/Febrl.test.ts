import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { annualRosterMatching } from "../../pipelines/annual-roster-matching.js"
import { febrlDedupe, febrlFigures, parseFebrl } from "../../src/Evaluate/Febrl.js"

// The public FEBRL files live beside the repository (../shared/data/febrl from a clone at the top
// of the work tree, ../../shared from a worktree below it); RECON_FEBRL names another folder.
const dir = [process.env["RECON_FEBRL"], "../shared/data/febrl", "../../shared/data/febrl"]
  .filter((d): d is string => d !== undefined)
  .map((d) => path.resolve(d))
  .find((d) => fs.existsSync(path.join(d, "dataset1.csv")))

describe("FEBRL mapping", () => {
  it("reads persons from rec_id and keeps the fields padded with spaces", () => {
    const text = "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n" +
      "rec-7-org, jack, nicoll, 5, x, , sanctuary point, 2540, tas, 19440114, 4318182\n" +
      "rec-7-dup-0, nicoll, jadk, 5, x, , sanctuary point, 2540, qld, 19440114, 4318182\n"
    const rs = parseFebrl(text)
    expect(rs.map((r) => [r.person, r.original, r.given, r.state])).toEqual([["rec-7", true, "jack", "tas"], ["rec-7", false, "nicoll", "qld"]])
    // Two records of one person: one true pair.
    const d = febrlDedupe(rs, annualRosterMatching.match, false)
    expect(d.persons.truePairs).toBe(1)
  })
})

describe.skipIf(dir === undefined)("FEBRL 1 (public data no one here wrote; issue 10 targets)", () => {
  it("dedupes pairwise at F1 ≥ 0.93 without the personal number and ≥ 0.98 with it, linking without a false link", () => {
    const [without, withNumber] = febrlFigures("dataset1.csv", fs.readFileSync(path.join(dir!, "dataset1.csv"), "utf8"), annualRosterMatching.match)
    expect(without!.dedupe.persons.f1).toBeGreaterThanOrEqual(0.93)
    expect(withNumber!.dedupe.persons.f1).toBeGreaterThanOrEqual(0.98)
    expect(without!.link.links.precision).toBeGreaterThanOrEqual(0.999)
    expect(withNumber!.link.links.precision).toBeGreaterThanOrEqual(0.999)
  }, 180_000)
})
