"""The DuckDB store: schema, loading, atomic publishing. Plain Python, no Dagster imports.

    from pipeline.store import build_database
    counts = build_database(Path("report.duckdb"), entries, ingested_at=datetime.now(UTC))

`entries` is a list of (RawFile, ParsedReport), e.g. [(f, parse_report(f.path.read_bytes(), f.file_name))
for f in scan_raw_folder(raw_dir)]. The lower-level pieces (create_schema, load_*, create_views, writer_lock,
begin_build, publish, read_file_history, load_files, mark_superseded) take a connection or a path, for
callers that run the steps separately.
"""

from pipeline.store.build import DEFAULT_TARGET, build_database
from pipeline.store.files import (
    HistoryUnreadable,
    load_files,
    load_rejection_issues,
    mark_superseded,
    read_file_history,
    write_ledger,
)
from pipeline.store.load import Entry, load_facts, load_parse_issues, load_reports, unique_entries
from pipeline.store.publish import (
    BuildLockTimeout,
    begin_build,
    discard_build,
    publish,
    staging_path,
    wal_path,
    writer_lock,
)
from pipeline.store.schema import create_schema, create_views, load_taxonomy, sql_dir

__all__ = [
    "DEFAULT_TARGET",
    "BuildLockTimeout",
    "Entry",
    "HistoryUnreadable",
    "begin_build",
    "build_database",
    "create_schema",
    "create_views",
    "discard_build",
    "load_facts",
    "load_files",
    "load_parse_issues",
    "load_rejection_issues",
    "load_reports",
    "load_taxonomy",
    "mark_superseded",
    "publish",
    "read_file_history",
    "sql_dir",
    "staging_path",
    "unique_entries",
    "wal_path",
    "write_ledger",
    "writer_lock",
]
