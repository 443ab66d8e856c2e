"""Read an issuing unit's name: which division it belongs to, which places it also names, department or not.

湘潭县花石镇人民政府 → own 花石镇, context [湘潭县], the government of 花石镇
湘乡市政府办         → own 湘乡市, a department of 湘乡市
花石乡人民政府       → no exact name; reads as a 乡, so its short form 花石 is looked up among townships
政府办公室           → no place at all: a department whose government must come from the text
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.units.gazetteer import Gazetteer

# What may follow a place when the unit is that place's own government (not one of its departments).
_GOVERNMENT_REST = ("人民政府办事处", "人民政府", "政府", "办事处", "管理委员会", "管委会")
# After a 街道, 办 / 工委 still mean the street's own office (街道办 = 街道办事处).
_STREET_REST = ("办", "工委", "党工委")
# A short place name (湘乡) counts in a unit name only right before one of these or before another place.
_AFTER_SHORT = ("人民政府", "政府", "党委", "县委", "市委", "区委", "州委", "旗委", "人大", "政协")
# A name that ends like a division but is not one by its exact name: renamed or re-suffixed (花石乡).
_DIVISION_LIKE = regex.compile(
    r"(?P<stem>\p{Han}{2,12}?)(?P<suffix>街道办事处|街道|镇|乡|苏木|自治县|县|区|市|旗|自治州|州|盟|省)"
)
# Which code lengths a suffix can name.
_SUFFIX_LEVELS = {"街道办事处": (9,), "街道": (9,), "镇": (9,), "乡": (9,), "苏木": (9,), "自治县": (6,),
                  "县": (6,), "区": (6,), "旗": (6,), "市": (4, 6), "自治州": (4,), "州": (4,), "盟": (4,),
                  "省": (2,)}  # fmt: skip
_LEADING_NOISE = regex.compile(r"^(关于|中共|中国共产党|\s|\d{4}\s*年度?)+")
_NOT_HAN = regex.compile(r"[^\p{Han}]+")


@dataclass(frozen=True)
class Place:
    text: str  # as written in the unit name
    codes: tuple[str, ...]  # divisions it can be
    form: str  # "full" (exact name), "short" (name without its suffix), "stem" (renamed / re-suffixed)


@dataclass(frozen=True)
class UnitName:
    name: str  # the cleaned name (Han characters only)
    own: Place | None  # the division the unit is the government of, or that its department belongs to
    context: tuple[Place, ...]  # places named before `own` (湘潭县 in 湘潭县花石镇): its parents
    is_department: bool


def clean(name: str) -> str:
    return _NOT_HAN.sub("", _LEADING_NOISE.sub("", name.strip()))


def _place_at(name: str, i: int, gaz: Gazetteer, after_place: bool) -> Place | None:
    # Longest exact name first. Two-character names (城区, 郊区) are common words: only at a word start.
    for n in range(min(gaz.max_name_len, len(name) - i), 1, -1):
        codes = gaz.by_name.get(name[i : i + n])
        if codes and (n > 2 or i == 0 or after_place):
            return Place(name[i : i + n], codes, "full")
    for n in range(min(gaz.max_short_len, len(name) - i), 1, -1):
        # short township names (二塘) are too loose inside a longer name: county level and up only
        codes = tuple(c for c in gaz.by_short.get(name[i : i + n], ()) if len(c) <= 6)
        if codes and (name.startswith(_AFTER_SHORT, i + n) or _place_at(name, i + n, gaz, True)):
            return Place(name[i : i + n], codes, "short")
    return None


def _places(name: str, gaz: Gazetteer) -> tuple[list[Place], int]:
    """The run of consecutive places from the first position where one is named; and where it ends."""
    for start in range(len(name)):
        places, i = [], start
        while i < len(name) and (p := _place_at(name, i, gaz, bool(places))):
            places.append(p)
            i += len(p.text)
        if places:
            return places, i
    return [], 0


def _strip_government(text: str) -> str:
    for suffix in _GOVERNMENT_REST:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _by_stem(text: str, gaz: Gazetteer) -> Place | None:
    """花石乡 → the townships whose short form is 花石; None if text does not end like a division."""
    m = _DIVISION_LIKE.fullmatch(text)
    if not m:
        return None
    lengths = _SUFFIX_LEVELS[m["suffix"]]
    codes = tuple(c for c in gaz.by_short.get(m["stem"], ()) if len(c) in lengths)
    return Place(text, codes, "stem")


def split_unit_name(unit_name: str, gaz: Gazetteer) -> UnitName:
    name = clean(unit_name)
    places, end = _places(name, gaz)
    if places and _DEPARTMENT_END.search(places[-1].text):
        # a few divisions carry an agency's name (林业局, 林草局, 农科所 in 黑龙江 and 新疆): at the end of a
        # unit name such a word names the unit's department (鸡东县林业局), not that division
        end -= len(places[-1].text)
        places = places[:-1]
        if not places:
            return UnitName(name, None, (), is_department=True)
        return UnitName(name, places[-1], tuple(places[:-1]), is_department=True)
    rest = name[end:]
    if places and (
        rest == "" or rest in _GOVERNMENT_REST or (places[-1].text.endswith("街道") and rest in _STREET_REST)
    ):
        return UnitName(name, places[-1], tuple(places[:-1]), is_department=False)
    # the unit's own name is after the places (湘潭县花石乡) or the whole name (花石乡人民政府)
    own = _by_stem(_strip_government(rest if places else name), gaz)
    if own is not None:
        return UnitName(name, own, tuple(places), is_department=False)
    if places:
        return UnitName(name, places[-1], tuple(places[:-1]), is_department=True)
    return UnitName(name, None, (), is_department=looks_like_department(name))


_DEPARTMENT_END = regex.compile(r"(局|厅|委|委员会|办|办公室|中心|所|站|院|馆|队|处|部|室|司|署|会|社)$")


def looks_like_department(unit_name: str) -> bool:
    """A 局 / 办 / 委员会 … rather than a government (人民政府, 镇, 街道办事处, 管委会)."""
    name = clean(unit_name)
    if (
        name.endswith(_GOVERNMENT_REST)
        or name.endswith(("街道办", "街道工委"))
        or _DIVISION_LIKE.fullmatch(name)
    ):
        return False
    return bool(_DEPARTMENT_END.search(name))
