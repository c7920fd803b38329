"""Publishing always leaves a warehouse that opens, whatever other processes do with the file.

Real second processes hold the published file: a read-write holder that wrote a scratch
table (a BI tool), one killed after writing (its WAL left behind), and a read-only reader.
"""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse import publish
from ingest.warehouse.build import read_stamp, write_stamp

HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
if sys.argv[2] == "rw":
    con.execute("create table scratch as select 42 as answer")  # a BI tool's scratch table
print("holding", flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from information_schema.tables").fetchone()[0], flush=True)
sys.stdin.readline()
"""


def make_db(path: Path, table: str) -> Path:
    con = duckdb.connect(str(path))
    con.execute(f"create table {table} as select 1 as x")
    con.close()
    return path


def hold(path: Path, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), mode], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def opens_in_fresh_process(path: Path) -> str:
    code = ("import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
            "print(','.join(sorted(r[0] for r in con.execute('show tables').fetchall())))")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_a_writer_holding_the_file_blocks_publishing(tmp_path):
    target, building = make_db(tmp_path / "w.duckdb", "old"), make_db(tmp_path / "b.duckdb", "new")
    writer = hold(target, "rw")
    try:
        assert publish.wal_of(target).exists()
        with pytest.raises(publish.PublishError) as err:
            publish.publish(building, target)
        message = str(err.value)
        assert f"process {writer.pid} holds the published warehouse open for writing" in message
        assert "\n" not in message
        assert building.exists()  # the new build is kept, nothing was swapped
    finally:
        writer.kill()
        writer.wait()


def test_a_stale_wal_never_pairs_with_the_new_file(tmp_path):
    """A writer killed after writing leaves its WAL; the published path must still open."""
    target, building = make_db(tmp_path / "w.duckdb", "old"), make_db(tmp_path / "b.duckdb", "new")
    writer = hold(target, "rw")
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert publish.wal_of(target).exists()
    moved = publish.publish(building, target)
    assert moved is not None and moved.exists() and not publish.wal_of(target).exists()
    assert opens_in_fresh_process(target) == "new"


def test_without_moving_the_stale_wal_the_file_would_not_open(tmp_path):
    """The failure the fix prevents, shown on the same files: a plain rename breaks the path."""
    target, building = make_db(tmp_path / "w.duckdb", "old"), make_db(tmp_path / "b.duckdb", "new")
    writer = hold(target, "rw")
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    os.replace(building, target)
    code = "import sys, duckdb; duckdb.connect(sys.argv[1], read_only=True)"
    proc = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True)
    assert proc.returncode != 0 and "WAL" in proc.stderr


def test_a_reader_keeps_reading_and_does_not_block(tmp_path):
    target, building = make_db(tmp_path / "w.duckdb", "old"), make_db(tmp_path / "b.duckdb", "new")
    reader = hold(target, "ro")
    try:
        assert publish.publish(building, target) is None
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"  # still the old file's one table
        assert opens_in_fresh_process(target) == "new"
    finally:
        reader.kill()
        reader.wait()


def test_a_building_file_with_its_own_wal_is_not_published(tmp_path):
    target, building = make_db(tmp_path / "w.duckdb", "old"), make_db(tmp_path / "b.duckdb", "new")
    publish.wal_of(building).write_bytes(b"unflushed")
    with pytest.raises(publish.PublishError, match="write-ahead log"):
        publish.publish(building, target)
    assert opens_in_fresh_process(target) == "old"


@pytest.mark.parametrize("damage", ["", "{", '{"fingerprint": "ab', "null", "[1]",
                                    '{"fingerprint": "x"}'])
def test_a_damaged_stamp_means_nothing_known(tmp_path, damage):
    stamp = tmp_path / "published.json"
    stamp.write_text(damage, encoding="utf-8")
    assert read_stamp(stamp) is None
    assert read_stamp(tmp_path / "absent.json") is None


def test_the_stamp_is_written_whole(tmp_path):
    stamp = tmp_path / "published.json"
    write_stamp(stamp, {"fingerprint": "f", "warehouse": "w", "exit_code": 0})
    assert json.loads(stamp.read_text(encoding="utf-8"))["exit_code"] == 0
    assert read_stamp(stamp)["fingerprint"] == "f"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published.json"]  # no temp left


def test_failing_dbt_tests_are_named_not_hashed():
    """run_results ids of generic tests end in a hash; the summary shows the test's name."""
    from ingest.warehouse.build import _node_name

    assert _node_name("test.municipal_reports.not_null_dim_municipality_municipality_name"
                      ".b58bf088a0") == "not_null_dim_municipality_municipality_name"
    assert _node_name("test.municipal_reports.assert_budget_sides_balance") == \
        "assert_budget_sides_balance"
    assert _node_name("unit_test.municipal_reports.rpt_reconciliation.status_from_checks") == \
        "rpt_reconciliation::status_from_checks"
