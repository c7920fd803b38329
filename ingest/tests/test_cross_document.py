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


FUJI = "fuji_r7_yosansho_fuzoku.txt"


def next_year_bond_table(text: str, revised: dict[str, int]) -> str:
    """The next year's 地方債現在高見込調書 made from this year's (its page alone, real rows):
    each row's 前年度末 is this year's 当該年度末見込 plus the revision of `revised` (千円, by
    the label printed under the row, and the same added to the parents it sums into: 普通債 and
    計), flows as this year's, 当該年度末 rolled forward; 前々年度末 is this year's 前年度末見込.
    The headers name the next years (５/６/７年度 → ６/７/８年度)."""
    lines = text.split("\n")
    start = next(i for i, t in enumerate(lines) if "地方債の" in t)
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("- 605"))
    page = lines[start:end + 1]
    out = []
    for i, line in enumerate(page):
        figures = [m for m in FIGURE.finditer(line) if m.start() > 30]
        if len(figures) == 5:
            # a numbered purpose `(n)` has its name on the line under its figures, a group and
            # the 計 on the line above them
            numbered = re.search(r"\(\d+\)", line[: figures[0].start()])
            label = re.sub(r"\s+", "", page[i + 1] if numbered else page[i - 1])
            before, opening, borrowed, repaid, closing = (int(m.group().replace(",", "")) for m in figures)
            delta = sum(v for k, v in revised.items() if k in label)
            if any(k in label for k in ("普通債", "計")) and not any(k in label for k in revised):
                delta = sum(revised.values())
            new_opening = closing + delta
            values = [opening, new_opening, borrowed, repaid, new_opening + borrowed - repaid]
            for m, v in reversed(list(zip(figures, values))):
                line = _put(line, m.start(), m.end(), f"{v:,}")
        out.append(line)
    page_text = "\n".join(out)
    for a, b in (("７", "８"), ("６", "７"), ("５", "６")):
        page_text = page_text.replace(f"{a} 年 度", f"{b} 年 度").replace(f"{a}年度", f"{b}年度")
    return page_text.replace("7年度", "8年度")


def test_a_revised_projection_is_a_comparison_not_an_error(tmp_path):
    """This year's book projects the 地方債 at this year's end; next year's book states the same
    date's balance again as its 前年度末 (still a 見込). Where the later book revised it (総務
    +1,000 千円) the pair is `expected_mismatch` saying the projection was revised; where it held,
    `ok`; never a `mismatch`."""
    text = (CORPUS / FUJI).read_text(encoding="utf-8")
    later = "fuji_r8_bonds_made_from_r7.txt"
    rows = [
        {"document_id": "fuji-2025-fuzoku", "path": FUJI, "municipality_code": "222101",
         "fiscal_year": "2025", "title": "富士市 令和7年度 一般会計予算書 附属資料", "encoding": ""},
        {"document_id": "fuji-2026-bonds", "path": later, "municipality_code": "222101",
         "fiscal_year": "2026", "title": "富士市 令和8年度 一般会計予算書 附属資料 (地方債)", "encoding": ""},
    ]
    (tmp_path / "project").mkdir()
    proc = build_corpus(tmp_path / "project", rows,
                        made={later: next_year_bond_table(text, revised={"総務": 1000})})
    warehouse = tmp_path / "project" / "warehouse.duckdb"
    assert warehouse.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select subject, group_label, status, reported_value, computed_value, note "
            "from marts.rpt_reconciliation where subject like 'cross_document.bond%' "
            "order by subject, group_label").fetchall()
        own = con.execute("select status, count(*) from marts.rpt_reconciliation "
                          "where document_id = 'fuji-2026-bonds' and subject not like 'cross%' "
                          "group by status").fetchall()
    finally:
        con.close()
    assert dict(own).get("mismatch", 0) == 0, own  # the made book's own identities hold
    by_label = {(r[0], r[1]): r for r in rows}
    assert not [r for r in rows if r[2] == "mismatch"], rows
    total = by_label[("cross_document.bond_balance", " @ FY2025")]
    assert total[2] == "expected_mismatch" and "projection" in total[5]
    assert (total[3], total[4]) == (77_791_416_000, 77_790_416_000)
    revised = by_label[("cross_document.bond_purpose_balance", "/総務 @ FY2025")]
    assert revised[2] == "expected_mismatch"
    held = by_label[("cross_document.bond_purpose_balance", "/民生 @ FY2025")]
    assert held[2] == "ok" and held[3] == held[4] == 1_673_864_000


def test_the_two_corpus_books_of_one_city_are_checked_against_each_other(tmp_path):
    """富士市's FY2024 book (PDF) and FY2025 附属資料 (text), each by its corpus manifest line:
    the later book's 給与費明細書 前年度 lines are the earlier book's 本年度 lines (budget =
    budget: identities, ok); its 地方債 前年度末見込 against the earlier book's 当該年度末見込 is a
    revised projection (expected_mismatch, never a mismatch)."""
    from ingest.tests.test_corpus_tables import corpus_rows
    rows = [r for r in corpus_rows(".pdf") + corpus_rows(".txt") if r["municipality_code"] == "222101"]
    assert {r["document_id"] for r in rows} == {"fuji-2024-yosansho", "fuji-2025-fuzoku"}
    (tmp_path / "project").mkdir()
    proc = build_corpus(tmp_path / "project", rows)
    warehouse = tmp_path / "project" / "warehouse.duckdb"
    assert warehouse.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        checks = con.execute(
            "select subject, group_label, status, reported_value, computed_value, document_id "
            "from marts.rpt_reconciliation where subject like 'cross_document.%'").fetchall()
    finally:
        con.close()
    salary = {r[1]: r for r in checks if r[0] == "cross_document.salary_cost"}
    assert {k: v[2] for k, v in salary.items()} == {
        f"特別職/{k} @ FY2024": "ok" for k in ("市長等", "議員", "その他", "計")}
    assert salary["特別職/計 @ FY2024"][3:5] == (616_912_000, 616_912_000)
    bond = [r for r in checks if r[0] == "cross_document.bond_balance"]
    assert [(r[1], r[2], r[3], r[4]) for r in bond] == [
        (" @ FY2024", "expected_mismatch", 79_276_294_000, 79_124_475_000)]
    assert not [r for r in checks if r[2] == "mismatch"]
    assert {r[5] for r in checks} == {"fuji-2025-fuzoku"}
