"""地方交付税 tables → `raw_local_allocation_tax` and `raw_allocation_tax_components`.

Three table shapes are read, each found by its own heading (never by document id):

* an OCR/tab 総括 table (`(1) 総括` under `地方交付税`): rows 基準財政需要額 / 基準財政収入額 /
  交付基準額 / 交付額 (under the 普通交付税 group label) / 特別交付税額, columns 当年度 (A),
  前年度 (B), (A)−(B);
* the tab component tables `(2) 基準財政収入額` and `(3) 基準財政需要額` (one amount per line,
  a hierarchy of labels in the leading cells, 小計 and 合計 lines);
* a PDF-flow 年度比較表 (`地方交付税年度比較表`): rows ア…カ with 当年度, 前年度, 増△減, 比率,
  each row's label and numbers on one line, the title and the kana letters far above.

Domain rules applied (DOMAIN.md, 地方交付税):
* 基準財政需要額 − 基準財政収入額 = 交付基準額 (negative: no 普通交付税, a 不交付団体);
* 普通交付税 + 特別交付税 = 地方交付税 (checked only where 地方交付税 is printed);
* component lines add up to their 小計 and to the 合計, except lines that are deductions even
  though printed without △: a `…振替相当分` line (臨時財政対策債振替相当分) is subtracted from
  基準財政需要額, so it gets `sign = -1` and the 合計 check uses the signed sum.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ingest.reading.dates import year_label
from ingest.reading.document import Document, Extraction
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import UNIT_SCALE, parse_number, to_yen, unit_statement

LAT_SEED = "raw_local_allocation_tax"
COMP_SEED = "raw_allocation_tax_components"

MEASURES = ("基準財政需要額", "基準財政収入額")

# Printed row labels → the contract's item names. The OCR 総括 prints 普通交付税's amount as
# `交付額` under the group label 普通交付税; the 年度比較表 prints `…交付額` after each tax name.
ITEM_NAMES = {
    "基準財政需要額": "基準財政需要額",
    "基準財政収入額": "基準財政収入額",
    "交付基準額": "交付基準額",
    "調整額": "調整額",
    "普通交付税": "普通交付税",
    "普通交付税交付額": "普通交付税",
    "普通交付税額": "普通交付税",
    "特別交付税": "特別交付税",
    "特別交付税額": "特別交付税",
    "特別交付税交付額": "特別交付税",
    "地方交付税": "地方交付税",
    "地方交付税額": "地方交付税",
    "地方交付税交付額": "地方交付税",
}

_BRACKET = re.compile(r"[〔\[【]([^〕\]】]*)[〕\]】]")
_KANA_ORDER = "アイウエオカキクケコ"
SUBTOTAL_LABELS = {"小計", "計"}
TOTAL_LABELS = {"合計", "総計"}
DEDUCTION_MARKERS = ("振替相当分",)


# --------------------------------------------------------------------------- shared helpers
def split_label_numbers(text: str) -> tuple[str, list[tuple[str, Decimal]]]:
    """Split a PDF-flow row `基 準 財 政 需 要 額 15,363,668 14,868,612 495,056 3.3` into its
    label and its trailing printed numbers.

    In PDF flow a single space is the only cell marker, so the numbers of a row are the run
    of space-separated tokens at the end of the line that all parse as numbers.
    """
    tokens = text.split(" ")
    nums: list[tuple[str, Decimal]] = []
    while tokens:
        value = parse_number(tokens[-1])
        if value is None:
            break
        nums.insert(0, (tokens.pop(), value))
    return " ".join(tokens), nums


def tab_cells(text: str) -> list[str]:
    """Cells of an OCR tab row, stripped, without trailing empty cells."""
    cells = [c.strip() for c in text.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def money_unit(units: list[str] | None) -> str | None:
    """The first money unit of a `(単位：千円、%)` statement (千円 here), None if none."""
    for unit in units or []:
        if unit in UNIT_SCALE:
            return unit
    return None


def unit_before(doc: Document, start: int, end: int) -> list[str] | None:
    """The nearest unit statement on lines start..end (inclusive), searching upwards from end."""
    for no in range(min(end, len(doc.lines)), max(start, 1) - 1, -1):
        units = unit_statement(doc.text_at(no))
        if units:
            return units
    return None


def strip_heading(text: str) -> str:
    """Heading text without markdown marks and spaces: `### (1) 総 括` → `(1)総括`."""
    return normalize_name(text.lstrip("#").strip())


def heading_key(suffix: str) -> str:
    """A character every line with `strip_heading(line).endswith(suffix)` prints: the last one.

    Heading scans test it with `in` before normalizing each line: stripping only drops marks and
    spaces, and neither NFKC nor the OCR fixes produce the kanji the searched headings end in
    (税, 括, 額, 業), so a line without that character cannot match.
    """
    return suffix[-1]


def item_name(label: str, group: str | None = None) -> str | None:
    """Map a printed row label (and its group label, if any) to the contract's item name."""
    name = normalize_name(_BRACKET.sub("", label))
    if name == "交付額" and group and normalize_name(group) == "普通交付税":
        return "普通交付税"
    return ITEM_NAMES.get(name)


def _row(doc: Document, line: int, values: list[int], **cols) -> dict:
    row = {"document_id": doc.document_id, "source_line": line, "status": "ok", "note": "",
           "_value_lines": values}
    row.update(cols)
    return row


def ratio_pct(change: Decimal, prior: Decimal) -> Decimal | None:
    """比率 as printed in 年度比較表: 増△減 / 前年度 × 100, rounded half-up to 0.1.

    No change prints 0.0 (also when the prior year is 0); otherwise a 0 prior year has no ratio.
    """
    if change == 0:
        return Decimal("0.0")
    if prior == 0:
        return None
    return (change / prior * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- 総括 (tab)
def _find_summary_heading(doc: Document) -> int | None:
    """Line of the `総括` heading that follows a `地方交付税` heading."""
    lat = None
    lat_key, summary_key = heading_key("地方交付税"), heading_key("総括")
    for line in doc.lines:
        if "\t" in line.text or (lat_key not in line.text and summary_key not in line.text):
            continue
        name = strip_heading(line.text)
        if name.endswith("地方交付税") and len(name) <= 12:
            lat = line.no
        elif lat and name.endswith("総括") and line.no - lat <= 10:
            return line.no
    return None


def _table_rows(doc: Document, start: int, limit: int = 80) -> list[int]:
    """Line numbers of the consecutive tab rows of the table that starts after `start`.

    Blank lines inside are skipped; the table ends at the first non-blank line without a tab
    (a heading or a note) once rows have begun.
    """
    rows: list[int] = []
    for no in range(start + 1, min(start + limit, len(doc.lines)) + 1):
        text = doc.text_at(no)
        if "\t" in text:
            rows.append(no)
        elif text.strip() and rows:
            break
    return rows


def extract_summary(doc: Document, ex: Extraction) -> dict[str, dict]:
    """Read the tab 総括 table; returns the rows by item name (for cross-checks)."""
    head = _find_summary_heading(doc)
    if head is None:
        return {}
    row_lines = _table_rows(doc, head)
    if not row_lines:
        return {}
    unit = money_unit(unit_before(doc, head, row_lines[0]))
    header = tab_cells(doc.text_at(row_lines[0]))
    year_note = ""
    prior_labels = [c for c in header
                    if "(B)" in c.replace(" ", "") and "(A)" not in c.replace(" ", "")]
    if prior_labels:
        printed = normalize_name(prior_labels[0].replace("(B)", ""))
        expected = year_label(doc.fiscal_year - 1)
        if printed != expected:
            # DOMAIN.md: `平成2年度 (B)` next to `令和3年度 (A)` is an OCR misread of the prior year.
            year_note = f"column (B) printed as {printed}: OCR misread, read as prior year {expected}"
    found: dict[str, dict] = {}
    group: str | None = None
    for no in row_lines:
        cells = tab_cells(doc.text_at(no))
        idx = next((i for i, c in enumerate(cells) if parse_number(c) is not None), None)
        if idx is None:
            continue
        labels = cells[:idx]
        nums = [parse_number(c) for c in cells[idx:]]
        if labels and labels[0]:
            group = labels[0] if len([x for x in labels if x]) > 1 else None
        name_cells = [x for x in labels if x]
        label = name_cells[-1] if name_cells else ""
        name = item_name(label, group)
        try:
            if name is None or len(nums) < 2 or any(n is None for n in nums):
                raise ValueError(f"row {normalize_name(label)!r}: cannot place {cells[idx:]}")
            if unit is None:
                raise ValueError("no money unit stated for the table")
            this, prior = nums[0], nums[1]
            row = _row(doc, no, [no, no], item_name=name, amount_yen=to_yen(this, unit),
                       prior_year_amount_yen=to_yen(prior, unit), note=year_note)
            ex.add(LAT_SEED, row)
            found[name] = row
            if len(nums) >= 3:
                ex.check("local_allocation_tax.year_over_year_change", name,
                         to_yen(nums[2], unit), to_yen(this - prior, unit), no,
                         note="column (A)-(B) = (A) − (B)")
        except (ValueError, ArithmeticError) as exc:
            ex.add(LAT_SEED, _row(doc, no, [], item_name=normalize_name(label) or None,
                                  amount_yen=None, prior_year_amount_yen=None,
                                  status="unresolved", note=str(exc)))
    _identity_checks(ex, found)
    return found


def _identity_checks(ex: Extraction, found: dict[str, dict]) -> None:
    """需要額 − 収入額 = 交付基準額 (both years); 普通 + 特別 = 地方交付税 where printed."""
    for col, label in (("amount_yen", "当年度"), ("prior_year_amount_yen", "前年度")):
        need, income, base = (found.get(k) for k in ("基準財政需要額", "基準財政収入額", "交付基準額"))
        if base and base[col] is not None:
            computed = (need[col] - income[col]) if need and income and \
                need[col] is not None and income[col] is not None else None
            ex.check("local_allocation_tax.standard_amount", label, base[col], computed,
                     base["source_line"], note="交付基準額 = 基準財政需要額 − 基準財政収入額")
        total = found.get("地方交付税")
        if total and total[col] is not None:
            parts = [found.get(k) for k in ("普通交付税", "特別交付税")]
            computed = sum(p[col] for p in parts) if all(p and p[col] is not None for p in parts) \
                else None
            ex.check("local_allocation_tax.total", label, total[col], computed,
                     total["source_line"], note="地方交付税 = 普通交付税 + 特別交付税")


# --------------------------------------------------------------------------- components (tab)
def _find_component_heading(doc: Document, measure: str) -> int | None:
    """Line of the heading `(n) <measure>` (a line that is only a numbered heading)."""
    key = heading_key(measure)
    for line in doc.lines:
        if "\t" in line.text or key not in line.text:
            continue
        name = strip_heading(line.text)
        if name.endswith(measure) and name != measure and len(name) <= len(measure) + 5 \
                and name[:1] in "(0123456789":
            return line.no
    return None


class _Node:
    """One printed component line while the hierarchy is being rebuilt."""

    def __init__(self, path: list[str], amount: Decimal, line: int, kind: str):
        self.path = path
        self.amount = amount
        self.line = line
        self.kind = kind  # leaf | subtotal | total
        self.sign = -1 if kind == "leaf" and any(m in path[-1] for m in DEDUCTION_MARKERS) else 1


def parse_components(rows: list[tuple[int, list[str]]]) -> list[_Node]:
    """Rebuild the label hierarchy of a component table from its tab rows.

    The first cells of a row are labels, the first numeric cell is the amount. A label cell
    left empty repeats the label above it (a group label is printed only on the group's first
    row). A `小計` closes the innermost open group; when no group label was printed (the
    基準財政収入額 table), the 小計 covers the level-1 lines since the previous 小計 and those lines
    are placed under a group named `小計(<first>～<last>)` so that level-1 lines always add up
    to the 合計.
    """
    nodes: list[_Node] = []
    stack: list[str] = []
    group_open = False
    since_boundary: list[_Node] = []
    for no, cells in rows:
        idx = next((i for i, c in enumerate(cells) if parse_number(c) is not None), None)
        if idx is None:
            continue  # header row
        amount = parse_number(cells[idx])
        labels = [normalize_name(c) for c in cells[:idx]]
        if not any(labels):
            raise ValueError(f"line {no}: amount without label")
        pos = max(i for i, x in enumerate(labels) if x)
        last = labels[pos]
        if last in TOTAL_LABELS:
            nodes.append(_Node([last], amount, no, "total"))
            stack, group_open, since_boundary = [], False, []
            continue
        if last in SUBTOTAL_LABELS:
            if pos >= 1 or group_open:
                path = stack[:max(pos, 1)]
                if not path:
                    raise ValueError(f"line {no}: 小計 without an open group")
            else:
                members = [n for n in since_boundary if len(n.path) == 1 and n.kind == "leaf"]
                if not members:
                    raise ValueError(f"line {no}: 小計 without parts")
                name = f"小計({members[0].path[0]}～{members[-1].path[0]})"
                for n in members:
                    n.path = [name] + n.path
                path = [name]
            nodes.append(_Node(list(path), amount, no, "subtotal"))
            stack, group_open, since_boundary = [], False, []
            continue
        new_stack = []
        for i, label in enumerate(labels):
            new_stack.append(label if label else (stack[i] if i < len(stack) else ""))
        if "" in new_stack:
            raise ValueError(f"line {no}: label cell left empty with no label above it")
        if labels[0]:
            group_open = len([x for x in labels if x]) > 1
        stack = new_stack
        node = _Node(list(stack), amount, no, "leaf")
        nodes.append(node)
        since_boundary.append(node)
    return nodes


def _under(node: _Node, group: list[str]) -> bool:
    return node.kind == "leaf" and node.path[:len(group)] == group and len(node.path) > len(group)


def extract_components(doc: Document, ex: Extraction, measure: str,
                       summary: dict[str, dict]) -> None:
    """Read one component table (基準財政収入額 or 基準財政需要額) and check its totals."""
    head = _find_component_heading(doc, measure)
    if head is None:
        return
    row_lines = _table_rows(doc, head)
    if not row_lines:
        return
    unit = money_unit(unit_before(doc, head, row_lines[0]))
    rows = [(no, tab_cells(doc.text_at(no))) for no in row_lines]
    try:
        if unit is None:
            raise ValueError("no money unit stated for the table")
        nodes = parse_components(rows)
    except (ValueError, ArithmeticError) as exc:
        for no, cells in rows:
            nums = [c for c in cells if parse_number(c) is not None]
            if nums:
                ex.add(COMP_SEED, _row(doc, no, [], measure=measure, component_path=None,
                                       component_name=normalize_name(" ".join(cells[:1])),
                                       level=None, sign=None, is_subtotal=None, amount_yen=None,
                                       status="unresolved", note=f"table not parsed: {exc}"))
        return
    for n in nodes:
        path = n.path
        ex.add(COMP_SEED, _row(
            doc, n.line, [n.line], measure=measure, component_path="/".join(path),
            component_name=path[-1], level=0 if n.kind == "total" else len(path), sign=n.sign,
            is_subtotal=n.kind != "leaf", amount_yen=to_yen(n.amount, unit)))
    leaves = [n for n in nodes if n.kind == "leaf"]
    for sub in (n for n in nodes if n.kind == "subtotal"):
        parts = [n for n in leaves if _under(n, sub.path)]
        ex.check("allocation_tax_components.subtotal", f"{measure}/{'/'.join(sub.path)}",
                 to_yen(sub.amount, unit), to_yen(sum(p.sign * p.amount for p in parts), unit),
                 sub.line, note=f"小計 = sum of {len(parts)} component lines")
    for total in (n for n in nodes if n.kind == "total"):
        # Top-level parts: a group's printed 小計 where there is one, else its lines' sum.
        top: dict[str, Decimal] = {}
        subs = {n.path[0]: n.amount for n in nodes if n.kind == "subtotal" and len(n.path) == 1}
        for leaf in leaves:
            key = leaf.path[0]
            if key in subs:
                top[key] = subs[key]
            else:
                top[key] = top.get(key, Decimal(0)) + leaf.sign * leaf.amount
        deducted = [n.path[-1] for n in leaves if n.sign < 0]
        note = "合計 = Σ signed level-1 parts"
        if deducted:
            note += "; deducted (printed without △): " + ", ".join(deducted)
        ex.check("allocation_tax_components.total", measure, to_yen(total.amount, unit),
                 to_yen(sum(top.values()), unit), total.line, note=note)
        printed = summary.get(measure)
        if printed and printed.get("amount_yen") is not None:
            ex.check("allocation_tax_components.total_vs_summary", measure,
                     to_yen(total.amount, unit), printed["amount_yen"], total.line,
                     note=f"合計 equals the 総括 figure (line {printed['source_line']})")


# --------------------------------------------------------------------------- 年度比較表 (flow)
def extract_comparison(doc: Document, ex: Extraction, window: int = 200) -> None:
    """Read a PDF-flow `地方交付税年度比較表`: this year, prior year, 増△減, 比率 per row.

    The title and the row letters ア…カ are printed far above the numbers, so the rows are
    found by their labels within `window` lines after the title. Letters are given to the rows
    in printed order (the order of the orphan letter lines), and a `〔ア−イ〕` formula in a label
    is checked against the rows it names.
    """
    head = doc.find("地方交付税年度比較表")
    if head is None:
        return
    units = unit_statement(doc.text_at(head)) or unit_before(doc, max(1, head - 3), head)
    unit = money_unit(units)
    letters = []
    found: dict[str, dict] = {}
    ordered: list[tuple[str, dict, Decimal, Decimal, str]] = []
    for no in range(head + 1, min(head + window, len(doc.lines)) + 1):
        text = doc.text_at(no)
        if text in _KANA_ORDER and len(text) == 1 and not found:
            letters.append(text)
            continue
        label, nums = split_label_numbers(text)
        name = item_name(label) if label else None
        if name is None or name in found:
            continue
        formula = "".join(_BRACKET.findall(normalize_name(label)))
        if len(nums) < 2 or unit is None:
            row = _row(doc, no, [], item_name=name, amount_yen=None, prior_year_amount_yen=None,
                       status="unresolved", note="expected this-year and prior-year figures"
                       if unit else "no money unit stated")
            ex.add(LAT_SEED, row)
            found[name] = row
            continue
        this, prior = nums[0][1], nums[1][1]
        row = _row(doc, no, [no, no], item_name=name, amount_yen=to_yen(this, unit),
                   prior_year_amount_yen=to_yen(prior, unit))
        ex.add(LAT_SEED, row)
        found[name] = row
        ordered.append((name, row, this, prior, formula))
        if len(nums) >= 3:
            ex.check("local_allocation_tax.year_over_year_change", name, to_yen(nums[2][1], unit),
                     to_yen(this - prior, unit), no, note="増△減 = 当年度 − 前年度")
        if len(nums) >= 4:
            ex.check("local_allocation_tax.change_ratio", name, nums[3][1],
                     ratio_pct(this - prior, prior), no,
                     note="比率 (%) = 増△減 / 前年度 × 100, rounded to 0.1; "
                          "compare with a tolerance of 0.05 (printed rounding)")
        if name == "地方交付税":
            break
    if not ordered:
        return
    letters = letters or list(_KANA_ORDER[:len(ordered)])
    by_letter = {letters[i]: entry for i, entry in enumerate(ordered) if i < len(letters)}
    checked = sum(_formula_check(ex, name, row, formula, by_letter)
                  for name, row, _this, _prior, formula in ordered)
    if not checked:  # no printed formulas: fall back to the domain identities
        _identity_checks(ex, found)


def _formula_check(ex: Extraction, name: str, row: dict, formula: str,
                   by_letter: dict[str, tuple]) -> int:
    """Check a printed label formula `ア-イ` / `オ+カ` against the lettered rows.

    These formulas are the domain identities (需要額 − 収入額 = 交付基準額, 普通 + 特別 =
    地方交付税) as the document prints them; returns 1 when a check was recorded.
    """
    if len(formula) != 3 or formula[1] not in "+-":
        return 0
    left, op, right = formula[0], formula[1], formula[2]
    if left not in by_letter or right not in by_letter:
        return 0
    for col, label in (("amount_yen", "当年度"), ("prior_year_amount_yen", "前年度")):
        a, b = by_letter[left][1][col], by_letter[right][1][col]
        computed = (a + b if op == "+" else a - b) if a is not None and b is not None else None
        ex.check("local_allocation_tax.formula", f"{name} {label}", row[col], computed,
                 row["source_line"],
                 note=f"〔{formula}〕: {by_letter[left][0]} {op} {by_letter[right][0]}")
    return 1


# --------------------------------------------------------------------------- entry point
def extract(doc: Document) -> Extraction:
    """All 地方交付税 tables of `doc` (an empty Extraction when it has none)."""
    ex = Extraction()
    summary: dict[str, dict] = {}
    steps = [lambda: summary.update(extract_summary(doc, ex))]
    steps += [lambda m=m: extract_components(doc, ex, m, summary) for m in MEASURES]
    steps += [lambda: extract_comparison(doc, ex)]
    for step in steps:
        try:
            step()
        except Exception as exc:  # never raise: land the failure where it can be seen
            ex.add(LAT_SEED, {"document_id": doc.document_id, "source_line": None,
                              "item_name": None, "amount_yen": None,
                              "prior_year_amount_yen": None, "status": "unresolved",
                              "note": f"allocation_tax extractor failed: {exc!r}",
                              "_value_lines": []})
    return ex
