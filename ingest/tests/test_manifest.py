"""Manifest validation: every bad row stops the build with the manifest's name and line."""
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.reading.manifest import COLUMNS, check_digit, read_manifest, valid_municipality_code

HEADER = ",".join(COLUMNS)


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text("\n".join((HEADER,) + rows) + "\n", encoding="utf-8")
    return path


def test_check_digits_of_the_corpus():
    assert check_digit("13210") == 1 and check_digit("13228") == 4
    assert valid_municipality_code("132101") and valid_municipality_code("132284")
    assert not valid_municipality_code("132102")
    assert not valid_municipality_code("13210")


def test_shipped_manifest_is_valid():
    root = Path(__file__).resolve().parents[2]
    entries = read_manifest(root / "data" / "raw" / "manifest.csv")
    assert [e.municipality_code for e in entries] == ["132101", "132284"]
    assert all(e.abs_path.is_file() for e in entries)


@pytest.mark.parametrize("row, message", [
    ("a,x.txt,132102,2021,t,", "bad municipality_code '132102'"),
    ("a,x.txt,132101,20x1,t,", "bad fiscal_year"),
    ("a,x.txt,132101,1900,t,", "outside"),
    ("a b,x.txt,132101,2021,t,", "bad document_id"),
    ("a,x.txt,132101,2021,t", "expected 6 columns"),
    ("a,,132101,2021,t,", "empty path"),
])
def test_bad_rows_name_the_line(tmp_path, row, message):
    path = write(tmp_path, row)
    with pytest.raises(IngestError) as err:
        read_manifest(path)
    assert str(err.value).startswith(f"{path}:2: ")
    assert message in str(err.value)


def test_duplicate_document_id(tmp_path):
    path = write(tmp_path, "a,x.txt,132101,2021,t,", "a,y.txt,132284,2024,t,")
    with pytest.raises(IngestError, match=r":3: duplicate document_id 'a' \(first on line 2\)"):
        read_manifest(path)


def test_bad_header(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_text("id,path\n", encoding="utf-8")
    with pytest.raises(IngestError, match=":1: header must be"):
        read_manifest(path)
