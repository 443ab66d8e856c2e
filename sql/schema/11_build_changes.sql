-- build_changes: the reports whose rows the last build changed, with where and when they are, so that the
-- derived tables (rollups, anomalies) are recomputed only around them (sql/divisions, sql/anomalies).
--   change  added (parsed by this build; on a full build every report), dropped (its file is gone or
--           changed), renamed (its file moved), current (reports.is_current flipped)
-- A dropped report's columns are those it had in the previous database.
CREATE TABLE IF NOT EXISTS build_changes (
    report_id     VARCHAR NOT NULL,
    change        VARCHAR NOT NULL,
    year          INTEGER,
    unit_name     VARCHAR,
    division_code VARCHAR,
    county_code   VARCHAR,
    city_code     VARCHAR,
    province_code VARCHAR
);
