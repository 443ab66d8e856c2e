"""The jobs that build the whole database: `ingest` (new and changed files) and `reparse_year` (the same, and
one report year parsed again; partitioned by year, see partitions.py)."""

import dagster as dg

from pipeline.defs.partitions import reparse_year_config

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

# The same graph and executor; the partition's run config sets reparse_years to its year.
reparse_year_job = dg.define_asset_job(
    name="reparse_year",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    config=reparse_year_config,
    description=(
        "The ingest job, with the reports of one year (the partition) parsed again even if their files are "
        "unchanged; the other years are kept. Backfill several years to re-parse each in turn."
    ),
)

JOBS = [ingest_job, reparse_year_job]
