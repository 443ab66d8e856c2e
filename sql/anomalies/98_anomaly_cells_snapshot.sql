-- For filling the `anomalies` table (99_anomalies.sql) only.
-- anomaly_scope: the current reports whose anomalies this build recomputes: the reports it changed
-- (build_changes) and every report of the same units (same unit_name or division_code, any year), since
-- the year-on-year rules compare a report with its unit's report of the year before.
CREATE OR REPLACE TEMP TABLE anomaly_scope AS
SELECT report_id
FROM reports
WHERE is_current
  AND (
      report_id IN (SELECT report_id FROM build_changes)
      OR unit_name IN (SELECT unit_name FROM build_changes WHERE unit_name IS NOT NULL)
      OR division_code IN (SELECT division_code FROM build_changes WHERE division_code IS NOT NULL)
  );

-- A snapshot of anomaly_cells for those reports (their units' other reports included), in a temporary
-- table of the same name: temporary objects are found before main ones, so while 99_anomalies.sql runs,
-- every rule view reads this snapshot instead of evaluating the anomaly_cells view (over every fact) once
-- per rule. 99_anomalies.sql drops it again; the views themselves are unchanged and read
-- main.anomaly_cells in any other session.
CREATE OR REPLACE TEMP TABLE anomaly_cells AS
SELECT * FROM main.anomaly_cells WHERE report_id IN (SELECT report_id FROM anomaly_scope);
