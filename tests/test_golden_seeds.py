"""Compare the parser's output on the five seed reports with hand-checked golden files.

The goldens (tests/golden/seeds/<stem>.csv and <stem>.meta.json) were read by hand from raw/<stem>.txt;
see tests/golden/README.md. Every seed uses the 2021 format and has exactly 200 table cells.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parsing import parse_report

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
GOLDEN_DIR = TESTS_DIR / "golden" / "seeds"
RAW_DIR = REPO_DIR / "raw"

SEEDS = [
    "000_ba9b6e2ed55afeab",
    "001_6be7d08550be250c",
    "002_0d8d98ed0f7285a4",
    "003_20b3ae12a058c55f",
    "004_2f5ce1d8c328b429",
]

CSV_COLUMNS = ["table_code", "row_code", "col_code", "cell_state", "value", "source_line"]
META_KEYS = [
    "unit_name",
    "year",
    "format_edition",
    "stated_period_start",
    "stated_period_end",
    "published_on",
]
DATE_KEYS = ("stated_period_start", "stated_period_end", "published_on")
CELLS_PER_SEED = 200

# Unit of every cell in these seeds, from taxonomy.csv's unit column (2021 format).
UNIT_OVERRIDES = {("t2", "20_8_fees", "amount"): "万元"}
DEFAULT_UNIT = "件"

# (table_code, row_code, col_code, cell_state, value, source_line)
CellKey = tuple[str, str, str, str, Decimal | None, int | None]


@dataclass(frozen=True)
class Golden:
    cells: list[CellKey]
    meta: dict


def _load_golden(stem: str) -> Golden:
    with open(GOLDEN_DIR / f"{stem}.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS, f"{stem}.csv: unexpected header {reader.fieldnames}"
        cells: list[CellKey] = []
        for row in reader:
            value = Decimal(row["value"]) if row["cell_state"] == "value" else None
            line = int(row["source_line"]) if row["source_line"] else None
            cells.append(
                (row["table_code"], row["row_code"], row["col_code"], row["cell_state"], value, line)
            )
    meta = json.loads((GOLDEN_DIR / f"{stem}.meta.json").read_text(encoding="utf-8"))
    for key in DATE_KEYS:
        if meta.get(key) is not None:
            meta[key] = date.fromisoformat(meta[key])
    return Golden(cells=cells, meta=meta)


def _cell_key(cell) -> CellKey:
    return (
        cell.table_code,
        cell.row_code,
        cell.col_code,
        cell.cell_state,
        cell.value,
        cell.source_line,
    )


def _fmt(keys) -> str:
    return "\n".join("  " + repr(k) for k in sorted(keys, key=repr))


@pytest.fixture(scope="module", params=SEEDS)
def seed(request):
    stem = request.param
    data = (RAW_DIR / f"{stem}.txt").read_bytes()
    report = parse_report(data, file_name=f"{stem}.txt")
    return stem, report, _load_golden(stem)


# --- the goldens themselves (independent of the parser) ---------------------------------------------


@pytest.mark.parametrize("stem", SEEDS)
def test_golden_files_well_formed(stem):
    golden = _load_golden(stem)
    assert len(golden.cells) == CELLS_PER_SEED
    addresses = [c[:3] for c in golden.cells]
    assert len(set(addresses)) == CELLS_PER_SEED, "duplicate (table, row, col) in golden"
    assert sorted(golden.meta) == sorted(META_KEYS)
    assert golden.meta["format_edition"] == "2021"


@pytest.mark.parametrize("stem", SEEDS)
def test_golden_values_stand_on_their_source_lines(stem):
    """Each golden value is written as a cell of its source line (line numbers as `cat -n` counts)."""
    lines = (RAW_DIR / f"{stem}.txt").read_bytes().decode("utf-8").split("\n")
    for table, row, col, state, value, line in _load_golden(stem).cells:
        if state != "value":
            continue
        text = lines[line - 1]
        tab_cells = [c.strip() for c in text.split("\t")]
        assert str(value) in tab_cells, f"{table}/{row}/{col}: {value} not a cell of line {line}: {text!r}"


# --- the parser against the goldens ----------------------------------------------------------------


def test_parse_status(seed):
    stem, report, _ = seed
    assert report.parse_status == "parsed", f"{stem}: issues: {report.issues}"


def test_cells_match_golden(seed):
    stem, report, golden = seed
    got = [_cell_key(c) for c in report.cells]
    expected = set(golden.cells)
    missing = expected - set(got)
    extra = set(got) - expected
    assert not missing and not extra, (
        f"{stem}: {len(missing)} golden cells missing or different, {len(extra)} extra or different\n"
        f"missing:\n{_fmt(missing)}\nextra:\n{_fmt(extra)}"
    )
    assert len(got) == len(expected), f"{stem}: {len(got)} cells returned, some duplicated"


def test_measure_units(seed):
    stem, report, _ = seed
    wrong = [
        (c.table_code, c.row_code, c.col_code, c.measure_unit)
        for c in report.cells
        if c.measure_unit != UNIT_OVERRIDES.get((c.table_code, c.row_code, c.col_code), DEFAULT_UNIT)
    ]
    assert not wrong, f"{stem}: wrong measure_unit on {wrong}"


@pytest.mark.parametrize("key", META_KEYS)
def test_meta(seed, key):
    stem, report, golden = seed
    assert getattr(report.meta, key) == golden.meta[key], f"{stem}: meta.{key}"
