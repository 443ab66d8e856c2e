-- rollup_city (a table; a build recomputes the citys and years it changed): the table cells of every report placed in a city, added up per city, year and
-- kind of unit.
-- One row per city_code, year, table_code, row_code, col_code, unit_level, where unit_level is
--   'township'   reports of the city's townships (乡 / 镇 / 街道),
--   'department' reports of departments of any government in the city (a county's 司法局, …),
--   'government' reports of the governments themselves: the city's and its counties'
-- Each report is in exactly one unit_level, so summing the three gives the whole city with no report
-- counted twice. (A government's own report may itself cover its townships: choose the unit_level.)
--   value                 SUM of the cells that hold a number (NULL when no report gave one)
--   reports               distinct reports that gave a number for the cell
--   reports_without_value distinct reports of that city, year and unit_level that have the cell blank,
--                         na ("/", "无"), or not read at all: value is a sum over `reports` reports only.
-- Reports whose unit is unresolved or ambiguous (no city_code) are not here: see reports.division_status.
-- Labels: join taxonomy_by_edition / facts_labelled on table_code, row_code, col_code; names: divisions.
CREATE TABLE IF NOT EXISTS rollup_city (
    city_code              VARCHAR,
    year                  INTEGER,
    table_code            VARCHAR,
    row_code              VARCHAR,
    col_code              VARCHAR,
    unit_level            VARCHAR,
    value                 DECIMAL(38, 6),
    reports               BIGINT,
    reports_without_value BIGINT
);

-- the citys and years of rollup_scope (02_rollup_base.sql) are replaced, the others kept
DELETE FROM rollup_city
WHERE EXISTS (
    SELECT 1 FROM rollup_scope AS s
    WHERE s.city_code = rollup_city.city_code AND s.year IS NOT DISTINCT FROM rollup_city.year
);

-- a city's rows: its countys' rows in rollup_county (each county is in one city: divisions) plus its
-- reports above county level from rollup_base
INSERT INTO rollup_city
SELECT city_code, year, table_code, row_code, col_code, unit_level,
       sum(value) AS value,
       CAST(sum(reports) AS BIGINT) AS reports,
       CAST(sum(reports_without_value) AS BIGINT) AS reports_without_value
FROM (
    SELECT d.city_code, r.year, r.table_code, r.row_code, r.col_code, r.unit_level, r.value, r.reports,
           r.reports_without_value
    FROM rollup_county AS r
    JOIN divisions AS d ON d.code = r.county_code
    WHERE EXISTS (
        SELECT 1 FROM rollup_scope AS s
        WHERE s.city_code = d.city_code AND s.year IS NOT DISTINCT FROM r.year
    )
    UNION ALL
    SELECT b.area_code AS city_code, b.year, c.table_code, c.row_code, c.col_code,
           b.rollup_level AS unit_level, b.value, b.with_value AS reports, b.without_value AS reports_without_value
    FROM rollup_base AS b
    JOIN rollup_cells AS c USING (cell_no)
    WHERE b.area_level = 'city'
)
GROUP BY city_code, year, table_code, row_code, col_code, unit_level
-- in year order: a query for one year reads mostly that year's row groups (a city's rows together)
ORDER BY year, city_code;
