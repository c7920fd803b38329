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


# Types the csv module already writes exactly as `format_value` would (str as is, int and float
# by str/repr, None as empty): their cells skip the Python-level conversion.
_NATIVE = frozenset({str, int, float, type(None)})


def _cells(row: dict, columns: list[str]) -> list:
    return [v if type(v) in _NATIVE else format_value(v) for v in map(row.get, columns)]


def csv_text(columns: list[str], rows: list[dict], header: bool = True) -> str:
    """The CSV text of `rows` (missing keys are NULL); `header=False` leaves out the header line."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(columns)
    writer.writerows([_cells(row, columns) for row in rows])
    return buf.getvalue()


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
