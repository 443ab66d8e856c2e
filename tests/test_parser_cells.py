"""How the parser reads single cells and rows whose cells are blank, '/', signed, or cannot be placed."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parsing import parse_report
from pipeline.parsing.cells import DUBIOUS, read_cell
from pipeline.parsing.decode import decode
from pipeline.parsing.model import BLANK, NA, PARSED, PARSED_WITH_ISSUES, VALUE


@pytest.mark.parametrize(
    ("text", "unit", "state", "value"),
    [
        ("0", "件", VALUE, Decimal(0)),
        ("1,472", "件", VALUE, Decimal(1472)),
        ("20.3", "万元", VALUE, Decimal("20.3")),
        ("160.5964万元", "万元", VALUE, Decimal("160.5964")),
        ("251000元", "万元", VALUE, Decimal("25.1")),
        ("+3", "项", VALUE, Decimal(3)),
        ("增1423", "项", VALUE, Decimal(1423)),
        ("减52", "项", VALUE, Decimal(-52)),
        ("--253", "项", VALUE, Decimal(-253)),
        ("", "件", BLANK, None),
        ("/", "件", NA, None),
        ("—", "件", NA, None),
        ("-", "件", NA, None),
        ("无", "件", NA, None),
        ("不适用", "件", NA, None),
        ("260余", "件", DUBIOUS, None),
        ("5万元", "件", DUBIOUS, None),
    ],
)
def test_read_cell(text, unit, state, value):
    reading = read_cell(text, unit)
    assert reading.state == state
    assert reading.value == value


T2_HEAD = "二、主动公开政府信息情况\n第二十条第（一）项 | |||\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
T2_TAIL = (
    "第二十条第（五）项 | |||\n信息内容 | 本年处理决定数量 | ||\n行政许可 | 5 | ||\n"
    "第二十条第（六）项 | |||\n信息内容 | 本年处理决定数量 | ||\n行政处罚 | / | ||\n行政强制 | 0 | ||\n"
    "第二十条第（八）项 | |||\n信息内容 | 本年收费金额（单位：万元） | ||\n行政事业性收费 | 1.5 | ||\n"
    "三、收到和处理政府信息公开申请情况\n"
)


def _t2(report):
    return {
        (c.row_code, c.col_code): (c.cell_state, c.value, c.source_line)
        for c in report.cells
        if c.table_code == "t2"
    }


def test_pipe_row_with_a_blank_cell_is_placed_by_its_separators():
    text = (
        "某镇2023年政府信息公开工作年度报告\n"
        + T2_HEAD
        + "规章 | 0 | | 2 |\n行政规范性文件 | 1 | 0 | 3 |\n"
        + T2_TAIL
    )
    cells = _t2(parse_report(text))
    assert cells[("20_1_regulations", "issued")] == (VALUE, Decimal(0), 5)
    assert cells[("20_1_regulations", "repealed")] == (BLANK, None, 5)
    assert cells[("20_1_regulations", "in_force")] == (VALUE, Decimal(2), 5)
    assert cells[("20_1_normative", "in_force")] == (VALUE, Decimal(3), 6)
    assert cells[("20_5_licensing", "decisions")] == (VALUE, Decimal(5), 9)
    assert cells[("20_6_punishment", "decisions")] == (NA, None, 12)
    assert cells[("20_8_fees", "amount")] == (VALUE, Decimal("1.5"), 16)


def test_collapsed_blank_cells_are_flagged_not_shifted():
    # One cell per line with empty cells dropped: the single "2" could be any of the three columns.
    text = (
        "某镇2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n"
        "本年废止件数\n现行有效件数\n规章\n2\n行政规范性文件\n1\n0\n3\n" + T2_TAIL
    )
    report = parse_report(text)
    cells = _t2(report)
    assert not any(row == "20_1_regulations" for row, _ in cells)
    assert cells[("20_1_normative", "issued")][1] == Decimal(1)
    assert report.parse_status == PARSED_WITH_ISSUES
    flagged = [i for i in report.issues if i.code == "row_cells_uncertain"]
    assert len(flagged) == 1 and "规章" in flagged[0].message and flagged[0].source_line == 8


def test_row_with_no_value_at_all_is_blank():
    text = (
        "某镇2023年政府信息公开工作年度报告\n"
        + T2_HEAD
        + "规章 | ||\n行政规范性文件 | 1 | 0 | 3 |\n"
        + T2_TAIL
    )
    cells = _t2(parse_report(text))
    assert [cells[("20_1_regulations", c)][0] for c in ("issued", "repealed", "in_force")] == [BLANK] * 3


def test_stray_number_makes_the_row_uncertain():
    text = (
        "某镇2023年政府信息公开工作年度报告\n"
        + T2_HEAD
        + "规章 | 0 | 0 | 0 | 7 |\n行政规范性文件 | 1 | 0 | 3 |\n"
        + T2_TAIL
    )
    report = parse_report(text)
    assert ("20_1_regulations", "issued") not in _t2(report)
    assert any(i.code == "row_cells_uncertain" for i in report.issues)


def test_dubious_number_is_not_stored():
    text = (
        "某镇2023年政府信息公开工作年度报告\n"
        + T2_HEAD
        + "规章 | 0 | 0 | 0 |\n行政规范性文件 | 260余 | 0 | 3 |\n"
        + T2_TAIL
    )
    report = parse_report(text)
    cells = _t2(report)
    assert ("20_1_normative", "issued") not in cells
    assert cells[("20_1_normative", "repealed")][1] == Decimal(0)
    assert any(i.code == "cell_unreadable" and "260余" in i.message for i in report.issues)


def test_text_that_stops_mid_table_keeps_complete_rows_and_records_the_cut():
    text = "某镇2023年政府信息公开工作年度报告\n" + T2_HEAD + "规章 | 0 | 0 | 0 |\n行政规范性文件 | 1 | 0"
    report = parse_report(text)
    cells = _t2(report)
    assert cells[("20_1_regulations", "in_force")][1] == Decimal(0)
    assert ("20_1_normative", "issued") not in cells
    assert any(i.code == "truncated" for i in report.issues)


def test_not_a_report():
    report = parse_report("今天天气很好。\n我们去公园散步。\n".encode())
    assert report.parse_status == "not_a_report"
    assert report.cells == []


def test_gbk_bytes_decode_like_utf8():
    text = (
        "某镇2023年政府信息公开工作年度报告\n"
        + T2_HEAD
        + "规章 | 0 | 0 | 0 |\n行政规范性文件 | 1 | 0 | 3 |\n"
        + T2_TAIL
    )
    utf8 = parse_report(text.encode("utf-8"))
    gbk = parse_report(text.encode("gbk"))
    bom = parse_report(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert utf8.cells == gbk.cells == bom.cells
    assert utf8.meta == gbk.meta == bom.meta
    assert utf8.meta.unit_name == "某镇" and utf8.meta.year == 2023


def test_seed_status_is_parsed():
    raw = Path(__file__).parent.parent / "raw" / "002_0d8d98ed0f7285a4.txt"
    report = parse_report(raw.read_bytes(), raw.name)
    assert report.parse_status == PARSED and len(report.cells) == 200


MARKDOWN = """某县司法局2023年政府信息公开工作年度报告
二、主动公开政府信息情况
| 第二十条第（一）项 | | | |
|---|---|---|---|
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 0 | 0 | 0 |
| 行政规范性文件 | 2 |  | 5 |
| 第二十条第（五）项 | | | |
| 信息内容 | 本年处理决定数量 | | |
| 行政许可 | 12 | | |
| 第二十条第（六）项 | | | |
| 信息内容 | 本年处理决定数量 | | |
| 行政处罚 | 3 | | |
| 行政强制 | 0 | | |
| 第二十条第（八）项 | | | |
| 信息内容 | 本年收费金额（单位：万元） | | |
| 行政事业性收费（万元） | 1.25 | | |
三、收到和处理政府信息公开申请情况
"""


def test_markdown_table_with_a_blank_cell_and_a_label_with_its_unit():
    cells = _t2(parse_report(MARKDOWN))
    assert cells[("20_1_normative", "issued")] == (VALUE, Decimal(2), 7)
    assert cells[("20_1_normative", "repealed")] == (BLANK, None, 7)
    assert cells[("20_1_normative", "in_force")] == (VALUE, Decimal(5), 7)
    assert cells[("20_6_coercion", "decisions")] == (VALUE, Decimal(0), 14)
    assert cells[("20_8_fees", "amount")] == (VALUE, Decimal("1.25"), 17)


def test_pdf_page_number_inside_a_table_is_not_a_cell():
    text = (
        "某局2022年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n"
        "结果 结果 其他 尚未 总\n- 8 -\n维持 纠正 结果 审结 计 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总\n"
        "0 0 1 0 1 0 0 0 0 0 0 0 0 0 2\n五、存在的主要问题及改进情况\n"
    )
    t4 = {(c.row_code, c.col_code): c.value for c in parse_report(text).cells if c.table_code == "t4"}
    assert len(t4) == 15
    assert t4[("review", "other")] == 1 and t4[("review", "total")] == 1
    assert t4[("litigation_after_review", "total")] == 2


def test_gbk_line_that_happens_to_be_valid_utf8_is_read_as_gbk():
    # b"830000\xd4\xaa" is GBK for "830000元" and also valid UTF-8 ("830000Ԫ")
    text = "某镇2019年政府信息公开工作年度报告\n行政事业性收费 | 830000元 | |\n"
    decoded, encoding = decode(text.encode("gbk"))
    assert decoded == text and encoding == "gb18030"
    mixed = "某镇2023年政府信息公开工作年度报告\n".encode() + "收费 | 830000元 |\n".encode("gbk")
    assert decode(mixed)[0] == "某镇2023年政府信息公开工作年度报告\n收费 | 830000元 |\n"


def test_table_four_one_cell_per_line_with_an_empty_cell():
    seed = (Path(__file__).parent.parent / "raw" / "001_6be7d08550be250c.txt").read_text(encoding="utf-8")
    lines = seed.splitlines()
    first_value = lines.index("\t0", lines.index("\t复议后起诉"))  # the first of the fifteen numbers
    lines[first_value + 2] = "\t"  # review / other: an empty cell
    report = parse_report("\n".join(lines) + "\n")
    t4 = {
        (c.row_code, c.col_code): (c.cell_state, c.source_line) for c in report.cells if c.table_code == "t4"
    }
    assert len(t4) == 15
    assert t4[("review", "other")] == (BLANK, first_value + 3)
    assert t4[("review", "corrected")] == (VALUE, first_value + 2)


def test_wrapped_prose_listing_the_sections_is_not_a_heading():
    from pipeline.parsing.sections import find_headings

    lines = [
        "报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申",
        "请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改",
        "二、主动公开政府信息情况",
        "三是收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
    ]
    assert find_headings(lines) == {"t2": 2, "t3": 3, "t4": 4, "end": 5}


def test_html_spans_are_not_cells_but_an_empty_td_is_a_blank_cell():
    html = (
        "<html><body><p>某镇2023年政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p><table>\n"
        "<tr><td colspan='2' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan='7'>申请人情况</td></tr>\n"
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>\n"
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>\n"
        "<tr><td colspan='2'>一、本年新收政府信息公开申请数量</td><td>3</td><td>1</td><td>0</td><td>0</td>"
        "<td>0</td><td></td><td>4</td></tr>\n"
        "</table></body></html>"
    )
    cells = {c.col_code: (c.cell_state, c.value, c.source_line) for c in parse_report(html, "x.html").cells}
    assert cells["natural_person"] == (VALUE, Decimal(3), 5)
    assert cells["other_org"] == (BLANK, None, 5)
    assert cells["total"] == (VALUE, Decimal(4), 5)


def test_bars_with_nothing_between_are_fillers_and_bars_with_a_space_are_empty_cells():
    text = (
        "某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "自然人 | 法人或其他组织 | 总计 | ||||\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
        "一、本年新收政府信息公开申请数量 |  |  |  |  | 0 |  | 0 | ||\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
        " | 0 |  | 0 |  |  |  |  | 0 |  | 0 |  |  |  | 0 |\n五、存在的主要问题及改进情况\n"
    )
    report = parse_report(text)
    row1 = {c.col_code: c.cell_state for c in report.cells if c.row_code == "1"}
    assert row1 == {
        "natural_person": BLANK,
        "commercial": BLANK,
        "research": BLANK,
        "social_welfare": BLANK,
        "legal_service": VALUE,
        "other_org": BLANK,
        "total": VALUE,
    }
    t4 = [(c.row_code, c.col_code, c.cell_state) for c in report.cells if c.table_code == "t4"]
    assert len(t4) == 15
    assert t4[0] == ("review", "upheld", BLANK) and t4[1] == ("review", "corrected", VALUE)


T3_TAB_HEAD = (
    "某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\t\t\t\t\t\t\n"
    "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
)
T3_TAB_TAIL = "四、政府信息公开行政复议、行政诉讼情况\n"


def _row(report, row_code):
    return {c.col_code: (c.cell_state, c.value) for c in report.cells if c.row_code == row_code}


def test_tab_row_with_empty_fields_on_both_sides_is_placed_like_its_peers():
    # 一、 leaves two empty fields for its merged label cells, as 二、 shows with all seven values. 三（三）4.
    # slid from the third label field to the first (a converter lost the merged cells to its left) and its
    # line was padded at the end, as in raw/003; 三（五）3. slid the same way and shows where its cells are.
    text = (
        T3_TAB_HEAD
        + "一、本年新收政府信息公开申请数量\t\t\t\t\t2\t0\t1\t\t\n"
        + "二、上年结转政府信息公开申请数量\t\t\t1\t0\t0\t0\t0\t0\t1\n"
        + "4.保护第三方合法权益\t\t\t5\t0\t\t1\t\t\t\n"
        + "3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0\t\t\n"
        + T3_TAB_TAIL
    )
    report = parse_report(text)
    assert _row(report, "1") == {
        "natural_person": (BLANK, None),
        "commercial": (BLANK, None),
        "research": (VALUE, Decimal(2)),
        "social_welfare": (VALUE, Decimal(0)),
        "legal_service": (VALUE, Decimal(1)),
        "other_org": (BLANK, None),
        "total": (BLANK, None),
    }
    assert _row(report, "3_3_4") == {
        "natural_person": (BLANK, None),
        "commercial": (BLANK, None),
        "research": (VALUE, Decimal(5)),
        "social_welfare": (VALUE, Decimal(0)),
        "legal_service": (BLANK, None),
        "other_org": (VALUE, Decimal(1)),
        "total": (BLANK, None),
    }


def test_a_converter_that_leaves_one_field_for_merged_labels_is_read_by_its_own_rows():
    # raw/003's geometry: 一、 and 二、 have one empty field after the label and one at the end of the line.
    # Reading 一、 by the printed form's three label columns would shift every value one column left.
    head = (
        "某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t总计\t\n"
        "\t\t自然人\t法人或其他组织\t\t\t\t\t\t\n"
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t\n"
    )
    text = (
        head
        + "一、本年新收政府信息公开申请数量\t\t\t3\t0\t0\t0\t0\t3\t\n"
        + "二、上年结转政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1\t\n"
        + T3_TAB_TAIL
    )
    report = parse_report(text)
    assert _row(report, "1") == {
        "natural_person": (BLANK, None),
        "commercial": (VALUE, Decimal(3)),
        "research": (VALUE, Decimal(0)),
        "social_welfare": (VALUE, Decimal(0)),
        "legal_service": (VALUE, Decimal(0)),
        "other_org": (VALUE, Decimal(0)),
        "total": (VALUE, Decimal(3)),
    }


def test_tab_row_with_empty_fields_on_both_sides_and_no_peer_stays_uncertain():
    # No other row of its kind shows where the cells start, and no header line as wide as the row: which
    # empty field is not a cell is unknown.
    head = T3_TAB_HEAD.replace("\t\t\t\t\t总计\n", "\t\t\t\t\t总计\t\n").replace("其他\t\n", "其他\t\t\n")
    head = head.replace("申请人情况\t\t\t\t\t\t\n", "申请人情况\t\t\t\t\t\t\t\n")
    text = head + "一、本年新收政府信息公开申请数量\t\t\t\t\t2\t0\t1\t\t\n" + T3_TAB_TAIL
    report = parse_report(text)
    assert _row(report, "1") == {}
    assert any(i.code == "row_cells_uncertain" and i.source_line == 6 for i in report.issues)
    # under header lines as wide as it, which name the columns from the fourth field on, it is placed
    text = T3_TAB_HEAD + "一、本年新收政府信息公开申请数量\t\t\t\t\t2\t0\t1\t\t\n" + T3_TAB_TAIL
    assert list(_row(parse_report(text), "1").values()) == [
        (BLANK, None),
        (BLANK, None),
        (VALUE, Decimal(2)),
        (VALUE, Decimal(0)),
        (VALUE, Decimal(1)),
        (BLANK, None),
        (BLANK, None),
    ]


def test_tab_row_whose_own_values_fill_its_first_and_last_cell_needs_no_peer():
    # 二、's values stand in its first (自然人) and last (总计) cell, with empty fields on both sides (merged
    # label cells, a padded end): the row itself says where its cells are.
    text = T3_TAB_HEAD + "二、上年结转政府信息公开申请数量\t\t\t4\t0\t\t\t\t0\t4\t\n" + T3_TAB_TAIL
    report = parse_report(text)
    assert _row(report, "2") == {
        "natural_person": (VALUE, Decimal(4)),
        "commercial": (VALUE, Decimal(0)),
        "research": (BLANK, None),
        "social_welfare": (BLANK, None),
        "legal_service": (BLANK, None),
        "other_org": (VALUE, Decimal(0)),
        "total": (VALUE, Decimal(4)),
    }


def test_tab_row_that_slid_left_is_placed_by_a_peer_that_did_not():
    # 4. slid from the third field to the first (merged cells on its left lost, its end padded); 3. did
    # not, and shows that a 1. row's cells start right after its label: so do 4.'s, wherever it stands.
    text = (
        T3_TAB_HEAD
        + "\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\t\n"
        + "4.保护第三方合法权益\t\t\t5\t0\t\t1\t\t\t\t\n"
        + T3_TAB_TAIL
    )
    report = parse_report(text)
    assert list(_row(report, "3_3_4").values()) == [
        (BLANK, None),
        (BLANK, None),
        (VALUE, Decimal(5)),
        (VALUE, Decimal(0)),
        (BLANK, None),
        (VALUE, Decimal(1)),
        (BLANK, None),
    ]


def test_tab_row_in_its_own_label_column_is_placed_like_the_other_rows_in_theirs():
    # No other （一）… row shows where its cells start, but 1. (its label in the third field, where the
    # form's third label column is) shows that cells start in the fourth field of these lines; （一） stands
    # in the second field, its own column, so nothing on its left was lost and its cells start there too.
    text = (
        T3_TAB_HEAD
        + "三、本年度办理结果\t（一）予以公开\t\t\t2\t0\t\t\t0\t2\t\n"
        + "\t（三）不予公开\t1.属于国家秘密\t1\t0\t\t\t0\t\t1\t\n"
        + T3_TAB_TAIL
    )
    report = parse_report(text)
    assert _row(report, "3_1") == {
        "natural_person": (BLANK, None),
        "commercial": (VALUE, Decimal(2)),
        "research": (VALUE, Decimal(0)),
        "social_welfare": (BLANK, None),
        "legal_service": (BLANK, None),
        "other_org": (VALUE, Decimal(0)),
        "total": (VALUE, Decimal(2)),
    }


def test_tab_row_that_slid_left_of_its_label_column_is_not_placed_by_other_depths():
    # （二） stands in the first field, not in its own (second) column: the converter may have lost a merged
    # cell on its left and padded the line's end, so the other rows' columns do not say where its cells are.
    text = (
        T3_TAB_HEAD
        + "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t\t2\t0\t\t\t0\t\t\t\n"
        + "\t（三）不予公开\t1.属于国家秘密\t1\t0\t\t\t0\t\t1\t\n"
        + T3_TAB_TAIL
    )
    report = parse_report(text)
    assert _row(report, "3_2") == {}
    assert any(i.code == "row_cells_uncertain" and i.source_line == 6 for i in report.issues)
    assert len(_row(report, "3_3_1")) == 7


def test_tab_rows_no_peer_places_are_placed_under_the_first_column_header():
    # No （一）… row has a value in its first or last cell, so the rows of its depth leave two places for its
    # cells. The header lines, as wide as the rows, name seven columns from the fourth field on (自然人 …
    # 总计; the corner header stands over the label columns): （一）, in its own column, has its cells
    # there, and （二）, which slid one field left of its column, one field left of there.
    text = (
        T3_TAB_HEAD
        + "三、本年度办理结果\t（一）予以公开\t\t\t2\t0\t\t0\t5\t\n"
        + "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t\t2\t0\t\t0\t5\t\t\n"
        + T3_TAB_TAIL
    )
    report = parse_report(text)
    placed = [
        (BLANK, None),
        (VALUE, Decimal(2)),
        (VALUE, Decimal(0)),
        (BLANK, None),
        (VALUE, Decimal(0)),
        (VALUE, Decimal(5)),
        (BLANK, None),
    ]
    assert list(_row(report, "3_1").values()) == placed
    assert list(_row(report, "3_2").values()) == placed
    # header lines one field narrower than the rows do not say where the columns are
    wider = text.replace("\t\n三、本年度", "\t\t\n三、本年度").replace("\t\t\n四、", "\t\t\t\n四、")
    wider = wider.replace("\t5\t\n（二）", "\t5\t\t\n（二）")
    report = parse_report(wider)
    assert _row(report, "3_1") == {} and _row(report, "3_2") == {}


def test_pipe_row_with_a_filler_or_an_empty_cell_at_its_end_takes_the_last_as_the_filler():
    # （一）'s line ends "| |": a one-column filler or an empty 总计, and its first field is empty too. （二）,
    # of the same depth with as many fields after its label, has a value right after its label: a
    # （一）… row's cells start right there, so （一）'s last field is the filler.
    text = (
        "某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "自然人 | 法人或其他组织 | 总计 | ||||\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
        "三、本年度办理结果 | （一）予以公开 |  | 2 |  | 0 | 0 | 0 | 2 | |\n"
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 3 | 0 | 0 | 0 | 0 |  |  | |\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
    )
    report = parse_report(text)
    assert list(_row(report, "3_1").values()) == [
        (BLANK, None),
        (VALUE, Decimal(2)),
        (BLANK, None),
        (VALUE, Decimal(0)),
        (VALUE, Decimal(0)),
        (VALUE, Decimal(0)),
        (VALUE, Decimal(2)),
    ]
    # Without （二） the row's own line says it too: a '|' row writes the fillers of its spans at the end of
    # its line (raw/002 "行政许可 | 0 | ||"), never between its label and its cells (036, r021), so of two
    # empty fields at its ends the last is the filler.
    alone = parse_report(text.replace(text.splitlines()[5] + "\n", ""))
    assert _row(alone, "3_1") == _row(report, "3_1")
    assert not any(i.code == "row_cells_uncertain" for i in alone.issues)
    # the same line with tabs stays uncertain: a tab row keeps the positions of merged cells as empty
    # fields in place (raw/003), so either empty field may be the structural one
    pipe_row = text.splitlines()[4]
    tabs = text.replace(text.splitlines()[5] + "\n", "").replace(
        pipe_row, "三、本年度办理结果\t（一）予以公开\t\t2\t\t0\t0\t0\t2\t"
    )
    assert _row(parse_report(tabs), "3_1") == {}


T3_LINES_HEAD = (
    "某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n申请人情况 |\n自然人 |\n"
    "法人或其他组织 |\n总计 |\n商业企业 |\n科研机构 |\n社会公益组织 |\n法律服务机构 |\n其他 |\n"
)


def _cell_lines(label, cells):
    return label + " |\n" + "".join(f"{c} |\n" for c in cells)


def test_one_marked_cell_per_line_row_ends_at_the_next_group_label():
    blanks_then_ones = ["", "", "", "", "", "1", "1"]
    text = (
        T3_LINES_HEAD
        + "（四）无法提供 |\n"
        + _cell_lines("3.补正后申请内容仍不明确", blanks_then_ones)
        + "（五）不予处理 |\n"
        + _cell_lines("1.信访举报投诉类申请", ["0"] * 7)
        + T3_TAB_TAIL
    )
    report = parse_report(text)
    assert list(_row(report, "3_4_3").values()) == [(BLANK, None)] * 5 + [(VALUE, Decimal(1))] * 2
    assert len(_row(report, "3_5_1")) == 7
    # a value between the group label and the next row label: the lines do not say whose it is
    text = text.replace("（五）不予处理 |\n", "（五）不予处理 |\n3 |\n")
    report = parse_report(text)
    assert _row(report, "3_4_3") == {}
    assert any(i.code == "row_cells_uncertain" and i.source_line == 13 for i in report.issues)


def test_table_two_row_with_empty_fields_on_both_sides_is_placed_under_its_headers():
    # The 2019 form's 第二十条第（八）项 has two columns in a four-field grid: the headers say which.
    text = (
        "某镇2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（八）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t\n行政事业性收费\t\t3\t\n"
        "第二十条第（九）项\t\t\t\n信息内容\t采购项目数量\t采购总金额\t\n政府集中采购\t5\t15\t\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    report = parse_report(text)
    fees = {c.col_code: (c.cell_state, c.value) for c in report.cells if c.row_code == "20_8_fees"}
    assert list(fees.values()) == [(BLANK, None), (VALUE, Decimal(3))]


def test_tab_row_under_an_all_empty_row_is_placed_under_the_headers_above_both():
    # "规章\t\t\t\t" is a row with four empty fields (not one cell and an indent): the headers above it
    # still stand over 行政规范性文件's fields, whose first and last are empty.
    text = (
        "某镇2025年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项\t\t\t\t\n"
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\t\n规章\t\t\t\t\n行政规范性文件\t\t1\t27\t\n"
        "第二十条第(五)项\t\t\t\t\n信息内容\t本年处理决定数量\t\t\t\n行政许可\t5\t\t\t\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    cells = _t2(parse_report(text))
    assert [cells[("20_1_regulations", c)][:2] for c in ("issued", "repealed", "in_force")] == [
        (BLANK, None)
    ] * 3
    assert [cells[("20_1_normative", c)] for c in ("issued", "repealed", "in_force")] == [
        (BLANK, None, 6),
        (VALUE, Decimal(1), 6),
        (VALUE, Decimal(27), 6),
    ]


def test_html_row_under_a_header_spanning_two_columns_is_placed_under_it():
    # The 2019 form's 第二十条第（八）项: 本年增/减 spans two columns, and the page writes the row's value in
    # the first of them with an empty <td> in the second. The header's span is a field of its line, so
    # the line is as wide as the row and says that the first field after the label is 上一年项目数量.
    html = (
        "<html><body><p>某镇2019年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p><table>\n"
        "<tr><td colspan='4'>第二十条第（八）项</td></tr>\n"
        "<tr><td>信息内容</td><td>上一年项目数量</td><td colspan='2'>本年增/减</td></tr>\n"
        "<tr><td>行政事业性收费</td><td>&nbsp;</td><td>0</td><td>&nbsp;</td></tr>\n"
        "</table><p>三、收到和处理政府信息公开申请情况</p></body></html>"
    )
    report = parse_report(html.encode("utf-8"), "x.html")
    fees = {c.col_code: (c.cell_state, c.value) for c in report.cells if c.row_code == "20_8_fees"}
    assert list(fees.values()) == [(BLANK, None), (VALUE, Decimal(0))]


def test_table_four_row_with_a_trailing_empty_field_is_placed_under_its_headers():
    # Fifteen header fields and a sixteenth empty one on every line: the row's first and last fields are
    # both empty, and only the headers say that the first is a cell (复议 结果维持) and the last is not.
    text = (
        "某镇2022年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议\t\t\t\t\t行政诉讼" + "\t" * 10 + "\n"
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\t\n"
        "\t\t\t\t\t" + "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t" * 2 + "\n"
        "\t0\t\t\t\t0\t0\t\t0\t0\t0\t\t\t\t\t\n五、存在的主要问题及改进情况\n"
    )
    report = parse_report(text)
    t4 = [(c.row_code, c.col_code, c.cell_state) for c in report.cells if c.table_code == "t4"]
    assert len(t4) == 15
    assert t4[0] == ("review", "upheld", BLANK) and t4[1] == ("review", "corrected", VALUE)
    assert [s for _, _, s in t4[5:11]] == [VALUE, VALUE, BLANK, VALUE, VALUE, VALUE]
