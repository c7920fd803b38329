"""`make build` as a user runs it, on a copy of the project: exit codes, publishing, the stamp.

One copy, four builds in order (each step starts from what the previous one left):
1. a planted wrong total: `make build` exits 1 (published, flagged), not make's own 2;
2. a BI tool wrote a scratch table through a read-write connection and was killed, leaving
   its WAL, and a crash left `build/published.json` empty: the next `make build` rebuilds
   (no "nothing changed"), publishes, exits 0, and the published file opens in a fresh process;
3. a read-write holder alive: `make build` refuses to publish in one line naming its pid,
   exits 2, and the published warehouse is the one from step 2;
4. a bad manifest line: exit 2 with one line.
"""
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.tests.test_gate import copy_project

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.warehouse
TOTAL = "39,695,500"  # the 市債 合計 of 借入額 in the 小金井 document
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create table main.scratch as select 42 as answer")
print("holding", flush=True)
sys.stdin.readline()
"""


def make_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("WAREHOUSE_PATH", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(["make", "--no-print-directory", "build", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


def opens(path: Path) -> bool:
    code = ("import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
            "con.execute('select count(*) from marts.dim_document').fetchone()")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True).returncode == 0


def holder(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_make_build_exit_codes_and_publishing(tmp_path):
    root = copy_project(tmp_path)
    for name in ("Makefile", "scripts", "ingest", "requirements.lock", "requirements.txt"):
        src = ROOT / name
        (shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
         if src.is_dir() else shutil.copy(src, root / name))
    (root / ".venv").symlink_to(ROOT / ".venv")
    doc = root / "data" / "raw" / "koganei_2021_jimu_jisseki.txt"
    text = doc.read_text(encoding="utf-8")
    warehouse = root / "warehouse.duckdb"

    # 1. a check fails: published, flagged, exit 1 through make
    doc.write_text(text.replace(TOTAL, "39,695,600"), encoding="utf-8")
    proc = make_build(root)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "MISMATCH koganei-2021:" in proc.stdout and opens(warehouse)

    # 2. stale WAL of a killed read-write holder + an empty stamp: rebuild, publish, exit 0
    writer = holder(warehouse)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert (root / "warehouse.duckdb.wal").exists()
    (root / "build" / "published.json").write_text("", encoding="utf-8")
    doc.write_text(text, encoding="utf-8")
    proc = make_build(root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "nothing changed" not in proc.stdout and "Traceback" not in proc.stderr
    assert "moved a write-ahead log" in proc.stdout
    assert not (root / "warehouse.duckdb.wal").exists() and opens(warehouse)
    published = warehouse.stat().st_ino
    # progress: each stage with its elapsed seconds, dbt's line for each model as it finishes
    stages = [line for line in proc.stdout.splitlines() if line.startswith("[") and "s] " in line]
    assert [s.split("] ", 1)[1].split(":")[0] for s in stages] == [
        "ingest", "dbt seed", "dbt run", "dbt test", "great expectations", "publishing"]
    assert any(" OK created sql table model marts.fct_bond_balances " in line
               for line in proc.stdout.splitlines())
    # the last line suggests a command that works here: run it
    open_it = proc.stdout.strip().splitlines()[-1]
    assert open_it.startswith("open it: (cd ") and "duckdb -readonly" not in open_it or shutil.which("duckdb")
    command = open_it[len("open it: "):].split("   or   ")[0]
    ran = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert ran.returncode == 0 and "koganei-2021" in ran.stdout, ran.stderr

    # 3. a live read-write holder: nothing published, one line naming it, exit 2
    writer = holder(warehouse)
    try:
        proc = make_build(root, "BUILD_ARGS=--force")
        errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
        assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert len(errors) == 1 and f"process {writer.pid} holds the published warehouse" in errors[0]
        assert "Traceback" not in proc.stderr and warehouse.stat().st_ino == published
    finally:
        writer.kill()
        writer.wait()

    # 4. bad input: exit 2, one line naming the manifest line
    manifest = root / "data" / "raw" / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "x,../../etc/passwd,132101,2021,t,\n",
                        encoding="utf-8")
    proc = make_build(root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith("error: ") and "manifest.csv:4:" in proc.stderr
