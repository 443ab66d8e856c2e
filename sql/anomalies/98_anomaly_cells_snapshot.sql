-- For filling the `anomalies` table (99_anomalies.sql) only.
-- anomaly_scope: the current reports whose anomalies this build recomputes: the reports it changed
-- (build_changes) and the reports of the same units (same unit_name or division_code) of the year after
-- theirs, since the year-on-year rules compare a report with its unit's report of the year before.
CREATE OR REPLACE TEMP TABLE anomaly_scope AS
SELECT report_id
FROM reports AS r
WHERE is_current
  AND (
      report_id IN (SELECT report_id FROM build_changes)
      OR EXISTS (
          SELECT 1 FROM build_changes AS c
          WHERE (c.unit_name = r.unit_name OR c.division_code = r.division_code)
            AND (c.year IS NULL OR r.year IS NULL OR r.year = c.year + 1)
      )
  );

-- A snapshot of anomaly_cells for those reports and the ones they are compared with, in a temporary
-- table of the same name: temporary objects are found before main ones, so while 99_anomalies.sql runs,
-- every rule view reads this snapshot instead of evaluating the anomaly_cells view (over every fact) once
-- per rule. 99_anomalies.sql drops it again; the views themselves are unchanged and read
-- main.anomaly_cells in any other session.
CREATE OR REPLACE TEMP TABLE anomaly_cells AS
SELECT * FROM main.anomaly_cells AS a
WHERE report_id IN (SELECT report_id FROM anomaly_scope)
   OR report_id IN (
       -- the year-before reports the scope's reports are compared with
       SELECT r.report_id FROM reports AS r
       JOIN build_changes AS c ON c.unit_name = r.unit_name OR c.division_code = r.division_code
       WHERE c.year IS NULL OR r.year IS NULL OR abs(c.year - r.year) <= 1
   );
