"""Traditional to simplified characters: mirror sites convert whole pages to traditional script.

Labels and metadata are matched in simplified form; the conversion is per line, so line numbers (the
provenance of every cell) stay those of the source text.
"""

from __future__ import annotations

import operator
from functools import cache

import opencc
import regex

# A simplified report has essentially no characters that t2s changes; a converted page has many.
_MIN_CHANGED_SHARE = 0.02
# Traditional-only forms of characters every report uses (信息公開, 政府, 條例, 報告, 數量, 處理…): a page
# with none of them is simplified, and the costly conversion check is skipped.
_TRADITIONAL_HINTS = frozenset("開資訊條報務據數處決請縣區鎮鄉會這個們為與從來對時")
_HAN = regex.compile("[\u4e00-\u9fff]")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def _simplify_each(lines: list[str]) -> list[str]:
    """to_simplified of every line, in one conversion of the whole text rather than one per line: no
    phrase of OpenCC's dictionaries holds a line break, so each line converts as it would alone."""
    converted = to_simplified("\n".join(lines)).split("\n")
    if len(converted) != len(lines):  # a line with a break of its own: convert line by line
        return [to_simplified(line) for line in lines]
    return converted


def simplify_lines(lines: list[str]) -> tuple[list[str], bool]:
    """(lines in simplified script, whether the text was traditional). Simplified text is left as is."""
    sample = "".join(lines)[:20000]
    # one substring search per hint is far cheaper than a set made of every character of the sample
    if not any(hint in sample for hint in _TRADITIONAL_HINTS):
        return lines, False
    han = len(_HAN.findall(sample))
    if not han:
        return lines, False
    converted = to_simplified(sample)
    changed = sum(map(operator.ne, sample, converted))  # characters that differ, position by position
    if changed / han < _MIN_CHANGED_SHARE:
        return lines, False
    return _simplify_each(lines), True
