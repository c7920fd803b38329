"""Tests for ingest.extract.bills: 議案 tables written in the column-aligned layout of a
議案審議結果 (`pdftotext -layout`), with made-up bills of a made-up council."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from ingest.reading.document import Document, Line
from ingest.extract import EXTRACTOR_MODULES
from ingest.extract.bills import BILL_KINDS, OUTCOMES, SEED, extract, place, Column, Run
from ingest.reading.load import load_shipped
from ingest.reading.normalize import normalize_line
from ingest.warehouse.schema import FACT_SEEDS
from ingest.tables.cells import layout_line

ROOT = Path(__file__).resolve().parents[2]


def at(*cells: tuple[int, str]) -> str:
    """A laid-out line: each text starting at its character position (as pdftotext pads)."""
    line = ""
    for pos, text in cells:
        line = line.ljust(pos) if len(line) < pos else line + "  "
        line += text
    return line


def doc_of(lines: list[str], fiscal_year: int = 2025) -> Document:
    """A Document of raw lines, normalized and laid out as the ingest would."""
    return Document("gikai-test", "222038", fiscal_year, "pdf_flow",
                    [Line(i + 1, normalize_line(s)) for i, s in enumerate(lines)],
                    laid_out=[layout_line(s) for s in lines])


SESSION = "第２回（令和７年６月）定例会"
HEADER = [
    at((49, "提出日"), (68, "委員会"), (79, "年月日")),
    at((0, "議案番号"), (24, "議案名"), (41, "提出"), (56, "付託"), (74, "議決")),
    at((49, "提出者"), (67, "審査結果"), (79, "審議結果")),
]
REPORT_HEADER = [
    at((49, "提出日")),
    at((0, "議案番号"), (24, "議案名"), (41, "提出"), (56, "報告"), (68, "年月日")),
    at((49, "提出者")),
]


def top(submitted: str, committee: str, decided: str, title: str = "") -> str:
    cells = [(8, title)] if title else []
    cells += [(46, submitted)] + ([(62, committee)] if committee else []) + [(75, decided)]
    return at(*cells)


def bottom(by: str, committee_result: str, result: str, title: str = "") -> str:
    cells = [(8, title)] if title else []
    return at(*cells, (47, by), (61, committee_result), (76, result))


def bills(lines: list[str], fiscal_year: int = 2025) -> list[dict]:
    return extract(doc_of(lines, fiscal_year)).rows.get(SEED, [])


def by_label(rows: list[dict]) -> dict[str, dict]:
    return {r["bill_label"]: r for r in rows}


ORDINANCES = [
    SESSION, "", "●条例 （地方自治法第96条第1項第1号）", *HEADER,
    top("7.6.3", "総務", "7.6.24"),
    "議第40号 架空市手数料条例の一部改正",
    bottom("市長", "可決すべきもの", "可決"),
    top("7.6.3", "文教", "7.6.24", title="架空市市民活動センターの設置及び管理に関する条例の全"),
    "議第41号",
    bottom("市長", "否決すべきもの", "否決", title="部改正"),
]


# ----------------------------------------------------------------------------- reading

def test_bills_with_their_dates_committee_and_results():
    rows = by_label(bills(ORDINANCES))
    assert list(rows) == ["議第40号", "議第41号"]
    first = rows["議第40号"]
    assert first == {
        "document_id": "gikai-test", "source_line": 8, "session_label": "第2回(令和7年6月)定例会",
        "category": "条例", "bill_kind": "議", "bill_no": 40, "bill_label": "議第40号",
        "title": "架空市手数料条例の一部改正", "submitted_on": date(2025, 6, 3),
        "submitted_by": "市長", "committee": "総務", "committee_result": "可決すべきもの",
        "decided_on": date(2025, 6, 24), "reported_on": None, "result": "可決",
        "status": "ok", "note": None,
    }


def test_a_title_wrapped_above_and_below_its_number_is_joined():
    second = by_label(bills(ORDINANCES))["議第41号"]
    assert second["title"] == "架空市市民活動センターの設置及び管理に関する条例の全部改正"
    assert (second["committee"], second["committee_result"], second["result"]) == \
        ("文教", "否決すべきもの", "否決")
    assert second["source_line"] == 11 and second["status"] == "ok"


def test_a_bill_with_no_committee():
    """Referral omitted (省略) and no committee finding (-): NULL, with the omission noted;
    a committee cell left blank is NULL too, and the other cells keep their columns."""
    lines = [
        SESSION, "●人事", *HEADER,
        top("7.6.3", "省略", "7.6.24"),
        "同意第5号 固定資産評価審査委員会委員の選任の同意",
        bottom("市長", "-", "同意"),
        top("7.6.3", "", "7.6.24"),
        "議第42号 市道路線の認定",
        at((47, "市長"), (76, "可決")),
    ]
    rows = by_label(bills(lines))
    consent = rows["同意第5号"]
    assert (consent["bill_kind"], consent["category"]) == ("同意", "人事")
    assert (consent["committee"], consent["committee_result"], consent["result"]) == \
        (None, None, "同意")
    assert consent["decided_on"] == date(2025, 6, 24)
    assert (consent["status"], consent["note"]) == ("ok", "委員会: 省略")
    blank = rows["議第42号"]
    assert (blank["committee"], blank["committee_result"]) == (None, None)
    assert (blank["submitted_on"], blank["decided_on"], blank["result"]) == \
        (date(2025, 6, 3), date(2025, 6, 24), "可決")
    assert blank["status"] == "ok"


def test_a_report_is_reported_not_decided():
    """Under a 報告 header, `年月日` is the date of the report: reported_on, no decision."""
    lines = [
        SESSION, "●報告 （地方自治法第180条関係ほか）", *REPORT_HEADER,
        at((46, "7.6.3")),
        at((0, "報第7号 専決処分の報告（損害賠償額の決定）"), (63, "7.6.10")),
        at((47, "市長")),
    ]
    (row,) = bills(lines)
    assert (row["bill_label"], row["category"], row["submitted_by"]) == ("報第7号", "報告", "市長")
    assert (row["submitted_on"], row["reported_on"], row["decided_on"], row["result"]) == \
        (date(2025, 6, 3), date(2025, 6, 10), None, None)
    assert row["status"] == "ok"


def test_lines_that_are_not_bills():
    """A page number and a note inside the table, a page break, and prose naming a bill after
    it: no bill of their own, and the bills around them keep their rows."""
    lines = ORDINANCES[:9] + ["", "\f- 2 -", "※ 審査結果は委員長報告による"] + ORDINANCES[9:] + [
        "", "議第40号は原案のとおり可決された。", "2 請願審議",
        at((0, "請願第1号 架空市の道路の整備を求める請願"), (60, "採択")),
    ]
    rows = bills(lines)
    assert [r["bill_label"] for r in rows] == ["議第40号", "議第41号"]
    assert all(r["status"] == "ok" for r in rows), [r["note"] for r in rows]
    assert rows[1]["title"] == "架空市市民活動センターの設置及び管理に関する条例の全部改正"


def test_another_councils_one_row_layout():
    """A header of one row (議案番号 件名 提出日 付託委員会 議決日 結果), each bill on one line, a
    title continued on the line under it; the era is the one the document names (平成)."""
    lines = [
        "平成30年第4回定例会 議決結果",
        at((0, "議案番号"), (12, "件名"), (44, "提出日"), (54, "付託委員会"), (66, "議決日"),
           (76, "結果")),
        at((0, "議案第91号"), (12, "平成30年度一般会計補正予算（第５号）"), (44, "30.11.28"),
           (54, "総務"), (66, "30.12.14"), (76, "原案可決")),
        at((0, "議案第92号"), (12, "指定管理者の指定について（市民"), (44, "30.11.28"),
           (54, "厚生"), (66, "30.12.14"), (76, "可決")),
        at((12, "会館）")),
    ]
    rows = by_label(bills(lines, fiscal_year=2018))
    assert rows["議案第91号"]["bill_kind"] == "議案"
    assert rows["議案第91号"]["decided_on"] == date(2018, 12, 14)
    assert rows["議案第91号"]["session_label"] == "平成30年第4回定例会"
    assert rows["議案第92号"]["title"] == "指定管理者の指定について(市民会館)"
    assert all(r["status"] == "ok" for r in rows.values())


# ----------------------------------------------------------------------------- planted bad data

def _planted(top_line: str = top("7.6.3", "総務", "7.6.24"),
             bottom_line: str = bottom("市長", "可決すべきもの", "可決")) -> dict:
    lines = [SESSION, "●条例", *HEADER, top_line, "議第40号 架空市手数料条例の一部改正",
             bottom_line]
    (row,) = bills(lines)
    return row


def test_a_date_that_does_not_read_lands_unresolved_with_the_reason():
    row = _planted(top_line=top("7.6.33", "総務", "7.6.24"))
    assert row["status"] == "unresolved"
    assert "提出日 '7.6.33' is not a date" in row["note"]
    assert row["submitted_on"] is None
    assert (row["decided_on"], row["committee"], row["title"]) == \
        (date(2025, 6, 24), "総務", "架空市手数料条例の一部改正")


def test_a_date_outside_the_fiscal_year_is_unresolved():
    row = _planted(top_line=top("5.6.3", "総務", "7.6.24"))
    assert row["status"] == "unresolved"
    assert "outside fiscal year 2025" in row["note"]


def test_a_decision_before_the_submission_is_unresolved():
    row = _planted(top_line=top("7.6.24", "総務", "7.6.3"))
    assert row["status"] == "unresolved"
    assert "before it was submitted" in row["note"]


def test_a_result_that_is_no_outcome_is_unresolved():
    row = _planted(bottom_line=bottom("市長", "可決すべきもの", "市長"))
    assert row["status"] == "unresolved"
    assert "審議結果 '市長' is not a known outcome" in row["note"]


def test_rows_that_fit_either_bill_are_unresolved_not_guessed():
    """One line of title text only between two bills: the end of the first title or the start
    of the second? Both bills land `unresolved` with the reason."""
    lines = [
        SESSION, "●条例", *HEADER,
        top("7.6.3", "総務", "7.6.24"),
        "議第40号 架空市手数料条例の一部改正",
        at((8, "改正")),
        "議第41号 架空市税条例の一部改正",
        bottom("市長", "可決すべきもの", "可決"),
    ]
    rows = bills(lines)
    assert [r["status"] for r in rows] == ["unresolved", "unresolved"]
    assert all("fit the columns in no single way" in r["note"] for r in rows)


# ----------------------------------------------------------------------------- pieces and wiring

def test_place_keeps_order_and_leaves_gaps_by_nearness():
    cols = [Column("submitted_on", "提出日", -1, 49, 52), Column("committee", "委員会", -1, 68, 71),
            Column("decided_on", "年月日", -1, 79, 82)]
    placed = place([Run(46, 53, "7.6.3"), Run(75, 81, "7.6.24")], cols)
    assert [(c.concept, r.text) for c, r in placed] == [("submitted_on", "7.6.3"),
                                                         ("decided_on", "7.6.24")]
    assert place([Run(i, i + 1, "x") for i in range(4)], cols) is None


def test_documents_without_a_bill_table_give_nothing():
    assert extract(load_shipped("koganei-2021")).rows == {}
    no_outcome = [at((0, "議案番号"), (24, "議案名"), (44, "提出日")), at((0, "議第1号 何か"), (44, "7.6.3"))]
    assert extract(doc_of(no_outcome)).rows == {}  # a list of bills without any outcome column


def test_rows_use_the_seed_columns_and_the_extractor_is_registered():
    assert "bills" in EXTRACTOR_MODULES
    allowed = set(FACT_SEEDS[SEED])
    for row in bills(ORDINANCES):
        assert set(row) <= allowed


def test_the_marts_accepted_values_are_the_extractors():
    models = yaml.safe_load((ROOT / "models" / "marts" / "_marts__models.yml")
                            .read_text(encoding="utf-8"))["models"]
    mart = next(m for m in models if m["name"] == "fct_council_bills")
    accepted = {c["name"]: t["accepted_values"]["arguments"]["values"]
                for c in mart["columns"] for t in c.get("data_tests", [])
                if isinstance(t, dict) and "accepted_values" in t}
    assert accepted["bill_kind"] == list(BILL_KINDS)
    assert accepted["result"] == list(OUTCOMES)


@pytest.mark.parametrize("kind", sorted(BILL_KINDS))
def test_every_kind_is_read(kind):
    lines = [SESSION, "●その他", *HEADER, top("7.6.3", "総務", "7.6.24"),
             f"{kind}第3号 架空の件", bottom("市長", "可決すべきもの", "可決")]
    (row,) = bills(lines)
    assert (row["bill_kind"], row["bill_no"], row["bill_label"]) == (kind, 3, f"{kind}第3号")
