-- narrative_claims: numbers the report's narrative (the text outside tables 二, 三, 四) states for a table
-- cell, as pipeline.parsing.narrative extracts them ("2023年市政府办共收到政府信息公开申请0件" → t3 / 1 /
-- total = 0). One row per claim; codes are taxonomy codes (2021 edition). value is never NULL: a phrase
-- that does not clearly give a number gives no claim. source_line is 1-based in the report's text (as
-- facts.source_line); phrase is the matched text, squashed (no whitespace, half-width). stated_year is the
-- year the claim's sentence names before the phrase ("2022年…制定规范性文件0件" → 2022), NULL when none:
-- narrative_table_mismatch skips a claim whose stated_year is not the report's year.
-- Loaded by pipeline.store.anomalies.load_narrative_claims (per report: replace its rows).
CREATE TABLE IF NOT EXISTS narrative_claims (
    report_id   VARCHAR NOT NULL,
    table_code  VARCHAR NOT NULL,
    row_code    VARCHAR NOT NULL,
    col_code    VARCHAR NOT NULL,
    value       DECIMAL(20, 6) NOT NULL,
    source_line INTEGER,
    phrase      VARCHAR NOT NULL,
    stated_year INTEGER,
    CHECK (table_code IN ('t2', 't3', 't4'))
);
