"""The one number parser, over the real forms in the documents, plus properties."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from ingest.reading.normalize import normalize_line
from ingest.reading.numbers import figure_tokens, parse_int, parse_number, to_yen, unit_statement


@pytest.mark.parametrize("text, value", [
    ("45,350,000", Decimal(45350000)), ("-57,008", Decimal(-57008)), ("(34,734)", Decimal(34734)),
    ("0.800", Decimal("0.800")), ("0", Decimal(0)), ("8.12", Decimal("8.12")),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "-", "1,23", "12件", "abc", "1,234,56", None, "〃"])
def test_not_a_number(text):
    assert parse_number(text) is None


def test_parse_int_rejects_fractions():
    assert parse_int("1,000") == 1000
    assert parse_int("1.5") is None


def test_to_yen_scales_units():
    assert to_yen(Decimal(45350000), "千円") == 45_350_000_000
    assert to_yen(Decimal(576000), "円") == 576000
    assert to_yen(None, "千円") is None
    with pytest.raises(ValueError):
        to_yen(Decimal(1), "ドル")


def test_unit_statement():
    assert unit_statement(normalize_line("（単位：千円、％、年）")) == ["千円", "%", "年"]
    assert unit_statement(normalize_line("(単位：円)")) == ["円"]
    assert unit_statement("単位なし") is None


def test_figure_tokens_skip_headers_furniture_and_date_ranges():
    assert figure_tokens("月 4 5 6 7 8 9 10 11 12 1 2 3 合計") == ()
    assert figure_tokens("月 10 11 12 1 2 3 合 計") == ()
    assert list(figure_tokens("件数 4 12 4 3 15 6 7 12 2 1 7 7 80")) == \
        ["4", "12", "4", "3", "15", "6", "7", "12", "2", "1", "7", "7", "80"]
    assert figure_tokens("- 28 -") == ()
    assert figure_tokens("愛称募集期間 10.20~10.29") == ()
    assert list(figure_tokens("定例4回(6/2、8/26)")) == ["4"]
    assert list(figure_tokens("1 予算", heading=True) == () and figure_tokens("予算 1")) == ["1"]


def test_figure_tokens_skip_agenda_numbers_and_spaced_dates():
    assert list(figure_tokens("第16回\t4.9\t1 パブリックコメントについて 2 答申について 3 その他")) == ["4.9"]
    assert figure_tokens("小金井市組織規則の一部改正\t4. 1") == ()
    # place/count pairs are figures even when a count is 1
    assert list(figure_tokens("秋川駅 22 菅生下会館 1 西秋留小学校正門前 3")) == ["22", "1", "3"]
    assert figure_tokens("基 準 財 政 需 要 額 15,363,668 14,868,612 495,056 3.3")[-1] == "3.3"


def test_figure_tokens_skip_labels_and_dates():
    assert list(figure_tokens("アクセス件数 11,931,018件")) == ["11,931,018"]
    assert figure_tokens("令和6年4月1日から25日まで") == ()
    assert figure_tokens("第16回") == ()


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_printed_integers_round_trip(n):
    printed = f"{n:,}"
    assert parse_number(printed) == n
    # and the same number printed the way the documents print it (△, full-width) survives
    fullwidth = printed.replace("-", "△").translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    assert parse_number(normalize_line(fullwidth)) == n


@given(st.text(max_size=30))
def test_parse_number_never_raises(text):
    parse_number(text)
    figure_tokens(text)


def test_figure_tokens_skip_numbers_that_number_a_label():
    # `N.` markers of headings and of 款/項/目 columns, a lone marker line
    assert figure_tokens("1.総括事項") == ()
    assert figure_tokens("10.令和8年度 当初予算に計上した主な継続事業") == ()
    assert list(figure_tokens("1. 1. 1. 均等割 68,310 66,825 1,485")) == ["68,310", "66,825", "1,485"]
    assert figure_tokens("2.") == ()
    # ordinals glued to the labels they number, on a row of amounts
    assert list(figure_tokens("2総 務 費 1総 務 管 理 費 電子自治体推進事業費 14,305 9,636 9,636")) == \
        ["14,305", "9,636", "9,636"]
    assert list(figure_tokens("3そ の 他 6,838,284,999 0 0 709,492,466")) == \
        ["6,838,284,999", "0", "0", "709,492,466"]
    # a 節 number before its label and one amount
    assert list(figure_tokens("3 職 員 手 当 等 1,294")) == ["1,294"]


def test_figure_tokens_keep_counts_glued_to_their_counters():
    assert list(figure_tokens("予 算 議 案 14件")) == ["14"]
    assert list(figure_tokens("2色・ 4ページ(うち2ページ4色) 2")) == ["2", "4", "2", "4", "2"]
    assert list(figure_tokens("22取組(うち最優秀取組 2件、優秀取組 1件、奨励取組 3件)")) == ["22", "2", "1", "3"]
    assert list(figure_tokens("無償配布 3,000部 33部 6部")) == ["3,000", "33", "6"]
    assert list(figure_tokens("50銭未満の端数があるときは、 50銭以上1円未満")) == ["50", "50", "1"]
    assert list(figure_tokens("退職者6名(前年3名) 105,930 25,114")) == ["6", "3", "105,930", "25,114"]
    assert list(figure_tokens("4.9")) == ["4.9"]


def test_the_rates_of_a_formula_are_part_of_its_figure():
    assert list(figure_tokens("参加支援事業 40,425×1/4 10,106")) == ["40,425", "10,106"]
    assert list(figure_tokens("地域包括支援センター運営事業 314,687×0.1925 60,577")) == ["314,687", "60,577"]
    assert list(figure_tokens("保育料 21,000円×4,624人×1/2 48,552")) == ["21,000", "48,552"]


def test_a_lines_only_number_opening_a_sentence_or_heading_numbers_it():
    assert figure_tokens("2    監査委員は、この基準に従い公正不偏の態度を保持し") == ()
    assert figure_tokens("2検査の場所") == ()
    assert figure_tokens("1一般会計") == ()
    # a count stays a figure: glued to its counter, or with a short word after it
    assert list(figure_tokens("5人")) == ["5"]
    assert list(figure_tokens("3 件")) == ["3"]
    assert list(figure_tokens("12 名が参加")) == ["12"]
