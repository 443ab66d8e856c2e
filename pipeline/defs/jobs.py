"""The job that builds the whole database."""

import dagster as dg

# In-process: the steps of a run share one process and one ReportDatabase resource, which is what keeps
# the run's staging build and its writer lock together (see resources.py). Parallel steps would gain
# nothing here anyway: DuckDB lets one process at a time write a database file.
ingest_job = dg.define_asset_job(
    name="ingest",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description=(
        "Scan the raw folder, parse every report, build the database beside the published file, run the "
        "checks and publish it atomically."
    ),
)

JOBS = [ingest_job]
