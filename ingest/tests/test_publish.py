"""Publishing: DuckDB 1.4 clients read the warehouse; exports hold the marts' rows."""
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE = ROOT / "warehouse.duckdb"
OLD_CLIENT = ROOT / ".venv" / "duckdb14"
pytestmark = pytest.mark.warehouse


def test_duckdb_14_client_reads_the_published_warehouse():
    assert OLD_CLIENT.exists(), "scripts/setup.sh installs a DuckDB 1.4 client into .venv/duckdb14"
    code = ("import duckdb, sys; assert duckdb.__version__.startswith('1.4'), duckdb.__version__; "
            f"con = duckdb.connect({str(WAREHOUSE)!r}, read_only=True); "
            "print(duckdb.__version__, con.execute('select count(*) from marts.fct_budget_revisions').fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(OLD_CLIENT)},
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0].startswith("1.4") and int(out[1]) > 0


def test_every_mart_is_exported_to_parquet_with_the_same_rows():
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    try:
        marts = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                           "where table_schema = 'marts'").fetchall()]
        declared = yaml.safe_load((ROOT / "models" / "marts" / "_marts__models.yml")
                                  .read_text(encoding="utf-8"))["models"]
        assert sorted(marts) == sorted(m["name"] for m in declared)  # fct_table_cells too
        assert len(marts) >= 23
        for mart in marts:
            parquet = ROOT / "exports" / f"{mart}.parquet"
            assert parquet.exists(), parquet
            diff = con.execute(
                f"select count(*) from ((select * from marts.{mart} except all "
                f"select * from read_parquet('{parquet}')) union all (select * from "
                f"read_parquet('{parquet}') except all select * from marts.{mart}))").fetchone()[0]
            assert diff == 0, mart
    finally:
        con.close()


def test_dbt_docs_are_one_offline_page():
    from ingest.warehouse.build import build_docs

    page = build_docs(WAREHOUSE)
    assert page is not None and page.name == "static_index.html"
    html = page.read_text(encoding="utf-8")
    import re

    external = re.findall(r"<(?:script|link|img)[^>]*(?:src|href)=[\"']https?://", html)
    assert external == [], external[:3]
    assert "fct_budget_revisions" in html


def test_query_cli_shows_duckdb_errors_without_traceback():
    proc = subprocess.run([sys.executable, "-m", "ingest.cli", "query", "select * from nope"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: Catalog Error") and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "ingest.cli", "query", "--json",
                           "select document_id from marts.dim_document order by 1"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    assert '"document_id": "akiruno-2024"' in proc.stdout
