-- Mark the reports that report_versions finds superseded (version > 1), and their files: reports.is_current
-- = false, files.status 'superseded' with a detail naming the current report. Run after reports and files
-- are loaded; running it again changes nothing. Only a file whose status is the parser's own verdict
-- ('parsed', 'parsed_with_issues') changes: byte-identical copies stay 'duplicate'.
CREATE OR REPLACE TEMP TABLE _report_versions AS SELECT * FROM report_versions;

UPDATE reports SET is_current = true WHERE NOT is_current;

UPDATE reports SET is_current = false
FROM _report_versions AS v
WHERE v.report_id = reports.report_id AND NOT v.is_current;

UPDATE files SET
    status = 'superseded',
    detail = 'Superseded by ' || v.current_file_name || ', a newer report of the same unit ('
        || coalesce(v.unit_name, '?') || ') for ' || CAST(v.year AS VARCHAR) || '; newer by '
        || v.newer_by || '. Its facts stay in the database with reports.is_current = false.'
FROM _report_versions AS v
WHERE v.report_id = files.report_id
    AND NOT v.is_current
    AND files.status IN ('parsed', 'parsed_with_issues');

DROP TABLE _report_versions;
