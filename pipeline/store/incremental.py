"""Incremental builds: start the staging database from the published one and parse only what is new.

A report's id is its content hash, so a report whose file is still in the raw folder, unchanged, parsed by
the same code with the same unit overrides, would come out the same again. The build therefore begins with
a copy of the published database (when it was built with the same fingerprint), keeps the rows of the
reports still present, drops those of files removed or changed, and loads the new ones from the parse
workers' shards. Whatever depends on the whole corpus (the ledger, superseded reports, rollups, anomalies)
is recomputed on top, as in a full build.

The fingerprint covers every file whose change could change a stored row: the parser and its data, the unit
resolver and the gazetteer, the row builders, the schema, and the raw folder's overrides file. Any change
means a full build (so do `--full` and a database without a fingerprint).

    base = start_build(target, staging, fingerprint(raw_dir / "units.csv"), full=False)
    replace_rows(con, "facts", keep, shard_glob(shard_dir, "facts"))
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.gc_pause import collector_paused
from pipeline.ledger import as_utc_naive
from pipeline.outcome import Outcome
from pipeline.store.rows import DUPLICATE_FILE
from pipeline.store.schema import create_schema, sql_dir
from pipeline.store.transaction import registered, transaction

_PACKAGE = Path(__file__).resolve().parents[1]
# What a stored row is computed from (relative to pipeline/ or the repository's sql/).
_FINGERPRINTED = (
    "parsing",
    "units",
    "data",
    "outcome.py",
    "similarity.py",
    "parse_files.py",
    "store/rows.py",
    "store/load.py",
)
_TABLES = ("reports", "facts", "parse_issues", "narrative_claims", "text_signatures")


def build_config() -> dict[str, str]:
    """DuckDB settings for a build's connections: a memory limit (DuckDB spills to disk beyond it), so the
    whole build stays within a small machine's memory however large the corpus (env BUILD_MEMORY_LIMIT,
    e.g. '4GB'), and no insertion order to keep for the large INSERT ... SELECTs."""
    return {
        "memory_limit": os.environ.get("BUILD_MEMORY_LIMIT") or "1GB",
        "preserve_insertion_order": "false",
    }


def derived_fingerprint() -> str:
    """sha256 of the SQL that derives tables from the loaded rows (rollups, anomalies, versions, views): when
    it changed, an incremental build recomputes the derived tables for every report."""
    digest = hashlib.sha256()
    _hash_files(digest, [sql_dir() / folder for folder in ("divisions", "anomalies", "files", "views")])
    return digest.hexdigest()


def fingerprint(overrides_file: Path | None) -> str:
    """sha256 over the code and data that decide the stored rows, and the overrides file's content."""
    digest = hashlib.sha256()
    _hash_files(digest, [_PACKAGE / name for name in _FINGERPRINTED] + [sql_dir() / "schema"])
    if overrides_file is not None and overrides_file.is_file():
        digest.update(b"overrides\0" + overrides_file.read_bytes())
    return digest.hexdigest()


def _hash_files(digest: hashlib._Hash, places: list[Path]) -> None:
    """Add each file's name and content to digest: a file, or every file below a folder, in path order."""
    for place in places:
        files = (
            sorted(p for p in place.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if place.is_dir()
            else [place]
        )
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")


@dataclass(frozen=True)
class BaseReport:
    """A report of the database a build starts from."""

    report_id: str
    file_name: str
    year: int | None
    outcome: Outcome
    # where it is: unit_name, division_code, county_code, city_code, province_code (pipeline/store/scope.py)
    place: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Base:
    """What a build starts from: the reports of the published database it copied (empty for a full build)
    and why it is not incremental when it is not."""

    reports: dict[str, BaseReport] = field(default_factory=dict)
    full_reason: str | None = None  # None: incremental
    info: dict[str, str] = field(default_factory=dict)  # the base's build_info

    @property
    def incremental(self) -> bool:
        return self.full_reason is None


def start_build(target: Path, staging: Path, print_: str, full: bool = False) -> Base:
    """Create the staging database: a copy of `target` when it was built with the same fingerprint
    (`print_`), else an empty one; either way with the current schema. Call under the writer lock, after
    begin_build."""
    reason = _why_full(target, staging, print_, full)
    if reason is not None:
        staging.unlink(missing_ok=True)
    con = duckdb.connect(str(staging))
    try:
        create_schema(con)
        reports = {} if reason is not None else _base_reports(con)
        info = {} if reason is not None else dict(con.execute("SELECT key, value FROM build_info").fetchall())
    finally:
        con.close()
    return Base(reports, reason, info)


def _why_full(target: Path, staging: Path, print_: str, full: bool) -> str | None:
    if full:
        return "a full build was asked for"
    if not target.is_file():
        return "there is no published database yet"
    shutil.copyfile(target, staging)
    try:
        with duckdb.connect(str(staging)) as con:
            found = next(
                iter(con.execute("SELECT value FROM build_info WHERE key = 'fingerprint'").fetchall()), None
            )
    except duckdb.Error:
        return "the published database has no build fingerprint"
    if found is None:
        return "the published database has no build fingerprint"
    if found[0] != print_:
        return "the parser, unit resolution, schema or overrides file changed since the last build"
    return None


def _base_reports(con: duckdb.DuckDBPyConnection) -> dict[str, BaseReport]:
    names = ("unit_name", "division_code", "county_code", "city_code", "province_code")
    with collector_paused():  # a BaseReport, an Outcome and a dict per report, no cycles
        # read by column (Arrow to Python objects in C, each place a dict already), not row by row
        table = con.sql(
            "SELECT report_id, file_name, year, parse_status, coalesce(parse_detail, '') AS detail, unit_name, "
            "division_code, county_code, city_code, province_code FROM reports"
        ).to_arrow_table()
        ids, files, years, statuses, details = (table.column(i).to_pylist() for i in range(5))
        places = table.select(list(names)).to_pylist()
        return {
            rid: BaseReport(rid, name, year, Outcome(status, detail), place)
            for rid, name, year, status, detail, place in zip(
                ids, files, years, statuses, details, places, strict=True
            )
        }


def write_build_info(con: duckdb.DuckDBPyConnection, print_: str, built_at: datetime, full: bool) -> None:
    values = {
        "fingerprint": print_,
        "derived_fingerprint": derived_fingerprint(),
        "built_at": f"{as_utc_naive(built_at):%Y-%m-%d %H:%M:%S}",
        "full_rebuild": str(full).lower(),
    }
    with transaction(con):
        con.execute("DELETE FROM build_info")
        con.executemany("INSERT INTO build_info VALUES (?, ?)", list(values.items()))


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    drop: Iterable[str],
    shards: str | None,
    *,
    renamed: Mapping[str, str] | None = None,
    ingested_at: datetime | None = None,
    extra: pa.Table | None = None,
) -> int:
    """In one transaction: delete `table`'s rows of the report_ids in `drop` (reports gone or changed),
    move renamed reports' rows to their new file_name, and insert the rows of the shards (a glob for
    read_parquet; None or no file: nothing) and of `extra`. Returns the rows inserted.

    parse_issues also loses its file-level rows (duplicate_file, rejected files), which the caller passes
    again in `extra` as this build sees them. reports rows get `ingested_at`."""
    if table not in _TABLES:
        raise ValueError(f"not a table filled from shards: {table!r}")
    ids = pa.table({"report_id": pa.array(sorted(set(drop)), pa.string())})
    moves = pa.table(
        {
            "report_id": pa.array(list((renamed or {}).keys()), pa.string()),
            "file_name": pa.array(list((renamed or {}).values()), pa.string()),
        }
    )
    has_shards = shards is not None and any(Path(shards).parent.glob(Path(shards).name))
    inserted = 0
    with transaction(con), registered(con, "_drop", ids), registered(con, "_moves", moves):
        where = "report_id IN (SELECT report_id FROM _drop)"
        if table == "parse_issues":
            where += f" OR report_id IS NULL OR code = '{DUPLICATE_FILE}'"
        elif table == "text_signatures":
            # text_near_duplicates is rewritten whole by the near-duplicate step; only the memo is pruned
            con.execute(
                "DELETE FROM text_pair_checks WHERE report_id IN (SELECT report_id FROM _drop) "
                "OR other_report_id IN (SELECT report_id FROM _drop)"
            )
        con.execute(f"DELETE FROM {table} WHERE {where}")
        if table in ("reports", "parse_issues") and moves.num_rows:
            skip = f" AND {table}.code <> '{DUPLICATE_FILE}'" if table == "parse_issues" else ""
            con.execute(
                f"UPDATE {table} SET file_name = m.file_name FROM _moves AS m "
                f"WHERE {table}.report_id = m.report_id{skip}"
            )
        if has_shards:
            select = f"SELECT * FROM read_parquet('{_quoted(shards)}')"
            if table == "reports":
                select = f"SELECT * REPLACE (CAST(? AS TIMESTAMP) AS ingested_at) FROM read_parquet('{_quoted(shards)}')"
                params = [as_utc_naive(ingested_at) if ingested_at else None]
            else:
                params = []
            inserted += con.execute(f"INSERT INTO {table} BY NAME {select}", params).fetchall()[0][0]
        if extra is not None and extra.num_rows:
            with registered(con, "_extra", extra):
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _extra")
            inserted += extra.num_rows
    return inserted


def _quoted(path: str) -> str:
    return path.replace("'", "''")
