-- Make the files table equal to _ledger (ledger.sql) while rewriting only the rows that changed. Between two
-- builds most files change only last_seen: that column is updated in place, and only new files and files
-- whose other columns changed are deleted and inserted again. (Deleting and inserting every row, and the
-- primary key's index entry of each, cost ~1.3 s of a build over 101,000 files; this ~0.2 s.)
-- The files table may start empty (a full build) or hold any earlier ledger: the result is _ledger either way.
CREATE OR REPLACE TEMP TABLE _ledger_changed AS
SELECT l.*
FROM _ledger AS l
LEFT JOIN files AS f USING (file_name)
WHERE f.file_name IS NULL
    OR l.sha256 IS DISTINCT FROM f.sha256
    OR l.size_bytes IS DISTINCT FROM f.size_bytes
    OR l.modified_at IS DISTINCT FROM f.modified_at
    OR l.status IS DISTINCT FROM f.status
    OR l.detail IS DISTINCT FROM f.detail
    OR l.report_id IS DISTINCT FROM f.report_id
    OR l.first_seen IS DISTINCT FROM f.first_seen;

DELETE FROM files
WHERE file_name NOT IN (SELECT file_name FROM _ledger)
    OR file_name IN (SELECT file_name FROM _ledger_changed);

UPDATE files SET last_seen = l.last_seen
FROM _ledger AS l
WHERE l.file_name = files.file_name AND files.last_seen IS DISTINCT FROM l.last_seen;

INSERT INTO files BY NAME SELECT * FROM _ledger_changed ORDER BY file_name;

DROP TABLE _ledger_changed;
DROP TABLE _ledger;
