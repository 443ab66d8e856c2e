-- Rule t3_row_total (severity 'error'; 'info' when not assessable).
-- Table 三's own check, per row of the report's edition (1, 2, every result row, 3_7, 4):
--   total (总计) = natural_person + commercial + research + social_welfare + legal_service + other_org.
-- One row per row that breaks it: col_code 'total', expected = the sum of the six applicant columns,
-- actual = the stated total.
-- Not assessable ('info') when any of the seven cells of the row is blank, "/" or was not read.
CREATE OR REPLACE VIEW anomaly_t3_row_total AS
WITH per_row AS (
    SELECT
        report_id,
        row_code,
        sum(value) FILTER (WHERE col_code <> 'total') AS applicants,
        max(value) FILTER (WHERE col_code = 'total') AS stated,
        string_agg(anomaly_cell_state(row_code, col_code, cell_state), '; ' ORDER BY sort_order)
            FILTER (WHERE cell_state <> 'value') AS unassessable
    FROM anomaly_cells
    WHERE table_code = 't3'
    GROUP BY report_id, row_code
)
SELECT
    report_id,
    't3_row_total' AS rule_code,
    CASE WHEN unassessable IS NULL THEN 'error' ELSE 'info' END AS severity,
    't3' AS table_code,
    row_code,
    'total' AS col_code,
    CASE WHEN unassessable IS NULL THEN anomaly_num(applicants) END AS expected,
    CASE WHEN unassessable IS NULL THEN anomaly_num(stated) END AS actual,
    CASE
        WHEN unassessable IS NOT NULL
            THEN 'not assessable: ' || unassessable
        ELSE 'row ' || row_code || ': the six applicant columns sum to ' || anomaly_num(applicants)
            || ', but the total is ' || anomaly_num(stated)
    END AS detail
FROM per_row
WHERE unassessable IS NOT NULL OR applicants <> stated;
