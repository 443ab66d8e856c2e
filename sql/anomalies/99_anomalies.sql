-- anomalies: every rule's findings in one table, one row per finding (each build recomputes the reports
-- around build_changes; see 97_anomaly_scope.sql):
--   report_id   VARCHAR  the report (reports.report_id)
--   rule_code   VARCHAR  t3_balance | t3_results_sum | t3_row_total | t4_total |
--                        negative_or_fractional_count | period_mismatch | published_before_period_end |
--                        published_late | format_mismatch | missing_table | narrative_table_mismatch |
--                        yoy_carryover | yoy_in_force | regulations_below_level | unit_ambiguous |
--                        unit_unresolved | near_duplicate
--   severity    VARCHAR  'error' (the arithmetic the form itself states is broken), 'warning' (anything
--                        else suspicious), 'info' (the rule could not be assessed: an input cell is blank,
--                        "/" or was not read; detail names it; this is neither a pass nor a failure)
--   table_code, row_code, col_code VARCHAR  the cell (or row, or table) concerned; NULL where the rule is
--                        about the whole report (or spans rows: t3_balance has row_code NULL)
--   expected    VARCHAR  what the rule expected, actual VARCHAR what the report has: numbers as plain text
--                        ('8', '12.5'), dates ISO, periods 'start..end', editions '2019'/'2021'; NULL when
--                        there is no single value (not-assessable rows among others). TRY_CAST(... AS
--                        DECIMAL(38, 6)) for arithmetic.
--   detail      VARCHAR  a sentence for a person
-- A rule that passes gives no row. Each rule is its own view (anomaly_<rule>), documented in its file.
CREATE TABLE IF NOT EXISTS anomalies (
    report_id  VARCHAR,
    rule_code  VARCHAR,
    severity   VARCHAR,
    table_code VARCHAR,
    row_code   VARCHAR,
    col_code   VARCHAR,
    expected   VARCHAR,
    actual     VARCHAR,
    detail     VARCHAR
);

-- Replace the rows of the reports in anomaly_scope (97_anomaly_scope.sql) and of every report
-- that is gone or no longer current; near_duplicate, which pairs reports across the whole corpus, is
-- recomputed whole (it is cheap: its pairs are in text_near_duplicates).
DELETE FROM anomalies
WHERE rule_code = 'near_duplicate'
   OR report_id IN (SELECT report_id FROM anomaly_scope)
   OR report_id NOT IN (SELECT report_id FROM reports WHERE is_current);

INSERT INTO anomalies
SELECT report_id, rule_code, severity, table_code, row_code, col_code, expected, actual, detail
FROM (
    SELECT * FROM anomaly_t3_balance
    UNION ALL BY NAME SELECT * FROM anomaly_t3_results_sum
    UNION ALL BY NAME SELECT * FROM anomaly_t3_row_total
    UNION ALL BY NAME SELECT * FROM anomaly_t4_total
    UNION ALL BY NAME SELECT * FROM anomaly_negative_or_fractional_count
    UNION ALL BY NAME SELECT * FROM anomaly_period_mismatch
    UNION ALL BY NAME SELECT * FROM anomaly_published_before_period_end
    UNION ALL BY NAME SELECT * FROM anomaly_published_late
    UNION ALL BY NAME SELECT * FROM anomaly_near_duplicate
    UNION ALL BY NAME SELECT * FROM anomaly_format_mismatch
    UNION ALL BY NAME SELECT * FROM anomaly_missing_table
    UNION ALL BY NAME SELECT * FROM anomaly_narrative_table_mismatch
    UNION ALL BY NAME SELECT * FROM anomaly_yoy_carryover
    UNION ALL BY NAME SELECT * FROM anomaly_yoy_in_force
    UNION ALL BY NAME SELECT * FROM anomaly_regulations_below_level
    UNION ALL BY NAME SELECT * FROM anomaly_unit_status
)
WHERE rule_code = 'near_duplicate' OR report_id IN (SELECT report_id FROM anomaly_scope);

-- the snapshot of 98_anomaly_cells_snapshot.sql
DROP VIEW temp.anomaly_cells;
DROP TABLE temp.anomaly_snapshot_cells;
DROP TABLE temp.anomaly_snapshot_reports;
DROP TABLE temp.anomaly_snapshot_taxonomy;
DROP TABLE temp.anomaly_scope;
DROP TABLE temp.anomaly_near;
DROP TABLE temp.anomaly_partners;
DROP TABLE temp.anomaly_units;
