-- text_pair_checks: every candidate pair of reports whose texts pipeline/similarity.py has compared, with
-- the similarity it measured (0 when under the 90% threshold), report_id < other_report_id. A memo: each
-- build recomputes the candidate pairs over all reports and compares only the pairs not here, so an
-- incremental build finds the same near duplicates as a full one without reading the old files again.
CREATE TABLE IF NOT EXISTS text_pair_checks (
    report_id       VARCHAR NOT NULL,
    other_report_id VARCHAR NOT NULL,
    similarity      DOUBLE NOT NULL
);
