"""Report years as Dagster partitions, for re-parsing one year (or a backfill of several) from the UI.

The assets themselves are not partitioned: a run builds and atomically publishes one database file, so
every run materialises the whole graph, and the nightly job has no year to give (a new file's year is
known only once it is parsed). What a year partition selects is the work: the `reparse_year` job's run for
partition 2023 is an incremental build that parses the 2023 reports again (`reparse_years=[2023]`) and
keeps every other report as it is, so its cost is that year's, not the corpus's. A backfill over several
years queues one such run per year (dagster.yaml runs them one at a time).

The partition keys are the years the published database holds: published_database adds each new one, and
report_years_sensor adds those of a database built outside the instance (`make run`), so the UI lists the
years there are to re-parse.
"""

from pathlib import Path

import dagster as dg
import duckdb

REPORT_YEARS = dg.DynamicPartitionsDefinition(name="report_years")


def settings_for_year(partition_key: str) -> dict:
    """The run config of one year's partition: the settings resource with that year to re-parse."""
    try:
        year = int(partition_key)
    except ValueError as exc:
        raise dg.Failure(description=f"partition {partition_key!r} is not a report year") from exc
    return {"resources": {"settings": {"config": {"reparse_years": [year]}}}}


reparse_year_config = dg.PartitionedConfig(
    partitions_def=REPORT_YEARS, run_config_for_partition_key_fn=settings_for_year
)


def new_year_keys(instance: dg.DagsterInstance, years: list[int]) -> list[str]:
    """The partition keys of the years that are not yet partitions of REPORT_YEARS, in year order."""
    assert REPORT_YEARS.name is not None
    known = set(instance.get_dynamic_partitions(REPORT_YEARS.name))
    return [str(y) for y in sorted(set(years)) if str(y) not in known]


def register_years(instance: dg.DagsterInstance, years: list[int]) -> list[str]:
    """Add the years not yet partitions of REPORT_YEARS; returns the keys added."""
    new = new_year_keys(instance, years)
    if new:
        assert REPORT_YEARS.name is not None
        instance.add_dynamic_partitions(REPORT_YEARS.name, new)
    return new


def published_years(db_path: Path) -> list[int]:
    """The report years of the published database at db_path ([] when there is none yet)."""
    if not db_path.is_file():
        return []
    # read-only: a build never writes the published file in place, so this never waits on one
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT DISTINCT year FROM reports WHERE year IS NOT NULL ORDER BY 1").fetchall()
    return [year for (year,) in rows]
