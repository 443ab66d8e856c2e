-- The file ledger after this build, as the temp table _ledger (pipeline/store/files.py, write_ledger; merge.sql
-- then makes the files table equal to it): one row per path of this scan, then one 'removed' row per file of
-- the previous ledger that the scan no longer has. The rules are pipeline/ledger.py's ledger_records (tests/test_ledger_sql.py holds
-- the two equal); here they run over every file at once instead of one Python object per file.
--   _scan      every path screened by this build: accepted (to its report) or rejected with a status
--   _outcomes  the parser's verdict (parse_status, detail) on each report of the build, by report_id
--   _history   the previous ledger (columns of the files table)
--   $1         this build's time (UTC): last_seen of every file present, first_seen of the new ones
CREATE OR REPLACE TEMP TABLE _ledger AS
WITH first_of_content AS (
    -- the first accepted file of each content in file_name order: its report stands for the other copies
    SELECT sha256, min(file_name) AS first_name FROM _scan WHERE accepted GROUP BY sha256
),
scanned AS (
    SELECT
        s.file_name,
        s.sha256,
        s.size_bytes,
        s.modified_at,
        CASE
            WHEN NOT s.accepted THEN s.status
            WHEN c.first_name <> s.file_name THEN 'duplicate'
            ELSE o.parse_status
        END AS status,
        CASE
            WHEN NOT s.accepted THEN s.detail
            WHEN c.first_name <> s.file_name
                THEN 'Same content (sha256 ' || left(s.sha256, 16) || '…) as ' || c.first_name || '.'
            ELSE o.detail
        END AS detail,
        CASE WHEN s.accepted THEN s.report_id END AS report_id,
        coalesce(h.first_seen, CAST($1 AS TIMESTAMP)) AS first_seen,
        CAST($1 AS TIMESTAMP) AS last_seen
    FROM _scan AS s
    LEFT JOIN first_of_content AS c ON s.accepted AND c.sha256 = s.sha256
    LEFT JOIN _outcomes AS o ON s.accepted AND o.report_id = s.report_id
    LEFT JOIN _history AS h ON h.file_name = s.file_name
),
removed AS (
    -- first_seen and last_seen kept, so a removed file's row stays the same from build to build
    SELECT
        h.file_name,
        h.sha256,
        h.size_bytes,
        h.modified_at,
        'removed' AS status,
        'No longer in the raw folder; last seen by the build of '
            || strftime(h.last_seen, '%Y-%m-%d %H:%M:%S') || ' UTC.'
            || CASE WHEN c.first_name IS NULL THEN '' ELSE ' The same content is now loaded from '
                || c.first_name || '.' END AS detail,
        CASE WHEN c.first_name IS NOT NULL THEN left(h.sha256, 16) END AS report_id,
        h.first_seen,
        h.last_seen
    FROM _history AS h
    LEFT JOIN first_of_content AS c ON c.sha256 = h.sha256
    WHERE NOT EXISTS (SELECT 1 FROM _scan AS s WHERE s.file_name = h.file_name)
)
SELECT * FROM scanned
UNION ALL
SELECT * FROM removed;
