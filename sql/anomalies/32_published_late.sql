-- Rule published_late (severity 'warning'). Uses reports.unit_level (NULL until the unit columns exist).
-- The 条例 (第四十九、五十条) sets the deadline for publishing a year's report: 1月31日 of the next year
-- for departments (and, by provincial practice, townships: unit_level 'department' / 'township'), 3月31日
-- of the next year for governments at county level and above ('county', 'city', 'province').
-- Fires when published_on is after the deadline.
-- When unit_level is unknown (NULL, or the column does not exist yet) the later deadline, 3月31日, is
-- applied: a report flagged then is late whatever its level; detail says the level was unknown. (A
-- township or department published in February or March is therefore only flagged once its level is
-- known.)
-- One row per report: table/row/col NULL, expected = the deadline (ISO date), actual = published_on.
-- Nothing when published_on or the year is unknown.
CREATE OR REPLACE VIEW anomaly_published_late AS
WITH dated AS (
    SELECT
        report_id,
        year,
        unit_level,
        published_on,
        CASE
            WHEN unit_level IN ('department', 'township') THEN make_date(year + 1, 1, 31)
            ELSE make_date(year + 1, 3, 31)
        END AS deadline
    FROM anomaly_reports
    WHERE published_on IS NOT NULL AND year IS NOT NULL
)
SELECT
    report_id,
    'published_late' AS rule_code,
    'warning' AS severity,
    CAST(NULL AS VARCHAR) AS table_code,
    CAST(NULL AS VARCHAR) AS row_code,
    CAST(NULL AS VARCHAR) AS col_code,
    strftime(deadline, '%Y-%m-%d') AS expected,
    strftime(published_on, '%Y-%m-%d') AS actual,
    'published on ' || strftime(published_on, '%Y-%m-%d') || ', after the deadline '
        || strftime(deadline, '%Y-%m-%d')
        || CASE
            WHEN unit_level IS NULL THEN ' (unit level unknown: the county-and-above deadline was applied)'
            ELSE ' for a ' || unit_level || ' unit'
        END AS detail
FROM dated
WHERE published_on > deadline;
