/**
 * Schema of the run store, as ordered migrations ("<id>_<name>"). Never edit a released migration;
 * add the next one.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

const createRunTables = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    as_of TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    summary_json TEXT NOT NULL
  )`
  yield* sql`CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('central', 'roster')),
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_read INTEGER,
    rows_ingested INTEGER,
    rows_rejected INTEGER,
    error TEXT
  )`
  yield* sql`CREATE INDEX run_inputs_by_run ON run_inputs (run_id)`
  yield* sql`CREATE TABLE links (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,
    member_id TEXT,
    score REAL,
    PRIMARY KEY (run_id, file, sheet, row)
  )`
  yield* sql`CREATE TABLE discrepancies (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_code TEXT,
    member_ids_json TEXT NOT NULL,
    roster_rows_json TEXT NOT NULL,
    score REAL,
    field TEXT,
    central_value TEXT,
    roster_value TEXT,
    reason TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    PRIMARY KEY (run_id, id)
  )`
  // Findings are followed across runs by their stable id.
  yield* sql`CREATE INDEX discrepancies_by_id ON discrepancies (id, run_id)`
})

/**
 * Reviewers' decisions, read back from reviewed workbooks. An audit trail: rows are never deleted or
 * edited; a newer decision on the same finding supersedes the older one (superseded_by = its seq),
 * which is the only update the triggers allow. evidence_hash is the finding's evidence the reviewer
 * saw, so a later run can tell whether the evidence changed since the decision.
 * Also: the rule cited and the checks applied on each stored finding, and the unit names of a run
 * (so `review status` can name units without the central export at hand).
 */
const createReviewDecisions = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE review_decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('Đồng ý đề xuất', 'Không đồng ý', 'Cần xác minh', 'Đã xử lý')),
    unit_comment TEXT,
    committee_comment TEXT,
    reviewer TEXT NOT NULL,
    decided_on TEXT,
    imported_at TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_sheet TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    evidence_hash TEXT NOT NULL,
    superseded_by INTEGER
  )`
  yield* sql`CREATE INDEX review_decisions_by_finding ON review_decisions (finding_id, superseded_by)`
  yield* sql`CREATE TRIGGER review_decisions_never_deleted BEFORE DELETE ON review_decisions
    BEGIN SELECT RAISE(ABORT, 'review_decisions is an audit trail: rows are never deleted'); END`
  yield* sql`CREATE TRIGGER review_decisions_only_superseded BEFORE UPDATE ON review_decisions
    WHEN OLD.superseded_by IS NOT NULL OR NEW.superseded_by IS NULL
      OR NEW.seq IS NOT OLD.seq OR NEW.finding_id IS NOT OLD.finding_id OR NEW.decision IS NOT OLD.decision
      OR NEW.unit_comment IS NOT OLD.unit_comment OR NEW.committee_comment IS NOT OLD.committee_comment
      OR NEW.reviewer IS NOT OLD.reviewer OR NEW.decided_on IS NOT OLD.decided_on
      OR NEW.imported_at IS NOT OLD.imported_at OR NEW.source_file IS NOT OLD.source_file
      OR NEW.source_sheet IS NOT OLD.source_sheet OR NEW.source_row IS NOT OLD.source_row
      OR NEW.evidence_hash IS NOT OLD.evidence_hash
    BEGIN SELECT RAISE(ABORT, 'review_decisions is an audit trail: a row can only be superseded, once'); END`
  yield* sql`ALTER TABLE discrepancies ADD COLUMN rule TEXT`
  yield* sql`ALTER TABLE discrepancies ADD COLUMN checks_json TEXT`
  yield* sql`CREATE TABLE run_units (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    PRIMARY KEY (run_id, code)
  )`
})

/**
 * Persons of a run: which central records the matcher took for one person (id "P-" + the smallest
 * member id, stable across runs). A record belongs to one person per run, hence the key; the
 * index follows a person across runs. Roster rows are not repeated here: links has them.
 */
const createPersons = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE persons (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (run_id, member_id)
  )`
  yield* sql`CREATE INDEX persons_by_person ON persons (person_id, run_id)`
})

export const migrations: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>> = {
  "0001_create_run_tables": createRunTables,
  "0002_review_decisions": createReviewDecisions,
  "0003_persons": createPersons
}
