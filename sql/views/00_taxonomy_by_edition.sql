-- taxonomy_by_edition: the taxonomy with its `formats` list unnested, one row per cell and edition
-- ('2019' / '2021'). Join on format_edition to label a fact with the wording of its own report's edition.
CREATE OR REPLACE VIEW taxonomy_by_edition AS
SELECT
    table_code,
    row_code,
    col_code,
    unnest(string_split(formats, '|')) AS format_edition,
    row_label,
    col_label,
    unit,
    sort_order
FROM taxonomy;
