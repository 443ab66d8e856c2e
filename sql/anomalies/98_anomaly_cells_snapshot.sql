-- For filling the `anomalies` table (99_anomalies.sql) only.
-- anomaly_scope: the current reports whose anomalies this build recomputes: those of the years in
-- build_years and of the year after each (the year-on-year rules compare a report with the year before).
CREATE OR REPLACE TEMP TABLE anomaly_scope AS
SELECT report_id
FROM reports AS r
WHERE is_current
  AND EXISTS (
      SELECT 1 FROM build_years AS b
      WHERE b.year IS NOT DISTINCT FROM r.year OR b.year = r.year - 1
  );

-- A snapshot of anomaly_cells in a temporary table of the same name: temporary objects
-- are found before main ones, so while 99_anomalies.sql runs, every rule view reads this snapshot instead
-- of evaluating the anomaly_cells view (over every fact) once per rule. 99_anomalies.sql drops it again;
-- the views themselves are unchanged and read main.anomaly_cells in any other session.
-- The year-on-year rules read the cells of the year before too: the snapshot holds the reports of the
-- scope and of the year before each of its years.
CREATE OR REPLACE TEMP TABLE anomaly_cells AS
SELECT * FROM main.anomaly_cells
WHERE report_id IN (
    SELECT report_id FROM reports AS r
    WHERE EXISTS (
        SELECT 1 FROM build_years AS b
        WHERE b.year IS NOT DISTINCT FROM r.year OR b.year = r.year - 1 OR b.year = r.year + 1
    )
);
