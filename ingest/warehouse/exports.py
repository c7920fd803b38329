"""Parquet exports of the marts, carrying their descriptions (`exports/<mart>.parquet`).

`export_marts` behaves as the one it replaces in `ingest/warehouse/build.py` (every table of the `marts`
schema, written into a sibling temporary folder and swapped in, so a reader never sees a mix of
old and new files), and also writes the documentation into each file's key-value metadata.

DuckDB 2.0's `COPY … (FORMAT parquet)` does not write table or column comments into the file
(neither as file metadata nor as field metadata), so they are passed explicitly with
`KV_METADATA`:

- `description`: the table comment (the model description of `_marts__models.yml`, which
  dbt's `persist_docs` wrote into DuckDB);
- `description:<column>`: each column's comment;
- `primary_key`: the primary-key columns, comma-joined, where the table declares one;
- `table`: the mart's name.

Read them back with DuckDB's `parquet_kv_metadata('<file>')` (values are BLOBs of UTF-8 text:
`decode(value)`), or pyarrow's `pq.read_schema(path).metadata`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ingest.warehouse.publish import swap_dir

DESCRIPTION_KEY = "description"
COLUMN_KEY_PREFIX = "description:"
PRIMARY_KEY_KEY = "primary_key"
TABLE_KEY = "table"


def _literal(text: str) -> str:
    """A SQL string literal (the COPY options take no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def mart_metadata(con, mart: str, schema: str = "marts") -> dict[str, str]:
    """The key-value metadata written into `<mart>.parquet`: comments and primary key."""
    meta = {TABLE_KEY: mart}
    row = con.execute("select comment from duckdb_tables() where schema_name = ? and table_name = ?",
                      [schema, mart]).fetchone()
    if row and row[0]:
        meta[DESCRIPTION_KEY] = row[0]
    for name, comment in con.execute(
            "select column_name, comment from duckdb_columns() where schema_name = ? "
            "and table_name = ? order by column_index", [schema, mart]).fetchall():
        if comment:
            meta[COLUMN_KEY_PREFIX + name] = comment
    keys = con.execute(
        "select constraint_column_names from duckdb_constraints() where schema_name = ? "
        "and table_name = ? and constraint_type = 'PRIMARY KEY'", [schema, mart]).fetchone()
    if keys:
        meta[PRIMARY_KEY_KEY] = ",".join(keys[0])
    return meta


def copy_sql(mart: str, target: Path, meta: dict[str, str], schema: str = "marts") -> str:
    kv = ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in meta.items())
    return (f"copy (select * from {schema}.{mart}) to {_literal(str(target))} "
            f"(format parquet, kv_metadata {{{kv}}})")


def export_marts(db_path: Path, out_dir: Path) -> list[Path]:
    """Export every mart to `<out_dir>/<mart>.parquet` (for tools that cannot open DuckDB).

    Written into a sibling temporary folder and swapped in, so a reader never sees a mix of
    old and new files. Each file carries the mart's descriptions and primary key as Parquet
    key-value metadata (see the module docstring).
    """
    import duckdb

    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by table_name").fetchall()]
        for mart in marts:
            target = tmp / f"{mart}.parquet"
            con.execute(copy_sql(mart, target, mart_metadata(con, mart)))
    finally:
        con.close()
    swap_dir(tmp, out_dir)
    return [out_dir / f"{m}.parquet" for m in marts]
