"""Incremental builds: a build that goes on from the published database gives the database a full build of
the same folder gives, and parses only what is new or changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from raw_variants import HUASHI, SEED_NAMES, YUTANG, report_variants, seed_text

from pipeline.cli import ingest

# Every stored table, minus what records when a row was written (ingested_at, first/last seen).
TABLES = {
    "reports": "SELECT * EXCLUDE (ingested_at) FROM reports",
    "facts": "SELECT * FROM facts",
    "parse_issues": "SELECT * FROM parse_issues",
    "narrative_claims": "SELECT * FROM narrative_claims",
    "text_signatures": "SELECT * FROM text_signatures",
    "text_near_duplicates": "SELECT * FROM text_near_duplicates",
    "present files": "SELECT * EXCLUDE (first_seen, last_seen) FROM files WHERE status <> 'removed'",
    "anomalies": "SELECT * FROM anomalies",
    "rollup_county": "SELECT * FROM rollup_county",
    "rollup_province": "SELECT * FROM rollup_province",
}


def snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in TABLES.items()}


def build_info(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM build_info").fetchall())


def run(raw: Path, db: Path, capsys, *, full: bool = False) -> str:
    assert ingest(raw, db, workers=1, full=full) == 0
    return capsys.readouterr().out


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in SEED_NAMES:
        (folder / name).write_text(seed_text(name), encoding="utf-8")
    for name, text in list(report_variants(12).items())[:12]:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_an_incremental_build_equals_a_full_build_of_the_same_folder(tmp_path, raw, capsys):
    db = tmp_path / "inc" / "report.duckdb"
    first = run(raw, db, capsys)
    assert "build:        full: " in first and "(there is no published database yet)" in first
    with duckdb.connect(str(db), read_only=True) as con:
        before = dict(con.execute("SELECT file_name, report_id FROM reports").fetchall())

    # the night's changes: a new report, a copy of last year's report (near duplicate), one report
    # changed in place, one removed, one moved to another folder, and a byte-identical copy
    (raw / "new" / "山枣镇2023.txt").parent.mkdir()
    (raw / "new" / "山枣镇2023.txt").write_text(
        seed_text(YUTANG).replace("虞唐镇", "山枣镇"), encoding="utf-8"
    )
    changed = raw / HUASHI
    changed.write_text(seed_text(HUASHI).replace("加强组织领导", "加强组织领导和督促检查"), encoding="utf-8")
    removed = sorted(p for p in raw.rglob("*") if p.is_file() and p.name not in SEED_NAMES)[0]
    removed.unlink()
    (raw / "moved").mkdir()
    shutil.move(raw / SEED_NAMES[3], raw / "moved" / SEED_NAMES[3])
    shutil.copy(raw / SEED_NAMES[4], raw / "copy of 004.txt")

    second = run(raw, db, capsys)
    # parsed: the new report and the changed one; dropped: the changed one's old content and the removed
    assert "build:        incremental: 2 reports parsed, 15 kept, 2 dropped" in second, second
    assert build_info(db)["full_rebuild"] == "false"

    full_db = tmp_path / "full" / "report.duckdb"
    third = run(raw, full_db, capsys, full=True)
    assert "build:        full: 17 reports parsed" in third and "(a full build was asked for)" in third
    got, expected = snapshot(db), snapshot(full_db)
    for name in TABLES:
        assert got[name] == expected[name], name
    with duckdb.connect(str(db), read_only=True) as con:
        # kept reports keep their rows (the moved one under its new name), the changed one has a new id
        after = dict(con.execute("SELECT file_name, report_id FROM reports").fetchall())
        assert after[f"moved/{SEED_NAMES[3]}"] == before[SEED_NAMES[3]]
        assert after[HUASHI] != before[HUASHI]
        # the new copy of 虞唐镇's report is found as such
        assert (YUTANG,) in con.execute(
            "SELECT o.file_name FROM anomalies a JOIN reports r USING (report_id) "
            "JOIN reports o ON o.report_id = a.actual WHERE a.rule_code = 'near_duplicate' AND r.file_name = ?",
            ["new/山枣镇2023.txt"],
        ).fetchall()
        assert con.execute(
            "SELECT status FROM files WHERE file_name = ?", [removed.relative_to(raw).as_posix()]
        ).fetchall() == [("removed",)]


def test_nothing_new_parses_nothing_and_changes_no_row(tmp_path, raw, capsys):
    db = tmp_path / "report.duckdb"
    run(raw, db, capsys)
    first = snapshot(db)
    out = run(raw, db, capsys)
    assert "build:        incremental: 0 reports parsed, 17 kept, 0 dropped" in out, out
    assert snapshot(db) == first


def test_a_new_overrides_file_makes_a_full_build(tmp_path, raw, capsys):
    db = tmp_path / "report.duckdb"
    run(raw, db, capsys)
    (raw / "units.csv").write_text("match,division_code\n二塘乡,360124201\n", encoding="utf-8")
    out = run(raw, db, capsys)
    assert "build:        full: 17 reports parsed" in out, out
    assert "overrides file changed since the last build" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT DISTINCT division_status, division_code FROM reports WHERE unit_name LIKE '%二塘乡%'"
        ).fetchall() == [("override", "360124201")]


def test_reparse_year_parses_that_year_again_and_keeps_the_others(tmp_path, raw, capsys):
    db = tmp_path / "report.duckdb"
    run(raw, db, capsys)
    first = snapshot(db)
    with duckdb.connect(str(db), read_only=True) as con:
        years = dict(con.execute("SELECT year, count(*) FROM reports GROUP BY 1").fetchall())
        stamps = dict(con.execute("SELECT report_id, ingested_at FROM reports").fetchall())
    assert years.get(2023, 0) > 0 and sum(years.values()) > years[2023]
    assert ingest(raw, db, workers=1, reparse_years=[2023]) == 0
    out = capsys.readouterr().out
    assert (
        f"incremental: {years[2023]} reports parsed, {17 - years[2023]} kept, {years[2023]} dropped" in out
    ), out
    assert snapshot(db) == first  # the same parser gives the same rows
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT report_id, year, ingested_at FROM reports").fetchall()
    assert all((stamp != stamps[rid]) == (year == 2023) for rid, year, stamp in rows)
