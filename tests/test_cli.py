"""`python -m pipeline ingest` as a user runs it: a subprocess, real files."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.defs.checks import CHECKS

REPO_DIR = Path(__file__).resolve().parents[1]
SEED_FILES = sorted((REPO_DIR / "raw").glob("*.txt"))
TIMEOUT = 300  # a guard against a hang only
# Finds pipeline/ even without the editable install; no DAGSTER_HOME: the CLI must not need one.
ENV = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"PYTHONPATH": str(REPO_DIR)}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in SEED_FILES:
        shutil.copy(seed, folder / seed.name)
    return folder


def test_ingest_prints_a_summary(tmp_path, raw_dir):
    db = tmp_path / "out" / "report.duckdb"
    work = tmp_path / "elsewhere"
    work.mkdir()

    proc = cli("ingest", "--raw", str(raw_dir), "--db", str(db), cwd=work)

    assert proc.returncode == 0, proc.stderr
    assert re.search(
        rf"^files:\s+parsed 5 = 5 files seen \(raw folder {re.escape(str(raw_dir))}\)$", proc.stdout, re.M
    ), proc.stdout
    assert re.search(r"^reports:\s+5 \(parsed 5\)", proc.stdout, re.M), proc.stdout
    assert re.search(r"^facts:\s+1000$", proc.stdout, re.M), proc.stdout
    assert re.search(r"^parse issues:\s+0$", proc.stdout, re.M), proc.stdout
    assert re.search(r"^units:\s+ambiguous 1, resolved 4$", proc.stdout, re.M), proc.stdout
    assert re.search(r"^anomalies:\s+2 ", proc.stdout, re.M), proc.stdout
    # the two known problems of the seeds (see test_pipeline_run) fail their checks, as warnings
    total = len(CHECKS)
    assert re.search(rf"^checks:\s+{total - 2} of {total} passed$", proc.stdout, re.M), proc.stdout
    assert "WARNING anomaly_period_mismatch" in proc.stdout
    assert str(db) in proc.stdout  # the absolute path of the published database
    assert " - INFO - " not in proc.stderr and " - DEBUG - " not in proc.stderr  # Dagster kept quiet
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM facts").fetchone() == (1000,)


def test_ingest_defaults_to_raw_and_report_duckdb_in_the_working_directory(tmp_path, raw_dir):
    proc = cli("ingest", cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "report.duckdb").is_file()
    assert str(tmp_path / "report.duckdb") in proc.stdout


def test_ingest_without_raw_folder_fails_clearly(tmp_path):
    proc = cli("ingest", "--raw", "missing", "--db", "x.duckdb", cwd=tmp_path)

    assert proc.returncode == 1
    assert f"raw folder not found: {tmp_path / 'missing'}" in proc.stderr
    assert proc.stdout == ""
    assert not (tmp_path / "x.duckdb").exists()


def test_help_explains_the_options(tmp_path):
    proc = cli("ingest", "--help", cwd=tmp_path)

    assert proc.returncode == 0
    for option in ("--raw DIR", "--db PATH", "--max-file-mb MB", "--lock-timeout SECONDS", "--verbose"):
        assert option in proc.stdout
    assert "Exit status" in proc.stdout


def test_unknown_command_is_a_usage_error(tmp_path):
    assert cli("frobnicate", cwd=tmp_path).returncode == 2


def test_cli_defaults_agree_with_the_pipeline():
    from pipeline import cli
    from pipeline.defs.resources import DEFAULT_LOCK_TIMEOUT
    from pipeline.intake import DEFAULT_MAX_MB

    assert cli.DEFAULT_MAX_MB == DEFAULT_MAX_MB
    assert cli.DEFAULT_LOCK_TIMEOUT == DEFAULT_LOCK_TIMEOUT


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan"])
def test_a_bad_size_limit_is_a_usage_error(tmp_path, raw_dir, value):
    proc = cli("ingest", "--raw", str(raw_dir), "--db", "x.duckdb", "--max-file-mb", value, cwd=tmp_path)

    assert proc.returncode == 2
    assert "--max-file-mb" in proc.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_a_run_leaves_no_temporary_files(tmp_path, raw_dir):
    # The CLI keeps Dagster's instance and step outputs in memory: TMPDIR stays empty after a run (and
    # after a killed one: see test_fault_injection).
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", "--raw", str(raw_dir), "--db", "x.duckdb"],
        cwd=tmp_path,
        env=ENV | {"TMPDIR": str(tmp)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    assert list(tmp.iterdir()) == []
