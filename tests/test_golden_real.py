"""Compare the parser's output on excerpts of real published reports with hand-checked golden files.

The inputs are tests/fixtures/real/<id>.txt (copies of the table-bearing excerpts in corpus/real, see
tests/golden/real/README.md) and three fixtures made from them: an HTML page (fixtures/html/036.html),
a GBK-encoded text (fixtures/gbk/016_gbk.txt) and a traditional-character text
(fixtures/traditional/002_trad.txt). For each input there are three golden files, read by hand:

- <id>.csv: every table cell a careful reader can place with certainty
  (table_code,row_code,col_code,cell_state,value,source_line);
- <id>.uncertain.csv: cells that are printed in the excerpt but cannot be placed or read with certainty
  (collapsed blank cells, a row cut by the end of the excerpt): the parser must not return them and must
  say that something is wrong (report.issues non-empty);
- <id>.meta.json: format_edition, year, stated_period_start, stated_period_end.

The parser is held to: (i) never a wrong cell: no returned cell contradicts the golden, is listed as
uncertain or is absent from it; (ii) every golden cell is returned; (iii) uncertain cells are left out and
reported; (iv) the metadata match.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parsing import parse_report

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
REAL_GOLDEN_DIR = TESTS_DIR / "golden" / "real"
FIXTURE_GOLDEN_DIR = TESTS_DIR / "golden" / "fixtures"
FIXTURES_DIR = TESTS_DIR / "fixtures"
TAXONOMY = REPO_DIR / "pipeline" / "data" / "taxonomy.csv"

CSV_COLUMNS = ["table_code", "row_code", "col_code", "cell_state", "value", "source_line"]
UNCERTAIN_COLUMNS = ["table_code", "row_code", "col_code", "why"]
META_KEYS = ["format_edition", "year", "stated_period_start", "stated_period_end"]
DATE_KEYS = ("stated_period_start", "stated_period_end")
CELL_STATES = ("value", "blank", "na")

# Fixtures derived from the real excerpts: case id -> (input file, golden stem in its directory).
DERIVED = {
    "036_html": (FIXTURES_DIR / "html" / "036.html", FIXTURE_GOLDEN_DIR / "036_html"),
    "016_gbk": (FIXTURES_DIR / "gbk" / "016_gbk.txt", REAL_GOLDEN_DIR / "016"),
    "002_trad": (FIXTURES_DIR / "traditional" / "002_trad.txt", REAL_GOLDEN_DIR / "002"),
}

Address = tuple[str, str, str]  # (table_code, row_code, col_code)
Reading = tuple[str, Decimal | None, int | None]  # (cell_state, value, source_line)


@dataclass(frozen=True)
class Case:
    case_id: str
    input_path: Path
    golden_stem: Path  # <stem>.csv, <stem>.uncertain.csv, <stem>.meta.json

    @property
    def golden_csv(self) -> Path:
        return self.golden_stem.with_name(self.golden_stem.name + ".csv")

    @property
    def uncertain_csv(self) -> Path:
        return self.golden_stem.with_name(self.golden_stem.name + ".uncertain.csv")

    @property
    def meta_json(self) -> Path:
        return self.golden_stem.with_name(self.golden_stem.name + ".meta.json")


def _cases() -> list[Case]:
    cases = []
    for golden in sorted(REAL_GOLDEN_DIR.glob("*.csv")):
        if golden.name.endswith(".uncertain.csv"):
            continue
        stem = golden.stem
        cases.append(Case(stem, FIXTURES_DIR / "real" / f"{stem}.txt", REAL_GOLDEN_DIR / stem))
    for case_id, (input_path, golden_stem) in DERIVED.items():
        if golden_stem.with_name(golden_stem.name + ".csv").exists():
            cases.append(Case(case_id, input_path, golden_stem))
    return cases


CASES = _cases()
CASE_IDS = [c.case_id for c in CASES]


@dataclass(frozen=True)
class Golden:
    cells: dict[Address, Reading]
    uncertain: dict[Address, str]
    meta: dict


def _load_golden(case: Case) -> Golden:
    with open(case.golden_csv, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS, f"{case.golden_csv.name}: header {reader.fieldnames}"
        cells: dict[Address, Reading] = {}
        for row in reader:
            address = (row["table_code"], row["row_code"], row["col_code"])
            assert address not in cells, f"{case.golden_csv.name}: {address} twice"
            value = Decimal(row["value"]) if row["value"] != "" else None
            line = int(row["source_line"]) if row["source_line"] else None
            cells[address] = (row["cell_state"], value, line)
    uncertain: dict[Address, str] = {}
    if case.uncertain_csv.exists():
        with open(case.uncertain_csv, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == UNCERTAIN_COLUMNS, f"{case.uncertain_csv.name}: header"
            for row in reader:
                address = (row["table_code"], row["row_code"], row["col_code"])
                assert address not in uncertain, f"{case.uncertain_csv.name}: {address} twice"
                uncertain[address] = row["why"]
    meta = json.loads(case.meta_json.read_text(encoding="utf-8"))
    for key in DATE_KEYS:
        if meta.get(key) is not None:
            meta[key] = date.fromisoformat(meta[key])
    return Golden(cells, uncertain, meta)


@functools.cache
def _parse(case_id: str):
    case = next(c for c in CASES if c.case_id == case_id)
    return parse_report(case.input_path.read_bytes(), file_name=case.input_path.name)


def _parser_cells(report) -> dict[Address, list[Reading]]:
    out: dict[Address, list[Reading]] = {}
    for c in report.cells:
        out.setdefault((c.table_code, c.row_code, c.col_code), []).append(
            (c.cell_state, c.value, c.source_line)
        )
    return out


def _fmt_reading(r: Reading) -> str:
    state, value, line = r
    return f"{state}{'=' + str(value) if value is not None else ''} @L{line}"


def _fmt_address(a: Address) -> str:
    return "/".join(a)


def _taxonomy() -> dict[Address, set[str]]:
    editions: dict[Address, set[str]] = {}
    with open(TAXONOMY, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            address = (row["table_code"], row["row_code"], row["col_code"])
            editions.setdefault(address, set()).update(row["formats"].split("|"))
    return editions


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gbk")


# --- the goldens themselves (independent of the parser) ---------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_golden_well_formed(case):
    assert case.input_path.exists(), f"missing input {case.input_path}"
    golden = _load_golden(case)
    taxonomy = _taxonomy()
    edition = golden.meta["format_edition"]
    assert sorted(golden.meta) == sorted(META_KEYS)
    assert edition in ("2019", "2021", None)
    for address, (state, value, line) in golden.cells.items():
        assert address in taxonomy, f"{address} not in taxonomy"
        if edition is not None:
            assert edition in taxonomy[address], f"{address} not a {edition}-format cell"
        assert state in CELL_STATES, f"{address}: state {state}"
        assert (value is not None) == (state == "value"), f"{address}: value {value} with state {state}"
        assert line is not None and line > 0, f"{address}: no source_line"
    for address in golden.uncertain:
        assert address in taxonomy, f"uncertain {address} not in taxonomy"
        assert address not in golden.cells, f"{address} both golden and uncertain"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_golden_values_stand_on_their_source_lines(case):
    """Each golden number is written on its source line (a check of the goldens, not of the parser)."""
    lines = _decode(case.input_path).split("\n")
    for address, (state, value, line) in _load_golden(case).cells.items():
        assert line <= len(lines), f"{address}: line {line} beyond the end"
        if state == "value":
            numbers = re.findall(r"\d+(?:\.\d+)?", lines[line - 1])
            assert any(Decimal(n) == abs(value) for n in numbers), (
                f"{_fmt_address(address)}: {value} not on line {line}: {lines[line - 1]!r}"
            )


# --- the parser against the goldens ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_wrong_cells(case):
    """(i) The parser never places a number wrongly: each returned cell is a golden cell, read as golden."""
    golden = _load_golden(case)
    report = _parse(case.case_id)
    wrong, extra, uncertain, duplicated = [], [], [], []
    for address, readings in sorted(_parser_cells(report).items()):
        name = _fmt_address(address)
        if len(readings) > 1:
            duplicated.append(f"  {name}: {', '.join(map(_fmt_reading, readings))}")
        for got in readings:
            if address in golden.uncertain:
                uncertain.append(
                    f"  {name}: {_fmt_reading(got)} (golden: uncertain, {golden.uncertain[address]})"
                )
            elif address not in golden.cells:
                extra.append(f"  {name}: {_fmt_reading(got)} (not in golden)")
            elif got != golden.cells[address]:
                wrong.append(
                    f"  {name}: got {_fmt_reading(got)}, golden {_fmt_reading(golden.cells[address])}"
                )
    problems = []
    for title, items in (
        ("wrong", wrong),
        ("returned although uncertain", uncertain),
        ("extra", extra),
        ("duplicated", duplicated),
    ):
        if items:
            problems.append(f"{len(items)} {title}:\n" + "\n".join(items))
    assert not problems, f"{case.case_id}: " + "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_all_golden_cells_produced(case):
    """(ii) Every golden cell is returned, and the returned set equals the golden set."""
    golden = _load_golden(case)
    report = _parse(case.case_id)
    got = {(a, r) for a, readings in _parser_cells(report).items() for r in readings}
    expected = set(golden.cells.items())
    got_addresses = {a for a, _ in got}
    missing = [
        f"  {_fmt_address(a)}: golden {_fmt_reading(r)}"
        + ("" if a not in got_addresses else " (read differently)")
        for a, r in sorted(expected - got, key=repr)
    ]
    surplus = [f"  {_fmt_address(a)}: {_fmt_reading(r)}" for a, r in sorted(got - expected, key=repr)]
    assert not missing and not surplus, (
        f"{case.case_id}: {len(missing)} of {len(expected)} golden cells missing or different, "
        f"{len(surplus)} returned cells not in golden\n"
        + ("missing:\n" + "\n".join(missing) + "\n" if missing else "")
        + ("not in golden:\n" + "\n".join(surplus) if surplus else "")
    )


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_uncertain_cells_left_out_and_reported(case):
    """(iii) A cell nobody can read with certainty is not returned, and the report says so."""
    golden = _load_golden(case)
    if not golden.uncertain:
        pytest.skip("no uncertain cells")
    report = _parse(case.case_id)
    returned = _parser_cells(report)
    placed = [
        f"  {_fmt_address(a)}: {', '.join(map(_fmt_reading, returned[a]))} ({why})"
        for a, why in golden.uncertain.items()
        if a in returned
    ]
    assert not placed, f"{case.case_id}: {len(placed)} uncertain cells returned:\n" + "\n".join(placed)
    assert report.issues, f"{case.case_id}: {len(golden.uncertain)} uncertain cells but no issue reported"


@pytest.mark.parametrize("key", META_KEYS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_meta(case, key):
    """(iv) Edition, year and stated period match the golden."""
    golden = _load_golden(case)
    report = _parse(case.case_id)
    assert getattr(report.meta, key) == golden.meta[key], (
        f"{case.case_id}: meta.{key} = {getattr(report.meta, key)!r}, golden {golden.meta[key]!r}"
    )
