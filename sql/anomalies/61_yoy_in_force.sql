-- Rule yoy_in_force (severity 'warning'; 'info' when not assessable).
-- Table 二 (2021 edition), rows 20_1_normative (行政规范性文件) and 20_1_regulations (规章):
--   in_force (现行有效) = last year's in_force + this year's issued (本年制发) − this year's repealed (本年废止),
-- against the same unit's report for the year before (anomaly_report_pairs), when both reports are on the
-- 2021 edition and both have table 二.
-- One row per row that differs: col_code 'in_force', expected = last year's in_force + issued − repealed,
-- actual = this year's in_force; detail names last year's report.
-- Not assessable ('info') when any of the four cells is blank, "/" or was not read.
CREATE OR REPLACE VIEW anomaly_yoy_in_force AS
WITH cells AS MATERIALIZED (
    SELECT report_id, row_code, col_code, sort_order, value, cell_state
    FROM anomaly_cells
    WHERE table_code = 't2' AND row_code IN ('20_1_normative', '20_1_regulations')
        AND col_code IN ('issued', 'repealed', 'in_force')
        AND report_id IN (SELECT report_id FROM anomaly_report_pairs UNION SELECT prev_report_id FROM anomaly_report_pairs)
),
per_row AS (
    SELECT
        p.report_id,
        p.prev_report_id,
        p.prev_year,
        p.matched_on,
        cur.row_code,
        max(cur.value) FILTER (WHERE cur.col_code = 'in_force') AS in_force,
        max(cur.value) FILTER (WHERE cur.col_code = 'issued') AS issued,
        max(cur.value) FILTER (WHERE cur.col_code = 'repealed') AS repealed,
        max(prev.value) AS prev_in_force,
        string_agg(anomaly_cell_state(cur.row_code, cur.col_code, cur.cell_state), '; ' ORDER BY cur.sort_order)
            FILTER (WHERE cur.cell_state <> 'value') AS cur_unassessable,
        max(prev.cell_state) AS prev_state
    FROM anomaly_report_pairs AS p
    JOIN cells AS cur ON cur.report_id = p.report_id
    JOIN cells AS prev ON prev.report_id = p.prev_report_id AND prev.row_code = cur.row_code AND prev.col_code = 'in_force'
    WHERE p.edition = '2021' AND p.prev_edition = '2021'
    GROUP BY p.report_id, p.prev_report_id, p.prev_year, p.matched_on, cur.row_code
),
judged AS (
    SELECT
        *,
        concat_ws('; ',
            cur_unassessable,
            CASE WHEN prev_state <> 'value' THEN 'in the ' || CAST(prev_year AS VARCHAR) || ' report '
                || prev_report_id || ' ' || anomaly_cell_state(row_code, 'in_force', prev_state) END
        ) AS unassessable
    FROM per_row
)
SELECT
    report_id,
    'yoy_in_force' AS rule_code,
    CASE WHEN unassessable = '' THEN 'warning' ELSE 'info' END AS severity,
    't2' AS table_code,
    row_code,
    'in_force' AS col_code,
    CASE WHEN unassessable = '' THEN anomaly_num(prev_in_force + issued - repealed) END AS expected,
    CASE WHEN unassessable = '' THEN anomaly_num(in_force) END AS actual,
    CASE
        WHEN unassessable = ''
            THEN row_code || ': the ' || CAST(prev_year AS VARCHAR) || ' report ' || prev_report_id
                || ' (same ' || matched_on || ') had ' || anomaly_num(prev_in_force) || ' in force; + '
                || anomaly_num(issued) || ' issued − ' || anomaly_num(repealed) || ' repealed = '
                || anomaly_num(prev_in_force + issued - repealed) || ', but in_force is '
                || anomaly_num(in_force)
        ELSE 'not assessable: ' || unassessable
    END AS detail
FROM judged
WHERE unassessable <> '' OR in_force <> prev_in_force + issued - repealed;
