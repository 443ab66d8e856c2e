"""The sql/divisions/ views on a small hand-made DuckDB: sums and counts checked by hand.

湘乡市 (430381, in 湘潭市 4303, 湖南 43), year 2023:
  gov   the 湘乡市 government            t3 1 total 10, t2 issued 2, t4 upheld 1
  dept  湘乡市政府办 (a department)       t3 1 total 5,  t2 issued na, t4 not read
  t1    虞唐镇 430381103                  t3 1 total 3,  t2 issued 0, t4 upheld 0
  t2    栗山镇 430381101                  t3 1 total blank, t2 issued 1, t4 not read
  t3    山枣镇 430381100, parse failed    nothing read, edition unknown
elsewhere: 花石镇 430321107 (湘潭县) t3 total 7; the 湘潭市 government t3 total 100; an ambiguous 二塘乡
report t3 total 1000 (no codes: in no rollup); 虞唐镇 again in 2022, t3 total 4.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.units.db import create_division_views, load_divisions

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
UNIT_COLUMNS = ("unit_level", "division_code", "county_code", "city_code", "province_code")

# report_id, unit_name, year, format_edition, parse_status, unit_level, division, county, city, province
REPORTS = [
    ("gov", "湘乡市人民政府", 2023, "2021", "parsed", "county", "430381", "430381", "4303", "43"),
    ("dept", "湘乡市政府办", 2023, "2021", "parsed", "department", "430381", "430381", "4303", "43"),
    ("t1", "虞唐镇", 2023, "2021", "parsed", "township", "430381103", "430381", "4303", "43"),
    ("t2", "栗山镇", 2023, "2021", "parsed", "township", "430381101", "430381", "4303", "43"),
    ("t3", "山枣镇", 2023, None, "failed", "township", "430381100", "430381", "4303", "43"),
    ("hs", "花石镇", 2023, "2021", "parsed", "township", "430321107", "430321", "4303", "43"),
    ("city", "湘潭市人民政府", 2023, "2021", "parsed", "city", "4303", None, "4303", "43"),
    ("amb", "二塘乡", 2023, "2021", "parsed", "township", None, None, None, None),
    ("t1_2022", "虞唐镇", 2022, "2021", "parsed", "township", "430381103", "430381", "4303", "43"),
]
T2, T3, T4 = ("t2", "20_1_regulations", "issued"), ("t3", "1", "total"), ("t4", "review", "upheld")
# report_id, cell, cell_state, value
FACTS = [
    ("gov", T3, "value", "10"),
    ("gov", T2, "value", "2"),
    ("gov", T4, "value", "1"),
    ("dept", T3, "value", "5"),
    ("dept", T2, "na", None),
    ("t1", T3, "value", "3"),
    ("t1", T2, "value", "0"),
    ("t1", T4, "value", "0"),
    ("t2", T3, "blank", None),
    ("t2", T2, "value", "1"),
    ("hs", T3, "value", "7"),
    ("city", T3, "value", "100"),
    ("amb", T3, "value", "1000"),
    ("t1_2022", T3, "value", "4"),
]
# the 2019-only cell (new_made) is expected of no 2021 report, but of the one whose edition is unknown
TAXONOMY = [
    ("t2", "20_1_regulations", "规章", "issued", "本年制发件数", "2021", "件", 1),
    ("t2", "20_1_regulations", "规章", "new_made", "本年新制作数量", "2019", "件", 2),
    ("t3", "1", "一、本年新收政府信息公开申请数量", "total", "总计", "2019|2021", "件", 3),
    ("t4", "review", "行政复议", "upheld", "结果维持", "2019|2021", "件", 4),
]
# a slice of the gazetteer: 湘乡市 with four townships, 湘潭县 with 花石镇, and a county of another province
DIVISIONS = [
    ("43", "湖南省", "province", None, "43", None, None),
    ("41", "河南省", "province", None, "41", None, None),
    ("4303", "湘潭市", "city", "43", "43", "4303", None),
    ("4113", "南阳市", "city", "41", "41", "4113", None),
    ("430381", "湘乡市", "county", "4303", "43", "4303", "430381"),
    ("430321", "湘潭县", "county", "4303", "43", "4303", "430321"),
    ("411328", "唐河县", "county", "4113", "41", "4113", "411328"),
    ("430381100", "山枣镇", "township", "430381", "43", "4303", "430381"),
    ("430381101", "栗山镇", "township", "430381", "43", "4303", "430381"),
    ("430381102", "中沙镇", "township", "430381", "43", "4303", "430381"),
    ("430381103", "虞唐镇", "township", "430381", "43", "4303", "430381"),
    ("430321107", "花石镇", "township", "430321", "43", "4303", "430321"),
    ("411328110", "上屯镇", "township", "411328", "41", "4113", "411328"),
]


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "rollups.duckdb"))
    for file in sorted((SQL_DIR / "schema").glob("*.sql")):
        con.execute(file.read_text(encoding="utf-8"))
    for r in REPORTS:
        con.execute(
            "INSERT INTO reports (report_id, file_name, sha256, unit_name, year, format_edition, parse_status,"
            " parser_version, ingested_at, unit_level, division_code, county_code, city_code, province_code)"
            " VALUES (?, ?, 'x', ?, ?, ?, ?, '0', now(), ?, ?, ?, ?, ?)",
            [r[0], r[0] + ".txt", *r[1:]],
        )
    units = {r[0]: (r[1], r[2]) for r in REPORTS}
    for report_id, (table, row, col), state, value in FACTS:
        con.execute(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '件', 1)",
            [report_id, *units[report_id], table, row, col, "总计" if table == "t3" else None, value, state],
        )
    con.executemany("INSERT INTO taxonomy VALUES (?, ?, ?, ?, ?, ?, ?, ?)", TAXONOMY)
    # the rollups are tables computed when created: the divisions must be there first
    con.execute((SQL_DIR / "divisions" / "00_divisions.sql").read_text(encoding="utf-8"))
    con.executemany("INSERT INTO divisions VALUES (?, ?, ?, ?, ?, ?, ?)", DIVISIONS)
    create_division_views(con)
    yield con
    con.close()


def rollup(con, level: str, code: str, year: int, cell: tuple[str, str, str]) -> dict[str, tuple]:
    rows = con.execute(
        f"SELECT unit_level, value, reports, reports_without_value FROM rollup_{level} "
        f"WHERE {level}_code = ? AND year = ? AND table_code = ? AND row_code = ? AND col_code = ?",
        [code, year, *cell],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_county_by_unit_level(con):
    # t2 blank and t3 unread count as without value; their value is no 0 in the sum
    assert rollup(con, "county", "430381", 2023, T3) == {
        "township": (Decimal("3"), 1, 2),
        "department": (Decimal("5"), 1, 0),
        "government": (Decimal("10"), 1, 0),
    }
    assert rollup(con, "county", "430381", 2023, T2) == {
        "township": (Decimal("1"), 2, 1),  # 0 + 1; 山枣镇 unread
        "department": (None, 0, 1),  # na
        "government": (Decimal("2"), 1, 0),
    }
    assert rollup(con, "county", "430381", 2023, T4) == {
        "township": (Decimal("0"), 1, 2),  # 栗山镇 and 山枣镇 did not give it
        "department": (None, 0, 1),
        "government": (Decimal("1"), 1, 0),
    }


def test_county_total_over_unit_levels_counts_each_report_once(con):
    total, reports, without = con.execute(
        "SELECT sum(value), sum(reports), sum(reports_without_value) FROM rollup_county "
        "WHERE county_code = '430381' AND year = 2023 AND table_code = 't3'"
    ).fetchone()
    # 10 + 5 + 3; five reports of 湘乡市 in 2023, each in exactly one of the two counts
    assert (total, reports + without) == (Decimal("18"), 5)
    direct = con.execute(
        "SELECT sum(value) FROM facts JOIN reports USING (report_id) "
        "WHERE county_code = '430381' AND reports.year = 2023 AND table_code = 't3' AND cell_state = 'value'"
    ).fetchone()[0]
    assert total == direct


def test_edition_decides_which_cells_are_missing(con):
    # the 2019-only cell is expected only of 山枣镇, whose edition is unknown
    assert rollup(con, "county", "430381", 2023, ("t2", "20_1_regulations", "new_made")) == {
        "township": (None, 0, 1)
    }


def test_other_county_and_year_stay_apart(con):
    assert rollup(con, "county", "430321", 2023, T3) == {"township": (Decimal("7"), 1, 0)}
    assert rollup(con, "county", "430381", 2022, T3) == {"township": (Decimal("4"), 1, 0)}


def test_city_and_province(con):
    expected = {
        "township": (Decimal("10"), 2, 2),  # 虞唐镇 3 + 花石镇 7; 栗山镇 blank, 山枣镇 unread
        "department": (Decimal("5"), 1, 0),
        "government": (Decimal("110"), 2, 0),  # 湘乡市 10 + 湘潭市 100
    }
    assert rollup(con, "city", "4303", 2023, T3) == expected
    assert rollup(con, "province", "43", 2023, T3) == expected


def test_unplaced_report_is_in_no_rollup(con):
    for level in ("county", "city", "province"):
        assert con.execute(f"SELECT count(*) FROM rollup_{level} WHERE value >= 1000").fetchone()[0] == 0


def test_rollup_grain_is_unique(con):
    for level in ("county", "city", "province"):
        dupes = con.execute(
            f"SELECT count(*) FROM (SELECT {level}_code, year, table_code, row_code, col_code, unit_level "
            f"FROM rollup_{level} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        assert dupes == 0


def test_coverage_county(con):
    rows = con.execute(
        "SELECT county_code, year, townships, townships_reporting, township_reports, coverage, "
        "government_reports, department_reports FROM coverage_county ORDER BY county_code, year"
    ).fetchall()
    assert rows == [
        # 湘潭县 had no report in 2022, but 湖南 did: it shows with 0
        ("430321", 2022, 1, 0, 0, 0.0, 0, 0),
        ("430321", 2023, 1, 1, 1, 1.0, 0, 0),
        ("430381", 2022, 4, 1, 1, 0.25, 0, 0),
        # 虞唐镇, 栗山镇, 山枣镇 (its report failed to parse, but it was filed) of four
        ("430381", 2023, 4, 3, 3, 0.75, 1, 1),
    ]  # 唐河县: no report in 河南 at all, so not listed


def test_load_divisions_full_gazetteer(tmp_path):
    con = duckdb.connect(str(tmp_path / "d.duckdb"))
    assert load_divisions(con) == 44703
    assert load_divisions(con) == 44703  # reload replaces
    assert con.execute(
        "SELECT d.name, c.name, p.name FROM divisions d JOIN divisions c ON c.code = d.county_code "
        "JOIN divisions p ON p.code = d.province_code WHERE d.code = '430321107'"
    ).fetchone() == ("花石镇", "湘潭县", "湖南省")
    con.close()
