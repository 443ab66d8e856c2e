"""Find the near-duplicate pairs among all the reports of a build.

The signatures of all reports are in text_signatures (the new ones just loaded from the parse shards), so
candidates come from them alone. Only the candidate pairs that no earlier build compared (text_pair_checks)
are measured, in worker processes when there are many, and measured exactly (pipeline/similarity.py): on
the compared texts the parse workers left in the build's `texts` shards for the reports parsed now, and
on the raw files, read again, for the others. The similar pairs are then chosen from all measurements, old
and new, so the result does not depend on which build measured what.
"""

from __future__ import annotations

import glob
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipeline.lsh import candidate_pairs
from pipeline.similarity import (
    PERMUTATIONS,
    SimilarPair,
    comparable_text,
    measure_pairs,
    pairs_as_rows,
    select_pairs,
    unpack_text,
)
from pipeline.store.transaction import registered, transaction

NEAR_DUPLICATES_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("other_report_id", pa.string()), ("similarity", pa.float64())]
)
_CHUNK = 4000  # pairs measured at once (sorted, so a chunk's pairs share many texts)
# raw files to read again for one chunk: below this a pool costs more than it saves (1,900 files of the
# incremental bench: 0.59 s inline, 0.81 s with a pool)
_MIN_FILES_FOR_POOL = 3000

Pair = tuple[str, str]


@dataclass(frozen=True)
class Found:
    pairs: list[SimilarPair]
    candidates: int  # candidate pairs over all reports
    measured: int  # of which compared now (the others were compared by earlier builds)


def _comparable_file(raw_dir: Path, name: str) -> str | None:
    try:
        return comparable_text((raw_dir / name).read_bytes(), name)
    except OSError:
        return None  # the file went away during the build: no pair rather than a guess


def measure_in_parallel(
    pairs: Sequence[Pair],
    raw_dir: Path,
    file_of: dict[str, str],
    workers: int,
    texts_of: Callable[[set[str]], dict[str, bytes]] | None = None,
) -> dict[Pair, float]:
    """measure_pairs on `workers` threads, a chunk of pairs at a time (a chunk's texts in memory, not all
    of them). A text comes from texts_of (the packed texts it has of the ids asked for: the reports this
    build parsed) or else from the raw file (file_of: report_id -> name), read again: in `workers`
    processes when a chunk needs many, as an incremental build does for the earlier reports its new
    ones resemble (reading a text is Python, which threads would not run at once)."""
    out: dict[Pair, float] = {}
    with ExitStack() as stack:
        pool: ProcessPoolExecutor | None = None
        for start in range(0, len(pairs), _CHUNK):
            chunk = list(pairs[start : start + _CHUNK])
            needed = {rid for pair in chunk for rid in pair}
            texts = {
                rid: unpack_text(t) for rid, t in (texts_of(needed) if texts_of is not None else {}).items()
            }
            from_raw = sorted(rid for rid in needed if rid not in texts and rid in file_of)
            names = [file_of[rid] for rid in from_raw]
            if workers > 1 and len(names) >= _MIN_FILES_FOR_POOL:
                if pool is None:
                    # forkserver, as for parsing: the caller may be a threaded Dagster process
                    context = multiprocessing.get_context("forkserver")
                    pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=context))
                read = pool.map(partial(_comparable_file, raw_dir), names, chunksize=32)
            else:
                read = (_comparable_file(raw_dir, name) for name in names)
            texts.update(zip(from_raw, read, strict=True))
            out.update(measure_pairs(chunk, texts.get, workers=workers))
    return out


def find_near_duplicates(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, workers: int = 1, texts: str | None = None
) -> Found:
    """Replace text_near_duplicates (both directions) with the similar pairs among all reports with a
    signature, comparing only candidate pairs that text_pair_checks does not hold yet (and adding them).
    texts: the glob of the build's texts shards (pipeline.parse_files), for the reports parsed now."""
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
    with _shard_texts(con, texts) as texts_of:
        measured = measure_in_parallel(todo, raw_dir, file_of, workers, texts_of)
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


@contextmanager
def _shard_texts(con: duckdb.DuckDBPyConnection, texts: str | None):
    """A texts_of for measure_in_parallel over the texts shards (in a temporary table while measuring), or
    None when there are none."""
    if texts is None or not glob.glob(texts):
        yield None
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _texts AS SELECT report_id, text FROM read_parquet(?)", [texts])
    try:

        def texts_of(ids: set[str]) -> dict[str, bytes]:
            rows = con.execute(
                "SELECT report_id, text FROM _texts WHERE report_id IN (SELECT unnest(?))", [sorted(ids)]
            ).fetchall()
            return dict(rows)

        yield texts_of
    finally:
        con.execute("DROP TABLE IF EXISTS _texts")
