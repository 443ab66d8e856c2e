"""What became of a parsed report, in one line for the file ledger and the reports table. No Dagster."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.parsing.model import ERROR, FAILED, NOT_A_REPORT, PARSED, WARNING, ParsedReport


@dataclass(frozen=True)
class Outcome:
    """The parser's verdict on one report (distinct content), as the ledger records it for its files."""

    parse_status: str
    detail: str


def outcome_of(report: ParsedReport) -> Outcome:
    return Outcome(report.parse_status, parse_detail(report))


def parse_detail(report: ParsedReport) -> str:
    """One line on what the parser made of the file (its issues in full are in parse_issues)."""
    meta = report.meta
    head = (
        f"{meta.unit_name or 'unit not found'}, {meta.year or 'year not found'}: "
        f"{len(report.cells)} table cells read"
    )
    if report.parse_status == PARSED:
        return head + "."
    serious = [i for i in report.issues if i.severity in (ERROR, WARNING)] or report.issues
    if report.parse_status in (NOT_A_REPORT, FAILED):
        # the issue that decided the status: the not_a_report one, or the parser's error
        deciding = [i for i in report.issues if i.code == NOT_A_REPORT or i.severity == ERROR] or serious
        return deciding[0].message if deciding else report.parse_status
    first = serious[0]
    more = f" (and {len(serious) - 1} more issues: see parse_issues)" if len(serious) > 1 else ""
    return f"{head}; {first.code}: {first.message}{more}"
