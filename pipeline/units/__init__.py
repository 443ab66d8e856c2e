"""Which division (NBS statistical code) issued each report: township, county, city, province, department.

Plain Python, no Dagster:

    from pipeline.units import load_gazetteer, resolve_unit
    gaz = load_gazetteer()  # once per process
    res = resolve_unit(meta.unit_name, text, gaz, file_name=..., override=override_for(overrides, ...))
"""

from pipeline.units.gazetteer import Division, Gazetteer, divisions_frame, load_gazetteer
from pipeline.units.overrides import load_overrides, override_for
from pipeline.units.resolve import UnitResolution, resolve_unit

__all__ = [
    "Division",
    "Gazetteer",
    "UnitResolution",
    "divisions_frame",
    "load_gazetteer",
    "load_overrides",
    "override_for",
    "resolve_unit",
]
