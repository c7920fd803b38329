"""Figures stated in running text: `アクセス件数 11,931,018件`, `(ア)協議会 2回 (イ)審議会 2回`.

A figure is a printed number directly followed by a counter word (件, 人, 回, 団体 …). Its label
is the text printed before it, back to the previous figure or clause break (、 。), with list
marks (`ア`, `(イ)`, `(1)`, `a`) and particles (を, は …) removed. A number without a counter
word is not a figure here: bare numbers in running text are ordinals, dates, or list marks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import NUMBER_PATTERN, parse_number

# Counter words that make a number a figure. Longest first so `千円` wins over `円`.
UNITS = ["ページビュー", "か所", "ヶ所", "箇所", "団体", "世帯", "施設", "作品", "チーム", "取組",
         "指標", "組織", "千円", "円", "件", "人", "回", "本", "部", "枚", "票", "点", "組", "基",
         "冊", "枠", "社", "頁", "台", "%", "自治体", "市"]
# Counters that are also the first character of many words (`4市(…)` but `市内`, `市民`): they
# count only when no kanji/katakana follows.
STRICT_UNITS = {"市"}
_WORD_CHAR = re.compile(r"[\u4e00-\u9fffァ-ヺ]")
# Words that start with a counter character but are not counters (`1人当たり`, `3部会`, `本部`).
NOT_COUNTER = ("人口", "人件", "人権", "人当", "回答", "回線", "回収", "回覧", "回目", "部長", "部会",
               "部署", "部分", "部門", "本部", "本庁", "本市", "件名", "点検", "円滑", "組合", "社会",
               "台帳", "台風", "基本", "基準", "基金", "冊子", "枚数", "人数", "件数", "回数", "部数",
               "本人", "本日", "本年", "本事", "施設使", "人目", "点数")
_FIGURE = re.compile(rf"(?<![\d.,])({NUMBER_PATTERN})\s?({'|'.join(map(re.escape, sorted(UNITS, key=len, reverse=True)))})")
# What every `_FIGURE` match contains (a number ends in a digit; a counter word follows): a
# cheap test that spares most lines the slow `_FIGURE` scan (its leading lookbehind makes the
# regex engine try every position of the line).
_FIGURE_HINT = re.compile(r"\d\s?[" + re.escape("".join(sorted({u[0] for u in UNITS}))) + "]")
_CAPACITY = re.compile(rf"定員\s?({NUMBER_PATTERN})")  # `(定員70)`: a capacity in persons
_ORDINAL_BEFORE = re.compile(r"(?:第|No\.|令和|平成|昭和|\d\.)\s*$")
_ORDINAL_WORDS = ("第", "No.", "令和", "平成", "昭和")  # `_ORDINAL_BEFORE` without `\d\.`
# List marks that start a new item inside a line: `ア `, `(イ)`, `(2)`, `b `, `①`.
_INLINE_MARK = re.compile(r"(?:^|\s)(?:\([ア-ン]\)|\(\d{1,2}\)|[ア-ン](?=\s)|[a-z](?=\s)|[①-⑳])\s*")
_LEAD_MARK = re.compile(r"^(?:\([ア-ン]\)|\(\d{1,2}\)|[ア-ン]\s|[a-z]\s|[①-⑳]|[・◎※#]+|\d{1,2}\s)\s*")
_PARTICLE = re.compile(r"(?:において|については|により|にて|では|には|を|は|が|に|で|へ|各|約|延べ)$")
_PAREN = re.compile(r"\([^()]*\)")
_HAS_DIGIT = re.compile(r"\d")
TOTAL_WORDS = re.compile(r"(?:^|[^小])(?:合計|総計|総数)$|^計$|平均")


@dataclass
class Figure:
    """One figure in a line: value, counter word, the label printed before it."""

    start: int
    value: Decimal
    unit: str
    label: str
    column_label: str | None = None


def clean_label(text: str) -> str:
    """The label a figure's preceding text gives it (see module doc)."""
    s = text.strip()
    s = s.rstrip(" :=")
    cut = max(s.rfind(c) for c in "。、,;")
    if cut >= 0:
        s = s[cut + 1:]
    marks = list(_INLINE_MARK.finditer(s))
    if marks:
        s = s[marks[-1].end():]
    # an unclosed `(` opens a parenthesised note: the label starts after it
    if s.count("(") > s.count(")"):
        after = s[s.rfind("(") + 1:]
        s = after if after.strip() else s[:s.rfind("(")]  # `有償(1部`: the word before the note
    s = s.lstrip(" )").rstrip()
    while True:
        t = _LEAD_MARK.sub("", s).strip()
        if t == s:
            break
        s = t
    s = normalize_name(s)
    s = _PAREN.sub("", s) or ("" if s.startswith("(") else s)  # `(年額)` alone is a note
    s = _PARTICLE.sub("", s)
    return s.strip("・ ")


def find_figures(text: str) -> list[Figure]:
    """All figures stated in one normalized line, in order, with their labels.

    Fresh `Figure`s on every call (callers fill in labels), built from a cached reading: the
    same line is read by several passes (prose, table rows, heading titles).
    """
    return [Figure(*f) for f in _figures(text)]


def has_figures(text: str) -> bool:
    """Whether `find_figures(text)` finds anything (cached, no objects built)."""
    return bool(_figures(text))


@lru_cache(maxsize=65536)
def _figures(text: str) -> tuple[tuple, ...]:
    """`find_figures` as immutable (start, value, unit, label, column_label) tuples."""
    if not _HAS_DIGIT.search(text):
        return ()  # every figure starts with a printed number
    found: list[Figure] = []
    prev_end = 0
    prev_label = ""
    matches = list(_FIGURE.finditer(text)) if _FIGURE_HINT.search(text) else []
    if "定員" in text:  # `_CAPACITY` needs it: skip the second scan of most lines
        matches = sorted(matches + list(_CAPACITY.finditer(text)), key=lambda m: m.start())
    for m in matches:
        if m.start() < prev_end:
            continue
        if m.re is _CAPACITY:
            value, unit, label = parse_number(m.group(1)), "人", "定員"
        else:
            unit = m.group(2)
            if text.startswith(NOT_COUNTER, m.start(2)):
                continue
            if unit in STRICT_UNITS and _WORD_CHAR.match(text[m.end():m.end() + 1]):
                continue
            if _ordinal_before(text, m.start()):
                continue
            value = parse_number(m.group(1))
            segment = text[prev_end:m.start()]
            label = "" if segment.strip() == "×" else clean_label(segment)
            if not label and prev_label:
                label = prev_label  # `26人、6団体`, `11組23人`: the same item, another counter
        if value is None:
            continue
        if text[m.end():m.end() + 1] in ("増", "減"):
            label = f"{label}({text[m.end()]})"
        fig = Figure(m.start(), value, unit, label)
        found.append(fig)
        prev_end, prev_label = m.end(), label
    _price_times_quantity(text, found)
    return tuple((f.start, f.value, f.unit, f.label, f.column_label) for f in found)


def _ordinal_before(text: str, end: int) -> bool:
    """`_ORDINAL_BEFORE.search(text[:end])` (`第3回`, `令和 6年`, `1.5人`: not a count), read from
    the end instead of searched from the start of the line (`\\s` is `str.isspace`, `\\d` is
    `str.isdecimal`)."""
    head = text[:end].rstrip()
    return head.endswith(_ORDINAL_WORDS) or (head[-1:] == "." and head[-2:-1].isdecimal())


def _price_times_quantity(text: str, figs: list[Figure]) -> None:
    """`3,400円× 3枚`: the first figure is a unit price, the second a quantity."""
    for a, b in zip(figs, figs[1:]):
        between = text[a.start:b.start]
        if a.unit == "円" and between.rstrip().endswith("×"):
            a.column_label, b.column_label = "単価", "数量"
