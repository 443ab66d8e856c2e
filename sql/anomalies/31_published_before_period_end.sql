-- Rule published_before_period_end (severity 'warning').
-- A report cannot be published before the end of the period it reports on: published_on < the stated
-- period's end (reports.stated_period_end), or, when no end is stated, < 12月31日 of reports.year.
-- One row per report: table/row/col NULL, expected = that period end (ISO date), actual = published_on.
-- Nothing when published_on is unknown or there is no end to compare with (no stated end and no year).
CREATE OR REPLACE VIEW anomaly_published_before_period_end AS
WITH dated AS (
    SELECT
        report_id,
        published_on,
        coalesce(stated_period_end, make_date(year, 12, 31)) AS period_end,
        stated_period_end IS NOT NULL AS stated
    FROM anomaly_reports
    WHERE published_on IS NOT NULL
)
SELECT
    report_id,
    'published_before_period_end' AS rule_code,
    'warning' AS severity,
    CAST(NULL AS VARCHAR) AS table_code,
    CAST(NULL AS VARCHAR) AS row_code,
    CAST(NULL AS VARCHAR) AS col_code,
    strftime(period_end, '%Y-%m-%d') AS expected,
    strftime(published_on, '%Y-%m-%d') AS actual,
    'published on ' || strftime(published_on, '%Y-%m-%d') || ', before the end of the period it reports on ('
        || strftime(period_end, '%Y-%m-%d')
        || CASE WHEN stated THEN ', the stated period end)' ELSE ', the end of the report year)' END AS detail
FROM dated
WHERE published_on < period_end;
