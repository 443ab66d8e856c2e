-- Rule negative_or_fractional_count (severity 'warning').
-- A number no count can be: in a count column (unit 件 or 项) a value below 0 or not a whole number; in an
-- amount column (万元) a value below 0 (amounts may have decimals). Exception: table 二's 本年增/减 columns
-- (2019 edition, col_code 'change') may be negative, but must still be whole numbers.
-- One row per cell: the cell's codes, expected NULL, actual = the value; detail says which limit it breaks.
-- The unit is the fact's measure_unit, else the taxonomy's. Blank, "/" and unread cells have no value and
-- are not checked (no 'info' row: the rule is about the numbers present). Current reports only (anomaly_reports).
CREATE OR REPLACE VIEW anomaly_negative_or_fractional_count AS
WITH valued AS (
    SELECT
        f.report_id,
        f.table_code,
        f.row_code,
        f.col_code,
        f.value,
        coalesce(f.measure_unit, t.unit) AS unit
    FROM facts AS f
    LEFT JOIN (SELECT DISTINCT table_code, row_code, col_code, unit FROM taxonomy) AS t
        ON t.table_code = f.table_code AND t.row_code = f.row_code AND t.col_code = f.col_code
    WHERE f.value IS NOT NULL
        AND f.report_id IN (SELECT report_id FROM anomaly_reports)
),
checked AS (
    SELECT
        *,
        value < 0 AND NOT (table_code = 't2' AND col_code = 'change') AS is_negative,
        unit IN ('件', '项') AND value <> trunc(value) AS is_fractional
    FROM valued
)
SELECT
    report_id,
    'negative_or_fractional_count' AS rule_code,
    'warning' AS severity,
    table_code,
    row_code,
    col_code,
    CAST(NULL AS VARCHAR) AS expected,
    anomaly_num(value) AS actual,
    concat_ws(
        ' and ',
        CASE WHEN is_negative THEN CASE WHEN unit = '万元' THEN 'a negative amount' ELSE 'a negative count' END END,
        CASE WHEN is_fractional THEN 'a count that is not a whole number' END
    ) || ' (' || anomaly_num(value) || ' ' || coalesce(unit, '') || ')' AS detail
FROM checked
WHERE is_negative OR is_fractional;
