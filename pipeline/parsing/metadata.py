"""Report metadata from the text: issuing unit, report year, stated statistical period, publication date."""

from __future__ import annotations

from datetime import date

import regex

from pipeline.parsing.model import ReportMeta
from pipeline.parsing.normalize import squash

_TITLE = regex.compile(r"政府信息公开(工作)?(年度)?(工作)?报告")
_TITLE_YEAR = regex.compile(r"(?<!\d)(20\d{2}|19\d{2})年(度)?")
_UNIT_IN_TITLE = regex.compile(r"^(关于)?(?P<unit>.+?)(关于)?(\d{4}年(度)?)?(的)?(政府信息公开|政务公开)")
_LEADING_NON_HAN = regex.compile(r"^[^\p{Han}]+")
_YEAR = regex.compile(r"(?<!\d)(20\d{2})年(度)?")
# The subject of a first narrative sentence: "2023年，虞唐镇政府信息公开工作…"
_UNIT_SUFFIX = r"(人民政府|街道办事处|办事处|管理委员会|委员会|管委会|政府办公室|办公室|政府办|街道|镇|乡|县|区|市|局|厅|委|办|中心)"
# A subject that starts with a pronoun or a preposition ("我局…", "在县委…", "通过县…") is not a name.
_NARRATIVE_UNIT = regex.compile(
    r"^(20\d{2})年(度)?(以来)?[,，]?(?P<unit>(?![我本在通围全按根坚认为以紧着深各])[\p{Han}]{2,20}?"
    + _UNIT_SUFFIX
    + r")(?=政府信息公开|政务公开|坚持|认真|深入|全面|围绕|按照|严格|高度|以|在|紧扣|持续|积极|进一步|[,，])"
)
# The unit as the subject of an opening sentence, after a boundary ("今年以来,荣昌区林业局认真…",
# "…的坚强领导下,官洲街道办事处认真…", "现将北坡镇2022年政府信息公开…") and before a verb or the report's
# own words. A subject starting with a pronoun or a collective ("我局", "全县", "各部门") is no name.
_SUBJECT = regex.compile(
    r"(?:^|[,，:：;；]|以来|领导下)(?:现将|现公布|特向社会公布|特编制|编制|公布|发布)?"
    r"(?P<unit>(?![我本全各该其现特编公发])[\p{Han}]{2,20}?"
    + _UNIT_SUFFIX
    + r")(?=认真|坚持|深入|全面|围绕|按照|严格|高度|利用|积极|进一步|持续|紧扣|主动|始终|切实|不断|20\d{2}年(度)?政府信息公开)"
)
_DATE = r"(?P<{p}y>20\d{{2}})年?(?P<{p}m>\d{{1,2}})月(?P<{p}d>\d{{1,2}})日"
# The end date may omit its year ("2023年1月1日至12月31日") and even its 日 ("至12月31止").
_END_DATE = r"(?:(?P<by>20\d{2})年?)?(?P<bm>\d{1,2})月(?P<bd>\d{1,2})日?"
_PERIOD = regex.compile(
    r"(统计|数据)?(期限|期间|时间|时限)?(为|是)?(自|从)?"
    + _DATE.format(p="a")
    + r"(起)?[,，]?(至|到|-|—)"
    + _END_DATE
)
# A period whose 年/月 were lost in conversion: "统计期限自202111日起至20211230日止".
_PERIOD_LOST = regex.compile(
    r"(期限|期间|时间|时限)(为|是)?自(?P<a>20\d{3,6})日(起)?[,，]?(至|到)(?P<b>20\d{3,6})日"
)
_DATE_LINE = regex.compile(r"^" + _DATE.format(p="") + r"$")
_SIGNATURE = regex.compile(r"^[\p{Han}()]{2,30}" + _UNIT_SUFFIX + r"$")


def _date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _lost_date(digits: str) -> date | None:
    """ "202111" → 2021-01-01, "20211230" → 2021-12-30; three digits after the year ("2021111") could be
    1月11日 or 11月1日, so they give nothing."""
    year, rest = digits[:4], digits[4:]
    if len(rest) == 2:
        return _date(year, rest[0], rest[1])
    if len(rest) == 4:
        return _date(year, rest[:2], rest[2:])
    return None


def _title_line(lines: list[str]) -> str | None:
    for line in lines[:15]:
        text = squash(line)
        if 6 < len(text) <= 60 and _TITLE.search(text) and "。" not in text:
            return text
    return None


def _unit_from_title(title: str) -> str | None:
    m = _UNIT_IN_TITLE.search(title)
    if not m:
        return None
    # drop page furniture before the name ("Page8-") and punctuation around it
    unit = _LEADING_NON_HAN.sub("", _TITLE_YEAR.sub("", m["unit"])).strip("《》<>:：,，")
    return unit or None


def _tail(lines: list[str], n: int) -> list[str]:
    """The last n non-empty squashed lines, in order (only the end of the text is squashed)."""
    tail: list[str] = []
    for line in reversed(lines):
        text = squash(line)
        if text:
            tail.append(text)
            if len(tail) == n:
                break
    tail.reverse()
    return tail


def read_metadata(lines: list[str]) -> ReportMeta:
    meta = ReportMeta()
    # Lines are squashed where they are read, not all up front: the period statement stops its scan early,
    # and the other fields are read in the head and the tail of the text, the head only when the title
    # did not give them.
    title = _title_line(lines)
    if title:
        meta.unit_name = _unit_from_title(title)
        m = _TITLE_YEAR.search(title)
        if m:
            meta.year = int(m[1])

    for line in lines:
        text = squash(line)
        if "日" not in text:  # every period statement ends its dates in 日
            continue
        m = _PERIOD.search(text)
        if m:
            meta.stated_period_start = _date(m["ay"], m["am"], m["ad"])
            meta.stated_period_end = _date(m["by"] or m["ay"], m["bm"], m["bd"])
            break
        m = _PERIOD_LOST.search(text)
        if m:
            meta.stated_period_start = _lost_date(m["a"])
            meta.stated_period_end = _lost_date(m["b"])
            break

    if meta.year is None or meta.unit_name is None:
        for text in map(squash, lines[:40]):
            if not text or _PERIOD.search(text):
                continue
            if meta.unit_name is None:
                m = _NARRATIVE_UNIT.search(text)
                if m:
                    meta.unit_name = m["unit"]
            if meta.year is None:
                m = _YEAR.search(text)
                if m:
                    meta.year = int(m[1])
            if meta.year is not None and meta.unit_name is not None:
                break
    if meta.unit_name is None:
        for text in map(squash, lines[:15]):
            m = _SUBJECT.search(text)
            if m:
                meta.unit_name = m["unit"]
                break
    if meta.year is None and meta.stated_period_end is not None:
        meta.year = meta.stated_period_end.year

    # The signature block: a unit name line, then a date line, at the end of the text.
    tail = _tail(lines, 6)
    for k, text in enumerate(tail):
        m = _DATE_LINE.match(text)
        if m:
            meta.published_on = _date(m["y"], m["m"], m["d"])
            if meta.unit_name is None and k > 0 and _SIGNATURE.match(tail[k - 1]):
                meta.unit_name = tail[k - 1]
    return meta
