"""Build beside, then swap: the published database file is never written in place.

A build writes `<target>.building`, is checkpointed and closed by its caller, and `publish` renames it onto
the target with os.replace (atomic on POSIX). An analyst who holds the old file open read-only keeps reading
the old inode until they reconnect: they never block the build and never see a half-built database.
`writer_lock` keeps two builds of the same target from running at once.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING_SUFFIX = ".building"
LOCK_SUFFIX = ".lock"
_POLL_SECONDS = 0.05


class BuildLockTimeout(TimeoutError):
    """Another build of the same database held the writer lock for longer than the timeout."""


def staging_path(target: Path) -> Path:
    """Where a build of `target` is written: the sibling `<target>.building` (same filesystem, so the
    final rename is atomic)."""
    target = Path(target)
    return target.with_name(target.name + STAGING_SUFFIX)


def wal_path(database: Path) -> Path:
    """DuckDB's write-ahead log for a database file: `<database>.wal`."""
    database = Path(database)
    return database.with_name(database.name + ".wal")


def lock_path(target: Path) -> Path:
    target = Path(target)
    return target.with_name(target.name + LOCK_SUFFIX)


def begin_build(target: Path) -> Path:
    """Remove any stale staging file (its WAL, its spill folder) left by a crashed or killed build; return
    the fresh staging path.

    Call it while holding writer_lock(target): the staging file of a running build would be deleted too.
    """
    staging = staging_path(target)
    staging.parent.mkdir(parents=True, exist_ok=True)
    discard_build(staging)
    return staging


def shards_path(staging: Path) -> Path:
    """The folder of a build's parse shards: `<staging>.shards` (pipeline/parse_files.py)."""
    staging = Path(staging)
    return staging.with_name(staging.name + ".shards")


def discard_build(staging: Path) -> None:
    """Remove a staging file, its WAL and DuckDB's spill folder (`<file>.tmp`) after a failed build; the
    published file is untouched."""
    staging = Path(staging)
    staging.unlink(missing_ok=True)
    wal_path(staging).unlink(missing_ok=True)
    shutil.rmtree(staging.with_name(staging.name + ".tmp"), ignore_errors=True)
    shutil.rmtree(shards_path(staging), ignore_errors=True)


def publish(staging: Path, target: Path) -> None:
    """Atomically replace `target` by the finished `staging` database.

    The caller must have run CHECKPOINT and closed every connection to `staging` first. Then: fsync the
    staging file, os.replace it onto target, fsync the directory, so after a crash the target is either the
    old or the new database, whole.
    """
    staging, target = Path(staging), Path(target)
    if not staging.is_file():
        raise FileNotFoundError(f"nothing to publish: {staging} does not exist")
    if wal_path(staging).exists():
        # Its content would be lost by the rename: the caller did not checkpoint and close.
        raise RuntimeError(
            f"{wal_path(staging)} exists: run CHECKPOINT and close the connection to {staging} before publishing"
        )
    _fsync_path(staging)
    # A WAL left by someone who opened the old target read-write belongs to the old file; DuckDB would
    # replay it onto the new one.
    wal_path(target).unlink(missing_ok=True)
    os.replace(staging, target)
    _fsync_dir(target.parent)


@contextmanager
def writer_lock(
    target: Path, timeout: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold an exclusive lock on `<target>.lock` for the duration of a build.

    timeout=None waits as long as it takes; otherwise raise BuildLockTimeout after `timeout` seconds
    (0 = try once). on_wait(message) is called once when the lock is held by another build and this one
    starts waiting for it. The lock is an flock on an open file: released by the kernel when the holder exits
    or crashes (even on SIGKILL), so there is never a stale lock to clean up. The file itself stays
    (deleting it would race).
    """
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, timeout, on_wait)
        # The holder's pid, for the error message another build shows while waiting.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock


def _acquire(fd: int, path: Path, timeout: float | None, on_wait: Callable[[str], None] | None) -> None:
    if _try_lock(fd):
        return
    holder = _read_holder(path)
    running = f"another build of {path.name.removesuffix(LOCK_SUFFIX)} is running{f' (pid {holder})' if holder else ''}"
    if timeout is not None and timeout <= 0:
        raise BuildLockTimeout(f"{running}: lock {path} is held")
    if on_wait is not None:
        limit = "until it finishes" if timeout is None else f"up to {timeout:g}s for it to finish"
        on_wait(f"{running}: waiting {limit}")
    if timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BuildLockTimeout(f"{running}: lock {path} still held after {timeout:g}s")
        time.sleep(min(_POLL_SECONDS, remaining))
        if _try_lock(fd):
            return


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        return False
    return True


def _read_holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
