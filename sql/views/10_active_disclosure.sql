-- active_disclosure: table 二 (主动公开政府信息情况, taxonomy t2), long format, one row per report x cell,
-- with the row and column labels of the report's edition. The 2019 and 2021 editions have different
-- rows and columns (e.g. 2019 counts 新制作/新公开/对外公开总数, 2021 counts 制发/废止/现行有效), so compare
-- across editions by row_code + col_code with care. Amounts are in measure_unit (件, 项 or 万元).
-- value is NULL when the cell was blank or "/" (cell_state 'blank' / 'na'); a cell the parser could not
-- read with certainty is absent (see parse_issues).
CREATE OR REPLACE VIEW active_disclosure AS
SELECT
    report_id,
    unit_name,
    year,
    format_edition,
    is_current,
    row_code,
    row_label,
    col_code,
    col_label,
    value,
    cell_state,
    measure_unit,
    source_line,
    sort_order,
    file_name
FROM facts_labelled
WHERE table_code = 't2';
