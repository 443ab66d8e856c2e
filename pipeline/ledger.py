"""The file ledger's rows: every file ever seen in the raw folder and what became of it. No Dagster, no database.

One row per file_name (the path relative to the raw folder). Its status is one of STATUSES:
  parsed, parsed_with_issues, not_a_report, failed  the parser's verdict on the file's report (failed: the
                                                    parser crashed or broke its contract; see parse_issues)
  empty, too_large, unreadable                      rejected before parsing (pipeline.intake); no report
  duplicate                                         same bytes as a file earlier in name order, whose report
                                                    stands for both
  superseded                                        its report is an older version of another one (same unit
                                                    and year): set in the database by sql/files, see there
  removed                                           seen by an earlier build, not in the raw folder now
Every status counts each file once, so the counts by status add up to the files seen.

The ledger is rewritten by each build, so its memory (first_seen, and the removed files) comes from the
previously published database: `history`, read by pipeline.store.files.read_file_history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.gc_pause import collector_paused
from pipeline.intake import EMPTY, TOO_LARGE, UNREADABLE, Verdict
from pipeline.manifest import RawFile
from pipeline.outcome import Outcome, outcome_of
from pipeline.parsing.model import FAILED, NOT_A_REPORT, PARSED, PARSED_WITH_ISSUES, ParsedReport

DUPLICATE = "duplicate"
SUPERSEDED = "superseded"
REMOVED = "removed"
STATUSES = (
    PARSED,
    PARSED_WITH_ISSUES,
    NOT_A_REPORT,
    FAILED,
    UNREADABLE,
    EMPTY,
    TOO_LARGE,
    DUPLICATE,
    SUPERSEDED,
    REMOVED,
)

Entry = tuple[RawFile, ParsedReport]
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class FileRecord:
    file_name: str
    sha256: str | None  # None when the file could not be read at all
    size_bytes: int | None
    modified_at: datetime | None  # the file's modification time (UTC, naive)
    status: str
    detail: str
    report_id: str | None  # the reports row this file's content is loaded as; None when there is none
    first_seen: datetime  # the build that first saw this file_name (UTC, naive)
    last_seen: datetime  # the last build that saw it


class FileHistory(Mapping[str, FileRecord]):
    """The previous ledger, by file_name, kept as the Arrow table it was read as (columns named as
    FileRecord's fields): the build hands the table to SQL whole (pipeline/store/files.py write_ledger) and
    makes a FileRecord of a row only when one is asked for."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self._records: dict[str, FileRecord] | None = None

    def _by_name(self) -> dict[str, FileRecord]:
        if self._records is None:
            self._records = {r["file_name"]: FileRecord(**r) for r in self.table.to_pylist()}
        return self._records

    def __getitem__(self, name: str) -> FileRecord:
        return self._by_name()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name())

    def __len__(self) -> int:
        return self.table.num_rows

    def known_hashes(self) -> dict[str, tuple[int, int, str]]:
        """known_hashes(self), column by column."""
        t = self.table
        sha = t["sha256"]
        keep = pc.and_(
            pc.and_(pc.is_valid(sha), pc.not_equal(sha, "")),
            pc.and_(
                pc.and_(pc.is_valid(t["size_bytes"]), pc.is_valid(t["modified_at"])),
                pc.not_equal(t["status"], REMOVED),
            ),
        )
        t = t.filter(pc.fill_null(keep, False))
        # a naive TIMESTAMP's int64 is its microseconds since the epoch, as (modified_at - _EPOCH) gives
        micros = t["modified_at"].cast(pa.int64())
        with collector_paused():  # a tuple per file, no cycles
            return dict(
                zip(
                    t["file_name"].to_pylist(),
                    zip(
                        t["size_bytes"].to_pylist(), micros.to_pylist(), t["sha256"].to_pylist(), strict=True
                    ),
                    strict=True,
                )
            )


def ledger_records(
    verdicts: Iterable[Verdict],
    outcomes: Mapping[str, Outcome],
    history: Mapping[str, FileRecord],
    seen_at: datetime,
) -> list[FileRecord]:
    """The ledger after this build, sorted by file_name: the files of this scan, then the files of
    `history` that are gone (status removed, with their first_seen and last_seen kept).

    verdicts: screening of every path of the scan, in file_name order (the first accepted file of each
    content is its report's file, the others are duplicates); outcomes: the parser's verdict on each
    accepted content, by report_id (parsed in this build or carried over from the previous one).
    """
    now = as_utc_naive(seen_at)
    first_of_content: dict[str, str] = {}  # sha256 -> file_name of the file whose report stands for it
    for v in verdicts:
        if v.accepted and v.file is not None:
            first_of_content.setdefault(v.file.sha256, v.file_name)

    records: list[FileRecord] = []
    for v in verdicts:
        raw = v.file
        earlier = history.get(v.file_name)
        status, detail, report_id = v.status or "", v.detail, None
        if v.accepted:
            assert raw is not None
            report_id = raw.report_id
            outcome = outcomes.get(report_id)
            if outcome is None:
                raise ValueError(f"{v.file_name} was accepted for parsing but has no parse result")
            first = first_of_content[raw.sha256]
            if first != v.file_name:
                status, detail = DUPLICATE, f"Same content (sha256 {raw.sha256[:16]}…) as {first}."
            else:
                status, detail = outcome.parse_status, outcome.detail
        records.append(
            FileRecord(
                file_name=v.file_name,
                sha256=raw.sha256 if raw else None,
                size_bytes=raw.size_bytes if raw else None,
                modified_at=_modified_at(raw),
                status=status,
                detail=detail,
                report_id=report_id,
                first_seen=earlier.first_seen if earlier else now,
                last_seen=now,
            )
        )

    present = {r.file_name for r in records}
    for name in sorted(set(history) - present):
        records.append(removed_record(history[name], first_of_content))
    records.sort(key=lambda r: r.file_name)
    return records


def removed_record(earlier: FileRecord, first_of_content: Mapping[str, str]) -> FileRecord:
    """A file of the previous ledger that is not in the raw folder now (stable from build to build)."""
    detail = (
        f"No longer in the raw folder; last seen by the build of {earlier.last_seen:%Y-%m-%d %H:%M:%S} UTC."
    )
    moved_to = first_of_content.get(earlier.sha256 or "")
    report_id = None
    if moved_to is not None:
        detail += f" The same content is now loaded from {moved_to}."
        report_id = earlier.sha256[:16] if earlier.sha256 else None
    return replace(earlier, status=REMOVED, detail=detail, report_id=report_id)


def known_hashes(history: Mapping[str, FileRecord]) -> dict[str, tuple[int, int, str]]:
    """file_name -> (size, modification time in microseconds, sha256) of the files a ledger saw, for
    pipeline.manifest.scan_raw to skip hashing unchanged files."""
    if isinstance(history, FileHistory):
        return history.known_hashes()
    out = {}
    for name, r in history.items():
        if r.sha256 and r.size_bytes is not None and r.modified_at is not None and r.status != REMOVED:
            out[name] = (r.size_bytes, (r.modified_at - _EPOCH) // timedelta(microseconds=1), r.sha256)
    return out


def status_counts(records: Iterable[FileRecord]) -> dict[str, int]:
    """{status: files}, in the order of STATUSES, statuses with no file left out."""
    counts = dict.fromkeys(STATUSES, 0)
    for r in records:
        counts[r.status] += 1
    return {s: n for s, n in counts.items() if n}


def as_utc_naive(moment: datetime) -> datetime:
    # TIMESTAMP has no zone: store UTC. A naive datetime is taken to be UTC already.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _modified_at(raw: RawFile | None) -> datetime | None:
    if raw is None or raw.modified_ns is None:
        return None
    return _EPOCH + timedelta(microseconds=raw.modified_ns // 1000)


# Verdicts for files that reached the parser without screening (build_database's callers).
def accepted_verdicts(entries: Iterable[Entry]) -> list[Verdict]:
    return [Verdict(raw.file_name, raw, None) for raw, _ in entries]


def outcomes_of(entries: Iterable[Entry]) -> dict[str, Outcome]:
    """The Outcome of each report_id, from the first entry of each content."""
    out: dict[str, Outcome] = {}
    for raw, report in entries:
        if raw.report_id not in out:
            out[raw.report_id] = outcome_of(report)
    return out


__all__ = [
    "DUPLICATE",
    "REMOVED",
    "STATUSES",
    "SUPERSEDED",
    "FileHistory",
    "FileRecord",
    "accepted_verdicts",
    "known_hashes",
    "as_utc_naive",
    "ledger_records",
    "outcomes_of",
    "status_counts",
]
