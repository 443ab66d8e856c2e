"""The file ledger (`files`) and the current reports (`reports.is_current`), on real DuckDB files.

The rule for "newer" (sql/files/10_report_versions.sql) and the ledger's memory across builds (first_seen,
removed files) on hand-made reports; then idempotence, renames and superseded reports through the real
Dagster job.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from raw_variants import HUASHI, SEED_NAMES, YUTANG, corrected, seed_text

from pipeline.defs.assets import ASSETS
from pipeline.defs.checks import CHECKS
from pipeline.defs.resources import PipelineSettings, build_resources
from pipeline.intake import Verdict
from pipeline.ledger import ledger_records, outcomes_of
from pipeline.manifest import RawFile
from pipeline.parsing.model import PARSED, Cell, ParsedReport, ReportMeta
from pipeline.store import (
    HistoryUnreadable,
    build_database,
    create_schema,
    create_views,
    load_facts,
    load_files,
    load_reports,
    mark_superseded,
    read_file_history,
    staging_path,
)

T1 = datetime(2024, 5, 1, tzinfo=UTC)
T2 = datetime(2024, 6, 1, tzinfo=UTC)
T3 = datetime(2024, 7, 1, tzinfo=UTC)
SUBPROCESS_TIMEOUT = 60
SUBPROCESS_ENV_PATH = str(Path(__file__).resolve().parents[1])


def entry(
    name: str,
    unit: str | None = "甲镇",
    year: int | None = 2023,
    published: date | None = None,
    modified_ns: int | None = None,
    content: str | None = None,
) -> tuple[RawFile, ParsedReport]:
    data = (content or f"{name}|{unit}|{year}|{published}").encode()
    raw = RawFile(name, Path("/raw") / name, hashlib.sha256(data).hexdigest(), len(data), modified_ns)
    cells = [Cell("t3", "1", "total", "value", 1, "1", 1, "件")]
    return raw, ParsedReport(ReportMeta(unit, year, "2021", None, None, published), cells, [], PARSED)


def build(tmp_path: Path, entries, units: dict[str, dict] | None = None) -> duckdb.DuckDBPyConnection:
    """The pieces of a build, with unit columns (which build_database does not resolve)."""
    con = duckdb.connect(str(tmp_path / "versions.duckdb"))
    create_schema(con)
    units = units or {}
    load_reports(con, entries, T1, {raw.report_id: units.get(raw.file_name, {}) for raw, _ in entries})
    load_facts(con, entries)
    verdicts = [Verdict(raw.file_name, raw, None) for raw, _ in entries]
    load_files(con, ledger_records(verdicts, outcomes_of(entries), {}, T1))
    mark_superseded(con)
    create_views(con)
    return con


def current(con) -> dict[str, bool]:
    return dict(con.execute("SELECT file_name, is_current FROM reports").fetchall())


def statuses(con) -> dict[str, str]:
    return dict(con.execute("SELECT file_name, status FROM files").fetchall())


# --- which report is current -------------------------------------------------------------------------


def test_the_later_published_report_supersedes_the_earlier(tmp_path):
    con = build(
        tmp_path,
        [
            entry("a.txt", published=date(2024, 1, 20)),
            entry("b.txt", published=date(2024, 2, 1)),
            entry("c.txt", published=None),  # no date: older than any dated report
            entry("other-unit.txt", unit="乙镇", published=date(2023, 1, 1)),
            entry("other-year.txt", year=2022, published=date(2023, 1, 1)),
            entry("no-year.txt", year=None),
            entry("no-unit.txt", unit=None),
        ],
    )
    assert current(con) == {
        "a.txt": False,
        "b.txt": True,
        "c.txt": False,
        "other-unit.txt": True,
        "other-year.txt": True,
        "no-year.txt": True,
        "no-unit.txt": True,
    }
    assert statuses(con)["a.txt"] == "superseded"
    [(detail,)] = con.execute("SELECT detail FROM files WHERE file_name = 'a.txt'").fetchall()
    assert detail == (
        "Superseded by b.txt, a newer report of the same unit (甲镇) for 2023; newer by published_on: "
        "2024-02-01 against 2024-01-20. Its facts stay in the database with reports.is_current = false."
    )
    [(detail,)] = con.execute("SELECT detail FROM files WHERE file_name = 'c.txt'").fetchall()
    assert "published_on: 2024-02-01 against no date" in detail
    # the facts of superseded reports stay
    assert con.execute("SELECT count(*) FROM facts").fetchone() == (7,)
    assert con.execute("SELECT count(*) FROM facts_labelled WHERE NOT is_current").fetchone() == (2,)


def test_without_dates_the_later_modified_file_then_the_greater_name_is_newer(tmp_path):
    con = build(
        tmp_path,
        [
            entry("x-old.txt", modified_ns=2_000_000_000_000_000_000),
            entry("y.txt", modified_ns=1_000_000_000_000_000_000),
            entry("same-1.txt", unit="乙镇"),
            entry("same-2.txt", unit="乙镇"),  # same (unknown) modification time: the greater name wins
        ],
    )
    assert current(con) == {"x-old.txt": True, "y.txt": False, "same-1.txt": False, "same-2.txt": True}
    details = dict(con.execute("SELECT file_name, detail FROM files").fetchall())
    assert (
        "newer by file modification time: 2033-05-18 03:33:20 against 2001-09-09 01:46:40" in details["y.txt"]
    )
    assert "newer by file name: same-2.txt sorts after same-1.txt" in details["same-1.txt"]


def test_same_unit_is_the_division_when_placed_else_the_name(tmp_path):
    placed = {"division_status": "resolved", "division_code": "430381103", "unit_level": "township"}
    dept = {"division_status": "resolved", "division_code": "430381", "unit_level": "department"}
    entries = [
        entry("town-a.txt", unit="虞唐镇", published=date(2024, 1, 1)),
        entry("town-b.txt", unit="虞唐镇人民政府", published=date(2024, 2, 1)),  # same division, other name
        entry("town-unplaced.txt", unit="虞唐镇", published=date(2024, 3, 1)),  # not placed: another unit
        entry("dept-a.txt", unit="湘乡市教育局", published=date(2024, 1, 1)),
        entry(
            "dept-b.txt", unit="湘乡市司法局", published=date(2024, 2, 1)
        ),  # same division, other department
    ]
    units = {"town-a.txt": placed, "town-b.txt": placed, "dept-a.txt": dept, "dept-b.txt": dept}
    con = build(tmp_path, entries, units)
    assert current(con) == {
        "town-a.txt": False,
        "town-b.txt": True,
        "town-unplaced.txt": True,
        "dept-a.txt": True,
        "dept-b.txt": True,
    }


def test_marking_twice_changes_nothing_and_copies_stay_duplicates(tmp_path):
    a = entry("a.txt", published=date(2024, 1, 1))
    copy = (RawFile("a-copy.txt", Path("/raw/a-copy.txt"), a[0].sha256, a[0].size_bytes), a[1])
    b = entry("b.txt", published=date(2024, 2, 1))
    con = build(tmp_path, [a, copy, b])
    before = con.execute("SELECT * FROM files ORDER BY ALL").fetchall()
    mark_superseded(con)
    assert con.execute("SELECT * FROM files ORDER BY ALL").fetchall() == before
    assert statuses(con) == {"a.txt": "superseded", "a-copy.txt": "duplicate", "b.txt": "parsed"}
    assert current(con) == {"a.txt": False, "b.txt": True}


# --- the ledger's memory -------------------------------------------------------------------------------


def ledger(target: Path) -> list[tuple]:
    with duckdb.connect(str(target), read_only=True) as con:
        return con.execute(
            "SELECT file_name, status, report_id, first_seen, last_seen, detail FROM files ORDER BY file_name"
        ).fetchall()


def test_first_seen_and_removed_files_carry_over_between_builds(tmp_path):
    target = tmp_path / "report.duckdb"
    a, b, c = entry("a.txt", unit="甲"), entry("b.txt", unit="乙"), entry("c.txt", unit="丙")
    t1, t2, t3 = (t.replace(tzinfo=None) for t in (T1, T2, T3))

    build_database(target, [a, b], T1)
    build_database(target, [a, c], T2)  # b removed, c new
    rows = {r[0]: r for r in ledger(target)}
    assert rows["a.txt"][1:5] == ("parsed", a[0].report_id, t1, t2)
    assert rows["b.txt"][1:5] == ("removed", None, t1, t1)
    assert (
        rows["b.txt"][5] == "No longer in the raw folder; last seen by the build of 2024-05-01 00:00:00 UTC."
    )
    assert rows["c.txt"][1:5] == ("parsed", c[0].report_id, t2, t2)

    build_database(target, [a, b], T3)  # b is back: its first_seen is kept; c is removed now
    rows = {r[0]: r for r in ledger(target)}
    assert rows["b.txt"][1:5] == ("parsed", b[0].report_id, t1, t3)
    assert rows["c.txt"][1:5] == ("removed", None, t2, t2)
    assert len(rows) == 3  # every file ever seen, each once


def test_a_rerun_changes_only_last_seen(tmp_path):
    target = tmp_path / "report.duckdb"
    entries = [entry("a.txt"), entry("b.txt", unit="乙")]
    build_database(target, entries, T1)
    build_database(target, entries[:1], T2)
    first = ledger(target)
    build_database(target, entries[:1], T3)
    second = ledger(target)
    assert [r[:4] + r[5:] for r in first] == [r[:4] + r[5:] for r in second]
    assert [r[4] for r in second] == [
        T3.replace(tzinfo=None),
        T1.replace(tzinfo=None),
    ]  # removed b: unchanged


def test_a_renamed_file_keeps_its_report_and_the_old_name_points_to_it(tmp_path):
    target = tmp_path / "report.duckdb"
    a = entry("old/a.txt", content="the same bytes")
    moved = (RawFile("new/a.txt", Path("/raw/new/a.txt"), a[0].sha256, a[0].size_bytes), a[1])
    build_database(target, [a], T1)
    build_database(target, [moved], T2)
    rows = {r[0]: r for r in ledger(target)}
    assert rows["new/a.txt"][1:3] == ("parsed", a[0].report_id)
    assert rows["old/a.txt"][1:3] == ("removed", a[0].report_id)
    assert rows["old/a.txt"][5].endswith("The same content is now loaded from new/a.txt.")
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT report_id, file_name FROM reports").fetchall() == [
            (a[0].report_id, "new/a.txt")
        ]


HOLD_READ_WRITE = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])  # read-write, as the DuckDB CLI opens a file by default
    print("open", flush=True)
    sys.stdin.readline()
    """
)


def test_the_history_is_read_even_while_someone_holds_the_database_read_write(tmp_path):
    target = tmp_path / "report.duckdb"
    build_database(target, [entry("a.txt")], T1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_WRITE, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": SUBPROCESS_ENV_PATH},
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(duckdb.IOException):  # readers are locked out ...
            duckdb.connect(str(target), read_only=True)
        history = read_file_history(target)  # ... so the ledger is read from a copy
        assert set(history) == {"a.txt"}
        build_database(target, [entry("b.txt")], T2)
    finally:
        holder.stdin.close()
        holder.wait(SUBPROCESS_TIMEOUT)
    assert [r[:2] for r in ledger(target)] == [("a.txt", "removed"), ("b.txt", "parsed")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.duckdb", "report.duckdb.lock"]


def test_a_stale_history_copy_of_a_killed_build_is_removed(tmp_path):
    target = tmp_path / "report.duckdb"
    build_database(target, [entry("a.txt")], T1)
    (tmp_path / "report.duckdb.building.prev").write_bytes(b"half a copy")
    assert set(read_file_history(target)) == {"a.txt"}
    assert not (tmp_path / "report.duckdb.building.prev").exists()


def test_a_target_that_is_not_a_database_is_never_replaced(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("someone's notes, not a database")
    with pytest.raises(HistoryUnreadable, match="cannot read the file ledger of the published database"):
        build_database(target, [entry("a.txt")], T1)
    assert target.read_text() == "someone's notes, not a database"
    assert not staging_path(target).exists()


# --- through the real Dagster job -----------------------------------------------------------------------


def run_job(raw: Path, db: Path, *, succeed: bool = True) -> dg.ExecuteInProcessResult:
    settings = PipelineSettings(raw_dir=str(raw), db_path=str(db))
    result = dg.materialize(
        [*ASSETS, *CHECKS],
        resources=build_resources(settings) | {"io_manager": dg.InMemoryIOManager()},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert result.success == succeed
    return result


def test_the_pipeline_refuses_to_replace_a_file_that_is_not_its_database(tmp_path):
    raw, target = tmp_path / "raw", tmp_path / "notes.txt"
    raw.mkdir()
    (raw / YUTANG).write_text(seed_text(YUTANG), encoding="utf-8")
    target.write_text("someone's notes, not a database")

    result = run_job(raw, target, succeed=False)

    errors = [e.step_failure_data.error for e in result.all_events if e.is_step_failure]
    assert errors and all("cannot read the file ledger" in str(e.message) for e in errors)
    assert target.read_text() == "someone's notes, not a database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "notes.txt.lock", "raw"]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "facts": con.execute("SELECT * FROM facts ORDER BY ALL").fetchall(),
            "reports": con.execute("SELECT * EXCLUDE (ingested_at) FROM reports ORDER BY ALL").fetchall(),
            "files": con.execute("SELECT * EXCLUDE (last_seen) FROM files ORDER BY ALL").fetchall(),
            "parse_issues": con.execute("SELECT * FROM parse_issues ORDER BY ALL").fetchall(),
            "anomalies": con.execute("SELECT * FROM anomalies ORDER BY ALL").fetchall(),
            "rollup_county": con.execute("SELECT * FROM rollup_county ORDER BY ALL").fetchall(),
        }


def test_rerun_rename_and_a_corrected_report_through_the_pipeline(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "report.duckdb"
    raw.mkdir()
    for name in SEED_NAMES:
        shutil.copy(Path(SUBPROCESS_ENV_PATH) / "raw" / name, raw / name)
    (raw / "花石镇 更正版.txt").write_text(corrected(seed_text(HUASHI), "2024年2月1日"), encoding="utf-8")

    run_job(raw, db)
    first = snapshot(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert dict(con.execute("SELECT file_name, status FROM files").fetchall())[HUASHI] == "superseded"
        assert con.execute("SELECT count(*) FROM reports WHERE NOT is_current").fetchone() == (1,)
        # 湘潭县 (430321): 花石镇 once, from the corrected report; the first one is in no rollup and no rule
        assert con.execute(
            "SELECT reports FROM rollup_county WHERE county_code = '430321' AND year = 2023 AND table_code = 't3' "
            "AND row_code = '1' AND col_code = 'total'"
        ).fetchall() == [(1,)]
        assert con.execute(
            "SELECT count(*) FROM anomalies WHERE report_id = (SELECT report_id FROM reports WHERE NOT is_current)"
        ).fetchone() == (0,)

    run_job(raw, db)  # the same folder again: nothing changes but last_seen and ingested_at
    assert snapshot(db) == first

    (raw / "moved").mkdir()
    (raw / YUTANG).rename(raw / "moved" / "虞唐镇.txt")
    run_job(raw, db)
    after = snapshot(db)
    assert after["facts"] == first["facts"]  # the same reports, no duplicate
    files = {r[0]: r for r in after["files"]}
    assert files[YUTANG][4] == "removed"
    assert files["moved/虞唐镇.txt"][4] == "parsed"
    assert files[YUTANG][6] == files["moved/虞唐镇.txt"][6]  # both point at the one report
