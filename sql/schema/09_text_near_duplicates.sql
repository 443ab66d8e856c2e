-- text_near_duplicates: pairs of reports whose whole texts are at least 90% similar (pipeline/similarity.py:
-- MinHash LSH candidates measured exactly with rapidfuzz), both directions, for the near_duplicate rule.
-- A build keeps the pairs of the reports it keeps and adds the pairs its new reports form.
CREATE TABLE IF NOT EXISTS text_near_duplicates (
    report_id       VARCHAR NOT NULL,
    other_report_id VARCHAR NOT NULL,
    similarity      DOUBLE NOT NULL
);
