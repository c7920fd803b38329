"""The table engine on fragments in each layout: cells, tables, identities, tolerance, landing.

Fragments are written here in the layouts the documents use (column-aligned text as
`pdftotext -layout` writes it, text flow, tab-separated OCR); their figures are made up so that
each identity holds, and then planted wrong to see the check fail.
"""
from decimal import Decimal

import pytest

from ingest.reading.document import Document, Line
from ingest.reading.normalize import normalize_line
from ingest.tables.cells import layout_line, split_row
from ingest.tables.identities import find_identities
from ingest.tables.land import extract, read_tables


def doc_of(texts: list[str], layout: str = "pdf_flow") -> Document:
    lines = [Line(i + 1, normalize_line(t)) for i, t in enumerate(texts)]
    return Document("t", "132101", 2025, layout, lines, laid_out=[layout_line(t) for t in texts])


def statuses(ex) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in ex.checks:
        rep, comp, tol = c["reported_value"], c["computed_value"], c["tolerance"] or 0
        s = "unverifiable" if comp is None else ("ok" if abs(rep - comp) <= tol + 1e-9 else "mismatch")
        out[s] = out.get(s, 0) + 1
    return out


# ------------------------------------------------------------------------------ cells

@pytest.mark.parametrize("text, ordinal, label, cells", [
    ("     市長等          5        0   46,944   21,595", "", "市長等", ["5", "0", "46,944", "21,595"]),
    # glued cells: no printed number starts with 0 unless it is 0
    ("     比  較      △12,2000072,804 75,482", "", "比較", ["-12,200", "0", "0", "72,804", "75,482"]),
    ("  2   地  方  譲  与  税      466,000    0.5     △ 31,000   △ 6.2", "2", "地方譲与税",
     ["466,000", "0.5", "-31,000", "-6.2"]),
    ("   (1)                       3,167,511     3,152,728", "(1)", "", ["3,167,511", "3,152,728"]),
    ("相談件数は108件、アクセス件数は11,931,018件であった。", "", None, []),
    ("                   - 603 -        - 604 -", "", "", []),
    ("議第84号 令和6年度沼津市一般会計補正予算(第7回)", "", None, []),
    ("1\t市税\t1,000\t2,000", "1", "市税", ["1,000", "2,000"]),
    # a rate printed with its direction word: 増 as printed, 減 negative
    ("地 普通交付税  3,768,166 ▲7.8%   3,742,600   2.7%増   3,329,468  1.1%減", "", "地普通交付税",
     ["3,768,166", "-7.8", "3,742,600", "2.7", "3,329,468", "-1.1"]),
])
def test_split_row(text, ordinal, label, cells):
    got_ordinal, got_label, got, _ = split_row(1, layout_line(text))
    assert [c.text for c in got] == cells
    if cells:
        assert (got_ordinal, got_label) == (ordinal, label)


@pytest.mark.parametrize("text, ordinal, label", [
    ("ア　市　税　の　概　要", "ア", "市税の概要"),
    ("  (イ)   歳 出 の 状 況   ", "(イ)", "歳出の状況"),
    ("アイ 事業の概要", "", "アイ事業の概要"),
    ("   単位：千円   ", "", "単位:千円"),
    ("第二　会議の概要", "", "第二会議の概要"),
])
def test_a_prose_line_is_read_as_its_ordinal_and_label(text, ordinal, label):
    # a line without a digit takes the short path, and read_lines asks its label only when
    # a table needs it: both give what split_row gives
    from ingest.tables.cells import is_prose, prose_label, prose_ordinal
    from ingest.tables.layout import read_lines

    laid = layout_line(text)
    assert is_prose(laid)
    assert split_row(1, laid) == (ordinal, label, [], None)
    assert (prose_ordinal(laid), prose_label(laid)) == (ordinal, label)
    (line,) = read_lines([(1, laid)])
    assert (line.ordinal, line.label, line.cells, line.unit) == (ordinal, label, [], None)


@pytest.mark.parametrize("text", [
    "相談件数は108件、アクセス件数は11,931,018件であった。",
    "                   - 603 -        - 604 -",
    "議第84号 令和6年度沼津市一般会計補正予算(第7回)",
    "  2   地  方  譲  与  税      466,000    0.5     △ 31,000   △ 6.2",
    "1\t市税\t1,000\t2,000",
    "会議名\t第3回",
])
def test_read_lines_gives_the_label_split_row_gives(text):
    # a line without cells gets its label only when asked (line_label): the same label
    from ingest.tables.layout import read_lines

    laid = layout_line(text)
    (line,) = read_lines([(7, laid)])
    ordinal, label, cells, unit = split_row(7, laid)
    assert (line.ordinal, line.cells, line.unit) == (ordinal, cells, unit)
    assert line.label == label


def test_a_figures_chunk_is_a_numbers_chunk_that_is_no_date_or_code():
    # the one-pass pattern against the three tests it stands for
    import random
    import re

    from ingest.tables.cells import _FIGURES_CHUNK, _NUMBERS_CHUNK

    date = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}$|^\d{1,2}/\d{1,2}$")
    code = re.compile(r"^0\d+$")
    rnd = random.Random(3)
    alphabet = list("0123456789.,/△▲-千円%人件回台ポイントア")
    for _ in range(50_000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 10)))
        figures = not (date.match(s) or code.match(s) or not _NUMBERS_CHUNK.fullmatch(s))
        assert figures == bool(_FIGURES_CHUNK.fullmatch(s)), s


def test_units_printed_with_the_first_row_go_to_their_cells():
    _, _, cells, unit = split_row(1, layout_line(
        "  1   市      税   35,500,000 千円     37.1 ％    35,300,000 千円     36.9 ％"))
    assert unit == "千円" and [c.unit for c in cells] == ["千円", "%", "千円", "%"]


# ------------------------------------------------------------------------------ identities

ALIGNED = [
    "                                              (単位 千円)",
    "        区  分          本 年 度      前 年 度      比  較",
    "  1   議  会  費          469,887      459,875      10,012",
    "  2   総  務  費       12,486,809   11,361,324   1,125,485",
    "  3   民  生  費       34,655,705   33,868,977     786,728",
    "        合    計       47,612,401   45,690,176   1,922,225",
]


def test_aligned_table_totals_and_row_differences_hold():
    doc = doc_of(ALIGNED)
    (table,) = read_tables(doc)
    assert table.unit == "千円" and len(table.columns) == 3
    assert [c.label for c in table.columns] == ["本年度", "前年度", "比較"]
    assert [r.path for r in table.rows][:2] == [("1 議会費",), ("2 総務費",)]
    ex = extract(doc)
    assert statuses(ex) == {"ok": 7}  # 3 column totals + 本年度 − 前年度 = 比較 on 4 rows
    cells = ex.rows["raw_table_cells"]
    assert len(cells) == 12 and all(c["checked"] for c in cells)
    assert cells[0]["value_yen"] == 469_887_000 and cells[0]["column_path"] == "本年度"


def test_a_planted_wrong_total_is_a_mismatch_with_its_terms():
    doc = doc_of(ALIGNED[:-1] + ["        合    計       47,612,401   45,690,176   1,922,999"])
    ex = extract(doc)
    bad = [c for c in ex.checks if c["computed_value"] is not None
           and abs(c["reported_value"] - c["computed_value"]) > c["tolerance"]]
    # the 比較 total no longer adds up, nor does 本年度 − 前年度 = 比較 on the 合計 row
    assert sorted((c["subject"], c["source_line"], c["reported_value"]) for c in bad) == [
        ("table:column_total", 6, 1922999.0), ("table:row_difference", 6, 1922999.0)]
    assert "10,012 + 1,125,485 + 786,728" in bad[0]["note"]


def test_rounding_tolerance_is_half_a_unit_per_figure():
    """千円 figures are rounded, each exact to ±0.5: three terms and their total may differ by
    4 × 0.5 = 2 (interval arithmetic over every printed figure); 1 + 1 + 1 printed as 5 is
    within it, as 6 it is not."""
    def total_status(printed: str) -> str:
        doc = doc_of(["(単位 千円)", "  a    1   10", "  b    1   10", "  c    1   10",
                      f"  計    {printed}   30"])
        (check,) = [c for c in extract(doc).checks if c["reported_value"] == float(printed)]
        assert check["tolerance"] == 2.0
        return "ok" if abs(check["reported_value"] - check["computed_value"]) <= 2.0 else "mismatch"

    assert total_status("5") == "ok" and total_status("6") == "mismatch"


def test_yen_figures_are_exact():
    doc = doc_of(["(単位 円)", "  a    1   10", "  b    1   10", "  計    4   20"])
    checks = extract(doc).checks
    assert all(c["tolerance"] == 0 for c in checks)
    assert statuses(extract(doc)) == {"ok": 1, "mismatch": 1}


def test_a_relation_on_two_rows_only_is_a_coincidence_not_an_identity():
    doc = doc_of(["(単位 千円)", "  a    5    3    2", "  b    9    4    5", "  c    7    1    1"])
    assert not [c for c in extract(doc).checks if c["subject"] == "table:row_difference"]
    doc = doc_of(["(単位 千円)", "  a    5    3    2", "  b    9    4    5", "  c    7    1    6",
                  "  d    8    8    0"])
    found = [c for c in extract(doc).checks if c["subject"] == "table:row_difference"]
    assert len(found) == 4 and statuses(extract(doc)) == {"ok": 4}


def test_roll_forward_and_parent_children():
    doc = doc_of([
        "(単位 千円)",
        "      1. 普 通 債",
        "                     1,000     200     100     1,100",
        "         (1)           600     100      50       650",
        "              総  務",
        "         (2)           400     100      50       450",
        "              民  生",
        "      2. そ の 他",
        "                       300       0      30       270",
        "            計",
        "                     1,300     200     130     1,370",
    ])
    (table,) = read_tables(doc)
    assert [r.path for r in table.rows] == [("1 普通債",), ("1 普通債", "(1) 総務"),
                                            ("1 普通債", "(2) 民生"), ("2 その他",), ("計",)]
    ex = extract(doc)
    kinds = {c["subject"] for c in ex.checks}
    assert {"table:roll_forward", "table:parent_children", "table:column_total"} <= kinds
    assert statuses(ex).get("mismatch", 0) == 0


def test_a_short_row_in_text_flow_is_placed_by_the_identities():
    """A lender row printing no borrowing: a + b − c = d and the 合計 decide where its three
    numbers go (the opening balance and the borrowing left blank both fit the row alone)."""
    doc = doc_of([
        "(単位:千円)",
        "財 政 融 資 資 金 7,468,793 115,946 613,785 6,970,954",
        "旧 郵 便 貯 金 資 金 99,991 70,323 29,668",
        "地 方 公 共 団 体 金 融 機 構 8,908,008 232,300 768,438 8,371,870",
        "区 市 町 村 振 興 協 会 237,746 149,200 30,679 356,267",
        "合 計 16,714,538 497,446 1,483,225 15,728,759",
    ])
    (table,) = read_tables(doc)
    ex = extract(doc)
    short = table.rows[1]
    assert short.proven and [c.text if c else None for c in short.placed] == [
        "99,991", None, "70,323", "29,668"]
    assert statuses(ex).get("mismatch", 0) == 0
    assert all(c["status"] == "ok" for c in ex.rows["raw_table_cells"])


def test_ratio_columns_are_checked_not_summed():
    doc = doc_of([
        "(単位 千円、%)",
        "  1  市 税     600     60.0     500     50.0",
        "  2  譲与税    300     30.0     400     40.0",
        "  3  交付金    100     10.0     100     10.0",
        "     合 計   1,000    100.0   1,000    100.0",
    ])
    ex = extract(doc)
    subjects = [c["subject"] for c in ex.checks]
    assert subjects.count("table:ratio") == 8 and statuses(ex) == {"ok": len(subjects)}
    # the ratio columns are not summed as amounts
    assert not [c for c in ex.checks if c["subject"] == "table:column_total" and c["reported_value"] == 100.0]


def test_tab_separated_rows_make_the_same_model():
    doc = doc_of(["区分\t本年度\t前年度\t比較", "議会費\t469,887\t459,875\t10,012",
                  "総務費\t12,486,809\t11,361,324\t1,125,485", "民生費\t34,655,705\t33,868,977\t786,728",
                  "合計\t47,612,401\t45,690,176\t1,922,225"], layout="markdown_tsv")
    (table,) = read_tables(doc)
    assert [c.label for c in table.columns] == ["本年度", "前年度", "比較"]
    assert statuses(extract(doc)) == {"ok": 7}


def test_every_identity_kind_fails_on_planted_bad_data():
    """Each kind of check can fail: a wrong figure is never absorbed by the search."""
    good = find_identities(read_tables(doc_of(ALIGNED))[0])
    assert good and all(i.holds for i in good)
    bad_row = ALIGNED[:3] + ["  2   総  務  費       12,486,809   11,361,324   1,125,000"] + ALIGNED[4:]
    idents = find_identities(read_tables(doc_of(bad_row))[0])
    failing = {(i.kind, i.reported.line) for i in idents if not i.holds}
    assert ("column_total", 6) in failing  # the 比較 total no longer adds up
    assert ("row_difference", 4) in failing  # nor 本年度 − 前年度 = 比較 on its row
    assert Decimal("1125000") in {i.reported.value for i in idents if not i.holds}


def test_the_fast_relation_test_agrees_with_the_identities():
    """`_Grid.holds` (exact integers, for the search) and `Identity.holds` are one test."""
    from ingest.tables.identities import Relation, _Grid, _relation_holds

    for texts in (ALIGNED, ALIGNED[:3] + ["  2   総  務  費       12,486,809   11,361,324   1,125,001"]
                  + ALIGNED[4:], ["(単位 円)", "  a    1   10   11", "  b    2   10   12", "  c    3   10   14"]):
        (table,) = read_tables(doc_of(texts))
        rows = list(range(len(table.rows)))
        grid = _Grid(table, rows)
        width = len(table.columns)
        for target in range(width):
            others = [c for c in range(width) if c != target]
            for rel in (Relation("row_sum", target, tuple((1, c) for c in others), ""),
                        Relation("row_difference", target, ((1, others[0]), (-1, others[-1])), "")):
                for r in rows:
                    assert grid.holds(rel, r) == _relation_holds(table, rel, r), (texts[-1], rel, r)


# ------------------------------------------------------------------------------ sparse aligned tables

# A 債務負担行為 調書 page as `pdftotext -layout` writes it (figures made up, adding up): no row
# prints every column; each item's 支出予定額 stands on the line above it; a long label runs
# into its 限度額 (one space, or none); the item number is a cell where the label is on
# another line; letter-spaced labels carry a digit (`第 ２ 期`).
LIMIT, PAID, DUE, GRANT, BOND, GENERAL = 30, 44, 58, 70, 82, 94  # right edges of the columns


def _at(prefix: str, **cells: str) -> str:
    """A laid-out line: `prefix`, then each figure right-aligned at its column's edge."""
    line = list(prefix.ljust(GENERAL + 2))
    for name, text in cells.items():
        end = globals()[name.upper()]
        line[end - len(text):end] = text
    return "".join(line).rstrip()


_HEAD = [
    _at("") + "   （単位　千円）",
    "                         ６年度末までの  ７年度以降の        左の財源内訳",
    "  一連  事    項        限 度 額    支出(見込)額   支出予定額   国県支出金   地 方 債   一般財源",
    "  番号                               金  額         金  額",
]
_PAGE1 = [
    _at("", due="3,911"),
    _at("   1   例規集更新業務", limit="8,663", paid="4,752", general="3,911"),
    _at("", due="10,074"),
    _at("   2   文書配達業務 10,074", general="10,074"),
    "       第 ２ 期 共同電算化                                ８年度から",
    _at("", due="600,000"),
    _at("   3", limit="900,000", paid="300,000", grant="100,000", bond="200,000", general="300,000"),
    "       事業",
    _at("", due="6,000"),
    _at("   4   公園建設事業7,000平成11年度から", paid="1,000", general="6,000"),
    "                                                - 1 -",
]
_PAGE2 = [
    _at("", due="20,000"),
    _at("   5   庁舎設備更新事業", limit="50,000", paid="30,000", grant="5,000", bond="10,000",
        general="5,000"),
    "   6   限度額に同じ",
    "       寄附金額に応じた",
    "       諸経費",
    "       る金額",
    _at("", due="2,500"),
    _at("   7   給食調理業務", limit="2,500", general="2,500"),
    _at("", due="642,485"),
    _at("         合       計", limit="978,237", paid="335,752", grant="105,000", bond="210,000",
        general="327,485"),
]


def test_a_sparse_aligned_table_over_two_pages_is_one_table_read_by_its_columns():
    doc = doc_of(_HEAD + _PAGE1 + _HEAD + _PAGE2)
    tables = read_tables(doc)
    assert len(tables) == 1
    table = tables[0]
    rows = {r.path[-1] if r.path else "": [c.text if c else None for c in r.placed] for r in table.rows}
    assert rows["1 例規集更新業務"] == ["8,663", "4,752", "3,911", None, None, "3,911"]
    # pulled left after its label, and glued to it: still under 限度額
    assert rows["2 文書配達業務"] == ["10,074", None, "10,074", None, None, "10,074"]
    assert rows["4 公園建設事業"][:3] == ["7,000", "1,000", "6,000"]
    # the item number in its own column is the row's number, not a cell; `２` of 第 ２ 期 is text
    assert all(len(cells) == 6 for cells in rows.values())
    assert not any(c.text in ("2", "3", "5") for r in table.rows for c in r.cells)
    ex = extract(doc)
    assert statuses(ex) == {"ok": len(ex.checks)}
    kinds = {c["subject"] for c in ex.checks if c["reported_value"] == 642_485}
    assert kinds == {"table:column_total", "table:row_difference", "table:row_sum"}
    limits = [c for c in ex.checks if c["reported_value"] == 978_237]
    assert limits and all(c["computed_value"] == 978_237 for c in limits)


def test_the_continued_table_fails_its_total_when_a_page_is_misread():
    bad = [ln.replace("30,000", "31,000") for ln in _PAGE2]  # 庁舎設備更新事業's 支出済額
    ex = extract(doc_of(_HEAD + _PAGE1 + _HEAD + bad))
    paid = [c for c in ex.checks if c["reported_value"] == 335_752]
    assert [c["computed_value"] for c in paid] == [336_752]  # a mismatch, with its terms
    assert "31,000" in paid[0]["note"]


def test_tables_of_one_form_each_closed_by_its_total_stay_apart():
    page = [
        "                                                        （単位：千円、％）",
        "       区        分          令和８年度      令和７年度       比   較",
        "   1.  議     会     費         206,337        207,192         △ 855",
        "   2.  総     務     費       2,581,722      2,759,606     △ 177,884",
        "   3.  民     生     費      11,737,003     10,869,559       867,444",
        "      歳    出    合    計    14,525,062     13,836,357       688,705",
    ]
    tables = read_tables(doc_of(page + page))
    assert len(tables) == 2


def test_a_total_of_a_table_whose_start_is_unknown_is_unverifiable_not_a_mismatch():
    """Rows split off by lines carrying figures (a 説明 column) may continue a table above:
    their 計 may close rows not read with them. It is flagged unverifiable, with the reason."""
    doc = doc_of([
        "(単位 千円)",
        "   区   分          金   額      国支出金      特定財源       一般財源",
        "  1 総務費         134,784                     10,020        124,764",
        "  2 児童措置費      82,911                     24,724         58,187   ○こども園事業費  6,667",
        "                                                                     ○地域型保育費    3,295",
        "  4 保育所費         7,623        4,500         5,000          2,623   16   5,000",
        "  5 施設費          18,155        4,449         5,116         13,039   18   5,116",
        "      計           243,473        8,949        44,860        198,613",
    ])
    ex = extract(doc)
    totals = [c for c in ex.checks if c["subject"] == "table:column_total"]
    failing = [c for c in totals if c["reported_value"] != 8_949]  # 国支出金: rows 1, 2 print none
    assert [c["computed_value"] for c in totals if c["reported_value"] == 8_949] == [8_949]
    assert len(failing) == 3 and all(c["computed_value"] is None for c in failing)
    assert any("the table may begin above its first row" in c["note"] for c in failing)


def test_a_figure_is_the_sum_of_the_column_beside_and_under_it():
    """A 予算書 明細 page: each 節 金額 is the sum of the 説明 amounts printed beside and below
    it (found from the rows: no label names it); a planted wrong amount fails its group."""
    page = [
        "(単位 千円)",
        "  区    分       金    額      説              明",
        "1 土地売払収入      153,398 市有土地売払収入              153,398",
        "2 建物売払収入            1 市有建物売払収入                    1",
        "1 物品売払収入        7,847 都市計画図等売払収入              193",
        "                            市民文芸等有償頒布収入            302",
        "                            博物館出版物等有償頒布収入      7,352",
        "1 立木売払収入        3,885 間伐材等売払収入                3,885",
    ]
    ex = extract(doc_of(page))
    groups = [c for c in ex.checks if c["subject"] == "table:group_sum"]
    assert len(groups) == 4 and statuses(ex) == {"ok": len(ex.checks)}
    bad = extract(doc_of([ln.replace("7,352", "7,362") for ln in page]))
    assert not [c for c in bad.checks if c["subject"] == "table:group_sum"]  # no longer found


def _explanations(rows: list[tuple[str, str, str, str, str]]) -> list[str]:
    """A 明細 page: 節 and 金額 on the left, then the 説明 label and its amount ending at one of
    two columns (細々目 at 50, 細目 further right at 70)."""
    out = ["(単位 千円)", "  区    分       金    額      説              明"]
    for section, amount, label, inner, outer in rows:
        line = (section.ljust(12) + amount.rjust(10)) if section else " " * 22
        line = (line + "  " + label).ljust(50 - len(inner)) + inner
        out.append((line.ljust(70 - len(outer)) + outer).rstrip())
    return out


def test_a_figure_is_the_sum_of_the_column_left_of_it_under_it():
    """A 説明 細目 printed right of its 細々目, each line one of them: the 細目 is the sum of the
    amounts under it down to the next 細目 (found from the rows: three groups hold); a planted
    wrong amount leaves two, and the pair of columns is no longer taken."""
    rows = [("7 報償費", "2,595", "002 健康教育・相談費", "", "2,781"),
            ("", "", "001 健康教育事業費", "578", ""),
            ("8 旅費", "1,226", "002 健康相談事業費", "1,093", ""),
            ("", "", "003 自殺予防対策事業費", "1,110", ""),
            ("10 需用費", "9,231", "003 健康診査費", "", "154,652"),
            ("", "", "001 健康診査事業費", "1,862", ""),
            ("11 役務費", "16,315", "002 がん検診事業費", "152,790", ""),
            ("", "", "004 母子保健費", "", "223,406"),
            ("12 委託料", "441,039", "001 妊産婦保健事業費", "45,798", ""),
            ("", "", "002 妊産婦支援事業費", "177,608", "")]
    page = _explanations(rows)
    ex = extract(doc_of(page))
    groups = [c for c in ex.checks if c["subject"] == "table:group_sum"]
    assert sorted(c["reported_value"] for c in groups) == [2_781, 154_652, 223_406], page
    assert all(c["reported_value"] == c["computed_value"] for c in groups)
    bad = extract(doc_of([ln.replace("1,093", "1,193") for ln in page]))
    assert not [c for c in bad.checks if c["subject"] == "table:group_sum"]


def test_a_count_among_amounts_keeps_its_unit_and_the_amounts_keep_the_tables():
    """A 説明 column of 千円 amounts with counts among them (`8人`, `150人`): each count lands
    in its own unit, the bare amounts in the table's 千円 (their yen value), although a count
    may be the column's first figure to print a unit."""
    def line(section: str, amount: str, label: str, explained: str) -> str:
        return (section.ljust(14) + amount.rjust(10) + "  " + label).ljust(60 - len(explained)) + explained

    page = ["(単位 千円)", "  区    分       金    額      説              明",
            line("3 職員手当等", "713", "001 自殺対策推進会議委員", "56"),
            line("", "", "自殺対策推進会議委員", "8人"),
            line("", "", "002 パートタイム会計年度任用職員", "3,046"),
            line("  期末手当", "635", "003 パートタイム会計年度任用職員", "14,965"),
            line("11 役務費", "16,315", "生活保護受給者等健康診査", "150人"),
            line("  通信運搬費", "16,210", "001 がん検診事業費", "1,093"),
            line("  手数料", "37", "002 健康診査事業費", "2,301")]
    cells = {c["printed_text"]: c for c in extract(doc_of(page)).rows["raw_table_cells"]}
    assert {k: cells[k]["unit"] for k in ("8", "150")} == {"8": "人", "150": "人"}
    assert {k: (cells[k]["unit"], cells[k]["value_yen"]) for k in ("56", "3,046", "1,093", "713")} == {
        "56": ("千円", 56_000), "3,046": ("千円", 3_046_000), "1,093": ("千円", 1_093_000),
        "713": ("千円", 713_000)}


def test_a_ratio_column_under_a_statement_of_two_units_lands_in_percent():
    """`(単位:千円、%)` over 予算額 and 構成比 columns: the amounts are in 千円, the 構成比 (its
    header word, its figures printed with decimals) in %, with no yen value."""
    page = [
        "(性質別歳出)                                             (単位:千円、%)",
        "     区    分          予 算 額      構 成 比      予 算 額      構 成 比",
        "  1. 人 件 費          4,869,091        19.0     4,660,109        18.0",
        "  2. 物 件 費          4,137,242        16.2     3,970,068        15.4",
        "  3. 扶 助 費          7,251,436        28.4     6,559,088        25.4",
    ]
    cells = {c["printed_text"]: c for c in extract(doc_of(page)).rows["raw_table_cells"]}
    assert (cells["4,869,091"]["unit"], cells["4,869,091"]["value_yen"]) == ("千円", 4_869_091_000)
    assert {(cells[k]["unit"], cells[k]["value_yen"]) for k in ("19.0", "18.0", "28.4")} == {("%", None)}


def test_a_page_footer_code_with_leading_zeros_is_not_glued_zeros():
    assert split_row(1, layout_line("歳 入 予 算 書 ＿ 事 項 別 明 細 書 00001"))[2] == []


def test_stacked_group_labels_lead_row_paths_and_their_comparison_is_checked():
    """給与費明細書: 本/年/度, 前/年/度, 比/較 printed down the margin between the rows, as
    pdftotext writes them; each group closes with its 計. The 比較 group is 本年度 − 前年度 row
    by row; a planted wrong difference fails."""
    def group(chars: str, rows: list[str]) -> list[str]:
        out = []
        for k, row in enumerate(rows):  # one character between two rows, none after the 計
            out.append(row)
            if k < len(chars) and k < len(rows) - 1:
                out.append("             " + chars[k])
        return out

    def rows(a: str, b: str, c: str) -> list[str]:
        return [f"                市長等     {a}", f"                議  員     {b}",
                "                その他          0          0          0", f"                  計       {c}"]

    page = ["                                                        (単位 千円)",
            "                区  分        職員数     報  酬      給  料"]
    page += group("本年度", rows("      5          0     46,944", "     32    205,923          0",
                                "     37    205,923     46,944"))
    page += group("前年度", rows("      5          0     46,512", "     32    203,607          0",
                                "     37    203,607     46,512"))
    page += group("比較", rows("      0          0        432", "      0      2,316          0",
                              "      0      2,316        432"))
    doc = doc_of(page)
    (table,) = read_tables(doc)
    assert [r.path for r in table.rows][::4] == [("本年度", "市長等"), ("前年度", "市長等"), ("比較", "市長等")]
    ex = extract(doc)
    compared = [c for c in ex.checks if c["subject"] == "table:compared_rows"]
    assert len(compared) == 12 and statuses(ex) == {"ok": len(ex.checks)}
    bad = extract(doc_of([ln.replace("2,316          0", "2,336          0") for ln in page]))
    assert statuses(bad).get("mismatch", 0) >= 1


# ------------------------------------------------------------------------------ header words

def _place(*parts: tuple[int, str]) -> str:
    """A laid-out line: each text starting at its character position (figures: ending at it
    when given as a negative position)."""
    line: list[str] = []
    for pos, text in parts:
        start = -pos - len(text) if pos < 0 else pos
        line.extend(" " * (start - len(line)))
        line[start:start + len(text)] = text
    return "".join(line).rstrip()


def _salary_rows() -> list[str]:
    figures = [("〇〇委員", ["5", "0", "46,944", "21,595", "68,539", "11,341", "79,880"]),
               ("議  員", ["1,032", "205,923", "0", "94,724", "300,647", "54,747", "355,394"]),
               ("計", ["1,037", "205,923", "46,944", "116,319", "369,186", "66,088", "435,274"])]
    edges = [30, 39, 48, 57, 66, 76, 85]
    return [_place((16, label), *[(-e, f) for e, f in zip(edges, cells)]) for label, cells in figures]


def test_squeezed_header_words_go_to_the_columns_they_stand_over_and_a_group_heads_its_leaves():
    """A 給与費明細書 header as pdftotext writes it: the group label 給 与 費 letter-spaced over the
    middle of its columns; its leaves set one space apart and pushed left of their columns
    (wide characters written one per character cell); 共済費 / 合計 headed from the middle of the
    header, so in no group; 備考 right of every figure heads no column; 人 is the unit of 職員数."""
    header = [
        _place((44, "給       与       費"), (95, "(単位 千円)")),
        _place((23, "職員数")),
        _place((14, "区  分"), (72, "共済費 合  計"), (94, "備  考")),
        _place((28, "人 報  酬 給  料 期末手当"), (62, "計")),
    ]
    doc = doc_of(header + _salary_rows(), layout="text")
    (table,) = read_tables(doc)
    assert [c.label for c in table.columns] == [
        "職員数", "給与費/報酬", "給与費/給料", "給与費/期末手当", "給与費/計", "共済費", "合計"]
    assert table.columns[0].unit == "人" and table.columns[1].unit == "千円"
    assert statuses(extract(doc)).get("mismatch", 0) == 0


def test_two_words_one_space_apart_head_two_columns_and_a_number_opens_a_word():
    """`５ 年 度 末 ６ 年 度 末` and `現  在  高 現在高見込額`: two columns' words written one
    space apart are two words (not one over both columns, leaving the next one empty)."""
    lines = [
        "          地方債の現在高の見込に関する調書",
        "                                (単位 千円)",
        "                     ５ 年 度 末 ６ 年 度 末",
        "          区  分",
        "                     現  在  高 現在高見込額",
        _place((10, "〇〇債"), (-32, "69,239,827"), (-46, "73,927,643")),
        _place((10, "△△債"), (-32, "3,167,511"), (-46, "3,152,728")),
        _place((10, "計"), (-32, "72,407,338"), (-46, "77,080,371")),
    ]
    (table,) = read_tables(doc_of(lines, layout="text"))
    assert [c.label for c in table.columns] == ["5年度末/現在高", "6年度末/現在高見込額"]


def test_a_tightly_set_word_joins_no_letters_further_away():
    """`予    算    額` and `構 成 比` are two words over two columns (the letters of a word set
    one space apart do not join letters seven spaces away)."""
    lines = [
        "   市税の見積",
        "                                    (単位 千円、%)",
        "   区  分      予    算    額       構 成 比",
        _place((3, "〇〇税"), (-30, "6,538,777"), (-40, "25.6")),
        _place((3, "△△税"), (-30, "19,001,223"), (-40, "74.4")),
        _place((3, "計"), (-30, "25,540,000"), (-40, "100.0")),
    ]
    (table,) = read_tables(doc_of(lines, layout="text"))
    assert [c.label for c in table.columns] == ["予算額", "構成比"]


def test_shares_in_a_table_of_groups_are_of_their_own_groups_total():
    """Two groups each closed by a 計 whose 構成比 prints 100: a row's share is of its group's
    total, not of the last total of the table (a planted share fails against its own group)."""
    rows = ["  区 分   職員数  構成比  職員数  構成比",
            "  1級      20    40.0   10   20.0", "  2級      20    40.0   20   40.0",
            "  3級      10    20.0   20   40.0", "  計       50   100.0   50  100.0",
            "  1級      10    25.0   10   20.0", "  2級      20    50.0   30   60.0",
            "  3級      10    25.0   10   20.0", "  計       40   100.0   50  100.0"]
    ex = extract(doc_of(rows))
    ratios = [c for c in ex.checks if c["subject"] == "table:ratio"]
    assert ratios and statuses(ex) == {"ok": len(ex.checks)}, ex.checks
    bad = extract(doc_of(rows[:1] + ["  1級      20    30.0   10   20.0"] + rows[2:]))
    assert statuses(bad).get("mismatch", 0) >= 1  # 20 of its group's 50 is 40.0, not 30.0


def test_an_item_of_a_breakdown_of_changes_is_no_comparison_row():
    """`その他の増減分` ends in 増減分: an item under a breakdown of 増減, not a row comparing the
    two above it (本年度 − 前年度); a row labelled 比較 is one."""
    items = ["(単位 千円)",
             "  本年度     1,000    500", "  前年度       800    450",
             "  その他の増減分   70     20"]
    ex = extract(doc_of(items))
    assert not [c for c in ex.checks if c["subject"] == "table:compared_rows"]
    compared = extract(doc_of(items[:3] + ["  比 較        200     50"]))
    assert [c for c in compared.checks if c["subject"] == "table:compared_rows"]
    assert statuses(compared) == {"ok": len(compared.checks)}


# ------------------------------------------------------------------------------ a PDF's 給与費明細書

# The right edges of the columns of a 給与費明細書 page as pdftotext writes it: 職員数, 報酬, 給料,
# 期末手当, その他手当, 計, 共済費, 合計; a small figure (`0`) under the 給料 and その他手当 columns
# ends a few characters right of the long figures' edge (pdftotext sets a word from its start).
_PDF_EDGES = [21, 32, 47, 63, 76, 91, 101, 114]
_SMALL_OFF = {2: 50, 4: 80}


def _pdf_salary_row(label: tuple[int, str], cells: list[str]) -> str:
    parts = [label] if label[1] else []
    for i, (edge, text) in enumerate(zip(_PDF_EDGES, cells)):
        parts.append((-(_SMALL_OFF[i] if len(text) == 1 and i in _SMALL_OFF else edge), text))
    return _place(*parts)


def _pdf_salary_page() -> list[str]:
    """A made-up 給与費明細書 (〇〇市 style) laid out as pdftotext writes the PDF page: the title
    letter-spaced across the page, `１ 特 別 職` on the unit statement's line, and the stacked
    group labels 本/年/度, 前/年/度 printed inside the rows' lines (`本 委 員`, `年`, `度 その他`);
    比/較 on lines of their own. Every row sums; 比較 = 本年度 − 前年度."""
    rows = {
        "本": [["5", "0", "40,000", "20,000", "6,000", "66,000", "11,000", "77,000"],
               ["30", "200,000", "0", "90,000", "0", "290,000", "50,000", "340,000"],
               ["2,000", "100,000", "0", "0", "0", "100,000", "0", "100,000"],
               ["2,035", "300,000", "40,000", "110,000", "6,000", "456,000", "61,000", "517,000"]],
        "前": [["5", "0", "40,000", "19,000", "0", "59,000", "10,000", "69,000"],
               ["30", "190,000", "0", "80,000", "0", "270,000", "50,000", "320,000"],
               ["1,500", "90,000", "0", "0", "0", "90,000", "0", "90,000"],
               ["1,535", "280,000", "40,000", "99,000", "0", "419,000", "60,000", "479,000"]],
        "比": [["0", "0", "0", "1,000", "6,000", "7,000", "1,000", "8,000"],
               ["0", "10,000", "0", "10,000", "0", "20,000", "0", "20,000"],
               ["500", "10,000", "0", "0", "0", "10,000", "0", "10,000"],
               ["500", "20,000", "0", "11,000", "6,000", "37,000", "1,000", "38,000"]],
    }
    lines = [
        "                                     給               与          費              明          細       書",
        "１ 特 別 職                                                                                                                (単位 千円）",
        "                職員数                      給                与            費",
        " 区      分                                                                                      共済費         合    計          備    考",
        "                   人     報   酬       給       料       期末手当 その他手当                       計",
    ]
    for first in ("本", "前"):
        head, mayor, members, others, total = first, *rows[first]
        lines += [_pdf_salary_row((4, "〇〇長等"), mayor),
                  _pdf_salary_row((0, f"{head} 委 員"), members),
                  "年",
                  _pdf_salary_row((0, "度 その他"), others),
                  _pdf_salary_row((8, "計"), total)]
    mayor, members, others, total = rows["比"]
    lines += [_pdf_salary_row((4, "〇〇長等"), mayor), "比",
              _pdf_salary_row((4, "委       員"), members),
              _pdf_salary_row((4, "その他"), others), "較",
              _pdf_salary_row((8, "計"), total)]
    return lines


def test_stacked_group_letters_printed_in_the_rows_lines_are_the_rows_outer_label():
    """`本 委 員` / `年` / `度 その他`: the letters of 本年度 stand in front of the rows' labels, on
    their lines, where 年 stands alone; they are the rows' outer label, not part of the label."""
    (table,) = read_tables(doc_of(_pdf_salary_page(), layout="text"))
    assert ["/".join(r.path) for r in table.rows] == [
        f"{g}/{label}" for g in ("本年度", "前年度", "比較") for label in ("〇〇長等", "委員", "その他", "計")]
    assert [r.is_total for r in table.rows] == [False, False, False, True] * 3


def test_small_figures_set_off_their_columns_edge_join_the_column():
    """A `0` ending three or four characters right of its column's long figures (never on their
    rows) is in their column: eight columns, not ten; every identity holds."""
    doc = doc_of(_pdf_salary_page(), layout="text")
    (table,) = read_tables(doc)
    assert [c.label for c in table.columns] == [
        "職員数", "給与費/報酬", "給与費/給料", "給与費/期末手当", "給与費/その他手当", "給与費/計",
        "共済費", "合計"]
    assert [c.text for c in table.rows[1].placed] == [
        "30", "200,000", "0", "90,000", "0", "290,000", "50,000", "340,000"]
    assert statuses(extract(doc)) == {"ok": len(extract(doc).checks)}


def test_small_and_long_figures_on_the_same_rows_stay_two_columns():
    """Two columns three characters apart whose figures share rows are two columns, however
    small one's figures are."""
    lines = ["   〇〇の状況", "                              (単位 千円、人)",
             "   区  分          金  額 人数"]
    for label, amount, count in (("〇〇費", "12,000", "3"), ("△△費", "8,000", "2"),
                                 ("□□費", "5,000", "1"), ("計", "25,000", "6")):
        lines.append(_place((3, label), (-24, amount), (-27, count)))
    (table,) = read_tables(doc_of(lines, layout="text"))
    assert len(table.columns) == 2


def test_a_title_letter_spaced_across_the_page_with_words_beside_the_unit_statement():
    """`給    与    費    明    細    書` (letters far apart, so in runs like a header's words)
    over `１ 特 別 職   (単位 千円）`: the table's title is both, 給与費明細書1特別職."""
    (table,) = read_tables(doc_of(_pdf_salary_page(), layout="text"))
    assert table.title == "給与費明細書1特別職"


def test_a_letter_spaced_title_with_numbers_over_two_lines_and_a_spaced_unit_statement():
    """`地 方 債 の ４ 年 度 末 …` / `及 び ６ 年 度 末 …`: the numbers in letter-spaced words are
    letters, not figures (the line is no row, and not part of the table above); the two lines
    are the title; `(単位      千円)` heads no column; `４ 年 度 末   ５ 年 度 末` heads two."""
    lines = [
        _place((3, "〇〇事業"), (-30, "1,000"), (-44, "500")),
        _place((3, "△△事業"), (-30, "2,000"), (-44, "700")),
        _place((3, "合計"), (-30, "3,000"), (-44, "1,200")),
        "",
        "\f       地 方 債 の ４ 年 度 末 に お け る 現 在 高 並 び に ５ 年 度 末",
        "",
        "       及 び ６ 年 度 末 に お け る 現 在 高 の 見 込 に 関 す る 調 書",
        "",
        "                                               （単位      千円）",
        "",
        "                         ４ 年 度 末       ５ 年 度 末",
        "       区           分",
        "                         現   在   高 現在高見込額",
        _place((7, "〇〇債"), (-35, "69,000,000"), (-50, "68,000,000")),
        _place((7, "△△債"), (-35, "7,000,000"), (-50, "6,000,000")),
        _place((7, "計"), (-35, "76,000,000"), (-50, "74,000,000")),
    ]
    first, bonds = read_tables(doc_of(lines, layout="text"))
    assert [r.line for r in first.rows] == [1, 2, 3]
    assert bonds.title == "地方債の4年度末における現在高並びに5年度末及び6年度末における現在高の見込に関する調書"
    assert [c.label for c in bonds.columns] == ["4年度末/現在高", "5年度末/現在高見込額"]


# A table whose totals add only some of the rows above them (the shape of a 地方交付税の推移
# table): an unlabelled subtotal (算定額 + 調整額 = 実交付額), a 合計 over it and the next row,
# a memo row (県要望額) left out of a 総計 over the earlier 合計; rates printed as `2.7%増`;
# a note printed under several columns (`経済対策による`) is no header.
SUBTOTALS = [
    "                                                                                          (単位:千円)",
    "                       2年度                   3年度                   4年度                   5年度",
    "                     金額         対前年比     金額         対前年比     金額         対前年比     金額         対前年比",
    "      普通交付税(算定額)    3,000,000   8.0%増   3,100,000   3.3%増   3,200,000   3.2%増   3,300,000   3.1%増",
    "                                             経済対策による           経済対策による           経済対策による",
    "      普通交付税(調整額)      ▲ 4,000               15,000 追加交付を含む   17,000 追加交付を含む   19,000 追加交付を含む",
    "      普通交付税(実交付額)   2,996,000   8.1%増   3,115,000   4.0%増   3,217,000   3.3%増   3,319,000   3.2%増",
    "      臨時財政対策債        600,000    4.0%増    800,000 33.3%増      200,000 ▲75.0%       100,000 ▲50.0%",
    "          合 計       3,596,000   7.5%増   3,915,000   8.9%増   3,417,000 ▲12.7%   3,419,000   0.1%増",
    "  特別交付税(県要望額)       1,000,000           1,000,000            900,000             850,000",
    "     特別交付税(決定額)      700,000 ▲4.2%       750,000    7.1%増    760,000    1.3%増    770,000    1.3%増",
    "        総 計         4,296,000   5.7%増   4,665,000    8.6%増   4,177,000 ▲10.5%   4,189,000   0.3%増",
]


def test_totals_over_unlabelled_subtotals_and_an_earlier_total_hold_and_say_so():
    doc = doc_of(SUBTOTALS)
    (table,) = read_tables(doc)  # the repeated note under the columns did not split it
    ex = extract(doc)
    assert statuses(ex).get("mismatch", 0) == 0
    totals = [c for c in ex.checks if c["subject"] == "table:column_total"]
    by_line = {}
    for c in totals:
        by_line.setdefault(c["source_line"], []).append(c)
    assert sorted(by_line) == [7, 9, 12]  # 実交付額 (a subtotal), 合計, 総計: 4 columns each
    assert all(len(v) == 4 and all(abs(c["reported_value"] - c["computed_value"]) <= c["tolerance"]
                                   for c in v) for v in by_line.values())
    assert "subtotal" in by_line[7][0]["note"] and "3,000,000 + -4,000" in by_line[7][0]["note"]
    assert "2,996,000 + 600,000" in by_line[9][0]["note"]
    assert "3,596,000 + 700,000" in by_line[12][0]["note"]  # the 県要望額 memo row left out
    rates = [c for c in ex.rows["raw_table_cells"] if c["source_line"] == 4]
    assert [c["printed_text"] for c in rates][1::2] == ["8.0", "3.3", "3.2", "3.1"]


def _failing(texts: list[str]) -> list[tuple[int, str]]:
    """(line, status) of the column totals that do not hold: `mismatch`, or `unverifiable`
    when the engine cannot tell (computed value withheld)."""
    out = []
    for c in extract(doc_of(texts)).checks:
        if c["subject"] != "table:column_total":
            continue
        if c["computed_value"] is None:
            out.append((c["source_line"], "unverifiable"))
        elif abs(c["reported_value"] - c["computed_value"]) > c["tolerance"]:
            out.append((c["source_line"], "mismatch"))
    return out


def test_a_planted_figure_under_subtotals_is_flagged():
    texts = list(SUBTOTALS)
    # 決定額 of 5年度 1,000 off: the 総計 holds in three columns over 合計 + 決定額, so it is
    # that column's mismatch
    texts[10] = texts[10].replace("770,000", "771,000")
    assert _failing(texts) == [(12, "mismatch")]
    # 調整額 of 5年度 100 off: the unlabelled subtotal, found from its other three columns,
    # does not hold there (unverifiable: found, not labelled), and 合計 still holds over it
    texts = list(SUBTOTALS)
    texts[5] = texts[5].replace("19,000", "19,100")
    assert _failing(texts) == [(7, "unverifiable")]


def test_a_total_is_never_read_over_the_total_of_the_part_before_it():
    """Two parts each closed by 計; a row of the second prints the first 計's figures. A
    misprint in the second 計's last column stays that column's mismatch over the rows of its
    own part: the first 計 standing in for the same-figured row would read the same sums."""
    texts = ["(単位 千円)",
             "            本年度   前年度   比較   一般財源",
             "  1 a       2,000    2,000       0     2,000",
             "  2 b       4,000    4,000       0     4,000",
             "    計      6,000    6,000       0     6,000",
             "  1 c      36,000   20,000  16,000    35,000",
             "  2 d       6,000    6,000       0     6,000",
             "  3 e       4,000    4,000       0     4,000",
             "    計     46,000   30,000  16,000    46,000"]
    checks = [c for c in extract(doc_of(texts)).checks
              if c["subject"] == "table:column_total" and c["source_line"] == 9]
    assert len(checks) == 4
    bad = [c for c in checks if abs(c["reported_value"] - c["computed_value"]) > c["tolerance"]]
    assert [c["reported_value"] for c in bad] == [46000.0]
    assert all("terms on lines 6–8" in c["note"] for c in checks)


# A budget book's spread, as its PDF pages come: a 目 page (several figures a row), then its
# 節 / 説明 page, where each line prints one figure (a 節's, or a 説明 item's to the right),
# then the next 目 page, which continues the first table past the list.
_MOKU_HEAD = ["                目       本年度予算額     前年度予算額      比     較",
              "                             千円            千円             千円"]
_SETSU_HEAD = ["        節                       説     明",
               "  区   分       金    額",
               "                 千円                                千円"]
SPREAD = (["\f2款 総務費"] + _MOKU_HEAD + [
    "1 一般管理費            11,303       11,000          303",
    "2 文書費                   500          450           50",
    "\f"] + _SETSU_HEAD + [
    "10 需用費               11,281",
    "  消耗品費                1,522",
    "                                   県知的障害者福祉協会負担金        101",
    "  修繕料                 9,759",
    "                                   県給食協会負担金              12",
    "11 役務費                   22",
    "\f2款 総務費"] + _MOKU_HEAD + [
    "3 財政管理費             1,000        1,000            0",
    "     計                 12,803       12,450          353"])


def test_a_page_of_one_figure_a_line_under_its_columns_units_lands_as_a_table():
    doc = doc_of(SPREAD)
    tables = read_tables(doc)
    assert len(tables) == 2
    moku, setsu = sorted(tables, key=lambda t: len(t.columns), reverse=True)
    # the 目 table continues past the 節 page: its 計 closes all three 目
    assert [r.path[-1] for r in moku.rows] == ["1 一般管理費", "2 文書費", "3 財政管理費", "計"]
    assert len(setsu.columns) == 2
    cells = {(r.path[-1], k): c.text for r in setsu.rows for k, c in enumerate(r.placed) if c}
    assert cells[("10 需用費", 0)] == "11,281" and cells[("県給食協会負担金", 1)] == "12"
    ex = extract(doc)
    assert len(ex.rows["raw_table_cells"]) == 4 * 3 + 6  # every figure of the spread
    assert statuses(ex).get("mismatch", 0) == 0
    totals = [c for c in ex.checks if c["subject"] == "table:column_total"]
    assert sorted(c["reported_value"] for c in totals) == [353.0, 12450.0, 12803.0]


# A 第1表 page of one figure a line (款 and 項 each on a line of their own, under a units row),
# one 項 whose long name wraps around its number (the number alone on the middle line beside
# its amount), then the next page's running header with its amount.
FIRST_TABLE = [
    "  款                     項                 金    額",
    "                                                       千円",
    "",
    "          1 地方特例交付金                            1,459,000",
    "",
    "              新型コロナウイルス感染症対策地方税減収補   特別",
    "          2                                        43,000",
    "              交付金",
    "",
    "11 地方交付税                                         100,000",
    "",
    "          1 地方交付税                                100,000",
    "",
    "12 交通安全対策特別交付金                                     40,000",
    "",
    "          1 交通安全対策特別交付金                            40,000",
    "",
    "\f                                16款 県支出金                                           7,269,443千円",
    "                                            目       本年度予算額           前年度予算額        比       較",
    "                                                              千円            千円             千円",
    "                                1 民生費負担金                 4,594,541     4,441,575        152,966",
]


def test_a_list_runs_past_a_row_of_two_to_its_last_figure_not_to_the_next_heading():
    """A list of one figure a line ends at its last figure, not at its last row of two (the
    項 number alone beside its amount, `2   43,000`): the rows after that row land in the
    list (they were dropped, 24 figures of a 612-page book's 第1表 page); the next page's
    running header stating its amount (`16款 県支出金 7,269,443千円`) is no row of it."""
    tables = read_tables(doc_of(FIRST_TABLE))
    first = min(tables, key=lambda t: t.first_line)
    figures = [c.text for r in first.rows for c in r.placed if c is not None]
    assert figures[-4:] == ["100,000", "100,000", "40,000", "40,000"], figures
    assert "7,269,443" not in figures


# A 第1表 page: each 款 and each 項 on a line of its own, numbered alike, the 項 indented.
INDENTED = [
    "  款                     項                 金    額",
    "                                                       千円",
    "14 使用料及び手数料                                    1,345,606",
    "          1 使用料                                  925,759",
    "          2 手数料                                  419,847",
    "15 国庫支出金                                      16,482,873",
    "          1 国庫負担金                             12,257,787",
    "          2 国庫補助金                              4,176,782",
    "          3 国庫委託金                                  48,304",
    "16 県支出金                                        7,269,443",
    "          1 県負担金                               4,704,900",
    "          2 県補助金                               2,091,327",
    "          3 県委託金                                 473,216",
    "17 財産収入                                          286,054",
    "          1 財産運用収入                               120,923",
    "          2 財産売払収入                               165,131",
]


def test_a_numbered_row_is_the_sum_of_the_rows_indented_under_it():
    """款 = Σ its 項, the 項 told from the 款 by their indent alone (both numbered `1`, `15`):
    found from the rows (four groups hold); a planted 項 leaves its group unverified, not a
    mismatch, and the other three ok."""
    def groups(lines):
        ex = extract(doc_of(lines))
        return {c["reported_value"]: c["computed_value"] for c in ex.checks if c["subject"] == "table:indented_group"}

    assert groups(INDENTED) == {1_345_606: 1_345_606, 16_482_873: 16_482_873, 7_269_443: 7_269_443,
                                286_054: 286_054}
    planted = groups([ln.replace("4,176,782", "4,176,882") for ln in INDENTED])
    assert planted[16_482_873] is None  # unverifiable: the reading is in doubt, not the document
    assert [v for k, v in planted.items() if k != 16_482_873] == [1_345_606, 7_269_443, 286_054]


FORMULAS = ["        節                       説     明",
            "  区   分       金    額",
            "                 千円                                           千円",
            "1 社会福祉費補         13,856  重層的支援体制整備事業交付金      11,523",
            "                         多機関協働事業            5,669×1/4      1,417",
            "                         参加支援事業              40,425×1/4     10,106",
            "                         地域包括支援センター運営事業   314,687×0.1925   60,577",
            "                         1歳児           21,000円×4,624人×1/2   48,552"]


def test_a_base_times_its_rates_is_the_figure_beside_it():
    ex = extract(doc_of(FORMULAS))
    products = [c for c in ex.checks if c["subject"] == "table:formula_product"]
    assert [(c["reported_value"], c["computed_value"]) for c in products] == [
        (1417.0, 1417.25), (10106.0, 10106.25), (60577.0, 60577.2475), (48552.0, 48552.0)]
    assert all(abs(c["reported_value"] - c["computed_value"]) <= c["tolerance"] == 1.0 for c in products)
    cells = {c["printed_text"]: c for c in ex.rows["raw_table_cells"]}
    # the base lands with the formula as printed; one printed in 円 is in 円
    assert cells["40,425×1/4"]["value_yen"] == 40_425_000 and cells["40,425×1/4"]["checked"]
    assert cells["21,000円×4,624人×1/2"]["value_yen"] == 21_000


def test_a_planted_product_is_a_mismatch():
    texts = [t.replace("10,106", "10,160") for t in FORMULAS]
    bad = [c for c in extract(doc_of(texts)).checks if c["subject"] == "table:formula_product"
           and c["computed_value"] is not None
           and abs(c["reported_value"] - c["computed_value"]) > c["tolerance"]]
    assert [(c["reported_value"], c["source_line"]) for c in bad] == [(10160.0, 6)]


SETSU = _SETSU_HEAD + [
    "3 職員手当等           5,000",
    "  扶養手当              1,000",
    "  期末手当              4,000",
    "7 報償費                 679       001 早期発達支援事業費        2,145",
    "8 旅費                 1,838",
    "  費用弁償              1,623",
    "  普通旅費                 67",
    "  特別旅費                148",
    "10 需用費             11,281",
    "  消耗品費              1,522",
    "  修繕料                9,759",
    "11 役務費              1,003",
    "  通信運搬費              478",
    "  手数料                  371",
    "  保険料                  154",
    "12 委託料             32,305"]


def test_a_numbered_row_is_the_sum_of_the_unnumbered_rows_under_it():
    ex = extract(doc_of(SETSU))
    groups = [c for c in ex.checks if c["subject"] == "table:numbered_group"]
    assert sorted(c["reported_value"] for c in groups) == [1003.0, 1838.0, 5000.0, 11281.0]
    assert all(abs(c["reported_value"] - c["computed_value"]) <= c["tolerance"] for c in groups)
    checked = {c["printed_text"] for c in ex.rows["raw_table_cells"] if c["checked"]}
    assert {"5,000", "1,000", "148", "9,759"} <= checked and "32,305" not in checked


def test_a_planted_figure_under_a_numbered_row_is_flagged():
    texts = [t.replace("  67", "  76") for t in SETSU]
    groups = [c for c in extract(doc_of(texts)).checks if c["subject"] == "table:numbered_group"]
    # found from the rows, so the group that no longer adds up is unverifiable, not ok
    assert [(c["reported_value"], c["computed_value"]) for c in groups if c["reported_value"] == 1838.0] \
        == [(1838.0, None)]


def test_a_squeezed_word_written_against_the_first_column_heads_it():
    """A 会計別 table as pdftotext writes it (the corpus 予算の概要's lines): the first column's
    header `令和８年度当初予算`, its wide characters one cell each, ends where that column's
    figures start, over the row headers as written; the line's other words head every other
    column one each, and that word stands, squeezed, over the first column: it heads it."""
    lines = [
        "（予算概要）                                                                                         （単位：千円、％）",
        "    会        計       別           令和８年度当初予算             令和７年度当初予算              増減額            対前年度当初比",
        "一        般       会          計             25,550,000           25,840,000      △ 290,000          △ 1.1",
        "特   別    会       計   (5件)                 11,546,979           11,481,361           65,618          0.6",
        "企   業    会       計   (2件)                  2,564,207            2,646,753       △ 82,546          △ 3.1",
        "総                           計             39,661,186           39,968,114      △ 306,928          △ 0.8",
    ]
    doc = doc_of(lines)
    (table,) = read_tables(doc)
    assert [c.label for c in table.columns] == [
        "令和8年度当初予算", "令和7年度当初予算", "増減額", "対前年度当初比"]
    assert statuses(extract(doc)).get("mismatch", 0) == 0


def test_a_heading_stating_its_amount_is_no_term_of_the_total_under_it():
    """A budget book's running page header (`6款 農林水産業費 978,051千円`) standing between a
    table's rows is the page's words: the 計 adds the rows, not the 款's amount."""
    texts = ["                       本年度       前年度        比較      一般財源",
             "                        千円         千円         千円        千円",
             "1 水産業総務費          1,000         900          100        1,000",
             "2 水産業振興費          1,945       2,137         △192        1,945",
             "6款 農林水産業費                                            978,051千円",
             "3 漁港管理費              500         500            0          500",
             "    計                3,445       3,537          △92        3,445"]
    checks = [c for c in extract(doc_of(texts)).checks if c["subject"] == "table:column_total"]
    assert len(checks) == 4 and all(c["computed_value"] == c["reported_value"] for c in checks)


def test_a_column_ruled_out_as_a_ratio_while_placing_short_rows_is_none():
    """`place_short_rows` skips `is_ratio_column` for a column in which a row that stays put
    prints a whole number: on every table of the shipped documents, such a column is none."""
    from ingest.reading.load import load_shipped
    from ingest.tables.identities import _not_ratio_while_placing, is_ratio_column

    ruled_out = 0
    for name in ("koganei-2021", "akiruno-2024"):
        for table in read_tables(load_shipped(name)):
            for c, known in enumerate(_not_ratio_while_placing(table, set())):
                if known is False:
                    ruled_out += 1
                    assert not is_ratio_column(table, c), (table.table_id, c)
    assert ruled_out > 50


# A 目 table of a 予算書 歳出 明細 page (富士市 R6, 1款 議会費), as `pdftotext -layout` writes it:
# the line over the table names the breakdown of its 本年度予算額, and the letter-spaced
# `比 較` and `特 定 財 源` are read into the columns next to theirs.
_BREAKDOWN_PAGE = [
    "                                               本   年       度   予   算   額   の   財     源   内    訳",
    " 目         本年度予算額 前年度予算額 比           較     特               定           財       源",
    "                                                                                         一般財源",
    "                                           国県支出金               地方債         その他",
    "                  千円       千円        千円            千円              千円          千円                 千円",
    "",
    " 計           481,596    489,257   △7,661               0               0           768       480,828",
]


def test_a_breakdown_named_over_the_table_is_checked_on_its_one_row():
    """One row and no 計 / 比較 read in the header: the title names 本年度予算額's 財源内訳, so
    本年度予算額 = Σ the 財源 columns right of its 前年度 and 比較 is an identity; and 本年度 −
    前年度 is named by its operands. Planted wrong, the breakdown is no longer taken (one row
    cannot show which reading holds) and its cells stay unchecked."""
    ex = extract(doc_of(_BREAKDOWN_PAGE))
    checks = {c["subject"]: c for c in ex.checks}
    assert checks["table:row_sum"]["reported_value"] == checks["table:row_sum"]["computed_value"] == 481_596
    assert "財源内訳" in checks["table:row_sum"]["note"]
    assert checks["table:row_difference"]["computed_value"] == -7_661
    assert sum(c["checked"] for c in ex.rows["raw_table_cells"]) == 7
    bad = extract(doc_of([ln.replace("480,828", "480,928") for ln in _BREAKDOWN_PAGE]))
    assert "table:row_sum" not in {c["subject"] for c in bad.checks}
    assert not any(c["checked"] for c in bad.rows["raw_table_cells"] if c["printed_text"] == "480,928")


def test_a_named_breakdown_failing_on_one_row_of_several_is_unverifiable():
    """Three 目 and their 計: the breakdown holds on three rows; planted wrong on one, that
    row's check is unverifiable (the columns were read by position under a misread header,
    so a failing row is no proof of a wrong figure), never a silent ok."""
    rows = [" 1 議会費      481,596    489,257   △7,661               0               0           768       480,828",
            " 2 総務費      100,000     90,000    10,000          20,000          30,000        10,000        40,000",
            " 3 民生費       50,000     60,000   △10,000          25,000               0         5,000        20,000",
            " 計           631,596    639,257   △7,661          45,000          30,000        15,768       540,828"]
    page = _BREAKDOWN_PAGE[:6] + rows
    assert statuses(extract(doc_of(page))).get("unverifiable", 0) == 0
    bad = extract(doc_of([ln.replace("40,000", "41,000") for ln in page]))
    sums = [c for c in bad.checks if c["subject"] == "table:row_sum" and c["reported_value"] == 100_000]
    assert len(sums) == 1 and sums[0]["computed_value"] is None


def _book_pages(heads: list[list[str]], sections: list[list[tuple[str, str]]]) -> list[str]:
    """Spreads of a 予算書 歳出 明細 as the PDF reader writes them (富士市 R6's layout): on each,
    the left page's 目 table (the 目 begun on it, `heads[k]`), then, after a form feed, the
    right page's list of 節 (`sections[k]`: number and name, amount), which may go on with the
    節 of the 目 of an earlier page before the page's own begin."""
    out: list[str] = []
    for page_heads, page_sections in zip(heads, sections):
        out += ["\f                                                                     本   年     度   予   算   額   の   財    源     内   訳",
                "                      目       本年度予算額 前年度予算額 比              較     特             定           財        源",
                "                                                                                                              一般財源",
                "                                                                 国県支出金             地方債         その他",
                "                                    千円          千円         千円            千円            千円            千円               千円"]
        out += [""] + page_heads + ["", ""]
        out += ["\f             節", "                                                説           明",
                "  区      分       金     額", "", "                        千円                                                     千円"]
        for label, amount in page_sections:
            out += [label.ljust(20) + amount.rjust(11), ""]
    return out


_HEADS = [["                    1 一般管理費    2,074,044   2,122,248   △48,204           318                       23,854      2,049,872"],
          ["                    2 人事管理費      191,399     175,506    15,893           124                       33,020        158,255"],
          ["                    3 文書費           61,802      63,080    △1,278             1                          408         61,393",
           "                    4 市史編さん          3,824       3,544       280             0                            0          3,824"],
          ["                    5 広報広聴費         95,342      97,891    △2,549             0                          300         95,042",
           "                    6 シティプロモーション費  90,886      68,765    22,121             0                            0         90,886"]]
_SECTIONS = [[("2 給料", "765,532"), ("3 職員手当等", "1,038,281"), ("4 共済費", "261,180"),
              ("8 旅費", "1,475"), ("10 需用費", "1,454"), ("11 役務費", "3,003")],
             [("  手数料", "8"), ("13 使用料及び賃借料", "100"), ("18 負担金、補助", "2,488"),
              ("24 積立金", "531"), ("1 報酬", "46,361"), ("3 職員手当等", "10,052"),
              ("4 共済費", "47,341"), ("7 報償費", "87,645")],
             [("1 報酬", "5,859"), ("3 職員手当等", "1,274"), ("4 共済費", "1,208"), ("10 需用費", "53,461"),
              ("1 報酬", "2,529"), ("8 旅費", "1,295")],
             [("1 報酬", "3,241"), ("7 報償費", "100"), ("10 需用費", "92,001"),
              ("1 報酬", "886"), ("12 委託料", "90,000")]]


def test_a_head_is_the_sum_of_the_numbered_run_after_it_in_the_tables_that_follow():
    """A 目 (one table) and its 節 (the next tables, running on past the next page's 目 table
    until their numbers start again at 1): each 目 is the sum of its run, found from the heads
    (six hold); the cells of both tables are checked. A planted wrong 節 leaves its 目's
    check unverifiable (its run may not have been read whole), never a mismatch, and the
    others stand."""
    page = _book_pages(_HEADS, _SECTIONS)
    ex = extract(doc_of(page))
    runs = sorted((c["reported_value"], c["computed_value"]) for c in ex.checks if c["subject"] == "table:numbered_run")
    assert runs == [(3_824, 3_824), (61_802, 61_802), (90_886, 90_886), (95_342, 95_342),
                    (191_399, 191_399), (2_074_044, 2_074_044)]
    cells = {c["printed_text"]: c["checked"] for c in ex.rows["raw_table_cells"]}
    assert cells["765,532"] and cells["531"] and cells["2,074,044"] and cells["1,295"]
    bad = extract(doc_of([ln.replace("47,341", "48,341") for ln in page]))
    runs = {c["reported_value"]: c["computed_value"] for c in bad.checks if c["subject"] == "table:numbered_run"}
    assert runs[191_399] is None and runs[2_074_044] == 2_074_044 and statuses(bad).get("mismatch", 0) == 0


def test_a_breakdown_is_named_where_its_column_header_was_read_with_the_next():
    """Four 目 whose 財源 stand a little differently on each row, under a header whose
    `本年度予算額 前年度予算額` was read as one word over the first column: the title's
    `本年度予算額の財源内訳` still names that column's breakdown (its header opens with the
    name), so 本年度予算額 = Σ 財源 is checked on every row printing two 財源 or more (one is
    its 本年度 printed again); a planted wrong 一般財源 is
    unverifiable (its parts may be another row's), the other rows stay ok."""
    rows = ["7 市民相談費        15,367   15,347   20                                                 15,367",
            "8 消費者対策        27,011   24,382   2,629           3,846                                   23,165",
            "9 男女共同参        16,151   18,386   △2,235     1,276                     250         14,625",
            "10 財政管理費        4,185    4,782    △597                   1,015                        3,170"]
    page = _BREAKDOWN_PAGE[:6] + rows
    sums = {c["reported_value"]: c["computed_value"] for c in extract(doc_of(page)).checks
            if c["subject"] == "table:row_sum"}
    assert sums == {27_011: 27_011, 16_151: 16_151, 4_185: 4_185}
    bad = extract(doc_of([ln.replace("14,625", "14,725") for ln in page]))
    sums = {c["reported_value"]: c["computed_value"] for c in bad.checks if c["subject"] == "table:row_sum"}
    assert sums[16_151] is None and sums[27_011] == 27_011 and statuses(bad).get("mismatch", 0) == 0


def test_a_column_that_is_a_later_column_less_an_earlier_one_is_found_from_the_rows():
    """A 収支計算書 (小平市, 令和元年度1月分): 予算残額 = 予算現額 − 本月末累計, the later column less
    the earlier, on every row (found from the rows: six hold); planted wrong on one row, that
    row is unverifiable and the others stay ok."""
    rows = [("一般会計 収入", "47,144,067,527", "68,865,001,000", "21,720,933,473"),
            ("一般会計 支出", "47,701,022,679", "68,865,001,000", "21,163,978,321"),
            ("国民健康保険 収入", "13,606,796,517", "17,015,739,000", "3,408,942,483"),
            ("介護保険 支出", "9,997,195,092", "13,807,565,000", "3,810,369,908"),
            ("後期高齢者 収入", "3,228,906,039", "4,375,958,000", "1,147,051,961"),
            ("介護保険 収入", "10,688,748,747", "13,807,565,000", "3,118,816,253")]
    page = ["(単位:円)", "  区    分".ljust(24) + "本月末累計".rjust(14) + "予算現額".rjust(16) + "予算残額".rjust(16)]
    page += [f"  {a}".ljust(24) + b.rjust(18) + c.rjust(20) + d.rjust(20) for a, b, c, d in rows]
    diffs = {c["reported_value"]: c["computed_value"] for c in extract(doc_of(page)).checks
             if c["subject"] == "table:row_difference"}
    assert diffs == {v: v for v in (21_720_933_473, 21_163_978_321, 3_408_942_483, 3_810_369_908,
                                    1_147_051_961, 3_118_816_253)}
    bad = extract(doc_of([ln.replace("3,408,942,483", "3,408,942,484") for ln in page]))
    diffs = {c["reported_value"]: c["computed_value"] for c in bad.checks if c["subject"] == "table:row_difference"}
    assert diffs[3_408_942_484] is None and diffs[21_720_933_473] == 21_720_933_473
    assert statuses(bad).get("mismatch", 0) == 0
