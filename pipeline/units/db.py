"""The divisions table and the rollup views (sql/divisions/) in a DuckDB database."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.store.scope import ROLLUP_TABLES, scope_everything
from pipeline.units.gazetteer import Gazetteer, load_gazetteer


def divisions_sql_dir() -> Path:
    """The repository's sql/divisions/ folder (next to pipeline/, as for sql/schema)."""
    return Path(__file__).resolve().parents[2] / "sql" / "divisions"


def load_divisions(con: duckdb.DuckDBPyConnection, gaz: Gazetteer | None = None) -> int:
    """Create the divisions table if missing and replace its rows with the gazetteer's; returns the count."""
    con.execute((divisions_sql_dir() / "00_divisions.sql").read_text(encoding="utf-8"))
    batch = (gaz or load_gazetteer()).divisions_frame()
    con.register("_divisions_batch", batch)
    try:
        con.execute("DELETE FROM divisions")
        con.execute("INSERT INTO divisions BY NAME SELECT * FROM _divisions_batch")
    finally:
        con.unregister("_divisions_batch")
    return batch.num_rows


def create_division_views(con: duckdb.DuckDBPyConnection, scoped: bool = False) -> list[str]:
    """Run sql/divisions/*.sql in name order (table first, then report_cells, then the rollups).

    Needs the reports (with the unit columns), facts, taxonomy and divisions tables. scoped: recompute the
    rollups around the reports of build_changes only (an incremental build, see pipeline/store/scope.py); else
    of every year."""
    if not scoped:
        scope_everything(con, ROLLUP_TABLES)
    files = sorted(divisions_sql_dir().glob("*.sql"))
    for file in files:
        con.execute(file.read_text(encoding="utf-8"))
    return [f.name for f in files]
