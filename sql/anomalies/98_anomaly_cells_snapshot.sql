-- For building the `anomalies` table only: a snapshot of anomaly_cells in a temporary table of the same
-- name. Temporary objects are found before main ones, so while 99_anomalies.sql runs, every rule view reads
-- this snapshot instead of evaluating the anomaly_cells view once per rule. Dropped again by 99_anomalies.sql;
-- the views themselves are unchanged, and read main.anomaly_cells in any other session.
CREATE OR REPLACE TEMP TABLE anomaly_cells AS SELECT * FROM main.anomaly_cells;
