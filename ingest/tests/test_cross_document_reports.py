"""Identities across two years' 事務報告書 of one city, built the way a user builds.

The shipped あきる野市 report (FY2024) closes each fund and each account's 地方債 at the end of
FY2024; the next year's report opens with the same balances. There is one year of that report,
so the test makes the next year's from it (real fragments: its headings, its column headers
with the years moved on by one, its lender and fund rows under their printed names; this year's
figures as the extractors read them, the printed 財政調整基金 1,755,636,000 円 and 一般会計
20,754,027 千円 asserted): every
opening balance is this year's closing balance, the year's flows are this year's (a repayment
capped at what is left), the closing balance rolled forward. Both reports go into a scratch
project by their manifest lines and are built through the CLI. Every fund and both accounts'
bond totals are then `ok` cross-document checks; an opening balance planted in the later
report is a `mismatch` naming both documents, and only that pair is.
"""
import re
from pathlib import Path

import duckdb
import pytest

from ingest.extract import bonds, funds
from ingest.reading.load import load_document
from ingest.tests.test_corpus_tables import CORPUS, ROOT, build_corpus
from ingest.tests.test_cross_document import FIGURE

pytestmark = [pytest.mark.warehouse,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")]

REPORT = "akiruno_2024_jimu_hokokusho.txt"
RAW = ROOT / "data" / "raw"


def _this_years_rows() -> tuple[list[str], list[dict], list[dict], list]:
    """The report's lines, its fund and lender rows as the extractors read them (each with the
    printed line it came from), and the bond reader's account blocks (the lines each claims)."""
    doc, _ = load_document(RAW / REPORT, "akiruno-2024", "132284", 2024)
    fund_rows = funds.extract(doc).rows["raw_fund_balances"]
    bond_rows = [r for r in bonds.extract(doc).rows["raw_bond_balances"] if r["breakdown"] == "lender"]
    accounts = bonds.parse_bond_accounts(doc)
    return (RAW / REPORT).read_text(encoding="utf-8").split("\n"), fund_rows, bond_rows, accounts


def _figures(line: str) -> list[re.Match]:
    return [m for m in FIGURE.finditer(line) if line[: m.start()].strip()]


def _printed(values: list[int]) -> str:
    return " ".join(f"△{-v:,}" if v < 0 else f"{v:,}" for v in values)


def _with_figures(line: str, values: list[int]) -> str:
    """The printed line's label followed by `values` (△ for a negative), its figures replaced."""
    return line[: _figures(line)[0].start()].rstrip() + " " + _printed(values)


def _next_years(text: str) -> str:
    return (text.replace("令和６年度", "令和７年度").replace("令和５年度", "令和６年度"))


def next_year_report(planted: dict[str, int] | None = None) -> str:
    """The FY2025 report made from the FY2024 one; `planted` adds yen to the opening (and so
    the closing) balance of the fund or lender rows whose printed name holds the key."""
    lines, fund_rows, bond_rows, accounts = _this_years_rows()
    planted = planted or {}

    def shift(name: str) -> int:
        return sum(v for k, v in planted.items() if k in name)

    def find(word: str, start: int = 0) -> int:
        return next(i for i in range(start, len(lines)) if word in re.sub(r"\s", "", lines[i]))

    out = [lines[0], ""]
    # 地方債: the section heading, then per account the lines the bond reader claims for it
    # (its heading, the year's issues under their header words: the same issues a year later,
    # their lender totals the year's 借入額), the balance header with the years moved on, the
    # lender rows and their 合計
    out += [lines[find("地方債の状況")], ""]
    for account in accounts:
        rows = [r for r in bond_rows if r["account_name"] == account.account]
        first = min(r["source_line"] for r in rows)
        claimed = sorted(account.claimed)
        out += [lines[no - 1].replace("令和7年", "令和8年") for no in claimed
                if no <= account.issue_total[0]] + [""]
        out += [_next_years(lines[no - 1]) for no in claimed if account.issue_total[0] < no < first] + [""]
        columns = [0, 0, 0, 0]
        for r in rows:
            opening = r["closing_balance_yen"] // 1000 + shift(r["lender_name"])
            borrowed = (r["borrowed_yen"] or 0) // 1000
            repaid = min(r["repaid_yen"] // 1000, opening + borrowed)
            values = [opening, borrowed, repaid, opening + borrowed - repaid]
            columns = [a + b for a, b in zip(columns, values)]
            if not borrowed:
                values.pop(1)  # as this report prints a lender that borrowed nothing
            out += [_with_figures(lines[r["source_line"] - 1], values), ""]
        out += [_with_figures(lines[account.balance_total[0] - 1], columns), ""]
    # 基金: the heading, the unit, one row per fund under its name, the 合計
    fund_heading = find("基金の状況")
    out += [lines[fund_heading], "", lines[find("現在高", fund_heading + 1)], ""]
    out += ["区　　分 令和６年度末 現在高 積立額 繰入額 令和７年度末 現在高", ""]
    columns = [0, 0, 0, 0]
    group = None
    for r in fund_rows:
        if r["fund_group"] != group and r["fund_group"] != r["fund_name"]:
            out += [lines[find(r["fund_group"], fund_heading)], ""]  # 特定目的基金
        group = r["fund_group"]
        opening = r["closing_balance_yen"] + shift(r["fund_name"])
        values = [opening, r["deposits_yen"], -r["withdrawals_yen"],
                  opening + r["deposits_yen"] - r["withdrawals_yen"]]
        out += [r["fund_name"] + " " + _printed(values), ""]
        columns = [a + b for a, b in zip(columns, values)]
    out += ["合　　計 " + _printed(columns), ""]
    return "\n".join(out)


def build_pair(root: Path, planted: dict[str, int] | None = None) -> list[tuple]:
    later = "akiruno_2025_made_from_2024.txt"
    rows = [
        {"document_id": "akiruno-2024", "path": REPORT, "municipality_code": "132284",
         "fiscal_year": "2024", "title": "あきる野市 令和6年度 事務報告書", "encoding": ""},
        {"document_id": "akiruno-2025-made", "path": later, "municipality_code": "132284",
         "fiscal_year": "2025", "title": "あきる野市 令和7年度 事務報告書 (基金・地方債)", "encoding": ""},
    ]
    (root / "project").mkdir()
    # the shipped report is in the project already; the made one beside it
    proc = build_corpus(root / "project", rows, made={
        REPORT: (RAW / REPORT).read_text(encoding="utf-8"), later: next_year_report(planted)})
    warehouse = root / "project" / "warehouse.duckdb"
    assert warehouse.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        own = con.execute("select status, count(*) from marts.rpt_reconciliation "
                          "where document_id = 'akiruno-2025-made' and subject not like 'cross%' "
                          "group by status").fetchall()
        assert dict(own).get("mismatch", 0) == 0, own  # the made report's own identities hold
        return con.execute(
            "select subject, group_label, status, reported_value, computed_value, note, document_id "
            "from marts.rpt_reconciliation where subject in "
            "('cross_document.fund_balance', 'cross_document.bond_balance') "
            "order by subject, group_label").fetchall()
    finally:
        con.close()


FUNDS = ("財政調整基金", "減債基金", "市営住宅整備基金", "安心安全まちづくり基金", "教育文化基金",
         "保健福祉基金", "環境保全基金", "産業振興基金", "公共施設整備基金")
SPECIAL = "秋多都市計画事業武蔵引田駅北口土地区画整理事業特別会計"


def test_next_years_opening_balances_are_checked_against_this_years_closing(tmp_path):
    rows = build_pair(tmp_path)
    by_label = {(r[0], r[1]): r for r in rows}
    assert set(by_label) == (
        {("cross_document.fund_balance", f"{f} @ FY2024") for f in FUNDS}
        | {("cross_document.bond_balance", f"{a} @ FY2024") for a in ("一般会計", SPECIAL)}), rows
    assert {r[2] for r in rows} == {"ok"}, [r for r in rows if r[2] != "ok"]
    fund = by_label[("cross_document.fund_balance", "財政調整基金 @ FY2024")]
    assert fund[3] == fund[4] == 1_755_636_000
    bond = by_label[("cross_document.bond_balance", "一般会計 @ FY2024")]
    assert bond[3] == bond[4] == 20_754_027_000
    assert "akiruno-2025-made" in bond[5] and "akiruno-2024" in bond[5]
    assert {r[6] for r in rows} == {"akiruno-2025-made"}


def test_planted_opening_balance_is_flagged(tmp_path):
    """One fund's opening 1,000 yen off and one lender's opening 1 千円 off (each rolled forward
    in the made report, so its own identities hold): exactly those two pairs are mismatches,
    the fund's and the account's total (its lenders added)."""
    rows = build_pair(tmp_path, planted={"減債基金": 1000, "財政融資資金": 1})
    bad = {(r[0], r[1]): r for r in rows if r[2] == "mismatch"}
    assert set(bad) == {("cross_document.fund_balance", "減債基金 @ FY2024"),
                        ("cross_document.bond_balance", "一般会計 @ FY2024")}, rows
    fund = bad[("cross_document.fund_balance", "減債基金 @ FY2024")]
    assert (fund[3], fund[4]) == (545_606_000, 545_605_000)
    bond = bad[("cross_document.bond_balance", "一般会計 @ FY2024")]
    assert (bond[3], bond[4]) == (20_754_028_000, 20_754_027_000)
    for r in bad.values():
        assert r[6] == "akiruno-2025-made" and "akiruno-2024" in r[5]
    assert len([r for r in rows if r[2] == "ok"]) == len(rows) - 2
