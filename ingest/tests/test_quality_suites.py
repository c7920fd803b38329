"""Each Great Expectations suite fails when a wrong value is planted in a copy of the warehouse.

These run after the build (marker `warehouse`): they copy the published warehouse, plant one
wrong figure that breaks exactly the identity a suite asserts, and run that suite.
"""
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse.quality import SUITES_DIR, load_suite_files, render_results_page, run_suites
from ingest.tests.test_quality_docs import parse_page

ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE = ROOT / "warehouse.duckdb"
pytestmark = pytest.mark.warehouse

FIRST = "rowid = (select min(rowid) from {t} where {w})"
PLANTS = {
    "conventions_facts": ("marts.fct_meetings", "municipality_code = '13210X'", "true"),
    "allocation_tax": ("marts.fct_local_allocation_tax", "amount_yen = amount_yen + 1000",
                       "item_name = '交付基準額'"),
    "allocation_tax_components": ("marts.fct_allocation_tax_components",
                                  "amount_yen = amount_yen + 1000", "level = 1"),
    "reconciliation_gate": ("marts.rpt_reconciliation", "status = 'mismatch'", "true"),
    "funds": ("marts.fct_fund_balances", "closing_balance_yen = closing_balance_yen + 1000", "true"),
    "budgets": ("marts.fct_budget_items", "final_budget_yen = final_budget_yen + 1000", "status = 'ok'"),
    "bonds": ("marts.fct_bond_issues", "amount_yen = amount_yen + 1000", "status = 'ok'"),
    "monthly_tables": ("marts.fct_activity_metrics", "value = value + 1", "period_month = 4"),
}


def test_every_suite_has_a_planted_failure_test():
    assert sorted(s["name"] for s in load_suite_files()) == sorted(PLANTS)


def test_conventions_suite_covers_every_fact_mart():
    import yaml

    models = yaml.safe_load((ROOT / "models" / "marts" / "_marts__models.yml").read_text(encoding="utf-8"))
    facts = sorted(m["name"] for m in models["models"] if m["name"].startswith("fct_"))
    query = next(s for s in load_suite_files() if s["name"] == "conventions_facts")["meta"]["query"]
    assert "fct_table_cells" in facts
    assert [f for f in facts if f"from marts.{f}" not in query] == []


@pytest.fixture(scope="module")
def clean_report(tmp_path_factory):
    assert WAREHOUSE.exists(), "run `make build` first"
    return run_suites(WAREHOUSE, tmp_path_factory.mktemp("gx"), docs=False)


def test_shipped_warehouse_passes_every_suite(clean_report):
    assert clean_report.success, clean_report.describe()


@pytest.mark.parametrize("suite", sorted(PLANTS))
def test_suite_fails_on_planted_value(tmp_path, suite):
    copy = tmp_path / "planted.duckdb"
    shutil.copy(WAREHOUSE, copy)
    table, change, where = PLANTS[suite]
    con = duckdb.connect(str(copy))
    con.execute(f"update {table} set {change} where {FIRST.format(t=table, w=where)}")
    con.close()
    only = tmp_path / "suites"
    only.mkdir()
    shutil.copy(SUITES_DIR / f"{suite}.json", only / f"{suite}.json")
    report = run_suites(copy, tmp_path / "gx", only, docs=False)
    assert report.suites == {suite: False}, report.describe()
    page = parse_page(render_results_page(report.outcomes))  # and the results page says so
    assert page.overview == {suite: "FAILED"}
    assert any(row.result == "FAILED" for row in page.suites[suite].rows)


def test_data_docs_open_offline():
    import re

    site = ROOT / "build" / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = list(site.rglob("*.html"))
    assert (site / "index.html").exists() and len(pages) >= len(PLANTS)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.findall(r"<(?:script|link|img)[^>]*(?:src|href)=[\"']https?://", html), page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="offline-index"' in index
    for suite in PLANTS:  # every suite is listed with its result and a link to its validation
        assert f">{suite}</a></td><td>passed</td>" in index
        assert f'href="validations/{suite}/' in index
