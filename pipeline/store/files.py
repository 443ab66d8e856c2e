"""The file ledger in the database: the `files` table, its history and the superseded reports.

    history = read_file_history(target)             # under the writer lock, before the build begins
    write_ledger(con, verdicts, new_outcomes, history, ingested_at)     # after the reports are loaded
    mark_superseded(con)
or, for entries held in memory (pipeline.store.build):
    load_files(con, ledger_records(verdicts, outcomes, history, ingested_at))   # pipeline.ledger
    load_rejection_issues(con, verdicts)            # one parse_issues row per file rejected by screening

Each build writes a fresh database, so what the ledger remembers (first_seen, removed files) is read from the
published database that the build will replace. It is read under the writer lock, so no other build can
publish in between and lose a file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.gc_pause import collector_paused
from pipeline.intake import Verdict
from pipeline.ledger import STATUSES, FileHistory, FileRecord, as_utc_naive
from pipeline.outcome import Outcome
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


def records_table(records: Iterable[FileRecord]) -> pa.Table:
    """FileRecords as an Arrow table of the files table's columns, sorted by file_name."""
    ordered = sorted(records, key=lambda r: r.file_name)
    # column by column: a dict per record (from_pylist) costs twice as much on a ledger of 100,000 files
    return pa.table(
        {f.name: pa.array([getattr(r, f.name) for r in ordered], f.type) for f in FILES_SCHEMA},
        schema=FILES_SCHEMA,
    )


def load_files(con: duckdb.DuckDBPyConnection, records: Iterable[FileRecord]) -> int:
    """Replace every row of the files table with `records` (one transaction); returns the rows written."""
    batch = records_table(records)
    with transaction(con), registered(con, "_files_batch", batch):
        con.execute("DELETE FROM files")
        con.execute("INSERT INTO files BY NAME SELECT * FROM _files_batch")
    return batch.num_rows


_SCAN_SCHEMA = pa.schema(
    [
        ("file_name", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("modified_at", pa.timestamp("us")),
        ("accepted", pa.bool_()),
        ("status", pa.string()),
        ("detail", pa.string()),
        ("report_id", pa.string()),
    ]
)
_PARSED_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("parse_status", pa.string()), ("detail", pa.string())]
)


def write_ledger(
    con: duckdb.DuckDBPyConnection,
    verdicts: Iterable[Verdict],
    new_outcomes: Mapping[str, Outcome],
    history: Mapping[str, FileRecord],
    seen_at: datetime,
) -> tuple[int, dict[str, int]]:
    """Make the files table the ledger after this build (the rows pipeline.ledger.ledger_records gives, made
    in SQL: sql/ledger; only the rows that changed are rewritten), in one transaction. Returns the rows written and their counts by status
    (in the order of STATUSES, before mark_superseded).

    verdicts: screening of every path of the scan; new_outcomes: the parser's verdict on each report parsed
    by this build; the verdict on every other report of the build is read from its reports row, so the
    reports table must hold the build's reports (and only those) already. history: the previous ledger
    (a FileHistory is passed to SQL as it was read, without a Python object per file)."""
    with collector_paused():  # the columns' values, no cycles
        scan = _scan_table(list(verdicts))
    parsed = pa.table(
        {
            "report_id": pa.array(list(new_outcomes), pa.string()),
            "parse_status": pa.array([o.parse_status for o in new_outcomes.values()], pa.string()),
            "detail": pa.array([o.detail for o in new_outcomes.values()], pa.string()),
        },
        schema=_PARSED_SCHEMA,
    )
    earlier = history.table if isinstance(history, FileHistory) else records_table(history.values())
    folder = sql_dir() / "ledger"
    with (
        transaction(con),
        registered(con, "_scan", scan),
        registered(con, "_parsed", parsed),
        registered(con, "_history", earlier),
    ):
        con.execute((folder / "outcomes.sql").read_text(encoding="utf-8"))
        missing = con.execute(
            "SELECT file_name FROM _scan WHERE accepted AND report_id NOT IN (SELECT report_id FROM _outcomes) "
            "ORDER BY file_name LIMIT 1"
        ).fetchall()
        if missing:
            raise ValueError(f"{missing[0][0]} was accepted for parsing but has no parse result")
        con.execute((folder / "ledger.sql").read_text(encoding="utf-8"), [as_utc_naive(seen_at)])
        con.execute((folder / "merge.sql").read_text(encoding="utf-8"))
        con.execute("DROP VIEW _outcomes")
        counts = dict(con.execute("SELECT status, count(*) FROM files GROUP BY 1").fetchall())
    return sum(counts.values()), {s: counts[s] for s in STATUSES if counts.get(s)}


def _scan_table(verdicts: list[Verdict]) -> pa.Table:
    """The verdicts as the _scan table of sql/ledger/ledger.sql, column by column."""
    raws = [v.file for v in verdicts]
    return pa.table(
        {
            "file_name": pa.array([v.file_name for v in verdicts], pa.string()),
            "sha256": pa.array([r.sha256 if r else None for r in raws], pa.string()),
            "size_bytes": pa.array([r.size_bytes if r else None for r in raws], pa.int64()),
            # the modification time in whole microseconds, as pipeline.ledger stores it
            "modified_at": pa.array(
                [r.modified_ns // 1000 if r and r.modified_ns is not None else None for r in raws], pa.int64()
            ).cast(pa.timestamp("us")),
            "accepted": pa.array([v.accepted for v in verdicts], pa.bool_()),
            "status": pa.array([v.status for v in verdicts], pa.string()),
            "detail": pa.array([v.detail for v in verdicts], pa.string()),
            "report_id": pa.array(
                [r.report_id if r and v.accepted else None for v, r in zip(verdicts, raws, strict=True)],
                pa.string(),
            ),
        },
        schema=_SCAN_SCHEMA,
    )


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


def read_file_history(target: Path) -> FileHistory:
    """The files ledger of the published database `target`, by file_name: {} when there is no database
    yet, or it predates the ledger. Raises HistoryUnreadable when the file exists but cannot be read as a
    DuckDB database (then the build must not replace it and forget its files).

    Opened read-only. When another process holds it open read-write (the DuckDB CLI does by default), which
    locks out even readers, a copy of the file is read instead (beside it, removed afterwards)."""
    target = Path(target)
    copy = history_copy_path(target)
    copy.unlink(missing_ok=True)  # left by a build that was killed while reading
    if not target.exists():
        return FileHistory(FILES_SCHEMA.empty_table())
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


def _read_history(path: Path) -> FileHistory:
    with duckdb.connect(str(path), read_only=True) as con:
        [(has_files,)] = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'files'"
        ).fetchall()
        if not has_files:
            return FileHistory(FILES_SCHEMA.empty_table())
        # as Arrow: the ledger goes back to SQL whole (write_ledger); no Python object per file
        table = con.sql(
            "SELECT file_name, sha256, size_bytes, modified_at, status, detail, report_id, first_seen, last_seen "
            "FROM files"
        ).to_arrow_table()
    return FileHistory(table.cast(FILES_SCHEMA))
