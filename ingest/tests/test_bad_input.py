"""Bad input stops the build before anything is published, with one line naming the file.

Each case runs the real `build()` on a scratch project root holding a previously built
warehouse and seeds; after the failed build both must be byte-for-byte unchanged.
"""
from pathlib import Path

import pytest

from ingest.build import build
from ingest.decode import decode_bytes
from ingest.errors import IngestError
from ingest.manifest import COLUMNS

GOOD = "第1 財政係\n1 予算\n(単位:千円)\n".encode("utf-8")


def scratch(tmp_path: Path, rows: list[str], files: dict[str, bytes]) -> Path:
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "manifest.csv").write_text("\n".join([",".join(COLUMNS)] + rows) + "\n", encoding="utf-8")
    for name, data in files.items():
        (raw / name).write_bytes(data)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "raw_documents.csv").write_text("previous seed\n", encoding="utf-8")
    (tmp_path / "warehouse.duckdb").write_bytes(b"previous warehouse")
    return tmp_path


CASES = {
    "missing file": (["a,gone.txt,132101,2021,t,"], {}, "manifest.csv:2: document file not found: gone.txt"),
    "unreadable encoding": (["a,x.txt,132101,2021,t,"], {"x.txt": b"\xff\xfe\xfd\x80abc" * 20},
                            "x.txt: unreadable encoding"),
    "binary file": (["a,x.txt,132101,2021,t,"], {"x.txt": b"\x00\x01\x02PK\x03\x04" * 50},
                    "x.txt: binary data"),
    "empty document": (["a,x.txt,132101,2021,t,"], {"x.txt": b"\n \n\n"}, "x.txt: empty document"),
    "duplicate document_id": (["a,x.txt,132101,2021,t,", "a,x.txt,132284,2024,t,"],
                              {"x.txt": GOOD}, "manifest.csv:3: duplicate document_id"),
    "bad check digit": (["a,x.txt,132109,2021,t,"], {"x.txt": GOOD},
                        "manifest.csv:2: bad municipality_code '132109'"),
    "bad fiscal year": (["a,x.txt,132101,21,t,"], {"x.txt": GOOD}, "manifest.csv:2: fiscal_year 21"),
    "declared encoding wrong": (["a,x.txt,132101,2021,t,cp932"], {"x.txt": "予算 ☃".encode("utf-8")},
                                "x.txt: not valid cp932"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_stops_before_publishing(tmp_path, monkeypatch, capsys, case):
    rows, files, message = CASES[case]
    root = scratch(tmp_path, rows, files)
    monkeypatch.setenv("WAREHOUSE_PATH", str(root / "warehouse.duckdb"))
    assert build(jobs=1, root=root) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("error: ") and message in err[0], err
    assert "Traceback" not in "\n".join(err)
    assert (root / "warehouse.duckdb").read_bytes() == b"previous warehouse"
    assert (root / "seeds" / "raw_documents.csv").read_text(encoding="utf-8") == "previous seed\n"
    assert sorted(p.name for p in (root / "seeds").iterdir()) == ["raw_documents.csv"]


@pytest.mark.parametrize("encoding, data", [
    ("utf-8", "予算 45,350,000".encode("utf-8")),
    ("utf-8-sig", "予算 45,350,000".encode("utf-8-sig")),
    ("cp932", "予算 45,350,000 ①".encode("cp932")),
    ("euc_jp", "予算の状況について報告する".encode("euc_jp")),
])
def test_encodings_are_detected(encoding, data):
    text, used = decode_bytes(data, "x.txt")
    assert used == encoding and text.startswith("予算")


def test_unknown_declared_encoding():
    with pytest.raises(IngestError, match="unknown encoding 'latin-9'"):
        decode_bytes(b"abc", "x.txt", "latin-9")


def test_an_extractor_bug_is_one_line_naming_the_document(tmp_path, monkeypatch, capsys):
    """An exception escaping an extractor stops the build before publishing, in one line."""
    import ingest.pipeline as pipeline

    def broken(doc):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "extractors", lambda: [("broken", broken)])
    root = scratch(tmp_path, ["a,x.txt,132101,2021,t,"], {"x.txt": GOOD})
    monkeypatch.setenv("WAREHOUSE_PATH", str(root / "warehouse.duckdb"))
    assert build(jobs=1, root=root) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "x.txt: extractor 'broken' failed: ZeroDivisionError: division by zero" in err[0]
    assert (root / "warehouse.duckdb").read_bytes() == b"previous warehouse"
