"""Parse many raw files, on every core, in batches, with progress. Plain Python: no Dagster here.

The parser is pure, so files are parsed in worker processes; results come back batch by batch (in the
order of the files) and the caller hears of each batch for its progress display and logs.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from pipeline.manifest import RawFile
from pipeline.parsing import ParsedReport, parse_report
from pipeline.parsing.model import ERROR, FAILED, Issue, ReportMeta
from pipeline.store.load import check_cell

# Below this many files a pool costs more (starting workers, importing the parser) than it saves.
MIN_FILES_FOR_POOL = 400
BATCH = 200


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


def _failed(code: str, message: str) -> ParsedReport:
    return ParsedReport(meta=ReportMeta(), parse_status=FAILED, issues=[Issue(ERROR, code, message)])


def parse_one(file: RawFile) -> ParsedReport:
    """Parse one file; never raises. A crash or a result that breaks the store's contract becomes a
    'failed' report whose issue says why, so one bad file cannot stop the build of the others."""
    try:
        report = parse_report(file.path.read_bytes(), file.file_name)
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        return _failed("parser_exception", f"The parser crashed on this file: {exc!r}{where}.")
    if not isinstance(report, ParsedReport):
        return _failed("parser_exception", f"The parser returned {type(report).__name__}.")
    seen: set[tuple[str, str, str]] = set()
    try:
        for cell in report.cells:
            key = (cell.table_code, cell.row_code, cell.col_code)
            check_cell(file, cell, key, seen)
            seen.add(key)
    except ValueError as exc:
        return _failed("parser_contract_violation", f"The parser's result was unusable: {exc}.")
    return report


def _parse_batch(files: Sequence[RawFile]) -> list[ParsedReport]:
    return [parse_one(f) for f in files]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _batches(files: Sequence[RawFile], size: int) -> Iterator[Sequence[RawFile]]:
    for start in range(0, len(files), size):
        yield files[start : start + size]


def parse_files(
    files: Sequence[RawFile],
    workers: int | None = None,
    on_batch: Callable[[Progress], None] | None = None,
    parse: Callable[[RawFile], ParsedReport] = parse_one,
) -> list[ParsedReport]:
    """The ParsedReport of each file, in the files' order."""
    workers = workers or default_workers()
    started = time.perf_counter()
    out: list[ParsedReport] = []

    def advance(batch: list[ParsedReport]) -> None:
        out.extend(batch)
        if on_batch is not None:
            on_batch(Progress(len(out), len(files), time.perf_counter() - started))

    if workers <= 1 or len(files) < MIN_FILES_FOR_POOL or parse is not parse_one:
        for batch in _batches(files, BATCH):
            advance([parse(f) for f in batch])
        return out
    # forkserver, not fork: the caller may be a threaded Dagster process, and a forked child could
    # inherit a lock held by another thread.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch in pool.map(_parse_batch, _batches(files, BATCH)):
            advance(batch)
    return out
