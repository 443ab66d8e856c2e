"""Check that an incremental build gives the database a full build gives, on a generated corpus.

    python bench/equivalence.py --count 20000 [--seed 77] [--keep DIR]

Generates `count` reports, builds the database, then changes the folder as a night might (new reports, files
removed, renamed and edited), builds again incrementally, builds the same folder from scratch (--full), and
compares every stored table of the two databases row by row (all columns but the build times). Prints one
line per table and exits 1 on any difference. Slow (three pipeline runs); not part of the test suite, whose
tests/test_incremental.py checks the same on the sample reports.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import generate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# table -> the columns compared (ingested_at and the ledger's seen times record when, not what)
TABLES = {
    "reports": "* EXCLUDE (ingested_at)",
    "facts": "*",
    "parse_issues": "*",
    "narrative_claims": "*",
    "text_signatures": "*",
    "text_near_duplicates": "*",
    "anomalies": "*",
    "rollup_county": "*",
    "rollup_city": "*",
    "rollup_province": "*",
    "divisions": "*",
}
PRESENT_FILES = "SELECT * EXCLUDE (first_seen, last_seen) FROM {db}.files WHERE status <> 'removed'"


def ingest(raw: Path, db: Path, *extra: str) -> str:
    cmd = [
        sys.executable,
        "-m",
        "pipeline",
        "ingest",
        "--raw",
        str(raw),
        "--db",
        str(db),
        "--no-progress",
        *extra,
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"the pipeline failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    first = proc.stdout.splitlines()[0] if proc.stdout else ""
    return f"{first} ({time.perf_counter() - started:.1f} s)"


def change_folder(raw: Path, extra: Path, seed: int) -> dict[str, int]:
    """Add the reports of `extra` (those raw lacks), then remove, rename and edit some files."""
    have = {p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()}
    added = 0
    for p in sorted(extra.rglob("*")):
        rel = p.relative_to(extra).as_posix()
        if p.is_file() and not p.name.startswith("ground_truth") and rel not in have:
            (raw / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(p, raw / rel)
            added += 1
    rng = random.Random(seed)
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    removed = rng.sample(files, max(1, len(files) // 300))
    for p in removed:
        p.unlink()
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    renamed = rng.sample(files, max(1, len(files) // 500))
    for p in renamed:
        p.rename(p.with_name("moved_" + p.name))
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    edited = rng.sample(files, max(1, len(files) // 700))
    for p in edited:
        p.write_bytes(p.read_bytes().replace(b"2", b"3", 1))
    return {"added": added, "removed": len(removed), "renamed": len(renamed), "edited": len(edited)}


def differences(incremental: Path, full: Path) -> dict[str, tuple[int, int, int]]:
    """{table: (rows in the full build, rows only in the incremental one, rows only in the full one)}."""
    out = {}
    with duckdb.connect(str(incremental), read_only=True) as con:
        con.execute(f"ATTACH '{full}' AS f (READ_ONLY)")
        queries = {t: (f"SELECT {c} FROM main.{t}", f"SELECT {c} FROM f.{t}") for t, c in TABLES.items()}
        queries["files"] = (PRESENT_FILES.format(db="main"), PRESENT_FILES.format(db="f"))
        for table, (mine, theirs) in queries.items():
            only_mine = con.execute(f"SELECT count(*) FROM ({mine} EXCEPT ALL {theirs})").fetchall()[0][0]
            only_theirs = con.execute(f"SELECT count(*) FROM ({theirs} EXCEPT ALL {mine})").fetchall()[0][0]
            rows = con.execute(f"SELECT count(*) FROM ({theirs})").fetchall()[0][0]
            out[table] = (rows, only_mine, only_theirs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="equivalence-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        raw, extra = work / "raw", work / "extra"
        generate(raw, args.count, args.seed)
        # 1.5% new reports: the ones a larger corpus of the same seed would hold next
        generate(extra, max(1, args.count * 3 // 200), args.seed, start=args.count)
        for truth in raw.glob("ground_truth*"):
            truth.unlink()
        print("first build:      ", ingest(raw, work / "incremental.duckdb"))
        print("changes:          ", change_folder(raw, extra, args.seed))
        print("incremental build:", ingest(raw, work / "incremental.duckdb"))
        print("full build:       ", ingest(raw, work / "full.duckdb", "--full"))
        found = differences(work / "incremental.duckdb", work / "full.duckdb")
        for table, (rows, mine, theirs) in found.items():
            print(f"  {table:22} {rows:>10,} rows  {mine:>6,} only incremental  {theirs:>6,} only full")
        total = sum(m + t for _, m, t in found.values())
        print("equal" if total == 0 else f"{total:,} rows differ")
        return 0 if total == 0 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
