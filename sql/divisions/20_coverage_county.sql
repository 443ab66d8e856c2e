-- coverage_county: per county and year, how many of its townships (乡 / 镇 / 街道 in the gazetteer) filed
-- a report, next to how many exist; plus the county's other reports.
-- Rows: every county of every province that has at least one placed report that year (so the counties
-- of a province under study show up with 0, and the rest of the country does not flood the view).
--   townships             townships of the county in the 2023 gazetteer (older years may have had others)
--   townships_reporting   distinct townships with at least one report that year
--   township_reports      township reports (current ones only: a corrected report supersedes the first,
--                         see reports.is_current)
--   coverage              townships_reporting / townships (NULL for a county without townships)
--   government_reports    reports of the county government itself; department_reports: of its departments
-- Only current reports placed in a division count: see reports.division_status for the unresolved and
-- ambiguous ones, reports.is_current for the superseded ones.
CREATE OR REPLACE VIEW coverage_county AS
WITH placed AS (
    SELECT report_id, year, unit_level, division_code, county_code, province_code
    FROM reports
    WHERE province_code IS NOT NULL AND year IS NOT NULL AND parse_status <> 'not_a_report' AND is_current
),
province_years AS (
    SELECT DISTINCT province_code, year FROM placed
),
townships AS (
    SELECT county_code, count(*) AS townships
    FROM divisions
    WHERE level = 'township'
    GROUP BY county_code
),
filed AS (
    SELECT
        county_code,
        year,
        count(DISTINCT division_code) FILTER (WHERE unit_level = 'township') AS townships_reporting,
        count(DISTINCT report_id) FILTER (WHERE unit_level = 'township') AS township_reports,
        count(DISTINCT report_id) FILTER (WHERE unit_level = 'county') AS government_reports,
        count(DISTINCT report_id) FILTER (WHERE unit_level = 'department') AS department_reports
    FROM placed
    WHERE county_code IS NOT NULL
    GROUP BY county_code, year
)
SELECT
    d.code AS county_code,
    d.name AS county_name,
    d.city_code,
    d.province_code,
    py.year,
    coalesce(t.townships, 0) AS townships,
    coalesce(f.townships_reporting, 0) AS townships_reporting,
    coalesce(f.township_reports, 0) AS township_reports,
    round(coalesce(f.townships_reporting, 0) / nullif(t.townships, 0), 4) AS coverage,
    coalesce(f.government_reports, 0) AS government_reports,
    coalesce(f.department_reports, 0) AS department_reports
FROM divisions AS d
JOIN province_years AS py ON py.province_code = d.province_code
LEFT JOIN townships AS t ON t.county_code = d.code
LEFT JOIN filed AS f ON f.county_code = d.code AND f.year = py.year
WHERE d.level = 'county';
