"""The project's one date parser: 和暦, dotted 議決年月日, month.day and year-less forms, ranges.

Rules (DOMAIN.md): a fiscal year FY runs FY-04-01..(FY+1)-03-31, so a month 4–12 without a year
falls in FY and a month 1–3 in FY+1. `令和元年` is era year 1. Dotted `3. 3. 8` in a 議決年月日
column, or `6.11.22` in a council's 提出日 column, is 令和3年3月8日 / 令和6年11月22日: the short form
prints no era, so it is read in the era the document names (`era_named`). Text must be
normalized first.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Iterable

ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_ERA_ALT = "|".join(ERA_START)
_WAREKI = re.compile(rf"({_ERA_ALT})\s*(元|\d{{1,2}})\s*年\s*(?:(\d{{1,2}})\s*月\s*(?:(\d{{1,2}})\s*日)?)?")
_MONTH_DAY_JA = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DOTTED_YMD = re.compile(r"^(元|\d{1,2})\.\s*(\d{1,2})\.\s*(\d{1,2})$")
_ERA_WITH_YEAR = re.compile(rf"({_ERA_ALT})\s*(?:元|\d{{1,2}})\s*年")
_DOTTED_MD = re.compile(r"^(\d{1,2})\s*[./]\s*(\d{1,2})$")
_RANGE_SPLIT = re.compile(r"\s*[~～〜]\s*")


def _date(year: int, month: int, day: int) -> date | None:
    """A calendar date, or None for an impossible one (`4.31`, `2.29` in a common year).

    An impossible date in a document is a misprint to flag, not a reason to stop the build:
    every parser here answers None for it, like for any other text that is not a date.
    """
    try:
        return date(year, month, day)
    except ValueError:
        return None


def era_to_year(era: str, era_year: str | int) -> int:
    """Western year of an era year (`令和`, `元`) → 2019."""
    n = 1 if era_year == "元" else int(era_year)
    return ERA_START[era] + n - 1


def year_label(year: int, era: str = "令和") -> str:
    """Fiscal-year label in the document's style: 2021 → `令和3年度`, 2019 → `令和元年度`."""
    n = year - ERA_START[era] + 1
    return f"{era}{'元' if n == 1 else n}年度"


def era_of(year: int) -> tuple[str, int]:
    """The era in force on April 1 of `year` (fiscal-year start) and its era year."""
    era = max((start, name) for name, start in ERA_START.items() if start <= year)[1]
    if era == "令和" and year == 2019:
        return "令和", 1
    return era, year - ERA_START[era] + 1


def in_fiscal_year(day: date, fiscal_year: int) -> bool:
    """Whether `day` falls in fiscal year `fiscal_year` (April 1 .. March 31 of the next year)."""
    return date(fiscal_year, 4, 1) <= day <= date(fiscal_year + 1, 3, 31)


def fiscal_date(fiscal_year: int, month: int, day: int) -> date | None:
    """A year-less month/day inside fiscal year `fiscal_year` (months 1–3 fall in the next year)."""
    year = fiscal_year if month >= 4 else fiscal_year + 1
    return _date(year, month, day)


def parse_wareki(text: str) -> date | None:
    """`令和6年6月4日` → 2024-06-04; None where no full 和暦 date is printed."""
    m = _WAREKI.search(text)
    if not m or not m.group(3) or not m.group(4):
        return None
    return _date(era_to_year(m.group(1), m.group(2)), int(m.group(3)), int(m.group(4)))


def parse_dotted_ymd(text: str, era: str = "令和") -> date | None:
    """`3. 3. 8`, `4. 2.17`, `6.11.22`, `元.5.1` (era year.month.day in `era`) → date; None if
    not that form or not a calendar date."""
    m = _DOTTED_YMD.match(text.strip())
    if not m:
        return None
    return _date(era_to_year(era, m.group(1)), int(m.group(2)), int(m.group(3)))


def era_named(texts: Iterable[str]) -> str | None:
    """The era the texts name most often with a year (`令和6年`, `平成31年`); None if none.

    The short dates of a table (`6.11.22`) print no era: they are in the era of the document
    that prints them, which its headings and prose name (`第７回（令和６年11月）定例会`). A tie
    goes to the later era (a document of 令和元年 still names 平成31年 now and then).
    """
    counts: Counter[str] = Counter()
    for text in texts:
        if "年" in text:
            counts.update(m.group(1) for m in _ERA_WITH_YEAR.finditer(text))
    if not counts:
        return None
    return max(counts, key=lambda era: (counts[era], ERA_START[era]))


def parse_printed_date(text: str, fiscal_year: int, era: str = "令和") -> date | None:
    """A date cell in any single-day form a table prints: `令和6年11月22日`; the short era form
    `6.11.22` in the document's `era`; `11月22日` or `11.22` in the fiscal year. None otherwise
    (the caller lands the row `unresolved` with the text, never a guessed date)."""
    s = text.strip()
    return parse_wareki(s) or parse_dotted_ymd(s, era) or parse_day(s, fiscal_year)


def parse_day(text: str, fiscal_year: int, context_year: int | None = None) -> date | None:
    """One date in any single-day form printed in the documents.

    `令和6年6月4日`; `8月28日` (year from `context_year` when a row above named one, else from
    the fiscal year); `4.20`, `6/2` (month.day in the fiscal year).
    """
    s = text.strip()
    full = parse_wareki(s)
    if full:
        return full
    m = _MONTH_DAY_JA.search(s)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        if context_year is not None:
            return _date(context_year, month, day)
        return fiscal_date(fiscal_year, month, day)
    m = _DOTTED_MD.match(s)
    if m:
        return fiscal_date(fiscal_year, int(m.group(1)), int(m.group(2)))
    return None


def parse_range(text: str, fiscal_year: int) -> tuple[date, date | None] | None:
    """A date or a range: `5.23~6.4`, `7.10 ~8.13`, `8.5~6` (same month), `12.4~ 12.10`.

    Returns (start, end); end is None for a single day. None when the text is not a date.
    """
    parts = _RANGE_SPLIT.split(text.strip())
    if len(parts) == 1:
        day = parse_day(parts[0], fiscal_year)
        return (day, None) if day else None
    if len(parts) != 2:
        return None
    start = parse_day(parts[0], fiscal_year)
    if start is None:
        return None
    end_text = parts[1]
    if end_text.isdigit():  # `8.5~6`: the end shares the start's month
        end = _date(start.year, start.month, int(end_text))
    else:
        end = parse_day(end_text, fiscal_year)
    if end is None:
        return None
    return start, end
