"""The NBS division codes (pipeline/data/gazetteer/*.csv) as one table of divisions plus name indexes.

Loaded once per process (load_gazetteer is cached); every lookup after that is a dict access.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pipeline.units.names import short_name

LEVELS = ("province", "city", "county", "township")
# Code length per level: province 2, city 4, county 6, township 9.
LEVEL_OF_LENGTH = {2: "province", 4: "city", 6: "county", 9: "township"}
# City rows that group counties but are not places, so never matched by name (see SOURCE.md).
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
COLUMNS = ("code", "name", "level", "parent_code", "province_code", "city_code", "county_code")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str  # one of LEVELS
    parent_code: str | None
    province_code: str
    city_code: str | None  # None for a province
    county_code: str | None  # None for a province or city; a county's own code for a county
    short_name: str | None
    placeholder: bool = False

    def row(self) -> tuple[str | None, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


def _freeze(index: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {name: tuple(codes) for name, codes in index.items()}


class Gazetteer:
    """divisions: code → Division. by_name / by_short: name → codes (tuple, gazetteer order)."""

    def __init__(self, divisions: list[Division]):
        self.divisions: dict[str, Division] = {d.code: d for d in divisions}
        by_name: dict[str, list[str]] = defaultdict(list)
        by_short: dict[str, list[str]] = defaultdict(list)
        for d in divisions:
            if d.placeholder:
                continue
            by_name[d.name].append(d.code)
            if d.short_name:
                by_short[d.short_name].append(d.code)
        self.by_name = _freeze(by_name)
        self.by_short = _freeze(by_short)
        self.max_name_len = max(map(len, self.by_name))
        self.max_short_len = max(map(len, self.by_short))

    def __len__(self) -> int:
        return len(self.divisions)

    def ancestors(self, code: str) -> list[Division]:
        """The division's parents that are places, nearest first (county, city, province)."""
        out = []
        d = self.divisions[code]
        while d.parent_code:
            d = self.divisions[d.parent_code]
            if not d.placeholder:
                out.append(d)
        return out

    def full_name(self, code: str) -> str:
        """湖南省湘潭市湘潭县花石镇: the names from the province down, placeholders left out."""
        d = self.divisions[code]
        return "".join(a.name for a in reversed(self.ancestors(code))) + d.name

    def prefer_cities(self, codes: list[str] | tuple[str, ...]) -> list[str]:
        """Drop a county row that only repeats its city's name (东莞市 4419 / 441900): the name is the city."""
        keep = set(codes)
        return [
            c
            for c in codes
            if not (len(c) == 6 and c[:4] in keep and self.divisions[c[:4]].name == self.divisions[c].name)
        ]

    def normalize_code(self, code: str) -> str | None:
        """A division code as people write it → the gazetteer's code, or None if there is no such division.

        Accepts the gazetteer's own 2/4/6/9-digit codes, the 12-digit statistical code (430381103000) and the
        6-digit form of a city or province (430300, 430000)."""
        code = code.strip()
        if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
            return None
        if len(code) == 12 and code.endswith("000"):
            code = code[:9]
        if len(code) == 9 and code.endswith("000"):
            code = code[:6]
        while len(code) in (4, 6) and code not in self.divisions and code.endswith("00"):
            code = code[:-2]
        return code if code in self.divisions else None

    def rows(self) -> list[tuple[str | None, ...]]:
        """One tuple per division in COLUMNS order, for the `divisions` table."""
        return [d.row() for d in self.divisions.values()]

    def divisions_frame(self):
        """The divisions as an Arrow table with COLUMNS (all strings), ready for a DuckDB insert."""
        import pyarrow as pa

        columns = list(zip(*self.rows(), strict=True))
        return pa.table({c: pa.array(v, pa.string()) for c, v in zip(COLUMNS, columns, strict=True)})


def gazetteer_dir() -> Path:
    return Path(str(resources.files("pipeline").joinpath("data", "gazetteer")))


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_divisions(folder: Path) -> list[Division]:
    divisions = []
    for r in _read(folder, "provinces.csv"):
        divisions.append(Division(r["code"], r["name"], "province", None, r["code"], None, None,
                                  short_name(r["name"], "province")))  # fmt: skip
    for r in _read(folder, "cities.csv"):
        placeholder = r["name"] in PLACEHOLDER_NAMES
        short = None if placeholder else short_name(r["name"], "city")
        divisions.append(Division(r["code"], r["name"], "city", r["provinceCode"], r["provinceCode"],
                                  r["code"], None, short, placeholder))  # fmt: skip
    for r in _read(folder, "areas.csv"):
        divisions.append(Division(r["code"], r["name"], "county", r["cityCode"], r["provinceCode"],
                                  r["cityCode"], r["code"], short_name(r["name"], "county")))  # fmt: skip
    for r in _read(folder, "streets.csv"):
        divisions.append(Division(r["code"], r["name"], "township", r["areaCode"], r["provinceCode"],
                                  r["cityCode"], r["areaCode"], short_name(r["name"], "township")))  # fmt: skip
    return divisions


@cache
def load_gazetteer(folder: Path | None = None) -> Gazetteer:
    """The packaged gazetteer (or one read from `folder`), built once per process."""
    return Gazetteer(read_divisions(folder or gazetteer_dir()))


def divisions_frame():
    """The packaged gazetteer's divisions as an Arrow table (code, name, level, parent_code, ...)."""
    return load_gazetteer().divisions_frame()
