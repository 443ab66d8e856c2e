"""The anomaly rules (sql/anomalies/) on small databases of hand-made reports.

Each report starts from complete tables of its edition, all zeros (which pass every rule), and changes a few
cells: a number, '' (blank), '/' (na) or None (the cell was not read: no fact).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.manifest import RawFile
from pipeline.parsing.model import (
    BLANK,
    NA,
    NOT_A_REPORT,
    PARSED,
    VALUE,
    WARNING,
    Cell,
    Issue,
    ParsedReport,
    ReportMeta,
)
from pipeline.parsing.narrative import Claim
from pipeline.store.anomalies import create_anomalies, load_narrative_claims
from pipeline.store.load import load_facts, load_parse_issues, load_reports
from pipeline.store.schema import create_schema
from pipeline.store.taxonomy import read_taxonomy

INGESTED = datetime(2024, 5, 1, tzinfo=UTC)
UNIT_COLUMNS = (
    "unit_level",
    "division_code",
    "county_code",
    "city_code",
    "province_code",
    "division_status",
    "division_evidence",
)

CellKey = tuple[str, str, str]


@dataclass
class Report:
    name: str
    year: int | None = 2023
    edition: str | None = "2021"
    tables: tuple[str, ...] = ("t2", "t3", "t4")
    cells: dict[CellKey, str | None] = field(default_factory=dict)  # changes to the all-zero tables
    extra: list[CellKey] = field(default_factory=list)  # cells of the other edition, value 1
    period: tuple[date | None, date | None] = (None, None)
    published: date | None = None
    unit_name: str | None = None  # default: the name
    status: str = PARSED
    issues: list[Issue] = field(default_factory=list)
    units: dict[str, str | None] = field(default_factory=dict)  # the unit columns, when the db has them
    claims: list[Claim] | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.name.encode("utf-8")).hexdigest()

    @property
    def id(self) -> str:
        return self.sha256[:16]


def edition_cells(edition: str, tables: tuple[str, ...]) -> list[tuple[CellKey, str]]:
    """Every cell of these tables in this edition, in taxonomy order, with its unit."""
    t = read_taxonomy().to_pylist()
    return [
        ((r["table_code"], r["row_code"], r["col_code"]), r["unit"])
        for r in t
        if r["table_code"] in tables and edition in r["formats"].split("|")
    ]


def make_cell(key: CellKey, raw: str, unit: str, line: int) -> Cell:
    if raw == "":
        return Cell(*key, BLANK, None, raw, line, unit)
    if raw == "/":
        return Cell(*key, NA, None, raw, line, unit)
    return Cell(*key, VALUE, Decimal(raw), raw, line, unit)


def entry(rep: Report) -> tuple[RawFile, ParsedReport]:
    edition = rep.edition or ("2019" if (rep.year or 2023) < 2021 else "2021")
    cells = []
    units = {key: unit for key, unit in edition_cells("2019", ("t2", "t3", "t4"))}
    units.update(edition_cells("2021", ("t2", "t3", "t4")))
    for line, (key, unit) in enumerate(edition_cells(edition, rep.tables), start=10):
        raw = rep.cells.get(key, "0")
        if raw is not None:
            cells.append(make_cell(key, raw, unit, line))
    for key in rep.extra:
        cells.append(make_cell(key, "1", units[key], 999))
    meta = ReportMeta(rep.unit_name or rep.name, rep.year, rep.edition, *rep.period, rep.published)
    raw = RawFile(f"{rep.name}.txt", Path("/raw") / f"{rep.name}.txt", rep.sha256, len(rep.name))
    return raw, ParsedReport(meta, cells, rep.issues, rep.status)


def build(path: Path, reports: list[Report], unit_columns: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    create_schema(con)
    entries = [entry(r) for r in reports]
    load_reports(con, entries, INGESTED)
    load_facts(con, entries)
    load_parse_issues(con, entries)
    for rep in reports:
        for col, value in rep.units.items():
            con.execute(f"UPDATE reports SET {col} = ? WHERE report_id = ?", [value, rep.id])
    load_narrative_claims(con, {r.id: r.claims for r in reports if r.claims is not None})
    create_anomalies(con)
    return con


def found(con, rule: str | None = None, report: Report | None = None) -> list[tuple]:
    """(report_id, rule_code, severity, table, row, col, expected, actual) of the anomalies, sorted."""
    where, params = [], []
    if rule:
        where.append("rule_code = ?")
        params.append(rule)
    if report:
        where.append("report_id = ?")
        params.append(report.id)
    sql = (
        "SELECT report_id, rule_code, severity, table_code, row_code, col_code, expected, actual "
        "FROM anomalies" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY ALL"
    )
    return con.execute(sql, params).fetchall()


def details(con, rule: str, report: Report) -> list[str]:
    return [
        d
        for (d,) in con.execute(
            "SELECT detail FROM anomalies WHERE rule_code = ? AND report_id = ? ORDER BY ALL",
            [rule, report.id],
        ).fetchall()
    ]


@pytest.fixture
def db(tmp_path):
    cons = []

    def make(reports: list[Report], unit_columns: bool = False) -> duckdb.DuckDBPyConnection:
        con = build(tmp_path / f"t{len(cons)}.duckdb", reports, unit_columns)
        cons.append(con)
        return con

    yield make
    for con in cons:
        con.close()


def t3(row: str, **cols: str | None) -> dict[CellKey, str | None]:
    return {("t3", row, col): v for col, v in cols.items()}


# --- the columns and the clean case -------------------------------------------------------------------


def test_union_view_columns_are_documented_types(db):
    con = db([Report("clean")])
    cols = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'anomalies' ORDER BY ordinal_position"
    ).fetchall()
    assert cols == [
        (name, "VARCHAR")
        for name in (
            "report_id",
            "rule_code",
            "severity",
            "table_code",
            "row_code",
            "col_code",
            "expected",
            "actual",
            "detail",
        )
    ]


def test_complete_zero_reports_of_both_editions_have_no_anomaly(db):
    con = db([Report("zero2021"), Report("zero2019", year=2020, edition="2019")])
    assert found(con) == []


# --- t3_balance -----------------------------------------------------------------------------------------


def test_t3_balance(db):
    broken = Report(
        "broken",
        cells=t3("1", natural_person="5", total="5")
        | t3("3_1", natural_person="3", total="3")
        | t3("3_7", natural_person="3", total="3")
        | t3("4", natural_person="1", total="1"),
    )
    fine = Report(
        "fine",
        cells=t3("1", natural_person="5", total="5")
        | t3("3_1", natural_person="4", total="4")
        | t3("3_7", natural_person="4", total="4")
        | t3("4", natural_person="1", total="1"),
    )
    blank = Report("blank", cells=t3("2", commercial="") | t3("4", total=None))
    con = db([broken, fine, blank])
    assert found(con, report=broken) == [  # every other rule holds on it
        (broken.id, "t3_balance", "error", "t3", None, "natural_person", "5", "4"),
        (broken.id, "t3_balance", "error", "t3", None, "total", "5", "4"),
    ]
    assert found(con, report=fine) == []
    assert found(con, "t3_balance", blank) == [
        (blank.id, "t3_balance", "info", "t3", None, "commercial", None, None),
        (blank.id, "t3_balance", "info", "t3", None, "total", None, None),
    ]
    assert details(con, "t3_balance", blank) == [
        "not assessable: row 2 commercial is blank",
        "not assessable: row 4 total was not read",
    ]
    assert details(con, "t3_balance", broken)[0] == (
        "natural_person: row 1 (5) + row 2 (0) = 5, but row 3_7 (3) + row 4 (1) = 4"
    )


# --- t3_results_sum ----------------------------------------------------------------------------------


def test_t3_results_sum_2021(db):
    # 2 applications given 3_6_2, but 总计 says 1; balance holds (2 + 0 = 1 + 1)
    broken = Report(
        "broken",
        cells=t3("1", research="2", total="2")
        | t3("3_6_2", research="2", total="2")
        | t3("3_7", research="1", total="1")
        | t3("4", research="1", total="1"),
    )
    fine = Report(
        "fine",
        cells=t3("1", research="2", total="2")
        | t3("3_6_2", research="2", total="2")
        | t3("3_7", research="2", total="2"),
    )
    na = Report("na", cells=t3("3_3_5", other_org="/"))
    con = db([broken, fine, na])
    assert found(con, report=broken) == [
        (broken.id, "t3_results_sum", "error", "t3", "3_7", "research", "2", "1"),
        (broken.id, "t3_results_sum", "error", "t3", "3_7", "total", "2", "1"),
    ]
    assert details(con, "t3_results_sum", broken)[0] == (
        "research: the 21 result rows sum to 2, but row 3_7 (总计) is 1"
    )
    assert found(con, report=fine) == []
    assert found(con, "t3_results_sum", na) == [
        (na.id, "t3_results_sum", "info", "t3", "3_7", "other_org", None, None)
    ]
    assert details(con, "t3_results_sum", na) == ['not assessable: row 3_3_5 other_org is "/" (na)']


def test_t3_results_sum_2019_uses_the_single_row_3_6(db):
    broken = Report(
        "broken2019",
        year=2020,
        edition="2019",
        cells=t3("1", natural_person="1", total="1")
        | t3("3_6", natural_person="1", total="1")
        | t3("4", natural_person="1", total="1"),
    )
    fine = Report(
        "fine2019",
        year=2020,
        edition="2019",
        cells=t3("1", natural_person="1", total="1")
        | t3("3_6", natural_person="1", total="1")
        | t3("3_7", natural_person="1", total="1"),
    )
    con = db([broken, fine])
    assert found(con, report=broken) == [
        (broken.id, "t3_results_sum", "error", "t3", "3_7", "natural_person", "1", "0"),
        (broken.id, "t3_results_sum", "error", "t3", "3_7", "total", "1", "0"),
    ]
    assert details(con, "t3_results_sum", broken)[0].startswith("natural_person: the 19 result rows sum to 1")
    assert found(con, report=fine) == []


# --- t3_row_total / t4_total ---------------------------------------------------------------------------


def test_t3_row_total(db):
    broken = Report("broken", cells=t3("2", natural_person="2", commercial="1", total="4"))
    fine = Report("fine", cells=t3("2", natural_person="2", commercial="1", total="3") | t3("1", total="0"))
    blank = Report("blank", cells=t3("3_5_4", legal_service=""))
    con = db([broken, fine, blank])
    assert found(con, "t3_row_total", broken) == [
        (broken.id, "t3_row_total", "error", "t3", "2", "total", "3", "4")
    ]
    assert details(con, "t3_row_total", broken) == [
        "row 2: the six applicant columns sum to 3, but the total is 4"
    ]
    assert found(con, "t3_row_total", fine) == []
    assert found(con, "t3_row_total", blank) == [
        (blank.id, "t3_row_total", "info", "t3", "3_5_4", "total", None, None)
    ]
    assert details(con, "t3_row_total", blank) == ["not assessable: row 3_5_4 legal_service is blank"]


def test_t4_total(db):
    broken = Report("broken", cells={("t4", "review", "upheld"): "1", ("t4", "review", "total"): "2"})
    fine = Report(
        "fine",
        cells={("t4", "litigation_after_review", c): "1" for c in ("upheld", "corrected")}
        | {("t4", "litigation_after_review", "total"): "2"},
    )
    blank = Report("blank", cells={("t4", "litigation_direct", "pending"): ""})
    con = db([broken, fine, blank])
    assert found(con, report=broken) == [(broken.id, "t4_total", "error", "t4", "review", "total", "1", "2")]
    assert found(con, report=fine) == []
    assert found(con, report=blank) == [
        (blank.id, "t4_total", "info", "t4", "litigation_direct", "total", None, None)
    ]
    assert details(con, "t4_total", blank) == ["not assessable: row litigation_direct pending is blank"]


# --- negative_or_fractional_count ---------------------------------------------------------------------


def test_negative_or_fractional_count(db):
    bad = Report(
        "bad",
        cells={
            ("t2", "20_5_licensing", "decisions"): "-1",
            ("t2", "20_6_punishment", "decisions"): "2.5",
            ("t2", "20_8_fees", "amount"): "-3.25",
        },
    )
    fine = Report("fine", cells={("t2", "20_8_fees", "amount"): "12.5"})
    bad2019 = Report(
        "bad2019",
        year=2020,
        edition="2019",
        cells={
            ("t2", "20_5_licensing", "change"): "-3",  # 本年增/减 may be negative
            ("t2", "20_6_coercion", "change"): "1.5",
            ("t2", "20_9_procurement", "amount"): "88.75",
        },
    )
    con = db([bad, fine, bad2019])
    rule = "negative_or_fractional_count"
    assert found(con, rule) == sorted(
        [
            (bad.id, rule, "warning", "t2", "20_5_licensing", "decisions", None, "-1"),
            (bad.id, rule, "warning", "t2", "20_6_punishment", "decisions", None, "2.5"),
            (bad.id, rule, "warning", "t2", "20_8_fees", "amount", None, "-3.25"),
            (bad2019.id, rule, "warning", "t2", "20_6_coercion", "change", None, "1.5"),
        ]
    )
    assert details(con, rule, bad) == [
        "a count that is not a whole number (2.5 件)",
        "a negative amount (-3.25 万元)",
        "a negative count (-1 件)",
    ]


# --- period_mismatch / published_before_period_end / published_late --------------------------------------


def test_period_mismatch(db):
    other_year = Report("other", period=(date(2022, 1, 1), date(2022, 12, 31)))
    part_year = Report("part", period=(date(2023, 1, 1), date(2023, 6, 30)))
    whole = Report("whole", period=(date(2023, 1, 1), date(2023, 12, 31)))
    one_side = Report("one_side", period=(date(2023, 1, 1), None))
    none = Report("none")
    con = db([other_year, part_year, whole, one_side, none])
    assert found(con, "period_mismatch") == sorted(
        [
            (
                other_year.id,
                "period_mismatch",
                "warning",
                None,
                None,
                None,
                "2023-01-01..2023-12-31",
                "2022-01-01..2022-12-31",
            ),
            (
                part_year.id,
                "period_mismatch",
                "warning",
                None,
                None,
                None,
                "2023-01-01..2023-12-31",
                "2023-01-01..2023-06-30",
            ),
            (
                one_side.id,
                "period_mismatch",
                "info",
                None,
                None,
                None,
                "2023-01-01..2023-12-31",
                "2023-01-01..?",
            ),
        ]
    )
    assert details(con, "period_mismatch", other_year) == [
        "the stated period 2022-01-01..2022-12-31 is not the report's year 2023"
    ]
    assert details(con, "period_mismatch", part_year) == [
        "the stated period 2023-01-01..2023-06-30 is not the whole year 2023"
    ]


def test_published_before_period_end(db):
    early = Report("early", published=date(2023, 12, 1))
    early_stated = Report(
        "early_stated", period=(date(2023, 1, 1), date(2023, 12, 31)), published=date(2023, 12, 30)
    )
    on_time = Report("on_time", published=date(2024, 1, 10))
    part_year = Report("part", period=(date(2023, 1, 1), date(2023, 6, 30)), published=date(2023, 7, 15))
    undated = Report("undated")
    con = db([early, early_stated, on_time, part_year, undated])
    rule = "published_before_period_end"
    assert found(con, rule) == sorted(
        [
            (early.id, rule, "warning", None, None, None, "2023-12-31", "2023-12-01"),
            (early_stated.id, rule, "warning", None, None, None, "2023-12-31", "2023-12-30"),
        ]
    )
    assert details(con, rule, early) == [
        "published on 2023-12-01, before the end of the period it reports on (2023-12-31, the end of the report year)"
    ]


def test_published_late_without_unit_level_uses_the_march_deadline(db):
    late = Report("late", published=date(2024, 4, 2))
    february = Report("february", published=date(2024, 2, 15))
    undated = Report("undated")
    con = db([late, february, undated])
    assert found(con, "published_late") == [
        (late.id, "published_late", "warning", None, None, None, "2024-03-31", "2024-04-02")
    ]
    assert details(con, "published_late", late) == [
        "published on 2024-04-02, after the deadline 2024-03-31 "
        "(unit level unknown: the county-and-above deadline was applied)"
    ]


def test_published_late_by_unit_level(db):
    township = Report("township", published=date(2024, 2, 15), units={"unit_level": "township"})
    department = Report("department", published=date(2024, 2, 1), units={"unit_level": "department"})
    county = Report("county", published=date(2024, 2, 15), units={"unit_level": "county"})
    city_late = Report("city_late", published=date(2024, 4, 1), units={"unit_level": "city"})
    township_ok = Report("township_ok", published=date(2024, 1, 31), units={"unit_level": "township"})
    unknown = Report("unknown", published=date(2024, 2, 15))
    con = db([township, department, county, city_late, township_ok, unknown], unit_columns=True)
    assert found(con, "published_late") == sorted(
        [
            (township.id, "published_late", "warning", None, None, None, "2024-01-31", "2024-02-15"),
            (department.id, "published_late", "warning", None, None, None, "2024-01-31", "2024-02-01"),
            (city_late.id, "published_late", "warning", None, None, None, "2024-03-31", "2024-04-01"),
        ]
    )
    assert details(con, "published_late", township) == [
        "published on 2024-02-15, after the deadline 2024-01-31 for a township unit"
    ]


# --- format_mismatch / missing_table ---------------------------------------------------------------------


def test_format_mismatch(db):
    old_form = Report("old_form", year=2022, edition="2019")
    new_form_early = Report("new_form_early", year=2020, edition="2021")
    mixed = Report(
        "mixed",
        extra=[("t3", "3_6", c) for c in ("natural_person", "total")]
        + [("t2", "20_9_procurement", "items"), ("t2", "20_1_normative", "new_made")],
    )
    mixed2019 = Report("mixed2019", year=2020, edition="2019", extra=[("t3", "3_6_1", "total")])
    fine = Report("fine")
    con = db([old_form, new_form_early, mixed, mixed2019, fine])
    rule = "format_mismatch"
    assert found(con, rule) == sorted(
        [
            (old_form.id, rule, "warning", None, None, None, "2021", "2019"),
            (new_form_early.id, rule, "warning", None, None, None, "2019", "2021"),
            (mixed.id, rule, "warning", "t2", "20_1_normative", None, "2021", "2019"),
            (mixed.id, rule, "warning", "t2", "20_9_procurement", None, "2021", "2019"),
            (mixed.id, rule, "warning", "t3", "3_6", None, "2021", "2019"),
            (mixed2019.id, rule, "warning", "t3", "3_6_1", None, "2019", "2021"),
        ]
    )
    assert details(con, rule, old_form) == [
        "a 2022 report on the 2019 edition of the tables (the 2021 edition applies to it)"
    ]
    assert "(natural_person, total)" in details(con, rule, mixed)[2]


def test_missing_table(db):
    only_t3 = Report("only_t3", tables=("t3",))
    not_a_report = Report("not_a_report", year=None, edition=None, tables=(), status=NOT_A_REPORT)
    flagged = Report(
        "flagged",
        tables=(),
        issues=[Issue(WARNING, "not_a_report", "No report title, year or table heading.")],
    )
    old_form = Report("old_form", year=2017, edition=None, tables=())  # before the 2019 form: no tables
    fine = Report("fine")
    con = db([only_t3, not_a_report, flagged, old_form, fine])
    assert found(con) == [
        (only_t3.id, "missing_table", "warning", "t2", None, None, None, None),
        (only_t3.id, "missing_table", "warning", "t4", None, None, None, None),
    ]
    assert details(con, "missing_table", only_t3)[0] == (
        "no cell of table 二 (主动公开政府信息情况) was loaded; see parse_issues"
    )


# --- narrative_table_mismatch ---------------------------------------------------------------------------


def claim(table, row, col, value, line=4, phrase="收到政府信息公开申请N件", year=2023) -> Claim:
    return Claim(table, row, col, Decimal(value), line, phrase, year)


def test_narrative_table_mismatch(db):
    three = (
        t3("1", natural_person="3", total="3")
        | t3("3_1", natural_person="3", total="3")
        | t3("3_7", natural_person="3", total="3")
    )
    contradicts = Report(
        "contradicts", cells=three, claims=[claim("t3", "1", "total", 8, phrase="收到政府信息公开申请8件")]
    )
    agrees = Report(
        "agrees",
        cells=three,
        claims=[
            claim("t3", "1", "total", 3),
            claim("t2", "20_1_normative", "issued", 0, line=6, year=2022),  # about 2022: skipped
            claim("t2", "20_1_normative", "issued", 0, line=7, year=None),
        ],
    )
    other_year = Report(
        "other_year",
        cells={("t2", "20_1_normative", "issued"): "4"},
        claims=[claim("t2", "20_1_normative", "issued", 0, line=6, phrase="制定规范性文件0件", year=2022)],
    )
    blank = Report(
        "blank",
        cells={("t2", "20_1_normative", "issued"): ""},
        claims=[claim("t2", "20_1_normative", "issued", 5, line=6, phrase="制定规范性文件5件")],
    )
    no_table = Report(
        "no_table",
        tables=("t2", "t4"),
        claims=[claim("t3", "1", "total", 1, phrase="受理政府信息公开申请1件")],
    )
    edition2019 = Report(
        "edition2019",
        year=2020,
        edition="2019",
        claims=[claim("t2", "20_1_normative", "issued", 9, year=2020)],
    )
    con = db([contradicts, agrees, other_year, blank, no_table, edition2019])
    rule = "narrative_table_mismatch"
    assert found(con, rule) == sorted(
        [
            (contradicts.id, rule, "warning", "t3", "1", "total", "8", "3"),
            (blank.id, rule, "info", "t2", "20_1_normative", "issued", "5", None),
            (no_table.id, rule, "info", "t3", "1", "total", "1", None),
        ]
    )
    assert details(con, rule, contradicts) == [
        "the narrative (line 4: 收到政府信息公开申请8件) says 8, but t3 row 1 total is 3"
    ]
    assert details(con, rule, blank) == [
        "not assessable: the narrative (line 6: 制定规范性文件5件) says 5, and t2 row 20_1_normative issued is blank"
    ]
    assert details(con, rule, no_table) == [
        "not assessable: the narrative (line 4: 受理政府信息公开申请1件) says 1, and no cell of table t3 was loaded"
    ]


# --- yoy_carryover / yoy_in_force ---------------------------------------------------------------------


def test_yoy_carryover(db):
    last = Report(
        "甲镇2022",
        year=2022,
        unit_name="甲镇",
        cells=t3("1", natural_person="2", total="2") | t3("4", natural_person="2", total="2"),
    )
    this = Report(
        "甲镇2023",
        unit_name="甲镇",
        cells=t3("2", natural_person="1", research="", total="1")
        | t3("3_1", natural_person="1", total="1")
        | t3("3_7", natural_person="1", total="1"),
    )
    other_unit = Report(
        "乙镇2023",
        unit_name="乙镇",
        cells=t3("2", natural_person="1", total="1") | t3("4", natural_person="1", total="1"),
    )
    agrees_last = Report(
        "丙镇2022",
        year=2022,
        unit_name="丙镇",
        cells=t3("1", total="1", other_org="1") | t3("4", total="1", other_org="1"),
    )
    agrees = Report(
        "丙镇2023",
        unit_name="丙镇",
        cells=t3("2", total="1", other_org="1") | t3("4", total="1", other_org="1"),
    )
    con = db([last, this, other_unit, agrees_last, agrees])
    assert found(con, "yoy_carryover") == [
        (this.id, "yoy_carryover", "info", "t3", "2", "research", None, None),
        (this.id, "yoy_carryover", "warning", "t3", "2", "natural_person", "2", "1"),
        (this.id, "yoy_carryover", "warning", "t3", "2", "total", "2", "1"),
    ]
    assert details(con, "yoy_carryover", this) == [
        f"natural_person: row 2 (上年结转) is 1, but the 2022 report {last.id} (same unit_name) carried 2 over (row 4, 结转下年度)",
        "not assessable: row 2 research is blank",
        f"total: row 2 (上年结转) is 1, but the 2022 report {last.id} (same unit_name) carried 2 over (row 4, 结转下年度)",
    ]


def test_yoy_pairs_resolved_units_by_division(db):
    units = {"unit_level": "township", "division_code": "430381100", "division_status": "resolved"}
    last = Report(
        "虞唐镇人民政府2022",
        year=2022,
        unit_name="虞唐镇人民政府",
        cells=t3("1", total="1", natural_person="1") | t3("4", total="1", natural_person="1"),
        units=units,
    )
    this = Report("虞唐镇2023", unit_name="虞唐镇", units=units)  # row 2 is 0: last year carried 1
    dept = {"unit_level": "department", "division_code": "430381", "division_status": "resolved"}
    dept_last = Report(
        "教育局2022",
        year=2022,
        unit_name="湘乡市教育局",
        cells=t3("1", total="1", natural_person="1") | t3("4", total="1", natural_person="1"),
        units=dept,
    )
    other_dept = Report("卫健局2023", unit_name="湘乡市卫生健康局", units=dept)  # same division, another unit
    con = db([last, this, dept_last, other_dept], unit_columns=True)
    assert found(con, "yoy_carryover") == [
        (this.id, "yoy_carryover", "warning", "t3", "2", "natural_person", "1", "0"),
        (this.id, "yoy_carryover", "warning", "t3", "2", "total", "1", "0"),
    ]
    assert "(same division_code)" in details(con, "yoy_carryover", this)[0]


def test_yoy_in_force(db):
    last = Report(
        "甲局2022",
        year=2022,
        unit_name="甲局",
        cells={("t2", "20_1_normative", "in_force"): "10", ("t2", "20_1_regulations", "in_force"): ""},
    )
    this = Report(
        "甲局2023",
        unit_name="甲局",
        cells={
            ("t2", "20_1_normative", c): v
            for c, v in (("issued", "3"), ("repealed", "1"), ("in_force", "13"))
        },
    )
    fine_last = Report(
        "乙局2022", year=2022, unit_name="乙局", cells={("t2", "20_1_normative", "in_force"): "10"}
    )
    fine = Report(
        "乙局2023",
        unit_name="乙局",
        cells={
            ("t2", "20_1_normative", c): v
            for c, v in (("issued", "3"), ("repealed", "1"), ("in_force", "12"))
        },
    )
    old_last = Report("丙局2020", year=2020, edition="2019", unit_name="丙局")
    old = Report("丙局2021", year=2021, unit_name="丙局", cells={("t2", "20_1_normative", "in_force"): "5"})
    con = db([last, this, fine_last, fine, old_last, old])
    assert found(con, "yoy_in_force") == [
        (this.id, "yoy_in_force", "info", "t2", "20_1_regulations", "in_force", None, None),
        (this.id, "yoy_in_force", "warning", "t2", "20_1_normative", "in_force", "12", "13"),
    ]
    assert details(con, "yoy_in_force", this) == [
        f"20_1_normative: the 2022 report {last.id} (same unit_name) had 10 in force; + 3 issued − 1 repealed = 12, "
        "but in_force is 13",
        f"not assessable: in the 2022 report {last.id} row 20_1_regulations in_force is blank",
    ]


# --- regulations_below_level / unit_ambiguous / unit_unresolved --------------------------------------------


def test_regulations_below_level(db):
    reg = {("t2", "20_1_regulations", "issued"): "1", ("t2", "20_1_regulations", "in_force"): "2"}
    township = Report("township", cells=reg, units={"unit_level": "township", "county_code": "430381"})
    county_dept = Report(
        "county_dept",
        cells={("t2", "20_1_regulations", "in_force"): "2"},
        units={
            "unit_level": "department",
            "division_code": "430381",
            "county_code": "430381",
            "city_code": "430300",
        },
    )
    city_dept = Report(
        "city_dept",
        cells=reg,
        units={"unit_level": "department", "division_code": "430300", "city_code": "430300"},
    )
    city = Report(
        "city", cells=reg, units={"unit_level": "city", "division_code": "430300", "city_code": "430300"}
    )
    unknown = Report("unknown", cells=reg)
    zero = Report("zero", units={"unit_level": "township"})
    con = db([township, county_dept, city_dept, city, unknown, zero], unit_columns=True)
    rule = "regulations_below_level"
    assert found(con, rule) == sorted(
        [
            (township.id, rule, "warning", "t2", "20_1_regulations", "in_force", "0", "2"),
            (township.id, rule, "warning", "t2", "20_1_regulations", "issued", "0", "1"),
            (county_dept.id, rule, "warning", "t2", "20_1_regulations", "in_force", "0", "2"),
        ]
    )
    assert details(con, rule, county_dept) == [
        "a department unit of a county reports 2 规章 (in_force): units below a 设区的市 cannot make 规章"
    ]


def test_unit_status(db):
    ambiguous = Report("ambiguous", units={"division_status": "ambiguous"})
    unresolved = Report(
        "unresolved", units={"division_status": "unresolved", "division_evidence": "no division named 某某镇"}
    )
    resolved = Report("resolved", units={"division_status": "resolved", "division_code": "430381"})
    override = Report("override", units={"division_status": "override"})
    con = db([ambiguous, unresolved, resolved, override], unit_columns=True)
    assert found(con) == sorted(
        [
            (ambiguous.id, "unit_ambiguous", "warning", None, None, None, None, "ambiguous"),
            (unresolved.id, "unit_unresolved", "warning", None, None, None, None, "unresolved"),
        ]
    )
    assert details(con, "unit_ambiguous", ambiguous) == [
        'the unit name "ambiguous" fits several administrative divisions'
    ]
    assert details(con, "unit_unresolved", unresolved) == [
        'the unit name "unresolved" fits no administrative division: no division named 某某镇'
    ]
