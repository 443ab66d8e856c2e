"""Parse many raw files on every core, in batches, into Parquet shards. Plain Python: no Dagster here.

The parser is pure, so files are parsed in worker processes. A worker does everything that needs a report's
text while it has it, reading the file once: the tables (pipeline.parsing), the unit's division
(pipeline.units), the narrative's claims, and for near duplicates the text's MinHash signature and its
compared text. It writes the batch's rows as Parquet shards, one file per table and batch (the compared
texts too, which the near-duplicate step reads and the database does not keep), and sends back only a small
summary per report. So the main process never holds a parsed report, its memory stays flat however many
files there are, and the database loads the shards with read_parquet in one statement per table.

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
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.manifest import RawFile
from pipeline.outcome import Outcome, parse_detail
from pipeline.parsing import ParsedReport, parse_report
from pipeline.parsing.model import ERROR, FAILED, WARNING, Issue, ReportMeta
from pipeline.parsing.narrative import Claim, claims_from_lines
from pipeline.parsing.report import parse_report_and_lines
from pipeline.parsing.sections import ReadText
from pipeline.similarity import PERMUTATIONS, comparable_lines, lines_signature, pack_text
from pipeline.store import rows
from pipeline.store.load import check_cells
from pipeline.units.batch import UnitResolver

# Below this many files a pool costs more (starting workers, importing the parser) than it saves.
MIN_FILES_FOR_POOL = 400
BATCH = 200

SIGNATURES_SCHEMA = pa.schema(
    [("report_id", pa.string()), ("year", pa.int32()), ("minhash", pa.list_(pa.uint64(), PERMUTATIONS))]
)
# The compared text of each signed report, packed (similarity.pack_text): the near-duplicate step measures
# candidate pairs on these texts instead of decoding the raw files (and reading their HTML) again. Not
# loaded into the database: the shards go with the build.
TEXTS_SCHEMA = pa.schema([("report_id", pa.string()), ("text", pa.binary())])


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
    return _checked(file, report)[0]


def _checked(file: RawFile, report: object) -> tuple[ParsedReport, rows.CellColumns | None]:
    """The parser's result and its cells read into columns (once, for the contract check and the facts
    table), or a 'failed' report and no cells if it breaks the store's contract."""
    if not isinstance(report, ParsedReport):
        return _failed("parser_exception", f"The parser returned {type(report).__name__}."), None
    try:
        cells = rows.CellColumns.of(report.cells)
        check_cells(file, report, cells)
    except ValueError as exc:
        return _failed("parser_contract_violation", f"The parser's result was unusable: {exc}."), None
    except Exception as exc:  # cells that are not cells at all: a bug, which must not stop the batch
        message = f"The parser's result was unusable: {_crash_message(exc)}."
        return _failed("parser_contract_violation", message), None
    return report, cells


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
    cells: rows.CellColumns | None = None  # the columns of report.cells, when they were read already
    compared_text: bytes | None = None  # similarity.comparable_lines of a signed report, packed (pack_text)


def analyse_files(files: Sequence[RawFile], resolver: UnitResolver) -> list[Analysed]:
    """Parse each file and derive its unit, claims, signature and compared text from the same text; never
    raises. All are parsed first, then each extra is derived for all of them in turn rather than file by
    file: a step's own data (the gazetteer, the line caches, its patterns) then stays in the processor's
    caches, which makes a batch about a tenth faster."""
    parsed = [_parse(file) for file in files]
    derived = iter(_with_extras([p for p in parsed if isinstance(p, _Parsed)], resolver))
    return [next(derived) if isinstance(p, _Parsed) else p for p in parsed]


@dataclass(frozen=True)
class _Parsed:
    """A file parsed and checked, with what the extras are derived from."""

    file_name: str
    report: ParsedReport
    text: str
    lines: list[str]
    lines_in_file: list[int] | None
    read: ReadText | None  # the lines simplified and their table regions, which the claims read again
    cells: rows.CellColumns | None


def _parse(file: RawFile) -> _Parsed | Analysed:
    """The file parsed and checked, or analysed already when it could not be read."""
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        report = _failed("file_read_error", f"The file could not be read: {exc.strerror or exc}.")
        return Analysed(report, {}, False, [], None)
    try:
        # the text is decoded, and an HTML page read, once for the tables and the extras
        report, text, lines, lines_in_file, read = parse_report_and_lines(data, file.file_name)
    except Exception as exc:  # it never raises on bad input: this is a bug, which must not stop the batch
        failed = _failed("parser_exception", f"The parser crashed on this file: {_crash_message(exc)}.")
        return Analysed(failed, {}, False, [], None)
    checked, cells = _checked(file, report)
    return _Parsed(file.file_name, checked, text, lines, lines_in_file, read, cells)


def _with_extras(parsed: list[_Parsed], resolver: UnitResolver) -> list[Analysed]:
    """Each file's unit, claims, signature and compared text, one step at a time over all files. A file
    whose step fails skips the later ones and keeps only its tables."""

    steps: list[Callable[[_Parsed], Any]] = [
        lambda p: resolver.resolve(p.file_name, p.report.meta.unit_name, p.text),
        lambda p: claims_from_lines(p.lines, p.lines_in_file, p.read),
        lambda p: lines_signature(p.lines),
        lambda p: pack_text(comparable_lines(p.lines)),
    ]
    results: list[list] = [[] for _ in parsed]
    errors: list[Exception | None] = [None] * len(parsed)
    for step in steps:
        for i, p in enumerate(parsed):
            if errors[i] is None:
                try:
                    results[i].append(step(p))
                except Exception as exc:
                    errors[i] = exc
    return [_analysed(p, got, exc) for p, got, exc in zip(parsed, results, errors, strict=True)]


def _analysed(p: _Parsed, results: list, error: Exception | None) -> Analysed:
    if error is None:
        (resolution, used), claims, sig, text = results
        try:
            signed = sig is not None
            return Analysed(
                p.report,
                resolution.as_row(),
                used,
                claims,
                sig.tolist() if signed else None,
                p.cells,
                text if signed else None,
            )
        except Exception as exc:
            error = exc
    return _without_extras(p.report, error, p.cells)


def _without_extras(report: ParsedReport, exc: Exception, cells: rows.CellColumns | None = None) -> Analysed:
    # the tables are read; only the extras are lost, and the report says so
    issue = Issue(
        WARNING, "text_analysis_failed", f"Unit, claims or signature failed: {_crash_message(exc)}."
    )
    return Analysed(replace(report, issues=[*report.issues, issue]), {}, False, [], None, cells)


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
    # would traverse them again and again (about a tenth of the time) and find nothing to free. Off until
    # they are freed, with the batch: turned on while they live, it would still traverse them all once.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _analyse_and_write(job)
    finally:
        if collecting:
            gc.enable()


def _analyse_and_write(job: BatchJob) -> list[ParsedSummary]:
    analysed = analyse_files(job.files, job.resolver)
    facts = rows.FactsColumns()
    for f, a in zip(job.files, analysed, strict=True):
        facts.add(f, a.report, a.cells)
    pairs = list(zip(job.files, analysed, strict=True))
    kept = [(f, a.report) for f, a in pairs]
    tables = {
        "reports": rows.reports_table(kept, None, {f.report_id: a.unit for f, a in pairs}),
        "facts": facts.table(),
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
        "texts": pa.Table.from_pylist(
            [
                {"report_id": f.report_id, "text": a.compared_text}
                for f, a in pairs
                if a.compared_text is not None
            ],
            TEXTS_SCHEMA,
        ),
    }
    for kind, table in tables.items():
        path = shard_path(job.shard_dir, kind, job.index)
        partial = path.with_suffix(".partial")
        # no column statistics: the shards are read whole, once, by this build (a tenth of the writing)
        pq.write_table(table, partial, compression="zstd", write_statistics=False)
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
