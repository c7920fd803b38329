"""ingest/warehouse/spark_compare.py on small fixtures: a DuckDB "warehouse" with a marts schema and a
"Spark export" directory (<mart>.parquet/part-*.parquet, as Spark writes it), with planted
differences. No Spark needed: both sides are written with DuckDB.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse import spark_compare as C

DUCK_DDL = """
create schema marts;
create table marts.fct_bond_issues as
select * from (values
    ('131130', 2021, 'a''b\\c', 120000000::bigint, 0.550::decimal(6,3), date '2021-05-31',
     true, 0.1::double + 0.2::double, null::integer),
    ('131130', 2021, '財政融資資金', 5::bigint, 1.250::decimal(6,3), date '2022-03-31',
     false, 1.0::double, 3),
    ('131130', 2021, '財政融資資金', 5::bigint, 1.250::decimal(6,3), date '2022-03-31',
     false, 1.0::double, 3)
) as t(municipality_code, fiscal_year, lender_name, amount_yen, interest_rate_pct, borrowed_on,
       is_total, ratio, grace_years);
create table marts.dim_fiscal_year as
select 2021 as fiscal_year, '令和3年度' as label_ja;
"""


def spark_rows(rate: str = "0.55", grace: str = "null", copies: int = 2) -> str:
    """The same rows as Spark would export them: another order, double instead of decimal, a
    decimal instead of bigint, 0.3 computed differently; arguments plant differences."""
    twin = ("('131130', 2021, '財政融資資金', 5.000::decimal(18,3), 1.25::double,"
            " date '2022-03-31', false, 1::double, 3)")
    first = (f"('131130', 2021, 'a''b\\c', 120000000.0::decimal(18,3), {rate}::double,"
             f" date '2021-05-31', true, 0.3::double, {grace})")
    rows = ",\n    ".join([twin, first] + [twin] * (copies - 1))
    return (f"select * from (values\n    {rows}\n) as t(municipality_code, fiscal_year,"
            " lender_name, amount_yen, interest_rate_pct, borrowed_on, is_total, ratio, grace_years)")


def _export(con: duckdb.DuckDBPyConnection, export_dir: Path, name: str, sql: str) -> None:
    part_dir = export_dir / f"{name}.parquet"
    part_dir.mkdir(parents=True)
    con.execute(f"copy ({sql}) to '{part_dir / 'part-00000-x-c000.snappy.parquet'}' (format parquet)")
    (part_dir / "_SUCCESS").write_text("")


@pytest.fixture
def fixture_dirs(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute(DUCK_DDL)
    con.close()
    export_dir = tmp_path / "marts"
    export_dir.mkdir()
    return db, export_dir


def _run(db: Path, export_dir: Path, capsys) -> tuple[int, str]:
    code = C.main(["--duckdb", str(db), "--spark-dir", str(export_dir)])
    return code, capsys.readouterr().out


def _export_both(export_dir: Path, bond_sql: str | None = None, year_sql: str | None = None) -> None:
    con = duckdb.connect()
    _export(con, export_dir, "fct_bond_issues", bond_sql or spark_rows())
    _export(con, export_dir, "dim_fiscal_year",
            year_sql or "select 2021::bigint as fiscal_year, '令和3年度' as label_ja")
    con.close()


def test_equal_after_normalising_types_order_and_nulls(fixture_dirs, capsys):
    db, export_dir = fixture_dirs
    _export_both(export_dir)
    code, out = _run(db, export_dir, capsys)
    assert code == 0, out
    assert "ok   fct_bond_issues (3 rows)" in out
    assert "ok   dim_fiscal_year (1 rows)" in out
    assert "2 of 2 marts identical" in out


def test_changed_value_is_a_difference(fixture_dirs, capsys):
    db, export_dir = fixture_dirs
    _export_both(export_dir, bond_sql=spark_rows(rate="0.56"))
    code, out = _run(db, export_dir, capsys)
    assert code == 1
    assert "DIFF fct_bond_issues: 1 of 3 duckdb rows not in spark, 1 of 3 spark rows not in duckdb" in out
    assert "ok   dim_fiscal_year" in out


def test_duplicate_row_missing_is_a_difference(fixture_dirs, capsys):
    db, export_dir = fixture_dirs
    # One of the two identical rows: as sets the sides agree, as multisets they do not.
    _export_both(export_dir, bond_sql=spark_rows(copies=1))
    code, out = _run(db, export_dir, capsys)
    assert code == 1
    assert "1 of 3 duckdb rows not in spark, 0 of 2 spark rows not in duckdb" in out


def test_null_against_zero_and_false_against_zero(fixture_dirs, capsys):
    db, export_dir = fixture_dirs
    _export_both(export_dir, bond_sql=spark_rows(grace="0"))
    code, out = _run(db, export_dir, capsys)
    assert code == 1 and "DIFF fct_bond_issues" in out
    assert C.canon(False) != C.canon(0) and C.canon(True) != C.canon(1)
    assert C.canon(None) != C.canon(0) and C.canon(float("nan")) is None


def test_missing_extra_and_empty_marts(fixture_dirs, capsys):
    db, export_dir = fixture_dirs
    con = duckdb.connect(str(db))
    con.execute("create table marts.dim_missing as select 1 as x")
    con.close()
    con = duckdb.connect()
    _export(con, export_dir, "fct_bond_issues", spark_rows())
    _export(con, export_dir, "fct_not_in_duckdb", "select 1 as x")
    con.close()
    (export_dir / "dim_fiscal_year.parquet").mkdir()  # a failed export: no part file
    code, out = _run(db, export_dir, capsys)
    assert code == 1
    assert "DIFF dim_missing: missing from the spark export" in out
    assert "DIFF fct_not_in_duckdb: exported by spark but not a duckdb mart" in out
    assert "DIFF dim_fiscal_year: no parquet part files in the export" in out
    assert "ok   fct_bond_issues" in out
    assert "1 of 4 marts identical" in out


def test_column_differences(fixture_dirs, capsys):
    db, export_dir = fixture_dirs
    _export_both(export_dir, year_sql="select 2021 as fiscal_year, '令和3年度' as label, 1 as extra")
    code, out = _run(db, export_dir, capsys)
    assert code == 1
    assert "DIFF dim_fiscal_year: columns only in duckdb ['label_ja'], only in spark ['label', 'extra']" in out


def test_canon_normalises_engine_types():
    assert C.canon(Decimal("1.500")) == C.canon(1.5) == C.canon(Decimal("1.5"))
    assert C.canon(120000000) == C.canon(Decimal("120000000.000")) == C.canon(1.2e8)
    assert C.canon(0.1 + 0.2) == C.canon(0.3)
    assert C.canon(0.3) != C.canon(0.300001)
    assert C.canon(dt.date(2021, 4, 1)) == C.canon("2021-04-01")
    assert C.canon("1") != C.canon(1)


def test_missing_inputs_exit_2(tmp_path, capsys):
    assert C.main(["--duckdb", str(tmp_path / "none.duckdb"), "--spark-dir", str(tmp_path)]) == 2
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    assert C.main(["--duckdb", str(db), "--spark-dir", str(tmp_path / "absent")]) == 2
