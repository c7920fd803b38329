"""Running page headers are counted once by the coverage report."""
from ingest.reading.furniture import repeated_head_lines

HEAD = ["9款 消防費      3,781,176千円", "1項 消防費   3,781,176千円", "本年度予算額の財源内訳",
        "目 本年度 前年度 比較", "千円 千円 千円", "一般財源"]


def test_a_line_repeated_at_the_head_of_later_pages_is_furniture_there():
    page2 = [h.replace("9款 ", "9款  ") for h in HEAD]  # (spaces aside)
    lines = list(enumerate(HEAD + ["1 常備消防費 100 90 10", "計 100 90 10"]
                           + page2 + ["1 常備消防費 100 90 10"], start=1))
    pages = [1] * 8 + [2] * 7
    # page 2's head repeats page 1's; the row repeated under it is no furniture
    assert repeated_head_lines(lines, pages) == set(range(9, 15))


def test_a_text_document_has_no_page_furniture():
    assert repeated_head_lines([(1, "a 1"), (2, "a 1")], []) == set()


def test_a_page_printed_again_far_from_the_first_is_no_running_header():
    lines = list(enumerate(HEAD + HEAD + ["x 1"] * 6 + ["y 2"] * 6 + HEAD, start=1))
    pages = [1] * 6 + [2] * 6 + [3] * 6 + [4] * 6 + [5] * 6
    # page 2 repeats page 1's head; page 5 repeats it too, but three pages after the last one
    assert repeated_head_lines(lines, pages) == set(range(7, 13))
