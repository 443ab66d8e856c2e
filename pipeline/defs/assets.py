"""The asset graph: raw folder -> Parquet shards of the new reports -> tables in a staging database -> published file.

    raw_manifest -> file_intake -> parsed_reports (parse workers write shards; incremental: only new files)
        -> reports_table, facts_table, parse_issues_table, narrative_claims_table, text_similarity
        -> files_table (the ledger; marks superseded reports)
        -> analyst_views, rollup_tables, anomaly_tables -> published_database

The staging build starts as a copy of the published database when it can (pipeline/store/incremental.py);
the table assets drop the rows of reports that are gone and load the new shards. Everything writes into the
run's staging build (see resources.py for why that is safe); nothing is visible to analysts until
published_database swaps the finished file in.
"""

import sys
import time
from collections import Counter

import dagster as dg
import duckdb
import pyarrow as pa
from tqdm import tqdm

from pipeline.defs.partitions import published_years, register_years
from pipeline.defs.resources import PipelineSettings, ReportDatabase
from pipeline.intake import Verdicts, screen_scan
from pipeline.ledger import known_hashes
from pipeline.manifest import RawScan, scan_raw
from pipeline.parse_files import MIN_FILES_FOR_POOL, Progress, default_workers, parse_to_shards, shard_glob
from pipeline.parse_run import ParseRun, plan_parse
from pipeline.parsing.model import FAILED
from pipeline.store import create_views, mark_superseded, write_ledger
from pipeline.store.anomalies import create_anomalies
from pipeline.store.incremental import derived_fingerprint, replace_rows
from pipeline.store.near_duplicates import find_near_duplicates
from pipeline.store.rows import duplicate_issues_table, rejection_issues_table
from pipeline.store.scope import changes, clear_changes, record_changes, record_dropped, scope_everything
from pipeline.units.batch import load_resolver
from pipeline.units.db import create_division_views, load_divisions

INGEST = "ingest"
DATABASE = "database"
# Statuses of the files that gave no data: listed one by one in the run's summary.
PROBLEM_STATUSES = ("not_a_report", "failed", "empty", "too_large", "unreadable")


@dg.asset(
    group_name=INGEST,
    kinds={"python"},
    description=(
        "Every report file below the raw folder with its size, modification time and sha256 (hidden files, "
        "README* and a top-level units.csv are skipped), and the paths seen but not read (links leaving the "
        "folder, special files, files the OS refused). A file's report_id is derived from its content hash."
    ),
)
def raw_manifest(
    context: dg.AssetExecutionContext, settings: PipelineSettings, report_db: ReportDatabase
) -> dg.Output[RawScan]:
    raw_dir = settings.raw_path
    if not raw_dir.is_dir():
        raise dg.Failure(description=f"raw folder not found: {raw_dir}")
    # files unchanged since the last build (same size and modification time) keep their hash unread
    known = {} if settings.full_rebuild else known_hashes(report_db.file_history())
    try:
        scan = scan_raw(raw_dir, known)
    except NotADirectoryError as exc:
        raise dg.Failure(description=f"raw folder not found: {raw_dir}") from exc
    files = scan.files
    distinct = len({f.sha256 for f in files})
    if not files:
        context.log.warning(f"no report files in {raw_dir}")
    for skipped in scan.skipped:
        context.log.info(f"not read: {skipped.file_name}: {skipped.reason}")
    return dg.Output(
        scan,
        metadata={
            "raw_dir": dg.MetadataValue.path(str(raw_dir)),
            "files": len(files),
            "bytes": sum(f.size_bytes for f in files),
            "distinct_contents": distinct,
            "not_read": len(scan.skipped),
            "hashes_reused": sum(1 for f in files if f.file_name in known),
        },
    )


@dg.asset(
    group_name=INGEST,
    kinds={"python"},
    description=(
        "Each path of the raw manifest screened before parsing: empty, too large (the max_file_mb setting; "
        "never opened), or unreadable (binary, undecodable, not followed) files are rejected with the reason; "
        "the others go to the parser."
    ),
)
def file_intake(
    context: dg.AssetExecutionContext,
    raw_manifest: RawScan,
    settings: PipelineSettings,
    report_db: ReportDatabase,
) -> dg.Output[Verdicts]:
    # contents the published database already holds were screened when they came: not read again
    verdicts = screen_scan(raw_manifest, settings.max_file_bytes, report_db.base().reports)
    rejected = [v for v in verdicts if not v.accepted]
    for v in rejected:
        context.log.info(f"{v.status}: {v.file_name}: {v.detail}")
    by_status = Counter(v.status or "accepted" for v in verdicts)
    return dg.Output(
        verdicts,
        metadata={
            "accepted": by_status.get("accepted", 0),
            "by_status": dg.MetadataValue.json(dict(sorted(by_status.items()))),
            "max_file_mb": settings.max_file_mb,
            "rejected_files": dg.MetadataValue.json(
                [{"file_name": v.file_name, "status": v.status, "detail": v.detail} for v in rejected[:50]]
            ),
        },
    )


@dg.asset(
    group_name=INGEST,
    kinds={"python", "parquet"},
    description=(
        "The raw files accepted by file_intake that this build parses: every distinct content not already in "
        "the published database (all of them on a full build: first build, --full, or a change of parser, "
        "unit resolution, schema or raw/units.csv). Parsed in worker processes into Parquet shards (reports "
        "with their units, facts, parse issues, narrative claims, text signatures) beside the staging build. "
        "A file the parser crashes on becomes a report with parse_status 'failed' and an error issue."
    ),
)
def parsed_reports(
    context: dg.AssetExecutionContext,
    file_intake: Verdicts,
    settings: PipelineSettings,
    report_db: ReportDatabase,
) -> dg.Output[ParseRun]:
    base = report_db.base()
    accepted = [v.file for v in file_intake if v.accepted and v.file is not None]
    plan = plan_parse(accepted, base, settings.reparse_years)
    context.log.info(
        f"{'incremental' if base.incremental else 'full'} build: {len(plan.to_parse)} files to parse, "
        f"{len(plan.kept)} reports kept, {len(plan.dropped)} dropped"
        + ("" if base.incremental else f" ({base.full_reason})")
    )
    resolver = load_resolver(settings.raw_path)
    if resolver.overrides_error:
        context.log.error(f"overrides file ignored: {resolver.overrides_error}")
    workers = settings.workers or default_workers()
    files = plan.to_parse
    bar = tqdm(total=len(files), unit="file", desc="parsing", disable=not settings.progress, file=sys.stderr)
    last_log = [0.0]

    def on_batch(p: Progress) -> None:
        bar.update(p.done - bar.n)
        if p.seconds - last_log[0] >= 10 or p.done == p.total:  # a log line every 10 s, not every batch
            last_log[0] = p.seconds
            context.log.info(f"parsed {p.done}/{p.total} files, {p.per_second:.0f} reports/s")

    started = time.perf_counter()
    try:
        parsed = parse_to_shards(files, report_db.shard_dir, resolver, workers, on_batch)
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    used = workers if len(files) >= MIN_FILES_FOR_POOL else 1
    run = ParseRun(report_db.shard_dir, plan, parsed, base, seconds, used)
    failed = [s for s in parsed if s.parse_status == FAILED]
    for s in failed:
        context.log.warning(f"{s.file_name}: {s.detail}")
    by_status = Counter(s.parse_status for s in parsed)
    by_severity: Counter[str] = Counter()
    for s in parsed:
        by_severity.update(s.issues)
    return dg.Output(
        run,
        metadata={
            "build": "incremental" if base.incremental else "full",
            "full_build_reason": base.full_reason or "",
            "reparse_years": dg.MetadataValue.json(sorted(settings.reparse_years)),
            "reports_parsed": len(parsed),
            "reports_kept": len(plan.kept),
            "reports_dropped": len(plan.dropped),
            "duplicate_files": len(plan.duplicates),
            "seconds": round(seconds, 3),
            "reports_per_second": round(len(parsed) / seconds, 1) if seconds > 0 else 0.0,
            "megabytes_per_second": round(sum(f.size_bytes for f in files) / 1e6 / seconds, 2)
            if seconds > 0
            else 0.0,
            "workers": used,
            "cells": sum(s.cells for s in parsed),
            "issues": sum(by_severity.values()),
            "narrative_claims": sum(s.claims for s in parsed),
            "overrides_used": sum(s.override_used for s in parsed),
            "overrides_error": resolver.overrides_error or "",
            "by_status": dg.MetadataValue.json(dict(sorted(by_status.items()))),
            "issues_by_severity": dg.MetadataValue.json(dict(sorted(by_severity.items()))),
            "failed_files": dg.MetadataValue.json([s.file_name for s in failed[:50]]),
        },
    )


def _replace_from_shards(report_db: ReportDatabase, run: ParseRun, table: str, **kwargs: object) -> None:
    with report_db.staging_connection() as con:
        replace_rows(con, table, run.dropped, shard_glob(run.shard_dir, table), **kwargs)  # type: ignore[arg-type]
    report_db.mark_written(table)


def record_build_changes(con: duckdb.DuckDBPyConnection, run: ParseRun) -> dict[str, int]:
    """Fill build_changes: every report on a full build (or when the SQL of the derived tables changed),
    else the reports parsed, dropped or renamed (files_table adds those whose is_current flips)."""
    base = run.base
    if not base.incremental or base.info.get("derived_fingerprint") != derived_fingerprint():
        scope_everything(con)
    else:
        clear_changes(con)
        record_changes(con, "added", (s.report_id for s in run.parsed))
        record_changes(con, "renamed", run.plan.renamed)
        dropped = [base.reports[rid] for rid in run.dropped]
        record_dropped(con, [{"report_id": r.report_id, "year": r.year, **r.place} for r in dropped])
    return changes(con)


def _counts(report_db: ReportDatabase, sql: str) -> dict:
    with report_db.staging_connection() as con:
        return dict(con.execute(sql).fetchall())


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    description=(
        "Table `reports` in the staging database: one row per distinct report (byte-identical files are "
        "loaded once) with its metadata, parse_status and administrative division (NBS codes, resolved in the "
        "parse workers from the place names in its text and raw/units.csv; ambiguous names keep their "
        "candidates and no codes). Reports kept from the published database keep their rows."
    ),
)
def reports_table(parsed_reports: ParseRun, report_db: ReportDatabase) -> dg.MaterializeResult:
    _replace_from_shards(
        report_db,
        parsed_reports,
        "reports",
        renamed=parsed_reports.plan.renamed,
        ingested_at=report_db.ingested_at,
    )
    with report_db.staging_connection() as con:
        changed = record_build_changes(con, parsed_reports)
    by_status = _counts(report_db, "SELECT parse_status, count(*) FROM reports GROUP BY 1 ORDER BY 1")
    by_division = _counts(
        report_db, "SELECT coalesce(division_status, 'none'), count(*) FROM reports GROUP BY 1 ORDER BY 1"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(by_status.values()),
            "by_status": dg.MetadataValue.json(by_status),
            "by_division_status": dg.MetadataValue.json(by_division),
            "duplicate_files": len(parsed_reports.plan.duplicates),
            "renamed_files": len(parsed_reports.plan.renamed),
            "changes": dg.MetadataValue.json(changed),
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    description=(
        "Table `facts` in the staging database: every table cell read with certainty, one row per report x "
        "cell, coded by pipeline/data/taxonomy.csv. Blank and '/' cells keep value NULL."
    ),
)
def facts_table(parsed_reports: ParseRun, report_db: ReportDatabase) -> dg.MaterializeResult:
    _replace_from_shards(report_db, parsed_reports, "facts")
    by_table = _counts(report_db, "SELECT table_code, count(*) FROM facts GROUP BY 1 ORDER BY 1")
    by_state = _counts(report_db, "SELECT cell_state, count(*) FROM facts GROUP BY 1 ORDER BY 1")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(by_table.values()),
            "by_table": dg.MetadataValue.json(by_table),
            "by_cell_state": dg.MetadataValue.json(by_state),
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    description=(
        "Table `parse_issues` in the staging database: what the parser could not read or was unsure of, "
        "per report and file (plus a 'duplicate_file' warning per byte-identical copy, and an error per file "
        "rejected by file_intake)."
    ),
)
def parse_issues_table(
    parsed_reports: ParseRun, file_intake: Verdicts, report_db: ReportDatabase
) -> dg.MaterializeResult:
    extra = pa.concat_tables(
        [duplicate_issues_table(parsed_reports.plan.duplicates), rejection_issues_table(file_intake)]
    )
    _replace_from_shards(
        report_db, parsed_reports, "parse_issues", renamed=parsed_reports.plan.renamed, extra=extra
    )
    by_severity = _counts(report_db, "SELECT severity, count(*) FROM parse_issues GROUP BY 1 ORDER BY 1")
    top_codes = _counts(
        report_db, "SELECT code, count(*) AS n FROM parse_issues GROUP BY 1 ORDER BY n DESC, code LIMIT 10"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(by_severity.values()),
            "by_severity": dg.MetadataValue.json(by_severity),
            "top_codes": dg.MetadataValue.json(top_codes),
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    description=(
        'Table `narrative_claims`: numbers each report states in its narrative ("收到政府信息公开申请8件", '
        '"制定规范性文件N件"), keyed by the table cell they describe, for the narrative_table_mismatch rule.'
    ),
)
def narrative_claims_table(parsed_reports: ParseRun, report_db: ReportDatabase) -> dg.MaterializeResult:
    _replace_from_shards(report_db, parsed_reports, "narrative_claims")
    (claims, reports) = _counts_row(
        report_db, "SELECT count(*), count(DISTINCT report_id) FROM narrative_claims"
    )
    return dg.MaterializeResult(metadata={"dagster/row_count": claims, "reports_with_claims": reports})


def _counts_row(report_db: ReportDatabase, sql: str) -> tuple:
    with report_db.staging_connection() as con:
        return con.execute(sql).fetchall()[0]


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb", "python"},
    deps=[reports_table],
    description=(
        "Tables `text_signatures` (each report's MinHash signature, from the parse workers) and "
        "`text_near_duplicates`: pairs of reports whose whole texts are at least 90% similar (copied reports), "
        "proposed by LSH over the signatures and measured with rapidfuzz, for the near_duplicate rule. Pairs "
        "compared by earlier builds (table text_pair_checks) are not compared again."
    ),
)
def text_similarity(
    parsed_reports: ParseRun, settings: PipelineSettings, report_db: ReportDatabase
) -> dg.MaterializeResult:
    _replace_from_shards(report_db, parsed_reports, "text_signatures")
    with report_db.staging_connection() as con:
        found = find_near_duplicates(
            con,
            settings.raw_path,
            settings.workers or default_workers(),
            shard_glob(parsed_reports.shard_dir, "texts"),
        )
        total = con.execute("SELECT count(*) FROM text_near_duplicates").fetchall()[0][0] // 2
    return dg.MaterializeResult(
        metadata={
            "candidate_pairs": found.candidates,
            "compared_now": found.measured,
            "pairs": total,
            "examples": dg.MetadataValue.json(
                [
                    {"a": p.report_id, "b": p.other_report_id, "similarity": p.similarity}
                    for p in found.pairs[:20]
                ]
            ),
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    deps=[reports_table],
    description=(
        "Table `files` in the staging database, the file ledger: every file ever seen in the raw folder with "
        "its status (parsed, parsed_with_issues, not_a_report, failed, empty, too_large, unreadable, "
        "duplicate, superseded, removed) and why; first_seen and removed files carried over from the "
        "published database. Marks superseded reports (reports.is_current = false; sql/files)."
    ),
)
def files_table(
    file_intake: Verdicts, parsed_reports: ParseRun, report_db: ReportDatabase
) -> dg.MaterializeResult:
    history = report_db.file_history()
    parsed = {s.report_id: s.outcome for s in parsed_reports.parsed}
    with report_db.staging_connection() as con:
        rows, as_built = write_ledger(con, file_intake, parsed, history, report_db.ingested_at)
        con.execute("CREATE OR REPLACE TEMP TABLE _was_current AS SELECT report_id, is_current FROM reports")
        mark_superseded(con)
        # a report that became (or stopped being) current changes its area's rollups and its anomalies
        flipped = con.execute(
            "SELECT report_id FROM reports JOIN _was_current AS w USING (report_id) "
            "WHERE reports.is_current IS DISTINCT FROM w.is_current"
        ).fetchall()
        con.execute("DROP TABLE _was_current")
        record_changes(con, "current", [rid for (rid,) in flipped])
        by_status = dict(con.execute("SELECT status, count(*) FROM files GROUP BY 1 ORDER BY 1").fetchall())
    report_db.mark_written("files")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "by_status": dg.MetadataValue.json(by_status),
            "files_seen": sum(by_status.values()),
            "carried_over": len(history),
            "as_built": dg.MetadataValue.json(as_built),
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    deps=[reports_table, facts_table, parse_issues_table],
    description=(
        "The analyst views (facts_labelled, active_disclosure, applications, reviews_litigation, ...) from "
        "sql/views, created in the staging database."
    ),
)
def analyst_views(report_db: ReportDatabase) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        create_views(con)
        views = [
            name
            for (name,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
            ).fetchall()
        ]
    report_db.mark_written("views")
    return dg.MaterializeResult(metadata={"views": dg.MetadataValue.json(views), "view_count": len(views)})


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    description=(
        "Table `divisions` in the staging database: the NBS division codes down to townships (2023 edition, "
        "shipped in pipeline/data/gazetteer), with each division's province, city and county codes."
    ),
)
def divisions_table(report_db: ReportDatabase) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        # the gazetteer is part of the build fingerprint: an incremental build has it loaded already
        loaded = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'divisions'").fetchall()
        if report_db.base().incremental and loaded[0][0]:
            rows = con.execute("SELECT count(*) FROM divisions").fetchall()[0][0]
        else:
            rows = load_divisions(con)
        by_level = dict(con.execute("SELECT level, count(*) FROM divisions GROUP BY 1 ORDER BY 1").fetchall())
    report_db.mark_written("divisions")
    return dg.MaterializeResult(
        metadata={"dagster/row_count": rows, "by_level": dg.MetadataValue.json(by_level)}
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    deps=[reports_table, facts_table, divisions_table, files_table],
    description=(
        "County, city and province rollups (tables rollup_county, rollup_city, rollup_province: sums per "
        "area, year, cell and unit_level, recomputed by every build) and the township coverage view, from "
        "sql/divisions; current reports only (reports.is_current)."
    ),
)
def rollup_tables(report_db: ReportDatabase) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        files = create_division_views(con, scoped=True)
        resolved = con.execute(
            "SELECT count(*) FILTER (WHERE county_code IS NOT NULL OR city_code IS NOT NULL "
            "OR province_code IS NOT NULL), count(*) FROM reports"
        ).fetchone()
    report_db.mark_written("rollups")
    return dg.MaterializeResult(
        metadata={
            "sql_files": dg.MetadataValue.json(files),
            "reports_in_rollups": resolved[0],
            "reports": resolved[1],
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    deps=[
        reports_table,
        facts_table,
        parse_issues_table,
        files_table,
        narrative_claims_table,
        text_similarity,
    ],
    description=(
        "The anomaly rules of sql/anomalies (the form's own arithmetic, calendar, edition, level and "
        "narrative checks; one view per rule; current reports only) and the table `anomalies` with every "
        "rule's findings, recomputed by every build."
    ),
)
def anomaly_tables(report_db: ReportDatabase) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        files = create_anomalies(con, scoped=True)
        by_rule = dict(
            con.execute(
                "SELECT rule_code || ' (' || severity || ')', count(*) FROM anomalies GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
    report_db.mark_written("anomalies")
    return dg.MaterializeResult(
        metadata={
            "rule_views": sum(1 for f in files if f[:1] in "1234567"),  # the rule files (10_ … 71_)
            "anomalies_by_rule": dg.MetadataValue.json(by_rule),
            "anomalies": sum(by_rule.values()),
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    deps=[analyst_views, rollup_tables, anomaly_tables],
    description=(
        "The published database file: the staging build, checkpointed and atomically renamed onto the "
        "target path. Analysts holding the previous file open keep reading it undisturbed."
    ),
)
def published_database(context: dg.AssetExecutionContext, report_db: ReportDatabase) -> dg.MaterializeResult:
    with report_db.read_connection() as con:
        by_status = dict(
            con.execute("SELECT parse_status, count(*) FROM reports GROUP BY 1 ORDER BY 1").fetchall()
        )
        facts, issues = con.execute(
            "SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM parse_issues)"
        ).fetchone()
        files = con.execute("SELECT status, count(*) FROM files GROUP BY 1").fetchall()
        # files that gave no data, for the summary (the rest of them: query the files table)
        problem_files = con.execute(
            "SELECT file_name, status, detail FROM files "
            "WHERE list_contains(?, status) ORDER BY file_name LIMIT 50",
            [list(PROBLEM_STATUSES)],
        ).fetchall()
    target = report_db.publish()
    # the years there are to re-parse become partitions of the reparse_year job (published first: a
    # partition for a year that never got published would be a lie)
    years = published_years(target)
    new_years = register_years(context.instance, years)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "report_years": dg.MetadataValue.json(years),
            "report_years_added": dg.MetadataValue.json(new_years),
            "size_bytes": target.stat().st_size,
            "reports": sum(by_status.values()),
            "reports_by_status": dg.MetadataValue.json(by_status),
            "facts": facts,
            "parse_issues": issues,
            "files_by_status": dg.MetadataValue.json(dict(files)),
            "files_seen": sum(n for _, n in files),
            "problem_files_total": sum(n for s, n in files if s in PROBLEM_STATUSES),
            "problem_files": dg.MetadataValue.json(
                [{"file_name": f, "status": s, "detail": d} for f, s, d in problem_files]
            ),
        }
    )


ASSETS = [
    raw_manifest,
    file_intake,
    parsed_reports,
    reports_table,
    facts_table,
    parse_issues_table,
    narrative_claims_table,
    text_similarity,
    files_table,
    divisions_table,
    analyst_views,
    rollup_tables,
    anomaly_tables,
    published_database,
]
