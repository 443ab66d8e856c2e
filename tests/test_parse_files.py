"""Parsing many files in worker processes gives what parsing them one by one gives, in order."""

import shutil
from pathlib import Path

from pipeline.manifest import scan_raw_folder
from pipeline.parse_files import MIN_FILES_FOR_POOL, parse_files, parse_one

RAW = Path(__file__).parent.parent / "raw"


def test_pool_results_equal_sequential_results_in_file_order(tmp_path):
    seeds = sorted(RAW.glob("*.txt"))
    count = MIN_FILES_FOR_POOL + 50
    for i in range(count):
        seed = seeds[i % len(seeds)]
        # a changed first line makes every file distinct content, as a real folder would be
        text = seed.read_text(encoding="utf-8")
        (tmp_path / f"{i:04d}_{seed.name}").write_text(f"# copy {i}\n{text}", encoding="utf-8")
    files = scan_raw_folder(tmp_path)
    progress = []

    parallel = parse_files(files, workers=2, on_batch=progress.append)

    assert len(parallel) == count
    assert [p.done for p in progress][-1] == count and all(p.total == count for p in progress)
    for file, report in zip(files[::37], parallel[::37], strict=True):
        assert report == parse_one(file)
    assert sum(len(r.cells) for r in parallel) == 200 * count


def test_small_folders_are_parsed_in_process(tmp_path):
    for seed in sorted(RAW.glob("*.txt")):
        shutil.copy(seed, tmp_path / seed.name)
    files = scan_raw_folder(tmp_path)
    reports = parse_files(files, workers=2)
    assert [len(r.cells) for r in reports] == [200] * 5
