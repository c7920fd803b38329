"""What a chart query should return, computed with DuckDB directly on the warehouse file.

Given a Superset query object (from a chart's saved query context, or the one the browser
posted) and the dataset it runs on (from the bundle: column names and calculated-column
expressions), this writes the plain SQL — the distinct combinations of the query's columns
under its filters, or the rows themselves for a raw table — and runs it read-only. Superset
generates its own SQL; the two agreeing is the check."""
from __future__ import annotations

from pathlib import Path

import duckdb


def _sql_literal(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


class Mart:
    def __init__(self, dataset: dict):
        self.table = f'marts."{dataset["table_name"]}"'
        self.name = dataset["table_name"]
        self.exprs = {c["column_name"]: (c["expression"] or f'"{c["column_name"]}"') for c in dataset["columns"]}
        self.metrics = {m["metric_name"]: m["expression"] for m in dataset["metrics"]}

    def column(self, col) -> str:
        if isinstance(col, dict):  # an x axis or adhoc column: {"sqlExpression": "revision_seq", ...}
            col = col.get("sqlExpression") or col.get("column_name") or col["label"]
        if col not in self.exprs:
            raise ValueError(f"{self.name}: column {col!r} is not in the dataset")
        return self.exprs[col]

    def where(self, query: dict) -> str:
        parts = []
        for f in query.get("filters", []):
            op, val = f["op"], f.get("val")
            if op == "TEMPORAL_RANGE" and val in (None, "No filter"):
                continue
            c = self.column(f["col"])
            if op == "==":
                parts.append(f"{c} = {_sql_literal(val)}")
            elif op == "!=":
                parts.append(f"{c} <> {_sql_literal(val)}")
            elif op in ("IN", "NOT IN"):
                parts.append(f"{c} {'not ' if op == 'NOT IN' else ''}in ({', '.join(map(_sql_literal, val))})")
            elif op == "IS NOT NULL":
                parts.append(f"{c} is not null")
            elif op == "IS NULL":
                parts.append(f"{c} is null")
            else:
                raise ValueError(f"filter op {op} is not handled by the test")
        extras = query.get("extras") or {}
        if extras.get("where"):
            parts.append(f"({extras['where']})")
        return (" where " + " and ".join(parts)) if parts else ""


def _pivot_index(query: dict) -> list | None:
    for op in query.get("post_processing") or []:
        if op and op.get("operation") == "pivot":
            return op["options"]["index"]
    return None


def expected(path: Path, mart: Mart, query: dict) -> dict:
    """{rows: the row count Superset should return, totals: {metric: total over all rows}}.
    Opens the file for this one question and closes it: a DuckDB connection left open keeps
    the file it opened, and so would miss a publish (the same process reopening the path
    gets the cached, old database while any connection to it is open)."""
    with connect(path) as con:
        return _expected(con, mart, query)


def _expected(con: duckdb.DuckDBPyConnection, mart: Mart, query: dict) -> dict:
    where = mart.where(query)
    limit = query.get("row_limit") or None
    metrics = [m if isinstance(m, str) else m["label"] for m in query.get("metrics") or []]
    index = _pivot_index(query)
    if index is not None:  # the frontend pivots a timeseries: one row per x value
        cols = [mart.column(c) for c in index]
    else:
        cols = [mart.column(c) for c in query.get("columns") or []]
    if not metrics and index is None:  # a raw table: the rows themselves
        rows = con.execute(f"select count(*) from {mart.table}{where}").fetchone()[0]
    else:
        rows = con.execute(f"select count(*) from (select distinct {', '.join(cols)} from {mart.table}{where})").fetchone()[0]
    if limit:
        rows = min(rows, limit)
    totals = {}
    for m in metrics:
        if m in mart.metrics:
            totals[m] = con.execute(f"select {mart.metrics[m]} from {mart.table}{where}").fetchone()[0]
    return {"rows": rows, "totals": totals}


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)
