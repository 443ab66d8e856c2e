"""An analyst reading the published database while `python -m pipeline ingest` rebuilds it.

One separate process opens a read-only connection before the run and holds it for the whole run; another
opens a fresh read-only connection for every read. In a loop both read the counts of the tables and the
county rollups (rollup_county), in one statement. It must never see an error, and every read must be the
whole old database or the whole new one: the held connection always the old one, the fresh connections
the old one until the publish and the new one after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
from raw_variants import HUASHI, SEED_NAMES, corrected, report_variants, seed_text

REPO_DIR = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"PYTHONPATH": str(REPO_DIR)}
TIMEOUT = 300  # a guard against a hang only

STATE = """
SELECT
    (SELECT count(*) FROM reports),
    (SELECT count(*) FROM reports WHERE is_current),
    (SELECT count(*) FROM facts),
    (SELECT count(*) FROM files),
    (SELECT count(*) FROM rollup_county),
    (SELECT CAST(sum(value) AS VARCHAR) FROM rollup_county),
    (SELECT sum(reports) FROM rollup_county)
"""

READER = textwrap.dedent(
    """
    import json, os, sys, time, duckdb

    path, stop, sql, mode = sys.argv[1:5]
    config = {"threads": 1}  # an analyst's session, not a second build's worth of CPU
    held = duckdb.connect(path, read_only=True, config=config) if mode == "held" else None
    seen, errors, reads = [], [], 0  # each distinct state, in the order first seen

    print("ready", flush=True)
    while True:
        last = os.path.exists(stop)
        try:
            if held is not None:
                state = list(held.execute(sql).fetchone())
            else:
                # A new connection each time. (In a process that still holds another connection to the
                # same file, DuckDB would hand back that one's database: hence one process per mode.)
                with duckdb.connect(path, read_only=True, config=config) as fresh:
                    state = list(fresh.execute(sql).fetchone())
            if not seen or seen[-1] != state:
                seen.append(state)
            reads += 1
        except Exception as exc:
            errors.append(repr(exc))
        if last:
            break
        time.sleep(0.2)  # an analyst, not a load test: leave the CPU to the run
    print(json.dumps({"seen": seen, "errors": errors[:10], "reads": reads}), flush=True)
    """
)


def make_raw(raw: Path, variants: int, corrected_report: bool) -> None:
    contents = {name: seed_text(name) for name in SEED_NAMES} | report_variants(variants)
    if corrected_report:
        contents["花石镇 更正版.txt"] = corrected(seed_text(HUASHI), "2024年2月1日")
    for name, text in contents.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text(text, encoding="utf-8")


def ingest(raw: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", "--raw", str(raw), "--db", str(db)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=TIMEOUT,
    )


def state(db: Path) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return list(con.execute(STATE).fetchone())


def test_a_reader_sees_the_old_or_the_new_database_whole_and_never_an_error(tmp_path):
    old_raw, new_raw, db = tmp_path / "old", tmp_path / "new", tmp_path / "report.duckdb"
    make_raw(old_raw, 20, corrected_report=False)
    make_raw(new_raw, 40, corrected_report=True)  # 20 more reports, and 花石镇's first one superseded
    assert ingest(old_raw, db).returncode == 0
    old = state(db)

    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(stop), STATE, mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for mode in ("held", "fresh")
    }
    results = {}
    try:
        for reader in readers.values():
            assert reader.stdout.readline().strip() == "ready", reader.stderr.read()
        run = ingest(new_raw, db)
        time.sleep(1.0)  # some reads of the new database
        stop.touch()
        for mode, reader in readers.items():
            out, err = reader.communicate(timeout=TIMEOUT)
            assert reader.returncode == 0, err
            results[mode] = json.loads(out)
    finally:
        for reader in readers.values():
            if reader.poll() is None:
                reader.kill()
                reader.wait()
    assert run.returncode == 0, run.stderr
    new = state(db)
    assert new != old

    for result in results.values():
        assert result["errors"] == []
        assert result["reads"] >= 10
    assert results["held"]["seen"] == [old]  # the held connection keeps reading the old file, whole
    assert results["fresh"]["seen"] == [old, new]  # all old, then all new: nothing in between
