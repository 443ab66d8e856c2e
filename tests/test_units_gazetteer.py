"""The packaged gazetteer, its short names, and the overrides file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.units import load_gazetteer, load_overrides, override_for
from pipeline.units.gazetteer import COLUMNS, gazetteer_dir
from pipeline.units.names import short_name

REPO_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_shipped_inside_the_project():
    folder = gazetteer_dir()
    assert folder == REPO_DIR / "pipeline" / "data" / "gazetteer"
    for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "LICENSE.txt", "SOURCE.md"):
        assert (folder / name).is_file()


def test_counts_and_levels(gaz):
    # the csv line counts minus headers: 31 provinces, 342 cities, 2978 counties, 41352 townships
    levels = [d.level for d in gaz.divisions.values()]
    assert (
        levels.count("province"),
        levels.count("city"),
        levels.count("county"),
        levels.count("township"),
    ) == (
        31,
        342,
        2978,
        41352,
    )


def test_rows_carry_every_parent(gaz):
    rows = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in gaz.rows()}
    assert rows["430321107"] == {
        "code": "430321107",
        "name": "花石镇",
        "level": "township",
        "parent_code": "430321",
        "province_code": "43",
        "city_code": "4303",
        "county_code": "430321",
    }
    assert rows["430381"]["county_code"] == "430381" and rows["430381"]["parent_code"] == "4303"
    assert rows["4303"]["county_code"] is None and rows["4303"]["city_code"] == "4303"
    assert rows["43"]["parent_code"] is None and rows["43"]["city_code"] is None
    frame = gaz.divisions_frame()
    assert frame.column_names == list(COLUMNS) and frame.num_rows == len(gaz)


def test_name_indexes(gaz):
    assert gaz.by_name["花石镇"] == ("411081116", "430321107")
    assert gaz.by_name["二塘乡"] == ("360124201", "450304200", "630224205")
    assert "430321" in gaz.by_short["湘潭"] and "4303" in gaz.by_short["湘潭"]
    assert gaz.by_short["湘乡"] == ("430381",)
    # the short form also reaches the 二塘镇 (a 乡 later made a 镇 keeps its stem)
    assert {"360124201", "450304200", "630224205", "450330101"} <= set(gaz.by_short["二塘"])
    # placeholder city rows are never matched by name
    assert "市辖区" not in gaz.by_name and "县" not in gaz.by_name
    assert gaz.full_name("110101001") == "北京市东城区东华门街道"


@pytest.mark.parametrize(
    ("name", "level", "short"),
    [
        ("湘乡市", "county", "湘乡"),
        ("湘潭县", "county", "湘潭"),
        ("花石镇", "township", "花石"),
        ("二塘乡", "township", "二塘"),
        ("东华门街道", "township", "东华门"),
        ("海淀区", "county", "海淀"),
        ("湖南省", "province", "湖南"),
        ("广西壮族自治区", "province", "广西"),
        ("内蒙古自治区", "province", "内蒙古"),
        ("湘西土家族苗族自治州", "city", "湘西"),
        ("长阳土家族自治县", "county", "长阳"),
        ("东乡族自治县", "county", "东乡"),
        ("察布查尔锡伯自治县", "county", "察布查尔"),
        ("长哨营满族乡", "township", "长哨营"),
        ("城区", "county", None),  # 城 alone names nothing
        ("赵县", "county", None),
    ],
)
def test_short_name(name, level, short):
    assert short_name(name, level) == short


@pytest.mark.parametrize(
    ("code", "normalized"),
    [("430381", "430381"), ("430381103000", "430381103"), ("430300", "4303"), ("430000", "43"), ("43", "43")],
)
def test_normalize_code(gaz, code, normalized):
    assert gaz.normalize_code(code) == normalized


@pytest.mark.parametrize("code", ["999999", "4303811", "abc", "", "430381999"])
def test_normalize_code_rejects(gaz, code):
    assert gaz.normalize_code(code) is None


def test_overrides_missing_file_is_empty(tmp_path):
    assert load_overrides(tmp_path / "units.csv") == {}


def test_overrides_file_name_beats_unit_name(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "\ufeffmatch,division_code,note\n"
        "002_0d8d98ed0f7285a4.txt,360124201,checked by hand\n"
        "二塘乡,450304200,\n"
        "\n"
        'hunan\\x.txt,430381103000,"a note, with a comma"\n',
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    assert overrides == {
        "002_0d8d98ed0f7285a4.txt": "360124201",
        "二塘乡": "450304200",
        "hunan/x.txt": "430381103",
    }
    assert override_for(overrides, "002_0d8d98ed0f7285a4.txt", "二塘乡") == "360124201"
    assert override_for(overrides, "other.txt", "二塘乡") == "450304200"
    assert override_for(overrides, "hunan/x.txt", None) == "430381103"
    assert override_for(overrides, "other.txt", "花石镇") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("match,division_code,note\n虞唐镇,430381103,\n花石镇,4303211070,typo\n", r"line 3: '4303211070'"),
        ("match,division_code,note\n花石镇,999999999,\n", r"line 2: '999999999' for '花石镇'"),
        ("match,division_code,note\n,430381,\n", "line 2: empty match"),
        ("match,division_code,note\n花石镇,430321107,\n花石镇,411081116,\n", "line 3: '花石镇' already has"),
        ("name,code\n花石镇,430321107\n", "line 1: missing column"),
    ],
)
def test_overrides_errors_name_the_line(tmp_path, content, message):
    path = tmp_path / "units.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_overrides(path)
