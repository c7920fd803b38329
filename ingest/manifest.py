"""Read and validate `data/raw/manifest.csv`: the list of documents the build ingests.

Columns, exactly: document_id,path,municipality_code,fiscal_year,title,encoding. `path` is
relative to the manifest. Any problem stops the build with one line naming the manifest and
the line, before anything is written.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError

COLUMNS = ["document_id", "path", "municipality_code", "fiscal_year", "title", "encoding"]
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_YEAR, MAX_YEAR = 1989, 2100  # 平成元年 onward: the era table covers these


@dataclass(frozen=True)
class ManifestEntry:
    line: int
    document_id: str
    path: str
    abs_path: Path
    municipality_code: str
    fiscal_year: int
    title: str
    encoding: str


def check_digit(code5: str) -> int:
    """Check digit of a 5-digit 地方公共団体コード (weights 6..2, modulus 11; JIS X 0401)."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def valid_municipality_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code)) and check_digit(code[:5]) == int(code[5])


def _inside(manifest: Path, rel: str, line: int) -> Path:
    """The document's real path, which must lie inside the manifest's own folder.

    Resolved with symlinks followed, so `../../etc/passwd`, an absolute path, `/proc/...` and
    a symlink that leads out of the folder are all refused: the build publishes what it reads
    into `raw_sections`, and a manifest must not be a way to publish any file on the machine.
    """
    folder = manifest.parent.resolve()
    target = (folder / rel).resolve()
    if not target.is_relative_to(folder):
        raise IngestError(str(manifest), f"document path {rel!r} leads outside the manifest's "
                          f"folder {folder} (symlinks followed): only files inside it are read", line)
    return target


def read_manifest(path: Path) -> list[ManifestEntry]:
    """Parse and validate the manifest; raises IngestError naming the manifest line."""
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(where, "manifest not found") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(where, f"manifest is not UTF-8 (byte {exc.start})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip() for c in rows[0]] != COLUMNS:
        raise IngestError(where, f"header must be exactly {','.join(COLUMNS)}", 1)
    entries: list[ManifestEntry] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(COLUMNS):
            raise IngestError(where, f"expected {len(COLUMNS)} columns, found {len(row)}", i)
        rec = dict(zip(COLUMNS, (c.strip() for c in row)))
        doc_id = rec["document_id"]
        if not _DOC_ID.match(doc_id):
            raise IngestError(where, f"bad document_id {doc_id!r} (letters, digits, . _ -)", i)
        if doc_id in seen:
            raise IngestError(where, f"duplicate document_id {doc_id!r} (first on line {seen[doc_id]})", i)
        seen[doc_id] = i
        code = rec["municipality_code"]
        if not valid_municipality_code(code):
            raise IngestError(where, f"bad municipality_code {code!r} (6 digits with a valid check digit)", i)
        try:
            year = int(rec["fiscal_year"])
        except ValueError:
            raise IngestError(where, f"bad fiscal_year {rec['fiscal_year']!r}", i) from None
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise IngestError(where, f"fiscal_year {year} outside {MIN_YEAR}..{MAX_YEAR}", i)
        if not rec["path"]:
            raise IngestError(where, "empty path", i)
        entries.append(ManifestEntry(i, doc_id, rec["path"], _inside(path, rec["path"], i),
                                     code, year, rec["title"], rec["encoding"]))
    if not entries:
        raise IngestError(where, "manifest lists no documents")
    return entries
