"""A budget summary (予算の概要) against the budget book of the same year, built the way a user
builds.

The corpus holds 南国市's FY2026 当初予算の概要 (PDF) but no 南国市 budget book. The test makes
the book's 歳出 款別前年度比較表 from real fragments: the 沼津市 款別 table's page (its title,
its headers, its 13 款 rows as laid out) with every row's figures replaced by the summary's own
目的別歳出 figures for the same 款 (議会費 … 予備費, the same 13 款 in the same order) and its
歳出合計. Both go into a scratch project by their manifest lines and are built through the CLI.
The summary's 一般会計 row (this year's 当初予算 and the year before's) is then an `ok`
cross-document check against the book's 歳出合計 (本年度 and 前年度); a figure planted in the book
(予備費 1 千円 more, its total with it, so the book's own identities hold) is a `mismatch`
naming both documents.
"""
import re
from pathlib import Path

import duckdb
import pytest

from ingest.reading.pdf_reader import read_pdf
from ingest.tests.test_corpus_tables import CORPUS, build_beside_corpus, made_row, own_mismatches
from ingest.tests.test_cross_document import FIGURE, _put

pytestmark = [pytest.mark.warehouse,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")]

SUMMARY = "nankoku_r8_tousho_gaiyo.pdf"
BOOK_LAYOUT = "numazu_r8_yosan_kanbetsu.txt"


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def _figures(line: str) -> list[re.Match]:
    return [m for m in FIGURE.finditer(line) if m.start() > 20]


def _summary_expenditure() -> tuple[dict[int, list[str]], list[str]]:
    """The summary's 目的別歳出 rows: 款 number → its six printed figures, and the 歳出合計's."""
    path = CORPUS / SUMMARY
    lines = read_pdf(path.read_bytes(), str(path)).text.split("\n")
    start = next(i for i, t in enumerate(lines) if "目的別歳出" in t)
    rows: dict[int, list[str]] = {}
    for line in lines[start:]:
        if "歳出合計" in _squash(line):
            return rows, [m.group() for m in _figures(line)]
        numbered = re.match(r"\s*(\d+)\.\s", line)
        if numbered:
            rows[int(numbered.group(1))] = [m.group() for m in _figures(line)]
    raise AssertionError("the summary's 歳出合計 is not where it was")


def made_book(planted: dict[int, int] | None = None) -> str:
    """南国市's FY2026 歳出 款別 table: the 沼津 page's lines with the summary's figures;
    `planted` adds 千円 to the 本年度 (and 増減額) of the 款 numbered by the key, and to the
    total."""
    rows, total = _summary_expenditure()
    planted = planted or {}

    def shifted(figures: list[str], extra: int) -> list[str]:
        if not extra:
            return figures
        current, share, previous, previous_share, change, rate = figures

        def num(s: str) -> int:
            return int(s.replace(",", "").replace("△", "-").replace(" ", ""))

        def text(v: int) -> str:
            return f"△ {-v:,}" if v < 0 else f"{v:,}"
        return [text(num(current) + extra), share, previous, previous_share, text(num(change) + extra), rate]

    lines = (CORPUS / BOOK_LAYOUT).read_text(encoding="utf-8").split("\n")
    start = next(i for i, t in enumerate(lines) if _squash(t) == "歳出")
    end = next(i for i in range(start, len(lines)) if "歳出合計" in _squash(lines[i]))
    out = lines[1:3] + [""]  # the title (令和８年度 歳入歳出予算款別前年度比較表) and (１) 一般会計
    for line in lines[start:end + 1]:
        figures = _figures(line)
        if len(figures) == 6:
            numbered = re.match(r"\s*(\d+)\s", line)
            if numbered:
                values = shifted(rows[int(numbered.group(1))], planted.get(int(numbered.group(1)), 0))
            else:
                values = shifted(total, sum(planted.values()))
            for m, v in reversed(list(zip(figures, values))):
                line = _put(line, m.start(), m.end(), v)
        out.append(line)
    return "\n".join(out) + "\n"


def build_pair(root: Path, planted: dict[int, int] | None = None) -> list[tuple]:
    made = [(made_row("nankoku-2026-yosansho-made", "nankoku_r8_book_made_from_summary.txt", "392049", 2026,
                      "南国市 令和8年度 一般会計予算書 (歳出 款別)"), made_book(planted))]
    warehouse = build_beside_corpus(root, SUMMARY, made)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert own_mismatches(con, "nankoku-2026-yosansho-made") == 0  # the made book's own identities hold
        # (the 会計別 table; the untitled table under it lists the 特別会計等 one by one)
        totals = con.execute("select account_name, account_type, current_yen, previous_yen "
                             "from marts.fct_budget_account_totals where not is_total "
                             "and table_title is not null order by source_line").fetchall()
        assert totals == [("一般会計", "general", 25_550_000_000, 25_840_000_000),
                          ("特別会計", "special", 11_546_979_000, 11_481_361_000),
                          ("企業会計", "public_enterprise", 2_564_207_000, 2_646_753_000)]
        return con.execute(
            "select group_label, status, reported_value, computed_value, note, document_id "
            "from marts.rpt_reconciliation where subject = 'cross_document.account_budget' "
            "order by group_label").fetchall()
    finally:
        con.close()


def test_summary_account_totals_are_checked_against_the_budget_book(tmp_path):
    rows = build_pair(tmp_path)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("一般会計 @ FY2025", "ok", 25_840_000_000, 25_840_000_000),
        ("一般会計 @ FY2026", "ok", 25_550_000_000, 25_550_000_000)], rows
    for r in rows:
        assert "nankoku-2026-gaiyo" in r[4] and "nankoku-2026-yosansho-made" in r[4]


def test_planted_book_total_is_flagged_against_the_summary(tmp_path):
    rows = build_pair(tmp_path, planted={13: 1})
    by_label = {r[0]: r for r in rows}
    assert by_label["一般会計 @ FY2025"][1] == "ok"  # the 前年度 column was left as it was
    bad = by_label["一般会計 @ FY2026"]
    assert bad[1] == "mismatch"
    assert {bad[2], bad[3]} == {25_550_001_000, 25_550_000_000}
    assert "nankoku-2026-gaiyo" in bad[4] and "nankoku-2026-yosansho-made" in bad[4]
