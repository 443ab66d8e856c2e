"""Resolve the units of the reports of one ingest run (what the parse workers call; no Dagster here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.units.gazetteer import load_gazetteer
from pipeline.units.overrides import load_overrides, override_for
from pipeline.units.resolve import resolve_unit
from pipeline.units.result import UnitResolution

OVERRIDES_FILE = "units.csv"  # in the raw folder: file name or unit name → division code


@dataclass(frozen=True)
class UnitResolver:
    """The user's overrides (raw_dir/units.csv) and, per report, its division. Picklable: it is sent to
    the parse workers, which load the gazetteer once per process."""

    overrides: dict[str, str] = field(default_factory=dict)
    overrides_error: str | None = None  # the overrides file could not be read: it was ignored

    def resolve(self, file_name: str, unit_name: str | None, text: str) -> tuple[UnitResolution, bool]:
        """The report's division from its unit name and text; and whether an override decided it."""
        override = override_for(self.overrides, file_name, unit_name)
        return resolve_unit(unit_name, text, load_gazetteer(), file_name, override), override is not None


def load_resolver(raw_dir: Path) -> UnitResolver:
    """The resolver for the reports of raw_dir, with its overrides file (an unreadable one is ignored,
    and says why in overrides_error)."""
    try:
        # the gazetteer only for an overrides file: the parse workers load their own, and the main process
        # need not spend half a second on it for nothing
        return UnitResolver(load_overrides(Path(raw_dir) / OVERRIDES_FILE))
    except ValueError as exc:
        return UnitResolver({}, str(exc))
