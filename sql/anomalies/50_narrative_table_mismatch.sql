-- Rule narrative_table_mismatch (severity 'warning'; 'info' when not assessable).
-- A number the narrative states for a table cell (table narrative_claims, see 00_narrative_claims_table.sql
-- and pipeline/parsing/narrative.py) differs from the cell in the table: e.g. "共收到政府信息公开申请8件"
-- while table 三 row 1 总计 is 6.
-- Claims are compared only when they are about the report's year (narrative_claims.stated_year NULL or
-- = reports.year: "2022年…制定规范性文件0件" in a 2023 report is skipped) and about a cell the report's
-- edition has (the claim patterns give 2021-edition codes: a 2019 report's 规范性文件 columns differ).
-- Claims of one report on one cell with the same value are one row (detail lists their lines).
-- One row per (report, cell, claimed value) that disagrees: the cell's codes, expected = the narrative's
-- number, actual = the table's. Not assessable ('info', actual NULL) when the cell is blank, "/" or was not
-- read (also when its whole table is missing).
CREATE OR REPLACE VIEW anomaly_narrative_table_mismatch AS
WITH taxonomy_edition AS (
    SELECT table_code, row_code, col_code, unnest(string_split(formats, '|')) AS edition
    FROM taxonomy
),
claims AS (
    SELECT
        c.report_id,
        c.table_code,
        c.row_code,
        c.col_code,
        c.value,
        string_agg(DISTINCT CAST(c.source_line AS VARCHAR), ', ') AS lines,
        arg_min(c.phrase, c.source_line) AS phrase
    FROM narrative_claims AS c
    JOIN anomaly_reports AS r ON r.report_id = c.report_id
    WHERE (c.stated_year IS NULL OR c.stated_year = r.year)
        AND EXISTS (
            SELECT 1 FROM taxonomy_edition AS t
            WHERE t.table_code = c.table_code AND t.row_code = c.row_code AND t.col_code = c.col_code
                AND t.edition = r.edition
        )
    GROUP BY c.report_id, c.table_code, c.row_code, c.col_code, c.value
),
compared AS (
    SELECT
        c.*,
        f.value AS table_value,
        coalesce(f.cell_state, 'missing') AS cell_state,
        EXISTS (SELECT 1 FROM facts AS g WHERE g.report_id = c.report_id AND g.table_code = c.table_code)
            AS table_loaded
    FROM claims AS c
    LEFT JOIN facts AS f
        ON f.report_id = c.report_id
        AND f.table_code = c.table_code AND f.row_code = c.row_code AND f.col_code = c.col_code
)
SELECT
    report_id,
    'narrative_table_mismatch' AS rule_code,
    CASE WHEN cell_state = 'value' THEN 'warning' ELSE 'info' END AS severity,
    table_code,
    row_code,
    col_code,
    anomaly_num(value) AS expected,
    anomaly_num(table_value) AS actual,
    CASE WHEN cell_state = 'value' THEN '' ELSE 'not assessable: ' END
        || 'the narrative (line ' || coalesce(lines, '?') || ': ' || phrase || ') says '
        || anomaly_num(value) || ', '
        || CASE
            WHEN cell_state = 'value' THEN 'but ' || table_code || ' row ' || row_code || ' ' || col_code
                || ' is ' || anomaly_num(table_value)
            WHEN NOT table_loaded THEN 'and no cell of table ' || table_code || ' was loaded'
            ELSE 'and ' || table_code || ' ' || anomaly_cell_state(row_code, col_code, cell_state)
        END AS detail
FROM compared
WHERE cell_state <> 'value' OR value <> table_value;
