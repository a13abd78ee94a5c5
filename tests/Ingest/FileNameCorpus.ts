/**
 * Roster file names as clerks write them, each with the cell a person would read from it (or a
 * refusal where a person could not tell either), against a unit tree where cell names repeat in
 * every đảng bộ and two provinces hold communes of the same name. Used by FileClues.test.ts.
 */
import type { RosterKind, Unit } from "../../src/Domain.js"

const pad = (n: number, w: number) => String(n).padStart(w, "0")

/** Cells every commune has; codes CB + commune number × 100 + position (CB000101 = DB0001's first). */
const STANDARD_CELLS = [
  "Chi bộ Khu dân cư số 1",
  "Chi bộ Khu dân cư số 2",
  "Chi bộ Khu dân cư số 3",
  "Chi bộ Tổ dân phố số 2",
  "Chi bộ Trạm Y tế",
  "Chi bộ Công an",
  "Chi bộ Khu phố 3"
] as const

const SYLLABLES = ["Hòa", "Bình", "Thạnh", "Mỹ", "Long", "Hưng", "Phước", "Thuận", "Lợi", "Vĩnh", "Quang", "Trung", "Hải", "Đức", "Nghĩa"]

/** [code, name, province]: DB0001–DB0020 in Hồng Lam, DB0031–DB0045 in Lam Sơn; An Phú and Sơn Hà in both. */
const COMMUNES: ReadonlyArray<readonly [string, string, string]> = [
  ["DB0001", "Đảng bộ xã An Phú", "TU01"],
  ["DB0002", "Đảng bộ xã Sơn Hà", "TU01"],
  ["DB0003", "Đảng bộ phường Bắc Sơn", "TU01"],
  ["DB0004", "Đảng bộ xã Tân Lập", "TU01"],
  ["DB0005", "Đảng bộ thị trấn Phú Lộc", "TU01"],
  ...Array.from({ length: 15 }, (_, i) => [`DB${pad(i + 6, 4)}`, `Đảng bộ xã ${SYLLABLES[i]} ${SYLLABLES[(i * 7 + 3) % 15]}`, "TU01"] as const),
  ["DB0031", "Đảng bộ xã An Phú", "TU02"],
  ["DB0032", "Đảng bộ xã Sơn Hà", "TU02"],
  ...Array.from({ length: 13 }, (_, i) => [`DB${pad(i + 33, 4)}`, `Đảng bộ phường ${SYLLABLES[(i * 4 + 1) % 15]} ${SYLLABLES[(i * 11 + 5) % 15]}`, "TU02"] as const)
]

/** Cells only some communes have: [code, name, parent]. */
const SPECIAL_CELLS: ReadonlyArray<readonly [string, string, string]> = [
  ["CB000043", "Chi bộ Hợp tác xã 43", "DB0002"],
  ["CB001213", "Chi bộ Thôn Tâm Thới", "DB0002"],
  ["CB000250", "Chi bộ Thôn Đông", "DB0002"],
  ["CB000350", "Chi bộ Thôn Đông Bắc", "DB0003"],
  ["CB000351", "Chi bộ Thôn Nam", "DB0003"],
  // A hamlet and the new hamlet split from it: "Thôn Trung mới" could be either.
  ["CB000352", "Chi bộ Thôn Trung", "DB0003"],
  ["CB000353", "Chi bộ Thôn Trung Mới", "DB0003"],
  ["CB000450", "Chi bộ Thôn Mới", "DB0004"],
  ["CB000451", "Chi bộ Thôn Đông", "DB0004"],
  ["CB000550", "Chi bộ Khu dân cư số 12", "DB0005"],
  ["CB000551", "Chi bộ Ấp 1", "DB0005"],
  ["CB000552", "Chi bộ Trường THCS Phú Lộc", "DB0005"],
  ["CB003250", "Chi bộ Thôn Đông", "DB0032"],
  // Under DB0001's two đảng bộ bộ phận: the same names again, one level down.
  ["CB000191", "Chi bộ Khu dân cư số 1", "DBP011"],
  ["CB000192", "Chi bộ Khu dân cư số 5", "DBP011"],
  ["CB000193", "Chi bộ Khu dân cư số 1", "DBP012"],
  ["CB000194", "Chi bộ Khu dân cư số 5", "DBP012"]
]

export const CORPUS_UNITS: ReadonlyArray<Unit> = (() => {
  const units: Array<Unit> = [
    { code: "TU01", name: "Đảng bộ tỉnh Hồng Lam", parentCode: null, parentName: null },
    { code: "TU02", name: "Đảng bộ tỉnh Lam Sơn", parentCode: null, parentName: null }
  ]
  const nameOf = new Map<string, string>(units.map((u) => [u.code, u.name]))
  for (const [code, name, province] of COMMUNES) {
    units.push({ code, name, parentCode: province, parentName: nameOf.get(province)! })
    nameOf.set(code, name)
    const no = Number(code.slice(2))
    STANDARD_CELLS.forEach((cell, i) => units.push({ code: `CB${pad(no * 100 + i + 1, 6)}`, name: cell, parentCode: code, parentName: name }))
  }
  for (const [code, name] of [["DBP011", "Đảng bộ bộ phận Khu Bắc"], ["DBP012", "Đảng bộ bộ phận Khu Nam"]] as const) {
    units.push({ code, name, parentCode: "DB0001", parentName: "Đảng bộ xã An Phú" })
    nameOf.set(code, name)
  }
  for (const [code, name, parent] of SPECIAL_CELLS) units.push({ code, name, parentCode: parent, parentName: nameOf.get(parent)! })
  return units
})()

/** Code of the standard cell `name` of commune `commune` ("DB0002"). */
export const std = (commune: string, name: (typeof STANDARD_CELLS)[number]): string =>
  `CB${pad(Number(commune.slice(2)) * 100 + STANDARD_CELLS.indexOf(name) + 1, 6)}`

export interface CorpusCase {
  /** Relative to the rosters directory. */
  readonly path: string
  /** Title lines above the header, when the case needs them. */
  readonly titles?: ReadonlyArray<string>
  /** The expected cell, or null: refused (the candidates, when given, must be among those reported). */
  readonly unit: string | null
  readonly candidates?: ReadonlyArray<string>
  /** Kind the file name marks (null: none, the list is official unless its title says otherwise). */
  readonly kind?: RosterKind | null
  /** Why, when not obvious. */
  readonly why?: string
}

const KDC1 = "Chi bộ Khu dân cư số 1"
const KDC2 = "Chi bộ Khu dân cư số 2"
const KDC3 = "Chi bộ Khu dân cư số 3"
const TDP2 = "Chi bộ Tổ dân phố số 2"
const YTE = "Chi bộ Trạm Y tế"
const CA = "Chi bộ Công an"
const KP3 = "Chi bộ Khu phố 3"

const SONHA = "Đảng bộ xã Sơn Hà"
const TANLAP = "Đảng bộ xã Tân Lập"
const PHULOC = "Đảng bộ thị trấn Phú Lộc"
const BACSON = "Đảng bộ phường Bắc Sơn"

export const CORPUS: ReadonlyArray<CorpusCase> = [
  // --- a code as a token of a longer name
  { path: "CB000043_Chi_bo_Hop_tac_xa_43.csv", unit: "CB000043" },
  { path: "CB000043 - DS 213.csv", unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "CB000043 - tam thoi.csv", unit: "CB000043", kind: "TEMPORARY" },
  { path: "DS_CB000043_2025.xlsx", unit: "CB000043" },
  { path: "Danh sách đảng viên (CB000043).xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 (CB000043).xlsx", unit: "CB000043" },
  { path: "cb000043.xlsx", unit: "CB000043" },
  { path: "CB000043.xlsx", unit: "CB000043" },
  { path: "[CB000043] danh sach.xlsx", unit: "CB000043" },
  { path: "CB000043-DSDV-31.10.2025.xlsx", unit: "CB000043" },
  { path: "CB000043_final_v2.xlsx", unit: "CB000043" },
  { path: "Copy of CB000043.xlsx", unit: "CB000043" },
  { path: "CB000043 - Copy.xlsx", unit: "CB000043" },
  { path: "CB000043 (1).csv", unit: "CB000043" },
  { path: "CB00043 - DS 213.csv", unit: "CB000043", kind: "RESIDENCE_213", why: "a zero fewer than the central code, no other code reads so" },
  { path: "CB43.xlsx", unit: "CB000043", why: "the number of a CB code, leading zeros dropped; no other code reads so" },
  { path: `${SONHA}/CB000043 - QĐ 213.xlsx`, unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "DB0002/CB000043.xlsx", unit: "CB000043" },
  { path: "DB0003/CB000043.xlsx", unit: null, candidates: ["CB000043"], why: "the folder's code says another commune" },
  { path: `${BACSON}/CB000043.xlsx`, unit: null, candidates: ["CB000043"], why: "the folder's name says another commune" },
  { path: "CB000043 - Khu dan cu so 2.xlsx", unit: null, why: "the code and the name say two different cells" },
  { path: "CB000043 CB000250.xlsx", unit: null, why: "two codes" },
  { path: "CB999999 - DS.xlsx", unit: null, why: "a code shaped like ours that is no unit's" },
  { path: "DB0002 - Thon Dong.xlsx", unit: "CB000250", why: "the commune's code narrows the name" },
  { path: "DB0002 - Chi bo Khu dan cu so 2.xlsx", unit: std("DB0002", KDC2) },
  { path: "DB0002.xlsx", unit: null, why: "a commune's code in a path only narrows: its cells are not guessed" },
  { path: `${std("DB0004", YTE)}_tram_y_te.csv`, unit: std("DB0004", YTE) },
  { path: `${std("DB0004", YTE)} - DS đảng viên năm 2025.xlsx`, unit: std("DB0004", YTE) },
  { path: `DSDV ${std("DB0031", KDC3)} 2025.10.31.xlsx`, unit: std("DB0031", KDC3) },
  { path: `DS 213 - ${std("DB0031", KDC3)}.xlsx`, unit: std("DB0031", KDC3), kind: "RESIDENCE_213" },
  { path: `${std("DB0031", KDC3)}_sinh hoat tam thoi.xlsx`, unit: std("DB0031", KDC3), kind: "TEMPORARY" },
  { path: `Danh sach ${std("DB0010", TDP2)} ban sua.xlsx`, unit: std("DB0010", TDP2) },
  // --- 213 inside a code is no mark
  { path: "CB001213.xlsx", unit: "CB001213", kind: null },
  { path: "CB001213_chi_bo_thon_tam_thoi.csv", unit: "CB001213", kind: null, why: "Tâm Thới folded is not tạm thời… but without diacritics a person cannot tell either" },
  { path: "CB001213 - Thôn Tâm Thới.xlsx", unit: "CB001213", kind: null },
  { path: "Thôn Tâm Thới.xlsx", unit: "CB001213", kind: null },
  { path: "DS Chi bộ Thôn Tâm Thới - 213.xlsx", unit: "CB001213", kind: "RESIDENCE_213" },
  { path: "CB001213 - DS 213.xlsx", unit: "CB001213", kind: "RESIDENCE_213" },
  // --- a unique cell name among clerk words
  { path: "Chi bộ Hợp tác xã 43.xlsx", unit: "CB000043" },
  { path: "DS đảng viên Chi bộ Hợp tác xã 43.xlsx", unit: "CB000043" },
  { path: "Danh sách đảng viên Hợp tác xã 43 năm 2025.xlsx", unit: "CB000043" },
  { path: "DANH SACH DANG VIEN HOP TAC XA 43.xlsx", unit: "CB000043" },
  { path: "danh_sach_hop_tac_xa_43.csv", unit: "CB000043" },
  { path: "HopTacXa43.xlsx", unit: "CB000043" },
  { path: "hoptacxa43.xlsx", unit: "CB000043" },
  { path: "DS HTX 43.xlsx", unit: null, why: "HTX is not spelled out anywhere: a person might read it, the tool does not guess" },
  { path: "Hợp tác xã 43 - final.xlsx", unit: "CB000043" },
  { path: "Hợp tác xã 43 - final_v2.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - ban sua.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 (2).xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - Copy (2).xlsx", unit: "CB000043" },
  { path: "Copy of Hop tac xa 43.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - 2025.10.31.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - 31.10.2025.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - 31-10-2025.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - 20251031.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 T10.2025.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 thang 10 nam 2025.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - 213.xlsx", unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "Hop tac xa 43 - QD213.xlsx", unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "Hop tac xa 43 - QĐ 213-QĐ/TW.xlsx".replace("/", "-"), unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "DS213 Hop tac xa 43.xlsx", unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "Hop tac xa 43 - noi cu tru.xlsx", unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "Hợp tác xã 43 - giữ mối liên hệ nơi cư trú.xlsx", unit: "CB000043", kind: "RESIDENCE_213" },
  { path: "Hop tac xa 43 - tam thoi.xlsx", unit: "CB000043", kind: "TEMPORARY" },
  { path: "Hop tac xa 43 - TAM THOI.xlsx", unit: "CB000043", kind: "TEMPORARY" },
  { path: "HopTacXa43_TamThoi.xlsx", unit: "CB000043", kind: "TEMPORARY" },
  { path: "Hợp tác xã 43 - sinh hoạt tạm thời.xlsx", unit: "CB000043", kind: "TEMPORARY" },
  { path: "DS SHTT Hop tac xa 43.xlsx", unit: "CB000043", kind: "TEMPORARY" },
  { path: "Hợp tác xã 43 SH tạm thời.xlsx", unit: "CB000043", kind: "TEMPORARY", why: "SH = sinh hoạt" },
  { path: "SH_tạm_thời_Chi_bộ_Hợp_tác_xã_43.xlsx", unit: "CB000043", kind: "TEMPORARY" },
  { path: `${TANLAP}/DS ĐV KDC so 2 SH tam thoi 2025.xlsx`, unit: std("DB0004", KDC2), kind: "TEMPORARY" },
  { path: "Hop tac xa 43 - chinh thuc.xlsx", unit: "CB000043", kind: "OFFICIAL" },
  { path: "Hợp tác xã 43 - Danh sách chính thức.xlsx", unit: "CB000043", kind: "OFFICIAL" },
  { path: "Thôn Tâm Thới - tạm thời.xlsx", unit: "CB001213", kind: "TEMPORARY" },
  { path: "Hop tac xa 43 - gui Dang uy.xlsx", unit: "CB000043" },
  { path: "Hop tac xa 43 - nguoi lap Lan.xlsx", unit: null, candidates: ["CB000043"], why: "words not a clerk's: the name might go on" },
  { path: "Hop tac xa 43 cu.xlsx", unit: null, candidates: ["CB000043"], why: "\"cũ\" may be part of an old name" },
  { path: "Hop tac xa 430.xlsx", unit: null, why: "no cell 430; 43 is not read inside 430" },
  { path: "Hop tac xa 4.xlsx", unit: null },
  { path: "Hop tac xa.xlsx", unit: null },
  // --- names that contain other names
  { path: "Thôn Đông Bắc.xlsx", unit: "CB000350", why: "the longest name wins: Đông Bắc, not Đông" },
  { path: "DS thon Dong Bac 2025.xlsx", unit: "CB000350" },
  { path: "THON DONG BAC.xlsx", unit: "CB000350" },
  { path: "thon_dong_bac.csv", unit: "CB000350" },
  { path: "ThonDongBac.xlsx", unit: "CB000350" },
  { path: "Thôn Đông Nam.xlsx", unit: null, why: "Thôn Đông then Nam: not a clerk's word, no such cell" },
  { path: "Thôn Nam.xlsx", unit: "CB000351" },
  { path: "Thôn Nam năm 2025.xlsx", unit: "CB000351", why: "năm before a year is a clerk's word; Nam is the name" },
  { path: "Thôn Mới.xlsx", unit: "CB000450" },
  { path: "DS Thon Moi - ban moi.xlsx", unit: "CB000450" },
  { path: "Thôn Mới 2.xlsx", unit: null, why: "a bare number after a name may be part of it" },
  // --- "mới" at the end: the clerk's "new version", unless a cell the other clues allow ends in "Mới"
  { path: `${TANLAP}/Thôn Đông mới.xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/DS thon dong moi.xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/Thon Dong (moi).xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/Thon_Dong_moi.csv`, unit: "CB000451" },
  { path: `${TANLAP}/THON DONG MOI.xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/ThonDongMoi.xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/Thôn Đông - bản mới.xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/Thon Dong ban moi (1).xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/KDC so 2 moi.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/Danh sách đảng viên Khu dân cư số 2 mới 2025.xlsx`, unit: std("DB0004", KDC2), why: "only clerk words after mới" },
  { path: `${TANLAP}/KDC so 2 moi - tam thoi.xlsx`, unit: std("DB0004", KDC2), kind: "TEMPORARY" },
  { path: "Hop tac xa 43 moi.xlsx", unit: "CB000043" },
  { path: "DS Hợp tác xã 43 (mới).xlsx", unit: "CB000043" },
  { path: "Hop_tac_xa_43_MOI.csv", unit: "CB000043" },
  { path: "CB000043 - DS moi.xlsx", unit: "CB000043" },
  { path: "Thôn Mới moi.xlsx", unit: "CB000450", why: "the cell Thôn Mới, new version" },
  { path: `${TANLAP}/Thôn Mới - mới.xlsx`, unit: "CB000450" },
  { path: "Thôn Đông moi.xlsx", unit: null, candidates: ["CB000250", "CB000451", "CB003250"], why: "mới read as new version, and Thôn Đông is in three communes" },
  { path: "Khu dân cư số 2 moi.xlsx", unit: null, why: "in every commune" },
  { path: `${BACSON}/Thôn Trung.xlsx`, unit: "CB000352" },
  { path: `${BACSON}/Thôn Trung Mới.xlsx`, unit: null, candidates: ["CB000352", "CB000353"], why: "Thôn Trung Mới, or the new list of Thôn Trung" },
  { path: `${BACSON}/Thon Trung moi.xlsx`, unit: null, candidates: ["CB000352", "CB000353"] },
  { path: `${BACSON}/DS thôn Trung (mới).xlsx`, unit: null, candidates: ["CB000352", "CB000353"] },
  { path: "Thon Trung moi.xlsx", unit: null, candidates: ["CB000352", "CB000353"] },
  { path: `${BACSON}/Thôn Trung Mới moi.xlsx`, unit: "CB000353", why: "only one reading names a cell" },
  { path: `${BACSON}/Thon Trung Moi - ban moi.xlsx`, unit: "CB000353" },
  { path: `${BACSON}/CB000352 - Thôn Trung mới.xlsx`, unit: "CB000352", why: "the code settles which reading" },
  { path: `${BACSON}/CB000353 - Thôn Trung Mới.xlsx`, unit: "CB000353" },
  { path: `${TANLAP}/Thôn Trung mới.xlsx`, unit: null, why: "no Thôn Trung under Tân Lập either way" },
  { path: `${TANLAP}/Thôn Đông mới nhất.xlsx`, unit: "CB000451", why: "mới nhất is a clerk phrase" },
  { path: `${TANLAP}/Thôn Đông mới lập.xlsx`, unit: null, why: "words after mới that are not a clerk's" },
  { path: `${TANLAP}/Thôn Đông Mới.xlsx`, unit: "CB000451", why: "no Thôn Đông Mới anywhere: the new list of Thôn Đông" },
  { path: `${TANLAP}/Danh sach thon Moi nam 2025.xlsx`, unit: "CB000450" },
  { path: `${BACSON}/Danh sach thon Moi nam 2025.xlsx`, unit: null, why: "no Thôn Mới in Bắc Sơn, and without mới the rest is no name (never \"thôn Nam 2025\")" },
  { path: `${BACSON}/DS thon Trung Moi nam 2025.xlsx`, unit: null, candidates: ["CB000352", "CB000353"] },
  { path: "Thôn Nam 15.10.2025.xlsx", unit: "CB000351", why: "Nam before a date is the name, not năm" },
  { path: "Danh sách thôn Nam 15.10.2025.csv", unit: "CB000351" },
  // --- a name shared by several cells: the folder or the commune narrows it
  { path: "Thôn Đông.xlsx", unit: null, candidates: ["CB000250", "CB000451", "CB003250"] },
  { path: `${TANLAP}/Thôn Đông.xlsx`, unit: "CB000451" },
  { path: `${TANLAP}/DS thon dong.xlsx`, unit: "CB000451" },
  { path: "Xa Tan Lap/Thon Dong.xlsx", unit: "CB000451" },
  { path: "Tan Lap/Thon Dong.xlsx", unit: "CB000451", why: "a folder named as the commune without \"xã\"" },
  { path: "DB0004/Thon Dong.xlsx", unit: "CB000451" },
  { path: "DB0004 - Tan Lap/Thon Dong.xlsx", unit: "CB000451" },
  { path: `${SONHA}/Thôn Đông.xlsx`, unit: null, candidates: ["CB000250", "CB003250"], why: "xã Sơn Hà exists in both provinces" },
  { path: `Đảng bộ tỉnh Hồng Lam/${SONHA}/Thôn Đông.xlsx`, unit: "CB000250" },
  { path: `Tinh Lam Son/${SONHA}/Thôn Đông.xlsx`, unit: "CB003250" },
  { path: `TU02/Son Ha/Thon Dong.xlsx`, unit: "CB003250" },
  { path: "Thôn Đông - Tân Lập.xlsx", unit: "CB000451", why: "the commune named in the file name" },
  { path: "Thôn Đông - xã Tân Lập.xlsx", unit: "CB000451" },
  { path: "Thôn Đông - Đảng bộ xã Tân Lập - 2025.xlsx", unit: "CB000451" },
  { path: "Tân Lập - Thôn Đông.xlsx", unit: "CB000451" },
  { path: "Thôn Đông - Sơn Hà.xlsx", unit: null, candidates: ["CB000250", "CB003250"] },
  { path: "Thôn Đông - Sơn Hà - Hồng Lam.xlsx", unit: "CB000250" },
  { path: "Thôn Đông - Bắc Sơn.xlsx", unit: null, why: "no Thôn Đông under Bắc Sơn" },
  { path: `${BACSON}/Thôn Đông.xlsx`, unit: null, why: "no Thôn Đông under Bắc Sơn" },
  { path: "Khu dân cư số 2.xlsx", unit: null, why: "in every commune" },
  { path: "KDC so 2.xlsx", unit: null },
  { path: "Chi bộ Khu dân cư số 2 - DS đảng viên.xlsx", unit: null },
  { path: `${TANLAP}/Khu dân cư số 2.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KDC so 2.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KDC 02.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KDC2.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/kdc_so_2.csv`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KHU DAN CU SO 2.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KHU_DAN_CU_SO_2.csv`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/khudancuso2.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KhuDanCuSo2.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/Khu dan cu so 02 - DS 2025.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/DS DV KDC so 2 final.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/DSDV_KDC2_2025.10.31.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/CB KDC so 2.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/Chi bo KDC so 2 - Copy.xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KDC so 2 - 213.xlsx`, unit: std("DB0004", KDC2), kind: "RESIDENCE_213" },
  { path: `${TANLAP}/KDC so 2 - tam thoi.xlsx`, unit: std("DB0004", KDC2), kind: "TEMPORARY" },
  { path: `${TANLAP}/KDC so 2 (1).xlsx`, unit: std("DB0004", KDC2) },
  { path: `${TANLAP}/KDC so 22.xlsx`, unit: null, why: "no KDC 22; 2 is not read inside 22" },
  { path: `${TANLAP}/KDC so 2 va so 3.xlsx`, unit: null },
  { path: `${TANLAP}/KDC so 2 - KDC so 3.xlsx`, unit: null, why: "two cells in one name" },
  { path: `${TANLAP}/Khu dân cư số 12.xlsx`, unit: null, why: "Khu dân cư số 12 is in Phú Lộc, not Tân Lập" },
  { path: `${PHULOC}/Khu dân cư số 12.xlsx`, unit: "CB000550" },
  { path: "Khu dân cư số 12.xlsx", unit: "CB000550", why: "only one in the data" },
  { path: "KDC 12 - 213.xlsx", unit: "CB000550", kind: "RESIDENCE_213" },
  { path: `${PHULOC}/Khu dân cư số 1.xlsx`, unit: std("DB0005", KDC1) },
  { path: `${PHULOC}/Tổ dân phố số 2.xlsx`, unit: std("DB0005", TDP2) },
  { path: `${PHULOC}/TDP so 2.xlsx`, unit: std("DB0005", TDP2) },
  { path: `${PHULOC}/TDP 2.xlsx`, unit: std("DB0005", TDP2) },
  { path: `${PHULOC}/TDP02.csv`, unit: std("DB0005", TDP2) },
  { path: `${PHULOC}/to dan pho so 2 - DS dang vien.xlsx`, unit: std("DB0005", TDP2) },
  { path: `${PHULOC}/Tổ 2.xlsx`, unit: null, why: "Tổ 2 is not Tổ dân phố số 2" },
  { path: `${PHULOC}/Khu phố 3.xlsx`, unit: std("DB0005", KP3) },
  { path: `${PHULOC}/KP3.xlsx`, unit: std("DB0005", KP3) },
  { path: `${PHULOC}/KP 03.xlsx`, unit: std("DB0005", KP3) },
  { path: `${PHULOC}/Trạm Y tế.xlsx`, unit: std("DB0005", YTE) },
  { path: `${PHULOC}/TRAM Y TE.xlsx`, unit: std("DB0005", YTE) },
  { path: `${PHULOC}/DS Tram y te - 213.xlsx`, unit: std("DB0005", YTE), kind: "RESIDENCE_213" },
  { path: `${PHULOC}/Công an.xlsx`, unit: std("DB0005", CA) },
  { path: `${PHULOC}/Cong an - tam thoi.csv`, unit: std("DB0005", CA), kind: "TEMPORARY" },
  { path: `${PHULOC}/Trường THCS Phú Lộc.xlsx`, unit: "CB000552" },
  { path: "Trường THCS Phú Lộc.xlsx", unit: "CB000552" },
  { path: "Truong THCS Phu Loc (font VnTime).xlsx", unit: "CB000552" },
  { path: "DS Truong THCS Phu Loc (VNI).xlsx", unit: "CB000552" },
  { path: `${PHULOC}/Ấp 1.xlsx`, unit: "CB000551" },
  { path: `${PHULOC}/Ap 01.xlsx`, unit: "CB000551" },
  { path: "Trạm Y tế.xlsx", unit: null, why: "every commune has one" },
  { path: "Thị trấn Phú Lộc/Trạm Y tế.xlsx", unit: std("DB0005", YTE) },
  { path: "Phú Lộc - Trạm Y tế.xlsx", unit: std("DB0005", YTE) },
  { path: "Tram Y te - Phu Loc.xlsx", unit: std("DB0005", YTE) },
  // --- đảng bộ bộ phận one level down: names repeat inside a commune
  { path: "Đảng bộ xã An Phú/Khu dân cư số 5.xlsx", unit: null, why: "xã An Phú in both provinces, and Khu dân cư số 5 under both its đảng bộ bộ phận" },
  { path: "Đảng bộ bộ phận Khu Bắc/Khu dân cư số 5.xlsx", unit: "CB000192" },
  { path: "Đảng bộ bộ phận Khu Nam/Khu dân cư số 5.xlsx", unit: "CB000194" },
  { path: "Khu Nam/KDC 5.xlsx", unit: "CB000194" },
  { path: "DBP012/KDC 5.xlsx", unit: "CB000194" },
  { path: "Đảng bộ bộ phận Khu Bắc/Khu dân cư số 1.xlsx", unit: "CB000191", why: "the cell under Khu Bắc, not An Phú's own KDC 1" },
  { path: "Đảng bộ xã An Phú/Đảng bộ bộ phận Khu Nam/Khu dân cư số 1.xlsx", unit: "CB000193", why: "xã An Phú of Lam Sơn has no Khu Nam: only CB000193 fits every folder" },
  { path: "Khu dân cư số 5.xlsx", unit: null, candidates: ["CB000192", "CB000194"] },
  // --- two provinces, same commune names
  { path: "Đảng bộ xã An Phú/Trạm Y tế.xlsx", unit: null, candidates: [std("DB0001", YTE), std("DB0031", YTE)] },
  { path: "Hồng Lam/An Phú/Trạm Y tế.xlsx", unit: std("DB0001", YTE) },
  { path: "Lam Sơn/An Phú/Trạm Y tế.xlsx", unit: std("DB0031", YTE) },
  { path: "Đảng bộ tỉnh Lam Sơn/Đảng bộ xã An Phú/DS Tram Y te 2025.xlsx", unit: std("DB0031", YTE) },
  { path: "DB0031/Tram Y te.xlsx", unit: std("DB0031", YTE) },
  { path: "DB0031/Tram Y te - tam thoi.xlsx", unit: std("DB0031", YTE), kind: "TEMPORARY" },
  { path: "TU01/DB0001/Tram Y te.xlsx", unit: std("DB0001", YTE) },
  { path: "TU02/DB0001/Tram Y te.xlsx", unit: null, why: "DB0001 is not in TU02" },
  { path: "Hồng Lam/An Phú/Trạm Y tế - Lam Sơn.xlsx", unit: null, why: "the file name says the other province" },
  // --- folders that say nothing, or something else
  { path: "Nop huyen 2025/Ban cuoi/CB000043.xlsx", unit: "CB000043", why: "folders with no unit in them are ignored" },
  { path: "Rosters/Hop tac xa 43.xlsx", unit: "CB000043" },
  { path: "2025/Tháng 10/Tân Lập/KDC so 3.xlsx", unit: std("DB0004", KDC3) },
  { path: "Gửi Đảng ủy/Tân Lập/Thôn Mới.xlsx", unit: "CB000450" },
  { path: "Chi bộ Thôn Mới/DS 2025.xlsx", unit: "CB000450", why: "a folder named after the cell" },
  { path: "Chi bộ Thôn Mới/DS 213.xlsx", unit: "CB000450", kind: "RESIDENCE_213" },
  { path: `${TANLAP}/Chi bộ Khu dân cư số 3/Danh sách.xlsx`, unit: std("DB0004", KDC3) },
  { path: `${std("DB0004", KDC3)}/danh sach.xlsx`, unit: std("DB0004", KDC3) },
  { path: "Chi bộ Thôn Mới/Thôn Nam.xlsx", unit: null, why: "folder and file name two different cells" },
  // --- nothing to go on
  { path: "Danh sách đảng viên.xlsx", unit: null },
  { path: "DS 213.xlsx", unit: null, kind: "RESIDENCE_213" },
  { path: "Book1.xlsx", unit: null },
  { path: "Sheet1.csv", unit: null },
  { path: "New Microsoft Excel Worksheet.xlsx", unit: null },
  { path: "2025.10.31.xlsx", unit: null },
  { path: "Đảng bộ xã Tân Lập.xlsx", unit: null, why: "a commune, not a cell: its cells are not guessed" },
  { path: `${TANLAP}/Danh sách tổng hợp.xlsx`, unit: null },
  // --- titles and file names together
  { path: "Khu dân cư số 2.xlsx", titles: ["ĐẢNG BỘ XÃ TÂN LẬP", "CHI BỘ KHU DÂN CƯ SỐ 2"], unit: std("DB0004", KDC2), why: "the ĐẢNG BỘ line narrows the name" },
  { path: "CB000043.xlsx", titles: ["CHI BỘ HỢP TÁC XÃ 43"], unit: "CB000043" },
  { path: "CB000043.xlsx", titles: ["CHI BỘ THÔN MỚI"], unit: null, candidates: ["CB000043", "CB000450"], why: "the code in the name and the title conflict" },
  { path: "Thôn Mới.xlsx", titles: ["CHI BỘ HỢP TÁC XÃ 43"], unit: null, why: "the name in the file name and the title conflict" },
  { path: "Thôn Đông.xlsx", titles: ["ĐẢNG BỘ XÃ TÂN LẬP", "CHI BỘ THÔN ĐÔNG"], unit: "CB000451" },
  { path: "DS 2025.xlsx", titles: ["CHI BỘ THÔN ĐÔNG"], unit: null, candidates: ["CB000250", "CB000451", "CB003250"] },
  { path: `${TANLAP}/DS 2025.xlsx`, titles: ["CHI BỘ THÔN ĐÔNG"], unit: "CB000451", why: "the folder narrows the title" },
  { path: "DB0032/DS 2025.xlsx", titles: ["CHI BỘ THÔN ĐÔNG"], unit: "CB003250" }
]
