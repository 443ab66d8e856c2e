-- build_years: the report years whose rollups and anomalies the last build recomputed (NULL stands for
-- reports with no year). A full build lists every year; an incremental one the years of the reports it
-- added, dropped or re-marked (is_current), since nothing else changes the rollups of a year. The anomaly
-- rules also look one year back, so anomalies are recomputed for these years and the year after each.
CREATE TABLE IF NOT EXISTS build_years (
    year INTEGER
);
