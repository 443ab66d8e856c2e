-- Helpers of the anomaly rules (sql/anomalies/*.sql). Every rule view has the columns of the union view
-- `anomalies` (99_anomalies.sql), all VARCHAR:
--   report_id, rule_code, severity ('error' | 'warning' | 'info'), table_code, row_code, col_code,
--   expected, actual, detail.
-- expected / actual are text so that one column holds numbers, dates, years and editions alike:
-- numbers are written plainly (anomaly_num: '8', '12.5', '-3'; no trailing zeros), dates as ISO
-- 'YYYY-MM-DD', a period as 'YYYY-MM-DD..YYYY-MM-DD', editions as '2019' / '2021'. TRY_CAST(expected AS
-- DECIMAL(38, 6)) gives the number back. Both are NULL when the rule has no single value to show (e.g. a
-- not-assessable row, or unit_ambiguous).
-- Severity: 'error' = the arithmetic the form itself states is broken; 'warning' = anything else
-- suspicious; 'info' = the rule could not be assessed (an input cell is blank, "/" (na) or was not read),
-- never counted as a pass or a failure: detail names the cells.

-- A DECIMAL as plain text: '8' for 8.000000, '12.5' for 12.500000.
CREATE OR REPLACE MACRO anomaly_num(x) AS
    CASE
        WHEN x IS NULL THEN NULL
        WHEN x = trunc(x) THEN CAST(CAST(trunc(x) AS HUGEINT) AS VARCHAR)
        ELSE rtrim(CAST(x AS VARCHAR), '0')
    END;

-- How a cell that is not a number is described in detail: 'row 2 natural_person is blank'.
CREATE OR REPLACE MACRO anomaly_cell_state(row_code, col_code, cell_state) AS
    'row ' || row_code || ' ' || col_code || CASE cell_state
        WHEN 'blank' THEN ' is blank'
        WHEN 'na' THEN ' is "/" (na)'
        ELSE ' was not read'
    END;

-- anomaly_reports: the reports table with the unit columns a later change adds (unit_level,
-- division_code, county_code, city_code, province_code, division_status, division_evidence; see
-- pipeline/units/result.py: a department has its government's division_code, and county_code / city_code
-- are the division's own code at its level and its parents' above it, NULL below it). Until reports has them they
-- read as NULL here (UNION BY NAME with an empty row of them), so every rule can be created today; the
-- unit-based rules then find nothing (see their headers). `edition` is the report's format_edition, or
-- when that is unknown the edition its year calls for (2019 for years up to 2020, else 2021), as the
-- parser defaults it.
-- Current reports only (reports.is_current): a report superseded by a newer one of the same unit and year
-- (sql/files/10_report_versions.sql) is in no rule, and is no one's year-before report. Every rule reads
-- its reports through this view (or filters its facts by it).
CREATE OR REPLACE VIEW anomaly_reports AS
SELECT
    report_id,
    file_name,
    unit_name,
    year,
    format_edition,
    coalesce(format_edition, CASE WHEN year < 2021 THEN '2019' ELSE '2021' END) AS edition,
    stated_period_start,
    stated_period_end,
    published_on,
    parse_status,
    CAST(unit_level AS VARCHAR) AS unit_level,
    CAST(division_code AS VARCHAR) AS division_code,
    CAST(county_code AS VARCHAR) AS county_code,
    CAST(city_code AS VARCHAR) AS city_code,
    CAST(province_code AS VARCHAR) AS province_code,
    CAST(division_status AS VARCHAR) AS division_status,
    CAST(division_evidence AS VARCHAR) AS division_evidence
FROM (
    SELECT * FROM reports WHERE is_current
    UNION ALL BY NAME
    SELECT
        CAST(NULL AS VARCHAR) AS unit_level,
        CAST(NULL AS VARCHAR) AS division_code,
        CAST(NULL AS VARCHAR) AS county_code,
        CAST(NULL AS VARCHAR) AS city_code,
        CAST(NULL AS VARCHAR) AS province_code,
        CAST(NULL AS VARCHAR) AS division_status,
        CAST(NULL AS VARCHAR) AS division_evidence
    WHERE false
);

-- anomaly_cells: for every report and every table of which at least one cell was loaded, every cell the
-- report's edition has in that table (taxonomy), with the fact when there is one. cell_state is 'value',
-- 'blank', 'na', or 'missing' (not read: no fact). A table of which no cell was loaded is not here: the
-- missing_table rule reports it, once, instead of every rule on it reporting every cell.
-- anomaly_read_cells: the part of anomaly_cells that facts hold: facts joined to their reports and to their
-- edition's taxonomy. Both are small, so they are the hash joins' build sides and the facts stream through:
-- memory does not grow with the facts. (The edition is a filter, not a join key: a key shared by reports
-- and taxonomy lets the optimizer join those two first, into a build side of every report times every
-- cell, 23 million rows at 100,000 reports. A view, not a CTE of anomaly_cells: read twice there, a CTE
-- would be materialised whole.)
CREATE OR REPLACE VIEW anomaly_read_cells AS
SELECT
    f.report_id,
    r.year,
    r.edition,
    t.table_code,
    t.row_code,
    t.col_code,
    f.value,
    f.cell_state,
    t.unit,
    t.sort_order
FROM facts AS f
JOIN anomaly_reports AS r ON r.report_id = f.report_id
JOIN taxonomy AS t ON t.table_code = f.table_code AND t.row_code = f.row_code AND t.col_code = f.col_code
WHERE list_contains(string_split(t.formats, '|'), r.edition);

CREATE OR REPLACE VIEW anomaly_cells AS
WITH taxonomy_edition AS (
    SELECT
        table_code,
        row_code,
        col_code,
        unnest(string_split(formats, '|')) AS edition,
        unit,
        sort_order
    FROM taxonomy
),
-- The tables (of a report, with at least one fact) that lack some cell of their edition: only they have
-- 'missing' cells, and they are few, so only their facts are looked up one by one.
incomplete AS (
    SELECT p.report_id, p.table_code, r.year, r.edition
    FROM (SELECT report_id, table_code FROM facts GROUP BY report_id, table_code) AS p
    JOIN anomaly_reports AS r ON r.report_id = p.report_id
    JOIN (SELECT edition, table_code, count(*) AS cells FROM taxonomy_edition GROUP BY ALL) AS e
        ON e.edition = r.edition AND e.table_code = p.table_code
    LEFT JOIN (SELECT report_id, table_code, count(*) AS n FROM anomaly_read_cells GROUP BY ALL) AS c
        ON c.report_id = p.report_id AND c.table_code = p.table_code
    WHERE coalesce(c.n, 0) < e.cells
),
incomplete_facts AS (
    SELECT f.report_id, f.table_code, f.row_code, f.col_code
    FROM facts AS f
    SEMI JOIN incomplete AS i ON i.report_id = f.report_id AND i.table_code = f.table_code
)
SELECT * FROM anomaly_read_cells
UNION ALL
SELECT
    i.report_id,
    i.year,
    i.edition,
    t.table_code,
    t.row_code,
    t.col_code,
    NULL::DECIMAL(20, 6) AS value,
    'missing' AS cell_state,
    t.unit,
    t.sort_order
FROM incomplete AS i
JOIN taxonomy_edition AS t ON t.edition = i.edition AND t.table_code = i.table_code
ANTI JOIN incomplete_facts AS f
    ON f.report_id = i.report_id
    AND f.table_code = t.table_code AND f.row_code = t.row_code AND f.col_code = t.col_code;

-- anomaly_report_pairs: each report with the report of the same unit for the year before, when both are
-- loaded (for the year-on-year rules). Same unit: when both reports' units are resolved to a division
-- (division_status 'resolved' or 'override', division_code set), the same division_code and unit_level,
-- and for a department also the same unit_name (a department has its government's division_code, which
-- the government and its other departments share); otherwise the same unit_name.
-- A unit with two reports for one year pairs with both (detail names the report compared with).
-- (Two equi-joins rather than one join on a CASE: the join stays a hash join on large databases.)
CREATE OR REPLACE VIEW anomaly_report_pairs AS
WITH keyed AS (
    SELECT
        report_id,
        year,
        edition,
        unit_name,
        CASE
            WHEN division_status IN ('resolved', 'override') AND division_code IS NOT NULL
            THEN division_code || '|' || coalesce(unit_level, '')
                || CASE WHEN unit_level = 'department' THEN '|' || coalesce(unit_name, '') ELSE '' END
        END AS division_key
    FROM anomaly_reports
    WHERE year IS NOT NULL
)
SELECT
    cur.report_id,
    prev.report_id AS prev_report_id,
    cur.year,
    prev.year AS prev_year,
    cur.edition,
    prev.edition AS prev_edition,
    'division_code' AS matched_on
FROM keyed AS cur
JOIN keyed AS prev ON prev.division_key = cur.division_key AND prev.year = cur.year - 1
UNION ALL
SELECT
    cur.report_id,
    prev.report_id AS prev_report_id,
    cur.year,
    prev.year AS prev_year,
    cur.edition,
    prev.edition AS prev_edition,
    'unit_name' AS matched_on
FROM keyed AS cur
JOIN keyed AS prev ON prev.unit_name = cur.unit_name AND prev.year = cur.year - 1
WHERE cur.division_key IS NULL OR prev.division_key IS NULL;
