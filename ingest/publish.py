"""Publishing the built warehouse so that the published path always opens afterwards.

DuckDB keeps a write-ahead log beside its file (`warehouse.duckdb.wal`), found by name. A
BI tool that opened the published file read-write and wrote to it leaves its WAL there; if
the build then renames a new file over the old one, the old file's WAL pairs with the new
file and DuckDB refuses to open it (`WAL does not match database file`). So:

- while another process holds the published file read-write (DuckDB takes an exclusive
  POSIX lock for that), publishing is refused with one line naming the process: its future
  writes would land in a WAL beside the new file;
- otherwise a WAL beside the old file is stale (its writer is gone): it is moved out of the
  way (kept as `….wal.stale-<time>`, not deleted) before the rename, and during the swap the build holds a shared
  lock on the old file, so no writer can open it in between (readers can).

Readers holding the old file keep reading it: the rename leaves their inode alone.
"""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path


class PublishError(Exception):
    """The warehouse cannot be published safely; `str()` is the one line for the user."""

    def __init__(self, message: str):
        super().__init__(message)


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def lock_holders(path: Path) -> list[int]:
    """Pids holding a POSIX write lock on `path` (from /proc/locks; empty where unknown)."""
    try:
        st = path.stat()
        text = Path("/proc/locks").read_text()
    except OSError:
        return []
    pids = []
    for line in text.splitlines():
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 12345 08:01:1234 0 EOF" (device major:minor:inode)
        if len(parts) >= 6 and parts[3] == "WRITE" and parts[5].rsplit(":", 1)[-1] == str(st.st_ino):
            pids.append(int(parts[4]))
    return sorted(set(pids))


def _shared_lock(path: Path) -> int | None:
    """Open `path` and take a shared lock without waiting: the fd, or None if a writer holds it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _writer_message(target: Path) -> str:
    pids = lock_holders(target)
    who = f"process {', '.join(map(str, pids))}" if pids else "another process"
    return (f"{target}: {who} holds the published warehouse open for writing (a read-write "
            "connection); publishing now would pair its write-ahead log with the new file. "
            "Close that connection (BI tools should open it read-only) and build again")


def check_publishable(target: Path) -> None:
    """Raise PublishError if a writer holds `target`; cheap, for before the exports are swapped."""
    if not target.exists():
        return
    fd = _shared_lock(target)
    if fd is None:
        raise PublishError(_writer_message(target))
    os.close(fd)


def publish(building: Path, target: Path) -> Path | None:
    """Rename `building` over `target`; returns where a stale WAL was moved, if there was one.

    The building file must be whole: no WAL of its own left (dbt and the checks closed it).
    """
    if wal_of(building).exists():
        raise PublishError(f"{building}: the built warehouse still has a write-ahead log; "
                           "it was not closed cleanly, so it is not published")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = None
    if target.exists():
        fd = _shared_lock(target)
        if fd is None:
            raise PublishError(_writer_message(target))
    try:
        moved = None
        stale = wal_of(target)
        if stale.exists():
            # kept beside it (same filesystem, so the move is a rename), under a name DuckDB
            # never looks for
            moved = stale.with_name(f"{stale.name}.stale-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(stale, moved)
        os.replace(building, target)
    finally:
        if fd is not None:
            os.close(fd)  # the lock was on the old inode; readers of it go on
    return moved
