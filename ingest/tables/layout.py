"""Rows grouped into tables: columns, header paths, units and row label paths.

A table is a run of numeric rows (two or more cells) with at most a few other lines between
them (labels printed above or below their numbers, stacked group labels like 本/年/度, page
furniture). A unit statement, a longer gap, or a row wider than the table starts a new one.

Columns come from the rows themselves: the table is as wide as its widest rows, and a column
sits where those rows' cells end (numbers are right-aligned); in column-aligned text, where a
sparse table may print no row with every column, the columns are the clusters of every row's
right edges (`_aligned_columns`). A row with fewer cells is placed by position: each cell goes
to the column whose right edge is nearest, in order (`ragged`). A table continued on the next
page stays one table, its page shifted onto the columns of the part before (`_continued`).
Tab-separated rows give field indexes instead of character positions; text flow has neither,
and its short rows keep the left-to-right order.

Header words are the words above the first row (`_header_words`: letter-spaced letters joined,
words one space apart split, where they stand as printed when pdftotext squeezed the line), each
put over the column whose room holds most of it; a word over several columns is a group label
over them and over the columns next to them headed like them (`_group_spans`: 給与費 over 報酬 …
計, joined `給与費/報酬`); a word right of every column (備考) heads none. Words of one column
join top to bottom (`本/年/度` is one word `本年度` when its characters stand one per line).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from statistics import median

from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import RATE_MARK, UNIT_SCALE, unit_statement
from ingest.tables.cells import is_prose, line_label, ordinal_level, prose_ordinal, read_row
from ingest.tables.model import EXACT_UNITS, Cell, Column, Row, Table

MAX_GAP = 4          # other lines allowed between two rows of one table
MAX_COLUMNS = 40     # wider rows are not laid out further (extra columns, headers): cells only
MAX_HEADER_LINES = 8
_FRAGMENT = re.compile(r"\S+(?: \S+)*")  # text runs separated by two or more spaces
_TOTAL = re.compile(r"(?:^|[^会設統推集])(?:合計|小計|総計|累計|計)$|^(?:歳入|歳出)?合計$")


@dataclass
class _Line:
    no: int
    text: str
    ordinal: str
    _label: str | None  # None: the label of a line without cells, read when first asked for
    cells: list
    unit: str | None

    @property
    def label(self) -> str:
        # Most lines of a report have no cells (prose), and only those near a table are ever
        # asked for their label (about one in ten): the others are never normalized as a name.
        if self._label is None:
            self._label = line_label(self.text)
        return self._label


def is_total_label(label: str) -> bool:
    """`計`, `合計`, `小計`, `歳入合計` … but not `会計`, `設計`, `統計`, `推計`, `集計`."""
    return bool(_TOTAL.search(label.replace(" ", "")))


def read_lines(numbered: list[tuple[int, str]]) -> list[_Line]:
    out = []
    for no, text in numbered:
        if not text.strip():
            out.append(_Line(no, text, "", "", [], None))
            continue
        if is_prose(text):
            out.append(_Line(no, text, prose_ordinal(text), None, [], None))
            continue
        ordinal, label, cells, unit = read_row(no, text)
        if cells and "\t" not in text and all(_spelled(text, c.start, c.end) for c in cells) \
                and (not ordinal.isdigit() or _spelled(text, *_ordinal_span(text, ordinal))):
            # a line of letter-spaced words with a number in them (a title, a header) has no
            # figure: `及 び ６ 年 度 末 に お け る …`, `４ 年 度 末       ５ 年 度 末`
            ordinal, label, cells, unit = "", normalize_name(text), [], None
        out.append(_Line(no, text, ordinal, label, cells, unit))
    return out


def _letter(ch: str) -> bool:
    return not ch.isspace() and not ch.isdigit() and ch not in ",.△▲-"


def _spelled(text: str, start: int, end: int) -> bool:
    """The short number at text[start:end] is a letter of a letter-spaced word: one space
    from a single letter after it and one before it (`の ４ 年`), or opening the word (`５ 年 度`:
    two single letters after it, each one space apart). A cell stands apart from the words of
    its line by a run of spaces."""
    if end - start > 2:
        return False

    def single(i: int) -> bool:  # a letter standing alone at i, one space from what follows
        return 0 <= i < len(text) and _letter(text[i]) and (i == 0 or text[i - 1] == " ") \
            and (i + 1 == len(text) or text[i + 1] == " ")

    after = text[end:end + 1] == " " and single(end + 1)
    if not after:
        return False
    before = start >= 2 and text[start - 1] == " " and single(start - 2)
    return before or (text[end + 2:end + 3] == " " and single(end + 3))


def _ordinal_span(text: str, ordinal: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, start + len(ordinal)


def _unit_of(text: str) -> str | None:
    """The first unit a line's unit statement declares (`numbers.unit_statement`), if any."""
    units = unit_statement(normalize_name(text)) if "単位" in text else None
    return units[0] if units else None


def _last_index(current: list[_Line], cells: int, headings: bool = True) -> int:
    """Index of the last line of `current` with at least `cells` cells (scanned from the end:
    the open table is searched for it on every row it gains, so a forward scan made a long
    table quadratic); without `headings`, not a line whose one figure prints a money unit (a
    heading stating its amount, `1項 県負担金  4,704,900千円`). ValueError when there is none,
    as `max` of nothing."""
    for i in range(len(current) - 1, -1, -1):
        found = current[i].cells
        if len(found) >= cells and (headings or not (len(found) == 1 and found[0].unit in UNIT_SCALE)):
            return i
    raise ValueError("no line with cells")


def _last_row(current: list[_Line], listed: bool = False) -> int:
    """Index of the open table's last row of two figures or more; in a list of one figure a
    line (`_lists_figures`, `listed`), its last figure (a row of two there, such as a 項 whose
    number stands alone on its line between the two lines of its name, `2  43,000`, is not
    where the list ends), but not a heading stating its amount with its unit (the next page's
    running header `1項 県負担金  4,704,900千円`: the list's figures print none, its units row
    states them)."""
    try:
        return _last_index(current, 1, headings=False) if listed else _last_index(current, 2)
    except ValueError:
        return _last_index(current, 1)


def group_tables(lines: list[_Line], document_id: str) -> list[Table]:
    """Every table of the document, in order."""
    segments: list[tuple[list[_Line], list[_Line], str | None, list[_Line], bool]] = []
    unit: str | None = None
    pending: list[_Line] = []      # lines since the last table row (headers, labels, gaps)
    current: list[_Line] = []      # the open table's numeric rows and the lines between them
    width = 0
    gap = 0

    def close() -> None:
        nonlocal current, width, listed
        if sum(1 for ln in current if len(ln.cells) >= 2) >= 1 or (
                listed and sum(1 for ln in current if ln.cells) >= MIN_LIST_ROWS):
            segments.append((current, header_lines, unit_at_start, title_at_start, listed))
        current, width, listed = [], 0, False

    listed = False  # the open table was opened by a list's first figure (`_lists_figures`)

    header_lines: list[_Line] = []
    unit_at_start: str | None = None
    title_lines: list[_Line] = []
    title_at_start: list[_Line] = []
    for ln in lines:
        stated = _unit_of(ln.text) if not ln.cells else None
        if stated:
            # the lines right above a unit statement are the title of the table it opens (in
            # the open table's trailing lines, or in the lines since the last one)
            above = pending
            if current:
                last = _last_index(current, 1)
                above = current[last + 1:]
            title_lines = _title_run([p for p in above if p.text.strip() and not p.cells and p.label])
            if current:
                current = [c for c in current if c not in title_lines]
                close()
            if title_lines:
                title_lines = title_lines + _beside_unit(ln)
            unit = stated
            pending = [ln]
            continue
        # a header stating its columns' units since the open table's last row: a new table
        headed_anew = bool(current) and len(ln.cells) >= 1 and _lists_figures(current[_last_row(current, listed) + 1:])
        opens_list = len(ln.cells) == 1 and _aligned_line(ln) and (
            headed_anew or not current and _lists_figures(pending))
        if len(ln.cells) >= 2 or opens_list:
            if current and (gap > MAX_GAP or (len(ln.cells) > max(width, 2) and width >= 2
                                              and _wider_starts_new(current, ln))
                            or _new_header_between(current) or _after_closing_total(current, ln)
                            or headed_anew):
                between = current[_last_row(current, listed) + 1:]
                current = current[:len(current) - len(between)]
                close()
                pending = between
            if not current:
                # a figure on a line of its own right above the first row is part of it
                lead = _leading_parts(pending)
                pending = pending[:len(pending) - len(lead)]
                header_lines = _own_header([p for p in pending if p.text.strip()][-MAX_HEADER_LINES:])
                unit_at_start = unit or next((p.unit for p in [ln] if p.unit), None)
                title_at_start, title_lines = title_lines, []
                current.extend(lead)
                listed = len(ln.cells) == 1
            current.append(ln)
            width = max(width, len(ln.cells))
            pending, gap = [], 0
            continue
        if current and len(ln.cells) == 1 and _aligned_line(ln):
            # one number on a line of its own inside a table: a cell printed above or below
            # its row (merged into it by position in `_build`), or a row of one column
            current.append(ln)
            gap = 0
            continue
        if current:
            if ln.text.strip():
                gap += 1
            if gap > MAX_GAP:
                # the lines since the table's last row may be the next table's header
                last = _last_index(current, 1)
                between = current[last + 1:]
                current = current[:last + 1]
                close()
                pending = between + [ln]
                gap = 0
                continue
            current.append(ln)
        else:
            pending.append(ln)
            pending = pending[-(MAX_HEADER_LINES * 2):]
    if current:
        close()
    return [_build(block, header, unit_, document_id, n, title)
            for n, (block, header, unit_, title) in enumerate(_continued(segments), start=1)]


CONTINUED = 0.8  # share of header characters two pages' headers must have in common


def _continued(segments: list[tuple[list[_Line], list[_Line], str | None, list[_Line], bool]]):
    """A table continued on the next page stays one table: a segment whose header repeats the
    previous segment's (the same words, as most pages repeat them: the characters of the two
    headers agree to `CONTINUED`), in the same unit, continues it, unless the previous one
    closed with its total (tables of one form follow each other, each with its 合計). Lists of
    one figure a line between the two parts (a 予算書's 節 page between two 目 pages of one
    spread) stand apart: the table continues past them."""
    out: list[tuple[list[_Line], list[_Line], str | None, list[_Line]]] = []
    lists: set[int] = set()  # indices in `out` of the lists of one figure a line
    for block, header, unit, title, listed in segments:
        k = len(out) - 1
        while not listed and k in lists:
            k -= 1
        if k >= 0 and out[k][2] == unit and not _ends_with_total(out[k][0]) \
                and (_same_header(out[k][1], header) or _resumes(out[k][0], header, block)):
            prev = out[k]
            out[k] = (prev[0] + _aligned_to(prev[0], block), prev[1], unit, prev[3])
            continue
        if out and not title and not _title(header) and _same_header(out[-1][1], header):
            # the next table of one form (歳出 after 歳入): its title is printed once, over the first
            title = out[-1][3] or [ln for ln in out[-1][1] if normalize_name(ln.text) == _title(out[-1][1])][:1]
        if listed:
            lists.add(len(out))
        out.append((block, header, unit, title))
    return out


def _headed(header: list[_Line]) -> bool:
    """Words with no figure stand above the table's first row (a header, a title, its unit):
    the table starts there. A table split off by lines that carry figures (a 説明 column's
    `○認定こども園事業費 6,667`) may have begun above them."""
    return any(not ln.cells and (ln.label or _unit_of(ln.text)) for ln in header)


def _aligned_to(prev: list[_Line], block: list[_Line]) -> list[_Line]:
    """The continuation of a table on another page, moved to the columns of the part before.

    Each page of a PDF is laid out on its own: the same column may stand some characters
    further left or right on the next page. The shift that puts the most of the new part's
    figures on the previous part's column edges is applied to its lines (spaces added or taken
    from their start), when it places clearly more of them than no shift does."""
    edges = sorted({c.end for ln in prev if not _has_run(ln)
                    for i, c in enumerate(ln.cells) if not _glued(ln, i)})
    ends = [c.end for ln in block if not _has_run(ln) for i, c in enumerate(ln.cells) if not _glued(ln, i)]
    if not edges or not ends or not all("\t" not in ln.text for ln in block):
        return block

    near = {x + k for x in edges for k in range(-NEAR, NEAR + 1)}  # (edges are whole characters)

    def placed(d: int) -> int:  # figures within NEAR of an edge, one set lookup each
        return sum(1 for e in ends if e + d in near)

    shifts = {x - e for x in edges for e in ends if abs(x - e) <= 40}
    best = max(sorted(shifts, key=abs), key=placed, default=0)
    if best == 0 or placed(best) < max(placed(0) + 2, 0.8 * len(ends)):
        return block
    out = []
    for ln in block:
        text = ln.text
        if best > 0:
            text = " " * best + text
        elif text[:-best].strip() == "":
            text = text[-best:]
        else:
            out.append(ln)  # a line reaching the left margin keeps its place
            continue
        out.extend(read_lines([(ln.no, text)]))
    return out


def _ends_with_total(block: list[_Line]) -> bool:
    last = next((ln for ln in reversed(block) if len(ln.cells) >= 2), None)
    return last is not None and is_total_label(last.label)


def _same_header(a: list[_Line], b: list[_Line]) -> bool:
    """The two headers print the same words: most characters of the shorter are in the
    longer (the lines taken as a header may reach a line further up or down on one page)."""
    ca = Counter(ch for ln in a if not ln.cells for ch in ln.text if not ch.isspace())
    cb = Counter(ch for ln in b if not ln.cells for ch in ln.text if not ch.isspace())
    size = min(sum(ca.values()), sum(cb.values()))
    return size >= 8 and sum((ca & cb).values()) >= CONTINUED * size


def _resumes(prev: list[_Line], header: list[_Line], block: list[_Line]) -> bool:
    """A table resumed after a few lines of text (a row printing words, not figures, such as
    `限度額に同じ`): no header between, close below the previous part, and every figure of
    the new part stands in a column of the previous one (aligned text only)."""
    if any(_header_like(ln) for ln in header) or block[0].no - prev[-1].no > 3 * MAX_GAP:
        return False
    edges = [c.end for ln in prev for c in ln.cells]
    cells = [c for ln in block for c in ln.cells]
    aligned = all("   " in ln.text.rstrip() for ln in block if ln.cells)
    return aligned and bool(cells) and all(any(abs(c.end - e) <= NEAR for e in edges) for c in cells)


MIN_LIST_ROWS = 3  # figures a list of one figure a line needs to be a table
_UNIT_WORDS = frozenset({"千円", "円", "百万円", "人", "件", "%"})


def _aligned_line(ln: _Line) -> bool:
    """A line laid out in columns: tab-separated, or runs of spaces between its parts."""
    return "\t" in ln.text or "   " in ln.text.strip() or ln.text.startswith("   ")


def _units_row(ln: _Line) -> bool:
    """A line of unit words only (`千円        千円`): the last line of a header."""
    words = ln.text.split()
    return not ln.cells and bool(words) and all(w in _UNIT_WORDS for w in words)


def _own_header(lines: list[_Line]) -> list[_Line]:
    """The header lines of the table they stand over: after the units row of a header above
    them, whose table printed no row (a 予算書's 目 page with no 目 left, then its 節 page)."""
    rows = [k for k, ln in enumerate(lines) if _units_row(ln)]
    return lines[rows[-2] + 1:] if len(rows) >= 2 else lines


def _lists_figures(pending: list[_Line]) -> bool:
    """The header above states its columns' units on a line of its own (`千円        千円`):
    the figures under it are a table's even when each line prints one (a 予算書 明細's 節 /
    説明 page: `10 需用費  11,281`, then `県給食協会負担金  12` to the right)."""
    return any(_units_row(ln) for ln in [p for p in pending if p.text.strip()][-MAX_HEADER_LINES:])


def _leading_parts(pending: list[_Line]) -> list[_Line]:
    """The lines at the end of `pending` from the last one-figure aligned line on (at most
    two lines up): the first row's cell printed above it, and the label text between."""
    for k in range(len(pending) - 1, max(-1, len(pending) - 3), -1):
        ln = pending[k]
        if len(ln.cells) == 1 and ln.text.startswith("   ") and not ln.label:
            return pending[k:]
        if ln.cells:
            break
    return []


def _header_like(ln: _Line) -> bool:
    """A line of column words (`区 分 管理職手当 扶養手当 …`): three or more text runs, two of
    them words (letter-spaced labels such as `普  通  債` are runs of single characters)."""
    if ln.cells or "\t" in ln.text or ln.ordinal:  # (a numbered line is an item, not a header)
        return False
    runs = [w for _, _, w in _header_fragments(ln.text)]  # (letter-spaced words joined)
    return len(runs) >= 3 and sum(1 for r in runs if len(r.replace(" ", "")) >= 2) >= 2


def _new_header_between(current: list[_Line]) -> bool:
    """Column words between the table's last row and the next: a new table's header. One
    word repeated over several columns between two rows (`経済対策による` ×5, the note of the
    cells under it) names no columns apart: a note, not a header."""
    last = _last_row(current)
    return any(_header_like(c) and len({w for _, _, w in _header_fragments(c.text)}) > 1
               for c in current[last + 1:])


def _after_closing_total(current: list[_Line], ln: _Line) -> bool:
    """The table closed with its total (計 / 合計, not a 小計) and two lines of words or more
    follow it before this row: a header, so a new table (a 予算書's 節 page after the 目 page).
    Aligned text only: in text flow a table's labels may stand on lines of their own."""
    if "   " not in ln.text.strip():
        return False
    last = _last_row(current)
    label = current[last].label.replace(" ", "")
    if not is_total_label(label) or label.startswith("小"):
        return False
    return sum(1 for c in current[last + 1:] if c.text.strip() and not c.cells) >= 2


def _wider_starts_new(current: list[_Line], ln: _Line) -> bool:
    """A row wider than the table starts a new one when non-row text (a header) precedes it,
    and no figure: a figure printed on a line of its own is part of the next row (its
    支出予定額 above it), which belongs to the table."""
    last = _last_row(current)
    between = [c for c in current[last + 1:] if c.text.strip()]
    return any(len(c.label) > 2 for c in between) and not any(c.cells and not c.label for c in between)


def _build(block: list[_Line], header: list[_Line], unit: str | None, document_id: str,
           n: int, title_lines: list[_Line] = ()) -> Table:
    numeric = [ln for ln in block if ln.cells]
    width = max(len(ln.cells) for ln in numeric)
    full = [ln for ln in numeric if len(ln.cells) == width]
    ends = [median(ln.cells[i].end for ln in full) for i in range(width)]
    # (a figure on a line of its own, indented to its column, is aligned text too)
    aligned = sum(1 for ln in numeric if "   " in ln.text.rstrip()) * 2 > len(numeric) \
        and width <= MAX_COLUMNS
    if aligned:  # positions mean something only in column-aligned text
        ends = _aligned_columns(numeric, ends)
    columns = [Column(i, e) for i, e in enumerate(ends)]
    width = len(columns)
    # The line right above the first row is its label when all its text lies left of the
    # first column (`１. 普通債` over its numbers), not a header line.
    left_edge = min(c.start for ln in numeric for c in ln.cells[:1])
    while header and not header[-1].cells and header[-1].label and \
            len(header[-1].text.rstrip()) < left_edge and not numeric[0].label:
        block = [header.pop()] + block
        break
    rows = _rows(block, width)
    table_unit = unit or next((ln.unit for ln in numeric if ln.unit), None)
    ragged = False
    for row in rows:
        # in column-aligned text a figure printed right after its row's label may be pulled
        # left of its column: it still belongs to a column right of the label
        row.placed = place_by_position(row.cells, columns, row.label_end if aligned else 0)
        ragged |= len(row.cells) != width
    if aligned:
        rows = _merge_split_rows(rows)
    columns, rows = _drop_row_numbers(columns, rows)
    width = len(columns)
    for col in columns:
        col.unit = _printed_unit([row.placed[col.index] for row in rows]) or table_unit
    title = normalize_name("".join(ln.text for ln in title_lines)) if title_lines else _title(header)
    row_header = ""
    if width <= MAX_COLUMNS:  # (the title line is no column's header word)
        row_header = _headers([ln for ln in header if normalize_name(ln.text) != title], columns, block, rows)
    if table_unit is None:
        # no unit statement: the one money unit the columns' headers state is the table's, and
        # the unit of its columns that state none (a 説明 column's formulas under `千円`)
        money = {col.unit for col in columns if col.unit in UNIT_SCALE}
        if len(money) == 1:
            table_unit = money.pop()
            for col in columns:
                col.unit = col.unit or table_unit
    _paths(rows)
    if aligned:
        _stacked_group_labels(block, rows)
    return Table(f"{document_id}:t{n:03d}", title, table_unit, block[0].no, block[-1].no, columns,
                 rows, ragged, aligned, headed=_headed(header), row_header=row_header)


def _printed_unit(cells: list[Cell | None]) -> str | None:
    """The unit a column's figures print, which its bare figures share: the unit of its first
    figure where that prints one (`1,234人` atop bare counts: a unit on the first row only),
    else the unit most of its figures print (more than half). None where its first figure is
    bare and few print a unit: a 説明 column of 千円 amounts with counts among them (`8人`)
    is in the table's unit; each count keeps its own. A formula's base (`21,000円×4,624人×1/2`
    in a column of 千円 bases) states no unit of the column's."""
    figures = [c for c in cells if c is not None and RATE_MARK not in c.text]
    if not figures:
        return None
    if figures[0].unit:
        return figures[0].unit
    units = Counter(c.unit for c in figures if c.unit)
    unit, n = units.most_common(1)[0] if units else (None, 0)
    return unit if 2 * n > len(figures) else None


NEAR = 2  # right edges this close (in characters) are one column's
FAR = 6  # a lone edge this close to a column of `MIN_SUPPORT` figures or more is that column's
MIN_SUPPORT = 3


def _aligned_columns(numeric: list[_Line], widest: list[float]) -> list[float]:
    """Column edges of aligned text: where the cells of all rows end, clustered.

    Numbers are right-aligned, so the cells of one column end at one character position (give
    or take one). A table may print no row with every column (a 債務負担行為 調書 prints each
    item's 支出予定額 on a line of its own, and most items leave some 財源 empty), so the
    columns are the clusters of every row's right edges, not only the widest rows'. A figure
    printed right after its row's label (one space between) is pulled left of its column and
    opens none (`_glued`); it is placed right of the label (`place_by_position`). A cluster of
    small figures a few characters off a cluster of long ones, never on their rows, is their
    column (`_one_column`: pdftotext sets a `0` under `46,512` from where it starts).
    """
    figures = sorted((c.end, k, c.end - c.start) for k, ln in enumerate(numeric) if not _has_run(ln)
                     for i, c in enumerate(ln.cells) if not _glued(ln, i))
    if not figures:
        return widest
    clusters: list[list[tuple[int, int, int]]] = [[figures[0]]]  # (edge, line, width)
    for f in figures[1:]:
        if f[0] - clusters[-1][-1][0] <= NEAR:
            clusters[-1].append(f)
        else:
            clusters.append([f])
    if len(clusters) > MAX_COLUMNS:
        return widest  # a line of thousands of figures: not a table to lay out by position
    # a lone edge a few characters from a column many rows share is that column's figure
    # printed off its edge (pdftotext moves a figure after a wide one), not a column of its own
    strong = [c for c in clusters if len(c) >= MIN_SUPPORT]
    kept = [c for c in clusters if len(c) > 1 or not any(
        0 < abs(c[0][0] - median(e for e, _, _ in s)) <= FAR for s in strong)]
    edges = [float(median(e for e, _, _ in c)) for c in kept]
    k = 0
    while k + 1 < len(kept):
        if _one_column(kept[k], kept[k + 1]):
            kept[k:k + 2] = [kept[k] + kept[k + 1]]
            ends = [e for e, _, _ in kept[k]]
            edges[k:k + 2] = [(min(ends) + max(ends)) / 2]
            continue
        k += 1
    return edges


SMALL = 3  # characters of a small figure (`0`, `△4`, `12`)


def _one_column(a: list[tuple[int, int, int]], b: list[tuple[int, int, int]]) -> bool:
    """Two clusters of right edges a few characters apart are one column when one holds small
    figures only and the other figures wider than them by more than the distance between the
    two, the rows of each standing among the other's (each cluster of `MIN_SUPPORT` figures or
    more) and no row printing a figure in both: pdftotext sets a word from where it starts, so
    a small figure right-aligned under long ones (`0` under `46,512`) ends a few characters off
    their edge. The column's edge is then midway, within `NEAR` of every figure of both."""
    ends = [e for e, _, _ in a + b]
    gap = max(ends) - min(ends)
    la, lb = {ln for _, ln, _ in a}, {ln for _, ln, _ in b}
    if gap > 2 * NEAR or len(a) < MIN_SUPPORT or len(b) < MIN_SUPPORT or la & lb \
            or max(la) < min(lb) or max(lb) < min(la):
        return False
    wa, wb = [w for _, _, w in a], [w for _, _, w in b]
    return (max(wb) <= SMALL and min(wa) - max(wb) >= gap) or (max(wa) <= SMALL and min(wb) - max(wa) >= gap)


def _has_run(ln: _Line) -> bool:
    """Cells glued in one run of digits: the line was squeezed, none of its cells stands in
    its column (`比 較 △12,2000072,804 75,482 △449,058` prints seven columns in the space of
    four); they are placed by count and order."""
    return any(a.end == b.start for a, b in zip(ln.cells, ln.cells[1:]))


def _glued(ln: _Line, i: int) -> bool:
    """The line's i-th cell does not stand where it is printed: it follows its label after a
    single space (`文書配達業務 10,074`), or it was glued to its neighbours in one run of
    digits (`△12,2000072,804`, split in `cells.split_row`)."""
    cell, text = ln.cells[i], ln.text
    if cell.end < len(text) and text[cell.end] not in " \t":
        return True
    start = cell.start
    if start and text[start - 1] not in " \t":
        return True
    return i == 0 and start >= 2 and text[start - 1] == " " and text[start - 2] not in " \t" \
        and bool(ln.label)


def _merge_split_rows(rows: list[Row]) -> list[Row]:
    """A row of one or two cells and no label whose columns the next row leaves empty is part
    of that row (printed on the line above it); else of the row before it, likewise."""
    out: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        lone = not row.path and len(row.cells) <= 2
        if lone and i + 1 < len(rows) and _fits(row, rows[i + 1]) and rows[i + 1].line - row.line <= 2:
            nxt = rows[i + 1]
            nxt.placed = [a if a is not None else b for a, b in zip(nxt.placed, row.placed)]
            nxt.cells = sorted(nxt.cells + row.cells, key=lambda c: (c.end, c.line))
            i += 1
            continue
        if lone and out and _fits(row, out[-1]) and row.line - out[-1].line <= 2:
            prev = out[-1]
            prev.placed = [a if a is not None else b for a, b in zip(prev.placed, row.placed)]
            prev.cells = sorted(prev.cells + row.cells, key=lambda c: (c.end, c.line))
            i += 1
            continue
        out.append(row)
        i += 1
    return out


def _drop_row_numbers(columns: list[Column], rows: list[Row]) -> tuple[list[Column], list[Row]]:
    """A first column of small integers counting up by one (一連番号 83, 84, 85 …) numbers
    the rows: its figures are the rows' ordinals, not cells. Rows that print their label on
    their line read the number as the label's ordinal instead (`1 例規集データ更新業務`);
    together, the two count up by one."""
    if len(columns) < 3:
        return columns, rows
    present = [(r, r.placed[0]) for r in rows if r.placed and r.placed[0] is not None]
    if not present or any(c.decimals or "," in c.text or not 0 < c.value < 1000 for _, c in present):
        return columns, rows
    numbers = [int(r.placed[0].value) if r.placed[0] is not None else
               int(r.ordinal) if r.ordinal.isdigit() else None for r in rows if r.placed]
    counted = [n for n in numbers if n is not None]
    steps = [b - a for a, b in zip(counted, counted[1:])]
    # (an item printing no figure, `限度額に同じ`, is no row: its number is skipped)
    if len(counted) < 3 or any(not 1 <= d <= 3 for d in steps) or sum(d == 1 for d in steps) < 0.8 * len(steps) \
            or len(counted) < 0.8 * len(numbers):
        return columns, rows
    for row, cell in present:
        row.cells = [c for c in row.cells if c is not cell]
        row.path = (f"{cell.text} " + (row.path[-1] if row.path else "")).strip(),
    for row in rows:
        row.placed = row.placed[1:]
    kept = columns[1:]
    for i, col in enumerate(kept):
        col.index = i
    return kept, rows


def _fits(part: Row, whole: Row) -> bool:
    return all(b is None for a, b in zip(part.placed, whole.placed) if a is not None)


def _rows(block: list[_Line], width: int) -> list[Row]:
    """Numeric lines become rows; a row without a label takes it from a label-only line next
    to it: the line below when the row opens with an ordinal (`(1)` … `総務` under it), else the
    line above (`計` over its numbers), else the line below."""
    taken: set[int] = set()
    rows: list[Row] = []
    for i, ln in enumerate(block):
        if not ln.cells:
            continue
        ordinal, label = ln.ordinal, ln.label
        # a lone figure (one cell, no label of its own) is a part of the row above or below
        # it, merged in `_merge_split_rows`: it takes no label from its neighbours
        if not label and not (len(ln.cells) == 1 and not ordinal):
            above = _label_line(block, i, -1, taken)
            below = _label_line(block, i, +1, taken)
            pick = below if (ordinal and below is not None) else (above if above is not None else below)
            if pick is not None:
                taken.add(pick)
                ordinal = ordinal or block[pick].ordinal
                label = block[pick].label
        before = ln.text[: ln.cells[0].start].rstrip()
        row = Row(ln.no, label, list(ln.cells), is_total=is_total_label(label),
                  level=ordinal_level(ordinal), label_end=len(before) if ln.label else 0,
                  ordinal=ordinal, indent=len(ln.text) - len(ln.text.lstrip(" \f")))
        row.path = ((f"{ordinal} " if ordinal else "") + label,) if (label or ordinal) else ()
        rows.append(row)
    return rows


def _label_line(block: list[_Line], i: int, step: int, taken: set[int]) -> int | None:
    j = i + step
    while 0 <= j < len(block) and not block[j].text.strip():
        j += step
    if 0 <= j < len(block) and j not in taken and not block[j].cells and block[j].label \
            and len(block[j].label) <= 20:
        return j
    return None


def place_by_position(cells: list, columns: list[Column], label_end: int = 0) -> list:
    """Each cell under a column, in order; fewer cells than columns go to the nearest edges
    (only columns right of the row's label, where it has one on the line)."""
    width = len(columns)
    if len(cells) == width:
        return list(cells)
    if len(cells) > width:  # wider than the table: keep all, in order (the table grows)
        return list(cells[:width])
    allowed = [c for c in columns if c.end > label_end]
    if label_end and len(allowed) >= len(cells) and len(allowed) < width:
        sub = place_by_position(cells, allowed)
        placed: list = [None] * width
        for col, cell in zip(allowed, sub):
            placed[col.index] = cell
        return placed
    n = len(cells)
    if width > _WIDE_TABLE and width > 4 * n:
        # a table far wider than the row (a line of thousands of figures made it so): only
        # the columns near each cell's edge can take it, and the DP runs over those alone
        ends = [c.end for c in columns]
        near = sorted({k for cell in cells
                       for p in (bisect_left(ends, cell.end),)
                       for k in range(max(0, p - n - 1), min(width, p + n + 1))})
        if len(near) >= n:
            placed = [None] * width
            for k, cell in zip(near, _place_in_order(cells, [columns[k] for k in near])):
                placed[k] = cell
            return placed
    return _place_in_order(cells, columns)


# wider than any printed table (MAX_COLUMNS caps those): a row placed in it searches near edges
_WIDE_TABLE = 64


def _place_in_order(cells: list, columns: list[Column]) -> list:
    """The order-preserving assignment of `cells` to `columns` minimising the distance of
    right edges (a small DP): the placed list, one slot per column."""
    width = len(columns)
    n = len(cells)
    inf = float("inf")
    cost = [[inf] * (width + 1) for _ in range(n + 1)]
    back = [[0] * (width + 1) for _ in range(n + 1)]
    for j in range(width + 1):
        cost[0][j] = 0.0
    for i in range(1, n + 1):
        for j in range(i, width + 1):
            stay = cost[i][j - 1] if j - 1 >= i else inf
            take = cost[i - 1][j - 1] + abs(cells[i - 1].end - columns[j - 1].end)
            if take <= stay:
                cost[i][j], back[i][j] = take, 1
            else:
                cost[i][j], back[i][j] = stay, 0
    placed: list = [None] * width
    i, j = n, width
    while i > 0:
        if back[i][j] == 1:
            placed[j - 1] = cells[i - 1]
            i -= 1
        j -= 1
    return placed


def _headers(header: list[_Line], columns: list[Column], block: list[_Line], rows: list[Row]) -> str:
    """Header words over the columns they stand over, top to bottom.

    Each column has a span (the first character of its widest figures standing at its edge to
    its right edge) and a room (from the edge of the column before it to its own edge). A word
    belongs to the column whose room holds most of it (`_header_words` gives where a word
    stands as printed). A word over several columns (most of each column's span) is a group
    label over them (`７年度中増減見込` over 起債見込額 and 元金償還見込額), and so over the columns
    next to them headed like them (`_group_spans`); a word right of the last column or over
    every column heads none. Characters stacked one per line join (`_join_stacked`); a unit
    word standing alone in a column's header (`人` under 職員数) is that column's unit.
    Returns the words over the row labels, left of every column (`区分`, `特別会計等`): the
    row header, which names what the rows are where the table has no title of its own.
    """
    if not columns:
        return ""
    # a column spans from the first character of its widest figure standing at its edge (in a
    # sparse table no row prints every column) to its right edge
    lefts = []
    for c in columns:
        at_edge = [row.placed[c.index].start for row in rows if c.index < len(row.placed)
                   and row.placed[c.index] is not None and abs(row.placed[c.index].end - c.end) <= NEAR]
        lefts.append(min(at_edge, default=min((ln.cells[c.index].start for ln in block
                                               if len(ln.cells) == len(columns)), default=c.end - 4)))
    stub_end = min(lefts) - 1  # text left of every column is the row headers' (区分), not a column's
    # (a word may end a character or two right of the last column: `増 減     率`)
    last = columns[-1].end + SLACK
    rooms = [(columns[i - 1].end if i else stub_end, c.end if i < len(columns) - 1 else last)
             for i, c in enumerate(columns)]

    def room_of(a: float, b: float) -> int | None:
        best = max(range(len(columns)), key=lambda i: (min(b, rooms[i][1] + 1) - max(a, rooms[i][0] + 1), -i))
        return best if min(b, rooms[best][1] + 1) - max(a, rooms[best][0] + 1) > 0 else None

    # (header line, columns, word, its centre, neighbouring columns it reaches over)
    placed: list[tuple[int, list[int], str, float, list[int]]] = []
    edge_words: list[tuple[int, list[int], str, float, list[int]]] = []
    row_words: list[tuple[int, str]] = []  # (header line, word) over the row labels
    for k, ln in enumerate(header):
        if "\t" in ln.text:
            for i, field in enumerate(ln.text.split("\t")):
                name = normalize_name(field)
                for col in columns:
                    if name and round(col.end) - 1 == i:
                        placed.append((k, [col.index], name, col.end, []))
            continue
        # read as written and as squeezed (`_header_words`): the reading that puts the line's
        # words over more columns (one word per column, none past the last) is how it stands
        line_tokens, line_words = _header_tokens(ln.text)  # (the same in both readings)
        readings = [_words_standing(line_tokens, line_words, _standing(line_tokens, squeezed), room_of)
                    for squeezed in (False, True)]
        spread = [len({room_of(a, b) for a, b, _, end in r if end > stub_end + 1 and a <= last} - {None})
                  for r in readings]
        for a, b, name, written_end in readings[1] if spread[1] > spread[0] else readings[0]:
            if written_end <= stub_end + 1 and not _PAGE_NUMBER.fullmatch(name):
                row_words.append((k, name))  # the row headers' (区分)
                continue
            if written_end <= stub_end + 1 or a > last or _PAGE_NUMBER.fullmatch(name):
                continue  # (right of every column: 備考, no figures)
            spans = [min(b, c.end + 1) - max(a, left - 1) for c, left in zip(columns, lefts)]
            covered = [i for i, ov in enumerate(spans)
                       if ov > 0 and ov >= 0.5 * min(b - a, c_width(columns, lefts, i))]
            if len(covered) == len(columns) > 2:
                continue  # a line over the whole table is its title, not a column's header
            if len(covered) < 2:
                best = room_of(a, b)
                if best is None:
                    continue
                # (and the columns next to it whose figures it reaches over: a group label, if
                # they are headed like its own, `_group_spans`)
                touched = [i for i in (best - 1, best + 1) if 0 <= i < len(columns) and spans[i] > 0]
                placed.append((k, [best], name, (a + b) / 2, touched))
                continue
            placed.append((k, covered, name, (a + b) / 2, []))
        # a word written to end where the first column's figures start that stands, squeezed,
        # over that column (`会 計 別   令和８年度当初予算   令和７年度当初予算   増減額 …`, its
        # wide characters written one cell each), on a line whose other words head every other
        # column, one word each
        on_line = [cols for line, cols, *_ in placed if line == k]
        if all(len(cols) == 1 for cols in on_line) \
                and sorted(i for cols in on_line for i in cols) == list(range(1, len(columns))):
            edge_words += [(k, [0], name, (a + b_squeezed) / 2, [])
                           for (a, _, name, written_end), (_, b_squeezed, _, _) in zip(*readings)
                           if stub_end <= written_end <= stub_end + 1 and room_of(a, b_squeezed) == 0]
    # ... heads the first column where no other word does; else it is the row headers'
    if not any(0 in cols for _, cols, *_ in placed):
        placed += edge_words
        taken = {(k, name) for k, _, name, *_ in edge_words}
        row_words = [w for w in row_words if w not in taken]
    placed = _group_spans(placed, [(left + c.end) / 2 for c, left in zip(columns, lefts)])
    words: list[list[str]] = [[] for _ in columns]
    for k in range(len(header)):
        on_line: dict[int, str] = {}
        for line, cols, name in placed:
            if line == k:
                for i in cols:
                    on_line[i] = on_line.get(i, "") + name
        for i, text in on_line.items():
            words[i].append(text)
    for col in columns:
        found = _join_stacked(words[col.index])
        units = [w for w in found if w in EXACT_UNITS]
        if units and len(found) > len(units):
            col.unit = units[-1]
            found = [w for w in found if w not in EXACT_UNITS]
        elif col.unit is None:
            # a table with no unit statement: the money unit in a column's header (`千円` on the
            # header's units row) is the column's (the word stays in the header, as printed)
            col.unit = next((w for w in reversed(found) if w in UNIT_SCALE), None)
        col.header = tuple(found)
    return normalize_name("".join(_join_stacked([name for _, name in row_words])))


def _group_spans(placed: list[tuple[int, list[int], str, float, list[int]]],
                 centres: list[float]) -> list[tuple[int, list[int], str]]:
    """A group label is printed centred over its columns, so it may stand over some of them
    only (`給   与   費` over 給料 and 期末手当, its group 報酬 … 計): it also heads the columns next
    to the ones it stands over that are headed like them, low in the header, under no other
    word of its line or above. A column headed from the top of the header to its bottom (a
    cell of the full height, 職員数, 共済費) sits in its middle: it is in no group; nor is a
    column nearer another word of the group's line (the next group's)."""
    width = len(centres)
    lines_of: dict[int, list[int]] = {}
    for line, cols, *_ in placed:
        for i in cols:
            lines_of.setdefault(i, []).append(line)
    out = []
    for line, cols, name, centre, touched in placed:
        below = [ln for i in range(width) for ln in lines_of.get(i, []) if ln > line]
        if (len(cols) < 2 and not touched) or not below:
            out.append((line, cols, name))
            continue
        middle = (line + 1 + max(below)) / 2
        # (the words of the line that may head a group: over several columns, or reaching
        # over a neighbour's figures; not a word of one column of its own, 職員数)
        others = [c for ln, cs, n, c, t in placed if ln == line and c != centre and (len(cs) > 1 or t)]

        def low(i: int) -> bool:
            own = [ln for ln in lines_of.get(i, []) if not (i in cols and ln == line)]
            nearer = any(abs(centres[i] - c) < abs(centres[i] - centre) for c in others)
            return bool(own) and min(own) > line and sum(own) / len(own) > middle and not nearer

        if len(cols) < 2:
            # a word over one column reaching over the figures of the next: a group label
            # when both are headed low, else the word of its own column
            if not low(cols[0]) or not any(low(i) for i in touched):
                out.append((line, cols, name))
                continue
            cols = sorted(cols + [i for i in touched if low(i)])
        first, end = cols[0], cols[-1]
        # (a column with no header word of its own does not end the group when one headed
        # like the group's follows it)
        j = first - 1
        while j >= 0 and (low(j) or not lines_of.get(j)):
            if low(j):
                first = j
            j -= 1
        j = end + 1
        while j < width and (low(j) or not lines_of.get(j)):
            if low(j):
                end = j
            j += 1
        out.append((line, list(range(first, end + 1)), name))
    return out


SLACK = 3  # characters right of the last column a header word may still start at
_PAGE_NUMBER = re.compile(r"-?[-―]?\d+[-―]?-?")  # `-1-`, `-― 11 ―-`: page furniture, no header word
LETTER_GAP = 12  # widest run of spaces between the letters of one letter-spaced header word
_UNIT_SPAN = re.compile(r"\(\s*単\s*位[^)]*\)")
_LEAD = re.compile(r"[(（]?\d{1,2}[)）.]?")  # a number opening a header word (`５ 年 度 末`)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _header_words(text: str, room_of=None, squeezed: bool = True) -> list[tuple[float, float, str, int]]:
    """(start, end, word, end as written) of a header line's words, where they stand as printed.

    pdftotext writes a wide (CJK) character in one character cell, while it is as wide as two
    figures, and the space after it in the same wide measure: the words of a header line are
    squeezed to the left of where they stand over the figures, the more the longer the line's
    run of closely set words. Where a word stands is taken as one figure per narrow character
    and two per wide one; a gap of one or two spaces after a wide character (three after a
    word) counts twice; a wider gap ends the run (its next word stands where it is written).
    Not every line is squeezed (a small font sets its words as written): `squeezed=False`
    reads it as written, and `_headers` takes the reading that fits the columns better.
    Words are separated by two spaces, or by one between two words (`現在高 現在高見込額`);
    letter-spaced characters join (`報   酬`, `給   与   費`), and a number opens a word
    (`５ 年 度 末`); a letter-spaced run over columns each of which holds more than one of its
    letters (`人   報  酬   給  料`) is one word per column (`room_of`, where given).
    """
    tokens, words = _header_tokens(text)
    return _words_standing(tokens, words, _standing(tokens, squeezed), room_of)


def _header_tokens(text: str) -> tuple[list[tuple[int, int, str]], list[list[int]]]:
    """A header line's tokens (start, end, text) and its words (the indexes of their tokens),
    as `_header_words` reads them. They do not depend on whether the line was squeezed, so
    `_headers` reads them once for both its readings of the line."""
    tokens: list[tuple[int, int, str]] = []
    tight: set[int] = set()  # tokens set one space from a neighbour (`構 成 比`)
    # (a unit statement, even spaced out over two runs, `(単位      千円)`, is no header word)
    units = [m.span() for m in _UNIT_SPAN.finditer(text)] if "単" in text else []
    for m in _FRAGMENT.finditer(text):
        if _unit_of(m.group()) or _PAGE_NUMBER.fullmatch(normalize_name(m.group())) \
                or any(a < m.end() and m.start() < b for a, b in units):
            continue  # (a unit statement, page furniture `-― 22 ―-`)
        parts = list(re.finditer(r"\S+", m.group()))
        for t in parts:
            if len(parts) > 1:
                tight.add(len(tokens))
            tokens.append((m.start() + t.start(), m.start() + t.end(), t.group()))
    words: list[list[int]] = []  # token indexes of each word
    run: list[int] = []

    def flush() -> None:
        if run:
            words.append(list(run))
        run.clear()

    for k, (a, b, w) in enumerate(tokens):
        single = len(w) == 1 and not w.isdigit()
        lead = bool(_LEAD.fullmatch(w))
        if run:
            gaps = [tokens[y][0] - tokens[x][1] for x, y in zip(run, run[1:])]
            prev = tokens[run[-1]]
            gap = a - prev[1]
            # letters of one word stand evenly apart: a gap much wider than the word's own is
            # the space between two words (`増   減     額            伸     率`)
            # (one or two spaces are close whatever the word's own gaps: in a squeezed line
            # the letters of two words may stand one space apart, `人 報  酬 給  料`)
            # (a tightly set word, `構 成 比`, joins no letters further away)
            if single and w != prev[2] and ((gap <= 2 and max(gaps, default=0) <= 2) or (
                    k not in tight and run[-1] not in tight
                    and gap < min(LETTER_GAP + 1, 2 * max(gaps, default=LETTER_GAP)))):
                run.append(k)
                continue
            if len(run) == 1 and _LEAD.fullmatch(tokens[run[0]][2]) and gap == 1:
                run.append(k)  # `1 特別職`
                flush()
                continue
        flush()
        run.append(k)
        if not (single or lead):
            flush()
    flush()
    # a letter set a little wider from the next (or last) letters of its word than they stand
    # from each other (`給                与            費`) is still one of them
    k = 0
    while k + 1 < len(words):
        x, y = words[k], words[k + 1]
        run_, lone = (y, x) if len(x) == 1 else (x, y)
        own = [tokens[j][0] - tokens[i][1] for i, j in zip(run_, run_[1:])]
        gap = tokens[y[0]][0] - tokens[x[-1]][1]
        if len(lone) == 1 and len(run_) >= 2 and all(len(tokens[i][2]) == 1 and not tokens[i][2].isdigit()
                                                     for i in x + y) \
                and len(set(tokens[i][2] for i in x + y)) == len(x + y) and gap <= 1.5 * max(own) \
                and gap <= 2 * LETTER_GAP:
            words[k:k + 2] = [x + y]
            continue
        k += 1
    return tokens, words


def _standing(tokens: list[tuple[int, int, str]], squeezed: bool) -> list[tuple[float, float]]:
    """Where each token stands as printed, squeezed or as written (see `_header_words`)."""
    phys: list[tuple[float, float]] = []
    for k, (a, b, w) in enumerate(tokens):
        start = float(a)
        if not squeezed:
            phys.append((start, float(b)))
            continue
        if k:
            pa, pb, pw = tokens[k - 1]
            gap = a - pb
            close = _wide(pw[-1]) and (gap <= 2 or (gap == 3 and len(pw) > 1))
            start = max(start, phys[-1][1] + (2 * gap if close else 1))
        phys.append((start, start + sum(2 if _wide(ch) else 1 for ch in w)))
    return phys


def _words_standing(tokens: list[tuple[int, int, str]], words: list[list[int]],
                    phys: list[tuple[float, float]], room_of) -> list[tuple[float, float, str, int]]:
    """The words where they stand, each split over the columns `room_of` gives its letters
    where it spans several of them unevenly spaced (see `_header_words`)."""
    out: list[tuple[float, float, str, int]] = []
    for word in words:
        pieces = [word]
        gaps = {tokens[y][0] - tokens[x][1] for x, y in zip(word, word[1:])}
        if room_of is not None and len(word) >= 3 and len(gaps) > 1:
            # (evenly spaced letters are one word, a group label over several columns)
            where = [room_of(*phys[k]) for k in word]
            split = [tokens[y][0] - tokens[x][1] for x, y, rx, ry in zip(word, word[1:], where, where[1:]) if rx != ry]
            inner = [tokens[y][0] - tokens[x][1] for x, y, rx, ry in zip(word, word[1:], where, where[1:]) if rx == ry]
            cut = [[k for k, r in zip(word, where) if r == room] for room in dict.fromkeys(where)]
            # (split where the letters stand no further apart than inside the pieces, into two
            # words or more: a letter past its column's edge is still its word's)
            if split and inner and max(split) <= max(inner) and sum(len(c) >= 2 for c in cut) >= 2:
                pieces = cut
        for p in pieces:
            name = normalize_name("".join(tokens[k][2] for k in p))
            if name:
                out.append((phys[p[0]][0], phys[p[-1]][1], name, tokens[p[-1]][1]))
    return out





def _header_fragments(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of a header line's words. A word letter-spaced across a column
    group (`本        年    度` over 予算額 and 構成比, `比          較`) is one word spanning
    its letters, not one letter per column; repeated letters (`計     計`) are words of their own."""
    out: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []

    def flush() -> None:
        if len(run) >= 2:
            out.append((run[0][0], run[-1][1], "".join(r[2] for r in run)))
        else:
            out.extend(run)
        run.clear()

    for m in _FRAGMENT.finditer(text):
        a, b = m.span()
        word = m.group()
        single = len(word) == 1 and not word.isdigit()
        gaps = [y[0] - x[1] for x, y in zip(run, run[1:])]
        # letters of one word stand evenly apart: a gap much wider than the word's own is the
        # space between two words (`増   減     額            伸     率`)
        if single and run and a - run[-1][1] < min(LETTER_GAP + 1, 2 * max(gaps, default=LETTER_GAP)) \
                and word != run[-1][2]:
            run.append((a, b, word))
            continue
        flush()
        if single:
            run.append((a, b, word))
        else:
            out.append((a, b, word))
    flush()
    return out


def c_width(columns: list[Column], lefts: list[int], i: int) -> float:
    return max(1.0, columns[i].end - lefts[i] + 1)


def _join_stacked(words: list[str]) -> list[str]:
    """Characters printed one per line (`本`, `年`, `度`) are one word (`本年度`)."""
    out: list[str] = []
    run = ""
    for w in words:
        if len(w) == 1:
            run += w
            continue
        if run:
            out.append(run)
            run = ""
        out.append(w)
    if run:
        out.append(run)
    return out


def _paths(rows: list[Row]) -> None:
    """Row label paths from ordinal nesting: `(1) 総務` under the `1. 普通債` above it."""
    parents: dict[int, str] = {}
    for row in rows:
        if not row.path:
            continue
        parents = {lvl: p for lvl, p in parents.items() if lvl < row.level}
        outer = tuple(parents[lvl] for lvl in sorted(parents))
        parents[row.level] = row.path[-1]
        row.path = outer + row.path if row.level > 0 else row.path


MAX_TITLE_LINES = 3


def _beside_unit(ln: _Line) -> list[_Line]:
    """The words printed on a unit statement's line before it (`１ 特 別 職    (単位 千円)`
    under `給 与 費 明 細 書`): the last part of the title above it, as a line of their own."""
    text = _UNIT_SPAN.sub(lambda m: " " * len(m.group()), ln.text).rstrip()
    label = normalize_name(text)
    if not label or _PAGE_NUMBER.fullmatch(label) or _unit_of(text):
        return []
    return [_Line(ln.no, text, "", label, [], None)]


def _title_run(lines: list[_Line]) -> list[_Line]:
    """The last run of consecutive text lines (a title printed over one to three lines, such as
    `地方債の５年度末における現在高並びに６年度末` / `及び７年度末における…調書`), if it reads as
    a title: words, not a page number or a stray mark."""
    run: list[_Line] = []
    for ln in reversed(lines):
        if run and run[0].no - ln.no > 2 or len(run) == MAX_TITLE_LINES:
            break
        run.insert(0, ln)
    text = normalize_name("".join(ln.text for ln in run))
    return run if len(text) >= 4 and (not _header_like(run[-1]) or _spaced_title(run[-1])) else []


def _spaced_title(ln: _Line) -> bool:
    """A line of five or more letters, each standing alone, none repeated (`給    与    費    明
    細    書`): one word letter-spaced across the page, a title, though its wide gaps break it
    into runs like a header's words."""
    letters = ln.text.split()
    return len(letters) >= 5 and all(len(w) == 1 and _letter(w) for w in letters) \
        and len(set(letters)) == len(letters)


MAX_STACK_GAP = 6  # lines between two characters of one stacked group label


def _stacked_group_labels(block: list[_Line], rows: list[Row]) -> None:
    """A group label printed one character per line down the left margin (`本`, `年`, `度`
    beside the rows 市長等 … 計) is the outer label of the rows beside it: 本年度/市長等.

    Its characters stand left of every row's text, one to a line, a few lines apart, with no
    total row between them (a group closes with its 計); the rows from the line above its first
    character to the line below its last, or down to the total that closes it, are its.
    pdftotext may print a character on the line of the row beside it, in front of the row's
    label (`本 議 員`, `年`, `度 その他`): a single letter opening a row's line, a space or more
    before the label, at the place of a character of the group standing on a line of its own,
    is that character (the row's label is the rest, 議員)."""
    if not rows:
        return

    def indent(ln: _Line) -> int:
        return len(ln.text) - len(ln.text.lstrip())

    lone = [(ln.no, ln.text.strip(), indent(ln)) for ln in block
            if not ln.cells and len(ln.text.strip()) == 1 and not ln.text.strip().isdigit()]
    inline: dict[int, tuple[int, str, int]] = {}  # line → (line, character, place), rest's start
    starts = []
    for ln in block:
        if not ln.cells:
            continue
        at = indent(ln)
        m = _INLINE_CHAR.match(ln.text, at)
        if m and not ln.ordinal and _letter(m.group(1)) and ln.label.startswith(m.group(1)) \
                and len(ln.label) > 1 and any(abs(at - c[2]) <= 1 for c in lone):
            inline[ln.no] = (ln.no, m.group(1), at)
            starts.append(m.end() - 1)
        else:
            starts.append(at)
    if not starts:
        return
    margin = min(starts)
    chars = sorted([c for c in lone if c[2] < margin] + [c for c in inline.values() if c[2] < margin])
    totals = [row.line for row in rows if row.is_total]
    groups: list[list[tuple[int, str, int]]] = []
    for c in chars:
        prev = groups[-1][-1] if groups else None
        # a group closes with its total row (本年度 … 計, then 前年度 … 計)
        if prev and c[0] - prev[0] <= MAX_STACK_GAP and abs(c[2] - prev[2]) <= 1 \
                and not any(prev[0] < t < c[0] for t in totals):
            groups[-1].append(c)
        else:
            groups.append([c])
    for g in groups:
        # (at least one of its characters on a line of its own: letters opening rows' lines
        # alone are the rows' labels)
        if len(g) < 2 or all(no in inline for no, _, _ in g):
            continue
        word = normalize_name("".join(ch for _, ch, _ in g))
        first, last = g[0][0] - 1, g[-1][0] + 1
        closing = [t for t in totals if g[-1][0] < t <= g[-1][0] + MAX_STACK_GAP]
        last = max([last] + closing[:1])  # down to the total that closes the group
        own = {no for no, _, _ in g if no in inline}
        for row in rows:
            if row.line in own and row.path:
                row.label = row.label[1:]
                row.path = row.path[:-1] + (row.path[-1][1:],)
                row.is_total = is_total_label(row.label)
            if first <= row.line <= last and row.path and row.path[0] != word:
                row.path = (word,) + row.path


_INLINE_CHAR = re.compile(r"(\S) +\S")


def _title(header: list[_Line]) -> str:
    """The table's title: the first header line that reads as one (a long line of text)."""
    for ln in header:
        text = normalize_name(ln.text)
        if len(text) >= 6 and not ln.cells and not _unit_of(ln.text) and not _header_like(ln) \
                and "\t" not in ln.text and not _PAGE_NUMBER.fullmatch(text):
            return text
    return ""
