"""`cli query` as users run it: read the marts, nothing else; end cleanly on any terminal."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE = ROOT / "warehouse.duckdb"
pytestmark = pytest.mark.warehouse


def query(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ingest.cli", "query", *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_an_ascii_terminal_gets_escapes_not_a_traceback():
    proc = query("select municipality_name from marts.dim_municipality order by 1",
                 env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "\\u5c0f\\u91d1\\u4e95\\u5e02" in proc.stdout


def test_piped_into_head_ends_cleanly():
    cmd = (f"{sys.executable} -m ingest.cli query 'select * from marts.fct_activity_metrics, "
           "range(20)' | head -1")
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.startswith("municipality_code")


def test_empty_sql_is_one_line():
    proc = query("  ")
    assert proc.returncode == 2 and proc.stderr.startswith("error: empty SQL")
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("sql", [
    "copy (select 'x' as a) to 'warehouse.duckdb' (format csv)",
    "copy (select 'x' as a) to 'seeds/ref_municipalities.csv' (format csv)",
    "select * from read_text('/etc/shadow')",
    "select * from read_csv('/etc/passwd')",
    "select * from glob('/root/*')",
    "attach 'build/x.duckdb' as x",
    "create table marts.scratch as select 1",
])
def test_no_statement_reads_or_writes_files(sql):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (WAREHOUSE, ROOT / "seeds" / "ref_municipalities.csv")}
    proc = query(sql)
    assert proc.returncode == 1 and proc.stderr.startswith("error: "), (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralized():
    proc = query("--csv", "select '=HYPERLINK(\"x\")' as a, '+1' as b, '@sum' as c, -3 as d, "
                 "'-1' as e, '市' as f")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1] == "\"'=HYPERLINK(\"\"x\"\")\",'+1,'@sum,-3,'-1,市"
