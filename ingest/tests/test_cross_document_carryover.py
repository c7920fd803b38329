"""A 決算 summary's 翌年度へ繰り越すべき財源 against the year's 繰越明許費繰越計算書, built the way a
user builds.

The corpus holds 南国市's FY2021 一般会計繰越明許費繰越計算書 (PDF): its 計 carries 1,826,501 千円
into FY2022, of which 217,451 千円 is 一般財源 (no 既収入特定財源): the year's carried-over
funds in hand. No 決算 summary of any city is in the corpus or the shipped documents, so the
test writes one (a 決算収支の状況 table by account: 歳入総額 − 歳出総額 = 歳入歳出差引額, minus
翌年度へ繰り越すべき財源 = 実質収支; the 歳入 / 歳出 figures are made up, only the 一般会計's
繰越財源 comes from the 計算書). Both go into a scratch project by their manifest lines and are
built through the CLI: the pair is an `ok` cross-document check, the summary's 実質収支 lands in
the panel, and a 繰越財源 planted 1 千円 off (実質収支 with it, so the summary's own identities
hold) is a `mismatch` naming both documents. A year may carry funds by several statements
(繰越明許費, 事故繰越し, 継続費), each its own report: the test also writes a 事故繰越し繰越計算書
(made-up 事業, column-aligned text), and the summary's 繰越財源 is then checked against the sum.
"""
from pathlib import Path

import duckdb
import pytest

from ingest.tests.test_corpus_tables import CORPUS, build_beside_corpus, made_row, own_mismatches

pytestmark = [pytest.mark.warehouse,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")]

STATEMENT = "nankoku_r3_kurikoshi.pdf"
EDGES = (40, 58, 80, 110, 128)  # where each column's figures end


def _row(label: str, values: list[int]) -> str:
    line = "  " + label
    for end, v in zip(EDGES, values):
        text = f"△{-v:,}" if v < 0 else f"{v:,}"
        line = line.ljust(end - len(text)) + text
    return line


def settlement_summary(carryover_funds: int) -> str:
    """A FY2021 決算 summary (千円) whose 一般会計 carries `carryover_funds` into FY2022."""
    accounts = [("一般会計", 26_310_204, 25_391_877, carryover_funds),
                ("国民健康保険事業特別会計", 5_402_118, 5_288_930, 0),
                ("介護保険事業特別会計", 4_571_606, 4_420_115, 0)]
    rows = [(name, [rev, exp, rev - exp, carry, rev - exp - carry]) for name, rev, exp, carry in accounts]
    total = [sum(r[1][k] for r in rows) for k in range(5)]
    header = ["区 分", "歳入総額", "歳出総額", "歳入歳出差引額", "翌年度へ繰り越すべき財源", "実質収支"]
    # (a wide character printed as wide as two figures, written in one cell: each word starts
    # where, that wide, it ends at its column's edge)
    head = "  " + header[0]
    for end, word in zip(EDGES, header[1:]):
        head = head.ljust(end - 2 * len(word)) + word
    lines = ["令和３年度 南国市 決算の概要", "", "１．決算収支の状況",
             " " * 100 + "（単位：千円）", head, ""]
    lines += [_row(name, values) for name, values in rows]
    lines += [_row("合　　計", total), ""]
    return "\n".join(lines) + "\n"


def accident_statement() -> str:
    """A FY2021 一般会計事故繰越し繰越計算書 (千円): 翌年度繰越額 = its 財源内訳, 計 of two 事業;
    its funds in hand are 一般財源 28,700 + 既収入特定財源 2,000 = 30,700."""
    header = ["翌年度繰越額", "既収入特定財源", "県支出金", "地方債", "一般財源"]
    head = "  款 項 事業名"
    for end, word in zip(EDGES, header):
        head = head.ljust(end - 2 * len(word)) + word
    rows = [("2総務費 1総務管理費 庁舎空調改修事業", [52_800, 0, 0, 39_600, 13_200]),
            ("8土木費 2道路橋りょう費 市道改良事業", [31_500, 2_000, 14_000, 0, 15_500])]
    total = [sum(r[1][k] for r in rows) for k in range(5)]
    lines = ["令和３年度南国市一般会計事故繰越し繰越計算書", " " * 100 + "（単位：千円）", head, ""]
    lines += [_row(name, values) for name, values in rows] + [_row("計", total), ""]
    return "\n".join(lines) + "\n"


def build_pair(root: Path, carryover_funds: int,
               with_accident_statement: bool = False) -> tuple[list[tuple], list[tuple]]:
    made = [(made_row("nankoku-2021-kessan-made", "nankoku_r3_kessan_made.txt", "392049", 2021,
                      "南国市 令和3年度 決算の概要"), settlement_summary(carryover_funds))]
    if with_accident_statement:
        made.append((made_row("nankoku-2021-jiko-made", "nankoku_r3_jiko_kurikoshi_made.txt", "392049", 2021,
                              "南国市 令和3年度 一般会計事故繰越し繰越計算書"), accident_statement()))
    warehouse = build_beside_corpus(root, STATEMENT, made)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert own_mismatches(con, "nankoku-2021-kessan-made") == 0  # the made summary's own identities hold
        total = con.execute("select carried_over_yen, source_national_yen, source_prefectural_yen, "
                            "source_bonds_yen, source_general_yen from marts.fct_carryover_items "
                            "where is_total order by carried_over_yen desc limit 1").fetchone()
        # the hand-checked 計 of the corpus README: 1,826,501 = 846,416 + 215,534 + 547,100 + 217,451
        assert total == (1_826_501_000, 846_416_000, 215_534_000, 547_100_000, 217_451_000)
        checks = con.execute(
            "select group_label, status, reported_value, computed_value, note, document_id "
            "from marts.rpt_reconciliation where subject = 'cross_document.carryover_funds'").fetchall()
        panel = con.execute(
            "select fiscal_year, basis, value_yen, document_id from marts.mart_city_year_summary "
            "where measure = 'general_account_real_balance'").fetchall()
        return checks, panel
    finally:
        con.close()


def test_settlement_carryover_funds_are_checked_against_the_carryover_statement(tmp_path):
    checks, panel = build_pair(tmp_path, 217_451)
    assert [(r[0], r[1], r[2], r[3]) for r in checks] == [
        ("一般会計 @ FY2021", "ok", 217_451_000, 217_451_000)], checks
    assert "nankoku-2021-kurikoshi" in checks[0][4] and "nankoku-2021-kessan-made" in checks[0][4]
    # 実質収支 = 918,327 − 217,451 千円, in the panel
    assert panel == [(2021, "actual", 700_876_000, "nankoku-2021-kessan-made")]


def test_planted_carryover_funds_are_flagged_against_the_statement(tmp_path):
    checks, _ = build_pair(tmp_path, 217_452)
    assert len(checks) == 1 and checks[0][1] == "mismatch", checks
    assert {checks[0][2], checks[0][3]} == {217_452_000, 217_451_000}
    assert "nankoku-2021-kurikoshi" in checks[0][4] and "nankoku-2021-kessan-made" in checks[0][4]


def test_settlement_carryover_funds_are_checked_against_the_sum_of_the_years_statements(tmp_path):
    # 繰越明許費 217,451 (the corpus PDF) + 事故繰越し 30,700 (made) = 248,151 千円
    checks, _ = build_pair(tmp_path, 248_151, with_accident_statement=True)
    assert [(r[0], r[1], r[2], r[3]) for r in checks] == [
        ("一般会計 @ FY2021", "ok", 248_151_000, 248_151_000)], checks
    note = checks[0][4]
    assert all(d in note for d in ("nankoku-2021-kurikoshi", "nankoku-2021-jiko-made",
                                   "nankoku-2021-kessan-made")), note
    assert "繰越明許費 計" in note and "事故繰越し 計" in note, note
