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
  readonly admitted: PartialDate | null
  readonly official: PartialDate | null
  /** Ghi chú, as typed (cleaned). */
  readonly note: string | null
  /** True when the row is marked as exempt from activity (miễn sinh hoạt). */
  readonly exempt: boolean
  /** Non-fatal problems noticed while reading (ambiguous date, CCCD inconsistent with sex/year). */
  readonly warnings: ReadonlyArray<string>
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
}

export const Categories = [
  "MISSING_FROM_ROSTER",
  "NOT_IN_CENTRAL",
  "UNREPORTED_TRANSFER",
  "TRANSFER_OVERDUE",
  "DUPLICATE_CENTRAL",
  "DUPLICATE_ROSTER",
  "FIELD_MISMATCH",
  "STATUS_CONFLICT"
] as const
export type Category = (typeof Categories)[number]

export type Recommendation =
  | "Đề nghị xem xét xóa tên"
  | "Cập nhật cơ sở dữ liệu"
  | "Gộp hồ sơ trùng"
  | "Xác minh"

export interface Discrepancy {
  /** Stable across runs for the same finding. */
  readonly id: string
  readonly category: Category
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
}

/** One ingested roster row and the central member it was linked to (null: none). */
export interface Link extends RowRef {
  readonly memberId: string | null
  readonly score: number | null
}
