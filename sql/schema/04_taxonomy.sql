-- The data contract (pipeline/data/taxonomy.csv), one row per csv line, so views can show labels.
-- The same (table_code, row_code, col_code) can appear once per edition with different wording
-- (e.g. t2 20_1_normative is 行政规范性文件 in 2021 and 规范性文件 in 2019): formats says which editions
-- ('2019', '2021' or '2019|2021'). sort_order is the csv line order, the order the tables are printed in.
CREATE TABLE IF NOT EXISTS taxonomy (
    table_code VARCHAR NOT NULL,
    row_code   VARCHAR NOT NULL,
    row_label  VARCHAR NOT NULL,
    col_code   VARCHAR NOT NULL,
    col_label  VARCHAR NOT NULL,
    formats    VARCHAR NOT NULL,
    unit       VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (table_code, row_code, col_code, formats)
);
