"""HTML reports: expand every <table> into a grid (rowspan/colspan), then write it as tab rows.

The rest of the parser reads tab rows already, so HTML needs no reader of its own. Each output line
remembers the source line of the HTML element it came from, for provenance.
"""

from __future__ import annotations

from itertools import repeat

import lxml.html
from lxml import etree

# A grid position covered by another cell's rowspan/colspan: not a cell of its own. Written as a private-use
# character so the tokenizer can drop it, while a real empty <td></td> stays an empty cell.
SPANNED = "\ue000"

# lxml.html's parser picks each element's Python class by calling back into Python (special classes for form
# fields), once per element touched. This parser gives every element the plain HtmlElement class from C:
# the same tree, text and methods for everything read here, without a Python call per element.
_PARSER = lxml.html.HTMLParser()
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "section", "article", "title"}


def looks_like_html(text: str, file_name: str = "") -> bool:
    if file_name.lower().endswith((".html", ".htm", ".shtml", ".xhtml")):
        return True
    if "<" not in text:  # no tag at all: spares lowercasing the whole text
        return False
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or (
        "<table" in text.lower() and "</td>" in text.lower()
    )


def _cell_text(cell: etree._Element) -> str:
    # a cell's own line breaks (a header split over lines: 商业<br>企业) are not cell boundaries
    if len(cell):
        return " ".join("".join(cell.itertext()).split())
    text = cell.text  # most cells hold one text node: the same text, without the iterator
    return " ".join(text.split()) if text else ""


def _spans(cell: etree._Element) -> tuple[int, int]:
    """(rowspan, colspan) of a cell, clamped; malformed values count as 1."""
    rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
    if rowspan is None and colspan is None:  # most cells: nothing to parse
        return 1, 1
    try:
        rowspan = max(1, int(rowspan or 1))
        colspan = max(1, int(colspan or 1))
    except ValueError:
        return 1, 1
    return min(rowspan, 100), min(colspan, 50)


# Compiled once: element.xpath(...) compiles its expression on every call.
_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
_CELL_TAGS = ("td", "th")


def _table_lines(table: etree._Element) -> list[tuple[str, int]]:
    # grid[r][c]: the text of each grid position filled so far, one dict per row (rows a rowspan reaches
    # past the last <tr> included: they count for the width, like the rows written)
    grid: list[dict[int, str]] = []
    row_lines: list[int] = []
    width = 0
    for r, tr in enumerate(_ROWS(table)):
        row_lines.append(tr.sourceline or 0)
        if r == len(grid):
            grid.append({})
        row = grid[r]
        c = 0
        for cell in tr:  # the <td> and <th> children: a loop is cheaper than an XPath call per row
            if cell.tag not in _CELL_TAGS:
                continue
            while c in row:
                c += 1
            rowspan, colspan = _spans(cell)
            # a spanned cell holds its text once, in its top-left position, like the text layouts
            row[c] = _cell_text(cell)
            if rowspan > 1 or colspan > 1:
                _mark_spanned(grid, r, c, rowspan, colspan)
            c += colspan
            width = max(width, c)
    if not width:  # no cell at all
        return []
    return [
        ("\t".join(map(row.get, range(width), repeat(SPANNED, width))), line)
        for row, line in zip(grid, row_lines, strict=False)  # rows past the last <tr> are not written
    ]


def _mark_spanned(grid: list[dict[int, str]], r: int, c: int, rowspan: int, colspan: int) -> None:
    """Mark the positions a cell at (r, c) covers beyond its own as SPANNED."""
    while len(grid) < r + rowspan:
        grid.append({})
    for dr in range(rowspan):
        row = grid[r + dr]
        for dc in range(colspan):
            if dr or dc:
                row[c + dc] = SPANNED


def html_to_lines(text: str) -> tuple[list[str], list[int]]:
    """(text lines, the HTML source line of each). Tables become tab-separated rows."""
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return [], []
    for bad in root.xpath("//script | //style"):
        bad.drop_tree()
    lines: list[str] = []
    where: list[int] = []
    buffer: list[str] = []
    buffer_line = 0

    def flush() -> None:
        nonlocal buffer
        joined = " ".join("".join(buffer).split())
        if joined:
            lines.append(joined)
            where.append(buffer_line)
        buffer = []

    def walk(el: etree._Element) -> None:
        nonlocal buffer_line
        if not isinstance(el.tag, str):
            return
        if el.tag == "table":
            flush()
            for line, src in _table_lines(el):
                lines.append(line)
                where.append(src)
            lines.append("")
            where.append(el.sourceline or 0)
        else:
            if el.tag in _BLOCK_TAGS:
                flush()
            if el.text:
                if not buffer:
                    buffer_line = el.sourceline or 0
                buffer.append(el.text)
            for child in el:
                walk(child)
                if child.tail:
                    if not buffer:
                        buffer_line = child.sourceline or 0
                    buffer.append(child.tail)
            if el.tag in _BLOCK_TAGS:
                flush()

    title = root.find(".//title")
    if title is not None and title.text and title.text.strip():
        lines.append(title.text.strip())
        where.append(title.sourceline or 0)
    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return lines, where
