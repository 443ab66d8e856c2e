-- For filling the `anomalies` table (99_anomalies.sql) only; needs anomaly_scope and anomaly_partners
-- (97_anomaly_scope.sql).
-- A snapshot of anomaly_cells for the scope's reports and their partners, behind a temporary view of the
-- same name: temporary objects are found before main ones, so while 99_anomalies.sql runs, every rule view
-- reads this snapshot instead of evaluating the anomaly_cells view (over every fact) once per rule.
-- 99_anomalies.sql drops it again; the views themselves are unchanged and read main.anomaly_cells in any
-- other session.
-- Only the columns the rules read from it (a rule that wanted another would fail, not go wrong), and
-- stored narrow: a report number, the taxonomy cell's sort_order (unique per taxonomy row, so it names the
-- cell), the value and a state number, about 23 bytes a row. The temporary view puts report_id, the codes
-- and cell_state back from two small tables. Stored with those strings, the 18 million rows of 100,000
-- reports took about 2.6 GB, spilled under the build's 1 GB memory limit, and every rule read them back
-- from disk (the rules then took 35 s; 13 s when the snapshot fits).
-- (DuckDB's common-subplan optimiser would materialise anomaly_read_cells, which anomaly_cells reads twice:
-- 18 million rows spilled to disk at 100,000 reports, where reading the facts twice costs far less.)
SELECT CASE WHEN count(*) <> count(DISTINCT sort_order) THEN error('taxonomy.sort_order is not unique') END
FROM taxonomy;

CREATE OR REPLACE TEMP TABLE anomaly_snapshot_reports AS
SELECT report_id, CAST(row_number() OVER (ORDER BY report_id) AS UINTEGER) AS report_no
FROM (SELECT report_id FROM anomaly_scope UNION SELECT report_id FROM anomaly_partners);

CREATE OR REPLACE TEMP TABLE anomaly_snapshot_taxonomy AS
SELECT CAST(sort_order AS USMALLINT) AS cell_no, sort_order, table_code, row_code, col_code FROM taxonomy;

SET disabled_optimizers = 'common_subplan';
CREATE OR REPLACE TEMP TABLE anomaly_snapshot_cells AS
SELECT
    s.report_no,
    CAST(c.sort_order AS USMALLINT) AS cell_no,
    c.value,
    -- a state this list does not know stops the build rather than reading as another one
    CAST(CASE c.cell_state
        WHEN 'value' THEN 0 WHEN 'blank' THEN 1 WHEN 'na' THEN 2 WHEN 'missing' THEN 3
        ELSE error('anomaly_cells: unknown cell_state ' || c.cell_state)
    END AS UTINYINT) AS state_no
FROM main.anomaly_cells AS c
JOIN anomaly_snapshot_reports AS s ON s.report_id = c.report_id;
RESET disabled_optimizers;

CREATE OR REPLACE TEMP VIEW anomaly_cells AS
SELECT
    s.report_id,
    t.table_code,
    t.row_code,
    t.col_code,
    c.value,
    ['value', 'blank', 'na', 'missing'][c.state_no + 1] AS cell_state,
    t.sort_order
FROM anomaly_snapshot_cells AS c
JOIN anomaly_snapshot_reports AS s ON s.report_no = c.report_no
JOIN anomaly_snapshot_taxonomy AS t ON t.cell_no = c.cell_no;
