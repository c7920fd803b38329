"""Extractors: one module per table kind, each `extract(doc) -> Extraction`.

An extractor reads only the lines of the document (normalized, with raw line numbers) and
returns fact rows; it never writes files. It must not raise on a document that lacks its
tables (it returns an empty Extraction), so every extractor runs on every document.
"""
from __future__ import annotations

import importlib
from typing import Callable

from ingest.reading.document import Document, Extraction

# Module names under ingest.extract; each defines `extract(doc: Document) -> Extraction`.
EXTRACTOR_MODULES: list[str] = [
    "activity", "allocation_tax", "bills", "bonds", "budget", "finance_other", "funds", "it_systems",
    "meetings",
]


def extractors() -> list[tuple[str, Callable[[Document], Extraction]]]:
    found = []
    for name in EXTRACTOR_MODULES:
        module = importlib.import_module(f"ingest.extract.{name}")
        found.append((name, module.extract))
    # The table engine reads every table, whatever its kind (ingest/tables/).
    found.append(("tables", importlib.import_module("ingest.tables").extract))
    return found
