"""Decode raw bytes: UTF-8 (with or without BOM), CP932/Shift_JIS or EUC-JP.

(PDF files do not come here: `load.py` hands them to `pdf_reader`.)

Detection is strict decoding in a fixed order, because a lenient decoder silently corrupts
Japanese text. UTF-8 is tried first (a CP932 or EUC-JP file of Japanese text essentially never
decodes as UTF-8). When both CP932 and EUC-JP decode, the one with more kana/kanji wins.
"""
from __future__ import annotations

import codecs

from ingest.errors import IngestError

ENCODING_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf_8_sig": "utf-8-sig",
    "cp932": "cp932", "shift_jis": "cp932", "sjis": "cp932", "shift-jis": "cp932",
    "ms932": "cp932", "windows-31j": "cp932", "euc-jp": "euc_jp", "euc_jp": "euc_jp",
    "eucjp": "euc_jp",
}


def _japanese_share(text: str) -> float:
    if not text:
        return 0.0
    ja = sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    return ja / len(text)


# C0 control bytes other than tab, newlines, form feed and escape.
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 27 or 27 < b < 32)


def _implausible(text: str) -> bool:
    """CP932 decodes almost any bytes: C1 controls or many private-use characters mean noise.

    (Python's cp932 maps 0x80 and 0xFD–0xFF to U+0080 / U+F8F1–F8F3, and user-defined
    characters to the private-use area; a real report has none or very few of them.)
    """
    c1 = sum(1 for c in text if "\x80" <= c <= "\x9f")
    pua = sum(1 for c in text if "\ue000" <= c <= "\uf8ff")
    return c1 > 0 or pua > max(2, len(text) // 1000)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many C0 control bytes mean this is not a text document."""
    if b"\x00" in data:  # anywhere, not only in the sample: a NUL is never text
        return True
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return bool(sample) and controls / len(sample) > 0.01


def decode_bytes(data: bytes, path: str, declared: str = "") -> tuple[str, str]:
    """Return (text, encoding used). Raises IngestError naming `path` when it cannot."""
    if looks_binary(data):
        raise IngestError(path, "binary data, not a text document")
    if declared:
        enc = ENCODING_ALIASES.get(declared.strip().lower())
        if enc is None:
            raise IngestError(path, f"unknown encoding {declared!r} in manifest")
        if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise IngestError(path, f"not valid {declared} at byte {exc.start}") from None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise IngestError(path, f"UTF-8 BOM but invalid UTF-8 at byte {exc.start}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            try:  # valid UTF-8 up to a character cut at the very end: a truncated file
                data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise IngestError(path, f"truncated UTF-8: the last character is cut at byte {exc.start}") from None
    candidates = []
    for enc in ("cp932", "euc_jp"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _implausible(text):
            continue
        candidates.append((_japanese_share(text), enc, text))
    if not candidates:
        raise IngestError(path, "unreadable encoding (not UTF-8, CP932 or EUC-JP)")
    _, enc, text = max(candidates)
    return text, enc
