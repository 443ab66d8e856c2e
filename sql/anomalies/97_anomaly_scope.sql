-- For filling the `anomalies` table (99_anomalies.sql) only: which reports it recomputes (anomaly_scope) and
-- which others they are compared with (anomaly_partners). 98_anomaly_cells_snapshot.sql then snapshots their
-- cells; for a small scope, pipeline/store/anomalies.py snapshots their facts first (scoped/facts_snapshot.sql).
-- anomaly_units: the units (unit_name, and division_code) and years of the reports this build changed
-- (build_changes), each once: joining on these keeps the joins linear when a build changes every report.
CREATE OR REPLACE TEMP TABLE anomaly_units AS
SELECT DISTINCT 'name' AS kind, unit_name AS key, year FROM build_changes WHERE unit_name IS NOT NULL
UNION
SELECT DISTINCT 'division' AS kind, division_code AS key, year FROM build_changes WHERE division_code IS NOT NULL;

-- anomaly_near: current reports of those units with the year of the change next to theirs (year_offset: the
-- report's year minus the change's; NULL when either year is unknown).
CREATE OR REPLACE TEMP TABLE anomaly_near AS
SELECT DISTINCT report_id, year_offset FROM (
    -- two equi-joins, not one join on an OR: each stays a hash join
    SELECT r.report_id, r.year - u.year AS year_offset, u.year AS change_year, r.year
    FROM reports AS r JOIN anomaly_units AS u ON u.kind = 'name' AND u.key = r.unit_name
    WHERE r.is_current
    UNION ALL
    SELECT r.report_id, r.year - u.year AS year_offset, u.year AS change_year, r.year
    FROM reports AS r JOIN anomaly_units AS u ON u.kind = 'division' AND u.key = r.division_code
    WHERE r.is_current
)
WHERE change_year IS NULL OR year IS NULL OR abs(year_offset) <= 1;

-- anomaly_scope: the current reports whose anomalies this build recomputes: the reports it changed and the
-- reports of the same units of the year after theirs, since the year-on-year rules compare a report with
-- its unit's report of the year before (same unit: same unit_name or division_code, a superset of
-- anomaly_report_pairs' test).
CREATE OR REPLACE TEMP TABLE anomaly_scope AS
SELECT report_id FROM reports WHERE is_current AND report_id IN (SELECT report_id FROM build_changes)
UNION
SELECT report_id FROM anomaly_near WHERE year_offset = 1 OR year_offset IS NULL;

-- anomaly_partners: the reports the scope's reports are compared with: of the same units (by the scope
-- reports' own unit_name and division_code) and the year before (or a year unknown on either side).
CREATE OR REPLACE TEMP TABLE anomaly_partners AS
WITH scope_units AS (
    SELECT DISTINCT 'name' AS kind, r.unit_name AS key, r.year
    FROM reports AS r JOIN anomaly_scope AS s USING (report_id) WHERE r.unit_name IS NOT NULL
    UNION
    SELECT DISTINCT 'division' AS kind, r.division_code AS key, r.year
    FROM reports AS r JOIN anomaly_scope AS s USING (report_id) WHERE r.division_code IS NOT NULL
)
SELECT DISTINCT report_id FROM (
    SELECT r.report_id, r.year, u.year AS scope_year
    FROM reports AS r JOIN scope_units AS u ON u.kind = 'name' AND u.key = r.unit_name
    WHERE r.is_current
    UNION ALL
    SELECT r.report_id, r.year, u.year AS scope_year
    FROM reports AS r JOIN scope_units AS u ON u.kind = 'division' AND u.key = r.division_code
    WHERE r.is_current
)
WHERE scope_year IS NULL OR year IS NULL OR year = scope_year - 1;
