"""Find the near-duplicate pairs among all the reports of a build.

The signatures of all reports are in text_signatures (the new ones just loaded from the parse shards), so
candidates come from them alone. Only the candidate pairs that no earlier build compared (text_pair_checks)
are measured: their texts are read again from the raw folder, in worker processes when there are many,
and measured exactly (pipeline/similarity.py). The similar pairs are then chosen from all measurements,
old and new, so the result does not depend on which build measured what.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
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
    select_pairs,
)
from pipeline.store.transaction import registered, transaction

NEAR_DUPLICATES_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("other_report_id", pa.string()), ("similarity", pa.float64())]
)
_CHUNK = 4000  # pairs per worker task (sorted, so a chunk's pairs share many texts)
_MIN_PAIRS_FOR_POOL = 2 * _CHUNK

Pair = tuple[str, str]


@dataclass(frozen=True)
class Found:
    pairs: list[SimilarPair]
    candidates: int  # candidate pairs over all reports
    measured: int  # of which compared now (the others were compared by earlier builds)


def _text_of(raw_dir: Path, file_of: dict[str, str]):
    def text_of(report_id: str) -> str | None:
        name = file_of.get(report_id)
        if name is None:
            return None
        try:
            return comparable_text((raw_dir / name).read_bytes(), name)
        except OSError:
            return None  # the file went away during the build: no pair rather than a guess

    return text_of


def _measure_chunk(job: tuple[Path, dict[str, str], list[Pair]]) -> dict[Pair, float]:
    raw_dir, file_of, pairs = job
    return measure_pairs(pairs, _text_of(raw_dir, file_of))


def measure_in_parallel(
    pairs: Sequence[Pair], raw_dir: Path, file_of: dict[str, str], workers: int
) -> dict[Pair, float]:
    """measure_pairs over the raw files, in `workers` processes when there are many pairs."""
    if workers <= 1 or len(pairs) < _MIN_PAIRS_FOR_POOL:
        return measure_pairs(pairs, _text_of(raw_dir, file_of))
    jobs = []
    for start in range(0, len(pairs), _CHUNK):
        chunk = list(pairs[start : start + _CHUNK])
        needed = {rid for pair in chunk for rid in pair}
        jobs.append((raw_dir, {rid: file_of[rid] for rid in needed if rid in file_of}, chunk))
    out: dict[Pair, float] = {}
    # forkserver, as for parsing: the caller may be a threaded Dagster process
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for measured in pool.map(_measure_chunk, jobs):
            out.update(measured)
    return out


def find_near_duplicates(con: duckdb.DuckDBPyConnection, raw_dir: Path, workers: int = 1) -> Found:
    """Replace text_near_duplicates (both directions) with the similar pairs among all reports with a
    signature, comparing only candidate pairs that text_pair_checks does not hold yet (and adding them)."""
    signed = con.sql(
        "SELECT report_id, year, minhash FROM text_signatures ORDER BY report_id"
    ).to_arrow_table()
    ids = signed["report_id"].to_pylist()
    years = signed["year"].to_pylist()
    flat = signed["minhash"].combine_chunks().flatten().to_numpy(zero_copy_only=False)
    pairs = candidate_pairs(ids, years, np.asarray(flat, dtype=np.uint64).reshape(-1, PERMUTATIONS))
    del signed, flat
    known = {(a, b): s for a, b, s in con.execute("SELECT * FROM text_pair_checks").fetchall()}
    todo = [pair for pair in pairs if pair not in known]
    wanted = sorted({rid for pair in todo for rid in pair})
    with registered(con, "_wanted", pa.table({"report_id": pa.array(wanted, pa.string())})):
        file_of = dict(
            con.execute(
                "SELECT report_id, file_name FROM reports WHERE report_id IN (SELECT report_id FROM _wanted)"
            ).fetchall()
        )
    measured = measure_in_parallel(todo, raw_dir, file_of, workers)
    found = select_pairs(
        {pair: s for pair in pairs if (s := known.get(pair, measured.get(pair))) is not None}
    )
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
