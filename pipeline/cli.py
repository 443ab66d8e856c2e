"""Command line: `python -m pipeline ingest --raw DIR --db PATH`.

Runs the same Dagster asset graph (and checks) as the UI and the schedule, in this process, on an in-memory
instance with an in-memory IO manager: no DAGSTER_HOME needed, nothing written but the database (and its
lock file), so even a killed run leaves nothing to clean up (a stale staging file is removed by the next run).
"""

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

# = pipeline.intake.DEFAULT_MAX_MB and pipeline.defs.resources.DEFAULT_LOCK_TIMEOUT (not imported: that pulls
# in the parser and Dagster, and `--help` should stay fast; tests/test_cli.py checks they agree)
DEFAULT_MAX_MB = 20.0
DEFAULT_LOCK_TIMEOUT = 3600.0

DESCRIPTION = """\
Turn Chinese government information-disclosure annual reports (政府信息公开工作年度报告) into an
analytical DuckDB database."""

INGEST_DESCRIPTION = """\
Scan the raw folder, parse every report, load the tables and views into a staging file beside the
database, run the data checks, and atomically replace the database with it. Analysts may keep the
previous database open (read-only) meanwhile. Every file ever seen is listed in the `files` table with
its status (parsed, parsed_with_issues, not_a_report, failed, empty, too_large, unreadable, duplicate,
superseded, removed); the summary counts them.

One build of a database at a time: a second run waits for the first to publish (see --lock-timeout).
A run that is interrupted (Ctrl-C, kill, power loss) leaves the previous database as it was.

Exit status: 0 when the run completed, also if some files could not be parsed (they are listed in the
files and parse_issues tables and counted in the summary); 1 when the run failed (e.g. the raw folder is
missing, or another build held the database longer than --lock-timeout); 2 on a usage error."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ingest = commands.add_parser(
        "ingest",
        help="build (or rebuild) the database from the raw folder",
        description=INGEST_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument(
        "--raw",
        metavar="DIR",
        type=Path,
        default=Path("raw"),
        help="folder of raw report files, searched recursively; hidden files, README* and a top-level "
        "units.csv are skipped (default: %(default)s)",
    )
    ingest.add_argument(
        "--db",
        metavar="PATH",
        type=Path,
        default=Path("report.duckdb"),
        help="the database file to publish; its folder is created if needed, and an existing file is "
        "replaced only once the new one is complete (default: %(default)s)",
    )
    ingest.add_argument(
        "--max-file-mb",
        metavar="MB",
        type=_positive_float,
        default=None,
        help="files larger than this are not read, status too_large (default: env MAX_FILE_MB, else "
        f"{DEFAULT_MAX_MB:g}; 1 MB = 2**20 bytes)",
    )
    ingest.add_argument(
        "--lock-timeout",
        metavar="SECONDS",
        type=_non_negative_float,
        default=DEFAULT_LOCK_TIMEOUT,
        help="how long to wait for another build of the same database to finish; 0 = refuse at once "
        "(default: %(default)g)",
    )
    ingest.add_argument(
        "--workers",
        metavar="N",
        type=int,
        default=int(os.environ.get("PARSE_WORKERS") or 0),
        help="processes that parse files in parallel; 0 = one per core (default: env PARSE_WORKERS, else 0)",
    )
    ingest.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (files done / total, files/s, ETA) on stderr while parsing "
        "(default: when stderr is a terminal)",
    )
    ingest.add_argument(
        "--full",
        action="store_true",
        help="parse every file again; by default a build goes on from the published database and parses "
        "only new and changed files (it parses everything anyway when the parser, the unit resolution, the "
        "schema or raw/units.csv changed)",
    )
    ingest.add_argument(
        "--reparse-year",
        metavar="YEAR",
        type=int,
        action="append",
        default=[],
        help="parse the reports on YEAR again even if their files did not change (repeatable); the other "
        "reports are kept as in an incremental build",
    )
    ingest.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show Dagster's step-by-step log on stderr (by default only warnings and errors)",
    )
    return parser


def _positive_float(text: str) -> float:
    value = _non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of 0 or more: {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "ingest":
        return ingest(
            args.raw,
            args.db,
            verbose=args.verbose,
            max_file_mb=args.max_file_mb,
            lock_timeout=args.lock_timeout,
            workers=args.workers,
            progress=sys.stderr.isatty() if args.progress is None else args.progress,
            full=args.full,
            reparse_years=args.reparse_year,
        )
    raise AssertionError(args.command)  # argparse only lets known commands through


def ingest(
    raw: Path,
    db: Path,
    *,
    verbose: bool = False,
    max_file_mb: float | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    workers: int = 0,
    progress: bool = False,
    full: bool = False,
    reparse_years: Sequence[int] = (),
) -> int:
    raw, db = raw.expanduser().absolute(), db.expanduser().absolute()
    if max_file_mb is None:
        try:
            max_file_mb = _positive_float(os.environ.get("MAX_FILE_MB") or str(DEFAULT_MAX_MB))
        except argparse.ArgumentTypeError as exc:
            print(f"error: MAX_FILE_MB {exc}", file=sys.stderr)
            return 2
    if not raw.is_dir():
        # A usage mistake, not a failed run: say so without a Dagster traceback.
        print(f"error: raw folder not found: {raw}", file=sys.stderr)
        return 1

    # Dagster logs its step events (STEP_START, STEP_SUCCESS, ...) at DEBUG.
    level = "DEBUG" if verbose else "WARNING"
    if not verbose:
        warnings.filterwarnings("ignore", module="dagster")  # beta/preview notices are not for CLI users
    # Imported here so `--help` stays fast.
    import dagster as dg

    from pipeline.defs.assets import ASSETS
    from pipeline.defs.checks import CHECKS
    from pipeline.defs.resources import PipelineSettings, build_resources

    logging.getLogger("dagster").setLevel(level)
    settings = PipelineSettings(
        raw_dir=str(raw),
        db_path=str(db),
        max_file_mb=max_file_mb,
        workers=max(0, workers),
        progress=progress,
        full_rebuild=full,
        reparse_years=list(reparse_years),
    )
    # Step outputs stay in memory (all steps run in this process): nothing on disk to leave behind.
    resources = build_resources(settings, lock_timeout) | {"io_manager": dg.InMemoryIOManager()}
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [*ASSETS, *CHECKS],
            resources=resources,
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": level}}}},
        )
    if not result.success:
        for message, steps in _step_failures(result).items():
            print(f"error: the ingest run failed in {', '.join(steps)}: {message}", file=sys.stderr)
        print(f"error: {db} was not changed", file=sys.stderr)
        return 1
    # A file name the terminal cannot show must not fail a run that has published.
    sys.stdout.reconfigure(errors="backslashreplace")
    print(_summary(result))
    return 0


# Dagster's wrappers around the user's exception; the exception itself is their cause.
_WRAPPERS = ("DagsterExecutionStepExecutionError", "DagsterExecutionLoadInputError")


def _step_failures(result) -> dict[str, list[str]]:
    """{error message: [steps that failed with it]}, in the order the steps failed."""
    failures: dict[str, list[str]] = {}
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        error = event.step_failure_data.error
        while error is not None and error.cls_name in _WRAPPERS and error.cause is not None:
            error = error.cause
        if error is None:
            message = "unknown error (see the log above)"
        else:
            message = error.message.strip()
            if error.cls_name == "Failure":
                # dg.Failure carries a sentence meant for people; drop the class path in front of it.
                message = message.split(": ", 1)[-1]
        failures.setdefault(message, []).append(event.step_key or "?")
    return failures or {"see the log above": ["the run"]}


def _metadata(result, asset: str) -> dict:
    materializations = result.asset_materializations_for_node(asset)
    return {k: v.value for k, v in materializations[-1].metadata.items()} if materializations else {}


def files_line(by_status: dict[str, int]) -> str:
    """'parsed 4, duplicate 1, removed 2 = 7 files seen': the counts by status, in STATUSES order."""
    from pipeline.ledger import STATUSES

    order = {status: i for i, status in enumerate(STATUSES)}
    counts = sorted(by_status.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    total = sum(by_status.values())
    parts = ", ".join(f"{status} {n}" for status, n in counts) or "none"
    return f"{parts} = {total} {'file' if total == 1 else 'files'} seen"


def _build_line(parsed: dict) -> str:
    """'incremental: 12 reports parsed, 4,980 kept, 3 dropped' (or 'full: ... (why)')."""
    kind = parsed.get("build", "?")
    line = (
        f"{kind}: {parsed.get('reports_parsed', 0)} reports parsed, {parsed.get('reports_kept', 0)} kept, "
        f"{parsed.get('reports_dropped', 0)} dropped"
    )
    reason = parsed.get("full_build_reason")
    return line + (f" ({reason})" if kind == "full" and reason else "")


def _summary(result) -> str:
    manifest = _metadata(result, "raw_manifest")
    published = _metadata(result, "published_database")
    parsed = _metadata(result, "parsed_reports")
    units = {
        status: n
        for status, n in _metadata(result, "reports_table").get("by_division_status", {}).items()
        if status != "none"
    }
    anomalies = _metadata(result, "anomaly_tables")
    by_status = published.get("reports_by_status", {})
    status_text = ", ".join(f"{status} {n}" for status, n in sorted(by_status.items())) or "none"
    checks = result.get_asset_check_evaluations()
    failed_checks = [c for c in checks if not c.passed]
    lines = [
        f"build:        {_build_line(parsed)}",
        f"files:        {files_line(published.get('files_by_status', {}))} (raw folder {manifest.get('raw_dir', '?')})",
        f"reports:      {published.get('reports', 0)} ({status_text})",
        f"facts:        {published.get('facts', 0)}",
        f"parse issues: {published.get('parse_issues', 0)}",
        "units:        " + (", ".join(f"{status} {n}" for status, n in sorted(units.items())) or "none"),
        f"anomalies:    {anomalies.get('anomalies', 0)} (query the `anomalies` table)",
        f"checks:       {len(checks) - len(failed_checks)} of {len(checks)} passed",
    ]
    for check in failed_checks:
        lines.append(f"  WARNING {check.check_name}: {check.description or 'failed'}")
    problems = published.get("problem_files", [])
    for problem in problems:
        lines.append(f"  {problem['status']}: {problem['file_name']}: {problem['detail']}")
    if published.get("problem_files_total", 0) > len(problems):
        lines.append(
            f"  ... and {published['problem_files_total'] - len(problems)} more: query the files table"
        )
    lines.append(f"database:     {published.get('path')}")
    return "\n".join(lines)
