-- What the parser could not read or was unsure of, per report; file_name says which raw file it came from
-- (a byte-identical duplicate file is reported here under its own name with the kept report's id).
-- A file rejected before parsing (files.status empty, too_large or unreadable) has one 'error' row here too,
-- with the id its content would have (no reports row), or NULL when the file could not be read at all.
CREATE TABLE IF NOT EXISTS parse_issues (
    report_id   VARCHAR,
    file_name   VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,  -- short machine code, e.g. 'row_width_mismatch', 'table_missing'
    message     VARCHAR NOT NULL,  -- a sentence for a person
    source_line INTEGER,
    CHECK (severity IN ('error', 'warning', 'info'))
);
