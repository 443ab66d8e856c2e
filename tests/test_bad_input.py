"""Bad input through the real pipeline (`python -m pipeline ingest` into a real DuckDB file).

Every kind of file that is not a clean report gets its status and a clear reason in the `files` ledger (and,
when rejected before parsing, an error row in parse_issues); the run completes, and the good files load as
if the bad ones were not there. All inputs are generated here.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
import tracemalloc
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from raw_variants import (
    CELLS_PER_SEED,
    ERTANG,
    HUASHI,
    NEWS,
    SEED_NAMES,
    SHANGTUN,
    XIANGXIANG,
    YUTANG,
    garbled_numbers,
    mixed_encoding,
    seed_text,
    truncated,
    with_year,
)

import pipeline.parse_files as parse_files_module
from pipeline.defs.assets import ASSETS
from pipeline.defs.checks import CHECKS
from pipeline.defs.resources import PipelineSettings, build_resources
from pipeline.intake import MB, screen
from pipeline.ledger import STATUSES
from pipeline.manifest import scan_raw
from pipeline.parsing import parse_report

REPO_DIR = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"PYTHONPATH": str(REPO_DIR)}
TIMEOUT = 300  # a guard against a hang only

LONG_NAME = "湖南省湘潭市湘乡市" + "关于政府信息公开工作年度报告的很长的文件名" * 3 + " (最终版 final).txt"
GBK_NAME = "报告2021".encode("gb18030") + b".txt"  # not UTF-8: a name from a zip made on Chinese Windows
GBK_NAME_SHOWN = GBK_NAME.decode("utf-8", errors="backslashreplace")
NESTED = "2022/湖南 省/湘潭市/湘乡市/各部门/政府办/报告.txt"


@dataclass(frozen=True)
class Expected:
    status: str
    detail: str  # a regular expression the files.detail must match
    issue: str | None = None  # the parse_issues code the file must have


# file name in the ledger -> what must become of it
EXPECTED = {
    **{name: Expected("parsed", r"\d{4}: 200 table cells read\.$") for name in SEED_NAMES},
    "empty.txt": Expected("empty", r"empty \(0 bytes\)", "empty_file"),
    "blank.txt": Expected("empty", r"only whitespace \(\d+ bytes\)", "empty_file"),
    "image.txt": Expected("unreadable", r"binary file: a PNG image", "binary_file"),
    "report.docx": Expected("unreadable", r"ZIP archive \(or a \.docx", "binary_file"),
    "scan.pdf": Expected("unreadable", r"PDF document.*pdftotext", "binary_file"),
    "noise.dat": Expected("unreadable", r"Binary data, not text: \d+% of the first \d+ bytes", "binary_file"),
    "utf16-no-bom.txt": Expected("unreadable", r"Binary data, not text.*NUL", "binary_file"),
    "latin.txt": Expected("unreadable", r"cannot be decoded", "undecodable_text"),
    "huge.txt": Expected(
        "too_large", r"50\.0 MB, over the size limit of 20\.0 MB: not read", "file_too_large"
    ),
    "truncated.txt": Expected(
        "parsed_with_issues", r"^花石镇, 2021: \d+ table cells read; truncated: ", "truncated"
    ),
    "news.txt": Expected("not_a_report", r"No report title, year or table heading", "not_a_report"),
    "mixed-encoding.txt": Expected(
        "parsed_with_issues",
        r"^上屯镇人民政府, 2022: 200 table cells read; encoding_mixed: ",
        "encoding_mixed",
    ),
    "gbk.txt": Expected("parsed", r"^二塘乡, 2020: 200 table cells read\.$"),
    "full-width-digits.txt": Expected("parsed", r"^湘乡市政府办, 2021: 200 table cells read\.$"),
    "with spaces 报告 2023年.txt": Expected(
        "duplicate", rf"^Same content .* as {re.escape(YUTANG)}\.$", "duplicate_file"
    ),
    LONG_NAME: Expected("parsed", r"^湘乡市政府办, 2019: 200 table cells read\.$"),
    NESTED: Expected("parsed", r"^湘乡市政府办, 2022: 200 table cells read\.$"),
    GBK_NAME_SHOWN: Expected("parsed", r"^花石镇, 2020: 200 table cells read\.$"),
    "link-inside.txt": Expected("duplicate", rf"as {re.escape(SHANGTUN)}\.$", "duplicate_file"),
    "link-outside.txt": Expected(
        "unreadable", r"symbolic link to a path outside the raw folder: not followed", "not_read"
    ),
    "link-outside-dir": Expected("unreadable", r"outside the raw folder: not followed", "not_read"),
    "link-broken.txt": Expected("unreadable", r"broken symbolic link", "not_read"),
    "fifo.txt": Expected("unreadable", r"Not a regular file", "not_read"),
}
REJECTED = {"empty", "too_large", "unreadable"}


def make_raw_folder(raw: Path, outside: Path) -> None:
    raw.mkdir()
    for name in SEED_NAMES:
        (raw / name).write_text(seed_text(name), encoding="utf-8")
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "blank.txt": " \n\t\r\n\u3000\u3000\n".encode(),
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "report.docx": b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4,
        "scan.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4,
        "noise.dat": random.Random(7).randbytes(4096),
        "utf16-no-bom.txt": seed_text(YUTANG).encode("utf-16-le"),
        "latin.txt": bytes(range(0x80, 0x100)) * 16,
        "truncated.txt": with_year(truncated(seed_text(HUASHI)), 2021).encode(),
        "news.txt": NEWS.encode(),
        "mixed-encoding.txt": mixed_encoding(with_year(seed_text(SHANGTUN), 2022)),
        "gbk.txt": with_year(seed_text(ERTANG), 2020).encode("gb18030"),
        "full-width-digits.txt": garbled_numbers(with_year(seed_text(XIANGXIANG), 2021)).encode(),
        "with spaces 报告 2023年.txt": seed_text(YUTANG).encode(),
        LONG_NAME: with_year(seed_text(XIANGXIANG), 2019).encode(),
        NESTED: with_year(seed_text(XIANGXIANG), 2022).encode(),
    }
    for name, content in files.items():
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (raw / os.fsdecode(GBK_NAME)).write_bytes(with_year(seed_text(HUASHI), 2020).encode())
    with open(raw / "huge.txt", "wb") as f:  # 50 MB: a report, then a sparse tail of zeros
        f.write(seed_text(YUTANG).encode())
        f.truncate(50 * MB)
    # a real report outside the raw folder: following the link would load it
    outside.mkdir()
    (outside / "secret.txt").write_text(with_year(seed_text(YUTANG), 2018), encoding="utf-8")
    os.symlink(outside / "secret.txt", raw / "link-outside.txt")
    os.symlink(outside, raw / "link-outside-dir")
    os.symlink(raw / "gone.txt", raw / "link-broken.txt")
    os.symlink(raw / SHANGTUN, raw / "link-inside.txt")
    os.mkfifo(raw / "fifo.txt")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@dataclass(frozen=True)
class Run:
    raw: Path
    db: Path
    outside: Path
    proc: subprocess.CompletedProcess

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    base = tmp_path_factory.mktemp("bad_input")
    raw, outside, db = base / "raw", base / "outside", base / "out" / "report.duckdb"
    make_raw_folder(raw, outside)
    proc = cli("ingest", "--raw", str(raw), "--db", str(db), cwd=base)
    return Run(raw, db, outside, proc)


def test_the_run_completes_and_counts_every_file(run):
    assert run.proc.returncode == 0, run.proc.stderr
    ledger = dict(run.query("SELECT file_name, status FROM files"))
    assert set(ledger) == set(EXPECTED)
    by_status = dict(run.query("SELECT status, count(*) FROM files GROUP BY 1"))
    assert sum(by_status.values()) == len(EXPECTED)
    # the summary: the counts by status (in STATUSES order), adding up to the files seen
    expected_line = ", ".join(f"{s} {by_status[s]}" for s in STATUSES if s in by_status)
    assert re.search(
        rf"^files:\s+{re.escape(expected_line)} = {len(EXPECTED)} files seen \(raw folder ",
        run.proc.stdout,
        re.M,
    ), run.proc.stdout
    # each rejected file is listed with its reason
    for name, exp in EXPECTED.items():
        if exp.status in REJECTED | {"not_a_report"}:
            assert f"  {exp.status}: {name}: " in run.proc.stdout, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_has_its_status_and_reason(run, name):
    exp = EXPECTED[name]
    [(status, detail, report_id, sha256)] = run.query(
        "SELECT status, detail, report_id, sha256 FROM files WHERE file_name = ?", [name]
    )
    assert status == exp.status, detail
    assert re.search(exp.detail, detail), detail
    if exp.status in REJECTED:
        assert report_id is None
        assert run.query("SELECT count(*) FROM reports WHERE sha256 = ?", [sha256]) == [(0,)]
    else:
        assert run.query("SELECT count(*) FROM reports WHERE report_id = ?", [report_id]) == [(1,)]
    if exp.issue:
        issues = run.query(
            "SELECT severity, message FROM parse_issues WHERE file_name = ? AND code = ?", [name, exp.issue]
        )
        assert issues, f"no {exp.issue} issue for {name}"
        if exp.status in REJECTED:
            assert issues == [("error", f"{exp.status}: {detail}")]


def test_good_files_load_as_if_the_bad_ones_were_not_there(run):
    expected = {}
    for name in SEED_NAMES:
        report = parse_report(seed_text(name).encode(), name)
        expected[name] = sorted(
            (c.table_code, c.row_code, c.col_code, c.cell_state, c.value) for c in report.cells
        )
    for name, cells in expected.items():
        rows = run.query(
            "SELECT table_code, row_code, col_code, cell_state, value FROM facts JOIN reports USING (report_id) "
            "WHERE reports.file_name = ? ORDER BY ALL",
            [name],
        )
        assert len(rows) == CELLS_PER_SEED
        assert rows == cells
    assert run.query("SELECT count(*) FROM reports WHERE parse_status = 'parsed' AND is_current") == [(10,)]
    # the rollups still work: 湘乡市's two seeds (虞唐镇, 湘乡市政府办) are there for 2023
    assert run.query(
        "SELECT unit_level, reports FROM rollup_county WHERE county_code = '430381' AND year = 2023 "
        "AND table_code = 't3' AND row_code = '1' AND col_code = 'total' ORDER BY 1"
    ) == [("department", 1), ("township", 1)]


def facts_of(run: Run, file_name: str) -> list[tuple]:
    return run.query(
        "SELECT table_code, row_code, col_code, cell_state, value FROM facts "
        "WHERE report_id = (SELECT report_id FROM files WHERE file_name = ?) ORDER BY ALL",
        [file_name],
    )


@pytest.mark.parametrize(
    "variant, seed",
    [
        ("mixed-encoding.txt", SHANGTUN),  # half UTF-8, half GBK: every line decoded on its own
        ("gbk.txt", ERTANG),
        ("full-width-digits.txt", XIANGXIANG),  # ３\u200b９ reads as 39
        (LONG_NAME, XIANGXIANG),
        (NESTED, XIANGXIANG),
        (GBK_NAME_SHOWN, HUASHI),
    ],
)
def test_variants_read_the_same_numbers_as_their_seed(run, variant, seed):
    assert facts_of(run, variant) == facts_of(run, seed)
    assert len(facts_of(run, variant)) == CELLS_PER_SEED


def test_zero_width_and_full_width_characters_inside_numbers(run):
    text = garbled_numbers(seed_text(XIANGXIANG))
    assert "３\u200b９" in text  # the 39 of 湘乡市政府办's table
    assert ("t2", "20_1_normative", "in_force", "value", Decimal(39)) in facts_of(
        run, "full-width-digits.txt"
    )


def test_a_truncated_report_keeps_the_cells_before_the_cut(run):
    rows = facts_of(run, "truncated.txt")
    assert 0 < len(rows) < CELLS_PER_SEED
    assert set(rows) <= set(facts_of(run, HUASHI))  # nothing invented, nothing misread
    codes = {c for (c,) in run.query("SELECT code FROM parse_issues WHERE file_name = 'truncated.txt'")}
    assert "truncated" in codes


def test_odd_names_are_stored_as_found(run):
    names = {n for (n,) in run.query("SELECT file_name FROM files")}
    assert LONG_NAME in names and len(LONG_NAME.encode()) > 200
    assert NESTED in names
    assert GBK_NAME_SHOWN == "\\xb1\\xa8\\xb8\\xe62021.txt"  # undecodable bytes shown, the rest kept
    assert GBK_NAME_SHOWN in names
    assert "with spaces 报告 2023年.txt" in names


def test_links_leaving_the_raw_folder_are_not_followed(run):
    secret = (run.outside / "secret.txt").read_bytes()
    assert run.query(
        "SELECT count(*) FROM reports WHERE sha256 = ?", [hashlib.sha256(secret).hexdigest()]
    ) == [(0,)]
    assert run.query("SELECT count(*) FROM reports WHERE year = 2018") == [(0,)]
    assert run.query("SELECT sha256, size_bytes FROM files WHERE file_name = 'link-outside.txt'") == [
        (None, None)
    ]
    assert run.query("SELECT count(*) FROM files WHERE file_name LIKE 'link-outside-dir/%'") == [(0,)]


def test_a_huge_file_is_neither_read_into_memory_nor_parsed(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / YUTANG).write_text(seed_text(YUTANG), encoding="utf-8")
    with open(raw / "huge.txt", "wb") as f:
        f.write(seed_text(HUASHI).encode() * 2000)  # 12 MB of real text ...
        f.truncate(50 * MB)  # ... then zeros, to 50 MB

    # scanning (hashing in 1 MiB chunks) and screening allocate a few MB at most
    tracemalloc.start()
    try:
        scan = scan_raw(raw)
        verdicts = [screen(f, 20 * MB) for f in scan.files]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MB
    assert [v.status for v in verdicts] == [None, "too_large"]

    parsed: list[str] = []
    real_parse = parse_files_module.parse_report_and_lines

    def parse_report_and_lines(data, file_name=""):
        parsed.append(file_name)
        return real_parse(data, file_name)

    monkeypatch.setattr(parse_files_module, "parse_report_and_lines", parse_report_and_lines)
    settings = PipelineSettings(raw_dir=str(raw), db_path=str(tmp_path / "report.duckdb"))
    result = dg.materialize(
        [*ASSETS, *CHECKS],
        resources=build_resources(settings) | {"io_manager": dg.InMemoryIOManager()},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert parsed == [YUTANG]
    with duckdb.connect(str(tmp_path / "report.duckdb"), read_only=True) as con:
        assert con.execute("SELECT file_name, status, size_bytes FROM files ORDER BY 1").fetchall() == [
            (YUTANG, "parsed", len(seed_text(YUTANG).encode())),
            ("huge.txt", "too_large", 50 * MB),
        ]


def test_the_size_limit_is_a_setting(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / YUTANG).write_text(seed_text(YUTANG), encoding="utf-8")  # 7 KB
    db = tmp_path / "report.duckdb"
    proc = cli("ingest", "--raw", str(raw), "--db", str(db), "--max-file-mb", "0.005", cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        [(status, detail)] = con.execute("SELECT status, detail FROM files").fetchall()
    assert status == "too_large"
    assert f"over the size limit of {int(0.005 * MB)} bytes: not read" in detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its permissions")
def test_a_file_the_os_refuses_is_unreadable(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / YUTANG).write_text(seed_text(YUTANG), encoding="utf-8")
    locked = raw / "locked.txt"
    locked.write_text(seed_text(HUASHI), encoding="utf-8")
    locked.chmod(0)
    db = tmp_path / "report.duckdb"
    try:
        proc = cli("ingest", "--raw", str(raw), "--db", str(db), cwd=tmp_path)
    finally:
        locked.chmod(0o644)
    assert proc.returncode == 0, proc.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status, detail FROM files WHERE file_name = 'locked.txt'").fetchall() == [
            ("unreadable", "The file could not be read: Permission denied.")
        ]
