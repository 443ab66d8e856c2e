"""One renderer per layout: how a table grid (tables.py) reaches us as text, after the real converters.

LAYOUTS, with the real excerpts each one copies (shared/corpus/real, raw/):
- seed_lines  one cell per line with a tab indent, a blank line between rows; a rowspan's covered position
              is a lone tab line, a colspan's is dropped (raw/000, 001, 004)
- tab_rows    one row per line, cells tab-separated, spanned positions as empty cells; some rows shifted
              (their covered positions moved to the end, as in raw/003 "3.其他→→0…"), optional trailing
              empty column (raw/002, 003)
- L1          each cell on its line followed by a lone '|' line; optional '|||' filler lines (001, 022, 041)
- L2          each cell on its line ending ' |'; a colspan leaves a '|||' filler line (016)
- L2b         L2 with a lone '|' opening each row, fillers on the cell's line (025, r023)
- L3          one row per line 'a | b | c |', optional fillers for colspans (004, 036, r021)
- L4          each cell on its line, blank lines between cells, leading or trailing spaces (021, r022, r027)
- L5          PDF text: header glyphs stacked on two lines, a row's label and numbers space-separated on one
              line, long labels wrapped (045)
- html        a web page with <table> rowspan/colspan, <br/> in headers, optional &nbsp; fillers (036.html)

Speed: a layout, edition and style give one fixed table text in which only the cell texts change, so each
combination is rendered once with placeholders and kept as a Template (compile_tables); a report then costs
one fill. A value cell's text is never touched by a renderer, so '' (an empty cell) comes
out the way that layout shows an empty cell: a lone tab, ' |  |', an empty line, nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import regex

from bench.generator.tables import (
    CELL,
    COLCONT,
    ROWCONT,
    GCell,
    GRow,
    LabelStyle,
    Pos,
    expand,
    t2_grid,
    t3_grid,
    t4_grid,
)

LAYOUTS = ("seed_lines", "tab_rows", "L1", "L2", "L2b", "L3", "L4", "L5", "html")
# Layouts whose text keeps an empty cell in its place (a tab, separators, a <td>): blanks can be drawn.
EXPLICIT_EMPTY = frozenset({"seed_lines", "tab_rows", "L3", "html"})
# How often each layout is drawn (per cent).
LAYOUT_WEIGHTS = {
    "seed_lines": 14, "tab_rows": 14, "L1": 9, "L2": 8, "L2b": 5, "L3": 20, "L4": 8, "L5": 8, "html": 14,
}  # fmt: skip


@dataclass(frozen=True)
class LayoutStyle:
    labels: LabelStyle
    fillers: bool = False  # L1/L2/L3: '|||' fillers for spanned positions
    trailing: bool = False  # tab_rows: an extra empty column at the end of every row
    shift: int = 0  # tab_rows: 0 = no shifted rows; k > 0 = every k-th result row shifted
    pad: str = ""  # L4: "lead" (" 0"), "trail" ("0 ") or "" (none)
    wrap: int = 20  # L5: characters per line of a wrapped label
    nbsp: bool = False  # html: empty cells written &nbsp;, value colspans written as &nbsp; fillers


_SLOT = "\x01{}\x02"
_SLOT_RE = regex.compile("\x01(\\d+)\x02")


def _text(cell: GCell) -> str:
    return _SLOT.format(cell.slot) if cell.slot is not None else cell.text


def _one_line(text: str, joiner: str = " ") -> str:
    return text.replace("\n", joiner)


# --- text layouts -------------------------------------------------------------------------------------


def _seed_lines(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    blocks = []
    for positions in rows:
        lines = []
        for p in positions:
            if p.kind == CELL:
                lines.append("\t" + _text(p.cell))  # a header broken over lines: its next line has no tab
            elif p.kind == ROWCONT:
                lines.append("\t")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _tab_rows(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    out = []
    result_row = 0
    for r, positions in enumerate(rows):
        fields = [_one_line(_text(p.cell)) if p.kind == CELL else "" for p in positions]
        lead = 0
        while lead < len(positions) and positions[lead].kind == ROWCONT:
            lead += 1
        if lead and not grid[r].head:
            result_row += 1
            if st.shift and result_row % st.shift == 0:
                # a converter that lost the merged cells on the left: the row slides left, its width kept
                fields = fields[lead:] + [""] * lead
        if st.trailing:
            fields.append("")
        out.append("\t".join(fields))
    return "\n".join(out)


def _l1(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    lines = []
    for positions in rows:
        for p in positions:
            if p.kind != CELL:
                continue
            lines.append(_text(p.cell))
            lines.append("|")
            if st.fillers and p.cell.colspan > 1:
                lines.append("|" * (p.cell.colspan + 1))
        if st.fillers:
            lines.append("||")
    return "\n".join(lines)


def _l2(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    lines = []
    for positions in rows:
        for p in positions:
            if p.kind != CELL:
                continue
            lines.append(_one_line(_text(p.cell)) + " |")
            if p.cell.colspan > 1:
                lines.append("|" * (p.cell.colspan - 1))
    return "\n".join(lines)


def _l2b(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    lines = []
    for positions in rows:
        lines.append("|")
        for p in positions:
            if p.kind != CELL:
                continue
            line = _one_line(_text(p.cell)) + " |"
            if p.cell.colspan > 1:
                line += " " + "|" * (p.cell.colspan - 1)
            lines.append(line)
    return "\n".join(lines)


def _l3(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    lines = []
    for r, positions in enumerate(rows):
        parts = [_one_line(_text(p.cell)) for p in positions if p.kind == CELL]
        fill = sum(1 for p in positions if p.kind == COLCONT and p.origin_row == r)
        line = " | ".join(parts) + " |"
        if st.fillers and fill:
            line += " " + "|" * fill
        lines.append(line)
    return "\n".join(lines)


def _l4(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    chunks = []
    for positions in rows:
        for p in positions:
            if p.kind != CELL:
                continue
            for piece in _text(p.cell).split("\n"):
                if st.pad == "lead" and p.cell.slot is not None:
                    piece = " " * (1 + p.cell.slot % 2) + piece
                elif st.pad == "trail":
                    piece += " "
                chunks.append(piece)
    return "\n\n".join(chunks)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _l5(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    # A rowspan's text prints once, on the middle row of its span (vertically centred in the PDF).
    centred: dict[int, list[str]] = {}
    for r, positions in enumerate(rows):
        for p in positions:
            if p.kind == CELL and p.cell.rowspan > 1 and not grid[r].head:
                centred.setdefault(r + (p.cell.rowspan - 1) // 2, []).append(p.cell.text)
    lines = []
    for r, positions in enumerate(rows):
        cells = [p.cell for p in positions if p.kind == CELL]
        if grid[r].head:
            # header glyphs stack: first lines of every header cell, then their second lines
            split = [c.text.split("\n") for c in cells]
            lines.append(" ".join(s[0] for s in split))
            second = [s[1] for s in split if len(s) > 1]
            if second:
                lines.append(" ".join(second))
            continue
        # each label column wraps on its own (a column at least 3 cells wide does not wrap); the PDF's
        # text lines interleave the columns: line k holds the k-th piece of every label
        labels = [[t] for t in centred.get(r, [])] + [
            [c.text] if c.colspan >= 3 else _wrap(c.text, st.wrap)
            for c in cells
            if c.slot is None and c.rowspan == 1
        ]
        values = " ".join(_text(c) for c in cells if c.slot is not None)
        height = max((len(x) for x in labels), default=1)
        at = (height - 1) // 2  # the numbers sit level with the middle of the label
        for k in range(height):
            piece = " ".join(x[k] for x in labels if k < len(x))
            lines.append(f"{piece} {values}".strip() if k == at else piece)
    return "\n".join(lines)


# --- html --------------------------------------------------------------------------------------------


def _html(rows: tuple[tuple[Pos, ...], ...], grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="600">', "<tbody>"]
    for positions in rows:
        tds = []
        for p in positions:
            if p.kind != CELL:
                continue
            c = p.cell
            text = _text(c).replace("\n", "<br/>")
            colspan = c.colspan
            fillers = 0
            if st.nbsp and c.slot is not None and colspan > 1:
                colspan, fillers = 1, colspan - 1
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            tds.append(f"<td{attrs}>{text}</td>" + "<td>&nbsp;</td>" * fillers)
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody>\n</table>")
    return "\n".join(out)


_RENDER = {
    "seed_lines": _seed_lines,
    "tab_rows": _tab_rows,
    "L1": _l1,
    "L2": _l2,
    "L2b": _l2b,
    "L3": _l3,
    "L4": _l4,
    "L5": _l5,
    "html": _html,
}


def render_grid(layout: str, grid: tuple[GRow, ...], st: LayoutStyle) -> str:
    """The table's text with a placeholder in every value cell (see fill)."""
    return _RENDER[layout](expand(grid), grid, st)


@dataclass(frozen=True)
class Template:
    """A table's fixed text with holes for the cell texts: literals[0] text[slots[0]] literals[1] …

    Filling it is one itemgetter and one %-format, both in C. Most tables 三 and 四 are all zeros: that
    text is built once per template and reused."""

    literals: tuple[str, ...]  # one more than there are slots
    slots: tuple[int, ...]  # cell positions (in the edition's cell list) in the order the text shows them

    def __post_init__(self) -> None:
        get = itemgetter(*self.slots) if len(self.slots) > 1 else (lambda t: (t[self.slots[0]],))
        fmt = "%s".join(x.replace("%", "%%") for x in self.literals)
        object.__setattr__(self, "_get", get)
        object.__setattr__(self, "_fmt", fmt)
        object.__setattr__(self, "_zeros", fmt % (("0",) * len(self.slots)))

    def fill(self, texts: list[str]) -> str:
        values = self._get(texts)
        if values.count("0") == len(values):
            return self._zeros
        return self._fmt % values


def _template(text: str) -> Template:
    pieces = _SLOT_RE.split(text)  # literal, slot, literal, slot, …, literal
    return Template(tuple(pieces[0::2]), tuple(int(x) for x in pieces[1::2]))


# (layout, edition, id(style)) → (style, templates). The entry holds the style itself, so its id cannot be
# reused by another object while the entry exists; identity is much cheaper to hash than the style's fields.
_COMPILED: dict[tuple[str, str, int], tuple[LayoutStyle, tuple[Template, Template, Template]]] = {}


def compile_tables(layout: str, edition: str, st: LayoutStyle) -> tuple[Template, Template, Template]:
    """Templates of tables 二, 三, 四: template.fill(cell_texts) gives the table's text."""
    key = (layout, edition, id(st))
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is st:
        return hit[1]
    grids = (t2_grid(edition, st.labels), t3_grid(edition, st.labels), t4_grid(edition, st.labels))
    t2, t3, t4 = (_template(render_grid(layout, g, st)) for g in grids)
    _COMPILED[key] = (st, (t2, t3, t4))
    return t2, t3, t4
