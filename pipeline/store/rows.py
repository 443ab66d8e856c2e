"""Parsed reports as Arrow tables with the columns of the store's tables. No database, no Dagster.

One conversion for both ways reports reach the database: the parse workers write these tables as Parquet
shards (pipeline/shards.py), and the load_* functions of pipeline/store/load.py insert them directly.
`kept` is one (RawFile, ParsedReport) per report_id (see load.unique_entries).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.intake import Verdict
from pipeline.ledger import as_utc_naive
from pipeline.manifest import RawFile
from pipeline.outcome import parse_detail
from pipeline.parsing.model import ERROR, WARNING, Cell, ParsedReport
from pipeline.parsing.narrative import Claim
from pipeline.store.taxonomy import applicant_labels

Entry = tuple[RawFile, ParsedReport]

DECIMAL = pa.decimal128(20, 6)  # = facts.value DECIMAL(20,6)

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
        ("parse_detail", pa.string()),
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
        ("value", DECIMAL),
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

NARRATIVE_CLAIMS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("table_code", pa.string()),
        ("row_code", pa.string()),
        ("col_code", pa.string()),
        ("value", DECIMAL),
        ("source_line", pa.int32()),
        ("phrase", pa.string()),
        ("stated_year", pa.int32()),
    ]
)


def reports_table(
    kept: Sequence[Entry],
    ingested_at: datetime | None,
    units: Mapping[str, Mapping[str, object]] | None = None,
) -> pa.Table:
    """One reports row per entry. `units` maps a report_id to its division columns; ingested_at None
    leaves the column NULL for the loader to fill."""
    stamp = as_utc_naive(ingested_at) if ingested_at is not None else None
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
            "parse_detail": parse_detail(report),
            "parser_version": report.parser_version,
            "ingested_at": stamp,
            # every report is current until sql/files marks the older versions (pipeline.store.files)
            "is_current": True,
        }
        for raw, report in kept
    ]
    return pa.Table.from_pylist(rows, REPORTS_SCHEMA)


def facts_table(kept: Iterable[Entry]) -> pa.Table:
    """One facts row per cell, built column by column (the largest table by far)."""
    facts = FactsColumns()
    for raw, report in kept:
        facts.add(raw, report)
    return facts.table()


@dataclass(frozen=True)
class CellColumns:
    """The fields of a report's cells as columns, each read in one tight pass over the cells: what the
    contract check (pipeline.store.load.check_cells) and the facts table both read."""

    table_code: list[str]
    row_code: list[str]
    col_code: list[str]
    value: list[Decimal | None]
    cell_state: list[str]
    measure_unit: list[str]
    source_line: list[int | None]

    @classmethod
    def of(cls, cells: list[Cell]) -> CellColumns:
        if not cells:
            return cls([], [], [], [], [], [], [])
        try:
            # a Cell is a tuple: zip transposes them into columns in C
            table, row, col, state, value, _raw, line, unit = zip(*cells, strict=True)
        except (TypeError, ValueError):  # not tuples of 8 fields: read the fields by name instead
            return cls(
                [cell.table_code for cell in cells],
                [cell.row_code for cell in cells],
                [cell.col_code for cell in cells],
                [cell.value for cell in cells],
                [cell.cell_state for cell in cells],
                [cell.measure_unit for cell in cells],
                [cell.source_line for cell in cells],
            )
        return cls(list(table), list(row), list(col), list(value), list(state), list(unit), list(line))


class FactsColumns:
    """The facts table's columns, filled report by report, from the columns of each report's cells
    (CellColumns) when the caller has read them already (the parse workers, for the contract check)."""

    # the same for every cell of a report: kept once per report, repeated in C by table()
    PER_REPORT = ("report_id", "unit_name", "year")

    def __init__(self) -> None:
        self.columns: dict[str, list] = {
            n: [] for n in FACTS_SCHEMA.names if n not in self.PER_REPORT and n != "applicant_type"
        }
        self.reports: dict[str, list] = {n: [] for n in self.PER_REPORT}
        self.counts: list[int] = []
        self.labels = applicant_labels()

    def add(self, raw: RawFile, report: ParsedReport, cells: CellColumns | None = None) -> None:
        """Add the report's cells; `cells`: their columns, if the caller has them already."""
        cells = cells if cells is not None else CellColumns.of(report.cells)
        columns = self.columns
        self.reports["report_id"].append(raw.report_id)
        self.reports["unit_name"].append(report.meta.unit_name)
        self.reports["year"].append(report.meta.year)
        self.counts.append(len(report.cells))
        columns["table_code"] += cells.table_code
        columns["row_code"] += cells.row_code
        columns["col_code"] += cells.col_code
        columns["value"] += cells.value
        columns["cell_state"] += cells.cell_state
        columns["measure_unit"] += cells.measure_unit
        columns["source_line"] += cells.source_line

    def table(self) -> pa.Table:
        # each report's fields, taken once per cell of it
        each_cell = pa.array(np.repeat(np.arange(len(self.counts), dtype=np.int64), self.counts))
        arrays = {
            f.name: pa.array(self.reports[f.name], f.type).take(each_cell)
            if f.name in self.PER_REPORT
            else pa.array(self.columns[f.name], f.type)
            for f in FACTS_SCHEMA
            if f.name != "applicant_type"
        }
        arrays["applicant_type"] = self._applicant_types(arrays["table_code"], arrays["col_code"])
        return pa.Table.from_arrays([arrays[name] for name in FACTS_SCHEMA.names], schema=FACTS_SCHEMA)

    def _applicant_types(self, table_code: pa.Array, col_code: pa.Array) -> pa.Array:
        """The label of each t3 cell's column, NULL for the cells of other tables: in Arrow, not a Python
        test per cell (a fortieth of a parse worker's time)."""
        labels = pa.array(list(self.labels.values()), pa.string())
        named = labels.take(pc.index_in(col_code, value_set=pa.array(list(self.labels), pa.string())))
        in_t3 = pc.equal(table_code, "t3")
        if pc.any(pc.and_(in_t3, pc.is_null(named))).as_py():
            raise KeyError("a t3 cell's col_code is not a t3 column of the taxonomy")
        return pc.if_else(in_t3, named, pa.scalar(None, pa.string()))


def issues_table(kept: Iterable[Entry]) -> pa.Table:
    """The parser's own issues of each report, under the report's file_name."""
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
    return pa.Table.from_pylist(rows, PARSE_ISSUES_SCHEMA)


def duplicate_issues_table(duplicates: Iterable[tuple[RawFile, RawFile]]) -> pa.Table:
    """One 'duplicate_file' warning per (duplicate file, kept file) pair, under the duplicate's name."""
    rows = [
        {
            "report_id": dup.report_id,
            "file_name": dup.file_name,
            "severity": WARNING,
            "code": DUPLICATE_FILE,
            "message": f"Same content (sha256 {dup.sha256}) as {first.file_name}; loaded once, under that name.",
            "source_line": None,
        }
        for dup, first in duplicates
    ]
    return pa.Table.from_pylist(rows, PARSE_ISSUES_SCHEMA)


DUPLICATE_FILE = "duplicate_file"


def rejection_issues_table(verdicts: Iterable[Verdict]) -> pa.Table:
    """One 'error' row per file rejected by screening (empty, too_large, unreadable), under its own name
    and the id its content would have (NULL when it could not be read at all)."""
    rows = [
        {
            "report_id": v.file.report_id if v.file else None,
            "file_name": v.file_name,
            "severity": ERROR,
            "code": v.code,
            "message": f"{v.status}: {v.detail}",
            "source_line": None,
        }
        for v in verdicts
        if not v.accepted
    ]
    return pa.Table.from_pylist(rows, PARSE_ISSUES_SCHEMA)


def claims_table(claims_by_report: Mapping[str, Iterable[Claim]]) -> pa.Table:
    rows = [
        {
            "report_id": report_id,
            "table_code": c.table_code,
            "row_code": c.row_code,
            "col_code": c.col_code,
            "value": c.value,
            "source_line": c.source_line,
            "phrase": c.phrase,
            "stated_year": c.stated_year,
        }
        for report_id, claims in claims_by_report.items()
        for c in claims
    ]
    return pa.Table.from_pylist(rows, NARRATIVE_CLAIMS_SCHEMA)
