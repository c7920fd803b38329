"""The one date parser over the real forms: 和暦, dotted, month.day, year-less, ranges."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from ingest.reading.dates import (era_named, era_of, era_to_year, fiscal_date, in_fiscal_year, parse_day,
                          parse_dotted_ymd, parse_printed_date, parse_range, parse_wareki,
                          year_label)
from ingest.reading.normalize import normalize_line


def test_wareki():
    assert parse_wareki("令和6年6月4日") == date(2024, 6, 4)
    assert parse_wareki(normalize_line("令和７年３月２５日")) == date(2025, 3, 25)
    assert parse_wareki("令和元年6月28日") == date(2019, 6, 28)
    assert parse_wareki("令和 ７年４月 １日から") == date(2025, 4, 1)
    assert parse_wareki("令和6年") is None


def test_dotted_ymd_is_the_documents_era():
    assert parse_dotted_ymd("3. 3. 8") == date(2021, 3, 8)
    assert parse_dotted_ymd("4. 2.17") == date(2022, 2, 17)
    assert parse_dotted_ymd("3.12.22") == date(2021, 12, 22)
    assert parse_dotted_ymd("45,350,000") is None


def test_short_wareki_of_a_council_table_is_in_the_documents_era():
    """`6.11.22` in a 議案審議結果 is 令和6年11月22日; the same digits in a 平成 document are
    平成6年; `元.5.1` is the first era year; an impossible day is no date."""
    assert parse_dotted_ymd("6.11.22") == date(2024, 11, 22)
    assert parse_dotted_ymd("6.12.4") == date(2024, 12, 4)
    assert parse_dotted_ymd("30.12.3", era="平成") == date(2018, 12, 3)
    assert parse_dotted_ymd("元.5.1") == date(2019, 5, 1)
    assert parse_dotted_ymd("6.13.45") is None
    assert parse_dotted_ymd("6.2.30") is None


def test_the_era_a_document_names():
    assert era_named(["第７回（令和６年11月）定例会".replace("６", "6")]) == "令和"
    assert era_named(["平成30年第4回定例会", "平成30年12月14日"]) == "平成"
    assert era_named(["平成31年4月1日", "令和元年5月1日"]) == "令和"  # a tie: the later era
    assert era_named(["議案審議結果", "6.11.22"]) is None


@pytest.mark.parametrize("text, expected", [
    ("6.11.22", date(2024, 11, 22)), ("令和6年12月13日", date(2024, 12, 13)),
    ("11月22日", date(2024, 11, 22)), ("2.17", date(2025, 2, 17)),
    ("6.13.45", None), ("省略", None), ("", None),
])
def test_a_printed_date_cell_in_any_form(text, expected):
    assert parse_printed_date(text, 2024, "令和") == expected


def test_in_fiscal_year():
    assert in_fiscal_year(date(2024, 4, 1), 2024) and in_fiscal_year(date(2025, 3, 31), 2024)
    assert not in_fiscal_year(date(2024, 3, 31), 2024)


@pytest.mark.parametrize("text, expected", [
    ("4.20", date(2021, 4, 20)), ("3.14", date(2022, 3, 14)), ("12.8", date(2021, 12, 8)),
    (normalize_line("8. 1 2"), date(2021, 8, 12)), ("6/2", date(2021, 6, 2)),
    ("8月28日", date(2021, 8, 28)), ("２月１７日", None),
])
def test_month_day_in_fiscal_year(text, expected):
    if expected is None:
        expected = date(2022, 2, 17)
        text = normalize_line(text)
    assert parse_day(text, 2021) == expected


def test_year_less_date_takes_the_year_named_above():
    assert parse_day("8月28日", 2024, context_year=2024) == date(2024, 8, 28)
    assert parse_day("3月25日", 2024, context_year=2025) == date(2025, 3, 25)


@pytest.mark.parametrize("text, expected", [
    ("5.23~6.4", (date(2021, 5, 23), date(2021, 6, 4))),
    (normalize_line("7. 10 ～8. 13"), (date(2021, 7, 10), date(2021, 8, 13))),
    (normalize_line("2. 10～3. 9"), (date(2022, 2, 10), date(2022, 3, 9))),
    ("8.5~6", (date(2021, 8, 5), date(2021, 8, 6))),
    ("11.26~ 12.10", (date(2021, 11, 26), date(2021, 12, 10))),
    ("4.8", (date(2021, 4, 8), None)),
    ("会議", None),
])
def test_ranges(text, expected):
    assert parse_range(text, 2021) == expected


def test_eras_and_labels():
    assert era_to_year("令和", "元") == 2019
    assert year_label(2021) == "令和3年度"
    assert year_label(2019) == "令和元年度"
    assert era_of(2024) == ("令和", 6)


@given(st.integers(2000, 2090), st.integers(1, 12), st.integers(1, 28))
def test_fiscal_date_is_inside_the_fiscal_year(fy, month, day):
    d = fiscal_date(fy, month, day)
    assert date(fy, 4, 1) <= d <= date(fy + 1, 3, 31)
    assert parse_day(f"{month}.{day}", fy) == d


@given(st.text(max_size=25))
def test_parsers_never_raise(text):
    parse_wareki(text)
    parse_dotted_ymd(text)
    parse_range(text, 2021)
    parse_printed_date(text, 2021, "平成")
    era_named([text])


def test_impossible_dates_are_not_dates():
    assert parse_range("4.31", 2021) is None
    assert parse_day("2.29", 2022) is None  # 2023-02-29 does not exist
    assert parse_day("2.29", 2023) is not None  # 2024 is a leap year
    assert parse_wareki("令和3年2月30日") is None
    assert parse_range("8.30~32", 2021) is None
