"""Which files a build parses, and what it hands on to the table loaders. Plain Python, no Dagster.

A build starts from a Base (pipeline/store/incremental.py): the reports of the published database it copied,
or none for a full build. Of the accepted files, the first file of each content (in file_name order) stands
for its report; a report already in the base is kept as it is, the others are parsed. Base reports whose
content is no longer in the raw folder are dropped; a kept report whose file was renamed or moved gets its
new file_name.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.manifest import RawFile
from pipeline.outcome import Outcome
from pipeline.parse_files import ParsedSummary
from pipeline.store.incremental import Base


@dataclass(frozen=True)
class ParsePlan:
    to_parse: list[RawFile]  # the first file of each content not in the base, in file_name order
    kept: dict[str, str]  # report_id -> file_name: base reports still in the raw folder
    dropped: list[str]  # base report_ids not kept: content gone (files removed or changed), or re-parsed
    renamed: dict[str, str]  # kept report_id -> its new file_name, when it moved
    duplicates: list[tuple[RawFile, RawFile]]  # (duplicate file, the file its report is loaded from)


def plan_parse(accepted: Sequence[RawFile], base: Base, reparse_years: Collection[int] = ()) -> ParsePlan:
    """What to parse and what to keep; base reports of `reparse_years` are parsed again (and their old
    rows dropped) like new ones."""
    reusable = {rid: r for rid, r in base.reports.items() if r.year not in set(reparse_years)}
    first: dict[str, RawFile] = {}
    duplicates: list[tuple[RawFile, RawFile]] = []
    for f in sorted(accepted, key=lambda f: f.file_name):
        if f.report_id in first:
            duplicates.append((f, first[f.report_id]))
        else:
            first[f.report_id] = f
    kept = {rid: f.file_name for rid, f in first.items() if rid in reusable}
    return ParsePlan(
        to_parse=[f for rid, f in first.items() if rid not in reusable],
        kept=kept,
        dropped=sorted(set(base.reports) - set(kept)),
        renamed={rid: name for rid, name in kept.items() if reusable[rid].file_name != name},
        duplicates=duplicates,
    )


@dataclass
class ParseRun:
    """The parsed_reports asset's output: where the new rows are, and what became of every report."""

    shard_dir: Path
    plan: ParsePlan
    parsed: list[ParsedSummary]  # the reports parsed by this build, in file order
    base: Base = field(default_factory=Base)
    seconds: float = 0.0
    workers: int = 1

    @property
    def dropped(self) -> list[str]:
        return self.plan.dropped

    def outcomes(self) -> dict[str, Outcome]:
        """The parser's verdict on every report of the build, parsed now or kept from the base."""
        out = {rid: self.base.reports[rid].outcome for rid in self.plan.kept}
        out.update((s.report_id, s.outcome) for s in self.parsed)
        return out
