"""Tables 二, 三 and 四 as grids of cells with rowspan/colspan, the way the official forms print them.

One grid per (table, edition, label style) is the single description every layout renders from: the HTML
layout writes it as <td rowspan colspan>, the text layouts flatten it the way real converters do (spanned
positions as tab fillers, '|||' runs, or dropped). A value cell holds a slot number: the position of the
cell in the edition's canonical cell list (cells.edition_cells), so one grid serves every report.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bench.generator.cells import edition_cells


@dataclass(frozen=True)
class GCell:
    text: str  # label text ("" for an empty cell); may hold "\n" where the form breaks a header
    slot: int | None = None  # a value cell: its position in the edition's cell list
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class GRow:
    cells: tuple[GCell, ...]
    head: bool  # a header row (column titles, sub-table headings), not a row of values


@dataclass(frozen=True)
class LabelStyle:
    fullwidth: bool = True  # （一） or (一)
    spaced: bool = False  # "(二) 部分公开 (区分处理的, …)", "1. 属于国家秘密"
    old_normative: bool = False  # 2021 table still labelled 规范性文件 (not 行政规范性文件)
    spaced_article: bool = False  # "第二十条  第(一)项"
    split_headers: bool = True  # 商业\n企业: header glyphs broken over lines
    short_law: bool = False  # "其他法律法规禁止公开" for "其他法律行政法规禁止公开"


_ASCII = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"})


def _lab(text: str, st: LabelStyle) -> str:
    if st.spaced:
        text = text.replace("）", "） ", 1) if text.startswith("（") else text
        text = text.replace("（区分", " （区分").replace("，", "， ")
        if len(text) > 2 and text[0].isdigit() and text[1] == ".":
            text = text[:2] + " " + text[2:]
    if not st.fullwidth:
        text = text.translate(_ASCII)
    return text


def _art(item: str, st: LabelStyle) -> str:
    text = f"第二十条  第（{item}）项" if st.spaced_article else f"第二十条第（{item}）项"
    return _lab(text, LabelStyle(fullwidth=st.fullwidth))


def _hdr(text: str, st: LabelStyle) -> str:
    return text if st.split_headers else text.replace("\n", "")


def _v(slot: int, colspan: int = 1) -> GCell:
    return GCell("", slot, colspan)


def _row(*cells: GCell, head: bool = False) -> GRow:
    return GRow(tuple(cells), head)


@cache
def t2_grid(edition: str, st: LabelStyle) -> tuple[GRow, ...]:
    ec = edition_cells(edition)
    ix = ec.index
    L = lambda t: GCell(_lab(t, st))  # noqa: E731
    H = lambda t, span=1: GCell(_lab(t, st), colspan=span)  # noqa: E731
    if edition == "2021":
        norm = "规范性文件" if st.old_normative else "行政规范性文件"
        return (
            _row(H(_art("一", st), 4), head=True),
            _row(L("信息内容"), L("本年制发件数"), L("本年废止件数"), L("现行有效件数"), head=True),
            _row(
                L("规章"), *(_v(ix["t2", "20_1_regulations", c]) for c in ("issued", "repealed", "in_force"))
            ),
            _row(L(norm), *(_v(ix["t2", "20_1_normative", c]) for c in ("issued", "repealed", "in_force"))),
            _row(H(_art("五", st), 4), head=True),
            _row(L("信息内容"), H("本年处理决定数量", 3), head=True),
            _row(L("行政许可"), _v(ix["t2", "20_5_licensing", "decisions"], 3)),
            _row(H(_art("六", st), 4), head=True),
            _row(L("信息内容"), H("本年处理决定数量", 3), head=True),
            _row(L("行政处罚"), _v(ix["t2", "20_6_punishment", "decisions"], 3)),
            _row(L("行政强制"), _v(ix["t2", "20_6_coercion", "decisions"], 3)),
            _row(H(_art("八", st), 4), head=True),
            _row(L("信息内容"), H("本年收费金额（单位：万元）", 3), head=True),
            _row(L("行政事业性收费"), _v(ix["t2", "20_8_fees", "amount"], 3)),
        )
    three = ("prev_items", "change", "decisions")
    return (
        _row(H(_art("一", st), 4), head=True),
        _row(L("信息内容"), L("本年新制作数量"), L("本年新公开数量"), L("对外公开总数量"), head=True),
        _row(L("规章"), *(_v(ix["t2", "20_1_regulations", c]) for c in ("new_made", "new_published", "total_published"))),
        _row(L("规范性文件"), *(_v(ix["t2", "20_1_normative", c]) for c in ("new_made", "new_published", "total_published"))),
        _row(H(_art("五", st), 4), head=True),
        _row(L("信息内容"), L("上一年项目数量"), L("本年增/减"), L("处理决定数量"), head=True),
        _row(L("行政许可"), *(_v(ix["t2", "20_5_licensing", c]) for c in three)),
        _row(L("其他对外管理服务事项"), *(_v(ix["t2", "20_5_other_services", c]) for c in three)),
        _row(H(_art("六", st), 4), head=True),
        _row(L("信息内容"), L("上一年项目数量"), L("本年增/减"), L("处理决定数量"), head=True),
        _row(L("行政处罚"), *(_v(ix["t2", "20_6_punishment", c]) for c in three)),
        _row(L("行政强制"), *(_v(ix["t2", "20_6_coercion", c]) for c in three)),
        _row(H(_art("八", st), 4), head=True),
        _row(L("信息内容"), L("上一年项目数量"), H("本年增/减", 2), head=True),
        _row(L("行政事业性收费"), _v(ix["t2", "20_8_fees", "prev_items"]), _v(ix["t2", "20_8_fees", "change"], 2)),
        _row(H(_art("九", st), 4), head=True),
        _row(L("信息内容"), L("采购项目数量"), H("采购总金额", 2), head=True),
        _row(L("政府集中采购"), _v(ix["t2", "20_9_procurement", "items"]), _v(ix["t2", "20_9_procurement", "amount"], 2)),
    )  # fmt: skip


_GROUPS_2021 = (
    ("（一）予以公开", ("3_1",), ()),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("3_2",), ()),
    ("（三）不予公开", tuple(f"3_3_{i}" for i in range(1, 9)), (
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
        "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("（四）无法提供", ("3_4_1", "3_4_2", "3_4_3"), (
        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    ("（五）不予处理", tuple(f"3_5_{i}" for i in range(1, 6)), (
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", ("3_6_1", "3_6_2", "3_6_3"), (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
    ("（七）总计", ("3_7",), ()),
)  # fmt: skip
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _groups(edition: str) -> tuple:
    if edition == "2021":
        return _GROUPS_2021
    return tuple(("（六）其他处理", ("3_6",), ()) if g[0] == "（六）其他处理" else g for g in _GROUPS_2021)


@cache
def t3_grid(edition: str, st: LabelStyle) -> tuple[GRow, ...]:
    ec = edition_cells(edition)

    def values(row: str) -> list[GCell]:
        return [_v(i) for i in ec.row("t3", row)]

    def lab(text: str, colspan: int = 1, rowspan: int = 1) -> GCell:
        return GCell(_lab(text, st), None, colspan, rowspan)

    rows = [
        _row(lab(T3_CORNER, 3, 3), lab("申请人情况", 7), head=True),
        _row(lab("自然人", 1, 2), lab("法人或其他组织", 5), lab("总计", 1, 2), head=True),
        _row(*(lab(_hdr(h, st)) for h in ("商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他")), head=True),
        _row(lab("一、本年新收政府信息公开申请数量", 3), *values("1")),
        _row(lab("二、上年结转政府信息公开申请数量", 3), *values("2")),
    ]  # fmt: skip
    groups = _groups(edition)
    n_result_rows = sum(len(codes) for _, codes, _ in groups)
    first = True
    for group, codes, leaves in groups:
        for k, code in enumerate(codes):
            cells = []
            if first:
                cells.append(lab("三、本年度办理结果", 1, n_result_rows))
                first = False
            if not leaves:
                cells.append(lab(group, 2))
            else:
                if k == 0:
                    cells.append(lab(group, 1, len(codes)))
                leaf = leaves[k]
                if st.short_law:
                    leaf = leaf.replace("其他法律行政法规", "其他法律法规")
                cells.append(lab(leaf))
            rows.append(_row(*cells, *values(code)))
    rows.append(_row(lab("四、结转下年度继续办理", 3), *values("4")))
    return tuple(rows)


@cache
def t4_grid(edition: str, st: LabelStyle) -> tuple[GRow, ...]:
    ec = edition_cells(edition)
    start = ec.row("t4", "review")[0]
    five = ("结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计")

    def h(text: str, colspan: int = 1, rowspan: int = 1) -> GCell:
        return GCell(_hdr(text, st), None, colspan, rowspan)

    return (
        _row(h("行政复议", 5), h("行政诉讼", 10), head=True),
        _row(*(h(t, 1, 2) for t in five), h("未经复议直接起诉", 5), h("复议后起诉", 5), head=True),
        _row(*(h(t) for t in five * 2), head=True),
        _row(*(_v(start + i) for i in range(15))),
    )


# --- flattening -----------------------------------------------------------------------------------------

CELL, ROWCONT, COLCONT = "cell", "rowcont", "colcont"


@dataclass(frozen=True)
class Pos:
    kind: str  # CELL: the cell's own position; ROWCONT / COLCONT: a position a span covers
    cell: GCell
    origin_row: int  # the row the cell starts in


@cache
def expand(grid: tuple[GRow, ...]) -> tuple[tuple[Pos, ...], ...]:
    """Each row's positions left to right, spans spelled out (as html.py's grid does)."""
    taken: dict[tuple[int, int], Pos] = {}
    out = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row.cells:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    kind = CELL if dr == dc == 0 else (ROWCONT if dr > 0 and dc == 0 else COLCONT)
                    taken[(r + dr, c + dc)] = Pos(kind, cell, r)
            c += cell.colspan
        width = max((cc for rr, cc in taken if rr == r), default=-1) + 1
        out.append(tuple(taken[(r, cc)] for cc in range(width) if (r, cc) in taken))
    return tuple(out)
