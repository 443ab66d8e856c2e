"""The cells of one report: canonical order per edition, realistic values, blanks and '/' marks.

Cell order is the project's own data contract (pipeline/data/taxonomy.csv, read through
pipeline.parsing.taxonomy): every list of cells here is in that order, so a report's values are plain lists
indexed by position and the ground truth is written without any per-cell lookup.

Values are drawn to look like the real corpus: mostly zeros, a long tail (applications mostly 0–5, a few
hundred at busy offices; 行政许可/行政处罚 decisions up to tens of thousands; fees in 万元 with decimals), and
the arithmetic the forms require (table 三: per column row 一 + 二 = 三(七) + 四, 三(七) = the sum of the
results; the 总计 column = the sum of the six applicant columns; table 四: each 总计 = the sum of its four).
A deliberate few reports break one of these rules (kind recorded in the meta file).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bench.generator.rng import FastRandom, cumulative
from pipeline.parsing import taxonomy

EDITIONS = ("2019", "2021")
T3_COLS = 7  # six applicant columns and 总计

# Truth states. "uncertain": the layout drops empty cells, so the row's cells cannot be placed from the
# text alone (only drawn for such layouts; see spec.py).
VALUE, BLANK, NA, UNCERTAIN = "value", "blank", "na", "uncertain"
STATES = (VALUE, BLANK, NA, UNCERTAIN)
NA_TEXTS = ("/", "/", "/", "—", "无", "-")


@dataclass(frozen=True)
class EditionCells:
    edition: str
    codes: tuple[tuple[str, str, str], ...]  # (table_code, row_code, col_code), canonical order
    rows: tuple[tuple[str, str, int, int], ...]  # (table_code, row_code, start, width): one per table row
    index: dict[tuple[str, str, str], int]  # code → position

    def row(self, table: str, row: str) -> range:
        for t, r, start, width in self.rows:
            if t == table and r == row:
                return range(start, start + width)
        raise KeyError((table, row))


@cache
def edition_cells(edition: str) -> EditionCells:
    codes: list[tuple[str, str, str]] = []
    rows: list[tuple[str, str, int, int]] = []
    for table in ("t2", "t3", "t4"):
        for spec in taxonomy.rows(table, edition):
            rows.append((table, spec.row_code, len(codes), len(spec.columns)))
            codes.extend((table, spec.row_code, c.col_code) for c in spec.columns)
    return EditionCells(edition, tuple(codes), tuple(rows), {c: i for i, c in enumerate(codes)})


# --- t3 result rows and how often each outcome occurs (relative weights) ----------------------------

_LEAF_WEIGHTS_2021 = {
    "3_1": 40, "3_2": 8, "3_3_1": 0.2, "3_3_2": 0.3, "3_3_3": 0.3, "3_3_4": 1, "3_3_5": 1, "3_3_6": 1.5,
    "3_3_7": 0.5, "3_3_8": 1, "3_4_1": 20, "3_4_2": 3, "3_4_3": 2, "3_5_1": 4, "3_5_2": 3, "3_5_3": 0.5,
    "3_5_4": 0.5, "3_5_5": 0.5, "3_6_1": 4, "3_6_2": 0.3, "3_6_3": 6,
}  # fmt: skip
# Applicant columns: natural persons file most requests.
_APPLICANT_WEIGHTS = (80, 12, 0.5, 1, 4, 2.5)


def _leaves(edition: str) -> tuple[str, ...]:
    return tuple(
        r for t, r, _, _ in edition_cells(edition).rows if t == "t3" and r.startswith("3_") and r != "3_7"
    )


def _leaf_weights(edition: str) -> list[float]:
    w = dict(_LEAF_WEIGHTS_2021)
    if edition == "2019":
        w["3_6"] = w.pop("3_6_1") + w.pop("3_6_2") + w.pop("3_6_3")
    return [w[r] for r in _leaves(edition)]


def split(rng: FastRandom, n: int, weights: list[float] | tuple[float, ...]) -> list[int]:
    """n items spread over len(weights) bins, at random with those weights (exact sum)."""
    k = len(weights)
    if n <= 0:
        return [0] * k
    cum = cumulative(weights)
    if n <= 24:
        return rng.counts(n, cum)
    out = [0] * k
    # large n: proportional with noise, the remainder given item by item
    total = float(sum(weights))
    for i, w in enumerate(weights):
        out[i] = int(n * w / total * rng.uniform(0.6, 1.4))
    excess = sum(out) - n
    while excess > 0:
        i = max(range(k), key=out.__getitem__)
        d = min(out[i], excess)
        out[i] -= d
        excess -= d
    for i, extra in enumerate(rng.counts(n - sum(out), cum)):
        out[i] += extra
    return out


# --- value draws ---------------------------------------------------------------------------------------

# Level of the issuing unit → how busy it is (scales the long tails).
_SCALE = {"township": 0.5, "county": 2.0, "department": 1.0, "city": 6.0}


def _tail(rng: FastRandom, p_zero: float, median: float, cap: int) -> int:
    """0 with probability p_zero, else a heavy-tailed count (Pareto-like: most near median, a few huge)."""
    r = rng.random
    if r() < p_zero:
        return 0
    return max(1, min(cap, int(median * 0.5 * (1.0 - r()) ** -1.1)))


def _money(rng: FastRandom, p_zero: float, median: float) -> str:
    if rng.random() < p_zero:
        return "0"
    v = median * 0.5 * (1.0 - rng.random()) ** -1.3
    digits = rng.choice((0, 1, 2, 2, 2, 4, 6))
    s = f"{v:.{digits}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s if s not in ("", "0") else "0.5"


@dataclass(slots=True)
class Values:
    """One report's cells: what is printed, and the truth (state, decimal string)."""

    texts: list[str]
    values: list[str]  # decimal string for a value cell, "" otherwise
    states: list[str]
    t3_applications: int  # row 一 总计 (what the narrative states)
    inconsistency: str  # "" or the rule deliberately broken
    all_values: bool = True  # every cell holds a number (no blank, no '/')


def _t2_2021(rng: FastRandom, level: str) -> list[str]:
    s = _SCALE[level]
    regs = (0, 0, 0)
    if level == "city" and rng.random() < 0.6:
        regs = (rng.randint(0, 3), rng.randint(0, 2), rng.randint(5, 60))
    p = 0.55 if level == "township" else 0.3
    issued = _tail(rng, p, 2 * s, 200)
    repealed = _tail(rng, 0.75, 1 * s, 100)
    in_force = issued + _tail(rng, 0.35 if level == "township" else 0.1, 8 * s, 3000)
    lic = _tail(rng, 0.7 if level == "township" else 0.35, 40 * s, 40000)
    pun = _tail(rng, 0.6 if level == "township" else 0.4, 30 * s, 20000)
    coe = _tail(rng, 0.9, 3 * s, 500)
    fee = _money(rng, 0.85 if level != "city" else 0.5, 20 * s)
    return [str(x) for x in (*regs, issued, repealed, in_force, lic, pun, coe)] + [fee]


def _change(rng: FastRandom) -> tuple[str, str]:
    """本年增/减 (2019 edition): printed text and signed value."""
    if rng.random() < 0.75:
        return "0", "0"
    n = rng.randint(1, 60)
    if rng.random() < 0.35:
        return rng.choice((f"减{n}", f"-{n}")), f"-{n}"
    return rng.choice((f"增{n}", f"+{n}", str(n), str(n))), str(n)


def _t2_2019(rng: FastRandom, level: str) -> tuple[list[str], list[str]]:
    s = _SCALE[level]
    texts: list[str] = []
    values: list[str] = []

    def put(text: str, value: str | None = None) -> None:
        texts.append(text)
        values.append(text if value is None else value)

    for has in (level == "city" and rng.random() < 0.6, True):  # 规章, 规范性文件
        made = _tail(rng, 0.5, 2 * s, 200) if has else 0
        pub = made if rng.random() < 0.8 else max(0, made - rng.randint(0, 2))
        total = pub + (_tail(rng, 0.3, 10 * s, 3000) if has else 0)
        for x in (made, pub, total):
            put(str(x))
    for p_zero, median, cap in ((0.4, 40, 40000), (0.7, 10, 2000), (0.5, 30, 20000), (0.9, 3, 500)):
        put(str(_tail(rng, 0.5, 20 * s, 900)))  # 上一年项目数量
        put(*_change(rng))
        put(str(_tail(rng, p_zero, median * s, cap)))  # 处理决定数量
    put(str(_tail(rng, 0.7, 3, 60)))  # 行政事业性收费 上一年项目数量
    put(*_change(rng))
    items = _tail(rng, 0.6, 3 * s, 300)  # 政府集中采购
    put(str(items))
    if items == 0:
        put("0")
    else:
        amount = _money(rng, 0.0, 40 * s)
        r = rng.random()
        if r < 0.15:
            put(amount + "万元", amount)
        elif r < 0.2 and "." not in amount:
            put(str(int(amount) * 10000) + "元", amount)  # written in 元; the form counts 万元
        else:
            put(amount)
    return texts, values


@cache
def _t3_shape(edition: str) -> tuple[int, int, int, int, int, tuple[int, ...], tuple[float, ...]]:
    """Flat offsets (row × 7) in table 三 of rows 一, 二, 三(七), 四 and of the result rows; leaf weights."""
    rows = [r for t, r, _, _ in edition_cells(edition).rows if t == "t3"]
    at = {r: k * T3_COLS for k, r in enumerate(rows)}
    leaves = _leaves(edition)
    return (len(rows) * T3_COLS, at["1"], at["2"], at["3_7"], at["4"], tuple(at[x] for x in leaves),
            tuple(_leaf_weights(edition)))  # fmt: skip


def _t3(rng: FastRandom, edition: str, level: str) -> list[int] | None:
    """Table 三 as a flat list of ints, row by row (six columns then 总计), in taxonomy row order; None
    when every cell is 0."""
    n, o1, o2, o37, o4, leaf_at, leaf_w = _t3_shape(edition)
    r = rng.random()
    busy = _SCALE[level]
    if r < (0.62 if level == "township" else 0.35):
        n1 = 0
    elif r < 0.9:
        n1 = rng.randint(1, 5)
    elif r < 0.985:
        n1 = rng.randint(6, int(20 + 30 * busy))
    else:
        n1 = rng.randint(100, int(300 + 400 * busy))
    if n1 == 0 and rng.random() < 0.93:
        return None  # most offices receive no application at all: all zeros
    flat = [0] * n
    r1 = split(rng, n1, _APPLICANT_WEIGHTS)
    r2 = [0] * 6
    if rng.random() < 0.25:
        r2 = split(rng, rng.randint(1, 3 + n1 // 20), _APPLICANT_WEIGHTS)
    r4 = [0] * 6
    if rng.random() < 0.2:
        for c in range(6):
            if r1[c] + r2[c]:
                r4[c] = rng.randint(0, min(3 + (r1[c] + r2[c]) // 10, r1[c] + r2[c]))
    # a few offices answer almost everything one way: skew the weights per report
    r = rng.random  # a + (b - a) * random() is what uniform(a, b) computes, without its call overhead
    weights = [w * (0.3 + 1.4 * r()) for w in leaf_w]
    for c in range(6):
        handled = r1[c] + r2[c] - r4[c]
        flat[o1 + c], flat[o2 + c], flat[o4 + c], flat[o37 + c] = r1[c], r2[c], r4[c], handled
        if handled:
            for at, k in zip(leaf_at, split(rng, handled, weights), strict=True):
                flat[at + c] = k
    for base in range(0, n, T3_COLS):
        flat[base + 6] = sum(flat[base : base + 6])
    return flat


def _t4(rng: FastRandom, level: str) -> list[int] | None:
    """Table 四's fifteen ints; None when every cell is 0."""
    p_any = {"township": 0.06, "county": 0.25, "department": 0.15, "city": 0.5}[level]
    if rng.random() >= p_any:
        return None
    out: list[int] = []
    for weights in ((3, 1, 1, 1), (2, 1, 1, 1), (1.5, 0.5, 0.5, 0.5)):  # 复议, 直接起诉, 复议后起诉
        four = [0, 0, 0, 0]
        if rng.random() < 0.6:
            four = split(rng, rng.randint(1, 4 if level != "city" else 40), weights)
        out += four + [sum(four)]
    return out


def _break_rule(rng: FastRandom, ec: EditionCells, ints: list[int | None]) -> str:
    """Change one number so that one of the form's rules fails; returns the rule's name."""
    kind = rng.choice(("t3_total_column", "t3_balance", "t3_results_total", "t4_total"))
    if kind == "t4_total":
        rows = [r for t, r, _, _ in ec.rows if t == "t4"]
        pos = ec.row("t4", rng.choice(rows))[-1]
    elif kind == "t3_total_column":
        rows = [r for t, r, _, _ in ec.rows if t == "t3"]
        pos = ec.row("t3", rng.choice(rows))[-1]
    elif kind == "t3_balance":
        # row 四 of one column and its 总计 move together: the column sums still hold, the balance fails
        col = rng.randrange(6)
        row4 = ec.row("t3", "4")
        delta = 1 if ints[row4[col]] == 0 else rng.choice((1, -1))
        ints[row4[col]] += delta
        ints[row4[-1]] += delta
        return kind
    else:
        col = rng.randrange(6)
        r37 = ec.row("t3", "3_7")
        delta = 1 if ints[r37[col]] == 0 else rng.choice((1, -1))
        ints[r37[col]] += delta
        ints[r37[-1]] += delta
        return kind
    ints[pos] += 1 if ints[pos] == 0 else rng.choice((1, -1, 2, 10))
    return kind


def draw_values(rng: FastRandom, edition: str, level: str, inconsistent: bool) -> Values:
    ec = edition_cells(edition)
    if edition == "2021":
        t2_texts = _t2_2021(rng, level)
        t2_values = list(t2_texts)
    else:
        t2_texts, t2_values = _t2_2019(rng, level)
    k = len(t2_texts)
    t3 = _t3(rng, edition, level)
    t4 = _t4(rng, level)
    n3 = _t3_shape(edition)[0]
    inconsistency = ""
    if t3 is None and t4 is None and not inconsistent:
        tail_texts = ["0"] * (n3 + 15)  # the common case: tables 三 and 四 all zeros
        n_app = 0
    else:
        ints: list[int | None] = [None] * k + (t3 or [0] * n3) + (t4 or [0] * 15)
        if inconsistent:
            inconsistency = _break_rule(rng, ec, ints)
        tail = ints[k:]
        try:
            tail_texts = list(map(_DIGITS.__getitem__, tail))  # 3 times faster than str() on each
        except IndexError:  # a number beyond the table (numbers are never negative)
            tail_texts = list(map(str, tail))
        n_app = ints[k + _t3_shape(edition)[1] + 6]
    texts = t2_texts + tail_texts
    values = t2_values + tail_texts
    if rng.random() < 0.05 and any(len(t) >= 4 for t in values):  # thousands separators, as some print them
        texts = [f"{int(t):,}" if t.isdigit() and len(t) >= 4 else t for t in texts]
    return Values(texts, values, [VALUE] * len(texts), n_app, inconsistency)


_DIGITS = [str(i) for i in range(20000)]


@cache
def _table_rows(edition: str, table: str) -> tuple[tuple[int, int], ...]:
    """(start, width) of each row of one table."""
    return tuple((s, w) for t, _, s, w in edition_cells(edition).rows if t == table)


# --- empty cells ------------------------------------------------------------------------------------

# How a report leaves cells empty. "explicit": only in layouts where an empty cell keeps its place.
EMPTY_STYLES = (
    # (name, weight, needs explicit layout)
    ("none", 84.0, False),
    ("na_regulations", 4.0, False),  # 规章 row all '/': the unit cannot make 规章
    ("na_some", 2.0, False),  # a few zero cells of 二 and 四 printed '/', '—', '无'
    ("blank_t2", 3.0, True),  # zero cells of table 二 left empty
    ("blank_t3", 3.0, True),  # zero rows or cells of table 三 left empty
    ("blank_t4", 2.0, True),  # some zero cells of table 四 left empty
    ("dropped", 2.0, False),  # empty cells in a layout that drops them: the rows become uncertain
)


def apply_empty_style(rng: FastRandom, v: Values, ec: EditionCells, style: str) -> None:
    """Turn zero cells into blank or '/' cells, in place (the arithmetic stays true: empty means none)."""
    if style == "none":
        return
    v.all_values = False
    t2, t3, t4 = (list(_table_rows(ec.edition, t)) for t in ("t2", "t3", "t4"))

    def empty(pos: int, text: str) -> None:
        if v.values[pos] == "0":
            v.texts[pos] = text
            v.values[pos] = ""
            v.states[pos] = BLANK if text == "" else NA

    if style == "na_regulations":
        mark = rng.choice(NA_TEXTS)
        s, w = t2[0]
        for pos in range(s, s + w):
            empty(pos, mark)
    elif style == "na_some":
        for s, w in t2 + t4:
            for pos in range(s, s + w):
                if rng.random() < 0.3:
                    empty(pos, rng.choice(NA_TEXTS))
    elif style == "blank_t2":
        for s, w in t2:
            for pos in range(s, s + w):
                if rng.random() < 0.5:
                    empty(pos, "")
    elif style == "blank_t3":
        whole_rows = rng.random() < 0.5
        for s, w in t3:
            if whole_rows:
                if rng.random() < 0.6 and all(v.values[p] == "0" for p in range(s, s + w)):
                    for pos in range(s, s + w):
                        empty(pos, "")
            else:
                for pos in range(s, s + w):
                    if rng.random() < 0.4:
                        empty(pos, "")
    elif style == "blank_t4":
        (s, _), *_ = t4
        zeros = [p for p in range(s, s + 15) if v.values[p] == "0"]
        keep = rng.choice(zeros) if len(zeros) == 15 else None  # never a wholly empty table 四
        for pos in zeros:
            if pos != keep and rng.random() < 0.5:
                empty(pos, "")
    elif style == "dropped":
        rows = t2 + t3 + t4
        for s, w in rng.sample(rows, rng.randint(1, 3)):
            zeros = [p for p in range(s, s + w) if v.values[p] == "0"]
            for pos in zeros[: rng.randint(1, max(1, len(zeros)))]:
                empty(pos, "")


def layout_states(v: Values, ec: EditionCells, drops_empty: bool) -> list[str]:
    """The truth states for one layout: v.states, with the cells whose place the text cannot give marked
    UNCERTAIN.

    In a layout that drops empty cells, a row with both empty and filled cells cannot be placed (table 四
    counts as one row: its fifteen numbers stand in one run). In any layout, a table 四 without a single
    number cannot be told from a table whose numbers were lost."""
    if v.all_values or BLANK not in v.states:
        return v.states
    states = list(v.states)
    spans = [(s, w) for t, _, s, w in ec.rows if t != "t4"]
    t4 = [(s, w) for t, _, s, w in ec.rows if t == "t4"]
    t4_start = t4[0][0]
    spans.append((t4_start, sum(w for _, w in t4)))
    for s, w in spans:
        blank = sum(1 for p in range(s, s + w) if states[p] == BLANK)
        if not blank:
            continue
        if (drops_empty and blank < w) or (s == t4_start and blank == w):
            for p in range(s, s + w):
                states[p] = UNCERTAIN
    return states
