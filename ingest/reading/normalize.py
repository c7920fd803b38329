"""Text normalization: one place for every rule that turns printed text into comparable text.

Normalization works line by line so that every normalized line keeps the line number it had in
the raw document (provenance depends on this). NFKC does most of the work (full-width digits,
full-width spaces, full-width parentheses); the rules below cover what NFKC does not.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache, partial
from itertools import count

from ingest.reading.document import Line

# △ / ▲ (and U+2212 MINUS SIGN) before a number mean "negative"; a layout space may follow.
_NEGATIVE = re.compile(r"[△▲\u2212]\s?(?=\d)")
# OCR split a thousands group: "5, 785" -> "5,785" (only when exactly three digits follow).
_SPLIT_THOUSANDS = re.compile(r"(?<=\d),\s+(?=\d{3}(?!\d))")
# OCR split the digits after a point: "8. 1 2" -> "8.12", "3. 2 9" -> "3.29" (month.day forms).
# Not when a counter follows: `7.7 5人` is the date 7/7 and then 5 people.
_SPLIT_DECIMAL = re.compile(r"(?<![\d.,])(\d{1,2})\.\s?(\d) (\d)(?![\d,.]|\s?[人件回台部枚本組名団世社箇か])")
# "6 . 9" (space before the point, as in some OCR'd date columns) -> "6.9"
_SPACE_POINT = re.compile(r"(?<=\d) \.\s?(?=\d)")
_MULTI_SPACE = re.compile(r"[ \u3000]{2,}")
# Format characters (Unicode category Cf: U+200B zero-width space, U+FEFF, U+00AD soft hyphen,
# U+2060 word joiner …) are invisible and NFKC keeps them; between digits they split a number
# (`7\u200b0` would read as 7 and 0). They are removed before anything else reads the text.
# The class is written out (Unicode 14, Python 3.11's) because computing it costs 0.2 s at
# import; `test_normalize` checks it against `unicodedata` so that a new Unicode version fails.
_FORMAT_CHARS = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def strip_format_chars(text: str) -> str:
    """The text without Cf characters (line breaks are not Cf: line numbers stay)."""
    return _FORMAT_CHARS.sub("", text)
_NAME_SPACES = re.compile(r"[ \u3000]+")


def normalize_line(raw: str) -> str:
    """Normalize one raw line: NFKC plus the project's explicit rules; tabs are kept.

    Tabs are table-cell separators in the OCR/Markdown layout, so they survive; runs of spaces
    are collapsed to one because in the PDF-flow layout a single space is the only cell marker.
    """
    return _apply_rules(unicodedata.normalize("NFKC", strip_format_chars(raw.rstrip("\r\n"))))


def _apply_rules(text: str) -> str:
    """The explicit rules, on text that is already NFKC.

    Each rule runs only when the line holds the characters it needs (a plain substring test is
    far cheaper than a regex scan, and most lines trigger none of the rules). NFKC has already
    turned U+3000 into a plain space, so only `"  "` can start a run of spaces.
    """
    if "\u2212" in text:
        text = text.replace("\u2212", "-")
    if "△" in text or "▲" in text:
        text = _NEGATIVE.sub("-", text)
    if "," in text:
        text = _SPLIT_THOUSANDS.sub(",", text)
    if "." in text:
        if " ." in text:
            text = _SPACE_POINT.sub(".", text)
        if " " in text:
            text = _SPLIT_DECIMAL.sub(r"\1.\2\3", text)
    if "  " in text or "\u3000" in text:
        text = _MULTI_SPACE.sub(" ", text)
    return text.strip(" ")


# A figure of a scanned page's OCR text layer with misread glyphs in its digit groups: `l` / `I`
# for 1, `O` / `o` for 0, an empty `()` for a 0 (after NFKC `（）` and `，` are ASCII), a space
# after a group's comma (`l,085,094`, `69,086, ()0()`, `43(),()92`, `lO1,471`). Only a token
# shaped as thousands groups is read this way, and only when it holds at least three real
# digits, so words and list markers (`l 社会福祉費`) are left alone.
_OCR_SYMBOL = r"(?:\d|[lIOo]|\(\))"
_OCR_FIGURE = re.compile(rf"(?<![\w(),.]){_OCR_SYMBOL}{{1,3}}(?:, ?{_OCR_SYMBOL}{{3}})+(?![\w(),])")
_OCR_GLYPHS = str.maketrans({"l": "1", "I": "1", "O": "0", "o": "0"})


def read_ocr_figures(text: str, keep_width: bool = False) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The line of a scanned page's OCR text with its misread figures read as digits, and the
    readings made (reading, printed text). `keep_width` right-aligns each reading in the width
    of what was printed, so that column-aligned text keeps every figure's right edge.

    Only the OCR pages of a PDF go through this (`load.py`); the printed text is kept with each
    reading, and the table's identities then decide whether the reading holds (a failing one
    over OCR text is `unverifiable`, never a mismatch).
    """
    if "," not in text or not (", " in text or any(ch in text for ch in "lIOo()")):
        return text, ()
    readings: list[tuple[str, str]] = []

    def read(match: re.Match) -> str:
        printed = match.group(0)
        reading = printed.replace("()", "0").replace(" ", "").translate(_OCR_GLYPHS)
        # (a figure whose only misreading is a space after a group's comma, `8,018, 179`, is
        # read too: in column-aligned text the space would split it into two cells)
        if reading == printed or sum(ch.isdigit() for ch in printed) < 3:
            return printed
        readings.append((reading, printed))
        return reading.rjust(len(printed)) if keep_width else reading

    return _OCR_FIGURE.sub(read, text), tuple(readings)


def normalize_lines(raw_text: str) -> list[Line]:
    """Split decoded text into `Line`s (1-based line number, normalized text), keeping every line.

    Format characters go first (`strip_format_chars`); NFKC runs once over the whole text (it never creates, removes or composes across a line
    break, so the lines and their numbers are the raw ones); the rules then run once per
    distinct line, because reports repeat many lines verbatim (blank lines, page furniture,
    ruled table rows). The lines are built with C-level `map`/`zip`: a document has thousands.
    """
    return normalize_lines_laid_out(raw_text)[0]


def normalize_lines_laid_out(raw_text: str) -> tuple[list[Line], list[str]]:
    """`normalize_lines`, and the same lines as laid out: NFKC and no format characters but
    every space kept (`tables.cells.layout_line` of each raw line), from the one NFKC pass.

    NFKC never creates, removes or composes across a line break (no character's NFKC holds a
    `\n`, and `\n` is a starter that composes with nothing), so the NFKC of the whole text
    split at `\n` is the NFKC of each raw line: the laid-out lines cost no second pass.
    """
    lines = unicodedata.normalize("NFKC", strip_format_chars(raw_text)).split("\n")
    # a final line break ends the last line (it opens no other); decided on the raw text, since
    # a last line of format characters only (a lone U+200B) is a line, empty once stripped
    if lines and (raw_text.endswith("\n") or not raw_text):
        lines.pop()
    rules = {line: _apply_rules(line.rstrip("\r")) for line in dict.fromkeys(lines)}
    return list(map(_new_line, zip(count(1), map(rules.__getitem__, lines)))), lines


_new_line = partial(tuple.__new__, Line)


# OCR misreads found in the corpus (DOMAIN.md): corrected in names, never in the raw text.
OCR_FIXES = {"企圖": "企画", "參圖": "参画", "參画": "参画"}


_ASCII_WORD = re.compile(r"[A-Za-z0-9:&.\-_/]{2,}")


def _is_ascii_word(token: str) -> bool:
    """Two or more ASCII letters, digits or `:&.-_/` (the ASCII `isalnum` is `[A-Za-z0-9]`)."""
    return token.isascii() and _ASCII_WORD.fullmatch(token) is not None


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """Normalize a printed name: NFKC, no layout spaces inside words, no markdown marks.

    `国 民 健 康 保 険 税` -> `国民健康保険税`, `W e b 会議システム` -> `Web会議システム`.
    A space is kept only between two ASCII words of two or more characters (`PR用 leaflet`
    stays readable), because that is the only place a printed space carries meaning in a name.
    """
    text = unicodedata.normalize("NFKC", text).replace("\t", " ").strip()
    if "圖" in text or "參" in text:  # every misread in OCR_FIXES holds one of the two
        for wrong, right in OCR_FIXES.items():
            text = text.replace(wrong, right)
    text = text.lstrip("#・ ").strip()
    if " " not in text:  # one word (NFKC above made U+3000 a plain space): nothing to join
        return text
    tokens = [t for t in _NAME_SPACES.split(text) if t]
    if not tokens:
        return ""
    parts = [tokens[0]]
    for prev, tok in zip(tokens, tokens[1:]):
        if _is_ascii_word(prev) and _is_ascii_word(tok):
            parts.append(" ")
        parts.append(tok)
    return "".join(parts)
