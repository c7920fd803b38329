"""Read a PDF's text layer into column-aligned pages: the text a document listed as a PDF has.

The reader is Debian's poppler-utils run as a process (`pdftotext -layout`, `pdfinfo`), chosen
over pdfplumber and pypdfium2 on the corpus PDFs (benchmarks/pdf_readers.py, README): its
column-aligned text is what the table engine (`ingest/tables/`) reads, it is the fastest of
the three and its memory is its own process's, and it is GPL-2 (no AGPL). The PDF's bytes go
to poppler on standard input: the bytes hashed are the bytes read.

What this module adds to poppler's text, each step a pure function of it, tested alone:
- one text for the document with a form feed between pages, so that `source_line` counts
  the lines of that text over the whole document and each line has its page
  (`PdfDocument.text`, `PdfDocument.line_pages`); `python -m ingest.reading.pdf_reader FILE.pdf`
  prints exactly that text, to find a value again by its line;
- printed page numbers (`- 12 -`, `― 2 ―`, a bare `3` counting up page by page) are page
  furniture: their line is left blank (line numbers do not move) and the number is kept
  as the page's `page_label`;
- a landscape sheet that holds two book pages side by side (a band down its middle that no
  word crosses, in the words' x-positions, and a page number in each half) is split at that
  gutter: its left page's lines come first, then its right page's, both on the same PDF page;
- a page without a text layer (a scan without OCR) is counted, never an error;
- a damaged text layer (a broken ToUnicode map that turns the digits into unrelated rare
  characters) stops the build with one line naming the file and page: such text must never
  become numbers, nor silently become no numbers.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import unicodedata
from dataclasses import dataclass, replace
from statistics import median

from ingest.errors import IngestError

# A PDF's bytes are only hashed and piped to poppler: what the worker holds and reads several
# times over is the extracted text (limited like a text document's, in load.py). The limit on
# the PDF itself is therefore far above the 16 MiB of a text: a scanned book at 400 dpi takes
# about 50 KB a page (the corpus scan: 4 MB for 83 pages), so 128 MiB is some 2,500 scanned
# pages, more than any one report, while still bounding the bytes one worker holds.
MAX_PDF_BYTES = 128 * 2**20
# poppler reads a 612-page budget book in under a second; a PDF that keeps it busy for
# minutes is broken (or hostile), not big.
POPPLER_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class PdfPage:
    """One page of the PDF file as read: its size as displayed, its text and what it holds."""

    page: int             # 1-based page of the file
    width: float          # points, as displayed (the page's /Rotate applied)
    height: float
    rotation: int         # the page's /Rotate (0, 90, 180, 270)
    text: str             # column-aligned lines (`\n`-terminated), furniture blanked
    characters: int       # non-space characters of the page's text layer
    book_pages: int = 1   # 2 when a landscape sheet of two book pages was split at its gutter
    page_label: str = ""  # printed page number(s) taken out as furniture ("188", "603 604")
    scanned: bool = False  # one image covers the page: a scan (its text layer, if any, is OCR)

    @property
    def orientation(self) -> str:
        return "landscape" if self.width > self.height else "portrait"

    @property
    def has_text_layer(self) -> bool:
        return self.characters > 0


@dataclass(frozen=True)
class PdfDocument:
    """A PDF read page by page, with the file's producer (who wrote it: a scanner, Word …)."""

    producer: str
    creator: str
    pages: list[PdfPage]

    @property
    def text(self) -> str:
        """The document's text: the pages in order, a form feed between two pages."""
        return "\f".join(page.text for page in self.pages)

    def line_pages(self) -> list[int]:
        """The page of each line of `text` (see `line_pages`)."""
        return line_pages(self.text)

    @property
    def pages_without_text(self) -> list[int]:
        return [page.page for page in self.pages if not page.has_text_layer]


def line_pages(text: str) -> list[int]:
    """The page of each line of a document's text: 1 + the form feeds up to the line's end.

    Lines are counted as `normalize.normalize_lines` counts them (split at `\\n`, a last empty
    piece dropped). A page without text has no line of its own (its form feed opens the next
    page's first line), except a last page, whose form feed makes a line.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out, page = [], 1
    for line in lines:
        if "\f" in line:
            page += line.count("\f")
        out.append(page)
    return out


def page_rows(doc: PdfDocument, document_id: str, pages_of_lines: list[int]) -> list[dict]:
    """`raw_pdf_pages` rows: every page of the file, with the lines of the text it holds."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for no, page in enumerate(pages_of_lines, start=1):
        first.setdefault(page, no)
        last[page] = no
    return [{
        "document_id": document_id, "page": p.page, "width": round(p.width, 2),
        "height": round(p.height, 2), "orientation": p.orientation, "rotation": p.rotation,
        "producer": doc.producer, "has_text_layer": p.has_text_layer,
        "characters": p.characters, "book_pages": p.book_pages, "page_label": p.page_label,
        "first_line": first.get(p.page), "last_line": last.get(p.page),
    } for p in doc.pages]


def is_pdf(data: bytes) -> bool:
    """A PDF file starts with `%PDF-` (whitespace before it tolerated, as decode.py did)."""
    return data[:1024].lstrip().startswith(b"%PDF-")


# ---------------------------------------------------------------------------------------
# poppler as a process


def _poppler(tool: str, args: list[str], data: bytes, path: str) -> str:
    return _start_poppler(tool, args, data, path).text()


class _Poppler:
    """A poppler tool started on the PDF's bytes: `text()` waits for what it printed.

    Started before it is waited for, a tool runs beside the others: `pdfimages -list` (about
    0.6 s on the 612-page book, whose `pdftotext -layout` takes 1 s) runs while pdftotext
    reads, instead of after it. `stop()` ends it when its text is no longer wanted.
    """

    def __init__(self, tool: str, proc: subprocess.Popen, data: bytes, path: str) -> None:
        self.tool, self.proc, self.path = tool, proc, path
        self.result: tuple[bytes, bytes] | None = None
        self.thread = threading.Thread(target=self._communicate, args=(data,), daemon=True)
        self.thread.start()

    def _communicate(self, data: bytes) -> None:
        try:
            self.result = self.proc.communicate(data, timeout=POPPLER_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.stop()
        except OSError:  # (stopped while its input was being written)
            self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def text(self) -> str:
        self.thread.join()
        if self.result is None:
            raise IngestError(self.path, f"{self.tool} did not finish reading this PDF in "
                              f"{POPPLER_TIMEOUT_SECONDS} s: the file is damaged")
        stdout, stderr = self.result
        if self.proc.returncode != 0:
            raise IngestError(self.path, f"not a readable PDF: {_poppler_error(stderr)}")
        return stdout.decode("utf-8", errors="replace")


def _start_poppler(tool: str, args: list[str], data: bytes, path: str) -> _Poppler:
    exe = shutil.which(tool)
    if exe is None:
        raise IngestError(path, f"a PDF: reading it needs `{tool}` from Debian's poppler-utils "
                          "(and poppler-data for Japanese fonts): run `make setup` as root, or "
                          "`apt-get install poppler-utils poppler-data`")
    proc = subprocess.Popen([exe, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    return _Poppler(tool, proc, data, path)


def _poppler_error(stderr: bytes) -> str:
    """poppler's own words, turned into what a user can act on."""
    text = stderr.decode("utf-8", errors="replace")
    if "Incorrect password" in text:
        return "encrypted (it needs a password to open): give a copy without the password"
    if "Invalid page count 0" in text or "Wrong page range" in text:
        return "it has no pages"
    first = next((line.strip() for line in text.splitlines() if line.strip()), "poppler failed")
    if "xref" in text or "trailer" in text:
        return f"damaged or truncated ({first})"
    return first


def read_pdf(data: bytes, path: str) -> PdfDocument:
    """Read the PDF in `data`; raises `IngestError` naming `path` (and the page) when it cannot."""
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        # poppler rebuilds a cut file's cross-reference table and would read the pages that
        # survived: half a budget book must not pass for the whole one.
        raise IngestError(path, "a truncated PDF: the file does not end with %%EOF (the "
                          "download or copy was cut short)")
    info = parse_info(_poppler("pdfinfo", ["-f", "1", "-l", "1000000", "-"], data, path))
    count = info.pages
    if count == 0:
        raise IngestError(path, "not a readable PDF: it has no pages")
    images = _start_poppler("pdfimages", ["-list", "-"], data, path)  # (runs beside pdftotext)
    try:
        raw = _poppler("pdftotext", ["-layout", "-enc", "UTF-8", "-eol", "unix", "-", "-"], data, path)
        texts = split_pages(raw)
        if len(texts) != count:
            raise IngestError(path, f"not a readable PDF: pdfinfo counts {count} pages, pdftotext "
                              f"read {len(texts)}")
        halves = read_spreads(data, path, info, texts)
        pages = build_pages(texts, info, halves)
        scans = scanned_pages(images.text(), info)
    finally:
        images.stop()
    pages = [replace(page, scanned=page.page in scans) for page in pages]
    damage = damaged_page(pages)
    if damage is not None:
        raise IngestError(path, damage)
    return PdfDocument(info.producer, info.creator, pages)


# ---------------------------------------------------------------------------------------
# pure steps


@dataclass(frozen=True)
class PdfInfo:
    """What `pdfinfo -f 1 -l N` says: the file's producer and each page's size and rotation."""

    producer: str
    creator: str
    pages: int
    sizes: dict[int, tuple[float, float, int]]  # page → (width, height, /Rotate) as stored


_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)")
_PAGE_ROT = re.compile(r"^Page\s+(\d+)\s+rot:\s+(-?\d+)")


def parse_info(text: str) -> PdfInfo:
    fields: dict[str, str] = {}
    sizes: dict[int, list] = {}
    for line in text.splitlines():
        m = _PAGE_SIZE.match(line)
        if m:
            sizes.setdefault(int(m[1]), [0.0, 0.0, 0])[:2] = [float(m[2]), float(m[3])]
            continue
        m = _PAGE_ROT.match(line)
        if m:
            sizes.setdefault(int(m[1]), [0.0, 0.0, 0])[2] = int(m[2]) % 360
            continue
        key, sep, value = line.partition(":")
        if sep and not key.startswith("Page ") and key not in fields:
            fields[key.strip()] = value.strip()
    try:
        pages = int(fields.get("Pages", "0"))
    except ValueError:
        pages = 0
    return PdfInfo(fields.get("Producer", ""), fields.get("Creator", ""), pages,
                   {p: (w, h, r) for p, (w, h, r) in sizes.items()})


SCAN_COVER = 0.9  # share of the page's width and height one image must cover to be a scan


def scanned_pages(listing: str, info: PdfInfo) -> set[int]:
    """Pages that are one image covering the page (`pdfimages -list`: an image's pixels over
    its resolution, in points, against the page's size): scanned paper, whose text layer, where
    there is one, was made by OCR and may misread figures (`147.097` for 147,097)."""
    out: set[int] = set()
    for line in listing.splitlines()[2:]:
        parts = line.split()
        if len(parts) < 14 or not parts[0].isdigit() or parts[2] != "image":
            continue
        try:
            page, w_px, h_px, x_ppi, y_ppi = (int(parts[0]), int(parts[3]), int(parts[4]),
                                              float(parts[12]), float(parts[13]))
        except ValueError:
            continue
        width, height, _rotation = info.sizes.get(page, (0.0, 0.0, 0))
        if not (width and height and x_ppi and y_ppi):
            continue
        w_pt, h_pt = w_px / x_ppi * 72, h_px / y_ppi * 72
        if (w_pt >= SCAN_COVER * width and h_pt >= SCAN_COVER * height) or (
                w_pt >= SCAN_COVER * height and h_pt >= SCAN_COVER * width):
            out.add(page)
    return out


def split_pages(raw: str) -> list[str]:
    """pdftotext's output cut into pages: it ends every page, the last too, with a form feed."""
    if not raw:
        return []
    parts = raw.split("\f")
    if parts[-1] == "":
        parts.pop()
    return parts


def _displayed_size(info: PdfInfo, page: int) -> tuple[float, float, int]:
    width, height, rotation = info.sizes.get(page, (0.0, 0.0, 0))
    return (height, width, rotation) if rotation in (90, 270) else (width, height, rotation)


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def build_pages(texts: list[str], info: PdfInfo,
                halves: dict[int, tuple[list[str], list[str]]] | None = None) -> list[PdfPage]:
    """Pages with their size, spreads split (`halves`: page → its two book pages' lines, see
    `read_spreads`) and printed page numbers taken out."""
    sheets: list[tuple[int, float, float, int, int, list[list[str]]]] = []
    for n, text in enumerate(texts, start=1):
        width, height, rotation = _displayed_size(info, n)
        characters = len("".join(text.split()))
        split = (halves or {}).get(n)
        blocks = [split[0], split[1]] if split is not None else [_lines(text)]
        sheets.append((n, width, height, rotation, characters, blocks))
    labels = take_out_page_numbers([(n, blocks) for n, *_, blocks in sheets])
    return [PdfPage(n, width, height, rotation,
                    "".join(line + "\n" for block in blocks for line in block), characters,
                    len(blocks), labels.get(n, ""))
            for n, width, height, rotation, characters, blocks in sheets]


# Page numbers as printed at the head or foot of a page: `- 12 -`, `― 2 ―`, `−2−`, `—3—`
# (`(4)` is not among them: a heading ordinal); a bare number counts only when the numbers
# count up page by page (see take_out_page_numbers).
_DASHES = "-‐‑‒–—―−ー－~～"
_DASHED_NUMBER = re.compile(rf"[{_DASHES}]\s*(\d{{1,4}})\s*[{_DASHES}]")
_DASHED_LINE = re.compile(rf"^\s*(?:[{_DASHES}]\s*\d{{1,4}}\s*[{_DASHES}]\s*)+$")
_BARE_LINE = re.compile(r"^\s*(\d{1,4})\s*$")
EDGE_LINES = 2  # page numbers sit among the first or last two lines that hold anything


def _edge_lines(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def _page_number_line(line: str, bare: bool) -> str | None:
    """The page number(s) a line prints alone, else None (`bare`: a number without dashes)."""
    if _DASHED_LINE.match(line):
        return " ".join(_DASHED_NUMBER.findall(line))
    m = _BARE_LINE.match(line) if bare else None
    return m[1] if m else None


def take_out_page_numbers(sheets: list[tuple[int, list[list[str]]]]) -> dict[int, str]:
    """Blank the lines that only print a page number (furniture); returns page → label.

    The blocks (one per book page of the sheet) are changed in place: a blanked line stays,
    empty, so no line number moves. A dashed number (`- 188 -`, `― 2 ―`) at the head or foot
    of a book page is a page number. A bare number there is one when the sheet was split into
    two book pages (each half has one: that is how the split was found), or when such numbers
    count up with the pages (the number minus the page is the same on at least three pages
    and on most pages that print one): otherwise it may be a figure, and it stays.
    """
    found: dict[int, list[tuple[int, int, str]]] = {}
    bare: dict[int, tuple[int, int, int]] = {}
    for page, blocks in sheets:
        for b, block in enumerate(blocks):
            for i in _edge_lines(block):
                label = _page_number_line(block[i], bare=len(blocks) > 1)
                if label is not None:
                    found.setdefault(page, []).append((b, i, label))
                elif len(blocks) == 1 and page not in bare:
                    number = _page_number_line(block[i], bare=True)
                    if number is not None:
                        bare[page] = (b, i, int(number))
    offsets = [value - page for page, (_, _, value) in bare.items()]
    if offsets:
        offset = max(sorted(set(offsets)), key=offsets.count)
        if offsets.count(offset) >= 3 and offsets.count(offset) * 2 > len(offsets):
            for page, (b, i, value) in bare.items():
                if value - page == offset:
                    found.setdefault(page, []).append((b, i, str(value)))
    labels = {}
    blocks_of = dict(sheets)
    for page, marks in found.items():
        for b, i, _ in marks:
            blocks_of[page][b][i] = ""
        labels[page] = " ".join(label for _, _, label in sorted(marks))
    return labels


# Blank paper between two book pages printed on one sheet, in points: each page's inner margin
# (1 cm or more each). The widest gap between the columns of one table in the corpus's
# landscape pages is narrower, and a split also needs a page number in each half.
MIN_GUTTER_PT = 28.0
_PAGE_TAG = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD_TAG = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"')


def parse_word_boxes(html: str) -> list[tuple[float, list[tuple[float, float]]]]:
    """`pdftotext -bbox` output → per page (width, [(xMin, xMax) of each word])."""
    pages: list[tuple[float, list[tuple[float, float]]]] = []
    for chunk in html.split("<page ")[1:]:
        m = _PAGE_TAG.match("<page " + chunk)
        width = float(m[1]) if m else 0.0
        pages.append((width, [(float(a), float(b)) for a, b in _WORD_TAG.findall(chunk)]))
    return pages


def find_gutter(width: float, words: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The widest band of x no word crosses, with its middle in the middle 40% of the sheet.

    Two book pages side by side leave such a band between them (at least MIN_GUTTER_PT wide);
    a page of one table or of text has none that wide there.
    """
    if len(words) < 6 or width <= 0:
        return None
    best = None
    reach = 0.0
    for x0, x1 in sorted(words):
        if reach and x0 - reach >= MIN_GUTTER_PT and 0.3 * width <= (reach + x0) / 2 <= 0.7 * width:
            if best is None or x0 - reach > best[1] - best[0]:
                best = (reach, x0)
        reach = max(reach, x1)
    return best


def is_spread(left: list[str], right: list[str]) -> bool:
    """Both halves print a page number at their head or foot: two book pages, not one table."""
    numbered = lambda block: any(  # noqa: E731
        _page_number_line(block[i], bare=True) is not None for i in _edge_lines(block))
    return numbered(left) and numbered(right)


def read_spreads(data: bytes, path: str, info: PdfInfo,
                 texts: list[str]) -> dict[int, tuple[list[str], list[str]]]:
    """Landscape sheets that hold two book pages: page → (left page's lines, right page's).

    Column positions in `pdftotext -layout` text do not follow x linearly (it packs wide blank
    space), so the gutter is looked for in the words' x-positions (`pdftotext -bbox`), and
    each half is then laid out on its own (`-layout` cropped to it).
    """
    landscape = [n for n, text in enumerate(texts, start=1)
                 if text.strip() and _displayed_size(info, n)[0] > _displayed_size(info, n)[1]]
    if not landscape:
        return {}
    first, last = landscape[0], landscape[-1]
    boxes = parse_word_boxes(_poppler("pdftotext", ["-bbox", "-f", str(first), "-l", str(last),
                                                    "-", "-"], data, path))
    out = {}
    for n in landscape:
        if n - first >= len(boxes):
            break
        width, words = boxes[n - first]
        gutter = find_gutter(width, words)
        if gutter is None:
            continue
        cut = (gutter[0] + gutter[1]) / 2
        height = _displayed_size(info, n)[1]
        halves = []
        for x, w in ((0.0, cut), (cut, width - cut)):
            text = _poppler("pdftotext", ["-layout", "-f", str(n), "-l", str(n), "-x", f"{x:.0f}",
                                          "-y", "0", "-W", f"{w:.0f}", "-H", f"{height + 1:.0f}",
                                          "-enc", "UTF-8", "-eol", "unix", "-", "-"], data, path)
            halves.append(_lines(text.split("\f")[0]))
        if is_spread(halves[0], halves[1]):
            out[n] = (halves[0], halves[1])
    return out


# ---------------------------------------------------------------------------------------
# damaged text layers


def _rare(char: str) -> bool:
    """A letter no Japanese report prints: not in CP932 (JIS X 0208 and its vendor extensions).

    Private-use code points count too: a broken ToUnicode map often points glyphs there.
    None of the 234,719 non-space characters of the four corpus PDFs' text is rare by this
    test (the corpus OCR layer has four combining underlines outside CP932: marks, not letters).
    """
    if char.isascii() or char.isspace():
        return False
    category = unicodedata.category(char)
    if category == "Co":
        return True
    if not category.startswith("L"):
        return False
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return True
    return False


_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_NUMBER_PUNCT = set(",.，．△▲-−")
MIN_GLYPH_NUMBERS = 3   # number-shaped runs of rare letters on one page that mean damage
MIN_RARE_SHARE = 0.05   # or this share of a page's letters rare (and at least MIN_RARE)
MIN_RARE = 20


def damage_on_page(text: str) -> tuple[int, int, list[str]]:
    """(number-shaped runs of rare letters, rare letters, examples) of one page's text.

    A digit that a broken map turned into an unrelated code point keeps its neighbours: the
    thousands separators and the minus sign of the figure are often mapped right, so a
    figure comes out as `㐃,㐊㐑㐘`. A run of two or more rare letters standing alone in a
    column, with or without such punctuation, is a figure that cannot be read.
    """
    if not _PRIVATE_USE.search(text):
        try:  # the common case, at C speed: every character is one a Japanese report prints
            text.encode("cp932")
            return 0, 0, []
        except UnicodeEncodeError:
            pass
    text = unicodedata.normalize("NFKC", text)
    rare = sum(1 for c in text if _rare(c))
    if rare == 0:
        return 0, 0, []
    runs = []
    for token in text.split():
        core = [c for c in token if c not in _NUMBER_PUNCT]
        if len(core) >= 2 and all(_rare(c) for c in core):
            runs.append(token)
    return len(runs), rare, runs[:3]


def damaged_page(pages: list[PdfPage]) -> str | None:
    """The one-line message for the first page whose text layer is damaged, else None."""
    for page in pages:
        runs, rare, examples = damage_on_page(page.text)
        if rare == 0:
            continue
        letters = sum(1 for c in page.text if c.isalpha())
        if runs >= MIN_GLYPH_NUMBERS or (rare >= MIN_RARE and rare >= MIN_RARE_SHARE * letters):
            shown = ", ".join(repr(e) for e in examples) or "rare letters"
            return (f"page {page.page}: the text layer is damaged (a broken ToUnicode map: "
                    f"{runs} figures print as rare characters such as {shown}, {rare} such "
                    "characters on the page); its numbers cannot be read: give a PDF with a "
                    "working text layer, or the document's text")
    return None


def main(argv: list[str]) -> int:
    """`python -m ingest.reading.pdf_reader FILE.pdf`: print the text the build reads (line = source_line)."""
    if len(argv) != 1:
        print("usage: python -m ingest.reading.pdf_reader FILE.pdf", file=sys.stderr)
        return 2
    path = argv[0]
    try:
        with open(path, "rb") as fh:
            doc = read_pdf(fh.read(), path)
    except OSError as exc:
        print(f"error: {path}: {exc.strerror}", file=sys.stderr)
        return 2
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(doc.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
