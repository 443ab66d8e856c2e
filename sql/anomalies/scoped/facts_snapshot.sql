-- For an incremental build whose anomaly scope is a small part of the reports (pipeline/store/anomalies.py
-- runs this between 97_ and 98_): the facts of the scope's reports, and of the reports they are compared
-- with, in a temporary table named facts. It is found before main.facts until the build drops it after 99_, so
-- the anomaly_cells snapshot (98_) and the rules that read facts directly (format_mismatch,
-- narrative_table_mismatch, missing_table, ...) read a few thousand reports' facts instead of all of them.
CREATE OR REPLACE TEMP TABLE facts AS
SELECT * FROM main.facts
WHERE report_id IN (SELECT report_id FROM anomaly_scope UNION SELECT report_id FROM anomaly_partners);
