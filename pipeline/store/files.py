"""The file ledger in the database: the `files` table, its history and the superseded reports.

    history = read_file_history(target)             # under the writer lock, before the build begins
    records = ledger_records(verdicts, entries, history, ingested_at)   # pipeline.ledger
    load_files(con, records); mark_superseded(con)  # after the reports are loaded
    load_rejection_issues(con, verdicts)            # one parse_issues row per file rejected by screening

Each build writes a fresh database, so what the ledger remembers (first_seen, removed files) is read from the
published database that the build will replace. It is read under the writer lock, so no other build can
publish in between and lose a file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.intake import Verdict
from pipeline.ledger import FileRecord
from pipeline.store.rows import rejection_issues_table
from pipeline.store.schema import run_sql_files, sql_dir
from pipeline.store.transaction import registered, transaction

FILES_SCHEMA = pa.schema(
    [
        ("file_name", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("modified_at", pa.timestamp("us")),
        ("status", pa.string()),
        ("detail", pa.string()),
        ("report_id", pa.string()),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
    ]
)
HISTORY_COPY_SUFFIX = ".building.prev"


class HistoryUnreadable(RuntimeError):
    """The published database exists but its ledger cannot be read: building on would forget its files."""


def history_copy_path(target: Path) -> Path:
    target = Path(target)
    return target.with_name(target.name + HISTORY_COPY_SUFFIX)


def load_files(con: duckdb.DuckDBPyConnection, records: Iterable[FileRecord]) -> int:
    """Replace every row of the files table with `records` (one transaction); returns the rows written."""
    ordered = sorted(records, key=lambda r: r.file_name)
    # column by column: a dict per record (from_pylist) costs twice as much on a ledger of 100,000 files
    batch = pa.table(
        {f.name: pa.array([getattr(r, f.name) for r in ordered], f.type) for f in FILES_SCHEMA},
        schema=FILES_SCHEMA,
    )
    with transaction(con), registered(con, "_files_batch", batch):
        con.execute("DELETE FROM files")
        con.execute("INSERT INTO files BY NAME SELECT * FROM _files_batch")
    return batch.num_rows


def mark_superseded(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create the report_versions view and mark superseded reports and files (sql/files); returns the files
    run. Needs the reports (with their unit columns) and files tables loaded."""
    return run_sql_files(con, sql_dir() / "files")


def load_rejection_issues(con: duckdb.DuckDBPyConnection, verdicts: Iterable[Verdict]) -> int:
    """One 'error' parse_issues row per file rejected by screening (empty, too_large, unreadable), replacing
    earlier rows of those files with the same codes; returns the rows written."""
    batch = rejection_issues_table(verdicts)
    with transaction(con), registered(con, "_rejected", batch):
        con.execute(
            "DELETE FROM parse_issues USING _rejected AS r "
            "WHERE parse_issues.file_name = r.file_name AND parse_issues.code = r.code"
        )
        con.execute("INSERT INTO parse_issues BY NAME SELECT * FROM _rejected")
    return batch.num_rows


def read_file_history(target: Path) -> dict[str, FileRecord]:
    """The files ledger of the published database `target`, by file_name: {} when there is no database
    yet, or it predates the ledger. Raises HistoryUnreadable when the file exists but cannot be read as a
    DuckDB database (then the build must not replace it and forget its files).

    Opened read-only. When another process holds it open read-write (the DuckDB CLI does by default), which
    locks out even readers, a copy of the file is read instead (beside it, removed afterwards)."""
    target = Path(target)
    copy = history_copy_path(target)
    copy.unlink(missing_ok=True)  # left by a build that was killed while reading
    if not target.exists():
        return {}
    try:
        return _read_history(target)
    except duckdb.Error as first:
        try:
            shutil.copyfile(target, copy)
            return _read_history(copy)
        except (duckdb.Error, OSError) as exc:
            raise HistoryUnreadable(
                f"cannot read the file ledger of the published database {target} ({first}); "
                "the build would forget the files it has seen. If it is not a database of this pipeline, "
                "use another --db; to start a new ledger, move it away."
            ) from exc
        finally:
            copy.unlink(missing_ok=True)


def _read_history(path: Path) -> dict[str, FileRecord]:
    with duckdb.connect(str(path), read_only=True) as con:
        (has_files,) = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'files'"
        ).fetchone()
        if not has_files:
            return {}
        rows = con.execute(
            "SELECT file_name, sha256, size_bytes, modified_at, status, detail, report_id, first_seen, last_seen "
            "FROM files"
        ).fetchall()
    return {row[0]: FileRecord(*row) for row in rows}
