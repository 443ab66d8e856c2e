-- Rule missing_table (severity 'warning').
-- A report of which no cell of table 二 (t2), 三 (t3) or 四 (t4) was loaded (no fact at all, not even a
-- blank one): one row per missing table, table_code the table, row/col/expected/actual NULL. The parser's
-- parse_issues say why (e.g. 'table_missing': no heading, or a heading without rows).
-- Not raised for a file that is not a report (reports.parse_status 'not_a_report', or a parse_issues row
-- with code 'not_a_report'), nor for a report on a year before 2019 (reports.year < 2019: the form of
-- 国办公开办函〔2019〕60号 with these tables applies from the 2019 reports on; older reports have none).
-- A report whose parse failed ('failed') is reported, with that status in detail.
-- While a table is missing the rules on its cells (t3_balance, …) say nothing about it.
CREATE OR REPLACE VIEW anomaly_missing_table AS
WITH tables(table_code, table_name) AS (
    VALUES ('t2', '二 (主动公开政府信息情况)'),
        ('t3', '三 (收到和处理政府信息公开申请情况)'),
        ('t4', '四 (政府信息公开行政复议、行政诉讼情况)')
)
SELECT
    r.report_id,
    'missing_table' AS rule_code,
    'warning' AS severity,
    t.table_code,
    CAST(NULL AS VARCHAR) AS row_code,
    CAST(NULL AS VARCHAR) AS col_code,
    CAST(NULL AS VARCHAR) AS expected,
    CAST(NULL AS VARCHAR) AS actual,
    'no cell of table ' || t.table_name || ' was loaded'
        || CASE WHEN r.parse_status = 'failed' THEN ' (the parse failed)' ELSE '' END
        || '; see parse_issues' AS detail
FROM anomaly_reports AS r
CROSS JOIN tables AS t
WHERE r.parse_status <> 'not_a_report'
    AND (r.year IS NULL OR r.year >= 2019)
    AND NOT EXISTS (SELECT 1 FROM parse_issues AS i WHERE i.report_id = r.report_id AND i.code = 'not_a_report')
    AND NOT EXISTS (SELECT 1 FROM facts AS f WHERE f.report_id = r.report_id AND f.table_code = t.table_code);
