"""Count tables of the activity reports, read into neutral `Table`s (cells + pending checks).

Three readers, one per printed form:

- `read_month_tables`: a header of fiscal months `4 5 … 3` (or `4月 … 10月`) with an optional
  `合計` / `月平均` column, in either layout. PDF flow prints a 12-month table as two halves
  (`4…9 月平均`, then `10…3 合計`): a header whose months continue the previous table's months
  joins it. Rows without a label take the short label line(s) printed just above the header
  (`申請件数`, `予約` / `日数`).
- `read_tab_tables`: OCR Markdown tab tables: either a grid (header row of column names) or a
  key/value layout (`開催日 ⇥ 11.20 ⇥ 場 所 ⇥ …`, `参加人数 ⇥ 29人`).
- `read_flow_tables`: PDF flow: a header line without digits followed by rows that end in
  bare numbers (`令和6年第1回定例会…会議 0 2 2 0`), rows of `label number` pairs
  (`秋川駅 22 菅生下会館 1 …`), or rows of stated figures (`DVD 2,000円 1,000円× 2枚`).

Domain rules applied: month columns 4…3 sum to 合計; 月平均 is the mean of the month columns
(not a part); a `計` / `合計` row or column is the sum of the others; a `-` cell is a figure
the source does not print (NULL, no row).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from ingest.reading.document import Document
from ingest.extract.activity_prose import TOTAL_WORDS, UNITS, find_figures, has_figures
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import NUMBER_PATTERN, parse_number, unit_statement
from ingest.reading.segment import classify

FISCAL_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
_MONTH_TOKEN = re.compile(r"^(\d{1,2})月?$")
_LEAD_WORDS = ("", "月", "月別", "区分")  # printed before the month columns
_TOTAL_HEAD = {"合計": "total", "計": "total", "月平均": "average", "平均": "average"}
# A column of dates, not of counts (`開催日`, `施行月日`, `実施期間`, `とき`).
DATE_HEADER = re.compile(r"開催日|月日|日時|期間|^とき$|実施日|年月")
# A session table (回数 / 開催日 / 議題): owned by the meetings extractor.
MEETING_HEADER = re.compile(r"開催日|開催月日|実施日")
MEETING_BODY = re.compile(r"議題|内容|議事|場所|会議名|回数")
_PAREN_UNIT = re.compile(r"\((" + "|".join(map(re.escape, UNITS)) + r")\)$")
_NUM_PAREN = re.compile(rf"^({NUMBER_PATTERN})\s*\((.*)\)$")
# Unit implied by a label when no unit is printed: `デジCD枚数` → 枚, `利用者数` → 人.
LABEL_UNITS = [("件数", "件"), ("人数", "人"), ("者数", "人"), ("回数", "回"), ("日数", "日"),
               ("枚数", "枚"), ("部数", "部"), ("フォロワー", "人"), ("売上", "円"), ("金額", "円"),
               ("額", "円"), ("件", "件")]
_KATAKANA = re.compile(r"^[ァ-ヺー]$")
_DIGIT = re.compile(r"\d")
_CLAUSE_MARK = re.compile(r"[。、]")
_NOT_NUMERIC_START = re.compile(r"[^\d,.\s]")
_MEETING_HEAD_START = re.compile(r"^(?:開催日|実施日)")
_MEETING_HEAD_BODY = re.compile(r"内容|議題|議事")


@dataclass
class TCell:
    line: int
    row_label: str | None
    column_label: str | None
    period_month: int | None
    value: Decimal
    unit: str | None
    is_total: bool
    status: str = "ok"
    note: str = ""


@dataclass
class Table:
    """A table read from the document; `title` is filled by the caller (nearest heading)."""

    kind: str  # month | grid | keyvalue | flow | pairs | figures | breakdown
    first_line: int
    lines: set[int]
    words: list[str]  # header words and row labels: what the table is about
    cells: list[TCell] = field(default_factory=list)
    title: str | None = None
    checks: list[tuple] = field(default_factory=list)  # (subject, label, reported, computed, line, note)
    grand_total: tuple | None = None  # (value, printed: bool, line) of a one-measure table
    group: str | None = None  # section id the title hangs under (for cross-table checks)


def label_unit(*labels: str | None) -> str | None:
    """The unit a row/column/table label implies (see LABEL_UNITS); None when none does."""
    for label in labels:
        if not label:
            continue
        for word, unit in LABEL_UNITS:
            if word in label:
                return unit
    return None


def is_total_label(label: str | None) -> bool:
    return bool(label) and bool(TOTAL_WORDS.search(label))


def _is_value(tok: str) -> bool:
    return tok in ("-", "") or parse_number(tok) is not None


def _merge_tokens(tokens: list[str]) -> list[str]:
    """`11 月` → `11月`, `合 計` → `合計`: PDF flow splits header words."""
    out: list[str] = []
    for tok in tokens:
        if out and tok == "月" and out[-1].isdigit():
            out[-1] += "月"
        elif out and tok == "計" and out[-1] == "合":
            out[-1] = "合計"
        else:
            out.append(tok)
    return out


def month_header(text: str, tabbed: bool) -> tuple[str, list[tuple[str, int | None, str]]] | None:
    """Columns of a month header: [(column_label, month or None, kind)]; None if not one.

    Kind is `month`, `total` (合計/計) or `average` (月平均). The months must run consecutively
    in fiscal order (4, 5, … 12, 1, 2, 3); at least three of them.
    """
    head = _month_header(text, tabbed)
    return None if head is None else (head[0], list(head[1]))


@lru_cache(maxsize=65536)
def _month_header(text: str, tabbed: bool) -> tuple[str, tuple] | None:
    """`month_header`, cached: every line is tried as a header by several readers."""
    # Fast reject (most lines): a header starts with a month or a lead word. Merging tokens
    # never turns a first token that is neither into one that is.
    first = normalize_name(text.split("\t", 1)[0].strip()) if tabbed else text.split(" ", 1)[0]
    if first not in _LEAD_WORDS and not _MONTH_TOKEN.match(first):
        return None
    raw = [c.strip() for c in text.split("\t")] if tabbed else text.split(" ")
    toks = _merge_tokens([normalize_name(t) if tabbed else t for t in raw])
    lead: list[str] = []
    while toks and not _MONTH_TOKEN.match(toks[0]):
        if toks[0] not in _LEAD_WORDS:
            return None
        lead.append(toks.pop(0))
    cols: list[tuple[str, int | None, str]] = []
    for tok in toks:
        m = _MONTH_TOKEN.match(tok)
        if m and 1 <= int(m.group(1)) <= 12 and not any(k != "month" for _, _, k in cols):
            cols.append((f"{int(m.group(1))}月", int(m.group(1)), "month"))
        elif tok in _TOTAL_HEAD:
            cols.append((tok, None, _TOTAL_HEAD[tok]))
        else:
            return None
    months = [mo for _, mo, k in cols if k == "month"]
    if len(months) < 3:
        return None
    start = FISCAL_MONTHS.index(months[0])
    if FISCAL_MONTHS[start:start + len(months)] != months:
        return None
    return "".join(lead), tuple(cols)


def _split_row(text: str, n: int, tabbed: bool) -> tuple[str, list[str]] | None:
    """(label, n value tokens) of a table row, or None when the line is not such a row."""
    if tabbed:
        cells = [c.strip() for c in text.split("\t")]
        while len(cells) > n + 1 and cells[-1] == "":
            cells.pop()
        if len(cells) != n + 1:
            return None
        label, values = cells[0], [c.replace(" ", "") for c in cells[1:]]
    else:
        toks = text.split(" ")
        if len(toks) < n:
            return None
        label, values = " ".join(toks[:-n]), toks[-n:]
    if not all(_is_value(v) for v in values) or all(v in ("-", "") for v in values):
        return None
    if parse_number(label.replace(" ", "")) is not None:
        return None
    return normalize_name(label), values


def _label_lines_above(doc: Document, header_no: int, taken: set[int]) -> tuple[str, list[int]]:
    """Short digit-free lines right above a header: the label of unlabeled rows (`予約`/`日数`)."""
    parts: list[tuple[int, str]] = []
    no = header_no - 1
    while no >= 1 and len(parts) < 3:
        text = doc.text_at(no)
        if not text:
            no -= 1
            continue
        if (len(text) > 8 or _DIGIT.search(text) or no in taken or classify(text)):
            break
        parts.insert(0, (no, normalize_name(text)))
        no -= 1
    return "".join(t for _, t in parts), [n for n, _ in parts]


def read_month_tables(doc: Document, skip: set[int]) -> list[Table]:
    """Every month table of the document (see module doc), halves joined."""
    tabbed = doc.layout == "markdown_tsv"
    tables: list[Table] = []
    taken: set[int] = set()
    prev: tuple[Table, list[int], dict] | None = None  # table, months so far, row state
    for line in doc.lines:
        if line.no in taken or line.no in skip or not line.text:
            continue
        head = month_header(line.text, "\t" in line.text)
        if head is None:
            continue
        _, cols = head
        months = [mo for _, mo, k in cols if k == "month"]
        rows: list[tuple[int, str, list[str]]] = []
        no = line.no + 1
        while no <= len(doc.lines):
            text = doc.text_at(no)
            if not text:
                no += 1
                continue
            if month_header(text, "\t" in text):
                break  # the next half's header, not a row
            row = _split_row(text, len(cols), "\t" in text)
            if row is None:
                break
            rows.append((no, row[0], row[1]))
            no += 1
        if not rows:
            continue
        pending, label_nos = ("", [])
        if any(not r[1] for r in rows):
            pending, label_nos = _label_lines_above(doc, line.no, taken)
        continues = (prev is not None and prev[1] and len(prev[1]) < 12
                     and FISCAL_MONTHS.index(months[0]) == FISCAL_MONTHS.index(prev[1][-1]) + 1
                     and line.no - max(prev[0].lines) <= 12)
        if continues:
            table, seen, state = prev
        else:
            table = Table("month", line.no, set(), [])
            seen, state = [], {"labels": [], "by_label": {}}
            tables.append(table)
        seen.extend(months)
        table.lines.update([line.no, *label_nos, *(r[0] for r in rows)])
        taken.update(table.lines)
        last_main = ""
        for idx, (row_no, label, values) in enumerate(rows):
            if not label:
                label = (state["labels"][idx] if continues and idx < len(state["labels"])
                         else pending or None)
            elif label.startswith("(") and last_main:
                label = f"{last_main}/{label.strip('()')}"  # `(利用者数)` qualifies the row above
            else:
                last_main = label
            if not continues:
                state["labels"].append(label)
            cells = state["by_label"].setdefault(label, [])
            for (col, month, kind), tok in zip(cols, values):
                value = parse_number(tok)
                if value is None:
                    continue
                cells.append((kind, month, value, row_no))
                table.cells.append(TCell(row_no, label, col if kind != "month" else col, month,
                                         value, label_unit(label), kind != "month"))
        table.words = [w for w in state["labels"] if w]
        prev = (table, seen, state)
    for table in tables:
        _month_checks(table)
    return tables


def _month_checks(table: Table) -> None:
    """Σ months = 合計; 月平均 = Σ months / number of month columns, rounded half-up as printed."""
    rows: dict[str, list[TCell]] = {}
    for cell in table.cells:
        rows.setdefault(cell.row_label or "", []).append(cell)
    for label, cells in rows.items():
        months = [c for c in cells if c.period_month is not None]
        complete = len({c.period_month for c in months}) == 12
        total = sum((c.value for c in months), Decimal(0))
        for c in cells:
            if c.column_label in ("合計", "計"):
                table.checks.append(("activity_metrics.month_total", label, c.value,
                                     total if complete else None, c.line, ""))
                if len(rows) == 1:
                    table.grand_total = (c.value, True, c.line)
            elif c.column_label in ("月平均", "平均"):
                exp = c.value.as_tuple().exponent
                quantum = Decimal(1).scaleb(exp if isinstance(exp, int) else 0)
                mean = (total / 12).quantize(quantum, rounding=ROUND_HALF_UP) if complete else None
                table.checks.append(("activity_metrics.month_average", label, c.value, mean, c.line,
                                     "月平均 = Σ12 months / 12, rounded half-up to the printed "
                                     "precision"))


# ---------------------------------------------------------------- tab tables (OCR Markdown)

def _header_cell(cell: str) -> tuple[str, str | None]:
    """(label, unit) of a header cell: `実 施 回 数 (回)` → (実施回数, 回); `修了者数 人` → (修了者数, 人)."""
    toks = cell.strip().split(" ")
    if len(toks) > 1 and toks[-1] in UNITS:
        return normalize_name(" ".join(toks[:-1])), toks[-1]
    name = normalize_name(cell)
    m = _PAREN_UNIT.search(name)
    if m:
        return name[:m.start()], m.group(1)
    return name, None


def _date_like(cell: str) -> bool:
    s = cell.replace(" ", "")
    return bool(s) and (parse_number(s) is not None or "～" in s or "~" in s)


def _tab_blocks(doc: Document, skip: set[int]) -> list[list[int]]:
    """Runs of tab rows (blank lines inside allowed), split at skipped lines."""
    blocks: list[list[int]] = []
    cur: list[int] = []
    for line in doc.lines:
        if not line.text:
            continue
        if "\t" in line.text and line.no not in skip:
            cur.append(line.no)
            continue
        if cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def read_tab_tables(doc: Document, skip: set[int], statement_unit) -> tuple[list[Table], set[int]]:
    """Grid and key/value tab tables; also returns the lines of session tables it skipped."""
    tables: list[Table] = []
    meeting_lines: set[int] = set()
    for block in _tab_blocks(doc, skip):
        rows = [[c.strip() for c in doc.text_at(no).split("\t")] for no in block]
        head = rows[0]
        keyvalue = any(_date_like(c) for c in head) or any(len(normalize_name(c)) > 15 for c in head)
        names = [normalize_name(c) for c in head]
        if not keyvalue and any(MEETING_HEADER.search(n) for n in names) and any(
                MEETING_BODY.search(n) for n in names if not MEETING_HEADER.search(n)):
            meeting_lines.update(block)
            continue
        if keyvalue:
            tables.append(_read_keyvalue(doc, block, rows))
        else:
            tables.append(_read_grid(doc, block, rows, statement_unit(block[0])))
    return tables, meeting_lines


def _cell_values(cell: str) -> list[tuple[Decimal, str | None, str]]:
    """Values of one cell: [(value, printed unit, inner label)]; `38 (定員70)` → 38 and 定員 70."""
    s = cell.strip()
    if not s or s == "-" or set(s) <= {"-"}:
        return []
    bare = parse_number(s.replace(" ", ""))
    if bare is not None:
        return [(bare, None, "")]
    out: list[tuple[Decimal, str | None, str]] = []
    m = _NUM_PAREN.match(s)
    if m:
        out.append((parse_number(m.group(1)), None, ""))
        s = m.group(2)
    for fig in find_figures(s):
        out.append((fig.value, fig.unit, fig.column_label or fig.label))
    return out


def _read_keyvalue(doc: Document, block: list[int], rows: list[list[str]]) -> Table:
    """`参加人数 ⇥ 46人(うち個別相談9人)`: figures in value cells, labelled by their key cell."""
    table = Table("keyvalue", block[0], set(block), [])
    for no, cells in zip(block, rows):
        for k in range(0, len(cells) - 1, 2):
            key = normalize_name(cells[k])
            for value, unit, inner in _cell_values(cells[k + 1]):
                if unit is None:
                    continue  # a bare number in a key/value table is a date (`開催日 ⇥ 12.8`)
                label = key if not inner or inner == key else f"{key}/{inner}"
                table.cells.append(TCell(no, label, None, None, value, unit, is_total_label(key)))
                table.words.append(key)
    return table


def _read_grid(doc: Document, block: list[int], rows: list[list[str]],
               stated_unit: str | None) -> Table:
    """A header row of column names, then rows `label ⇥ value ⇥ …` (see module doc)."""
    heads = [_header_cell(c) for c in rows[0]]
    names = [h[0] for h in heads]
    # a blank first header over text cells in the first two columns: a grouping column (人権 table)
    group_col = (names[0] == "" and len(names) > 2 and len(rows) > 1 and len(rows[1]) > 1
                 and not _cell_values(rows[1][0]) and not _cell_values(rows[1][1]))
    table = Table("grid", block[0], set(block), [n for n in names if n])
    prev_label, prev_group = None, ""
    body: list[tuple[int, str | None, dict[int, list[TCell]]]] = []
    for no, cells in zip(block[1:], rows[1:]):
        if all(set(c) <= {"-", ""} for c in cells):
            continue
        cells = cells + [""] * (len(names) - len(cells))
        start = 1
        if group_col:
            prev_group = normalize_name(cells[0]) or prev_group
            label = "/".join(x for x in (prev_group, normalize_name(cells[1])) if x)
            start = 2
        elif _cell_values(cells[0]) and names[0] != "" and not has_figures(names[0]) and (
                parse_number(cells[0].replace(" ", "")) is not None or not _NOT_NUMERIC_START.search(cells[0][:1])):
            label, start = None, 0  # `5,785 ⇥ 644 …` under `市民課 ⇥ 保険年金課 …`: no row label
        else:
            label = normalize_name(cells[0]) or prev_label
        if label and label.startswith("(") and prev_label:
            label = f"{prev_label}/{label.strip('()')}"
        elif label is not None:
            prev_label = label
        by_col: dict[int, list[TCell]] = {}
        for j in range(start, len(cells)):
            col = names[j] if j < len(names) else None
            dated = bool(col and DATE_HEADER.search(col))
            for value, unit, inner in _cell_values(cells[j]):
                if unit is None and dated:
                    continue
                col_label = col if not inner else f"{col}/{inner}" if col else inner
                cell_unit = (unit or (heads[j][1] if j < len(heads) else None) or stated_unit
                             or label_unit(label, col))
                cell = TCell(no, label, col_label, None, value, cell_unit,
                             is_total_label(label) or is_total_label(col))
                table.cells.append(cell)
                if unit is None and not inner:
                    by_col.setdefault(j, []).append(cell)
        body.append((no, label, by_col))
    _grid_checks(table, names, body)
    return table


def _grid_checks(table: Table, names: list[str], body) -> None:
    """A 合計/計 column is the row's sum; a 計/合計 row is the column's sum of the rows above."""
    total_cols = [j for j, n in enumerate(names) if is_total_label(n)]
    for no, label, by_col in body:
        for j in total_cols:
            if j not in by_col:
                continue
            parts = [cells[0].value for k, cells in by_col.items() if k != j and k not in total_cols]
            missing = [k for k in range(len(names)) if k not in total_cols and k not in by_col
                       and names[k] and not DATE_HEADER.search(names[k]) and k > 0]
            computed = sum(parts, Decimal(0)) if parts and not missing else None
            table.checks.append(("activity_metrics.row_total", label or "", by_col[j][0].value,
                                 computed, no, ""))
    above: list[tuple[str | None, dict[int, list[TCell]]]] = []
    for no, label, by_col in body:
        if is_total_label(label):
            for j, cells in by_col.items():
                parts = [b[j][0].value for _, b in above if j in b]
                table.checks.append(("activity_metrics.column_total", names[j] or "",
                                     cells[0].value, sum(parts, Decimal(0)) if parts else None,
                                     no, ""))
            above = []
        else:
            above.append((label, by_col))


# ---------------------------------------------------------------- PDF flow tables

def chunk_header(text: str) -> list[str]:
    """Header words of a PDF-flow header, where single characters were spaced out.

    Multi-character tokens are words; a run of single characters is re-joined into words from
    the right: a katakana run is one word (`メ ー ル` → メール), other characters pair up
    (`専 決 報 告` → 専決, 報告). From the right, because the value columns are the last ones
    and the row-label column (`会 議 名`) keeps whatever is left.
    """
    words: list[str] = []
    run: list[str] = []

    def flush() -> None:
        chunked: list[str] = []
        i = len(run)
        while i > 0:
            if _KATAKANA.match(run[i - 1]):
                j = i
                while j > 0 and _KATAKANA.match(run[j - 1]):
                    j -= 1
            else:
                j = 0 if i - 2 == 1 else max(0, i - 2)  # never leave one character behind
                while j < i - 1 and _KATAKANA.match(run[j]):
                    j += 1
            chunked.insert(0, "".join(run[j:i]))
            i = j
        words.extend(chunked)
        run.clear()

    for tok in text.split(" "):
        if len(tok) == 1:
            run.append(tok)
        else:
            flush()
            words.append(tok)
    flush()
    return words


def _segments(text: str) -> tuple[list[tuple[str, list[str]]], str]:
    """`秋川駅 22 菅生下会館 1` → [(秋川駅, [22]), (菅生下会館, [1])] and any trailing text."""
    segs: list[tuple[str, list[str]]] = []
    label: list[str] = []
    nums: list[str] = []
    for tok in text.split(" "):
        if tok == "-" or parse_number(tok) is not None:
            nums.append(tok)
            continue
        if nums:
            segs.append((" ".join(label), nums))
            label, nums = [], []
        label.append(tok)
    if nums:
        segs.append((" ".join(label), nums))
        return segs, ""
    return segs, " ".join(label)


def _row_kind(text: str) -> str | None:
    """`numbers` (ends in bare numbers), `figures` (states counted figures), or None."""
    segs, tail = _segments(text)
    if segs and not tail and all(normalize_name(lab) or i == 0 for i, (lab, _) in enumerate(segs)):
        if not (len(segs) == 1 and not segs[0][0] and len(segs[0][1]) == 1):
            return "numbers"
    if has_figures(text):
        return "figures"
    return None


def _next_text(doc: Document, no: int, limit: int = 3) -> tuple[int, str] | None:
    for k in range(no + 1, min(len(doc.lines), no + limit) + 1):
        if doc.text_at(k):
            return k, doc.text_at(k)
    return None


def is_flow_header(doc: Document, no: int) -> bool:
    """A digit-free, non-heading line of column names followed by a table row."""
    text = doc.text_at(no)
    if (not text or _DIGIT.search(text) or " " not in text or classify(text)
            or _CLAUSE_MARK.search(text) or len(text) > 70 or text.startswith(("・", "(", "「"))):
        return False
    nxt = _next_text(doc, no)
    return nxt is not None and _row_kind(nxt[1]) is not None


def is_meeting_header(text: str) -> bool:
    name = normalize_name(text)
    return bool(_MEETING_HEAD_START.match(name)) and bool(_MEETING_HEAD_BODY.search(name))


def read_flow_tables(doc: Document, skip: set[int]) -> tuple[list[Table], set[int]]:
    """PDF-flow tables (see module doc); also returns the lines of session tables skipped."""
    tables: list[Table] = []
    meeting_lines: set[int] = set()
    no = 1
    last = len(doc.lines)
    while no <= last:
        text = doc.text_at(no)
        if no in skip or not text:
            no += 1
            continue
        if is_meeting_header(text):
            end = no + 1
            while end <= last and end not in skip and not (
                    doc.text_at(end) and (classify(doc.text_at(end)) or is_flow_header(doc, end)
                                          or month_header(doc.text_at(end), False))):
                end += 1
            meeting_lines.update(range(no, end))
            no = end
            continue
        if is_flow_header(doc, no):
            table, end = _read_flow_table(doc, no, skip)
            tables.append(table)
            no = end
            continue
        no += 1
    return tables, meeting_lines


def _read_flow_table(doc: Document, head_no: int, skip: set[int]) -> tuple[Table, int]:
    header = doc.text_at(head_no)
    words = chunk_header(header)
    table = Table("flow", head_no, {head_no}, [normalize_name(header)])
    pending: list[int] = []
    rows: list[tuple[int, str, list[str]]] = []
    no = head_no + 1
    last = len(doc.lines)
    while no <= last and no not in skip:
        text = doc.text_at(no)
        if not text:
            no += 1
            continue
        if classify(text) or is_flow_header(doc, no) or month_header(text, False) or is_meeting_header(text):
            break
        kind = _row_kind(text)
        if kind is None:
            nxt = _next_text(doc, no)
            if _label_then_row(doc, no):
                pending.append(no)  # a label printed on its own line(s) above its row
                no += 1
                continue
            break
        prefix = "".join(normalize_name(doc.text_at(p)) for p in pending)
        table.lines.update([no, *pending])
        pending = []
        if kind == "figures":
            table.kind = "figures" if table.kind in ("flow", "figures") else table.kind
            for fig in find_figures(text):
                label = normalize_name(f"{prefix}{fig.label}") if prefix else fig.label
                table.cells.append(TCell(no, label or None, fig.column_label, None, fig.value,
                                         fig.unit, is_total_label(label)))
                table.words.append(label)
        else:
            segs, _ = _segments(text)
            if len(segs) > 1 and all(len(n) == 1 for _, n in segs):
                table.kind = "pairs"
                for lab, nums in segs:
                    rows.append((no, normalize_name(prefix + lab), nums))
            else:
                lab, nums = segs[0]
                rows.append((no, normalize_name(prefix + lab), nums))
        no += 1
    _flow_cells(table, words, rows)
    return table, no


def _label_then_row(doc: Document, no: int) -> bool:
    """Short digit-free line(s) (`シナリオフ` / `ォトブック`) followed by a row: a wrapped label."""
    for _ in range(3):
        text = doc.text_at(no)
        if len(text) > 20 or _DIGIT.search(text) or classify(text):
            return False
        nxt = _next_text(doc, no)
        if nxt is None:
            return False
        if _row_kind(nxt[1]):
            return True
        no = nxt[0]
    return False


def _flow_cells(table: Table, words: list[str], rows: list[tuple[int, str, list[str]]]) -> None:
    """Cells of the numeric rows, placed under the header's last n words."""
    if not rows:
        return
    if table.kind == "pairs":
        # the header repeats (label words…, value word) once per pair: `配置場所 件数` × 3
        period = next((p for p in range(1, len(words) + 1) if len(words) % p == 0
                       and words == words[:p] * (len(words) // p)), len(words)) if words else 0
        value_word = words[period - 1] if period else None
        for no, label, nums in rows:
            value = parse_number(nums[0])
            if value is not None:
                table.cells.append(TCell(no, label, value_word, None, value, label_unit(value_word),
                                         is_total_label(label)))
            table.words.append(label)
        table.grand_total = (sum(c.value for c in table.cells), False, rows[0][0])
        return
    n = max(len(nums) for _, _, nums in rows)
    columns = words[-n:] if len(words) > n else [None] * n
    if words and words[0] == "内訳":
        table.kind = "breakdown"
    sums: dict[int, Decimal] = {}
    for no, label, nums in rows:
        table.words.append(label)
        status, note = "ok", ""
        if len(nums) != n:
            status, note = "unresolved", f"row prints {len(nums)} values for {n} columns"
        total_row = is_total_label(label)
        for j, tok in enumerate(nums):
            value = parse_number(tok)
            if value is None:
                continue
            col = columns[j] if status == "ok" else None
            table.cells.append(TCell(no, label or None, col, None, value,
                                     label_unit(col, label), total_row or is_total_label(col),
                                     status, note))
            if total_row and status == "ok":
                table.checks.append(("activity_metrics.column_total", col or "", value,
                                     sums.get(j), no, ""))
            elif status == "ok":
                sums[j] = sums.get(j, Decimal(0)) + value
        if total_row:
            sums = {}
    if len(rows) == 1 and table.kind == "breakdown":
        table.grand_total = (sum(c.value for c in table.cells), False, rows[0][0])
    elif n == 1 and not any(is_total_label(r[1]) for r in rows):
        table.grand_total = (sum(c.value for c in table.cells), False, rows[0][0])


def statement_units(doc: Document):
    """A function giving the unit a `(単位：件)` statement sets for a line (same section, above)."""
    def unit_for(no: int) -> str | None:
        sec = doc.section_at(no)
        first = sec.first_line if sec else 1
        for k in range(no, max(first, no - 15) - 1, -1):
            units = unit_statement(doc.text_at(k))
            if units:
                return units[0]
        return None
    return unit_for
