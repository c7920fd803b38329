"""Read one manifest entry into a `Document`: bytes → text → normalized lines → section tree."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.reading.decode import decode_bytes
from ingest.reading.document import Document, Line
from ingest.errors import IngestError
from ingest.reading.normalize import normalize_lines_laid_out, read_ocr_figures
from ingest.reading.pdf_reader import MAX_PDF_BYTES, is_pdf, line_pages, page_rows, read_pdf
from ingest.reading.segment import segment
from ingest.reading.stated_year import mismatch_message, stated_year


# A document is read whole into memory, several times over (bytes, text, lines, sections,
# facts): the limit keeps one worker's memory bounded (a 50 MiB text took 3.1 GB and 391 s
# before it existed). The shipped and corpus texts are 6–90 KiB; 16 MiB leaves room for the
# text of a whole budget book of several hundred pages. For a PDF the limit holds for the text
# its pages give (a 612-page budget book of the corpus: 1 MB); the PDF file has its own, larger
# limit (`pdf_reader.MAX_PDF_BYTES`): its bytes are only hashed and piped to poppler.
MAX_DOCUMENT_BYTES = 16 * 2**20



def _read_ocr_figures(lines: list[Line], laid_out: list[str], pages: list[int],
                      ocr: frozenset[int]) -> tuple[list[Line], list[str], dict[int, dict[str, str]]]:
    """The lines of the OCR pages with their misread figures read as digits (the normalized
    line and the laid-out one alike, the laid-out reading in the printed width), and the
    readings made per line: see `normalize.read_ocr_figures`."""
    readings: dict[int, dict[str, str]] = {}
    lines, laid_out = list(lines), list(laid_out)
    for i, line in enumerate(lines):
        if i >= len(pages) or pages[i] not in ocr:
            continue
        # (the laid-out line is read on its own: normalizing joined `47, 144,067,527` in the
        # normalized line already, so that line may need no reading while the laid-out one does)
        if i < len(laid_out):
            laid_out[i], laid = read_ocr_figures(laid_out[i], keep_width=True)
        else:
            laid = ()
        text, made = read_ocr_figures(line.text)
        if made:
            lines[i] = Line(line.no, text)
        if made or laid:
            readings[line.no] = dict(laid) | dict(made)
    return lines, laid_out, readings

def _read(path: Path) -> bytes:
    """The file's bytes, within the limit of its kind (a PDF's is larger: see pdf_reader)."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            with path.open("rb") as fh:
                head = fh.read(1024)
            limit = MAX_PDF_BYTES if is_pdf(head) else MAX_DOCUMENT_BYTES
            if size > limit:
                kind = "PDF" if limit == MAX_PDF_BYTES else "document"
                raise IngestError(str(path), f"{size / 2**20:.1f} MiB: larger than the "
                                  f"{limit // 2**20} MiB a {kind} may be (one annual report's "
                                  "text is 1–3 MiB); split it into documents")
        return path.read_bytes()
    except FileNotFoundError:
        raise IngestError(str(path), "file not found") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot read: {exc.strerror}") from None


def detect_layout(lines: list[Line]) -> str:
    """`markdown_tsv` when tables are tab-separated rows, else `pdf_flow`."""
    tabbed = sum(1 for line in lines if "\t" in line.text)
    return "markdown_tsv" if tabbed >= 5 else "pdf_flow"


def load_document(path: Path, document_id: str, municipality_code: str, fiscal_year: int,
                  title: str = "", encoding: str = "") -> tuple[Document, dict]:
    """Decode, normalize and segment one document; also returns its `raw_documents` row."""
    data = _read(path)
    pages: list[int] = []
    pdf_pages: list[dict] = []
    if is_pdf(data):
        if encoding:
            raise IngestError(str(path), f"a PDF with encoding {encoding!r} in the manifest: "
                              "leave `encoding` empty for a PDF (its text layer is Unicode)")
        pdf = read_pdf(data, str(path))
        text, used = pdf.text, "pdf"
        if len(text) > MAX_DOCUMENT_BYTES:
            raise IngestError(str(path), f"the PDF's text is {len(text) / 2**20:.1f} M characters: "
                              f"more than the {MAX_DOCUMENT_BYTES // 2**20} MiB a document may be; "
                              "split it into documents")
        if not any(page.has_text_layer for page in pdf.pages):
            raise IngestError(str(path), f"a PDF without text: none of its {len(pdf.pages)} pages "
                              "has a text layer (a scan without OCR); give a PDF with its OCR "
                              "text layer, or the document's text")
    else:
        if len(data) > MAX_DOCUMENT_BYTES:
            raise IngestError(str(path), f"{len(data) / 2**20:.1f} MiB: larger than the "
                              f"{MAX_DOCUMENT_BYTES // 2**20} MiB a document may be (one annual "
                              "report's text is 1–3 MiB); split it into documents")
        text, used = decode_bytes(data, str(path), encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines, laid_out = normalize_lines_laid_out(text)
    if not any(line.text for line in lines):
        raise IngestError(str(path), "empty document (no text)")
    ocr = frozenset(page.page for page in pdf.pages if page.scanned and page.has_text_layer) \
        if used == "pdf" else frozenset()
    readings: dict[int, dict[str, str]] = {}
    if used == "pdf":
        pages = line_pages(text)
        pdf_pages = page_rows(pdf, document_id, pages)
        if ocr:
            lines, laid_out, readings = _read_ocr_figures(lines, laid_out, pages, ocr)
    stated = stated_year(lines, fiscal_year)
    if stated is not None and stated.fiscal_year != fiscal_year:
        raise IngestError(str(path), mismatch_message(stated, fiscal_year), stated.line)
    layout = detect_layout(lines)
    sections, owner = segment(document_id, title or document_id, lines,
                              ocr_layout=layout == "markdown_tsv")
    # (the laid-out lines are `layout_line` of each raw line: the text has no `\r` left, and
    # the NFKC of the whole text split at `\n` is each line's NFKC, see normalize_lines_laid_out)
    doc = Document(document_id, municipality_code, fiscal_year, layout, lines, sections, owner,
                   laid_out, pages, ocr, readings)
    doc_row = {
        "document_id": document_id, "municipality_code": municipality_code,
        "fiscal_year": fiscal_year, "title": title, "sha256": hashlib.sha256(data).hexdigest(),
        "encoding": used, "line_count": len(lines), "layout": doc.layout,
        "_pages": pdf_pages,  # raw_pdf_pages rows (none for a text document)
    }
    return doc, doc_row


def load_shipped(name: str) -> Document:
    """Load one of the shipped documents by manifest `document_id` (for tests and exploration)."""
    from ingest.reading.manifest import read_manifest  # local import: manifest imports nothing from here

    root = Path(__file__).resolve().parents[2] / "data" / "raw" / "manifest.csv"
    for entry in read_manifest(root):
        if entry.document_id == name:
            doc, _ = load_document(entry.abs_path, entry.document_id, entry.municipality_code,
                                   entry.fiscal_year, entry.title, entry.encoding)
            return doc
    raise KeyError(name)
