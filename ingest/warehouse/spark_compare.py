"""Compare the marts of the DuckDB build with the Spark build's exported marts (issue 8).

The DuckDB side is the published warehouse (opened read-only); the Spark side is what
`scripts/spark_build.sh` exports: build/spark/marts/<mart>.parquet, each a directory of part
files (a single parquet file is accepted too). Every mart must have the same columns and the
same rows on both sides, as multisets (row order is ignored). Values are normalised before
comparing, so that only real differences count:

- numbers: an integral value compares as that integer whatever its type (bigint, decimal
  1.000, double 1.0); other values as their double rounded to 12 significant digits (so
  decimal(6,3) 1.500 == double 1.5, and 0.1 + 0.2 == 0.3);
- dates and timestamps: their ISO text (so a date equals the string '2021-04-01');
- booleans: True / False (never equal to 1 / 0); NULL and NaN: NULL.

Prints one line per mart and exits 0 when all agree, 1 on any difference, 2 when an input
is missing. Usage: python -m ingest.warehouse.spark_compare [--duckdb PATH] [--spark-dir DIR]
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 3  # rows shown per side of a difference


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple]


def canon(value: object) -> object:
    """A hashable, engine-neutral form of one value (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and math.isinf(value):
            return ("num", str(value))
        number = Decimal(value) if not isinstance(value, Decimal) else value
        if number == number.to_integral_value():
            return ("num", int(number))
        return ("num", format(float(number), ".12g"))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return ("text", value.isoformat())
    if isinstance(value, str):
        return ("text", value)
    return ("other", repr(value))


def _read(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Table:
    cur = con.execute(sql, params or [])
    columns = [d[0].lower() for d in cur.description]
    return Table(columns, cur.fetchall())


def read_duckdb_marts(db_path: Path, schema: str = "marts") -> dict[str, Table]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = ? and table_catalog = current_database() order by 1",
            [schema],
        ).fetchall()]
        return {n: _read(con, f'select * from "{schema}"."{n}"') for n in names}
    finally:
        con.close()


def parquet_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("*.parquet") if p.is_file())


def read_exported_marts(export_dir: Path) -> dict[str, Table | str]:
    """<mart>.parquet entries of `export_dir`; a string instead of a table says what is wrong."""
    out: dict[str, Table | str] = {}
    con = duckdb.connect()
    try:
        for entry in sorted(export_dir.glob("*.parquet")):
            files = parquet_files(entry)
            if not files:
                out[entry.stem] = "no parquet part files in the export"
                continue
            out[entry.stem] = _read(
                con, "select * from read_parquet(?)", [[str(f) for f in files]])
    finally:
        con.close()
    return out


def _show(row: tuple) -> str:
    text = repr(row)
    return text if len(text) <= 160 else text[:157] + "..."


def compare_table(duck: Table, spark: Table) -> list[str]:
    """Differences between one mart's two builds; empty when they agree."""
    problems = []
    only_duck = [c for c in duck.columns if c not in spark.columns]
    only_spark = [c for c in spark.columns if c not in duck.columns]
    if only_duck or only_spark:
        problems.append(f"columns only in duckdb {only_duck}, only in spark {only_spark}")
    common = [c for c in duck.columns if c in spark.columns]

    def bag(table: Table) -> Counter:
        index = [table.columns.index(c) for c in common]
        return Counter(tuple(canon(row[i]) for i in index) for row in table.rows)

    left, right = bag(duck), bag(spark)
    missing, extra = left - right, right - left
    if missing or extra:
        problems.append(
            f"{sum(missing.values())} of {len(duck.rows)} duckdb rows not in spark,"
            f" {sum(extra.values())} of {len(spark.rows)} spark rows not in duckdb"
            f" (columns {common})"
        )
        for label, rows in (("only duckdb", missing), ("only spark", extra)):
            for row in list(rows)[:EXAMPLES]:
                problems.append(f"{label}: {_show(row)}")
    return problems


def compare(duck: dict[str, Table], spark: dict[str, Table | str]) -> list[tuple[str, list[str], int]]:
    """(mart, problems, duckdb row count) for every mart on either side, sorted by name."""
    results = []
    for name in sorted(set(duck) | set(spark)):
        if name not in spark:
            results.append((name, ["missing from the spark export"], len(duck[name].rows)))
        elif name not in duck:
            results.append((name, ["exported by spark but not a duckdb mart"], 0))
        elif isinstance(spark[name], str):  # an export that could not be read
            results.append((name, [spark[name]], len(duck[name].rows)))
        else:
            results.append((name, compare_table(duck[name], spark[name]), len(duck[name].rows)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duckdb", type=Path, default=None,
                        help="DuckDB warehouse (default: $WAREHOUSE_PATH or warehouse.duckdb)")
    parser.add_argument("--spark-dir", type=Path, default=ROOT / "build" / "spark" / "marts",
                        help="the Spark build's exported marts")
    parser.add_argument("--schema", default="marts")
    args = parser.parse_args(argv)
    if args.duckdb is None:
        from ingest.warehouse.build import warehouse_path

        args.duckdb = warehouse_path()
    if not args.duckdb.exists():
        print(f"spark_compare: no DuckDB warehouse at {args.duckdb}: run `make build` first",
              file=sys.stderr)
        return 2
    if not args.spark_dir.is_dir():
        print(f"spark_compare: no Spark export at {args.spark_dir}: run scripts/spark_build.sh",
              file=sys.stderr)
        return 2

    results = compare(read_duckdb_marts(args.duckdb, args.schema), read_exported_marts(args.spark_dir))
    if not results:
        print(f"spark_compare: no marts in {args.duckdb} nor {args.spark_dir}", file=sys.stderr)
        return 2
    failed = 0
    for name, problems, rows in results:
        if problems:
            failed += 1
            print(f"DIFF {name}: {problems[0]}")
            for line in problems[1:]:
                print(f"     {line}")
        else:
            print(f"ok   {name} ({rows} rows)")
    print(f"spark_compare: {len(results) - failed} of {len(results)} marts identical on DuckDB and Spark")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
