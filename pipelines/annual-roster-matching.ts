/**
 * Đối khớp danh sách đảng viên hằng năm: the annual matching of every cell's roster against the
 * central member database. Inputs come from the command line (`recon run --central … --rosters …`).
 */
import type { Category } from "../src/Domain.js"
import type { PipelineDeclaration } from "../src/Pipeline/Declaration.js"
import { blockOn } from "../src/Match/Engine.js"

/**
 * What each category's finding cites, under the implementing regulation in force (domain brief §0–§3).
 * §6.3.1 (transfers) has the same text in 29, 24 and 294-QĐ/TW; §8.1 (xóa tên) was checked in 29 and
 * 24-QĐ/TW only.
 */
const citations = (regulation: string): Record<Category, string> => ({
  MISSING_FROM_ROSTER: "Mẫu 7-HSĐV (sổ danh sách đảng viên): đối chiếu danh sách với cấp trên",
  ROSTER_NOT_SUBMITTED: "Mẫu 7-HSĐV (sổ danh sách đảng viên): đối chiếu danh sách với cấp trên",
  NOT_IN_CENTRAL: "Mẫu 7-HSĐV (sổ danh sách đảng viên): đối chiếu danh sách với cấp trên",
  UNREPORTED_TRANSFER: `${regulation} §6.3.1 (chuyển sinh hoạt đảng chính thức)`,
  TRANSFER_OVERDUE: `${regulation} §6.3.1 (nộp giấy giới thiệu trong 30 ngày làm việc)`,
  DUPLICATE_CENTRAL: "Mẫu 7-HSĐV; mỗi đảng viên một hồ sơ trong cơ sở dữ liệu đảng viên",
  DUPLICATE_ROSTER: `${regulation} §6.3.1; Quy định 213-QĐ/TW (sinh hoạt nơi cư trú)`,
  FIELD_MISMATCH: "Mẫu 7-HSĐV; hồ sơ đảng viên gốc",
  STATUS_CONFLICT: "Mẫu 7-HSĐV cột 12–13 (ngày từ trần, hình thức ra Đảng)",
  ABSENCE_3_MONTHS: `Điều lệ Đảng Điều 8; ${regulation} §8.1 (bỏ sinh hoạt, không đóng đảng phí 3 tháng trong năm)`,
  DATA_CORRECTION: "Mẫu 7-HSĐV; lý lịch đảng viên (hồ sơ gốc)"
})

/** Xóa tên ground 1: three months in a year, not necessarily consecutive (the text does not say; switchable). */
const absence = { absenceMonths: 3, absenceConsecutive: false }

export const annualRosterMatching: PipelineDeclaration = {
  name: "annual-roster-matching",
  description: "Annual reconciliation of cell rosters against the central member database",
  defaults: {},
  match: {
    // OR-ed: a pair is scored when it agrees on every key of at least one rule. Names are folded
    // (no diacritics, lowercase); birthDate is the full date. Measured on the synthetic province
    // (recon evaluate): these rules keep the true pairs, and the pair count grows with the data,
    // not with its square.
    blocking: [
      blockOn("cccd"),
      blockOn("cardNo"),
      // Name errors with the birth date right (family/middle typo; given name in use differs).
      blockOn("givenName", "birthDate"),
      // The rest stay within the member's commune (parentUnit): a block then holds a commune's
      // share of the records whatever the size of the country, so candidate pairs grow linearly.
      blockOn("familyName", "birthDate", "parentUnit"),
      // Birth date errors with the name right (day/month swapped, typo, year only).
      blockOn("fullName", "parentUnit"),
      // Both slightly off.
      blockOn("givenName", "birthYear", "parentUnit"),
      // Old members with a year-only birth date, no CCCD or card, and a name written differently.
      blockOn("admittedDate", "parentUnit")
    ],
    maxCandidatePairs: 50_000_000,
    // Declared prior and weights: used as they are on small inputs (the sample commune), and as the
    // starting point of EM on larger ones. About one true match among 2^8 candidate pairs.
    priorLog2: -8,
    linkThreshold: 0.9,
    reviewThreshold: 0.3,
    // log2 Bayes factors per comparison level. Hoàng/Huỳnh, Vũ/Võ and i/y ("variant") weigh less
    // than a folded match: a clerk's spelling, never a free match (domain.md §6.1, §8.3).
    weights: {
      name: { exact: 8, folded: 7, variant: 4, jw95: 4, familyGiven: 2, jw88: 1, givenOnly: -4, else: -6 },
      birth: {
        exact: 7,
        swapped: 3,
        yearOnly: 3,
        sameMonthYear: 1,
        sameYear: 0.5,
        yearPlusMinus1: -2,
        else: -6
      },
      sex: { agree: 0.5, disagree: -4 },
      cccd: { exact: 12, oneEdit: 3, else: -5 },
      cardNo: { exact: 10, oneEdit: 2, else: -4 },
      hometown: { agree: 1, disagree: 0 },
      // Not used by the declared model (weight 0): the reviewed sample findings predate it; EM
      // estimates its weights from the data on larger inputs (measured: exact ≈ +14).
      admitted: { exact: 0, within30WorkingDays: 0, sameYear: 0, else: 0 }
    },
    // Estimated from the data (u from random pairs, m and the prior by EM, term frequencies of
    // names) once the central export has at least minCentralRecords records.
    estimate: {
      minCentralRecords: 2_000,
      randomPairs: 400_000,
      emIterations: 30,
      maxWeight: 20,
      // No level rarer than 1 in 1,000 among true matches; a different CCCD (for life) 1 in 100,000,
      // a different card (reissued in 2025) 1 in 10,000. Assumptions, to calibrate on reviewed runs.
      minM: { default: 0.001, cccd: 0.00001, cardNo: 0.0001 },
      termFrequency: true,
      seed: 20261031
    }
  },
  rules: [
    {
      effectiveFrom: "2016-07-25",
      regulation: "Quy định 29-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24,
      ...absence,
      citations: citations("Quy định 29-QĐ/TW")
    },
    {
      effectiveFrom: "2021-07-30",
      regulation: "Quy định 24-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24,
      ...absence,
      citations: citations("Quy định 24-QĐ/TW")
    },
    {
      effectiveFrom: "2025-01-20",
      regulation: "Quy định 232-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24,
      ...absence,
      citations: citations("Quy định 232-QĐ/TW")
    },
    {
      effectiveFrom: "2025-07-01",
      regulation: "Quy định 294-QĐ/TW",
      transferPresentWorkingDays: 30,
      transferRemovalMonths: 3,
      transferRemovalSource: "Hướng dẫn 12-HD/BTCTW",
      temporaryTransferMaxMonths: 24,
      ...absence,
      citations: citations("Quy định 294-QĐ/TW")
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
