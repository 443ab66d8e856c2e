-- text_signatures: each report's MinHash signature over the clauses of its text (digits masked), computed
-- while parsing (pipeline/similarity.py). Kept so that a later build compares its new reports with the old
-- ones without reading the old files again. Reports shorter than 200 characters have no row.
CREATE TABLE IF NOT EXISTS text_signatures (
    report_id VARCHAR NOT NULL,
    year      INTEGER,
    minhash   UBIGINT[64] NOT NULL
);
