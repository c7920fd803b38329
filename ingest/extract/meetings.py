"""Meeting sessions held (`raw_meetings`): councils, committees, boards, hearings, town meetings.

Three printed forms are read, recognised by their content (never by document id):

1. Tab tables (OCR Markdown): a header row with a `開催日` / `開催月日` cell and a `回数` or
   `会議名` cell; one row per session (`第16回 ⇥ 4.9 ⇥ 1 …について`). In a `会議名 ⇥ 開催月日 ⇥
   場所` table a cell may hold several dates (`4.22 5.25 7.21`: one session each), and a row
   whose 会議名 cell is empty continues the body above (a merged cell).
2. PDF text flow: a header line `開 催 日 内 容` / `開催日 主な内容` / `実 施 日 ヒアリング対象 …`
   / `開 催 日 開 催 会 場 出席者数`, then rows dissolved over lines: `第1回`, `令和6年`,
   `6月 4日`, `~ 6月 4日`, `(書面開催)`, `・議題…` (wrapped at the page width).
3. Prose lists: `(開催日 4.20、4.27、5.18)` → one session per date, no 回次.

Which body a table belongs to
-----------------------------
OCR Markdown keeps a table under its own heading, so the body is the nearest body heading
above it. The PDF flow does not: a table often floats below the heading of the NEXT item (the
市税等徴収状況報告会 sessions are printed after `5 …指定管理者選定委員会`). But floated tables keep
the order of their bodies. So, per 課 and per kind of table (hearings apart from sessions), the
tables are aligned with the body headings by an order-preserving assignment that (1) places as
many tables as possible, each after its body's heading, and (2) maximises the agreement of the
agenda with the body's name and description (shared CJK bigrams, weighted by rarity), plus a
bonus where the description states the number of sessions (`3回開催`, `4か所`) and the table has
that many rows, and a small bonus for the nearest heading. The body is named by its heading
(`の開催` / `の実施` stripped), by a name line right under a generic heading (`(7)デジタル化
推進に関する会議` → `〇〇市デジタル化推進本部`), or by the body the description names
(`…総合計画審議会において…`, `「…適正化検討部会」を設置`). The municipality's own name is dropped
from body names (`〇〇市総合教育会議` → `総合教育会議`), as is a leading term (`第10期`).

Session counts stated in the text (`市民参加推進会議を3回開催した`) are checked against the rows
(`meetings.session_count`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ingest.reading.dates import ERA_START, era_to_year, in_fiscal_year, parse_day, parse_range
from ingest.reading.document import Document, Extraction
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import figure_tokens, numeric_tokens, parse_int
from ingest.reading.segment import classify

SEED = "raw_meetings"

# A body's name ends with one of these words; a session table belongs to such a body.
BODY_SUFFIX = ("審議会", "委員会", "協議会", "推進本部", "本部会議", "本部", "部会", "報告会",
               "座談会", "研究会", "懇談会", "連絡会", "検討会", "評議員会", "市民会議", "会議",
               "タウンミーティング", "ヒアリング")
_BODY_END = re.compile("(?:" + "|".join(BODY_SUFFIX) + ")$")
# Words that make a heading a generic container, not a body (`1 各種会議`, `…に関する会議`).
_GENERIC = re.compile(r"各種|関連会議|に関する会議|^(?:会議|総会|協議会|審議会|委員会|部会)$")
# Heading tails that are not part of the body's name.
_NAME_TAIL = re.compile(r"(?:の開催|の実施|への参加|への出席|の設置|の開催状況)$")
_TERM_HEAD = re.compile(r"^第\d+期")
# A body named in running text: a run of name characters ending with a body word.
_PROSE_BODY = re.compile(r"[\u4e00-\u9fffァ-ヺー・()A-Za-z0-9]+?"
                         r"(?:審議会|委員会|協議会|推進本部|本部|部会|市民会議|会議)"
                         r"(?![\u4e00-\u9fffァ-ヺ])")
_QUOTED = re.compile(r"「([^」]{2,60})」")

# PDF-flow row pieces (recognised here, converted by ingest.reading.dates).
_FLOW_HEADER = re.compile(r"^(?:開催日|実施日|開催月日)(?:内容|議題|主な内容|内容\(議事等\)|"
                          r"ヒアリング対象ヒアリング内容|開催会場出席者数|会場|場所)")
_FLOW_HEADER_FIRST = ("開", "実")  # what `_FLOW_HEADER` can start with: a cheap pre-test
_ROW_LABEL = re.compile(r"^(第\s*\d+\s*回(?:\s*\([^)]*\))?)\s*(.*)$")
_YEAR_ONLY = re.compile(r"^(令和|平成)\s*(元|\d{1,2})\s*年$")
_DATE_START = re.compile(r"^((?:(?:令和|平成)\s*(?:元|\d{1,2})\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日)"
                         r"\s*(.*)$")
_ERA_YEAR = re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年")
_DAY_ONLY = re.compile(r"^(\d{1,2})\s*日\s*(.*)$")
_RANGE_END = re.compile(r"^[~～〜]\s*((?:(?:令和|平成)\s*(?:元|\d{1,2})\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日)"
                        r"\s*(.*)$")
_FORMAT_LINE = re.compile(r"^\((.{0,20}開催)\)$")
_SUBITEM = re.compile(r"^\d{1,2}[^\d\s.,:)]")
_PAGE_FURNITURE = re.compile(r"^-\s*\d+\s*-$")
_PROSE_DATES = re.compile(r"[(]開催日\s*([^)]*)[)]")
# A wrapped PDF line is at least this long: a shorter line ended its cell.
WRAP_WIDTH = 22

# Overlapping pairs of characters without a space with a kanji/katakana first or second.
_CJK_PAIR = re.compile(r"(?=([\u4e00-\u9fffァ-ヺ][^ ]|[^ ][\u4e00-\u9fffァ-ヺ]))")
_LETTER = re.compile(r"[^\W\d_]")
_BIGRAM_NOISE = re.compile(r"[\d\s,.・、。()「」【】]+")
_WS = re.compile(r"\s+")
_COMMA_SPLIT = re.compile(r"[、,]")
_CLAUSE_MARK = re.compile("[、。]")
_DIGIT = re.compile(r"\d")
_WEB = re.compile(r"web|WEB|Web")
_HELD_AS = re.compile(r"書面開催|オンライン開催|WEB開催|ハイブリッド開催|対面開催|対面")


# ----------------------------------------------------------------------------- small helpers

def session_format(text: str) -> str | None:
    """The format the document prints for a session, or None where it prints none.

    ハイブリッド (also misprinted ハイブリット) = in person + online; 書面 and 持回り (documents
    circulated to members) are written sessions; オンライン / WEB are online; 対面 or a printed
    venue (会場 / 場所 cell) is in person. Nothing printed is NULL, not an assumed `in_person`
    (the contract: a value not printed is NULL).
    """
    t = (text or "").strip()
    if not t:
        return None
    if "ハイブリッド" in t or "ハイブリット" in t:
        return "hybrid"
    if "書面" in t or "持回り" in t or "持ち回り" in t:
        return "written"
    if "オンライン" in t or _WEB.search(t):
        return "online"
    return "in_person"


def own_city_name(doc: Document) -> str:
    """The municipality's own name, read from the text: the longest `…市` that is about as
    frequent as its shorter tail (`田市` → `〇〇田市`: the name is read from the text, never written here). Used to drop it from body names."""
    text = "\n".join(line.text for line in doc.lines)
    tails = _letter_then(text, "市", not_before="町村")
    if not tails:
        return ""
    name, count = tails.most_common(1)[0]
    if count < 3:
        return ""
    while True:
        longer = _letter_then(text, name)
        if not longer:
            return name
        cand, n = longer.most_common(1)[0]
        if n < 0.8 * count:
            return name
        name, count = cand, n


def _letter_then(text: str, word: str, not_before: str = "") -> Counter[str]:
    """Counts of `<letter><word>` (letter: `[^\\W\\d_]`; not followed by `not_before` when
    given), non-overlapping, left to right: `re.finditer(r"[^\\W\\d_]word")` found by `str.find`
    of the literal word, because a regex led by a character class tries every position."""
    out: Counter[str] = Counter()
    size = len(word)
    p = text.find(word, 1)
    while p >= 0:
        if _LETTER.match(text, p - 1) and not (not_before and text.startswith(not_before, p + size)):
            out[text[p - 1:p + size]] += 1
            p = text.find(word, p + size + 1)  # the next match starts after this one
        else:
            p = text.find(word, p + 1)
    return out


def clean_body_name(text: str, city: str) -> str:
    """Normalized body name: no layout spaces, no `の開催` tail, no term, no own city name."""
    name = normalize_name(text).strip("「」")
    name = _NAME_TAIL.sub("", name)
    name = _TERM_HEAD.sub("", name)
    if city and name.startswith(city) and len(name) > len(city) + 1:
        name = name[len(city):]
    return name


def is_body_name(name: str) -> bool:
    """A specific body (ends with a body word), not a generic container heading."""
    return bool(name) and bool(_BODY_END.search(name)) and not _GENERIC.search(name)


def agenda_text(parts: list[str]) -> str | None:
    """Agenda as printed, whitespace collapsed; None when nothing is printed."""
    text = " ".join(p.strip() for p in parts if p and p.strip())
    text = _WS.sub(" ", text).strip()
    return text or None


@lru_cache(maxsize=16384)
def bigrams(text: str, city: str) -> frozenset[str]:
    """Character bigrams carrying meaning (at least one kanji/katakana), digits dropped."""
    t = text.replace(city, " ") if city else text
    t = _BIGRAM_NOISE.sub(" ", t)  # every whitespace character becomes a plain space
    return frozenset(_CJK_PAIR.findall(t))  # one scan: a pair is found at its start


def value_lines(pieces: list[tuple[int, str]]) -> list[int]:
    """One entry per figure token a row took (the coverage report counts these)."""
    out: list[int] = []
    for line_no, text in pieces:
        out.extend([line_no] * len(figure_tokens(text)))
    return out


# ----------------------------------------------------------------------------- body candidates

@dataclass
class Candidate:
    """A body heading (or a body named under a heading) that session tables may belong to."""

    anchor: int          # line of the heading
    name: str
    description: str     # the prose right under the heading
    desc_line: int
    org_unit: str
    channel: str         # `hearing` or `session`
    stated_count: int | None = None


def _is_table_header(text: str) -> bool:
    compact = text.replace(" ", "").replace("\t", "")
    return bool(_FLOW_HEADER.match(compact)) or _tsv_header_columns(text) is not None


def _stated_count(desc: str) -> int | None:
    """`…を3回開催した`, `5回にわたり`, `市内4か所において…開催`: the session count the text states."""
    for marker in ("回開催", "回にわたり", "か所において", "か所で"):
        pos = desc.find(marker)
        if pos > 0:
            before = desc[:pos]
            toks = numeric_tokens(before)
            if toks and before.endswith(toks[-1]):
                return parse_int(toks[-1])
    return None


def find_candidates(doc: Document, city: str) -> list[Candidate]:
    """Every heading that names a body, or under which a body is named."""
    lines = [ln for ln in doc.lines if ln.text]
    out: list[Candidate] = []
    ends: dict[int, bool] = {}  # line index -> whether a description stops there (asked often)
    for idx, line in enumerate(lines):
        if "\t" in line.text:
            continue
        cand = classify(line.text)
        if cand is None or cand.kind in ("department", "division", "unit"):
            continue
        heading = clean_body_name(cand.heading, city)
        desc_parts: list[str] = []
        desc_line = line.no
        first_after: str | None = None
        for k in range(idx + 1, min(idx + 10, len(lines))):
            nxt = lines[k]
            t = nxt.text
            if _PAGE_FURNITURE.match(t):
                continue
            stop = ends.get(k)
            if stop is None:
                stop = ends[k] = bool("\t" in t or classify(t) is not None or _is_table_header(t)
                                      or _ROW_LABEL.match(t) or _DATE_START.match(t))
            if stop:
                break
            if first_after is None:
                first_after = t
                desc_line = nxt.no
            desc_parts.append(t)
        desc = "".join(desc_parts)
        name = ""
        # A short name line right under a generic heading names the body.
        if first_after and len(first_after) <= 30 and not _CLAUSE_MARK.search(first_after):
            under = clean_body_name(first_after, city)
            if is_body_name(under):
                name = under
        if not name and is_body_name(heading):
            name = heading
        if not name:
            name = _body_in_prose(desc, city)
        if not name:
            continue
        sec = doc.section_at(line.no)
        out.append(Candidate(
            anchor=line.no, name=name, description=desc, desc_line=desc_line,
            org_unit=sec.org_unit if sec else "",
            channel="hearing" if "ヒアリング" in name else "session",
            stated_count=_stated_count(desc),
        ))
    return out


def _body_in_prose(desc: str, city: str) -> str:
    """The body a description names: a quoted name first, else the first body word run."""
    for m in _QUOTED.finditer(desc):
        name = clean_body_name(m.group(1), city)
        if is_body_name(name):
            return name
    text = desc.replace(city, "") if city else desc
    if "会" not in text and "本部" not in text:  # every body word `_PROSE_BODY` ends with has one
        return ""
    for m in _PROSE_BODY.finditer(text):
        name = clean_body_name(m.group(0), city)
        if is_body_name(name) and len(name) >= 4:
            return name
    return ""


# ----------------------------------------------------------------------------- parsed sessions

@dataclass
class Session:
    """One session as read, before its body is known (PDF flow) or with it (tab tables)."""

    source_line: int
    label: str | None = None
    held_on: date | None = None
    held_until: date | None = None
    fmt_text: str = ""
    agenda: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # hearing target / venue
    pieces: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    body: str | None = None
    last_agenda_len: int = 0


@dataclass
class FlowTable:
    header_line: int
    kind: str  # `session`, `hearing`, `venue`
    sessions: list[Session]
    body: str | None = None
    candidate: Candidate | None = None


def _row(ex: Extraction, doc: Document, s: Session, body: str | None, org_unit: str,
         fmt: str | None = None, note_extra: str = "") -> None:
    problems = list(s.problems)
    if body is None:
        problems.append("body not resolved")
    if s.held_on is None:
        problems.append("no date")
    elif not in_fiscal_year(s.held_on, doc.fiscal_year):
        problems.append(f"date {s.held_on} outside the fiscal year")
    notes = problems + ([note_extra] if note_extra else [])
    ex.add(SEED, {
        "document_id": doc.document_id, "source_line": s.source_line,
        "org_unit": org_unit, "body_name": body, "session_label": s.label,
        "held_on": s.held_on, "held_until": s.held_until,
        "format": fmt or session_format(s.fmt_text),
        "agenda": agenda_text(s.agenda),
        "status": "unresolved" if problems else "ok",
        "note": "; ".join(notes),
        "_value_lines": value_lines(s.pieces),
    })


def _org_unit(doc: Document, line_no: int) -> str:
    sec = doc.section_at(line_no)
    return sec.org_unit if sec else ""


# ----------------------------------------------------------------------------- tab tables

def _tsv_header_columns(text: str) -> dict[str, int] | None:
    """Column roles of a tab header row with a 開催日 cell and a 回数 / 会議名 cell; else None."""
    if "\t" not in text or _DIGIT.search(text):
        return None
    cells = [c.replace(" ", "") for c in text.split("\t")]
    roles: dict[str, int] = {}
    for i, c in enumerate(cells):
        if c in ("開催日", "開催月日"):
            roles["date"] = i
        elif c in ("回数", "回"):
            roles["label"] = i
        elif c in ("会議名", "名称"):
            roles["name"] = i
        elif c in ("議題", "内容", "主な内容", "内容(議事等)"):
            roles["agenda"] = i
        elif c in ("場所", "会場"):
            roles["place"] = i
    if "date" in roles and ("label" in roles or "name" in roles):
        return roles
    return None


def _parse_dates_cell(cell: str, fiscal_year: int) -> list[tuple[date, date | None]] | None:
    """A date cell: one date or range (`6. 1`, `5.23~6.4`), or several dates (`4.22 5.25`)."""
    cell = cell.strip()
    if not cell:
        return None
    one = parse_range(cell, fiscal_year)
    if one:
        return [one]
    out = []
    for tok in cell.split():
        got = parse_range(tok, fiscal_year)
        if not got:
            return None
        out.append(got)
    return out


def _tsv_table(doc: Document, ex: Extraction, start_idx: int, roles: dict[str, int],
               body: str | None, city: str) -> int:
    """Read one tab table from the header at `lines[start_idx]`; returns the index after it."""
    lines = doc.lines
    org_unit = _org_unit(doc, lines[start_idx].no)
    idx = start_idx + 1
    current_body = body
    current_place = ""
    sessions: list[tuple[Session, str | None, str]] = []
    while idx < len(lines):
        line = lines[idx]
        text = line.text
        if not text:
            idx += 1
            continue
        if "\t" not in text:
            break
        cells = [c.strip() for c in text.split("\t")]
        if all(set(c) <= set("-: ") for c in cells):  # markdown separator row
            idx += 1
            continue
        idx += 1
        try:
            date_i = next((i for i, c in enumerate(cells)
                           if _parse_dates_cell(c, doc.fiscal_year)), None)
            if date_i is None:
                s = Session(source_line=line.no, agenda=[text.replace("\t", " ")])
                s.problems.append("row without a readable date")
                sessions.append((s, current_body, ""))
                continue
            dates = _parse_dates_cell(cells[date_i], doc.fiscal_year) or []
            before = [c for c in cells[:date_i] if c]
            after = [c for c in cells[date_i + 1:] if c]
            label = None
            if "name" in roles:
                # 会議名 table: the name is the last text cell before the dates (OCR may shift it
                # one cell right); an empty name cell continues the body above (merged cell).
                if before:
                    current_body = clean_body_name(before[-1], city)
                    current_place = ""
                place = " ".join(after)
                if place:
                    current_place = place
                note = f"場所: {place}" if place else ""
                # an empty place cell under the same body is the merged cell above it
                fmt_text = place or ("" if before else current_place)
                agenda: list[str] = []
            else:
                # 回数 table: label before the date, agenda after it; the agenda may say how
                # the session was held (`書面開催`); where it says nothing, the format is NULL.
                label = normalize_name(" ".join(before)) or None
                agenda = [" ".join(after)] if after else []
                note = ""
                held_as = _HELD_AS.search(" ".join(after))
                fmt_text = held_as.group(0) if held_as else ""
            for on, until in dates:
                s = Session(source_line=line.no, label=label, held_on=on, held_until=until,
                            fmt_text=fmt_text, agenda=list(agenda))
                piece = cells[date_i] if len(dates) == 1 else _date_token(cells[date_i], on, until, doc)
                s.pieces = [(line.no, label or ""), (line.no, piece)]
                sessions.append((s, current_body, note))
        except Exception as exc:  # never raise on odd input
            s = Session(source_line=line.no)
            s.problems.append(f"parse error: {exc}")
            sessions.append((s, current_body, ""))
    for s, b, note in sessions:
        _row(ex, doc, s, b, org_unit, note_extra=note)
    return idx


def _date_token(cell: str, on: date, until: date | None, doc: Document) -> str:
    """The token of a multi-date cell that printed `on` (for coverage)."""
    for tok in cell.split():
        got = parse_range(tok, doc.fiscal_year)
        if got and got[0] == on:
            return tok
    return ""


# ----------------------------------------------------------------------------- PDF-flow tables

def _flow_kind(header: str) -> str:
    compact = header.replace(" ", "")
    if "ヒアリング" in compact:
        return "hearing"
    if "会場" in compact or "出席者" in compact:
        return "venue"
    return "session"


def _era_year(text: str) -> int | None:
    m = _ERA_YEAR.search(text)
    return era_to_year(m.group(1), m.group(2)) if m and m.group(1) in ERA_START else None


def read_flow_table(doc: Document, lines: list, start: int) -> tuple[FlowTable, int]:
    """Read the rows of a PDF-flow session table whose header is `lines[start]`.

    Rows: `第N回` opens a session; `令和6年` sets the year for the dates that follow (a year-less
    `8月28日` takes the year named above it); a date opens a new session when the current one
    already has a date (tables without 回次: hearings, town meetings; `6日` alone repeats the
    month above); `~ 6月 4日` ends a range; `(書面開催)` sets the format of the current session;
    `・…` opens an agenda item, and a line continues it only when the line before was wrapped
    at the page width. Anything else (a heading, another table, prose) ends the table.
    """
    kind = _flow_kind(lines[start].text)
    table = FlowTable(header_line=lines[start].no, kind=kind, sessions=[])
    ctx_year: int | None = None
    cur: Session | None = None
    idx = start + 1

    def new_session(line_no: int) -> Session:
        s = Session(source_line=line_no)
        table.sessions.append(s)
        return s

    def set_date(s: Session, text: str, line_no: int) -> None:
        nonlocal ctx_year
        year = _era_year(text)
        if year:
            ctx_year = year
        day = parse_day(text, doc.fiscal_year, ctx_year)
        if day is None:
            s.problems.append(f"unreadable date {text!r}")
        s.held_on = day
        s.pieces.append((line_no, text))

    while idx < len(lines):
        line = lines[idx]
        t = line.text
        if not t or _PAGE_FURNITURE.match(t):
            idx += 1
            continue
        if "\t" in t or classify(t) is not None or _is_table_header(t):
            break
        m_label = _ROW_LABEL.match(t)
        m_year = _YEAR_ONLY.match(t)
        m_date = _DATE_START.match(t)
        m_range = _RANGE_END.match(t)
        m_day = _DAY_ONLY.match(t)
        m_fmt = _FORMAT_LINE.match(t)
        if m_label:
            cur = new_session(line.no)
            cur.label = normalize_name(m_label.group(1))
            cur.pieces.append((line.no, m_label.group(1)))
            rest = m_label.group(2).strip()
            if rest:
                m_rest = _DATE_START.match(rest)
                y_rest = _YEAR_ONLY.match(rest)
                if m_rest:
                    set_date(cur, m_rest.group(1), line.no)
                elif y_rest:
                    ctx_year = era_to_year(y_rest.group(1), y_rest.group(2))
                    cur.pieces.append((line.no, rest))
                else:
                    cur.extra.append(rest)
        elif m_year:
            ctx_year = era_to_year(m_year.group(1), m_year.group(2))
            if cur is not None and cur.held_on is None:
                cur.pieces.append((line.no, t))
        elif m_range and cur is not None and cur.held_on is not None:
            end = parse_day(m_range.group(1), doc.fiscal_year, _era_year(m_range.group(1)) or ctx_year)
            cur.held_until = end
            cur.pieces.append((line.no, m_range.group(1)))
        elif m_date:
            if cur is None or cur.held_on is not None:
                cur = new_session(line.no)
            set_date(cur, m_date.group(1), line.no)
            if m_date.group(2):
                cur.extra.append(m_date.group(2))
        elif m_day and cur is not None and cur.held_on is not None:
            # `6日` under `10月 3日`: same month and year as the row above.
            prev = cur.held_on
            cur = new_session(line.no)
            cur.held_on = parse_day(f"{prev.month}月{m_day.group(1)}日", doc.fiscal_year, prev.year)
            cur.pieces.append((line.no, m_day.group(1) + "日"))
            if m_day.group(2):
                cur.extra.append(m_day.group(2))
        elif m_fmt and cur is not None:
            cur.fmt_text += m_fmt.group(1)
        elif cur is not None and (t.startswith("・") or (_SUBITEM.match(t) and cur.agenda)):
            cur.agenda.append(t)
            cur.last_agenda_len = len(t)
        elif cur is not None and cur.agenda and cur.last_agenda_len >= WRAP_WIDTH:
            cur.agenda[-1] += t  # wrapped line of the same item
            cur.last_agenda_len = len(t)
        elif cur is not None and not cur.agenda and kind == "hearing" and cur.held_on is not None:
            cur.extra.append(t)  # hearing target continued over lines
        else:
            break
        idx += 1
    return table, idx


# ----------------------------------------------------------------------------- alignment

def _agenda_bigrams(table: FlowTable, city: str) -> frozenset[str]:
    """The bigrams of all agendas of a table (what `_score` compares with each body)."""
    return bigrams(" ".join(" ".join(s.agenda) for s in table.sessions), city)


def _score(table: FlowTable, cand: Candidate, weights: dict[str, float], city: str,
           nearest: bool, tb: frozenset[str] | None = None) -> float:
    """Agreement of a table with a body: shared agenda bigrams (rare ones weigh more, the
    body's own name counts triple), + 3 when the stated session count equals the rows,
    + 1 for the nearest preceding heading. `tb`: the table's agenda bigrams, if known."""
    if tb is None:
        tb = _agenda_bigrams(table, city)
    name_b = bigrams(cand.name, city)
    desc_b = bigrams(cand.description, city)
    score = 0.0
    for b in tb:
        w = weights.get(b, 1.0)
        if b in name_b:
            score += 3 * w
        elif b in desc_b:
            score += w
    if cand.stated_count is not None and cand.stated_count == len(table.sessions):
        score += 3
    if nearest:
        score += 1
    return score


def align(tables: list[FlowTable], cands: list[Candidate], city: str) -> list[Candidate | None]:
    """Order-preserving assignment of tables to bodies (see the module docstring).

    Maximises first the number of tables placed (each after its body's heading), then the
    total agreement score. Tables and candidates must be sorted by line.
    """
    n, m = len(tables), len(cands)
    if n == 0:
        return []
    df: Counter[str] = Counter()
    for c in cands:
        df.update(bigrams(c.name + c.description, city))
    weights = {b: 1.0 / k for b, k in df.items()}
    score = [[0.0] * m for _ in range(n)]
    for i, t in enumerate(tables):
        before = [j for j, c in enumerate(cands) if c.anchor < t.header_line]
        near = before[-1] if before else None
        tb = _agenda_bigrams(t, city)
        for j in before:
            score[i][j] = _score(t, cands[j], weights, city, j == near, tb)
    neg = (-1, 0.0)
    best = [[(0, 0.0)] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i > 0:
                options.append((best[i - 1][j], "skip_t"))
            if j > 0:
                options.append((best[i][j - 1], "skip_c"))
            if i > 0 and j > 0 and cands[j - 1].anchor < tables[i - 1].header_line:
                prev = best[i - 1][j - 1]
                options.append(((prev[0] + 1, prev[1] + score[i - 1][j - 1]), "take"))
            best[i][j], move[i][j] = max(options or [(neg, "")], key=lambda o: (o[0][0], round(o[0][1], 9)))
    out: list[Candidate | None] = [None] * n
    i, j = n, m
    while i > 0 or j > 0:
        mv = move[i][j]
        if mv == "take":
            out[i - 1] = cands[j - 1]
            i, j = i - 1, j - 1
        elif mv == "skip_t":
            i -= 1
        elif mv == "skip_c":
            j -= 1
        else:
            break
    return out


# ----------------------------------------------------------------------------- prose lists

def _prose_sessions(doc: Document, ex: Extraction, cands: list[Candidate]) -> dict[int, int]:
    """`(開催日 4.20、4.27、…)`: one session per date, body = nearest body heading above."""
    counts: dict[int, int] = {}
    for line in doc.lines:
        if "開催日" not in line.text:  # `_PROSE_DATES` needs it: skip the regex on most lines
            continue
        for m in _PROSE_DATES.finditer(line.text):
            items = [x.strip() for x in _COMMA_SPLIT.split(m.group(1)) if x.strip()]
            parsed = [(x, parse_range(x, doc.fiscal_year)) for x in items]
            if not any(p for _, p in parsed):
                continue  # `(開催日 原則毎週火曜日)`: no dated sessions printed
            cand = _nearest(cands, line.no)
            for text, got in parsed:
                s = Session(source_line=line.no)
                s.pieces = [(line.no, text)]
                if got:
                    s.held_on, s.held_until = got
                else:
                    s.problems.append(f"unreadable date {text!r}")
                _row(ex, doc, s, cand.name if cand else None, _org_unit(doc, line.no))
            if cand:
                counts[cand.anchor] = counts.get(cand.anchor, 0) + len(parsed)
    return counts


def _nearest(cands: list[Candidate], line_no: int) -> Candidate | None:
    before = [c for c in cands if c.anchor <= line_no]
    return before[-1] if before else None


# ----------------------------------------------------------------------------- entry point

def extract(doc: Document) -> Extraction:
    """All meeting sessions of the document (empty Extraction when it prints none)."""
    ex = Extraction()
    try:
        city = own_city_name(doc)
        cands = find_candidates(doc, city)
    except Exception:  # never raise: without candidates bodies stay unresolved
        city, cands = "", []
    lines = doc.lines
    rows_per_cand: dict[int, int] = {}

    # 1. tab tables: the body is the nearest body heading above (OCR keeps tables in place).
    idx = 0
    while idx < len(lines):
        roles = _tsv_header_columns(lines[idx].text) if "\t" in lines[idx].text else None
        if roles is None:
            idx += 1
            continue
        cand = None if "name" in roles else _nearest(cands, lines[idx].no)
        before = len(ex.rows.get(SEED, []))
        try:
            idx = _tsv_table(doc, ex, idx, roles, cand.name if cand else None, city)
        except Exception as exc:
            _row(ex, doc, Session(source_line=lines[idx].no, problems=[f"parse error: {exc}"]),
                 None, _org_unit(doc, lines[idx].no))
            idx += 1
        if cand is not None:
            rows_per_cand[cand.anchor] = rows_per_cand.get(cand.anchor, 0) + \
                len(ex.rows.get(SEED, [])) - before

    # 2. PDF-flow tables: read all, then align them with the bodies per 課 and channel.
    flat = [ln for ln in lines if ln.text]
    tables: list[FlowTable] = []
    k = 0
    while k < len(flat):
        text = flat[k].text
        if "\t" not in text and text.lstrip(" ")[:1] in _FLOW_HEADER_FIRST \
                and _FLOW_HEADER.match(text.replace(" ", "")):
            try:
                table, k = read_flow_table(doc, flat, k)
                tables.append(table)
                continue
            except Exception as exc:
                _row(ex, doc, Session(source_line=flat[k].no, problems=[f"parse error: {exc}"]),
                     None, _org_unit(doc, flat[k].no))
        k += 1
    groups: dict[tuple[str, str], list[FlowTable]] = {}
    for t in tables:
        channel = "hearing" if t.kind == "hearing" else "session"
        groups.setdefault((_org_unit(doc, t.header_line), channel), []).append(t)
    for (org, channel), group in groups.items():
        pool = [c for c in cands if c.org_unit == org and c.channel == channel]
        try:
            assigned = align(group, pool, city)
        except Exception:
            assigned = [None] * len(group)
        for t, cand in zip(group, assigned):
            t.candidate = cand
            for s in t.sessions:
                note = ""
                if t.kind == "hearing" and s.extra:
                    if not s.agenda:  # the content cell may be merged with the row above
                        note = "ヒアリング内容 not printed on this row"
                    s.agenda.insert(0, f"[{normalize_name(' '.join(s.extra))}]")
                elif t.kind == "venue" and s.extra:
                    venue = s.extra[0].split()
                    if venue and parse_int(venue[-1]) is not None:
                        venue = venue[:-1]  # 出席者数: a figure, not part of the venue
                    note = f"会場: {' '.join(venue)}"
                _row(ex, doc, s, cand.name if cand else None, _org_unit(doc, s.source_line),
                     note_extra=note)
            if cand is not None:
                rows_per_cand[cand.anchor] = rows_per_cand.get(cand.anchor, 0) + len(t.sessions)

    # 3. prose lists of dates.
    for anchor, n in _prose_sessions(doc, ex, cands).items():
        rows_per_cand[anchor] = rows_per_cand.get(anchor, 0) + n

    # Checks: a session count stated in the text against the sessions read for that body.
    for c in cands:
        if c.stated_count is not None and c.anchor in rows_per_cand:
            ex.check("meetings.session_count", c.name, c.stated_count, rows_per_cand[c.anchor],
                     c.desc_line)
    return ex
