"""Run the real asset graph (real parser, real DuckDB files in tmp_path) and look at what it published."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

import pipeline.defs.assets as assets_module
import pipeline.parse_files as parse_files_module
from pipeline.defs.assets import ASSETS
from pipeline.defs.checks import ANOMALY_RULES, CHECKS
from pipeline.defs.jobs import JOBS
from pipeline.defs.resources import PipelineSettings, ReportDatabase
from pipeline.store import staging_path, wal_path, writer_lock

REPO_DIR = Path(__file__).resolve().parents[1]
SEED_FILES = sorted((REPO_DIR / "raw").glob("*.txt"))
CELLS_PER_SEED = 200


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in SEED_FILES:
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "out" / "report.duckdb"


def run_job(raw_dir: Path, db_path: Path, tmp_path: Path, *, selection=None, lock_timeout: float = 60.0):
    """Execute the `ingest` job as defined, with the paths pointed at tmp_path.

    Step outputs go through the filesystem IO manager (pickles), as under `dagster dev`.
    """
    settings = PipelineSettings(raw_dir=str(raw_dir), db_path=str(db_path))
    resources = {
        "settings": settings,
        "report_db": ReportDatabase(settings=settings, lock_timeout_seconds=lock_timeout),
        "io_manager": dg.FilesystemIOManager(base_dir=str(tmp_path / "dagster" / "storage")),
    }
    if selection is None:
        defs = dg.Definitions(assets=ASSETS, asset_checks=CHECKS, jobs=JOBS, resources=resources)
        job = defs.resolve_job_def("ingest")
        return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    return dg.materialize(
        [*ASSETS, *CHECKS],
        resources=resources,
        selection=selection,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def query(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def failure_messages(result) -> str:
    return "\n".join(
        str(event.step_failure_data.error.to_string()) for event in result.all_events if event.is_step_failure
    )


def assert_no_build_left(db_path: Path) -> None:
    staging = staging_path(db_path)
    assert not staging.exists()
    assert not wal_path(staging).exists()
    with writer_lock(db_path, timeout=0):  # released: a new build could start at once
        pass


def test_full_run_publishes_the_database(raw_dir, db_path, tmp_path):
    assert len(SEED_FILES) == 5

    result = run_job(raw_dir, db_path, tmp_path)

    assert result.success, failure_messages(result)
    assert db_path.is_file()
    assert query(db_path, "SELECT count(*) FROM reports") == [(5,)]
    assert query(db_path, "SELECT count(*) FROM facts") == [(5 * CELLS_PER_SEED,)]
    assert query(db_path, "SELECT DISTINCT parse_status FROM reports") == [("parsed",)]
    assert query(db_path, "SELECT status, count(*), count(report_id) FROM files GROUP BY 1") == [
        ("parsed", 5, 5)
    ]
    assert query(db_path, "SELECT count(*) FROM reports WHERE is_current") == [(5,)]
    assert query(db_path, "SELECT count(*) FROM applications") != [(0,)]  # the views were published too
    assert_no_build_left(db_path)

    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert set(checks) == {
        "facts_use_taxonomy_codes",
        "facts_value_matches_state",
        "every_file_accounted_for",
    } | {f"anomaly_{rule}" for rule in ANOMALY_RULES}
    # The seeds have two known problems: 湘乡市政府办 (004) states a 2022 period in its 2023 report, and
    # 二塘乡 (002) names no county, and three counties have a 二塘乡.
    failing = {name: c for name, c in checks.items() if not c.passed}
    assert set(failing) == {"anomaly_period_mismatch", "anomaly_unit_ambiguous"}
    assert all(c.severity == dg.AssetCheckSeverity.WARN for c in failing.values())
    offending = failing["anomaly_period_mismatch"].metadata["offending_reports"].value
    assert [r["file_name"] for r in offending] == ["004_2f5ce1d8c328b429.txt"]
    offending = failing["anomaly_unit_ambiguous"].metadata["offending_reports"].value
    assert [r["file_name"] for r in offending] == ["002_0d8d98ed0f7285a4.txt"]

    assert query(
        db_path,
        "SELECT file_name, unit_level, division_code, county_code, city_code, division_status FROM reports ORDER BY 1",
    ) == [
        ("000_ba9b6e2ed55afeab.txt", "township", "430381103", "430381", "4303", "resolved"),
        ("001_6be7d08550be250c.txt", "township", "430321107", "430321", "4303", "resolved"),
        ("002_0d8d98ed0f7285a4.txt", "township", None, None, None, "ambiguous"),
        ("003_20b3ae12a058c55f.txt", "township", "411328110", "411328", "4113", "resolved"),
        ("004_2f5ce1d8c328b429.txt", "department", "430381", "430381", "4303", "resolved"),
    ]
    # 湘乡市 (430381): the 政府办's 7 new normative documents, read from the department's own row
    assert query(
        db_path,
        "SELECT unit_level, value, reports FROM rollup_county WHERE county_code = '430381' AND year = 2023 "
        "AND table_code = 't2' AND row_code = '20_1_normative' AND col_code = 'issued' ORDER BY 1",
    ) == [("department", 7, 1), ("township", 0, 1)]

    published = result.asset_materializations_for_node("published_database")[0].metadata
    assert published["path"].value == str(db_path)
    assert published["reports"].value == 5
    assert published["facts"].value == 1000
    assert published["files_by_status"].value == {"parsed": 5}
    assert published["files_seen"].value == 5
    assert result.asset_materializations_for_node("parsed_reports")[0].metadata["cells"].value == 1000
    assert result.asset_materializations_for_node("raw_manifest")[0].metadata["files"].value == 5


def test_rerun_replaces_the_database(raw_dir, db_path, tmp_path):
    assert run_job(raw_dir, db_path, tmp_path).success
    (raw_dir / SEED_FILES[0].name).unlink()

    result = run_job(raw_dir, db_path, tmp_path)

    assert result.success, failure_messages(result)
    assert query(db_path, "SELECT count(*) FROM reports") == [(4,)]
    assert query(db_path, "SELECT count(*) FROM facts") == [(4 * CELLS_PER_SEED,)]
    assert_no_build_left(db_path)


def test_a_parser_crash_on_one_file_does_not_stop_the_run(raw_dir, db_path, tmp_path, monkeypatch):
    real_parse = parse_files_module.parse_report_and_lines
    broken = SEED_FILES[2].name

    def parse_report_and_lines(data, file_name=""):
        if file_name == broken:
            raise RuntimeError("simulated parser bug")
        return real_parse(data, file_name)

    monkeypatch.setattr(parse_files_module, "parse_report_and_lines", parse_report_and_lines)

    result = run_job(raw_dir, db_path, tmp_path)

    assert result.success, failure_messages(result)
    assert query(db_path, "SELECT parse_status, count(*) FROM reports GROUP BY 1 ORDER BY 1") == [
        ("failed", 1),
        ("parsed", 4),
    ]
    assert query(db_path, "SELECT count(*) FROM facts") == [(4 * CELLS_PER_SEED,)]
    [(file_name, severity, code, message)] = query(
        db_path, "SELECT file_name, severity, code, message FROM parse_issues"
    )
    assert (file_name, severity, code) == (broken, "error", "parser_exception")
    assert "simulated parser bug" in message
    [(status, detail)] = query(db_path, "SELECT status, detail FROM files WHERE file_name = ?", [broken])
    assert status == "failed" and "simulated parser bug" in detail
    base = {"facts_use_taxonomy_codes", "facts_value_matches_state", "every_file_accounted_for"}
    assert all(c.passed for c in result.get_asset_check_evaluations() if c.check_name in base)


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda cell: cell._replace(row_code="no_such_row"), id="unknown_row_code"),
        pytest.param(lambda cell: None, id="not_a_cell"),
    ],
)
def test_a_result_breaking_the_contract_becomes_a_failed_report(
    raw_dir, db_path, tmp_path, monkeypatch, breakage
):
    real_parse = parse_files_module.parse_report_and_lines
    broken = SEED_FILES[0].name

    def parse_report_and_lines(data, file_name=""):
        report, *read = real_parse(data, file_name)
        if file_name == broken:
            report.cells[0] = breakage(report.cells[0])
        return (report, *read)

    monkeypatch.setattr(parse_files_module, "parse_report_and_lines", parse_report_and_lines)

    result = run_job(raw_dir, db_path, tmp_path)

    assert result.success, failure_messages(result)
    assert query(db_path, "SELECT parse_status FROM reports WHERE file_name = ?", [broken]) == [("failed",)]
    assert query(db_path, "SELECT code FROM parse_issues") == [("parser_contract_violation",)]


def test_a_failed_build_leaves_the_published_database_and_no_staging(raw_dir, db_path, tmp_path, monkeypatch):
    assert run_job(raw_dir, db_path, tmp_path).success
    before = db_path.stat()

    def create_views(con):
        raise RuntimeError("simulated views failure")

    monkeypatch.setattr(assets_module, "create_views", create_views)
    result = run_job(raw_dir, db_path, tmp_path)

    assert not result.success
    assert "simulated views failure" in failure_messages(result)
    after = db_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert_no_build_left(db_path)


def test_a_failure_to_begin_the_build_fails_every_writer_without_waiting_on_itself(
    raw_dir, db_path, tmp_path, monkeypatch
):
    import pipeline.store.incremental as incremental_module

    def create_schema(con):
        raise RuntimeError("simulated schema failure")

    monkeypatch.setattr(incremental_module, "create_schema", create_schema)
    result = run_job(raw_dir, db_path, tmp_path, lock_timeout=5.0)

    assert not result.success
    messages = failure_messages(result)
    # parsed_reports and divisions_table (the first writers) each tried, and neither waited on the lock
    assert messages.count("simulated schema failure") >= 2
    assert "another build" not in messages
    assert not db_path.exists()
    assert_no_build_left(db_path)


def test_publish_alone_is_refused(raw_dir, db_path, tmp_path):
    assert run_job(raw_dir, db_path, tmp_path).success
    before = db_path.stat()

    result = run_job(raw_dir, db_path, tmp_path, selection=["published_database"])

    assert not result.success
    assert "must run in the same run as reports_table" in failure_messages(result)
    assert db_path.stat().st_ino == before.st_ino
    assert_no_build_left(db_path)


def test_a_build_waits_for_the_writer_lock(raw_dir, db_path, tmp_path):
    with writer_lock(db_path):  # e.g. `python -m pipeline ingest` running in another shell
        result = run_job(raw_dir, db_path, tmp_path, lock_timeout=0.2)

    assert not result.success
    assert "another build" in failure_messages(result)
    assert not db_path.exists()
    assert_no_build_left(db_path)


def test_missing_raw_folder_fails_the_run(tmp_path, db_path):
    result = run_job(tmp_path / "nowhere", db_path, tmp_path)

    assert not result.success
    assert "raw folder not found" in failure_messages(result)
    assert not db_path.exists()
