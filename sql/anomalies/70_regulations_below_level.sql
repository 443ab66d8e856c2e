-- Rule regulations_below_level (severity 'warning'). Uses reports.unit_level, county_code, city_code,
-- division_code (NULL until the unit columns exist: the rule then finds nothing).
-- Only 省、自治区、直辖市 and 设区的市、自治州 governments make 规章 (立法法 第九十三条): a unit below a
-- 设区的市 cannot report any. Fires on every table 二 20_1_regulations cell (either edition: issued,
-- repealed, in_force / new_made, new_published, total_published) with a value > 0 from:
--   - a township (unit_level 'township');
--   - a county-level government (unit_level 'county': 县, 县级市, 市辖区, 旗);
--   - a department of a county (unit_level 'department' with county_code not NULL and a division that
--     is not the city itself: division_code ≠ city_code).
-- One row per cell: the cell's codes, expected '0', actual = the value.
-- Nothing when unit_level is unknown. A department of a 设区的市 is not flagged (its government's 规章
-- may be reported under the department's field).
CREATE OR REPLACE VIEW anomaly_regulations_below_level AS
SELECT
    f.report_id,
    'regulations_below_level' AS rule_code,
    'warning' AS severity,
    f.table_code,
    f.row_code,
    f.col_code,
    '0' AS expected,
    anomaly_num(f.value) AS actual,
    'a ' || r.unit_level || ' unit'
        || CASE WHEN r.unit_level = 'department' THEN ' of a county' ELSE '' END
        || ' reports ' || anomaly_num(f.value) || ' 规章 (' || f.col_code
        || '): units below a 设区的市 cannot make 规章' AS detail
FROM facts AS f
JOIN anomaly_reports AS r ON r.report_id = f.report_id
WHERE f.table_code = 't2'
    AND f.row_code = '20_1_regulations'
    AND f.value > 0
    AND (
        r.unit_level IN ('township', 'county')
        OR (r.unit_level = 'department' AND r.county_code IS NOT NULL
            AND r.division_code IS DISTINCT FROM r.city_code)
    );
