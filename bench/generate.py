"""Generate realistic synthetic 政府信息公开工作年度报告 with their ground truth, for benchmarks and tests.

    python bench/generate.py --out DIR --count N [--seed S] [--years 2019-2025] [--layouts L3,html]

writes N report files under DIR (nested folders by province and year, Chinese names, spaces; .txt, and
.html/.htm/.shtml for web pages), DIR/ground_truth.parquet (one row per cell, see generator/truth.py) and
DIR/ground_truth_meta.csv (one row per report: unit, year, edition, expected division codes, layout,
encoding, the rule broken on purpose if any). Same arguments, same bytes: every report draws from its own
RNG seeded by (seed, index), so report i is the same in a corpus of 200 and of 100,000.

What is drawn (details in bench/generator/):
- layouts: every layout the parser reads (generator/layouts.py: seed one-cell-per-line with tabs, tab
  rows, L1, L2, L2b, L3, L4, L5 PDF text, HTML), in UTF-8, GBK (GB18030 when a place name needs it) or
  UTF-8 with BOM, 2% in traditional characters (OpenCC s2t);
- editions: reports on 2019–2020 use the 2019 tables (t2 with 本年新制作数量…, 政府集中采购; t3 with one
  (六)其他处理 row), 2021 on the 2021 tables;
- values: mostly zeros with long tails; consistent arithmetic except in ~3% of reports (meta column
  `inconsistent`, `inconsistency` names the rule);
- empty cells: blank cells only in layouts that keep an empty cell's place (tab, '|' row, HTML, tab line);
  '/' marks anywhere; in the layouts that drop empty cells, ~2% of reports have empty cells anyway and the
  rows they fall in are recorded as `uncertain` (their place cannot be read from the text);
- units from the packaged gazetteer: townships, counties, departments, cities, with their parents named in
  the text and in the signature, and the division codes the resolver should find.

In-process API: generate(out_dir, count, seed) -> Stats; draw_spec(seed, index) -> ReportSpec;
render_report(spec, layout) -> str; encode_report(spec, text) -> (bytes, encoding).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `pipeline` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generator.document import encode_report, render_report  # noqa: E402
from bench.generator.layouts import LAYOUTS  # noqa: E402
from bench.generator.spec import ReportSpec, draw_spec  # noqa: E402
from bench.generator.truth import META_FILE, TRUTH_FILE, TruthWriter  # noqa: E402
from bench.generator.units import pools  # noqa: E402

__all__ = [
    "LAYOUTS",
    "META_FILE",
    "TRUTH_FILE",
    "ReportSpec",
    "Stats",
    "draw_spec",
    "encode_report",
    "generate",
    "render_report",
]


@dataclass
class Stats:
    count: int = 0
    seconds: float = 0.0
    bytes_written: int = 0
    truth_rows: int = 0
    uncertain_cells: int = 0
    inconsistent: int = 0
    layouts: Counter = field(default_factory=Counter)
    editions: Counter = field(default_factory=Counter)
    encodings: Counter = field(default_factory=Counter)
    traditional: int = 0

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def generate(
    out_dir: Path,
    count: int,
    seed: int = 0,
    years: tuple[int, int] = (2019, 2025),
    layouts: tuple[str, ...] | None = None,
    start: int = 0,
) -> Stats:
    """Write reports start … start+count-1 and their ground truth into out_dir (created if needed)."""
    if layouts:
        unknown = set(layouts) - set(LAYOUTS)
        if unknown:
            raise ValueError(f"unknown layouts {sorted(unknown)}; known: {', '.join(LAYOUTS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    root = str(out_dir) + os.sep
    stats = Stats()
    made_dirs: set[str] = set()
    truth = TruthWriter(out_dir)
    pools()  # load the gazetteer before the clock starts: setup, not generation
    t0 = time.perf_counter()
    try:
        for index in range(start, start + count):
            spec = draw_spec(seed, index, years, layouts)
            data, encoding = encode_report(spec, render_report(spec))
            # plain strings and os calls: pathlib and buffered files cost more than the write itself
            path = root + spec.file_name
            parent = os.path.dirname(path)
            if parent not in made_dirs:
                os.makedirs(parent, exist_ok=True)
                made_dirs.add(parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            states = spec.states()
            truth.add(spec, states, encoding)
            stats.count += 1
            stats.bytes_written += len(data)
            stats.layouts[spec.layout] += 1
            stats.editions[spec.edition] += 1
            stats.encodings[encoding] += 1
            stats.traditional += spec.traditional
            stats.inconsistent += bool(spec.values.inconsistency)
            if states is not spec.values.states:
                stats.uncertain_cells += states.count("uncertain")
    finally:
        truth.close()
    stats.truth_rows = truth.rows
    stats.seconds = time.perf_counter() - t0
    return stats


def _years(text: str) -> tuple[int, int]:
    lo, _, hi = text.partition("-")
    first, last = int(lo), int(hi or lo)
    if not 2019 <= first <= last:
        raise argparse.ArgumentTypeError("years must be like 2019-2025 (the format editions start in 2019)")
    return first, last


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="output folder (created if needed)")
    ap.add_argument("--count", type=int, required=True, help="number of reports")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--years", type=_years, default=(2019, 2025), help="report years, e.g. 2019-2025")
    ap.add_argument("--layouts", default="", help=f"comma-separated subset of {','.join(LAYOUTS)}")
    args = ap.parse_args(argv)
    layouts = tuple(x for x in args.layouts.split(",") if x) or None
    stats = generate(args.out, args.count, args.seed, args.years, layouts)
    print(
        f"{stats.count} reports, {stats.bytes_written / 1e6:.1f} MB, {stats.truth_rows} truth cells "
        f"({stats.uncertain_cells} uncertain), {stats.inconsistent} inconsistent, "
        f"{stats.seconds:.2f} s ({stats.per_second:.0f} reports/s)"
    )
    print("layouts: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.layouts.items())))
    print("editions: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.editions.items())))
    print("encodings: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.encodings.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
