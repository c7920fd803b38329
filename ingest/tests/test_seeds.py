"""Seed CSV writing: `csv_text` is byte for byte what the csv module writes, only faster."""
import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import given, strategies as st

from ingest.warehouse.seeds import csv_text, format_value


def reference(columns: list[str], rows: list[dict], header: bool = True) -> str:
    """The csv module's output for the same cells: what `csv_text` must reproduce."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(columns)
    writer.writerows([[format_value(row.get(c)) for c in columns] for row in rows])
    return buf.getvalue()


# Text with every character the csv module treats specially, and Japanese text.
_TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t\x00金額△-1')), max_size=8)
_VALUE = st.one_of(
    st.none(), _TEXT, st.integers(-10**12, 10**12), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
)


@given(st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.just([f"c{i}" for i in range(n)]),
    st.lists(st.lists(_VALUE, min_size=n, max_size=n), max_size=6),
    st.booleans(),
)))
def test_csv_text_matches_the_csv_module(case):
    columns, cells, header = case
    rows = [dict(zip(columns, values)) for values in cells]
    assert csv_text(columns, rows, header) == reference(columns, rows, header)


def test_missing_keys_are_null_and_types_are_formatted():
    columns = ["a", "b", "c"]
    rows = [{"a": True, "b": Decimal("1E+3"), "c": date(2024, 4, 1)}, {"a": "x,y"}]
    assert csv_text(columns, rows) == 'a,b,c\ntrue,1000,2024-04-01\n"x,y",,\n'
    assert csv_text(columns, rows) == reference(columns, rows)


def test_csv_text_differs_when_a_quote_is_needed():
    """The check above can fail: an unquoted comma would change the row's columns."""
    rows = [{"a": "1,234", "b": 'say "hi"'}]
    assert csv_text(["a", "b"], rows, header=False) == '"1,234","say ""hi"""\n'


# Columns of one kind of value (maybe with NULLs): csv_text takes a shortcut for each kind.
_KINDS = [_TEXT, st.integers(-10**12, 10**12), st.booleans(),
          st.floats(allow_nan=False, allow_infinity=False), st.dates(),
          st.decimals(allow_nan=False, allow_infinity=False, places=3)]


@given(st.lists(st.tuples(st.sampled_from(range(len(_KINDS))), st.booleans()), min_size=2, max_size=4)
       .flatmap(lambda kinds: st.tuples(st.just(kinds), st.lists(st.tuples(*[
           st.one_of(st.none(), _KINDS[k]) if nulls else _KINDS[k] for k, nulls in kinds]),
           max_size=6))))
def test_csv_text_matches_the_csv_module_on_columns_of_one_kind(case):
    kinds, cells = case
    columns = [f"c{i}" for i in range(len(kinds))]
    rows = [dict(zip(columns, values)) for values in cells]
    assert csv_text(columns, rows) == reference(columns, rows)
