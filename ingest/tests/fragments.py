"""Shared helpers for extractor tests: documents built from hand-written fragments."""
from __future__ import annotations

from ingest.reading.document import Document, Extraction, Line
from ingest.reading.normalize import normalize_line


def make_doc(texts: list[str], layout: str = "pdf_flow", doc_id: str = "t",
             fiscal_year: int = 2021, municipality_code: str = "132101") -> Document:
    """A Document of the given raw lines (normalized as the ingest would, numbered from 1)."""
    return Document(doc_id, municipality_code, fiscal_year, layout,
                    [Line(i + 1, normalize_line(s)) for i, s in enumerate(texts)])


def mismatches(ex: Extraction) -> list[dict]:
    """The checks whose printed figure differs from what the parts add up to."""
    return [c for c in ex.checks if c["reported_value"] != c["computed_value"]]
