"""Which report years a build recomputes the derived tables (rollups, anomalies) for. No Dagster here.

The rollups of a year depend only on the current reports of that year, and an anomaly of a report only on
that report and its unit's report of the year before. So a build that added, dropped or re-marked reports
of some years recomputes the rollups of those years and the anomalies of those years and the next, and
keeps the rest. The years are kept in the table build_years (sql/schema/11_build_years.sql), which the SQL
of sql/divisions and sql/anomalies reads.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from pipeline.store.transaction import registered, transaction

# The tables sql/divisions and sql/anomalies fill year by year.
ROLLUP_TABLES = ("rollup_county", "rollup_city", "rollup_province")
ANOMALY_TABLES = ("anomalies",)
DERIVED_TABLES = ROLLUP_TABLES + ANOMALY_TABLES


def scope_all_years(con: duckdb.DuckDBPyConnection, tables: Iterable[str] = DERIVED_TABLES) -> None:
    """Recompute everything: drop the derived `tables` (they are created again, whole) and list every year
    of the reports."""
    with transaction(con):
        for table in tables:
            if table not in DERIVED_TABLES:
                raise ValueError(f"not a derived table: {table!r}")
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("DELETE FROM build_years")
        con.execute("INSERT INTO build_years SELECT DISTINCT year FROM reports")


def add_build_years(con: duckdb.DuckDBPyConnection, years: Iterable[int | None]) -> None:
    """Add years (None: reports with no year) to this build's scope."""
    batch = pa.table({"year": pa.array(sorted(set(years), key=lambda y: (y is None, y or 0)), pa.int32())})
    with transaction(con), registered(con, "_years", batch):
        con.execute(
            "INSERT INTO build_years SELECT year FROM _years AS y "
            "WHERE NOT EXISTS (SELECT 1 FROM build_years AS b WHERE b.year IS NOT DISTINCT FROM y.year)"
        )


def clear_build_years(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM build_years")


def build_years(con: duckdb.DuckDBPyConnection) -> list[int | None]:
    return [y for (y,) in con.execute("SELECT year FROM build_years ORDER BY year NULLS LAST").fetchall()]
