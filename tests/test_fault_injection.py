"""Crash safety: `python -m pipeline ingest` killed with SIGKILL at many points of its run.

Two raw folders, A (the seeds and 40 generated reports) and B (the seeds, 50 reports of which 10 are new
and 10 of A's gone, a corrected report that supersedes one of A's, an empty and a binary file), and two
clean runs of them as references. Then, in two lanes that run side by side (each with its own database,
starting from A), each run builds the folder the database does not hold and is killed at a point chosen
from the run's own log (`-v`: Dagster's STEP_START / STEP_SUCCESS / RUN_SUCCESS lines) plus a seeded delay:
during start-up, in each step that writes the staging database, and around the publish. After every kill:
  - the published database opens read-only and holds exactly the previous state or the complete new one
    (reports, facts, present files, current reports, rollup rows and a checksum of every fact);
  - the writer lock is free (the kernel released the dead process's flock).
Finally each lane runs once more without a kill, and its database must equal the clean run of that
folder: facts as sorted sets, reports minus ingested_at, and the ledger's rows of the files present.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from raw_variants import HUASHI, SEED_NAMES, corrected, report_variants, seed_text

from pipeline.store import writer_lock

REPO_DIR = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"PYTHONPATH": str(REPO_DIR)}
RUN_TIMEOUT = 120  # a guard against a hang only
# 2 x 10 kills: about 55 s on 2 free cores (each run is ~4.5 s of CPU, mostly fixed start-up cost).
# FAULT_KILLS_PER_LANE=100 makes it a soak test.
KILLS_PER_LANE = int(os.environ.get("FAULT_KILLS_PER_LANE", "10"))
LANES = 2

# (log event, step, delay range in seconds after it). "time": after the process started.
KILL_POINTS = (
    ("time", None, (0.1, 1.2)),  # importing, loading the definitions
    ("STEP_START", "divisions_table", (0.0, 0.6)),  # the first writer: lock, ledger history, staging begun
    ("STEP_START", "raw_manifest", (0.0, 0.05)),
    ("STEP_START", "parsed_reports", (0.0, 0.4)),
    ("STEP_START", "facts_table", (0.0, 0.1)),
    ("STEP_START", "reports_table", (0.0, 0.05)),
    ("STEP_START", "files_table", (0.0, 0.05)),
    ("STEP_START", "anomaly_tables", (0.0, 0.1)),
    ("STEP_START", "text_similarity", (0.0, 0.1)),
    ("STEP_START", "rollup_tables", (0.0, 0.05)),
    ("STEP_START", "published_database", (0.0, 0.03)),  # checkpoint, fsync, os.replace
    ("STEP_START", "published_database", (0.03, 0.15)),
    ("STEP_SUCCESS", "published_database", (0.0, 0.01)),  # published, the run not finished
    ("RUN_SUCCESS", None, (0.0, 0.01)),
)

FINGERPRINT = """
SELECT
    (SELECT count(*) FROM reports),
    (SELECT count(*) FROM reports WHERE is_current),
    (SELECT count(*) FROM facts),
    (SELECT sum(hash(report_id, table_code, row_code, col_code, cell_state, value)) FROM facts),
    (SELECT count(*) FROM files WHERE status <> 'removed'),
    (SELECT count(*) FROM rollup_county)
"""


def make_states(base: Path) -> dict[str, Path]:
    variants = report_variants(60)
    names = list(variants)
    states = {"A": base / "raw_a", "B": base / "raw_b"}
    contents = {
        "A": {n: variants[n].encode() for n in names[:40]},
        "B": {n: variants[n].encode() for n in names[10:60]}
        | {
            "花石镇 更正版.txt": corrected(seed_text(HUASHI), "2024年2月1日").encode(),
            "empty.txt": b"",
            "scan.pdf": b"%PDF-1.7\n" + bytes(range(256)),
        },
    }
    for state, raw in states.items():
        for name in SEED_NAMES:
            contents[state][name] = seed_text(name).encode()
        for name, data in contents[state].items():
            path = raw / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return states


def ingest_command(raw: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "ingest", "--raw", str(raw), "--db", str(db), "-v"]


def fingerprint(db: Path) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(FINGERPRINT).fetchone()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "facts": con.execute("SELECT * FROM facts ORDER BY ALL").fetchall(),
            "reports": con.execute("SELECT * EXCLUDE (ingested_at) FROM reports ORDER BY ALL").fetchall(),
            "present files": con.execute(
                "SELECT * EXCLUDE (first_seen, last_seen) FROM files WHERE status <> 'removed' ORDER BY ALL"
            ).fetchall(),
        }


@dataclass
class Kill:
    lane: int
    index: int
    state: str  # the folder the run was building
    point: str
    delay: float
    killed: bool = False  # False: the run had finished before the kill came
    outcome: str = ""  # "old" | "new": what the published database held afterwards
    leftovers: tuple[str, ...] = ()  # files beside the database after the kill
    seconds: float = 0.0


def run_and_kill(cmd: list[str], event: str, step: str | None, delay: float) -> bool:
    """Start cmd, SIGKILL it `delay` seconds after its log shows the event (or after its start); True if it
    was killed, False if it had finished by then."""
    pattern = re.compile(rf"- {event} - " + (rf'.*step "{step}"' if step else ""))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    seen = threading.Event()

    def watch() -> None:
        for line in proc.stderr:  # keeps draining the pipe until the process is gone
            if event != "time" and pattern.search(line):
                seen.set()
        seen.set()  # end of output: the process has exited

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    if event != "time":
        seen.wait(RUN_TIMEOUT)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(RUN_TIMEOUT)
    watcher.join(RUN_TIMEOUT)
    return killed


@dataclass
class Lane:
    number: int
    db: Path
    states: dict[str, Path]
    references: dict[str, tuple]
    held: str = "A"
    kills: list[Kill] = field(default_factory=list)
    error: BaseException | None = None

    def run(self) -> None:
        try:
            # a run that finished before its kill came (possible at the last points) is not counted
            i = 0
            while sum(k.killed for k in self.kills) < KILLS_PER_LANE and i < KILLS_PER_LANE + 3:
                self.kill_once(i)
                i += 1
        except BaseException as exc:  # reported by the test thread
            self.error = exc

    def kill_once(self, i: int) -> None:
        event, step, (low, high) = KILL_POINTS[(i * LANES + self.number) % len(KILL_POINTS)]
        delay = random.Random(f"lane {self.number} kill {i}").uniform(low, high)
        new = "B" if self.held == "A" else "A"
        kill = Kill(self.number, i, new, f"{event} {step or ''}".strip(), round(delay, 3))
        start = time.monotonic()
        kill.killed = run_and_kill(ingest_command(self.states[new], self.db), event, step, delay)
        kill.seconds = round(time.monotonic() - start, 2)
        kill.leftovers = tuple(sorted(p.name for p in self.db.parent.iterdir() if p.name not in OWN_FILES))

        seen = fingerprint(self.db)  # opens read-only: the published file is whole
        assert seen in (self.references[self.held], self.references[new]), (kill, seen, self.references)
        kill.outcome = "new" if seen == self.references[new] else "old"
        if not kill.killed:
            assert kill.outcome == "new", kill
        with writer_lock(self.db, timeout=0):  # released by the kernel when the process died
            pass
        self.held = new if kill.outcome == "new" else self.held
        self.kills.append(kill)


OWN_FILES = {"report.duckdb", "report.duckdb.lock"}


def test_sigkill_at_any_point_leaves_the_previous_or_the_new_database(tmp_path, monkeypatch):
    started = time.monotonic()
    # the runs' temporary folder: a killed run must leave nothing there either
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setitem(ENV, "TMPDIR", str(tmp))
    states = make_states(tmp_path)
    clean = {state: tmp_path / f"clean_{state}" / "report.duckdb" for state in states}
    runs = [
        subprocess.Popen(
            ingest_command(states[s], clean[s]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV
        )
        for s in states
    ]
    for proc in runs:
        _, err = proc.communicate(timeout=RUN_TIMEOUT)
        assert proc.returncode == 0, err.decode()[-3000:]
    references = {s: fingerprint(clean[s]) for s in states}
    assert references["A"] != references["B"]

    lanes = []
    for n in range(LANES):
        db = tmp_path / f"lane_{n}" / "report.duckdb"
        db.parent.mkdir()
        shutil.copyfile(clean["A"], db)  # every lane starts from the published A
        lanes.append(Lane(n, db, states, references))
    threads = [threading.Thread(target=lane.run) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for lane in lanes:
        if lane.error:
            raise lane.error

    kills = [k for lane in lanes for k in lane.kills]
    report = "\n".join(
        f"lane {k.lane} #{k.index:2} build {k.state} kill at {k.point} +{k.delay:.3f}s "
        f"({k.seconds:.1f}s): {'killed' if k.killed else 'finished first'} -> {k.outcome}; "
        f"left: {', '.join(k.leftovers) or 'nothing'}"
        for k in kills
    )
    print(report)
    assert len(kills) >= LANES * KILLS_PER_LANE >= 20
    assert sum(k.killed for k in kills) >= LANES * KILLS_PER_LANE, report
    # both outcomes happened: kills before the publish kept the old database, after it the new one
    assert {k.outcome for k in kills if k.killed} == {"old", "new"}, report

    # A run after all that completes and gives what an uninterrupted run gives.
    finals = []
    for lane in lanes:
        new = "B" if lane.held == "A" else "A"
        finals.append(
            (
                lane,
                new,
                subprocess.Popen(
                    ingest_command(states[new], lane.db),
                    env=ENV,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                ),
            )
        )
    for lane, new, proc in finals:
        _, err = proc.communicate(timeout=RUN_TIMEOUT)
        assert proc.returncode == 0, err.decode()[-3000:]
        assert snapshot(lane.db) == snapshot(clean[new])
        assert {p.name for p in lane.db.parent.iterdir()} == OWN_FILES  # stale staging files were removed
    assert list(tmp.iterdir()) == []
    print(f"fault injection: {len(kills)} kills in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-s", "-q"]))
