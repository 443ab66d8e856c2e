"""Property tests: any input gives a structured result; separators and spacing do not change the facts."""

from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parsing import parse_report
from pipeline.parsing.model import CELL_STATES, FAILED, ParsedReport
from pipeline.parsing.taxonomy import all_codes

RAW = Path(__file__).parent.parent / "raw"
SEED = (RAW / "002_0d8d98ed0f7285a4.txt").read_text(encoding="utf-8")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_structure(report: ParsedReport) -> None:
    assert isinstance(report, ParsedReport)
    assert report.parse_status != FAILED, report.issues
    codes = all_codes()
    for cell in report.cells:
        assert (cell.table_code, cell.row_code, cell.col_code) in codes
        assert cell.cell_state in CELL_STATES
        assert (cell.value is not None) == (cell.cell_state == "value")


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_structured_result(data):
    _check_structure(parse_report(data))


@FAST
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789|/\t\n 　-—一二三四规章行政许可处罚（）()、.总计其他")),
        max_size=600,
    )
)
def test_table_like_noise_gives_a_structured_result(text):
    _check_structure(parse_report(SEED[:1500] + text))


@FAST
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=len(SEED)))
def test_truncating_a_report_never_invents_cells(seed, cut):
    full = {(c.table_code, c.row_code, c.col_code): c.value for c in parse_report(SEED).cells}
    part = parse_report(SEED[:cut])
    _check_structure(part)
    for cell in part.cells:
        key = (cell.table_code, cell.row_code, cell.col_code)
        # a cell read from a prefix has the value the whole report gives it
        assert key in full and full[key] == cell.value


def _facts(report: ParsedReport):
    return sorted((c.table_code, c.row_code, c.col_code, c.cell_state, c.value) for c in report.cells)


@FAST
@given(st.lists(st.sampled_from([" ", "  ", "\u3000", "\xa0"]), min_size=1, max_size=8), st.booleans())
def test_spacing_and_separators_do_not_change_facts(pads, as_pipes):
    expected = _facts(parse_report(SEED))
    lines = []
    for i, line in enumerate(SEED.splitlines()):
        pad = pads[i % len(pads)]
        cells = line.split("\t")
        if as_pipes and len(cells) > 1:
            line = " | ".join(pad + c + pad for c in cells) + " |"
        else:
            line = "\t".join(pad + c for c in cells)
        lines.append(line)
    assert _facts(parse_report("\n".join(lines))) == expected


def test_fullwidth_digits_and_zero_width_characters_read_as_numbers():
    text = regex.sub(r"(?<=\t)6(?=\t)", "\u200b６", SEED, count=1)
    assert text != SEED
    assert _facts(parse_report(text)) == _facts(parse_report(SEED))


@pytest.mark.parametrize("seed_file", ["002_0d8d98ed0f7285a4.txt", "004_2f5ce1d8c328b429.txt"])
def test_every_cut_inside_the_tables_keeps_only_true_cells(seed_file):
    # Deterministic sweep: cut the report at every character of its tables (tab rows in 002, one cell
    # per line in 004); whatever is read from a cut text must be what the whole text says.
    text = (RAW / seed_file).read_text(encoding="utf-8")
    full = {(c.table_code, c.row_code, c.col_code): (c.cell_state, c.value) for c in parse_report(text).cells}
    start = text.index("二、主动公开政府信息情况")
    end = text.index("存在的主要问题")
    for cut in range(start, end):
        for cell in parse_report(text[:cut]).cells:
            key = (cell.table_code, cell.row_code, cell.col_code)
            assert full.get(key) == (cell.cell_state, cell.value), (cut, key)
