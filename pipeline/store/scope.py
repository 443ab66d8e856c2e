"""What a build recomputes of the derived tables (rollups, anomalies). No Dagster here.

A rollup row of an area and year depends only on the current reports placed in that area and year, and an
anomaly of a report only on that report and its unit's other reports. So a build records the reports it
changed in build_changes (added, dropped, renamed, or whose is_current flipped; sql/schema/11_build_changes.sql)
and the SQL of sql/divisions and sql/anomalies recomputes only the areas and years, and the units, they
touch. A full build records every report as added and starts the derived tables afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import duckdb
import pyarrow as pa

from pipeline.store.transaction import registered, transaction

# The tables sql/divisions and sql/anomalies fill piece by piece.
ROLLUP_TABLES = ("rollup_county", "rollup_city", "rollup_province")
ANOMALY_TABLES = ("anomalies",)
DERIVED_TABLES = ROLLUP_TABLES + ANOMALY_TABLES
PLACE_COLUMNS = ("year", "unit_name", "division_code", "county_code", "city_code", "province_code")

_CHANGES_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("change", pa.string()), ("year", pa.int32())]
    + [(c, pa.string()) for c in PLACE_COLUMNS[1:]]
)


def scope_everything(con: duckdb.DuckDBPyConnection, tables: Iterable[str] = DERIVED_TABLES) -> None:
    """Recompute everything: drop the derived `tables` (they are created again, whole) and record every
    report as added."""
    with transaction(con):
        for table in tables:
            if table not in DERIVED_TABLES:
                raise ValueError(f"not a derived table: {table!r}")
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("DELETE FROM build_changes")
        con.execute(
            f"INSERT INTO build_changes SELECT report_id, 'added', {', '.join(PLACE_COLUMNS)} FROM reports"
        )


def clear_changes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM build_changes")


def record_changes(con: duckdb.DuckDBPyConnection, change: str, report_ids: Iterable[str]) -> None:
    """Record reports of the reports table (their places as they are now) as changed."""
    ids = pa.table({"report_id": pa.array(sorted(set(report_ids)), pa.string())})
    with transaction(con), registered(con, "_changed", ids):
        con.execute(
            f"INSERT INTO build_changes SELECT report_id, ?, {', '.join(PLACE_COLUMNS)} FROM reports "
            "WHERE report_id IN (SELECT report_id FROM _changed)",
            [change],
        )


def record_dropped(con: duckdb.DuckDBPyConnection, places: Sequence[Mapping[str, object]]) -> None:
    """Record reports that left the database, with their places as the previous database had them
    (each a mapping with report_id and PLACE_COLUMNS)."""
    rows = [{"change": "dropped", **{k: p.get(k) for k in ("report_id", *PLACE_COLUMNS)}} for p in places]
    batch = pa.Table.from_pylist(rows, _CHANGES_SCHEMA)
    with transaction(con), registered(con, "_dropped", batch):
        con.execute("INSERT INTO build_changes BY NAME SELECT * FROM _dropped")


def changes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("SELECT change, count(*) FROM build_changes GROUP BY 1 ORDER BY 1").fetchall())
