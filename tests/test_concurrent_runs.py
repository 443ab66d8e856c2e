"""Two `python -m pipeline ingest` runs started at once on the same database.

By default the second waits for the first (saying so on stderr) and both complete in turn; with
--lock-timeout 0 the second refuses with a clear message instead. Either way the database is valid after,
and equal to what a single run gives.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from raw_variants import SEED_NAMES, report_variants, seed_text

REPO_DIR = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"PYTHONPATH": str(REPO_DIR)}
TIMEOUT = 300  # a guard against a hang only


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("concurrent") / "raw"
    for name in SEED_NAMES:
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text(seed_text(name), encoding="utf-8")
    for name, text in report_variants(20).items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text(text, encoding="utf-8")
    return raw


def start(raw: Path, db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ingest", "--raw", str(raw), "--db", str(db), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def contents(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "facts": con.execute("SELECT * FROM facts ORDER BY ALL").fetchall(),
            "reports": con.execute("SELECT * EXCLUDE (ingested_at) FROM reports ORDER BY ALL").fetchall(),
            "files": con.execute(
                "SELECT file_name, status, report_id, detail FROM files ORDER BY ALL"
            ).fetchall(),
            "rollup_county": con.execute("SELECT count(*) FROM rollup_county").fetchall(),
        }


@pytest.fixture(scope="module")
def single_run(raw_dir, tmp_path_factory) -> dict[str, list[tuple]]:
    db = tmp_path_factory.mktemp("single") / "report.duckdb"
    proc = start(raw_dir, db)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    return contents(db)


def test_the_second_run_waits_and_both_complete_in_turn(raw_dir, single_run, tmp_path):
    db = tmp_path / "report.duckdb"
    runs = [start(raw_dir, db), start(raw_dir, db)]
    results = [(p, *p.communicate(timeout=TIMEOUT)) for p in runs]

    for proc, out, err in results:
        assert proc.returncode == 0, err
        assert "= 25 files seen" in out
    waited = [err for _, _, err in results if "waiting up to 3600s for it to finish" in err]
    assert len(waited) == 1, [err for _, _, err in results]  # the one that came second said why it paused
    assert "another build of report.duckdb is running (pid " in waited[0]
    assert contents(db) == single_run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.duckdb", "report.duckdb.lock"]


def test_with_no_lock_timeout_the_second_run_refuses_clearly(raw_dir, single_run, tmp_path):
    db = tmp_path / "report.duckdb"
    runs = [start(raw_dir, db, "--lock-timeout", "0"), start(raw_dir, db, "--lock-timeout", "0")]
    results = [(p, *p.communicate(timeout=TIMEOUT)) for p in runs]

    codes = sorted(p.returncode for p, _, _ in results)
    # Started together, they overlap (each holds the lock for most of its run): one refuses. Should one
    # finish before the other reached the lock, both complete, which is fine too.
    assert codes in ([0, 1], [0, 0]), [err[-2000:] for _, _, err in results]
    for proc, out, err in results:
        if proc.returncode == 1:
            assert re.search(
                r"^error: the ingest run failed in .*: another build of report\.duckdb is running "
                r"\(pid \d+\): lock .*report\.duckdb\.lock is held$",
                err,
                re.M,
            ), err[-3000:]
            assert f"error: {db} was not changed" in err
            assert out == ""
    assert contents(db) == single_run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.duckdb", "report.duckdb.lock"]
