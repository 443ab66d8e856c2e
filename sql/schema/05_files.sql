-- files: the ledger of every file ever seen in the raw folder, one row per file_name (the POSIX path relative
-- to the raw folder; a name that is not valid UTF-8 keeps its undecodable bytes as \xNN). Written by
-- pipeline.store.files from pipeline/ledger.py; superseded is set by sql/files.
-- status, one per file, so `SELECT status, count(*) FROM files GROUP BY 1` adds up to the files seen:
--   parsed | parsed_with_issues | not_a_report | failed   the parser's verdict on the file's report
--   empty | too_large | unreadable                        rejected before parsing (binary, undecodable,
--                                                         not followed, ...): no report; detail says why
--   duplicate     same bytes as a file earlier in name order; that file's report stands for both
--   superseded    its report is an older version of another report of the same unit and year
--                 (reports.is_current = false; see sql/files/10_report_versions.sql for "newer")
--   removed       seen by an earlier build, not in the raw folder now
-- report_id: the reports row this file's content is loaded as (for a removed file: when the same content is
-- still loaded from another name); NULL when there is none. first_seen / last_seen: the ingested_at of the
-- first and the last build that saw the file (UTC); carried over from the previously published database.
CREATE TABLE IF NOT EXISTS files (
    file_name   VARCHAR PRIMARY KEY,
    sha256      VARCHAR,              -- NULL when the file could not be read at all
    size_bytes  BIGINT,
    modified_at TIMESTAMP,            -- the file's modification time (UTC)
    status      VARCHAR NOT NULL,
    detail      VARCHAR NOT NULL,     -- a sentence for a person; '' when there is nothing to say
    report_id   VARCHAR,
    first_seen  TIMESTAMP NOT NULL,
    last_seen   TIMESTAMP NOT NULL,
    CHECK (status IN ('parsed', 'parsed_with_issues', 'not_a_report', 'failed', 'empty', 'too_large',
                      'unreadable', 'duplicate', 'superseded', 'removed'))
);
