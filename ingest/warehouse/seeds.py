"""Write seeds as deterministic UTF-8 CSV: the same rows give byte-identical files.

Files are written to a temporary name and renamed into place only after every seed of the
build was written, so a failed ingest never leaves a half-written seed behind.
"""
from __future__ import annotations

import csv
import io
import os
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path


def format_value(value) -> str:
    """CSV text of one value: NULL is empty, booleans lowercase, dates ISO, decimals plain."""
    kind = type(value)
    if kind is str:  # the common cases first: this runs for every cell of every seed
        return value
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    return str(value)


# Characters that make the csv module quote a field: with QUOTE_MINIMAL, the delimiter, the
# quote character and the characters of the line terminator (`\n`; a lone `\r` is not quoted).
def _needs_quotes(text: str) -> bool:
    """The text holds a comma, a quote or a line break. Three substring tests: a regex scan for
    the class `[,"\n]` reads a column of Japanese text some 60 times slower (every seed cell
    of a document, about 0.5 MB of text, is scanned once)."""
    return "," in text or '"' in text or "\n" in text


_NUMBERS_OR_NULL = frozenset({int, float, type(None)})
_BOOL_TEXT = {True: "true", False: "false"}
_NEVER_QUOTED = frozenset({int, float, bool, type(None), Decimal, date})


def _column_text(values: tuple) -> list[str] | tuple[str, ...]:
    """The CSV cells of one column, quoted where the csv module would quote them.

    Whole columns at a time, with C-level `map`/`join` wherever the column's types allow it,
    because this runs for every cell of every seed: a column of plain strings that holds no
    special character anywhere (the common case, found with one scan of the joined column)
    is used as it is.
    """
    kinds = set(map(type, values))
    if kinds == {str}:
        cells = values
    elif kinds <= {int, float}:
        return list(map(str, values))
    elif kinds <= _NUMBERS_OR_NULL:  # (str of a float is its repr)
        return ["" if v is None else str(v) for v in values]
    elif kinds == {bool}:
        return list(map(_BOOL_TEXT.__getitem__, values))
    elif kinds <= _NEVER_QUOTED:  # their text holds no comma, quote or line break
        return list(map(format_value, values))
    else:
        cells = ["" if v is None else v if type(v) is str else format_value(v) for v in values]
    joined = "\x00".join(cells)
    if not _needs_quotes(joined):
        return cells
    if '"' not in joined and "\n" not in joined:  # commas only (printed figures): no escaping
        return [f'"{c}"' if "," in c else c for c in cells]
    return [_quoted(c) for c in cells]


def _quoted(cell: str) -> str:
    if _needs_quotes(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_text(columns: list[str], rows: list[dict], header: bool = True) -> str:
    """The CSV text of `rows` (missing keys are NULL); `header=False` leaves out the header line.

    Byte for byte what `csv.writer(lineterminator="\\n")` writes for the `format_value` cells
    (a property test holds the two together), built column by column for speed.
    """
    head = ",".join(map(_quoted, columns)) + "\n" if header else ""
    if not rows:
        return head
    if len(columns) == 1:  # the csv module quotes a lone empty field: leave that case to it
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([[format_value(row.get(columns[0]))] for row in rows])
        return head + buf.getvalue()
    try:
        values = list(map(itemgetter(*columns), rows))
    except KeyError:  # a row without some column: NULL there
        values = [tuple(map(row.get, columns)) for row in rows]
    cols = [_column_text(col) for col in zip(*values)]
    return head + "\n".join(map(",".join, zip(*cols))) + "\n"


def write_seeds(seeds_dir: Path, tables: dict[str, tuple[list[str], list[dict]]]) -> dict[str, int]:
    """Write every seed (name → (columns, rows)) atomically as a set; returns row counts."""
    seeds_dir.mkdir(parents=True, exist_ok=True)
    tmp_paths = []
    for name, (columns, rows) in tables.items():
        tmp = seeds_dir / f".{name}.csv.tmp"
        tmp.write_text(csv_text(columns, rows), encoding="utf-8")
        tmp_paths.append((tmp, seeds_dir / f"{name}.csv"))
    for tmp, final in tmp_paths:
        os.replace(tmp, final)
    return {name: len(rows) for name, (_, rows) in tables.items()}
