"""The whole build in one call: lock, build beside the target, publish. The pieces stay usable alone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import duckdb

from pipeline.ledger import accepted_verdicts, ledger_records, outcomes_of
from pipeline.store.files import load_files, mark_superseded, read_file_history
from pipeline.store.load import Entry, load_facts, load_parse_issues, load_reports
from pipeline.store.publish import begin_build, discard_build, publish, writer_lock
from pipeline.store.schema import create_schema, create_views

DEFAULT_TARGET = Path("report.duckdb")


def build_database(
    target: Path,
    entries: Iterable[Entry],
    ingested_at: datetime,
    *,
    lock_timeout: float | None = None,
) -> dict[str, int]:
    """Build a fresh database from `entries` and publish it atomically as `target`.

    Steps: writer_lock(target) -> read_file_history(target) -> begin_build -> connect -> create_schema ->
    load_reports / load_facts / load_parse_issues -> load_files (the ledger, every entry accepted) ->
    mark_superseded -> create_views -> CHECKPOINT -> close -> publish. On any error the staging file is
    removed and the published target is left as it was. Returns {"reports", "facts", "parse_issues",
    "files"} row counts. lock_timeout: see writer_lock (None waits for a running build to finish).
    """
    target = Path(target)
    entries = list(entries)
    with writer_lock(target, timeout=lock_timeout):
        history = read_file_history(target)
        staging = begin_build(target)
        try:
            con = duckdb.connect(str(staging))
            try:
                create_schema(con)
                counts = {
                    "reports": load_reports(con, entries, ingested_at),
                    "facts": load_facts(con, entries),
                    "parse_issues": load_parse_issues(con, entries),
                }
                records = ledger_records(
                    accepted_verdicts(entries), outcomes_of(entries), history, ingested_at
                )
                counts["files"] = load_files(con, records)
                mark_superseded(con)
                create_views(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            publish(staging, target)
        except BaseException:
            discard_build(staging)
            raise
    return counts
