import type { CentralMember, PartialDate, RosterKind, RosterRow, Transfer, Unit } from "../../src/Domain.js"
import { parseName } from "../../src/Normalize/Text.js"

export const date = (s: string): PartialDate => {
  const [d, m, y] = s.split("/").map(Number) as [number, number, number]
  return { year: y, month: m, day: d }
}

export const units: Array<Unit> = [
  { code: "DB01", name: "Đảng bộ xã An Phú", parentCode: null, parentName: null },
  { code: "CB01", name: "Chi bộ thôn Đông", parentCode: "DB01", parentName: "Đảng bộ xã An Phú" },
  { code: "CB02", name: "Chi bộ thôn Tây", parentCode: "DB01", parentName: "Đảng bộ xã An Phú" },
  { code: "CB03", name: "Chi bộ Trường THCS", parentCode: "DB01", parentName: "Đảng bộ xã An Phú" }
]

export const member = (
  id: string,
  name: string,
  birth: string,
  unitCode: string,
  extra: Partial<CentralMember> = {}
): CentralMember => ({
  id,
  name: parseName(name)!,
  birth: date(birth),
  sex: "M",
  hometown: null,
  cccd: null,
  cardNo: null,
  admitted: null,
  official: null,
  unitCode,
  status: "ACTIVE",
  sourceRow: 2,
  ...extra
})

let nextRow = 10
export const row = (
  file: string,
  unitCode: string,
  name: string,
  birth: string | null,
  extra: Partial<RosterRow> & { kind?: RosterKind } = {}
): RosterRow => ({
  file,
  sheet: "Sheet1",
  row: nextRow++,
  unitCode,
  kind: "OFFICIAL",
  name: parseName(name)!,
  birth: birth === null ? null : date(birth),
  sex: "M",
  hometown: null,
  cccd: null,
  cardNo: null,
  admitted: null,
  official: null,
  note: null,
  exempt: false,
  warnings: [],
  ...extra
})

export const transfer = (
  memberId: string,
  fromUnit: string,
  toUnit: string,
  introduced: string,
  received: string | null,
  kind: Transfer["kind"] = "OFFICIAL"
): Transfer => ({
  memberId,
  fromUnit,
  toUnit,
  kind,
  introduced: date(introduced),
  received: received === null ? null : date(received),
  sourceRow: 2
})
