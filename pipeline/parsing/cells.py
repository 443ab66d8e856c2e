"""Reading one table cell's text: a number, a blank, a not-applicable mark, or something unsure.

A cell is read, not guessed: anything that is not clearly one of these is DUBIOUS and is never stored as a
number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import regex

from pipeline.parsing.model import BLANK, NA, VALUE

DUBIOUS = "dubious"

NA_MARKS = frozenset({"/", "\\", "-", "--", "—", "——", "无", "不适用", "/ ", "×", "——/"})

# Optional sign (ASCII, doubled hyphen as written by some converters, 增/减), digits with optional
# thousands separators and decimals, optional unit. Applied to the whitespace-free normalised text.
_NUMBER = regex.compile(
    r"^(?P<sign>\+|-{1,2}|—|增加?|减少?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<unit>万元|元|件|项|条|个|次)?$"
)
# Text that looks numeric but is not a clean number: "260余", "约5", "1.2.3".
_NUMERICISH = regex.compile(r"^[\d.,+\-—约余多万元件项条个次增减少加%]+$")


@dataclass(frozen=True)
class CellReading:
    state: str  # VALUE | BLANK | NA | DUBIOUS
    value: Decimal | None = None
    unit: str | None = None  # the unit written in the cell, if any
    why: str = ""


@lru_cache(maxsize=1 << 14)
def classify(text: str) -> str | None:
    """VALUE, NA or DUBIOUS for a token that occupies a value cell; None for ordinary text."""
    if not text:
        return BLANK
    if text in NA_MARKS:
        return NA
    if _NUMBER.match(text):
        return VALUE
    if any(c.isdigit() for c in text) and _NUMERICISH.match(text):
        return DUBIOUS
    return None


@lru_cache(maxsize=1 << 14)
def read_cell(text: str, measure_unit: str) -> CellReading:
    """Read a whitespace-free normalised cell text for a column measured in `measure_unit`."""
    if not text:
        return CellReading(BLANK)
    if text in NA_MARKS:
        return CellReading(NA)
    m = _NUMBER.match(text)
    if not m:
        return CellReading(DUBIOUS, why=f"'{text}' is not a clean number")
    try:
        value = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid decimals
        return CellReading(DUBIOUS, why=f"'{text}' is not a clean number")
    sign = m["sign"] or ""
    if sign.startswith(("-", "—", "减")):
        value = -value
    unit = m["unit"]
    if unit in ("万元", "元") and measure_unit != "万元":
        return CellReading(
            DUBIOUS, why=f"'{text}' is an amount of money in a column counted in {measure_unit}"
        )
    if unit == "元":
        value = value / Decimal(10000)  # the form counts fees and purchases in 万元
    return CellReading(VALUE, value, unit)
