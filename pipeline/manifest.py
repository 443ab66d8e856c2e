"""The raw folder's manifest: which report files exist and what their content hash is. No Dagster.

A report's identity is its content, not its name: `report_id_for(sha256)` gives the same id to a file that was
renamed or moved, and two byte-identical files get the same id (the loader keeps one of them).

`scan_raw` also returns the paths it saw but did not read (links it does not follow, special files, files
the OS refused to open), each with the reason, so the file ledger can account for them.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from pipeline.gc_pause import collector_paused

# Top-level files that describe the folder rather than being reports.
_TOP_LEVEL_SKIP_EXACT = frozenset({"units.csv"})
_TOP_LEVEL_SKIP_PREFIX = "README"

_CHUNK_SIZE = 1 << 20  # 1 MiB: bounded memory whatever the file size


@dataclass(frozen=True)
class RawFile:
    file_name: str  # POSIX path relative to the raw folder, e.g. "2023/hunan/x.txt" (see display_name)
    path: Path  # raw_dir / file_name (a symlink stays a symlink path; opening it follows it)
    sha256: str  # lowercase hex digest of the content
    size_bytes: int
    # st_mtime_ns of the file when it was hashed; None when not known (a RawFile made by hand)
    modified_ns: int | None = field(default=None, compare=False)

    @cached_property  # asked for several times per file by every build (412,000 calls for 103,000 files)
    def report_id(self) -> str:
        return report_id_for(self.sha256)


@dataclass(frozen=True)
class SkippedPath:
    """A path below the raw folder that was seen but not read."""

    file_name: str
    reason: str  # a sentence for a person


@dataclass(frozen=True)
class RawScan:
    files: list[RawFile]  # sorted by file_name
    skipped: list[SkippedPath]  # sorted by file_name


_HEX16 = re.compile(r"[0-9a-f]{16}")


def report_id_for(sha256: str) -> str:
    """The report's stable id: the first 16 hex characters of its content's sha256."""
    digest = sha256.strip().lower()
    if not _HEX16.match(digest):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return digest[:16]


def display_name(rel: PurePosixPath) -> str:
    """The relative path as text that any database can store: a name that is not valid UTF-8 (e.g. GBK
    bytes from a zip made on Chinese Windows) keeps its undecodable bytes as \\xNN escapes."""
    return _display(rel.as_posix())


def scan_raw_folder(raw_dir: Path) -> list[RawFile]:
    """Every regular file below raw_dir, hashed, sorted by file_name (see scan_raw for what is skipped)."""
    return scan_raw(raw_dir).files


def scan_raw(raw_dir: Path, known: Mapping[str, tuple[int, int, str]] | None = None) -> RawScan:
    """Every regular file below raw_dir, hashed, sorted by file_name; and the paths seen but not read.

    known: file_name -> (size in bytes, modification time in microseconds, sha256) from an earlier scan
    (the files ledger): a file whose size and modification time are unchanged keeps its hash without
    being read, as make and rsync judge files. A full build passes none and reads everything.

    Skipped silently: hidden files and directories (name starts with "."), a top-level units.csv and
    README*, and symlinked directories whose target is inside raw_dir (scanned in place; this also rules
    out loops). Skipped with a reason: symlinks whose target lies outside raw_dir or does not exist (never
    followed), anything that is not a regular file (a pipe, a socket, a device), and files that cannot be
    opened. A symlink to a regular file inside raw_dir is listed under the link's own name.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise NotADirectoryError(f"raw folder not found or not a directory: {raw_dir}")
    with collector_paused():  # a RawFile and a Path per file, no cycles
        return _scan(raw_dir, known or {})


def _scan(raw_dir: Path, known: Mapping[str, tuple[int, int, str]]) -> RawScan:
    found: list[RawFile] = []
    skipped: list[SkippedPath] = []
    folders = {"": raw_dir}  # relative folder -> its Path, so each file's Path is made from its folder's
    for rel, entry_path, reason in _walk(raw_dir, raw_dir.resolve(), ""):
        name = _display(rel)
        if reason is not None:
            skipped.append(SkippedPath(name, reason))
            continue
        path = _path_of(folders, rel)
        try:
            sha256, size, modified_ns = _hash_file(entry_path, known.get(name))
        except FileNotFoundError:
            continue  # removed between the listing and the read: not in the folder any more
        except OSError as exc:
            skipped.append(SkippedPath(name, f"The file could not be read: {exc.strerror or exc}."))
            continue
        found.append(RawFile(name, path, sha256, size, modified_ns))
    found.sort(key=lambda f: f.file_name)
    skipped.sort(key=lambda s: s.file_name)
    return RawScan(found, skipped)


def list_raw_files(raw_dir: Path) -> list[PurePosixPath]:
    """The report files below raw_dir as relative paths, without hashing: the files scan_raw_folder reads."""
    raw_dir = Path(raw_dir)
    return [PurePosixPath(rel) for rel, _, reason in _walk(raw_dir, raw_dir.resolve(), "") if reason is None]


def _path_of(folders: dict[str, Path], rel: str) -> Path:
    """raw_dir / rel, without parsing rel's parts again: `raw_dir / rel` costs ~10 µs a file (a second of a
    scan of 100,000), a child of the folder's Path made once is a list append."""
    folder, _, leaf = rel.rpartition("/")
    parent = folders.get(folder)
    if parent is None:
        parent = folders[folder] = _path_of(folders, folder)
    return _child(parent, leaf)


def _child(parent: Path, name: str) -> Path:
    # what Path.iterdir() does for a name from the directory listing (one part, no separator); the private
    # helper is pathlib's own (Python 3.11 and 3.12), with `/` where it is missing
    make = getattr(parent, "_make_child_relpath", None)
    return make(name) if make is not None else parent / name


def _display(rel: str) -> str:
    # display_name of the walk's '/'-joined text (no PurePosixPath per file: a scan makes 100,000s)
    return os.fsencode(rel).decode("utf-8", errors="backslashreplace")


def _walk(directory: str | Path, root: Path, rel_dir: str) -> Iterator[tuple[str, str, str | None]]:
    """(relative path, path, None) for a file to read, (relative path, path, reason) for a path seen and not
    read. Relative paths are '/'-joined text ("" is the top): plain strings keep a large scan cheap."""
    with os.scandir(directory) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        if not rel_dir and _skipped_top_level(entry.name):
            continue
        if entry.is_symlink():
            reason = _link_reason(Path(entry.path), root)
            if reason != _SCANNED_IN_PLACE:
                yield rel, entry.path, reason
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, root, rel)
        elif entry.is_file(follow_symlinks=False):
            yield rel, entry.path, None
        else:
            yield rel, entry.path, "Not a regular file (a pipe, socket or device): not read."


_SCANNED_IN_PLACE = "a link to a folder inside the raw folder"


def _skipped_top_level(name: str) -> bool:
    return name in _TOP_LEVEL_SKIP_EXACT or name.startswith(_TOP_LEVEL_SKIP_PREFIX)


def _link_reason(link: Path, root: Path) -> str | None:
    """None for a link to a regular file inside root (read under the link's name), else why it is skipped."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # broken link or a symlink loop
        return "A broken symbolic link (its target does not exist): not followed."
    if not target.is_relative_to(root):
        return "A symbolic link to a path outside the raw folder: not followed."
    if target.is_dir():
        return _SCANNED_IN_PLACE
    if not target.is_file():
        return "A symbolic link to something that is not a regular file: not followed."
    return None


def _hash_file(path: str | Path, known: tuple[int, int, str] | None = None) -> tuple[str, int, int]:
    if known is not None:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns // 1000) == known[:2]:
            return known[2], st.st_size, st.st_mtime_ns
    digest = hashlib.sha256()
    size = 0
    # O_NONBLOCK: a FIFO swapped in after the listing must not hang the scan
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file")
        while chunk := f.read(_CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    # size counted from the bytes hashed, so the two always describe the same content
    return digest.hexdigest(), size, st.st_mtime_ns
