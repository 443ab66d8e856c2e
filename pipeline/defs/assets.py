"""The asset graph: raw folder -> parsed reports -> tables in a staging database -> views -> published file.

    raw_manifest -> file_intake -> parsed_reports -> reports_table ------\\
                                                  -> facts_table --------+-> analyst_views -> published_database
                                                  -> parse_issues_table -/
                                    reports_table -> files_table (the ledger; marks superseded reports)
                                                        -> rollup_views, anomaly_views -> published_database

The table assets write into the run's staging build (see resources.py for why that is safe); nothing is
visible to analysts until published_database swaps the finished file in.
"""

import sys
import time
from collections import Counter

import dagster as dg
from tqdm import tqdm

from pipeline.defs.resources import PipelineSettings, ReportDatabase
from pipeline.intake import Verdict, screen_scan
from pipeline.ledger import ledger_records, status_counts
from pipeline.manifest import RawFile, RawScan, scan_raw
from pipeline.parse_files import MIN_FILES_FOR_POOL, Progress, default_workers, parse_files
from pipeline.parsing import ParsedReport
from pipeline.parsing.model import FAILED
from pipeline.parsing.narrative import Claim, claims_from_source
from pipeline.similarity import SimilarPair, comparable_text, near_duplicates, pairs_as_rows
from pipeline.store import (
    create_views,
    load_facts,
    load_files,
    load_parse_issues,
    load_rejection_issues,
    load_reports,
    mark_superseded,
    unique_entries,
)
from pipeline.store.anomalies import create_anomalies, load_narrative_claims, load_near_duplicates
from pipeline.units.batch import resolve_entries
from pipeline.units.db import create_division_views, load_divisions
from pipeline.units.result import UnitResolution

Entry = tuple[RawFile, ParsedReport]

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
def raw_manifest(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.Output[RawScan]:
    raw_dir = settings.raw_path
    try:
        scan = scan_raw(raw_dir)
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
    context: dg.AssetExecutionContext, raw_manifest: RawScan, settings: PipelineSettings
) -> dg.Output[list[Verdict]]:
    verdicts = screen_scan(raw_manifest, settings.max_file_bytes)
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
    kinds={"python"},
    description=(
        "Each raw file accepted by file_intake parsed into report metadata, table cells and issues (a list "
        "of (RawFile, ParsedReport)). A file the parser crashes on becomes a report with parse_status "
        "'failed' and an error issue; the run goes on."
    ),
)
def parsed_reports(
    context: dg.AssetExecutionContext, file_intake: list[Verdict], settings: PipelineSettings
) -> dg.Output[list[Entry]]:
    files = [v.file for v in file_intake if v.accepted and v.file is not None]
    workers = settings.workers or default_workers()
    bar = tqdm(total=len(files), unit="file", desc="parsing", disable=not settings.progress, file=sys.stderr)
    last_log = [0.0]

    def on_batch(p: Progress) -> None:
        bar.update(p.done - bar.n)
        if p.seconds - last_log[0] >= 10 or p.done == p.total:  # a log line every 10 s, not every batch
            last_log[0] = p.seconds
            context.log.info(f"parsed {p.done}/{p.total} files, {p.per_second:.0f} reports/s")

    started = time.perf_counter()
    try:
        reports = parse_files(files, workers, on_batch)
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    entries: list[Entry] = list(zip(files, reports, strict=True))
    for file, report in entries:
        if report.parse_status == FAILED:
            context.log.warning(f"{file.file_name}: {'; '.join(i.message for i in report.issues)}")
    by_status = Counter(report.parse_status for _, report in entries)
    by_severity = Counter(issue.severity for _, report in entries for issue in report.issues)
    failed = [file.file_name for file, report in entries if report.parse_status == FAILED]
    return dg.Output(
        entries,
        metadata={
            "reports": len(entries),
            "seconds": round(seconds, 3),
            "reports_per_second": round(len(entries) / seconds, 1) if seconds > 0 else 0.0,
            "megabytes_per_second": round(sum(f.size_bytes for f in files) / 1e6 / seconds, 2)
            if seconds > 0
            else 0.0,
            "workers": workers if len(files) >= MIN_FILES_FOR_POOL else 1,
            "cells": sum(len(report.cells) for _, report in entries),
            "issues": sum(by_severity.values()),
            "by_status": dg.MetadataValue.json(dict(sorted(by_status.items()))),
            "issues_by_severity": dg.MetadataValue.json(dict(sorted(by_severity.items()))),
            "failed_files": dg.MetadataValue.json(failed[:50]),
        },
    )


@dg.asset(
    group_name=INGEST,
    kinds={"python"},
    description=(
        "Each report's administrative division (NBS codes), resolved from all the place names in its text "
        "and the user's overrides file raw/units.csv. Ambiguous names keep their candidates and no codes; "
        "nothing is picked by order."
    ),
)
def report_units(
    context: dg.AssetExecutionContext, parsed_reports: list[Entry], settings: PipelineSettings
) -> dg.Output[dict[str, UnitResolution]]:
    batch = resolve_entries(parsed_reports, settings.raw_path)
    if batch.overrides_error:
        context.log.error(f"overrides file ignored: {batch.overrides_error}")
    by_status = Counter(u.status for u in batch.units.values())
    by_level = Counter(u.unit_level or "unknown" for u in batch.units.values())
    return dg.Output(
        batch.units,
        metadata={
            "reports": len(batch.units),
            "by_status": dg.MetadataValue.json(dict(sorted(by_status.items()))),
            "by_level": dg.MetadataValue.json(dict(sorted(by_level.items()))),
            "overrides_used": batch.overrides_used,
            "overrides_error": batch.overrides_error or "",
        },
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    description=(
        "Table `reports` in the staging database: one row per distinct report (byte-identical files are "
        "loaded once) with its metadata and parse_status."
    ),
)
def reports_table(
    parsed_reports: list[Entry], report_units: dict[str, UnitResolution], report_db: ReportDatabase
) -> dg.MaterializeResult:
    units = {report_id: unit.as_row() for report_id, unit in report_units.items()}
    with report_db.staging_connection() as con:
        rows = load_reports(con, parsed_reports, report_db.ingested_at, units)
        by_status = dict(
            con.execute("SELECT parse_status, count(*) FROM reports GROUP BY 1 ORDER BY 1").fetchall()
        )
    report_db.mark_written("reports")
    _, duplicates = unique_entries(parsed_reports)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "by_status": dg.MetadataValue.json(by_status),
            "duplicate_files": len(duplicates),
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
def facts_table(parsed_reports: list[Entry], report_db: ReportDatabase) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        rows = load_facts(con, parsed_reports)
        by_table = dict(
            con.execute("SELECT table_code, count(*) FROM facts GROUP BY 1 ORDER BY 1").fetchall()
        )
        by_state = dict(
            con.execute("SELECT cell_state, count(*) FROM facts GROUP BY 1 ORDER BY 1").fetchall()
        )
    report_db.mark_written("facts")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
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
    parsed_reports: list[Entry], file_intake: list[Verdict], report_db: ReportDatabase
) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        rows = load_parse_issues(con, parsed_reports)
        rows += load_rejection_issues(con, file_intake)
        by_severity = dict(
            con.execute("SELECT severity, count(*) FROM parse_issues GROUP BY 1 ORDER BY 1").fetchall()
        )
        top_codes = dict(
            con.execute(
                "SELECT code, count(*) AS n FROM parse_issues GROUP BY 1 ORDER BY n DESC, code LIMIT 10"
            ).fetchall()
        )
    report_db.mark_written("parse_issues")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "by_severity": dg.MetadataValue.json(by_severity),
            "top_codes": dg.MetadataValue.json(top_codes),
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
    file_intake: list[Verdict], parsed_reports: list[Entry], report_db: ReportDatabase
) -> dg.MaterializeResult:
    history = report_db.file_history()
    records = ledger_records(file_intake, parsed_reports, history, report_db.ingested_at)
    with report_db.staging_connection() as con:
        rows = load_files(con, records)
        mark_superseded(con)
        by_status = dict(con.execute("SELECT status, count(*) FROM files GROUP BY 1 ORDER BY 1").fetchall())
    report_db.mark_written("files")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "by_status": dg.MetadataValue.json(by_status),
            "files_seen": sum(by_status.values()),
            "carried_over": len(history),
            "as_built": dg.MetadataValue.json(status_counts(records)),
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
        "County, city and province rollups (rollup_county, rollup_city, rollup_province: sums per area, "
        "year, cell and unit_level) and the township coverage view, from sql/divisions; current reports only "
        "(reports.is_current)."
    ),
)
def rollup_views(report_db: ReportDatabase) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        files = create_division_views(con)
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
    group_name=INGEST,
    kinds={"python"},
    description=(
        'Numbers each report states in its narrative ("收到政府信息公开申请8件", "制定规范性文件N件"), '
        "keyed by the table cell they describe, for the narrative_table_mismatch rule."
    ),
)
def narrative_claims(parsed_reports: list[Entry]) -> dg.Output[dict[str, list[Claim]]]:
    kept, _ = unique_entries(parsed_reports)
    claims = {raw.report_id: claims_from_source(raw.path.read_bytes(), raw.file_name) for raw, _ in kept}
    return dg.Output(
        claims,
        metadata={
            "reports_with_claims": sum(1 for c in claims.values() if c),
            "claims": sum(len(c) for c in claims.values()),
        },
    )


@dg.asset(
    group_name=INGEST,
    kinds={"python"},
    description=(
        "Pairs of reports whose whole texts are at least 90% similar (copied reports), found with MinHash "
        "LSH over their clauses and measured with rapidfuzz, for the near_duplicate rule."
    ),
)
def text_similarity(parsed_reports: list[Entry]) -> dg.Output[list[SimilarPair]]:
    kept, _ = unique_entries(parsed_reports)
    texts = {raw.report_id: comparable_text(raw.path.read_bytes(), raw.file_name) for raw, _ in kept}
    pairs = near_duplicates(texts, years={raw.report_id: report.meta.year for raw, report in kept})
    return dg.Output(
        pairs,
        metadata={
            "reports_compared": len(texts),
            "similar_pairs": len(pairs),
            "examples": dg.MetadataValue.json(
                [{"a": p.report_id, "b": p.other_report_id, "similarity": p.similarity} for p in pairs[:20]]
            ),
        },
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    deps=[reports_table, facts_table, parse_issues_table, files_table],
    description=(
        "The anomaly rules of sql/anomalies (the form's own arithmetic, calendar, edition, level and "
        "narrative checks; one view per rule; current reports only) and their union view `anomalies`, plus the "
        "narrative_claims table."
    ),
)
def anomaly_views(
    narrative_claims: dict[str, list[Claim]], text_similarity: list[SimilarPair], report_db: ReportDatabase
) -> dg.MaterializeResult:
    with report_db.staging_connection() as con:
        claims = load_narrative_claims(con, narrative_claims)
        files = create_anomalies(con)
        load_near_duplicates(con, pairs_as_rows(text_similarity))
        by_rule = dict(
            con.execute(
                "SELECT rule_code || ' (' || severity || ')', count(*) FROM anomalies GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
    report_db.mark_written("anomalies")
    return dg.MaterializeResult(
        metadata={
            "narrative_claims": claims,
            "near_duplicate_pairs": len(text_similarity),
            "rule_views": len(files) - 3,
            "anomalies_by_rule": dg.MetadataValue.json(by_rule),
            "anomalies": sum(by_rule.values()),
        }
    )


@dg.asset(
    group_name=DATABASE,
    kinds={"duckdb"},
    deps=[analyst_views, rollup_views, anomaly_views],
    description=(
        "The published database file: the staging build, checkpointed and atomically renamed onto the "
        "target path. Analysts holding the previous file open keep reading it undisturbed."
    ),
)
def published_database(report_db: ReportDatabase) -> dg.MaterializeResult:
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
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
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
    report_units,
    narrative_claims,
    text_similarity,
    reports_table,
    facts_table,
    parse_issues_table,
    files_table,
    divisions_table,
    analyst_views,
    rollup_views,
    anomaly_views,
    published_database,
]
