"""Smoke test of the benchmark runner (bench/run.py) on a tiny corpus: every row of the table is there, the
real pipeline ran twice (full and incremental) and no published cell disagrees with the ground truth.

60 reports keep it at about 15 s (two pipeline runs of ~5 s each dominate; below 1,000 reports the runner
skips its baseline run and makes no projections). Set BENCH_SMOKE=0 to skip it.
"""

from __future__ import annotations

import json
import os

import pytest

from bench import run as bench_run

pytestmark = pytest.mark.skipif(os.environ.get("BENCH_SMOKE") == "0", reason="BENCH_SMOKE=0")

EXPECTED_ROWS = [
    "corpus",
    "machine",
    "parse_1proc",
    "parse_pool",
    "e2e_wall",
    "e2e_cpu",
    "e2e_rss_tree",
    "e2e_rss_max",
    "e2e_facts_per_s",
    "acc_returned",
    "acc_wrong",
    "acc_uncertain",
    "floor_read",
    "floor_load",
    "floor_ratio",
    "incr_wall",
    "incr_rss_tree",
    "incr_accuracy",
    "q_rollup",
    "q_unit",
    "q_city",
    "step_startup",
    "step_parsed_reports",
]


def test_bench_smoke(tmp_path, capsys):
    out_json = tmp_path / "bench.json"
    keep = tmp_path / "work"
    assert bench_run.main(["--count", "60", "--keep", str(keep), "--json", str(out_json), "-q"]) == 0
    table = capsys.readouterr().out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    rows = {r["key"]: r for r in data["rows"]}

    assert data["count"] == 60
    missing = [k for k in EXPECTED_ROWS if k not in rows]
    assert not missing, f"rows missing from the table: {missing}\n{table}"
    assert any(k.startswith("acc_layout_") for k in rows), table
    for r in data["rows"]:  # every row is printed
        assert r["label"] in table and r["measured"] in table

    # the numbers are numbers, and measured
    for key in ("parse_1proc", "parse_pool", "e2e_wall", "floor_read", "floor_load", "incr_wall", "q_rollup"):
        assert rows[key]["value"] > 0, (key, table)
    assert rows["e2e_rss_max"]["value"] > 10, table  # MiB: a Python process running Dagster
    assert rows["e2e_rss_tree"]["value"] > 10, table

    # accuracy: nothing returned is wrong, before and after the incremental run
    assert rows["acc_wrong"]["value"] == 0, table
    assert rows["acc_wrong"]["verdict"] == "ok", table
    assert rows["incr_accuracy"]["value"] == 0, table
    assert rows["acc_returned"]["value"] > 95, table

    # the pipeline's step times came from its -v log, and the work folder was kept
    assert "parsed_reports" in data["steps"]["full"]
    assert "parsed_reports" in data["steps"]["incremental"]
    assert (keep / "report.duckdb").is_file() and (keep / "truth" / "ground_truth.parquet").is_file()


def test_step_times_and_grouping():
    log = (
        'x - STEP_SUCCESS - Finished execution of step "parsed_reports" in 5.72s.\n'
        'x - STEP_SUCCESS - Finished execution of step "raw_manifest" in 83ms.\n'
        'x - STEP_SUCCESS - Finished execution of step "facts_table" in 4m52s.\n'
        'x - STEP_SUCCESS - Finished execution of step "facts_table_facts_use_taxonomy_codes" in 0.5ms.\n'
    )
    steps = bench_run.step_times(log)
    assert steps == pytest.approx(
        {
            "parsed_reports": 5.72,
            "raw_manifest": 0.083,
            "facts_table": 292.0,
            "facts_table_facts_use_taxonomy_codes": 0.0005,
        }
    )
    grouped = dict(bench_run.group_steps(steps))
    assert "facts_table_facts_use_taxonomy_codes" not in grouped
    assert grouped["data checks (1 steps)"] == pytest.approx(0.0005)


def test_linear_projection_goes_through_both_runs():
    # 10 s at 20 reports, 30 s at 2,020: 1 s per 100 reports beyond the baseline
    assert bench_run.linear(30.0, 10.0, 2020, 20, 100_020) == pytest.approx(1010.0)
    assert bench_run.linear(30.0, 10.0, 20, 20, 100_000) == 30.0  # no slope from one point
