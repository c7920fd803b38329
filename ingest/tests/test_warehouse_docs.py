"""The published warehouse documents itself: every mart and mart column has a comment (dbt
`persist_docs` from models/marts/_marts__models.yml), the declared primary keys exist, and the
Parquet exports carry the same descriptions (ingest/warehouse/exports.py)."""
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.warehouse.exports import COLUMN_KEY_PREFIX, DESCRIPTION_KEY, PRIMARY_KEY_KEY

ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE = ROOT / "warehouse.duckdb"
MODELS_YML = ROOT / "models" / "marts" / "_marts__models.yml"
pytestmark = pytest.mark.warehouse


def yml_models() -> dict[str, dict]:
    return {m["name"]: m for m in yaml.safe_load(MODELS_YML.read_text(encoding="utf-8"))["models"]}


def declared_primary_keys() -> dict[str, list[str]]:
    keys = {}
    for name, model in yml_models().items():
        for constraint in model.get("constraints", []):
            if constraint["type"] == "primary_key":
                keys[name] = list(constraint["columns"])
    return keys


@pytest.fixture(scope="module")
def con():
    assert WAREHOUSE.exists(), "run `make build` first"
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    yield con
    con.close()


def test_every_mart_and_mart_column_has_a_comment(con):
    tables = dict(con.execute("select table_name, comment from duckdb_tables() "
                              "where schema_name = 'marts'").fetchall())
    assert sorted(tables) == sorted(yml_models())  # every mart of the yml, fct_table_cells too
    assert len(tables) >= 23
    assert [t for t, c in tables.items() if not (c or "").strip()] == []
    columns = con.execute("select table_name, column_name, comment from duckdb_columns() "
                          "where schema_name = 'marts'").fetchall()
    assert len(columns) >= 200
    assert [f"{t}.{c}" for t, c, comment in columns if not (comment or "").strip()] == []


def test_comments_are_the_yml_descriptions(con):
    models = yml_models()
    for table, comment in con.execute("select table_name, comment from duckdb_tables() "
                                      "where schema_name = 'marts'").fetchall():
        assert comment == models[table]["description"].strip(), table
    for table, column, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'marts'").fetchall():
        described = {c["name"]: c["description"] for c in models[table]["columns"]}
        assert comment == described[column].strip(), f"{table}.{column}"


def test_every_yen_column_says_it_is_yen(con):
    for table, column, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'marts' and column_name like '%\\_yen' escape '\\'").fetchall():
        assert "yen" in comment or "円" in comment, f"{table}.{column}: {comment}"


def test_declared_primary_keys_exist(con):
    declared = declared_primary_keys()
    assert {"dim_municipality", "dim_fiscal_year", "dim_document", "dim_account", "dim_fund",
            "dim_lender"} <= set(declared)
    actual = {t: list(cols) for t, cols in con.execute(
        "select table_name, constraint_column_names from duckdb_constraints() "
        "where schema_name = 'marts' and constraint_type = 'PRIMARY KEY'").fetchall()}
    assert actual == declared


def test_parquet_exports_carry_the_descriptions_and_keys(con):
    keys = declared_primary_keys()
    for table, comment in con.execute("select table_name, comment from duckdb_tables() "
                                      "where schema_name = 'marts'").fetchall():
        parquet = ROOT / "exports" / f"{table}.parquet"
        meta = dict(con.execute("select decode(key), decode(value) from parquet_kv_metadata(?)",
                                [str(parquet)]).fetchall())
        assert meta[DESCRIPTION_KEY] == comment, table
        columns = con.execute("select column_name, comment from duckdb_columns() where "
                              "schema_name = 'marts' and table_name = ?", [table]).fetchall()
        for column, col_comment in columns:
            assert meta[COLUMN_KEY_PREFIX + column] == col_comment, f"{table}.{column}"
        assert meta.get(PRIMARY_KEY_KEY) == (",".join(keys[table]) if table in keys else None), table


def test_low_coverage_warns_and_can_fail_the_build(tmp_path, capsys):
    """A document whose printed figures mostly did not reach a fact is named in a WARNING, and
    `--require-coverage` turns that into exit 1 (here on a copy with koganei's coverage cut)."""
    import shutil

    import duckdb

    from ingest.warehouse.summary import print_summary

    copy = tmp_path / "w.duckdb"
    shutil.copy(ROOT / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy))
    con.execute("update marts.rpt_extraction_coverage set captured_tokens = 0 "
                "where document_id = 'koganei-2021'")
    con.close()
    assert print_summary(copy, [], None, None) == 0
    out = capsys.readouterr().out
    assert "WARNING koganei-2021: only 0% of its printed figures" in out
    assert "WARNING akiruno-2024" not in out
    assert print_summary(copy, [], None, None, require_coverage=0.9) == 1
    assert "COVERAGE below the required 90%: koganei-2021" in capsys.readouterr().out
    assert print_summary(ROOT / "warehouse.duckdb", [], None, None, require_coverage=0.9) == 0
