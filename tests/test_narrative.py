"""Claims of the narrative (pipeline.parsing.narrative): numbers the text outside the tables gives for a cell."""

from __future__ import annotations

import csv
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from pipeline.parsing.narrative import Claim, claims_from_source, narrative_claims, narrative_patterns

REPO_DIR = Path(__file__).resolve().parent.parent
RAW_DIR = REPO_DIR / "raw"
REAL_002 = Path("/work/shared/corpus/real/002.txt")


def cells(claims: list[Claim]) -> list[tuple]:
    return [(c.table_code, c.row_code, c.col_code, c.value, c.source_line, c.stated_year) for c in claims]


def one(text: str) -> list[tuple]:
    """(table, row, col, value) of the claims of a one-line narrative."""
    return [(c.table_code, c.row_code, c.col_code, c.value) for c in narrative_claims([text])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年虞唐镇共受理依申请公开0条。", [("t3", "1", "total", Decimal(0))]),
        ("2023年市政府办共收到政府信息公开申请8件。", [("t3", "1", "total", Decimal(8))]),
        ("本年新收政府信息公开申请12件。", [("t3", "1", "total", Decimal(12))]),
        (
            "全年新收政府信息公开申请数量3件，上年结转政府信息公开申请数量1件。",
            [("t3", "1", "total", Decimal(3)), ("t3", "2", "total", Decimal(1))],
        ),
        ("结转下年度继续办理2件。", [("t3", "4", "total", Decimal(2))]),
        ("收到公民、法人或其他组织提交政府信息公开申请4条。", [("t3", "1", "total", Decimal(4))]),
        ("全年共收到依申请公开共9件。", [("t3", "1", "total", Decimal(9))]),
        ("共收到政府信息公开申请1,234件。", [("t3", "1", "total", Decimal(1234))]),
        ("收到政府信息公开申请８件。", [("t3", "1", "total", Decimal(8))]),  # full-width digit
        ("2023年度未收到依申请公开事项。", [("t3", "1", "total", Decimal(0))]),
        ("2023年，我镇没有收到政府信息公开申请，全年没有行政复议。", [("t3", "1", "total", Decimal(0))]),
        ("本年度制定规范性文件3件。", [("t2", "20_1_normative", "issued", Decimal(3))]),
        (
            "制发行政规范性文件2件，废止行政规范性文件1件，现行有效的行政规范性文件15件。",
            [
                ("t2", "20_1_normative", "issued", Decimal(2)),
                ("t2", "20_1_normative", "repealed", Decimal(1)),
                ("t2", "20_1_normative", "in_force", Decimal(15)),
            ],
        ),
        ("制定政府规章5件。", [("t2", "20_1_regulations", "issued", Decimal(5))]),
        ("本年度收到政府信息公開申請8件。", [("t3", "1", "total", Decimal(8))]),  # traditional script
    ],
)
def test_phrases_that_name_a_cell_give_a_claim(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "共收到政府信息公开申请若干件。",  # no number
        "共收到政府信息公开申请约100件。",  # approximate
        "共收到政府信息公开申请100余件。",
        "全年处理申请数量423件。",  # 处理 may include last year's
        "申请人主动撤销申请42件。",
        "其中通过网络收到政府信息公开申请5件。",  # a part
        "全市共收到政府信息公开申请1234件。",  # a wider scope than the unit
        "各部门共受理政府信息公开申请56件。",
        "上半年收到政府信息公开申请3件。",  # a part of the year
        "1-6月共收到政府信息公开申请3件。",
        "共受理政府信息公开申请10件（含上年结转2件）。",  # the total includes the carried-over
        "制定规范性文件管理办法，规范性文件3件均已公开。",
        "主动公开市政府规章13件(含新制定5件,修改4件,废止4件)。",
        "以市政府名义发布政府规章4部、行政规范性文件19件。",
        "完善规章制度3项。",
        "一、本年新收政府信息公开申请数量 | 3件 | 0 |",  # a table row
        "未收到因政府信息公开申请引起的行政复议。",
    ],
)
def test_phrases_that_do_not_clearly_name_a_number_give_nothing(text):
    assert one(text) == []


def test_stated_year_is_the_last_year_named_before_the_phrase_in_its_sentence():
    claims = narrative_claims(
        [
            "2022年，本局共制定规范性文件0件，废止规范性文件0件。",
            "2023年工作有序推进。全年收到政府信息公开申请6件。",
            "与2022年相比，2023年共收到政府信息公开申请7件。",
        ]
    )
    assert cells(claims) == [
        ("t2", "20_1_normative", "issued", Decimal(0), 1, 2022),
        ("t2", "20_1_normative", "repealed", Decimal(0), 1, 2022),
        ("t3", "1", "total", Decimal(6), 2, None),  # the year of another sentence does not carry over
        ("t3", "1", "total", Decimal(7), 3, 2023),
    ]


def test_only_the_narrative_outside_the_tables_is_read():
    lines = [
        "一、总体情况",
        "2023年共收到政府信息公开申请1件。",
        "二、主动公开政府信息情况",
        "收到政府信息公开申请5件",  # inside the table sections: not prose
        "（二）依申请公开。本年收到政府信息公开申请2件。",  # inside, but a full sentence
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t3件",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "下一步，全年收到政府信息公开申请3件。",
    ]
    assert [(c.value, c.source_line) for c in narrative_claims(lines)] == [
        (Decimal(1), 2),
        (Decimal(2), 5),
        (Decimal(3), 10),
    ]


def test_every_pattern_reads_its_own_example():
    path = resources.files("pipeline").joinpath("data", "narrative_patterns.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(narrative_patterns())
    for row in rows:
        got = [(c.table_code, c.row_code, c.col_code) for c in narrative_claims([row["example"]])]
        assert (row["table_code"], row["row_code"], row["col_code"]) in got, row["example"]


def test_seed_claims_agree_with_their_text():
    found = {
        path.name[:3]: cells(claims_from_source(path.read_bytes(), path.name))
        for path in sorted(RAW_DIR.glob("*.txt"))
    }
    assert found == {
        "000": [("t3", "1", "total", Decimal(0), 4, 2023)],  # 2023年虞唐镇共受理依申请公开0条
        "001": [("t3", "1", "total", Decimal(0), 13, 2023)],  # 我镇没有收到政府信息公开申请
        "002": [],
        "003": [("t3", "1", "total", Decimal(0), 15, 2023)],  # 2023 年度未收到依申请公开事项
        "004": [("t3", "1", "total", Decimal(0), 7, 2023)],  # 2023年市政府办共收到政府信息公开申请0件
    }


@pytest.mark.skipif(not REAL_002.exists(), reason="shared corpus not available")
def test_real_002_claims_about_2022_carry_their_year():
    claims = claims_from_source(REAL_002.read_bytes(), "002.txt")
    assert cells(claims) == [
        ("t3", "1", "total", Decimal(0), 5, 2023),  # 2023年受理依申请公开0件
        ("t2", "20_1_normative", "issued", Decimal(0), 6, 2022),  # 2022年,…共制定规范性文件0件
        ("t2", "20_1_normative", "repealed", Decimal(0), 6, 2022),
        ("t2", "20_1_normative", "in_force", Decimal(0), 6, 2022),
    ]


def test_html_claims_point_at_the_source_line():
    html = "\n".join(
        [
            "<html>",
            "<body>",
            "<p>一、总体情况</p>",
            "<p>2023年，本镇共收到政府信息公开申请5件。</p>",
            "<p>二、主动公开政府信息情况</p>",
            "<table><tr><td>规章</td><td>0</td></tr></table>",
            "</body></html>",
        ]
    )
    assert cells(claims_from_source(html.encode("utf-8"), "a.html")) == [
        ("t3", "1", "total", Decimal(5), 4, 2023)
    ]
