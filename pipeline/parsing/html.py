"""HTML reports: expand every <table> into a grid (rowspan/colspan), then write it as tab rows.

The rest of the parser reads tab rows already, so HTML needs no reader of its own. Each output line
remembers the source line of the HTML element it came from, for provenance.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

# A grid position covered by another cell's rowspan/colspan: not a cell of its own. Written as a private-use
# character so the tokenizer can drop it, while a real empty <td></td> stays an empty cell.
SPANNED = "\ue000"

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "section", "article", "title"}


def looks_like_html(text: str, file_name: str = "") -> bool:
    if file_name.lower().endswith((".html", ".htm", ".shtml", ".xhtml")):
        return True
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or (
        "<table" in text.lower() and "</td>" in text.lower()
    )


def _cell_text(cell: etree._Element) -> str:
    # a cell's own line breaks (a header split over lines: 商业<br>企业) are not cell boundaries
    return " ".join("".join(cell.itertext()).split())


def _table_lines(table: etree._Element) -> list[tuple[str, int]]:
    grid: dict[tuple[int, int], str] = {}
    row_lines: list[int] = []
    for r, tr in enumerate(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")):
        row_lines.append(tr.sourceline or 0)
        c = 0
        for cell in tr.xpath("./td | ./th"):
            while (r, c) in grid:
                c += 1
            try:
                rowspan = max(1, int(cell.get("rowspan", "1") or 1))
                colspan = max(1, int(cell.get("colspan", "1") or 1))
            except ValueError:
                rowspan = colspan = 1
            rowspan, colspan = min(rowspan, 100), min(colspan, 50)
            for dr in range(rowspan):
                for dc in range(colspan):
                    # a spanned cell holds its text once, in its top-left position, like the text layouts
                    grid[(r + dr, c + dc)] = _cell_text(cell) if dr == dc == 0 else SPANNED
            c += colspan
    if not grid:
        return []
    width = max(col for _, col in grid) + 1
    out = []
    for r, line in enumerate(row_lines):
        out.append(("\t".join(grid.get((r, col), SPANNED) for col in range(width)), line))
    return out


def html_to_lines(text: str) -> tuple[list[str], list[int]]:
    """(text lines, the HTML source line of each). Tables become tab-separated rows."""
    try:
        root = lxml.html.document_fromstring(text)
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
