"""The Dagster code location (pyproject [tool.dagster] points here): `dagster dev` loads `defs`."""

import dagster as dg

from pipeline.defs.assets import ASSETS
from pipeline.defs.checks import CHECKS
from pipeline.defs.jobs import JOBS
from pipeline.defs.resources import PipelineSettings, build_resources
from pipeline.defs.schedules import SCHEDULES
from pipeline.defs.sensors import SENSORS

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=JOBS,
    schedules=SCHEDULES,
    sensors=SENSORS,
    # Paths from RAW_DIR / REPORT_DB when set (read when the code location loads), else raw/ and
    # report.duckdb in the working directory.
    resources=build_resources(PipelineSettings.from_env()),
    # Also for ad-hoc materializations from the UI, not just the ingest job: see resources.py.
    executor=dg.in_process_executor,
)
