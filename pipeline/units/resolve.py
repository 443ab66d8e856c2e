"""Tie a report's issuing unit to an NBS division code, from its name and everything the text says.

The unit's name gives its candidate divisions (all townships called 花石镇, …). Each candidate is then
scored by how its county, city and province are named anywhere in the text, the file name and the unit
name (signature "湘潭县花石镇人民政府", "通过唐河县政府网站", "按照省、湘潭市、湘乡市有关要求"): a full name
counts 2, a loose short name 1. One candidate with strictly the best score wins if some of that score is a
plain mention (or it is the only division of that name in the country); otherwise the report stays
ambiguous with its candidates listed, for a person to settle with an override. Never a guess.
"""

from __future__ import annotations

import regex

from pipeline.units.departments import department_from_text
from pipeline.units.gazetteer import Gazetteer
from pipeline.units.result import (
    AMBIGUOUS,
    DEPARTMENT,
    OVERRIDE,
    RESOLVED,
    UNRESOLVED,
    UnitResolution,
    describe,
    settled,
    unsettled,
)
from pipeline.units.support import OWN, STRONG, mention
from pipeline.units.unitname import Place, UnitName, clean, looks_like_department, split_unit_name

# The level a name's suffix implies when the division itself is not found (市 can be city or county).
_LEVEL_OF_SUFFIX = (("街道", "township"), ("镇", "township"), ("乡", "township"), ("苏木", "township"),
                    ("县", "county"), ("区", "county"), ("旗", "county"), ("州", "city"), ("盟", "city"),
                    ("省", "province"))  # fmt: skip
# "省、市、县", "县委县政府": which kinds of parent the text speaks of without naming them. Evidence only:
# 新建区 was 新建县 until 2015, so "县" alone cannot tell a 县 from a 区.
_GENERIC = regex.compile(r"[省市县区](?:[、]?[省市县区])+|([省市县区])委\1(?:人民)?政府")


def _level_of_name(name: str) -> str | None:
    for suffix, level in _LEVEL_OF_SUFFIX:
        if _strip_gov(name).endswith(suffix):
            return level
    return None


def _strip_gov(name: str) -> str:
    return regex.sub(r"(人民政府|政府|办事处|管委会|管理委员会)$", "", name)


def _fits(code: str, context: tuple[Place, ...], gaz: Gazetteer) -> bool:
    """Every place named before the unit's own (湘潭县 in 湘潭县花石镇) is one of the candidate's parents."""
    parents = {a.code for a in gaz.ancestors(code)}
    return all(parents & set(p.codes) for p in context)


def _candidates(u: UnitName, gaz: Gazetteer) -> tuple[list[str], str]:
    """The unit's possible divisions, narrowed by the places its name also gives; and a note on how."""
    own = gaz.prefer_cities(u.own.codes)
    read_as = (
        f"read as {'/'.join(sorted({gaz.divisions[c].name for c in own}))}; " if u.own.form == "stem" else ""
    )
    if not u.context:
        return own, read_as
    fitting = [c for c in own if _fits(c, u.context, gaz)]
    if fitting:
        named = "".join(p.text for p in u.context)
        return fitting, read_as + (
            f"{len(own)} of that name, {len(fitting)} in {named}; " if len(own) > 1 else ""
        )
    if u.own.form == "full" and (m := regex.fullmatch(r"(.{2,}?)(街道|镇|乡|县|区|市)", u.own.text)):
        # 湘潭县花石乡: no 花石乡 in 湘潭县, but its 花石镇 is the same place re-suffixed
        stems = [c for c in gaz.by_short.get(m[1], ()) if len(c) == len(own[0]) and _fits(c, u.context, gaz)]
        if stems:
            return stems, f"read as {'/'.join(sorted({gaz.divisions[c].name for c in stems}))}; "
    return own, f"{'/'.join(p.text for p in u.context)} is not a parent of {u.own.text}; "


def _chain_names(code: str, gaz: Gazetteer) -> tuple[str, ...]:
    names = [OWN]
    for d in [gaz.divisions[code], *gaz.ancestors(code)]:
        names += [d.name] + ([d.short_name] if d.short_name else [])
    return tuple(names)


def _support(code: str, hay: str, gaz: Gazetteer) -> tuple[int, bool, list[str]]:
    """(score, has a strong mention, the names found) for one candidate's parents."""
    neighbours = _chain_names(code, gaz)
    score, strong, found = 0, False, []
    for a in gaz.ancestors(code):
        m = mention(hay, a.name, a.short_name, neighbours)
        # one written name counts once: 湘潭 is short for 湘潭县 and 湘潭市, it supports the nearer only
        if m.strength and m.text not in found:
            score += m.strength
            strong |= m.strength == STRONG
            found.append(m.text)
    return score, strong, found


def _mask(text: str, names: set[str]) -> str:
    for n in sorted(names, key=len, reverse=True):
        text = text.replace(n, OWN)
    return text


def _decide(u: UnitName, codes: list[str], note: str, hay: str, gaz: Gazetteer) -> UnitResolution:
    head = f"{'department of ' if u.is_department else ''}{u.own.text}: {note}"
    hay = _mask(hay, {u.own.text} | {gaz.divisions[c].name for c in codes})
    scored = {c: _support(c, hay, gaz) for c in codes}
    # a name found only by its stem (新建县 → 新建区, 花石乡 → 花石镇) also needs a parent named in the text
    if len(codes) == 1 and (u.own.form != "stem" or scored[codes[0]][1]):
        (c,) = codes
        said = f"; text names {'、'.join(scored[c][2])}" if scored[c][2] else ""
        found = f"{head[:-2]} → " if note else f"{head}the only division of that name, "
        return settled(gaz, c, u.is_department, RESOLVED, f"{found}{gaz.full_name(c)}{said}")
    best = max(s for s, _, _ in scored.values())
    top = [c for c in codes if scored[c][0] == best]
    if len(top) == 1 and scored[top[0]][1]:
        c = top[0]
        why = f"{len(codes)} of that name; text names {'、'.join(scored[c][2])}"
        return settled(gaz, c, u.is_department, RESOLVED, f"{head}{why} → {gaz.full_name(c)}")
    kinds = {gaz.divisions[c].level for c in codes}
    level = DEPARTMENT if u.is_department else (kinds.pop() if len(kinds) == 1 else None)
    if best > 0 and any(scored[c][1] for c in top):
        why = f"text names {'、'.join(scored[top[0]][2])} for each of"
    else:
        top = codes
        generic = sorted(
            {ch for m in _GENERIC.finditer(hay) for ch in m[0] if ch in "省市县区"}, key="省市县区".index
        )
        why = "text names none of their parents" + (f" (only {'、'.join(generic)})" if generic else "") + ";"
    return unsettled(level, AMBIGUOUS, top, f"{head}{len(codes)} of that name; {why} {describe(top, gaz)}")


_SIGNATURE = regex.compile(
    r"^\p{Han}{2,30}(人民政府|办事处|管委会|委员会|街道|镇|乡|局|办|办公室|厅|委|中心)$"
)


def _signature(text: str) -> str | None:
    """The unit named in the signature block (a unit name line among the last lines), if any."""
    lines = [clean(line) for line in text.strip().splitlines()[-8:]]
    return next((line for line in reversed(lines) if _SIGNATURE.match(line)), None)


def resolve_unit(
    unit_name: str | None, text: str, gaz: Gazetteer, file_name: str = "", override: str | None = None
) -> UnitResolution:
    """The division of the unit that issued a report. `override`: a division code a person gave (wins)."""
    if override is not None:
        code = gaz.normalize_code(override)
        if code is None:
            raise ValueError(f"override {override!r} is not a division code in the gazetteer")
        department = bool(unit_name) and looks_like_department(unit_name)
        return settled(gaz, code, department, OVERRIDE, f"override {code} {gaz.full_name(code)}")
    name = unit_name or _signature(text)
    if not name:
        return unsettled(None, UNRESOLVED, [], "no unit name in the report")
    u = split_unit_name(name, gaz)
    hay = f"{file_name}\n{name}\n{text}"
    if u.own is None:
        if u.is_department:
            return department_from_text(u.name, hay, gaz)
        return unsettled(None, UNRESOLVED, [], f"{u.name or name}: names no division")
    codes, note = _candidates(u, gaz)
    if not codes:
        level = DEPARTMENT if u.is_department else _level_of_name(u.own.text)
        return unsettled(
            level, UNRESOLVED, [], f"{u.own.text}: no division of that name in the gazetteer (2023)"
        )
    return _decide(u, codes, note, hay, gaz)
