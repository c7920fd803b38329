"""A city's fund table in a layout no extractor knows, read by the table engine into the marts.

The shipped あきる野市 report's 基金の状況 is read by the funds extractor, which knows that
report's headings. Another city prints its funds as one column-aligned table under `基金の状況`
(the fragments below: a made 事務報告書 of a city of the corpus, two years running, each with a
fund table of 前年度末現在高 / 積立額 / 取崩額 / 年度末現在高 and its 合計). Added by their
manifest lines alone and built through the CLI, their funds reach `fct_fund_balances` (the
columns bound by the roll-forward the rows hold), and the later year's opening balances are
checked against the earlier year's closing ones; an opening balance planted in the later
report (rolled forward, so that its own identities hold) is a `mismatch` naming both.
"""
from pathlib import Path

import duckdb
import pytest

from ingest.tests.test_corpus_tables import CORPUS, build_corpus, made_row

pytestmark = [pytest.mark.warehouse,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")]

FUNDS = [("財政調整基金", 1_755_636, 300_000, 200_000), ("減債基金", 545_605, 10_000, 0),
         ("公共施設整備基金", 812_300, 50_000, 120_000)]


def fund_report(era_year: int, funds: list[tuple[str, int, int, int]]) -> tuple[str, list[tuple]]:
    """A 事務報告書 of 令和`era_year`年度 printing its funds (name, opening, deposits, withdrawals)
    with their closing balances and 合計, column-aligned; and the funds rolled forward."""
    def line(name: str, values: list[int]) -> str:
        return f" {name}".ljust(24) + "".join(f"{v:,}".rjust(15) for v in values)

    rows = [(n, o, d, w, o + d - w) for n, o, d, w in funds]
    total = [sum(r[k] for r in rows) for k in range(1, 5)]
    text = [f"令和{era_year}年度 事務報告書", "", "５ 基金の状況", "", "（単位：千円）",
            "    基  金  名            前年度末現在高      積 立 額      取 崩 額      年度末現在高"]
    text += [line(r[0], list(r[1:])) for r in rows] + [line("合      計", total), "", "６ その他", ""]
    return "\n".join(text), rows


def build(root: Path, planted: int = 0) -> duckdb.DuckDBPyConnection:
    first, rows = fund_report(6, FUNDS)
    # the next year opens with this year's closing balances (one planted off by `planted` 千円)
    later, _ = fund_report(7, [(n, c + (planted if n == "減債基金" else 0), 20_000, 5_000)
                               for n, _, _, _, c in rows])
    made = [(made_row("numazu-2024-jimu", "numazu_2024_jimu.txt", "222038", 2024, "沼津市 令和6年度 事務報告書 (作成)"), first),
            (made_row("numazu-2025-jimu", "numazu_2025_jimu.txt", "222038", 2025, "沼津市 令和7年度 事務報告書 (作成)"), later)]
    (root / "project").mkdir()
    proc = build_corpus(root / "project", [r for r, _ in made], made={r["path"]: t for r, t in made})
    warehouse = root / "project" / "warehouse.duckdb"
    assert warehouse.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return duckdb.connect(str(warehouse), read_only=True)


def test_a_fund_table_in_another_layout_reaches_the_fund_marts_and_the_next_years_check(tmp_path):
    con = build(tmp_path)
    try:
        got = con.execute("select document_id, fund_name, fund_category, opening_balance_yen, deposits_yen, "
                          "withdrawals_yen, closing_balance_yen, basis, status from marts.fct_fund_balances "
                          "where document_id = 'numazu-2024-jimu' order by source_line").fetchall()
        assert got == [("numazu-2024-jimu", "財政調整基金", "fiscal_adjustment", 1_755_636_000, 300_000_000,
                        200_000_000, 1_855_636_000, "annual", "ok"),
                       ("numazu-2024-jimu", "減債基金", "debt_reduction", 545_605_000, 10_000_000, 0, 555_605_000, "annual", "ok"),
                       ("numazu-2024-jimu", "公共施設整備基金", "specific_purpose", 812_300_000, 50_000_000,
                        120_000_000, 742_300_000, "annual", "ok")]
        cross = con.execute("select group_label, status from marts.rpt_reconciliation "
                            "where subject = 'cross_document.fund_balance' order by 1").fetchall()
        assert cross == [(f"{n} @ FY2024", "ok") for n in sorted(n for n, *_ in FUNDS)]
    finally:
        con.close()


def test_a_planted_opening_balance_of_a_fund_table_is_flagged_against_the_year_before(tmp_path):
    con = build(tmp_path, planted=1)
    try:
        rows = con.execute("select group_label, status, reported_value, computed_value, note "
                           "from marts.rpt_reconciliation where subject = 'cross_document.fund_balance' "
                           "and status <> 'ok'").fetchall()
        own = con.execute("select count(*) from marts.rpt_reconciliation where subject not like 'cross%' "
                          "and status = 'mismatch'").fetchone()[0]
    finally:
        con.close()
    assert own == 0  # (each report's own identities hold)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [("減債基金 @ FY2024", "mismatch", 555_606_000, 555_605_000)]
    assert "numazu-2024-jimu" in rows[0][4] and "numazu-2025-jimu" in rows[0][4]
