"""One line of a table → its label and its numeric cells, with where each cell sits.

Lines are read as laid out (`layout_line`): NFKC and without format characters, like the
normalized lines, but with every space kept, because in column-aligned text (`pdftotext
-layout`) a cell's character position says which column it is in. Tab-separated rows (OCR)
give each field's index instead.

A cell is a number standing on its own: after whitespace, a tab or the line start, and
before whitespace, a unit word or the line end. Numbers that are labels stay in the label:
an ordinal opening the row (`1 市税`, `(1) 総務`, `１．普通債`), era years and dates (`令和7年`,
`6.11.22`), counters (`第3回`, `議第78号`). A printed number never starts with a zero unless it
is zero: `△12,2000072,804` is the glued cells △12,200 | 0 | 0 | 72,804.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from ingest.reading.normalize import normalize_name, strip_format_chars
from ingest.reading.numbers import LEADING_ZERO_CODE, RATE_MARK, parse_number
from ingest.tables.model import Cell

_NUMBER = r"(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:\.\d+)?"
_UNITS = r"千円|百万円|億円|万円|円|%|人|件|回|台|ポイント"
# One whitespace-separated chunk that is only numbers (glued ones too), maybe with a unit word.
_NUMBERS_CHUNK = re.compile(rf"(?:[△▲\-]?{_NUMBER})+(?:{_UNITS})?")
_UNIT_TAIL = re.compile(rf"({_UNITS})$")
_UNIT_WORD = re.compile(rf"^(?:{_UNITS})$")
# Chunks of a laid-out line: a negative mark may be followed by one space (`△ 31,000`).
_CHUNK = re.compile(r"[△▲\-] (?=\d)\S*|\S+")
_ORDINAL = re.compile(r"^(?:\(\d{1,2}\)|\d{1,2}[.、)]?|[ア-ン]|\([ア-ン]\))$")
# A chunk of figures (`_NUMBERS_CHUNK`) that is not a date (`6.11.22`, `6/2`) or a code printed
# with leading zeros (`00001`, not glued zeros): one pass over the chunk, not three.
_FIGURES_CHUNK = re.compile(r"(?!(?:\d{1,2}\.\d{1,2}\.\d{1,2}|\d{1,2}/\d{1,2}|" + LEADING_ZERO_CODE + r"+)\Z)"
                            + _NUMBERS_CHUNK.pattern)
# A figure printed with the rates it is multiplied by (`5,669×1/4`, `314,687×0.1925`,
# `21,000円×4,624人×1/2`, `267×60件×1/6`, `92,000×55/100`, `1,000×80%`): a 補助金's base
# amount and its 補助率, the amount they give printed beside them (`formula_factor`).
_FACTOR = rf"(?:{_NUMBER})(?:/(?:{_NUMBER}))?(?:%|[件人戸棟台回日月か所]{{1,2}})?"
_FORMULA = re.compile(rf"({_NUMBER})(円)?((?:{RATE_MARK}{_FACTOR})+)")
_FACTOR_PARTS = re.compile(rf"{RATE_MARK}({_NUMBER})(?:/({_NUMBER}))?(%?)")

# A rate printed with its direction word (`2.7%増`, `1.1%減`): a figure, negative when it fell.
_DIRECTED_RATE = re.compile(rf"([△▲\-]?)({_NUMBER})%([増減])")
_ASCII_DIGIT = re.compile(r"[0-9]")
_ANY_DIGIT = re.compile(r"\d")  # what `_CHUNK`'s `(?=\d)`, `_PAGE_MARKS` and `_ORDINAL` read as a digit
_PAGE_MARKS = re.compile(r"^\s*(?:[-―‐－]+\s*\d+\s*[-―‐－]+\s*)+$")  # `- 603 -`, `-― 11 ―-`


def ordinal_level(ordinal: str) -> int:
    """Nesting of a row by its ordinal's style: `1` / `1.` 0, `(1)` 1, `ア` 2, `(ア)` 3."""
    if not ordinal:
        return 0
    if ordinal.startswith("("):
        return 3 if not ordinal[1].isdigit() else 1
    return 2 if not ordinal[0].isdigit() else 0


def layout_line(raw: str) -> str:
    """The line as laid out: NFKC, no format characters, tabs and every space kept."""
    return unicodedata.normalize("NFKC", strip_format_chars(raw.rstrip("\r\n")))


def _decimals(number: str) -> int:
    return len(number.split(".", 1)[1]) if "." in number else 0


_CELL = re.compile(rf"([△▲\-]\s?)?({_NUMBER})")


def _cell(line_no: int, start: int, end: int, sign: str | None, number: str,
          unit: str | None = None) -> Cell:
    text = ("-" if sign else "") + number
    return Cell(line_no, start, end, text, parse_number(text), _decimals(number), unit)


def formula_factor(text: str) -> Decimal | None:
    """What the base figure of a formula cell (`5,669×1/4`, `21,000円×4,624人×1/2`) is
    multiplied by (1/4, 2,312); None for a plain figure."""
    if RATE_MARK not in text or _FORMULA.fullmatch(text) is None:
        return None
    factor = Decimal(1)
    for m in _FACTOR_PARTS.finditer(text):
        num = parse_number(m.group(1))
        den = parse_number(m.group(2)) if m.group(2) else Decimal(1)
        if num is None or not den:
            return None
        factor *= num / den / (100 if m.group(3) else 1)
    return factor


def _rate_cell(line_no: int, start: int, end: int, rate: re.Match) -> Cell:
    """`2.7%増` → 2.7 %, `1.1%減` → -1.1 % (a printed △ keeps its own sign)."""
    sign = rate.group(1) or ("-" if rate.group(3) == "減" else None)
    return _cell(line_no, start, end, sign, rate.group(2), "%")


def is_prose(text: str) -> bool:
    """A laid-out line with no digit and no tab: no cells, only an ordinal and a label.

    No cell, page number or `△ 1` chunk without a digit, so the line's chunks are its
    whitespace-separated words and only a kana ordinal (`ア`, `(ア)`) can open it: `split_row`
    reads it as `prose_ordinal` and `prose_label` do, without its per-chunk work.
    """
    return "\t" not in text and not _ANY_DIGIT.search(text)


def prose_ordinal(text: str) -> str:
    """The ordinal opening a prose line (`is_prose`), or ``."""
    words = text.split(None, 1)
    return words[0] if words and _ORDINAL.match(words[0]) else ""


def _prose_words(text: str) -> str:
    words = text.split()
    if words and _ORDINAL.match(words[0]):
        del words[0]
    return " ".join(words)


def prose_label(text: str) -> str:
    """The label of a prose line (`is_prose`): its words after the ordinal, as a name."""
    return normalize_name(_prose_words(text))


def line_label(text: str) -> str:
    """The label `split_row` gives a laid-out line (of its reading, cached: no second reading).

    `read_row` leaves it to this for a line without cells: most such lines are never asked."""
    if is_prose(text):
        return prose_label(text)
    return normalize_name(_split_cached(text)[1])


def read_row(line_no: int, text: str) -> tuple[str, str | None, list[Cell], str | None]:
    """`split_row`, except that the label of a line without cells is None (`line_label`)."""
    ordinal, words, parts, unit = _split_cached(text)
    if not parts:
        return ordinal, None, [], unit
    line = (line_no,)
    return ordinal, normalize_name(words), [Cell(*line, *p) for p in parts], unit


def split_row(line_no: int, text: str) -> tuple[str, str, list[Cell], str | None]:
    """(ordinal, label, cells, unit word printed with a cell) of one laid-out line.

    Reports repeat lines (page furniture, ruled rows) and the same document is often read
    again: the reading of a text is cached, and only the line number is put on its cells.
    """
    ordinal, words, parts, unit = _split_cached(text)
    return ordinal, normalize_name(words), [Cell(line_no, *p) for p in parts], unit


@lru_cache(maxsize=16384)
def _split_cached(text: str) -> tuple[str, str, tuple, str | None]:
    """The reading of a text, its label as printed (`normalize_name` makes it the label)."""
    ordinal, label, cells, unit = _split_words(0, text)
    return ordinal, label, tuple((c.start, c.end, c.text, c.value, c.decimals, c.unit)
                                 for c in cells), unit


def _split_row(line_no: int, text: str) -> tuple[str, str, list[Cell], str | None]:
    """(ordinal, label, cells, unit word printed with a cell) of one laid-out line."""
    ordinal, words, cells, unit = _split_words(line_no, text)
    return ordinal, normalize_name(words), cells, unit


def _split_words(line_no: int, text: str) -> tuple[str, str, list[Cell], str | None]:
    """(ordinal, label words, cells, unit word printed with a cell) of one laid-out line.

    The label words normalized as a name (`normalize_name`) are the row's label.

    The label is the text that is not a cell, normalized as a name (`市 税` → `市税`); the
    ordinal is a row number opening the line (`1`, `(1)`, `ア`). A line whose numbers sit
    inside prose (label text between two numbers) or in page furniture has no cells.
    """
    if "\t" in text:
        return _split_fields(line_no, text)
    if not _ANY_DIGIT.search(text):  # `is_prose` (most lines of a report)
        return prose_ordinal(text), _prose_words(text), [], None
    if _PAGE_MARKS.match(text):
        return "", "", [], None
    chunks = [(m.start(), m.group()) for m in _CHUNK.finditer(text)]
    ordinal = ""
    marked = bool(chunks) and not chunks[0][1][-1].isdigit()  # `(1)`, `1.`, `ア`: never a cell
    if chunks and _ORDINAL.match(chunks[0][1]) and (marked or (
            len(chunks) > 1 and not _NUMBERS_CHUNK.fullmatch(chunks[1][1]))):
        ordinal = chunks[0][1].rstrip(".、)") if chunks[0][1][0].isdigit() else chunks[0][1]
        chunks = chunks[1:]
    if not _ASCII_DIGIT.search(text):
        # no figure without an ASCII digit (every cell pattern needs one): all of it is label,
        # as the loop below would find chunk by chunk (most lines of a report are prose)
        return ordinal, " ".join([chunk for _, chunk in chunks]), [], None
    # Column-aligned text (runs of spaces between its parts) may print a text column between
    # number columns (期間 `4年度から`, 備考); in text flow, text between numbers is prose.
    aligned = "   " in text.strip()
    if aligned:
        chunks = [part for start, chunk in chunks for part in _unglue(start, chunk)]
    cells: list[Cell] = []
    label: list[str] = []
    unit = None
    text_after_cells = False
    last_was_number = False
    for k, (start, chunk) in enumerate(chunks):
        squeezed = chunk.replace(" ", "")
        if aligned and _spaced_into_words(chunks, k):
            label.append(chunk)  # `第 ２ 期 共同電算化事業`: a letter-spaced label's digit
            continue
        if last_was_number and _UNIT_WORD.match(squeezed):
            unit = unit or squeezed  # `35,500,000 千円`: the unit printed after the cell
            cells[-1] = cells[-1].with_unit(squeezed)
            continue
        last_was_number = False
        formula = _FORMULA.fullmatch(squeezed) if RATE_MARK in squeezed else None
        if formula is not None and aligned:
            offset = start + len(chunk) - len(chunk.lstrip())
            # (the cell keeps the formula as printed: its value is the base figure, its unit the
            # base's own when printed, `21,000円` in a 千円 column)
            base = _cell(line_no, offset, offset + len(squeezed), None, formula.group(1), formula.group(2))
            cells.append(Cell(line_no, base.start, base.end, squeezed, base.value, base.decimals, base.unit))
            continue
        rate = _DIRECTED_RATE.fullmatch(squeezed) if squeezed[-1] in "増減" else None
        if rate is not None and (aligned or not text_after_cells):
            offset = start + len(chunk) - len(chunk.lstrip())
            cells.append(_rate_cell(line_no, offset, offset + len(squeezed), rate))
            unit = unit or "%"
            last_was_number = True
            continue
        if not _FIGURES_CHUNK.fullmatch(squeezed):  # a date, a code or words: label
            if cells:
                text_after_cells = True
            label.append(chunk)
            continue
        if text_after_cells and not aligned:
            return ordinal, text, [], None  # prose: text between numbers
        tail = _UNIT_TAIL.search(squeezed)
        word = None
        if tail:
            word = tail.group(1)
            unit = unit or word
            squeezed = squeezed[: tail.start()]
        offset = start + len(chunk) - len(chunk.lstrip())
        for m in _CELL.finditer(squeezed):
            cells.append(_cell(line_no, offset + m.start(), offset + m.end(), m.group(1), m.group(2)))
        if word:
            cells[-1] = cells[-1].with_unit(word)
        last_was_number = True
    if aligned and cells:  # the text columns after the first figure are not the label
        label = [chunk for start, chunk in chunks if start < cells[0].start]
    return ordinal, " ".join(label), cells, unit


_EMBEDDED = re.compile(r"(?:(?<=[^\d,.△▲\-\s])|^)([1-9]\d{0,2}(?:,\d{3})+)(?=[^\d,.%]|$)")


def _unglue(start: int, chunk: str) -> list[tuple[int, str]]:
    """A thousands-grouped figure printed with no space between it and the words around it
    (`〇〇公園建設事業6,986,000平成11年度から`: a long label runs into its 限度額 and the
    期間 after it) stands apart: words, figure, words. Only grouped figures: a bare `11` in
    `平成11年度` is part of the words."""
    if chunk[0] in "△▲-" or chunk[-1].isdigit() and chunk[0].isdigit():
        return [(start, chunk)]  # a number (or several glued), not words
    m = _EMBEDDED.search(chunk)
    if m is None:
        return [(start, chunk)]
    parts = [(start, chunk[: m.start()])] if m.start() else []
    parts.append((start + m.start(), m.group(1)))
    if m.end() < len(chunk):
        parts.append((start + m.end(), chunk[m.end():]))
    return parts


def _spaced_into_words(chunks: list[tuple[int, str]], k: int) -> bool:
    """Chunk k stands one space from words on both sides: a character of a letter-spaced
    label (`第 ２ 期`), not a cell (cells stand apart from labels by runs of spaces)."""
    if k == 0 or k + 1 >= len(chunks):
        return False
    (ps, prev), (start, chunk), (ns, _nxt) = chunks[k - 1], chunks[k], chunks[k + 1]
    letters = len(chunk) <= 2 and len(prev) == 1 and len(_nxt) == 1
    words = not _NUMBERS_CHUNK.fullmatch(prev) and not _NUMBERS_CHUNK.fullmatch(_nxt)
    return letters and words and ps + len(prev) + 1 == start and start + len(chunk) + 1 == ns


_FIELD_UNIT = re.compile(r"(.+?)\s*(千円|百万円|億円|円|%|人|件|回)")  # `1,000 千円` in one field
_FIELD_UNIT_ENDS = ("円", "%", "人", "件", "回")  # the last characters `_FIELD_UNIT` may end on


def _split_fields(line_no: int, text: str) -> tuple[str, str, list[Cell], str | None]:
    """Tab-separated row: every field that is one number is a cell, at its field index.

    A small integer in the first field, followed by a text field, is the row's ordinal.
    """
    fields = [(i, f.strip()) for i, f in enumerate(text.split("\t")) if f.strip()]
    cells: list[Cell] = []
    label: list[str] = []
    unit = None
    ordinal = ""
    for k, (i, f) in enumerate(fields):
        m, u = _CELL.fullmatch(f), None
        if m is None and f.endswith(_FIELD_UNIT_ENDS):  # (most fields are words: no scan)
            mu = _FIELD_UNIT.fullmatch(f)
            if mu:
                m, u = _CELL.fullmatch(mu.group(1)), mu.group(2)
        if m is not None and k == 0 and len(fields) > 1 and f.isdigit() and len(f) <= 2 \
                and _CELL.fullmatch(fields[1][1]) is None:
            ordinal = f
            continue
        if m is None:
            label.append(f)
            continue
        cells.append(_cell(line_no, i, i + 1, m.group(1), m.group(2), u))
        unit = unit or u
    return ordinal, " ".join(label), cells, unit
