"""Funds (基金の状況): balances per fund, the balance breakdown, and the deposit / withdrawal
breakdowns.

The table is recognised by its heading (`基金の状況`) and read line by line by shape, because
in the PDF text flow its cells are dissolved and interleaved (the opening-balance column is
printed as a block above the rows, some rows come after the 合計 line, fund names are printed
apart from their figures, and the 地方債 table of another account runs through the middle).

The pieces are put back together with the identities of the domain (DOMAIN.md), not by
position:

* per fund 前年度末現在高 + 積立額 − 繰入額 = 年度末現在高 (withdrawals are printed with △);
* funds sum to the 合計 of every column;
* a fund's 現在高内訳 sums to its closing balance;
* 積立額内訳 / 繰入額内訳 sum to the fund's 積立額 / 繰入額.

Whenever a piece can be placed in more than one way, it is landed `unresolved` with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ingest.reading.document import Document, Extraction
from ingest.extract.bonds import BOND_HEADER_WORDS, claimed_lines
from ingest.reading.normalize import normalize_name
from ingest.reading.numbers import UNIT_SCALE, parse_number, to_yen, unit_statement

BAL = "raw_fund_balances"
FLOW = "raw_fund_flows"

# The three groups of funds: 財政調整基金 and 減債基金 are groups of their own; every other fund
# is printed under the heading 特定目的基金.
OWN_GROUP_FUNDS = ("財政調整基金", "減債基金")
SPECIFIC_GROUP = "特定目的基金"
# Column-header words of the fund tables (compared with spaces removed).
_HEADER_WORDS = ("現在高", "区分", "内訳名称", "内訳金額", "年度末", "積立額", "繰入額")
_MAX_SOLUTIONS = 2  # searches stop once a placement is known to be ambiguous


def _squash(text: str) -> str:
    return text.replace(" ", "").replace("\t", "")


def _split(text: str) -> tuple[str, list[Decimal], str, list[Decimal]]:
    """(leading label, numbers, trailing label, trailing numbers) of a printed line."""
    lead, nums, trail, tnums = [], [], [], []
    for tok in text.replace("\t", " ").split():
        value = parse_number(tok)
        if value is None:
            (lead if not nums else trail).append(tok)
        elif not trail:
            nums.append(value)
        else:
            tnums.append(value)
    return normalize_name(" ".join(lead)), nums, normalize_name(" ".join(trail)), tnums


def _money_unit(text: str) -> str | None:
    for u in unit_statement(text) or []:
        if u in UNIT_SCALE:
            return u
    return None


# --------------------------------------------------------------------------- (1) 現在高

@dataclass
class _FundRow:
    line_no: int
    name: str | None
    deposits: Decimal
    withdrawals: Decimal  # as printed (△ → negative)
    closing: Decimal
    opening: Decimal | None = None
    opening_line: int | None = None
    inline: list[tuple[str, Decimal, int]] = field(default_factory=list)
    value_lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def withdrawn(self) -> Decimal:
        """繰入額 as a positive amount (printed with △ in the table)."""
        return abs(self.withdrawals)

    def needed_opening(self) -> Decimal:
        """The 前年度末現在高 the roll-forward demands: closing − deposits + withdrawals."""
        return self.closing - self.deposits + self.withdrawn


@dataclass
class _Loose:
    """A number printed alone; `name` is the fund name printed next to it, if any."""

    line_no: int
    name: str | None
    value: Decimal


@dataclass
class FundTable:
    unit: str | None
    first_line: int
    rows: list[_FundRow] = field(default_factory=list)
    openings: list[_Loose] = field(default_factory=list)
    items: list[_Loose] = field(default_factory=list)  # loose 現在高内訳 (name, amount)
    totals: tuple[int, list[Decimal]] | None = None
    group_seen: bool = False
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    opening_total: _Loose | None = None
    leftovers: list[_Loose] = field(default_factory=list)


def _find(doc: Document, start: int, pred, key: str) -> int | None:
    """First line at or after `start` whose squashed text satisfies `pred`.

    `key` is a character `pred` needs (squashing only drops spaces and tabs, so it is on the
    raw line too): lines without it are passed over without being squashed.
    """
    for line in doc.lines:
        if line.no >= start and key in line.text and pred(_squash(line.text)):
            return line.no
    return None


def _read_fund_table(doc: Document, first: int, last: int, skip: set[int]) -> FundTable:
    """Classify every line of the 現在高 table by its shape (see module docstring)."""
    table = FundTable(_money_unit(doc.text_at(first)), first)
    pending: list[str] = []
    gap = False
    for no in range(first + 1, last):
        if no in skip:
            continue
        text = doc.text_at(no)
        if not text.strip():
            gap = True
            continue
        s = _squash(text)
        label, nums, trail, tnums = _split(text)
        if s in BOND_HEADER_WORDS or (not nums and any(w in s for w in _HEADER_WORDS)):
            pending, gap = [], False
            continue
        if s == SPECIFIC_GROUP:
            table.group_seen = True
            pending, gap = [], False
            continue
        if not nums:
            # Name fragments: consecutive lines join; a blank line starts a new name.
            pending = [text] if (gap or not pending) else pending + [text]
            gap = False
            continue
        pending_name = normalize_name(" ".join(pending)) if pending else ""
        pending, gap = [], False
        if label == "合計":
            table.totals = (no, nums)
            continue
        name = label or pending_name
        fund_name = name if name.endswith("基金") else None
        if len(nums) == 1 and not trail:
            if fund_name:
                table.openings.append(_Loose(no, fund_name, nums[0]))
            elif name:
                table.items.append(_Loose(no, name, nums[0]))
            else:
                table.openings.append(_Loose(no, None, nums[0]))
        elif len(nums) in (3, 4):
            # 4 numbers: 前年度末現在高 積立額 繰入額 年度末現在高.  3 numbers: the opening column
            # was printed as a block above the rows, so they are 積立額 繰入額 年度末現在高.
            row = _FundRow(no, fund_name, nums[-3], nums[-2], nums[-1],
                           value_lines=[no] * len(nums))
            if len(nums) == 4:
                row.opening, row.opening_line = nums[0], no
            if trail and len(tnums) == 1:
                row.inline.append((trail, tnums[0], no))
            elif trail or tnums:
                table.unplaced.append((no, text))
            if name and not fund_name:
                row.notes.append(f"row label {name!r} is not a fund name")
            table.rows.append(row)
        else:
            table.unplaced.append((no, text))
    return table


def _assign_openings(table: FundTable) -> None:
    """Give each row printed without its opening balance the opening that closes its roll-forward.

    Rule: a row's opening must equal closing − deposits + withdrawals; it is taken from the
    numbers printed alone in the table (named ones only for the fund of that name).  All
    placements are enumerated jointly (each number used once); when several exist, the one that
    leaves a number equal to the sum of all openings (the printed opening 合計) is kept.  Only a
    unique placement is applied.
    """
    pool = list(table.openings)
    used: set[int] = set()
    # Named openings of funds printed with all four figures: consumed as a cross-check.
    for row in table.rows:
        if row.opening is not None and row.name:
            for i, p in enumerate(pool):
                if i not in used and p.name == row.name:
                    used.add(i)
                    if p.value != row.opening:
                        row.notes.append(f"opening printed twice: {p.value} and {row.opening}")
                    row.value_lines.append(p.line_no)
                    break
    todo = [r for r in table.rows if r.opening is None]
    cands: list[list[int]] = []
    for row in todo:
        named = [i for i, p in enumerate(pool)
                 if i not in used and row.name and p.name == row.name]
        options = named or [i for i, p in enumerate(pool) if i not in used
                            and (p.name is None or row.name is None)]
        cands.append([i for i in options if pool[i].value == row.needed_opening()])
    solutions: list[dict[int, int]] = []

    best = [0]

    def search(k: int, chosen: dict[int, int]) -> None:
        # Keep only placements giving as many rows as possible an opening (prune the rest).
        if len(solutions) > 4096 or len(chosen) + (len(todo) - k) < best[0]:
            return
        if k == len(todo):
            best[0] = max(best[0], len(chosen))
            solutions.append(dict(chosen))
            return
        for i in cands[k]:
            if i not in chosen.values():
                chosen[k] = i
                search(k + 1, chosen)
                del chosen[k]
        search(k + 1, chosen)  # or the row stays without opening

    search(0, {})
    solutions = [s for s in solutions if len(s) == best[0]]
    if len(solutions) > 1:
        def leaves_total(sol: dict[int, int]) -> bool:
            rest = [p for i, p in enumerate(pool)
                    if i not in used and i not in sol.values() and p.name is None]
            total = sum((r.opening for r in table.rows if r.opening is not None), Decimal(0))
            total += sum((pool[i].value for i in sol.values()), Decimal(0))
            return any(p.value == total for p in rest)
        solutions = [s for s in solutions if leaves_total(s)] or solutions
    # A row's opening is taken when every remaining placement gives it the same number.
    for k, row in enumerate(todo):
        picks = {sol.get(k) for sol in solutions}
        if len(picks) == 1 and None not in picks:
            i = picks.pop()
            p = pool[i]
            used.add(i)
            row.opening, row.opening_line = p.value, p.line_no
            row.value_lines.insert(0, p.line_no)
            if row.name is None:
                row.name = p.name
        elif not cands[k]:
            row.notes.append("no printed number closes this fund's roll-forward")
        else:
            row.notes.append(f"opening balance ambiguous: {len(cands[k])} printed numbers "
                             "close this fund's roll-forward")
    for row in table.rows:
        if row.name is None:
            row.notes.append("fund name not printed with the row")
    # Numbers left over: the opening 合計 when one equals the sum of the openings.
    rest = [p for i, p in enumerate(pool) if i not in used]
    if all(r.opening is not None for r in table.rows):
        total = sum((r.opening for r in table.rows), Decimal(0))
        hits = [p for p in rest if p.name is None and p.value == total]
        if hits:
            table.opening_total = hits[-1]
            rest.remove(hits[-1])
    if table.opening_total is None and all(r.opening is not None for r in table.rows):
        # Every fund has its opening: a single unnamed number left is the printed 合計 (the
        # check then reports the mismatch).
        unnamed = [p for p in rest if p.name is None]
        if len(unnamed) == 1:
            table.opening_total = unnamed[0]
            rest.remove(unnamed[0])
    table.leftovers = rest


def _partition(amounts: list[Decimal], funds: list[tuple[str, Decimal]],
               fixed: dict[int, str] | None = None,
               singles: dict[int, Decimal] | None = None) -> list[list[tuple[str, int, int]]]:
    """All ways to cut `amounts` into consecutive groups, one per distinct fund, each summing to
    the fund's figure.  `fixed[i] = fund` forces a group for that fund to start at i; `singles`
    marks entries printed on the fund's own row (a one-line group whose fund figure is printed).
    Returns up to `_MAX_SOLUTIONS` solutions as (fund, first index, last index).
    """
    fixed = fixed or {}
    singles = singles or {}
    out: list[list[tuple[str, int, int]]] = []

    def search(i: int, used: frozenset, acc: list) -> None:
        if len(out) >= _MAX_SOLUTIONS:
            return
        if i == len(amounts):
            out.append(list(acc))
            return
        for name, target in funds:
            if name in used or (i in fixed and fixed[i] != name):
                continue
            if i in singles and singles[i] != target:
                continue
            total = Decimal(0)
            for j in range(i, len(amounts)):
                if j > i and (j in fixed or j in singles or i in singles):
                    break
                total += amounts[j]
                if total == target:
                    acc.append((name, i, j))
                    search(j + 1, used | {name}, acc)
                    acc.pop()
                if total > target and all(a >= 0 for a in amounts):
                    break

    search(0, frozenset(), [])
    return out


def _fund_group(name: str | None, group_seen: bool) -> str | None:
    if name in OWN_GROUP_FUNDS:
        return name
    return SPECIFIC_GROUP if (group_seen and name) else None


def _emit_table(doc: Document, ex: Extraction, table: FundTable) -> None:
    unit = table.unit
    if unit is None:
        ex.add(BAL, _bal_row(doc, table.first_line, status="unresolved",
                             note="no money unit stated for the fund table"))
        return
    y = lambda v: to_yen(v, unit) if v is not None else None  # noqa: E731
    for row in table.rows:
        notes = list(row.notes)
        ex.add(BAL, _bal_row(
            doc, row.line_no, fund_name=row.name,
            fund_group=_fund_group(row.name, table.group_seen),
            opening_balance_yen=y(row.opening), deposits_yen=y(row.deposits),
            withdrawals_yen=y(row.withdrawn), closing_balance_yen=y(row.closing),
            status="unresolved" if notes else "ok", note="; ".join(notes),
            _value_lines=row.value_lines))
        if row.opening is not None:
            printed_together = row.opening_line == row.line_no
            ex.check("fund_balances.rollforward", row.name or "?", y(row.closing),
                     y(row.opening + row.deposits - row.withdrawn), row.line_no,
                     note="" if printed_together else
                     "opening printed apart from the row and matched by this identity")
    for p in table.leftovers:
        ex.add(BAL, _bal_row(doc, p.line_no, fund_name=p.name,
                             fund_group=_fund_group(p.name, table.group_seen),
                             opening_balance_yen=y(p.value), status="unresolved",
                             note="number printed in the opening-balance block not matched to a "
                                  "fund row", _value_lines=[p.line_no]))
    for no, text in table.unplaced:
        ex.add(BAL, _bal_row(doc, no, status="unresolved",
                             note=f"line not understood in the fund table: {text}"))
    complete = all(r.opening is not None for r in table.rows) and table.rows
    if table.opening_total is not None:
        ex.check("fund_balances.opening_total", "合計", y(table.opening_total.value),
                 y(sum((r.opening for r in table.rows), Decimal(0))) if complete else None,
                 table.opening_total.line_no)
    if table.totals:
        no, nums = table.totals
        cols = [("deposits", lambda r: r.deposits), ("withdrawals", lambda r: r.withdrawn),
                ("closing", lambda r: r.closing)]
        if len(nums) == 4:
            cols.insert(0, ("opening", lambda r: r.opening))
        for (col, get), printed in zip(cols, nums):
            parts = [get(r) for r in table.rows]
            comp = None if any(v is None for v in parts) else sum(parts, Decimal(0))
            ex.check(f"fund_balances.{col}_total", "合計", y(abs(printed)), y(comp), no)
    _emit_balance_breakdown(doc, ex, table, y)


def _emit_balance_breakdown(doc: Document, ex: Extraction, table: FundTable, y) -> None:
    """現在高内訳: inline pairs belong to their row; the loose (name, amount) list is cut into
    consecutive groups, one per fund without an inline breakdown, each summing to that fund's
    closing balance.  Only a unique cut is applied."""
    for row in table.rows:
        for name, amount, no in row.inline:
            ex.add(FLOW, _flow_row(doc, no, row.name, "balance", name, y(amount),
                                   "unresolved" if row.name is None else "ok",
                                   "" if row.name else "fund name not printed with the row", [no]))
        if row.inline:
            ex.check("fund_flows.balance_total", row.name or "?", y(row.closing),
                     y(sum((a for _, a, _ in row.inline), Decimal(0))), row.line_no)
    if not table.items:
        return
    open_funds = [(r.name, r.closing) for r in table.rows if not r.inline and r.name]
    sols = _partition([i.value for i in table.items], open_funds)
    if len(sols) == 1:
        for name, a, b in sols[0]:
            group = table.items[a:b + 1]
            for item in group:
                ex.add(FLOW, _flow_row(doc, item.line_no, name, "balance", item.name,
                                       y(item.value), "ok", "", [item.line_no]))
            closing = dict(open_funds)[name]
            ex.check("fund_flows.balance_total", name, y(closing),
                     y(sum((i.value for i in group), Decimal(0))), group[0].line_no,
                     note="breakdown lines placed by this sum (printed apart from the fund)")
    else:
        reason = ("breakdown lines match several funds' balances" if sols else
                  "breakdown lines cannot be cut into groups matching the funds' balances")
        for item in table.items:
            ex.add(FLOW, _flow_row(doc, item.line_no, None, "balance", item.name, y(item.value),
                                   "unresolved", reason, [item.line_no]))


# --------------------------------------------------------------------------- (2)/(3) 内訳

@dataclass
class _FlowBlock:
    flow_type: str
    heading: int
    unit: str | None
    entries: list[tuple[int, Decimal | None, Decimal]] = field(default_factory=list)
    names: list[tuple[int, str, str | None]] = field(default_factory=list)  # line, name, prefix
    names_total: bool = False


def _read_flow_blocks(doc: Document, start: int, fund_names: list[str]) -> tuple[
        list[_FlowBlock], list[tuple[int, str, Decimal]]]:
    """Read the (n)繰入額内訳 / (n)積立額内訳 amount blocks, the 区分 内訳名称 name lists printed
    after them (the k-th list belongs to the k-th block), and the `<基金> <amount>` lines that
    follow (the 区分 cells of funds with several breakdown lines)."""
    blocks: list[_FlowBlock] = []
    no = start
    n = len(doc.lines)
    current: _FlowBlock | None = None
    while no <= n:
        text = doc.text_at(no)
        s = _squash(text)
        if s.startswith("(") and ")" in s[:4] and ("繰入" in s or "積立" in s):
            current = _FlowBlock("withdrawal" if "繰入" in s else "deposit", no,
                                 _money_unit(text) or (blocks[-1].unit if blocks else None))
            blocks.append(current)
        elif s.startswith("区分内訳名称") or (s.startswith("(") and blocks and ")" in s[:4]):
            break
        elif current is not None:
            _, nums, _, _ = _split(text)
            if len(nums) == 1:
                current.entries.append((no, None, nums[0]))
            elif len(nums) == 2:
                current.entries.append((no, nums[0], nums[1]))
        no += 1
    # Name lists.
    k = 0
    gap = True
    while no <= n and k < len(blocks):
        text = doc.text_at(no)
        s = _squash(text)
        if not text.strip():
            gap = True
        elif s.startswith("区分内訳名称"):
            gap = True
        elif s == "合計":
            blocks[k].names_total = True
            k += 1
        else:
            name, prefix = _strip_fund_prefix(normalize_name(text), fund_names)
            prev = blocks[k].names[-1] if blocks[k].names else None
            # A line that is only a quoted slogan (「…」) is the first line of a wrapped name.
            if prev and not gap and prev[1].startswith("「") and prev[1].endswith("」"):
                blocks[k].names[-1] = (prev[0], prev[1] + name, prev[2] or prefix)
            else:
                blocks[k].names.append((no, name, prefix))
            gap = False
        no += 1
        if k == len(blocks):
            break
    hints: list[tuple[int, str, Decimal]] = []
    while no <= n:
        text = doc.text_at(no)
        if text.strip():
            label, nums, trail, _ = _split(text)
            if not (label in fund_names and len(nums) == 1 and not trail):
                break
            hints.append((no, label, nums[0]))
        no += 1
    return blocks, hints


def _strip_fund_prefix(name: str, fund_names: list[str]) -> tuple[str, str | None]:
    """`財政調整基金財源調整` → (`財源調整`, `財政調整基金`): the 区分 cell printed on the line."""
    for fund in sorted(fund_names, key=len, reverse=True):
        if name.startswith(fund) and len(name) > len(fund):
            return name[len(fund):], fund
    return name, None


def _emit_flows(doc: Document, ex: Extraction, table: FundTable | None, blocks: list[_FlowBlock],
                hints: list[tuple[int, str, Decimal]]) -> None:
    rows = table.rows if table else []
    expected_hints: list[tuple[str, str, list[int]]] = []  # (fund, flow_type, entry indexes)
    for block in blocks:
        unit = block.unit
        entries = list(block.entries)
        total = None
        # The last amount is the block's 合計 when the name list ends with 合計, or (without
        # names) when it equals the sum of the amounts above it.
        above = sum((e[2] for e in entries[:-1]), Decimal(0))
        if entries and entries[-1][1] is None and (block.names_total or entries[-1][2] == above):
            total = entries.pop()
        if unit is None:
            for no, _, amount in entries:
                ex.add(FLOW, _flow_row(doc, no, None, block.flow_type, None, None, "unresolved",
                                       f"no money unit stated; printed {amount}", [no]))
            continue
        y = lambda v: to_yen(v, unit) if v is not None else None  # noqa: E731
        names = block.names
        reasons = []
        if len(names) != len(entries):
            reasons.append(f"{len(names)} breakdown names for {len(entries)} amounts")
        if block.flow_type == "withdrawal":
            figure = lambda r: r.withdrawn  # noqa: E731
        else:
            figure = lambda r: r.deposits  # noqa: E731
        funds = [(r.name, figure(r)) for r in rows if r.name and figure(r) != 0]
        fixed = {i: nm[2] for i, nm in enumerate(names) if nm[2] and i < len(entries)}
        singles = {i: e[1] for i, e in enumerate(entries) if e[1] is not None}
        sols = _partition([e[2] for e in entries], funds, fixed, singles) if funds else []
        if len(sols) != 1:
            reasons.append("amounts match several funds' totals" if sols else
                           "amounts cannot be cut into groups matching the funds' totals")
        owner: dict[int, str] = {}
        if len(sols) == 1:
            for fund, a, b in sols[0]:
                for i in range(a, b + 1):
                    owner[i] = fund
                if b > a:
                    expected_hints.append((fund, block.flow_type, list(range(a, b + 1))))
        named = len(names) == len(entries)
        status = "ok" if not reasons else "unresolved"
        row_lines: dict[int, list[int]] = {}
        for i, (no, fund_total, amount) in enumerate(entries):
            # A line printing the fund's figure and its only breakdown holds two values.
            lines = [no] * (2 if fund_total is not None else 1)
            row_lines[i] = lines
            ex.add(FLOW, _flow_row(doc, no, owner.get(i), block.flow_type,
                                   names[i][1] if named else None, y(amount), status,
                                   "; ".join(reasons), lines))
        if len(sols) == 1:
            by_fund = dict(funds)
            for fund, a, b in sols[0]:
                ex.check(f"fund_flows.{block.flow_type}_by_fund", fund, y(by_fund[fund]),
                         y(sum((e[2] for e in entries[a:b + 1]), Decimal(0))), entries[a][0],
                         note="used to assign the breakdown lines to the fund")
        if total is not None:
            ex.check(f"fund_flows.{block.flow_type}_total", "合計", y(total[2]),
                     y(sum((e[2] for e in entries), Decimal(0))), total[0])
            if rows and all(figure(r) is not None for r in rows):
                ex.check(f"fund_flows.{block.flow_type}_total_vs_balances", "合計", y(total[2]),
                         y(sum((figure(r) for r in rows), Decimal(0))), total[0])
        for fund, flow_type, idx in expected_hints:
            if flow_type != block.flow_type:
                continue
            for h in list(hints):
                if h[1] == fund:
                    hints.remove(h)
                    row_lines[idx[0]].append(h[0])
                    ex.check(f"fund_flows.{flow_type}_group_total", fund, y(h[2]),
                             y(sum((entries[i][2] for i in idx), Decimal(0))), h[0],
                             note="区分 cell of a fund with several breakdown lines")
                    break
        expected_hints = [e for e in expected_hints if e[1] != block.flow_type]
    unit = next((b.unit for b in blocks if b.unit), None)
    for no, fund, amount in hints:
        # A 区分 cell whose fund has no multi-line group in any block: nothing to compare with.
        ex.check("fund_flows.group_total", fund, to_yen(amount, unit) if unit else None, None, no,
                 note="区分 cell not matched to a multi-line breakdown group")


# --------------------------------------------------------------------------- rows & entry

def _bal_row(doc: Document, line_no: int, **values) -> dict:
    row = {"document_id": doc.document_id, "source_line": line_no, "fund_name": None,
           "fund_group": None, "opening_balance_yen": None, "deposits_yen": None,
           "withdrawals_yen": None, "closing_balance_yen": None, "status": "ok", "note": "",
           "_value_lines": []}
    row.update(values)
    return row


def _flow_row(doc: Document, line_no: int, fund: str | None, flow_type: str, name: str | None,
              amount: int | None, status: str, note: str, value_lines: list[int]) -> dict:
    if fund is None and status == "ok":
        status, note = "unresolved", "fund not identified"
    return {"document_id": doc.document_id, "source_line": line_no, "fund_name": fund,
            "flow_type": flow_type, "breakdown_name": name, "amount_yen": amount,
            "status": status, "note": note, "_value_lines": value_lines}


def parse_fund_table(doc: Document) -> tuple[FundTable | None, int | None]:
    """The 現在高 table (with openings assigned) and the line where the next part starts."""
    anchor = _find(doc, 1, lambda s: "基金の状況" in s, "況")
    if anchor is None:
        return None, None
    first = _find(doc, anchor, lambda s: s.startswith("(1)") and "現在高" in s, "高")
    if first is None or first - anchor > 10:
        return None, anchor
    nxt = _find(doc, first + 1, lambda s: s.startswith("(2)") and ("繰入" in s or "積立" in s),
                "(")
    last = nxt if nxt is not None else min(len(doc.lines) + 1, first + 300)
    table = _read_fund_table(doc, first, last, claimed_lines(doc))
    _assign_openings(table)
    return table, nxt


def extract(doc: Document) -> Extraction:
    """Fund balances and flows of a `基金の状況` section (none → empty Extraction)."""
    ex = Extraction()
    try:
        table, nxt = parse_fund_table(doc)
    except Exception as exc:  # noqa: BLE001 - land the failure, never raise
        ex.add(BAL, _bal_row(doc, 1, status="unresolved", note=f"fund table not readable: {exc!r}"))
        return ex
    if table is not None:
        try:
            _emit_table(doc, ex, table)
        except Exception as exc:  # noqa: BLE001
            ex.add(BAL, _bal_row(doc, table.first_line, status="unresolved",
                                 note=f"fund table not readable: {exc!r}"))
    if nxt is not None:
        try:
            names = [r.name for r in (table.rows if table else []) if r.name]
            blocks, hints = _read_flow_blocks(doc, nxt, names)
            _emit_flows(doc, ex, table, blocks, hints)
        except Exception as exc:  # noqa: BLE001
            ex.add(FLOW, _flow_row(doc, nxt, None, "withdrawal", None, None, "unresolved",
                                   f"breakdown tables not readable: {exc!r}", []))
    return ex
