"""Normalization rules over the real forms found in the two documents."""
import pytest

from ingest.reading.normalize import normalize_line, normalize_lines, normalize_lines_laid_out, normalize_name
from ingest.tables.cells import layout_line


@pytest.mark.parametrize("raw, expected", [
    ("5, 785\t644\t41\t197\t6, 667", "5,785\t644\t41\t197\t6,667"),   # OCR split thousands
    ("第2回\t8. 1 2\t1 総合戦略", "第2回\t8.12\t1 総合戦略"),           # split digits after a point
    ("\t4. 3.24\t\t△ 57,008\t2,428,367", "\t4. 3.24\t\t-57,008\t2,428,367"),  # empty first cell kept
    ("1 国民健康保険税 1,560,383 △16,658", "1 国民健康保険税 1,560,383 -16,658"),
    ("配布件数 ５，７７９件", "配布件数 5,779件"),                       # full-width digits
    ("全 国 市 長 会 議\t6 . 9", "全 国 市 長 会 議\t6.9"),
    ("▲1,000 と \u22122,000", "-1,000 と -2,000"),
    ("１　各種協議会等関係", "1 各種協議会等関係"),                    # full-width space
])
def test_normalize_line(raw, expected):
    assert normalize_line(raw) == expected


def test_table_row_digits_are_not_joined():
    # `1 5,397` are two cells of an Akiruno row, not one number.
    assert normalize_line("2 国 庫 支 出 金 1 5,397 5,397") == "2 国 庫 支 出 金 1 5,397 5,397"
    assert normalize_line("1.500 15 3") == "1.500 15 3"


def test_normalize_lines_keeps_every_line_number():
    lines = normalize_lines("a\n\nb\r\n")
    assert lines == [(1, "a"), (2, ""), (3, "b")]


@pytest.mark.parametrize("raw, expected", [
    ("国 民 健 康 保 険 税", "国民健康保険税"),
    ("W e b 会議システム", "Web会議システム"),
    ("・ 土木積算業務", "土木積算業務"),
    ("企圖政策課", "企画政策課"),
    ("男女共同參圖室", "男女共同参画室"),
    ("公共施設整備 基 金", "公共施設整備基金"),
    ("TAMA ebooks", "TAMA ebooks"),
])
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


from hypothesis import given, strategies as st  # noqa: E402


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20), max_size=8))
def test_whole_text_normalization_equals_line_by_line(raw_lines):
    """normalize_lines runs NFKC once over the text; it must equal NFKC line by line."""
    raw_lines = [line.replace("\n", " ").replace("\r", " ") for line in raw_lines]
    text = "\n".join(raw_lines)
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()  # a final line break ends the last line; it does not open another
    assert normalize_lines(text) == [(i + 1, normalize_line(line)) for i, line in enumerate(parts)]


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20), max_size=8))
def test_laid_out_lines_equal_layout_line_of_each_raw_line(raw_lines):
    """The laid-out lines come from normalize_lines' one NFKC pass; they must equal
    `layout_line` of each raw line (what load_document computed line by line before)."""
    raw_lines = [line.replace("\n", " ").replace("\r", " ") for line in raw_lines]
    text = "\n".join(raw_lines)
    lines, laid_out = normalize_lines_laid_out(text)
    assert lines == normalize_lines(text)
    assert laid_out == [layout_line(raw) for raw in text.split("\n")[: len(lines)]]


def test_a_last_line_of_format_characters_only_is_a_line():
    """Found by the property above: `\u200b` alone is one line (empty once stripped)."""
    assert normalize_lines("\u200b") == [(1, "")]
    assert normalize_lines("a\n\u200b") == [(1, "a"), (2, "")]
    assert normalize_lines("a\n") == [(1, "a")]


def test_every_ocr_fix_holds_a_mark_normalize_name_looks_for():
    """`normalize_name` applies OCR_FIXES only to names holding 圖 or 參 (a cheap test first)."""
    from ingest.reading.normalize import OCR_FIXES

    assert all("圖" in wrong or "參" in wrong for wrong in OCR_FIXES)
    assert normalize_name("企圖 課") == "企画課"


def test_format_characters_are_removed_before_numbers_are_read():
    """U+200B, U+FEFF, U+00AD, U+2060 between digits: 定員 70 stays 70, never 7 and 0."""
    from ingest.reading.normalize import normalize_lines
    from ingest.reading.numbers import parse_number

    for cf in ("\u200b", "\ufeff", "\u00ad", "\u2060"):
        lines = normalize_lines(f"定員 7{cf}0人\n1,2{cf}34\n")
        assert [line.text for line in lines] == ["定員 70人", "1,234"]
        assert [line.no for line in lines] == [1, 2]
        assert parse_number(lines[1].text) == 1234


def test_the_format_character_class_is_every_cf_character():
    import unicodedata

    from ingest.reading.normalize import _FORMAT_CHARS

    every = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    assert _FORMAT_CHARS.sub("", every) == ""
    assert _FORMAT_CHARS.sub("", "予算\t1,234 -5 (千円)\u3000") == "予算\t1,234 -5 (千円)\u3000"


def test_ocr_figures_are_read_with_their_misread_glyphs_mended():
    from ingest.reading.normalize import read_ocr_figures
    cases = {
        "2国庫補助金 l,085,094 19,825,300": "2国庫補助金 1,085,094 19,825,300",
        "歳入計 69,086, ()0() 19,825,300": "歳入計 69,086,000 19,825,300",
        "社会福祉費 9,464,501 64, ()46": "社会福祉費 9,464,501 64,046",
        "諸収入 383,812 43(),()92": "諸収入 383,812 430,092",
        "予備費 100,000 lO1,471": "予備費 100,000 101,471",
    }
    for printed, read in cases.items():
        text, readings = read_ocr_figures(printed)
        assert text == read
        assert readings and all(r.replace(",", "").isdigit() and p != r for r, p in readings)
    # right edges kept in laid-out text: each reading ends where the printed figure ended
    laid, _ = read_ocr_figures("計    69,086, ()0()   19,825,300", keep_width=True)
    assert laid == "計       69,086,000   19,825,300"
    # words, list markers, numbering and clean figures are not figures to mend
    for text in ["l 社会福祉費 9,464,501", "(1),(2) の項", "Iol,abc", "1,234 5,678", "Office lOO"]:
        assert read_ocr_figures(text) == (text, ())


def test_an_ocr_figure_split_only_after_a_comma_is_one_figure_in_laid_out_text():
    from ingest.reading.normalize import read_ocr_figures
    laid, readings = read_ocr_figures("財政調整基金    8,018, 179   1,234", keep_width=True)
    assert laid == "財政調整基金     8,018,179   1,234" and readings == (("8,018,179", "8,018, 179"),)
    assert read_ocr_figures("1,234 5,678") == ("1,234 5,678", ())
