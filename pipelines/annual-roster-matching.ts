/**
 * Đối khớp danh sách đảng viên hằng năm: the annual matching of every cell's roster against the
 * central member database. Inputs come from the command line (`recon run --central … --rosters …`).
 */
import type { PipelineDeclaration } from "../src/Pipeline/Declaration.js"
import { blockOn } from "../src/Match/Engine.js"

export const annualRosterMatching: PipelineDeclaration = {
  name: "annual-roster-matching",
  description: "Annual reconciliation of cell rosters against the central member database",
  defaults: {},
  match: {
    // OR-ed: a pair is scored when it agrees on every key of at least one rule.
    blocking: [
      blockOn("cccd"),
      blockOn("cardNo"),
      blockOn("givenName", "birthYear"),
      blockOn("familyName", "givenName", "birthDate"),
      blockOn("fullName", "parentUnit")
    ],
    maxCandidatePairs: 50_000_000,
    // About one true match among 2^8 candidate pairs.
    priorLog2: -8,
    linkThreshold: 0.9,
    reviewThreshold: 0.3,
    // log2 Bayes factors per comparison level (hand-set for now; the engine issue estimates them by EM).
    weights: {
      name: { exact: 8, folded: 7, jw95: 4, familyGiven: 2, jw88: 1, else: -6 },
      birth: {
        exact: 7,
        compatible: 3,
        swapped: 3,
        sameMonthYear: 1,
        sameYear: 0.5,
        yearPlusMinus1: -2,
        else: -6
      },
      sex: { agree: 0.5, disagree: -4 },
      cccd: { exact: 12, oneEdit: 3, else: -5 },
      cardNo: { exact: 10, oneEdit: 2, else: -4 },
      hometown: { agree: 1, disagree: 0 }
    }
  },
  rules: [
    {
      effectiveFrom: "2016-07-25",
      regulation: "Quy định 29-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24
    },
    {
      effectiveFrom: "2021-07-30",
      regulation: "Quy định 24-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24
    },
    {
      effectiveFrom: "2025-01-20",
      regulation: "Quy định 232-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24
    },
    {
      effectiveFrom: "2025-07-01",
      regulation: "Quy định 294-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24
    }
  ],
  calendar: {
    extraHolidays: [],
    extraWorkingDays: [],
    // The Government picks the day next to Quốc khánh each year.
    nationalDayAdjacent: { "2021": "03-09", "2022": "01-09", "2023": "01-09", "2024": "03-09", "2025": "01-09" }
  }
}

export default annualRosterMatching
