"""Identities across documents, built the way a user builds: two budget books of one city.

The corpus holds one year of the 沼津市 款別前年度比較表 (FY2026). The test makes the next
year's book from it (real fragments: the same page, its 款 names and figures): in the FY2027
book every 款 keeps its budget, so its 前年度 column is the FY2026 book's 本年度 column, its
増減 is 0. Both books go into a scratch project by their manifest lines and are built through
the CLI. Every 款 of the later book's 前年度 column is then an `ok` cross-document check
against the earlier book's 本年度; a 前年度 figure planted in the later book is a `mismatch`
naming both documents.
"""
import re
from pathlib import Path

import duckdb
import pytest

from ingest.tests.test_corpus_tables import CORPUS, build_corpus

pytestmark = [pytest.mark.warehouse,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")]

SOURCE = "numazu_r8_yosan_kanbetsu.txt"
FIGURE = re.compile(r"(?:△ ?)?\d[\d,]*(?:\.\d+)?")


def _put(line: str, start: int, end: int, text: str) -> str:
    """`text` right-aligned to end where the printed figure ended (columns stay in place)."""
    width = max(end - start, len(text))
    return line[: end - width] + text.rjust(width) + line[end:]


def next_year_book(text: str, planted: dict[str, str] | None = None) -> str:
    """The FY2027 book: each row line's 本年度 (and 構成比) copied into its 前年度 columns,
    増減 0 and 0.0; `planted` replaces the copied 前年度 figure of the rows whose label holds
    the key. The title names the next year."""
    out = []
    for line in text.split("\n"):
        figures = [m for m in FIGURE.finditer(line) if m.start() > 20 or line[:m.start()].strip()]
        figures = [m for m in figures if not re.fullmatch(r"\d{1,2}", m.group()) or m.start() > 20]
        if len(figures) == 6:
            cur, share, prev, prev_share, diff, rate = figures
            label = re.sub(r"\s+", "", line[: cur.start()])
            previous = cur.group()
            for key, value in (planted or {}).items():
                if key in label:
                    previous = value
            # right to left, so earlier spans keep their positions
            line = _put(line, rate.start(), rate.end(), "0.0")
            line = _put(line, diff.start(), diff.end(), "0")
            line = _put(line, prev_share.start(), prev_share.end(), share.group())
            line = _put(line, prev.start(), prev.end(), previous)
        out.append(line)
    return "\n".join(out).replace("令和８年度", "令和９年度")


def build_pair(root: Path, planted: dict[str, str] | None = None) -> Path:
    text = (CORPUS / SOURCE).read_text(encoding="utf-8")
    later = "numazu_r9_made_from_r8.txt"
    rows = [
        {"document_id": "numazu-2026-kanbetsu", "path": SOURCE, "municipality_code": "222038",
         "fiscal_year": "2026", "title": "沼津市 令和8年度 歳入歳出予算款別前年度比較表", "encoding": ""},
        {"document_id": "numazu-2027-kanbetsu", "path": later, "municipality_code": "222038",
         "fiscal_year": "2027", "title": "沼津市 令和9年度 歳入歳出予算款別前年度比較表", "encoding": ""},
    ]
    (root / "project").mkdir()
    proc = build_corpus(root / "project", rows, made={later: next_year_book(text, planted)})
    assert (root / "project" / "warehouse.duckdb").exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "project" / "warehouse.duckdb"


def cross_checks(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select group_label, status, reported_value, computed_value, note, document_id "
            "from marts.rpt_reconciliation where subject = 'cross_document.budget_item' "
            "order by group_label").fetchall()
    finally:
        con.close()


def test_next_years_previous_column_is_checked_against_this_years_book(tmp_path):
    rows = cross_checks(build_pair(tmp_path))
    # 23 revenue and 13 expenditure 款 and both 合計 rows, each an identity that holds
    assert len(rows) == 23 + 13 + 2, rows
    assert {r[1] for r in rows} == {"ok"}, [r for r in rows if r[1] != "ok"]
    by_label = {r[0]: r for r in rows}
    total = by_label["revenue/合計 @ FY2026"]
    assert total[2] == total[3] == 95_650_000_000
    assert "numazu-2027-kanbetsu" in total[4] and "numazu-2026-kanbetsu" in total[4]
    assert total[5] == "numazu-2027-kanbetsu"


def test_planted_previous_year_figure_is_flagged(tmp_path):
    rows = cross_checks(build_pair(tmp_path, planted={"繰入金": "3,051,857"}))
    bad = [r for r in rows if r[1] == "mismatch"]
    assert len(bad) == 1, rows
    label, _, reported, computed, note, document_id = bad[0]
    assert label.startswith("revenue/") and "繰入金" in label
    assert (reported, computed) == (3_051_857_000, 3_051_856_000)
    assert document_id == "numazu-2027-kanbetsu"
    assert "numazu-2026-kanbetsu" in note
