"""The raw folder scan: names, hashes, what is skipped."""

from __future__ import annotations

import hashlib
import os

import pytest

from pipeline.manifest import RawFile, report_id_for, scan_raw_folder


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    files = {
        "b.txt": b"second report",
        "a.html": "<p>政府信息公开工作年度报告</p>".encode(),
        "2023/湖南/x.txt": b"nested report",
        "2023/湖南/deeper/y.pdf": bytes(range(256)) * 5000,  # > 1 MiB: hashed across several chunks
        "2023/units.csv": b"a nested units.csv is a file like any other",
        # skipped
        "units.csv": b"file_name,unit",
        "README.md": b"about this folder",
        ".hidden.txt": b"x",
        ".git/objects/ab": b"x",
        "2023/.DS_Store": b"x",
    }
    for name, content in files.items():
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return raw


def test_scan_finds_nested_files_with_posix_names_and_hashes(raw):
    found = scan_raw_folder(raw)
    assert [f.file_name for f in found] == [
        "2023/units.csv",
        "2023/湖南/deeper/y.pdf",
        "2023/湖南/x.txt",
        "a.html",
        "b.txt",
    ]
    for f in found:
        content = (raw / f.file_name).read_bytes()
        assert f == RawFile(f.file_name, raw / f.file_name, hashlib.sha256(content).hexdigest(), len(content))
    big = found[1]
    assert big.size_bytes == 1_280_000
    assert big.sha256 == hashlib.sha256(bytes(range(256)) * 5000).hexdigest()
    assert big.report_id == big.sha256[:16]


def test_report_id_survives_rename(raw):
    before = {f.file_name: f.report_id for f in scan_raw_folder(raw)}
    (raw / "b.txt").rename(raw / "2023" / "renamed.txt")
    after = {f.file_name: f.report_id for f in scan_raw_folder(raw)}
    assert (
        after["2023/renamed.txt"]
        == before["b.txt"]
        == report_id_for(hashlib.sha256(b"second report").hexdigest())
    )
    assert report_id_for("AB" * 32) == "ab" * 8
    with pytest.raises(ValueError):
        report_id_for("not-a-hash")


def test_symlinks_outside_are_not_followed(raw, tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "passwd.txt").write_bytes(b"outside the raw folder")
    os.symlink(outside / "passwd.txt", raw / "link-to-outside-file.txt")
    os.symlink(outside, raw / "link-to-outside-dir")
    os.symlink(raw / "missing.txt", raw / "broken-link.txt")
    os.symlink(raw / "b.txt", raw / "2023" / "link-to-b.txt")  # inside: listed, same content and id as b.txt
    os.symlink(raw, raw / "2023" / "loop")  # a directory link, not descended: no loop

    found = {f.file_name: f for f in scan_raw_folder(raw)}
    assert not any("outside" in name or "broken" in name or "loop" in name for name in found)
    assert found["2023/link-to-b.txt"].sha256 == found["b.txt"].sha256
    assert len(found) == 6


def test_scan_rejects_a_missing_folder(tmp_path):
    with pytest.raises(NotADirectoryError):
        scan_raw_folder(tmp_path / "nope")
