/**
 * The shared vocabulary of recon: what the central database holds, what a roster row is,
 * and what a finding (discrepancy) looks like. Plain data; no behaviour beyond tiny helpers.
 */

/** A date that may be known only to the year (old members: "1948", "00/00/1948") or to the month. */
export interface PartialDate {
  readonly year: number
  readonly month: number | null
  readonly day: number | null
}

export type Sex = "M" | "F"

/** Status of a member in the central database (Trạng thái). */
export type MemberStatus =
  | "ACTIVE" // Đang sinh hoạt
  | "TRANSFERRED_OUT" // Đã chuyển đi
  | "DECEASED" // Từ trần
  | "REMOVED" // Xóa tên
  | "EXPELLED" // Khai trừ
  | "LEFT" // Ra khỏi Đảng

/** The central export's wording of each status ("Trạng thái" column), used wherever a status is shown. */
export const MemberStatusLabels: Readonly<Record<MemberStatus, string>> = {
  ACTIVE: "Đang sinh hoạt",
  TRANSFERRED_OUT: "Đã chuyển đi",
  DECEASED: "Từ trần",
  REMOVED: "Xóa tên",
  EXPELLED: "Khai trừ",
  LEFT: "Ra khỏi Đảng"
}

/** A person's name, kept as typed for display and reduced to keys for matching. */
export interface PersonName {
  /** Cleaned for display: NFC, decoded, spaces collapsed, honorifics dropped; case as typed. */
  readonly display: string
  /** Lowercase, NFC, canonical tone placement, diacritics kept ("nguyễn văn hòa"). */
  readonly key: string
  /** Lowercase, diacritics removed, Đ→d ("nguyen van hoa"). */
  readonly folded: string
  /** Folded family name (first token), middle tokens joined by a space, given name (last token). */
  readonly family: string
  readonly middle: string
  readonly given: string
}

/** A unit of the party tree (ChiBo sheet). Cells are leaves; parents may be any depth. */
export interface Unit {
  readonly code: string
  readonly name: string
  readonly parentCode: string | null
  readonly parentName: string | null
}

export interface CentralMember {
  readonly id: string
  readonly name: PersonName
  readonly birth: PartialDate | null
  readonly sex: Sex | null
  readonly hometown: string | null
  /** 12-digit CCCD or 9-digit CMND, digits only. */
  readonly cccd: string | null
  /** 8-digit card number as text, leading zeros kept. */
  readonly cardNo: string | null
  readonly admitted: PartialDate | null
  readonly official: PartialDate | null
  readonly unitCode: string
  readonly status: MemberStatus
  /** Row in the DangVien sheet (1-based, as a spreadsheet program shows it). */
  readonly sourceRow: number
}

export type TransferKind = "OFFICIAL" | "TEMPORARY"

export interface Transfer {
  readonly memberId: string
  readonly fromUnit: string | null
  readonly toUnit: string | null
  readonly kind: TransferKind
  /** Ngày giới thiệu: the date of the transfer letter. */
  readonly introduced: PartialDate | null
  /** Ngày tiếp nhận: null while pending. */
  readonly received: PartialDate | null
  readonly sourceRow: number
}

export interface CentralData {
  readonly members: ReadonlyArray<CentralMember>
  readonly units: ReadonlyArray<Unit>
  readonly transfers: ReadonlyArray<Transfer>
}

/**
 * What kind of list a roster (or one row of it) is. Quy định 213-QĐ/TW residence-contact
 * lists and temporary-membership lists legitimately repeat people listed officially elsewhere.
 */
export type RosterKind = "OFFICIAL" | "TEMPORARY" | "RESIDENCE_213"

/** Where a roster row came from: file relative to the rosters directory with "/", sheet, 1-based row. */
export interface RowRef {
  readonly file: string
  readonly sheet: string
  readonly row: number
}

export interface RosterRow extends RowRef {
  readonly unitCode: string
  readonly kind: RosterKind
  readonly name: PersonName
  readonly birth: PartialDate | null
  readonly sex: Sex | null
  readonly hometown: string | null
  readonly cccd: string | null
  readonly cardNo: string | null
  /** "Mã đảng viên" column when the roster has one (the central database's member id), as typed. */
  readonly memberId?: string | null
  /** "Số lý lịch" when the roster has it: 6 digits, a space, the 1–3 letter code ("012345 HN"). */
  readonly lyLich?: string | null
  readonly admitted: PartialDate | null
  readonly official: PartialDate | null
  /** Ghi chú, as typed (cleaned). */
  readonly note: string | null
  /** True when the row is marked as exempt from activity (miễn sinh hoạt). */
  readonly exempt: boolean
  /** Non-fatal problems noticed while reading (ambiguous date, CCCD inconsistent with sex/year). */
  readonly warnings: ReadonlyArray<string>
  /**
   * Monthly attendance / dues columns (T1…T12) when the roster has them: index 0 is January;
   * null for a month whose cells are blank. Absent or null: the roster has no such columns.
   */
  readonly attendance?: ReadonlyArray<MonthAttendance | null> | null
}

/** A month's attendance mark: có mặt, vắng có lý do, vắng không lý do, miễn (sinh hoạt). */
export type AttendanceMark = "PRESENT" | "EXCUSED" | "UNEXCUSED" | "EXEMPT"

/** One month of a roster row's attendance / dues columns; null = that cell is blank or absent. */
export interface MonthAttendance {
  readonly mark: AttendanceMark | null
  /** Đảng phí: true paid, false recorded as unpaid, null no dues column or blank. */
  readonly duesPaid: boolean | null
}

/** A row (or a whole file, row = null) that could not be ingested, with a reason a clerk can act on. */
export interface Rejection {
  readonly file: string
  readonly sheet: string | null
  readonly row: number | null
  readonly column: string | null
  readonly reason: string
}

/** Per-file accounting: rowsRead = rowsIngested + rowsRejected. */
export interface FileSummary {
  readonly file: string
  readonly kind: RosterKind | null
  readonly unitCode: string | null
  readonly sha256: string
  readonly rowsRead: number
  readonly rowsIngested: number
  readonly rowsRejected: number
  /** Set when the file as a whole could not be used (corrupt, unknown unit…). */
  readonly error: string | null
  /**
   * The file looks cut off (a CSV whose last record has no line end and too few fields, or ends
   * inside a quote or a character): members after the cut may be missing from it.
   */
  readonly suspectTruncated: boolean
  /** For a file whose unit could not be resolved: the cells it may belong to (codes), as the resolver proposed. */
  readonly candidateUnits?: ReadonlyArray<string>
}

/**
 * Every category, in report order. All are findings for removal review except DATA_CORRECTION, a
 * data correction (same person, same fact written two ways: day and month swapped, a year for a full
 * date, a name differing only in diacritics), reported apart from the findings (`kind`).
 */
export const Categories = [
  "MISSING_FROM_ROSTER",
  "ROSTER_NOT_SUBMITTED",
  "NOT_IN_CENTRAL",
  "UNREPORTED_TRANSFER",
  "TRANSFER_OVERDUE",
  "DUPLICATE_CENTRAL",
  "DUPLICATE_ROSTER",
  "FIELD_MISMATCH",
  "STATUS_CONFLICT",
  "ABSENCE_3_MONTHS",
  "DATA_CORRECTION"
] as const
export type Category = (typeof Categories)[number]

/** A finding goes to removal review; a correction only asks for a record (or a list) to be made consistent. */
export const FindingKinds = ["finding", "correction"] as const
export type FindingKind = (typeof FindingKinds)[number]

export const categoryKind = (category: Category): FindingKind => category === "DATA_CORRECTION" ? "correction" : "finding"

/** The categories of each kind, in report order. */
export const FindingCategories: ReadonlyArray<Category> = Categories.filter((c) => categoryKind(c) === "finding")
export const CorrectionCategories: ReadonlyArray<Category> = Categories.filter((c) => categoryKind(c) === "correction")

export type Recommendation =
  | "Đề nghị xem xét xóa tên"
  | "Cập nhật cơ sở dữ liệu"
  | "Cập nhật danh sách chi bộ"
  | "Gộp hồ sơ trùng"
  | "Xác minh"

/**
 * What a finding rests on that was not fully read: INPUT_INCOMPLETE, the member's cell had rejected
 * rows, a file flagged as cut short, or a file that could not be read or resolved and may be its list.
 */
export const Caveats = ["INPUT_INCOMPLETE"] as const
export type Caveat = (typeof Caveats)[number]

/**
 * A cell of the central data with active members whose list was not reconciled in full: it sent no
 * official list (NO_ROSTER), or part of its input was not read (UNREAD_INPUT: rejected rows, a file cut
 * short, a file that could not be read or resolved and may be its list).
 */
export interface UncoveredCell {
  readonly unitCode: string
  readonly unitName: string
  readonly parentCode: string | null
  readonly activeMembers: number
  readonly why: "NO_ROSTER" | "UNREAD_INPUT"
}

export interface Discrepancy {
  /** Stable across runs for the same finding. */
  readonly id: string
  readonly category: Category
  /** `categoryKind(category)`: written right after `category` in discrepancies.jsonl. */
  readonly kind: FindingKind
  readonly unitCode: string | null
  readonly memberIds: ReadonlyArray<string>
  readonly rosterRows: ReadonlyArray<RowRef>
  readonly score: number | null
  readonly field?: string
  readonly centralValue?: string
  readonly rosterValue?: string
  /** A plain Vietnamese sentence. */
  readonly reason: string
  readonly recommendation: Recommendation
  /** The rule document cited, e.g. "Quy định 294-QĐ/TW §6.3.1". */
  readonly rule?: string
  /** Legitimate-listing checks applied before raising the finding (see `LegitimacyChecks`). */
  readonly checks?: ReadonlyArray<LegitimacyCheck>
  /** Set when the finding rests on input that was not fully read (its reason says which); sorted last. */
  readonly caveats?: ReadonlyArray<Caveat>
  /** The reviewers' current decision on this finding, when one was imported. */
  readonly review?: FindingReview
}

/**
 * Checks for the legitimate reasons to be listed twice or absent (domain brief §3): residence contact
 * under Quy định 213-QĐ/TW, temporary membership within its period, the transfer window, exemption
 * from activity (miễn sinh hoạt).
 */
export const LegitimacyChecks = ["RESIDENCE_213", "TEMPORARY", "TRANSFER_WINDOW", "EXEMPT"] as const
export type LegitimacyCheck = (typeof LegitimacyChecks)[number]

/** The reviewers' choices in the workbook's "Quyết định" column. */
export const ReviewDecisions = ["Đồng ý đề xuất", "Không đồng ý", "Cần xác minh", "Đã xử lý"] as const
export type ReviewDecision = (typeof ReviewDecisions)[number]

export interface FindingReview {
  readonly decision: ReviewDecision
  /** YYYY-MM-DD the reviewer wrote in "Ngày"; null when left blank. */
  readonly decidedOn: string | null
  readonly reviewer: string
  /** Ý kiến chi bộ / Ý kiến cấp ủy, as written; kept out of discrepancies.jsonl. */
  readonly unitComment: string | null
  readonly committeeComment: string | null
  /** ISO instant the decision was imported. */
  readonly importedAt: string
  /** The finding's evidence differs from what the reviewer decided on: it is raised again for review. */
  readonly changedSinceDecision: boolean
}

/** One ingested roster row and the central member it was linked to (null: none). */
export interface Link extends RowRef {
  readonly memberId: string | null
  readonly score: number | null
}
