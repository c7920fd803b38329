"""Municipal bonds (市債 / 地方債): balances by purpose or lender, and the year's issues.

Two table shapes occur in the corpus, both recognised by their content, never by document id:

* A **by-purpose table** (`区分 借入額 償還額 現債額 借入先別現債額 …`): one row per bond purpose
  with *cumulative* (since-issue) borrowing and repayment, the outstanding balance, and that
  balance split again by lender column.  `小計` closes a group of purposes (an account), `合計`
  closes the table.  Totals become checks, not fact rows.
* A **地方債の状況 section** with one block per account (`(1)一般会計`, `(2)…特別会計`), each
  holding `ア 借入状況` (the issues of the year) and `イ 借入先別現在高` (the annual roll-forward
  per lender).  In the PDF text flow these blocks are dissolved and interleaved with other
  tables, so they are read by a small state machine that recognises each line by its shape.

Domain rules applied (DOMAIN.md): per lender 前年度末現在高 + 借入額 − 元金償還額 = 年度末現在高;
issues per lender sum to that lender's 借入額; lenders sum to 合計; by purpose 借入額 − 償還額 =
現債額 and the lender split sums to 現債額.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.reading.dates import parse_wareki
from ingest.reading.document import Document, Extraction
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import (DITTO_MARKS, UNIT_SCALE, numeric_tokens, parse_number, to_yen,
                            unit_statement)

BAL = "raw_bond_balances"
ISS = "raw_bond_issues"

# Header words of the 借入状況 / 借入先別現在高 tables, compared with spaces removed.  In the PDF
# flow they float as lines of their own (even between other tables), so they are skipped by
# name; the funds extractor uses the same list to ignore them.
BOND_HEADER_WORDS = frozenset({
    "借入条件", "利率", "償還", "年限", "償還年限", "措置", "期間", "措置期間", "起債目的",
    "(事業名)", "借入金額借入年月日借入先", "借入先", "借入金額", "借入年月日",
})

# Lender names that denote the same creditor (DOMAIN.md: 財務省 = former 大蔵省 = 財政融資資金;
# 日本郵政 = former 郵政省 / 郵政公社 / 郵便貯金 / 簡易生命保険).  Used only to match issues to
# balance rows; the landed lender_name stays as printed (normalized).
_LENDER_ALIASES = {
    "財務省": "財政融資資金", "大蔵省": "財政融資資金", "財政融資資金": "財政融資資金",
    "旧資金運用部資金": "財政融資資金", "資金運用部資金": "財政融資資金",
    "日本郵政": "日本郵政", "郵政省": "日本郵政", "郵政公社": "日本郵政",
    "旧郵便貯金資金": "日本郵政", "郵便貯金資金": "日本郵政",
    "旧簡易生命保険資金": "日本郵政", "簡易生命保険資金": "日本郵政",
    "地方公共団体金融機構": "地方公共団体金融機構", "公営企業金融公庫": "地方公共団体金融機構",
}


def canonical_lender(name: str | None) -> str | None:
    """The creditor a printed lender name denotes (for matching issues to balances)."""
    if not name:
        return name
    key = name.replace("旧", "", 1) if name not in _LENDER_ALIASES else name
    return _LENDER_ALIASES.get(name, _LENDER_ALIASES.get(key, name))


# --------------------------------------------------------------------------- small helpers

def _squash(text: str) -> str:
    """Text with every space and tab removed: how labels are compared."""
    return text.replace(" ", "").replace("\t", "")


def _tokens(text: str) -> list[str]:
    return text.replace("\t", " ").split()


def _label_and_numbers(text: str) -> tuple[str, list[Decimal], str, list[Decimal]]:
    """Split a row into (leading label, first run of numbers, trailing label, trailing numbers).

    In both layouts a table row is a label followed by its numbers; a second label/number pair
    after the numbers is a further cell group printed on the same line (e.g. a 内訳).
    """
    lead, nums, trail, tnums = [], [], [], []
    stage = 0
    depth = 0
    for tok in _tokens(text):
        # A digit inside a parenthesised part of a name (`( そ の 1 )`) is text, not a value.
        opened = tok.count("(") - tok.count(")")
        value = None if (depth > 0 or opened > 0) else parse_number(tok)
        depth = max(0, depth + opened)
        if stage == 0:
            if value is None:
                lead.append(tok)
            else:
                nums.append(value)
                stage = 1
        elif stage == 1:
            if value is None:
                trail.append(tok)
                stage = 2
            else:
                nums.append(value)
        elif stage == 2:
            if value is None and not tnums:
                trail.append(tok)
            elif value is not None:
                tnums.append(value)
                stage = 3
        else:
            if value is not None:
                tnums.append(value)
            else:
                trail.append(tok)
    return normalize_name(" ".join(lead)), nums, normalize_name(" ".join(trail)), tnums


def _money_unit(units: list[str] | None) -> str | None:
    for u in units or []:
        if u in UNIT_SCALE:
            return u
    return None


def _unit_before(doc: Document, line_no: int, window: int = 15) -> str | None:
    """The money unit of the nearest unit statement at or above `line_no` (within `window`)."""
    for no in range(line_no, max(0, line_no - window), -1):
        unit = _money_unit(unit_statement(doc.text_at(no)))
        if unit:
            return unit
    return None


def _yen(value: Decimal | None, unit: str) -> int | None:
    return to_yen(value, unit) if value is not None else None


def _balance_row(doc: Document, line_no: int, **values) -> dict:
    row = {"document_id": doc.document_id, "source_line": line_no, "account_name": None,
           "breakdown": None, "purpose_name": None, "lender_name": None,
           "opening_balance_yen": None, "borrowed_yen": None, "repaid_yen": None,
           "closing_balance_yen": None, "basis": None, "status": "ok", "note": "",
           "_value_lines": []}
    row.update(values)
    return row


# --------------------------------------------------------------------------- by-purpose table

def _purpose_headers(doc: Document) -> list[int]:
    """Lines heading a by-purpose bond table: 借入額, 償還額 and 現債額 on one header row."""
    found = []
    for line in doc.lines:
        if "償" not in line.text:  # squashing only drops spaces: 償還額 needs a 償 on the line
            continue
        s = _squash(line.text)
        if "借入額" in s and "償還額" in s and "現債額" in s:
            found.append(line.no)
    return found


def _group_account(index: int, purposes: list[str]) -> tuple[str | None, str]:
    """The account a 小計 group of the by-purpose table belongs to.

    Rule: the general account's purposes come first (up to the first 小計); each later group is a
    public-enterprise account named after its bond (`下水道債` → `下水道事業会計`).  A later group
    with several purposes names no account: NULL with a reason.
    """
    if index == 0:
        return "一般会計", ""
    if len(purposes) == 1 and purposes[0].endswith("債"):
        return purposes[0][:-1] + "事業会計", ""
    return None, "account of this 小計 group is not printed"


def _extract_purpose_table(doc: Document, ex: Extraction, header_no: int) -> None:
    """Read one by-purpose (cumulative) bond table starting at its header row."""
    unit = _unit_before(doc, header_no)
    lenders: list[str] = []
    no = header_no + 1
    while no <= len(doc.lines) and not doc.text_at(no).strip():
        no += 1
    if no <= len(doc.lines):
        text = doc.text_at(no)
        _, nums, _, _ = _label_and_numbers(text)
        if not nums and "\t" in text:
            lenders = [normalize_name(c) for c in text.split("\t") if normalize_name(c)]
            no += 1
    # Collect rows until the table ends (合計 row, or a non-row line after rows began).
    groups: list[list[tuple[int, str, list[Decimal]]]] = [[]]
    subtotals: list[tuple[int, list[Decimal]]] = []
    total: tuple[int, list[Decimal]] | None = None
    seen = False
    while no <= len(doc.lines):
        text = doc.text_at(no)
        if not text.strip():
            no += 1
            continue
        label, nums, _, _ = _label_and_numbers(text)
        if not nums:
            if seen:
                break
            no += 1
            continue
        seen = True
        if label in ("小計", "計"):
            subtotals.append((no, nums))
            groups.append([])
        elif label == "合計":
            total = (no, nums)
            break
        else:
            groups[-1].append((no, label, nums))
        no += 1
    groups = [g for g in groups if g]
    width = 3 + len(lenders)
    all_rows: list[list[Decimal]] = []
    for gi, group in enumerate(groups):
        account, acc_note = _group_account(gi, [label for _, label, _ in group])
        for line_no, label, nums in group:
            status, note = ("ok", "") if account else ("unresolved", acc_note)
            if unit is None:
                status, note = "unresolved", "no money unit stated near the table"
            if len(nums) != width:
                ex.add(BAL, _balance_row(
                    doc, line_no, account_name=account, breakdown="purpose", purpose_name=label,
                    basis="cumulative", status="unresolved",
                    note=f"expected {width} numbers, found {len(nums)}: "
                         + " ".join(str(n) for n in nums)))
                continue
            u = unit or "円"
            all_rows.append(nums)
            ex.add(BAL, _balance_row(
                doc, line_no, account_name=account, breakdown="purpose", purpose_name=label,
                borrowed_yen=_yen(nums[0], u), repaid_yen=_yen(nums[1], u),
                closing_balance_yen=_yen(nums[2], u), basis="cumulative",
                status=status, note=note, _value_lines=[line_no] * 3))
            for lender, value in zip(lenders, nums[3:]):
                ex.add(BAL, _balance_row(
                    doc, line_no, account_name=account, breakdown="purpose_lender",
                    purpose_name=label, lender_name=lender, closing_balance_yen=_yen(value, u),
                    basis="cumulative", status=status, note=note, _value_lines=[line_no]))
            grp = f"{account or '?'} {label}"
            # 現債額 = cumulative 借入額 − 償還額 (no opening column: the table runs since issue).
            ex.check("bond_balances.cumulative_outstanding", grp, _yen(nums[2], u),
                     _yen(nums[0] - nums[1], u), line_no)
            if lenders:
                ex.check("bond_balances.lender_split", grp, _yen(nums[2], u),
                         _yen(sum(nums[3:], Decimal(0)), u), line_no)
        if unit is None:
            continue
        if gi < len(subtotals):
            sub_no, sub = subtotals[gi]
            sums = _column_sums([n for _, _, n in group], len(sub))
            for ci, (rep, comp) in enumerate(zip(sub, sums)):
                ex.check("bond_balances.subtotal", f"{account or '?'} {_col_name(ci, lenders)}",
                         to_yen(rep, unit), _yen(comp, unit), sub_no)
    if total and unit:
        sums = _column_sums([n for g in groups for _, _, n in g], len(total[1]))
        for ci, (rep, comp) in enumerate(zip(total[1], sums)):
            ex.check("bond_balances.total", _col_name(ci, lenders), to_yen(rep, unit),
                     _yen(comp, unit), total[0])
        if subtotals:
            sums = _column_sums([s for _, s in subtotals], len(total[1]))
            for ci, (rep, comp) in enumerate(zip(total[1], sums)):
                ex.check("bond_balances.total_of_subtotals", _col_name(ci, lenders),
                         to_yen(rep, unit), _yen(comp, unit), total[0])


def _col_name(index: int, lenders: list[str]) -> str:
    names = ["借入額", "償還額", "現債額"] + lenders
    return names[index] if index < len(names) else f"列{index + 1}"


def _column_sums(rows: list[list[Decimal]], width: int) -> list[Decimal | None]:
    """Column sums over rows of the expected width; None for a column some row lacks."""
    out: list[Decimal | None] = []
    for ci in range(width):
        vals = [r[ci] if ci < len(r) else None for r in rows]
        out.append(None if any(v is None for v in vals) else sum(vals, Decimal(0)))
    return out


# --------------------------------------------------------------------------- 地方債の状況

@dataclass
class _Issue:
    line_no: int
    purpose: str
    amount: Decimal
    date_text: str
    lender_parts: list[str] = field(default_factory=list)
    lender_inline: bool = False
    rate: Decimal | None = None
    term: Decimal | None = None
    grace: Decimal | None = None
    value_lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    closed: bool = False


@dataclass
class _BalanceLine:
    line_no: int
    lender: str
    printed: list[Decimal]
    cells: list[Decimal | None] | None = None  # opening, borrowed, repaid, closing
    note: str = ""


@dataclass
class AccountBonds:
    """What one `(n)…会計` block of 地方債の状況 holds, with the lines it claimed."""

    account: str
    heading_line: int
    issues: list[_Issue] = field(default_factory=list)
    issue_total: tuple[int, Decimal] | None = None
    issue_unit: str | None = None
    balances: list[_BalanceLine] = field(default_factory=list)
    balance_total: tuple[int, list[Decimal]] | None = None
    balance_unit: str | None = None
    orphan_grace: list[tuple[int, Decimal]] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _is_account_heading(text: str) -> str | None:
    """`(1)一般会計` / `(2)…特別会計` → the account name, else None."""
    if "計" not in text:  # cheap exit: the squashed text must end in 会計
        return None
    s = _squash(text)
    if len(s) > 3 and s[0] == "(" and s[1].isdigit() and ")" in s[:4] and s.endswith("会計"):
        return normalize_name(s[s.index(")") + 1:])
    return None


def _is_section_heading(text: str) -> bool:
    """A `5 基金の状況`-style numbered heading (a digit, a space, a title without numbers)."""
    toks = text.split(" ")
    return (len(toks) >= 2 and toks[0].isdigit() and len(toks[0]) <= 2
            and not any(parse_number(t) is not None for t in toks[1:]))


def _date_index(tokens: list[str]) -> int | None:
    for i, tok in enumerate(tokens):
        if parse_wareki(tok):
            return i
    return None


def _is_rate_line(tokens: list[str]) -> bool:
    """`1.500 15 3`: an interest rate with decimals, then 償還年限 and maybe 措置期間."""
    if not 2 <= len(tokens) <= 3:
        return False
    vals = [parse_number(t) for t in tokens]
    return all(v is not None for v in vals) and "." in tokens[0] and "," not in "".join(tokens)


def _apply_rates(issue: _Issue, tokens: list[str], line_no: int) -> None:
    vals = [parse_number(t) for t in tokens]
    issue.rate, issue.term = vals[0], vals[1]
    if len(vals) > 2:
        issue.grace = vals[2]
    issue.value_lines += [line_no] * len(vals)
    issue.closed = True


def parse_bond_accounts(doc: Document) -> list[AccountBonds]:
    """Every account block of the `地方債の状況` section, read once per document (read-only)."""
    return doc.derived("bonds.accounts", _parse_bond_accounts)


def _parse_bond_accounts(doc: Document) -> list[AccountBonds]:
    """Read every account block of a `地方債の状況` section (PDF flow or tab layout).

    The state machine: per account, phase `issues` reads issue lines (`purpose amount date
    [lender] [rate term grace]`, the purpose possibly on the text lines above, the lender and
    the rate possibly on the lines below) until the issues' `合計` (one number); phase
    `balances` then reads `lender n n n [n]` rows until the balances' `合計` (four numbers).
    Lines of other tables interleaved in the flow match neither shape and are passed over.
    """
    anchor = None
    for line in doc.lines:
        # squashing only drops spaces: the heading needs a 況 on the line (cheap test first)
        if "況" in line.text and "地方債の状況" in _squash(line.text):
            anchor = line.no
            break
    if anchor is None:
        return []
    headings: list[tuple[int, str]] = []
    for no in range(anchor + 1, len(doc.lines) + 1):
        text = doc.text_at(no)
        name = _is_account_heading(text)
        if name:
            headings.append((no, name))
        elif _is_section_heading(text) and headings:
            break
    accounts = []
    for idx, (start, name) in enumerate(headings):
        stop = headings[idx + 1][0] if idx + 1 < len(headings) else min(len(doc.lines), start + 400)
        acc = AccountBonds(name, start, claimed={start})
        acc.issue_unit = acc.balance_unit = _unit_before(doc, start, 10)
        _read_account(doc, acc, start + 1, stop)
        accounts.append(acc)
    return accounts


def _read_account(doc: Document, acc: AccountBonds, start: int, stop: int) -> None:
    phase = "issues"
    pending: list[tuple[int, str]] = []
    gap = False
    open_issue: _Issue | None = None
    grace_header = False
    prev_word = ""
    for no in range(start, stop + 1):
        if no > len(doc.lines):
            break
        text = doc.text_at(no)
        if not text.strip():
            gap = True
            continue
        s = _squash(text)
        units = unit_statement(text)
        if units is not None:
            # Only the unit statements of this account's ア / イ tables govern it: in the flow a
            # unit line of another table (e.g. 基金 (単位:円)) can sit between rows.
            if "借入状況" in s:
                acc.claimed.add(no)
                acc.issue_unit = _money_unit(units) or acc.issue_unit
            elif "借入先別" in s:
                acc.claimed.add(no)
                acc.balance_unit = _money_unit(units) or acc.balance_unit
            pending, grace_header = [], False
            continue
        if s in BOND_HEADER_WORDS:
            acc.claimed.add(no)
            grace_header = s in ("措置期間",) or (s == "期間" and prev_word == "措置")
            prev_word = s
            pending = []
            continue
        prev_word = ""
        tokens = _tokens(text)
        label, nums, _, _ = _label_and_numbers(text)
        if phase == "issues":
            di = _date_index(tokens)
            if di is not None and di >= 1 and parse_number(tokens[di - 1]) is not None:
                grace_header = False
                open_issue = _start_issue(acc, tokens, di, no, pending, open_issue)
                if open_issue.closed:
                    open_issue = None
                pending = []
            elif label == "合計" and len(nums) == 1:
                acc.claimed.add(no)
                _close(acc, open_issue)
                open_issue = None
                acc.issue_total = (no, nums[0])
                phase = "balances"
                pending = []
            elif open_issue is not None and not nums and not open_issue.lender_inline:
                # The lender cell wrapped onto the lines below the row (`地方公共団体` `金融機構`).
                acc.claimed.add(no)
                open_issue.lender_parts.append(text)
            elif open_issue is not None and _is_rate_line(tokens):
                acc.claimed.add(no)
                _apply_rates(open_issue, tokens, no)
                open_issue = None
            elif (grace_header and open_issue is None and len(tokens) == 1 and nums
                  and nums[0] == nums[0].to_integral_value() and 0 <= nums[0] < 100):
                acc.claimed.add(no)
                acc.orphan_grace.append((no, nums[0]))
            elif not nums:
                grace_header = False
                if gap or not pending:
                    pending = [(no, text)]
                else:
                    pending.append((no, text))
            else:
                grace_header = False
                pending = []
        else:
            if label == "合計" and len(nums) >= 3:
                acc.claimed.add(no)
                acc.balance_total = (no, nums)
                break
            if label and 3 <= len(nums) <= 4 and not _is_section_heading(text):
                acc.claimed.add(no)
                acc.balances.append(_BalanceLine(no, label, nums))
            elif "現在高" in s or "年度末" in s or "償還額" in s:
                acc.claimed.add(no)
        gap = False
    if open_issue is not None:
        _close(acc, open_issue)
    if acc.issue_total is None and acc.issues:
        acc.problems.append("issues 合計 not found")


def _close(acc: AccountBonds, issue: _Issue | None) -> None:
    if issue is not None and not issue.closed:
        issue.notes.append("rate/term (借入条件) not found")
        issue.closed = True


def _start_issue(acc: AccountBonds, tokens: list[str], di: int, no: int,
                 pending: list[tuple[int, str]], previous: _Issue | None) -> _Issue:
    """Begin an issue from a line holding `… amount date …` (purpose inline or on lines above)."""
    _close(acc, previous)
    acc.claimed.add(no)
    amount = parse_number(tokens[di - 1])
    purpose_tokens = tokens[:di - 1]
    first_line = no
    if purpose_tokens:
        purpose = normalize_name(" ".join(purpose_tokens))
    elif pending:
        purpose = normalize_name(" ".join(t for _, t in pending))
        acc.claimed.update(n for n, _ in pending)
    else:
        purpose = ""
    issue = _Issue(first_line, purpose, amount, tokens[di])
    issue.value_lines += [no] * (1 + len(numeric_tokens(tokens[di])))
    if not purpose_tokens:  # digits of a purpose printed on the lines above (`(その1)`)
        issue.value_lines += [n for n, t in pending for _ in numeric_tokens(t)]
    issue.value_lines += [no] * len(numeric_tokens(" ".join(purpose_tokens)))
    if not purpose:
        issue.notes.append("purpose (起債目的) not found")
    rest = tokens[di + 1:]
    lender_toks = []
    while rest and parse_number(rest[0]) is None:
        lender_toks.append(rest.pop(0))
    if lender_toks:
        issue.lender_parts = [" ".join(lender_toks)]
        issue.lender_inline = True
    if rest:
        if _is_rate_line(rest):
            _apply_rates(issue, rest, no)
        else:
            issue.notes.append("unreadable 借入条件: " + " ".join(rest))
            issue.closed = True
    acc.issues.append(issue)
    return issue


def _resolve_lenders(issues: list[_Issue]) -> None:
    """Join each issue's lender fragments; a ditto mark (〃) repeats the lender of the row above."""
    previous = None
    for issue in issues:
        raw = " ".join(issue.lender_parts).strip()
        if raw in DITTO_MARKS or _squash(raw) in DITTO_MARKS:
            if previous:
                issue.lender_parts = [previous]
            else:
                issue.lender_parts = []
                issue.notes.append("ditto lender (〃) on the first row")
        name = normalize_name(" ".join(issue.lender_parts)) if issue.lender_parts else ""
        issue.lender_parts = [name] if name else []
        if not name:
            issue.notes.append("lender (借入先) not found")
        else:
            previous = name


def _fill_orphan_grace(acc: AccountBonds) -> None:
    """Give 措置期間 values printed apart from their rows back to the rows that lack one.

    In the PDF flow the 措置期間 column of a short table can be emitted as its own run (`措置`
    `期間` `3` `3`) far from the rows.  When the run holds exactly as many values as there are
    rows lacking the column, they belong to those rows in print order; the assignment is
    certain when all values are equal, otherwise the rows are left unresolved.
    """
    lacking = [i for i in acc.issues if i.term is not None and i.grace is None]
    if not acc.orphan_grace:
        for issue in lacking:
            issue.notes.append("措置期間 not printed for this row")
        return
    if len(lacking) != len(acc.orphan_grace):
        for issue in lacking:
            issue.notes.append(f"措置期間 run has {len(acc.orphan_grace)} values for "
                               f"{len(lacking)} rows lacking it")
        return
    same = len({v for _, v in acc.orphan_grace}) == 1
    for issue, (line_no, value) in zip(lacking, acc.orphan_grace):
        issue.grace = value
        issue.value_lines.append(line_no)
        if not same:
            issue.notes.append("措置期間 assigned in print order from a detached run; order "
                               "cannot be verified")


def _place_balance_cells(acc: AccountBonds) -> None:
    """Decide which column a 3-number lender row leaves empty.

    Rule: try each placement of the printed numbers into (opening, borrowed, repaid, closing)
    keeping their order; keep placements for which opening + borrowed − repaid = closing (an
    empty cell counts 0).  A unique placement is taken.  Where several remain, the column
    totals of the 合計 row decide jointly over all ambiguous rows; a unique joint choice is
    taken, anything else stays unresolved.
    """
    options: dict[int, list[list[Decimal | None]]] = {}
    for i, bl in enumerate(acc.balances):
        if len(bl.printed) == 4:
            bl.cells = list(bl.printed)
            continue
        cands = []
        for missing in range(4):
            cells = list(bl.printed)
            cells.insert(missing, None)
            o, b, r, c = (v or Decimal(0) for v in cells)
            if o + b - r == c:
                cands.append(cells)
        if len(cands) == 1:
            bl.cells = cands[0]
        elif not cands:
            bl.note = "no placement of the 3 printed numbers satisfies the roll-forward"
        else:
            options[i] = cands
    if not options:
        return
    total = acc.balance_total[1] if acc.balance_total and len(acc.balance_total[1]) == 4 else None
    keys = list(options)
    n_combos = 1
    for k in keys:
        n_combos *= len(options[k])
    fits = []
    if total is not None and n_combos <= 4096 and all(
            bl.cells is not None for i, bl in enumerate(acc.balances) if i not in options):
        for combo in itertools.product(*(options[k] for k in keys)):
            chosen = dict(zip(keys, combo))
            rows = [chosen.get(i, bl.cells) for i, bl in enumerate(acc.balances)]
            sums = [sum((r[c] or Decimal(0) for r in rows), Decimal(0)) for c in range(4)]
            if sums == list(total):
                fits.append(chosen)
    if len(fits) == 1:
        for k, cells in fits[0].items():
            acc.balances[k].cells = cells
            acc.balances[k].note = ("empty cell placed by the roll-forward and the 合計 column "
                                    "totals")
    else:
        for k in keys:
            acc.balances[k].note = (f"{len(options[k])} placements satisfy the roll-forward and "
                                    f"the column totals do not single one out")


def _issue_row(doc: Document, acc: AccountBonds, issue: _Issue) -> dict:
    unit = acc.issue_unit
    notes = list(issue.notes)
    if unit is None:
        notes.append("no money unit stated for 借入状況")
    borrowed_on = parse_wareki(issue.date_text)
    return {
        "document_id": doc.document_id, "source_line": issue.line_no, "account_name": acc.account,
        "purpose_name": issue.purpose or None,
        "amount_yen": to_yen(issue.amount, unit) if unit else None,
        "borrowed_on": borrowed_on,
        "lender_name": issue.lender_parts[0] if issue.lender_parts else None,
        "interest_rate_pct": issue.rate,
        "term_years": int(issue.term) if issue.term is not None else None,
        "grace_years": int(issue.grace) if issue.grace is not None else None,
        "status": "unresolved" if notes else "ok", "note": "; ".join(notes),
        "_value_lines": issue.value_lines,
    }


def _extract_account(doc: Document, ex: Extraction, acc: AccountBonds) -> None:
    _resolve_lenders(acc.issues)
    _fill_orphan_grace(acc)
    _place_balance_cells(acc)
    iu, bu = acc.issue_unit, acc.balance_unit
    for issue in acc.issues:
        ex.add(ISS, _issue_row(doc, acc, issue))
    if acc.issue_total and iu:
        ex.check("bond_issues.total", acc.account, to_yen(acc.issue_total[1], iu),
                 to_yen(sum((i.amount for i in acc.issues), Decimal(0)), iu), acc.issue_total[0])
    for bl in acc.balances:
        row = _balance_row(doc, bl.line_no, account_name=acc.account, breakdown="lender",
                           lender_name=bl.lender, basis="annual",
                           _value_lines=[bl.line_no] * len(bl.printed))
        if bl.cells is None or bu is None:
            row["status"] = "unresolved"
            row["note"] = (bl.note or "no money unit stated") + "; printed: " + " ".join(
                str(v) for v in bl.printed)
        else:
            o, b, r, c = (_yen(v, bu) for v in bl.cells)
            row.update(opening_balance_yen=o, borrowed_yen=b, repaid_yen=r,
                       closing_balance_yen=c, note=bl.note)
            ex.check("bond_balances.rollforward", f"{acc.account} {bl.lender}", c,
                     (o or 0) + (b or 0) - (r or 0), bl.line_no,
                     note="empty cell counts 0" if None in bl.cells else "")
        ex.add(BAL, row)
    if acc.balance_total and bu:
        t_no, total = acc.balance_total
        placed = all(bl.cells is not None for bl in acc.balances)
        for ci, col in enumerate(["opening", "borrowed", "repaid", "closing"][:len(total)]):
            comp = (to_yen(sum((bl.cells[ci] or Decimal(0) for bl in acc.balances), Decimal(0)), bu)
                    if placed else None)
            used = any("合計" in bl.note for bl in acc.balances)
            ex.check(f"bond_balances.lender_total.{col}", acc.account, to_yen(total[ci], bu), comp,
                     t_no, note="also used to place empty cells" if used else "")
    # Issues per lender = that lender's 借入額 (lender names matched through canonical_lender).
    if bu and iu:
        by_lender: dict[str, Decimal] = {}
        for issue in acc.issues:
            key = canonical_lender(issue.lender_parts[0]) if issue.lender_parts else None
            if key:
                by_lender[key] = by_lender.get(key, Decimal(0)) + issue.amount
        matched = set()
        for bl in acc.balances:
            if bl.cells is None:
                continue
            key = canonical_lender(bl.lender)
            if bl.cells[1] is None and key not in by_lender:
                continue
            matched.add(key)
            ex.check("bond_issues.by_lender", f"{acc.account} {bl.lender}",
                     to_yen(bl.cells[1] or Decimal(0), bu),
                     to_yen(by_lender.get(key, Decimal(0)), iu), bl.line_no,
                     note="" if bl.cells[1] is not None else "借入額 not printed (0)")
        for key, amount in by_lender.items():
            if key not in matched and acc.balances:
                ex.check("bond_issues.by_lender", f"{acc.account} {key}", 0, to_yen(amount, iu),
                         acc.issue_total[0] if acc.issue_total else acc.heading_line,
                         note="lender of issues has no row in 借入先別現在高")
        if acc.balance_total and len(acc.balance_total[1]) >= 2:
            ex.check("bond_issues.total_vs_balances", acc.account,
                     to_yen(acc.balance_total[1][1], bu),
                     to_yen(sum((i.amount for i in acc.issues), Decimal(0)), iu),
                     acc.balance_total[0])
    for problem in acc.problems:
        ex.add(ISS, {"document_id": doc.document_id, "source_line": acc.heading_line,
                     "account_name": acc.account, "status": "unresolved", "note": problem,
                     "_value_lines": []})


def claimed_lines(doc: Document) -> set[int]:
    """Lines the 地方債の状況 tables own: other extractors skip them in interleaved flows."""
    try:
        out: set[int] = set()
        for acc in parse_bond_accounts(doc):
            out |= acc.claimed
        return out
    except Exception:  # noqa: BLE001 - a helper for other extractors must never raise
        return set()


def extract(doc: Document) -> Extraction:
    """Bond balances and issues of every bond table the document holds (none → empty)."""
    ex = Extraction()
    for header in _purpose_headers(doc):
        try:
            _extract_purpose_table(doc, ex, header)
        except Exception as exc:  # noqa: BLE001 - land the failure, never raise
            ex.add(BAL, _balance_row(doc, header, breakdown="purpose", basis="cumulative",
                                     status="unresolved", note=f"table not readable: {exc!r}"))
    try:
        accounts = parse_bond_accounts(doc)
    except Exception as exc:  # noqa: BLE001
        accounts = []
        ex.add(BAL, _balance_row(doc, 1, breakdown="lender", basis="annual", status="unresolved",
                                 note=f"地方債の状況 not readable: {exc!r}"))
    for acc in accounts:
        try:
            _extract_account(doc, ex, acc)
        except Exception as exc:  # noqa: BLE001
            ex.add(BAL, _balance_row(doc, acc.heading_line, account_name=acc.account,
                                     breakdown="lender", basis="annual", status="unresolved",
                                     note=f"account block not readable: {exc!r}"))
    return ex
