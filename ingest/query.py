"""`cli query`: read-only SQL against the published warehouse, as a table, CSV or JSON."""
from __future__ import annotations

import csv
import json
import sys

from ingest.build import warehouse_path


def run_query(sql: str, fmt: str = "table") -> int:
    """Print the result of `sql`; a DuckDB error is shown as its message, not a traceback."""
    import duckdb

    path = warehouse_path()
    if not path.exists():
        print(f"error: no warehouse at {path}: run `make build` first", file=sys.stderr)
        return 2
    try:
        con = duckdb.connect(str(path), read_only=True)
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall()
    except duckdb.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
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
