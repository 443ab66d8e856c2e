"""Benchmark the real pipeline on a generated corpus and print one table of numbers next to their targets.

    python bench/run.py [--count 20000] [--seed 0] [--keep DIR] [--json FILE] [--workers N]
    make bench N=20000

Steps (details and how to read each number: bench/README.md):
  1. generate --count reports with their ground truth (bench/generate.py) into a work folder;
  2. floor 1: read every raw byte; parse throughput: parse_report in this process, then on every core
     (a fork Pool over the files);
  3. run the pipeline CLI (`python -m pipeline ingest -v`) as a child process: wall time, CPU time, peak
     memory (the largest process's RSS from wait4, and the whole process tree's PSS sampled every 0.1 s, as
     the pipeline parses in worker processes), facts/s, and each Dagster step's time from its -v log; from
     1,000 reports up, also on a baseline corpus of 20 reports, the second point of the projections to the
     targets' sizes (100,000 and 1,000,000 reports);
  4. cell accuracy: the published facts joined to the ground truth on (file, table, row, col);
  5. floor 2: DuckDB loading the same facts from a Parquet file into a fresh database; ratio of the
     pipeline's wall time to floor 1 + floor 2;
  6. incremental run: add 1% new reports and change a number in 0.1% of the files, rerun on the same
     database; its wall time and its accuracy against the updated truth;
  7. analyst queries on the final database, best of 3: county rollup of a year, one unit's history, all
     anomalies of a city.

The work folder is a temporary one, removed at the end, unless --keep DIR (then the corpus, the ground
truth, the databases and the pipeline runs' logs stay there).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `pipeline` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from bench.generate import META_FILE, TRUTH_FILE, draw_spec, encode_report, generate, render_report  # noqa: E402
from bench.generator.cells import VALUE  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

# Targets from the issue.
PARSE_PER_CORE = 2000.0  # reports/s per core
E2E_REPORTS = 100_000
E2E_SECONDS = 120.0  # on 2 cores
E2E_RSS_BYTES = 2 * 2**30
FLOOR_RATIO = 3.0
INCR_NEW, INCR_INTO, INCR_SECONDS = 1000, 100_000, 15.0
QUERY_REPORTS, QUERY_SECONDS = 1_000_000, 1.0

# Below PROJECT_MIN reports no projection to the targets' sizes is made (the baseline run is skipped): the
# fixed costs swamp what grows with the corpus.
PROJECT_MIN = 1000
BASELINE_REPORTS = 20
NEW_SHARE = 0.01  # incremental run: new reports, as a share of the corpus
CHANGED_SHARE = 0.001  # incremental run: files whose numbers change


# --- the result table ------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str  # stable name (JSON, tests)
    label: str
    measured: str  # as printed
    target: str = ""
    verdict: str = ""  # ok | MISS | ok (projected) | MISS (projected) | n/a (too small) | "" (context)
    value: float | None = None  # the headline number, in `unit`
    unit: str = ""
    section: str = ""


@dataclass
class Result:
    count: int
    rows: list[Row] = field(default_factory=list)
    steps: dict[str, dict[str, float]] = field(default_factory=dict)  # run → step → seconds
    environment: dict = field(default_factory=dict)

    def add(
        self,
        section: str,
        key: str,
        label: str,
        measured: str,
        target: str = "",
        verdict: str = "",
        value: float | None = None,
        unit: str = "",
    ) -> Row:
        row = Row(key, label, measured, target, verdict, value, unit, section)
        self.rows.append(row)
        return row

    def as_json(self) -> dict:
        return {
            "count": self.count,
            "environment": self.environment,
            "rows": [asdict(r) for r in self.rows],
            "steps": self.steps,
        }


def format_table(result: Result) -> str:
    """Plain text: a header, then each section's title on its own line and its rows in four columns."""
    head = ("measure", "measured", "target (issue)", "verdict")
    rows = [(r.label, r.measured, r.target, r.verdict) for r in result.rows]
    widths = [max(_width(x[i]) for x in [head, *rows]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(head), "  ".join("-" * w for w in widths)]
    section = None
    for r, cells in zip(result.rows, rows, strict=True):
        if r.section != section:
            section = r.section
            out.append(f"[{section}]")
        out.append(line(cells))
    return "\n".join(out)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _verdict(ok: bool, projected: bool = False) -> str:
    return ("ok" if ok else "MISS") + (" (projected)" if projected else "")


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


# --- measuring a child process ----------------------------------------------------------------------------


@dataclass
class ChildRun:
    returncode: int
    wall: float
    cpu: float  # user + sys of the child and all its descendants (wait4, or /proc samples: the larger)
    maxrss: int  # bytes: the largest single process (the child, or one of its waited-for workers)
    tree_peak: int  # bytes: the largest sampled sum of PSS (RSS when PSS is unreadable) over the process tree
    stdout: str
    stderr: str


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def _memory(pid: int) -> int:
    """PSS in bytes (shared pages divided among the processes mapping them), else RSS, else 0."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far, from /proc/PID/stat (0.0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime and stime: fields 14 and 15


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo.extend(_children(pid))
    return found


def run_child(cmd: list[str], log_prefix: Path, env: dict[str, str] | None = None) -> ChildRun:
    """Run cmd, measuring wall time, CPU time and peak memory of it and its workers."""
    out_path, err_path = log_prefix.with_suffix(".out"), log_prefix.with_suffix(".err")
    peak = [0]
    cpu_seen: dict[int, float] = {}  # pid -> its CPU seconds when last sampled
    done = threading.Event()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, env=env)

        def sample() -> None:
            # every 0.1 s, or less often when reading /proc is slow (smaps_rollup walks the page tables of
            # a large process): the sampler stays under ~5% of a core, not to slow down what it measures
            wait = 0.1
            while not done.wait(wait):
                t = time.perf_counter()
                pids = _tree(proc.pid)
                peak[0] = max(peak[0], sum(_memory(pid) for pid in pids))
                for pid in pids:
                    cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), _cpu_seconds(pid))
                wait = max(0.1, 20 * (time.perf_counter() - t))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            # wait4, not Popen.wait: it also gives the child's resource usage (its own and its waited-for
            # workers': ru_maxrss is the largest of them, in KiB on Linux)
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C or an error here: do not leave the pipeline running
            proc.kill()
            proc.wait()
            raise
        finally:
            done.set()
            sampler.join()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(
        returncode=proc.returncode,
        wall=wall,
        # wait4 counts only the descendants that were waited for: the parse workers, children of
        # multiprocessing's fork server, are not. The samples miss each process's last moments. Both are
        # lower bounds; the larger is kept.
        cpu=max(usage.ru_utime + usage.ru_stime, sum(cpu_seen.values())),
        maxrss=usage.ru_maxrss * 1024,
        tree_peak=peak[0],
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )


_STEP_RE = re.compile(r'Finished execution of step "([^"]+)" in ([0-9.hms]+)\.')
_DURATION_RE = re.compile(r"([0-9.]+)(ms|h|m|s)")
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def step_times(log: str) -> dict[str, float]:
    """{step: seconds} from the Dagster -v log (durations like 83ms, 5.72s, 4m52s, 1h4m)."""
    steps: dict[str, float] = {}
    for name, text in _STEP_RE.findall(log):
        steps[name] = sum(float(n) * _SECONDS[u] for n, u in _DURATION_RE.findall(text))
    return steps


def group_steps(steps: dict[str, float]) -> list[tuple[str, float]]:
    """Asset steps by time, descending, with the asset checks (step `<asset>_<check>`) summed into one."""
    names = set(steps)
    checks = {s for s in names if any(s != a and s.startswith(a + "_") for a in names)}
    assets = sorted(((s, t) for s, t in steps.items() if s not in checks), key=lambda x: -x[1])
    if checks:
        assets.append((f"data checks ({len(checks)} steps)", sum(steps[s] for s in checks)))
    return assets


def run_pipeline(raw: Path, db: Path, log_prefix: Path, workers: int | None) -> ChildRun:
    env = dict(os.environ)
    if workers:
        env["PARSE_WORKERS"] = str(workers)
    cmd = [sys.executable, "-m", "pipeline", "ingest", "--raw", str(raw), "--db", str(db), "-v"]
    run = run_child(cmd, log_prefix, env)
    if run.returncode != 0:
        tail = "\n".join(run.stderr.splitlines()[-30:])
        raise RuntimeError(f"the pipeline failed (exit {run.returncode}):\n{run.stdout}\n{tail}")
    return run


# --- parse throughput -------------------------------------------------------------------------------------


def list_files(raw: Path) -> list[tuple[str, str]]:
    """(path, file_name relative to raw, '/' separated) of every file below raw, in name order."""
    out: list[tuple[str, str]] = []
    root = str(raw) + os.sep
    for dirpath, _, names in os.walk(raw):
        for name in names:
            path = os.path.join(dirpath, name)
            out.append((path, path[len(root) :].replace(os.sep, "/")))
    out.sort(key=lambda x: x[1])
    return out


def read_all(files: list[tuple[str, str]]) -> tuple[float, int]:
    """Floor 1: (seconds, bytes) to read every raw file (listed beforehand: the listing is not timed)."""
    t0 = time.perf_counter()
    n = 0
    for path, _ in files:
        with open(path, "rb") as f:
            n += len(f.read())
    return time.perf_counter() - t0, n


def _pool_parse(item: tuple[str, str]) -> tuple[int, int]:
    from pipeline.parsing import parse_report

    path, name = item
    with open(path, "rb") as f:
        data = f.read()
    return len(data), len(parse_report(data, name).cells)


def _sample(files: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    if not limit or len(files) <= limit:
        return files
    step = len(files) / limit
    return [files[int(i * step)] for i in range(limit)]


def parse_in_process(files: list[tuple[str, str]]) -> tuple[float, int, int]:
    """(seconds, bytes, cells): parse_report over files already read into memory (reading not timed)."""
    from pipeline.parsing import parse_report

    data = []
    for path, name in files:
        with open(path, "rb") as f:
            data.append((f.read(), name))
    parse_report(*data[0])  # first call: lazy tables and regex compilation, not throughput
    cells = 0
    t0 = time.perf_counter()
    for raw, name in data:
        cells += len(parse_report(raw, name).cells)
    return time.perf_counter() - t0, sum(len(d) for d, _ in data), cells


def parse_pool(files: list[tuple[str, str]], workers: int) -> tuple[float, int, int]:
    """(seconds, bytes, cells): every worker reads and parses its share of the files."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ctx.Pool(workers) as pool:
        pool.map(_pool_parse, files[: workers * 4], chunksize=1)  # warm every worker up
        t0 = time.perf_counter()
        results = list(pool.imap_unordered(_pool_parse, files, chunksize=32))
        seconds = time.perf_counter() - t0
    return seconds, sum(b for b, _ in results), sum(c for _, c in results)


# --- accuracy ---------------------------------------------------------------------------------------------

# One row per (file, cell) of the truth, with the published fact if any: files.report_id maps a file name to
# the report its content is loaded as (also for a byte-identical duplicate and a superseded report).
_ACCURACY_SQL = """
WITH f AS (
    SELECT fl.file_name, x.table_code, x.row_code, x.col_code, x.cell_state, x.value
    FROM db.files AS fl JOIN db.facts AS x USING (report_id)
    WHERE fl.status <> 'removed'
),
j AS (
    SELECT m.layout, t.cell_state AS truth_state, f.cell_state AS got,
        f.cell_state IS NOT NULL AND NOT (
            f.cell_state = t.true_state
            AND (t.true_state <> 'value' OR f.value::DECIMAL(38, 10) = TRY_CAST(NULLIF(t.value, '') AS DECIMAL(38, 10)))
        ) AS wrong
    FROM truth AS t
    JOIN meta AS m USING (file_name)
    LEFT JOIN f USING (file_name, table_code, row_code, col_code)
)
SELECT coalesce(layout, '*') AS layout,
    count(*) FILTER (WHERE truth_state <> 'uncertain') AS certain,
    count(*) FILTER (WHERE truth_state <> 'uncertain' AND got IS NOT NULL) AS certain_returned,
    count(*) FILTER (WHERE truth_state = 'uncertain') AS uncertain,
    count(*) FILTER (WHERE truth_state = 'uncertain' AND got IS NOT NULL) AS uncertain_returned,
    count(*) FILTER (WHERE got IS NOT NULL) AS returned,
    count(*) FILTER (WHERE wrong) AS wrong
FROM j
GROUP BY ROLLUP (layout)
ORDER BY layout = '*', layout
"""

# Facts of a generated file with no truth cell at all (a cell the report does not have): wrong too.
_SPURIOUS_SQL = """
SELECT count(*)
FROM db.files AS fl JOIN db.facts AS x USING (report_id)
WHERE fl.status <> 'removed'
  AND fl.file_name IN (SELECT file_name FROM meta)
  AND NOT EXISTS (
    SELECT 1 FROM truth AS t
    WHERE t.file_name = fl.file_name AND t.table_code = x.table_code
      AND t.row_code = x.row_code AND t.col_code = x.col_code)
"""


@dataclass
class Accuracy:
    by_layout: dict[str, dict[str, int]]  # layout ('*' = all) → counts
    spurious: int

    @property
    def total(self) -> dict[str, int]:
        return self.by_layout["*"]

    @property
    def wrong(self) -> int:
        return self.total["wrong"] + self.spurious

    @property
    def returned_share(self) -> float:
        t = self.total
        return t["certain_returned"] / t["certain"] if t["certain"] else 1.0


def accuracy(db: Path, truth_files: list[Path], meta_files: list[Path], changes: list[dict]) -> Accuracy:
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_path(db)}' AS db (READ_ONLY)")
        parquet = ", ".join(f"'{_sql_path(p)}'" for p in truth_files)
        con.execute(
            "CREATE TEMP TABLE truth AS SELECT file_name::VARCHAR AS file_name, table_code::VARCHAR AS "
            "table_code, row_code::VARCHAR AS row_code, col_code::VARCHAR AS col_code, cell_state::VARCHAR "
            "AS cell_state, value, true_state::VARCHAR AS true_state "
            f"FROM read_parquet([{parquet}])"
        )
        for c in changes:  # cells the incremental run changed on purpose
            con.execute(
                "UPDATE truth SET value = ? WHERE file_name = ? AND table_code = ? AND row_code = ? "
                "AND col_code = ?",
                [c["value"], c["file_name"], c["table_code"], c["row_code"], c["col_code"]],
            )
        csvs = ", ".join(f"'{_sql_path(p)}'" for p in meta_files)
        con.execute(
            "CREATE TEMP TABLE meta AS SELECT file_name, layout "
            f"FROM read_csv([{csvs}], header = true, all_varchar = true)"
        )
        cols = ("certain", "certain_returned", "uncertain", "uncertain_returned", "returned", "wrong")
        by_layout = {
            row[0]: dict(zip(cols, row[1:], strict=True)) for row in con.execute(_ACCURACY_SQL).fetchall()
        }
        by_layout.setdefault("*", dict.fromkeys(cols, 0))
        spurious = con.execute(_SPURIOUS_SQL).fetchone()[0]
    finally:
        con.close()
    return Accuracy(by_layout, spurious)


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


# --- floor 2 ----------------------------------------------------------------------------------------------


def floor_load(db: Path, work: Path) -> tuple[float, int, int]:
    """(seconds, facts, parquet bytes): DuckDB creating a table from the published facts exported to Parquet,
    in a fresh database file, checkpointed to disk."""
    parquet = work / "facts.parquet"
    fresh = work / "floor.duckdb"
    for p in (parquet, fresh, fresh.with_name(fresh.name + ".wal")):
        p.unlink(missing_ok=True)
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"COPY facts TO '{_sql_path(parquet)}' (FORMAT parquet)")
    t0 = time.perf_counter()
    con = duckdb.connect(str(fresh))
    try:
        con.execute(f"CREATE TABLE facts AS SELECT * FROM read_parquet('{_sql_path(parquet)}')")
        con.execute("CHECKPOINT")
        n = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    finally:
        con.close()
    seconds = time.perf_counter() - t0
    size = parquet.stat().st_size
    parquet.unlink()
    fresh.unlink()
    return seconds, n, size


# --- incremental run --------------------------------------------------------------------------------------


def add_reports(raw: Path, work: Path, count: int, new: int, seed: int) -> tuple[Path, Path]:
    """Reports count … count+new-1 of the same seed (never in the corpus: report i depends only on (seed,
    i)) moved into raw; returns their truth and meta files."""
    staging = work / "new"
    generate(staging, new, seed=seed, start=count)
    truth_dir = work / "truth-new"
    truth_dir.mkdir()
    truth, meta = truth_dir / TRUTH_FILE, truth_dir / META_FILE
    (staging / TRUTH_FILE).rename(truth)
    (staging / META_FILE).rename(meta)
    for path, name in list_files(staging):
        target = raw / name
        if target.exists():
            raise RuntimeError(f"a new report would overwrite {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    shutil.rmtree(staging)
    return truth, meta


def change_reports(raw: Path, count: int, changed: int, seed: int) -> list[dict]:
    """Rewrite `changed` existing reports with one number raised, spread evenly over the corpus; returns the
    changed cells ({file_name, table_code, row_code, col_code, value}) to update the truth with."""
    from bench.generator.cells import edition_cells

    changes = []
    for k in range(changed):
        index = (k * count) // changed + (count // changed) // 2
        spec = draw_spec(seed, index)
        v = spec.values
        states = spec.states()
        # a printed integer > 0 whose place the text gives (kept > 0: an all-zero table prints differently)
        candidates = [
            p
            for p, (state, text, value) in enumerate(zip(states, v.texts, v.values, strict=True))
            if state == VALUE and text == value and value.isdigit() and value != "0"
        ]
        if not candidates:
            continue
        pos = candidates[index % len(candidates)]
        new = str(int(v.values[pos]) + 1 + index % 7)
        v.texts[pos] = v.values[pos] = new
        data, _ = encode_report(spec, render_report(spec))
        path = raw / spec.file_name
        if not path.is_file():
            raise RuntimeError(f"report {index} is not at {path}")
        path.write_bytes(data)
        table, row, col = edition_cells(spec.edition).codes[pos]
        changes.append(
            {"file_name": spec.file_name, "table_code": table, "row_code": row, "col_code": col, "value": new}
        )
    return changes


# --- analyst queries --------------------------------------------------------------------------------------

QUERIES = {
    "q_rollup": (
        "county rollup of one year",
        "SELECT county_code, table_code, row_code, col_code, unit_level, value, reports, "
        "reports_without_value FROM rollup_county WHERE year = ?",
    ),
    "q_unit": (
        "one unit's history",
        "SELECT r.year, r.report_id, r.is_current, f.table_code, f.row_code, f.col_code, f.cell_state, f.value "
        "FROM reports AS r JOIN facts AS f USING (report_id) WHERE r.unit_name = ? "
        "ORDER BY r.year, f.table_code, f.row_code, f.col_code",
    ),
    "q_city": (
        "anomalies of one city",
        "SELECT r.unit_name, r.year, a.* FROM anomalies AS a JOIN reports AS r USING (report_id) "
        "WHERE r.city_code = ? ORDER BY r.unit_name, r.year, a.rule_code",
    ),
}


_PARAM_NAMES = {"q_rollup": "year", "q_unit": "unit", "q_city": "city"}


def query_params(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The busiest year, unit and city: the heaviest query of each kind the corpus allows."""

    def top(sql: str) -> object:
        rows = con.execute(sql).fetchall()
        return rows[0][0] if rows else None

    return {
        "q_rollup": top(
            "SELECT year FROM reports WHERE county_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ),
        "q_unit": top(
            "SELECT unit_name FROM reports WHERE unit_name IS NOT NULL GROUP BY 1 "
            "ORDER BY count(*) DESC, 1 LIMIT 1"
        ),
        "q_city": top(
            "SELECT city_code FROM reports WHERE city_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ),
    }


def time_queries(db: Path, repeat: int) -> dict[str, tuple[float, int, object]]:
    """{key: (best seconds, rows, parameter)}; each query run `repeat` times on one read-only connection,
    its result fetched whole as an Arrow table."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        params = query_params(con)
        for key, (_, sql) in QUERIES.items():
            best, rows = float("inf"), 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                # as an Arrow table, as polars, pandas or the DuckDB CLI take results: building one Python
                # tuple per row would measure the interpreter, not the database (1.8 s vs 67 ms for the
                # 1.2M rows of a year's county rollup at 100,000 reports)
                rows = con.sql(sql, params=[params[key]]).to_arrow_table().num_rows
                best = min(best, time.perf_counter() - t0)
            out[key] = (best, rows, f"{_PARAM_NAMES[key]} {params[key]}")
    return out


# --- the run ----------------------------------------------------------------------------------------------


def _git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "pipeline", "sql"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return head + (" + uncommitted changes in pipeline/ or sql/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def linear(value: float, base: float, count: int, base_count: int, to: int) -> float:
    """`value` at `to` reports, on the line through the baseline run (base_count, base) and the measured run
    (count, value): what grows with the corpus grows linearly, the rest (start-up, fixed tables) stays."""
    if count <= base_count:
        return value
    return base + max(0.0, value - base) / (count - base_count) * (to - base_count)


def _share(seconds: float, total: float) -> str:
    return f"{seconds:,.2f} s ({seconds / total:.0%})"


MIB = 2**20


def run_bench(
    count: int,
    work: Path,
    seed: int = 0,
    workers: int | None = None,
    parse_sample: int = 20000,
    repeat: int = 3,
    log=print,
) -> Result:
    cores = _cores()
    workers = workers or cores
    result = Result(count)
    env = result.environment = {
        "cores": cores,
        "workers": workers,
        "load_average_start": os.getloadavg(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "git": _git_state(),
        "platform": platform.platform(),
    }
    raw, truth_dir, db = work / "raw", work / "truth", work / "report.duckdb"

    # 1. the corpus
    log(f"generating {count:,} reports into {raw} ...")
    stats = generate(raw, count, seed=seed)
    truth_dir.mkdir()
    truth, meta = truth_dir / TRUTH_FILE, truth_dir / META_FILE
    (raw / TRUTH_FILE).rename(truth)
    (raw / META_FILE).rename(meta)
    files = list_files(raw)
    S = "corpus"
    mb = stats.bytes_written / 1e6
    text = f"{count:,} reports, {mb:,.1f} MB, {stats.truth_rows:,} truth cells ({stats.seconds:.1f} s to generate)"
    result.add(S, "corpus", "generated corpus", text, value=mb, unit="MB")
    load = env["load_average_start"][0]
    text = f"{cores} cores, load average {load:.1f} at start; pipeline at {env['git']}"
    result.add(S, "machine", "machine", text)

    # 2. floor 1 and parse throughput
    log("reading every raw byte (floor 1) ...")
    floor1, total_bytes = read_all(files)
    sample = _sample(files, parse_sample)
    log(f"parsing {len(sample):,} files in this process ...")
    sec1, bytes1, _ = parse_in_process(sample)
    log(f"parsing {len(sample):,} files on {workers} processes ...")
    secp, bytesp, _ = parse_pool(sample, workers)
    S = "parse throughput (parse_report, no database)"
    rate = len(sample) / sec1
    text = f"{_n(rate)} reports/s, {bytes1 / 1e6 / sec1:.1f} MB/s ({len(sample):,} files)"
    target = f"≥ {_n(PARSE_PER_CORE)} reports/s per core"
    result.add(
        S, "parse_1proc", "1 process", text, target, _verdict(rate >= PARSE_PER_CORE), rate, "reports/s"
    )
    rate = len(sample) / secp
    text = f"{_n(rate)} reports/s, {bytesp / 1e6 / secp:.1f} MB/s ({_n(rate / workers)}/s per process)"
    target = f"≥ {_n(PARSE_PER_CORE * workers)} reports/s ({workers} × {_n(PARSE_PER_CORE)})"
    ok = _verdict(rate >= PARSE_PER_CORE * workers)
    result.add(S, "parse_pool", f"{workers} processes (Pool)", text, target, ok, rate, "reports/s")

    # 3. the pipeline, on the corpus and on a small baseline corpus (what does not grow with the count)
    log("running the pipeline ...")
    run = run_pipeline(raw, db, work / "pipeline-full", workers)
    steps = result.steps["full"] = step_times(run.stderr)
    with duckdb.connect(str(db), read_only=True) as con:
        facts, reports = con.execute(
            "SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM reports)"
        ).fetchone()
    base: ChildRun | None = None
    base_count = BASELINE_REPORTS
    if count >= PROJECT_MIN:
        log(f"running the pipeline on a baseline corpus of {base_count} reports ...")
        base_raw, base_db = work / "baseline" / "raw", work / "baseline" / "report.duckdb"
        for path, name in _sample(files, base_count):
            (base_raw / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, base_raw / name)
        base = run_pipeline(base_raw, base_db, work / "pipeline-baseline", workers)
        result.steps["baseline"] = step_times(base.stderr)
        base_queries = time_queries(base_db, repeat)

    def judge(ok: Callable[[float], bool], measured: float, base_value: float | None, n: int, to: int):
        """(verdict, projection text): measured at n reports, target at `to`; projected on the line through
        the baseline run when n < to."""
        if n >= to:
            return _verdict(ok(measured)), None
        if base_value is None:
            return "n/a (too small)", None
        projected = linear(measured, base_value, n, base_count, to)
        return _verdict(ok(projected), True), projected

    S = "end to end: pipeline CLI in a child process"
    verdict, proj = judge(lambda x: x <= E2E_SECONDS, run.wall, base and base.wall, count, E2E_REPORTS)
    text = f"{run.wall:,.1f} s for {count:,} reports" + (
        f"; ≈ {proj:,.0f} s at {E2E_REPORTS:,}" if proj else ""
    )
    target = f"{E2E_REPORTS:,} reports ≤ {E2E_SECONDS:.0f} s on 2 cores"
    result.add(S, "e2e_wall", "wall time", text, target, verdict, run.wall, "s")
    if base:
        text = f"{base.wall:,.1f} s for {base_count} reports (start-up, fixed tables and views, checks)"
        result.add(S, "e2e_baseline", "baseline run", text, value=base.wall, unit="s")
    text = f"{run.cpu:,.1f} s = {run.cpu / run.wall:.2f} of {cores} cores busy on average"
    result.add(S, "e2e_cpu", "CPU time (user + sys)", text, value=run.cpu, unit="s")
    verdict, mem = judge(
        lambda x: x <= E2E_RSS_BYTES, run.tree_peak, base and base.tree_peak, count, E2E_REPORTS
    )
    text = f"{run.tree_peak / MIB:,.0f} MiB (sum of PSS, sampled)" + (
        f"; ≈ {mem / MIB:,.0f} MiB at {E2E_REPORTS:,}" if mem else ""
    )
    target = f"≤ {E2E_RSS_BYTES / 2**30:.0f} GiB at {E2E_REPORTS:,} reports"
    result.add(
        S, "e2e_rss_tree", "peak memory, process tree", text, target, verdict, run.tree_peak / MIB, "MiB"
    )
    text = f"{run.maxrss / MIB:,.0f} MiB (wait4 ru_maxrss)"
    result.add(S, "e2e_rss_max", "peak RSS, largest process", text, value=run.maxrss / MIB, unit="MiB")
    rate = facts / run.wall
    needed = facts / max(reports, 1) * E2E_REPORTS / E2E_SECONDS
    text = f"{_n(rate)} facts/s ({facts:,} facts / wall time)"
    if proj:  # facts grow with the reports
        rate_proj = facts / max(reports, 1) * E2E_REPORTS / proj
        text += f"; ≈ {_n(rate_proj)}/s at {E2E_REPORTS:,}"
        verdict = _verdict(rate_proj >= needed, True)
    elif count >= E2E_REPORTS:
        verdict = _verdict(rate >= needed)
    else:
        verdict = "n/a (too small)"
    target = f"≥ {_n(needed)} facts/s (= {E2E_REPORTS:,} reports in {E2E_SECONDS:.0f} s)"
    result.add(S, "e2e_facts_per_s", "facts loaded per second", text, target, verdict, rate, "facts/s")

    # 4. accuracy
    log("comparing the facts with the ground truth ...")
    _accuracy_rows(result, accuracy(db, [truth], [meta], []))

    # 5. floor 2 and the ratio
    log("loading the facts from Parquet into a fresh database (floor 2) ...")
    floor2, floor_facts, parquet_bytes = floor_load(db, work)
    S = "floors, measured in the same run"
    text = f"{floor1:.2f} s ({total_bytes / 1e6 / floor1:,.0f} MB/s, {len(files):,} files, page cache warm)"
    result.add(S, "floor_read", "floor 1: read every raw byte", text, value=floor1, unit="s")
    text = f"{floor2:.2f} s ({_n(floor_facts / floor2)} facts/s; Parquet file {parquet_bytes / 1e6:,.1f} MB)"
    result.add(S, "floor_load", "floor 2: DuckDB facts from Parquet", text, value=floor2, unit="s")
    ratio = run.wall / (floor1 + floor2)
    text = f"{ratio:,.1f}×"
    if proj:  # the floors grow linearly with the corpus
        ratio_proj = proj / ((floor1 + floor2) * E2E_REPORTS / count)
        text += f" (≈ {ratio_proj:,.1f}× at {E2E_REPORTS:,})"
        verdict = _verdict(ratio_proj <= FLOOR_RATIO, True)
    elif count >= E2E_REPORTS:
        verdict = _verdict(ratio <= FLOOR_RATIO)
    else:
        verdict = "n/a (too small)"
    target = f"≤ {FLOOR_RATIO:.0f}×"
    result.add(S, "floor_ratio", "pipeline ÷ (floor 1 + floor 2)", text, target, verdict, ratio, "x")

    # 6. incremental run
    new = max(1, round(count * NEW_SHARE))
    changed = max(1, round(count * CHANGED_SHARE))
    log(f"incremental run: {new:,} new reports, {changed:,} changed ...")
    truth_new, meta_new = add_reports(raw, work, count, new, seed)
    changes = change_reports(raw, count, changed, seed)
    inc = run_pipeline(raw, db, work / "pipeline-incremental", workers)
    result.steps["incremental"] = step_times(inc.stderr)
    S = "incremental run: same database, 1% new and 0.1% changed files"
    verdict, inc_proj = judge(lambda x: x <= INCR_SECONDS, inc.wall, base and base.wall, count, INCR_INTO)
    text = f"{inc.wall:,.1f} s (+{new:,} new, {len(changes):,} changed, into {count:,})" + (
        f"; ≈ {inc_proj:,.0f} s into {INCR_INTO:,}" if inc_proj else ""
    )
    target = f"{INCR_NEW:,} new into {INCR_INTO:,} ≤ {INCR_SECONDS:.0f} s"
    result.add(S, "incr_wall", "wall time", text, target, verdict, inc.wall, "s")
    text = f"{inc.tree_peak / MIB:,.0f} MiB"
    result.add(S, "incr_rss_tree", "peak memory, process tree", text, value=inc.tree_peak / MIB, unit="MiB")
    log("comparing the incremental run's facts with the updated ground truth ...")
    acc = accuracy(db, [truth, truth_new], [meta, meta_new], changes)
    t = acc.total
    text = f"{acc.returned_share:.4%} of {t['certain']:,} certain cells returned, {acc.wrong:,} wrong"
    ok = _verdict(t["certain_returned"] == t["certain"] and acc.wrong == 0)
    result.add(S, "incr_accuracy", "accuracy after it", text, "100%, 0 wrong", ok, acc.wrong, "cells")

    # 7. analyst queries
    log("timing analyst queries ...")
    with duckdb.connect(str(db), read_only=True) as con:
        reports_now = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    S = f"analyst queries on the final database: best of {repeat}, {reports_now:,} reports"
    for key, (seconds, rows, param) in time_queries(db, repeat).items():
        base_seconds = base_queries[key][0] if base else None
        verdict, q_proj = judge(
            lambda x: x <= QUERY_SECONDS, seconds, base_seconds, reports_now, QUERY_REPORTS
        )
        text = f"{_ms(seconds)} ({rows:,} rows; {param})" + (
            f"; ≈ {_ms(q_proj)} at {QUERY_REPORTS:,}" if q_proj else ""
        )
        target = f"≤ {QUERY_SECONDS:.0f} s on {QUERY_REPORTS:,} reports"
        result.add(S, key, QUERIES[key][0], text, target, verdict, seconds, "s")

    # where the full run's time goes
    S = "where the full run's time goes: Dagster steps from its -v log"
    base_steps = result.steps.get("baseline", {})
    if base:
        S += f" [baseline run of {base_count} reports]"

    def with_base(seconds: float, base_seconds: float) -> str:
        return _share(seconds, run.wall) + (f" [{base_seconds:.2f} s]" if base else "")

    fixed = run.wall - sum(steps.values())
    text = with_base(fixed, base.wall - sum(base_steps.values()) if base else 0.0)
    result.add(S, "step_startup", "start-up, imports, shut-down", text, value=fixed, unit="s")
    base_grouped = dict(group_steps(base_steps))
    for name, seconds in group_steps(steps):
        if seconds >= 0.01 * run.wall or name.startswith("data checks"):
            text = with_base(seconds, base_grouped.get(name, 0.0))
            result.add(S, "step_" + name.split(" ")[0], name, text, value=seconds, unit="s")
    env["load_average_end"] = os.getloadavg()
    return result


def _accuracy_rows(result: Result, acc: Accuracy) -> None:
    S = "cell accuracy: published facts vs ground truth"
    t = acc.total
    text = f"{acc.returned_share:.4%} ({t['certain_returned']:,} of {t['certain']:,})"
    ok = _verdict(t["certain_returned"] == t["certain"])
    result.add(S, "acc_returned", "certain cells returned", text, "100%", ok, 100 * acc.returned_share, "%")
    returned = t["returned"] + acc.spurious
    text = (
        f"{acc.wrong:,} of {returned:,} ({acc.wrong / max(returned, 1):.4%}; "
        f"{acc.spurious:,} of them cells the report does not have)"
    )
    result.add(
        S,
        "acc_wrong",
        "returned cells that are wrong",
        text,
        "0",
        _verdict(acc.wrong == 0),
        acc.wrong,
        "cells",
    )
    text = f"{t['uncertain_returned']:,} of {t['uncertain']:,} (each one is checked: counted above if wrong)"
    result.add(
        S, "acc_uncertain", "uncertain cells returned", text, value=t["uncertain_returned"], unit="cells"
    )
    for layout, c in acc.by_layout.items():
        if layout == "*":
            continue
        share = c["certain_returned"] / c["certain"] if c["certain"] else 1.0
        # the count too: 7 cells missing of 2.8 million still print as 100.000%
        missing = c["certain"] - c["certain_returned"]
        text = f"{share:.3%} returned of {c['certain']:,} ({missing:,} missing), {c['wrong']:,} wrong"
        ok = _verdict(c["certain_returned"] == c["certain"] and c["wrong"] == 0)
        result.add(
            S, f"acc_layout_{layout}", f"  layout {layout}", text, "100%, 0 wrong", ok, 100 * share, "%"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=20000, help="reports in the corpus (default %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed (default %(default)s)")
    ap.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (corpus, truth, database, logs)"
    )
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    ap.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes for parsing, here and in the pipeline (default: cores)",
    )
    ap.add_argument(
        "--parse-sample",
        type=int,
        default=20000,
        help="parse throughput on at most this many files, evenly spread (0 = all; default %(default)s)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs of each analyst query, best kept")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args(argv)
    if args.count < 1:
        ap.error("--count must be at least 1")

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if args.keep:
        work = args.keep.expanduser().absolute()
        if work.exists() and any(work.iterdir()):
            ap.error(f"--keep {work}: the folder exists and is not empty")
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        result = run_bench(
            args.count, work, args.seed, args.workers or None, args.parse_sample, args.repeat, log
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(format_table(result))
    if args.json:
        args.json.write_text(
            json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
