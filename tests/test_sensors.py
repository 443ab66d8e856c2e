"""The raw-folder sensor requests a run when the folder's listing changes, and only then."""

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.resources import PipelineSettings
from pipeline.defs.sensors import raw_folder_sensor

SEED_FILES = sorted((Path(__file__).resolve().parents[1] / "raw").glob("*.txt"))


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in SEED_FILES[:2]:
        shutil.copy(seed, folder / seed.name)
    return folder


def tick(raw_dir: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"settings": PipelineSettings(raw_dir=str(raw_dir))}
    )
    return raw_folder_sensor(context)


def assert_requests_a_run(result) -> str:
    assert isinstance(result, dg.SensorResult), result
    assert len(result.run_requests) == 1
    assert result.cursor
    return result.cursor


def test_first_tick_requests_a_run(raw_dir):
    assert_requests_a_run(tick(raw_dir, None))


def test_no_change_no_run(raw_dir):
    cursor = assert_requests_a_run(tick(raw_dir, None))

    result = tick(raw_dir, cursor)

    assert isinstance(result, dg.SkipReason)


def test_added_file_requests_a_run(raw_dir):
    cursor = assert_requests_a_run(tick(raw_dir, None))
    shutil.copy(SEED_FILES[2], raw_dir / SEED_FILES[2].name)

    new_cursor = assert_requests_a_run(tick(raw_dir, cursor))

    assert new_cursor != cursor
    assert isinstance(tick(raw_dir, new_cursor), dg.SkipReason)


def test_added_file_in_a_subfolder_requests_a_run(raw_dir):
    cursor = assert_requests_a_run(tick(raw_dir, None))
    (raw_dir / "2024").mkdir()
    shutil.copy(SEED_FILES[2], raw_dir / "2024" / "x.txt")

    assert_requests_a_run(tick(raw_dir, cursor))


def test_changed_file_requests_a_run(raw_dir):
    cursor = assert_requests_a_run(tick(raw_dir, None))
    target = raw_dir / SEED_FILES[0].name
    target.chmod(0o644)  # the seeds are read-only
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    assert_requests_a_run(tick(raw_dir, cursor))


def test_hidden_files_are_ignored(raw_dir):
    cursor = assert_requests_a_run(tick(raw_dir, None))
    (raw_dir / ".DS_Store").write_bytes(b"x")

    assert isinstance(tick(raw_dir, cursor), dg.SkipReason)


def test_missing_folder_is_skipped(tmp_path):
    assert isinstance(tick(tmp_path / "nowhere", None), dg.SkipReason)


def test_a_file_name_that_is_not_utf8_is_listed(raw_dir):
    cursor = assert_requests_a_run(tick(raw_dir, None))
    (raw_dir / os.fsdecode("报告".encode("gb18030") + b".txt")).write_bytes(b"x")
    assert assert_requests_a_run(tick(raw_dir, cursor)) != cursor
