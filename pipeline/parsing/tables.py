"""Read tables 二, 三 and 四 from a token stream by anchoring on row labels.

Rows are found by their labels (data in row_labels.csv), in printed order. The cells of a row are the
tokens between its label and the next label. A row is stored only when its cells can be placed with
certainty: as many values as columns, or explicit separators that say where the empty cells are, or no
value at all (all blank). Anything else becomes an issue and stores nothing: a number is never shifted
into a neighbouring column.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import regex

from pipeline.parsing import taxonomy
from pipeline.parsing.cells import DUBIOUS, CellReading, read_cell
from pipeline.parsing.model import BLANK, WARNING, Cell, Issue
from pipeline.parsing.tokens import BLANK_LINE, CELL, EMPTY, TEXT, Token, text_indexes

_MAX_LABEL_LEN = 80
# A sentence inside a table region ends the current row: tables hold no sentences.
_SENTENCE = regex.compile(r"[。；;]|.{60,}")

_EDITION_MARKERS = {
    "t2": {
        "2019": regex.compile(
            r"本年新制作|本年新公开|对外公开总数|上一年项目数|本年增/?减|采购项目数|采购总金额"
        ),
        "2021": regex.compile(r"本年制发|本年废止|现行有效|本年处理决定|本年收费金额"),
    },
    "t3": {
        "2021": regex.compile(r"逾期不补正|逾期未按收费通知"),
    },
}
_new_tuple = tuple.__new__  # see model.new_cell
_OTHER_HANDLING = regex.compile(r"其他处理$")


@dataclass
class TableResult:
    table_code: str
    edition: str
    cells: list[Cell] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows_found: int = 0


def detect_edition(
    table_code: str, tokens: Sequence[Token], text_at: Sequence[int] | None = None
) -> str | None:
    """The format edition the table's own headers or rows show, or None when they do not say.
    text_at: the indexes of the TEXT tokens (tokens.text_indexes), when the caller has them."""
    markers = _EDITION_MARKERS.get(table_code, {})
    if not markers:
        return None
    text_at = text_indexes(tokens) if text_at is None else text_at
    # One search per edition over all the table's texts, joined by line breaks: a marker is plain words,
    # never a line break, so it is found in the joined text exactly where it is in one of the texts.
    joined = "\n".join([tokens[i].text for i in text_at])
    seen = {ed for ed, pat in markers.items() if pat.search(joined)}
    if (
        table_code == "t3"
        and not seen
        and "其他处理" in joined
        and _other_handling_has_values(tokens, text_at)
    ):
        seen = {"2019"}
    return seen.pop() if len(seen) == 1 else None


def _other_handling_has_values(tokens: Sequence[Token], text_at: Sequence[int]) -> bool:
    """2019's single "(六)其他处理" row carries values itself; in 2021 it only heads three rows."""
    for k, i in enumerate(text_at):
        text = tokens[i].text
        if "其他处理" in text and _OTHER_HANDLING.search(text):
            # the first text or cell after it: a cell when one comes before the next text
            stop = text_at[k + 1] if k + 1 < len(text_at) else len(tokens)
            return any(tokens[j].kind == CELL for j in range(i + 1, stop))
    return False


def _row_name(spec: taxonomy.RowSpec) -> str:
    return f"{spec.row_label} ({spec.table_code}/{spec.row_code})"


@lru_cache(maxsize=1 << 16)
def _label_matches(table_code: str, edition: str, text: str) -> tuple[int, ...]:
    """Indexes (into taxonomy.rows) of the rows whose label pattern matches one text, ascending."""
    # a sentence ("…收到申请3件。") that mentions a row is narrative, not the row's label
    if len(text) > _MAX_LABEL_LEN or "。" in text:
        return ()
    if not taxonomy.any_label_pattern(table_code).search(text):  # one search rules out headers
        return ()
    patterns = taxonomy.label_patterns(table_code)
    matches = []
    for si, spec in enumerate(taxonomy.rows(table_code, edition)):
        pat = patterns.get(spec.row_code)
        if pat is not None and pat.pattern.search(text):
            matches.append(si)
    return tuple(matches)


@lru_cache(maxsize=64)
def _generic_rows(table_code: str, edition: str) -> tuple[bool, ...]:
    """For each row of taxonomy.rows, whether its label is a generic one (see LabelPattern.generic)."""
    patterns = taxonomy.label_patterns(table_code)
    return tuple(
        (pat := patterns.get(spec.row_code)) is not None and pat.generic
        for spec in taxonomy.rows(table_code, edition)
    )


def _find_labels(
    tokens: Sequence[Token], text_at: Sequence[int], table_code: str, edition: str
) -> list[tuple[int, int]]:
    """(spec index, token index) of each row label found, in order; a row is found at most once.
    text_at: the indexes of the TEXT tokens, the only ones a label can be."""
    n_specs = len(taxonomy.rows(table_code, edition))
    generic = _generic_rows(table_code, edition)
    found: list[tuple[int, int]] = []
    expected = 0
    for ti in text_at:
        if expected >= n_specs:
            break
        for si in _label_matches(table_code, edition, tokens[ti].text):
            # Short labels such as "总计" or "其他" also head columns: accept them only where expected.
            if si < expected or (generic[si] and si > expected + 1):
                continue
            found.append((si, ti))
            expected = si + 1
            break
    return found


def _trim_to_width(cells: list[Token], width: int, fillers_last: bool = False) -> list[Token] | None:
    """Drop structural empty cells (a merged group-label column, spanned fillers) from one side only.

    fillers_last: the cells are those after the label of a '|' row. Such a row writes the fillers of its
    spanned cells at the end of its line, after its cells ("行政许可 | 0 | ||", raw/002, r029; "第二十条第(一)项
    | |||"), and drops the positions its merged label cells cover ("(三)不予公开 | 1.属于国家秘密 | 0 |",
    036, r021): no real '|' text leaves an empty field for them between the label and the cells. So empty
    fields at the end are the fillers, even when the row's first cell is empty too: a one-column filler,
    " |", reads like an empty cell, and only its place tells them apart."""
    extra = len(cells) - width
    if extra == 0:
        return cells
    if extra < 0:
        return None
    lead = next((i for i, t in enumerate(cells) if t.kind != EMPTY), len(cells))
    trail = next((i for i, t in enumerate(reversed(cells)) if t.kind != EMPTY), len(cells))
    if trail >= extra and (lead == 0 or fillers_last):
        return cells[:width]
    if lead >= extra and trail == 0:
        return cells[extra:]
    return None  # empties on both sides: which ones are real blank cells cannot be known


def _positional(label: Token, segment: Sequence[Token], width: int) -> list[Token] | None:
    """Cells of a row with gaps, placed by explicit separators, or None when the layout cannot say."""
    values = [t for t in segment if t.kind == CELL]
    # (a) a tab or '|' row: the label and its cells share one line
    if label.cells_on_line > 1:
        if any(t.line != label.line for t in values):
            return None
        same_line = [t for t in segment if t.line == label.line and t.kind in (CELL, EMPTY)]
        return _trim_to_width(same_line, width, fillers_last=label.explicit == "|")
    # (b) one cell per line under the label, the row ended by a blank line: "\t" lines are empty cells
    cells: list[Token] = []
    per_line: dict[int, int] = {}
    for tok in segment:
        if tok.kind == BLANK_LINE:
            if cells:
                break
            continue
        if tok.kind in (CELL, EMPTY):
            cells.append(tok)
            per_line[tok.line] = per_line.get(tok.line, 0) + 1
        elif tok.kind == TEXT:
            if not cells:
                return None
            # the next group's label ("（五）不予处理 |") ends the row; cells after it fail the check below
            break
    if any(n != 1 for n in per_line.values()) or any(t.line > label.line + 200 for t in cells):
        return None
    # Only a layout that marks every cell line ("\t0" and "\t", "0 |" and " |") shows where an empty cell
    # is. Where numbers stand on plain lines (L1, L4), an empty cell is a blank line or nothing at all,
    # and a marked line among them ("||") is a filler, not a cell: the row cannot be placed.
    if not all(t.explicit for t in cells):
        return None
    if any(v not in cells for v in values):
        return None
    return cells if len(cells) == width else None


def _line_fields(tokens: Sequence[Token], ti: int) -> tuple[int, int] | None:
    """(start, end) of the tokens on token ti's line, when they are the line's fields one to one."""
    line = tokens[ti].line
    start = ti
    while start and tokens[start - 1].line == line:
        start -= 1
    end = ti + 1
    while end < len(tokens) and tokens[end].line == line:
        end += 1
    # a field split into parts (a number after its label) leaves more tokens than fields: positions lost
    return (start, end) if end - start == tokens[ti].cells_on_line else None


def _lines_above(tokens: Sequence[Token], start: int, n_fields: int) -> Iterator[Sequence[Token]]:
    """The fields of each line above the one starting at token `start`, nearest first, as long as the
    lines hold n_fields fields one to one (see _line_fields): the header lines a row can stand under."""
    i = start
    while i > 0:
        head = _line_fields(tokens, i - 1)
        if head is None or head[1] - head[0] != n_fields:
            return
        yield tokens[head[0] : head[1]]
        i = head[0]


def _under_headers(tokens: Sequence[Token], start: int, end: int, at: int, width: int) -> list[Token] | None:
    """The cells of a tab or '|' row (tokens[start:end], its label in field `at`, -1 for none) with
    empty fields on both sides of its values, placed under the column headers above it.

    A table's header lines stand above its rows with as many fields as they have ("信息内容 | 上一年项目数量
    | 本年增/减 | " in table 二; the two header lines of table 四): a column header names the field under
    it. Used only when the header lines right above (past rows of the same block) name exactly as many
    fields right of the label as the row has cells, and every other field of the row is empty."""
    n_fields = end - start
    columns: set[int] = set()
    seen_header = False
    for fields in _lines_above(tokens, start, n_fields):
        if fields[0].line < tokens[start].line - 8:
            break
        if any(t.kind == CELL for t in fields):
            if seen_header:
                break
        else:
            seen_header = True
            columns.update(k for k in range(at + 1, n_fields) if fields[k].kind == TEXT)
    row = tokens[start:end]
    if len(columns) != width or not _rest_empty(row, at, columns):
        return None
    return [row[k] for k in sorted(columns)]


def _first_column(tokens: Sequence[Token], first_row: int, n_fields: int, width: int) -> int | None:
    """The field of the first value column, as the header lines right above the table's first row (token
    first_row, its label) name it: lines as wide as the row (n_fields), with no number, whose headers
    ("自然人", "商业企业" … "总计") stand over `width` fields next to each other, the last `width` fields
    any of them names. A corner header over the label columns ("（本列数据的勾稽关系为…）") stands left of
    them. None when the lines do not name exactly such a run."""
    i = first_row
    while i and tokens[i - 1].line == tokens[first_row].line:
        i -= 1
    named: set[int] = set()
    for fields in _lines_above(tokens, i, n_fields):
        if any(t.kind == CELL for t in fields):
            break
        named.update(k for k, t in enumerate(fields) if t.kind == TEXT)
    columns = sorted(named)[-width:]
    if len(columns) < width or columns[-1] - columns[0] != width - 1:
        return None
    return columns[0]


def _rest_empty(fields: Sequence[Token], at: int, cells: range | set[int]) -> bool:
    """Every field right of the label (field `at`) that is not one of the row's cells is empty."""
    return all(fields[k].kind == EMPTY for k in range(at + 1, len(fields)) if k not in cells)


def _like_its_peers(
    tokens: Sequence[Token],
    found: Sequence[tuple[int, int]],
    k: int,
    depths: dict[str, int],
    specs: Sequence[taxonomy.RowSpec],
    width: int,
) -> list[Token] | None:
    """The cells of a tab or '|' row with empty fields on both sides of its values, placed like its peers.

    How many empty fields a converter leaves for merged label cells, and whether it pads a row's end,
    differs from document to document (raw/002, raw/003) but not within one table: rows whose labels
    sit at the same depth of the form (一、, （一）, 1.), in equally wide lines or with as many fields after
    the label, have their first cell the same number of fields after the label. That holds also for a
    row that slid left because the converter lost the merged cells on its left (raw/003 "3.其他→→0…"):
    its label and cells moved together. Each such row, the row itself included, bounds that distance:
    its values must lie within its cells, and the cells within its line (a value right after the label,
    or in the line's last field, fixes it).
    When the bounds of all of them leave one distance, that is where the row's cells start.

    When they leave more, a row whose label stands in its depth's own label column (depth 0 in the first
    field, depth 1 in the second, …) lost nothing on its left, so its cells start in the same field as
    those of every other such row of equally wide lines whose depth's distance is fixed, and in the field
    of the first column header (_first_column). A row whose label slid left of its column took its cells
    with it: they start as many fields left of that header. Used only when all the evidence agrees and
    every other field of the row is empty."""
    own = _line_fields(tokens, found[k][1])
    if own is None:
        return None
    start, end = own
    n_fields = end - start
    at, depth = found[k][1] - start, depths[specs[found[k][0]].row_code]
    bounds: dict[int, tuple[int, int]] = {}  # depth -> least and most fields from a label to its first cell
    in_place: set[int] = set()  # depths with a row whose label stands in the depth's own column
    for sj, tj in found:
        if (line := _line_fields(tokens, tj)) is None:
            continue
        same_width = line[1] - line[0] == n_fields
        if not same_width and line[1] - tj != end - found[k][1]:
            continue  # neither as wide a line nor as many fields after the label
        d = depths[specs[sj].row_code]
        if same_width and tj - line[0] == d:
            in_place.add(d)
        after = tokens[tj + 1 : line[1]]
        if any(t.kind == TEXT for t in after):
            continue
        filled = [i for i, t in enumerate(after) if t.kind == CELL]
        low, high = 1, len(after) - width + 1
        if filled:
            low, high = max(low, filled[-1] - width + 2), min(high, filled[0] + 1)
        if d in bounds:
            low, high = max(low, bounds[d][0]), min(high, bounds[d][1])
        bounds[d] = (low, high)
    low, high = bounds.get(depth, (1, 0))
    if low > high:
        return None  # rows of its depth that no single distance fits: not laid out alike
    if low == high:
        first = at + low
    else:
        if any(lo > hi for lo, hi in bounds.values()):
            return None
        starts = set()  # the field its cells start in, by each piece of evidence there is
        if at == depth:
            starts = {d + bounds[d][0] for d in in_place if bounds[d][0] == bounds[d][1]}
        column = _first_column(tokens, found[0][1], n_fields, width)
        if column is not None:
            starts.add(at + column - depth)
        if len(starts) != 1:
            return None
        first = starts.pop()
        if not low <= first - at <= high:
            return None
    cells = range(first, first + width)
    fields = tokens[start:end]
    if cells.stop > len(fields) or not _rest_empty(fields, at, cells):
        return None
    placed = [fields[k] for k in cells]
    return None if any(t.kind == TEXT for t in placed) else placed


class Slot(NamedTuple):
    """One cell of the form: the fields every Cell of it shares, the readings of its unit, its row and
    column (for messages)."""

    table_code: str
    row_code: str
    col_code: str
    unit: str
    readings: dict[str, CellReading]  # shared by all slots of one unit: text -> read_cell(text, unit)
    spec: taxonomy.RowSpec
    column: taxonomy.Column


_READINGS: dict[str, dict[str, CellReading]] = {}  # unit -> text -> reading
_MAX_READINGS = 1 << 14  # texts remembered per unit: bounded, so memory stays flat on any corpus


def _slots(spec: taxonomy.RowSpec, columns: Sequence[taxonomy.Column]) -> tuple[Slot, ...]:
    return tuple(
        Slot(
            spec.table_code,
            spec.row_code,
            col.col_code,
            col.unit,
            _READINGS.setdefault(col.unit, {}),
            spec,
            col,
        )
        for col in columns
    )


@lru_cache(maxsize=64)
def _row_slots(table_code: str, edition: str) -> tuple[tuple[Slot, ...], ...]:
    """For each row of taxonomy.rows, its slots: made once, not once per row read."""
    return tuple(_slots(spec, spec.columns) for spec in taxonomy.rows(table_code, edition))


def _reading(slot: Slot, text: str) -> CellReading:
    """read_cell(text, slot.unit), remembered in the slot's readings (cells repeat: "0", "1", "/")."""
    if len(slot.readings) >= _MAX_READINGS:
        slot.readings.clear()
    reading = slot.readings[text] = read_cell(text, slot.unit)
    return reading


def _read_slots(
    slots: Sequence[Slot], placed: Sequence[Token | None], fallback_line: int
) -> tuple[list[Cell], list[Issue]]:
    """Cells for placed tokens: None or an EMPTY token is a blank cell; a dubious text is an issue.

    Runs once per cell of every report: the reading is looked up in a dict, and the Cell made with
    tuple.__new__ (see model.new_cell), in the loop itself."""
    cells: list[Cell] = []
    issues: list[Issue] = []
    append = cells.append
    for slot, tok in zip(slots, placed, strict=True):
        if tok is None:
            append(_new_tuple(Cell, (slot[0], slot[1], slot[2], BLANK, None, "", fallback_line, slot[3])))
            continue
        # an EMPTY token's text is "", which reads as BLANK: no case of its own
        reading = slot[4].get(tok.text) or _reading(slot, tok.text)
        if reading.state == DUBIOUS:
            issues.append(
                Issue(
                    WARNING,
                    "cell_unreadable",
                    f"{_row_name(slot.spec)} column {slot.column.col_label}: {reading.why}; "
                    "the cell was not stored.",
                    tok.line,
                )
            )
            continue
        append(
            _new_tuple(
                Cell, (slot[0], slot[1], slot[2], reading.state, reading.value, tok.raw, tok.line, slot[3])
            )
        )
    return cells, issues


def _read_cut_row(
    spec: taxonomy.RowSpec, label: Token, segment: Sequence[Token]
) -> tuple[list[Cell], list[Issue]]:
    """A row the text stops inside. Its leading cells are kept only where every cell, empty ones
    included, stands on a line of its own marked by a separator: then their columns are certain."""
    present = [t for t in segment if t.kind in (CELL, EMPTY)]
    per_line: dict[int, int] = {}
    for tok in present:
        per_line[tok.line] = per_line.get(tok.line, 0) + 1
    certain = (
        bool(present)
        and label.cells_on_line <= 1
        and all(t.explicit for t in present)
        and all(n == 1 for n in per_line.values())
    )
    cells: list[Cell] = []
    issues: list[Issue] = []
    if certain:
        cells, issues = _read_slots(_slots(spec, spec.columns[: len(present)]), present, label.line)
    kept = len(present) if certain else 0
    issues.append(
        Issue(
            WARNING,
            "truncated",
            f"The text ends inside {_row_name(spec)}: {kept} of {len(spec.columns)} cells kept; "
            "the rest of the row is missing.",
            label.line,
        )
    )
    return cells, issues


@lru_cache(maxsize=1 << 16)  # the texts of a table (labels, headers) repeat across reports
def _is_sentence(text: str) -> bool:
    return _SENTENCE.search(text) is not None


def _segment(
    tokens: Sequence[Token], start: int, stop: int, sentences: Sequence[int]
) -> tuple[list[Token], list[Token]]:
    """(tokens[start:stop] cut before the first sentence, the CELL tokens among them).
    sentences: the indexes of the TEXT tokens that are sentences, ascending."""
    k = bisect_left(sentences, start)
    if k < len(sentences) and sentences[k] < stop:
        stop = sentences[k]
    segment = list(tokens[start:stop])
    return segment, [t for t in segment if t.kind == CELL]


def read_labelled_table(
    table_code: str,
    edition: str,
    tokens: Sequence[Token],
    at_document_end: bool,
    text_at: Sequence[int] | None = None,
) -> TableResult:
    """Read table 二 or 三: every row found by its label, its cells placed or flagged. text_at: the indexes
    of the TEXT tokens (tokens.text_indexes), when the caller has them."""
    specs = taxonomy.rows(table_code, edition)
    row_slots = _row_slots(table_code, edition)
    result = TableResult(table_code, edition)
    # the TEXT tokens, found once: labels and sentences are looked for among them only
    text_at = text_indexes(tokens) if text_at is None else text_at
    found = _find_labels(tokens, text_at, table_code, edition)
    sentences = [i for i in text_at if _is_sentence(tokens[i].text)]
    depths = taxonomy.label_depths(table_code, edition)
    result.rows_found = len(found)
    found_rows = {si for si, _ in found}
    last_line = tokens[-1].line if tokens else None
    for k, (si, ti) in enumerate(found):
        spec = specs[si]
        label = tokens[ti]
        stop = found[k + 1][1] if k + 1 < len(found) else len(tokens)
        segment, values = _segment(tokens, ti + 1, stop, sentences)
        # a text after the row's cells (the next label, even cut short) shows the row itself is complete
        reaches_end = (
            k + 1 == len(found)
            and at_document_end
            and len(segment) == len(tokens) - ti - 1
            and not any(t.kind == TEXT for t in segment)
        )
        width = len(spec.columns)
        if (
            reaches_end
            and len(values) < width
            and not (label.cells_on_line > 1 and _positional(label, segment, width) is not None)
        ):
            # (a complete tab or '|' line is a whole row even at the end of the text: read below)
            cells, issues = _read_cut_row(spec, label, segment)
            result.cells.extend(cells)
            result.issues.extend(issues)
            continue
        if len(values) == width:
            placed: list[Token | None] | None = values
        elif not values and not reaches_end:
            placed = [None] * width  # a row with no value at all: every cell is blank
        elif len(values) < width:
            # a complete line says where its gaps are, even at the end of a cut text (a line cut
            # mid-way never reaches the tables: see report._parse_lines)
            placed = _positional(label, segment, width)
            if placed is None and label.cells_on_line > 1:
                if depths is not None:
                    placed = _like_its_peers(tokens, found, k, depths, specs, width)
                elif (own := _line_fields(tokens, ti)) is not None:
                    placed = _under_headers(tokens, own[0], own[1], ti - own[0], width)
        else:
            placed = None
        if placed is None:
            result.issues.append(
                Issue(
                    WARNING,
                    "row_cells_uncertain",
                    f"{_row_name(spec)}: found {len(values)} values for {width} columns and the separators "
                    "do not say which cells they belong to; the row's cells were not stored.",
                    label.line,
                )
            )
            continue
        cells, issues = _read_slots(row_slots[si], placed, label.line)
        result.cells.extend(cells)
        result.issues.extend(issues)
    missing = [specs[i] for i in range(len(specs)) if i not in found_rows]
    if found and missing:
        last_found = max(found_rows)
        cut = [s for i, s in enumerate(specs) if i > last_found]
        inner = [s for s in missing if s not in cut]
        if inner:
            result.issues.append(
                Issue(
                    WARNING,
                    "row_missing",
                    "Rows not found in the table: " + "; ".join(_row_name(s) for s in inner) + ".",
                    last_line,
                )
            )
        if cut:
            code = "truncated" if at_document_end else "row_missing"
            result.issues.append(
                Issue(
                    WARNING,
                    code,
                    f"The table stops after {_row_name(specs[last_found])}: rows "
                    + "; ".join(_row_name(s) for s in cut)
                    + " are missing.",
                    last_line,
                )
            )
    return result


def _cell_per_line_block(tokens: Sequence[Token], values: Sequence[Token], width: int) -> list[Token] | None:
    """Table 四 written one marked cell per line after its headers ("\t0", and "\t" for an empty cell)."""
    last_text = max((i for i, t in enumerate(tokens) if t.kind == TEXT), default=-1)
    block = [t for t in tokens[last_text + 1 :] if t.kind in (CELL, EMPTY)]
    per_line: dict[int, int] = {}
    for tok in block:
        per_line[tok.line] = per_line.get(tok.line, 0) + 1
    if any(n != 1 for n in per_line.values()) or not all(t.explicit for t in block):
        return None
    if any(v not in block for v in values):
        return None
    return _trim_to_width(block, width)


def read_review_table(tokens: Sequence[Token], edition: str, at_document_end: bool) -> TableResult:
    """Read table 四: fifteen numbers in printed order, after headers that hold no numbers."""
    specs = taxonomy.rows("t4", edition)
    slots = [slot for row in _row_slots("t4", edition) for slot in row]
    result = TableResult("t4", edition)
    values = [t for t in tokens if t.kind == CELL]
    placed: list[Token] | None = None
    if len(values) == len(slots):
        placed = values
    else:
        # A row of exactly fifteen separated cells says where the gaps are.
        by_line: dict[int, list[Token]] = {}
        for tok in tokens:
            if tok.kind in (CELL, EMPTY) and tok.cells_on_line >= len(slots):
                by_line.setdefault(tok.line, []).append(tok)
        rows = [r for r in by_line.values() if any(t.kind == CELL for t in r)]
        if len(rows) == 1 and all(v in rows[0] for v in values):
            placed = _trim_to_width(rows[0], len(slots))
            if placed is None:
                own = _line_fields(tokens, tokens.index(rows[0][0]))
                if own is not None and not any(t.kind == TEXT for t in tokens[own[0] : own[1]]):
                    placed = _under_headers(tokens, own[0], own[1], -1, len(slots))
        elif not rows:
            placed = _cell_per_line_block(tokens, values, len(slots))
    if not values and tokens:
        placed = None
    if placed is None:
        line = values[0].line if values else (tokens[0].line if tokens else None)
        if not values:
            code, msg = "table_empty", "Table 四 (行政复议/行政诉讼) holds no numbers; nothing was stored."
        elif at_document_end and len(values) < len(slots):
            code, msg = (
                "truncated",
                f"The text ends inside table 四: {len(values)} of {len(slots)} cells present.",
            )
        else:
            code, msg = (
                "row_cells_uncertain",
                (
                    f"Table 四 (行政复议/行政诉讼): found {len(values)} values for {len(slots)} cells and the "
                    "separators do not say which cells they belong to; nothing was stored."
                ),
            )
        result.issues.append(Issue(WARNING, code, msg, line))
        return result
    result.rows_found = len(specs)
    result.cells, result.issues = _read_slots(slots, placed, placed[0].line)
    return result


__all__ = ["TableResult", "detect_edition", "read_labelled_table", "read_review_table"]
