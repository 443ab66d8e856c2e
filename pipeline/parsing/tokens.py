"""Turn report lines into a flat stream of cell tokens, whatever the separators.

Tables arrive with tabs, '|' runs, one cell per line, blank lines or spaces between cells. Every layout is
reduced to the same stream: TEXT, VALUE-like and EMPTY tokens, each carrying its line, plus a marker for
a blank line. The table reader decides what the gaps mean. (No token marks the end of a line: every token
carries its line, which is all the readers use, and a third of the tokens would be such markers.)
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, count, repeat
from operator import eq, itemgetter
from typing import NamedTuple

import regex

from pipeline.parsing.cells import classify
from pipeline.parsing.html import SPANNED
from pipeline.parsing.normalize import normalize, squash

TEXT = "text"
CELL = "cell"  # a number, an na mark or a dubious numeric text: something that fills a value cell
EMPTY = "empty"  # an explicitly empty cell between separators
BLANK_LINE = "blank_line"

_WS = regex.compile(r"[\s\u3000\xa0]+")
# "1." or "2、" before a row label is part of the label, not a number
_PAGE_NUMBER = regex.compile(
    r"^\s*(?:[-—]\s*\d{1,3}\s*[-—]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_ENUMERATOR = regex.compile(r"^\d{1,2}[.、]$")
_DIGIT = regex.compile(r"[0-9]")


class Token(NamedTuple):
    # a NamedTuple, not a dataclass: a report has thousands of tokens and tuples are cheap to make
    kind: str
    text: str  # squashed normalised text (no whitespace, no quotes)
    raw: str  # the text as written
    line: int  # 1-based
    cells_on_line: int = 0  # how many cells the source line held (for positional reading)
    # the separator the line marks its cells with, "|" or "\t" (so an empty cell shows as one), or ""
    explicit: str = ""


def _split_cell(raw: str) -> list[tuple[str, str]]:
    """Split one cell on whitespace into parts, keeping numbers apart and gluing text back together.

    "规章 0 0 0" (a PDF line) gives 规章, 0, 0, 0; "1. 属于国家秘密" stays one text part.
    """
    out: list[tuple[str, str]] = []
    pending: list[str] = []
    for part in _WS.split(raw.strip()):
        if not part:
            continue
        text = squash(part)
        if _ENUMERATOR.match(text) or classify(text) is None:
            pending.append(part)
            continue
        if pending:
            out.append((" ".join(pending), TEXT))
            pending = []
        out.append((part, CELL))
    if pending:
        out.append((" ".join(pending), TEXT))
    return out


def _line_cells(line: str) -> list[str] | None:
    """The cells of a line with explicit separators ('|' or tab), or None for a plain line."""
    norm = normalize(line)
    if "|" in norm:
        # Between two bars, a space is an empty cell ("规章 | 0 | | 0 |", "行政许可 | |||") while nothing at
        # all is a span filler or a border ("|||", "| 规章 |", a lone "|"): only the first is a cell.
        pieces = norm.split("|")
        if not pieces[-1].strip():
            pieces = pieces[:-1]  # trailing spaces after the last bar close nothing
        # the space before a closing run of fillers ("0 | ||") pads the run; it is not one more cell
        end = len(pieces)
        while end and pieces[end - 1] == "":
            end -= 1
        if end < len(pieces) and end and not pieces[end - 1].strip():
            del pieces[end - 1]
        return [p.strip() for p in pieces if p != ""]
    if "\t" in norm:
        fields = norm.split("\t")
        if SPANNED in fields and not _DIGIT.search(norm):
            # a header line (no number in it): a position its span covers stands under that header ("本年增/减"
            # over two columns), so it stays a field, and the line as wide as the rows under it
            pieces = ["" if p == SPANNED else p.strip() for p in fields]
        else:
            # in a row, positions covered by an HTML cell's span are not cells: only a real empty cell
            # leaves a gap
            pieces = [p.strip() for p in fields if p != SPANNED]
        filled = [p for p in pieces if p]
        if len(filled) <= 1 and not pieces[-1] and not (filled and pieces[0] and len(pieces) > 2):
            # "\t0" or "\t": one indented cell per line, the tab is indentation, not a separator (but
            # "规章\t\t\t" is a row's label and its empty fields, as wide as the header line above it)
            return filled if filled else [""]
        if len(filled) == 1 and not pieces[0]:
            return filled
        return pieces
    return None


@lru_cache(maxsize=1 << 16)
def _line_tokens(line: str) -> tuple[tuple[str, str, str, int, str], ...]:
    """The tokens of one line without its line number: (kind, text, raw, cells_on_line, explicit).

    Cached: report lines repeat heavily ("\t0", row labels), within and across reports."""
    cells = _line_cells(line)
    if cells is None:
        if not line.strip() or _PAGE_NUMBER.match(normalize(line)):
            # a page number of a PDF conversion ("- 8 -", "第3页") is not a cell: it would shift a row
            return ((BLANK_LINE, "", line, 0, ""),)
        cells = [normalize(line).strip()]
    n_cells = len(cells)
    explicit = ("|" if "|" in normalize(line) else "\t") if "|" in line or "\t" in line else ""
    out: list[tuple[str, str, str, int, str]] = []
    for cell in cells:
        if not cell:
            out.append((EMPTY, "", "", n_cells, explicit))
            continue
        for kind, text, part in _cell_parts(cell):
            out.append((kind, text, part, n_cells, explicit))
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def _cell_parts(cell: str) -> tuple[tuple[str, str, str], ...]:
    """(kind, squashed text, text as written) of each part of one cell. Cached apart from the lines: a
    tab or '|' row with its numbers is often new, its cells ("0", "12", its label) seldom are."""
    return tuple((kind, squash(part), part) for part, kind in _split_cell(cell))


# Token(...) goes through the NamedTuple's keyword-handling __new__; tuple.__new__ builds the same tuple at
# half the cost, and tokenize makes one per cell of every table.
_new_token = tuple.__new__


def tokenize(lines: list[str], start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of lines[start:end]; line numbers are 1-based indexes into `lines`."""
    end = len(lines) if end is None else end
    out: list[Token] = []
    append = out.append
    for idx in range(start, end):
        lineno = idx + 1
        for kind, text, raw, n_cells, explicit in _line_tokens(lines[idx]):
            append(_new_token(Token, (kind, text, raw, lineno, n_cells, explicit)))
    return out


_KIND = itemgetter(0)


def text_indexes(tokens: list[Token]) -> list[int]:
    """The indexes of the TEXT tokens (the only ones a label or a header can be), ascending. In C: the
    readers ask for them once per table of every report."""
    return list(compress(count(), map(eq, map(_KIND, tokens), repeat(TEXT))))
