"""Bad input stops the build before anything is published, with one line naming the file.

Each case runs the build the way users run it: `python -m ingest.cli build` in a child
process with the default worker count (2), on a scratch project holding a previously built
warehouse and seeds, with a good document beside the bad one so that the worker pool really
runs (a one-document manifest is read in the main process). After the failed build the
warehouse and the seeds must be byte-for-byte unchanged, and stderr must be one error line
(plus the "nothing was published" line), never a traceback.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.reading.decode import decode_bytes
from ingest.errors import IngestError
from ingest.reading.manifest import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
GOOD = "第1 財政係\n1 予算\n(単位:千円)\n".encode("utf-8")
GOOD_ROW = "good,good.txt,132101,2021,t,"
SECRET = "TOP-SECRET-7f3a9c outside the project"
# The smallest PDF that is one, without a page (more PDF cases: test_pdf_reader.py).
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def scratch(tmp_path: Path, rows: list[str], files: dict[str, bytes]) -> Path:
    root = tmp_path / "project"
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "manifest.csv").write_text("\n".join([",".join(COLUMNS)] + rows + [GOOD_ROW]) + "\n",
                                      encoding="utf-8")
    (raw / "good.txt").write_bytes(GOOD)
    for name, data in files.items():
        (raw / name).write_bytes(data)
    (root / "seeds").mkdir()
    (root / "seeds" / "raw_documents.csv").write_text("previous seed\n", encoding="utf-8")
    (root / "seeds" / "ref_municipalities.csv").write_bytes(
        (ROOT / "seeds" / "ref_municipalities.csv").read_bytes())
    (root / "warehouse.duckdb").write_bytes(b"previous warehouse")
    return root


def run_cli(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m ingest.cli build` as a user runs it (default --jobs), on the scratch project."""
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", "build", "--project-dir", str(root), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "WAREHOUSE_PATH": str(root / "warehouse.duckdb"), **(env or {})})


def assert_refused(root: Path, proc: subprocess.CompletedProcess, message: str) -> None:
    err = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "BrokenProcessPool" not in proc.stderr, proc.stderr
    assert err and err[0].startswith("error: ") and message in err[0], err
    assert len(err) == 2 and err[1].startswith("build stopped: nothing was published"), err
    assert (root / "warehouse.duckdb").read_bytes() == b"previous warehouse"
    assert (root / "seeds" / "raw_documents.csv").read_text(encoding="utf-8") == "previous seed\n"
    assert sorted(p.name for p in (root / "seeds").iterdir()) == ["raw_documents.csv",
                                                                   "ref_municipalities.csv"]


CP932_REPORT = ("令和3年度 事務報告書\n第1 財政係\n1 予算\n(単位:千円)\n").encode("cp932")
CASES = {
    "missing file": (["a,gone.txt,132101,2021,t,"], {}, "manifest.csv:2: document file not found: gone.txt"),
    "unreadable encoding": (["a,x.txt,132101,2021,t,"], {"x.txt": b"\xff\xfe\xfd\x80abc" * 20},
                            "x.txt: unreadable encoding"),
    "binary file": (["a,x.txt,132101,2021,t,"], {"x.txt": b"\x00\x01\x02PK\x03\x04" * 50},
                    "x.txt: binary data"),
    "empty document": (["a,x.txt,132101,2021,t,"], {"x.txt": b"\n \n\n"}, "x.txt: empty document"),
    "empty file": (["a,x.txt,132101,2021,t,"], {"x.txt": b""}, "x.txt: empty document"),
    "UTF-16": (["a,x.txt,132101,2021,t,"], {"x.txt": "令和3年度 事務報告書\n予算\n".encode("utf-16")},
               "x.txt: binary data"),
    "a PDF without pages": (["a,x.pdf,132101,2021,t,"], {"x.pdf": PDF},
                            "x.pdf: not a readable PDF: it has no pages"),
    "CP932 declared utf-8": (["a,x.txt,132101,2021,t,utf-8"], {"x.txt": CP932_REPORT},
                             "x.txt: not valid utf-8"),
    "unknown codec": (["a,x.txt,132101,2021,t,latin-9"], {"x.txt": GOOD},
                      "x.txt: unknown encoding 'latin-9'"),
    "duplicate document_id": (["a,x.txt,132101,2021,t,", "a,x.txt,132284,2024,t,"],
                              {"x.txt": GOOD}, "manifest.csv:3: duplicate document_id"),
    "bad check digit": (["a,x.txt,132109,2021,t,"], {"x.txt": GOOD},
                        "manifest.csv:2: bad municipality_code '132109'"),
    "bad fiscal year": (["a,x.txt,132101,21,t,"], {"x.txt": GOOD}, "manifest.csv:2: bad fiscal_year '21'"),
    "fiscal year out of range": (["a,x.txt,132101,1900,t,"], {"x.txt": GOOD}, "manifest.csv:2: fiscal_year 1900"),
    "full-width municipality code": (["a,x.txt,１３２１０１,2021,t,"], {"x.txt": GOOD},
                                     "manifest.csv:2: bad municipality_code '１３２１０１'"),
    "quoted newline in a field": (['a,x.txt,132101,2021,"two\nlines",'], {"x.txt": GOOD},
                                  "manifest.csv:2: a line break inside the title field"),
    "declared encoding wrong": (["a,x.txt,132101,2021,t,cp932"], {"x.txt": "予算 ☃".encode("utf-8")},
                                "x.txt: not valid cp932"),
    "NUL byte after the first 64 KiB": (["a,x.txt,132101,2021,t,"],
                                        {"x.txt": GOOD * 8000 + b"\x00" + GOOD}, "x.txt: binary data"),
    "larger than the size limit": (["a,x.txt,132101,2021,t,"],
                                   {"x.txt": GOOD * (17 * 2**20 // len(GOOD))},
                                   "x.txt: 17.0 MiB: larger than the 16 MiB a document may be"),
    "fiscal year the document contradicts": (
        ["a,x.txt,132101,2022,t,"], {"x.txt": "令和3年度 事務報告書\n第1 財政係\n1 予算\n".encode("utf-8")},
        "x.txt:1: the document states 令和3年度 (fiscal_year 2021) in its title, but the manifest "
        "says fiscal_year 2022 (令和4年度)"),
    "municipality not in the reviewed seed": (
        ["a,x.txt,011002,2021,t,"], {"x.txt": GOOD},
        "ref_municipalities.csv: municipality_code 011002 (manifest line 2, a) is not in this seed"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_stops_before_publishing(tmp_path, case):
    rows, files, message = CASES[case]
    root = scratch(tmp_path, rows, files)
    assert_refused(root, run_cli(root), message)


def test_bad_input_with_two_workers_on_purpose(tmp_path):
    """Several documents, two workers asked for: the bad one's error crosses the process pool."""
    rows = ["a,x.txt,132101,2021,t,", "b,y.txt,132101,2021,t,", "c,z.txt,132101,2021,t,"]
    files = {"x.txt": GOOD, "y.txt": b"", "z.txt": GOOD}
    root = scratch(tmp_path, rows, files)
    assert_refused(root, run_cli(root, "--jobs", "2"), "y.txt: empty document")


def test_ingest_error_survives_pickling():
    """What the pool does with a worker's exception: it must come back whole."""
    import pickle

    err = pickle.loads(pickle.dumps(IngestError("x.txt", "empty document", 3)))
    assert str(err) == "x.txt:3: empty document" and (err.path, err.line) == ("x.txt", 3)


def test_unknown_acknowledged_check_id_is_refused(tmp_path):
    root = scratch(tmp_path, [], {})
    (root / "data" / "raw" / "acknowledged_mismatches.csv").write_text(
        "check_id,note,reviewed_by\ngood:no-such-check:x:9,misprint,reviewer\n", encoding="utf-8")
    assert_refused(root, run_cli(root),
                   "acknowledged_mismatches.csv:2: unknown check_id 'good:no-such-check:x:9'")


# --- paths: only files inside the manifest's folder are read -------------------------------

def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"令和3年度\n{SECRET}\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "proc"])
def test_paths_outside_the_manifest_folder_are_refused(tmp_path, how):
    secret = _outside(tmp_path)
    raw_rel = {"dotdot": "../../../outside/secret.txt", "absolute": str(secret),
               "symlink": "link.txt", "proc": "/proc/self/status"}[how]
    root = scratch(tmp_path, [f"a,{raw_rel},132101,2021,t,"], {})
    if how == "symlink":
        (root / "data" / "raw" / "link.txt").symlink_to(secret)
    proc = run_cli(root)
    assert_refused(root, proc, f"manifest.csv:2: document path {raw_rel!r} leads outside")
    for seed in (root / "seeds").iterdir():
        assert SECRET not in seed.read_text(encoding="utf-8", errors="replace")


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
    from ingest.warehouse.build import build

    assert build(root=root) == 2  # the default worker count: the error crosses the pool
    err = capsys.readouterr().err.strip().splitlines()
    assert "x.txt: extractor 'broken' failed: ZeroDivisionError: division by zero" in err[0]
    assert (root / "warehouse.duckdb").read_bytes() == b"previous warehouse"


def test_a_section_longer_than_a_seed_cell_is_split_not_lost(tmp_path):
    """dbt reads seeds with Python's csv module (131,072 characters a field): every cell of
    `raw_sections` stays within it, and the continuation rows still hold every line once."""
    import csv

    from ingest.reading.manifest import read_manifest
    from ingest.pipeline import MAX_CELL_CHARS, run_ingest

    body = "".join(f"{i} 事業の実施状況について記載する行です。予算 {i},000 千円\n" for i in range(9000))
    long_line = "長" * (MAX_CELL_CHARS + 5000) + "\n"
    root = scratch(tmp_path, ["a,x.txt,132101,2021,t,"],
                   {"x.txt": ("第1 財政係\n" + body + long_line).encode("utf-8")})
    seeds = root / "seeds"
    run_ingest(root / "data" / "raw" / "manifest.csv", seeds, jobs=2)
    with (seeds / "raw_sections.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["document_id"] == "a"]  # default field limit
    assert max(len(r["text"]) for r in rows) <= MAX_CELL_CHARS
    assert any(r["kind"] == "continuation" for r in rows)
    text = "\n".join(r["text"] for r in rows if r["text"])
    assert text.count("予算") == 9000 and text.count("長") == MAX_CELL_CHARS + 5000
    ids = {r["section_id"] for r in rows}
    with (seeds / "raw_line_tokens.csv").open(encoding="utf-8", newline="") as fh:
        assert all(t["section_id"] in ids for t in csv.DictReader(fh) if t["document_id"] == "a")
    assert read_manifest(root / "data" / "raw" / "manifest.csv")
