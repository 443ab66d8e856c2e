-- rollup_base (temporary, per build): the additive pieces of the rollup tables, per finest area (province,
-- city, county), year, rollup_level and cell. The same counts as report_cells gives, without expanding it
-- to one row per report and cell:
--   value          SUM of the cells that hold a number (NULL when none)
--   with_value     reports that gave a number for the cell
--   without_value  reports that should have the cell (the taxonomy cells of their edition, of every edition
--                  when unknown) or have it in facts, minus with_value: blank, na, or not read
-- Each report is in exactly one of these groups, so the county, city and province rollups are sums of them.
-- Only the reports whose rollup rows this build recomputes (rollup_scope, from build_changes): those in
-- a county and year with a changed report, and the reports above county level (a city's or province's own
-- and its departments') in a city or province and year with one. The city and province rollups add the
-- county rollups up, so a change in one county recomputes one county, its city and its province.
CREATE OR REPLACE TEMP TABLE rollup_scope AS
SELECT DISTINCT year, county_code, city_code, province_code FROM build_changes WHERE province_code IS NOT NULL;

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
      AND CASE
          WHEN county_code IS NOT NULL THEN EXISTS (
              SELECT 1 FROM rollup_scope AS s
              WHERE s.county_code = reports.county_code AND s.year IS NOT DISTINCT FROM reports.year)
          WHEN city_code IS NOT NULL THEN EXISTS (
              SELECT 1 FROM rollup_scope AS s
              WHERE s.city_code = reports.city_code AND s.year IS NOT DISTINCT FROM reports.year)
          ELSE EXISTS (
              SELECT 1 FROM rollup_scope AS s
              WHERE s.province_code = reports.province_code AND s.year IS NOT DISTINCT FROM reports.year)
      END
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
