"""Tests for the other-finance-tables extractor (総合交付金, 臨時交付金 事業, 収益事業)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.extract import finance_other
from ingest.reading.load import load_shipped
from ingest.tests.fragments import make_doc

SEED = "raw_finance_other"
SUBSIDY = "物価高騰対応重点支援地方創生臨時交付金活用事業"


def bad_checks(ex):
    return [c for c in ex.checks if c["reported_value"] != c["computed_value"]]


@pytest.fixture(scope="module")
def akiruno():
    return finance_other.extract(load_shipped("akiruno-2024"))


@pytest.fixture(scope="module")
def koganei():
    return finance_other.extract(load_shipped("koganei-2021"))


def test_akiruno_grant_comparison(akiruno):
    rows = [r for r in akiruno.rows[SEED] if r["table_title"] == "東京都市町村総合交付金年度比較表"]
    cells = {r["column_label"]: r for r in rows}
    assert set(cells) == {"当年度", "前年度", "増△減", "比率"}
    assert cells["当年度"]["amount_yen"] == 1_809_014_000
    assert cells["前年度"]["value"] == Decimal("1774027") and cells["前年度"]["unit"] == "千円"
    assert cells["比率"]["value"] == Decimal("2.0") and cells["比率"]["amount_yen"] is None
    assert all(r["source_line"] == 1315 for r in rows)


def test_akiruno_subsidy_projects(akiruno):
    rows = [r for r in akiruno.rows[SEED] if r["table_title"] == SUBSIDY]
    projects = [r for r in rows if r["column_label"] == "令和6年度充当額" and not r["is_total"]]
    assert [r["row_label"] for r in projects] == [
        "エネルギー・食料品価格等高騰支援給付金給付事業",
        "新たな経済に向けた給付金・定額減税一体支援事業",
        "学校給食食材費物価高騰対策事業", "保育所等物価高騰対策事業",
        "キャッシュレス決済ポイント還元事業", "小中学校電力価格高騰対策事業"]
    assert sum(r["amount_yen"] for r in projects) == 882_653_000
    total = next(r for r in rows if r["is_total"] and r["status"] == "ok")
    assert total["value"] == Decimal("882653") and total["source_line"] == 1774
    grant = next(r for r in rows if r["column_label"] == "令和6年度交付額" and not r["is_total"])
    assert grant["row_label"] == "物価高騰対応重点支援地方創生臨時交付金"
    assert grant["amount_yen"] == 882_653_000
    orphan = next(r for r in rows if r["status"] == "unresolved")
    assert orphan["source_line"] == 1742 and orphan["note"]


def test_akiruno_checks_ok(akiruno):
    assert len(akiruno.rows[SEED]) == 13
    assert len(akiruno.checks) == 4
    assert bad_checks(akiruno) == []


def test_koganei_profit_business(koganei):
    rows = koganei.rows[SEED]
    assert len(rows) == 12
    assert {r["table_title"] for r in rows} == {"収益事業"}
    keirin = {r["column_label"]: r for r in rows if r["row_label"] == "東京都十一市競輪事業組合(京王閣)"}
    assert keirin["回数"]["value"] == 12 and keirin["回数"]["unit"] == "回"
    assert keirin["回数"]["amount_yen"] is None
    assert keirin["売上高"]["unit"] == "円" and keirin["売上高"]["amount_yen"] == 25_073_979_200
    assert keirin["当市配分金"]["unit"] == "千円" and keirin["当市配分金"]["amount_yen"] == 20_000_000
    assert keirin["入場人員"]["unit"] == "人" and keirin["入場人員"]["value"] == 19372
    assert koganei.checks == []


PROJECTS = [
    "882,653", "", "No. 件 名 充当額", "", "1", "エネルギー・食料品価格等高騰", "支援給付金給付事業",
    "", "40,635", "", "2", "新たな経済に向けた給付金・定", "額減税一体支援事業", "", "767,161", "",
    "3 保育所等物価高騰対策事業 11,426", "", "819,222", "",
    "6 物価高騰対応重点支援地方創生臨時交付金活用事業 (単位:千円)", "", "令和6年度充当額", "",
    "物 価 高 騰 対 応 重 点 支 援 地 方 創 生 臨 時 交 付 金 819,222", "", "合 計", "",
    "区 分 令和6年度交付額",
]


def test_projects_fragment():
    ex = finance_other.extract(make_doc(PROJECTS))
    rows = ex.rows[SEED]
    assert [r["row_label"] for r in rows[:3]] == [
        "エネルギー・食料品価格等高騰支援給付金給付事業",
        "新たな経済に向けた給付金・定額減税一体支援事業", "保育所等物価高騰対策事業"]
    assert bad_checks(ex) == [next(c for c in ex.checks if c["source_line"] == 1)]  # orphan 882,653


def test_planted_wrong_total_is_reported():
    texts = list(PROJECTS)
    texts[0] = "819,222"
    texts[texts.index("819,222")] = "819,223"
    ex = finance_other.extract(make_doc(texts))
    bad = bad_checks(ex)
    assert [(c["subject"], c["reported_value"], c["computed_value"]) for c in bad] == [
        ("finance_other.total", 819_223_000, 819_222_000)]


def test_grant_comparison_fragment_wrong_change():
    texts = ["3 東京都市町村総合交付金年度比較表 (単位:千円、%)", "対前年度比較", "増△減 比 率",
             "東京都市町村総合交付金交付額 1,809,014 1,774,027 34,986 2.0"]
    ex = finance_other.extract(make_doc(texts))
    assert len(ex.rows[SEED]) == 4
    bad = bad_checks(ex)
    assert [c["subject"] for c in bad] == ["finance_other.year_over_year_change"]


def test_profit_fragment_tab():
    texts = ["### 4 収益事業", "", "開 催 事 業\t回数 (回)\t売 上 高 (円)\t収 益 金 (千円)",
             "A組合\t12\t1,000\t5", "合 計\t12\t1,000\t5", "", "(注) 収益金は…"]
    ex = finance_other.extract(make_doc(texts, "markdown_tsv"))
    rows = ex.rows[SEED]
    assert len(rows) == 6
    assert [r["is_total"] for r in rows] == [False] * 3 + [True] * 3
    assert rows[2]["amount_yen"] == 5000


def test_document_without_tables_is_empty():
    ex = finance_other.extract(make_doc(["# 第1 広報係", "市報 24回", "合 計 100"]))
    assert ex.rows == {} and ex.checks == []


def test_odd_input_never_raises():
    texts = ["No. 件 名 充当額", "1", "x", "6 物価高騰対応重点支援地方創生臨時交付金活用事業",
             "### 4 収益事業", "開催事業\t回数 (回)", "A\t?\t3"]
    ex = finance_other.extract(make_doc(texts, "markdown_tsv"))
    rows = ex.rows.get(SEED, [])
    assert any(r["status"] == "unresolved" for r in rows)
