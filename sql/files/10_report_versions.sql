-- report_versions: which report is the current one when a unit published more than one for the same year
-- (e.g. a corrected report next to the first one). One row per report that takes part:
-- parse_status 'parsed' or 'parsed_with_issues', year known, unit known.
--
-- Same unit: when the unit is placed on a division (division_status 'resolved' or 'override' and a
-- division_code), the same division_code and unit_level, and for a department also the same unit_name (a
-- department carries its government's division_code, which the government and its other departments
-- share); when neither is placed, the same unit_name. A placed and an unplaced report are never the same
-- unit, even with the same unit_name: an unplaced name may well be another place of that name (二塘乡 is a
-- township of three counties), and superseding the placed report by it would drop it from the rollups.
--
-- Newer: the reports of one unit and year are ordered by, in turn,
--   1. published_on, later first; a report that states no date counts as older than one that does;
--   2. modified_at, later first: the latest modification time (files.modified_at) of the raw files
--      holding the report's content;
--   3. file_name (reports.file_name), greater first in code point order: the order is total, so the
--      same raw folder always gives the same current report.
-- version 1 is the current report; every other one is superseded by it: reports.is_current = false, its
-- facts stay, and its file gets status 'superseded' in files (sql/files/20_mark_superseded.sql).
-- newer_by says which of the three decided against a superseded report.
CREATE OR REPLACE VIEW report_versions AS
WITH candidates AS (
    SELECT
        r.report_id,
        r.file_name,
        r.unit_name,
        r.year,
        r.published_on,
        r.division_code,
        CASE
            WHEN r.division_status IN ('resolved', 'override') AND r.division_code IS NOT NULL
                THEN 'division ' || r.division_code || ' ' || coalesce(r.unit_level, '')
                    || CASE WHEN r.unit_level = 'department' THEN ' ' || coalesce(r.unit_name, '') ELSE '' END
            WHEN r.unit_name IS NOT NULL THEN 'name ' || r.unit_name
        END AS unit_key,
        (
            SELECT max(f.modified_at) FROM files AS f
            WHERE f.report_id = r.report_id AND f.status <> 'removed'
        ) AS modified_at
    FROM reports AS r
    WHERE r.year IS NOT NULL AND r.parse_status IN ('parsed', 'parsed_with_issues')
),
ranked AS (
    SELECT
        *,
        row_number() OVER newest AS version,
        count(*) OVER (PARTITION BY unit_key, year) AS versions,
        first_value(report_id) OVER newest AS current_report_id,
        first_value(file_name) OVER newest AS current_file_name,
        first_value(published_on) OVER newest AS current_published_on,
        first_value(modified_at) OVER newest AS current_modified_at
    FROM candidates
    WHERE unit_key IS NOT NULL
    WINDOW newest AS (
        PARTITION BY unit_key, year
        ORDER BY published_on DESC NULLS LAST, modified_at DESC NULLS LAST, file_name DESC
    )
)
SELECT
    report_id,
    file_name,
    unit_name,
    year,
    unit_key,
    version,
    versions,
    version = 1 AS is_current,
    current_report_id,
    current_file_name,
    CASE
        WHEN version = 1 THEN NULL
        WHEN current_published_on IS DISTINCT FROM published_on
            THEN 'published_on: ' || strftime(current_published_on, '%Y-%m-%d') || ' against '
                || coalesce(strftime(published_on, '%Y-%m-%d'), 'no date')
        WHEN current_modified_at IS DISTINCT FROM modified_at
            THEN 'file modification time: ' || coalesce(strftime(current_modified_at, '%Y-%m-%d %H:%M:%S'), '?')
                || ' against ' || coalesce(strftime(modified_at, '%Y-%m-%d %H:%M:%S'), 'unknown')
        ELSE 'file name: ' || current_file_name || ' sorts after ' || file_name
    END AS newer_by
FROM ranked;
