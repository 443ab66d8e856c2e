-- One row per distinct report (distinct content). report_id = first 16 hex chars of the file's sha256,
-- so a renamed or moved file keeps its id; file_name is the POSIX path relative to the raw folder.
CREATE TABLE IF NOT EXISTS reports (
    report_id           VARCHAR PRIMARY KEY,
    file_name           VARCHAR NOT NULL,
    sha256              VARCHAR NOT NULL,
    unit_name           VARCHAR,             -- the issuing unit as written in the report; NULL if not found
    year                INTEGER,             -- the year the report is about
    format_edition      VARCHAR,             -- '2019' or '2021': the edition of the tables found
    stated_period_start DATE,
    stated_period_end   DATE,
    published_on        DATE,
    parse_status        VARCHAR NOT NULL,
    parse_detail        VARCHAR,             -- one line on what the parser made of it (issues: parse_issues)
    parser_version      VARCHAR NOT NULL,
    ingested_at         TIMESTAMP NOT NULL,  -- when the build that loaded this row ran (UTC)
    -- The issuing unit's administrative division (pipeline/units): NULL codes when ambiguous or unresolved.
    unit_level          VARCHAR,             -- province | city | county | township | department
    division_code       VARCHAR,             -- the unit's own division (a department: its government's)
    county_code         VARCHAR,
    city_code           VARCHAR,
    province_code       VARCHAR,
    division_status     VARCHAR,             -- resolved | ambiguous | unresolved | override
    division_candidates VARCHAR[],           -- the tied candidates when ambiguous
    division_evidence   VARCHAR,             -- which names in the text (or the override) decided it
    -- false when a newer report of the same unit and year supersedes this one (sql/files/10_report_versions.sql):
    -- its facts stay, and the rollups and anomaly rules leave it out
    is_current          BOOLEAN NOT NULL DEFAULT true,
    CHECK (parse_status IN ('parsed', 'parsed_with_issues', 'not_a_report', 'failed'))
);
