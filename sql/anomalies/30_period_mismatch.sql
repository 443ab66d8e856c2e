-- Rule period_mismatch (severity 'warning'; 'info' when not assessable).
-- The statistical period the report states (reports.stated_period_start/end) must be the report's year:
--   a) a start or end in another year than reports.year → warning ("the data are of another year":
--      e.g. a 2023 report stating 2022-01-01..2022-12-31);
--   b) otherwise, a period that is not the whole year (1月1日 to 12月31日) → warning.
-- One row per report (a) taking precedence): table/row/col NULL, expected = the report year's period
-- 'YYYY-01-01..YYYY-12-31', actual = the stated period 'start..end' ('?' for a side not read).
-- Not assessable ('info') when only one side of the period was read and that side agrees with the year.
-- Nothing when the report states no period (both NULL) or its year is unknown: there is nothing to compare.
CREATE OR REPLACE VIEW anomaly_period_mismatch AS
WITH stated AS (
    SELECT
        report_id,
        year,
        stated_period_start AS s,
        stated_period_end AS e,
        CAST(year AS VARCHAR) || '-01-01..' || CAST(year AS VARCHAR) || '-12-31' AS whole_year,
        coalesce(strftime(stated_period_start, '%Y-%m-%d'), '?') || '..'
            || coalesce(strftime(stated_period_end, '%Y-%m-%d'), '?') AS period,
        coalesce(year(stated_period_start) <> year, false)
            OR coalesce(year(stated_period_end) <> year, false) AS other_year,
        stated_period_start IS NOT NULL AND stated_period_end IS NOT NULL
            AND (stated_period_start <> make_date(year, 1, 1) OR stated_period_end <> make_date(year, 12, 31))
            AS part_year,
        stated_period_start IS NULL OR stated_period_end IS NULL AS one_side
    FROM anomaly_reports
    WHERE year IS NOT NULL AND (stated_period_start IS NOT NULL OR stated_period_end IS NOT NULL)
)
SELECT
    report_id,
    'period_mismatch' AS rule_code,
    CASE WHEN other_year OR part_year THEN 'warning' ELSE 'info' END AS severity,
    CAST(NULL AS VARCHAR) AS table_code,
    CAST(NULL AS VARCHAR) AS row_code,
    CAST(NULL AS VARCHAR) AS col_code,
    whole_year AS expected,
    period AS actual,
    CASE
        WHEN other_year
            THEN 'the stated period ' || period || ' is not the report''s year ' || CAST(year AS VARCHAR)
        WHEN part_year
            THEN 'the stated period ' || period || ' is not the whole year ' || CAST(year AS VARCHAR)
        ELSE 'not assessable: the stated period ' || period || ' was read on one side only'
    END AS detail
FROM stated
WHERE other_year OR part_year OR one_side;
