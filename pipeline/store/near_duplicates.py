"""Find the near-duplicate pairs among all the reports of a build.

The signatures of all reports are in text_signatures (the new ones just loaded from the parse shards), so
candidates come from them alone; only the texts of candidate pairs not compared before (text_pair_checks)
are read again from the raw folder, to be measured exactly (pipeline/similarity.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipeline.similarity import (
    PERMUTATIONS,
    SimilarPair,
    candidate_pairs,
    comparable_text,
    measure_pairs,
    pairs_as_rows,
)
from pipeline.store.transaction import registered, transaction

NEAR_DUPLICATES_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("other_report_id", pa.string()), ("similarity", pa.float64())]
)


@dataclass(frozen=True)
class Found:
    pairs: list[SimilarPair]
    candidates: int  # candidate pairs over all reports
    measured: int  # of which compared now (the others were compared by earlier builds)


def find_near_duplicates(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> Found:
    """Replace text_near_duplicates (both directions) with the similar pairs among all reports with a
    signature, comparing only candidate pairs that text_pair_checks does not hold yet (and adding them)."""
    signed = con.sql(
        "SELECT report_id, year, minhash FROM text_signatures ORDER BY report_id"
    ).to_arrow_table()
    ids = signed["report_id"].to_pylist()
    years = signed["year"].to_pylist()
    flat = signed["minhash"].combine_chunks().flatten().to_numpy(zero_copy_only=False)
    pairs = candidate_pairs(ids, years, np.asarray(flat, dtype=np.uint64).reshape(-1, PERMUTATIONS))
    known = {(a, b): s for a, b, s in con.execute("SELECT * FROM text_pair_checks").fetchall()}
    wanted = sorted({rid for pair in pairs if pair not in known for rid in pair})
    with registered(con, "_wanted", pa.table({"report_id": pa.array(wanted, pa.string())})):
        file_of = dict(
            con.execute(
                "SELECT report_id, file_name FROM reports WHERE report_id IN (SELECT report_id FROM _wanted)"
            ).fetchall()
        )

    def text_of(report_id: str) -> str | None:
        name = file_of.get(report_id)
        if name is None:
            return None
        try:
            return comparable_text((raw_dir / name).read_bytes(), name)
        except OSError:
            return None  # the file went away during the build: no pair rather than a guess

    found, measured = measure_pairs(pairs, text_of, known=known)
    checks = pa.Table.from_pylist(
        [{"report_id": a, "other_report_id": b, "similarity": s} for (a, b), s in measured.items()],
        NEAR_DUPLICATES_SCHEMA,
    )
    batch = pa.Table.from_pylist(pairs_as_rows(found), NEAR_DUPLICATES_SCHEMA)
    with transaction(con), registered(con, "_pairs", batch), registered(con, "_checks", checks):
        con.execute("INSERT INTO text_pair_checks BY NAME SELECT * FROM _checks")
        con.execute("DELETE FROM text_near_duplicates")
        con.execute("INSERT INTO text_near_duplicates BY NAME SELECT * FROM _pairs")
    return Found(found, len(pairs), len(measured))
