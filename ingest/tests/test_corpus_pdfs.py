"""The corpus PDFs, each added by its manifest line alone, built into a warehouse.

The four PDFs of `../shared/corpus` (see its README) are copied into a scratch project with
their manifest lines (never into the repository) and built through the CLI. Checked here:
every page of every PDF lands in `dim_document_page` with its lines, `fct_table_cells`
carries the page of every cell (the page whose lines hold the cell's line), the 小平市 scan's
pages without a text layer are listed in the build summary, and the totals the corpus README
worked by hand are `ok` checks where the table engine reaches them (the others are listed,
with what the engine does instead, in KNOWN_SHORT: they are the engine's, not the reader's).
"""
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.tests.test_corpus_tables import build_corpus, corpus_rows

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
pytestmark = [pytest.mark.warehouse,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here"),
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")]

# Pages of each corpus PDF (pdfinfo) and those without a text layer (the README: 富士市 has 8
# empty pages; the 小平市 scan 18 pages without OCR text).
PAGES = {"fuji-2024-yosansho": (612, [14, 20, 24, 25, 26, 172, 173, 174]),
         "nankoku-2026-gaiyo": (18, []), "nankoku-2021-kurikoshi": (11, []),
         "kodaira-2020-rinjikai": (83, [40, 41, 42, 43, 44, 52, 53, 54, 55, 56, 57, 58, 59, 60,
                                        61, 68, 69, 70])}


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("corpus-pdf")
    proc = build_corpus(root, corpus_rows(".pdf"))
    # exit 1: the engine flags mismatches in these PDFs (layouts it misreads)
    assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "warehouse.duckdb", proc.stdout


def query(warehouse: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("document_id", sorted(PAGES))
def test_every_page_lands_with_its_lines(pdf_build, document_id):
    warehouse, _ = pdf_build
    pages, without = PAGES[document_id]
    rows = query(warehouse, "select page, has_text_layer, characters, first_line, last_line, "
                 "orientation from marts.dim_document_page where document_id = ? order by page",
                 [document_id])
    assert [r[0] for r in rows] == list(range(1, pages + 1))
    assert [r[0] for r in rows if not r[1]] == without
    assert all((r[2] > 0) == r[1] for r in rows)
    lines = query(warehouse, "select line_count, page_count, pages_without_text, encoding_detected "
                  "from marts.dim_document where document_id = ?", [document_id])[0]
    assert lines[1:] == (pages, len(without), "pdf")
    spans = [(r[3], r[4]) for r in rows if r[3] is not None]
    assert spans[0][0] == 1 and spans[-1][1] == lines[0]
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # in page order, no overlap
    assert all(r[3] is not None for r in rows if r[1])  # a page with text has lines


@pytest.mark.parametrize("document_id", sorted(PAGES))
def test_every_cell_carries_the_page_its_line_is_on(pdf_build, document_id):
    warehouse, _ = pdf_build
    cells, wrong = query(warehouse, """
        select count(*), count(*) filter (where p.page is null or c.source_page is null)
        from marts.fct_table_cells c
        left join marts.dim_document_page p on p.document_id = c.document_id
            and c.source_line between p.first_line and p.last_line and p.page = c.source_page
        where c.document_id = ?""", [document_id])[0]
    assert cells > 100 and wrong == 0


def test_summary_lists_the_pages_without_text(pdf_build):
    _, out = pdf_build
    assert ("kodaira-2020-rinjikai: 18 pages without text (not read: a scan without OCR or a "
            "blank page): pages 40–44, 52–61, 68–70") in out
    assert re.search(r"document fuji-2024-yosansho: 222101 FY2024, \d+ lines, .*PDF of 612 pages", out)


# (document, printed total, subject) of the totals the corpus README worked by hand
HAND_CHECKED = [
    ("nankoku-2026-gaiyo", 25_550_000, "table:column_total"),       # 一般会計 (歳入合計 = Σ 款)
    ("nankoku-2026-gaiyo", 4_636_232, "table:column_total"),        # 基金 計 R6年度末残高
    ("nankoku-2026-gaiyo", 19_409_939_301, "table:parent_children"),  # 普通債 前年度末 = Σ purposes
    ("nankoku-2026-gaiyo", 17_335_066_832, "table:parent_children"),  # 普通債 前々年度末
    ("fuji-2024-yosansho", 101_800_000, "table:column_total"),      # 歳入合計 = 歳出合計 (第1表)
    ("kodaira-2020-rinjikai", 3_017_362_000, "table:row_sum"),      # 財政調整基金 残高
    ("nankoku-2021-kurikoshi", 1_826_501, "table:row_sum"),         # 繰越 計 = Σ 財源内訳
]
# What the engine does not reach yet on these PDFs (issue 13's engine, not tuned here):
KNOWN_SHORT = [
    # the 普通債 roll-forward 前々年度末 + 借入 (two columns) − 償還 = 前年度末: the engine finds
    # the next year's (19,409,939,301 + 1,157,900,000 − 1,498,219,106) but not this four-term one
    ("nankoku-2026-gaiyo", 19_409_939_301, "table:roll_forward"),
]


@pytest.mark.parametrize("document_id, reported, subject", HAND_CHECKED + [
    pytest.param(*k, marks=pytest.mark.xfail(reason="not reached by the table engine yet",
                                             strict=False)) for k in KNOWN_SHORT])
def test_hand_checked_totals_are_ok_checks(pdf_build, document_id, reported, subject):
    warehouse, _ = pdf_build
    found = query(warehouse, "select status from marts.rpt_reconciliation where document_id = ? "
                  "and subject = ? and reported_value = ?", [document_id, subject, reported])
    # the same figure may close several tables (歳入合計 and 歳出合計 …): one of them holds
    assert "ok" in [s for (s,) in found], found


# The same printed total may also close a table the engine reads only in part: 富士市 第1表
# 歳入歳出予算 runs over pages 4–9, one figure a line, and repeats its header (款 項 金額) on
# each page; the engine reads each page's part as a table of its own, so 歳入合計 / 歳出合計
# (lines 227, 364 of the text) add only the last page's 款 and 項. Those checks say so
# (`unverifiable`: the table may begin above its first row), never `mismatch`; the 事項別明細書
# 総括 tables (one page each) give the same 101,800,000 as ok checks.
@pytest.mark.parametrize("document_id, reported, subject", HAND_CHECKED)
def test_hand_checked_totals_never_fail(pdf_build, document_id, reported, subject):
    warehouse, _ = pdf_build
    found = query(warehouse, "select status from marts.rpt_reconciliation where document_id = ? "
                  "and subject = ? and reported_value = ?", [document_id, subject, reported])
    assert "mismatch" not in [s for (s,) in found], found


# Shares of each PDF's printed figures (the coverage report's count: a running page header
# once, labels and codes not at all) that land as table cells, and that an identity checks,
# as built on 2026-12-02 (issue 15 asks ≥ 90% landed and ≥ 50% checked): floors, so that a
# change of the engine that loses cells is seen.
SHARES = {"nankoku-2026-gaiyo": (0.90, 0.60), "nankoku-2021-kurikoshi": (0.95, 0.58),
          "fuji-2024-yosansho": (0.895, 0.50), "kodaira-2020-rinjikai": (0.64, 0.30)}


@pytest.mark.parametrize("document_id", sorted(SHARES))
def test_printed_figures_land_as_table_cells(pdf_build, document_id):
    warehouse, _ = pdf_build
    landed, checked = query(warehouse, """
        with cells as (
            select source_line, count(*) as n, count(*) filter (where checked) as k
            from raw.raw_table_cells where document_id = ? group by all)
        select sum(least(t.numeric_tokens, coalesce(c.n, 0))) / sum(t.numeric_tokens),
               sum(least(t.numeric_tokens, coalesce(c.k, 0))) / sum(t.numeric_tokens)
        from raw.raw_line_tokens as t left join cells as c on c.source_line = t.line_no
        where t.document_id = ?""", [document_id, document_id])[0]
    floor_landed, floor_checked = SHARES[document_id]
    assert landed >= floor_landed and checked >= floor_checked, (landed, checked)


def test_an_untitled_table_of_accounts_reaches_the_budget_account_totals(pdf_build):
    """南国市's 予算の概要 prints, under its 会計別 table, a table with no title of its own whose
    row header says what its rows are (特別会計等: 土地, 国保 … 上水, 下水): its kind comes from
    the row header (ref_row_header_kinds), its rows reach fct_budget_account_totals, the
    abbreviated accounts typed where the reviewed ref_account_types knows the abbreviation
    (国保, 介護, 後期高齢, 上水; 土地, 企業団地, 下水 stay untyped: each could be more than one
    account), and its 特別会計 計 is the 会計別 table's 特別会計(5件)."""
    warehouse, _ = pdf_build
    rows = query(warehouse, """
        select printed_label, account_type, is_total, current_yen
        from marts.fct_budget_account_totals
        where document_id = 'nankoku-2026-gaiyo' and table_title is null
        order by source_line""")
    assert [r[0] for r in rows] == ["土地", "国保", "介護", "企業団地", "後期高齢", "特別会計計", "上水",
                                    "下水", "企業会計計", "合計"]
    types = {r[0]: r[1] for r in rows}
    assert (types["国保"], types["介護"], types["後期高齢"], types["上水"]) == (
        "special", "special", "special", "public_enterprise")
    assert types["土地"] is None and types["下水"] is None
    assert sum(r[3] for r in rows[:5]) == rows[5][3] == 11_546_979_000
    special = query(warehouse, """
        select current_yen from marts.fct_budget_account_totals
        where document_id = 'nankoku-2026-gaiyo' and account_name = '特別会計' and account_count = 5""")
    assert special == [(11_546_979_000,)]
