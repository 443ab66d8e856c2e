-- rollup_base (temporary, per build): the additive pieces of the rollup tables, per finest area (province,
-- city, county), year, rollup_level and cell. The same counts as report_cells gives, without expanding it
-- to one row per report and cell:
--   value          SUM of the cells that hold a number (NULL when none)
--   with_value     reports that gave a number for the cell
--   without_value  reports that should have the cell (the taxonomy cells of their edition, of every edition
--                  when unknown) or have it in facts, minus with_value: blank, na, or not read
-- Each report is in exactly one of these groups, so the county, city and province rollups are sums of them.
-- Only the reports of the years in build_years (sql/schema/11_build_years.sql): the rollup files replace
-- those years' rows and keep the others.
CREATE OR REPLACE TEMP TABLE rollup_base AS
WITH placed AS (
    SELECT
        report_id,
        year,
        format_edition,
        CASE unit_level
            WHEN 'township' THEN 'township'
            WHEN 'department' THEN 'department'
            ELSE 'government'
        END AS rollup_level,
        county_code,
        city_code,
        province_code
    FROM reports
    WHERE province_code IS NOT NULL
      AND unit_level IS NOT NULL
      AND parse_status <> 'not_a_report'
      AND is_current
      AND EXISTS (SELECT 1 FROM build_years AS b WHERE b.year IS NOT DISTINCT FROM reports.year)
),
edition_cells AS (
    -- the cells a report of each edition should have; edition NULL (unknown): every cell of any edition
    SELECT DISTINCT unnest(string_split(formats, '|')) AS format_edition, table_code, row_code, col_code
    FROM taxonomy
    UNION ALL
    SELECT DISTINCT NULL AS format_edition, table_code, row_code, col_code FROM taxonomy
),
expected AS (
    SELECT p.province_code, p.city_code, p.county_code, p.year, p.rollup_level,
           c.table_code, c.row_code, c.col_code, count(*) AS expected
    FROM placed AS p
    JOIN edition_cells AS c ON c.format_edition IS NOT DISTINCT FROM p.format_edition
    GROUP BY ALL
),
present AS (
    SELECT p.province_code, p.city_code, p.county_code, p.year, p.rollup_level,
           f.table_code, f.row_code, f.col_code,
           sum(f.value) FILTER (WHERE f.cell_state = 'value') AS value,
           count(*) FILTER (WHERE f.cell_state = 'value') AS with_value,
           count(*) FILTER (WHERE c.table_code IS NULL) AS unexpected
    FROM facts AS f
    JOIN placed AS p USING (report_id)
    LEFT JOIN edition_cells AS c
        ON c.format_edition IS NOT DISTINCT FROM p.format_edition
       AND c.table_code = f.table_code AND c.row_code = f.row_code AND c.col_code = f.col_code
    GROUP BY ALL
)
SELECT
    province_code, city_code, county_code, year, rollup_level, table_code, row_code, col_code,
    sum(value) AS value,
    CAST(sum(with_value) AS BIGINT) AS with_value,
    CAST(sum(expected) + sum(unexpected) - sum(with_value) AS BIGINT) AS without_value
FROM (
    SELECT *, NULL::DECIMAL(20, 6) AS value, 0 AS with_value, 0 AS unexpected FROM expected
    UNION ALL BY NAME
    SELECT *, 0 AS expected FROM present
)
GROUP BY ALL;
