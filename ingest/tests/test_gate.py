"""The gate, end to end: a wrong total planted in a source document fails the build.

(It also shows that a reader holding the published warehouse open does not block a rebuild.)

The build still publishes (flagged), prints the failing check with document and line, and
exits non-zero; an acknowledgement in the reviewed file next to the manifest turns that one
check into `expected_mismatch` and nothing else does.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse.build import build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.warehouse
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
q = "select count(*) from marts.rpt_reconciliation where status = 'mismatch'"
print("mismatches", con.execute(q).fetchone()[0], flush=True)
sys.stdin.readline()
print("mismatches", con.execute(q).fetchone()[0], flush=True)
"""
PROJECT = ["dbt_project.yml", "profiles", "models", "macros", "tests", "gx", "data", ".sqlfluff"]


def copy_project(dest: Path) -> Path:
    for name in PROJECT:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy(src, dest / name)
    (dest / "seeds").mkdir()
    for seed in ROOT.joinpath("seeds").iterdir():
        if seed.name.startswith(("ref_", "_")):
            shutil.copy(seed, dest / "seeds" / seed.name)
    return dest


def test_planted_wrong_total_fails_the_build(tmp_path, monkeypatch, capsys):
    root = copy_project(tmp_path)
    doc = root / "data" / "raw" / "koganei_2021_jimu_jisseki.txt"
    text = doc.read_text(encoding="utf-8")
    assert text.count("39,695,500") == 1  # the 市債 合計 of 借入額
    doc.write_text(text.replace("39,695,500", "39,695,600"), encoding="utf-8")
    line = text[: text.index("39,695,500")].count("\n") + 1
    monkeypatch.setenv("WAREHOUSE_PATH", str(root / "warehouse.duckdb"))

    assert build(jobs=1, root=root) == 1
    out = capsys.readouterr().out
    assert f"MISMATCH koganei-2021:{line}" in out
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    rows = con.execute("select check_id, reported_value, computed_value from marts.rpt_reconciliation "
                       "where status = 'mismatch'").fetchall()
    con.close()
    # 100 千円 off: in yen in the typed extractors' checks, in 千円 (as printed) in the table
    # engine's, which finds the same misprint on its own
    assert rows and all(r[1] - r[2] in (100_000, 100) for r in rows), rows
    assert any(r[0].split(":")[1] == "table" for r in rows) and any(r[1] - r[2] == 100_000 for r in rows)

    ack = root / "data" / "raw" / "acknowledged_mismatches.csv"
    ack.write_text("check_id,note,reviewed_by\n" + "".join(
        f"{r[0]},planted misprint (test),test\n" for r in rows), encoding="utf-8")
    # A reader (a BI tool) holds the published warehouse open during the rebuild: the build
    # must not fail, and the reader keeps seeing the complete previous warehouse.
    # (A separate process, as a BI tool is: in one process DuckDB shares the open instance.)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(root / "warehouse.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == f"mismatches {len(rows)}"
    assert build(jobs=1, root=root) == 0
    out, _ = reader.communicate("again\n", timeout=60)
    assert out.strip() == f"mismatches {len(rows)}"  # the old, complete warehouse
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    statuses = dict(con.execute("select status, count(*) from marts.rpt_reconciliation "
                                "group by status").fetchall())
    con.close()
    assert statuses.get("mismatch", 0) == 0 and statuses["expected_mismatch"] == len(rows) + 1

    # Nothing changed: the rebuild is skipped and the published file is left as it is.
    before = (root / "warehouse.duckdb").stat()
    assert build(jobs=1, root=root) == 0
    assert "nothing changed since the last build" in capsys.readouterr().out
    after = (root / "warehouse.duckdb").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
