"""Asset checks on the database tables.

Run in the same run as their table, they read that run's staging build; run on their own (from the UI),
they read the published database (see ReportDatabase.read_connection). A problem is a WARN: it is shown
in the UI and the summary, and never stops a run or blocks the publish.
"""

import dagster as dg
import duckdb

from pipeline.defs.assets import anomaly_tables, facts_table, files_table
from pipeline.defs.resources import ReportDatabase
from pipeline.manifest import RawScan
from pipeline.store.taxonomy import taxonomy_csv_path

WARN = dg.AssetCheckSeverity.WARN
EXAMPLES = 20  # rows of evidence shown in a failed check's metadata


def _unavailable(exc: Exception) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=WARN, description=f"Could not run the check: {exc}")


@dg.asset_check(
    asset=facts_table,
    description="Every fact's (table_code, row_code, col_code) is a cell of pipeline/data/taxonomy.csv.",
)
def facts_use_taxonomy_codes(report_db: ReportDatabase) -> dg.AssetCheckResult:
    try:
        with report_db.read_connection() as con:
            # The csv itself, not the database's taxonomy table, so the check is independent of the loader.
            unknown = con.execute(
                """
                WITH csv AS (SELECT * FROM read_csv(?, header = true, all_varchar = true))
                SELECT table_code, row_code, col_code, count(*) AS facts
                FROM facts ANTI JOIN csv USING (table_code, row_code, col_code)
                GROUP BY ALL ORDER BY facts DESC, table_code, row_code, col_code
                """,
                [str(taxonomy_csv_path())],
            ).fetchall()
            total = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    except (duckdb.Error, OSError) as exc:
        return _unavailable(exc)
    bad = sum(row[3] for row in unknown)
    return dg.AssetCheckResult(
        passed=not unknown,
        severity=WARN,
        description=None if not unknown else f"{bad} facts use {len(unknown)} codes not in taxonomy.csv",
        metadata={
            "facts": total,
            "facts_with_unknown_codes": bad,
            "unknown_codes": dg.MetadataValue.json(
                [{"code": "/".join(row[:3]), "facts": row[3]} for row in unknown[:EXAMPLES]]
            ),
        },
    )


@dg.asset_check(
    asset=facts_table,
    description=(
        "value is non-NULL exactly when cell_state = 'value': a blank or '/' cell never becomes a number."
    ),
)
def facts_value_matches_state(report_db: ReportDatabase) -> dg.AssetCheckResult:
    try:
        with report_db.read_connection() as con:
            mismatched = con.execute(
                """
                SELECT report_id, table_code, row_code, col_code, cell_state, CAST(value AS VARCHAR)
                FROM facts
                WHERE (cell_state = 'value') IS DISTINCT FROM (value IS NOT NULL)
                ORDER BY ALL
                """
            ).fetchall()
    except (duckdb.Error, OSError) as exc:
        return _unavailable(exc)
    return dg.AssetCheckResult(
        passed=not mismatched,
        severity=WARN,
        description=None if not mismatched else f"{len(mismatched)} facts whose value contradicts cell_state",
        metadata={
            "mismatched_facts": len(mismatched),
            "examples": dg.MetadataValue.json(
                [
                    {"report_id": r[0], "cell": "/".join(r[1:4]), "cell_state": r[4], "value": r[5]}
                    for r in mismatched[:EXAMPLES]
                ]
            ),
        },
    )


@dg.asset_check(
    asset=files_table,
    additional_ins={"raw_manifest": dg.AssetIn("raw_manifest")},
    description=(
        "Every path of the raw manifest has its row in the files ledger, and every file whose content was "
        "loaded (parsed, parsed_with_issues, not_a_report, failed, duplicate, superseded) has its row in "
        "reports (a byte-identical copy through the one row of its content)."
    ),
)
def every_file_accounted_for(report_db: ReportDatabase, raw_manifest: RawScan) -> dg.AssetCheckResult:
    try:
        with report_db.read_connection() as con:
            ledger = dict(con.execute("SELECT file_name, status FROM files").fetchall())
            without_report = [
                name
                for (name,) in con.execute(
                    "SELECT file_name FROM files "
                    "WHERE status NOT IN ('empty', 'too_large', 'unreadable', 'removed') "
                    "AND report_id NOT IN (SELECT report_id FROM reports) ORDER BY file_name"
                ).fetchall()
            ]
    except (duckdb.Error, OSError) as exc:
        return _unavailable(exc)
    paths = [f.file_name for f in raw_manifest.files] + [s.file_name for s in raw_manifest.skipped]
    missing = [name for name in paths if name not in ledger or ledger[name] == "removed"]
    problems = []
    if missing:
        problems.append(f"{len(missing)} raw files have no files row")
    if without_report:
        problems.append(f"{len(without_report)} loaded files have no reports row")
    return dg.AssetCheckResult(
        passed=not problems,
        severity=WARN,
        description="; ".join(problems) or None,
        metadata={
            "files": len(paths),
            "ledger_rows": len(ledger),
            "files_without_ledger_row": len(missing),
            "missing_files": dg.MetadataValue.json(missing[:EXAMPLES]),
            "loaded_files_without_report": dg.MetadataValue.json(without_report[:EXAMPLES]),
        },
    )


# The rules of sql/anomalies, each shown as a check on the facts. It waits for anomaly_tables, which
# creates the rule views in the same build. A rule's errors and warnings fail the check as a WARN: a
# bad report never stops the nightly load. Not-assessable (info) rows are counted, not failed.
ANOMALY_RULES = (
    "t3_balance",
    "t3_results_sum",
    "t3_row_total",
    "t4_total",
    "negative_or_fractional_count",
    "period_mismatch",
    "published_before_period_end",
    "published_late",
    "format_mismatch",
    "missing_table",
    "narrative_table_mismatch",
    "yoy_carryover",
    "yoy_in_force",
    "regulations_below_level",
    "unit_ambiguous",
    "unit_unresolved",
    "near_duplicate",
)


def _anomaly_check(rule: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=facts_table,
        name=f"anomaly_{rule}",
        additional_deps=[anomaly_tables],
        description=f"Anomaly rule {rule} (sql/anomalies): reports where it fails; not assessable ones counted.",
    )
    def _check(report_db: ReportDatabase) -> dg.AssetCheckResult:
        # counted in the database: a rule can have tens of thousands of findings, and only the counts and
        # the first EXAMPLES failing reports are shown
        try:
            with report_db.read_connection() as con:
                counts = con.execute(
                    "SELECT severity, count(*), count(DISTINCT report_id) FROM anomalies WHERE rule_code = ? "
                    "GROUP BY severity ORDER BY severity",
                    [rule],
                ).fetchall()
                examples = con.execute(
                    "SELECT a.severity, a.report_id, r.file_name, count(*) FROM anomalies a "
                    "LEFT JOIN reports r USING (report_id) "
                    "WHERE a.rule_code = ? AND a.severity IN ('error', 'warning') "
                    "GROUP BY ALL ORDER BY ALL LIMIT ?",
                    [rule, EXAMPLES],
                ).fetchall()
        except (duckdb.Error, OSError) as exc:
            return _unavailable(exc)
        by_severity = {severity: n for severity, n, _ in counts}
        reports_by_severity = {severity: n for severity, _, n in counts}
        failing = reports_by_severity.get("error", 0) + reports_by_severity.get("warning", 0)
        return dg.AssetCheckResult(
            passed=not failing,
            severity=WARN,
            description=None if not failing else f"{failing} reports fail {rule}",
            metadata={
                "anomalies_by_severity": dg.MetadataValue.json(by_severity),
                "reports_failing": failing,
                "reports_not_assessable": reports_by_severity.get("info", 0),
                "offending_reports": dg.MetadataValue.json(
                    [
                        {"report_id": r[1], "file_name": r[2], "severity": r[0], "anomalies": r[3]}
                        for r in examples
                    ]
                ),
            },
        )

    return _check


CHECKS = [facts_use_taxonomy_codes, facts_value_matches_state, every_file_accounted_for] + [
    _anomaly_check(rule) for rule in ANOMALY_RULES
]
