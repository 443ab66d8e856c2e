"""The table/row/column codes of the report format, read from the package's data files.

taxonomy.csv is the public data contract (copied from shared/spec/taxonomy.csv); row_labels.csv holds the
label patterns the parser anchors on. Both are data: adding a synonym needs no code change.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex

EDITIONS = ("2019", "2021")


@dataclass(frozen=True)
class Column:
    col_code: str
    col_label: str
    unit: str


@dataclass(frozen=True)
class RowSpec:
    table_code: str
    row_code: str
    row_label: str
    editions: tuple[str, ...]
    columns: tuple[Column, ...]  # in the order the printed form has them


@dataclass(frozen=True)
class LabelPattern:
    table_code: str
    row_code: str
    pattern: regex.Pattern
    generic: bool  # a short label ("总计", "其他") that only counts where its row is expected next


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def rows(table_code: str, edition: str) -> tuple[RowSpec, ...]:
    """The rows of one table in one format edition, in printed order, each with its columns."""
    specs: dict[str, RowSpec] = {}
    for rec in _read_csv("taxonomy.csv"):
        editions = tuple(rec["formats"].split("|"))
        if rec["table_code"] != table_code or edition not in editions:
            continue
        column = Column(rec["col_code"], rec["col_label"], rec["unit"])
        spec = specs.get(rec["row_code"])
        if spec is None:
            specs[rec["row_code"]] = RowSpec(
                table_code, rec["row_code"], rec["row_label"], editions, (column,)
            )
        else:
            specs[rec["row_code"]] = RowSpec(
                spec.table_code, spec.row_code, spec.row_label, spec.editions, spec.columns + (column,)
            )
    return tuple(specs.values())


@cache
def label_patterns(table_code: str) -> dict[str, LabelPattern]:
    out = {}
    for rec in _read_csv("row_labels.csv"):
        if rec["table_code"] == table_code:
            out[rec["row_code"]] = LabelPattern(
                table_code, rec["row_code"], regex.compile(rec["pattern"]), rec["generic"] == "1"
            )
    return out


@cache
def all_codes() -> frozenset[tuple[str, str, str]]:
    return frozenset((r["table_code"], r["row_code"], r["col_code"]) for r in _read_csv("taxonomy.csv"))


@cache
def any_label_pattern(table_code: str) -> regex.Pattern:
    """One pattern matching wherever any row label of the table matches (a cheap first test)."""
    return regex.compile("|".join(f"(?:{p.pattern.pattern})" for p in label_patterns(table_code).values()))


_NESTED_CODE = regex.compile(r"\d+(?:_\d+)*")


@cache
def label_depths(table_code: str, edition: str) -> dict[str, int] | None:
    """For each row, how deep its own label sits in the form's nested labels, where the row codes say.

    Table 三's codes are paths through the nested labels: '3_3_2' is 三、→（三）→2. (depth 2), '1' is 一、
    (depth 0). None for a table whose codes are names (table 二)."""
    specs = rows(table_code, edition)
    if not specs or not all(_NESTED_CODE.fullmatch(s.row_code) for s in specs):
        return None
    return {s.row_code: s.row_code.count("_") for s in specs}
