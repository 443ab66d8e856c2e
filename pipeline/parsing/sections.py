"""Locate the report's sections (二 主动公开, 三 依申请, 四 复议诉讼, 五 问题) by their headings."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.parsing.normalize import squash

# A heading is a short line; the same words inside a narrative paragraph are not a heading.
_MAX_HEADING = 40

# A heading is the whole line: an optional numeral, sometimes mangled ("三是收到和处理…"), the section's
# words, nothing after them but its own words. A line of wrapped prose that lists the sections
# ("请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改") is not a heading.
_PREFIX = r"^[一二三四五六七八九十\d()、.,:是]{0,4}"
HEADINGS = {
    "t2": regex.compile(_PREFIX + r"主动公开政府(信息|政府)(的)?情况[:。]?$"),
    "t3": regex.compile(_PREFIX + r"收到和处理政府信息公开申请(的)?情况[:。]?$"),
    "t4": regex.compile(
        _PREFIX + r"(因)?政府信息公开(工作)?(被申请)?行政复议.{0,12}行政诉讼(的)?情况[:。]?$"
    ),
    "end": regex.compile(_PREFIX + r"(政府信息公开工作)?存在的主要问题[^、]{0,12}$"),
}
# Table 二's sub-table heading, when the section heading itself is missing.
_T2_FALLBACK = regex.compile(r"第二十条第\(一\)项")
ORDER = ("t2", "t3", "t4", "end")


@dataclass(frozen=True)
class Region:
    table_code: str
    start: int  # index of the first line after the heading (0-based)
    end: int  # index one past the last line
    heading_line: int | None  # 1-based line of the heading, None when it was not found


@dataclass(frozen=True)
class ReadText:
    """What the parser made of a report's lines before reading its tables: the lines in simplified script
    (pipeline.parsing.script.simplify_lines) and table_regions of them. The parse workers pass it on to the
    narrative's claims, which read the same lines, so neither is made twice."""

    simplified: list[str]
    regions: dict[str, Region]


def find_headings(lines: list[str]) -> dict[str, int]:
    """0-based line index of each section heading found, first occurrence in document order."""
    found: dict[str, int] = {}
    # every heading ends in 情况 or names 存在的主要问题: a cheap test before the patterns. Tested on the
    # line as written first (in one comprehension over all lines), which spares squashing most lines: no
    # other character normalises to 情 or 问, so a line without either cannot squash to 情况 or 问题.
    candidates = [idx for idx, line in enumerate(lines) if "情" in line or "问" in line]
    for idx in candidates:
        text = squash(lines[idx])
        if not text or len(text) > _MAX_HEADING or ("情况" not in text and "问题" not in text):
            continue
        for key in ORDER:
            if key not in found and HEADINGS[key].search(text):
                found[key] = idx
                break
    if "t2" not in found:
        for idx, line in enumerate(lines):
            if "第二十条" in line and _T2_FALLBACK.search(squash(line)):
                # the sub-heading line belongs to the table: start the region on it
                found["t2"] = idx - 1
                break
    return found


def table_regions(lines: list[str]) -> dict[str, Region]:
    """Line ranges of tables 二, 三, 四: from their heading to the next heading found (or the end)."""
    found = find_headings(lines)
    regions: dict[str, Region] = {}
    for i, key in enumerate(ORDER[:-1]):
        if key not in found:
            continue
        start = found[key] + 1
        end = len(lines)
        for later in ORDER[i + 1 :]:
            if later in found and found[later] >= start:
                end = found[later]
                break
        regions[key] = Region(key, start, end, found[key] + 1 if found[key] >= 0 else None)
    return regions
