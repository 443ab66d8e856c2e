"""Numbers the report's narrative states about its own tables ("共收到政府信息公开申请8件").

The narrative is the text outside tables 二, 三 and 四 (section 一 总体情况, sections 五 and 六). A claim is a
number the narrative clearly gives for one table cell; the anomaly rule narrative_table_mismatch compares
it with the table. Extraction is conservative: a phrase gives a claim only when a pattern of
pipeline/data/narrative_patterns.csv matches it exactly, with the number right after the words that name
the cell ("收到政府信息公开申请约100件", "共收到申请若干件" give nothing), and not in a sentence about a
part (其中, 通过网络…) or a wider scope (全市, 各部门…) or a part of the year (上半年, 1-6月).

Patterns are data: pipeline/data/narrative_patterns.csv has one row per pattern, with the cell it speaks
about (table_code, row_code, col_code: 2021-edition codes), a `regex` pattern matched in the squashed text
(normalize + no whitespace: full-width digits and punctuation are half-width, "，" is ","), whose named
group `n` is the number, or a fixed `value` for phrases such as "未收到政府信息公开申请" (0), and an example.

Plain Python, no Dagster, no database.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from itertools import chain

import regex

from pipeline.parsing.decode import decode
from pipeline.parsing.html import html_to_lines, looks_like_html
from pipeline.parsing.normalize import squash
from pipeline.parsing.script import simplify_lines
from pipeline.parsing.sections import ReadText, Region, table_regions


@dataclass(frozen=True)
class Claim:
    table_code: str
    row_code: str
    col_code: str
    value: Decimal
    source_line: int  # 1-based line of the phrase in the lines given
    phrase: str  # the matched text (squashed: no whitespace, half-width)
    # The year the claim's sentence names before the phrase ("2022年…制定规范性文件0件" → 2022), None when
    # it names none. The anomaly rule skips a claim whose stated_year is not the report's year.
    stated_year: int | None = None


@dataclass(frozen=True)
class NarrativePattern:
    table_code: str
    row_code: str
    col_code: str
    pattern: regex.Pattern
    value: Decimal | None  # a fixed value, or None: the value is the pattern's group "n"


# A sentence: the text up to and with its end, or the text after the last end. Sentences end at these
# (after normalisation "；" is ";", "！" is "!", "？" is "?").
_SENTENCE = regex.compile(r"[^。;!?]*[。;!?]|[^。;!?]+")
# A clause starts after these: the words that veto a claim must stand in the claim's own clause.
_CLAUSE_START = regex.compile(r"[,:、]")
_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d{2})年")
# Words before the phrase, in its clause, that make the number about a part or about a wider scope than the
# report's unit: such a phrase gives no claim.
_VETO_IN_CLAUSE = regex.compile(
    r"其中|通过|网上|网络|信函|当面|传真|邮件|邮寄|电话|平台|系统"  # a channel or a subset
    r"|全(?:省|市|州|盟|县|区|旗|镇|乡)|各(?:级|部门|单位|地|乡|镇|街道|县|区|市)|所属|下属|系统内"  # a wider scope
)
# A sentence about a part of the year (上半年, 第一季度, 1-6月, 1至6月, 三个月) gives no claim.
_VETO_IN_SENTENCE = regex.compile(
    r"上半年|下半年|季度|\d{1,2}(?:-|—|~|至|到)\d{1,2}月|\d{1,2}月(?:份|至|到)|\d+个月|[一二三四五六七八九十]个月"
)
# A line with these is a table row, even outside the table sections.
_TABLE_ROW = regex.compile(r"\||\S\t")


@cache
def narrative_patterns() -> tuple[NarrativePattern, ...]:
    """The patterns of pipeline/data/narrative_patterns.csv, compiled, in file order."""
    path = resources.files("pipeline").joinpath("data", "narrative_patterns.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    patterns = []
    for row in rows:
        compiled = regex.compile(row["pattern"])
        value = Decimal(row["value"]) if row["value"] else None
        if value is None and "n" not in compiled.groupindex:
            raise ValueError(f"narrative pattern {row['pattern']!r} has neither a group n nor a value")
        patterns.append(
            NarrativePattern(row["table_code"], row["row_code"], row["col_code"], compiled, value)
        )
    return tuple(patterns)


# What would change the meaning of a pattern inside a larger one: references to groups (backreferences,
# conditionals, recursion), found as group 1; other escapes are skipped ("\\(" is no group).
_REFERENCE = regex.compile(r"(\\[1-9g]|\(\?(?:P[=>]|[0-9R&+(-]))|\\.")


@cache
def _any_pattern() -> regex.Pattern | None:
    """All the patterns as one alternation, which matches a text where any of them does: nearly every
    sentence matches none, and one search says so where one per pattern would be run. None when a
    pattern cannot stand in an alternation unchanged (a global flag or a reference to a group)."""
    patterns = [spec.pattern for spec in narrative_patterns()]
    plain = regex.compile("").flags
    if any(p.flags != plain or any(m[1] for m in _REFERENCE.finditer(p.pattern)) for p in patterns):
        return None
    return regex.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def narrative_line_indexes(lines: list[str], regions: dict[str, Region] | None = None) -> list[int]:
    """0-based indexes of the narrative lines: the lines outside the table sections (before table 二's
    heading, and from section 五's heading on, as pipeline.parsing.sections finds them), plus the lines
    inside them that are full sentences (a "。": a narrative sub-heading such as "1.主动公开政府信息的情况"
    can be taken for a section heading). A table-like line (cells separated by '|' or tabs) never is.
    regions: table_regions(lines), when the caller has them already (the parser found them)."""
    regions = table_regions(lines) if regions is None else regions
    first = last = 0  # the table sections' lines: first to last - 1
    if regions:
        first = min(max(r.start - 1, 0) for r in regions.values())  # the heading line itself too
        last = max(r.end for r in regions.values())
    sentences_in_tables = (i for i in range(first, last) if "。" in lines[i])
    return [
        i
        for i in chain(range(first), sentences_in_tables, range(last, len(lines)))
        if not _looks_like_row(lines[i])
    ]


def _looks_like_row(line: str) -> bool:
    return ("|" in line or "\t" in line) and _TABLE_ROW.search(line.strip()) is not None  # a cheap test first


def narrative_claims(lines: list[str], read: ReadText | None = None) -> list[Claim]:
    """The claims of the narrative lines, in line order; source_line is 1-based in `lines`.
    read: what the parser made of these same lines, if it read them (see sections.ReadText)."""
    if read is None:
        simplified, regions = simplify_lines(lines)[0], None
    else:
        simplified, regions = read.simplified, read.regions
    return [
        replace(claim, source_line=idx + 1)
        for idx in narrative_line_indexes(simplified, regions)
        for claim in _line_claims(simplified[idx])
    ]


# Bounded, so memory stays flat on any corpus; lines repeat across reports (a template's sentences), and
# a line already read is not squashed, split and matched again.
@lru_cache(maxsize=1 << 16)
def _line_claims(line: str) -> tuple[Claim, ...]:
    """The claims of one narrative line, in text order, with source_line 0 (the caller's to set)."""
    claims: list[Claim] = []
    seen: set[tuple] = set()  # two patterns matching the same phrase give one claim
    offset = 0
    for sentence in _sentences(squash(line)):
        for start, claim in _sentence_claims(sentence, 0):
            key = (claim.table_code, claim.row_code, claim.col_code, offset + start)
            if key not in seen:
                seen.add(key)
                claims.append(claim)
        offset += len(sentence)
    return tuple(claims)


def claims_from_source(data: bytes | str, file_name: str = "") -> list[Claim]:
    """The claims of one raw report file, read as the parser reads it: decoded, and for HTML the text
    derived from the page, with source_line mapped back to the line of the file."""
    return claims_from_lines(*source_lines(data, file_name))


def source_lines(data: bytes | str, file_name: str = "") -> tuple[list[str], list[int] | None]:
    """The report's lines as read (decoded; for HTML, the page's text lines) and, for HTML, the 1-based
    line of the file each one comes from (None: the lines are the file's own)."""
    text = decode(data)[0] if isinstance(data, bytes) else data
    if looks_like_html(text, file_name):
        lines, lines_in_file = html_to_lines(text)
        return lines, lines_in_file
    return text.splitlines(), None


def claims_from_lines(
    lines: list[str], lines_in_file: list[int] | None = None, read: ReadText | None = None
) -> list[Claim]:
    """narrative_claims, with source_line mapped through lines_in_file when the lines were derived."""
    claims = narrative_claims(lines, read)
    if lines_in_file is None:
        return claims
    return [
        replace(c, source_line=lines_in_file[c.source_line - 1])
        if 0 < c.source_line <= len(lines_in_file)
        else c
        for c in claims
    ]


def _sentences(text: str) -> list[str]:
    """Split after each sentence end, keeping the ends (a sentence is the unit a year applies to)."""
    return _SENTENCE.findall(text)


def _sentence_claims(sentence: str, line_no: int) -> list[tuple[int, Claim]]:
    """(offset in the sentence, claim) for each pattern match that no veto rules out, in text order."""
    any_pattern = _any_pattern()
    if any_pattern is not None and not any_pattern.search(sentence):
        return []
    if _VETO_IN_SENTENCE.search(sentence):
        return []
    found: list[tuple[int, Claim]] = []
    for spec in narrative_patterns():
        for m in spec.pattern.finditer(sentence):
            before = sentence[: m.start()]
            clause_start = max((c.end() for c in _CLAUSE_START.finditer(before)), default=0)
            if _VETO_IN_CLAUSE.search(before[clause_start:]) or _VETO_IN_CLAUSE.search(m[0]):
                continue
            value = spec.value if spec.value is not None else Decimal(m["n"].replace(",", ""))
            years = _YEAR.findall(before)
            stated_year = int(years[-1]) if years else None
            claim = Claim(spec.table_code, spec.row_code, spec.col_code, value, line_no, m[0], stated_year)
            found.append((m.start(), claim))
    found.sort(key=lambda item: item[0])
    return found
