"""Documents of other cities, each added by its manifest line alone, read by the table engine.

The corpus (`../shared/corpus`, see its README) is read in place: the test copies the text
documents into a scratch project with a manifest of the corpus lines (never into the
repository), builds it through the CLI, and checks what the issue asks of every document:
at least 90% of its printed figures land in `fct_table_cells`, at least half are `checked`,
and the totals the corpus README worked by hand are `ok` checks.
"""
import csv
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.tests.test_gate import copy_project

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
pytestmark = [pytest.mark.warehouse,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")]


def corpus_rows(suffix: str) -> list[dict]:
    """The corpus manifest's lines of one kind of file (`.txt`, `.pdf`)."""
    with (CORPUS / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["path"].endswith(suffix)]


def corpus_text_rows() -> list[dict]:
    return corpus_rows(".txt")


def build_corpus(root_dir: Path, rows: list[dict],
                 made: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A scratch project holding the given corpus documents and a manifest of their lines
    alone, built through the CLI as a user builds (`cli build --force`). `made` holds documents
    a test made itself (file name → text), listed in `rows` by that name."""
    root = copy_project(root_dir)
    shutil.copytree(ROOT / "ingest", root / "ingest", ignore=shutil.ignore_patterns("__pycache__"))
    raw = root / "data" / "raw"
    for r in rows:
        if made and r["path"] in made:
            (raw / r["path"]).write_text(made[r["path"]], encoding="utf-8")
        else:
            shutil.copy(CORPUS / r["path"], raw / r["path"])
    with (raw / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (raw / "acknowledged_mismatches.csv").write_text("check_id,note,reviewed_by\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_PATH"}
    proc = subprocess.run([sys.executable, "-m", "ingest.cli", "build", "--force"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=900)
    assert "Traceback" not in proc.stderr
    return proc


def made_row(document_id: str, path: str, municipality_code: str, fiscal_year: int, title: str) -> dict:
    """The manifest line of a document a test made (text, UTF-8: `encoding` empty)."""
    return {"document_id": document_id, "path": path, "municipality_code": municipality_code,
            "fiscal_year": str(fiscal_year), "title": title, "encoding": ""}


def build_beside_corpus(root: Path, corpus_path: str, made: list[tuple[dict, str]]) -> Path:
    """One corpus document and documents a test made beside it ((manifest line, text) each),
    built through the CLI in `root/project`: the warehouse's path (the build may exit 1 when
    a test plants a wrong figure; it must publish)."""
    corpus = next(r for r in corpus_rows(Path(corpus_path).suffix) if r["path"] == corpus_path)
    (root / "project").mkdir()
    proc = build_corpus(root / "project", [corpus] + [row for row, _ in made],
                        made={row["path"]: text for row, text in made})
    warehouse = root / "project" / "warehouse.duckdb"
    assert warehouse.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return warehouse


def own_mismatches(con, document_id: str) -> int:
    """Mismatches among a document's own checks (not those against other documents)."""
    return con.execute("select count(*) from marts.rpt_reconciliation where document_id = ? "
                       "and subject not like 'cross%' and status = 'mismatch'", [document_id]).fetchone()[0]


@pytest.fixture(scope="module")
def corpus_warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    proc = build_corpus(root, corpus_text_rows())
    # exit 0: every dbt test (the typed marts' identities too), GX suite and check passes
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "warehouse.duckdb"


def shares(con, document_id: str) -> tuple[int, float, float]:
    """(printed figures, share landed as cells, share checked), line by line."""
    row = con.execute("""
        with cells as (
            select source_line, count(*) as n, count(*) filter (where checked) as k
            from marts.fct_table_cells where document_id = ? group by source_line
        )
        select sum(t.numeric_tokens),
               sum(least(t.numeric_tokens, coalesce(c.n, 0))),
               sum(least(t.numeric_tokens, coalesce(c.k, 0)))
        from raw.raw_line_tokens t left join cells c on c.source_line = t.line_no
        where t.document_id = ?""", [document_id, document_id]).fetchone()
    figures, landed, checked = row
    return figures or 0, (landed or 0) / (figures or 1), (checked or 0) / (figures or 1)


@pytest.mark.parametrize("document_id", [r["document_id"] for r in corpus_text_rows()])
def test_corpus_document_lands_and_checks_its_figures(corpus_warehouse, document_id):
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        figures, landed, checked = shares(con, document_id)
        mismatches = con.execute("select count(*) from marts.rpt_reconciliation where "
                                 "document_id = ? and status = 'mismatch'", [document_id]).fetchone()[0]
    finally:
        con.close()
    if figures == 0:
        pytest.skip(f"{document_id} prints no figures in tables (a list of bills)")
    assert landed >= 0.9, (document_id, figures, landed)
    assert checked >= 0.5, (document_id, figures, checked)
    assert mismatches == 0


# (document, printed line, subject, printed total) of the totals the corpus README worked by hand
HAND_CHECKED = [
    ("fuji-2025-fuzoku", 762, "table:roll_forward", 77_790_416),    # 地方債 計 roll-forward
    ("fuji-2025-fuzoku", 762, "table:column_total", 75_398_098),    # 普通債 + 災害復旧債 + その他 = 計
    ("fuji-2025-fuzoku", 732, "table:parent_children", 69_239_827),  # ten purposes = 普通債
    # 債務負担行為 合計 (its 支出予定額 printed on the line above, 718): 限度額 − 支出済 = 予定,
    # 予定 = Σ 財源, and each column's 合計 over the 87 items of the table's seven pages
    ("fuji-2025-fuzoku", 718, "table:row_difference", 49_800_278),
    ("fuji-2025-fuzoku", 718, "table:row_sum", 49_800_278),
    ("fuji-2025-fuzoku", 718, "table:column_total", 49_800_278),
    ("fuji-2025-fuzoku", 719, "table:column_total", 69_017_427),
    ("fuji-2025-fuzoku", 719, "table:column_total", 40_330_639),
    ("fuji-2025-fuzoku", 15, "table:column_total", 758_669),        # 特別職 本年度 計 合計
    ("fuji-2025-fuzoku", 30, "table:compared_rows", 141_757),       # 特別職 比較 = 本年度 − 前年度
    ("numazu-2026-kanbetsu", 34, "table:column_total", 95_650_000),  # 歳入合計 本年度
    ("numazu-2026-kanbetsu", 34, "table:column_total", 95_600_000),  # 歳入合計 前年度
    ("numazu-2026-kanbetsu", 74, "table:column_total", 95_650_000),  # 歳出合計 本年度
    ("numazu-2026-kanbetsu", 28, "table:row_difference", -1_557_419),  # 繰入金 本年度 − 前年度
]


@pytest.mark.parametrize("document_id, line, subject, reported", HAND_CHECKED)
def test_hand_checked_totals_are_ok_checks(corpus_warehouse, document_id, line, subject, reported):
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        found = con.execute("select status from marts.rpt_reconciliation where document_id = ? "
                            "and source_line = ? and subject = ? and reported_value = ?",
                            [document_id, line, subject, reported]).fetchall()
    finally:
        con.close()
    assert found and all(s == "ok" for (s,) in found), found


def test_every_numazu_row_checks_this_year_minus_last(corpus_warehouse):
    """本年度 − 前年度 = 増減額 on each of the 23 revenue and 13 expenditure 款 and both totals."""
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        rows = con.execute("select status, count(*) from marts.rpt_reconciliation where document_id = "
                           "'numazu-2026-kanbetsu' and subject = 'table:row_difference' group by 1").fetchall()
    finally:
        con.close()
    assert rows == [("ok", 38)]


def test_debt_burden_items_reach_their_typed_mart(corpus_warehouse):
    """債務負担行為 調書 of the 富士市 附属資料: its items by what the column headers say
    (限度額, 支出(見込)額, 支出予定額, 財源内訳), the 合計 row as printed (corpus README)."""
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        total = con.execute("select limit_yen, spent_yen, planned_yen, source_national_prefectural_yen, "
                            "source_bonds_yen, source_other_yen, source_general_yen from marts.fct_debt_burdens "
                            "where document_id = 'fuji-2025-fuzoku' and is_total").fetchall()
        items = con.execute("select count(*), sum(limit_yen), sum(planned_yen) from marts.fct_debt_burdens "
                            "where document_id = 'fuji-2025-fuzoku' and not is_total").fetchone()
        first = con.execute("select item_name, limit_yen, spent_yen, planned_yen, source_general_yen "
                            "from marts.fct_debt_burdens where document_id = 'fuji-2025-fuzoku' "
                            "and item_no = 1").fetchall()
    finally:
        con.close()
    assert total == [(69_017_427_000, 19_217_149_000, 49_800_278_000, 3_119_568_000, 4_071_600_000,
                      2_278_471_000, 40_330_639_000)]
    assert items[1] == 69_017_427_000 and items[2] == 49_800_278_000  # the items add up to 合計
    assert first == [("例規集データ更新業務", 8_663_000, 4_752_000, 3_911_000, 3_911_000)]


def test_budget_book_items_reach_their_typed_mart_for_both_years(corpus_warehouse):
    """沼津市 款別前年度比較表: each 款 with 本年度, 前年度 and 比較 by its headers, both sides."""
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        rows = con.execute("select side, item_no, item_name, current_yen, previous_yen, change_yen, change_pct "
                           "from marts.fct_budget_book_items where document_id = 'numazu-2026-kanbetsu' "
                           "and (item_name = '繰入金' or is_total) order by side, is_total").fetchall()
        counts = con.execute("select side, count(*) from marts.fct_budget_book_items where document_id = "
                             "'numazu-2026-kanbetsu' and not is_total group by 1 order by 1").fetchall()
    finally:
        con.close()
    assert counts == [("expenditure", 13), ("revenue", 23)]
    assert ("revenue", None, "歳入合計", 95_650_000_000, 95_600_000_000, 50_000_000, 0.1) in rows
    assert ("expenditure", None, "歳出合計", 95_650_000_000, 95_600_000_000, 50_000_000, 0.1) in rows
    assert [r for r in rows if r[2] == "繰入金"][0][3:6] == (3_051_856_000, 4_609_275_000, -1_557_419_000)


# The 27 bills of the 沼津市 session (corpus README): 議第76–90, 報第19–26, 認第28–29, 発議第14–15.
NUMAZU_BILLS = ({f"議第{n}号" for n in range(76, 91)} | {f"報第{n}号" for n in range(19, 27)}
                | {"認第28号", "認第29号", "発議第14号", "発議第15号"})


def test_the_numazu_session_bills_land_in_fct_council_bills(corpus_warehouse):
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        rows = con.execute("select bill_label, status, note from marts.fct_council_bills "
                           "where document_id = 'numazu-2024-giketsu'").fetchall()
        hand = con.execute(
            "select title, submitted_on, decided_on, result, committee, committee_result, "
            "submitted_by, category, session_label from marts.fct_council_bills "
            "where document_id = 'numazu-2024-giketsu' and bill_label = '議第84号'").fetchall()
        wrapped = con.execute("select title from marts.fct_council_bills where document_id = "
                              "'numazu-2024-giketsu' and bill_label = '議第83号'").fetchone()[0]
        reports = con.execute(
            "select count(*), min(reported_on), max(reported_on), count(decided_on), count(result) "
            "from marts.fct_council_bills where document_id = 'numazu-2024-giketsu' "
            "and bill_kind = '報'").fetchone()
        no_committee = con.execute(
            "select bill_label, committee, committee_result, note from marts.fct_council_bills "
            "where document_id = 'numazu-2024-giketsu' and bill_kind in ('認', '発議') "
            "order by bill_label").fetchall()
    finally:
        con.close()
    assert len(rows) == 27 and {r[0] for r in rows} == NUMAZU_BILLS
    assert [r for r in rows if r[1] != "ok"] == []
    assert hand == [("令和6年度沼津市一般会計補正予算(第7回)", date(2024, 11, 22), date(2024, 12, 13),
                     "可決", "一般会計予算決算", "可決すべきもの", "市長", "予算",
                     "第7回(令和6年11月)定例会")]
    assert wrapped == "東駿河湾広域都市計画事業岡宮北土地区画整理事業施行条例等の一部改正"
    assert reports == (8, date(2024, 12, 4), date(2024, 12, 4), 0, 0)
    assert [(c, cr, n) for _, c, cr, n in no_committee] == [(None, None, "委員会: 省略")] * 4


def test_bond_projections_by_purpose_reach_fct_bond_balances(corpus_warehouse):
    """富士市 地方債現在高見込調書: each purpose's projected roll-forward, bound by the
    roll-forward the printed figures satisfy (its headers name 現在高 twice), `projected`."""
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        rows = con.execute("select purpose_name, opening_balance_yen, borrowed_yen, repaid_yen, "
                           "closing_balance_yen, basis from marts.fct_bond_balances "
                           "where document_id = 'fuji-2025-fuzoku' order by source_line").fetchall()
    finally:
        con.close()
    assert len(rows) == 16 and {r[5] for r in rows} == {"projected"}
    assert ("計", 79_276_294_000, 5_353_100_000, 6_838_978_000, 77_790_416_000, "projected") in rows
    assert all(r[4] == r[1] + r[2] - r[3] for r in rows)


def test_special_staff_salary_lines_reach_fct_salary_costs(corpus_warehouse):
    """給与費明細書 特別職 (lines 1–30): 本年度 計 合計 758,669 = 135,896 + 355,394 + 267,379 千円,
    each column bound by its header (報酬, 給料, 期末手当, その他手当, 計, 共済費, 合計), 職員数 in 人."""
    con = duckdb.connect(str(corpus_warehouse), read_only=True)
    try:
        rows = con.execute(
            "select period, category_name, is_total, staff_count, remuneration_yen, salary_yen, "
            "salary_cost_subtotal_yen, mutual_aid_cost_yen, total_cost_yen, source_line "
            "from marts.fct_salary_costs where document_id = 'fuji-2025-fuzoku' "
            "and staff_class = '特別職' order by source_line").fetchall()
    finally:
        con.close()
    current = {r[1]: r for r in rows if r[0] == "current"}
    assert set(current) == {"市長等", "議員", "その他", "計"}
    total = current["計"]
    assert total[2] and total[9] == 15
    assert total[8] == 758_669_000 == sum(current[k][8] for k in ("市長等", "議員", "その他"))
    assert total[3] == 4861 and total[4] == 473_302_000 and total[6] == 692_581_000
    assert total[6] + total[7] == total[8]
    previous = {r[1]: r for r in rows if r[0] == "previous"}
    assert previous["計"][8] == 616_912_000
    assert len([r for r in rows if r[0] == "change"]) == 4
