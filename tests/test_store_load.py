"""Schema, loading and views on a real DuckDB file, with hand-made parser results."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import duckdb
import pytest

from pipeline.parsing.model import BLANK, VALUE, Cell
from pipeline.store import (
    create_schema,
    create_views,
    load_facts,
    load_parse_issues,
    load_reports,
)

INGESTED = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    create_schema(con)
    yield con
    con.close()


def load_all(con, entries) -> tuple[int, int, int]:
    return load_reports(con, entries, INGESTED), load_facts(con, entries), load_parse_issues(con, entries)


def fact(con, report_id, table, row, col):
    return con.execute(
        "SELECT value, cell_state, applicant_type, unit_name, year, measure_unit, source_line FROM facts "
        "WHERE report_id = ? AND table_code = ? AND row_code = ? AND col_code = ?",
        [report_id, table, row, col],
    ).fetchall()


def test_schema_creates_tables_and_taxonomy(con):
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {
        "reports",
        "facts",
        "parse_issues",
        "taxonomy",
        "files",
        "narrative_claims",
        "text_signatures",
        "text_near_duplicates",
        "text_pair_checks",
        "build_info",
        "build_changes",
    }
    assert con.execute("SELECT count(*) FROM taxonomy").fetchone() == (229,)
    # codes kept exactly as written in the csv (no numeric coercion of '1', '3_1', ...)
    assert con.execute(
        "SELECT row_label, col_label, formats, unit FROM taxonomy WHERE table_code='t3' AND row_code='1' "
        "AND col_code='natural_person'"
    ).fetchone() == ("一、本年新收政府信息公开申请数量", "自然人", "2019|2021", "件")
    create_schema(con)  # re-running is harmless
    assert con.execute("SELECT count(*) FROM taxonomy").fetchone() == (229,)


def test_load_two_reports_exact_rows(con, sample_entries):
    (raw_a, rep_a), (raw_b, rep_b) = sample_entries[:2]
    assert load_all(con, sample_entries[:2]) == (2, 27, 2)

    assert con.execute(
        "SELECT * EXCLUDE (unit_level, division_code, county_code, city_code, province_code, division_status, "
        "division_candidates, division_evidence) FROM reports ORDER BY file_name"
    ).fetchall() == [
        (raw_b.sha256[:16], "b.txt", raw_b.sha256, "乙市教育局", 2019, "2019", None, None, None,
         "parsed_with_issues",
         "乙市教育局, 2019: 3 table cells read; row_width_mismatch: Row 1 of table 三: 5 cells found, 7 expected.",
         "0.1.0", datetime(2024, 5, 1, 8, 30), True),
        (raw_a.sha256[:16], "hunan/a.txt", raw_a.sha256, "甲镇人民政府", 2023, "2021", date(2023, 1, 1),
         date(2023, 12, 31), date(2024, 1, 20), "parsed", "甲镇人民政府, 2023: 24 table cells read.", "0.1.0",
         datetime(2024, 5, 1, 8, 30), True),
    ]  # fmt: skip
    a, b = raw_a.report_id, raw_b.report_id
    # t3: applicant_type is the Chinese column label; unit_name/year copied from the report
    assert fact(con, a, "t3", "1", "total") == [(Decimal("8"), VALUE, "总计", "甲镇人民政府", 2023, "件", 50)]
    assert fact(con, a, "t3", "1", "legal_service")[0][:3] == (Decimal("2"), VALUE, "法律服务机构")
    assert fact(con, b, "t3", "1", "natural_person")[0][:5] == (
        Decimal("2"),
        VALUE,
        "自然人",
        "乙市教育局",
        2019,
    )
    # blank and na cells keep a NULL value and their state
    assert fact(con, a, "t3", "3_1", "commercial")[0][:3] == (None, "blank", "商业企业")
    assert fact(con, a, "t3", "3_1", "research")[0][:3] == (None, "na", "科研机构")
    assert fact(con, a, "t2", "20_1_regulations", "repealed")[0][:3] == (None, "blank", None)
    assert fact(con, a, "t2", "20_1_regulations", "in_force")[0][:3] == (None, "na", None)
    # t2 / t4: no applicant_type; decimals and units kept
    assert fact(con, a, "t2", "20_8_fees", "amount")[0][:3] == (Decimal("12.5"), VALUE, None)
    assert fact(con, a, "t2", "20_8_fees", "amount")[0][5] == "万元"
    assert fact(con, a, "t4", "review", "upheld")[0][:3] == (Decimal("1"), VALUE, None)
    assert con.execute(
        "SELECT table_code, count(*), count(applicant_type), count(value) FROM facts WHERE report_id = ? "
        "GROUP BY ALL ORDER BY 1",
        [a],
    ).fetchall() == [("t2", 5, 0, 3), ("t3", 14, 14, 12), ("t4", 5, 0, 4)]
    # a cell the parser did not read is simply absent
    assert fact(con, b, "t3", "1", "commercial") == []

    assert con.execute(
        "SELECT report_id, file_name, severity, code, source_line FROM parse_issues ORDER BY file_name"
    ).fetchall() == [
        (b, "b.txt", "error", "row_width_mismatch", 40),
        (a, "hunan/a.txt", "warning", "total_mismatch", 53),
    ]


def test_ingested_at_stored_as_utc(con, sample_entries):
    load_reports(con, sample_entries[:1], datetime(2024, 5, 1, 16, 30, tzinfo=timezone(timedelta(hours=8))))
    assert con.execute("SELECT ingested_at FROM reports").fetchone() == (datetime(2024, 5, 1, 8, 30),)


@pytest.mark.parametrize(
    "statement",
    [
        # a value on a blank cell
        "INSERT INTO facts VALUES ('r', NULL, NULL, 't2', '20_1_regulations', 'issued', NULL, 3, 'blank', '件', 1)",
        # no value on a value cell
        "INSERT INTO facts VALUES ('r', NULL, NULL, 't2', '20_1_regulations', 'issued', NULL, NULL, 'value', '件', 1)",
        # unknown state
        "INSERT INTO facts VALUES ('r', NULL, NULL, 't2', '20_1_regulations', 'issued', NULL, NULL, 'zero', '件', 1)",
        # t3 without applicant_type, t4 with one
        "INSERT INTO facts VALUES ('r', NULL, NULL, 't3', '1', 'total', NULL, 1, 'value', '件', 1)",
        "INSERT INTO facts VALUES ('r', NULL, NULL, 't4', 'review', 'total', '总计', 1, 'value', '件', 1)",
    ],
)
def test_check_constraints_reject_bad_facts(con, statement):
    with pytest.raises(duckdb.ConstraintException, match="CHECK constraint failed"):
        con.execute(statement)
    assert con.execute("SELECT count(*) FROM facts").fetchone() == (0,)


def test_load_facts_rejects_contract_violations_clearly(con, sample_entries):
    raw, report = sample_entries[2]
    bad_cells = {
        "value on blank": Cell("t3", "4", "total", BLANK, Decimal(3), "3", 70, "件"),
        "unknown code": Cell("t3", "99", "total", VALUE, Decimal(3), "3", 70, "件"),
        "too many decimals": Cell("t2", "20_8_fees", "amount", VALUE, Decimal("1.0000001"), "", 70, "万元"),
        "duplicate": report.cells[0],
    }
    for why, bad in bad_cells.items():
        broken = dataclasses.replace(report, cells=[*report.cells, bad])
        with pytest.raises(ValueError, match=r"c\.txt: cell t[234]/"):
            load_facts(con, [(raw, broken)])
        assert con.execute("SELECT count(*) FROM facts").fetchone() == (0,), why


def test_loading_twice_is_idempotent_and_replaces(con, sample_entries):
    load_all(con, sample_entries)
    snapshot = {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("reports", "facts", "parse_issues")
    }
    assert load_all(con, sample_entries) == (3, 34, 2)
    for table, rows in snapshot.items():
        assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == rows, table

    # reloading one report with fewer cells replaces its rows and leaves the others alone
    raw_a, rep_a = sample_entries[0]
    load_all(con, [(raw_a, dataclasses.replace(rep_a, cells=rep_a.cells[:2], issues=[]))])
    assert con.execute("SELECT report_id, count(*) FROM facts GROUP BY ALL ORDER BY 2").fetchall() == [
        (raw_a.report_id, 2),
        (sample_entries[1][0].report_id, 3),
        (sample_entries[2][0].report_id, 7),
    ]
    assert con.execute("SELECT count(*) FROM parse_issues").fetchone() == (1,)


def test_duplicate_content_loaded_once_and_reported(con, sample_entries):
    raw_a, rep_a = sample_entries[0]
    copy = (dataclasses.replace(raw_a, file_name="zz/copy-of-a.txt"), rep_a)
    assert load_all(con, [sample_entries[0], copy]) == (1, 24, 2)
    assert con.execute("SELECT file_name FROM reports").fetchall() == [("hunan/a.txt",)]
    assert con.execute(
        "SELECT report_id, file_name, severity, code FROM parse_issues WHERE code = 'duplicate_file'"
    ).fetchall() == [(raw_a.report_id, "zz/copy-of-a.txt", "warning", "duplicate_file")]


def test_views_return_labelled_rows(con, sample_entries):
    load_all(con, sample_entries)
    create_views(con)
    a, b, c = (raw.report_id for raw, _ in sample_entries)

    wide = con.execute(
        "SELECT unit_name, year, row_label, natural_person, commercial, research, social_welfare, legal_service, "
        "other_org, total, cells_read FROM applications WHERE report_id = ? AND row_code = '1'",
        [a],
    ).fetchall()
    assert wide == [("甲镇人民政府", 2023, "一、本年新收政府信息公开申请数量", 5, 1, 0, 0, 2, 0, 8, 7)]
    # blank / na / unread stay visible through cell_states
    assert con.execute(
        "SELECT commercial, research, cell_states.commercial, cell_states.research, cell_states.total "
        "FROM applications WHERE report_id = ? AND row_code = '3_1'",
        [a],
    ).fetchone() == (None, None, "blank", "na", "value")
    assert con.execute(
        "SELECT natural_person, commercial, total, cell_states.commercial, cells_read "
        "FROM applications WHERE report_id = ? AND row_code = '1'",
        [b],
    ).fetchone() == (2, None, 2, None, 2)
    assert con.execute(
        "SELECT report_id, row_code FROM applications ORDER BY report_id, row_order"
    ).fetchall() == sorted([(a, "1"), (a, "3_1"), (b, "1"), (c, "4")], key=lambda r: r[0])

    # labels follow the report's edition: the same codes are worded differently in 2019 and 2021
    assert con.execute(
        "SELECT report_id, row_label, col_label, value, cell_state, measure_unit FROM active_disclosure "
        "WHERE row_code = '20_1_normative' ORDER BY year"
    ).fetchall() == [
        (b, "规范性文件", "本年新制作数量", 7, "value", "件"),
        (a, "行政规范性文件", "本年制发件数", 4, "value", "件"),
    ]
    assert con.execute("SELECT count(*) FROM active_disclosure").fetchone() == (6,)

    assert con.execute(
        "SELECT unit_name, row_code, row_label, upheld, corrected, other, pending, total, cell_states.other "
        "FROM reviews_litigation"
    ).fetchall() == [("甲镇人民政府", "review", "行政复议", 1, 0, None, 0, 1, "blank")]


def test_load_reports_with_their_divisions(con, sample_entries):
    first = sample_entries[0][0].report_id
    units = {
        first: {
            "unit_level": "township",
            "division_code": "430381103",
            "county_code": "430381",
            "city_code": "4303",
            "province_code": "43",
            "division_status": "resolved",
            "division_candidates": [],
            "division_evidence": "虞唐镇 in 湘乡市",
        }
    }
    load_reports(con, sample_entries, INGESTED, units)
    rows = con.execute(
        "SELECT report_id, unit_level, division_code, county_code, division_status, division_candidates "
        "FROM reports ORDER BY report_id = ? DESC, report_id",
        [first],
    ).fetchall()
    assert rows[0] == (first, "township", "430381103", "430381", "resolved", [])
    assert all(row[1:] == (None, None, None, None, None) for row in rows[1:])
