-- Rule t4_total (severity 'error'; 'info' when not assessable).
-- Table 四's own check, per group (review 行政复议, litigation_direct 未经复议直接起诉,
-- litigation_after_review 复议后起诉):
--   total (总计) = upheld (结果维持) + corrected (结果纠正) + other (其他结果) + pending (尚未审结).
-- One row per group that breaks it: row_code the group, col_code 'total', expected = the sum of the four
-- outcome columns, actual = the stated total.
-- Not assessable ('info') when any of the group's five cells is blank, "/" or was not read.
CREATE OR REPLACE VIEW anomaly_t4_total AS
WITH per_group AS (
    SELECT
        report_id,
        row_code,
        sum(value) FILTER (WHERE col_code <> 'total') AS outcomes,
        max(value) FILTER (WHERE col_code = 'total') AS stated,
        string_agg(anomaly_cell_state(row_code, col_code, cell_state), '; ' ORDER BY sort_order)
            FILTER (WHERE cell_state <> 'value') AS unassessable
    FROM anomaly_cells
    WHERE table_code = 't4'
    GROUP BY report_id, row_code
)
SELECT
    report_id,
    't4_total' AS rule_code,
    CASE WHEN unassessable IS NULL THEN 'error' ELSE 'info' END AS severity,
    't4' AS table_code,
    row_code,
    'total' AS col_code,
    CASE WHEN unassessable IS NULL THEN anomaly_num(outcomes) END AS expected,
    CASE WHEN unassessable IS NULL THEN anomaly_num(stated) END AS actual,
    CASE
        WHEN unassessable IS NOT NULL
            THEN 'not assessable: ' || unassessable
        ELSE row_code || ': upheld + corrected + other + pending = ' || anomaly_num(outcomes)
            || ', but the total is ' || anomaly_num(stated)
    END AS detail
FROM per_group
WHERE unassessable IS NOT NULL OR outcomes <> stated;
