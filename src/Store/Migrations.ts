/**
 * Schema of the run store, as ordered migrations ("<id>_<name>"). Never edit a released migration;
 * add the next one (the review_decisions table will be 0002).
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

export const migrations: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>> = {
  "0001_create_run_tables": createRunTables
}
