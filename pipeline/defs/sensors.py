"""Rebuild when the raw folder changes. Stopped until someone switches it on in the UI (Automation tab)."""

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from pipeline.defs.jobs import ingest_job
from pipeline.defs.partitions import REPORT_YEARS, new_year_keys, published_years
from pipeline.defs.resources import PipelineSettings

# scan_raw_folder's walk, without the hashing (private until pipeline.manifest exposes a listing).
from pipeline.manifest import list_raw_files


def raw_folder_listing(raw_dir: Path) -> list[tuple[str, int, int]]:
    """(file_name, size, mtime_ns) of every file scan_raw_folder would pick up, without hashing them.

    Size and mtime are cheap to read on every tick; a change of either means the content may have changed
    (the run then hashes the files, and unchanged content keeps its report_id).
    """
    raw_dir = Path(raw_dir)
    listing = []
    # Same walk, so the same files (skips hidden files, README*, units.csv, links leaving the folder).
    for rel in list_raw_files(raw_dir):
        try:
            st = os.stat(raw_dir.joinpath(*rel.parts))
        except OSError:  # removed between the listing and the stat: the next tick sees it gone
            continue
        listing.append((rel.as_posix(), st.st_size, st.st_mtime_ns))
    return listing


def listing_digest(listing: list[tuple[str, int, int]]) -> str:
    # surrogateescape: a file name that is not valid UTF-8 keeps its bytes (and the digest its meaning)
    text = json.dumps(sorted(listing), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@dg.sensor(
    name="raw_folder_sensor",
    job=ingest_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Requests an ingest run when a file in the raw folder is added, removed, resized or touched. "
        "The cursor is a digest of the (file_name, size, mtime) list; the first tick after switching the "
        "sensor on always requests a run."
    ),
)
def raw_folder_sensor(
    context: dg.SensorEvaluationContext, settings: PipelineSettings
) -> dg.SensorResult | dg.SkipReason:
    raw_dir = settings.raw_path
    if not raw_dir.is_dir():
        return dg.SkipReason(f"raw folder not found: {raw_dir}")
    listing = raw_folder_listing(raw_dir)
    digest = listing_digest(listing)
    if digest == context.cursor:
        return dg.SkipReason(f"no change in {raw_dir} ({len(listing)} files)")
    # No run_key: the cursor already fires once per change, and a run_key would suppress a run when the
    # folder returns to an earlier state.
    return dg.SensorResult(
        run_requests=[dg.RunRequest(tags={"raw_folder_digest": digest[:16]})],
        cursor=digest,
    )


@dg.sensor(
    name="report_years_sensor",
    minimum_interval_seconds=300,
    # it starts no run, only lists years: safe to have on from the start
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Adds the report years of the published database that are not yet partitions of the reparse_year "
        "job, e.g. after a build from the command line (`make run`), which does not go through this "
        "instance. Starts no run."
    ),
)
def report_years_sensor(
    context: dg.SensorEvaluationContext, settings: PipelineSettings
) -> dg.SensorResult | dg.SkipReason:
    try:
        years = published_years(settings.target)
    except Exception as exc:  # a database this pipeline cannot read: say so, and try again next tick
        return dg.SkipReason(f"cannot read the years of {settings.target}: {exc}")
    new = new_year_keys(context.instance, years)
    if not new:
        return dg.SkipReason(f"no new report year in {settings.target} ({len(years)} years)")
    return dg.SensorResult(dynamic_partitions_requests=[REPORT_YEARS.build_add_request(new)])


SENSORS = [raw_folder_sensor, report_years_sensor]
