"""Budget extractor: revision history (小金井) and 款 budget/settlement tables (あきる野)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.extract.budget import extract
from ingest.reading.load import load_document, load_shipped
from ingest.warehouse.schema import FACT_SEEDS
from ingest.tables.solver import feasible_choices, place, placements
from ingest.tests.fragments import make_doc


def bad_checks(ex):
    return [c for c in ex.checks if c["reported_value"] != c["computed_value"]]


def rows_of(ex, seed):
    return ex.rows.get(seed, [])


@pytest.fixture(scope="module")
def koganei():
    return extract(load_shipped("koganei-2021"))


@pytest.fixture(scope="module")
def akiruno():
    return extract(load_shipped("akiruno-2024"))


# --- solver -----------------------------------------------------------------------------------

def test_placements_keep_print_order():
    assert placements(2, 3) == [(0, 1), (0, 2), (1, 2)]
    assert placements(0, 2) == [()]
    assert placements(3, 2) == []
    assert place([5, 7], (0, 2), 3) == (5, 0, 7)


def test_solver_determines_rows_from_column_totals():
    # row A prints 10 (第1号 or 第2号), row B prints 5 (either): totals (10, 5) decide both
    a = [(10, 0), (0, 10)]
    b = [(5, 0), (0, 5)]
    res = feasible_choices([a, b], (10, 5))
    assert res.solvable and res.determined(0) == 0 and res.determined(1) == 1


def test_solver_reports_ambiguity_and_infeasibility():
    a = [(10, 0), (0, 10)]
    res = feasible_choices([a, a], (10, 10))
    assert res.solvable and res.determined(0) is None and res.feasible[0] == [0, 1]
    res = feasible_choices([a, a], (99, 0))
    assert not res.solvable and res.feasible == [[], []]


# --- 小金井: revision history -----------------------------------------------------------------

def test_koganei_revision_rows(koganei):
    rows = rows_of(koganei, "raw_budget_revisions")
    assert len(rows) == 33
    assert all(r["status"] == "ok" for r in rows)
    by_acc = {}
    for r in rows:
        by_acc.setdefault(r["account_name"], []).append(r)
    assert list(by_acc) == ["一般会計", "国民健康保険特別会計", "介護保険特別会計",
                            "後期高齢者医療特別会計", "下水道事業会計"]
    assert [len(v) for v in by_acc.values()] == [19, 5, 3, 4, 2]
    for acc_rows in by_acc.values():
        assert [r["revision_seq"] for r in acc_rows] == list(range(len(acc_rows)))
        assert acc_rows[0]["revision_label"] == "当初予算"
    general = by_acc["一般会計"]
    assert general[0]["amount_yen"] == 45_350_000_000
    assert general[0]["decided_on"] == date(2021, 3, 8)
    senketsu = general[3]
    assert (senketsu["revision_label"], senketsu["decided_on_kind"]) == ("専決", "専決処分日")
    assert senketsu["decided_on"] == date(2021, 4, 5)
    carry = general[5]
    assert carry["source_line"] == 305
    assert (carry["revision_label"], carry["decided_on_kind"]) == ("繰越", "議会報告日")
    assert carry["amount_yen"] is None and carry["carryover_yen"] == 34_734_000
    assert carry["budget_after_yen"] == 46_706_296_000
    assert carry["budget_after_with_carryover_yen"] == 46_741_030_000
    assert general[4]["budget_after_with_carryover_yen"] is None
    last = general[-1]  # a line whose cells OCR shifted left (no leading tab)
    assert last["decided_on"] == date(2022, 3, 24) and last["amount_yen"] == 19_738_000
    assert last["budget_after_yen"] == 55_261_029_000
    assert last["budget_after_with_carryover_yen"] == 55_295_763_000
    assert by_acc["下水道事業会計"][1]["amount_yen"] == -57_008_000
    for r in rows:
        assert set(k for k in r if not k.startswith("_")) <= set(FACT_SEEDS["raw_budget_revisions"])


def test_koganei_checks_all_ok(koganei):
    assert len(koganei.checks) >= 33 + 13
    assert not bad_checks(koganei)
    assert not rows_of(koganei, "raw_budget_items")


def test_revision_table_fragment_unknown_mark_and_planted_error():
    doc = make_doc([
        "(単位:千円)",
        "区 分\t議決年月日\t当初予算額\t補正予算額\t予算現額",
        "一 般 会 計\t3. 3. 8\t1,000\t\t1,000",
        "\t※3 3. 5. 1\t\t100\t1,100",
        "3. 6. 1\t\t50\t1,999\t",  # planted wrong 予算現額 (1,150 computed)
        "",
        "(注) ※1については、専決処分日",
    ], "markdown_tsv")
    ex = extract(doc)
    rows = rows_of(ex, "raw_budget_revisions")
    assert [r["revision_seq"] for r in rows] == [0, 1, 2]
    assert rows[1]["status"] == "unresolved" and "※3" in rows[1]["note"]
    assert rows[2]["status"] == "ok" and rows[2]["amount_yen"] == 50_000
    bad = bad_checks(ex)
    assert len(bad) == 1
    assert bad[0]["reported_value"] == 1_999_000 and bad[0]["computed_value"] == 1_150_000


# --- あきる野: budget / settlement tables ---------------------------------------------------

def test_akiruno_counts_and_all_ok(akiruno):
    items = rows_of(akiruno, "raw_budget_items")
    revs = rows_of(akiruno, "raw_budget_item_revisions")
    totals = rows_of(akiruno, "raw_budget_revisions")
    assert len(items) == 79 and len(revs) == 76 and len(totals) == 27
    assert all(r["status"] == "ok" for r in items + revs + totals)
    accounts = {r["account_name"] for r in items}
    assert accounts == {
        "国民健康保険特別会計", "後期高齢者医療特別会計", "介護保険特別会計", "戸倉財産区特別会計",
        "テレビ共同受信事業特別会計", "秋多都市計画事業武蔵引田駅北口土地区画整理事業特別会計",
        "下水道事業会計(収益的収支)", "下水道事業会計(資本的収支)"}
    keys = [(r["account_name"], r["side"], r["item_no"]) for r in items]
    assert len(keys) == len(set(keys))
    assert not bad_checks(akiruno)
    assert all(c["computed_value"] is not None for c in akiruno.checks)


def test_akiruno_split_labels_and_placements(akiruno):
    items = {(r["account_name"], r["side"], r["item_no"]): r
             for r in rows_of(akiruno, "raw_budget_items")}
    nhi = "国民健康保険特別会計"
    assert items[(nhi, "expenditure", 3)]["item_name"] == "国民健康保険事業費納付金"
    assert items[("介護保険特別会計", "revenue", 2)]["item_name"] == "使用料及び手数料"
    revs = {(r["account_name"], r["side"], r["item_no"], r["revision_seq"]): r["amount_yen"]
            for r in rows_of(akiruno, "raw_budget_item_revisions")}
    # 都支出金 prints 1,551 and 600: the totals put them in 第1号 and 第4号
    assert revs[(nhi, "revenue", 3, 1)] == 1_551_000 and revs[(nhi, "revenue", 3, 4)] == 600_000
    assert revs[(nhi, "revenue", 1, 2)] == -16_658_000
    kouki = "後期高齢者医療特別会計"
    assert items[(kouki, "expenditure", 2)]["reserve_transfer_yen"] == 250_000
    assert items[(kouki, "expenditure", 6)]["reserve_transfer_yen"] == -250_000
    assert items[(kouki, "expenditure", 1)]["reserve_transfer_yen"] is None
    # 区画整理: numbers printed after (3)公営企業会計, item numbers beside the heading
    kukaku = "秋多都市計画事業武蔵引田駅北口土地区画整理事業特別会計"
    assert items[(kukaku, "revenue", 7)]["item_name"] == "市債"
    assert items[(kukaku, "revenue", 7)]["_value_lines"][0] == 1179
    assert not any(k[0] == kukaku and k[3] == 1 for k in revs)  # 第1号 total is 0
    gesui = "下水道事業会計(収益的収支)"
    assert items[(gesui, "expenditure", 3)]["item_name"] == "特別損失"
    assert items[("下水道事業会計(資本的収支)", "revenue", 1)]["item_name"] == "企業債"
    tokura = items[("戸倉財産区特別会計", "revenue", 1)]
    assert tokura["revision_total_yen"] is None and tokura["final_budget_yen"] == 4_000


def test_akiruno_total_revisions(akiruno):
    rows = [r for r in rows_of(akiruno, "raw_budget_revisions")
            if r["account_name"] == "介護保険特別会計"]
    assert [r["revision_seq"] for r in rows] == [0, 1, 2, 3]
    assert rows[-1]["budget_after_yen"] == 7_899_141_000
    assert all(r["decided_on"] is None for r in rows)


SETTLEMENT = [
    "(2)特別会計",
    "ア テスト特別会計 (単位:千円)",
    "第1号 第2号 合 計",
    "1 税 100 10 10 110 100",
    "2",
    "繰 入",
    "金",
    "50 5 5 55 50",
    "150 10 5 15 165 150",
    "1 総 務 費 150 10 5 15 165 140",
    "150 10 5 15 165 140",
]


def test_settlement_fragment_solves_by_column_totals():
    ex = extract(make_doc(SETTLEMENT))
    revs = [(r["side"], r["item_no"], r["revision_seq"], r["amount_yen"])
            for r in rows_of(ex, "raw_budget_item_revisions")]
    assert ("revenue", 1, 1, 10_000) in revs and ("revenue", 2, 2, 5_000) in revs
    assert ("expenditure", 1, 1, 10_000) in revs and ("expenditure", 1, 2, 5_000) in revs
    items = rows_of(ex, "raw_budget_items")
    assert items[1]["item_name"] == "繰入金"
    assert not bad_checks(ex)


def test_settlement_fragment_ambiguous_rows_are_unresolved():
    texts = list(SETTLEMENT)
    texts[7] = "50 10 10 60 50"
    texts[8] = "150 10 10 20 170 150"
    texts[9] = "1 総 務 費 150 10 10 20 170 140"
    texts[10] = "150 10 10 20 170 140"
    ex = extract(make_doc(texts))
    items = rows_of(ex, "raw_budget_items")
    rev_items = [r for r in items if r["side"] == "revenue"]
    assert [r["status"] for r in rev_items] == ["unresolved", "unresolved"]
    assert "several placements" in rev_items[0]["note"]
    assert rev_items[0]["revision_total_yen"] == 10_000  # printed 補正合計 is still certain
    unresolved = [r for r in rows_of(ex, "raw_budget_item_revisions") if r["status"] != "ok"]
    assert len(unresolved) == 2 and all(r["revision_seq"] is None for r in unresolved)
    exp = [r for r in items if r["side"] == "expenditure"]
    assert exp[0]["status"] == "ok"


def test_settlement_fragment_row_identity_fails_and_planted_total():
    texts = list(SETTLEMENT)
    texts[3] = "1 税 100 10 10 111 100"       # 100 + 10 != 111
    texts[10] = "150 10 5 15 165 999"        # planted wrong 決算額 total (140 computed)
    ex = extract(make_doc(texts))
    first = rows_of(ex, "raw_budget_items")[0]
    assert first["status"] == "unresolved" and "row identity" in first["note"]
    bad = bad_checks(ex)
    planted = [c for c in bad if c["group_label"].endswith("expenditure 決算額")]
    assert planted and planted[0]["reported_value"] == 999_000
    assert planted[0]["computed_value"] == 140_000


def test_documents_without_tables_give_nothing():
    ex = extract(make_doc(["何もない", "", "1 2 3"]))
    assert ex.rows == {} and ex.checks == []
    ex = extract(make_doc([]))
    assert ex.rows == {}


def test_redressed_copy_gives_same_rows(tmp_path: Path):
    src = Path(__file__).resolve().parents[2] / "data" / "raw" / "akiruno_2024_jimu_hokokusho.txt"
    text = src.read_text(encoding="utf-8")
    lines = text.split("\n")[930:1300]
    copy = tmp_path / "copy.txt"
    copy.write_bytes("\r\n".join(lines).encode("cp932", errors="replace"))
    doc, _ = load_document(copy, "other-id", "999999", 2024)
    ex = extract(doc)
    base = extract(load_shipped("akiruno-2024"))

    def strip(rows):
        return [(r["account_name"], r["side"], r["item_no"], r["final_budget_yen"])
                for r in rows]
    assert strip(rows_of(ex, "raw_budget_items")) == strip(rows_of(base, "raw_budget_items"))
    assert not bad_checks(ex)


def test_money_is_int_yen(akiruno, koganei):
    for ex in (akiruno, koganei):
        for seed, rows in ex.rows.items():
            for r in rows:
                for k, v in r.items():
                    if k.endswith("_yen"):
                        assert v is None or (isinstance(v, int) and not isinstance(v, Decimal))


def test_odd_fragments_never_raise():
    texts = list(SETTLEMENT)
    texts[3] = "1 税 100 110"  # too few values
    ex = extract(make_doc(texts))
    first = rows_of(ex, "raw_budget_items")[0]
    assert first["status"] == "unresolved" and "only 2 value" in first["note"]
    # a table cut off before its totals, and a header with nothing under it
    ex = extract(make_doc(SETTLEMENT[:6] + ["ア 次の特別会計 (単位:千円)", "第1号 合 計"]))
    assert all(r["status"] == "unresolved" for r in rows_of(ex, "raw_budget_items"))
    ex = extract(make_doc(["区 分\t議決年月日\t当初予算額\t補正予算額\t予算現額"], "markdown_tsv"))
    assert rows_of(ex, "raw_budget_revisions") == []
