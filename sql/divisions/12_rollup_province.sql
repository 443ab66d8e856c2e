-- rollup_province (a table; a build recomputes the provinces and years it changed): the table cells of every report placed in a province, added up per province, year and
-- kind of unit.
-- One row per province_code, year, table_code, row_code, col_code, unit_level, where unit_level is
--   'township'   reports of the province's townships (乡 / 镇 / 街道),
--   'department' reports of departments of any government in the province (a county's 司法局, …),
--   'government' reports of the governments themselves: the province's, its cities' and counties'
-- Each report is in exactly one unit_level, so summing the three gives the whole province with no report
-- counted twice. (A government's own report may itself cover its townships: choose the unit_level.)
--   value                 SUM of the cells that hold a number (NULL when no report gave one)
--   reports               distinct reports that gave a number for the cell
--   reports_without_value distinct reports of that province, year and unit_level that have the cell blank,
--                         na ("/", "无"), or not read at all: value is a sum over `reports` reports only.
-- Reports whose unit is unresolved or ambiguous (no province_code) are not here: see reports.division_status.
-- Labels: join taxonomy_by_edition / facts_labelled on table_code, row_code, col_code; names: divisions.
CREATE TABLE IF NOT EXISTS rollup_province (
    province_code              VARCHAR,
    year                  INTEGER,
    table_code            VARCHAR,
    row_code              VARCHAR,
    col_code              VARCHAR,
    unit_level            VARCHAR,
    value                 DECIMAL(38, 6),
    reports               BIGINT,
    reports_without_value BIGINT
);

-- the provinces and years of rollup_scope (02_rollup_base.sql) are replaced, the others kept
DELETE FROM rollup_province
WHERE EXISTS (
    SELECT 1 FROM rollup_scope AS s
    WHERE s.province_code = rollup_province.province_code AND s.year IS NOT DISTINCT FROM rollup_province.year
);

-- a province's rows: its cities' rows in rollup_city (each city is in one province: divisions) plus its
-- reports above city level from rollup_base
INSERT INTO rollup_province
SELECT province_code, year, table_code, row_code, col_code, unit_level,
       sum(value) AS value,
       CAST(sum(reports) AS BIGINT) AS reports,
       CAST(sum(reports_without_value) AS BIGINT) AS reports_without_value
FROM (
    SELECT d.province_code, r.year, r.table_code, r.row_code, r.col_code, r.unit_level, r.value, r.reports,
           r.reports_without_value
    FROM rollup_city AS r
    JOIN divisions AS d ON d.code = r.city_code
    WHERE EXISTS (
        SELECT 1 FROM rollup_scope AS s
        WHERE s.province_code = d.province_code AND s.year IS NOT DISTINCT FROM r.year
    )
    UNION ALL
    SELECT b.area_code AS province_code, b.year, c.table_code, c.row_code, c.col_code,
           b.rollup_level AS unit_level, b.value, b.with_value AS reports, b.without_value AS reports_without_value
    FROM rollup_base AS b
    JOIN rollup_cells AS c USING (cell_no)
    WHERE b.area_level = 'province'
)
GROUP BY province_code, year, table_code, row_code, col_code, unit_level
-- in year order: a query for one year reads mostly that year's row groups
ORDER BY year, province_code, table_code, row_code, col_code, unit_level;
