-- Rule near_duplicate, severity warning: a report whose text is at least 90% similar to the same unit's
-- report of the year before, or to another unit's report of the same year: a copied report. The similar pairs come from
-- pipeline/similarity.py (MinHash LSH candidates, measured exactly with rapidfuzz's normalised Indel
-- similarity) in table text_near_duplicates (sql/schema), both directions. Same unit: as in anomaly_report_pairs.
-- Never not assessable: a text too short to compare (under 200 characters) simply gives no pair.
CREATE OR REPLACE VIEW anomaly_near_duplicate AS
WITH same_unit_previous AS (
    SELECT report_id, prev_report_id FROM anomaly_report_pairs
)
SELECT
    d.report_id,
    'near_duplicate' AS rule_code,
    'warning' AS severity,
    NULL AS table_code,
    NULL AS row_code,
    NULL AS col_code,
    NULL AS expected,
    other.report_id AS actual,
    CASE
        WHEN other.year = cur.year
            THEN printf('the text is %.0f%% the same as that of %s (%s, same year %d)',
                        100 * d.similarity, coalesce(other.unit_name, 'another unit'), other.file_name, other.year)
        ELSE printf('the text is %.0f%% the same as this unit''s report of %d (%s)',
                    100 * d.similarity, other.year, other.file_name)
    END AS detail
FROM text_near_duplicates AS d
JOIN anomaly_reports AS cur ON cur.report_id = d.report_id
JOIN anomaly_reports AS other ON other.report_id = d.other_report_id
WHERE (
        other.year = cur.year
        -- another unit: not the same unit's two versions of one year (those are superseded, not copied)
        AND coalesce(other.unit_name, '') <> coalesce(cur.unit_name, '')
        AND NOT (other.division_code IS NOT DISTINCT FROM cur.division_code
                 AND other.unit_level IS NOT DISTINCT FROM cur.unit_level
                 AND cur.division_code IS NOT NULL AND cur.unit_level <> 'department')
    )
    OR (d.report_id, d.other_report_id) IN (SELECT report_id, prev_report_id FROM same_unit_previous);
