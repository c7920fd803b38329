"""Budget tables: the 予算 revision history per 会計, and the 款-level budget/settlement tables.

Two shapes are read, each found by its content (never by document id):

1. Revision history (`区分 | 議決年月日 | 当初予算額 | 補正予算額 | 予算現額`, tab-separated):
   one `raw_budget_revisions` row per printed line. The account cell is printed only on the
   account's first line (its 当初 line); a `※n` mark before a date refers to the (注) notes
   under the table (`※1については、専決処分日`, `※2については、議会報告日`). Parenthesised
   figures are 継続費及び繰越事業費繰越財源充当額 (carried-over funds): in the 補正 column the
   amount carried over that line reports, in the 予算現額 column the budget including them.

2. Budget/settlement tables per special account / public enterprise (PDF flow):
   `item_no label 当初 [第N号 …] [補正合計] [予備費充用] 最終予算額 決算額`. A row prints only
   the revisions that touched it, so its values are placed into 第1号…第N号 by
   `ingest.tables.solver` from the row identities and the printed 合計 row. Revenue (歳入) rows come
   first, then the unlabelled total, then expenditure (歳出) rows and their total.
   When headings are printed apart from their numbers (the layout puts some tables' figures
   after the next heading), each account heading opens a slot and each block of figures fills
   the oldest open slot, in print order.

Landing decisions (documented for the warehouse):
- A public enterprise table printed in two parts (収益的収支 / 資本的収支) lands as two
  accounts `下水道事業会計(収益的収支)` and `下水道事業会計(資本的収支)`: each part has its own
  revenue/expenditure items numbered from 1, so the account name is what keeps
  (account, side, item_no) unique.
- The per-account column totals also land as `raw_budget_revisions` (seq 0 = 当初 total,
  N = 第N号 total, budget_after cumulative) taken from the expenditure total row: the size of a
  budget is its 歳出 / 支出 total (for balanced accounts 歳入 = 歳出, which is checked; a public
  enterprise is not balanced by design). Dates are not printed there: decided_on is NULL.
- 予備費充用 and 補正合計 are NULL on rows that do not print them. In a table with a single
  revision column and no 補正合計 column, revision_total is the printed 第1号 value (that column
  is the whole 補正予算額), NULL where the row prints none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.reading.dates import parse_dotted_ymd
from ingest.reading.document import Document, Extraction
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import figure_tokens, parse_int, parse_number, to_yen, unit_statement
from ingest.tables.solver import feasible_choices, place, placements

REV = "raw_budget_revisions"
ITEMS = "raw_budget_items"
ITEM_REV = "raw_budget_item_revisions"


def extract(doc: Document) -> Extraction:
    """Both budget table shapes; an empty Extraction when the document has neither."""
    ex = Extraction()
    for reader in (_extract_revision_history, _extract_settlement_tables):
        try:
            reader(doc, ex)
        except Exception as exc:  # never raise: land the failure where the pipeline sees it
            ex.add(REV, {
                "document_id": doc.document_id, "source_line": 1, "account_name": None,
                "revision_seq": None, "status": "unresolved",
                "note": f"{reader.__name__} failed: {type(exc).__name__}: {exc}",
                "_value_lines": [],
            })
    return ex


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

def _unit_before(doc: Document, line_no: int, span: int = 8) -> str | None:
    """The money unit stated on `line_no` or in the few lines above it (the table's unit)."""
    for no in range(line_no, max(0, line_no - span), -1):
        units = unit_statement(doc.text_at(no))
        if units:
            return units[0]
    return None


def _yen(value: Decimal | None, unit: str) -> int | None:
    return to_yen(value, unit) if value is not None else None


def _token_lines(line_no: int, text: str) -> list[int]:
    """One `_value_lines` entry per number token in `text` (all read on `line_no`)."""
    return [line_no] * len(figure_tokens(text))


# ---------------------------------------------------------------------------------------------
# 1. Revision history table (議決年月日 / 当初予算額 / 補正予算額 / 予算現額)
# ---------------------------------------------------------------------------------------------

_MARK = re.compile(r"^※\s*(\d+)\s*(.*)$")
_NOTE = re.compile(r"※\s*(\d+)\s*(?:について(?:は)?)?[、,]?\s*(\S+?日)")


@dataclass
class _Cell:
    kind: str  # name | date | numbers
    text: str
    mark: str | None = None
    date: object = None
    numbers: list[tuple[Decimal, bool]] = field(default_factory=list)  # (value, parenthesised)


def _classify_cell(cell: str) -> _Cell | None:
    """Classify one tab-separated cell by content (cells may shift left when OCR drops a tab)."""
    text = cell.strip()
    if not text:
        return None
    mark = None
    m = _MARK.match(text)
    if m:
        mark, text = m.group(1), m.group(2).strip()
    day = parse_dotted_ymd(text) if text else None
    if day is not None:
        return _Cell("date", cell, mark, day)
    tokens = text.split(" ")
    nums = [(parse_number(t), t.startswith("(")) for t in tokens]
    if tokens and all(v is not None for v, _ in nums):
        return _Cell("numbers", cell, mark, None, nums)  # type: ignore[arg-type]
    if not re.search(r"\d", text):
        return _Cell("name", cell, mark)
    return _Cell("other", cell, mark)


def _note_marks(doc: Document, start: int, span: int = 15) -> dict[str, str]:
    """`※n` → what the date of a marked line is (`専決処分日`, `議会報告日`), from the (注) notes."""
    marks: dict[str, str] = {}
    for no in range(start, min(len(doc.lines), start + span) + 1):
        for m in _NOTE.finditer(doc.text_at(no)):
            marks[m.group(1)] = m.group(2)
    return marks


def _extract_revision_history(doc: Document, ex: Extraction) -> None:
    """Every table headed 議決年月日 … 予算現額 (one per document in practice)."""
    start = 1
    while True:
        header = next((ln.no for ln in doc.lines[start - 1:]  # lines[i] is line i + 1
                       if "議決年月日" in ln.text and "予算現額" in ln.text), None)
        if header is None:
            return
        start = _read_revision_table(doc, ex, header) + 1


def _revision_rows(doc: Document, header: int) -> tuple[list[tuple[int, list[_Cell]]], int]:
    """The table's data lines (those with a date cell) after `header`, and the last line read."""
    rows: list[tuple[int, list[_Cell]]] = []
    last = header
    for ln in doc.lines[header:]:
        cells = [c for c in (_classify_cell(x) for x in ln.text.split("\t")) if c]
        is_row = any(c.kind == "date" for c in cells)
        if not is_row:
            if rows:
                break
            if ln.no - header > 3:  # header continuation lines only right under the header
                break
            continue
        rows.append((ln.no, cells))
        last = ln.no
    return rows, last


def _read_revision_table(doc: Document, ex: Extraction, header: int) -> int:
    unit = _unit_before(doc, header)
    rows, last = _revision_rows(doc, header)
    marks = _note_marks(doc, last + 1)
    account: str | None = None
    seq = 0
    prev_after: Decimal | None = None
    prev_with: Decimal | None = None
    for line_no, cells in rows:
        names = [c for c in cells if c.kind == "name"]
        date_cell = next(c for c in cells if c.kind == "date")
        values = [v for c in cells if c.kind == "numbers" for v in c.numbers]
        value_lines = [n for c in cells if c.kind in ("numbers", "date") for n in
                       _token_lines(line_no, c.text)]
        row = {"document_id": doc.document_id, "source_line": line_no, "status": "ok", "note": "",
               "decided_on": date_cell.date, "carryover_yen": None,
               "budget_after_with_carryover_yen": None, "_value_lines": value_lines}
        problems: list[str] = []
        if unit is None:
            problems.append("no unit statement above the table")
            unit_use = "円"
        else:
            unit_use = unit
        if names:
            # 当初 line: the account cell opens a new account (the cell is not repeated below).
            account = normalize_name(" ".join(c.text for c in names))
            seq = 0
            plain = [v for v, p in values if not p]
            initial = plain[0] if plain else None
            after = plain[-1] if len(plain) >= 2 else None
            if len(plain) != 2 or any(p for _, p in values):
                problems.append(f"当初 line with unexpected cells {[str(v) for v, _ in values]}")
            row.update(revision_seq=0, revision_label="当初予算", decided_on_kind="議決",
                       amount_yen=_yen(initial, unit_use), budget_after_yen=_yen(after, unit_use))
            if initial is not None and after is not None:
                ex.check("budget_revisions.budget_after", account, to_yen(after, unit_use),
                         to_yen(initial, unit_use), line_no,
                         "当初: 予算現額 = 当初予算額")
            prev_after, prev_with = after, None
        else:
            seq += 1
            amount = carry = after = with_carry = None
            rest = list(values)
            if rest and rest[0][1]:
                carry = rest.pop(0)[0]  # parenthesised in the 補正 column: carried-over funds
            elif rest:
                amount = rest.pop(0)[0]
            for value, paren in rest:
                if paren and with_carry is None:
                    with_carry = value
                elif not paren and after is None:
                    after = value
                else:
                    problems.append(f"unexpected extra value {value}")
            if after is None:
                problems.append("no 予算現額 printed")
            label, kind, why = _revision_kind(date_cell.mark, marks, amount, carry)
            if why:
                problems.append(why)
            row.update(revision_seq=seq, revision_label=label, decided_on_kind=kind,
                       amount_yen=_yen(amount, unit_use), carryover_yen=_yen(carry, unit_use),
                       budget_after_yen=_yen(after, unit_use),
                       budget_after_with_carryover_yen=_yen(with_carry, unit_use))
            _check_roll_forward(ex, account or "", line_no, unit_use, prev_after, prev_with,
                                amount, carry, after, with_carry)
            if after is not None:
                prev_after = after
            if with_carry is not None:
                prev_with = with_carry
        if account is None:
            problems.append("line before any account name")
        row["account_name"] = account
        if problems:
            row["status"], row["note"] = "unresolved", "; ".join(problems)
        ex.add(REV, row)
    return last


def _revision_kind(mark: str | None, marks: dict[str, str], amount: Decimal | None,
                   carry: Decimal | None) -> tuple[str | None, str | None, str]:
    """(revision_label, decided_on_kind, problem) for a non-initial line.

    Rule: an unmarked line is a 補正 decided by the council (議決). A mark's meaning comes from
    the (注) notes: 専決処分日 → a 専決 (mayor's disposition); a line that prints only a
    parenthesised carry-over figure reports 繰越 funds (its date is the 議会報告日).
    """
    if mark is None:
        if amount is None and carry is not None:
            return "繰越", None, "carry-over line without a ※ mark: kind of its date unknown"
        return "補正", "議決", ""
    kind = marks.get(mark)
    if kind is None:
        return None, None, f"※{mark} not explained in the notes under the table"
    if amount is None and carry is not None:
        return "繰越", kind, ""
    if "専決" in kind:
        return "専決", kind, ""
    return None, kind, f"※{mark} ({kind}) on a line with a 補正 amount: label unknown"


def _check_roll_forward(ex: Extraction, account: str, line_no: int, unit: str,
                        prev_after: Decimal | None, prev_with: Decimal | None,
                        amount: Decimal | None, carry: Decimal | None, after: Decimal | None,
                        with_carry: Decimal | None) -> None:
    """予算現額 = previous 予算現額 + 補正額; with carry-over: previous (with) + 補正額 + 繰越."""
    if after is not None:
        computed = prev_after + (amount or 0) if prev_after is not None else None
        ex.check("budget_revisions.budget_after", account, to_yen(after, unit),
                 _yen(computed, unit), line_no, "予算現額 = 前行の予算現額 + 補正予算額")
    if with_carry is not None:
        base = prev_with if prev_with is not None else prev_after
        computed = base + (amount or 0) + (carry or 0) if base is not None else None
        ex.check("budget_revisions.budget_after_with_carryover", account, to_yen(with_carry, unit),
                 _yen(computed, unit), line_no,
                 "充当込み予算現額 = 前行の充当込み額 + 補正予算額 + 繰越財源充当額")


# ---------------------------------------------------------------------------------------------
# 2. Budget / settlement tables (当初 | 第N号… | 補正合計 | 予備費充用 | 最終予算額 | 決算額)
# ---------------------------------------------------------------------------------------------

_ACCOUNT_HEADING = re.compile(r"^(?:[ァ-ヶ]\s+)?(?P<name>[^\s(0-9][^()]*?会計)\s*\(単位:千円\)$")
_REVISION_HEADER = re.compile(r"^(?:第\d+号\s*)+(?:合\s*計)?$")
_BARE_UNIT = "(単位:千円)"


@dataclass
class _Slot:
    """An account heading (or a further part of one) waiting for its block of figures."""

    account: str
    part: int
    line: int
    numbers: list[tuple[int, int]] = field(default_factory=list)  # printed item numbers (no, line)
    block: "_Block | None" = None


@dataclass
class _Row:
    item_no: int | None
    item_no_line: int | None
    name: str
    values: list[Decimal]
    line: int
    text: str


@dataclass
class _Block:
    header_line: int
    n_revisions: int
    has_total_col: bool
    unit: str
    rows: dict[str, list[_Row]] = field(default_factory=lambda: {"revenue": [], "expenditure": []})
    totals: dict[str, _Row] = field(default_factory=dict)
    complete: bool = False


def _split_values(text: str) -> tuple[int | None, str, list[Decimal]]:
    """(leading item number, label, trailing numbers) of a PDF-flow table line."""
    tokens = [t for t in text.split(" ") if t]
    values: list[Decimal] = []
    while tokens:
        v = parse_number(tokens[-1])
        if v is None:
            break
        values.append(v)
        tokens.pop()
    values.reverse()
    item_no = None
    if len(tokens) >= 2 and parse_int(tokens[0]) is not None:
        item_no = parse_int(tokens.pop(0))
    return item_no, normalize_name(" ".join(tokens)), values


def _extract_settlement_tables(doc: Document, ex: Extraction) -> None:
    slots = _collect_blocks(doc)
    by_account: dict[str, list[_Slot]] = {}
    for slot in slots:
        by_account.setdefault(slot.account, []).append(slot)
    for account, parts in by_account.items():
        for slot in parts:
            if slot.block is None:
                continue
            name = account if len(parts) == 1 else f"{account}({_part_name(slot, parts)})"
            try:
                _land_block(doc, ex, name, slot)
            except Exception as exc:  # one odd table must not take the others down
                ex.add(ITEMS, {
                    "document_id": doc.document_id, "source_line": slot.block.header_line,
                    "account_name": name, "status": "unresolved",
                    "note": f"table could not be read: {type(exc).__name__}: {exc}",
                    "_value_lines": [],
                })


def _part_name(slot: _Slot, parts: list[_Slot]) -> str:
    """Name a part of a public-enterprise table by what it holds.

    収益的収支 holds 営業収益 / 営業費用; 資本的収支 holds 企業債 / 建設改良費 (地方公営企業
    budgets print the 収益的 part first). Unrecognised parts are named by their position.
    """
    block = slot.block
    labels = "".join(r.name for side in block.rows.values() for r in side) if block else ""
    if "営業収益" in labels or "営業費用" in labels:
        return "収益的収支"
    if "企業債" in labels or "建設改良費" in labels:
        return "資本的収支"
    return f"第{parts.index(slot) + 1}表"


def _collect_blocks(doc: Document) -> list[_Slot]:
    """Walk the document: account headings open slots; each block of figures fills the oldest.

    Item numbers printed on their own lines next to a heading whose figures come later are kept
    on the slot (they are the item numbers of those figures).
    """
    slots: list[_Slot] = []
    current: _Slot | None = None  # the slot lone item numbers / bare units attach to
    block: _Block | None = None
    side = "revenue"
    pending_no: tuple[int, int] | None = None
    pending_label: list[str] = []
    for ln in doc.lines:
        text = ln.text
        if not text:
            continue
        # Both patterns are anchored: the substring tests skip the regex on ordinary lines.
        heading = _ACCOUNT_HEADING.match(text) if text.endswith(_BARE_UNIT) else None
        header = _REVISION_HEADER.match(text) if text.startswith("第") else None
        if heading or header:
            if block is not None and not block.complete:
                block = None  # an unfinished block: its rows are landed as they are
        if heading:
            current = _Slot(normalize_name(heading.group("name")), 1, ln.no)
            slots.append(current)
            continue
        if text == _BARE_UNIT and current is not None and current.block is None:
            current = _Slot(current.account, current.part + 1, ln.no)
            slots.append(current)
            continue
        if unit_statement(text) is not None:
            current = None  # another table's heading: lone numbers below are not item numbers
            continue
        if header:
            target = next((s for s in slots if s.block is None), None)
            if target is None:
                block = None
                continue
            n = len(re.findall(r"第\d+号", text))
            unit = _unit_before(doc, target.line) or "千円"
            block = _Block(ln.no, n, bool(re.search(r"合\s*計", text)), unit)
            target.block = block
            side, pending_no, pending_label = "revenue", None, []
            continue
        if block is None or block.complete:
            # Outside a table only a lone item number beside an open heading matters, so the
            # line is split into values only then (most lines of a report are outside tables).
            if current is not None and current.block is None:
                _, label, values = _split_values(text)
                if not label and len(values) == 1:
                    no = parse_int(text)
                    if no is not None:
                        current.numbers.append((no, ln.no))
            continue
        item_no, label, values = _split_values(text)
        if not values:
            if pending_no is not None:
                pending_label.append(label)  # a label split over lines under its item number
            continue
        if not label and item_no is None and len(values) == 1 and pending_no is None:
            no = parse_int(text)
            if no is not None:
                pending_no, pending_label = (no, ln.no), []
                continue
        if pending_no is not None and item_no is None:
            row = _Row(pending_no[0], pending_no[1], normalize_name(" ".join(pending_label + [label])),
                       values, ln.no, text)
            pending_no, pending_label = None, []
            block.rows[side].append(row)
            continue
        if item_no is None and (not label or label == "合計"):
            block.totals[side] = _Row(None, None, label, values, ln.no, text)
            if side == "revenue":
                side = "expenditure"
            else:
                block.complete = True
            continue
        block.rows[side].append(_Row(item_no, ln.no if item_no is not None else None, label,
                                     values, ln.no, text))
    return slots


@dataclass
class _Candidate:
    reserve: Decimal | None
    revision_total: Decimal | None
    revision_total_printed: bool  # printed in a 補正合計 column (not derived from one 第1号 value)
    mids: list[Decimal]
    slots: tuple[int, ...]


def _row_candidates(values: list[Decimal], n: int, total_col: bool,
                    reserve_col: bool) -> list[_Candidate]:
    """Readings of one row's middle values that satisfy the row identities.

    当初 + 補正合計 (+ 予備費充用) = 最終予算額 and 補正合計 = Σ 第N号; the middle values keep
    column order, so each reading is a choice of reserve/no reserve and an increasing placement
    of the revision values into 第1号…第N号.
    """
    if len(values) < 3:
        return []
    initial, final, middle = values[0], values[-2], values[1:-2]
    out: list[_Candidate] = []
    for with_reserve in ((False, True) if reserve_col else (False,)):
        m = list(middle)
        reserve = None
        if with_reserve:
            if not m:
                continue
            reserve = m.pop()
        if total_col:
            if not m:
                continue
            rev_total, mids, printed = m[-1], m[:-1], True
        else:
            mids, printed = m, False
            rev_total = sum(mids, Decimal(0)) if mids else None
        if sum(mids, Decimal(0)) != (rev_total or 0):
            continue
        if initial + (rev_total or 0) + (reserve or 0) != final:
            continue
        for slots in placements(len(mids), n):
            out.append(_Candidate(reserve, rev_total, printed, mids, slots))
    return out


def _total_layout(block: _Block, row: _Row) -> dict | None:
    """Read a totals row, which prints every column: 当初, 第1..N号, [合計], [予備費充用], 最終, 決算."""
    n, tc = block.n_revisions, block.has_total_col
    base = 1 + n + (1 if tc else 0) + 2
    v = row.values
    if len(v) not in (base, base + 1):
        return None
    reserve_col = len(v) == base + 1
    return {
        "initial": v[0], "mids": v[1:1 + n], "revision_total": v[1 + n] if tc else None,
        "reserve": v[1 + n + (1 if tc else 0)] if reserve_col else None,
        "final": v[-2], "settlement": v[-1], "reserve_col": reserve_col, "line": row.line,
    }


def _item_numbers(slot: _Slot) -> dict[str, list[tuple[int, int]]]:
    """Split the printed lone item numbers of a slot into revenue / expenditure (restart at 1)."""
    out: dict[str, list[tuple[int, int]]] = {"revenue": [], "expenditure": []}
    side = "revenue"
    prev = 0
    for no, line in slot.numbers:
        if no <= prev and side == "revenue":
            side = "expenditure"
        out[side].append((no, line))
        prev = no
    return out


def _land_block(doc: Document, ex: Extraction, account: str, slot: _Slot) -> None:
    block = slot.block
    assert block is not None
    numbers = _item_numbers(slot)
    finals: dict[str, dict] = {}
    for side in ("revenue", "expenditure"):
        rows = block.rows[side]
        total = block.totals.get(side)
        layout = _total_layout(block, total) if total is not None else None
        if slot.numbers:
            ex.check("budget_items.item_count", f"{account} {side}", len(numbers[side]),
                     len(rows), rows[0].line if rows else block.header_line,
                     "款 rows read vs item numbers printed beside the heading")
        reason = ""
        if total is None:
            reason = "no 合計 row printed for this side (table cut off)"
        elif layout is None:
            reason = (f"合計 row has {len(total.values)} values, not the "
                      f"{1 + block.n_revisions + block.has_total_col + 2}(+1) the header implies")
        _land_side(doc, ex, account, side, block, rows, layout, reason, numbers[side])
        if layout is not None:
            finals[side] = layout
    _land_total_revisions(doc, ex, account, block, finals)


def _land_side(doc: Document, ex: Extraction, account: str, side: str, block: _Block,
               rows: list[_Row], layout: dict | None, reason: str,
               numbers: list[tuple[int, int]]) -> None:
    """Solve the placements of one side and land its items, item revisions and checks."""
    unit, n = block.unit, block.n_revisions
    reserve_col = bool(layout and layout["reserve_col"])
    cands = [_row_candidates(r.values, n, block.has_total_col, reserve_col) for r in rows]
    chosen: list[_Candidate | None] = [None] * len(rows)
    notes: list[str] = [""] * len(rows)
    width = n + (1 if reserve_col else 0)
    if layout is not None:
        target = tuple(layout["mids"]) + ((layout["reserve"],) if reserve_col else ())
        vectors = [[place(c.mids, c.slots, n) + ((c.reserve or Decimal(0),) if reserve_col else ())
                    for c in row] for row in cands]
        result = feasible_choices(vectors, target) if all(cands) else None
    else:
        result = None
    for i, row in enumerate(rows):
        if len(row.values) < 3:
            notes[i] = (f"only {len(row.values)} value(s) printed; a row needs at least "
                        "当初, 最終予算額 and 決算額")
        elif not cands[i]:
            notes[i] = ("row identity 当初 + 補正合計 (+ 予備費充用) = 最終予算額 with 補正合計 = Σ第N号 "
                        f"fails for every reading of {[str(v) for v in row.values]}")
        elif result is None:
            if len(cands[i]) == 1:
                chosen[i] = cands[i][0]
            else:
                why = reason or ("column totals unusable: another row fails its identity"
                                 if layout is not None else "no readable 合計 row")
                notes[i] = f"{len(cands[i])} placements satisfy the row; {why}"
        elif result.too_large:
            notes[i] = "placement search too large"
        elif not result.solvable:
            if len(cands[i]) == 1:
                chosen[i] = cands[i][0]
            else:
                notes[i] = (f"{len(cands[i])} placements satisfy the row but no combination of "
                            "rows matches the printed column totals")
        else:
            k = result.determined(i)
            if k is not None:
                chosen[i] = cands[i][k]
            else:
                opts = [_describe(cands[i][j]) for j in result.feasible[i]]
                notes[i] = f"several placements match the column totals: {' | '.join(opts)}"
    for i, row in enumerate(rows):
        item_no, no_line = row.item_no, row.item_no_line
        if item_no is None:
            if i < len(numbers) and len(numbers) == len(rows):
                item_no, no_line = numbers[i]
            else:
                item_no = i + 1  # numbering restarts at 1 on each side
        _land_row(doc, ex, account, side, unit, item_no, no_line, row, cands[i], chosen[i],
                  notes[i])
    _column_checks(ex, account, side, unit, rows, chosen, layout, reserve_col, width)


def _describe(c: _Candidate) -> str:
    parts = [f"第{s + 1}号={v}" for v, s in zip(c.mids, c.slots)]
    if c.reserve is not None:
        parts.append(f"予備費充用={c.reserve}")
    return ", ".join(parts) or "no revision"


def _land_row(doc: Document, ex: Extraction, account: str, side: str, unit: str, item_no: int,
              no_line: int | None, row: _Row, cands: list[_Candidate], chosen: _Candidate | None,
              note: str) -> None:
    v = row.values
    if len(v) < 3:  # too short to know which printed value is which column
        ex.add(ITEMS, {"document_id": doc.document_id, "account_name": account, "side": side,
                       "item_no": item_no, "source_line": row.line, "item_name": row.name,
                       "status": "unresolved", "note": note,
                       "_value_lines": ([no_line] if no_line is not None else [])})
        return
    common = chosen
    if chosen is None and cands:
        # fields every reading agrees on are still certain (only the 第N号 columns are not)
        same = all(c.reserve == cands[0].reserve and c.revision_total == cands[0].revision_total
                   for c in cands)
        common = cands[0] if same else None
    lines = ([no_line] if no_line is not None else []) + [row.line] * len(v)
    base = {"document_id": doc.document_id, "account_name": account, "side": side,
            "item_no": item_no}
    ex.add(ITEMS, {
        **base, "source_line": row.line, "item_name": row.name,
        "initial_budget_yen": to_yen(v[0], unit),
        "revision_total_yen": _yen(common.revision_total, unit) if common else None,
        "reserve_transfer_yen": _yen(common.reserve, unit) if common else None,
        "final_budget_yen": to_yen(v[-2], unit), "settlement_yen": to_yen(v[-1], unit),
        "status": "ok" if chosen is not None else "unresolved", "note": note,
        # the 第N号 values are taken by the item-revision rows, not by this row
        "_value_lines": lines[:len(lines) - len(_uncertain_mids(v, [chosen] if chosen else cands))],
    })
    group = f"{account} {side} {item_no} {row.name}"
    if common is not None:
        computed = v[0] + (common.revision_total or 0) + (common.reserve or 0)
        ex.check("budget_items.final_budget", group, to_yen(v[-2], unit), to_yen(computed, unit),
                 row.line, "最終予算額 = 当初 + 補正合計 + 予備費充用")
    else:
        ex.check("budget_items.final_budget", group, to_yen(v[-2], unit), None, row.line,
                 f"unverifiable: {note}")
    if chosen is not None:
        if chosen.revision_total_printed:
            ex.check("budget_items.revision_total", group, to_yen(chosen.revision_total, unit),
                     to_yen(sum(chosen.mids, Decimal(0)), unit), row.line, "補正合計 = Σ 第N号")
        for value, slot in zip(chosen.mids, chosen.slots):
            ex.add(ITEM_REV, {**base, "source_line": row.line, "revision_seq": slot + 1,
                              "amount_yen": to_yen(value, unit), "status": "ok", "note": "",
                              "_value_lines": [row.line]})
    else:
        mids = _uncertain_mids(row.values, cands)
        for value in mids:
            ex.add(ITEM_REV, {**base, "source_line": row.line, "revision_seq": None,
                              "amount_yen": to_yen(value, unit), "status": "unresolved",
                              "note": note, "_value_lines": [row.line]})


def _uncertain_mids(values: list[Decimal], cands: list[_Candidate]) -> list[Decimal]:
    """The revision values of an unresolved row (from any reading; the raw middle if none)."""
    if cands:
        return cands[0].mids
    return list(values[1:-2])


def _column_checks(ex: Extraction, account: str, side: str, unit: str, rows: list[_Row],
                   chosen: list[_Candidate | None], layout: dict | None, reserve_col: bool,
                   width: int) -> None:
    """Each printed column total against the sum of its rows (None where a row is unresolved)."""
    if layout is None:
        return
    resolved = all(c is not None for c in chosen)
    group = f"{account} {side}"
    line = layout.get("line")

    def total_of(getter) -> int | None:
        if not resolved:
            return None
        return to_yen(sum((getter(r, c) for r, c in zip(rows, chosen)), Decimal(0)), unit)

    src = line or (rows[0].line if rows else 0)
    complete = all(len(r.values) >= 3 for r in rows)

    def column(index: int) -> int | None:
        if not complete:
            return None
        return to_yen(sum((r.values[index] for r in rows), Decimal(0)), unit)

    ex.check("budget_items.column_total", f"{group} 当初", to_yen(layout["initial"], unit),
             column(0), src, "当初 合計 = Σ 款")
    for k, printed in enumerate(layout["mids"]):
        ex.check("budget_items.column_total", f"{group} 第{k + 1}号", to_yen(printed, unit),
                 total_of(lambda r, c, k=k: sum((v for v, s in zip(c.mids, c.slots) if s == k),
                                               Decimal(0))), src, f"第{k + 1}号 合計 = Σ 款")
    if layout["revision_total"] is not None:
        ex.check("budget_items.column_total", f"{group} 補正合計", to_yen(layout["revision_total"],
                 unit), total_of(lambda r, c: c.revision_total or 0), src, "補正合計 = Σ 款")
        ex.check("budget_items.revision_total", f"{group} 合計", to_yen(layout["revision_total"],
                 unit), to_yen(sum(layout["mids"], Decimal(0)), unit), src, "補正合計 = Σ 第N号")
    if reserve_col:
        ex.check("budget_items.column_total", f"{group} 予備費充用", to_yen(layout["reserve"], unit),
                 total_of(lambda r, c: c.reserve or 0), src, "予備費充用 合計 = Σ 款")
    ex.check("budget_items.column_total", f"{group} 最終予算額", to_yen(layout["final"], unit),
             column(-2), src,
             "最終予算額 合計 = Σ 款")
    ex.check("budget_items.column_total", f"{group} 決算額", to_yen(layout["settlement"], unit),
             column(-1), src, "決算額 合計 = Σ 款")
    computed_final = (layout["initial"] + sum(layout["mids"], Decimal(0))
                      + (layout["reserve"] or 0))
    ex.check("budget_items.final_budget", f"{group} 合計", to_yen(layout["final"], unit),
             to_yen(computed_final, unit), src, "合計行: 最終予算額 = 当初 + Σ第N号 + 予備費充用")


def _is_public_enterprise(account: str) -> bool:
    """A 公営企業 (事業会計, not 特別会計): revenue and expenditure do not balance by design."""
    return "事業会計" in account and "特別会計" not in account


def _land_total_revisions(doc: Document, ex: Extraction, account: str, block: _Block,
                          finals: dict[str, dict]) -> None:
    """The account's budget history from the expenditure totals row (the size of the budget)."""
    unit = block.unit
    exp, rev = finals.get("expenditure"), finals.get("revenue")
    balanced = not _is_public_enterprise(account)
    if balanced and exp is not None and rev is not None:
        for key, label in (("initial", "当初"), ("final", "最終予算額")):
            ex.check("budget_items.balance", f"{account} {label}", to_yen(rev[key], unit),
                     to_yen(exp[key], unit), rev["line"], f"歳入 {label} 合計 = 歳出 {label} 合計")
        for k, (a, b) in enumerate(zip(rev["mids"], exp["mids"])):
            ex.check("budget_items.balance", f"{account} 第{k + 1}号", to_yen(a, unit),
                     to_yen(b, unit), rev["line"], f"歳入 第{k + 1}号 合計 = 歳出 第{k + 1}号 合計")
    if exp is None:
        return
    same = (balanced and rev is not None and rev["initial"] == exp["initial"]
            and rev["mids"] == exp["mids"])
    lines = [exp["line"]] + ([rev["line"]] if same else [])
    after = exp["initial"]
    seq_rows = [(0, "当初予算", exp["initial"])] + [
        (k + 1, "補正", v) for k, v in enumerate(exp["mids"])]
    for i, (seq, label, amount) in enumerate(seq_rows):
        after = amount if seq == 0 else after + amount
        value_lines = list(lines)
        if i == len(seq_rows) - 1 and exp["reserve"] in (None, 0):
            value_lines += [exp["line"]]  # the printed 最終予算額 is this cumulative figure
        ex.add(REV, {
            "document_id": doc.document_id, "source_line": exp["line"], "account_name": account,
            "revision_seq": seq, "revision_label": label, "decided_on": None,
            "decided_on_kind": None, "amount_yen": to_yen(amount, unit), "carryover_yen": None,
            "budget_after_yen": to_yen(after, unit), "budget_after_with_carryover_yen": None,
            "status": "ok", "note": "", "_value_lines": value_lines,
        })
    ex.check("budget_revisions.budget_after", f"{account} 最終予算額", to_yen(exp["final"], unit),
             to_yen(after + (exp["reserve"] or 0), unit), exp["line"],
             "最終予算額 = 当初 + Σ 第N号 (+ 予備費充用)")
