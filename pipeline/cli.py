"""Command line: `python -m pipeline ingest --raw DIR --db PATH`.

Runs the same Dagster asset graph (and checks) as the UI and the schedule, in this process, on a throwaway
instance in a temporary folder: no DAGSTER_HOME needed, nothing left behind but the database.
"""

import argparse
import logging
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

DESCRIPTION = """\
Turn Chinese government information-disclosure annual reports (政府信息公开工作年度报告) into an
analytical DuckDB database."""

INGEST_DESCRIPTION = """\
Scan the raw folder, parse every report, load the tables and views into a staging file beside the
database, run the data checks, and atomically replace the database with it. Analysts may keep the
previous database open (read-only) meanwhile.

Exit status: 0 when the run completed, also if some files could not be parsed (they are listed in the
parse_issues table and counted in the summary); 1 when the run failed (e.g. the raw folder is missing);
2 on a usage error."""


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
        "-v",
        "--verbose",
        action="store_true",
        help="show Dagster's step-by-step log on stderr (by default only warnings and errors)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "ingest":
        return ingest(args.raw, args.db, verbose=args.verbose)
    raise AssertionError(args.command)  # argparse only lets known commands through


def ingest(raw: Path, db: Path, *, verbose: bool = False) -> int:
    raw, db = raw.expanduser().absolute(), db.expanduser().absolute()
    if not raw.is_dir():
        # A usage mistake, not a failed run: say so without a Dagster traceback.
        print(f"error: raw folder not found: {raw}", file=sys.stderr)
        return 1

    level = "INFO" if verbose else "WARNING"
    if not verbose:
        warnings.filterwarnings("ignore", module="dagster")  # beta/preview notices are not for CLI users
    # Imported here so `--help` stays fast.
    import dagster as dg

    from pipeline.defs.assets import ASSETS
    from pipeline.defs.checks import CHECKS
    from pipeline.defs.resources import PipelineSettings, build_resources

    logging.getLogger("dagster").setLevel(level)
    settings = PipelineSettings(raw_dir=str(raw), db_path=str(db))
    with tempfile.TemporaryDirectory(prefix="pipeline-ingest-") as tmp:
        with dg.DagsterInstance.ephemeral(tempdir=tmp) as instance:
            result = dg.materialize(
                [*ASSETS, *CHECKS],
                resources=build_resources(settings),
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": level}}}},
            )
    if not result.success:
        for message, steps in _step_failures(result).items():
            print(f"error: the ingest run failed in {', '.join(steps)}: {message}", file=sys.stderr)
        print(f"error: {db} was not changed", file=sys.stderr)
        return 1
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


def _summary(result) -> str:
    manifest = _metadata(result, "raw_manifest")
    parsed = _metadata(result, "parsed_reports")
    published = _metadata(result, "published_database")
    units = _metadata(result, "report_units").get("by_status", {})
    anomalies = _metadata(result, "anomaly_views")
    by_status = published.get("reports_by_status", {})
    status_text = ", ".join(f"{status} {n}" for status, n in sorted(by_status.items())) or "none"
    checks = result.get_asset_check_evaluations()
    failed_checks = [c for c in checks if not c.passed]
    files = manifest.get("files", 0)
    duplicates = files - manifest.get("distinct_contents", files)
    lines = [
        f"files:        {files} in {manifest.get('raw_dir', '?')}"
        + (
            f" ({duplicates} byte-identical {'copy' if duplicates == 1 else 'copies'}, loaded once)"
            if duplicates
            else ""
        ),
        f"reports:      {published.get('reports', 0)} ({status_text})",
        f"facts:        {published.get('facts', 0)}",
        f"parse issues: {published.get('parse_issues', 0)}",
        "units:        " + (", ".join(f"{status} {n}" for status, n in sorted(units.items())) or "none"),
        f"anomalies:    {anomalies.get('anomalies', 0)} (query the `anomalies` view)",
        f"checks:       {len(checks) - len(failed_checks)} of {len(checks)} passed",
    ]
    for check in failed_checks:
        lines.append(f"  WARNING {check.check_name}: {check.description or 'failed'}")
    for file_name in parsed.get("failed_files", []):
        lines.append(f"  could not parse: {file_name} (see parse_issues)")
    lines.append(f"database:     {published.get('path')}")
    return "\n".join(lines)
