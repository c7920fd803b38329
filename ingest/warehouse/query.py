"""`cli query`: read-only SQL against the published warehouse, as a table, CSV or JSON."""
from __future__ import annotations

import csv
import json
import sys

from ingest.warehouse.build import warehouse_path


def connect_for_reading(path):
    """A connection that can read the warehouse and nothing else.

    Read-only, and with external access disabled: no statement can write a file (`copy … to`),
    read one (`read_text('/etc/shadow')`, `read_csv`, `glob`), attach another database or
    install an extension. The CLI is for reading the marts.
    """
    import duckdb

    return duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})


# A cell a spreadsheet would run as a formula (CSV formula injection): prefixed with '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that opens as text in a spreadsheet; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def run_query(sql: str, fmt: str = "table") -> int:
    """Print the result of `sql`; a DuckDB error is shown as its message, not a traceback."""
    import duckdb

    if not sql.strip():
        print("error: empty SQL: give a query, e.g. \"select * from marts.dim_document\"",
              file=sys.stderr)
        return 2
    path = warehouse_path()
    if not path.exists():
        print(f"error: no warehouse at {path}: run `make build` first", file=sys.stderr)
        return 2
    try:
        con = connect_for_reading(path)
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall()
    except duckdb.Error as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([csv_cell(v) for v in r] for r in rows)
    elif fmt == "json":
        print(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=str, indent=1))
    else:
        cells = [[("" if v is None else str(v)) for v in r] for r in rows]
        widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
        print(" | ".join(_pad(c, w) for c, w in zip(columns, widths)))
        print("-+-".join("-" * w for w in widths))
        for r in cells:
            print(" | ".join(_pad(v, w) for v, w in zip(r, widths)))
        print(f"({len(rows)} rows)")
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
