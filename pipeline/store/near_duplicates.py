"""Find the near-duplicate pairs that a build's new reports form with every report in the database.

The signatures of all reports are in text_signatures (the new ones just loaded from the parse shards), so
candidates come from them alone; only the candidate pairs' texts are read again from the raw folder, to be
measured exactly (pipeline/similarity.py). Pairs between two reports kept from an earlier build were found
by that build and stay in text_near_duplicates.
"""

from __future__ import annotations

from collections.abc import Collection
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
    measured: int  # candidate pairs whose texts were compared


def new_near_duplicates(con: duckdb.DuckDBPyConnection, raw_dir: Path, new_ids: Collection[str]) -> Found:
    """Measure the candidate pairs involving a report of `new_ids` and add the similar ones (both
    directions) to text_near_duplicates; returns them."""
    if not new_ids:
        return Found([], 0)
    signed = con.sql(
        "SELECT report_id, year, minhash FROM text_signatures ORDER BY report_id"
    ).to_arrow_table()
    ids = signed["report_id"].to_pylist()
    years = signed["year"].to_pylist()
    minhash = signed["minhash"].combine_chunks()
    matrix = np.asarray(minhash.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64).reshape(
        -1, PERMUTATIONS
    )
    new = set(new_ids)
    pairs = candidate_pairs(ids, years, matrix, [rid in new for rid in ids])
    wanted = sorted({rid for pair in pairs for rid in pair})
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

    found = measure_pairs(pairs, text_of)
    batch = pa.Table.from_pylist(pairs_as_rows(found), NEAR_DUPLICATES_SCHEMA)
    with transaction(con), registered(con, "_pairs", batch):
        con.execute(
            "DELETE FROM text_near_duplicates USING _pairs AS p WHERE text_near_duplicates.report_id = "
            "p.report_id AND text_near_duplicates.other_report_id = p.other_report_id"
        )
        con.execute("INSERT INTO text_near_duplicates BY NAME SELECT * FROM _pairs")
    return Found(found, len(pairs))
