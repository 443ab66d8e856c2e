"""One report's full description (ReportSpec) and its random draw.

Every report has its own RNG, seeded from (seed, index): report i is the same whatever the count, so a
small corpus is a prefix of a large one and any report can be redrawn alone (draw_spec(seed, i)).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bench.generator.cells import (
    EMPTY_STYLES,
    Values,
    apply_empty_style,
    draw_values,
    edition_cells,
    layout_states,
)
from bench.generator.layouts import EXPLICIT_EMPTY, LAYOUT_WEIGHTS, LAYOUTS, LayoutStyle
from bench.generator.narrative import Narrative, draw_narrative
from bench.generator.rng import FastRandom, cumulative
from bench.generator.tables import LabelStyle
from bench.generator.units import Unit, draw_unit

INCONSISTENT_SHARE = 0.03
TRADITIONAL_SHARE = 0.02
# Encodings of the files: most pages are UTF-8; GBK is common on older county sites.
ENCODINGS = (("utf-8", 82), ("gbk", 14), ("utf-8-sig", 4))


@dataclass(slots=True)
class ReportSpec:
    index: int
    file_name: str
    layout: str
    year: int
    edition: str  # "2019" (reports on 2019–2020) or "2021" (2021 on)
    unit: Unit
    values: Values
    empty_style: str
    narrative: Narrative
    style: LayoutStyle
    para_sep: str  # between paragraphs: "\n" or "\n\n"
    indent: str  # before a paragraph: "", four spaces or two ideographic spaces
    head_prefix: str  # before a section heading: "" or " "
    furniture: bool  # web-page navigation lines before the title
    table_note: bool  # "该部分以表格形式报告。表格如下：" before tables 二 and 三
    encoding: str  # utf-8 | utf-8-sig | gbk (gb18030 when a name has a character GBK lacks)
    traditional: bool  # converted to traditional characters (OpenCC s2t), as mirror sites do

    def states(self, layout: str | None = None) -> list[str]:
        """The ground-truth state of every cell for `layout` (default: the spec's own)."""
        layout = layout or self.layout
        return layout_states(self.values, edition_cells(self.edition), layout not in EXPLICIT_EMPTY)


def edition_of(year: int) -> str:
    # 国办公开办函〔2021〕30号 applies to reports on 2021 onward, 〔2019〕60号 to 2019–2020.
    return "2019" if year < 2021 else "2021"


# Empty-cell styles a layout can get: blanks only where the layout keeps an empty cell's place; "dropped"
# (empty cells in a layout that loses them: uncertain rows) only where it does not.
_EMPTY_EXPLICIT = tuple((name, w) for name, w, _ in EMPTY_STYLES if name != "dropped")
_EMPTY_DROPPING = tuple((name, w) for name, w, needs in EMPTY_STYLES if not needs)


def _weights(pairs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], list[float]]:
    return tuple(k for k, _ in pairs), cumulative(w for _, w in pairs)


_EMPTY_EXPLICIT_W = _weights(_EMPTY_EXPLICIT)
_EMPTY_DROPPING_W = _weights(_EMPTY_DROPPING)
_ENCODINGS_W = _weights(ENCODINGS)


@cache
def _layout_weights(layouts: tuple[str, ...] | None) -> tuple[tuple[str, ...], list[float]]:
    return _weights(tuple((x, LAYOUT_WEIGHTS[x]) for x in layouts or LAYOUTS))


def _file_name(rng: FastRandom, index: int, unit: Unit, year: int, layout: str) -> str:
    ext = rng.choice((".html", ".html", ".htm", ".shtml")) if layout == "html" else ".txt"
    prov = unit.province or "其他"
    form = rng.random()
    if form < 0.35:
        return f"{prov}/{year}/{unit.title_name}{year}年政府信息公开工作年度报告_{index:06d}{ext}"
    if form < 0.6:
        return f"{prov}/{year}/{index:06d}_{rng.getrandbits(64):016x}{ext}"
    if form < 0.75:
        return f"{year}/{unit.title_name} {year}年度 报告 {index}{ext}"
    if form < 0.9:
        return f"{prov}/{unit.title_name}/{year} 年报（{index}）{ext}"
    return f"report_{index:06d}{ext}"


_LABEL_QUIRKS = ("",) * 12 + ("spaced", "spaced", "old_normative", "spaced_article", "short_law")
# Interned styles: one object per distinct choice, so compile_tables finds its templates by identity.
_STYLES: dict[tuple, LayoutStyle] = {}


def _styles(rng: FastRandom, layout: str, edition: str) -> LayoutStyle:
    """The report's rendering choices. Only the choices its layout uses are kept (the rest stay at their
    defaults), so that reports share compiled table templates (layouts.compile_tables)."""
    r = rng.random
    # at most one label quirk per report: fewer distinct templates to compile, as real quirks are rare
    quirk = rng.choice(_LABEL_QUIRKS)
    labels = (
        r() < 0.5,  # fullwidth
        quirk == "spaced",
        quirk == "old_normative" and edition == "2021",
        quirk == "spaced_article",
        layout in ("seed_lines", "L1", "L4", "L5", "html") and r() < 0.7,  # split_headers
        quirk == "short_law",
    )
    if layout == "tab_rows":
        options: tuple = (("trailing", r() < 0.5), ("shift", rng.choice((0, 0, 0, 3, 5, 7))))
    elif layout in ("L1", "L3"):
        options = (("fillers", r() < (0.4 if layout == "L1" else 0.5)),)
    elif layout == "L4":
        options = (("pad", rng.choice(("lead", "lead", "trail", ""))),)
    elif layout == "L5":
        options = (("wrap", rng.choice((16, 18, 22, 28))),)
    elif layout == "html":
        options = (("nbsp", r() < 0.4),)
    else:
        options = ()
    key = (labels, options)
    style = _STYLES.get(key)
    if style is None:
        style = _STYLES[key] = LayoutStyle(labels=LabelStyle(*labels), **dict(options))
    return style


def draw_spec(
    seed: int,
    index: int,
    years: tuple[int, int] = (2019, 2025),
    layouts: tuple[str, ...] | None = None,
) -> ReportSpec:
    rng = FastRandom((seed << 40) ^ index)
    year = rng.randint(*years)
    edition = edition_of(year)
    unit = draw_unit(rng)
    layout = rng.weighted(*_layout_weights(layouts))
    inconsistent = rng.random() < INCONSISTENT_SHARE
    level = "city" if unit.level == "city" else ("department" if unit.level == "department" else unit.level)
    values = draw_values(rng, edition, level, inconsistent)
    explicit = layout in EXPLICIT_EMPTY
    empty_style = rng.weighted(*(_EMPTY_EXPLICIT_W if explicit else _EMPTY_DROPPING_W))
    apply_empty_style(rng, values, edition_cells(edition), empty_style)
    style = _styles(rng, layout, edition)
    narrative = draw_narrative(rng, unit, year, edition, values.t3_applications, style.labels.fullwidth)
    traditional = rng.random() < TRADITIONAL_SHARE
    encoding = "utf-8" if traditional else rng.weighted(*_ENCODINGS_W)
    return ReportSpec(
        index=index,
        file_name=_file_name(rng, index, unit, year, layout),
        layout=layout,
        year=year,
        edition=edition,
        unit=unit,
        values=values,
        empty_style=empty_style,
        narrative=narrative,
        style=style,
        para_sep=rng.choice(("\n", "\n", "\n\n")),
        indent=rng.choice(("", "", "    ", "\u3000\u3000")),
        head_prefix=rng.choice(("", "", " ")),
        furniture=rng.random() < 0.3,
        table_note=rng.random() < 0.15,
        encoding=encoding,
        traditional=traditional,
    )
