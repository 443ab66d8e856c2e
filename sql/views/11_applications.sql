-- applications: table 三 (收到和处理政府信息公开申请情况, taxonomy t3), wide: one row per report x row
-- (row_code '1' = 本年新收申请, '3_1' = 予以公开, ..., '3_7' = 总计, '4' = 结转下年度), with the seven
-- applicant columns natural_person (自然人), commercial (商业企业), research (科研机构), social_welfare
-- (社会公益组织), legal_service (法律服务机构), other_org (其他) and total (总计, as stated in the report,
-- not recomputed).
-- A NULL number means: blank or "/" in the report, or not read with certainty. cell_states tells which:
-- cell_states.natural_person is 'value', 'blank', 'na', or NULL when the cell was not read (see
-- parse_issues). cells_read counts the cells read in the row (7 when complete).
-- Order rows with ORDER BY report_id, row_order. For one row per cell use facts_labelled.
CREATE OR REPLACE VIEW applications AS
SELECT
    report_id,
    unit_name,
    year,
    format_edition,
    is_current,
    row_code,
    any_value(row_label) AS row_label,
    max(value) FILTER (WHERE col_code = 'natural_person') AS natural_person,
    max(value) FILTER (WHERE col_code = 'commercial') AS commercial,
    max(value) FILTER (WHERE col_code = 'research') AS research,
    max(value) FILTER (WHERE col_code = 'social_welfare') AS social_welfare,
    max(value) FILTER (WHERE col_code = 'legal_service') AS legal_service,
    max(value) FILTER (WHERE col_code = 'other_org') AS other_org,
    max(value) FILTER (WHERE col_code = 'total') AS total,
    count(*) AS cells_read,
    struct_pack(
        natural_person := max(cell_state) FILTER (WHERE col_code = 'natural_person'),
        commercial := max(cell_state) FILTER (WHERE col_code = 'commercial'),
        research := max(cell_state) FILTER (WHERE col_code = 'research'),
        social_welfare := max(cell_state) FILTER (WHERE col_code = 'social_welfare'),
        legal_service := max(cell_state) FILTER (WHERE col_code = 'legal_service'),
        other_org := max(cell_state) FILTER (WHERE col_code = 'other_org'),
        total := max(cell_state) FILTER (WHERE col_code = 'total')
    ) AS cell_states,
    min(sort_order) AS row_order,
    any_value(file_name) AS file_name
FROM facts_labelled
WHERE table_code = 't3'
GROUP BY report_id, unit_name, year, format_edition, is_current, row_code;
