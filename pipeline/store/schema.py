"""Create the tables and views from the .sql files in the repository's sql/ folder."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.store.taxonomy import read_taxonomy
from pipeline.store.transaction import registered, transaction


def sql_dir() -> Path:
    """The repository's sql/ folder: at the repo root, next to pipeline/ (not shipped in a wheel)."""
    path = Path(__file__).resolve().parents[2] / "sql"
    if not (path / "schema").is_dir():
        raise FileNotFoundError(
            f"sql folder not found at {path}; run from a source checkout (pip install -e .)"
        )
    return path


def run_sql_files(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    # Files run in name order; their numeric prefixes encode the dependencies (a view before its users).
    files = sorted(folder.glob("*.sql"))
    if not files:
        raise FileNotFoundError(f"no .sql files in {folder}")
    for file in files:
        con.execute(file.read_text(encoding="utf-8"))
    return [f.name for f in files]


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables (if missing) and (re)load the taxonomy table from the packaged csv."""
    run_sql_files(con, sql_dir() / "schema")
    load_taxonomy(con)


def load_taxonomy(con: duckdb.DuckDBPyConnection) -> int:
    """Replace the taxonomy table's rows with the packaged csv; returns the row count."""
    batch = read_taxonomy()
    with transaction(con), registered(con, "_taxonomy_batch", batch):
        con.execute("DELETE FROM taxonomy")
        con.execute("INSERT INTO taxonomy BY NAME SELECT * FROM _taxonomy_batch")
    return batch.num_rows


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace the analyst views (needs the tables from create_schema)."""
    run_sql_files(con, sql_dir() / "views")
