"""The raw folder's manifest: which report files exist and what their content hash is. No Dagster.

A report's identity is its content, not its name: `report_id_for(sha256)` gives the same id to a file that was
renamed or moved, and two byte-identical files get the same id (the loader keeps one of them).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Top-level files that describe the folder rather than being reports.
_TOP_LEVEL_SKIP_EXACT = frozenset({"units.csv"})
_TOP_LEVEL_SKIP_PREFIX = "README"

_CHUNK_SIZE = 1 << 20  # 1 MiB: bounded memory whatever the file size


@dataclass(frozen=True)
class RawFile:
    file_name: str  # POSIX path relative to the raw folder, e.g. "2023/hunan/x.txt"
    path: Path  # raw_dir / file_name (a symlink stays a symlink path; opening it follows it)
    sha256: str  # lowercase hex digest of the content
    size_bytes: int

    @property
    def report_id(self) -> str:
        return report_id_for(self.sha256)


def report_id_for(sha256: str) -> str:
    """The report's stable id: the first 16 hex characters of its content's sha256."""
    digest = sha256.strip().lower()
    if len(digest) < 16 or any(c not in "0123456789abcdef" for c in digest[:16]):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return digest[:16]


def scan_raw_folder(raw_dir: Path) -> list[RawFile]:
    """Every regular file below raw_dir, hashed, sorted by file_name.

    Skipped: hidden files and directories (name starts with "."), a top-level units.csv and README*,
    anything that is not a regular file, symlinks whose target lies outside raw_dir or does not exist,
    and symlinked directories (their targets inside raw_dir are scanned in place; this also rules out loops).
    A symlink to a regular file inside raw_dir is listed under the link's own name.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise NotADirectoryError(f"raw folder not found or not a directory: {raw_dir}")
    found: list[RawFile] = []
    for rel in list_raw_files(raw_dir):
        path = raw_dir.joinpath(*rel.parts)
        sha256, size = _hash_file(path)
        found.append(RawFile(file_name=rel.as_posix(), path=path, sha256=sha256, size_bytes=size))
    found.sort(key=lambda f: f.file_name)
    return found


def list_raw_files(raw_dir: Path) -> list[PurePosixPath]:
    """The report files below raw_dir as relative paths, without hashing: the files scan_raw_folder reads."""
    raw_dir = Path(raw_dir)
    return list(_walk(raw_dir, raw_dir.resolve(), PurePosixPath()))


def _walk(directory: Path, root: Path, rel_dir: PurePosixPath):
    with os.scandir(directory) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = rel_dir / entry.name
        if not rel_dir.parts and _skipped_top_level(entry.name):
            continue
        if entry.is_symlink():
            if _is_file_inside(Path(entry.path), root):
                yield rel
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), root, rel)
        elif entry.is_file(follow_symlinks=False):
            yield rel


def _skipped_top_level(name: str) -> bool:
    return name in _TOP_LEVEL_SKIP_EXACT or name.startswith(_TOP_LEVEL_SKIP_PREFIX)


def _is_file_inside(link: Path, root: Path) -> bool:
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # broken link or a symlink loop
        return False
    return target.is_relative_to(root) and target.is_file()


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    # size counted from the bytes hashed, so the two always describe the same content
    return digest.hexdigest(), size
