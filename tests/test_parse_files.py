"""Parsing many files in worker processes into Parquet shards gives what parsing them one by one gives."""

import shutil
from pathlib import Path

import duckdb

from pipeline.manifest import scan_raw_folder
from pipeline.parse_files import MIN_FILES_FOR_POOL, parse_one, parse_to_shards, shard_glob

RAW = Path(__file__).parent.parent / "raw"


def _copies(folder: Path, count: int) -> None:
    seeds = sorted(RAW.glob("*.txt"))
    for i in range(count):
        seed = seeds[i % len(seeds)]
        # a changed first line makes every file distinct content, as a real folder would be
        text = seed.read_text(encoding="utf-8")
        (folder / f"{i:04d}_{seed.name}").write_text(f"# copy {i}\n{text}", encoding="utf-8")


def test_pool_shards_hold_what_sequential_parsing_gives(tmp_path):
    raw, shards = tmp_path / "raw", tmp_path / "shards"
    raw.mkdir()
    count = MIN_FILES_FOR_POOL + 50
    _copies(raw, count)
    files = scan_raw_folder(raw)
    progress = []

    summaries = parse_to_shards(files, shards, workers=2, on_batch=progress.append)

    assert [s.report_id for s in summaries] == [f.report_id for f in files]
    assert [p.done for p in progress][-1] == count and all(p.total == count for p in progress)
    con = duckdb.connect()
    facts = con.sql(f"SELECT count(*) FROM read_parquet('{shard_glob(shards, 'facts')}')").fetchall()[0][0]
    assert facts == 200 * count == sum(s.cells for s in summaries)
    for file in files[::37]:
        report = parse_one(file)
        rows = con.execute(
            f"SELECT table_code, row_code, col_code, cell_state, value, source_line "
            f"FROM read_parquet('{shard_glob(shards, 'facts')}') WHERE report_id = ? ORDER BY source_line, "
            "table_code, row_code, col_code",
            [file.report_id],
        ).fetchall()
        expected = sorted(
            (c.table_code, c.row_code, c.col_code, c.cell_state, c.value, c.source_line) for c in report.cells
        )
        assert sorted(rows, key=lambda r: (r[5], r[0], r[1], r[2])) == sorted(
            expected, key=lambda r: (r[5], r[0], r[1], r[2])
        )
        (meta,) = con.execute(
            f"SELECT unit_name, year, parse_status FROM read_parquet('{shard_glob(shards, 'reports')}') "
            "WHERE report_id = ?",
            [file.report_id],
        ).fetchall()
        assert meta == (report.meta.unit_name, report.meta.year, report.parse_status)


def test_small_folders_are_parsed_in_process_with_units_claims_and_signatures(tmp_path):
    for seed in sorted(RAW.glob("*.txt")):
        shutil.copy(seed, tmp_path / seed.name)
    files = scan_raw_folder(tmp_path)
    summaries = parse_to_shards(files, tmp_path / "shards", workers=2)
    assert [s.cells for s in summaries] == [200] * 5
    assert sorted(s.division_status for s in summaries) == ["ambiguous"] + ["resolved"] * 4
    con = duckdb.connect()
    (signed,) = con.sql(
        f"SELECT count(*) FROM read_parquet('{shard_glob(tmp_path / 'shards', 'text_signatures')}')"
    ).fetchall()[0]
    assert signed == 5
    assert (
        sum(s.claims for s in summaries)
        == con.sql(
            f"SELECT count(*) FROM read_parquet('{shard_glob(tmp_path / 'shards', 'narrative_claims')}')"
        ).fetchall()[0][0]
    )


def test_one_file_whose_cells_are_not_cells_is_a_failed_report(tmp_path, monkeypatch):
    # parse_one goes through the same contract check as the workers: a result it cannot even read into
    # columns is a failed report, not an exception
    import pipeline.parse_files as parse_files_module

    real_parse = parse_files_module.parse_report

    def parse_report(data, file_name=""):
        report = real_parse(data, file_name)
        report.cells[0] = None
        return report

    monkeypatch.setattr(parse_files_module, "parse_report", parse_report)
    (file,) = scan_raw_folder(_one_seed(tmp_path))
    report = parse_one(file)
    assert report.parse_status == "failed" and report.cells == []
    assert [i.code for i in report.issues] == ["parser_contract_violation"]


def _one_seed(folder: Path) -> Path:
    shutil.copy(sorted(RAW.glob("*.txt"))[0], folder)
    return folder
