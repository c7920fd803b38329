"""Other finance tables → `raw_finance_other` (one row per printed numeric cell).

Tables read, each found by its own heading text (never by document id):

* `東京都市町村総合交付金年度比較表` (PDF flow): one row, 当年度 / 前年度 / 増△減 / 比率;
* `物価高騰対応重点支援地方創生臨時交付金活用事業` (PDF flow): the numbered 事業 with their
  充当額 (件名 split over lines), the 合計, and the 交付額 line;
* `収益事業` (OCR tab rows): one row per 開催事業, the unit of each column printed in its
  header (`回数 (回)`, `売 上 高 (円)`, `収 益 金 (千円)` …).

`value` is the number as printed in the printed unit; `amount_yen` is filled only for money
cells (unit 円 / 千円 …), scaled to yen. Checks: 増△減 = 当年度 − 前年度, 比率 = 増△減 / 前年度
× 100 (rounded to 0.1), Σ 充当額 = 合計.
"""
from __future__ import annotations

from decimal import Decimal

from ingest.reading.document import Document, Extraction
from ingest.extract.allocation_tax import (
    heading_key, money_unit, ratio_pct, split_label_numbers, strip_heading, tab_cells, unit_before,
)
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import UNIT_SCALE, parse_int, parse_number, to_yen, unit_statement

SEED = "raw_finance_other"

GRANT_TITLE = "東京都市町村総合交付金年度比較表"
SUBSIDY_TITLE = "物価高騰対応重点支援地方創生臨時交付金活用事業"
PROFIT_TITLE = "収益事業"
TOTAL_LABELS = {"合計", "総計", "計"}


def _title_of(text: str) -> str:
    """Table title from a heading line: no leading number, no unit statement.

    `6 物価高騰…活用事業 (単位:千円)` → `物価高騰…活用事業`.
    """
    cut = text.find("(単位")
    head = text[:cut] if cut >= 0 else text
    tokens = head.lstrip("#").split()
    if tokens and parse_number(tokens[0]) is not None:
        tokens = tokens[1:]
    return normalize_name(" ".join(tokens))


def _cell(doc: Document, line: int, title: str, row_label: str, column_label: str,
          value: Decimal | None, unit: str | None, value_lines: list[int],
          is_total: bool = False, status: str = "ok", note: str = "") -> dict:
    """One `raw_finance_other` row; `amount_yen` only for money units."""
    amount = to_yen(value, unit) if value is not None and unit in UNIT_SCALE else None
    return {"document_id": doc.document_id, "source_line": line, "table_title": title,
            "row_label": row_label, "column_label": column_label,
            "value": value, "unit": unit, "amount_yen": amount, "is_total": is_total,
            "status": status, "note": note, "_value_lines": value_lines}


# --------------------------------------------------------------------------- 総合交付金
def extract_grant_comparison(doc: Document, ex: Extraction, window: int = 200) -> None:
    """`東京都市町村総合交付金年度比較表`: 当年度, 前年度, 増△減, 比率 of the 交付額 row.

    Like the 地方交付税年度比較表 beside it, the title is printed far above its row; the row is
    the first line after the title whose label names the 総合交付金 and ends in numbers.
    Column headers other than `増△減 / 比率` are not printed in the text flow, so the first
    two columns are labelled 当年度 / 前年度 (the order the 増△減 check confirms).
    """
    head = doc.find(GRANT_TITLE)
    if head is None:
        return
    title = _title_of(doc.text_at(head))
    units = unit_statement(doc.text_at(head)) or []
    unit = money_unit(units)
    pct = "%" if "%" in units else None
    for no in range(head + 1, min(head + window, len(doc.lines)) + 1):
        label, nums = split_label_numbers(doc.text_at(no))
        name = normalize_name(label)
        if "総合交付金" not in name or len(nums) < 2:
            continue
        columns = [("当年度", unit), ("前年度", unit), ("増△減", unit), ("比率", pct)]
        for (column, col_unit), (_tok, value) in zip(columns, nums):
            ex.add(SEED, _cell(doc, no, title, name, column, value, col_unit, [no]))
        this, prior = nums[0][1], nums[1][1]
        if len(nums) >= 3 and unit:
            ex.check("finance_other.year_over_year_change", f"{title}/{name}",
                     to_yen(nums[2][1], unit), to_yen(this - prior, unit), no,
                     note="増△減 = 当年度 − 前年度")
        if len(nums) >= 4:
            ex.check("finance_other.change_ratio", f"{title}/{name}", nums[3][1],
                     ratio_pct(this - prior, prior), no,
                     note="比率 (%) = 増△減 / 前年度 × 100, rounded to 0.1; "
                          "compare with a tolerance of 0.05 (printed rounding)")
        return


# --------------------------------------------------------------------------- 臨時交付金 事業
def _lone_number(text: str) -> Decimal | None:
    """The number when a line holds only one number (PDF flow puts many cells on own lines)."""
    return parse_number(text) if text and " " not in text else None


def parse_projects(doc: Document, start: int, end: int) -> tuple[list[dict], dict | None, int]:
    """Numbered 事業 after the `No. 件名 充当額` header (lines start..end).

    A project starts with its No. (alone on a line, or `4 保育所等物価高騰対策事業 11,426`);
    the 件名 continues over the following text lines; its 充当額 is the next lone number. A
    lone number after a complete project that is not the next No. is the 合計. Returns the
    projects, the total (or None) and the last line read. The No. is kept out of the row
    label (a row number, not part of the name) but counted among the values read.
    """
    projects: list[dict] = []
    current: dict | None = None
    last = start
    for no in range(start, end + 1):
        text = doc.text_at(no)
        if not text:
            continue
        expected = len(projects) + 1
        lone = _lone_number(text)
        label, nums = split_label_numbers(text)
        first = label.split(" ")[0] if label else ""
        if lone is not None:
            if (current is None or current["amount"] is not None) and lone == expected:
                current = {"no": expected, "no_line": no, "name": [], "amount": None, "line": None}
                projects.append(current)
            elif current is not None and current["amount"] is None:
                current["amount"], current["line"] = lone, no
            elif current is not None:
                return projects, {"amount": lone, "line": no}, no
            else:
                return projects, None, last
        elif parse_int(first) == expected and (current is None or current["amount"] is not None):
            current = {"no": expected, "no_line": no, "name": [label[len(first):].strip()],
                       "amount": nums[-1][1] if nums else None, "line": no if nums else None}
            projects.append(current)
        elif current is not None and current["amount"] is None and not nums:
            current["name"].append(text)
        else:
            break
        last = no
    return projects, None, last


def extract_subsidy_projects(doc: Document, ex: Extraction, window: int = 80) -> None:
    """`物価高騰対応重点支援地方創生臨時交付金活用事業`: 充当額 per 事業, 合計, 交付額.

    In the text flow the project list (`No. 件名 充当額` …) is printed just *before* the title
    line and the 交付額 line (`物価高騰…臨時交付金 882,653`, column `令和6年度交付額`) after it,
    so both are searched within `window` lines around the title.
    """
    head = doc.find(SUBSIDY_TITLE)
    if head is None:
        return
    title = _title_of(doc.text_at(head))
    lo, hi = max(1, head - window), min(len(doc.lines), head + window)
    unit = money_unit(unit_statement(doc.text_at(head)) or unit_before(doc, lo, head))
    alloc_col, grant_col = "充当額", "交付額"
    for no in range(lo, hi + 1):
        name = normalize_name(doc.text_at(no))
        if name.endswith("充当額") and name.startswith("令和"):
            alloc_col = name
        if "交付額" in name and "令和" in name:
            grant_col = name[name.find("令和"):]
    header = next((no for no in range(lo, hi + 1)
                   if normalize_name(doc.text_at(no)).startswith("No.件名")), None)
    if header is None:
        return
    projects, total, _last = parse_projects(doc, header + 1, hi)
    for p in projects:
        name = normalize_name("".join(p["name"]))
        ok = p["amount"] is not None and unit is not None
        ex.add(SEED, _cell(doc, p["line"] or p["no_line"], title, name, alloc_col, p["amount"],
                           unit, [p["no_line"], p["line"]] if ok else [p["no_line"]],
                           status="ok" if ok else "unresolved",
                           note="" if ok else f"No.{p['no']}: 充当額 not found"))
    if total is not None:
        ex.add(SEED, _cell(doc, total["line"], title, "合計", alloc_col, total["amount"], unit,
                           [total["line"]], is_total=True))
        parts = [p["amount"] for p in projects]
        computed = sum(parts) if parts and all(a is not None for a in parts) else None
        if unit:
            ex.check("finance_other.total", f"{title}/{alloc_col}", to_yen(total["amount"], unit),
                     to_yen(computed, unit) if computed is not None else None, total["line"],
                     note=f"合計 = Σ 充当額 of {len(parts)} 事業")
    # The 交付額 table: a line naming the 臨時交付金 with one amount, after the title.
    grants = []
    for no in range(head + 1, hi + 1):
        label, nums = split_label_numbers(doc.text_at(no))
        name = normalize_name(label)
        if name.endswith("臨時交付金") and len(nums) == 1:
            grants.append(no)
            ex.add(SEED, _cell(doc, no, title, name, grant_col, nums[0][1], unit, [no]))
            break
    # A lone amount printed just before the project header is not placed by the flow: it is
    # most likely the 交付額 table's 合計 (only one 合計 label survives), so it is landed as
    # unresolved, and checked against the 交付額 line it should total.
    for no in range(header - 1, max(lo, header - 4) - 1, -1):
        text = doc.text_at(no)
        if not text:
            continue
        lone = _lone_number(text)
        if lone is not None:
            ex.add(SEED, _cell(doc, no, title, "合計", grant_col, lone, unit, [no], is_total=True,
                               status="unresolved",
                               note="lone figure printed before the project list; placement "
                                    "inferred (交付額 合計), the text flow does not say"))
            if grants and unit:
                value = split_label_numbers(doc.text_at(grants[0]))[1][0][1]
                ex.check("finance_other.total", f"{title}/{grant_col}", to_yen(lone, unit),
                         to_yen(value, unit), no,
                         note="交付額 合計 (placement inferred) = Σ 交付額 lines")
        break


# --------------------------------------------------------------------------- 収益事業 (tab)
def _header_unit(cell: str) -> tuple[str, str | None]:
    """`売 上 高 (円)` → (`売上高`, `円`): each column of this table prints its own unit."""
    name = normalize_name(cell)
    if name.endswith(")") and "(" in name:
        cut = name.rfind("(")
        return name[:cut], name[cut + 1:-1] or None
    return name, None


def extract_profit_business(doc: Document, ex: Extraction) -> None:
    """`収益事業`: one row per 開催事業 (競輪・競艇の事業組合), one cell per column."""
    head = None
    key = heading_key(PROFIT_TITLE)
    for line in doc.lines:
        if "\t" not in line.text and key in line.text \
                and strip_heading(line.text).endswith(PROFIT_TITLE) \
                and len(strip_heading(line.text)) <= len(PROFIT_TITLE) + 3:
            head = line.no
            break
    if head is None:
        return
    title = PROFIT_TITLE
    header = None
    for no in range(head + 1, min(head + 10, len(doc.lines)) + 1):
        if "\t" in doc.text_at(no):
            header = no
            break
    if header is None:
        return
    columns = [_header_unit(c) for c in tab_cells(doc.text_at(header))]
    fallback = money_unit(unit_before(doc, head, header))
    for no in range(header + 1, min(header + 50, len(doc.lines)) + 1):
        text = doc.text_at(no)
        if "\t" not in text:
            if text.strip():
                break
            continue
        cells = tab_cells(text)
        row_label = normalize_name(cells[0]) if cells else ""
        is_total = row_label in TOTAL_LABELS
        for i, cell in enumerate(cells[1:], start=1):
            value = parse_number(cell)
            column, unit = columns[i] if i < len(columns) else (f"列{i + 1}", None)
            unit = unit or fallback
            if value is None:
                if cell:
                    ex.add(SEED, _cell(doc, no, title, row_label, column, None, unit, [],
                                       is_total, "unresolved", f"not a number: {cell!r}"))
                continue
            ex.add(SEED, _cell(doc, no, title, row_label, column, value, unit, [no], is_total))


def extract(doc: Document) -> Extraction:
    """All `raw_finance_other` tables of `doc` (an empty Extraction when it has none)."""
    ex = Extraction()
    for step in (extract_grant_comparison, extract_subsidy_projects, extract_profit_business):
        try:
            step(doc, ex)
        except Exception as exc:  # never raise: land the failure where it can be seen
            ex.add(SEED, {"document_id": doc.document_id, "source_line": None,
                          "table_title": None, "row_label": None, "column_label": None,
                          "value": None, "unit": None, "amount_yen": None, "is_total": None,
                          "status": "unresolved",
                          "note": f"{step.__name__} failed: {exc!r}", "_value_lines": []})
    return ex
