"""Write parsed reports into the tables: one Arrow batch and one INSERT per table and call.

Every load_* function takes the same `entries` (a list of (RawFile, ParsedReport)) and replaces the rows of
those entries' report_ids in one transaction, so calling it twice with the same entries leaves the same rows.
Byte-identical files share a report_id: the first entry of each report_id is loaded (pass entries sorted by
file_name, as scan_raw_folder returns them), the later ones are recorded as a 'duplicate_file' warning
in parse_issues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pyarrow as pa

from pipeline.manifest import RawFile
from pipeline.parsing.model import CELL_STATES, VALUE, WARNING, Cell, ParsedReport
from pipeline.store.taxonomy import applicant_labels, known_cells
from pipeline.store.transaction import registered, transaction

Entry = tuple[RawFile, ParsedReport]

_DECIMAL = pa.decimal128(20, 6)  # = facts.value DECIMAL(20,6)
_MAX_ABS_VALUE = Decimal(10) ** 14  # 20 digits of which 6 after the point

REPORTS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("file_name", pa.string()),
        ("sha256", pa.string()),
        ("unit_name", pa.string()),
        ("year", pa.int32()),
        ("format_edition", pa.string()),
        ("stated_period_start", pa.date32()),
        ("stated_period_end", pa.date32()),
        ("published_on", pa.date32()),
        ("parse_status", pa.string()),
        ("parser_version", pa.string()),
        ("ingested_at", pa.timestamp("us")),
        ("unit_level", pa.string()),
        ("division_code", pa.string()),
        ("county_code", pa.string()),
        ("city_code", pa.string()),
        ("province_code", pa.string()),
        ("division_status", pa.string()),
        ("division_candidates", pa.list_(pa.string())),
        ("division_evidence", pa.string()),
        ("is_current", pa.bool_()),
    ]
)
# Filled from pipeline.units.UnitResolution.as_row(); NULL for a report that was not resolved.
UNIT_COLUMNS = (
    "unit_level",
    "division_code",
    "county_code",
    "city_code",
    "province_code",
    "division_status",
    "division_candidates",
    "division_evidence",
)

FACTS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("unit_name", pa.string()),
        ("year", pa.int32()),
        ("table_code", pa.string()),
        ("row_code", pa.string()),
        ("col_code", pa.string()),
        ("applicant_type", pa.string()),
        ("value", _DECIMAL),
        ("cell_state", pa.string()),
        ("measure_unit", pa.string()),
        ("source_line", pa.int32()),
    ]
)

PARSE_ISSUES_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("file_name", pa.string()),
        ("severity", pa.string()),
        ("code", pa.string()),
        ("message", pa.string()),
        ("source_line", pa.int32()),
    ]
)


def unique_entries(entries: Iterable[Entry]) -> tuple[list[Entry], list[tuple[Entry, Entry]]]:
    """Split entries into the first one per report_id (in the given order) and the (duplicate, kept) pairs."""
    kept: dict[str, Entry] = {}
    duplicates: list[tuple[Entry, Entry]] = []
    for entry in entries:
        report_id = entry[0].report_id
        if report_id in kept:
            duplicates.append((entry, kept[report_id]))
        else:
            kept[report_id] = entry
    return list(kept.values()), duplicates


def load_reports(
    con: duckdb.DuckDBPyConnection,
    entries: Iterable[Entry],
    ingested_at: datetime,
    units: Mapping[str, Mapping[str, object]] | None = None,
) -> int:
    """Replace the reports rows of these entries' report_ids; returns the number of rows written.

    `units` maps a report_id to its division columns (UnitResolution.as_row()); missing ones stay NULL."""
    kept, _ = unique_entries(entries)
    stamp = _as_utc_naive(ingested_at)
    units = units or {}
    rows = [
        {
            **{column: units.get(raw.report_id, {}).get(column) for column in UNIT_COLUMNS},
            "report_id": raw.report_id,
            "file_name": raw.file_name,
            "sha256": raw.sha256,
            "unit_name": report.meta.unit_name,
            "year": report.meta.year,
            "format_edition": report.meta.format_edition,
            "stated_period_start": report.meta.stated_period_start,
            "stated_period_end": report.meta.stated_period_end,
            "published_on": report.meta.published_on,
            "parse_status": report.parse_status,
            "parser_version": report.parser_version,
            "ingested_at": stamp,
            # every report is current until sql/files marks the older versions (pipeline.store.files)
            "is_current": True,
        }
        for raw, report in kept
    ]
    return _replace(
        con, "reports", [raw.report_id for raw, _ in kept], pa.Table.from_pylist(rows, REPORTS_SCHEMA)
    )


def load_facts(con: duckdb.DuckDBPyConnection, entries: Iterable[Entry]) -> int:
    """Replace the facts rows of these entries' report_ids with their cells; returns the rows written.

    Raises ValueError (naming the file and cell) on a cell that breaks the parser contract: codes not in
    the taxonomy, the same cell twice, an unknown cell_state, a value on a blank/na cell or none on a value
    cell, or a value that does not fit DECIMAL(20,6).
    """
    kept, _ = unique_entries(entries)
    labels = applicant_labels()
    columns: dict[str, list] = {name: [] for name in FACTS_SCHEMA.names}
    for raw, report in kept:
        seen: set[tuple[str, str, str]] = set()
        for cell in report.cells:
            key = (cell.table_code, cell.row_code, cell.col_code)
            check_cell(raw, cell, key, seen)
            seen.add(key)
            columns["report_id"].append(raw.report_id)
            columns["unit_name"].append(report.meta.unit_name)
            columns["year"].append(report.meta.year)
            columns["table_code"].append(cell.table_code)
            columns["row_code"].append(cell.row_code)
            columns["col_code"].append(cell.col_code)
            columns["applicant_type"].append(labels[cell.col_code] if cell.table_code == "t3" else None)
            columns["value"].append(cell.value)
            columns["cell_state"].append(cell.cell_state)
            columns["measure_unit"].append(cell.measure_unit)
            columns["source_line"].append(cell.source_line)
    batch = pa.Table.from_pydict(columns, FACTS_SCHEMA)
    return _replace(con, "facts", [raw.report_id for raw, _ in kept], batch)


def load_parse_issues(con: duckdb.DuckDBPyConnection, entries: Iterable[Entry]) -> int:
    """Replace the parse_issues rows of these entries' report_ids; returns the rows written.

    Besides each report's own issues, every byte-identical duplicate file gets one 'duplicate_file' warning
    under its own file_name and the kept report's id.
    """
    kept, duplicates = unique_entries(entries)
    rows = [
        {
            "report_id": raw.report_id,
            "file_name": raw.file_name,
            "severity": issue.severity,
            "code": issue.code,
            "message": issue.message,
            "source_line": issue.source_line,
        }
        for raw, report in kept
        for issue in report.issues
    ]
    rows += [
        {
            "report_id": dup.report_id,
            "file_name": dup.file_name,
            "severity": WARNING,
            "code": "duplicate_file",
            "message": f"Same content (sha256 {dup.sha256}) as {first.file_name}; loaded once, under that name.",
            "source_line": None,
        }
        for (dup, _), (first, _) in duplicates
    ]
    batch = pa.Table.from_pylist(rows, PARSE_ISSUES_SCHEMA)
    return _replace(con, "parse_issues", [raw.report_id for raw, _ in kept], batch)


_TABLES = frozenset({"reports", "facts", "parse_issues"})  # the only names _replace puts into its SQL


def _replace(con: duckdb.DuckDBPyConnection, table: str, report_ids: list[str], batch: pa.Table) -> int:
    # Delete-then-insert in one transaction: readers of this connection never see a half-replaced report,
    # and a failure leaves the previous rows in place.
    if table not in _TABLES:
        raise ValueError(f"not a table of the store: {table!r}")
    ids = pa.table({"report_id": pa.array(report_ids, pa.string())})
    with transaction(con), registered(con, "_ids", ids), registered(con, "_batch", batch):
        con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM _ids)")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch")
    return batch.num_rows


def check_cell(raw: RawFile, cell: Cell, key: tuple[str, str, str], seen: set) -> None:
    where = f"{raw.file_name}: cell {'/'.join(key)}"
    if key not in known_cells():
        raise ValueError(f"{where} is not in taxonomy.csv")
    if key in seen:
        raise ValueError(f"{where} appears twice in the parser's result")
    if cell.cell_state not in CELL_STATES:
        raise ValueError(f"{where} has unknown cell_state {cell.cell_state!r}")
    if (cell.cell_state == VALUE) != (cell.value is not None):
        raise ValueError(f"{where} has cell_state {cell.cell_state!r} and value {cell.value!r}")
    if cell.value is not None:
        v = Decimal(cell.value)
        if not v.is_finite() or abs(v) >= _MAX_ABS_VALUE or v != round(v, 6):
            raise ValueError(f"{where} value {cell.value!r} does not fit DECIMAL(20,6)")


def _as_utc_naive(moment: datetime) -> datetime:
    # TIMESTAMP has no zone: store UTC. A naive datetime is taken to be UTC already.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
