"""Hand-made parser results for the store tests (the parser is written separately)."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.manifest import RawFile
from pipeline.parsing.model import (
    BLANK,
    ERROR,
    NA,
    PARSED,
    PARSED_WITH_ISSUES,
    VALUE,
    WARNING,
    Cell,
    Issue,
    ParsedReport,
    ReportMeta,
)

T3_COLS = "natural_person commercial research social_welfare legal_service other_org total".split()


def raw_file(file_name: str, content: bytes) -> RawFile:
    return RawFile(file_name, Path("/raw") / file_name, hashlib.sha256(content).hexdigest(), len(content))


def cell(table: str, row: str, col: str, raw: str, line: int, unit: str = "件") -> Cell:
    """A cell as the parser would give it, from its source text: a number, '' (blank) or '/' (na)."""
    if raw == "":
        return Cell(table, row, col, BLANK, None, raw, line, unit)
    if raw == "/":
        return Cell(table, row, col, NA, None, raw, line, unit)
    return Cell(table, row, col, VALUE, Decimal(raw), raw, line, unit)


def t3_row(row: str, raws: tuple[str, ...], line: int) -> list[Cell]:
    return [cell("t3", row, col, r, line) for col, r in zip(T3_COLS, raws, strict=True)]


def _report_a() -> tuple[RawFile, ParsedReport]:
    # 2021 edition, complete tables 三 and 四 rows, some blank and "/" cells
    cells = [
        cell("t2", "20_1_regulations", "issued", "2", 30),
        cell("t2", "20_1_regulations", "repealed", "", 30),
        cell("t2", "20_1_regulations", "in_force", "/", 30),
        cell("t2", "20_1_normative", "issued", "4", 31),
        cell("t2", "20_8_fees", "amount", "12.5", 35, unit="万元"),
        *t3_row("1", ("5", "1", "0", "0", "2", "0", "8"), 50),
        *t3_row("3_1", ("3", "", "/", "0", "0", "0", "3"), 53),
        cell("t4", "review", "upheld", "1", 80),
        cell("t4", "review", "corrected", "0", 80),
        cell("t4", "review", "other", "", 80),
        cell("t4", "review", "pending", "0", 80),
        cell("t4", "review", "total", "1", 80),
    ]
    meta = ReportMeta("甲镇人民政府", 2023, "2021", date(2023, 1, 1), date(2023, 12, 31), date(2024, 1, 20))
    issues = [Issue(WARNING, "total_mismatch", "Row 3_1: the six columns sum to 3, total 3.", 53)]
    return raw_file("hunan/a.txt", b"report A"), ParsedReport(meta, cells, issues, PARSED)


def _report_b() -> tuple[RawFile, ParsedReport]:
    # 2019 edition; table 三 row 1 only partly read
    cells = [
        cell("t2", "20_1_normative", "new_made", "7", 12),
        cell("t3", "1", "natural_person", "2", 40),
        cell("t3", "1", "total", "2", 40),
    ]
    meta = ReportMeta("乙市教育局", 2019, "2019", None, None, None)
    issues = [Issue(ERROR, "row_width_mismatch", "Row 1 of table 三: 5 cells found, 7 expected.", 40)]
    return raw_file("b.txt", b"report B"), ParsedReport(meta, cells, issues, PARSED_WITH_ISSUES)


def _report_c() -> tuple[RawFile, ParsedReport]:
    meta = ReportMeta("丙县人民政府", 2022, "2021")
    return raw_file("c.txt", b"report C"), ParsedReport(meta, t3_row("4", ("1",) * 6 + ("6",), 70))


@pytest.fixture
def sample_entries() -> list[tuple[RawFile, ParsedReport]]:
    """Three reports: A (2021, 24 cells, 1 issue), B (2019, 3 cells, 1 issue), C (2021, 7 cells)."""
    return [_report_a(), _report_b(), _report_c()]
