-- facts_labelled: every fact (all tables, long format) with its report's metadata and the taxonomy labels.
-- Labels come from the report's own edition; when the edition is unknown (or the code is not in it) the
-- newest edition's wording is used. sort_order follows the printed tables (taxonomy csv order).
-- value is NULL for blank / na cells: cell_state says which. is_current is false for a report superseded by
-- a newer one of the same unit and year (its facts stay; filter on is_current to count each unit once).
CREATE OR REPLACE VIEW facts_labelled AS
WITH default_labels AS (
    SELECT DISTINCT ON (table_code, row_code, col_code)
        table_code, row_code, col_code, row_label, col_label, sort_order
    FROM taxonomy_by_edition
    ORDER BY table_code, row_code, col_code, format_edition DESC
)
SELECT
    f.report_id,
    r.file_name,
    f.unit_name,
    f.year,
    r.format_edition,
    r.parse_status,
    r.is_current,
    f.table_code,
    f.row_code,
    coalesce(e.row_label, d.row_label) AS row_label,
    f.col_code,
    coalesce(e.col_label, d.col_label) AS col_label,
    f.applicant_type,
    f.value,
    f.cell_state,
    f.measure_unit,
    f.source_line,
    coalesce(e.sort_order, d.sort_order) AS sort_order
FROM facts AS f
LEFT JOIN reports AS r ON r.report_id = f.report_id
LEFT JOIN taxonomy_by_edition AS e
    ON e.table_code = f.table_code AND e.row_code = f.row_code AND e.col_code = f.col_code
    AND e.format_edition = r.format_edition
LEFT JOIN default_labels AS d
    ON d.table_code = f.table_code AND d.row_code = f.row_code AND d.col_code = f.col_code;
