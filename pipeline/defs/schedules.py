"""Nightly rebuild. Stopped until someone switches it on in the UI (Automation tab)."""

import dagster as dg

from pipeline.defs.jobs import ingest_job

nightly_ingest = dg.ScheduleDefinition(
    name="nightly_ingest",
    job=ingest_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Rebuild the database every night at 02:00 China Standard Time.",
)

SCHEDULES = [nightly_ingest]
