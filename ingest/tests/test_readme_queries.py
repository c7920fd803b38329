"""Every SQL block in the README's "Ready queries" runs as written on the built warehouse."""
import re
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.warehouse


def readme_queries() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Ready queries", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_readme_has_ready_queries():
    assert len(readme_queries()) >= 5


@pytest.mark.parametrize("index", range(len(readme_queries())))
def test_ready_query_runs(index):
    con = duckdb.connect(str(ROOT / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(readme_queries()[index]).fetchall()
    finally:
        con.close()
    assert rows, "a ready query should answer with rows on the shipped documents"


def test_revision_count_leaves_out_the_carryover_line():
    """Ready query 3: 小金井 一般会計 prints 当初 + 17 補正/専決 and one 繰越 line (not a revision)."""
    query = next(q for q in readme_queries() if "as revisions" in q)
    con = duckdb.connect(str(ROOT / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(f"select revisions from ({query}) where municipality_code = '132101' "
                           "and account_name = '一般会計'").fetchall()
    finally:
        con.close()
    assert rows == [(17,)]
