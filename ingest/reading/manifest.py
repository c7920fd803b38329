"""Read and validate `data/raw/manifest.csv`: the list of documents the build ingests.

Columns, exactly: document_id,path,municipality_code,fiscal_year,title,encoding. `path` is
relative to the manifest. Any problem stops the build with one line naming the manifest and
the line, before anything is written.
"""
from __future__ import annotations

import csv
import io
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
    """Six ASCII digits with a valid check digit (`\\d` would also take `１３２１０１`)."""
    return bool(re.fullmatch(r"[0-9]{6}", code)) and check_digit(code[:5]) == int(code[5])


def _csv_rows(text: str, where: str) -> list[tuple[int, list[str]]]:
    """(line where the record starts, fields) of every CSV record, quoted line breaks kept.

    Parsed as CSV proper, not split at line breaks first: a quoted field holding a line break
    is then seen (and refused by the caller) instead of silently cut into two broken rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start = [], 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(where, f"not valid CSV: {exc}", start) from None
    return rows


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
    rows = _csv_rows(text, where)
    if not rows or [c.strip() for c in rows[0][1]] != COLUMNS:
        raise IngestError(where, f"header must be exactly {','.join(COLUMNS)}", 1)
    entries: list[ManifestEntry] = []
    seen: dict[str, int] = {}
    for i, row in rows[1:]:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(COLUMNS):
            raise IngestError(where, f"expected {len(COLUMNS)} columns, found {len(row)}", i)
        for name, cell in zip(COLUMNS, row):
            if "\n" in cell or "\r" in cell:
                raise IngestError(where, f"a line break inside the {name} field (a quoted "
                                  "field spans lines): one document per line", i)
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
        if not re.fullmatch(r"[0-9]{4}", rec["fiscal_year"]):  # int() would take `２０２１`
            raise IngestError(where, f"bad fiscal_year {rec['fiscal_year']!r} (4 ASCII digits, "
                              "the Western year the fiscal year starts)", i)
        year = int(rec["fiscal_year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise IngestError(where, f"fiscal_year {year} outside {MIN_YEAR}..{MAX_YEAR}", i)
        if not rec["path"]:
            raise IngestError(where, "empty path", i)
        entries.append(ManifestEntry(i, doc_id, rec["path"], _inside(path, rec["path"], i),
                                     code, year, rec["title"], rec["encoding"]))
    if not entries:
        raise IngestError(where, "manifest lists no documents")
    return entries
