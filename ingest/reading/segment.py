"""Split a normalized document into its section tree.

Headings nest 部 → 課 → 係 → 第1 → 1 → (1) → ア → (ア) → ａ in both layouts of the corpus: the
OCR/Markdown layout marks some headings with `#` (not reliably: the same level appears with and
without marks), the PDF-flow layout marks none. So a heading is recognised by its numbering
form alone, and accepted only when its number continues the numbering of its siblings (`3`
after `2`, `ウ` after `イ`) or starts a new list (`1`, `ア`). That sequence rule is what keeps
table rows such as `1 総務費 24,590 …` or a lone `2` from being taken for headings.

Every line belongs to exactly one section: the innermost open section when it is read. Lines
before the first heading belong to a root section (level 0) named after the document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.reading.document import Line, Section
from ingest.reading.normalize import normalize_name

KANA_SEQ = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
LATIN_SEQ = "abcdefghijklmnopqrstuvwxyz"

LEVELS = {"root": 0, "department": 1, "division": 2, "unit": 3, "dai": 4, "num": 5,
          "paren_num": 6, "kana": 7, "paren_kana": 8, "latin": 9}

_ORG = re.compile(r"^[\u4e00-\u9fff\u3040-\u30ffー]{2,14}(部|課|係|室)$")
_DAI = re.compile(r"^第(\d{1,2})\s+(\S.{0,30})$")
_NUM = re.compile(r"^(\d{1,2})\s+(\S.{0,60})$")
_PAREN_NUM = re.compile(r"^\((\d{1,2})\)\s*(\S.{0,80})$")
_KANA = re.compile(rf"^([{KANA_SEQ}])\s+(\S.{{0,80}})$")
_PAREN_KANA = re.compile(rf"^\(([{KANA_SEQ}])\)\s*(\S.{{0,80}})$")
_LATIN = re.compile(r"^([a-z])\s+(\S.{0,80})$")
_BARE_NUMBER = re.compile(r"(?:^|\s)-?[\d,.]+(?:\s|$)")
# OCR reads (ア) as (7) and (イ) as (4) in the Markdown layout.
_OCR_PAREN_KANA = {"7": "ア", "4": "イ"}


@dataclass(frozen=True)
class _Candidate:
    kind: str
    ordinal: int
    number: str
    heading: str


def _ordinal(kind: str, mark: str) -> int:
    if kind in ("kana", "paren_kana"):
        return KANA_SEQ.index(mark) + 1
    if kind == "latin":
        return LATIN_SEQ.index(mark) + 1
    return int(mark)


def _heading_text_ok(text: str) -> bool:
    """A heading's text has no bare numbers (those are table rows) and no tab cells."""
    return "\t" not in text and not _BARE_NUMBER.search(text)


_ORG_LAST = frozenset("部課係室")


def _numbered_forms(first: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The numbered heading forms a line starting with `first` can have (each form has its own
    first character: 第, `(`, a digit, a kana, a Latin letter), in the order they are tried."""
    if first == "第":
        return (("dai", _DAI),)
    if first == "(":
        return (("paren_num", _PAREN_NUM), ("paren_kana", _PAREN_KANA))
    if first.isdecimal():  # what `\d` matches
        return (("num", _NUM),)
    if first in KANA_SEQ:
        return (("kana", _KANA),)
    if "a" <= first <= "z":
        return (("latin", _LATIN),)
    return ()


@lru_cache(maxsize=65536)
def classify(text: str) -> _Candidate | None:
    """The heading form of a normalized line, or None. Sequence is checked by the caller."""
    s = text.lstrip("#").strip()
    if not s or len(s) > 90:
        return None
    tokens = s.split(" ")
    # The last character test is a cheap necessary condition: names end in 部/課/係/室.
    if (len(tokens) <= 3 and all(t.rstrip()[-1:] in _ORG_LAST for t in tokens)
            and all(_ORG.match(normalize_name(t)) for t in tokens)):
        first = normalize_name(tokens[0])
        if first.endswith("本部"):  # 推進本部 etc. are bodies, not departments
            return None
        kind = {"部": "department", "課": "division", "係": "unit", "室": "unit"}[first[-1]]
        if first.endswith("公室"):
            kind = "division"
        return _Candidate(kind, 0, "", " ".join(normalize_name(t) for t in tokens))
    for kind, pattern in _numbered_forms(s[0]):
        m = pattern.match(s)
        if m and _heading_text_ok(m.group(2)):
            number = m.group(1)
            printed = {"dai": f"第{number}", "paren_num": f"({number})",
                       "paren_kana": f"({number})"}.get(kind, number)
            return _Candidate(kind, _ordinal(kind, number), printed, normalize_name(m.group(2)))
    return None


def segment(document_id: str, title: str, lines: list[Line],
            ocr_layout: bool = False) -> tuple[list[Section], dict[int, str]]:
    """Build the section tree; returns the sections and the owning section id of every line.

    `ocr_layout` enables the OCR reading of `(7)`/`(4)` as `(ア)`/`(イ)` under a kana heading;
    in the PDF-flow layout digits are digits.
    """
    root = Section(f"{document_id}:0", None, 0, "root", "", title, title, "", 1,
                   lines[-1].no if lines else 0)
    sections: list[Section] = [root]
    stack: list[tuple[Section, int]] = [(root, 0)]  # (section, ordinal)
    owner: dict[int, str] = {}
    org_names: dict[int, str] = {}

    def open_section(cand: _Candidate, line_no: int) -> Section:
        level = LEVELS[cand.kind]
        # `第1 企画政策係` names a unit: it closes the unit listed before it in the title block.
        names_unit = cand.kind == "dai" and bool(_ORG.match(cand.heading))
        pop_level = LEVELS["unit"] if names_unit else level
        while stack and stack[-1][0].level >= pop_level:
            closed, _ = stack.pop()
            closed.last_line = line_no - 1
        parent = stack[-1][0]
        for lvl in [k for k in org_names if k >= level]:
            del org_names[lvl]
        if level <= LEVELS["unit"]:
            org_names[level] = cand.heading
        elif names_unit:
            # `第1 企画政策係` names the unit its items belong to, whatever the title block listed.
            org_names[LEVELS["unit"]] = cand.heading
        label = f"{cand.number} {cand.heading}".strip()
        sec = Section(
            section_id=f"{document_id}:{line_no}", parent_id=parent.section_id, level=level,
            kind=cand.kind, number=cand.number, heading=cand.heading,
            path=f"{parent.path}/{label}" if parent.level > 0 else label,
            org_unit="/".join(org_names[k] for k in sorted(org_names)),
            first_line=line_no, last_line=root.last_line,
        )
        sections.append(sec)
        stack.append((sec, cand.ordinal))
        return sec

    for line in lines:
        cand = classify(line.text)
        if (ocr_layout and cand is not None and cand.kind == "paren_num"
                and cand.number.strip("()") in _OCR_PAREN_KANA and not _accept(cand, stack)):
            if stack[-1][0].kind == "kana" or (stack[-1][0].kind == "paren_kana"):
                mark = _OCR_PAREN_KANA[cand.number.strip("()")]
                cand = _Candidate("paren_kana", _ordinal("paren_kana", mark), f"({mark})", cand.heading)
        if cand is not None and _accept(cand, stack):
            sec = open_section(cand, line.no)
            owner[line.no] = sec.section_id
        else:
            owner[line.no] = stack[-1][0].section_id
    for sec, _ in stack:
        sec.last_line = root.last_line
    return sections, owner


def _accept(cand: _Candidate, stack: list[tuple[Section, int]]) -> bool:
    """A numbered heading continues its siblings' numbering or starts a new list at 1."""
    if cand.ordinal == 0:  # 部/課/係 names
        return True
    level = LEVELS[cand.kind]
    for sec, ordinal in reversed(stack):
        if sec.level < level:
            break
        if sec.kind == cand.kind:
            return cand.ordinal == ordinal + 1
    return cand.ordinal == 1
