"""Every other reported figure (`raw_activity_metrics`): counts in tables and figures in the text.

What is read (see `activity_tables` and `activity_prose` for the printed forms):
- month tables (4…3 with 合計 / 月平均), grid and key/value tab tables, PDF-flow tables (rows
  ending in numbers, `label number` pairs, rows of stated figures);
- figures stated in the text (`アクセス件数 11,931,018件`, `(ア)協議会 2回 (イ)審議会 2回`).

What is NOT read here (done by other extractors): the sections whose heading matches
`EXCLUDED_HEADINGS` below, and session tables (回数 / 開催日 / 議題), recognised by their header.
An excluded section runs from its heading to the next heading of the same or a higher level
that is not itself excluded (so `1 予算`, `2 地方交付税`, `3 市債` … form one zone). Exception:
month tables are read wherever they are, because no excluded table has month columns and the
PDF flow floats month tables into neighbouring sections (the テレワーク / 電子申請 tables are
printed inside `(2)現状のシステム`).

Titles: in the OCR Markdown layout a table sits under its heading, so its title is the nearest
heading. In the PDF flow a table floats after the text of its page; its title is the heading or
caption line (`市長提出案件数`) it belongs to, found in this order: a `TITLE_HINTS` entry; for a
month table the first unclaimed `…月別…` heading; for a `内訳` table the stated figure its row
sums to (`(1)移住・定住相談 561回`); the candidate sharing most words (character bigrams) with the
table's header (then its row labels); else the nearest heading.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal
from functools import lru_cache
from itertools import islice

from ingest.reading.document import Document, Extraction, Section
from ingest.extract.activity_prose import Figure, find_figures, has_figures
from ingest.extract.activity_tables import (
    Table, TCell, is_total_label, label_unit, read_flow_tables, read_month_tables,
    read_tab_tables, statement_units,
)
from ingest.reading.normalize import normalize_name
from ingest.reading.segment import LEVELS, classify

SEED = "raw_activity_metrics"

# Section headings whose figures belong to other extractors (written in one place).
EXCLUDED_HEADINGS: list[tuple[str, re.Pattern]] = [
    ("budget", re.compile(r"予算|一般会計|特別会計|企業会計|事業会計")),
    ("local_allocation_tax", re.compile(r"地方交付税")),
    ("bonds", re.compile(r"市債|地方債")),
    ("funds", re.compile(r"基金")),
    ("finance_other", re.compile(r"収益事業|総合交付金|臨時交付金")),
    ("it_equipment", re.compile(r"OA機器|電算機器")),
    ("it_systems", re.compile(r"稼働システム|現状のシステム")),
]
# Floating PDF tables whose header shares no word with their heading: (header, title) patterns.
TITLE_HINTS: list[tuple[re.Pattern, re.Pattern]] = [
    (re.compile(r"専決.*諮問"), re.compile(r"案件数")),           # 会議名 × 専決/報告/議案/諮問
    (re.compile(r"出席者数"), re.compile(r"タウンミーティング")),  # 開催日 / 会場 / 出席者数
    (re.compile(r"アカウント名"), re.compile(r"エックス")),        # X accounts: 投稿件数 / フォロワー
]
_STOP_BIGRAMS = {"件数", "合計", "月別", "状況", "利用", "あき", "きる", "る野", "野市", "回数"}
_GENERIC_TITLE = re.compile(r"^(?:開催内容|内訳|実施状況|実績|概要|内容)$")
_INTEGRAL_EXEMPT = {"%"}
_BIGRAM_NOISE = re.compile(r"[\d\s()・/、。,:「」『』-]")
_DIGIT_OR_CLAUSE = re.compile(r"\d|[。、]")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_MISMATCH = re.compile(r"\(([^()]*一致しない[^()]*)\)")


def excluded_zones(doc: Document) -> list[tuple[int, int, str]]:
    """(first, last, owner) of every excluded section (see module doc)."""
    # Only heading lines open or close a zone: walk those, not every line.
    heads = [(line.no, LEVELS[cand.kind], _heading_owner(cand.heading))
             for line in doc.lines if line.text and (cand := classify(line.text)) is not None]
    zones: list[tuple[int, int, str]] = []
    i = 0
    while i < len(heads):
        no, level, owner = heads[i]
        if owner is None:
            i += 1
            continue
        j = i + 1
        while j < len(heads):
            _, lv, other = heads[j]
            if other:
                level = min(level, lv)
            elif lv <= level:
                break
            j += 1
        end = heads[j][0] if j < len(heads) else len(doc.lines) + 1
        zones.append((no, end - 1, owner))
        i = j
    return zones


def _heading_owner(heading: str) -> str | None:
    """The extractor owning a section by its heading text (`EXCLUDED_HEADINGS`), or None."""
    for owner, rx in EXCLUDED_HEADINGS:
        if rx.search(heading):
            return owner
    return None


def extract(doc: Document) -> Extraction:
    """All activity figures of one document; never raises (odd input lands `unresolved`)."""
    ex = Extraction()
    try:
        _extract(doc, ex)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise, land the problem
        ex.add(SEED, {"document_id": doc.document_id, "source_line": 1, "status": "unresolved",
                      "note": f"activity extractor failed: {type(exc).__name__}: {exc}",
                      "_value_lines": []})
    return ex


def _extract(doc: Document, ex: Extraction) -> None:
    outline = _Outline(doc)
    zones = excluded_zones(doc)
    excluded = {n for a, b, _ in zones for n in range(a, b + 1)}
    finance = {n for a, b, o in zones if not o.startswith("it_") for n in range(a, b + 1)}
    tables = read_month_tables(doc, finance)
    claimed = {n for t in tables for n in t.lines}
    meeting: set[int] = set()
    if doc.layout == "markdown_tsv":
        more, meeting = read_tab_tables(doc, excluded | claimed, statement_units(doc))
    else:
        more, meeting = read_flow_tables(doc, excluded | claimed)
    tables += more
    claimed |= {n for t in more for n in t.lines}
    prose = _prose_figures(outline, excluded | claimed | meeting)
    _resolve_titles(outline, tables, prose, excluded | claimed | meeting)
    for table in sorted(tables, key=lambda t: t.first_line):
        for cell in table.cells:
            ex.add(SEED, _row(doc, table.title, cell))
        for subject, label, reported, computed, line, note in table.checks:
            group = f"{table.title}/{label}" if table.title and label else (label or table.title or "")
            ex.check(subject, group, reported,
                     computed, line, note)
    for no, title, fig in prose:
        status, note = "ok", ""
        if fig.unit not in _INTEGRAL_EXEMPT and fig.value != fig.value.to_integral_value():
            status = "unresolved"
            note = ("fractional count: the line may join a date and a count "
                    "(`7.7 5人` is normalized to `7.75人`)")
        cell = TCell(no, fig.label or title, fig.column_label, None, fig.value, fig.unit,
                     is_total_label(fig.label), status, note)
        ex.add(SEED, _row(doc, title, cell))
    _prose_checks(outline, prose, ex)
    _cross_checks(outline, tables, prose, ex)


def _row(doc: Document, title: str | None, cell: TCell) -> dict:
    sec = doc.section_at(cell.line)
    return {
        "document_id": doc.document_id, "source_line": cell.line,
        "org_unit": sec.org_unit if sec else None, "table_title": title,
        "row_label": cell.row_label or title, "column_label": cell.column_label,
        "period_month": cell.period_month, "value": float(cell.value),
        "unit": cell.unit or _title_unit(title, cell.row_label),
        "is_total": bool(cell.is_total), "status": cell.status, "note": cell.note,
        "_value_lines": [cell.line],
    }


def _title_unit(title: str | None, row_label: str | None) -> str | None:
    """The unit a table's title implies (`市長提出案件数` → 件), unless the row names its own
    measure (`配信数`: a measure without a printed unit stays NULL)."""
    if row_label and row_label.endswith("数"):
        return None
    return label_unit(title)


# ---------------------------------------------------------------- headings and titles

class _Outline:
    """Lookups into a document's section tree, built once per extract call: the readers ask
    them for every line and table, and a scan of all sections each time is quadratic."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.by_id: dict[str, Section] = {}
        self.starting: dict[int, Section] = {}  # first line -> first heading opened there
        for sec in doc.sections:
            self.by_id.setdefault(sec.section_id, sec)
            if sec.level > 0:
                self.starting.setdefault(sec.first_line, sec)
        self._titles: dict[str | None, str] = {}

    def parent(self, sec: Section) -> Section | None:
        return self.by_id.get(sec.parent_id) if sec.parent_id is not None else None

    def section_starting(self, no: int) -> Section | None:
        """The heading printed on line `no`, if any."""
        return self.starting.get(no)

    def division(self, no: int) -> str:
        sec = self.doc.section_at(no)
        return sec.org_unit if sec else ""

    def heading_title(self, no: int) -> str:
        """The nearest heading of a line (see `heading_title`); one answer per section."""
        sec = self.doc.section_at(no)
        key = sec.section_id if sec is not None else None
        if key not in self._titles:
            self._titles[key] = self._title_of(sec)
        return self._titles[key]

    def _title_of(self, sec: Section | None) -> str:
        if sec is None or sec.level == 0:
            return ""
        parent = self.parent(sec)
        # a list item read as a heading (`(ア)協議会 2回 (イ)審議会 2回`) is not a title: go up
        while has_figures(sec.heading) and parent is not None and parent.level > 0:
            sec, parent = parent, self.parent(parent)
        title = sec.heading.lstrip("◎・ ")
        if _GENERIC_TITLE.match(title) and parent is not None and parent.level > 0:
            title = f"{parent.heading}/{title}"
        return title


def heading_title(doc: Document, no: int) -> str:
    """The nearest heading of a line; a generic heading (`開催内容`) is prefixed by its parent."""
    return _Outline(doc).heading_title(no)


def _prose_figures(outline: _Outline, skip: set[int]) -> list[tuple[int, str, Figure]]:
    """(line, title, figure) of every figure stated outside tables and excluded sections.

    A figure on a heading line (`(2) 国内研修事業参加補助金交付 0件`) is titled by the parent
    heading; a figure with no label of its own at the start of a line (`(2,500人)`) takes the
    line above as label; otherwise the nearest heading is the label.
    """
    doc = outline.doc
    out: list[tuple[int, str, Figure]] = []
    for line in doc.lines:
        if line.no in skip or not line.text or not has_figures(line.text):
            continue
        figs = find_figures(line.text)
        own = outline.section_starting(line.no)
        parent = outline.parent(own) if own else None
        title = (outline.heading_title(parent.first_line) if parent is not None and parent.level > 0
                 else outline.heading_title(line.no))
        for fig in figs:
            if not fig.label and line.text[:fig.start].strip(" (") == "":
                above = _text_above(doc, line.no)
                fig.label = normalize_name(above) if above and len(above) <= 30 else ""
            if not fig.label:
                fig.label = outline.heading_title(line.no)
            out.append((line.no, title, fig))
    return out


def _text_above(doc: Document, no: int) -> str:
    for k in range(no - 1, max(0, no - 3), -1):
        if doc.text_at(k):
            return doc.text_at(k)
    return ""


@lru_cache(maxsize=16384)
def _bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a title or header (cached: each candidate meets every table)."""
    s = _BIGRAM_NOISE.sub("", text or "")
    return frozenset({s[i:i + 2] for i in range(len(s) - 1)} - _STOP_BIGRAMS)


def _candidates(doc: Document, skip: set[int]) -> list[tuple[int, str, Section | None]]:
    """Lines a floating table may belong to: leaf headings without a figure, and captions."""
    parents = {s.parent_id for s in doc.sections}
    firsts = {s.first_line: s for s in doc.sections if s.level > 0}
    out: list[tuple[int, str, Section | None]] = []
    for line in doc.lines:
        text = line.text
        if line.no in skip or not text:
            continue
        sec = firsts.get(line.no)
        if sec is not None:
            if sec.level >= LEVELS["num"] and sec.section_id not in parents and not has_figures(text):
                out.append((line.no, sec.heading, sec))
            continue
        if (3 <= len(text) <= 30 and not _DIGIT_OR_CLAUSE.search(text) and not classify(text)
                and not text.startswith(("・", "(", "「", "※", "~"))):
            out.append((line.no, normalize_name(text), None))
    return out


def _resolve_titles(outline: _Outline, tables: list[Table], prose, skip: set[int]) -> None:
    """Fill `table.title` (see module doc); `table.group` is the heading the title hangs under."""
    doc = outline.doc
    cands = _candidates(doc, skip) if doc.layout != "markdown_tsv" else []
    # the candidates of each division in line order, to take those above a table by bisection
    by_division: dict = {}
    for c in cands:
        by_division.setdefault(outline.division(c[0]), []).append(c)
    lines_of = {div: [c[0] for c in cs] for div, cs in by_division.items()}
    # and where each title bigram stands among them: a table's best title shares one with its
    # header (a candidate sharing none scores 0 and is never picked), so only those are scored
    postings: dict = {}
    for div, cs in by_division.items():
        post: dict[str, list[int]] = {}
        for i, c in enumerate(cs):
            for bg in _bigrams(c[1]):
                post.setdefault(bg, []).append(i)
        postings[div] = post
    used: set[int] = set()
    used_figs: set[int] = set()
    division = outline.division

    for table in sorted(tables, key=lambda t: t.first_line):
        table.group = None
        if doc.layout == "markdown_tsv" or not cands:
            table.title = outline.heading_title(table.first_line)
            sec = doc.section_at(table.first_line)
            table.group = sec.parent_id if sec else None
            continue
        here = division(table.first_line)
        in_division = by_division.get(here, [])
        n_above = bisect_left(lines_of[here], table.first_line) if in_division else 0

        def pool():  # the unused candidates above the table, read up to the first that fits
            return (c for c in islice(in_division, n_above) if c[0] not in used)

        header = " ".join(table.words[:1])
        pick = None
        for hdr_rx, title_rx in TITLE_HINTS:
            if hdr_rx.search(header):
                pick = next((c for c in pool() if title_rx.search(c[1])), None)
                break
        if pick is None and table.kind == "month":
            pick = next((c for c in pool() if "月別" in c[1]), None)
        if pick is None and table.kind == "breakdown" and table.grand_total:
            for i, (no, title, fig) in enumerate(prose):
                if i not in used_figs and no < table.first_line and fig.value == table.grand_total[0] \
                        and division(no) == here:
                    used_figs.add(i)
                    table.title = fig.label
                    table.checks.append(("activity_metrics.breakdown_total", "", fig.value,
                                         table.grand_total[0], no, "内訳 table against the stated figure"))
                    sec = doc.section_at(no)
                    table.group = sec.parent_id if sec else None
                    break
            if table.title:
                continue
        if pick is None:
            head_bg = _bigrams(header)
            rest_bg = set().union(*(_bigrams(w) for w in table.words[1:])) if table.words[1:] else set()
            best = 0
            post = postings.get(here, {})
            sharing = sorted({i for b in head_bg | rest_bg for i in post.get(b, ()) if i < n_above})
            for c in (in_division[i] for i in sharing):
                if c[0] in used:
                    continue
                bg = _bigrams(c[1])
                score = 10 * len(head_bg & bg) + len(rest_bg & bg)
                if score > best:
                    best, pick = score, c
        if pick is None:
            table.title = outline.heading_title(table.first_line)
            sec = doc.section_at(table.first_line)
            table.group = sec.parent_id if sec else None
            continue
        used.add(pick[0])
        table.title = pick[1]
        sec = pick[2] or doc.section_at(pick[0])
        table.group = (sec.parent_id if pick[2] is not None else sec.section_id) if sec else None


# ---------------------------------------------------------------- checks across figures

def _prose_checks(outline: _Outline, prose, ex: Extraction) -> None:
    """Breakdowns stated in the text: `3,252件 (個人登録:1,208件、団体登録:2,044件)` and a heading
    figure `内訳 104件` against the figures listed under it."""
    doc = outline.doc
    by_line: dict[int, list[Figure]] = {}
    for no, _, fig in prose:
        by_line.setdefault(no, []).append(fig)
    lines = sorted(by_line)
    for idx, no in enumerate(lines):
        text = doc.text_at(no)
        for m in _PARENTHESISED.finditer(text):
            inner = [f for f in by_line[no] if m.start() < f.start < m.end()]
            if len(inner) < 2 or "うち" in m.group(1) or len({f.unit for f in inner}) != 1:
                continue
            before = [f for f in by_line[no] if f.start < m.start()]
            parent = before[-1] if before else None
            if parent is None and text[:m.start()].strip() == "" and idx > 0 and no - lines[idx - 1] <= 2:
                parent = by_line[lines[idx - 1]][-1]
            if parent is not None and parent.unit == inner[0].unit:
                ex.check("activity_metrics.breakdown_total", parent.label, parent.value,
                         sum((f.value for f in inner), Decimal(0)), no)
    for no, _, fig in prose:
        if "内訳" not in fig.label:
            continue
        sec = outline.section_starting(no)
        if sec is None:
            continue
        parts = [f.value for k, _, f in prose if sec.first_line < k <= sec.last_line
                 and f.unit == fig.unit]
        if parts:
            ex.check("activity_metrics.breakdown_total", fig.label, fig.value,
                     sum(parts, Decimal(0)), no)


def _cross_checks(outline: _Outline, tables: list[Table], prose, ex: Extraction) -> None:
    """The same total printed (or implied) twice under one heading must agree.

    E.g. 市民ポスト: the month table's 合計 against the sums of the by-place and by-担当課 tables;
    市長への手紙: the month 合計 against the stated 内訳 total. Where the document says they
    differ (`…受付件数と一致しない。`), the check is an expected mismatch quoting it.
    """
    groups: dict[str, list[tuple[Decimal, bool, int, str, str]]] = {}
    for t in tables:
        if t.grand_total and t.group:
            value, printed, line = t.grand_total
            groups.setdefault(t.group, []).append((value, printed, line, t.title or "", t.kind))
    doc = outline.doc
    for no, _, fig in prose:
        sec = outline.section_starting(no) if "内訳" in fig.label else None
        if sec is not None and sec.parent_id:
            groups.setdefault(sec.parent_id, []).append((fig.value, True, no, fig.label, "prose"))
    by_id = outline.by_id
    for gid, totals in groups.items():
        printed = [t for t in totals if t[1]]
        if len(totals) < 2 or not printed:
            continue
        ref = min(printed, key=lambda t: t[2])
        sec = by_id.get(gid)
        quote = _mismatch_quote(doc, sec) if sec else ""
        for value, _, line, title, kind in totals:
            if line == ref[2] or (kind == "month" and ref[4] == "month"):
                continue  # two month tables under one heading count different things
            ex.check("activity_metrics.cross_table_total", f"{sec.heading if sec else ''}: "
                     f"{ref[3]} vs {title}", ref[0], value, line,
                     note=quote, expected=bool(quote) and value != ref[0])


def _mismatch_quote(doc: Document, sec: Section) -> str:
    """The document's own words saying two counts differ (`…受付件数と一致しない。`), if any."""
    for k in range(sec.first_line, sec.last_line + 1):
        m = _MISMATCH.search(doc.text_at(k))
        if m:
            return m.group(0)
    return ""
