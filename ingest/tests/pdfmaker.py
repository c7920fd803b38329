"""A minimal PDF writer for the tests: real PDF files whose text layer the tests choose.

No PDF library is needed: a page is a list of strings placed at (x, y) in points, written
with one Type0 font (Identity-H) whose ToUnicode map says which character each glyph is.
That map is the part the tests vary: `damaged` maps the digit glyphs to rare CJK code points,
as a PDF with a broken ToUnicode map does (its numbers come out as unrelated characters while
the text around them reads). The font is not embedded (text extraction needs only the
ToUnicode map and the widths: 1000 units for full-width characters, 500 for ASCII).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Unified ideographs of CJK Extension A: not in JIS X 0208 / CP932, never in a municipal report.
DAMAGED_DIGITS = {str(d): chr(0x3400 + 7 * d + 3) for d in range(10)}


@dataclass
class Page:
    """One page: `texts` are (x, y, text) in points from the bottom left, font size `size`."""

    texts: list[tuple[float, float, str]] = field(default_factory=list)
    width: float = 595.0
    height: float = 842.0
    size: float = 10.0
    rotate: int = 0
    image_only: bool = False  # a filled rectangle and no text: a scanned page without OCR


def _hex(text: str) -> str:
    return "".join(f"{ord(c):04X}" for c in text)


def _to_unicode(damaged: bool, digits_kept: set[str]) -> bytes:
    """CMap from glyph id (= the character's code point) to Unicode; `damaged` remaps digits."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CMapName /Test-UCS def", "/CMapType 2 def",
             "1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    if damaged:
        pairs = [(ord(d), ord(u)) for d, u in DAMAGED_DIGITS.items() if d not in digits_kept]
        lines.append(f"{len(pairs)} beginbfchar")
        lines += [f"<{g:04X}> <{u:04X}>" for g, u in pairs]
        lines.append("endbfchar")
    # Everything else maps to itself (bfchar entries above take precedence over the range
    # in poppler only when the range does not cover them, so the range skips the digits).
    ranges = [(0x0020, 0x002F), (0x003A, 0xFFFF)] if damaged else [(0x0020, 0xFFFF)]
    if damaged and digits_kept:
        ranges += [(ord(d), ord(d)) for d in sorted(digits_kept)]
    lines.append(f"{len(ranges)} beginbfrange")
    lines += [f"<{a:04X}> <{b:04X}> <{a:04X}>" for a, b in ranges]
    lines += ["endbfrange", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def make_pdf(pages: list[Page], damaged: bool = False, digits_kept: str = "",
             producer: str = "pdfmaker (ingest tests)", encrypted: bool = False) -> bytes:
    """The bytes of a PDF holding `pages` (see the module docstring)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    cmap = _to_unicode(damaged, set(digits_kept))
    cmap_obj = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descendant = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestGothic "
                     b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                     b"/FontDescriptor << /Type /FontDescriptor /FontName /TestGothic /Flags 4 "
                     b"/FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
                     b"/CapHeight 700 /StemV 80 >> "
                     b"/DW 1000 /W [32 [500] 33 126 500 65281 65374 1000] /CIDToGIDMap /Identity >>")
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /TestGothic /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (descendant, cmap_obj))
    kids = []
    for page in pages:
        if page.image_only:
            ops = [f"0.8 g 36 36 {page.width - 72:.2f} {page.height - 72:.2f} re f"]
        else:
            ops = [f"BT /F1 {page.size:g} Tf"]
            for x, y, text in page.texts:
                ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm <{_hex(text)}> Tj")
            ops.append("ET")
        content = "\n".join(ops).encode("ascii")
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] /Rotate %d "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (pages_obj, page.width, page.height, page.rotate, font, stream)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [%s] /Count %d >>"
                              % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    info = add(b"<< /Producer (%s) >>" % producer.encode("ascii"))
    encrypt = None
    if encrypted:  # standard security handler, a user password we do not give: unreadable
        encrypt = add(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <"
                      + b"22" * 32 + b"> /P -4 >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    trailer = b"<< /Size %d /Root %d 0 R /Info %d 0 R" % (len(objects) + 1, catalog, info)
    if encrypt is not None:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (encrypt, b"ab" * 16, b"ab" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def table_page(rows: list[tuple[str, ...]], x0: float = 60, y0: float = 780,
               col_right: tuple[float, ...] = (300, 400, 500), size: float = 10.0,
               line_gap: float = 16, **kw) -> Page:
    """A page with one row per line: the label at `x0`, each figure right-aligned at its column."""
    texts = []
    for i, row in enumerate(rows):
        y = y0 - i * line_gap
        label, *figures = row
        if label:
            texts.append((x0, y, label))
        for right, fig in zip(col_right, figures):
            width = sum(size * (0.5 if ord(c) < 128 else 1.0) for c in fig)
            texts.append((right - width, y, fig))
    return Page(texts=texts, size=size, **kw)
