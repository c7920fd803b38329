"""Plain data passed between the ingest stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple, TypeVar

T = TypeVar("T")


class Line(NamedTuple):
    """One line of a document after normalization, with its 1-based raw line number.

    A named tuple rather than a dataclass: a document has thousands of lines and a tuple is
    several times cheaper to build.
    """

    no: int
    text: str


@dataclass
class Section:
    """A node of the section tree (部 → 課 → 係 → 第1 → 1 → (1) → ア → (ア) → ａ)."""

    section_id: str
    parent_id: str | None
    level: int
    kind: str
    number: str
    heading: str
    path: str
    org_unit: str
    first_line: int
    last_line: int


@dataclass
class Document:
    """A decoded, normalized document with its section tree."""

    document_id: str
    municipality_code: str
    fiscal_year: int
    layout: str  # `markdown_tsv` (OCR with tab tables) or `pdf_flow` (space-separated runs)
    lines: list[Line]
    sections: list[Section] = field(default_factory=list)
    owner: dict[int, str] = field(default_factory=dict)  # line number -> owning section id
    # The lines as laid out (NFKC, no format characters, every space kept): line i + 1 is
    # laid_out[i]. Column-aligned tables need the character positions normalization collapses.
    laid_out: list[str] = field(default_factory=list)
    # The 1-based page of the PDF file each line was read from (line i + 1 is on pages[i]);
    # empty for a text document, which has no pages.
    pages: list[int] = field(default_factory=list)
    # Pages of the PDF that are scans with an OCR text layer: figures read there may be misread
    # (a failing identity over them is `unverifiable`, not a mismatch: ingest/tables/land.py).
    ocr_pages: frozenset[int] = frozenset()
    # Figures of those pages read with misread glyphs mended (`l,085,094` → 1,085,094): line →
    # {reading: printed text}, so a cell keeps what was printed beside the value it was read as.
    ocr_readings: dict[int, dict[str, str]] = field(default_factory=dict)
    _by_id: dict[str, Section] = field(default_factory=dict, init=False, repr=False, compare=False)
    _derived: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: str, compute: Callable[["Document"], T]) -> T:
        """`compute(self)`, worked out once per document and shared by every caller.

        For readings more than one extractor needs (the bond tables are read by `bonds` and
        consulted by `funds`): the result must be treated as read-only by its callers.
        """
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]  # type: ignore[return-value]

    def section_at(self, line_no: int) -> Section | None:
        """The innermost section whose span holds `line_no` (the section that owns the line)."""
        if self.owner and line_no in self.owner:
            if not self._by_id:
                self._by_id = {sec.section_id: sec for sec in self.sections}
            return self._by_id.get(self.owner[line_no])
        best = None
        for sec in self.sections:
            if sec.first_line <= line_no <= sec.last_line:
                if best is None or sec.level >= best.level:
                    best = sec
        return best

    def find(self, needle: str, start: int = 1) -> int | None:
        """Line number of the first line at or after `start` whose text contains `needle`."""
        for line in self.lines[max(start, 1) - 1:]:  # lines[i] is line i + 1
            if needle in line.text:
                return line.no
        return None

    def text_at(self, line_no: int) -> str:
        return self.lines[line_no - 1].text


@dataclass
class Extraction:
    """What one extractor read from one document: fact rows per seed, and the checks it ran.

    `rows[seed_name]` holds dicts keyed by the columns in `schema.FACT_SEEDS[seed_name]`.
    A check is a dict with `subject`, `group_label`, `reported_value`, `computed_value`,
    `source_line` and optionally `note`; the pipeline numbers it and adds the document keys.
    """

    rows: dict[str, list[dict]] = field(default_factory=dict)
    checks: list[dict] = field(default_factory=list)

    def add(self, seed: str, row: dict) -> None:
        self.rows.setdefault(seed, []).append(row)

    def check(self, subject: str, group_label: str, reported, computed, source_line: int,
              note: str = "", expected: bool = False, tolerance: float | None = None) -> None:
        """Record one printed total / roll-forward checked against its parts.

        `reported` is the printed figure, `computed` what the parts add up to (None when the
        parts are not all printed: the check is then `unverifiable`). `expected=True` only
        where the document itself says the parts do not add up; `note` must then quote it.
        """
        self.checks.append({
            "subject": subject, "group_label": group_label, "reported_value": reported,
            "computed_value": computed, "source_line": source_line, "note": note,
            "expected": expected, "tolerance": tolerance,
        })

    def merge(self, other: "Extraction") -> None:
        for seed, rows in other.rows.items():
            self.rows.setdefault(seed, []).extend(rows)
        self.checks.extend(other.checks)
