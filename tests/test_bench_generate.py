"""The synthetic report generator (bench/generate.py): determinism, coverage, ground truth, parser accuracy.

The accuracy test parses a generated corpus with the real parser and compares every cell with the ground
truth: the parser must never return a cell that disagrees with the truth, and must return at least 99% of
the cells whose place the text gives ("certain" cells). Per-layout figures are printed (pytest -s) and
attached to the failure message.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bench.generate import LAYOUTS, META_FILE, TRUTH_FILE, draw_spec, encode_report, generate, render_report
from bench.generator.cells import edition_cells
from pipeline.parsing import parse_report
from pipeline.parsing.decode import decode
from pipeline.parsing.taxonomy import all_codes
from pipeline.units import load_gazetteer, resolve_unit


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _meta(folder: Path) -> list[dict[str, str]]:
    with open(folder / META_FILE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _truth(folder: Path) -> dict[str, dict[tuple[str, str, str], dict]]:
    out: dict[str, dict[tuple[str, str, str], dict]] = defaultdict(dict)
    for r in pq.read_table(folder / TRUTH_FILE).to_pylist():
        out[r["file_name"]][(r["table_code"], r["row_code"], r["col_code"])] = r
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """200 reports drawn as the benchmark draws them."""
    out = tmp_path_factory.mktemp("corpus")
    generate(out, 200, seed=7)
    return out


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, 60, seed=3)
    generate(b, 60, seed=3)
    generate(c, 60, seed=4)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


def test_a_report_does_not_depend_on_the_count(tmp_path):
    generate(tmp_path / "small", 10, seed=5)
    generate(tmp_path / "large", 40, seed=5)
    small, large = _digest(tmp_path / "small"), _digest(tmp_path / "large")
    reports = {k: v for k, v in small.items() if k not in (TRUTH_FILE, META_FILE)}
    assert len(reports) == 10
    assert all(large[k] == v for k, v in reports.items())
    spec = draw_spec(5, 3)
    assert encode_report(spec, render_report(spec))[0] == (tmp_path / "small" / spec.file_name).read_bytes()


def test_every_layout_edition_and_variant_appears(corpus):
    meta = _meta(corpus)
    assert len(meta) == 200
    assert {m["layout"] for m in meta} == set(LAYOUTS)
    assert {m["format_edition"] for m in meta} == {"2019", "2021"}
    assert all(m["format_edition"] == ("2019" if int(m["year"]) < 2021 else "2021") for m in meta)
    assert {"utf-8", "utf-8-sig"} <= {m["encoding"] for m in meta}
    assert {"gbk", "gb18030"} & {m["encoding"] for m in meta}
    assert any(m["script"] == "traditional" for m in meta)
    assert {"township", "county", "department", "city"} <= {m["unit_level"] for m in meta}
    assert any(m["inconsistent"] == "1" for m in meta)
    names = [m["file_name"] for m in meta]
    assert any("/" in n for n in names) and any(" " in n for n in names)
    assert any(n.endswith((".html", ".htm", ".shtml")) for n in names)
    assert len(set(names)) == len(names)
    for m in meta:
        assert (corpus / m["file_name"]).is_file()
    # every layout in both editions (layouts drawn alike; the rarest pairs need a larger sample)
    pairs = {(s.layout, s.edition) for s in (draw_spec(7, i) for i in range(600))}
    assert pairs == {(lay, ed) for lay in LAYOUTS for ed in ("2019", "2021")}


def test_ground_truth_is_complete_and_consistent(corpus):
    truth = _truth(corpus)
    meta = {m["file_name"]: m for m in _meta(corpus)}
    codes = all_codes()
    states = Counter()
    for name, cells in truth.items():
        m = meta[name]
        ec = edition_cells(m["format_edition"])
        assert set(cells) == set(ec.codes) and set(cells) <= codes
        assert int(m["n_cells"]) == len(cells)
        for r in cells.values():
            states[r["cell_state"]] += 1
            assert r["true_state"] in ("value", "blank", "na")
            assert (r["value"] != "") == (r["true_state"] == "value")
            if r["cell_state"] != "uncertain":
                assert r["cell_state"] == r["true_state"]
            if r["value"]:
                Decimal(r["value"])

        def num(table: str, row: str, col: str, cells: dict = cells) -> int:
            v = cells[(table, row, col)]["value"]
            return int(v) if v else 0  # an empty cell counts none

        t3_cols = [c for t, r, c in ec.codes if t == "t3" and r == "1"]
        leaves = [r for t, r, _, _ in ec.rows if t == "t3" and r.startswith("3_") and r != "3_7"]
        rules = []
        for col in t3_cols:
            rules.append(
                num("t3", "1", col) + num("t3", "2", col) == num("t3", "3_7", col) + num("t3", "4", col)
            )
            rules.append(num("t3", "3_7", col) == sum(num("t3", leaf, col) for leaf in leaves))
        for t, row, _, _ in ec.rows:
            if t == "t3":
                rules.append(num("t3", row, "total") == sum(num("t3", row, c) for c in t3_cols[:-1]))
            if t == "t4":
                four = ("upheld", "corrected", "other", "pending")
                rules.append(num("t4", row, "total") == sum(num("t4", row, c) for c in four))
        assert all(rules) == (m["inconsistent"] == "0"), (name, m["inconsistency"])
    assert states["value"] > 0 and states["blank"] > 0 and states["na"] > 0


def test_inconsistent_share_is_about_three_per_cent():
    specs = [draw_spec(11, i) for i in range(2000)]
    share = sum(bool(s.values.inconsistency) for s in specs) / len(specs)
    assert 0.015 < share < 0.05


def test_blank_cells_only_where_the_layout_keeps_their_place():
    for i in range(3000):
        spec = draw_spec(13, i)
        states = spec.states()
        blank = "blank" in spec.values.states
        if spec.layout in ("L1", "L2", "L2b", "L4", "L5"):
            # a row mixing empty and filled cells is uncertain; a wholly empty row is certain (all blank)
            for t, _, start, width in edition_cells(spec.edition).rows:
                row = states[start : start + width]
                if t != "t4" and "blank" in row:
                    assert set(row) == {"blank"}
        elif blank:
            assert spec.empty_style != "dropped"


def _compare(folder: Path) -> tuple[dict[str, Counter], list[tuple]]:
    """Per layout: certain cells, cells returned right, cells returned wrong; and the wrong ones."""
    truth = _truth(folder)
    meta = {m["file_name"]: m for m in _meta(folder)}
    stats: dict[str, Counter] = defaultdict(Counter)
    wrong: list[tuple] = []
    for name, cells in truth.items():
        layout = meta[name]["layout"]
        report = parse_report((folder / name).read_bytes(), file_name=name)
        s = stats[layout]
        s["reports"] += 1
        got = {(c.table_code, c.row_code, c.col_code): c for c in report.cells}
        for key in got.keys() - cells.keys():
            wrong.append((name, layout, key, "cell not in the report's edition", got[key].raw))
        for key, r in cells.items():
            certain = r["cell_state"] != "uncertain"
            s["certain" if certain else "uncertain"] += 1
            c = got.get(key)
            if c is None:
                continue
            value = Decimal(r["value"]) if r["value"] else None
            if c.cell_state != r["true_state"] or c.value != value:
                s["wrong"] += 1
                wrong.append((name, layout, key, f"expected {r['true_state']} {r['value']!r}",
                              f"got {c.cell_state} {c.value} raw {c.raw!r} line {c.source_line}"))  # fmt: skip
            elif certain:
                s["right"] += 1
    return stats, wrong


def _table(stats: dict[str, Counter]) -> str:
    lines = ["layout      reports  certain  returned  wrong  uncertain"]
    for layout in sorted(stats):
        s = stats[layout]
        lines.append(
            f"{layout:10s} {s['reports']:8d} {s['certain']:8d} {s['right'] / max(1, s['certain']):9.2%}"
            f" {s['wrong']:6d} {s['uncertain']:10d}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def accuracy(tmp_path_factory):
    """35 reports of every layout (315), parsed with the real parser."""
    out = tmp_path_factory.mktemp("accuracy")
    stats: dict[str, Counter] = {}
    wrong: list[tuple] = []
    for k, layout in enumerate(LAYOUTS):
        generate(out / layout, 35, seed=17, layouts=(layout,), start=k * 35)
        s, w = _compare(out / layout)
        stats.update(s)
        wrong += w
    return stats, wrong


def test_parser_never_returns_a_wrong_cell(accuracy):
    stats, wrong = accuracy
    print("\n" + _table(stats))
    assert not wrong, _table(stats) + "\n" + "\n".join(map(str, wrong[:20]))


def test_parser_returns_nearly_every_certain_cell(accuracy):
    stats, _ = accuracy
    certain = sum(s["certain"] for s in stats.values())
    right = sum(s["right"] for s in stats.values())
    assert right / certain >= 0.99, _table(stats)
    assert set(stats) == set(LAYOUTS)


def test_one_spec_renders_in_every_layout():
    """render_report(spec, layout): the same report in each layout gives the parser the same cells."""
    specs = (draw_spec(29, i) for i in range(2000))
    spec = next(s for s in specs if s.values.t3_applications > 3 and s.empty_style == "none")
    expected = {
        code: value
        for code, value, state in zip(
            edition_cells(spec.edition).codes, spec.values.values, spec.states("L3"), strict=True
        )
        if state == "value"
    }
    for layout in LAYOUTS:
        report = parse_report(
            render_report(spec, layout), file_name=f"x.{'html' if layout == 'html' else 'txt'}"
        )
        got = {
            (c.table_code, c.row_code, c.col_code): c.value for c in report.cells if c.cell_state == "value"
        }
        assert got == {k: Decimal(v) for k, v in expected.items()}, layout


def test_parser_reads_the_metadata(tmp_path):
    generate(tmp_path, 120, seed=19)
    for m in _meta(tmp_path):
        report = parse_report((tmp_path / m["file_name"]).read_bytes(), file_name=m["file_name"])
        assert report.meta.format_edition == m["format_edition"], m["file_name"]
        assert report.meta.year == int(m["year"]), m["file_name"]
        assert report.meta.unit_name == m["unit_name"], m["file_name"]
        assert str(report.meta.published_on) == m["published_on"], m["file_name"]


def test_units_resolve_to_the_expected_divisions(tmp_path):
    """The text names the unit's parents the way real reports do; the resolver should find the division."""
    generate(tmp_path, 150, seed=23)
    gaz = load_gazetteer()
    misses = []
    meta = _meta(tmp_path)
    for m in meta:
        data = (tmp_path / m["file_name"]).read_bytes()
        unit = parse_report(data, file_name=m["file_name"]).meta.unit_name
        res = resolve_unit(unit, decode(data)[0], gaz, file_name=m["file_name"])
        if res.division_code != m["division_code"]:
            misses.append((m["file_name"], m["unit_name"], res.status, res.division_code, m["division_code"]))
    assert len(misses) <= len(meta) // 50, misses


L1_FILLER_SNIPPET = "规章\n|\n\n|\n0\n|\n0\n|\n||\n行政规范性文件\n|\n3\n|\n2\n|\n12\n|\n||\n"


def test_parser_l1_row_with_an_empty_cell_and_a_filler_line():
    head = "XX镇人民政府2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项\n|\n"
    header = "信息内容\n|\n本年制发件数\n|\n本年废止件数\n|\n现行有效件数\n|\n||\n"
    report = parse_report(head + header + L1_FILLER_SNIPPET + "三、收到和处理政府信息公开申请情况\n")
    got = {c.col_code: (c.cell_state, c.value) for c in report.cells if c.row_code == "20_1_regulations"}
    # 规章: 本年制发 empty, 本年废止 0, 现行有效 0. The row cannot be placed with certainty from the text
    # (the empty line could be anywhere), so no cell of it should be returned, and never 0 for the first.
    assert got == {} or got == {"issued": ("blank", None), "repealed": ("value", 0), "in_force": ("value", 0)}
