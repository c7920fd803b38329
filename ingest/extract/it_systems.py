"""IT system inventories (稼働システム / 現状のシステム) and device counts (OA機器 / 電算機器の台数).

Lands `raw_it_systems` (system_name, system_group, note_marks) and `raw_it_equipment`
(equipment_type, quantity). The mapping of a system to one of the 20 標準化対象業務 is NOT
applied here: it lives in `seeds/ref_standard_business_map.csv` and is applied in SQL
(longest matching pattern wins). `map_area` below mirrors that rule so the tests can prove
the seed assigns the expected area to tricky names.

Layouts handled (dispatch is on headings, never on document_id):
- bullet lists (`- ・住民情報システム`, `- ・ 土木積算業務`) under `(1) 〇〇所管システム`
  headings; blank lines inside a list do not end it, the next heading does.
- numbered lists printed in two interleaved columns (`1 窓口連携システム 23 子ども・子育て
  支援システム`) whose second half sits a page later with other text in between; the list
  is followed by number until every number 1..N has been seen once.
- a group heading that names a system but lists none (`イ 内部情報系システム` followed only by
  its description) is itself one system of the inventory.
- device tables: tab rows with several (機器区分, 台数) pairs, or kana lines `ア パソコン 901台`.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterable

from ingest.reading.document import Document, Extraction
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import parse_int
from ingest.reading.segment import classify

SYSTEMS_SEED = "raw_it_systems"
EQUIPMENT_SEED = "raw_it_equipment"

# Headings that open an inventory of systems in operation.
_SYSTEMS_ANCHOR = re.compile(r"(稼働システム|現状のシステム)")
# Headings that open a device count table.
_EQUIPMENT_ANCHOR = re.compile(r"(機器導入状況|電算機器の台数|機器の台数)")

_KINDS = {"paren_num": "paren", "kana": "kana", "num": "num"}
_MD_TOP = re.compile(r"^#\s|^第\d+\s")
_BULLET = re.compile(r"^(?:-\s*)?・\s*(\S.*)$|^-\s+(\S.*)$")
_FOOTNOTE = re.compile(r"^※\s*(\d+)\s+(\S.*)$")
_MARK = re.compile(r"※\s*(\d+(?:\s*[、,]\s*\d+)*)")
_TRAILING_PAREN = re.compile(r"^(.*?)\(([^()]*)\)$")
_KANA_COUNT = re.compile(r"^[アイウエオカキクケコ]\s+(\S.*?)\s*([\d,]+)\s*台$")
# A name that is a unit / date word (alone or before a number) is a table fragment
# (`11 月 12 月 1月 …`), not a system; `人事給与システム` starts with 人 but is a name.
_UNIT_WORDS = re.compile(r"^[月日年件人台回円%](?:$|\d)")

_RANKS = {"md": 0, "num": 1, "paren": 2, "kana": 3}
MAX_GAP = 150  # lines a split numbered list may skip (page furniture, other tables) before giving up
MAX_REGION = 250  # lines an inventory section may span at most


# ---------------------------------------------------------------------------------------------
# Small pure helpers

def _strip_md(text: str) -> str:
    return text.lstrip("#").strip()


def heading_of(text: str) -> tuple[str, int | str, str] | None:
    """(kind, number, title) when the line is a heading `# …`, `2 …`, `(1) …` or `ア …`.

    The numbered forms are the section tree's own (`segment.classify`: one home for what a
    heading looks like); Markdown `#` lines and `第N` titles rank above them as "md".
    """
    raw = text.strip()
    body = _strip_md(raw) if raw.startswith("#") else raw
    cand = classify(body)
    if cand is not None and cand.kind in _KINDS:
        kind = _KINDS[cand.kind]
        number = cand.number.strip("()")
        if kind == "num" and not _valid_name(cand.heading[:2]):
            return None  # `0 1 0 0 2`, `11 月 12 月`: a table fragment, not `3 地域情報化`
        return kind, (number if kind == "kana" else int(number)), cand.heading
    if raw.startswith("#") or _MD_TOP.match(raw):
        return "md", "", body
    return None


def split_marks(text: str) -> tuple[str, list[str]]:
    """Separate ※ marks from a printed name: `戸籍システム ※1、2` → (`戸籍システム`, [`※1`, `※2`])."""
    marks: list[str] = []
    for m in _MARK.finditer(text):
        marks += [f"※{n}" for n in re.split(r"\s*[、,]\s*", m.group(1)) if n]
    return _MARK.sub(" ", text).strip(), marks


def _valid_name(name: str) -> bool:
    """A list entry's name: at least two characters, not a number, not a unit fragment."""
    if len(name) < 2 or _UNIT_WORDS.match(name):
        return False
    return any(not (c.isdigit() or c in ",.-") for c in name)


def parse_list_line(text: str) -> list[tuple[int, str, list[str]]] | None:
    """Parse `1 窓口連携システム 23 子ども・子育て支援システム` into [(1, name, marks), (23, …)].

    Returns None unless the whole line is `number name [※marks]` repeated: a line that is a
    table fragment (`0 1 0 0 2`, `11 月 12 月 1月 …`) or prose is not a list line.
    """
    text = _MARK.sub(lambda m: "※" + re.sub(r"\s", "", m.group(1)), text.replace("\t", " "))
    tokens = [t for t in text.split(" ") if t]
    if not tokens or not tokens[0].isdigit():
        return None
    items: list[tuple[int, list[str]]] = []
    for tok in tokens:
        if tok.isdigit():
            items.append((int(tok), []))
        else:
            items[-1][1].append(tok)
    out = []
    for number, parts in items:
        name, marks = split_marks(" ".join(parts))
        name = normalize_name(name)
        if not _valid_name(name):
            return None
        out.append((number, name, marks))
    return out


def split_group_title(title: str) -> tuple[str, str]:
    """`住民情報系システム(クラウド利用)` → (`住民情報系システム`, `クラウド利用`)."""
    name = normalize_name(title)
    m = _TRAILING_PAREN.match(name)
    if m and m.group(1):
        return m.group(1), m.group(2)
    return name, ""


# ---------------------------------------------------------------------------------------------
# Standard business area mapping (mirror of the SQL rule, for tests and review)

def load_area_map(path: Path | None = None) -> list[dict]:
    """Rows of `seeds/ref_standard_business_map.csv` (pattern, standard_business_area, note)."""
    path = path or Path(__file__).resolve().parents[2] / "seeds" / "ref_standard_business_map.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def matching_patterns(system_name: str, rows: Iterable[dict]) -> list[dict]:
    """Seed rows whose pattern occurs in the name, longest first."""
    hits = [r for r in rows if r["pattern"] and r["pattern"] in (system_name or "")]
    return sorted(hits, key=lambda r: -len(r["pattern"]))


def map_area(system_name: str, rows: Iterable[dict]) -> str | None:
    """The 標準化対象業務 a system serves: the longest pattern contained in the name wins.

    A matching pattern with an empty area is a deliberate "none of the 20" (it beats shorter
    patterns, e.g. `口座振替受付` beats `国保`). No match at all is also NULL.
    """
    hits = matching_patterns(system_name, rows)
    if not hits:
        return None
    return hits[0]["standard_business_area"] or None


# ---------------------------------------------------------------------------------------------
# Systems

def _region_end(doc: Document, anchor_no: int, kind: str, number) -> int:
    """Last line of the inventory section opened at `anchor_no`.

    It ends before the next heading of the same kind with a larger number, or of a higher
    rank, or at a markdown top heading. A line that parses as a multi-entry numbered list
    (`3 住登外… 25 児童手当…`) is never taken as a heading.
    """
    last = min(len(doc.lines), anchor_no + MAX_REGION)
    rank = _RANKS.get(kind, 0)
    for no in range(anchor_no + 1, last + 1):
        text = doc.text_at(no)
        h = heading_of(text)
        if h is None:
            continue
        items = parse_list_line(_strip_md(text))
        if items and len(items) >= 2:
            continue
        hkind, hnum, _ = h
        if hkind == "md" and text.startswith("#") and not text.startswith("##"):
            return no - 1
        if _RANKS.get(hkind, 9) < rank:
            return no - 1
        if hkind == kind and isinstance(hnum, int) and isinstance(number, int) and hnum > number:
            return no - 1
    return last


def follow_numbered_list(doc: Document, start: int
                         ) -> tuple[dict[int, tuple], set[int], int, list[tuple[int, list]]]:
    """Read a numbered list from line `start`, across interleaved columns and page splits.

    Returns ({number: (name, marks, line)}, consumed line numbers, last line looked at,
    strays). A stray is a line shaped like list entries that does not continue the sequence
    (e.g. a number read twice); it is reported, never silently merged.
    Domain rule: a two-column list prints left 1..k and right k+1..N, so every row is
    (i, i+k); the list is complete when the left column reaches k. A row is accepted only
    when it continues the sequence, so stray `1 …` lines elsewhere are never taken.
    """
    found: dict[int, tuple] = {}
    consumed: set[int] = set()
    strays: list[tuple[int, list]] = []
    next_left, offset, last_hit, no = 1, None, start, start
    end = len(doc.lines)
    while no <= end:
        if offset is not None and next_left > offset:
            break
        if no - last_hit > MAX_GAP:
            break
        text = _strip_md(doc.text_at(no))
        items = parse_list_line(text) if text else None
        accepted = False
        if items and items[0][0] == next_left and all(n not in found for n, _, _ in items):
            if len(items) == 1:
                accepted = True
            else:
                step = offset if offset is not None else items[1][0] - items[0][0]
                if step > 0 and all(items[m][0] == items[0][0] + m * step for m in range(len(items))):
                    offset, accepted = step, True
        if accepted:
            for n, name, marks in items:
                found[n] = (name, marks, no)
            consumed.add(no)
            next_left += 1
            last_hit = no
        elif items and len(items) >= 2 and found and all(n in found for n, _, _ in items):
            # only two-column shaped lines: a lone `1 オンラインサービス` is a heading
            strays.append((no, items))
            consumed.add(no)
        elif offset is None and found and text and not text.startswith("※"):
            break  # single-column list: it ends at the first line that is not an entry
        no += 1
    return found, consumed, min(no, end), strays


def _footnotes(doc: Document, first: int, last: int) -> dict[str, tuple[str, int]]:
    """`※1 本庁舎設置の機器へ構築` lines → {'※1': (text, line)}."""
    notes: dict[str, tuple[str, int]] = {}
    for no in range(first, min(last, len(doc.lines)) + 1):
        m = _FOOTNOTE.match(doc.text_at(no))
        if m and parse_list_line(doc.text_at(no)) is None:
            notes.setdefault(f"※{m.group(1)}", (m.group(2).strip(), no))
    return notes


def _system_row(doc: Document, line: int, name: str, group: str, marks: list[str],
                note_parts: list[str], value_lines: list[int], status: str = "ok") -> dict:
    return {
        "document_id": doc.document_id, "source_line": line, "system_name": name,
        "system_group": group, "note_marks": ",".join(marks) or None,
        "status": status, "note": "; ".join(p for p in note_parts if p) or None,
        "_value_lines": value_lines,
    }


def _extract_inventory(doc: Document, anchor_no: int, ex: Extraction) -> None:
    """Land every system of the inventory opened by the heading on `anchor_no`."""
    h = heading_of(doc.text_at(anchor_no)) or ("md", "", "")
    kind, number = h[0], h[1]
    end = _region_end(doc, anchor_no, kind, number)
    group_kinds = {"paren", "kana"} if kind == "md" else {
        k for k, r in _RANKS.items() if r == _RANKS.get(kind, 0) + 1}

    groups: list[dict] = []
    current: dict | None = None
    consumed: set[int] = set()
    scan_last = end
    for no in range(anchor_no + 1, end + 1):
        if no in consumed:
            continue
        text = doc.text_at(no)
        if not text.strip():
            continue
        body = _strip_md(text)
        hh = heading_of(text)
        items = parse_list_line(body)
        if hh and hh[0] in group_kinds and not (items and len(items) >= 2):
            name, qualifier = split_group_title(hh[2])
            current = {"name": name, "qualifier": qualifier, "line": no, "items": [],
                       "desc": None, "lists": [], "strays": []}
            groups.append(current)
            continue
        if current is None:
            continue
        bullet = _BULLET.match(body)
        if bullet:
            raw = bullet.group(1) or bullet.group(2)
            name, marks = split_marks(raw)
            current["items"].append((normalize_name(name), marks, no, []))
            continue
        if items and items[0][0] == 1:
            found, used, last, strays = follow_numbered_list(doc, no)
            consumed |= used
            scan_last = max(scan_last, last)
            current["lists"].append((no, found))
            for n in sorted(found):
                name, marks, line = found[n]
                current["items"].append((name, marks, line, [line] * (1 + len(marks))))
            for line, entries in strays:
                for n, name, marks in entries:
                    current["strays"].append((name, marks, line,
                                              f"list number {n} printed again (first read on "
                                              f"line {found[n][2]}); not merged"))
            continue
        if current["desc"] is None and not current["items"] and not _FOOTNOTE.match(text):
            current["desc"] = normalize_name(text)

    notes = _footnotes(doc, anchor_no, scan_last)
    used_notes: set[str] = set()
    for g in groups:
        qualifier = f"{g['name']}: {g['qualifier']}" if g["qualifier"] else ""
        for first_line, found in g["lists"]:
            # Printed numbers 1..N must each be found once: reported N (the largest number
            # seen), computed = how many entries were read.
            ex.check("it_systems.numbered_list_count", g["name"], max(found) if found else None,
                     len(found), first_line)
        if not g["items"]:
            if "システム" in g["name"] or "業務" in g["name"]:
                # Domain rule: a group heading that names a system and lists nothing under
                # it is itself one system of the inventory (a report's イ 内部情報系システム).
                ex.add(SYSTEMS_SEED, _system_row(
                    doc, g["line"], g["name"], g["name"], [],
                    [qualifier, "group heading without itemised list",
                     f"description: {g['desc']}" if g["desc"] else ""], []))
            else:
                ex.add(SYSTEMS_SEED, _system_row(
                    doc, g["line"], None, g["name"], [], ["group heading without entries"], [],
                    status="unresolved"))
            continue
        for name, marks, line, value_lines in g["items"]:
            parts = [qualifier]
            vlines = list(value_lines)
            for mark in marks:
                if mark in notes:
                    parts.append(f"{mark} {notes[mark][0]}")
                    if mark not in used_notes:
                        used_notes.add(mark)
                        vlines.append(notes[mark][1])
                else:
                    parts.append(f"{mark} (footnote text not found)")
            status = "ok" if _valid_name(name) else "unresolved"
            if status != "ok":
                parts.append("entry has no readable name")
            ex.add(SYSTEMS_SEED, _system_row(doc, line, name or None, g["name"], marks, parts,
                                             vlines, status))
        for name, marks, line, why in g["strays"]:
            ex.add(SYSTEMS_SEED, _system_row(doc, line, name, g["name"], marks, [why], [],
                                             status="unresolved"))


# ---------------------------------------------------------------------------------------------
# Equipment

def _equipment_row(doc: Document, line: int, label: str, qty_text: str) -> dict:
    qty = parse_int(qty_text.strip().removesuffix("台").strip())
    ok = qty is not None and bool(label)
    return {
        "document_id": doc.document_id, "source_line": line, "equipment_type": label or None,
        "quantity": qty, "status": "ok" if ok else "unresolved",
        "note": None if ok else f"cannot read device count from {label!r} / {qty_text!r}",
        "_value_lines": [line] if qty is not None else [],
    }


def _extract_equipment(doc: Document, anchor_no: int, ex: Extraction) -> None:
    """Device counts under the heading on `anchor_no`: tab rows of (機器区分, 台数) pairs or
    kana lines `ア パソコン 901台`. No total is printed, so there is nothing to check."""
    seen_row = False
    for no in range(anchor_no + 1, min(len(doc.lines), anchor_no + 40) + 1):
        text = doc.text_at(no)
        if not text.strip():
            continue
        if "\t" in text:
            cells = [c.strip() for c in text.split("\t")]
            if all(normalize_name(c) in {"機器区分", "台数", "区分"} for c in cells if c):
                continue  # header row
            for i in range(0, len(cells), 2):
                label = normalize_name(cells[i])
                qty = cells[i + 1] if i + 1 < len(cells) else ""
                if label or qty:
                    ex.add(EQUIPMENT_SEED, _equipment_row(doc, no, label, qty))
            seen_row = True
            continue
        m = _KANA_COUNT.match(text)
        if m:
            ex.add(EQUIPMENT_SEED, _equipment_row(doc, no, normalize_name(m.group(1)), m.group(2)))
            seen_row = True
            continue
        if heading_of(text) or seen_row:
            break


# ---------------------------------------------------------------------------------------------

def _is_anchor(text: str, rx: re.Pattern) -> bool:
    """A heading line (not prose that merely mentions the words) carrying the anchor phrase."""
    h = heading_of(text)
    return bool(h) and bool(rx.search(normalize_name(h[2]))) and len(h[2]) <= 60


# A kanji every phrase of the anchor contains (no other character NFKC-normalizes to it): a line
# without one cannot be that anchor, so most lines skip the heading parse altogether.
_SYSTEMS_KEY = re.compile("[稼現]")
_EQUIPMENT_KEY = "機"


def extract(doc: Document) -> Extraction:
    """Systems and device counts of every inventory heading in the document."""
    ex = Extraction()
    for line in doc.lines:
        try:
            text = line.text
            if _SYSTEMS_KEY.search(text) and _is_anchor(text, _SYSTEMS_ANCHOR):
                _extract_inventory(doc, line.no, ex)
            elif _EQUIPMENT_KEY in text and _is_anchor(text, _EQUIPMENT_ANCHOR):
                _extract_equipment(doc, line.no, ex)
        except Exception as exc:  # never raise on odd input: land the failure instead
            ex.add(SYSTEMS_SEED, {
                "document_id": doc.document_id, "source_line": line.no, "system_name": None,
                "system_group": None, "note_marks": None, "status": "unresolved",
                "note": f"extractor failed at this heading: {type(exc).__name__}: {exc}",
                "_value_lines": [],
            })
    return ex
