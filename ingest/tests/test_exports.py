"""Parquet exports (ingest/warehouse/exports.py) carry the marts' table and column comments and keys."""
import duckdb

from ingest.warehouse.exports import COLUMN_KEY_PREFIX, DESCRIPTION_KEY, PRIMARY_KEY_KEY, export_marts


def kv(path) -> dict[str, str]:
    con = duckdb.connect()
    try:
        return dict(con.execute("select decode(key), decode(value) from parquet_kv_metadata(?)",
                                [str(path)]).fetchall())
    finally:
        con.close()


def small_warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.dim_lender (lender_name varchar primary key, lender_category varchar)")
    con.execute("insert into marts.dim_lender values ('財務省', 'fiscal_loan_fund'), ('東京都', 'prefecture')")
    con.execute("comment on table marts.dim_lender is 'Bond lenders (借入先): one row per lender'")
    con.execute("comment on column marts.dim_lender.lender_name is 'Primary key: lender''s name, normalized'")
    con.execute("comment on column marts.dim_lender.lender_category is 'Project''s mapping\nsecond line'")
    con.execute("create table marts.fct_x (amount_yen bigint)")  # no comments, no key
    con.execute("insert into marts.fct_x values (1000), (null)")
    con.execute("create table main.not_a_mart (a integer)")
    con.close()


def test_exports_carry_comments_and_primary_key(tmp_path):
    db = tmp_path / "w.duckdb"
    small_warehouse(db)
    out = tmp_path / "exports"
    (out).mkdir()
    (out / "stale.parquet").write_bytes(b"old")  # swapped away with the old folder
    paths = export_marts(db, out)
    assert [p.name for p in paths] == ["dim_lender.parquet", "fct_x.parquet"]
    assert sorted(p.name for p in out.iterdir()) == ["dim_lender.parquet", "fct_x.parquet"]
    meta = kv(out / "dim_lender.parquet")
    assert meta[DESCRIPTION_KEY] == "Bond lenders (借入先): one row per lender"
    assert meta[COLUMN_KEY_PREFIX + "lender_name"] == "Primary key: lender's name, normalized"
    assert meta[COLUMN_KEY_PREFIX + "lender_category"] == "Project's mapping\nsecond line"
    assert meta[PRIMARY_KEY_KEY] == "lender_name"
    meta = kv(out / "fct_x.parquet")
    assert DESCRIPTION_KEY not in meta and PRIMARY_KEY_KEY not in meta and meta["table"] == "fct_x"
    con = duckdb.connect(str(db), read_only=True)
    try:  # same rows as the tables
        for mart in ("dim_lender", "fct_x"):
            f = out / f"{mart}.parquet"
            assert con.execute(f"select count(*) from ((select * from marts.{mart} except all "
                               f"select * from read_parquet('{f}')) union all (select * from "
                               f"read_parquet('{f}') except all select * from marts.{mart}))"
                               ).fetchone()[0] == 0
    finally:
        con.close()


def test_composite_primary_key_in_column_order(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute("create table marts.dim_fund (municipality_code varchar, fund_name varchar, "
                "primary key (municipality_code, fund_name))")
    con.close()
    export_marts(db, tmp_path / "exports")
    assert kv(tmp_path / "exports" / "dim_fund.parquet")[PRIMARY_KEY_KEY] == "municipality_code,fund_name"
