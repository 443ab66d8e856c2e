"""A whole report: the narrative and the three tables put together as a page of one layout, and its bytes.

Text layouts are paragraphs joined by the report's paragraph separator; the PDF layout hard-wraps its
prose and carries page numbers between paragraphs (never inside a table section, where a stray number
would be a cell); the HTML layout is a page with <p> paragraphs and <table>s.
"""

from __future__ import annotations

from functools import cache
from html import escape

import opencc

from bench.generator.layouts import compile_tables
from bench.generator.narrative import PDF_FURNITURE
from bench.generator.spec import ReportSpec

_FURNITURE = (
    "首页 > 政府信息公开 > 政府信息公开年报",
    "您当前所在位置：首页 > 信息公开 > 年度报告",
    "【打印】 【字体：大 中 小】",
)
_TABLE_NOTE = "该部分以表格形式报告。表格如下："


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


# Converted lines, reused across reports: table lines repeat a lot ("规章 | 0 | 0 | 0 |"), and OpenCC costs
# about as much as generating the report. Its dictionaries hold no phrase across a line break, so a line
# converts the same alone or within its text.
_TRADITIONAL: dict[str, str] = {}


def to_traditional(text: str) -> str:
    lines = text.split("\n")
    cache = _TRADITIONAL
    if len(cache) > 200_000:  # bound the memory of a long run
        cache.clear()
    missing = list(dict.fromkeys(line for line in lines if line not in cache))
    if missing:
        cache.update(zip(missing, _s2t().convert("\n".join(missing)).split("\n"), strict=True))
    return "\n".join([cache[line] for line in lines])


def _tables(spec: ReportSpec, layout: str) -> tuple[str, str, str]:
    t2, t3, t4 = compile_tables(layout, spec.edition, spec.style)
    texts = spec.values.texts
    if layout == "html" and spec.style.nbsp:
        texts = [t or "&nbsp;" for t in texts]
    return t2.fill(texts), t3.fill(texts), t4.fill(texts)


def _plain(spec: ReportSpec, tables: tuple[str, str, str]) -> str:
    n = spec.narrative
    h = n.heads
    ind, hp = spec.indent, spec.head_prefix
    parts: list[str] = []
    if spec.furniture:
        parts.append(_FURNITURE[spec.index % len(_FURNITURE)])
    parts.append(n.title)
    parts += [ind + p for p in n.intro]
    parts.append(hp + h.t1)
    parts += [ind + p for p in n.overall]
    parts.append(hp + h.t2)
    if spec.table_note:
        parts.append(_TABLE_NOTE)
    parts.append(tables[0])
    parts.append(hp + h.t3)
    if spec.table_note:
        parts.append(_TABLE_NOTE)
    parts.append(tables[1])
    parts.append(hp + h.t4)
    parts.append(tables[2])
    parts.append(hp + h.t5)
    parts += [ind + p for p in n.problems]
    parts.append(hp + h.t6)
    parts += [ind + p for p in n.other]
    parts.append("")
    parts.append(n.signature)
    parts.append(" " * (spec.index % 3 * 12) + n.date_line)
    return spec.para_sep.join(parts) + "\n"


_NO_LINE_START = frozenset("，。、；：）”》！？")


def _wrap(text: str, width: int) -> list[str]:
    """Hard-wrap prose as a PDF line does; punctuation never starts a line (it stays on the line before)."""
    lines = []
    i = 0
    while i < len(text):
        j = i + width
        while j < len(text) and text[j] in _NO_LINE_START:
            j += 1
        lines.append(text[i:j])
        i = j
    return lines


def _pdf(spec: ReportSpec, tables: tuple[str, str, str]) -> str:
    n = spec.narrative
    h = n.heads
    width = 30 + spec.index % 8
    page = [1]
    lines: list[str] = [n.title]

    def prose(paragraphs: tuple[str, ...], page_break: bool) -> None:
        for k, p in enumerate(paragraphs):
            lines.extend(_wrap("\u3000\u3000" + p if not p.startswith("（") else p, width))
            if page_break and k == 1:
                page[0] += 1
                lines.append(PDF_FURNITURE[spec.index % len(PDF_FURNITURE)].format(p=page[0]))

    prose(n.intro, False)
    lines.append(h.t1)
    prose(n.overall, True)
    lines += [h.t2, tables[0], h.t3, tables[1], h.t4, tables[2], h.t5]
    prose(n.problems, True)
    lines.append(h.t6)
    prose(n.other, False)
    lines += [n.signature, n.date_line]
    return "\n".join(lines) + "\n"


def _html(spec: ReportSpec, tables: tuple[str, str, str]) -> str:
    n = spec.narrative
    h = n.heads
    charset = "gbk" if spec.encoding == "gbk" else "utf-8"

    def p(text: str) -> str:
        return f"<p>{escape(text, quote=False)}</p>"  # the prose quotes 〈…〉 titles as <…> at times

    def head(text: str) -> str:
        return f"<p><strong>{text}</strong></p>"

    body = [f'<div class="title"><h1>{n.title}</h1></div>', '<div class="content">']
    if spec.furniture:
        body.insert(0, f'<div class="nav">{_FURNITURE[spec.index % len(_FURNITURE)]}</div>')
    body += [p(x) for x in n.intro]
    body.append(head(h.t1))
    body += [head(x) if len(x) < 20 else p(x) for x in n.overall]
    body += [head(h.t2), tables[0], head(h.t3), tables[1], head(h.t4), tables[2], head(h.t5)]
    body += [p(x) for x in n.problems]
    body.append(head(h.t6))
    body += [p(x) for x in n.other]
    body.append(f'<p style="text-align:right">{n.signature}</p>')
    body.append(f'<p style="text-align:right">{n.date_line}</p>')
    body.append("</div>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n'
        f'<meta charset="{charset}"/>\n<title>{n.title}</title>\n</head>\n<body>\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_report(spec: ReportSpec, layout: str | None = None) -> str:
    """The report's text in `layout` (default: the spec's own), traditional if the spec says so."""
    layout = layout or spec.layout
    tables = _tables(spec, layout)
    if layout == "html":
        text = _html(spec, tables)
    elif layout == "L5":
        text = _pdf(spec, tables)
    else:
        text = _plain(spec, tables)
    if spec.traditional:
        text = to_traditional(text)
    return text


def encode_report(spec: ReportSpec, text: str) -> tuple[bytes, str]:
    """(bytes, encoding used). GBK lacks a few rare characters of place names: then GB18030, its superset."""
    if spec.encoding == "gbk":
        try:
            return text.encode("gbk"), "gbk"
        except UnicodeEncodeError:
            return text.encode("gb18030"), "gb18030"
    return text.encode(spec.encoding), spec.encoding
