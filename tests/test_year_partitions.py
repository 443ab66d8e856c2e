"""The reparse_year job: report years as partitions, each run re-parsing one year of a real build."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.cli import ingest
from pipeline.defs.assets import ASSETS
from pipeline.defs.checks import CHECKS
from pipeline.defs.jobs import JOBS
from pipeline.defs.partitions import REPORT_YEARS, register_years, settings_for_year
from pipeline.defs.resources import PipelineSettings, build_resources
from pipeline.defs.sensors import report_years_sensor

REPO_DIR = Path(__file__).resolve().parents[1]
REAL_EXCERPTS = REPO_DIR / "tests" / "fixtures" / "real"


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """The five 2023 sample reports and real excerpts of other years (so a year's run has others to keep)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in sorted((REPO_DIR / "raw").glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    for excerpt in sorted(REAL_EXCERPTS.glob("*.txt")):
        shutil.copy(excerpt, folder / f"real_{excerpt.name}")
    return folder


def definitions(raw_dir: Path, db: Path, tmp_path: Path) -> dg.Definitions:
    resources = build_resources(PipelineSettings(raw_dir=str(raw_dir), db_path=str(db), workers=1))
    resources["io_manager"] = dg.FilesystemIOManager(base_dir=str(tmp_path / "storage"))
    return dg.Definitions(assets=ASSETS, asset_checks=CHECKS, jobs=JOBS, resources=resources)


def ingested(db: Path) -> dict[str, tuple[int, object]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT report_id, year, ingested_at FROM reports").fetchall()
    return {rid: (year, at) for rid, year, at in rows}


def test_the_partition_key_is_the_year_to_reparse():
    assert settings_for_year("2021") == {"resources": {"settings": {"config": {"reparse_years": [2021]}}}}
    with pytest.raises(dg.Failure, match="not a report year"):
        settings_for_year("latest")


def test_register_years_adds_only_new_years():
    with dg.DagsterInstance.ephemeral() as instance:
        assert register_years(instance, [2023, 2021, 2023]) == ["2021", "2023"]
        assert register_years(instance, [2022, 2023]) == ["2022"]
        assert instance.get_dynamic_partitions(REPORT_YEARS.name) == ["2021", "2023", "2022"]


def test_reparse_year_job_reparses_only_its_year(raw_dir, tmp_path):
    db = tmp_path / "report.duckdb"
    defs = definitions(raw_dir, db, tmp_path)
    with dg.DagsterInstance.ephemeral() as instance:
        first = defs.resolve_job_def("ingest").execute_in_process(instance=instance, raise_on_error=False)
        assert first.success
        before = ingested(db)
        years = sorted({year for year, _ in before.values() if year is not None})
        assert 2023 in years and len(years) > 1
        # the published years became the job's partitions
        assert sorted(instance.get_dynamic_partitions(REPORT_YEARS.name)) == [str(y) for y in years]
        job = defs.resolve_job_def("reparse_year")
        assert job.partitions_def == REPORT_YEARS
        assert job.executor_def.name == "in_process"  # one resource, one staging build per run

        result = job.execute_in_process(instance=instance, partition_key="2023", raise_on_error=False)
        assert result.success
        assert result.dagster_run.tags["dagster/partition"] == "2023"
        parsed = result.asset_materializations_for_node("parsed_reports")[-1].metadata
        assert parsed["reparse_years"].value == [2023]
        n_2023 = sum(1 for year, _ in before.values() if year == 2023)
        assert parsed["reports_parsed"].value == n_2023
        assert parsed["reports_kept"].value == len(before) - n_2023
    after = ingested(db)
    assert after.keys() == before.keys()
    for rid, (year, at) in after.items():
        # a 2023 report was parsed again (a new ingested_at), every other one kept as it was
        assert (at != before[rid][1]) == (year == 2023), (rid, year)


def test_run_config_for_settings_changes_only_the_fields_it_names(raw_dir, tmp_path):
    """As the launchpad would send it: full_rebuild alone keeps the raw folder and reaches the build."""
    db = tmp_path / "report.duckdb"
    defs = definitions(raw_dir, db, tmp_path)
    job = defs.resolve_job_def("ingest")
    with dg.DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(instance=instance).success
        result = job.execute_in_process(
            instance=instance, run_config={"resources": {"settings": {"config": {"full_rebuild": True}}}}
        )
    assert result.success
    manifest = result.asset_materializations_for_node("raw_manifest")[-1].metadata
    assert manifest["raw_dir"].value == str(raw_dir)
    parsed = result.asset_materializations_for_node("parsed_reports")[-1].metadata
    assert parsed["build"].value == "full"  # report_db saw full_rebuild too, not only the settings resource
    assert parsed["full_build_reason"].value == "a full build was asked for"
    assert parsed["reports_parsed"].value == len(ingested(db))


def test_report_years_sensor_lists_the_years_of_a_database_built_elsewhere(raw_dir, tmp_path):
    db = tmp_path / "report.duckdb"
    settings = PipelineSettings(raw_dir=str(raw_dir), db_path=str(db))
    with dg.DagsterInstance.ephemeral() as instance:

        def tick():
            context = dg.build_sensor_context(instance=instance, resources={"settings": settings})
            return report_years_sensor(context)

        assert isinstance(tick(), dg.SkipReason)  # no database yet
        assert ingest(raw_dir, db, workers=1) == 0  # the CLI: its own ephemeral instance, not this one
        years = sorted({year for year, _ in ingested(db).values() if year is not None})
        result = tick()
        assert isinstance(result, dg.SensorResult)
        (request,) = result.dynamic_partitions_requests
        assert request.partitions_def_name == REPORT_YEARS.name
        assert list(request.partition_keys) == [str(y) for y in years]
        instance.add_dynamic_partitions(REPORT_YEARS.name, ["2023"])
        (request,) = tick().dynamic_partitions_requests
        assert "2023" not in request.partition_keys and len(request.partition_keys) == len(years) - 1
