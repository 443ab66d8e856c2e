"""Division codes a person gives for reports the text cannot place (raw/units.csv).

    match,division_code,note
    002_0d8d98ed0f7285a4.txt,360124201,why: what a person checked (kept for the next reader)
    湘乡市政府办,430381,a unit name: every report written by that unit

`match` is a file name (its path relative to the raw folder) or a unit name as the report writes it; a
file-name line wins over a unit-name line. Codes may be the gazetteer's 2/4/6/9-digit codes or the
12-digit statistical code.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline.units.gazetteer import Gazetteer, load_gazetteer

DEFAULT_PATH = Path("raw") / "units.csv"
COLUMNS = ("match", "division_code", "note")


def _key(match: str) -> str:
    # file names are compared as POSIX paths (a Windows-edited csv may use backslashes)
    return match.strip().replace("\\", "/")


def load_overrides(path: str | Path = DEFAULT_PATH, gaz: Gazetteer | None = None) -> dict[str, str]:
    """match → division code (normalized to the gazetteer's form). A missing file means no overrides.

    Raises ValueError naming the file and line for a missing header column, an empty match, a code that
    is not a division in the gazetteer, or one match given two different codes."""
    path = Path(path)
    if not path.is_file():
        return {}
    gaz = gaz or load_gazetteer()
    # utf-8-sig: spreadsheet programs save a byte-order mark
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS[:2] if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(
                f"{path}: line 1: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
            )
        overrides: dict[str, str] = {}
        for row in reader:
            line = reader.line_num
            match, raw_code = _key(row["match"] or ""), (row["division_code"] or "").strip()
            if not match and not raw_code:
                continue  # blank line
            if not match:
                raise ValueError(f"{path}: line {line}: empty match for division_code {raw_code!r}")
            code = gaz.normalize_code(raw_code)
            if code is None:
                raise ValueError(
                    f"{path}: line {line}: {raw_code!r} for {match!r} is not a division code in the gazetteer "
                    "(2, 4, 6, 9 or 12 digits of an existing division)"
                )
            if overrides.get(match, code) != code:
                raise ValueError(
                    f"{path}: line {line}: {match!r} already has division_code {overrides[match]}"
                )
            overrides[match] = code
    return overrides


def override_for(overrides: dict[str, str], file_name: str, unit_name: str | None) -> str | None:
    """The division code given for this report: by its file name first, else by its unit name."""
    code = overrides.get(_key(file_name)) if file_name else None
    if code is None and unit_name:
        code = overrides.get(unit_name.strip())
    return code
