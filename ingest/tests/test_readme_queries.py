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
