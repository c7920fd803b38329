"""The one table model every layout produces."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(unsafe_hash=True, slots=True)
class Cell:
    """One printed number: its text as printed (normalized), value, line and place in the line.

    `start`/`end` are character offsets in the line as laid out (column-aligned text) or the
    field index (tab-separated rows), used to put the cell under its column.

    Read-only by convention, not `frozen`: every numeric cell of every line is one, and a frozen
    dataclass costs four times as much to build (each field set through `object.__setattr__`);
    `unsafe_hash` keeps the hash a frozen one has (of its fields). A reading that gives a cell a
    unit builds a new cell (`with_unit`).
    """

    line: int
    start: int
    end: int
    text: str
    value: Decimal
    decimals: int  # digits after the point as printed: the precision of the value
    unit: str | None = None  # a unit word printed with this cell (`35,500,000 千円`, `37.1 %`)

    def with_unit(self, unit: str) -> "Cell":
        return Cell(self.line, self.start, self.end, self.text, self.value, self.decimals, unit)


@dataclass
class Row:
    line: int
    label: str                      # the row's own label, normalized (`市税`, `(1) 総務`)
    cells: list[Cell]               # as read, left to right
    path: tuple[str, ...] = ()      # outer labels first, then `label`
    is_total: bool = False
    level: int = 0                  # nesting by ordinal style: `1.` = 0, `(1)` = 1 …
    placed: list[Cell | None] = field(default_factory=list)  # one slot per table column
    proven: bool = False            # a short row placed by the table's row relations
    label_end: int = 0              # where the row's own label ends on its line (aligned text)
    ordinal: str = ""               # the row number opening its line (`1`, `(1)`), if any
    indent: int = 0                 # spaces before the line's text (aligned text: a 項 under its 款)


@dataclass
class Column:
    index: int
    end: float                      # typical right edge (numbers are right-aligned)
    header: tuple[str, ...] = ()    # header words top to bottom (`本年度`, `予算額`)
    unit: str | None = None         # the unit its cells are in (printed with a cell, or the table's)

    @property
    def label(self) -> str:
        return "/".join(self.header)  # (joined on use; header words are few)


@dataclass
class Table:
    table_id: str
    title: str
    unit: str | None
    first_line: int
    last_line: int
    columns: list[Column]
    rows: list[Row]
    ragged: bool = False            # some rows were placed by position, not by count
    aligned: bool = False           # column-aligned text: every cell's column is its position
    headed: bool = True             # a header line stands above its first row: where it starts is known
    row_header: str = ""            # the header words over the row labels (`区分`, `特別会計等`)

    @property
    def widest(self) -> int:
        """Cells in the widest rows: a row with fewer was placed, not read in full."""
        return max((len(row.cells) for row in self.rows), default=0)

    def value(self, r: int, c: int) -> Decimal | None:
        cell = self.rows[r].placed[c]
        return None if cell is None else cell.value


@dataclass
class Identity:
    """One checked relation: `reported` against the signed sum of `terms`."""

    kind: str                       # column_total, parent_children, row_difference, row_sum, roll_forward
    table: Table
    reported: Cell
    terms: list[tuple[int, Cell]]   # (+1 / −1, cell)
    supported_by: str               # the label that makes it an identity, or `n rows`
    row: int | None = None          # the row it was checked on (row identities)
    column: int | None = None       # the column of the reported cell
    ratio: bool = False             # reported = 100 × terms[0] / terms[1] (構成比, 増減率)
    found_from_rows: bool = False   # a relation found from the other rows, not from a label
    covers: tuple[Cell, ...] = ()   # printed cells checked besides the terms (a formula's base)

    @property
    def computed(self) -> Decimal:
        if self.ratio:
            num, den = self.terms[0][1].value, self.terms[1][1].value
            return Decimal(100) * num / den
        return sum((sign * cell.value for sign, cell in self.terms), Decimal(0))

    @property
    def tolerance(self) -> Decimal:
        """Half a unit of the printed precision per rounded figure (the total and each term:
        interval arithmetic over the printed figures).

        Figures in 千円 / 百万円 / % are rounded, each exact to ±0.5 of its last digit, so a
        sum may differ from its printed total by half a unit per figure; yen and counts are
        exact (no tolerance) unless printed with decimals.
        """
        if self.ratio:
            # one unit of the ratio's last printed digit: ratios are rounded and then adjusted
            # so that a 構成比 column adds up to 100.0 (端数調整: 4.851 printed 4.8, 0.541 printed
            # 0.6 in one table); its amounts, if rounded, move the exact ratio by up to
            # 100 × (0.5 / |den|) × (1 + |num / den|)
            # (so a printed ratio may stand half a unit off by rounding and one unit more by
            # the adjustment: 6.468 rounded 6.5, adjusted 6.6 so that its column adds up)
            num, den = self.terms[0][1].value, self.terms[1][1].value
            unit = Decimal(1) / Decimal(10) ** self.reported.decimals
            return unit * Decimal("1.5") + Decimal(50) / abs(den) * (1 + abs(num / den))
        if self.kind == "formula_product":
            # base × rates rounded to the printed figure (down, up or to the nearest): within one
            # unit of its last digit, in 円 as in 千円
            return 2 * _half_unit(self.reported.decimals)
        cells = [self.reported] + [cell for _, cell in self.terms]
        unit = self.table.columns[self.column].unit if self.column is not None else self.table.unit
        if unit in EXACT_UNITS and all(c.decimals == 0 for c in cells):
            return Decimal(0)
        return sum(map(_half_unit, (c.decimals for c in cells)), Decimal(0))

    @property
    def holds(self) -> bool:
        return abs(self.reported.value - self.computed) <= self.tolerance


_HALF_UNITS: dict[int, Decimal] = {}


def _half_unit(decimals: int) -> Decimal:
    """Half a unit of the last digit of a figure printed with `decimals` digits after the
    point (0.5, 0.05 …): worked out once per precision, not once per figure of every check."""
    half = _HALF_UNITS.get(decimals)
    if half is None:
        half = _HALF_UNITS[decimals] = Decimal(5) / Decimal(10) ** (decimals + 1)
    return half


# Units whose integers are exact counts, not rounded amounts.
EXACT_UNITS = frozenset({"円", "人", "件", "回", "台", "人数", "名", "校", "戸", "箇所", "本", "日", "時間", "年"})
