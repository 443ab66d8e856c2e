"""The Dagster code location loads, and its graph, job, schedule, sensor and checks are what we expect."""

import dagster as dg

from pipeline.definitions import defs
from pipeline.defs.checks import ANOMALY_RULES

# The asset graph: each asset key and the keys it depends on. Change this on purpose, not by accident.
EXPECTED_GRAPH = {
    "raw_manifest": set(),
    "file_intake": {"raw_manifest"},
    "parsed_reports": {"file_intake"},
    "reports_table": {"parsed_reports"},
    "facts_table": {"parsed_reports"},
    "parse_issues_table": {"parsed_reports", "file_intake"},
    "narrative_claims_table": {"parsed_reports"},
    "text_similarity": {"parsed_reports", "reports_table"},
    "files_table": {"file_intake", "parsed_reports", "reports_table"},
    "divisions_table": set(),
    "analyst_views": {"reports_table", "facts_table", "parse_issues_table"},
    "rollup_tables": {"reports_table", "facts_table", "divisions_table", "files_table"},
    "anomaly_tables": {
        "narrative_claims_table",
        "reports_table",
        "facts_table",
        "parse_issues_table",
        "files_table",
        "text_similarity",
    },
    "published_database": {"analyst_views", "rollup_tables", "anomaly_tables"},
}

EXPECTED_CHECKS = {
    ("facts_table", "facts_use_taxonomy_codes"),
    ("facts_table", "facts_value_matches_state"),
    ("files_table", "every_file_accounted_for"),
} | {("facts_table", f"anomaly_{rule}") for rule in ANOMALY_RULES}


def test_definitions_are_loadable():
    dg.Definitions.validate_loadable(defs)


def test_asset_graph_snapshot():
    graph = defs.resolve_asset_graph()
    actual = {
        key.to_user_string(): {parent.to_user_string() for parent in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert actual == EXPECTED_GRAPH


def test_every_asset_has_a_group_and_a_description():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name in {"ingest", "database"}, key
        assert node.description and len(node.description) > 20, key


def test_asset_checks_resolve():
    graph = defs.resolve_asset_graph()
    actual = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert actual == EXPECTED_CHECKS


def test_ingest_job_covers_all_assets_and_checks_in_process():
    job = defs.resolve_job_def("ingest")
    job_graph = job.asset_layer.asset_graph
    assert {k.to_user_string() for k in job_graph.get_all_asset_keys()} == set(EXPECTED_GRAPH)
    assert {(k.asset_key.to_user_string(), k.name) for k in job_graph.asset_check_keys} == EXPECTED_CHECKS
    # The writer lock and staging build live in one resource per run: every step in one process.
    assert job.executor_def.name == "in_process"
    assert defs.resolve_implicit_global_asset_job_def().executor_def.name == "in_process"


def test_nightly_schedule():
    schedule = defs.resolve_schedule_def("nightly_ingest")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedule.job_name == "ingest"


def test_raw_folder_sensor():
    sensor = defs.resolve_sensor_def("raw_folder_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert sensor.job_name == "ingest"


def test_settings_from_env(monkeypatch, tmp_path):
    from pipeline.defs.resources import PipelineSettings

    monkeypatch.setenv("RAW_DIR", str(tmp_path / "in"))
    monkeypatch.setenv("REPORT_DB", str(tmp_path / "out.duckdb"))
    monkeypatch.setenv("MAX_FILE_MB", "0.5")
    settings = PipelineSettings.from_env()
    assert settings.raw_path == tmp_path / "in"
    assert settings.target == tmp_path / "out.duckdb"
    assert settings.max_file_bytes == 512 * 1024

    monkeypatch.delenv("RAW_DIR")
    monkeypatch.delenv("REPORT_DB")
    monkeypatch.delenv("MAX_FILE_MB")
    assert PipelineSettings.from_env().raw_dir == "raw"
    assert PipelineSettings.from_env().db_path == "report.duckdb"
    assert PipelineSettings.from_env().max_file_mb == 20
