-- Rule t3_results_sum (severity 'error'; 'info' when not assessable).
-- Table 三's own check, per applicant column: row 3_7 (三（七）总计) = the sum of the result rows of the
-- report's edition (taxonomy): in 2021, 3_1, 3_2, 3_3_1..3_3_8, 3_4_1..3_4_3, 3_5_1..3_5_5, 3_6_1..3_6_3
-- (21 rows); in 2019 the same with the single row 3_6 instead of 3_6_1..3_6_3 (19 rows). The edition is
-- reports.format_edition (when unknown: the one the year calls for, see anomaly_reports).
-- One row per column that breaks it: row_code '3_7', expected = the sum of the result rows, actual = 3_7.
-- Not assessable ('info') when 3_7 or any result row of the column is blank, "/" or was not read.
CREATE OR REPLACE VIEW anomaly_t3_results_sum AS
WITH per_column AS (
    SELECT
        report_id,
        col_code,
        sum(value) FILTER (WHERE row_code <> '3_7') AS results,
        max(value) FILTER (WHERE row_code = '3_7') AS stated,
        count(*) FILTER (WHERE row_code <> '3_7') AS result_rows,
        string_agg(anomaly_cell_state(row_code, col_code, cell_state), '; ' ORDER BY sort_order)
            FILTER (WHERE cell_state <> 'value') AS unassessable
    FROM anomaly_cells
    WHERE table_code = 't3' AND row_code NOT IN ('1', '2', '4')
    GROUP BY report_id, col_code
)
SELECT
    report_id,
    't3_results_sum' AS rule_code,
    CASE WHEN unassessable IS NULL THEN 'error' ELSE 'info' END AS severity,
    't3' AS table_code,
    '3_7' AS row_code,
    col_code,
    CASE WHEN unassessable IS NULL THEN anomaly_num(results) END AS expected,
    CASE WHEN unassessable IS NULL THEN anomaly_num(stated) END AS actual,
    CASE
        WHEN unassessable IS NOT NULL
            THEN 'not assessable: ' || unassessable
        ELSE col_code || ': the ' || result_rows || ' result rows sum to ' || anomaly_num(results)
            || ', but row 3_7 (总计) is ' || anomaly_num(stated)
    END AS detail
FROM per_column
WHERE unassessable IS NOT NULL OR results <> stated;
