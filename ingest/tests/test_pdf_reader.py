"""The PDF reader (`ingest/reading/pdf_reader.py`) on PDFs the tests write themselves (`pdfmaker`).

The pure steps are tested on text (page numbers, spreads, damaged layers, line → page), the
whole reader on real PDF files through poppler, and bad PDFs through the CLI in a child
process with a good document beside them (the worker pool runs), as `test_bad_input` does:
one line naming the file (and page), exit 2, nothing published.
"""
import shutil

import pytest

from ingest.errors import IngestError
from ingest.reading.load import load_document
from ingest.reading.pdf_reader import (MAX_PDF_BYTES, PdfInfo, PdfPage, build_pages, damage_on_page,
                               damaged_page, find_gutter, is_spread, line_pages, page_rows,
                               parse_info, read_pdf, scanned_pages, split_pages,
                               take_out_page_numbers)
from ingest.pipeline import document_tables
from ingest.tests.pdfmaker import DAMAGED_DIGITS, Page, make_pdf, table_page
from ingest.tests.test_bad_input import assert_refused, run_cli, scratch

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed (make setup)")

# A table in 千円 with a total and a △ negative; a second one printed in full-width digits.
# (A column mixing full-width and half-width figures is not read right yet: pdftotext places
# a full-width figure by its first character, so it ends left of its column; see README.)
ROWS = [("(単位:千円)",), ("区分", "本年度", "前年度", "比較"),
        ("市税", "6,538,777", "6,360,900", "177,877"),
        ("地方交付税", "4,950,000", "4,850,000", "100,000"),
        ("諸収入", "40,000", "50,000", "△10,000"),
        ("計", "11,528,777", "11,260,900", "267,877")]
FULL_WIDTH = [("2ページ目の表 (単位:千円)",), ("区分", "本年度", "前年度"),
              ("市税", "６，５３８，７７７", "６，３６０，９００"), ("諸収入", "４０，０００", "５０，０００"),
              ("地方交付税", "４，９５０，０００", "４，８５０，０００"),
              ("計", "１１，５２８，７７７", "１１，２６０，９００")]


def small_pdf(**kw) -> bytes:
    return make_pdf([table_page(ROWS + [("",), ("",), ("",), ("",), ("- 1 -",)]),
                     Page(image_only=True),
                     table_page(FULL_WIDTH + [("",), ("",), ("- 3 -",)], col_right=(300, 420))],
                    **kw)


# --- pure steps ----------------------------------------------------------------------------

def test_pdftotext_pages_and_the_page_of_every_line():
    assert split_pages("a\nb\n\f\fc\n\f") == ["a\nb\n", "", "c\n"]
    assert split_pages("") == []
    # page 2 has no text: its form feed opens page 3's first line
    assert line_pages("a\nb\n\f\fc\n") == [1, 1, 3]
    assert line_pages("a\n\f") == [1, 2]  # an empty last page still makes a line


def test_page_numbers_are_furniture_kept_as_labels():
    pages = [(1, [["表題", "1,000", "", "- 12 -"]]), (2, [["― 13 ―", "本文"]])]
    labels = take_out_page_numbers(pages)
    assert labels == {1: "12", 2: "13"}
    assert pages[0][1][0] == ["表題", "1,000", "", ""] and pages[1][1][0] == ["", "本文"]


def test_a_bare_number_is_a_page_number_only_when_it_counts_up_with_the_pages():
    counting = [(n, [["             %d" % (n + 2), "表", "10"]]) for n in range(1, 6)]
    assert take_out_page_numbers(counting) == {n: str(n + 2) for n in range(1, 6)}
    # the last row of a table printing a lone figure is not a page number
    figures = [(n, [["表", "計", "  %d" % (n * 7 + 100)]]) for n in range(1, 6)]
    assert take_out_page_numbers(figures) == {}
    assert figures[0][1][0][2] == "  107"


def test_the_gutter_between_two_book_pages_is_found_in_word_positions():
    # words (xMin, xMax) of a landscape sheet: a left page up to x=350, a right page from 470
    words = [(40, 60), (205, 250), (295, 340), (40, 95), (190, 220), (310, 350),
             (470, 525), (635, 680), (745, 790), (620, 650)]
    assert find_gutter(842, words) == (350, 470)
    # one wide table: its widest gap (60 pt) is not in the middle of the sheet
    table = [(40, 100), (160, 300), (320, 520), (540, 790)]
    assert find_gutter(842, table) is None
    # a line across the middle closes the band
    assert find_gutter(842, words + [(100, 740)]) is None
    assert find_gutter(842, words[:3]) is None  # too few words to tell


def test_a_split_sheet_needs_a_page_number_in_each_half_and_lands_both():
    left = ["市税          1,000", "地方税          200", "", "      - 603 -"]
    right = ["項目   金額", "基金   3,000", "", "   - 604 -"]
    assert is_spread(left, right)
    assert not is_spread(left, right[:2])  # a wide table's right part: no page number
    info = PdfInfo("p", "c", 1, {1: (842.0, 595.0, 0)})
    (page,) = build_pages(["whole sheet as one text\n"], info, {1: (list(left), list(right))})
    assert page.book_pages == 2 and page.page_label == "603 604"
    assert page.text.split("\n")[:-1] == ["市税          1,000", "地方税          200", "", "",
                                          "項目   金額", "基金   3,000", "", ""]


def test_pdfinfo_sizes_and_rotation():
    info = parse_info("Producer:        PFU PDF Library 2.0.0\nPages:           2\n"
                      "Page    1 size:  595.08 x 839.16 pts\nPage    1 rot:   0\n"
                      "Page    2 size:  595.44 x 839.16 pts\nPage    2 rot:   90\n")
    assert info.producer == "PFU PDF Library 2.0.0" and info.pages == 2
    pages = build_pages(["a\n", "b\n"], info)
    assert [(p.orientation, p.rotation) for p in pages] == [("portrait", 0), ("landscape", 90)]


def test_a_page_covered_by_one_image_is_a_scan():
    """`pdfimages -list` as poppler prints it: page 1 a 400 dpi A4 scan (3306 × 4662 px), page 2
    a logo on a born-digital page; only page 1 is a scan."""
    info = parse_info("Pages:           2\nPage    1 size:  595.08 x 839.16 pts\nPage    1 rot:   0\n"
                      "Page    2 size:  595.44 x 839.16 pts\nPage    2 rot:   0\n")
    listing = ("page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio\n"
               "--------------------------------------------------------------------------------------------\n"
               "   1     0 image    3306  4662  gray    1   1  ccitt  no       116  0   400   400 24.2K 1.3%\n"
               "   2     1 image     300   120  rgb     3   8  image  no       131  0   150   150 25.7K 1.4%\n")
    assert scanned_pages(listing, info) == {1}


def test_a_failing_identity_on_ocr_text_is_unverifiable_not_a_mismatch():
    from ingest.reading.document import Document, Line
    from ingest.tables.cells import layout_line
    from ingest.tables.land import extract
    texts = ["(単位 千円)", "  a    1   10", "  b    1   10", "  c    1   10", "  計    9   30"]
    def doc(ocr):
        return Document("t", "132101", 2025, "pdf_flow", [Line(i + 1, t) for i, t in enumerate(texts)],
                        laid_out=[layout_line(t) for t in texts], pages=[1] * len(texts),
                        ocr_pages=frozenset({1}) if ocr else frozenset())
    total = lambda ex: [c for c in ex.checks if c["reported_value"] == 9.0][0]  # noqa: E731
    assert total(extract(doc(False)))["computed_value"] == 3.0  # a mismatch on a born-digital page
    ocr = total(extract(doc(True)))
    assert ocr["computed_value"] is None and "OCR text layer" in ocr["note"]


def test_damaged_digits_are_found_and_plain_text_is_not():
    damaged = "市税   " + "".join(DAMAGED_DIGITS[c] if c.isdigit() else c for c in "6,538,777")
    page = "\n".join([damaged, damaged.replace("市税", "地方税"), damaged.replace("市税", "計"),
                      "諸収入    △10,000"])  # the negatives print as plain digits
    runs, rare, examples = damage_on_page(page)
    assert runs == 3 and rare == 21 and examples[0].startswith(DAMAGED_DIGITS["6"])
    message = damaged_page([PdfPage(4, 595, 842, 0, page, 50)])
    assert message is not None and message.startswith("page 4: the text layer is damaged")
    # real Japanese text, full-width figures, rare-but-JIS kanji (髙, 﨑) and symbols pass
    fine = "令和６年度 髙橋 﨑 ①②　６，５３８，７７７千円 △1,000 ㈱ ※注 ― 3 ―"
    assert damage_on_page(fine) == (0, 0, [])
    assert damaged_page([PdfPage(1, 595, 842, 0, fine * 50, 1000)]) is None
    # a single rare name is not damage either
    assert damaged_page([PdfPage(1, 595, 842, 0, "𠮷田 様 1,000\n", 10)]) is None


# --- the reader on real PDF files ------------------------------------------------------------

def test_reader_reads_pages_text_and_sizes():
    doc = read_pdf(small_pdf(), "t.pdf")
    assert doc.producer == "pdfmaker (ingest tests)"
    assert [p.has_text_layer for p in doc.pages] == [True, False, True]
    assert doc.pages_without_text == [2]
    assert [p.page_label for p in doc.pages] == ["1", "", "3"]
    lines = doc.text.split("\n")
    assert any("6,538,777" in l and "177,877" in l for l in lines)
    assert any("４，９５０，０００" in l for l in lines)
    pages = doc.line_pages()
    assert len(pages) == len(lines) - 1
    assert pages[[i for i, l in enumerate(lines) if "2ページ目" in l][0]] == 3
    rows = page_rows(doc, "t", pages)
    assert [(r["page"], r["first_line"] is None) for r in rows] == [(1, False), (2, True), (3, False)]
    assert rows[0]["last_line"] < rows[2]["first_line"]


def test_a_pdf_in_the_manifest_becomes_pages_lines_and_cells(tmp_path):
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(small_pdf())
    doc, row = load_document(pdf, "t", "132101", 2021)
    assert row["encoding"] == "pdf" and len(doc.pages) == len(doc.lines) == len(doc.laid_out)
    assert len(row["_pages"]) == 3

    from ingest.reading.manifest import ManifestEntry

    tables = document_tables(ManifestEntry(2, "t", "t.pdf", pdf, "132101", 2021, "t", ""), tmp_path)
    assert [r["page"] for r in tables["raw_pdf_pages"]] == [1, 2, 3]
    cells = tables["raw_table_cells"]
    pages_of = {}
    for c in cells:
        pages_of.setdefault((c["printed_text"], c["value"]), set()).add(c["source_page"])
    assert pages_of[("6,538,777", 6538777.0)] == {1, 3}  # full-width digits read as printed
    assert pages_of[("-10,000", -10000.0)] == {1}
    assert all(c["source_page"] == doc.pages[c["source_line"] - 1] for c in cells)
    ok = {(float(c["reported_value"]), doc.pages[c["source_line"] - 1]) for c in tables["raw_checks"]
          if c["subject"] == "table:column_total" and c["computed_value"] is not None
          and float(c["reported_value"]) == float(c["computed_value"])}
    assert ok >= {(11_528_777.0, 1), (11_260_900.0, 1), (267_877.0, 1), (11_528_777.0, 3),
                  (11_260_900.0, 3)}
    # the page numbers are furniture: no cell, no figure of the coverage
    assert not [c for c in cells if c["printed_text"] in ("1", "3")]
    assert not [t for t in tables["raw_line_tokens"] if t["line_no"] in
                (row["_pages"][0]["last_line"], row["_pages"][2]["last_line"])]


def test_a_broken_page_check_can_fail():
    """The planted failure: the same total off by 1,000 千円 is found and does not hold."""
    rows = [r if r[0] != "計" else ("計", "11,529,777", "11,260,900", "267,877") for r in ROWS]
    import tempfile
    from pathlib import Path

    from ingest.reading.manifest import ManifestEntry

    with tempfile.TemporaryDirectory() as d:
        pdf = Path(d) / "t.pdf"
        pdf.write_bytes(make_pdf([table_page(rows)]))
        tables = document_tables(ManifestEntry(2, "t", "t.pdf", pdf, "132101", 2021, "t", ""), Path(d))
    bad = [c for c in tables["raw_checks"] if float(c["reported_value"]) == 11_529_777.0]
    assert bad and all(c["computed_value"] is None or float(c["computed_value"]) != 11_529_777.0
                       for c in bad)


def test_damaged_text_layer_is_refused_naming_file_and_page():
    pdf = make_pdf([table_page([("表紙",)]), table_page(ROWS)], damaged=True, digits_kept="")
    with pytest.raises(IngestError, match=r"^x\.pdf: page 2: the text layer is damaged"):
        read_pdf(pdf, "x.pdf")


def test_the_damaged_pdf_really_has_rare_glyph_numbers():
    """The planted damage is what the detector sees (the test PDF is not refused by accident)."""
    pdf = make_pdf([table_page(ROWS)], damaged=True, digits_kept="")
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert DAMAGED_DIGITS["6"] in text and "6,538,777" not in text
    assert damage_on_page(text)[0] >= 3


# --- bad PDFs through the CLI -----------------------------------------------------------------

PDF_CASES = {
    "no pages": ({"x.pdf": make_pdf([])}, "x.pdf: not a readable PDF: it has no pages"),
    "truncated": ({"x.pdf": small_pdf()[:1500]}, "x.pdf: a truncated PDF"),
    "encrypted": ({"x.pdf": small_pdf(encrypted=True)},
                  "x.pdf: not a readable PDF: encrypted (it needs a password to open)"),
    "damaged text layer": ({"x.pdf": make_pdf([table_page([("表紙",)]), table_page(ROWS)],
                                              damaged=True)},
                           "x.pdf: page 2: the text layer is damaged (a broken ToUnicode map"),
    "only scanned pages": ({"x.pdf": make_pdf([Page(image_only=True)] * 2)},
                           "x.pdf: a PDF without text: none of its 2 pages has a text layer"),
    "not a PDF after its header": ({"x.pdf": b"%PDF-1.4\n" + b"garbage " * 40 + b"\n%%EOF\n"},
                                   "x.pdf: not a readable PDF"),
}


@pytest.mark.parametrize("case", sorted(PDF_CASES))
def test_bad_pdf_stops_the_build_in_one_line(tmp_path, case):
    files, message = PDF_CASES[case]
    root = scratch(tmp_path, ["a,x.pdf,132101,2021,t,"], files)
    assert_refused(root, run_cli(root), message)


def test_a_pdf_with_a_declared_encoding_is_refused(tmp_path):
    root = scratch(tmp_path, ["a,x.pdf,132101,2021,t,cp932"], {"x.pdf": small_pdf()})
    assert_refused(root, run_cli(root), "x.pdf: a PDF with encoding 'cp932' in the manifest")


def test_a_pdf_above_its_size_limit_is_refused_before_it_is_read(tmp_path):
    root = scratch(tmp_path, ["a,x.pdf,132101,2021,t,"], {})
    big = root / "data" / "raw" / "x.pdf"
    with big.open("wb") as fh:  # sparse: the limit is checked on the size, nothing is read
        fh.write(b"%PDF-1.7\n")
        fh.truncate(MAX_PDF_BYTES + 2**20)
    assert_refused(root, run_cli(root), "x.pdf: 129.0 MiB: larger than the 128 MiB a PDF may be")


def two_up_sheet() -> Page:
    """A landscape sheet holding book pages 10 and 11 side by side, each with its own table."""
    left = table_page([("(単位:千円)",), ("区分", "本年度", "前年度"), ("市税", "6,538,777", "6,360,900"),
                       ("諸収入", "40,000", "50,000"), ("計", "6,578,777", "6,410,900")],
                      x0=40, y0=540, col_right=(250, 340))
    right = table_page([("(単位:千円)",), ("基金", "積立額", "残高"), ("財政調整基金", "150,000", "1,945,205"),
                        ("減債基金", "0", "1,303,474"), ("計", "150,000", "3,248,679")],
                       x0=470, y0=540, col_right=(680, 790))
    feet = [(190, 40, "- 10 -"), (620, 40, "- 11 -")]
    return Page(texts=left.texts + right.texts + feet, width=842, height=595)


def test_a_two_up_sheet_splits_into_its_book_pages_and_both_tables_check(tmp_path):
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(make_pdf([two_up_sheet()]))
    doc = read_pdf(pdf.read_bytes(), str(pdf))
    (page,) = doc.pages
    assert (page.orientation, page.book_pages, page.page_label) == ("landscape", 2, "10 11")
    lines = [l for l in doc.text.split("\n") if l.strip()]
    assert lines.index([l for l in lines if "減債基金" in l][0]) > lines.index(
        [l for l in lines if "諸収入" in l][0])  # the right page after the left one
    assert not any("市税" in l and "基金" in l for l in lines)  # no line across both pages

    from ingest.reading.manifest import ManifestEntry

    tables = document_tables(ManifestEntry(2, "t", "t.pdf", pdf, "132101", 2021, "t", ""), tmp_path)
    ok = {float(c["reported_value"]) for c in tables["raw_checks"]
          if c["subject"] == "table:column_total" and c["computed_value"] is not None
          and float(c["reported_value"]) == float(c["computed_value"])}
    assert ok >= {6_578_777.0, 6_410_900.0, 150_000.0, 3_248_679.0}
    assert {c["source_page"] for c in tables["raw_table_cells"]} == {1}


def test_misread_ocr_figures_are_read_and_their_total_decides():
    """On a scanned page's OCR text `l,085,094` is 1,085,094 and `()` a 0, in figures only: the
    cell keeps what was printed, and the column total then confirms the reading (an ok check)."""
    from ingest.reading.document import Document, Line
    from ingest.reading.load import _read_ocr_figures
    from ingest.tables.cells import layout_line
    from ingest.tables.land import extract
    texts = ["(単位 千円)", "  国庫補助金    l,085,094   1,000", "  都補助金     2,000,0()0   2,000",
             "  その他        1,()00      500", "  計        3,086,094   3,500"]
    lines = [Line(i + 1, t) for i, t in enumerate(texts)]
    laid = [layout_line(t) for t in texts]
    lines, laid, readings = _read_ocr_figures(lines, laid, [1] * len(texts), frozenset({1}))
    doc = Document("t", "132101", 2025, "pdf_flow", lines, laid_out=laid, pages=[1] * len(texts),
                   ocr_pages=frozenset({1}), ocr_readings=readings)
    ex = extract(doc)
    total = [c for c in ex.checks if c["reported_value"] == 3_086_094.0][0]
    assert total["computed_value"] == 3_086_094.0  # 1,085,094 + 2,000,000 + 1,000 holds
    cells = {r["printed_text"]: r for r in ex.rows["raw_table_cells"]}
    assert cells["l,085,094"]["value"] == 1_085_094.0 and "OCR text" in cells["l,085,094"]["note"]
    assert cells["2,000,0()0"]["value"] == 2_000_000.0 and cells["1,()00"]["value"] == 1_000.0
    # the same text on a born-digital page is not mended: its figures stay text
    plain = Document("t", "132101", 2025, "pdf_flow", [Line(i + 1, t) for i, t in enumerate(texts)],
                     laid_out=[layout_line(t) for t in texts], pages=[1] * len(texts))
    assert not any(r["printed_text"] == "l,085,094" for r in extract(plain).rows["raw_table_cells"])


def test_an_ocr_figure_split_after_its_comma_is_read_whole_in_the_laid_out_text():
    """`47, 144,067,527` on a scanned page (the 小平市 収支計算書): normalizing joins the group in
    the normalized line already, so that line needs no reading; the column-aligned line the
    table engine reads must be read on its own, else `47,` is taken into the row's label and
    the cell is 144,067,527. Read whole, the 差引 row then checks: 47,144,067,527 − 47,701,022,679."""
    from ingest.reading.document import Document, Line
    from ingest.reading.load import _read_ocr_figures
    from ingest.reading.normalize import normalize_line
    from ingest.tables.cells import layout_line
    from ingest.tables.land import extract
    texts = ["(単位:円)", "                              一般会計        国民健康保険"] + [
        label.ljust(16) + a.rjust(24) + b.rjust(20) for label, a, b in (
            ("収入累計", "47, 144,067,527", "13,606,796,517"), ("支出累計", "47,701,022,679", "12,858,274,019"),
            ("収支差引残高累計", "△556,955,152", "748,522,498"))]
    lines = [Line(i + 1, normalize_line(t)) for i, t in enumerate(texts)]
    laid = [layout_line(t) for t in texts]
    lines, laid, readings = _read_ocr_figures(lines, laid, [1] * len(texts), frozenset({1}))
    assert "47,144,067,527" in laid[2]
    doc = Document("t", "132110", 2020, "pdf_flow", lines, laid_out=laid, pages=[1] * len(texts),
                   ocr_pages=frozenset({1}), ocr_readings=readings)
    ex = extract(doc)
    cells = {r["printed_text"]: r for r in ex.rows["raw_table_cells"]}
    assert cells["47, 144,067,527"]["value"] == 47_144_067_527.0
    diff = [c for c in ex.checks if c["reported_value"] == -556_955_152.0]
    assert diff and diff[0]["computed_value"] == -556_955_152.0
