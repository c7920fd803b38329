"""Bills of a council session (`raw_council_bills`): the 議案 table of a 議案審議結果.

The table, as `pdftotext -layout` prints it (column-aligned text, one table per ● heading):

    ●条例 （地方自治法第96条第1項第1号）
                                  提出日          委員会      年月日
    議案番号          議案名       提出     付託           議決
                                  提出者          審査結果    審議結果
            …施行条例等の一       6.11.22         建設水道    6.12.13
    議第83号
            部改正                 市長      可決すべきもの    可決

What is read, and why this way:

- A table is found by its header, never by a document or a title: a line holding a 番号 word
  (議案番号) and a title word (議案名 / 件名), with the header rows right above and below it
  made of header words only. Each header word is bound to what it names by `HEADER_WORDS`
  (提出日 → submitted_on, 委員会 → committee, 審議結果 → result …); `年月日` is bound by the
  group word over it: 議決 → decided_on, 報告 → reported_on (a report is not voted on).
- The header's shape is the bills' shape: a bill prints its number on the row of 議案番号,
  and as many rows above and below it as the header has. The rows between two bill numbers
  are split accordingly (the first ones close the bill above, the last ones open the bill
  below); when their count differs, each row goes where its values fit the header's columns
  (dates under date columns), and where that leaves more than one reading, the bills land
  `unresolved` with the reason.
- On each row, text left of the columns is the title (a long title wraps onto the rows above
  and below the number: the parts are joined in print order); every other value goes to the
  header column of its row nearest to it, keeping the print order. Character positions of
  CJK text drift from line to line (centred names, full-width glyphs counted as one), so
  columns are matched by order and nearness (the table engine's placement), not by fixed
  edges; a date under a word column, or a word under a date column, is a problem, not a value.
- Dates are read by `ingest.reading.dates` (`6.11.22` = 令和6年11月22日, the era named by the session
  heading or else by the document). `-` is not a value (NULL); `省略` (no referral) is NULL with
  the note `委員会: 省略`. A date that does not read, a date outside the fiscal year, a decision
  before the submission, or a result outside `OUTCOMES` lands the bill `unresolved` with the
  reason: never a guess, never dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Iterator

from ingest.reading.dates import era_named, era_of, in_fiscal_year, parse_printed_date
from ingest.reading.document import Document, Extraction
from ingest.reading.normalize import normalize_name
from ingest.tables.layout import place_by_position
from ingest.tables.model import Column as TableColumn

SEED = "raw_council_bills"

# Bill-number prefixes (`議第84号`, `発議第14号` …) and what the series holds. The prefix is the
# council's own numbering; the same letter can hold different kinds in different councils.
BILL_KINDS: dict[str, str] = {
    "議": "議案 (長の提出する議案)",
    "議案": "議案",
    "報": "報告 (専決処分の報告など)",
    "報告": "報告",
    "認": "認定 (決算) または 同意 (人事): the council's series",
    "承": "承認 (専決処分の承認)",
    "承認": "承認",
    "同": "同意 (人事)",
    "同意": "同意 (人事)",
    "諮": "諮問",
    "諮問": "諮問",
    "発議": "議員発議 (議員提出議案)",
    "議発": "議員発議",
    "委発": "委員会発議",
    "請": "請願",
    "請願": "請願",
    "陳": "陳情",
    "陳情": "陳情",
    "選": "選挙",
}
_KIND_ALT = "|".join(sorted(BILL_KINDS, key=len, reverse=True))
_BILL = re.compile(rf"^({_KIND_ALT})\s*第\s*(\d{{1,4}})\s*号(?=\s|$)")

# Results a council prints for a bill (審議結果), and the committee's (審査結果: the same words,
# or with すべきもの). Anything else in a result column is a misread column: the bill lands
# `unresolved`. The mart's accepted_values test lists the same OUTCOMES.
OUTCOMES: tuple[str, ...] = (
    "可決", "原案可決", "修正可決", "否決", "同意", "不同意", "承認", "不承認", "認定", "不認定",
    "採択", "一部採択", "不採択", "継続審査", "閉会中継続審査", "審査未了", "撤回", "取下げ",
    "了承", "報告", "諮問のとおり答申", "異議なし",
)
_COMMITTEE_OUTCOME = re.compile("^(?:" + "|".join(OUTCOMES) + ")(?:とすべきもの|すべきもの)?$")

# Header words → the column they name. `年月日` names a date whose meaning the group word
# over it gives (`GROUP_WORDS`).
DATE_CONCEPTS = ("submitted_on", "decided_on", "reported_on")
HEADER_WORDS: dict[str, str] = {
    "提出日": "submitted_on", "提出年月日": "submitted_on", "提案日": "submitted_on",
    "上程日": "submitted_on", "受理日": "submitted_on", "受理年月日": "submitted_on",
    "提出者": "submitted_by", "提案者": "submitted_by", "提出者名": "submitted_by",
    "委員会": "committee", "付託委員会": "committee", "付託先": "committee",
    "審査結果": "committee_result", "委員会審査結果": "committee_result",
    "委員会結果": "committee_result",
    "議決日": "decided_on", "議決年月日": "decided_on", "議決月日": "decided_on",
    "報告日": "reported_on", "報告年月日": "reported_on",
    "審議結果": "result", "議決結果": "result", "結果": "result",
    "年月日": "date",
}
GROUP_WORDS: dict[str, str | None] = {
    "提出": None, "付託": None, "委員会付託": None, "審査": None, "議決": "decided_on",
    "報告": "reported_on",
}
NUMBER_WORDS = ("議案番号", "番号", "議案等番号", "事件番号")
TITLE_WORDS = ("議案名", "件名", "案件名", "議案件名", "事件名")
_HEADER_VOCAB = frozenset(HEADER_WORDS) | frozenset(GROUP_WORDS) | frozenset(NUMBER_WORDS) \
    | frozenset(TITLE_WORDS)
COLUMN_LABEL = {"submitted_on": "提出日", "submitted_by": "提出者", "committee": "委員会",
                "committee_result": "委員会審査結果", "decided_on": "議決日",
                "reported_on": "報告日", "result": "審議結果"}

MAX_HEADER_ROWS = 2           # rows of header words above or below the 議案番号 row
NOT_PRINTED = frozenset({"-", "‐", "―", "—", "ー", "なし", "無"})
OMITTED = frozenset({"省略"})
_RUN = re.compile(r"\S+(?: \S+)*")   # a cell: text with single spaces; two or more end it
_DATEISH = re.compile(r"^(?:令和|平成|昭和)?[\d元年月日.\s/]*\d[\d年月日.\s/]*$")
_CATEGORY = re.compile(r"^[●■◆◇□○◎▼▽★☆]\s*([^\s(]+)")
_SESSION = re.compile(r"(?:(?:令和|平成|昭和)\s*(?:元|\d{1,2})\s*年\s*(?:\d{1,2}\s*月\s*)?)?"
                      r"(?:第\s*\d{1,2}\s*回\s*)?(?:\([^)]{0,20}\)\s*)?(?:定例会|臨時会)")
_SKIPPED = re.compile(r"^(?:-\s*\d+\s*-|\d{1,3}|[※*].*|\(?注\)?.*)$")  # page numbers, notes
_SECTION_HEAD = re.compile(r"^(?:\d{1,2}|\(\d{1,2}\))\s*[^\d\s.,/]\S*$")
_WS = re.compile(r"\s+")


# ----------------------------------------------------------------------------- small pieces

@dataclass(frozen=True)
class Run:
    """One cell of a laid-out line: its text and character span."""

    start: int
    end: int
    text: str

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class Column:
    """A header word bound to what it names, on a row of the header (0 = the 議案番号 row)."""

    concept: str
    word: str
    row: int
    start: int
    end: int

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2

    @property
    def is_date(self) -> bool:
        """A date column (`年月日` with no group word over it too)."""
        return self.concept in DATE_CONCEPTS or self.word.endswith("日")


@dataclass
class Header:
    """A 議案 table's header: its rows, its columns and where the title column ends."""

    line_no: int                  # the 議案番号 row
    first_line: int
    last_line: int
    above: int                    # header rows above the 議案番号 row
    below: int
    title_edge: float             # a value starting left of this is part of the title
    columns: list[Column]

    def row_columns(self, row: int) -> list[Column]:
        return [c for c in self.columns if c.row == row]

    @property
    def slots_above(self) -> list[int]:
        return list(range(-self.above, 0))

    @property
    def slots_below(self) -> list[int]:
        return list(range(1, self.below + 1))


@dataclass
class Bill:
    """One bill as assembled from its rows: where each value was printed, and what is wrong."""

    kind: str
    no: int
    line_no: int
    rows: dict[int, int] = field(default_factory=dict)   # header row → document line
    title_parts: list[str] = field(default_factory=list)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # concept → (text, word)
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.kind}第{self.no}号"


def runs(text: str) -> list[Run]:
    """The cells of a laid-out line (a form feed, which starts a page, takes no column)."""
    text = text.replace("\f", "")
    return [Run(m.start(), m.end(), m.group()) for m in _RUN.finditer(text)]


def compact(text: str) -> str:
    return _WS.sub("", text)


def bill_number(text: str) -> tuple[str, int, str] | None:
    """(kind, number, rest of the cell) of a cell starting with a bill number, else None."""
    m = _BILL.match(text.strip())
    if not m:
        return None
    return m.group(1), int(m.group(2)), text.strip()[m.end():].strip()


def is_dateish(text: str) -> bool:
    """Whether a cell is printed as a date (readable or not): digits with `.` `/` 年 月 日."""
    t = text.strip()
    return bool(_DATEISH.match(t)) and any(c in t for c in "./月")


def place(values: list[Run], columns: list[Column]) -> list[tuple[Column, Run]] | None:
    """The values of a row given to its header columns, in print order.

    Several values may be missing (a bill with no committee leaves a gap): the table engine's
    one placement search (`place_by_position`: order kept, nearest right edges) puts them.
    None when the row prints more values than the header has columns for it.
    """
    if len(values) > len(columns):
        return None
    if not values:
        return []
    slots = place_by_position(values, [TableColumn(i, c.end) for i, c in enumerate(columns)])
    return [(columns[i], v) for i, v in enumerate(slots) if v is not None]


# ----------------------------------------------------------------------------- the header

def _header_words(text: str) -> list[Run] | None:
    """The runs of a line made of header words only, else None."""
    got = runs(text)
    if not got or any(compact(r.text) not in _HEADER_VOCAB for r in got):
        return None
    return got


def _bind_columns(rows: dict[int, list[Run]]) -> list[Column]:
    """Header words → columns; `年月日` takes the meaning of the nearest group word."""
    groups = [(GROUP_WORDS[compact(r.text)], r) for row in rows.values() for r in row
              if GROUP_WORDS.get(compact(r.text))]
    out = []
    for row, found in rows.items():
        for r in found:
            concept = HEADER_WORDS.get(compact(r.text))
            if concept is None:
                continue
            if concept == "date":
                if not groups:
                    concept = "unbound"
                else:
                    concept = min(groups, key=lambda g: abs(g[1].centre - r.centre))[0]
            out.append(Column(concept, compact(r.text), row, r.start, r.end))
    return out


def read_header(doc: Document, idx: int) -> Header | None:
    """The header whose 議案番号 row is line index `idx`, or None if the line is not one."""
    laid = doc.laid_out
    middle = _header_words(laid[idx])
    if not middle:
        return None
    words = {compact(r.text): r for r in middle}
    number = next((words[w] for w in NUMBER_WORDS if w in words), None)
    title = next((words[w] for w in TITLE_WORDS if w in words), None)
    if number is None or title is None or title.start < number.start:
        return None
    rows = {0: middle}
    for step in (-1, 1):
        k, row = idx + step, step
        while abs(row) <= MAX_HEADER_ROWS and 0 <= k < len(laid):
            found = _header_words(laid[k])
            if not found:
                break
            rows[row] = found
            k, row = k + step, row + step
    above = -min(rows)
    below = max(rows)
    right = [r.start for row in rows.values() for r in row if r.start > title.start]
    if not right:
        return None
    edge = (title.end + min(right)) / 2
    columns = _bind_columns(rows)
    if not any(c.concept in ("decided_on", "reported_on", "result") for c in columns):
        return None  # a list of numbers and titles without any outcome is not a 議案 table
    return Header(idx + 1, idx + 1 - above, idx + 1 + below, above, below, edge, columns)


# ----------------------------------------------------------------------------- the body

def _row_kind(doc: Document, idx: int, header: Header) -> str:
    """What line index `idx` is inside a table: `bill`, `row`, `skip` (blank, page number,
    note, repeated session heading) or `stop` (the next heading or table)."""
    text = doc.laid_out[idx].replace("\f", "").strip()
    if not text:
        return "blank"
    if _CATEGORY.match(text) or read_header(doc, idx) is not None:
        return "stop"
    got = runs(doc.laid_out[idx])
    first = got[0]
    if first.start < header.title_edge and bill_number(first.text):
        return "bill"
    if _SKIPPED.match(text) or (len(got) == 1 and _SESSION.fullmatch(compact(text))):
        return "skip"
    if len(got) == 1 and first.start <= 2 and _SECTION_HEAD.match(text) and not is_dateish(text):
        return "stop"
    return "row"


def _fits(doc: Document, idx: int, row: int, header: Header) -> bool:
    """Whether line index `idx` can be header row `row` of a bill: its values (those right of
    the title) go to that row's columns, dates under date columns and words under the others."""
    values = [r for r in runs(doc.laid_out[idx]) if r.start >= header.title_edge]
    placed = place(values, header.row_columns(row))
    if placed is None:
        return False
    return all(c.is_date == is_dateish(v.text) for c, v in placed
               if compact(v.text) not in NOT_PRINTED | OMITTED)


def _split_gap(doc: Document, gap: list[int], slots: list[tuple[int, int]],
               header: Header) -> list[tuple[int, int]] | None:
    """The lines between two bill numbers given to the slots (bill index, header row) they
    fill, in order. With as many lines as slots they fill them in turn; otherwise each line
    goes where it fits, and only a single such reading is taken. None when there is none or
    more than one."""
    if len(gap) == len(slots) and all(_fits(doc, i, s[1], header) for i, s in zip(gap, slots)):
        return list(zip(gap, slots))  # type: ignore[arg-type]
    if len(gap) > len(slots):
        return None
    readings = [chosen for chosen in combinations(slots, len(gap))
                if all(_fits(doc, i, s[1], header) for i, s in zip(gap, chosen))]
    if len(readings) != 1:
        return None
    return list(zip(gap, readings[0]))  # type: ignore[arg-type]


def _assemble(doc: Document, bills: list[Bill], header: Header) -> None:
    """Fill each bill's title and cells from the rows it was given."""
    for bill in bills:
        for row in sorted(bill.rows):
            got = runs(doc.laid_out[bill.rows[row] - 1])
            if row == 0:
                _, _, head = bill_number(got[0].text)  # type: ignore[misc]
                if head:
                    bill.title_parts.append(head)
                got = got[1:]
            values = []
            for r in got:
                if r.start < header.title_edge:
                    bill.title_parts.append(r.text)
                else:
                    values.append(r)
            placed = place(values, header.row_columns(row))
            if placed is None:
                bill.problems.append(f"line {bill.rows[row]} prints {len(values)} values where "
                                     f"the header has {len(header.row_columns(row))} columns")
                continue
            for col, value in placed:
                if col.is_date != is_dateish(value.text) and compact(value.text) not in \
                        NOT_PRINTED | OMITTED:
                    bill.problems.append(f"{value.text!r} under {col.word}: "
                                         + ("a date" if is_dateish(value.text) else "not a date"))
                if col.concept == "unbound":
                    bill.problems.append(f"column {col.word} has no 議決 / 報告 over it: "
                                         f"{value.text!r} not placed")
                elif col.concept in bill.cells:
                    bill.problems.append(f"two {COLUMN_LABEL[col.concept]} values")
                else:
                    bill.cells[col.concept] = (value.text, col.word)


def _body(doc: Document, header: Header) -> list[tuple[int, str]]:
    """(line index, kind) of every line under the header, up to the next heading or table."""
    out = []
    for idx in range(header.last_line, len(doc.laid_out)):
        kind = _row_kind(doc, idx, header)
        if kind == "stop":
            break
        out.append((idx, kind))
    return out


def _tail(doc: Document, body: list[tuple[int, str]], after: int, header: Header) -> list[int]:
    """The rows of the last bill: the `row` lines right under its number (up to a blank or
    skipped line), as many as the header has rows below; with a one-row header, the lines of
    title text only that continue its title."""
    out = []
    for idx, kind in body:
        if idx <= after:
            continue
        if kind != "row":
            break
        out.append(idx)
    if header.below:
        return out[:header.below]
    title_only = [all(r.start < header.title_edge for r in runs(doc.laid_out[i])) for i in out]
    return out[:title_only.index(False)] if False in title_only else out


def read_table(doc: Document, header: Header) -> list[Bill]:
    """The bills under `header`, each with the rows it printed, assembled."""
    body = _body(doc, header)
    bills: list[Bill] = []
    gaps: list[list[int]] = [[]]  # gaps[g]: the row lines between bill g-1 and bill g
    for idx, kind in body:
        if kind == "bill":
            k, n, _ = bill_number(runs(doc.laid_out[idx])[0].text)  # type: ignore[misc]
            bills.append(Bill(k, n, idx + 1, rows={0: idx + 1}))
            gaps.append([])
        elif kind == "row":
            gaps[-1].append(idx)
    if not bills:
        return []
    gaps[-1] = _tail(doc, body, bills[-1].line_no - 1, header)
    for g, gap in enumerate(gaps):
        if not gap:
            continue
        before = bills[g - 1] if g > 0 else None
        after = bills[g] if g < len(bills) else None
        slots = ([(g - 1, r) for r in header.slots_below] if before else []) + \
                ([(g, r) for r in header.slots_above] if after else [])
        if not slots:
            _title_only_continuation(doc, gap, before, after, header)
            continue
        given = _split_gap(doc, gap, slots, header)
        if given is None:
            lines = f"{gap[0] + 1}" if len(gap) == 1 else f"{gap[0] + 1}-{gap[-1] + 1}"
            for bill in (before, after):
                if bill is not None:
                    bill.problems.append(
                        f"line(s) {lines}: {len(gap)} row(s) where the header has "
                        f"{len(slots)}, and they fit the columns in no single way")
            continue
        for idx, (b, row) in given:
            bills[b].rows[row] = idx + 1
    _assemble(doc, bills, header)
    return bills


def _title_only_continuation(doc: Document, gap: list[int], before: Bill | None,
                             after: Bill | None, header: Header) -> None:
    """A one-row header: a line of title text only under a bill continues its title."""
    for idx in gap:
        got = runs(doc.laid_out[idx])
        if before is not None and all(r.start < header.title_edge for r in got):
            before.rows[max(before.rows) + 1] = idx + 1  # read as a row of title text only
        else:
            for bill in (before, after):
                if bill is not None:
                    bill.problems.append(f"line {idx + 1} is not part of any bill's columns")


# ----------------------------------------------------------------------------- document facts

def session_headings(doc: Document) -> list[tuple[int, str]]:
    """(line, label) of each session heading (`第７回（令和６年11月）定例会`), normalized."""
    out = []
    for line in doc.lines:
        text = line.text.replace("\f", "").strip()
        if not text or len(text) > 60 or ("定例会" not in text and "臨時会" not in text):
            continue
        m = _SESSION.search(compact(text))
        if m and any(ch.isdigit() for ch in m.group()):
            out.append((line.no, m.group()))
    return out


def category_above(doc: Document, line_no: int) -> str | None:
    """The ● heading the table stands under (`●条例 （…）` → 条例); None where none."""
    for k in range(line_no - 1, 0, -1):
        m = _CATEGORY.match(doc.lines[k - 1].text.replace("\f", "").strip())
        if m:
            return normalize_name(m.group(1))
    return None


def document_era(doc: Document, session: str | None) -> str:
    """The era short dates are read in: the session heading's, else the one the document
    names most, else the era of the fiscal year's start."""
    return era_named([session or ""]) or era_named(line.text for line in doc.lines) \
        or era_of(doc.fiscal_year)[0]


# ----------------------------------------------------------------------------- rows

def _value(bill: Bill, concept: str, notes: list[str]) -> str | None:
    """A printed word cell, normalized; None where nothing (or `-`) is printed."""
    got = bill.cells.get(concept)
    if got is None:
        return None
    text, word = got
    if compact(text) in NOT_PRINTED:
        return None
    if compact(text) in OMITTED:
        notes.append(f"{word}: {compact(text)}")
        return None
    return normalize_name(text)


def _date_value(bill: Bill, concept: str, fiscal_year: int, era: str) -> date | None:
    got = bill.cells.get(concept)
    if got is None or compact(got[0]) in NOT_PRINTED:
        return None
    day = parse_printed_date(got[0], fiscal_year, era)
    label = COLUMN_LABEL[concept]
    if day is None:
        bill.problems.append(f"{label} {got[0]!r} is not a date")
    elif not in_fiscal_year(day, fiscal_year):
        bill.problems.append(f"{label} {got[0]!r} read as {day.isoformat()} ({era}) is outside "
                             f"fiscal year {fiscal_year}")
    return day


def bill_row(doc: Document, bill: Bill, session: str | None, category: str | None,
             era: str) -> dict:
    """The `raw_council_bills` row of one bill (status `unresolved` with every reason)."""
    notes: list[str] = []
    fy = doc.fiscal_year
    submitted = _date_value(bill, "submitted_on", fy, era)
    decided = _date_value(bill, "decided_on", fy, era)
    reported = _date_value(bill, "reported_on", fy, era)
    committee_result = _value(bill, "committee_result", notes)
    result = _value(bill, "result", notes)
    if submitted and decided and decided < submitted:
        bill.problems.append(f"decided ({decided.isoformat()}) before it was submitted "
                             f"({submitted.isoformat()})")
    if result is not None and result not in OUTCOMES:
        bill.problems.append(f"審議結果 {result!r} is not a known outcome")
    if committee_result is not None and not _COMMITTEE_OUTCOME.match(committee_result):
        bill.problems.append(f"委員会審査結果 {committee_result!r} is not a known outcome")
    title = normalize_name("".join(p.strip() for p in bill.title_parts)) or None
    if title is None:
        bill.problems.append("no title printed")
    return {
        "document_id": doc.document_id, "source_line": bill.line_no,
        "session_label": session, "category": category, "bill_kind": bill.kind,
        "bill_no": bill.no, "bill_label": bill.label, "title": title,
        "submitted_on": submitted, "submitted_by": _value(bill, "submitted_by", notes),
        "committee": _value(bill, "committee", notes), "committee_result": committee_result,
        "decided_on": decided, "reported_on": reported, "result": result,
        "status": "unresolved" if bill.problems else "ok",
        "note": "; ".join(bill.problems + notes) or None,
    }


def find_headers(doc: Document) -> Iterator[Header]:
    """Every 議案 table header of the document, in print order."""
    for idx, line in enumerate(doc.lines):
        if any(w in line.text for w in NUMBER_WORDS) and idx < len(doc.laid_out):
            header = read_header(doc, idx)
            if header is not None:
                yield header


# ----------------------------------------------------------------------------- entry point

def extract(doc: Document) -> Extraction:
    """Every bill of every 議案 table in the document (empty where it prints none)."""
    ex = Extraction()
    if not doc.laid_out or not any("番号" in line.text for line in doc.lines):
        return ex  # no table header: the common case, decided without reading any line twice
    sessions = session_headings(doc)
    for header in find_headers(doc):
        session = next((label for no, label in reversed(sessions) if no < header.first_line),
                       None)
        era = document_era(doc, session)
        category = category_above(doc, header.first_line)
        bills = read_table(doc, header)
        for bill in bills:
            ex.add(SEED, bill_row(doc, bill, session, category, era))
    return ex
