"""Write parsed reports into the tables: one Arrow batch (pipeline/store/rows.py) and one INSERT per table.

Every load_* function takes the same `entries` (a list of (RawFile, ParsedReport)) and replaces the rows of
those entries' report_ids in one transaction, so calling it twice with the same entries leaves the same rows.
Byte-identical files share a report_id: the first entry of each report_id is loaded (pass entries sorted by
file_name, as scan_raw_folder returns them), the later ones are recorded as a 'duplicate_file' warning
in parse_issues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from itertools import compress, repeat
from operator import eq

import duckdb
import pyarrow as pa

from pipeline.manifest import RawFile
from pipeline.parsing.model import CELL_STATES, VALUE, Cell, ParsedReport
from pipeline.store import rows
from pipeline.store.rows import Entry
from pipeline.store.taxonomy import known_cells
from pipeline.store.transaction import registered, transaction

_MAX_ABS_VALUE = Decimal(10) ** 14  # 20 digits of which 6 after the point
_EMPTY_STATES = frozenset(CELL_STATES) - {VALUE}
_NONE_TYPE = frozenset({type(None)})
_DECIMAL_TYPE = frozenset({Decimal})


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
    batch = rows.reports_table(kept, ingested_at, units)
    return _replace(con, "reports", [raw.report_id for raw, _ in kept], batch)


def load_facts(con: duckdb.DuckDBPyConnection, entries: Iterable[Entry]) -> int:
    """Replace the facts rows of these entries' report_ids with their cells; returns the rows written.

    Raises ValueError (naming the file and cell) on a cell that breaks the parser contract: codes not in
    the taxonomy, the same cell twice, an unknown cell_state, a value on a blank/na cell or none on a value
    cell, or a value that does not fit DECIMAL(20,6).
    """
    kept, _ = unique_entries(entries)
    for raw, report in kept:
        check_cells(raw, report)
    return _replace(con, "facts", [raw.report_id for raw, _ in kept], rows.facts_table(kept))


def load_parse_issues(con: duckdb.DuckDBPyConnection, entries: Iterable[Entry]) -> int:
    """Replace the parse_issues rows of these entries' report_ids; returns the rows written.

    Besides each report's own issues, every byte-identical duplicate file gets one 'duplicate_file' warning
    under its own file_name and the kept report's id.
    """
    kept, duplicates = unique_entries(entries)
    batch = pa.concat_tables(
        [
            rows.issues_table(kept),
            rows.duplicate_issues_table((dup, first) for (dup, _), (first, _) in duplicates),
        ]
    )
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


def check_cells(raw: RawFile, report: ParsedReport, cells: rows.CellColumns | None = None) -> None:
    """Raise ValueError naming the file and cell if a cell of `report` breaks the store's contract.
    `cells`: the columns of report.cells, if the caller has them already."""
    # The common case, a report whose cells are all fine, in a few passes that run mostly in C; the cell
    # by cell check finds and names the first bad cell otherwise.
    if not _all_fine(cells if cells is not None else rows.CellColumns.of(report.cells)):
        _check_each(raw, report)


def _all_fine(cells: rows.CellColumns) -> bool:
    if not _keys_fine(cells):
        return False  # a cell twice, or not in the taxonomy
    try:
        values = list(compress(cells.value, map(eq, cells.cell_state, repeat(VALUE))))
        empty = list(compress(cells.value, map(_EMPTY_STATES.__contains__, cells.cell_state)))
        distinct = set(values)  # values repeat (0, 1, 2…): each is judged once
    except TypeError:
        return False  # an unhashable state, or a signalling NaN (it cannot be hashed)
    if len(values) + len(empty) != len(cells.value):
        return False  # an unknown state
    if not set(map(type, empty)) <= _NONE_TYPE or not set(map(type, values)) <= _DECIMAL_TYPE:
        return False  # a value on an empty cell, or a value cell without a Decimal
    # equal Decimals fit alike: whether one fits depends on its value, not on its exponent
    return all(map(_fits, distinct))


# Reports of one layout have the same cells in the same order (a corpus has a few dozen layouts): each
# sequence of cell keys found fine is remembered, and not checked again. Bounded: forgotten when full.
_FINE_LAYOUTS: set[tuple[tuple[str, ...], ...]] = set()
_MAX_LAYOUTS = 256


def _keys_fine(cells: rows.CellColumns) -> bool:
    """No cell twice and every cell in the taxonomy."""
    layout = (tuple(cells.table_code), tuple(cells.row_code), tuple(cells.col_code))
    try:
        if layout in _FINE_LAYOUTS:
            return True
    except TypeError:
        return False  # an unhashable code: the cell by cell check says so
    keys = set(zip(*layout, strict=True))
    if len(keys) != len(cells.value) or not keys <= known_cells():
        return False
    if len(_FINE_LAYOUTS) >= _MAX_LAYOUTS:
        _FINE_LAYOUTS.clear()
    _FINE_LAYOUTS.add(layout)
    return True


def _check_each(raw: RawFile, report: ParsedReport) -> None:
    # only reached when _all_fine found something: check_cell names the first cell that is wrong
    seen: set[tuple[str, str, str]] = set()
    for cell in report.cells:
        key = (cell.table_code, cell.row_code, cell.col_code)
        check_cell(raw, cell, key, seen)
        seen.add(key)


def _fits(value: object) -> bool:
    """A finite Decimal of at most 14 integer digits and 6 decimals (DECIMAL(20,6))."""
    if type(value) is not Decimal:
        return False  # check_cell converts and judges it
    exponent = value.as_tuple().exponent
    return value.is_finite() and abs(value) < _MAX_ABS_VALUE and (exponent >= -6 or value == round(value, 6))


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
