"""The offline results page (`build/gx/results.html`) shows every expectation's result plainly.

GX's own Data Docs lose their styles, status icons and scripts offline; our page is rendered
from the validation results instead. These tests read the page the way a person would (suite
sections, one table row per expectation, the result as a word) through a small HTML parser.
The unmarked tests need no warehouse: they use hand-made outcomes, GX's JSON shapes, and a tiny
DuckDB file with one passing and one failing expectation. The `warehouse` tests read the page
the build wrote and plant a wrong figure in a copy of the published warehouse.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse.quality import (RESULTS_PAGE, SUITES_DIR, ExpectationOutcome, SuiteOutcome,
                            expectation_outcome, load_suite_files, render_results_page,
                            run_suites, suite_outcome)

ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE = ROOT / "warehouse.duckdb"
BUILT_PAGE = ROOT / "build" / "gx" / RESULTS_PAGE
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@dataclass
class PageRow:
    cells: list[str]

    @property
    def result(self) -> str:
        return self.cells[1]

    @property
    def expectation(self) -> str:
        return self.cells[2]

    @property
    def columns(self) -> str:
        return self.cells[3]


@dataclass
class PageSuite:
    badge: str = ""
    rows: list[PageRow] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Collects each suite section's badge and the text of every expectation row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.suites: dict[str, PageSuite] = {}
        self.overview: dict[str, str] = {}
        self._suite: str | None = None
        self._in_badge = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._overview_row: list[str] | None = None
        self._in_overview = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "overview" in (a.get("class") or ""):
            self._in_overview = True
        if tag == "section" and (a.get("id") or "").startswith("suite-"):
            self._suite = a["id"][len("suite-"):]
            self.suites[self._suite] = PageSuite()
        elif tag == "span" and "badge" in (a.get("class") or "") and self._suite:
            self._in_badge = True
        elif tag == "tr" and "data-expectation" in a and self._suite:
            self._row = []
        elif tag == "tr" and self._in_overview:
            self._overview_row = []
        elif tag == "td" and (self._row is not None or self._overview_row is not None):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_overview = False
        if tag == "section":
            self._suite = None
        elif tag == "span":
            self._in_badge = False
        elif tag == "td" and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self._row if self._row is not None else self._overview_row).append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.suites[self._suite].rows.append(PageRow(self._row))
            self._row = None
        elif tag == "tr" and self._overview_row is not None:
            if self._overview_row:
                self.overview[self._overview_row[0]] = self._overview_row[1]
            self._overview_row = None

    def handle_data(self, data):
        if self._in_badge:
            self.suites[self._suite].badge += data.strip()
        if self._cell is not None:
            self._cell.append(data)


def parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


def assert_offline(html: str) -> None:
    """No script of any kind and nothing fetched from the network: the page must open offline."""
    assert "<script" not in html.lower()
    assert not EXTERNAL.findall(html)
    assert "url(" not in html and "@import" not in html
    assert '<meta charset="utf-8">' in html


def _columns_of(kwargs: dict) -> str:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return ", ".join(cols + list(kwargs.get("column_list", [])))


# --- without the warehouse -------------------------------------------------------------------

def _exp(kind="expect_column_values_to_not_be_null", success=True, **kw) -> ExpectationOutcome:
    return ExpectationOutcome(expectation_type=kind, columns=("fund_name",), arguments=(),
                              success=success, element_count=13,
                              unexpected_count=0 if success else 2,
                              unexpected_percent=0.0 if success else 15.38, **kw)


HAND_MADE = [
    SuiteOutcome("funds", False, "年度末現在高 = 前年度末 + 積立 − 繰入 <script>x</script>",
                 "select 1", (_exp(), _exp("expect_column_pair_values_to_be_equal", False,
                                           unexpected_sample=("[1755637000, 1755636000]",)))),
    SuiteOutcome("bonds", True, "償還", "", (_exp(),)),
]


def test_page_lists_each_suite_and_expectation_with_its_result():
    page = parse_page(render_results_page(HAND_MADE))
    assert list(page.suites) == ["funds", "bonds"]
    assert page.overview == {"funds": "FAILED", "bonds": "passed"}
    assert page.suites["funds"].badge == "FAILED" and page.suites["bonds"].badge == "passed"
    funds = page.suites["funds"].rows
    assert [(r.expectation, r.result) for r in funds] == [
        ("expect_column_values_to_not_be_null", "passed"),
        ("expect_column_pair_values_to_be_equal", "FAILED")]
    assert "2 of 13 rows unexpected (15.38%)" in funds[1].cells
    assert "[1755637000, 1755636000]" in funds[1].cells
    assert funds[0].columns == "fund_name"


def test_page_is_offline_utf8_escaped_and_deterministic():
    html = render_results_page(HAND_MADE, Path("gx/uncommitted/data_docs/local_site/index.html"))
    assert_offline(html)
    assert "年度末現在高" in html  # Japanese written as is, not as entities
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'href="gx/uncommitted/data_docs/local_site/index.html"' in html
    assert render_results_page(HAND_MADE, Path("gx/x.html")) == \
        render_results_page(list(HAND_MADE), Path("gx/x.html"))


def test_outcome_from_gx_result_json():
    """The shapes GX 1.24 returns (`to_json_dict()`): a map expectation, and one that raised."""
    pair = expectation_outcome({
        "success": False,
        "expectation_config": {"type": "expect_column_pair_values_to_be_equal", "id": "b",
                               "kwargs": {"batch_id": "w-funds", "column_A": "printed_value",
                                          "column_B": "computed_value"}},
        "result": {"element_count": 13, "unexpected_count": 7, "unexpected_percent": 53.8,
                   "partial_unexpected_list": [[9.0, 8.0], [2.0, 1.0], [7.0, 6.0], [5.0, 4.0],
                                               [3.0, 2.0], [6.0, 5.0], [4.0, 3.0]]},
        "exception_info": {"raised_exception": False, "exception_message": None}})
    assert pair.columns == ("printed_value", "computed_value") and pair.arguments == ()
    assert pair.unexpected_sample == ("[2, 1]", "[3, 2]", "[4, 3]", "[5, 4]", "[6, 5]")
    broken = expectation_outcome({
        "success": False,
        "expectation_config": {"type": "expect_column_values_to_be_between", "id": "c",
                               "kwargs": {"column": "nope", "min_value": 0.0}},
        "result": {},
        "exception_info": {"m1": {"raised_exception": True, "exception_message": "no column"},
                           "m2": {"raised_exception": True, "exception_message": "no column"}}})
    assert broken.arguments == (("min_value", "0"),) and broken.errors == ("no column",)
    row = parse_page(render_results_page([SuiteOutcome("s", False, "", "", (broken,))]))
    assert row.suites["s"].rows[0].result == "FAILED"
    assert "error: no column" in row.suites["s"].rows[0].cells


def test_expectations_keep_the_suite_files_order():
    """GX hands results back in its own order; the page follows the suite file."""
    def result(eid):
        return {"success": True, "result": {},
                "expectation_config": {"type": f"t_{eid}", "id": eid, "kwargs": {}}}
    outcome = suite_outcome({"name": "s", "meta": {}}, True,
                            [result("c"), result("a"), result("b")], ["a", "b", "c"])
    assert [e.expectation_type for e in outcome.expectations] == ["t_a", "t_b", "t_c"]


TINY_SUITE = {
    "name": "tiny",
    "meta": {"description": "小さな検査", "query": "select * from t"},
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}},
        {"type": "expect_column_pair_values_to_be_equal",
         "kwargs": {"column_A": "printed", "column_B": "computed"}},
        {"type": "expect_column_values_to_be_in_set",
         "kwargs": {"column": "name", "value_set": ["基金", "債券"]}},
    ],
}


def test_run_suites_writes_the_page_and_a_failure_shows_failed(tmp_path):
    db = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t as select * from (values ('基金', 10, 10), ('債券', 5, 4), "
                "('債券', 3, 3)) v(name, printed, computed)")
    con.close()
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "tiny.json").write_text(json.dumps(TINY_SUITE, ensure_ascii=False), encoding="utf-8")
    report = run_suites(db, tmp_path / "gx", suites)
    assert report.docs_index == tmp_path / "gx" / RESULTS_PAGE
    assert f"Data Docs: {report.docs_index}" in report.describe()
    html = report.docs_index.read_text(encoding="utf-8")
    assert_offline(html)
    page = parse_page(html)
    assert page.overview == {"tiny": "FAILED"} and page.suites["tiny"].badge == "FAILED"
    rows = page.suites["tiny"].rows
    assert [(r.expectation, r.columns, r.result) for r in rows] == [
        ("expect_column_values_to_not_be_null", "name", "passed"),
        ("expect_column_pair_values_to_be_equal", "printed, computed", "FAILED"),
        ("expect_column_values_to_be_in_set", "name", "passed")]
    assert "1 of 3 rows unexpected (33.33%)" in rows[1].cells and "[5, 4]" in rows[1].cells
    assert "小さな検査" in html and rows[2].cells[4] == 'value_set = ["基金", "債券"]'
    again = run_suites(db, tmp_path / "gx", suites)
    assert again.docs_index.read_text(encoding="utf-8") == html


# --- on the built warehouse ------------------------------------------------------------------

@pytest.mark.warehouse
def test_built_page_shows_every_suite_and_expectation_passed():
    assert BUILT_PAGE.exists(), "run `make build` first"
    html = BUILT_PAGE.read_text(encoding="utf-8")
    assert_offline(html)
    page = parse_page(html)
    specs = load_suite_files()
    assert list(page.suites) == [s["name"] for s in specs]
    assert page.overview == {s["name"]: "passed" for s in specs}
    for spec in specs:
        rows = page.suites[spec["name"]].rows
        assert page.suites[spec["name"]].badge == "passed"
        assert [(r.expectation, r.columns) for r in rows] == \
            [(e["type"], _columns_of(e["kwargs"])) for e in spec["expectations"]], spec["name"]
        assert all(r.result == "passed" and "0 of " in r.cells[5] for r in rows), spec["name"]


@pytest.mark.warehouse
def test_planted_failure_shows_failed_on_the_page(tmp_path):
    """A fund whose closing balance no longer rolls forward: that row says FAILED, with values."""
    copy = tmp_path / "planted.duckdb"
    shutil.copy(WAREHOUSE, copy)
    con = duckdb.connect(str(copy))
    con.execute("update marts.fct_fund_balances set closing_balance_yen = closing_balance_yen "
                "+ 1000 where rowid = (select min(rowid) from marts.fct_fund_balances)")
    con.close()
    only = tmp_path / "suites"
    only.mkdir()
    shutil.copy(SUITES_DIR / "funds.json", only / "funds.json")
    report = run_suites(copy, tmp_path / "gx", only)
    html = report.docs_index.read_text(encoding="utf-8")
    assert_offline(html)
    page = parse_page(html)
    assert page.overview == {"funds": "FAILED"} and page.suites["funds"].badge == "FAILED"
    results = {(r.expectation, r.columns): r for r in page.suites["funds"].rows}
    roll = results[("expect_column_pair_values_to_be_equal", "printed_value, computed_value")]
    assert roll.result == "FAILED" and "rows unexpected" in roll.cells[5] and roll.cells[6]
    nonneg = results[("expect_column_values_to_be_between", "withdrawals_nonnegative")]
    assert nonneg.result == "passed"
