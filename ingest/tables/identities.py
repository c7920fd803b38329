"""Identities found in a table and checked, whatever kind of table it is.

- column totals: a row labelled 計 / 合計 / 小計 … is the sum of the rows it closes (the rows
  since the previous total; for a grand total, the top-level rows or the subtotals);
- parent = Σ children: a row whose ordinal children (`(1)` … under `1.`) follow it;
- row relations across columns: 本年度 − 前年度 = 比較 (c = a − b), parts = whole (a column is
  the sum of the contiguous columns before it: 財源内訳, 計), roll-forwards (a + b − c = d), and
  ratio columns (構成比 = amount / its total, 増減率 = 増減額 / 前年度, in %).

A relation counts only with label support (a total row's label; a header saying 比較 / 増減 /
差引 / 計 / 合計 / 現在高) or when it holds on at least three rows of the table, so that a
coincidence is never taken for one. A labelled total that fails is a mismatch; a row where a
relation found only from the other rows fails is `unverifiable` (the rows may not belong
together), never a mismatch. A blank cell among a relation's terms counts as 0 (nothing printed
in a row of printed figures: 借入額 blank in a year without borrowing).

Rows that print fewer cells than the table has columns are placed by the relations first: of
every order-keeping placement, the one under which the relations hold (`place_short_rows`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from math import comb
from typing import Iterator

from ingest.reading.numbers import RATE_MARK, UNIT_SCALE
from ingest.tables.cells import formula_factor
from ingest.tables.model import EXACT_UNITS, Cell, Identity, Table

MIN_ROWS = 3
_DIFF_WORDS = ("比較", "増減", "差引", "差")
_SUM_WORDS = ("計", "合計", "現在高", "末")
_RATIO_WORDS = ("構成比", "率", "%")


@dataclass(frozen=True)
class Relation:
    """A relation between the columns of every row: target = Σ sign × term (or a ratio)."""

    kind: str
    target: int
    terms: tuple[tuple[int, int], ...]   # (sign, column); for `ratio`: (numerator, denominator)
    support: str
    share_of_total: bool = False         # ratio: denominator is the total row's numerator column


def is_ratio_column(table: Table, c: int) -> bool:
    """構成比 / 増減率 / % columns: not additive, so never summed (their rows do not add up).

    Known by a `%` unit, a header word, or by their figures: decimals throughout, and 100 in
    the total row (a 構成比 under a `(単位 千円、%)` statement that gives no column its unit),
    or decimals throughout in a table whose other columns print whole 円 / 千円.
    """
    col = table.columns[c]
    if _named_ratio(col):
        return True
    cells = [row.placed[c] for row in table.rows if c < len(row.placed) and row.placed[c] is not None]
    if not cells or not all(x.decimals >= 1 for x in cells):
        return False
    totals = [row.placed[c] for row in table.rows if row.is_total and c < len(row.placed)
              and row.placed[c] is not None]
    if totals and all(t.value == 100 for t in totals):
        return True
    # decimals in a table of whole 円 / 千円 amounts: a rate (伸率, 増減率), not an amount
    return col.unit in ("円", "千円") and any(
        cell is not None and cell.decimals == 0
        for row in table.rows for k, cell in enumerate(row.placed) if k != c)


def _named_ratio(col) -> bool:
    """A `%` unit or a ratio word in the header: a ratio column whatever its figures."""
    return col.unit == "%" or any(w in col.label for w in _RATIO_WORDS)


MAX_IDENTITY_COLUMNS = 40  # wider "tables" (a line of thousands of figures) land cell by cell, unchecked


def find_identities(table: Table) -> list[Identity]:
    if len(table.columns) > MAX_IDENTITY_COLUMNS:
        return []
    relations = discover_relations(table)
    place_short_rows(table, relations)
    # which columns are ratios, once: the rows are placed now (the identities below ask often)
    ratio = [is_ratio_column(table, c) for c in range(len(table.columns))]
    numbered = _numbered_groups(table, ratio)
    # (a 節 both numbered over its 細節 and indented over them is one identity, not two)
    heads = {id(i.reported) for i in numbered}
    indented = [i for i in _indented_groups(table, ratio) if id(i.reported) not in heads]
    return (_column_totals(table, ratio) + _parent_children(table, ratio) + _compared_rows(table, ratio)
            + _compared_groups(table, ratio) + _row_identities(table, relations)
            + _breakdowns_in_order(table, relations, ratio)
            + _group_sums(table, ratio) + numbered + indented + _formula_products(table))


def _numbered_groups(table: Table, ratio: list[bool] | None = None) -> list[Identity]:
    """A numbered row is the sum of the unnumbered rows under it, in its column, down to the
    next numbered row: a 予算書 節 and its 細節 (`10 需用費 11,281`, then `消耗品費 1,522`,
    `燃料費 2` … under it), printed one figure a line.

    Found from the rows, as `_group_sums` is: a column counts when it holds on at least three
    groups of two rows or more and fails on at most one in ten of them (or one); then every
    group is checked (one row under a numbered one is its whole printed again), a failing
    one `unverifiable`.
    """
    rows = table.rows
    out: list[Identity] = []
    ratio = _ratio_columns(table, ratio)
    numbered = [r for r, row in enumerate(rows) if row.ordinal[:1].isdigit() and not row.is_total]
    if len(numbered) < MIN_ROWS:
        return out
    for c in range(len(table.columns)):
        if ratio[c]:
            continue
        groups = _head_groups(table, "numbered_group", numbered, c, c, False,
                              f"unnumbered rows under each numbered row of column {c + 1}")
        if _holds_in_most(groups):
            out.extend(groups)
    return out


def _indented_groups(table: Table, ratio: list[bool] | None = None) -> list[Identity]:
    """A numbered row is the sum of the rows indented under it, in each column: a 第1表's 款
    (`15 国庫支出金  16,482,873`) and its 項 printed further right, each on a line of its own
    (`   1 国庫負担金  12,257,787`, `   2 国庫補助金 …`), numbered alike (both `1.` style, so the
    ordinal gives them one level). Aligned text only: the indent is a position.

    A row's children are the rows after it indented deeper, down to the next row indented as
    far as it or less (or a total), those of the shallowest indent among them (a deeper one
    is a grandchild). Found from the rows, as `_numbered_groups`: a column counts when it holds
    on at least three groups of two rows or more and fails on at most one in ten (or one);
    then every group is checked, a failing one `unverifiable`.
    """
    if not table.aligned:
        return []
    rows = table.rows
    ratio = _ratio_columns(table, ratio)
    groups_of: dict[int, list[int]] = {}
    for h, row in enumerate(rows):
        if not row.ordinal[:1].isdigit() or row.is_total:
            continue
        under = []
        for r in range(h + 1, len(rows)):
            if rows[r].is_total or rows[r].indent <= row.indent + NEAR_INDENT:
                break
            under.append(r)
        if under:
            top = min(rows[r].indent for r in under)
            groups_of[h] = [r for r in under if rows[r].indent <= top + NEAR_INDENT]
    if len(groups_of) < MIN_ROWS:
        return []
    out: list[Identity] = []
    for c in range(len(table.columns)):
        if ratio[c]:
            continue
        groups = []
        for h, children in groups_of.items():
            head = rows[h].placed[c]
            parts = [rows[r].placed[c] for r in children if rows[r].placed[c] is not None]
            if head is not None and parts:
                groups.append(Identity("indented_group", table, head, [(1, x) for x in parts],
                                       f"rows indented under each numbered row of column {c + 1}",
                                       row=h, column=c, found_from_rows=True))
        if _holds_in_most(groups):
            out.extend(groups)
    return out


NEAR_INDENT = 1  # indents this close (in characters) are one level's


def _head_groups(table: Table, kind: str, heads: list[int], a: int, b: int, inclusive: bool,
                 support: str) -> list[Identity]:
    """Each head row's figure in column `a` against the figures of column `b` on the rows
    under it (and on its own row, when `inclusive`) down to the next head row or a total row:
    the groups `_numbered_groups` and `_group_sums` judge, one identity a group with a term."""
    rows = table.rows
    out: list[Identity] = []
    for i, h in enumerate(heads):
        head = rows[h].placed[a]
        if head is None:
            continue
        end = heads[i + 1] if i + 1 < len(heads) else len(rows)
        parts = []
        for r in range(h if inclusive else h + 1, end):
            if rows[r].is_total:
                break
            if rows[r].placed[b] is not None:
                parts.append(rows[r].placed[b])
        if parts:
            out.append(Identity(kind, table, head, [(1, x) for x in parts], support, row=h, column=a,
                                found_from_rows=True))
    return out


def _holds_in_most(groups: list[Identity]) -> bool:
    """The rule numbered and indented groups are taken by: at least three groups of two terms
    or more hold, and at most one in ten of them (or one) fails."""
    several, holding = _holding(groups)
    return holding >= MIN_ROWS and len(several) - holding <= max(1, len(several) // 10)


def _holding(groups: list[Identity]) -> tuple[list[Identity], int]:
    """The groups of two terms or more (a one-term group is its whole printed again, no
    evidence of a sum) and how many of them hold."""
    several = [g for g in groups if len(g.terms) >= 2]
    return several, sum(g.holds for g in several)


def _formula_products(table: Table) -> list[Identity]:
    """A formula cell's base × its rates is the figure printed right of it on its row
    (`40,425×1/4   10,106`, a 補助金's 基本額 × 補助率 = 補助額; amounts are rounded down or to
    the nearest, within the precision of the two printed figures). A base printed in 円 in
    a table of 千円 is scaled. Labelled by the printed `×`; a row where it fails is a mismatch
    once it holds on `MIN_ROWS` rows of the table, else `unverifiable` (the figure beside
    the formula may be another column's)."""
    out: list[Identity] = []
    for r, row in enumerate(table.rows):
        for k, cell in enumerate(row.placed):
            if cell is None or RATE_MARK not in cell.text:
                continue
            factor = formula_factor(cell.text)
            reported = next((c for c in row.placed[k + 1:] if c is not None), None)
            if factor is None or reported is None or RATE_MARK in reported.text:
                continue
            col = row.placed.index(reported)
            unit = table.columns[col].unit
            scale = Decimal(UNIT_SCALE[cell.unit]) / UNIT_SCALE[unit] \
                if cell.unit in UNIT_SCALE and unit in UNIT_SCALE else Decimal(1)
            product = cell.value * factor * scale
            term = Cell(cell.line, cell.start, cell.end, cell.text, product, 0)
            out.append(Identity("formula_product", table, reported, [(1, term)], RATE_MARK, row=r, column=col,
                                covers=(cell,)))
    if sum(i.holds for i in out) < MIN_ROWS:
        for i in out:
            i.found_from_rows = True
    return out


def _ratio_columns(table: Table, ratio: list[bool | None] | None) -> list[bool]:
    """`is_ratio_column` of every column: as given (worked out for the rows as placed), or now
    (all of them, or those given as None)."""
    if ratio is None:
        return [is_ratio_column(table, c) for c in range(len(table.columns))]
    if None in ratio:
        return [is_ratio_column(table, c) if r is None else r for c, r in enumerate(ratio)]
    return ratio


def _not_ratio_while_placing(table: Table, placing: set[int]) -> list[bool | None]:
    """False for each column that is no ratio column however the rows in `placing` are placed:
    a row that stays put prints a whole number in it (a ratio column prints decimals in every
    row, `is_ratio_column`); None for the others, worked out for each placement tried."""
    out: list[bool | None] = [None] * len(table.columns)
    for r, row in enumerate(table.rows):
        if r in placing:
            continue
        for c, cell in enumerate(row.placed[:len(out)]):
            if cell is not None and cell.decimals == 0 and not _named_ratio(table.columns[c]):
                out[c] = False
    return out


# ------------------------------------------------------------------------- row relations

def _identity_on(table: Table, rel: Relation, r: int, row_cells=None) -> Identity | None:
    """The relation as an Identity on row `r` (or on a candidate placement of its cells);
    None where the row does not print the target, or too few of its terms to check."""
    row_cells = row_cells if row_cells is not None else table.rows[r].placed
    target = row_cells[rel.target]
    if target is None:
        return None
    if rel.kind == "ratio":
        num_c, den_c = rel.terms[0][1], rel.terms[1][1]
        den = _total_value(table, den_c, r, rel.target) if rel.share_of_total else (
            None if row_cells[den_c] is None else row_cells[den_c].value)
        if row_cells[num_c] is None or not den:
            return None
        return _ratio_identity(table, rel, target, row_cells[num_c], den, r)
    terms = [(s, row_cells[c]) for s, c in rel.terms if row_cells[c] is not None]  # blank = 0
    if len(terms) < 2:
        return None
    return Identity(rel.kind, table, target, terms, rel.support, row=r, column=rel.target)


def _relation_holds(table: Table, rel: Relation, r: int, placed=None) -> bool | None:
    """True / False on row `r` (None when it cannot be checked there). `_Grid.holds` is the
    same test on exact integers, for the search over many candidate relations."""
    ident = _identity_on(table, rel, r, placed)
    return None if ident is None else ident.holds


def _total_value(table: Table, c: int, r: int | None = None, share: int | None = None) -> Decimal | None:
    """The total a share in column `c` is of: the table's last total row; on row `r` of a
    table of groups each closed by its own 計 (whose share prints 100), the first such total
    at or below it."""
    totals = [k for k, row in enumerate(table.rows)
              if row.is_total and c < len(row.placed) and row.placed[c]]
    if not totals:
        return None
    hundred = [k for k in totals if share is not None and share < len(table.rows[k].placed)
               and table.rows[k].placed[share] is not None and table.rows[k].placed[share].value == 100]
    k = next((k for k in hundred if r is not None and k >= r), totals[-1]) if len(hundred) >= 2 else totals[-1]
    return table.rows[k].placed[c].value


def _ratio_identity(table: Table, rel: Relation, target: Cell, num: Cell, den: Decimal,
                    r: int | None) -> Identity:
    den_cell = Cell(target.line, 0, 0, str(den), den, 0)
    return Identity("ratio", table, target, [(1, num), (1, den_cell)], rel.support, row=r,
                    column=rel.target, ratio=True)


class _Grid:
    """A table's values as exact integers (scaled by 2 × 10^decimals), for the relation search.

    The search tries hundreds of candidate relations per table; Decimal arithmetic and
    building an Identity for each try cost more than the rest of the ingest together.
    `holds` agrees with `Identity.holds`: half a unit per rounded figure, exact figures exact.
    """

    def __init__(self, table: Table, rows: list[int]):
        width = len(table.columns)
        cells = [c for r in rows for c in table.rows[r].placed if c is not None]
        self.scale = max((c.decimals for c in cells), default=0)
        self.values: dict[int, list[int | None]] = {}
        self.halves: dict[int, list[int]] = {}  # half a unit of each figure's last digit
        self.exact_unit = [table.columns[c].unit in EXACT_UNITS for c in range(width)]
        for r in rows:
            vals, halves = [], []
            for cell in table.rows[r].placed:
                if cell is None:
                    vals.append(None)
                    halves.append(0)
                    continue
                vals.append(int(cell.value * 2 * 10 ** self.scale))
                halves.append(10 ** (self.scale - cell.decimals))
            self.values[r], self.halves[r] = vals, halves

    def holds(self, rel: Relation, r: int) -> bool | None:
        vals, halves = self.values[r], self.halves[r]
        target = vals[rel.target]
        if target is None:
            return None
        total, present = 0, 0
        tol = halves[rel.target]
        whole = halves[rel.target] == 10 ** self.scale  # no decimals printed
        for sign, c in rel.terms:
            v = vals[c]
            if v is None:
                continue
            present += 1
            total += sign * v
            tol += halves[c]
            whole = whole and halves[c] == 10 ** self.scale
        if present < 2:
            return None
        exact = self.exact_unit[rel.target] and whole  # as Identity.tolerance decides it
        return abs(target - total) <= (0 if exact else tol)


def discover_relations(table: Table) -> list[Relation]:
    """Relations that hold on the rows printing every column (full rows), or, in aligned
    text, where a cell's position gives its column, on every row (a sparse table, such as a
    債務負担行為 調書, may print no row with every column: a blank cell is no term)."""
    width = len(table.columns)
    widest = table.widest
    full = [r for r, row in enumerate(table.rows)
            if row.placed and (table.aligned or len(row.cells) == widest)]
    if width < 3 or not full:
        return []
    labels = [c.label for c in table.columns]
    named_whole = {k: _breakdown_of(table, k) for k in range(width)}
    named_whole = {k: s for k, s in named_whole.items() if s}
    pairs = _compared_pairs(table)
    if len(full) < MIN_ROWS and not named_whole and not pairs and not any(
            w in label for label in labels for w in _DIFF_WORDS + _SUM_WORDS + _RATIO_WORDS):
        return []  # too few rows to find a relation from, and no header naming one
    additive = [c for c in range(width) if not is_ratio_column(table, c)]
    out: list[Relation] = []
    seen_sets: list[set[int]] = []

    grid = _Grid(table, full)

    supports: dict[tuple[int, tuple[str, ...]], bool] = {}

    def accepted(rel: Relation, words: tuple[str, ...], named: bool = False) -> bool:
        if {rel.target, *(c for _, c in rel.terms)} in seen_sets:
            return False  # the same relation read another way round (a = b + c is b = a − c)
        supported = supports.get((rel.target, words))
        if supported is None:
            supported = supports[rel.target, words] = any(w in labels[rel.target] for w in words)
        supported = supported or named
        # found from the rows: on three rows and nearly all; named by the header (比較, 計 …):
        # on most rows (the rows where it then fails are mismatches). Counted on exact
        # integers, stopping as soon as too many rows have failed (most candidates fail at once).
        allowed = len(full) // 3 if supported else len(full) // 5
        holding = failing = 0
        for r in full:
            ok = grid.holds(rel, r) if rel.kind != "ratio" else _relation_holds(table, rel, r)
            if ok is None:
                continue
            if ok:
                holding += 1
            else:
                failing += 1
                if failing > allowed:
                    return False
        informative = holding + failing
        return (holding >= MIN_ROWS and holding >= 0.8 * informative) or (
            supported and holding >= 1 and (holding == informative or (
                holding >= MIN_ROWS and holding * 3 >= 2 * informative)))

    for k in additive:
        before = [c for c in additive if c < k]
        found = None
        # (a column's support is one text for every candidate relation onto it)
        diff_support, sum_support = _support(table, k, _DIFF_WORDS), _support(table, k, _SUM_WORDS)
        for i, j in combinations(before, 2):
            # (本年度 − 前年度 is named by its operands where the 比較 header is misread)
            # (so named, a row where it fails is unverifiable, not a mismatch: the 比較 column
            # was not read from its own header)
            named = (i, j) in pairs
            rel = Relation("row_difference", k, ((1, i), (-1, j)),
                           f"named by {labels[i]} − {labels[j]}"
                           if named and not diff_support.startswith("header") else diff_support)
            if accepted(rel, _DIFF_WORDS, named):
                found = rel
                break
        if found is None:
            # the later column less the earlier: a 予算残額 = 予算現額 − 本月末累計 (found from
            # the rows, or named by a header saying 差 / 残)
            for i, j in combinations(before, 2):
                rel = Relation("row_difference", k, ((1, j), (-1, i)), diff_support)
                if accepted(rel, _DIFF_WORDS):
                    found = rel
                    break
        if found is None:
            for i in range(len(before) - 2, -1, -1):
                cols = before[i:]
                if cols != list(range(cols[0], k)):
                    continue
                rel = Relation("row_sum", k, tuple((1, c) for c in cols), sum_support)
                if accepted(rel, _SUM_WORDS):
                    found = rel
                    break
        if found is None and width <= MAX_RELATION_COLUMNS:
            for a, b, c in combinations(before, 3):
                rel = Relation("roll_forward", k, ((1, a), (1, b), (-1, c)), sum_support)
                if accepted(rel, _SUM_WORDS):
                    found = rel
                    break
        if found is not None:
            out.append(found)
            seen_sets.append({found.target, *(c for _, c in found.terms)})
    for k in additive:
        # the whole before its parts: 金額 then its 財源内訳 (国県支出金 … 一般財源), next to it,
        # or, where the header names the breakdown of this column (`本年度予算額の財源内訳`),
        # a run of columns further right (past its 前年度 and 比較)
        after = [c for c in additive if c > k]
        sum_support = _support(table, k, _SUM_WORDS)
        named = k in named_whole
        starts = range(len(after)) if named else range(min(1, len(after)))
        # (its parts are not the columns compared with it: 前年度 and 比較)
        compared = {c for rel in out for c in (rel.target, *(t for _, t in rel.terms))
                    if k in (rel.target, *(t for _, t in rel.terms))}
        found = None
        for i in starts:
            for j in range(len(after), i + 1, -1):
                cols = after[i:j]
                if cols != list(range(cols[0], cols[-1] + 1)) or (not named and cols[0] != k + 1) \
                        or (named and compared & set(cols)):
                    continue
                rel = Relation("row_sum", k, tuple((1, c) for c in cols),
                               named_whole[k] if named else sum_support)
                if accepted(rel, (), named):
                    found = rel
                    break
            if found is not None:
                break
        if found is not None:
            out.append(found)
            seen_sets.append({k, *(c for _, c in found.terms)})
    for k in range(width):
        if k in additive:
            continue
        found = None
        ratio_support = _support(table, k, _RATIO_WORDS)
        for j in additive:
            if j > k:
                break
            rel = Relation("ratio", k, ((1, j), (1, j)), ratio_support, True)
            if accepted(rel, ()):
                found = rel
            else:
                for i in additive:
                    if i == j:
                        continue
                    rel = Relation("ratio", k, ((1, j), (1, i)), ratio_support)
                    if accepted(rel, ()):
                        found = rel
                        break
            if found is not None:
                break
        if found is not None:
            out.append(found)
    return out


MAX_PLACEMENTS = 4096  # combinations of short-row placements tried against the column totals
MAX_ROW_PLACEMENTS = 2000  # order-keeping placements of one short row tried
MAX_RELATION_COLUMNS = 16  # wider tables: only differences and sums are searched (no roll-forwards)


def place_short_rows(table: Table, relations: list[Relation]) -> None:
    """Put the cells of rows shorter than the table under the columns the identities prove.

    For each short row, the order-keeping placements under which no row relation fails and
    at least one holds are its candidates. One candidate is taken; where rows have several
    (an opening balance or a borrowing left blank both fit a + b − c = d), the combination
    under which the table's labelled totals hold in every column is taken if it is the only
    one (`Row.proven`). Otherwise the rows keep their placement by position (or order).
    """
    width = len(table.columns)
    additive_rel = [rel for rel in relations if rel.kind != "ratio"]
    if not additive_rel:
        return
    options: dict[int, list[list]] = {}
    widest = table.widest
    for r, row in enumerate(table.rows):
        n = len(row.cells)
        if n >= widest or n < 2 or comb(width, n) > MAX_ROW_PLACEMENTS:
            continue
        good = []
        for cols in combinations(range(width), n):
            placed: list = [None] * width
            for cell, c in zip(row.cells, cols):
                placed[c] = cell
            results = [_relation_holds(table, rel, r, placed) for rel in additive_rel]
            if any(ok is False for ok in results) or not any(ok for ok in results):
                continue
            good.append(placed)
        if good:
            options[r] = good
    single = {r: opts[0] for r, opts in options.items() if len(opts) == 1}
    several = {r: opts for r, opts in options.items() if len(opts) > 1}
    for r, placed in single.items():
        table.rows[r].placed, table.rows[r].proven = placed, True
    if not several:
        return
    total = 1
    for opts in several.values():
        total *= len(opts)
    if total > MAX_PLACEMENTS or not any(row.is_total for row in table.rows):
        return
    fitting = []
    keys = sorted(several)
    ratio = _not_ratio_while_placing(table, set(keys))
    for choice in _product([several[r] for r in keys]):
        for r, placed in zip(keys, choice):
            table.rows[r].placed = placed
        if _totals_hold(table, ratio):
            fitting.append(choice)
            if len(fitting) > 1:
                break
    if len(fitting) == 1:
        for r, placed in zip(keys, fitting[0]):
            table.rows[r].placed, table.rows[r].proven = placed, True
    else:
        for r in keys:
            table.rows[r].placed = _by_position(table, table.rows[r])


def _product(lists: list[list]):
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for tail in _product(lists[1:]):
            yield (head,) + tail


def _by_position(table: Table, row) -> list:
    from ingest.tables.layout import place_by_position

    return place_by_position(row.cells, table.columns)


def _totals_hold(table: Table, ratio: list[bool | None] | None = None) -> bool:
    """The table's labelled totals hold in every column (and it has one). Tried for every
    combination of short-row placements, so it stops at the first total row that fails."""
    found = False
    # (the plain readings only: a placement is judged by the totals as printed, not by the
    # searches `_total_readings` makes for a total that fails)
    for ids in _total_readings(table, ratio, search=False):
        if not all(i.holds for i in ids):
            return False
        found = found or bool(ids)
    return found


def _row_identities(table: Table, relations: list[Relation]) -> list[Identity]:
    out: list[Identity] = []
    for rel in relations:
        for r in range(len(table.rows)):
            ident = _identity_on(table, rel, r)
            if ident is not None:
                ident.found_from_rows = not rel.support.startswith("header")
                out.append(ident)
    return out


_BREAKDOWN = "内訳"
_COMPARED = (("本年度", "前年度"),)  # (this year, last year): their difference is the 比較


def _breakdown_of(table: Table, k: int) -> str:
    """The header that names column k's breakdown, or "": a title or header word saying
    `<column k's name>の…内訳` (`本年度予算額の財源内訳` over a 目 table whose 財源 columns
    follow its 本年度予算額, 前年度予算額 and 比較). A named breakdown is an identity even on a
    table of one row, where none could be found from the rows."""
    col = table.columns[k]
    names = [w for w in col.header if w not in UNIT_SCALE and w not in EXACT_UNITS and len(w) >= 2]
    if not names:
        return ""
    texts = [table.title] + [w for c in table.columns for w in c.header]
    for text in texts:
        cut = text.find(_BREAKDOWN)
        if cut <= 0:
            continue
        # (the name it gives, `本年度予算額` of `本年度予算額の財源内訳`, heads the column, or
        # opens its header where the next column's name was read into it: `本年度予算額前年度予算額`)
        whole = text[:cut].rsplit("の", 1)[0] if "の" in text[:cut] else ""
        opens = bool(whole) and len(whole) >= 2 and any(n.startswith(whole) for n in names) and not any(
            any(n.startswith(whole) for n in c.header) for c in table.columns[:k])
        if opens or any(0 <= text.find(n) < cut for n in names):
            return f"title {text}" if text == table.title else f"group {text}"
    return ""


def _compared_pairs(table: Table) -> set[tuple[int, int]]:
    """Columns (i, j), i left of j, headed this year's and last year's (`本年度予算額`,
    `前年度予算額`): their difference is an identity wherever a column right of them prints
    it, even where the 比較 header over it is misread (letter-spaced into its neighbours)."""
    out = set()
    for this, last in _COMPARED:
        mine = [c.index for c in table.columns if this in c.label and last not in c.label]
        theirs = [c.index for c in table.columns if last in c.label and this not in c.label]
        out |= {(i, j) for i in mine for j in theirs if i < j}
    return out


def _breakdowns_in_order(table: Table, relations: list[Relation], ratio: list[bool]) -> list[Identity]:
    """A breakdown named over the table (`本年度予算額の財源内訳`) that no column relation
    found: on each row, the named column's figure against the figures printed after those
    compared with it (its 前年度 and 比較), by their order on the row, wherever the columns
    put them. A table continued over pages whose columns stand a little differently on each
    (the 財源 of one page's 目 under another page's columns) is read so, row by row.

    Named by the title, so a row where it fails is `unverifiable` (its parts may have been
    read into the wrong row); taken only where it holds on two rows in three."""
    found = {rel.target for rel in relations if rel.kind == "row_sum"}
    out: list[Identity] = []
    for k in range(len(table.columns)):
        support = _breakdown_of(table, k) if k not in found and not ratio[k] else ""
        if not support:
            continue
        # (its 比較: the first difference it is a term of, the column nearest it)
        compared = sorted((rel for rel in relations if rel.kind == "row_difference"
                           and k in (c for _, c in rel.terms)), key=lambda rel: rel.target)[:1]
        if not compared:
            continue  # (without its 比較, where its parts begin on a row is not known)
        cols = {c for rel in compared for c in (rel.target, *(t for _, t in rel.terms))}
        ids = []
        for r, row in enumerate(table.rows):
            head = row.placed[k] if k < len(row.placed) else None
            shown = [row.placed[c] for c in cols if c < len(row.placed) and row.placed[c] is not None]
            if head is None or len(shown) < len(cols):
                continue  # (its 前年度 and 比較 printed, so that its parts are the cells after them)
            last = max(row.cells.index(c) for c in shown)
            parts = [c for c in row.cells[last + 1:]]
            if parts:
                ids.append(Identity("row_sum", table, head, [(1, c) for c in parts],
                                    f"{support}, by order", row=r, column=k, found_from_rows=True))
        holding = sum(i.holds for i in ids)
        if holding and 3 * holding >= 2 * len(ids):
            out.extend(ids)
    return out


def _support(table: Table, k: int, words: tuple[str, ...]) -> str:
    label = table.columns[k].label
    hit = next((w for w in words if w in label), None)
    return f"header {label}" if hit else f"holds on ≥{MIN_ROWS} rows"


# ------------------------------------------------------------------------- column identities

def _column_sum_check(table: Table, total_r: int, part_rs: list[int], kind: str,
                      support: str, ratio: list[bool]) -> list[Identity]:
    out = []
    for c in range(len(table.columns)):
        if ratio[c]:
            continue
        reported = table.rows[total_r].placed[c]
        if reported is None:
            continue
        present = [table.rows[r].placed[c] for r in part_rs if table.rows[r].placed[c] is not None]
        if not present:
            continue
        out.append(Identity(kind, table, reported, [(1, t) for t in present], support, column=c))
    return out


def _column_totals(table: Table, ratio: list[bool] | None = None) -> list[Identity]:
    """Each total row against the rows it closes; the reading that holds is taken."""
    return [ident for ids in _total_readings(table, ratio) for ident in ids]


def _total_readings(table: Table, ratio: list[bool] | None = None,
                    search: bool = True) -> Iterator[list[Identity]]:
    """The identities of each total row in turn, in the reading taken (`_column_totals`);
    with `search`, a total that fails over its rows is also read through unlabelled
    subtotals or over an earlier total."""
    ratio = _ratio_columns(table, ratio) if any(row.is_total for row in table.rows) else []
    start = 0
    sub_totals: list[int] = []
    rows = table.rows
    for t, row in enumerate(rows):
        if not row.is_total:
            continue
        label = row.path[-1] if row.path else "計"
        plain = [r for r in range(start, t) if not rows[r].is_total and not _states_its_amount(rows[r], row)]
        top_level = min((rows[p].level for p in plain), default=0)
        top = [r for r in plain if rows[r].level == top_level]
        candidates = []
        if sub_totals and not label.startswith("小"):
            candidates.append(sub_totals + [r for r in plain if r > max(sub_totals)])
        candidates += [top, plain]
        best = None
        for parts in candidates:
            if not parts:
                continue
            ids = _column_sum_check(table, t, parts, "column_total", label, ratio)
            if ids and all(i.holds for i in ids):
                best = ids
                break
            if best is None:
                best = ids
        if search and best and not all(i.holds for i in best):
            best = (_through_unlabelled_subtotals(table, t, plain, label, ratio)
                    or _over_an_earlier_total(table, t, start, plain, label, ratio) or best)
        yield best or []
        if label.startswith("小"):
            sub_totals.append(t)
        else:
            sub_totals = []
        start = t + 1


def _states_its_amount(row, total) -> bool:
    """A heading printed with its amount and money unit (`6款 農林水産業費   978,051千円`, a
    budget book's running page header) among the rows a total closes, whose own figures
    print no unit: the page's words, not a term of the total."""
    return len(row.cells) == 1 and row.cells[0].unit in UNIT_SCALE \
        and not any(cell.unit for cell in total.cells)


MAX_SUBTOTAL_PARTS = 6
MAX_SEARCHED_ROWS = 8


def _holds_in_columns(ids: list[Identity], spare: int) -> bool:
    """Holds in at least `MIN_ROWS` columns with figures other than 0 (0 = 0 + 0 proves
    nothing), and fails in at most `spare` of them (a reading that fails in one column of
    many is that column's misprint, not a coincidence)."""
    if len(ids) < MIN_ROWS:
        return False
    holding = [i for i in ids if i.holds]
    telling = sum(1 for i in holding if i.reported.value != 0)
    return telling >= MIN_ROWS and len(ids) - len(holding) <= spare


_TOTAL_RANKS = ("小計", "計", "合計", "総計")


def _rank(label: str) -> int:
    """How far a total reaches: 小計 < 計 < 合計 < 総計 (by the word its label ends with)."""
    bare = label.replace(" ", "")
    return max((k for k, w in enumerate(_TOTAL_RANKS) if bare.endswith(w)), default=-1)


def _through_unlabelled_subtotals(table: Table, t: int, plain: list[int], label: str,
                                  ratio: list[bool]) -> list[Identity] | None:
    """The total of row `t` over its rows with their unlabelled subtotals in place of the rows
    they add up, when that reading holds in all its columns but at most one; with the
    subtotals' own identities (found from the rows: one failing is `unverifiable`). None
    otherwise.

    A row that is the sum of the rows right above it, in every column it prints but at most
    one and in at least three (`普通交付税(算定額)` + `(調整額)` = `(実交付額)`, then 合計 =
    実交付額 + 臨時財政対策債), is a subtotal its label does not name; the shortest run of rows
    it adds up in every column is taken, else the shortest in all but one.
    """
    parts, found = list(plain), []
    j = 2
    while j < len(parts):
        s = parts[j]
        if sum(1 for c in table.rows[s].cells if c.value) < MIN_ROWS:
            j += 1  # (a row of fewer than three figures is no subtotal found this way)
            continue
        runs = [parts[j - size:j] for size in range(2, min(j, MAX_SUBTOTAL_PARTS) + 1)]
        checked = [(run, _column_sum_check(table, s, run, "column_total", table.rows[s].label, ratio))
                   for run in runs]
        hit = next(((run, ids) for spare in (0, 1) for run, ids in checked
                    if _holds_in_columns(ids, spare) and any(len(i.terms) >= 2 for i in ids)), None)
        if hit is not None:
            run, ids = hit
            for i in ids:
                i.found_from_rows = True
                i.supported_by = f"subtotal: holds in {sum(x.holds for x in ids)} columns"
            found.extend(ids)
            parts[j - len(run):j] = []
            j -= len(run)
        j += 1
    if not found:
        return None
    ids = _column_sum_check(table, t, parts, "column_total", label, ratio)
    return ids + found if _holds_in_columns(ids, 1) else None


def _over_an_earlier_total(table: Table, t: int, start: int, plain: list[int], label: str,
                           ratio: list[bool]) -> list[Identity] | None:
    """A grand total over one earlier total of a lower rank and some of the rows since it
    (`総計` = 実績 `合計` + 特別交付税(決定額), the 県要望額 row above it a memo; a 計 is never
    taken over the 計 of the part before it, which a row of the same figures could mimic), when that
    reading holds in every column the total prints but at most one, and in at least three:
    the most rows that hold are taken. None otherwise (and for more than `MAX_SEARCHED_ROWS`
    rows)."""
    rank = _rank(label)
    earlier = [k for k in range(start - 1, -1, -1) if table.rows[k].is_total
               and _rank(table.rows[k].path[-1] if table.rows[k].path else "計") < rank]
    if not earlier or not plain or len(plain) > MAX_SEARCHED_ROWS:
        return None
    for spare in (0, 1):
        for k in earlier:
            for size in range(len(plain), 0, -1):
                for kept in combinations(plain, size):
                    ids = _column_sum_check(table, t, [k, *kept], "column_total", label, ratio)
                    if _holds_in_columns(ids, spare):
                        for i in ids:
                            i.supported_by = (f"{label}: an earlier total and rows that hold in "
                                              f"{sum(x.holds for x in ids)} columns")
                        return ids
    return None


def _compared_rows(table: Table, ratio: list[bool] | None = None) -> list[Identity]:
    """A row labelled 比較 / 増減 / 差引 is the row two above it minus the row above it, in each
    column (本年度, 前年度, 比較 printed as rows)."""
    out: list[Identity] = []
    rows = table.rows
    for r, row in enumerate(rows):
        label = row.path[-1] if row.path else ""
        # (比較 / 増減 end the label: `その他の増減分` is an item of a breakdown of 増減, not a row
        # comparing the two above it)
        bare = label.replace(" ", "")
        if r < 2 or not ("差引" in bare or bare.endswith(_DIFF_WORDS[:2])):
            continue
        first, second = rows[r - 2], rows[r - 1]
        if any(any(w in (x.path[-1] if x.path else "") for w in _DIFF_WORDS[:3]) for x in (first, second)):
            continue
        ratio = _ratio_columns(table, ratio)
        out.extend(_row_differences(table, r, r - 2, r - 1, label, ratio))
    return out


def _row_differences(table: Table, r: int, a_r: int, b_r: int, label: str,
                     ratio: list[bool]) -> list[Identity]:
    """Row `r` = row `a_r` − row `b_r`, in each column that is no ratio and prints the
    difference and at least one of its terms (a term not printed counts as none)."""
    out: list[Identity] = []
    row, first, second = table.rows[r], table.rows[a_r], table.rows[b_r]
    for c in range(len(table.columns)):
        if ratio[c]:
            continue
        reported, a, b = row.placed[c], first.placed[c], second.placed[c]
        if reported is None or (a is None and b is None):
            continue
        terms = [(1, a)] if a is not None else []
        terms += [(-1, b)] if b is not None else []
        out.append(Identity("compared_rows", table, reported, terms, label, row=r, column=c))
    return out


def _parent_children(table: Table, ratio: list[bool] | None = None) -> list[Identity]:
    """A row followed by rows one level deeper (its children): parent = Σ children, taken when
    it holds in at least three columns (or in every column the parent prints)."""
    out: list[Identity] = []
    rows = table.rows
    for p, row in enumerate(rows):
        children = []
        for r in range(p + 1, len(rows)):
            if rows[r].level <= row.level or rows[r].is_total:
                break
            if rows[r].level == row.level + 1:
                children.append(r)
        if len(children) < 2:
            continue
        ratio = _ratio_columns(table, ratio)
        ids = _column_sum_check(table, p, children, "parent_children", row.path[-1] if row.path else "",
                                ratio)
        holding = sum(i.holds for i in ids)
        if len(ids) >= 2 and holding >= min(MIN_ROWS, len(ids)):
            for i in ids:
                i.found_from_rows = True
            out.extend(ids)
    return out


MAX_GROUP_COLUMNS = 16


def _group_sums(table: Table, ratio: list[bool] | None = None) -> list[Identity]:
    """A figure that is the sum of another column over its own row and the rows under it,
    down to the next row printing a figure in its column: a 予算書 明細's 節 金額 and the 説明
    amounts printed beside and below it (`1 物品売払収入 7,847 都市計画図等売払収入 193`, then
    `博物館出版物等有償頒布収入 981` …), or a 説明 細目 printed right of its 細々目 (`002 健康教育・
    相談費 2,781` over `001 健康教育事業費 578` …). Aligned text only (the columns must be
    certain).

    Found from the rows, not named by any label: the pair of columns counts only when it
    holds on at least three groups of two or more terms, and on nearly all of them (or on
    every such group, one of them summing three figures or more); then
    every group is checked (a one-term group is the whole printed once more), and a group
    where it fails is `unverifiable`, never a mismatch.
    """
    width = len(table.columns)
    if not table.aligned or width < 2 or width > MAX_GROUP_COLUMNS:
        return []
    rows = table.rows
    out: list[Identity] = []
    ratio = _ratio_columns(table, ratio)
    for a in range(width):
        if ratio[a]:
            continue
        heads = [r for r, row in enumerate(rows) if row.placed[a] is not None and not row.is_total]
        if len(heads) < MIN_ROWS:
            continue
        for b in range(width):
            if b == a or ratio[b]:
                continue
            groups = _head_groups(table, "group_sum", heads, a, b, True,
                                  f"column {b + 1} under each figure of column {a + 1}")
            several, holding = _holding(groups)
            # three figures or more adding up to a fourth is no coincidence, even once
            if (holding >= MIN_ROWS and holding >= 0.9 * len(several)) or (
                    several and holding == len(several) and any(len(g.terms) >= 3 for g in several)):
                out.extend(groups)
                break
    return out


def _compared_groups(table: Table, ratio: list[bool] | None = None) -> list[Identity]:
    """Row groups labelled 本年度, 前年度, 比較 (a stacked group label over 市長等 … 計): each row
    of the 比較 group is the row of the same label in the group two before it minus the one in
    the group before it, in each column."""
    groups: list[tuple[str, dict[tuple[str, ...], int]]] = []
    for r, row in enumerate(table.rows):
        if len(row.path) < 2:
            continue
        if not groups or groups[-1][0] != row.path[0]:
            groups.append((row.path[0], {}))
        groups[-1][1].setdefault(row.path[1:], r)
    out: list[Identity] = []
    for k in range(2, len(groups)):
        label, members = groups[k]
        if not any(w in label for w in _DIFF_WORDS[:3]):
            continue
        (_, first), (_, second) = groups[k - 2], groups[k - 1]
        for inner, r in members.items():
            a_r, b_r = first.get(inner), second.get(inner)
            if a_r is None or b_r is None:
                continue
            ratio = _ratio_columns(table, ratio)
            out.extend(_row_differences(table, r, a_r, b_r, label, ratio))
    return out
