"""Tie the five seed reports (raw/) and hand-made cases to NBS division codes.

Expected codes were checked by hand in pipeline/data/gazetteer/*.csv: 虞唐镇 430381103 (湘乡市), 花石镇
430321107 (湘潭县) and 411081116 (禹州市), 二塘乡 360124201 / 450304200 / 630224205, 上屯镇 411328110
(唐河县, 南阳市 4113), 湘乡市 430381 in 湘潭市 4303.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.parsing import parse_report
from pipeline.units import load_gazetteer, resolve_unit

RAW_DIR = Path(__file__).resolve().parents[1] / "raw"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def seed(stem: str) -> tuple[str | None, str, str]:
    path = next(RAW_DIR.glob(f"{stem}_*.txt"))
    data = path.read_bytes()
    return parse_report(data, file_name=path.name).meta.unit_name, data.decode("utf-8"), path.name


@pytest.mark.parametrize(
    ("stem", "unit_name", "level", "division", "county", "city", "province", "named"),
    [
        # "按照省、湘潭市、湘乡市有关要求"; 虞唐镇 is also the only one of that name
        ("000", "虞唐镇", "township", "430381103", "430381", "4303", "43", ["湘乡市", "湘潭市"]),
        # signature "湘潭县花石镇人民政府" decides between 湘潭县 and 禹州市
        ("001", "花石镇", "township", "430321107", "430321", "4303", "43", ["湘潭县"]),
        # "通过唐河县政府网站依法主动公开信息"
        ("003", "上屯镇人民政府", "township", "411328110", "411328", "4113", "41", ["唐河县"]),
        # the office of the 湘乡市 government: a department, placed at its government
        ("004", "湘乡市政府办", "department", "430381", "430381", "4303", "43", []),
    ],
)
def test_seed_resolves(gaz, stem, unit_name, level, division, county, city, province, named):
    name, text, file_name = seed(stem)
    assert name == unit_name
    res = resolve_unit(name, text, gaz, file_name=file_name)
    assert res.status == "resolved"
    assert (res.unit_level, res.division_code, res.county_code, res.city_code, res.province_code) == (
        level,
        division,
        county,
        city,
        province,
    )
    assert res.candidates == []
    for n in named:
        assert n in res.evidence


def test_seed_002_names_no_county_so_stays_ambiguous(gaz):
    # The text says only "认真贯彻落实省、市、县…" and "古韵二塘": three 二塘乡 fit equally well.
    name, text, file_name = seed("002")
    assert name == "二塘乡"
    res = resolve_unit(name, text, gaz, file_name=file_name)
    assert res.status == "ambiguous"
    assert res.unit_level == "township"
    assert (res.division_code, res.county_code, res.city_code, res.province_code) == (None, None, None, None)
    assert res.candidates == ["360124201", "450304200", "630224205"]
    assert "省、市、县" in res.evidence  # the generic mentions, for the person writing the override
    for code in res.candidates:
        assert code in res.evidence


def test_override_settles_002(gaz):
    name, text, file_name = seed("002")
    res = resolve_unit(name, text, gaz, file_name=file_name, override="450304200")
    assert res.status == "override"
    assert (res.unit_level, res.division_code, res.county_code, res.city_code, res.province_code) == (
        "township",
        "450304200",
        "450304",
        "4503",
        "45",
    )
    assert "桂林市象山区二塘乡" in res.evidence


def test_override_beats_inference_and_keeps_department_level(gaz):
    name, text, _ = seed("004")
    # a person says this 政府办 is the 湘潭市 one (12-digit statistical code of the city)
    res = resolve_unit(name, text, gaz, override="430300000000")
    assert (res.status, res.unit_level, res.division_code, res.county_code, res.city_code) == (
        "override",
        "department",
        "4303",
        None,
        "4303",
    )


def test_override_that_is_no_division_raises(gaz):
    with pytest.raises(ValueError, match="999999"):
        resolve_unit("花石镇", "", gaz, override="999999")


def test_same_name_without_context_is_ambiguous_with_both(gaz):
    res = resolve_unit("花石镇", "2023年，花石镇按照市、县统一部署…", gaz)
    assert res.status == "ambiguous"
    assert res.candidates == ["411081116", "430321107"]
    assert res.division_code is None


@pytest.mark.parametrize(
    ("text", "division"),
    [
        ("依托禹州市政府网站", "411081116"),  # the county
        ("在许昌市委的领导下", "411081116"),  # the city
        ("湖南湘潭", "430321107"),  # short forms, next to each other: plainly places
    ],
)
def test_parent_named_in_text_decides(gaz, text, division):
    res = resolve_unit("花石镇", text, gaz)
    assert (res.status, res.division_code) == ("resolved", division)


def test_short_name_as_an_ordinary_word_does_not_decide(gaz):
    # 新建 (short for 南昌's 新建区) and 河南 are written here, but not as places
    assert resolve_unit("二塘乡", "新建了政务公开专区", gaz).status == "ambiguous"
    assert resolve_unit("花石镇", "河南", gaz).status == "ambiguous"


def test_tie_lists_only_the_tied(gaz):
    # both 花石镇 parents named once each: a tie, never a pick by order
    res = resolve_unit("花石镇", "学习湘潭县、禹州市的经验", gaz)
    assert res.status == "ambiguous"
    assert res.candidates == ["411081116", "430321107"]


def test_unknown_name_is_unresolved(gaz):
    res = resolve_unit("不存在镇人民政府", "按照县委县政府要求", gaz)
    assert (res.status, res.unit_level, res.division_code, res.candidates) == (
        "unresolved",
        "township",
        None,
        [],
    )
    assert resolve_unit(None, "", gaz).status == "unresolved"


def test_unit_name_with_its_county(gaz):
    res = resolve_unit("湘潭县花石镇人民政府", "", gaz)
    assert (res.status, res.division_code) == ("resolved", "430321107")
    # renamed 乡 → 镇: the county in the name finds it by its stem
    res = resolve_unit("湘潭县花石乡人民政府", "", gaz)
    assert (res.status, res.division_code) == ("resolved", "430321107")


@pytest.mark.parametrize(
    ("unit_name", "text", "level", "division"),
    [
        ("唐河县司法局", "", "department", "411328"),
        ("湘潭市统计局", "", "department", "4303"),
        ("湖南省人民政府", "", "province", "43"),
        ("湘潭市人民政府", "", "city", "4303"),
        ("湘乡市人民政府", "", "county", "430381"),
        ("东莞市人民政府", "", "city", "4419"),  # not its same-named county row 441900
        ("新建县人民政府", "在南昌市委的领导下", "county", "360112"),  # 新建县 became 新建区 in 2015
        ("政府办公室", "…\n湘乡市人民政府办公室\n2024年1月5日", "department", "430381"),
        ("东华门街道办事处", "", "township", "110101001"),
        ("县司法局", "唐河县司法局2023年政府信息公开工作年度报告", "department", "411328"),
        ("市场监督管理局", "湘乡市市场监督管理局", "department", "430381"),  # 市场 is a word, not 市
    ],
)
def test_unit_kinds(gaz, unit_name, text, level, division):
    res = resolve_unit(unit_name, text, gaz)
    assert (res.status, res.unit_level, res.division_code) == ("resolved", level, division)


def test_name_found_only_by_its_stem_needs_a_parent_in_the_text(gaz):
    res = resolve_unit("新建县人民政府", "", gaz)
    assert (res.status, res.unit_level, res.candidates) == ("ambiguous", "county", ["360112"])
    assert "read as 新建区" in res.evidence


def test_city_unit_has_no_county(gaz):
    res = resolve_unit("湘潭市人民政府", "", gaz)
    assert (res.county_code, res.city_code, res.province_code) == (None, "4303", "43")


def test_signature_used_when_no_unit_name(gaz):
    res = resolve_unit(None, "正文。\n\n湘潭县花石镇人民政府\n\n2024年1月11日\n", gaz)
    assert (res.status, res.division_code) == ("resolved", "430321107")


def test_as_row_has_the_report_columns(gaz):
    row = resolve_unit("二塘乡", "", gaz).as_row()
    assert list(row) == [
        "unit_level",
        "division_code",
        "county_code",
        "city_code",
        "province_code",
        "division_status",
        "division_candidates",
        "division_evidence",
    ]
    assert row["division_candidates"] == ["360124201", "450304200", "630224205"]


def test_resolution_is_fast(gaz):
    seeds = [seed(s) for s in ("000", "001", "002", "003", "004")]
    start = time.perf_counter()
    for _ in range(20):
        for name, text, file_name in seeds:
            resolve_unit(name, text, gaz, file_name=file_name)
    per_report = (time.perf_counter() - start) / 100
    assert per_report < 0.005  # typically ~0.05 ms; generous for slow machines


def test_a_department_named_like_an_agency_division_is_a_department(gaz):
    # 林业局 is also the name of a township-level division in 黑龙江 (230321400); 长丰县林业局 is not it
    res = resolve_unit("长丰县林业局", "按照省、合肥市、长丰县有关要求。", gaz)
    assert (res.status, res.unit_level, res.division_code, res.city_code) == (
        "resolved",
        "department",
        "340121",
        "3401",
    )
