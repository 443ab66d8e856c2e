"""Traditional to simplified characters: mirror sites convert whole pages to traditional script.

Labels and metadata are matched in simplified form; the conversion is per line, so line numbers (the
provenance of every cell) stay those of the source text.
"""

from __future__ import annotations

from functools import cache

import opencc

# A simplified report has essentially no characters that t2s changes; a converted page has many.
_MIN_CHANGED_SHARE = 0.02


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def simplify_lines(lines: list[str]) -> tuple[list[str], bool]:
    """(lines in simplified script, whether the text was traditional). Simplified text is left as is."""
    sample = "".join(lines)[:20000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return lines, False
    converted = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    if changed / han < _MIN_CHANGED_SHARE:
        return lines, False
    return [to_simplified(line) for line in lines], True
