"""Traditional to simplified characters: mirror sites convert whole pages to traditional script.

Labels and metadata are matched in simplified form; the conversion is per line, so line numbers (the
provenance of every cell) stay those of the source text.
"""

from __future__ import annotations

from functools import cache

import opencc

# A simplified report has essentially no characters that t2s changes; a converted page has many.
_MIN_CHANGED_SHARE = 0.02
# Traditional-only forms of characters every report uses (信息公開, 政府, 條例, 報告, 數量, 處理…): a page
# with none of them is simplified, and the costly conversion check is skipped.
_TRADITIONAL_HINTS = frozenset("開資訊條報務據數處決請縣區鎮鄉會這個們為與從來對時")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def simplify_lines(lines: list[str]) -> tuple[list[str], bool]:
    """(lines in simplified script, whether the text was traditional). Simplified text is left as is."""
    sample = "".join(lines)[:20000]
    if not _TRADITIONAL_HINTS.intersection(sample):
        return lines, False
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return lines, False
    converted = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    if changed / han < _MIN_CHANGED_SHARE:
        return lines, False
    return [to_simplified(line) for line in lines], True
