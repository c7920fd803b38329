"""Identities between the tables of one document: a row of one table that is the sum of rows
printed in the tables after it.

A budget book's 事項別明細書 prints, page by page, a table of its 目 (`1 一般管理費  2,074,044 …`)
and beside or under it the list of that 目's 節 (`2 給料 765,532`, `3 職員手当等 1,038,281` …),
which runs on over the next pages, past the next page's 目 table, until the next 目's 節 begin
at `1 報酬` again. The 目 is the sum of its 節; the two are never one table. What ties them
is the printed numbering: a 目's 節 are numbered upwards, and the numbers start again for the
next 目. So the 節 of all the pages, read in order and cut where the numbering starts again,
are one run per 目, and the runs follow the 目 in the order the 目 are printed.

Which tables hold the heads and which the parts is read from what the document prints over
their row labels (`Table.row_header`): tables headed alike are one list (the heads), the
numbered rows of every other table the parts. Nothing names a document, a kind of book or a
word: any list of numbered heads whose parts follow it in numbered runs is found so.

Found from the rows, as a table's numbered groups are: a pairing counts when at least three
heads of runs of two parts or more hold and at most one in ten of them fails (or one); then
every head is checked, and a failing one is `unverifiable` (its run may not have been read
whole), never a mismatch.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ingest.tables.identities import MIN_ROWS, _holding
from ingest.tables.model import Cell, Identity, Table

_NUMBER = re.compile(r"\d+")
MAX_CANDIDATES = 3  # runs beginning between a head and the next tried against it, first first


def _number(ordinal: str) -> int | None:
    """A row's number as printed (`2`, `13`); a code (`001`, a leading zero) numbers no 節."""
    m = _NUMBER.match(ordinal)
    if m is None or (len(m.group()) > 1 and m.group().startswith("0")):
        return None
    return int(m.group())


def _kind(table: Table) -> str:
    """What the rows of a table are, as printed over their labels: the last letter of its row
    header (`目`, `節`); the words before it on that line are a wrapped label's tail (`費節`)."""
    return table.row_header[-1:]


def _numbered(tables: list[Table]) -> list[tuple[int, Table, int, int, Cell]]:
    """(line, table, row, number, first figure) of the numbered rows of the tables, in the
    order they are printed. A numbered row's first figure is its amount (a 目's 本年度予算額, a
    節's 金額), wherever the page's layout put it among the columns."""
    out = []
    for t in tables:
        for r, row in enumerate(t.rows):
            if row.is_total or not row.cells:
                continue
            n = _number(row.ordinal)
            if n is not None:
                out.append((row.line, t, r, n, row.cells[0]))
    out.sort(key=lambda x: x[0])
    return out


def _runs(parts: list[tuple[int, Table, int, int, Cell]]) -> list[list[tuple[int, Table, int, int, Cell]]]:
    """The parts cut where their numbering starts again (a number no greater than the last)."""
    runs: list[list] = []
    for p in parts:
        if runs and p[3] > runs[-1][-1][3]:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _column_of(table: Table, r: int, cell: Cell) -> int | None:
    placed = table.rows[r].placed
    return next((c for c, x in enumerate(placed) if x is cell), None)


def _identity(head: tuple, run: list[tuple]) -> Identity:
    line, table, r, _, cell = head
    return Identity("numbered_run", table, cell, [(1, p[4]) for p in run],
                    f"numbered rows after it (numbers {run[0][3]}–{run[-1][3]}), to where their "
                    "numbering starts again", row=r, column=_column_of(table, r, cell),
                    found_from_rows=True)


def _adding_up(head: tuple, run: list[tuple]) -> int | None:
    """How many of the run's first parts add up to the head (all of them first, then fewer), or
    None. Sums of the printed values narrow the search (within one unit a part, more than any
    rounding allows); `Identity.holds` decides."""
    value = head[4].value
    sums, total = [], 0
    for p in run:
        total += p[4].value
        sums.append(total)
    for m in range(len(run), 0, -1):
        if abs(value - sums[m - 1]) <= m + 1 and _identity(head, run[:m]).holds:
            return m
    return None


def _pair(heads: list[tuple], runs: list[list[tuple]]) -> list[Identity]:
    """Each head against a run, in order. The heads of one table (several 目 begun on one
    page) take, one after the other, the runs that begin after the table's first head and
    before the next table's: the first untaken that adds up to the head, among the next few;
    or the first part of one (where a head's parts end and the next head's begin with no
    number starting again: `13 使用料` then `18 負担金` of the next 目), the rest left for the
    next head; else the first run, which does not hold."""
    out: list[Identity] = []
    groups: list[list[tuple]] = []
    for h in heads:
        if groups and groups[-1][0][1] is h[1]:
            groups[-1].append(h)
        else:
            groups.append([h])
    starts = [run[0][0] for run in runs]  # (in the order printed: the parts were sorted by line)
    for g, group in enumerate(groups):
        begin = bisect_right(starts, group[0][0])
        end = bisect_left(starts, groups[g + 1][0][0]) if g + 1 < len(groups) else len(runs)
        window = [list(run) for run in runs[begin:end]]
        for head in group:
            if not window:
                break
            made = None
            for k, run in enumerate(window[:MAX_CANDIDATES]):
                cut = _adding_up(head, run)
                if cut is None:
                    continue
                made, rest = _identity(head, run[:cut]), (run[cut:] if cut < len(run) else None)
                window = window[k + 1:] if rest is None else [rest] + window[k + 1:]
                break
            if made is None:
                made = _identity(head, window[0])
                window = window[1:]
            out.append(made)
    return out


def numbered_runs(tables: list[Table]) -> list[Identity]:
    """Each numbered head row of one kind of table against the run of numbered rows of the
    other tables printed after it: see the module."""
    numbered = _numbered(tables)
    kind_of = {id(t): _kind(t) for t in tables}
    out: list[Identity] = []
    for kind in sorted({k for k in kind_of.values() if k}):
        heads = [n for n in numbered if kind_of[id(n[1])] == kind]
        if len(heads) < MIN_ROWS:
            continue
        found = _pair(heads, _runs([n for n in numbered if kind_of[id(n[1])] != kind]))
        # (taken as a relation found from the rows is: on three heads and four in five of
        # those whose runs have two parts or more; a one-part run is its head printed again)
        several, holding = _holding(found)
        if holding >= MIN_ROWS and holding >= 0.8 * len(several):
            out.extend(found)
    return out
