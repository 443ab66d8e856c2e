"""Resolve the units of a batch of parsed reports (what the ingest run calls; no Dagster here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.manifest import RawFile
from pipeline.parsing.decode import decode
from pipeline.parsing.model import ParsedReport
from pipeline.units.gazetteer import load_gazetteer
from pipeline.units.overrides import load_overrides, override_for
from pipeline.units.resolve import resolve_unit
from pipeline.units.result import UnitResolution

OVERRIDES_FILE = "units.csv"  # in the raw folder: file name or unit name → division code


@dataclass
class BatchResolution:
    units: dict[str, UnitResolution] = field(default_factory=dict)  # by report_id
    overrides_used: int = 0
    overrides_error: str | None = None  # the overrides file could not be read: it was ignored


def resolve_entries(entries: Iterable[tuple[RawFile, ParsedReport]], raw_dir: Path) -> BatchResolution:
    """Each report's division, from its text and the user's overrides file (raw_dir/units.csv)."""
    gaz = load_gazetteer()
    out = BatchResolution()
    try:
        overrides = load_overrides(raw_dir / OVERRIDES_FILE, gaz)
    except ValueError as exc:
        overrides, out.overrides_error = {}, str(exc)
    for raw, report in entries:
        if raw.report_id in out.units:
            continue  # a byte-identical copy: same text, same unit
        text = decode(raw.path.read_bytes())[0] if raw.path.is_file() else ""
        override = override_for(overrides, raw.file_name, report.meta.unit_name)
        out.units[raw.report_id] = resolve_unit(report.meta.unit_name, text, gaz, raw.file_name, override)
        out.overrides_used += override is not None
    return out
