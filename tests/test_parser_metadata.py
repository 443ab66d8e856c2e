"""Unit names from the opening sentences of real excerpts (title lines stripped by mirror sites)."""

from pathlib import Path

import pytest

from pipeline.parsing import parse_report

REAL = Path(__file__).parent / "fixtures" / "real"


@pytest.mark.parametrize(
    ("file", "unit"),
    [
        ("002.txt", "西柳镇人民政府"),  # "(一)主动公开政府信息情况:西柳镇人民政府利用电子屏…"
        ("025.txt", "荣昌区林业局"),  # "今年以来,荣昌区林业局认真贯彻落实…"
        ("r021.txt", "官洲街道办事处"),  # "2023年,在区委、区政府的坚强领导下,官洲街道办事处认真…"
        ("r024.txt", "北坡镇"),  # traditional: "現將北坡鎮2022年政府信息公開工作…"
        ("r028.txt", "万源市交通运输局"),
        ("004.txt", None),  # "现公布我局2022年…": a pronoun, no name
    ],
)
def test_unit_name_from_the_opening_sentences(file, unit):
    assert parse_report((REAL / file).read_bytes(), file).meta.unit_name == unit
