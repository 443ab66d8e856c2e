-- Rule t3_balance (severity 'error'; 'info' when not assessable).
-- Table 三's own check, per applicant column (the 7 columns natural_person … other_org, total):
--   row 1 (本年新收) + row 2 (上年结转) = row 3_7 (办理结果总计) + row 4 (结转下年度).
-- One row per column that breaks it: row_code NULL (the rule spans rows 1, 2, 3_7, 4), col_code the column,
-- expected = row 1 + row 2, actual = row 3_7 + row 4.
-- Not assessable (severity 'info', expected/actual NULL) when any of the four cells of the column is blank,
-- "/" or was not read; detail names them. Reports with no cell of table 三 at all: see missing_table.
CREATE OR REPLACE VIEW anomaly_t3_balance AS
WITH per_column AS (
    SELECT
        report_id,
        col_code,
        min(sort_order) AS sort_order,
        max(value) FILTER (WHERE row_code = '1') AS r1,
        max(value) FILTER (WHERE row_code = '2') AS r2,
        max(value) FILTER (WHERE row_code = '3_7') AS r3_7,
        max(value) FILTER (WHERE row_code = '4') AS r4,
        string_agg(anomaly_cell_state(row_code, col_code, cell_state), '; ' ORDER BY sort_order)
            FILTER (WHERE cell_state <> 'value') AS unassessable
    FROM anomaly_cells
    WHERE table_code = 't3' AND row_code IN ('1', '2', '3_7', '4')
    GROUP BY report_id, col_code
)
SELECT
    report_id,
    't3_balance' AS rule_code,
    CASE WHEN unassessable IS NULL THEN 'error' ELSE 'info' END AS severity,
    't3' AS table_code,
    CAST(NULL AS VARCHAR) AS row_code,
    col_code,
    CASE WHEN unassessable IS NULL THEN anomaly_num(r1 + r2) END AS expected,
    CASE WHEN unassessable IS NULL THEN anomaly_num(r3_7 + r4) END AS actual,
    CASE
        WHEN unassessable IS NOT NULL
            THEN 'not assessable: ' || unassessable
        ELSE col_code || ': row 1 (' || anomaly_num(r1) || ') + row 2 (' || anomaly_num(r2) || ') = '
            || anomaly_num(r1 + r2) || ', but row 3_7 (' || anomaly_num(r3_7) || ') + row 4 ('
            || anomaly_num(r4) || ') = ' || anomaly_num(r3_7 + r4)
    END AS detail
FROM per_column
WHERE unassessable IS NOT NULL OR r1 + r2 <> r3_7 + r4;
