-- Rule yoy_carryover (severity 'warning'; 'info' when not assessable).
-- The applications carried over into this year (table 三 row 2, 上年结转) must be those the same unit's
-- report for the year before carried over to the next year (its row 4, 结转下年度), per column (the 7
-- applicant columns). Only when both years' reports are loaded and both have table 三; same unit as in
-- anomaly_report_pairs (same division when both are resolved, else the same unit_name).
-- One row per column that differs: row_code '2', col_code the column, expected = last year's row 4,
-- actual = this year's row 2; detail names last year's report.
-- Not assessable ('info') when either cell is blank, "/" or was not read.
CREATE OR REPLACE VIEW anomaly_yoy_carryover AS
WITH cells AS MATERIALIZED (
    SELECT report_id, row_code, col_code, sort_order, value, cell_state
    FROM anomaly_cells
    WHERE table_code = 't3' AND row_code IN ('2', '4')
        AND report_id IN (SELECT report_id FROM anomaly_report_pairs UNION SELECT prev_report_id FROM anomaly_report_pairs)
),
compared AS (
    SELECT
        p.report_id,
        p.prev_report_id,
        p.prev_year,
        p.matched_on,
        cur.col_code,
        cur.sort_order,
        cur.value AS carried_in,
        cur.cell_state AS in_state,
        prev.value AS carried_out,
        prev.cell_state AS out_state
    FROM anomaly_report_pairs AS p
    JOIN cells AS cur ON cur.report_id = p.report_id AND cur.row_code = '2'
    JOIN cells AS prev ON prev.report_id = p.prev_report_id AND prev.row_code = '4'
        AND prev.col_code = cur.col_code
)
SELECT
    report_id,
    'yoy_carryover' AS rule_code,
    CASE WHEN in_state = 'value' AND out_state = 'value' THEN 'warning' ELSE 'info' END AS severity,
    't3' AS table_code,
    '2' AS row_code,
    col_code,
    CASE WHEN in_state = 'value' AND out_state = 'value' THEN anomaly_num(carried_out) END AS expected,
    CASE WHEN in_state = 'value' AND out_state = 'value' THEN anomaly_num(carried_in) END AS actual,
    CASE
        WHEN in_state = 'value' AND out_state = 'value'
            THEN col_code || ': row 2 (上年结转) is ' || anomaly_num(carried_in) || ', but the '
                || CAST(prev_year AS VARCHAR) || ' report ' || prev_report_id || ' (same ' || matched_on
                || ') carried ' || anomaly_num(carried_out) || ' over (row 4, 结转下年度)'
        ELSE 'not assessable: ' || concat_ws('; ',
            CASE WHEN in_state <> 'value' THEN anomaly_cell_state('2', col_code, in_state) END,
            CASE WHEN out_state <> 'value' THEN 'in the ' || CAST(prev_year AS VARCHAR) || ' report '
                || prev_report_id || ' ' || anomaly_cell_state('4', col_code, out_state) END)
    END AS detail
FROM compared
WHERE in_state <> 'value' OR out_state <> 'value' OR carried_in <> carried_out;
