"""Create the anomaly rules (sql/anomalies/*.sql) and load the narrative claims they compare with the tables.

sql/anomalies/ holds helper views (01_), one view per rule (anomaly_<rule>) and the union `anomalies` (99_);
the files run in name order, like sql/views. They need the tables of create_schema (reports, facts,
parse_issues, taxonomy, narrative_claims, text_near_duplicates), not the analyst views.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.parsing.narrative import Claim
from pipeline.store.rows import claims_table
from pipeline.store.schema import sql_dir
from pipeline.store.scope import ANOMALY_TABLES, scope_everything
from pipeline.store.transaction import registered, transaction


def anomalies_dir() -> Path:
    return sql_dir() / "anomalies"


def create_anomalies(con: duckdb.DuckDBPyConnection, scoped: bool = False) -> list[str]:
    """(Re)create the rule views and fill the `anomalies` table. Call after create_schema and loading.

    scoped: recompute the anomalies of the units of the reports in build_changes only (an
    incremental build, see pipeline/store/scope.py); else of every report. Returns the file names run."""
    if not scoped:
        scope_everything(con, ANOMALY_TABLES)
    files = sorted(anomalies_dir().glob("*.sql"))
    for file in files:
        # before the cells snapshot, which then reads the scope's facts only (temporary objects come first)
        if file.name.startswith("98_") and _small_scope(con):
            con.execute((anomalies_dir() / "scoped" / "facts_snapshot.sql").read_text(encoding="utf-8"))
        con.execute(file.read_text(encoding="utf-8"))
    con.execute("DROP TABLE IF EXISTS temp.facts")
    return [f.name for f in files]


# Below this share of the reports, snapshotting the scope's facts costs less than the rules' full scans.
_SMALL_SCOPE = 0.25


def _small_scope(con: duckdb.DuckDBPyConnection) -> bool:
    scope, total = con.execute(
        "SELECT (SELECT count(*) FROM anomaly_scope), (SELECT count(*) FROM reports)"
    ).fetchall()[0]
    return scope < _SMALL_SCOPE * total


def load_narrative_claims(
    con: duckdb.DuckDBPyConnection, claims_by_report: Mapping[str, Iterable[Claim]]
) -> int:
    """Replace the narrative_claims rows of these report_ids (a report with no claims: its rows are
    deleted) in one transaction; returns the rows written."""
    batch = claims_table(claims_by_report)
    ids = pa.table({"report_id": pa.array(list(claims_by_report), pa.string())})
    with transaction(con), registered(con, "_claim_ids", ids), registered(con, "_claims", batch):
        con.execute("DELETE FROM narrative_claims WHERE report_id IN (SELECT report_id FROM _claim_ids)")
        con.execute("INSERT INTO narrative_claims BY NAME SELECT * FROM _claims")
    return batch.num_rows
