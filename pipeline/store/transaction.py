"""One helper: run a block in a DuckDB transaction and register Arrow batches for it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, or ROLLBACK on any exception. Not re-entrant (DuckDB has no nested transactions)."""
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """Make an Arrow table queryable as `name` for the duration of the block."""
    con.register(name, table)
    try:
        yield name
    finally:
        con.unregister(name)
