-- build_info: what the published database was built with, read by the next build to decide whether it can
-- start from this one (incremental) or must parse everything again (pipeline/store/incremental.py).
--   fingerprint   sha256 of the parser, unit resolution and schema code and data, and the overrides file
--   built_at      when the build ran (UTC); full_rebuild: whether it parsed every file
CREATE TABLE IF NOT EXISTS build_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
