"""near_duplicate: copied report texts, found among thousands without comparing every pair."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline.manifest import scan_raw_folder
from pipeline.parse_files import parse_to_shards, shard_glob
from pipeline.similarity import comparable_text, near_duplicates, unpack_text
from pipeline.store import near_duplicates as store_near_duplicates
from pipeline.store.near_duplicates import measure_in_parallel

RAW = Path(__file__).parent.parent / "raw"
YUTANG = RAW / "000_ba9b6e2ed55afeab.txt"  # 虞唐镇 (湘乡市) 2023
HUASHI = RAW / "001_6be7d08550be250c.txt"  # 花石镇 (湘潭县) 2023


def test_a_copy_with_other_numbers_is_similar_and_other_reports_are_not():
    original = comparable_text(YUTANG.read_bytes())
    copied = original.replace("20条", "25条").replace("302件", "310件")
    texts = {"a": original, "b": copied, "c": comparable_text(HUASHI.read_bytes())}
    pairs = near_duplicates(texts)
    assert [(p.report_id, p.other_report_id) for p in pairs] == [("a", "b")]
    assert 0.99 <= pairs[0].similarity < 1


def test_the_rule_names_a_copied_report_of_another_unit_and_of_last_year(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(YUTANG, raw / "yutang_2023.txt")
    shutil.copy(HUASHI, raw / "huashi_2023.txt")
    text = YUTANG.read_text(encoding="utf-8")
    # another township of 湘乡市 copying 虞唐镇's report, and 虞唐镇's own report of the year before
    (raw / "shanzao_2023.txt").write_text(text.replace("虞唐镇", "山枣镇"), encoding="utf-8")
    (raw / "yutang_2022.txt").write_text(
        text.replace("2023年", "2022年").replace("2024年", "2023年"), encoding="utf-8"
    )
    db = tmp_path / "report.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", "--raw", str(raw), "--db", str(db), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "SELECT r.file_name, o.file_name FROM anomalies a JOIN reports r USING (report_id) "
            "JOIN reports o ON o.report_id = a.actual WHERE a.rule_code = 'near_duplicate' ORDER BY ALL"
        ).fetchall()
    assert found == [
        ("shanzao_2023.txt", "yutang_2023.txt"),
        ("yutang_2023.txt", "shanzao_2023.txt"),
        ("yutang_2023.txt", "yutang_2022.txt"),
    ]


def test_measuring_on_the_parse_workers_texts_equals_measuring_on_the_raw_files(tmp_path, monkeypatch):
    # The texts shards the parse workers leave hold each signed report's compared text: measuring on them
    # (the reports parsed by this build) gives what re-reading the raw files gives (reports of earlier builds).
    raw = tmp_path / "raw"
    raw.mkdir()
    for source in sorted(RAW.glob("*.*")):
        if source.name != "units.csv":
            shutil.copy(source, raw / source.name)
    text = YUTANG.read_text(encoding="utf-8")
    (raw / "shanzao_2023.txt").write_text(text.replace("虞唐镇", "山枣镇"), encoding="utf-8")
    files = scan_raw_folder(raw)
    parse_to_shards(files, tmp_path / "shards", workers=1)
    glob = shard_glob(tmp_path / "shards", "texts")
    con = duckdb.connect()
    stored = dict(con.execute("SELECT report_id, text FROM read_parquet(?)", [glob]).fetchall())
    by_id = {f.report_id: f for f in files}
    assert len(stored) >= 5
    for report_id, compressed in stored.items():
        file = by_id[report_id]
        assert unpack_text(compressed) == comparable_text(file.path.read_bytes(), file.file_name)
    pairs = [(a, b) for a in sorted(stored) for b in sorted(stored) if a < b]
    file_of = {f.report_id: f.file_name for f in files}
    from_raw = measure_in_parallel(pairs, raw, file_of, workers=1)
    from_shards = measure_in_parallel(
        pairs, raw, {}, workers=1, texts_of=lambda ids: {i: stored[i] for i in ids}
    )
    assert from_shards == from_raw and max(from_raw.values()) > 0.9
    # on two threads, and with the raw files read again by a pool of two processes: the same numbers
    monkeypatch.setattr(store_near_duplicates, "_MIN_FILES_FOR_POOL", 1)
    assert measure_in_parallel(pairs, raw, file_of, workers=2) == from_raw
