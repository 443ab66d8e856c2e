"""How strongly a report's text names a given division (a candidate's county, city or province).

A full name (湘潭县, 湘潭市) is strong. A short name (湘潭) is strong only where it plainly names the place:
right before 政府 / 县委 / 融媒 … or next to another name of the same chain ("湖南湘潭", "湘潭花石镇");
elsewhere it is weak, because short names are often ordinary words (新建, 朝阳, 和平, 城关).
"""

from __future__ import annotations

from dataclasses import dataclass

STRONG, WEAK, NONE = 2, 1, 0
# Marks the unit's own name in the text (masked so that e.g. 湘乡镇 never counts as 湘乡市).
OWN = "\x00"
# After a short name, a division suffix means another division's full name (湘潭 + 县 = 湘潭县, not 湘潭市).
_SUFFIX_CHARS = frozenset("省市县区州旗盟镇乡村街")
_STRONG_AFTER = ("人民政府", "政府", "党委", "县委", "市委", "区委", "州委", "旗委", "人大", "政协", "融媒",
                 "日报", "政务", "门户", "发布", "在线")  # fmt: skip


@dataclass(frozen=True)
class Mention:
    strength: int  # STRONG / WEAK / NONE
    text: str  # the name as found ("" if none)


def _short_strength(text: str, short: str, full: str, neighbours: tuple[str, ...]) -> int:
    best, i = NONE, text.find(short)
    while i >= 0 and best < STRONG:
        after = i + len(short)
        if text.startswith(full, i) or text[after : after + 1] in _SUFFIX_CHARS:
            pass  # part of a full name: counted as such, or another division's name
        elif (
            text.startswith(_STRONG_AFTER, after)
            or text.startswith(neighbours, after)
            or any(text.endswith(n, 0, i) for n in neighbours)
        ):
            best = STRONG
        else:
            best = WEAK
        i = text.find(short, after)
    return best


def mention(text: str, name: str, short: str | None, neighbours: tuple[str, ...]) -> Mention:
    """How `text` names a division called `name` (short form `short`). `neighbours`: the other names of
    the candidate's chain (its parents' and its own, full and short, and OWN) that make a short name strong."""
    if name in text:
        # a two-character full name (城区, 赵县) is as loose as a short one
        return Mention(
            STRONG if len(name) > 2 else max(WEAK, _short_strength(text, name, "\x01", neighbours)), name
        )
    if short:
        s = _short_strength(text, short, name, neighbours)
        if s:
            return Mention(s, short)
    return Mention(NONE, "")
