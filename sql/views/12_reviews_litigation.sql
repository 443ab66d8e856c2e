-- reviews_litigation: table 四 (因政府信息公开工作被申请行政复议、提起行政诉讼情况, taxonomy t4), wide:
-- one row per report x group: row_code 'review' (行政复议), 'litigation_direct' (行政诉讼 未经复议直接起诉),
-- 'litigation_after_review' (行政诉讼 复议后起诉), with the outcome columns upheld (结果维持),
-- corrected (结果纠正), other (其他结果), pending (尚未审结) and total (总计, as stated, not recomputed).
-- A NULL number means: blank or "/" in the report, or not read with certainty. cell_states tells which
-- ('value', 'blank', 'na', or NULL when not read; see parse_issues); cells_read is 5 when complete.
CREATE OR REPLACE VIEW reviews_litigation AS
SELECT
    report_id,
    unit_name,
    year,
    format_edition,
    is_current,
    row_code,
    any_value(row_label) AS row_label,
    max(value) FILTER (WHERE col_code = 'upheld') AS upheld,
    max(value) FILTER (WHERE col_code = 'corrected') AS corrected,
    max(value) FILTER (WHERE col_code = 'other') AS other,
    max(value) FILTER (WHERE col_code = 'pending') AS pending,
    max(value) FILTER (WHERE col_code = 'total') AS total,
    count(*) AS cells_read,
    struct_pack(
        upheld := max(cell_state) FILTER (WHERE col_code = 'upheld'),
        corrected := max(cell_state) FILTER (WHERE col_code = 'corrected'),
        other := max(cell_state) FILTER (WHERE col_code = 'other'),
        pending := max(cell_state) FILTER (WHERE col_code = 'pending'),
        total := max(cell_state) FILTER (WHERE col_code = 'total')
    ) AS cell_states,
    min(sort_order) AS row_order,
    any_value(file_name) AS file_name
FROM facts_labelled
WHERE table_code = 't4'
GROUP BY report_id, unit_name, year, format_edition, is_current, row_code;
