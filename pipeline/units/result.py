"""What resolution returns: the unit's level and division codes, how sure, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.units.gazetteer import Gazetteer

RESOLVED, AMBIGUOUS, UNRESOLVED, OVERRIDE = "resolved", "ambiguous", "unresolved", "override"
DEPARTMENT = "department"
_MAX_LISTED = 5  # candidates spelled out in an evidence text


@dataclass
class UnitResolution:
    unit_level: str | None  # province | city | county | township | department | None
    division_code: str | None  # the unit's division (a department: its government's); None unless settled
    county_code: str | None
    city_code: str | None
    province_code: str | None
    status: str  # resolved | ambiguous | unresolved | override
    candidates: list[str] = field(default_factory=list)  # the tied division codes when ambiguous
    evidence: str = ""

    def as_row(self) -> dict[str, object]:
        """The columns for the `reports` table."""
        return {
            "unit_level": self.unit_level,
            "division_code": self.division_code,
            "county_code": self.county_code,
            "city_code": self.city_code,
            "province_code": self.province_code,
            "division_status": self.status,
            "division_candidates": list(self.candidates),
            "division_evidence": self.evidence,
        }


def settled(gaz: Gazetteer, code: str, department: bool, status: str, evidence: str) -> UnitResolution:
    d = gaz.divisions[code]
    level = DEPARTMENT if department else d.level
    return UnitResolution(level, code, d.county_code, d.city_code, d.province_code, status, [], evidence)


def unsettled(level: str | None, status: str, candidates: list[str], evidence: str) -> UnitResolution:
    return UnitResolution(level, None, None, None, None, status, candidates, evidence)


def describe(codes: list[str], gaz: Gazetteer) -> str:
    """'430321107 湖南省湘潭市湘潭县花石镇, …': candidates spelled out for a person to choose from."""
    listed = ", ".join(f"{c} {gaz.full_name(c)}" for c in codes[:_MAX_LISTED])
    return listed + (f" and {len(codes) - _MAX_LISTED} more" if len(codes) > _MAX_LISTED else "")
