"""The ledger made in SQL (pipeline.store.files.write_ledger, sql/ledger) equals pipeline.ledger.ledger_records,
build after build: new, duplicate, rejected and unread files, renamed and removed files, content that moved."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.intake import Verdict
from pipeline.ledger import FileHistory, known_hashes, ledger_records
from pipeline.manifest import RawFile
from pipeline.outcome import Outcome
from pipeline.store import create_schema, write_ledger
from pipeline.store.files import records_table

T1 = datetime(2024, 5, 1, 8, 30, 15, 123456, tzinfo=UTC)
T2 = datetime(2024, 6, 1, tzinfo=UTC)
T3 = datetime(2024, 7, 1, 23, 59, 59, tzinfo=UTC)


def raw(name: str, content: str, modified_ns: int | None = 1_700_000_000_123_456_789) -> RawFile:
    data = content.encode()
    return RawFile(name, Path("/raw") / name, hashlib.sha256(data).hexdigest(), len(data), modified_ns)


def accepted(name: str, content: str, **kw) -> Verdict:
    return Verdict(name, raw(name, content, **kw), None)


def rejected(name: str, content: str | None, status: str = "unreadable") -> Verdict:
    return Verdict(name, raw(name, content) if content is not None else None, status, "x", f"{name} rejected")


def outcome(v: Verdict) -> Outcome:
    return Outcome("parsed_with_issues" if "issue" in v.file_name else "parsed", f"read {v.file_name}")


def rows(con) -> list[tuple]:
    return con.execute("SELECT * FROM files ORDER BY file_name").fetchall()


def check_build(con, verdicts: list[Verdict], history, seen_at: datetime, kept: set[str]):
    """Both ledgers of one build, the SQL one written over the files table `con` holds (the previous
    ledger, as a build that starts from the published database has it); reports in `kept` take their verdict
    from the reports table (as kept from the previous build), the others are passed as parsed now. Returns
    the new history (as read back)."""
    verdicts = sorted(verdicts, key=lambda v: v.file_name)
    outcomes = {v.file.report_id: outcome(v) for v in verdicts if v.accepted and v.file is not None}
    expected = ledger_records(verdicts, outcomes, history, seen_at)
    con.execute("DELETE FROM reports")
    for rid, o in outcomes.items():
        if rid in kept:
            detail = o.detail or None  # a NULL parse_detail reads as ''
            con.execute(
                "INSERT INTO reports (report_id, file_name, sha256, parse_status, parse_detail, parser_version, "
                "ingested_at) VALUES (?, 'f', 's', ?, ?, 'v', ?)",
                [rid, o.parse_status, detail, T1.replace(tzinfo=None)],
            )
    new = {rid: o for rid, o in outcomes.items() if rid not in kept}
    n, counts = write_ledger(con, verdicts, new, history, seen_at)
    got = rows(con)
    want = [tuple(getattr(r, f) for f in r.__dataclass_fields__) for r in expected]
    assert got == want
    assert n == len(expected)
    assert sum(counts.values()) == n
    table = con.sql("SELECT * FROM files").to_arrow_table()
    return FileHistory(table.cast(records_table([]).schema))


def test_sql_ledger_equals_python_ledger_over_three_builds(tmp_path):
    first = [
        accepted("a.txt", "A"),
        accepted("b/copy-of-a.txt", "A"),  # duplicate of a.txt (a sorts first)
        accepted("c-issue.txt", "C"),
        accepted("d.txt", "D", modified_ns=None),
        accepted("moved-away.txt", "M"),
        accepted("gone.txt", "G"),
        rejected("empty.txt", ""),
        rejected("link.txt", None),  # not read at all
        accepted("名字.txt", "N"),
    ]
    con = duckdb.connect(str(tmp_path / "ledger.duckdb"))
    create_schema(con)
    # a row the ledger does not have: the files table ends equal to the ledger whatever it held
    con.execute(
        "INSERT INTO files VALUES ('stray.txt', NULL, NULL, NULL, 'removed', '', NULL, ?, ?)",
        [T1.replace(tzinfo=None)] * 2,
    )
    h1 = check_build(con, first, {}, T1, kept=set())
    second = [
        accepted("a.txt", "A"),
        accepted("0-copy-of-a.txt", "A"),  # now the first file of content A
        accepted("c-issue.txt", "C2"),  # changed
        accepted("d.txt", "D", modified_ns=None),
        accepted("z/moved-here.txt", "M"),  # moved-away.txt's content
        rejected("empty.txt", "", status="empty"),
        accepted("名字.txt", "N"),
        accepted("new.txt", "NEW", modified_ns=-1_500),  # before the epoch: floored to whole microseconds
    ]
    kept = {raw("", c).report_id for c in ("A", "D", "M", "N")}
    h2 = check_build(con, second, h1, T2, kept=kept)
    third = [accepted("a.txt", "A"), accepted("new.txt", "NEW", modified_ns=-1_500)]
    kept = {raw("", c).report_id for c in ("A", "NEW")}
    h3 = check_build(con, third, h2, T3, kept=kept)
    # the same build over an empty files table (a full build's) gives the same ledger
    fresh = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    create_schema(fresh)
    check_build(fresh, third, h2, T3, kept=kept)
    # the removed files stay removed, with the same rows, build after build
    h3_records = {name: h3[name] for name in h3}
    assert h3_records["gone.txt"].status == "removed"
    assert h3_records["moved-away.txt"].status == "removed"
    assert known_hashes(h3) == known_hashes(dict(h3_records))


def test_empty_history_is_a_file_history(tmp_path):
    from pipeline.store import read_file_history

    history = read_file_history(tmp_path / "none.duckdb")
    assert len(history) == 0 and dict(history) == {} and known_hashes(history) == {}
