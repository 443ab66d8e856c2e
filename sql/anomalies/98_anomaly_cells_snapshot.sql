-- For filling the `anomalies` table (99_anomalies.sql) only; needs anomaly_scope and anomaly_partners
-- (97_anomaly_scope.sql).
-- A snapshot of anomaly_cells for the scope's reports and their partners, in a temporary
-- table of the same name: temporary objects are found before main ones, so while 99_anomalies.sql runs,
-- every rule view reads this snapshot instead of evaluating the anomaly_cells view (over every fact) once
-- per rule. 99_anomalies.sql drops it again; the views themselves are unchanged and read
-- main.anomaly_cells in any other session.
-- Only the columns the rules read from it (a rule that wanted another would fail, not go wrong): the
-- snapshot of 100,000 reports has 18 million rows, and its width decides whether it fits the build's memory.
-- (DuckDB's common-subplan optimiser would materialise anomaly_read_cells, which anomaly_cells reads twice:
-- 18 million rows spilled to disk at 100,000 reports, where reading the facts twice costs far less.)
SET disabled_optimizers = 'common_subplan';
CREATE OR REPLACE TEMP TABLE anomaly_cells AS
SELECT report_id, table_code, row_code, col_code, value, cell_state, sort_order FROM main.anomaly_cells
WHERE report_id IN (SELECT report_id FROM anomaly_scope UNION SELECT report_id FROM anomaly_partners);
RESET disabled_optimizers;
