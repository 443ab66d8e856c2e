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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
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
_CHUNK = 4000  # pairs per worker task (sorted, so a chunk's pairs share many texts)
_MIN_PAIRS_FOR_POOL = 2 * _CHUNK

Pair = tuple[str, str]


@dataclass(frozen=True)
class Found:
    pairs: list[SimilarPair]
    candidates: int  # candidate pairs over all reports
    measured: int  # of which compared now (the others were compared by earlier builds)


def _text_of(raw_dir: Path, file_of: dict[str, str], texts: dict[str, bytes]):
    def text_of(report_id: str) -> str | None:
        text = texts.get(report_id)
        if text is not None:
            return unpack_text(text)
        name = file_of.get(report_id)
        if name is None:
            return None
        try:
            return comparable_text((raw_dir / name).read_bytes(), name)
        except OSError:
            return None  # the file went away during the build: no pair rather than a guess

    return text_of


Job = tuple[Path, dict[str, str], dict[str, bytes], list[Pair]]


def _measure_chunk(job: Job) -> dict[Pair, float]:
    raw_dir, file_of, texts, pairs = job
    return measure_pairs(pairs, _text_of(raw_dir, file_of, texts))


def measure_in_parallel(
    pairs: Sequence[Pair],
    raw_dir: Path,
    file_of: dict[str, str],
    workers: int,
    texts_of: Callable[[set[str]], dict[str, bytes]] | None = None,
) -> dict[Pair, float]:
    """measure_pairs in `workers` processes when there are many pairs. A text comes from texts_of (the
    compressed texts it has of the ids asked for) or else from the raw file (file_of: report_id -> name)."""

    def jobs() -> Iterator[Job]:
        for start in range(0, len(pairs), _CHUNK):
            chunk = list(pairs[start : start + _CHUNK])
            needed = {rid for pair in chunk for rid in pair}
            texts = texts_of(needed) if texts_of is not None else {}
            files = {rid: file_of[rid] for rid in needed if rid not in texts and rid in file_of}
            yield raw_dir, files, texts, chunk

    out: dict[Pair, float] = {}
    if workers <= 1 or len(pairs) < _MIN_PAIRS_FOR_POOL:
        for job in jobs():
            out.update(_measure_chunk(job))
        return out
    # forkserver, as for parsing: the caller may be a threaded Dagster process. A few chunks in flight at a
    # time, not all: each carries its texts, and all of them at once would be every report's text.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        running: set[Future] = set()
        for job in jobs():
            if len(running) >= 2 * workers:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    out.update(future.result())
            running.add(pool.submit(_measure_chunk, job))
        for future in running:
            out.update(future.result())
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
