"""Parse many raw files on every core, in batches, into Parquet shards. Plain Python: no Dagster here.

The parser is pure, so files are parsed in worker processes. A worker does everything that needs a report's
text while it has it: the tables (pipeline.parsing), the unit's division (pipeline.units), the narrative's
claims and the text's MinHash signature (for near duplicates). It writes the batch's rows as Parquet shards,
one file per table and batch, and sends back only a small summary per report. So the main process never
holds a parsed report, its memory stays flat however many files there are, and the database loads the
shards with read_parquet in one statement per table.

    summaries = parse_to_shards(files, shard_dir, resolver, workers=2, on_batch=print)
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.manifest import RawFile
from pipeline.outcome import Outcome, parse_detail
from pipeline.parsing import ParsedReport, parse_report
from pipeline.parsing.decode import decode
from pipeline.parsing.model import ERROR, FAILED, WARNING, Issue, ReportMeta
from pipeline.parsing.narrative import Claim, claims_from_lines, source_lines
from pipeline.similarity import PERMUTATIONS, comparable_lines, signature
from pipeline.store import rows
from pipeline.store.load import check_cells
from pipeline.units.batch import UnitResolver

# Below this many files a pool costs more (starting workers, importing the parser) than it saves.
MIN_FILES_FOR_POOL = 400
BATCH = 200

SIGNATURES_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("year", pa.int32()), ("minhash", pa.list_(pa.uint64(), PERMUTATIONS))]
)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class ParsedSummary:
    """What the main process keeps of one parsed file: enough for the ledger, the logs and the metadata."""

    report_id: str
    file_name: str
    parse_status: str
    detail: str
    year: int | None
    cells: int
    issues: dict[str, int]  # by severity
    claims: int
    division_status: str | None
    override_used: bool

    @property
    def outcome(self) -> Outcome:
        return Outcome(self.parse_status, self.detail)


def _failed(code: str, message: str) -> ParsedReport:
    return ParsedReport(meta=ReportMeta(), parse_status=FAILED, issues=[Issue(ERROR, code, message)])


def _crash_message(exc: Exception) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:]
    where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
    return f"{exc!r}{where}"


def parse_data(file: RawFile, data: bytes) -> ParsedReport:
    """Parse one file's bytes; never raises. A crash or a result that breaks the store's contract becomes a
    'failed' report whose issue says why, so one bad file cannot stop the build of the others."""
    try:
        report = parse_report(data, file.file_name)
    except Exception as exc:
        return _failed("parser_exception", f"The parser crashed on this file: {_crash_message(exc)}.")
    if not isinstance(report, ParsedReport):
        return _failed("parser_exception", f"The parser returned {type(report).__name__}.")
    try:
        check_cells(file, report)
    except ValueError as exc:
        return _failed("parser_contract_violation", f"The parser's result was unusable: {exc}.")
    return report


def parse_one(file: RawFile) -> ParsedReport:
    """Read and parse one file; never raises (an unreadable file is a 'failed' report)."""
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        return _failed("file_read_error", f"The file could not be read: {exc.strerror or exc}.")
    return parse_data(file, data)


@dataclass(frozen=True)
class Analysed:
    """Everything the workers derive from one file."""

    report: ParsedReport
    unit: dict[str, object]
    override_used: bool
    claims: list[Claim]
    signature: list[int] | None


def analyse_file(file: RawFile, resolver: UnitResolver) -> Analysed:
    """Parse the file and derive its unit, claims and signature from the same bytes; never raises."""
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        report = _failed("file_read_error", f"The file could not be read: {exc.strerror or exc}.")
        return Analysed(report, {}, False, [], None)
    report = parse_data(file, data)
    try:
        text = decode(data)[0]
        unit, used = resolver.resolve(file.file_name, report.meta.unit_name, text)
        lines, lines_in_file = source_lines(text, file.file_name)  # an HTML page is read once for both
        claims = claims_from_lines(lines, lines_in_file)
        sig = signature(comparable_lines(lines))
        return Analysed(report, unit.as_row(), used, claims, None if sig is None else sig.tolist())
    except Exception as exc:
        # the tables are read; only the extras are lost, and the report says so
        issue = Issue(
            WARNING, "text_analysis_failed", f"Unit, claims or signature failed: {_crash_message(exc)}."
        )
        return Analysed(replace(report, issues=[*report.issues, issue]), {}, False, [], None)


def _summary(file: RawFile, a: Analysed) -> ParsedSummary:
    by_severity: dict[str, int] = {}
    for issue in a.report.issues:
        by_severity[issue.severity] = by_severity.get(issue.severity, 0) + 1
    return ParsedSummary(
        report_id=file.report_id,
        file_name=file.file_name,
        parse_status=a.report.parse_status,
        detail=parse_detail(a.report),
        year=a.report.meta.year,
        cells=len(a.report.cells),
        issues=by_severity,
        claims=len(a.claims),
        division_status=a.unit.get("division_status"),  # type: ignore[arg-type]
        override_used=a.override_used,
    )


@dataclass(frozen=True)
class BatchJob:
    index: int
    files: Sequence[RawFile]
    shard_dir: Path
    resolver: UnitResolver


def run_batch(job: BatchJob) -> list[ParsedSummary]:
    """Analyse the batch's files and write its shards (written under a temporary name, then renamed, so
    a shard that exists is whole)."""
    # A batch makes ~40,000 cells and tokens that hold no reference cycles: the cyclic garbage collector
    # would traverse them again and again (about a tenth of the time) and find nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        analysed = [analyse_file(f, job.resolver) for f in job.files]
    finally:
        if collecting:
            gc.enable()
    pairs = list(zip(job.files, analysed, strict=True))
    kept = [(f, a.report) for f, a in pairs]
    tables = {
        "reports": rows.reports_table(kept, None, {f.report_id: a.unit for f, a in pairs}),
        "facts": rows.facts_table(kept),
        "parse_issues": rows.issues_table(kept),
        "narrative_claims": rows.claims_table({f.report_id: a.claims for f, a in pairs}),
        "text_signatures": pa.Table.from_pylist(
            [
                {"report_id": f.report_id, "year": a.report.meta.year, "minhash": a.signature}
                for f, a in pairs
                if a.signature is not None
            ],
            SIGNATURES_SCHEMA,
        ),
    }
    for kind, table in tables.items():
        path = shard_path(job.shard_dir, kind, job.index)
        partial = path.with_suffix(".partial")
        pq.write_table(table, partial, compression="zstd")
        os.replace(partial, path)
    return [_summary(f, a) for f, a in pairs]


def shard_path(shard_dir: Path, kind: str, index: int) -> Path:
    return Path(shard_dir) / f"{kind}-{index:06d}.parquet"


def shard_glob(shard_dir: Path, kind: str) -> str:
    """The glob of one kind's shards, for DuckDB's read_parquet."""
    return str(Path(shard_dir) / f"{kind}-*.parquet")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _jobs(files: Sequence[RawFile], shard_dir: Path, resolver: UnitResolver) -> Iterator[BatchJob]:
    for index, start in enumerate(range(0, len(files), BATCH)):
        yield BatchJob(index, files[start : start + BATCH], shard_dir, resolver)


def parse_to_shards(
    files: Sequence[RawFile],
    shard_dir: Path,
    resolver: UnitResolver | None = None,
    workers: int | None = None,
    on_batch: Callable[[Progress], None] | None = None,
) -> list[ParsedSummary]:
    """Parse `files` (distinct contents) into shards under shard_dir; the summary of each file, in order."""
    workers = workers or default_workers()
    resolver = resolver or UnitResolver()
    Path(shard_dir).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    out: list[ParsedSummary] = []

    def advance(batch: list[ParsedSummary]) -> None:
        out.extend(batch)
        if on_batch is not None:
            on_batch(Progress(len(out), len(files), time.perf_counter() - started))

    jobs = _jobs(files, Path(shard_dir), resolver)
    if workers <= 1 or len(files) < MIN_FILES_FOR_POOL:
        for job in jobs:
            advance(run_batch(job))
        return out
    # forkserver, not fork: the caller may be a threaded Dagster process, and a forked child could
    # inherit a lock held by another thread.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch in pool.map(run_batch, jobs):
            advance(batch)
    return out
