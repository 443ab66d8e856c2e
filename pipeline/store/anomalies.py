"""Create the anomaly rules (sql/anomalies/*.sql) and load the narrative claims they compare with the tables.

sql/anomalies/ holds the narrative_claims table (00_), helper views (01_), one view per rule
(anomaly_<rule>) and the union view `anomalies` (99_); the files run in name order, like sql/views.
They need the tables of create_schema (reports, facts, parse_issues, taxonomy), not the analyst views.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.parsing.narrative import Claim
from pipeline.store.schema import run_sql_files, sql_dir
from pipeline.store.transaction import registered, transaction

NARRATIVE_CLAIMS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("table_code", pa.string()),
        ("row_code", pa.string()),
        ("col_code", pa.string()),
        ("value", pa.decimal128(20, 6)),
        ("source_line", pa.int32()),
        ("phrase", pa.string()),
        ("stated_year", pa.int32()),
    ]
)


def anomalies_dir() -> Path:
    return sql_dir() / "anomalies"


def create_anomalies(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create the narrative_claims table (if missing) and (re)create the rule views and `anomalies`.

    Call after create_schema; before or after loading (views read the tables when queried). Returns the
    file names run.
    """
    return run_sql_files(con, anomalies_dir())


def load_narrative_claims(
    con: duckdb.DuckDBPyConnection, claims_by_report: Mapping[str, Iterable[Claim]]
) -> int:
    """Replace the narrative_claims rows of these report_ids (a report with no claims: its rows are
    deleted) in one transaction; returns the rows written. Creates the table if it is missing."""
    con.execute((anomalies_dir() / "00_narrative_claims_table.sql").read_text(encoding="utf-8"))
    rows = [
        {
            "report_id": report_id,
            "table_code": c.table_code,
            "row_code": c.row_code,
            "col_code": c.col_code,
            "value": c.value,
            "source_line": c.source_line,
            "phrase": c.phrase,
            "stated_year": c.stated_year,
        }
        for report_id, claims in claims_by_report.items()
        for c in claims
    ]
    batch = pa.Table.from_pylist(rows, NARRATIVE_CLAIMS_SCHEMA)
    ids = pa.table({"report_id": pa.array(list(claims_by_report), pa.string())})
    with transaction(con), registered(con, "_claim_ids", ids), registered(con, "_claims", batch):
        con.execute("DELETE FROM narrative_claims WHERE report_id IN (SELECT report_id FROM _claim_ids)")
        con.execute("INSERT INTO narrative_claims BY NAME SELECT * FROM _claims")
    return batch.num_rows


NEAR_DUPLICATES_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("other_report_id", pa.string()), ("similarity", pa.float64())]
)


def load_near_duplicates(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, object]]) -> int:
    """Replace the text_near_duplicates table's rows (pipeline.similarity.pairs_as_rows); returns the count.
    Runs the rule's file first, which creates the table if it is missing."""
    con.execute((anomalies_dir() / "62_near_duplicate.sql").read_text(encoding="utf-8"))
    batch = pa.Table.from_pylist(list(rows), NEAR_DUPLICATES_SCHEMA)
    with transaction(con), registered(con, "_near_duplicates", batch):
        con.execute("DELETE FROM text_near_duplicates")
        con.execute("INSERT INTO text_near_duplicates BY NAME SELECT * FROM _near_duplicates")
    return batch.num_rows
