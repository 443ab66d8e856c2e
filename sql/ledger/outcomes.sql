-- The parser's verdict on each report of the build, for the ledger: the reports parsed now (_parsed, from
-- the parse workers' summaries) and the others from their reports rows, which the build kept from the
-- published database unchanged (the verdict the previous build recorded: pipeline/store/incremental.py).
CREATE OR REPLACE TEMP VIEW _outcomes AS
SELECT report_id, parse_status, detail FROM _parsed
UNION ALL
SELECT report_id, parse_status, coalesce(parse_detail, '') AS detail
FROM reports
WHERE report_id NOT IN (SELECT report_id FROM _parsed);
