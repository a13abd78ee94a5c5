/**
 * Đối khớp danh sách đảng viên hằng năm: the annual matching of every cell's roster against the
 * central member database. Inputs come from the command line (`recon run --central … --rosters …`).
 */
import type { Category } from "../src/Domain.js"
import type { PipelineDeclaration } from "../src/Pipeline/Declaration.js"
import { dateLevels, exact, idLevels, namePart, placeLevels } from "../src/Match/Comparisons.js"
import { blockOn, capped } from "../src/Match/Engine.js"

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
      // Moves across communes with a name error and a birth date given as a year or mistyped:
      // family + given name with diacritics, doubled letters and the middle name set aside.
      // Capped: a group as common as "Nguyễn Hùng, 1960" pairs nothing under this rule (measured at
      // 100k members: uncapped 594k pairs, growing with the square; capped at 30, 557k).
      capped(blockOn("nameSkeleton", "birthYear"), 12),
      // The admission date is a strong key (a ceremony date shared by few): with the given name,
      // anywhere in the data.
      blockOn("admittedDate", "givenName"),
      // Hometown (Quê quán) with the birth date: a family name typed wrong or replaced. (With the
      // name's skeleton instead of the birth date: 3.3M pairs at 100k members, hometowns being
      // few; measured and left out.) Capped: uncapped it gave 120k pairs at 100k members and 5.8M
      // at 1M (hometowns are few, so its groups grow with the data).
      capped(blockOn("hometown", "birthDate"), 5),
      // Typos in both family and given name, or the two written the other way round (uncapped:
      // 110k pairs at 100k members, 2.8M at 1M).
      capped(blockOn("initials", "birthDate"), 5),
      // A birth date missing or wrong and one part of the name mistyped: the other part with the
      // hometown. Capped (a clan's home village holds many of one family name): at 100k generated
      // members the two give 241 + 101 pairs; on FEBRL (no one's data here) they find 11 + 6 of the
      // 38 true pairs the other rules miss in dataset1, 33 + 39 of 226 in dataset2.
      capped(blockOn("familyName", "hometown"), 5),
      capped(blockOn("givenName", "hometown"), 5),
      // A rare name (family + given, either order), whatever the birth date: 4,187 pairs at 100k
      // generated members; on FEBRL 4 more true pairs of dataset1, 12 of dataset2.
      capped(blockOn("nameSkeleton"), 5),
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
    // The comparisons, each with its levels (first that holds wins) and declared log2 Bayes
    // factors. Family, middle and given name are compared apart, each with its own term
    // frequencies: "Nguyễn" agreeing says little, a rare given name much; a woman's family name
    // does not change at marriage, so a different family name is evidence against; a middle name
    // is often dropped (oneEmpty), but a different one is evidence against. Hoàng/Huỳnh, Vũ/Võ
    // and i/y ("variant") weigh less than a folded match (domain.md §6.1, §8.3).
    comparisons: [
      namePart("family", { exact: 2.5, folded: 2, variant: 1.5, crossed: 1, crossedEdit: 0.5, sameLetters: 1, oneEdit: 0.5, transposition: 0.5, jw90: 0, else: -4 }),
      namePart("middle", { exact: 1.5, folded: 1, sameLetters: 0, oneEmpty: -0.5, oneEdit: 0, jw90: -0.5, else: -3 }),
      namePart("given", { exact: 4.5, folded: 3, variant: 2, crossed: 1, crossedEdit: 0.5, sameLetters: 2, oneEdit: 1, transposition: 1, jw90: 0, else: -5 }),
      dateLevels("birth", {
        label: "Ngày sinh",
        weights: { exact: 7, dayMonthSwapped: 3, yearOnly: 3, oneDigit: 2, transposition: 2, sameMonthYear: 1, sameYear: 0.5, yearsWithin: -2, else: -6 },
        years: 1
      }),
      exact("sex", { label: "Giới tính", agree: 0.5, disagree: -4, labels: ["cùng giới tính", "khác giới tính"] }),
      // A different number is evidence against: a CCCD is for life; a card reissued keeps its holder.
      idLevels("cccd", { label: "Số CCCD", weights: { exact: 12, oneEdit: 3, transposition: 3, else: -6 } }),
      idLevels("cardNo", { label: "Số thẻ đảng viên", weights: { exact: 10, oneEdit: 2, transposition: 2, else: -5 } }),
      placeLevels("hometown", { label: "Quê quán", weights: { exact: 2, oneEdit: 1.5, transposition: 1.5, sameLetters: 1.5, coarser: 0.5, jw90: 0.5, sameRegion: 0, else: -1 } }),
      // 44 calendar days ≈ 30 working days (Quy định 24-QĐ/TW §4: decision vs ceremony date of
      // admission, domain.md §1.2). Declared weights stay small (the reviewed sample findings
      // predate them); EM estimates them on larger inputs (measured: exact ≈ +14).
      dateLevels("admitted", { label: "Ngày vào Đảng", weights: { exact: 3, daysWithin: 1, sameYear: 0, else: -2 }, days: 44 })
    ],
    // A central duplicate needs evidence beyond name and birth date: at least one of these known on
    // both records, and together weighing at least -4.5 (another hometown may pass, a different
    // card number, CCCD or admission date may not): a namesake born the same day is not a duplicate.
    duplicateEvidence: { comparisons: ["cccd", "cardNo", "hometown", "admitted"], minWeight: -4.5 },
    // Records told apart (probability below this on their own, or a different CCCD or card)
    // never end in one person through a chain of duplicates.
    clusterMinProbability: 0.05,
    // Estimated from the data (u from random pairs, m and the prior by EM, term frequencies of
    // names) once the central export has at least minCentralRecords records.
    estimate: {
      minCentralRecords: 500,
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
