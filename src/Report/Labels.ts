/**
 * Vietnamese wording of domain values for the review workbook. Tone marks follow the style used in
 * Party documents ("xóa", "cấp ủy").
 */
import { type Category, type LegitimacyCheck, type MemberStatus, MemberStatusLabels, type RosterKind, type Sex } from "../Domain.js"

const CATEGORY_LABELS: Record<Category, string> = {
  MISSING_FROM_ROSTER: "Có trong CSDL nhưng không có trong danh sách chi bộ",
  ROSTER_NOT_SUBMITTED: "Chi bộ chưa nộp danh sách",
  NOT_IN_CENTRAL: "Có trong danh sách chi bộ nhưng không có trong CSDL",
  UNREPORTED_TRANSFER: "Chuyển sinh hoạt không báo",
  TRANSFER_OVERDUE: "Chuyển sinh hoạt quá hạn",
  DUPLICATE_CENTRAL: "Trùng hồ sơ trong CSDL",
  DUPLICATE_ROSTER: "Trùng trong danh sách chi bộ",
  FIELD_MISMATCH: "Sai lệch thông tin",
  STATUS_CONFLICT: "Sai lệch trạng thái",
  ABSENCE_3_MONTHS: "Bỏ sinh hoạt / không đóng đảng phí 3 tháng",
  DATA_CORRECTION: "Hiệu chỉnh dữ liệu (nhầm ngày/tháng, thiếu ngày sinh, khác dấu)"
}

/** Worksheet names: Excel allows at most 31 characters and none of : \ / ? * [ ]. */
const CATEGORY_SHEETS: Record<Category, string> = {
  MISSING_FROM_ROSTER: "Không có trong DS",
  ROSTER_NOT_SUBMITTED: "Chi bộ chưa nộp DS",
  NOT_IN_CENTRAL: "Không có trong CSDL",
  UNREPORTED_TRANSFER: "Chuyển SH không báo",
  TRANSFER_OVERDUE: "Chuyển SH quá hạn",
  DUPLICATE_CENTRAL: "Trùng hồ sơ CSDL",
  DUPLICATE_ROSTER: "Trùng danh sách",
  FIELD_MISMATCH: "Sai lệch thông tin",
  STATUS_CONFLICT: "Sai lệch trạng thái",
  ABSENCE_3_MONTHS: "Bỏ sinh hoạt 3 tháng",
  DATA_CORRECTION: "Hiệu chỉnh dữ liệu"
}

const CHECK_LABELS: Record<LegitimacyCheck, string> = {
  "RESIDENCE_213": "Sinh hoạt nơi cư trú (Quy định 213-QĐ/TW)",
  "TEMPORARY": "Sinh hoạt tạm thời còn thời hạn",
  "TRANSFER_WINDOW": "Đang trong hạn chuyển sinh hoạt",
  "EXEMPT": "Miễn sinh hoạt đảng"
}

/** A legitimate-listing check, as a reviewer reads it. */
export const checkLabel = (check: LegitimacyCheck): string => CHECK_LABELS[check]

const ROSTER_KIND_LABELS: Record<RosterKind, string> = {
  OFFICIAL: "Danh sách chính thức",
  TEMPORARY: "Sinh hoạt tạm thời",
  RESIDENCE_213: "Sinh hoạt nơi cư trú (213-QĐ/TW)"
}

/** Field names used by the rules (keys of CentralMember / RosterRow) → column wording of Mẫu 7-HSĐV. */
const FIELD_LABELS: Record<string, string> = {
  name: "Họ và tên",
  birth: "Ngày sinh",
  sex: "Giới tính",
  hometown: "Quê quán",
  cccd: "Số CCCD/CMND",
  cardNo: "Số thẻ đảng viên",
  admitted: "Ngày vào Đảng",
  official: "Ngày chính thức",
  unitCode: "Chi bộ",
  status: "Trạng thái"
}

/** The reviewer's choices in the "Quyết định" column (defined with the domain; re-exported here for report code). */
export { type ReviewDecision, ReviewDecisions } from "../Domain.js"

export const categoryLabel = (category: Category): string => CATEGORY_LABELS[category]

export const categorySheetName = (category: Category): string => CATEGORY_SHEETS[category]

export const statusLabel = (status: MemberStatus): string => MemberStatusLabels[status]

export const rosterKindLabel = (kind: RosterKind): string => ROSTER_KIND_LABELS[kind]

export const sexLabel = (sex: Sex): string => sex === "M" ? "Nam" : "Nữ"

/** Unknown field names are shown as given rather than hidden. */
export const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field

const isStatus = (value: string): value is MemberStatus => Object.hasOwn(MemberStatusLabels, value)

/** A central/roster value of a mismatch; status codes are translated, everything else shown as typed. */
export const fieldValueLabel = (field: string | undefined, value: string): string =>
  field === "status" && isStatus(value) ? statusLabel(value) : value

/** "2025-03-31" → "31/03/2025"; anything else is shown unchanged. */
export const formatIsoDate = (iso: string): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  return m === null ? iso : `${m[3]}/${m[2]}/${m[1]}`
}

/**
 * An ISO instant as reviewers read it, in Vietnam's time (UTC+7, no daylight saving) whatever the
 * machine's zone: "2026-11-23T12:23:23.668Z" → "23/11/2026 19:23 (giờ Việt Nam)".
 */
export const formatInstantVi = (iso: string): string => {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  const d = new Date(t + 7 * 3_600_000)
  const p = (n: number) => String(n).padStart(2, "0")
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} (giờ Việt Nam)`
}
