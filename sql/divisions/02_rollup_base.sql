-- rollup_base (temporary, per build): the additive pieces of the rollup tables, per finest area, year,
-- rollup_level and cell. The area is the report's county; for a report above county level, its city, else
-- its province: area_level ('county', 'city', 'province') and area_code say which. The cell is cell_no, a
-- number of rollup_cells (below): stored narrow, the 9 million rows of 100,000 reports and the hash table
-- that makes them stay within the build's 1 GB memory limit far more than with three code strings a row
-- (13.7 s -> 7.9 s there). The same counts as report_cells gives, without expanding it to one row per report
-- and cell:
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

-- each taxonomy cell once, numbered, with the editions that have it
CREATE OR REPLACE TEMP TABLE rollup_cells AS
SELECT table_code, row_code, col_code, min(sort_order) AS cell_no,
       list_distinct(flatten(list(string_split(formats, '|')))) AS editions
FROM taxonomy
GROUP BY table_code, row_code, col_code;

-- the reports of the scope, each with the number of its place (area, year, rollup_level): the one
-- aggregation below is keyed by two small integers (place_no, cell_no) instead of five columns, two of
-- them strings: at 27 million rows into 9 million groups, 5.5 s -> 4.1–4.9 s
CREATE OR REPLACE TEMP TABLE rollup_placed AS
SELECT *, dense_rank() OVER (ORDER BY area_level, area_code, year, rollup_level) AS place_no
FROM (
    SELECT
        report_id,
        year,
        format_edition,
        CASE unit_level
            WHEN 'township' THEN 'township'
            WHEN 'department' THEN 'department'
            ELSE 'government'
        END AS rollup_level,
        CASE WHEN county_code IS NOT NULL THEN 'county' WHEN city_code IS NOT NULL THEN 'city' ELSE 'province' END
            AS area_level,
        coalesce(county_code, city_code, province_code) AS area_code
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
);

CREATE OR REPLACE TEMP TABLE rollup_base AS
WITH placed AS (SELECT report_id, format_edition, place_no FROM rollup_placed),
-- Grouping keys are few and narrow (a place number, a cell number): at county level most places have one
-- or two reports, so the one aggregation below has almost as many groups as input rows (9 million at
-- 100,000 reports), and its memory is what decides whether it runs in RAM or spills.
cells AS (SELECT * FROM rollup_cells),
edition_cells AS (
    -- the cells a report of each edition should have; edition NULL (unknown): every cell of any edition
    SELECT DISTINCT unnest(editions) AS format_edition, cell_no FROM cells
    UNION ALL
    SELECT NULL AS format_edition, cell_no FROM cells
),
-- the reports of each place and edition, counted: a place should have each cell of the edition that many
-- times, so the expected cells need no row per report and cell
place_editions AS (
    SELECT place_no, format_edition, count(*) AS reports
    FROM placed
    GROUP BY ALL
),
pieces AS (
    SELECT p.place_no, c.cell_no,
           NULL::DECIMAL(20, 6) AS value, 0 AS with_value, p.reports AS expected, 0 AS unexpected
    FROM place_editions AS p
    JOIN edition_cells AS c ON c.format_edition IS NOT DISTINCT FROM p.format_edition
    UNION ALL
    -- (facts hold taxonomy cells only: the store refuses others, see check_cells)
    SELECT p.place_no, c.cell_no,
           CASE WHEN f.cell_state = 'value' THEN f.value END AS value,
           CASE WHEN f.cell_state = 'value' THEN 1 ELSE 0 END AS with_value,
           0 AS expected,
           CASE WHEN p.format_edition IS NULL OR list_contains(c.editions, p.format_edition) THEN 0 ELSE 1 END
               AS unexpected
    FROM facts AS f
    JOIN placed AS p USING (report_id)
    JOIN cells AS c USING (table_code, row_code, col_code)
),
summed AS (
    SELECT
        place_no, cell_no,
        sum(value) AS value,
        CAST(sum(with_value) AS BIGINT) AS with_value,
        CAST(sum(expected) + sum(unexpected) - sum(with_value) AS BIGINT) AS without_value
    FROM pieces
    GROUP BY place_no, cell_no
),
places AS (SELECT DISTINCT place_no, area_level, area_code, year, rollup_level FROM rollup_placed)
SELECT p.area_level, p.area_code, p.year, p.rollup_level, s.cell_no, s.value, s.with_value, s.without_value
FROM summed AS s
JOIN places AS p USING (place_no);
