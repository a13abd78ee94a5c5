/**
 * The report stage at scale: `npx tsx src/Bench/ReportScale.ts [findings=1000000] [members=20000]`.
 * Findings of a generated province are repeated (ids made unique) up to the count asked, then every
 * output file is written and timed; peak RSS against RSS before the stage shows what the stage adds.
 * Figures merged into reports/bench.json under "reportScale".
 */
import { sample } from "../../pipelines/sample.js"
import { benchMatch, recordBench } from "./Bench.js"
import { benchReport, formatReportBench, type ReportData, scaleFindings } from "./Report.js"

const findings = Number(process.argv[2] ?? 1_000_000)
const members = Number(process.argv[3] ?? 20_000)
let data: ReportData | undefined
benchMatch(sample, members, 1, (d) => (data = d))
const scaled: ReportData = { ...data!, findings: scaleFindings(data!.findings, findings), explain: false }
data = undefined
const r = await benchReport(scaled)
await recordBench("reports/bench.json", "report", `${findings} findings`, r)
console.log(formatReportBench(`${findings} findings (province of ${members})`, r))
