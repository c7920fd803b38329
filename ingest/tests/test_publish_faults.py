"""The published warehouse stays whole under faults, on a copy of the project, through `make`.

In order, on one copy (each step checks that the published warehouse, its exports and its
report are byte-for-byte what the good build left, unless the step publishes):
1. a good build (the reference);
2. a real file-size limit (`ulimit -f`): dbt and GX succeed on file + WAL, but the file cannot
   be checkpointed: nothing is published, exit 2, one line;
3. a model that does not compile: nothing published, exit 1;
4. a second build while one runs: "another build is running (pid N)", exit 2; then Ctrl-C
   (SIGINT to the running build's process group): one line, exit 130, nothing published;
5. a folder in the way of a seed file (what a read-only `seeds/` amounts to for root, who
   may write anywhere): one line naming it, exit 2, seeds unchanged;
6. `WAREHOUSE_PATH` on another filesystem (/dev/shm, tmpfs): built beside the target and
   published by rename there, exit 0.
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.tests.test_gate import copy_project

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.warehouse


def env_for(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("WAREHOUSE_PATH", "MAKEFLAGS", "MFLAGS")}
    return {**env, **extra}


def make_build(root: Path, *args: str, shell_prefix: str = "", **env: str) -> subprocess.CompletedProcess:
    cmd = f"{shell_prefix}make --no-print-directory build {' '.join(args)}"
    return subprocess.run(["bash", "-c", cmd], cwd=root, env=env_for(**env), capture_output=True,
                          text=True, timeout=900)


def digest(root: Path) -> dict[str, str]:
    """What a user sees as published: the warehouse, every export, the report."""
    files = [root / "warehouse.duckdb", *sorted((root / "exports").glob("*.parquet")),
             root / "reports" / "index.html"]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def one_error(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith(("error: ", "interrupted"))]
    assert len(errors) == 1, proc.stderr[-3000:]
    return errors[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("faults"))
    for name in ("Makefile", "scripts", "ingest", "requirements.lock", "requirements.txt"):
        src = ROOT / name
        (shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
         if src.is_dir() else shutil.copy(src, root / name))
    (root / ".venv").symlink_to(ROOT / ".venv")
    return root


def test_faults_never_replace_a_good_warehouse(project, tmp_path):
    root = project
    proc = make_build(root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    good = digest(root)

    # 2. a real file-size limit (8 MiB; the warehouse is about 15 MiB)
    proc = make_build(root, "BUILD_ARGS=--force", shell_prefix="ulimit -f 8192; ")
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "could not be checkpointed" in one_error(proc)
    assert digest(root) == good

    # 3. a model that does not compile
    model = root / "models" / "marts" / "dim_fiscal_year.sql"
    sql = model.read_text(encoding="utf-8")
    model.write_text(sql + "\nthis is not sql (\n", encoding="utf-8")
    try:
        proc = make_build(root, "BUILD_ARGS=--force")
        assert proc.returncode == 1 and "dbt could not build the models" in one_error(proc)
        assert digest(root) == good
    finally:
        model.write_text(sql, encoding="utf-8")

    # 4. a second build while one runs, then Ctrl-C to the first
    # (SIGINT restored to its default in the child: a test runner started in the background
    # inherits it ignored, as every background job does, and so would the build)
    first = subprocess.Popen(["make", "--no-print-directory", "build", "BUILD_ARGS=--force"],
                             cwd=root, env=env_for(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for line in first.stdout:
            if "dbt seed: loading the seeds" in line:
                break
        second = make_build(root)
        assert second.returncode == 2, second.stdout[-2000:] + second.stderr[-2000:]
        assert "another build is running (pid " in one_error(second)
        time.sleep(2)
        os.killpg(first.pid, signal.SIGINT)
        _, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    # the CLI exits 130; make, interrupted too, ends by the signal as make does (-SIGINT)
    assert first.returncode in (130, -signal.SIGINT), err[-3000:]
    assert "Traceback" not in err and "interrupted: nothing was published" in err
    assert digest(root) == good

    # 5. a folder in the way of a seed file
    seeds = {p.name: p.read_bytes() for p in (root / "seeds").glob("raw_*.csv")}
    blocker = root / "seeds" / ".raw_sections.csv.tmp"
    blocker.mkdir()
    try:
        proc = make_build(root, "BUILD_ARGS=--force")
        assert proc.returncode == 2
        assert ".raw_sections.csv.tmp: cannot write the seeds" in one_error(proc)
        assert {p.name: p.read_bytes() for p in (root / "seeds").glob("raw_*.csv")} == seeds
        assert digest(root) == good
    finally:
        blocker.rmdir()

    # 6. WAREHOUSE_PATH on another filesystem
    shm = Path("/dev/shm")
    other = Path(tempfile_dir(shm if shm.is_dir() else tmp_path))
    try:
        target = other / "warehouse.duckdb"
        proc = make_build(root, "BUILD_ARGS=--force", WAREHOUSE_PATH=str(target))
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        code = "import sys, duckdb; duckdb.connect(sys.argv[1], read_only=True).execute('select 1 from marts.dim_document')"
        assert subprocess.run([sys.executable, "-c", code, str(target)]).returncode == 0
        # exit 0 with the file published on another filesystem: a rename from build/ would
        # have failed with EXDEV; nothing of the build is left beside the target
        assert not any(other.glob(".*.building.duckdb*"))
    finally:
        shutil.rmtree(other, ignore_errors=True)


def tempfile_dir(base: Path) -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="warehouse-", dir=base)
