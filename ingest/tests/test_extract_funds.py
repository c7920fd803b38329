"""Tests of the fund extractor on the shipped documents and on hand-written messy fragments."""
from __future__ import annotations

import pytest

from ingest.extract import funds
from ingest.reading.load import load_shipped
from ingest.warehouse.schema import FACT_SEEDS
from ingest.tests.fragments import make_doc, mismatches


@pytest.fixture(scope="module")
def akiruno():
    return funds.extract(load_shipped("akiruno-2024"))


def test_koganei_has_no_fund_table():
    ex = funds.extract(load_shipped("koganei-2021"))
    assert ex.rows == {} and ex.checks == []


def test_rows_use_only_seed_columns(akiruno):
    for seed, rows in akiruno.rows.items():
        allowed = set(FACT_SEEDS[seed]) | {"_value_lines"}
        for row in rows:
            assert set(row) <= allowed


EXPECTED = {  # fund: (group, opening, deposits, withdrawals, closing) in yen
    "財政調整基金": ("財政調整基金", 2_155_636_000, 0, 400_000_000, 1_755_636_000),
    "減債基金": ("減債基金", 468_823_000, 123_745_000, 46_963_000, 545_605_000),
    "保健福祉基金": ("特定目的基金", 43_994_000, 3_166_000, 1_396_000, 45_764_000),
    "環境保全基金": ("特定目的基金", 161_690_000, 5_831_000, 2_984_000, 164_537_000),
    "産業振興基金": ("特定目的基金", 249_091_000, 39_513_000, 10_223_000, 278_381_000),
    "公共施設整備基金": ("特定目的基金", 934_837_000, 15_808_000, 3_338_000, 947_307_000),
    "市営住宅整備基金": ("特定目的基金", 61_122_000, 3_213_000, 0, 64_335_000),
    "安心安全まちづくり基金": ("特定目的基金", 72_715_000, 1_501_000, 780_000, 73_436_000),
    "教育文化基金": ("特定目的基金", 29_358_000, 5_474_000, 1_042_000, 33_790_000),
}


def test_akiruno_fund_balances(akiruno):
    rows = akiruno.rows["raw_fund_balances"]
    got = {r["fund_name"]: (r["fund_group"], r["opening_balance_yen"], r["deposits_yen"],
                            r["withdrawals_yen"], r["closing_balance_yen"]) for r in rows}
    assert got == EXPECTED
    assert all(r["status"] == "ok" for r in rows)
    fiscal = next(r for r in rows if r["fund_name"] == "財政調整基金")
    # The opening was printed in the block above the rows (line 1460), the rest on line 1515.
    assert fiscal["source_line"] == 1515 and fiscal["_value_lines"] == [1460, 1515, 1515, 1515]


def test_akiruno_fund_flows(akiruno):
    rows = akiruno.rows["raw_fund_flows"]
    assert all(r["status"] == "ok" for r in rows)
    by_type = {t: [r for r in rows if r["flow_type"] == t]
               for t in ("balance", "withdrawal", "deposit")}
    assert [len(v) for v in by_type.values()] == [20, 16, 14]
    for flow_type, col in (("balance", 4), ("withdrawal", 3), ("deposit", 2)):
        for fund, figures in EXPECTED.items():
            parts = [r["amount_yen"] for r in by_type[flow_type] if r["fund_name"] == fund]
            if figures[col]:
                assert sum(parts) == figures[col], (flow_type, fund)
    hoken = [r["breakdown_name"] for r in by_type["balance"] if r["fund_name"] == "保健福祉基金"]
    assert hoken == ["子育て支援", "高齢者支援", "障がい者支援", "健康づくり", "全般"]
    wd = [(r["fund_name"], r["breakdown_name"]) for r in by_type["withdrawal"]]
    assert wd[0] == ("財政調整基金", "財源調整")
    assert ("保健福祉基金", "「ふれあいいきがい元気なまち」健康推進事業") in wd
    assert wd[-1] == ("教育文化基金", "社会体育一般事業")
    dep = [(r["fund_name"], r["breakdown_name"], r["amount_yen"]) for r in by_type["deposit"]]
    assert ("産業振興基金", "入湯税", 10_242_600) in dep
    assert ("市営住宅整備基金", "公営住宅使用料", 3_212_600) in dep


def test_akiruno_checks_all_agree(akiruno):
    assert mismatches(akiruno) == []
    subjects = {c["subject"] for c in akiruno.checks}
    assert {"fund_balances.opening_total", "fund_balances.closing_total",
            "fund_balances.rollforward", "fund_flows.withdrawal_total",
            "fund_flows.deposit_total", "fund_flows.withdrawal_group_total"} <= subjects


# ----------------------------------------------------------------- fragments

FRAGMENT = [
    "5 基金の状況",
    "(1)現在高 (単位:円)",
    "令和5年度末",
    "現 在 高",
    "",
    "1,000",
    "",
    "A 基 金",
    "",
    "500",
    "",
    "1,500",
    "区 分 積立額 繰入額",
    "甲 基 金 100 △200 900 全 般 900",
    "特定目的基金",
    "200 0 700",
    "寄 附",
    "",
    "300",
    "全 般 400",
    "合 計 300 △200 1,600",
    "(2)繰入額内訳 (単位:円)",
    "繰入額 内訳金額",
    "200 200",
    "200",
    "(3)積立額内訳 (単位:円)",
    "積立額 内訳金額",
    "100 100",
    "120",
    "80",
    "300",
    "区 分 内 訳 名 称",
    "甲 基 金 財 源 調 整",
    "合 計",
    "区 分 内 訳 名 称",
    "甲 基 金 一 般 財 源",
    "A 基 金 寄 附 金",
    "「ふるさと」",
    "利 子",
    "合 計",
    "A 基 金 200",
]


def test_fragment_openings_matched_by_rollforward():
    ex = funds.extract(make_doc(FRAGMENT))
    rows = {r["fund_name"]: r for r in ex.rows["raw_fund_balances"]}
    assert set(rows) == {"甲基金", "A基金"}
    assert rows["甲基金"]["opening_balance_yen"] == 1000
    assert rows["甲基金"]["withdrawals_yen"] == 200  # printed △200, landed positive
    assert rows["A基金"]["opening_balance_yen"] == 500
    assert rows["A基金"]["fund_group"] == "特定目的基金"
    assert mismatches(ex) == []
    flows = ex.rows["raw_fund_flows"]
    bal = [(r["fund_name"], r["breakdown_name"], r["amount_yen"]) for r in flows
           if r["flow_type"] == "balance"]
    assert bal == [("甲基金", "全般", 900), ("A基金", "寄附", 300), ("A基金", "全般", 400)]
    dep = [(r["fund_name"], r["breakdown_name"], r["amount_yen"]) for r in flows
           if r["flow_type"] == "deposit"]
    # `「ふるさと」` + `利子` is one wrapped name.
    assert dep == [("甲基金", "一般財源", 100), ("A基金", "寄附金", 120),
                   ("A基金", "「ふるさと」利子", 80)]
    assert all(r["status"] == "ok" for r in flows)


def test_planted_wrong_total_is_reported():
    texts = list(FRAGMENT)
    texts[texts.index("合 計 300 △200 1,600")] = "合 計 301 △200 1,600"
    ex = funds.extract(make_doc(texts))
    bad = mismatches(ex)
    assert [(c["subject"], c["reported_value"], c["computed_value"]) for c in bad] == [
        ("fund_balances.deposits_total", 301, 300)]


def test_ambiguous_opening_is_unresolved():
    texts = [
        "5 基金の状況", "(1)現在高 (単位:円)", "1,000", "",
        "甲 基 金 100 -100 1,000", "乙 基 金 100 -100 1,000",
        "合 計 200 -200 2,000",
    ]
    ex = funds.extract(make_doc(texts))
    rows = ex.rows["raw_fund_balances"]
    funds_ = [r for r in rows if r["fund_name"]]
    assert len(funds_) == 2
    assert all(r["status"] == "unresolved" and r["opening_balance_yen"] is None for r in funds_)
    assert "ambiguous" in funds_[0]["note"]
    # The unplaced number is landed, unresolved, not dropped.
    loose = [r for r in rows if not r["fund_name"]]
    assert [(r["opening_balance_yen"], r["status"]) for r in loose] == [(1000, "unresolved")]


def test_name_count_mismatch_is_unresolved():
    texts = list(FRAGMENT)
    texts.insert(texts.index("甲 基 金 財 源 調 整") + 1, "余 分 な 名 称")
    ex = funds.extract(make_doc(texts))
    wd = [r for r in ex.rows["raw_fund_flows"] if r["flow_type"] == "withdrawal"]
    assert all(r["status"] == "unresolved" and r["breakdown_name"] is None for r in wd)
    assert "2 breakdown names for 1 amounts" in wd[0]["note"]


@pytest.mark.parametrize("texts", [
    ["5 基金の状況", "(1)現在高 (単位:円)", "合 計", "x 基 金 1 2", "(2)繰入額内訳", "1 2 3"],
    ["5 基金の状況", "(1)現在高", "甲 基 金 1 2 3 4", "(2)繰入額内訳 (単位:円)", "5"],
    ["5 基金の状況"],
])
def test_odd_input_never_raises(texts):
    funds.extract(make_doc(texts))
