"""Publishing: build beside the target, swap atomically, never block or disturb readers, one builder at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.store import (
    BuildLockTimeout,
    begin_build,
    build_database,
    create_schema,
    load_reports,
    publish,
    staging_path,
    writer_lock,
)

INGESTED = datetime(2024, 5, 1, tzinfo=UTC)
SUBPROCESS_TIMEOUT = 60  # only a guard against a hang; nothing is asserted about time
SUBPROCESS_ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}  # finds pipeline/


def counts(path) -> tuple[int, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM facts)").fetchone()


def test_build_database_publishes_and_cleans_up(tmp_path, sample_entries):
    target = tmp_path / "report.duckdb"
    assert build_database(target, sample_entries, INGESTED) == {
        "reports": 3,
        "facts": 34,
        "parse_issues": 2,
        "files": 3,
    }
    assert counts(target) == (3, 34)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.duckdb", "report.duckdb.lock"]
    with duckdb.connect(str(target), read_only=True) as con:  # views are in the published file
        assert con.execute("SELECT count(*) FROM applications").fetchone() == (4,)


def test_publish_replaces_atomically(tmp_path, sample_entries):
    target = tmp_path / "report.duckdb"
    build_database(target, sample_entries[:1], INGESTED)
    old_inode = target.stat().st_ino

    # a build in progress is invisible at the target
    staging = begin_build(target)
    assert staging == staging_path(target) == tmp_path / "report.duckdb.building"
    con = duckdb.connect(str(staging))
    create_schema(con)
    load_reports(con, sample_entries, INGESTED)
    assert counts(target) == (1, 24)
    # publishing an un-checkpointed database would lose its WAL: refused, target untouched
    con.execute("INSERT INTO parse_issues VALUES ('x', 'x', 'info', 'x', 'x', NULL)")
    assert (tmp_path / "report.duckdb.building.wal").exists()
    with pytest.raises(RuntimeError, match="CHECKPOINT"):
        publish(staging, target)
    assert counts(target) == (1, 24)
    con.execute("CHECKPOINT")
    con.close()

    publish(staging, target)
    assert not staging.exists()
    assert target.stat().st_ino != old_inode  # a new file took the name; the old one was never written
    assert counts(target) == (3, 0)
    with pytest.raises(FileNotFoundError):
        publish(staging, target)


def test_failed_build_leaves_published_file_alone(tmp_path, sample_entries):
    target = tmp_path / "report.duckdb"
    build_database(target, sample_entries[:1], INGESTED)
    raw, report = sample_entries[1]
    broken = (raw, type(report)(report.meta, [*report.cells, report.cells[0]]))  # same cell twice
    with pytest.raises(ValueError, match="appears twice"):
        build_database(target, [sample_entries[0], broken], INGESTED)
    assert counts(target) == (1, 24)
    assert not staging_path(target).exists()


def test_begin_build_removes_stale_staging(tmp_path):
    target = tmp_path / "report.duckdb"
    (tmp_path / "report.duckdb.building").write_bytes(b"half a database from a crashed run")
    (tmp_path / "report.duckdb.building.wal").write_bytes(b"its wal")
    (tmp_path / "report.duckdb.building.tmp").mkdir()  # DuckDB's spill folder
    (tmp_path / "report.duckdb.building.tmp" / "spill.block").write_bytes(b"x")
    staging = begin_build(target)
    assert not staging.exists() and not (tmp_path / "report.duckdb.building.wal").exists()
    assert not (tmp_path / "report.duckdb.building.tmp").exists()


READER = textwrap.dedent(
    """
    import json, select, sys
    import duckdb

    # Holds one read-only connection open for its whole life, reading in a loop; answers "ping" on stdin
    # with the counts it reads now, and "stop" with a summary.
    con = duckdb.connect(sys.argv[1], read_only=True)
    def counts():
        return list(con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM facts)").fetchone())
    seen, reads = [], 0
    def read():
        global reads
        c = counts()
        reads += 1
        if c not in seen:
            seen.append(c)
        return c
    print(json.dumps({"ready": read()}), flush=True)
    while True:
        read()
        if select.select([sys.stdin], [], [], 0.002)[0]:
            command = sys.stdin.readline().strip()
            if command == "ping":
                print(json.dumps({"pong": read()}), flush=True)
            else:
                print(json.dumps({"reads": reads, "seen": seen}), flush=True)
                break
    """
)


def build_into(results: list, target, entries) -> None:
    results.append(build_database(target, entries, INGESTED))


def test_reader_keeps_reading_while_two_builds_publish(tmp_path, sample_entries):
    target = tmp_path / "report.duckdb"
    build_database(target, sample_entries[:1], INGESTED)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=SUBPROCESS_ENV,
    )
    try:

        def ask(command: str) -> dict:
            reader.stdin.write(command + "\n")
            reader.stdin.flush()
            line = reader.stdout.readline()
            assert line, f"reader died: {reader.stderr.read()}"
            return json.loads(line)

        line = reader.stdout.readline()
        assert line, f"reader failed to start: {reader.stderr.read()}"
        assert json.loads(line) == {"ready": [1, 24]}

        for entries, expected in ((sample_entries[:2], (2, 27)), (sample_entries, (3, 34))):
            # run in a thread only so a blocked build fails the test instead of hanging it
            done: list[dict] = []
            builder = threading.Thread(target=build_into, args=(done, target, entries))
            builder.start()
            builder.join(SUBPROCESS_TIMEOUT)
            assert done, "build_database blocked (or failed) while a reader held the database open"
            assert counts(target) == expected  # a fresh connection sees the new content
            assert ask("ping") == {"pong": [1, 24]}  # the open connection still reads the old file, whole

        summary = ask("stop")
        assert reader.wait(SUBPROCESS_TIMEOUT) == 0, reader.stderr.read()
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert summary["seen"] == [[1, 24]]  # never an error, never a half-built or mixed state
    assert summary["reads"] >= 4


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pipeline.store import writer_lock

    with writer_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.readline()  # hold the lock until told to stop
    """
)


def test_writer_lock_refuses_a_second_builder_clearly(tmp_path, sample_entries):
    target = tmp_path / "report.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=SUBPROCESS_ENV,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(
            BuildLockTimeout, match=rf"another build of report\.duckdb is running \(pid {holder.pid}\)"
        ):
            build_database(target, sample_entries, INGESTED, lock_timeout=0.1)
        with pytest.raises(BuildLockTimeout), writer_lock(target, timeout=0):
            pass
        assert not target.exists() and not staging_path(target).exists()
    finally:
        holder.stdin.close()  # the holder exits, which releases the lock
        holder.wait(SUBPROCESS_TIMEOUT)
    assert build_database(target, sample_entries, INGESTED, lock_timeout=SUBPROCESS_TIMEOUT)["reports"] == 3


def test_writer_lock_makes_a_second_builder_wait(tmp_path, sample_entries):
    target = tmp_path / "report.duckdb"
    started, results = threading.Event(), []

    def second_builder():
        started.set()
        results.append(build_database(target, sample_entries[:2], INGESTED))

    with writer_lock(target):
        build = threading.Thread(target=second_builder)
        build.start()
        started.wait()
        build.join(0.2)  # give a broken lock the chance to let it through
        assert build.is_alive() and not results and not target.exists()
    build.join(SUBPROCESS_TIMEOUT)
    assert results == [{"reports": 2, "facts": 27, "parse_issues": 2, "files": 2}]
    assert counts(target) == (2, 27)
