-- Every table cell the parser read with certainty, in long format: one row per report x cell.
-- A cell the parser was unsure of is not here (it is in parse_issues); a blank or "/" cell is here with
-- value NULL and cell_state 'blank' / 'na', never as 0.
-- unit_name and year are copied from reports so most questions need no join.
CREATE TABLE IF NOT EXISTS facts (
    report_id      VARCHAR NOT NULL,
    unit_name      VARCHAR,
    year           INTEGER,
    table_code     VARCHAR NOT NULL,  -- taxonomy.table_code: 't2' | 't3' | 't4'
    row_code       VARCHAR NOT NULL,  -- taxonomy.row_code, kept exactly
    col_code       VARCHAR NOT NULL,  -- taxonomy.col_code, kept exactly
    applicant_type VARCHAR,           -- t3 only: the column's Chinese label (自然人, 商业企业, ... 总计)
    value          DECIMAL(20, 6),
    cell_state     VARCHAR NOT NULL,
    measure_unit   VARCHAR,           -- 件 | 项 | 万元
    source_line    INTEGER,           -- 1-based line in the decoded report text
    CHECK (table_code IN ('t2', 't3', 't4')),
    CHECK (cell_state IN ('value', 'blank', 'na')),
    -- a number exactly when the cell holds one: blank and na cells must never turn into 0
    CHECK ((cell_state = 'value') = (value IS NOT NULL)),
    -- applicant_type is the t3 column label, and meaningless elsewhere
    CHECK ((table_code = 't3') = (applicant_type IS NOT NULL))
);
