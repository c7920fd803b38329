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


# ------------------------------------------------------------------ what may be published

def mart_row_counts(db_path: Path) -> dict[str, int]:
    """Rows per mart as this process sees the file (with its WAL, if one is left)."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        marts = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                           "where table_schema = 'marts'").fetchall()]
        return {m: con.execute(f'select count(*) from marts."{m}"').fetchone()[0] for m in marts}
    finally:
        con.close()


def verify_whole(building: Path, expected: dict[str, int], required: list[str]) -> None:
    """Raise PublishError unless `building` may replace the published warehouse.

    It must be checkpointed (everything in the main file, no WAL left: the rename moves only
    the main file), open read-only in a fresh process, and hold every required (contract)
    mart with the row counts the build saw. A full disk or a file-size limit lets dbt and the
    checks succeed on file + WAL while the main file alone is incomplete; this is where that
    is caught, before the old warehouse is touched.
    """
    import subprocess
    import sys

    import duckdb

    try:
        con = duckdb.connect(str(building))
        try:
            con.execute("checkpoint")
        finally:
            con.close()
    except (duckdb.Error, OSError) as exc:
        raise PublishError(f"{building}: could not be checkpointed ({' '.join(str(exc).split())[:200]}); "
                           "is the disk full?") from None
    if wal_of(building).exists():
        raise PublishError(f"{building}: a write-ahead log is left after the checkpoint; "
                           "the file is not whole (is the disk full?)")
    proc = subprocess.run([sys.executable, "-m", "ingest.warehouse.publish", str(building)],
                          cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise PublishError(f"{building}: does not open read-only in a fresh process ({last[:200]})")
    import json

    seen = json.loads(proc.stdout)
    missing = [m for m in required if m not in seen]
    if missing:
        raise PublishError(f"{building}: {len(missing)} contract marts are missing from the file "
                           f"({', '.join(missing[:5])}{' …' if len(missing) > 5 else ''})")
    differ = [f"{m} {seen.get(m)} of {n}" for m, n in sorted(expected.items()) if seen.get(m) != n]
    if differ:
        raise PublishError(f"{building}: row counts differ from what the build saw "
                           f"({', '.join(differ[:5])})")


def building_path(build_dir: Path, target: Path) -> Path:
    """Where to build: `build/`, or beside the target when that is on another filesystem.

    Publishing is a rename, and a rename cannot cross filesystems (`EXDEV`); building on the
    target's filesystem keeps the publish one atomic step wherever `WAREHOUSE_PATH` points.
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    if os.stat(parent).st_dev == os.stat(build_dir).st_dev:
        return build_dir / "warehouse.building.duckdb"
    return parent / f".{target.stem}.building.duckdb"


def swap_dir(new: Path, final: Path) -> None:
    """Replace the folder `final` by `new` (old one moved aside, then removed)."""
    import shutil

    old = final.with_name(final.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    new.rename(final)
    if old.exists():
        shutil.rmtree(old)


class BuildLock:
    """One build at a time per checkout: an exclusive `flock` on `build/build.lock`.

    A second build does not wait: it says which process holds the lock and stops (exit 2).
    The kernel drops the lock when the holder dies, so a killed build never leaves it stuck.
    """

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise PublishError(f"another build is running (pid {holder}) in this checkout "
                               f"({self.path}); wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


if __name__ == "__main__":  # `python -m ingest.warehouse.publish FILE`: rows per mart as JSON (fresh process)
    import json
    import sys

    print(json.dumps(mart_row_counts(Path(sys.argv[1]))))
