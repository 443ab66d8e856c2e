-- report_cells: the base of the rollup views. One row per report placed in a division x table cell the
-- report should have (the taxonomy cells of its format_edition; of every edition when the edition is
-- unknown, e.g. a report whose tables could not be read), plus any other cell it has in facts.
--   has_value: the report gave a number for the cell (cell_state 'value'); false for a blank or na cell
--              and for a cell the parser did not read (missing from facts).
--   rollup_level: 'township' | 'department' | 'government' (the report of a county, city or province
--              government itself): each report is in exactly one, so summing over them never double counts.
-- Reports with no province_code (unit unresolved or ambiguous), non-reports and superseded reports
-- (reports.is_current = false: a newer report of the same unit and year replaces them) are left out.
CREATE OR REPLACE VIEW report_cells AS
WITH placed AS (
    SELECT
        report_id,
        year,
        format_edition,
        unit_level,
        CASE unit_level
            WHEN 'township' THEN 'township'
            WHEN 'department' THEN 'department'
            ELSE 'government'
        END AS rollup_level,
        division_code,
        county_code,
        city_code,
        province_code
    FROM reports
    WHERE province_code IS NOT NULL
      AND unit_level IS NOT NULL
      AND parse_status <> 'not_a_report'
      AND is_current
),
taxonomy_cells AS (
    SELECT DISTINCT table_code, row_code, col_code, unnest(string_split(formats, '|')) AS format_edition
    FROM taxonomy
),
expected AS (
    SELECT DISTINCT p.report_id, t.table_code, t.row_code, t.col_code
    FROM placed AS p
    JOIN taxonomy_cells AS t ON p.format_edition IS NULL OR t.format_edition = p.format_edition
),
read AS (
    -- one row per report and cell, even if facts ever held a cell twice
    SELECT
        f.report_id,
        f.table_code,
        f.row_code,
        f.col_code,
        sum(f.value) FILTER (WHERE f.cell_state = 'value') AS value,
        bool_or(f.cell_state = 'value') AS has_value
    FROM facts AS f
    SEMI JOIN placed AS p ON p.report_id = f.report_id
    GROUP BY f.report_id, f.table_code, f.row_code, f.col_code
),
cells AS (
    SELECT report_id, table_code, row_code, col_code, r.value, coalesce(r.has_value, false) AS has_value
    FROM expected AS e
    FULL JOIN read AS r USING (report_id, table_code, row_code, col_code)
)
SELECT
    p.report_id,
    p.year,
    p.unit_level,
    p.rollup_level,
    p.division_code,
    p.county_code,
    p.city_code,
    p.province_code,
    c.table_code,
    c.row_code,
    c.col_code,
    c.value,
    c.has_value
FROM cells AS c
JOIN placed AS p USING (report_id);
