"""The project's one number parser and numeric tokenizer.

Every extractor reads numbers through `parse_number`; the coverage report counts numbers with
`numeric_tokens`. Both operate on *normalized* text (see `normalize.py`), where △/▲ have
already become `-` and OCR-split digit groups have been rejoined.
"""
from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation

# A printed number: optional sign, digits with optional thousands commas, optional decimals.
NUMBER_PATTERN = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER = re.compile(rf"^(?:{NUMBER_PATTERN})$")
_TOKEN = re.compile(rf"(?<![\d.,]){NUMBER_PATTERN}(?![\d,]|\.\d)")
DITTO_MARKS = frozenset({"〃", "同上", "\"", "''", "々"})

UNIT_SCALE = {"千円": 1000, "円": 1, "百万円": 1_000_000, "万円": 10_000}


@lru_cache(maxsize=65536)
def parse_number(text: str | None) -> Decimal | None:
    """Parse one printed number (`1,234`, `-57008`, `0.800`, `(34,734)` → 34734); None if not a number.

    Parentheses are stripped because the documents use them for carried-over funds, not for
    negatives (negatives are printed with △, normalized to `-`). Trailing unit words such as
    `件` or `人` are not accepted here: callers strip units they expect.
    """
    if text is None:
        return None
    s = text.strip().replace(" ", "")
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    if not s or not _NUMBER.match(s):
        return None
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None


def parse_int(text: str | None) -> int | None:
    """Parse an integral printed number; None when absent or not integral."""
    value = parse_number(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def to_yen(value: Decimal | int | None, unit: str) -> int | None:
    """Scale a value printed in `unit` (千円, 円 …) to whole yen."""
    if value is None:
        return None
    scale = UNIT_SCALE.get(unit)
    if scale is None:
        raise ValueError(f"unknown money unit {unit!r}")
    if type(value) is int:  # exact already: the Decimal round trip would change nothing
        return value * scale
    return int(Decimal(value) * scale)


def numeric_tokens(line: str) -> list[str]:
    """All number tokens printed in a normalized line (used by the coverage report)."""
    return _TOKEN.findall(line)


def is_number(token: str) -> bool:
    return parse_number(token) is not None

# `(単位：千円、％)`; some producers print no colon (`(単位 千円)`, `（単位　千円）` after NFKC)
_UNIT_STATEMENT = re.compile(r"\(単位\s*[:：]?\s*([^)]+)\)")


def unit_statement(line: str) -> list[str] | None:
    """The units a `(単位：千円、％、年)` statement declares, in order; None if the line has none."""
    if "単位" not in line:  # the statement's keyword: skips the regex scan on other lines
        return None
    m = _UNIT_STATEMENT.search(line)
    if not m:
        return None
    return [u.strip() for u in re.split(r"[、,]", m.group(1)) if u.strip()]

# Numbers that are labels, not figures: ordinals (第3回, (1)), era years (令和3年), dates (4月1日).
# (Compared with the token's neighbours with surrounding whitespace stripped.)
_LABEL_BEFORE = ("第", "令和", "平成", "昭和", "No.", "(")
_LABEL_AFTER = frozenset("年月日号期次条)位級款項")  # (`9款 消防費 1項 消防費`: a 款 and its 項)


_ANY_DIGIT = re.compile(r"\d")
# A number printed with leading zeros is a code (`006 水利施設整備事業助成費`), not a figure: a
# printed figure never starts with a zero unless it is zero. One rule for the coverage count here
# and for the table reader (`tables.cells`): `LEADING_ZERO_CODE` opens a code, never a figure.
LEADING_ZERO_CODE = r"0\d"
_CODE = re.compile(rf"-?{LEADING_ZERO_CODE}")
_PAGE_NUMBER = re.compile(r"^(?:-\s*\d+\s*-\s*)+$")  # `- 28 -`, or two book pages `- 603 -  - 604 -`
_HEADING_ORDINAL = re.compile(r"^#*\s*\d{1,2}\s")
_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
# Month.day and month/day date parts next to a range mark or a slash are dates, not figures.
_DATE_MARKS = ("~", "～", "〜", "/")
# A number after `×` is a rate of the figure before it (`5,669×1/4`, `314,687×0.1925`,
# `21,000円×4,624人×1/2`): part of that figure's formula, not a figure of its own (the table
# reader lands such a formula as one cell, `tables.cells`).
RATE_MARK = "×"
_MARKS_BEFORE = _LABEL_BEFORE + _DATE_MARKS + (RATE_MARK,)
_MARKS_AFTER = _LABEL_AFTER | frozenset(_DATE_MARKS)


def _is_month_header(numbers: list[str]) -> bool:
    """`月 4 5 6 … 3 合計`: a run of consecutive fiscal months is a header, not figures."""
    if len(numbers) < 6 or not all(n.isdigit() for n in numbers):
        return False
    values = [int(n) for n in numbers]
    if values[0] not in _MONTHS:
        return False
    start = _MONTHS.index(values[0])
    return values == _MONTHS[start:start + len(values)]


# `6. 8` (month. day, a space after the point) is how the OCR prints dates in date columns.
_SPACED_DATE = re.compile(r"(?<![\d.,])(\d{1,2})\. (\d{1,2})(?![\d,]|\.\d)")


def _spaced_dates(line: str) -> set[int]:
    """Start offsets of both numbers of each `M. D` date."""
    out: set[int] = set()
    if ". " not in line:  # the form needs it: skips the scan on most lines
        return out
    for m in _SPACED_DATE.finditer(line):
        if 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
            out.update((m.start(1), m.start(2)))
    return out


def _list_ordinals(line: str, matches) -> set[int]:
    """Start offsets of agenda-style item numbers: `1 …について 2 …について 3 その他`.

    A run 1, 2, 3 … of small numbers each followed by text is a numbered list, the first one
    opening a cell (line start or after a tab); its numbers are labels, not figures.
    """
    out: set[int] = set()
    if " " not in line:  # an item number is followed by a space
        return out
    # An item number is a number token of one or two digits after a tab, a space or the line
    # start, then a space and text: read off the tokens already found, not by a second scan.
    size = len(line)
    expected = 1
    for m in matches:
        start, end = m.span()
        if end - start > 2 or end + 1 >= size or line[end] != " ":
            continue
        if start and line[start - 1] not in "\t ":
            continue
        after = line[end + 1]
        if after.isdecimal() or after.isspace() or not line[start:end].isdecimal():
            continue
        if int(line[start:end]) == expected and (expected > 1 or start == 0
                                                 or line[start - 1] == "\t"):
            out.add(start)
            expected += 1
    return out


# A number glued to a counter or a multiplier is a figure (`14件`, `30万円`, `5年`), not the
# ordinal of the label it is glued to (`2総務費`, `1普通債`).
_COUNTERS = frozenset("万億千百兆件人名円個台回校所戸箇ヶヵか月日年歳分秒冊枚本両頭株種点棟室基号期次条位級割倍世帯区%")
_MARKER = re.compile(r"\d{1,2}\.(?!\d)")  # `1.` opening the rest of a line
_SENTENCE = 8  # characters of words after a line's only number that make it a numbered paragraph


def _label_ordinals(line: str, matches) -> set[int]:
    """Start offsets of the numbers that number a label, not figures.

    - `N.` markers: one or two digits at the line start or after a space, then a point that
      opens no decimals (`1.総括事項`, `1. 1. 1. 均等割 68,310 …`, a lone `2.`); a point and a
      space then a number is a date (`4. 1`), not a marker.
    - A number glued to the label it numbers, opening the line (or after a space, right after
      another such ordinal), on a row that prints two more numbers, a grouped amount among
      them (`2総 務 費 1総 務 管 理 費 14,305 9,636 9,636`): glued to a letter that is no
      counter or multiplier (`14件`, `30万円` are figures; so are `2色・ 4ページ … 2` and
      `… 3,000部 無償配布 33部`, which open no row of amounts or follow figures).
    - The row number opening a table row: one or two digits at the line start, a space and
      label text, then two more numbers (`7 地方消費税交付金 5,600,000 5.9 …`) or one grouped
      figure (`3 職 員 手 当 等 1,294`); `1、 普通債` likewise. A line's only number opening
      a sentence (`2    監査委員は、…`) or glued to a heading (`2検査の場所`) numbers it too.
    """
    out: set[int] = set()
    size = len(line)
    last = len(matches) - 1
    for i, m in enumerate(matches):
        start, end = m.span()
        if end - start > 2 or end >= size or not line[start:end].isdecimal():
            continue
        if i == 0:
            if line[:start].strip():
                continue
        elif not line[start - 1].isspace():
            continue
        nxt = line[end]
        if nxt == "." or (nxt == "、" and i == 0):
            after = line[end + 1:end + 2]
            rest = line[end + 1:].lstrip()
            if not after or after != " " and not after.isdigit() or (
                    after == " " and rest and (not rest[0].isdigit() or _MARKER.match(rest))):
                out.add(start)
            continue
        if nxt > "\u3000" and nxt.isalpha():
            opens = i == 0 or matches[i - 1].start() in out  # `2総務費 1総務管理費 …`
            amounts = any("," in later.group() for later in matches[i + 1:])
            if nxt not in _COUNTERS and (opens and amounts and last - i >= 2 or last == 0):
                out.add(start)  # (or the line's only number: `2検査の場所`, `1一般会計`)
            continue
        if i or nxt not in " \t":
            continue
        rest = line[end:].lstrip()
        if not rest or rest[0].isdigit() or rest[0] in "-.,":
            continue
        if last >= 2 or (last == 1 and "," in matches[1].group() and rest[0] not in _COUNTERS):
            out.add(start)
        elif last == 0 and rest[0] not in _COUNTERS and len(rest) >= _SENTENCE:
            out.add(start)  # a numbered paragraph: `2    監査委員は、この基準に従い…`
    return out


@lru_cache(maxsize=8192)
def figure_tokens(line: str, heading: bool = False) -> tuple[str, ...]:
    """Number tokens that state a figure (counts, amounts), excluding labels and date parts.

    This is the denominator of the coverage report: what a reader would call "a number
    printed in a table or stated as a figure". Excluded as labels: ordinals (第3回, (1), a
    heading's own number when `heading`), era years and date parts (令和3年, 4月1日, 5.23～6.4,
    6/2, `6. 8`), numbered agenda items (`1 …について 2 …`), month header rows
    (`月 4 5 … 3`), page furniture (`- 28 -`), the rates of a formula (`5,669×1/4`: one figure),
    codes printed with leading zeros (`006`), 款 and 項 numbers (`9款 消防費 1項 消防費`).
    """
    if not _ANY_DIGIT.search(line) or _PAGE_NUMBER.match(line.strip()):
        return ()
    matches = list(_TOKEN.finditer(line))
    if not matches or (len(matches) >= 6 and _is_month_header([m.group() for m in matches])):
        return ()
    labels = _list_ordinals(line, matches) | _spaced_dates(line) | _label_ordinals(line, matches)
    found = []
    for i, m in enumerate(matches):
        start, end = m.span()
        if start in labels or _CODE.match(m.group()):
            continue
        # Only the neighbourhood decides (and keeps a megabyte-long line linear): a label
        # word or a date mark right before the number, a counter of labels or a date mark
        # right after it, whitespace between them ignored.
        if line[max(0, start - 16): start].rstrip().endswith(_MARKS_BEFORE):
            continue
        after = line[end: end + 16].lstrip()
        if after and after[0] in _MARKS_AFTER:
            continue
        if heading and i == 0 and _HEADING_ORDINAL.match(line):
            continue
        found.append(m.group())
    return tuple(found)
