"""Page furniture of a PDF's text: lines the pages repeat at their top (running headers).

A budget book prints its 款 and 項 with their amounts at the head of every page of them
(`9款 消防費   3,781,176千円`): one figure, printed again on each page. The coverage report
counts a printed figure once, so a line that repeats, word for word, a line of the head of
one of the two pages before (a spread's left page repeats it, its right page may not) is
furniture there; its first printing still counts. A page reprinted far from the first (a
document bound with its own draft) is not a running header.
"""
from __future__ import annotations

from collections import deque

HEAD_LINES = 6  # non-empty lines at the top of a page that may be its running header
PAGES_BACK = 2  # pages before whose heads a running header repeats


def repeated_head_lines(lines: list[tuple[int, str]], pages: list[int]) -> set[int]:
    """Numbers of the lines (1-based, as `lines` gives them) in the head of their page that
    repeat a line of the head of one of the `PAGES_BACK` pages before, spaces aside. Empty
    for a text document (no pages)."""
    if not pages:
        return set()
    heads: deque[set[str]] = deque(maxlen=PAGES_BACK)
    out: set[int] = set()
    page, head = None, set()
    for no, text in lines:
        if no - 1 >= len(pages):
            break
        if pages[no - 1] != page:
            if page is not None:
                heads.append(head)
            page, head = pages[no - 1], set()
        key = "".join(text.split())
        if not key or len(head) >= HEAD_LINES:
            continue
        if any(key in h for h in heads):
            out.add(no)
        head.add(key)
    return out
