-- Rules unit_ambiguous and unit_unresolved (severity 'warning'). Use reports.division_status (NULL until
-- the unit columns exist: the rules then find nothing).
-- The issuing unit could not be placed on one administrative division: division_status 'ambiguous'
-- (several divisions fit the name) → unit_ambiguous; 'unresolved' (none fits) → unit_unresolved.
-- Statuses 'resolved' and 'override' (set by hand) give nothing.
-- One row per report: table/row/col/expected NULL, actual = reports.unit_name; detail adds the resolver's
-- evidence (reports.division_evidence: the candidates, or why none fits) when there is one.
CREATE OR REPLACE VIEW anomaly_unit_status AS
SELECT
    report_id,
    CASE division_status WHEN 'ambiguous' THEN 'unit_ambiguous' ELSE 'unit_unresolved' END AS rule_code,
    'warning' AS severity,
    CAST(NULL AS VARCHAR) AS table_code,
    CAST(NULL AS VARCHAR) AS row_code,
    CAST(NULL AS VARCHAR) AS col_code,
    CAST(NULL AS VARCHAR) AS expected,
    unit_name AS actual,
    CASE division_status
        WHEN 'ambiguous' THEN 'the unit name ' || coalesce('"' || unit_name || '"', '(none)')
            || ' fits several administrative divisions'
        ELSE 'the unit name ' || coalesce('"' || unit_name || '"', '(none)')
            || ' fits no administrative division'
    END || coalesce(': ' || nullif(division_evidence, ''), '') AS detail
FROM anomaly_reports
WHERE division_status IN ('ambiguous', 'unresolved');
