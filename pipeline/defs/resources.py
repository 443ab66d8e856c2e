"""Resources: where the raw files and the database live, and the run's staging build of the database.

Serialising writers (why the lock lives in a resource):
A run writes the database in several assets (reports_table, facts_table, parse_issues_table, analyst_views)
into one staging file `<db>.building`, and published_database renames it onto `<db>`. Another build of the
same target (a second Dagster run, or `python -m pipeline ingest` from a shell, which does not go through
the instance's run queue) must not touch that staging file in between. So `ReportDatabase` takes the store's
`writer_lock(<db>)` when the run first writes to staging, and releases it in `teardown_after_execution`,
which Dagster calls once at the end of the run, also when a step failed. This holds because every run uses
the in-process executor (set on the job and as the Definitions default): all steps of a run share one
process and one initialised resource. With the multiprocess executor each step would get its own resource
and its own staging build, so don't switch executors. On top of that, dagster.yaml limits the instance to
one run at a time, so runs launched from the UI, the schedule or the sensor queue instead of waiting on
the lock.

The file ledger remembers what earlier builds saw (first_seen, removed files): right after taking the lock,
and before beginning the staging file, the resource reads the ledger of the published database (see
pipeline/store/files.py). Holding the lock, no other build can publish in between.

One connection to the staging file is held for the whole run (opened on first use, closed before publish
and at teardown); each asset and check gets a cursor of it. Opening the file costs a catalog read and
closing it a checkpoint: some 40 opens a run were about 1.7 s of a 1,000-file incremental run.

A staging build belongs to the run that began it: published_database refuses to publish unless this same
run wrote all three tables and the views (a partial selection or a re-execution from failure would
otherwise publish an incomplete database), and a build that was not published is discarded at teardown.
"""

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field, PrivateAttr

from pipeline.intake import DEFAULT_MAX_MB, max_bytes_for
from pipeline.ledger import FileRecord
from pipeline.store import (
    BuildLockTimeout,
    HistoryUnreadable,
    begin_build,
    discard_build,
    publish,
    read_file_history,
    writer_lock,
)
from pipeline.store.incremental import Base, build_config, fingerprint, start_build, write_build_info
from pipeline.store.publish import shards_path
from pipeline.units.batch import OVERRIDES_FILE

# What published_database needs this run to have written into staging before it publishes.
BUILD_PARTS = (
    "reports",
    "facts",
    "parse_issues",
    "narrative_claims",
    "text_signatures",
    "files",
    "views",
    "divisions",
    "rollups",
    "anomalies",
)
DEFAULT_LOCK_TIMEOUT = 3600.0


class PipelineSettings(dg.ConfigurableResource):
    """Paths of the pipeline. Relative paths are relative to the working directory of the run."""

    raw_dir: str = Field(default="raw", description="Folder of raw report files (env RAW_DIR).")
    db_path: str = Field(
        default="report.duckdb", description="The published DuckDB database file (env REPORT_DB)."
    )
    max_file_mb: float = Field(
        default=DEFAULT_MAX_MB,
        gt=0,
        description="Files larger than this (in MB of 2**20 bytes) are not read: status too_large "
        "(env MAX_FILE_MB).",
    )

    workers: int = Field(
        default=0, ge=0, description="Processes that parse files; 0 = one per core (env PARSE_WORKERS)."
    )
    progress: bool = Field(default=False, description="Show a progress bar on stderr while parsing.")
    full_rebuild: bool = Field(
        default=False,
        description="Parse every file again instead of going on from the published database (env FULL_REBUILD=1).",
    )

    reparse_years: list[int] = Field(
        default_factory=list,
        description="Report years whose reports are parsed again even if unchanged (e.g. after fixing how "
        "one edition is read); the other reports are kept as in an incremental build.",
    )

    @classmethod
    def from_env(cls) -> "PipelineSettings":
        return cls(
            raw_dir=os.environ.get("RAW_DIR") or "raw",
            db_path=os.environ.get("REPORT_DB") or "report.duckdb",
            max_file_mb=float(os.environ.get("MAX_FILE_MB") or DEFAULT_MAX_MB),
            workers=int(os.environ.get("PARSE_WORKERS") or 0),
            full_rebuild=os.environ.get("FULL_REBUILD", "") not in ("", "0", "false"),
        )

    @property
    def max_file_bytes(self) -> int:
        return max_bytes_for(self.max_file_mb)

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).expanduser().absolute()

    @property
    def target(self) -> Path:
        return Path(self.db_path).expanduser().absolute()


class ReportDatabase(dg.ConfigurableResource):
    """The run's staging build of the database and read access for the asset checks.

    See the module docstring for the locking design.
    """

    settings: PipelineSettings
    lock_timeout_seconds: float = Field(
        default=DEFAULT_LOCK_TIMEOUT,
        description="How long a run waits for another build of the same database to finish before failing.",
    )

    _stack: ExitStack | None = PrivateAttr(default=None)
    _staging: Path | None = PrivateAttr(default=None)
    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _ingested_at: datetime | None = PrivateAttr(default=None)
    _history: dict[str, FileRecord] | None = PrivateAttr(default=None)
    _written: set[str] = PrivateAttr(default_factory=set)
    _base: Base | None = PrivateAttr(default=None)
    _print: str | None = PrivateAttr(default=None)
    _published: bool = PrivateAttr(default=False)

    @property
    def target(self) -> Path:
        return self.settings.target

    @property
    def ingested_at(self) -> datetime:
        """When this run began its build: the same ingested_at for every row of one build."""
        self._ensure_build()
        assert self._ingested_at is not None
        return self._ingested_at

    def _ensure_build(self) -> Path:
        if self._published:
            raise RuntimeError("this run already published its build; nothing more can be written to it")
        if self._staging is None:
            if self._stack is None:
                # Once per run: a second flock from this process would wait for our own lock.
                stack = ExitStack()
                try:
                    stack.enter_context(
                        writer_lock(self.target, timeout=self.lock_timeout_seconds, on_wait=_log_wait)
                    )
                except BuildLockTimeout as exc:
                    stack.close()
                    raise dg.Failure(description=str(exc)) from exc
                self._stack = stack
            if self._history is None:
                try:
                    self._history = read_file_history(self.target)
                except HistoryUnreadable as exc:
                    raise dg.Failure(description=str(exc)) from exc
            staging = begin_build(self.target)
            try:
                self._base = start_build(
                    self.target, staging, self._fingerprint(), self.settings.full_rebuild
                )
            except BaseException:
                discard_build(staging)
                raise
            self._staging = staging
            self._ingested_at = datetime.now(UTC)
        return self._staging

    def _fingerprint(self) -> str:
        if self._print is None:
            self._print = fingerprint(self.settings.raw_path / OVERRIDES_FILE)
        return self._print

    def base(self) -> Base:
        """What this build starts from: the published database's reports when it can go on from them."""
        self._ensure_build()
        assert self._base is not None
        return self._base

    @property
    def shard_dir(self) -> Path:
        """Where this run's parse workers write their Parquet shards (removed with the staging build)."""
        return shards_path(self._ensure_build())

    def file_history(self) -> dict[str, FileRecord]:
        """The files ledger of the database this build replaces, by file_name (read under the lock)."""
        self._ensure_build()
        assert self._history is not None
        return self._history

    def _connection(self) -> duckdb.DuckDBPyConnection:
        staging = self._ensure_build()
        if self._con is None:
            self._con = duckdb.connect(str(staging), config=build_config())
        return self._con

    def _close_connection(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @contextmanager
    def staging_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write cursor on this run's staging file (begun, locked and given the schema on first use)."""
        cursor = self._connection().cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def mark_written(self, part: str) -> None:
        self._written.add(part)

    @contextmanager
    def read_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """For reading: this run's staging build while it is in progress (a cursor of the run's connection,
        so callers must only read), else the published database (opened read-only).

        So a check that runs in the same run as its asset sees what that run wrote, and a check run on its
        own later sees what analysts see.
        """
        if self._staging is not None and not self._published:
            # a cursor of the run's own connection: DuckDB opens a file once per process and configuration
            with self.staging_connection() as cursor:
                yield cursor
            return
        path = self.target
        if not path.is_file():
            raise FileNotFoundError(f"no database at {path}: run the ingest job first")
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()

    def publish(self) -> Path:
        """Checkpoint the staging file and atomically replace the published database with it."""
        missing = [p for p in BUILD_PARTS if p not in self._written]
        if self._staging is None or missing:
            raise dg.Failure(
                description=(
                    "published_database must run in the same run as reports_table, facts_table, "
                    "parse_issues_table, files_table and the views; this run did not build: "
                    + ", ".join(missing or BUILD_PARTS)
                    + ". Materialize the whole ingest job."
                )
            )
        try:
            with self.staging_connection() as con:
                write_build_info(con, self._fingerprint(), self.ingested_at, not self.base().incremental)
                con.execute("CHECKPOINT")
        finally:
            self._close_connection()
        publish(self._staging, self.target)
        discard_build(self._staging)  # what is left of it: the parse shards
        self._published = True
        return self.target

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        try:
            self._close_connection()
            if self._staging is not None and not self._published:
                # A build this run began but did not publish (a step failed, or a partial selection):
                # never leave it for someone to mistake for data.
                discard_build(self._staging)
        finally:
            if self._stack is not None:
                self._stack.close()  # releases the writer lock
                self._stack = None


def _log_wait(message: str) -> None:
    # a warning, so that `python -m pipeline ingest` shows why it is not moving
    dg.get_dagster_logger().warning(message)


def build_resources(
    settings: PipelineSettings, lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT
) -> dict[str, dg.ConfigurableResource]:
    """The resources of the pipeline for one set of paths (used by Definitions and the CLI alike).

    `settings` becomes a resource configured at launch with these values as its config: run config (the
    launchpad's, a year partition's) then changes only the fields it names, and report_db's settings are
    that same configured resource. Passed as a plain instance instead, run config for `settings` would
    reset every field it does not name to its default (raw_dir back to "raw") and report_db would keep the
    unconfigured values: two different settings in one run.
    """
    launchable = PipelineSettings.configure_at_launch(**settings_values(settings))
    return {
        "settings": launchable,
        "report_db": ReportDatabase(settings=launchable, lock_timeout_seconds=lock_timeout_seconds),
    }


def settings_values(settings: PipelineSettings) -> dict[str, object]:
    """The config fields of `settings`, as values a resource can be configured with."""
    return {name: getattr(settings, name) for name in PipelineSettings.model_fields}


__all__ = ["BUILD_PARTS", "PipelineSettings", "ReportDatabase", "build_resources", "settings_values"]
