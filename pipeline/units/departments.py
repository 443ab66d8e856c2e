"""A department whose name gives no place (政府办公室, 县司法局): its government is read from the text."""

from __future__ import annotations

import regex

from pipeline.units.gazetteer import Gazetteer
from pipeline.units.result import (
    AMBIGUOUS,
    DEPARTMENT,
    RESOLVED,
    UNRESOLVED,
    UnitResolution,
    describe,
    settled,
    unsettled,
)


def _written_before(core: str, hay: str, gaz: Gazetteer, generic: str) -> list[str]:
    """The county / city / province codes whose full name the text writes right before `core`."""
    found: list[str] = []
    i = hay.find(core)
    while i >= 0:
        before = hay[max(0, i - gaz.max_name_len - 4) : i]
        before = regex.sub(r"(人民政府|人民)$", "", before)  # 湘乡市人民政府办公室 for 政府办公室
        for n in range(min(len(before), gaz.max_name_len), 1, -1):
            codes = [c for c in gaz.by_name.get(before[-n:], ()) if len(c) <= 6]
            codes = [c for c in codes if gaz.divisions[c].name.endswith(generic)]
            if codes:
                found += [c for c in codes if c not in found]
                break
        i = hay.find(core, i + len(core))
    return gaz.prefer_cities(found)


def department_from_text(name: str, hay: str, gaz: Gazetteer) -> UnitResolution:
    """政府办公室 / 县司法局: the government is the division whose name the text writes right before it."""
    found, core = _written_before(name, hay, gaz, ""), name
    if not found and name[:1] in "省市县区" and len(name) > 3:
        # 县司法局 is written 唐河县司法局; but 市场监督管理局 is a word, hence the whole name first
        core = name[1:]
        found = _written_before(core, hay, gaz, name[0])
    head = f"department {name}, no place in its name"
    if len(found) == 1:
        c = found[0]
        return settled(
            gaz, c, True, RESOLVED, f"{head}; text writes {gaz.divisions[c].name}{core} → {gaz.full_name(c)}"
        )
    if found:
        return unsettled(
            DEPARTMENT, AMBIGUOUS, found, f"{head}; text writes it after several: {describe(found, gaz)}"
        )
    return unsettled(DEPARTMENT, UNRESOLVED, [], f"{head}; the text never writes a place before it")
