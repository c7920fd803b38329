"""A visual report of the warehouse: one self-contained HTML page with inline SVG charts.

No scripts, no fonts or styles fetched from anywhere (a Content-Security-Policy in the page
forbids it): the charts are SVG strings built here. Same warehouse -> same bytes.

Layout: data queries return plain lists; SVG builders take plain lists and return strings;
`write_report` glues them into `out_dir/index.html`.

    python -m ingest.warehouse.report [warehouse.duckdb] [out_dir]
"""
from __future__ import annotations

import html
import math
import sys
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Sequence

import duckdb

FONT = '"Noto Sans CJK JP", sans-serif'
MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)  # fiscal-year order
NO_DATA = "データなし"
NOT_APPLICABLE = "対象外"
STATUS_ORDER = ("ok", "expected_mismatch", "mismatch", "unverifiable")
STATUS_COLOR = {"ok": "#3a8f5c", "expected_mismatch": "#d49b2a", "mismatch": "#c8423b",
                "unverifiable": "#8a8f98"}
C_OPEN, C_CLOSE, C_BAR, C_LINE, C_GRID, C_TEXT = (
    "#a9c1dc", "#2b5d8a", "#4f7fb0", "#2b5d8a", "#e3e6ea", "#333")
SHORT_LABEL = {"当初予算": "当初"}
# The one place where the marts' category codes get their Japanese names: the charts are in
# Japanese, so a code such as `fiscal_loan_fund` must never reach them. The keys are the
# accepted values of the contract (../shared/CONTRACT.md, models/marts/_marts__models.yml); a
# test fails when a code there has no label here. No reviewed seed holds these names (the ref_* seeds map
# name patterns to codes), so they live here rather than in SQL.
CATEGORY_JA: dict[str, dict[str, str]] = {
    "lender_category": {
        "fiscal_loan_fund": "財政融資資金", "postal": "郵政資金", "jfm": "地方公共団体金融機構",
        "prefecture": "都道府県", "municipal_association": "市町村振興協会",
        "private_bank": "市中銀行等", "other": "その他"},
    "fund_category": {
        "fiscal_adjustment": "財政調整基金", "debt_reduction": "減債基金",
        "specific_purpose": "特定目的基金"},
    "status": {
        "ok": "一致", "expected_mismatch": "不一致（確認済み）", "mismatch": "不一致",
        "unverifiable": "検算不能"},
    "basis": {"annual": "年度末現在高", "cumulative": "累計", "projected": "見込額"},
}
MAX_ACTIVITY_SERIES = 120  # per municipality and year; the rest are counted in a note


# --------------------------------------------------------------------------- formatting

def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def money_unit(values: Iterable[float | int | None]) -> tuple[float, str, int]:
    """(divisor, unit label, decimals) for a set of yen amounts: 億円 from 10億, else 百万円."""
    top = max((abs(v) for v in values if v is not None), default=0)
    return (1e8, "億円", 2) if top >= 1e9 else (1e6, "百万円", 1)


def fmt_money(yen: float | int | None, unit: tuple[float, str, int]) -> str:
    if yen is None:
        return "—"
    div, label, dec = unit
    return f"{yen / div:,.{dec}f}{label}"


def fmt_yen(yen: float | int | None) -> str:
    return "—" if yen is None else f"{int(yen):,}円"


def fmt_num(v: float | int | None) -> str:
    if v is None:
        return "—"
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def label_ja(kind: str, code: str | None) -> str:
    """Japanese name of a category code (CATEGORY_JA); an unknown code shows as itself so that
    nothing is hidden, and the tests catch it."""
    return CATEGORY_JA.get(kind, {}).get(code or "", code or "")


def fmt_tick(yen: float, unit: tuple[float, str, int]) -> str:
    """An axis tick in the chart's money unit without trailing zeros (0億円, 200億円, 0.5億円):
    ticks are round numbers, the exact values are printed on the points."""
    div, label, dec = unit
    num = f"{yen / div:,.{dec}f}"
    return (num.rstrip("0").rstrip(".") if "." in num else num) + label


def text_width(s: str, size: float) -> float:
    """Rough rendered width: full-width characters one em, others ~0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in s)


def clip(s: str, size: float, width: float) -> str:
    if text_width(s, size) <= width:
        return s
    while s and text_width(s + "…", size) > width:
        s = s[:-1]
    return s + "…"


def _f(x: float) -> str:
    return f"{x:.1f}"


# --------------------------------------------------------------------------- SVG builders

def _svg(chart_id: str, title: str, w: float, h: float, body: Sequence[str]) -> str:
    return (f'<svg class="chart" data-chart="{esc(chart_id)}" xmlns="http://www.w3.org/2000/svg" '
            f'width="{_f(w)}" height="{_f(h)}" viewBox="0 0 {_f(w)} {_f(h)}" role="img" '
            f'aria-label="{esc(title)}" font-family=\'{FONT}\' font-size="12" fill="{C_TEXT}">'
            f"<title>{esc(title)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, s: str, anchor: str = "start", size: int = 12, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return (f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}"{extra}>'
            f"{esc(s)}</text>")


def _heading(w: float, title: str) -> str:
    return _text(8, 18, clip(title, 13, w - 16), size=13, font_weight="bold")


def no_data_chart(chart_id: str, title: str, w: float = 420, note: str = NO_DATA) -> str:
    return _svg(chart_id, title, w, 60, [_heading(w, title), _text(8, 44, note, fill="#888")])


def _zero_label(x: float, y: float) -> str:
    """The "0" under a horizontal chart's baseline: the value axis starts at zero, and says so."""
    return _text(x, y, "0", "middle", size=9, fill="#777", class_="zero")


def _note_line(w: float, y: float, note: str) -> str:
    return _text(8, y, clip(note, 11, w - 16), size=11, fill="#666", class_="note")


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float]],
              fmt: Callable[[float], str], colors: Sequence[str] | None = None,
              w: float = 760, domain_max: float | None = None, note: str | None = None) -> str:
    """Horizontal bars: rows are (label, value); label left, value printed after the bar.

    Bars grow from a zero baseline (marked "0"), so lengths compare honestly. `note` is a line
    under the bars for a figure that belongs to the chart but not on its scale (対象外)."""
    if not rows:
        return no_data_chart(chart_id, title, w, NO_DATA + (f"　{note}" if note else ""))
    lw = min(max(text_width(r[0], 12) for r in rows) + 12, w * 0.4)
    vw, bar_h, gap, top = 110, 16, 6, 30
    x0, plot_w = lw + 8, w - lw - 8 - vw
    hi = max([domain_max or 0] + [v for _, v in rows])
    lo = min([0] + [v for _, v in rows])
    span = (hi - lo) or 1
    zero = x0 + (0 - lo) / span * plot_w
    body = [_heading(w, title)]
    for i, (label, v) in enumerate(rows):
        y = top + i * (bar_h + gap)
        x1 = x0 + (v - lo) / span * plot_w
        color = colors[i] if colors else C_BAR
        body.append(_text(lw, y + 12, clip(label, 12, lw - 4), "end"))
        body.append(f'<rect x="{_f(min(zero, x1))}" y="{_f(y)}" width="{_f(abs(x1 - zero))}" '
                    f'height="{bar_h}" fill="{color}"><title>{esc(label)}: {esc(fmt(v))}</title></rect>')
        body.append(_text(max(zero, x1) + 4, y + 12, fmt(v), size=11))
    base = top + len(rows) * (bar_h + gap)
    body.append(f'<line x1="{_f(zero)}" y1="{top - 3}" x2="{_f(zero)}" y2="{_f(base)}" stroke="#999"/>')
    body.append(_zero_label(zero, base + 10))
    h = base + 16
    if note:
        body.append(_note_line(w, h + 10, note))
        h += 20
    return _svg(chart_id, title, w, h, body)


def paired_bar_chart(chart_id: str, title: str,
                     rows: Sequence[tuple[str, float | None, float | None]],
                     fmt: Callable[[float | None], str],
                     names: tuple[str, str] = ("期首", "期末"), w: float = 760) -> str:
    """Two horizontal bars per label (e.g. opening and closing balance of each fund).

    Zero-based like `bar_chart`; a negative value (交付基準額 of a 不交付団体) draws left of the
    baseline instead of being flattened to nothing."""
    if not rows:
        return no_data_chart(chart_id, title, w)
    lw = min(max(text_width(r[0], 12) for r in rows) + 12, w * 0.4)
    vw, bar_h, gap, top = 110, 11, 10, 46
    x0, plot_w = lw + 8, w - lw - 8 - vw
    vals = [v for _, a, b in rows for v in (a, b) if v is not None]
    hi, lo = max(vals + [0]), min(vals + [0])
    span = (hi - lo) or 1
    zero = x0 + (0 - lo) / span * plot_w
    body = [_heading(w, title)]
    for k, (name, color) in enumerate(zip(names, (C_OPEN, C_CLOSE))):
        body.append(f'<rect x="{_f(x0 + k * 90)}" y="26" width="12" height="10" fill="{color}"/>')
        body.append(_text(x0 + k * 90 + 16, 35, name, size=11))
    for i, (label, a, b) in enumerate(rows):
        y = top + i * (2 * bar_h + gap)
        body.append(_text(lw, y + bar_h + 4, clip(label, 12, lw - 4), "end"))
        for k, (v, color, name) in enumerate(((a, C_OPEN, names[0]), (b, C_CLOSE, names[1]))):
            yy = y + k * bar_h
            x1 = zero + (v or 0) / span * plot_w
            body.append(f'<rect x="{_f(min(zero, x1))}" y="{_f(yy)}" width="{_f(abs(x1 - zero))}" '
                        f'height="{bar_h - 1}" fill="{color}"><title>{esc(label)} {esc(name)}: '
                        f'{esc(fmt(v))}</title></rect>')
            body.append(_text(max(zero, x1) + 4, yy + bar_h - 2, fmt(v), size=10))
    base = top + len(rows) * (2 * bar_h + gap) - gap
    body.append(f'<line x1="{_f(zero)}" y1="{top - 3}" x2="{_f(zero)}" y2="{_f(base)}" stroke="#999"/>')
    body.append(_zero_label(zero, base + 10))
    return _svg(chart_id, title, w, base + 16, body)


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """About `n` round ticks (1, 2 or 5 × 10^k apart) covering lo..hi and always including 0.

    A value axis that starts anywhere but zero makes a 0.2% budget revision look like a
    doubling; the first and last tick are the ends of the axis."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if lo == hi:
        hi = 1.0
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 5, 10) if s * mag >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [k * step for k in range(first, last + 1)]


def _y_axis(values: Sequence[float], top: float, bottom: float,
            n: int = 4) -> tuple[list[float], Callable[[float], float]]:
    """(ticks, value -> y) of a vertical value axis from the lowest to the highest tick."""
    ticks = nice_ticks(min(values), max(values), n)
    lo, hi = ticks[0], ticks[-1]
    return ticks, lambda v: bottom - (v - lo) / (hi - lo) * (bottom - top)


def _grid(ticks: Sequence[float], ys: Callable[[float], float], left: float, right: float,
          fmt: Callable[[float], str], size: int) -> list[str]:
    """Horizontal grid lines with their labels; the zero line is drawn darker (the baseline)."""
    out = []
    for v in ticks:
        stroke = "#999" if v == 0 else C_GRID
        out.append(f'<line class="tick" data-value="{v:g}" x1="{_f(left)}" y1="{_f(ys(v))}" '
                   f'x2="{_f(right)}" y2="{_f(ys(v))}" stroke="{stroke}"/>')
        out.append(_text(left - 4, ys(v) + size / 3, fmt(v), "end", size=size))
    return out


def step_chart(chart_id: str, title: str, points: Sequence[tuple[str, str, str, float]],
               fmt: Callable[[float], str], w: float = 760, h: float = 190,
               tick_fmt: Callable[[float], str] | None = None, note: str | None = None) -> str:
    """Step line of a running total; points are (seq, label, date, value), equally spaced.

    The level changes at each point and holds until the next one (step-after). The y-axis
    starts at zero; `note` (top right) states the change from first to last point in words,
    which a zero-based axis shows only as a small step."""
    if not points:
        return no_data_chart(chart_id, title, w)
    left, right, top, bottom = 92, 20, 30, h - 48
    n = len(points)
    step = (w - left - right) / n
    xs = [left + step * (i + 0.5) for i in range(n)]
    vals = [p[3] for p in points]
    ticks, ys = _y_axis(vals, top, bottom)
    body = [_heading(w - (text_width(note, 11) + 16 if note else 0), title)]
    if note:
        body.append(_text(w - 8, 18, note, "end", size=11, fill="#666", class_="note"))
    body += _grid(ticks, ys, left, w - right, tick_fmt or fmt, 10)
    d = f"M{_f(xs[0] - step / 2)},{_f(ys(vals[0]))} H{_f(xs[0])}"
    for i in range(1, n):
        d += f" H{_f(xs[i])} V{_f(ys(vals[i]))}"
    d += f" H{_f(xs[-1] + step / 2)}"
    body.append(f'<path d="{d}" fill="none" stroke="{C_LINE}" stroke-width="2"/>')
    widest = max(text_width(s, 9) for p in points for s in p[:3])
    every = max(1, -(-int(widest + 4) // max(int(step), 1)))  # thin out labels that would collide
    for i, (seq, label, day, v) in enumerate(points):
        body.append(f'<circle cx="{_f(xs[i])}" cy="{_f(ys(v))}" r="3" fill="{C_LINE}">'
                    f"<title>{esc(seq)} {esc(label)} {esc(day)}: {esc(fmt(v))} "
                    f"({esc(fmt_yen(v))})</title></circle>")
        if i % every == 0 or i == n - 1:
            for k, s in enumerate((seq, label, day)):
                body.append(_text(xs[i], bottom + 15 + 12 * k, s, "middle", size=9 if k else 10,
                                  fill="#777" if k == 2 else C_TEXT))
    return _svg(chart_id, title, w, h, body)


def month_line_chart(chart_id: str, title: str, values: dict[int, float], unit: str | None = None,
                     w: float = 300, h: float = 150) -> str:
    """Small line chart of one monthly series, months in fiscal order 4..12, 1..3; gaps stay gaps.

    The y-axis starts at zero, so a month that dips from 16 to 14 looks like the 12% it is."""
    pts = [(i, values[m]) for i, m in enumerate(MONTHS) if values.get(m) is not None]
    if not pts:
        return no_data_chart(chart_id, title, w)
    left, right, top, bottom = 46, 8, 26, h - 20
    step = (w - left - right) / 12
    x = lambda i: left + step * (i + 0.5)  # noqa: E731
    ticks, ys = _y_axis([v for _, v in pts], top, bottom, n=3)
    body = [_heading(w, title)]
    body += _grid(ticks, ys, left, w - right, fmt_num, 9)
    runs: list[list[tuple[int, float]]] = []
    for i, v in pts:
        if runs and runs[-1][-1][0] == i - 1:
            runs[-1].append((i, v))
        else:
            runs.append([(i, v)])
    for run in runs:
        body.append('<polyline fill="none" stroke="{}" stroke-width="1.6" points="{}"/>'.format(
            C_LINE, " ".join(f"{_f(x(i))},{_f(ys(v))}" for i, v in run)))
    for i, v in pts:
        body.append(f'<circle cx="{_f(x(i))}" cy="{_f(ys(v))}" r="2.2" fill="{C_LINE}">'
                    f"<title>{MONTHS[i]}月: {esc(fmt_num(v))}{esc(unit or '')}</title></circle>")
    for i, m in enumerate(MONTHS):
        body.append(_text(x(i), h - 6, str(m), "middle", size=9, fill="#777"))
    return _svg(chart_id, title, w, h, body)


# --------------------------------------------------------------------------- queries

def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence = ()) -> list[tuple]:
    """Rows of a query; [] when the mart does not exist (an older or partial warehouse)."""
    try:
        return con.execute(sql, list(params)).fetchall()
    except duckdb.CatalogException:
        return []


def q_sections(con) -> list[tuple[str, str, int, str]]:
    """(municipality_code, municipality_name, fiscal_year, label_ja) of every document."""
    return _rows(con, """
        select distinct d.municipality_code, coalesce(m.municipality_name, d.municipality_code),
               d.fiscal_year, coalesce(y.label_ja, cast(d.fiscal_year as varchar) || '年度')
        from marts.dim_document d
        left join marts.dim_municipality m using (municipality_code)
        left join marts.dim_fiscal_year y using (fiscal_year)
        order by 1, 3""")


def q_funds(con, code: str, fy: int) -> list[tuple[str, str | None, int | None, int | None]]:
    """(fund, fund_category, opening balance, closing balance) in printed order."""
    return _rows(con, """
        select fund_name, fund_category, opening_balance_yen, closing_balance_yen
        from marts.fct_fund_balances
        where municipality_code = ? and fiscal_year = ?
        order by document_id, source_line, fund_name""", (code, fy))


def q_bonds_by_lender(con, code: str, fy: int) -> list[tuple[str, str, int, str]]:
    """(lender, category, closing balance summed over accounts and purposes, basis)."""
    return _rows(con, """
        select b.lender_name, coalesce(l.lender_category, 'other'), sum(b.closing_balance_yen),
               string_agg(distinct b.basis, '/' order by b.basis)
        from marts.fct_bond_balances b
        left join marts.dim_lender l using (lender_name)
        where b.municipality_code = ? and b.fiscal_year = ?
          and b.breakdown in ('lender', 'purpose_lender') and b.lender_name is not null
          and b.closing_balance_yen is not null
        group by 1, 2 order by 3 desc, 1""", (code, fy))


def q_budget_revisions(con, code: str, fy: int) -> list[tuple[str, list[tuple[int, str, str, int]]]]:
    """[(account, [(revision_seq, label, decided_on 'MM-DD' or '', budget_after_yen)])]."""
    rows = _rows(con, """
        select account_name, revision_seq, coalesce(revision_label, ''),
               coalesce(strftime(decided_on, '%m-%d'), ''), budget_after_yen,
               min(source_line) over (partition by account_name) as first_line
        from marts.fct_budget_revisions
        where municipality_code = ? and fiscal_year = ? and budget_after_yen is not null
        order by first_line, account_name, revision_seq, source_line""", (code, fy))
    out: dict[str, list] = {}
    for account, seq, label, day, after, _ in rows:
        out.setdefault(account, []).append((seq, label, day, after))
    return list(out.items())


def q_it_areas(con, code: str, fy: int) -> list[tuple[str, int]]:
    return _rows(con, f"""
        select coalesce(standard_business_area, '{NOT_APPLICABLE}') as area, count(*)
        from marts.fct_it_systems where municipality_code = ? and fiscal_year = ?
        group by 1 order by (area = '{NOT_APPLICABLE}'), 2 desc, 1""", (code, fy))


def q_activity_series(con, code: str, fy: int) -> list[tuple[str, str, str, dict[int, float]]]:
    """[(table_title, row_label, unit, {month: value})]: monthly series, first value per month."""
    rows = _rows(con, """
        select coalesce(table_title, ''), coalesce(row_label, ''), period_month, value::double,
               coalesce(unit, ''), min(source_line) over (partition by table_title, row_label) as f
        from marts.fct_activity_metrics
        where municipality_code = ? and fiscal_year = ? and period_month is not null
          and value is not null
        order by f, 1, 2, source_line, column_label, period_month""", (code, fy))
    out: dict[tuple[str, str], tuple[str, dict[int, float]]] = {}
    for title, label, month, value, unit, _ in rows:
        entry = out.setdefault((title, label), (unit, {}))
        entry[1].setdefault(month, value)
    return [(t, r, u, vals) for (t, r), (u, vals) in out.items()]


def q_reconciliation(con, code: str, fy: int) -> list[tuple[str, int]]:
    rows = dict(_rows(con, """
        select status, count(*) from marts.rpt_reconciliation
        where municipality_code = ? and fiscal_year = ? group by 1""", (code, fy)))
    return [(s, rows.pop(s)) for s in STATUS_ORDER if s in rows] + sorted(rows.items(), key=str)


def q_coverage(con, code: str, fy: int) -> list[tuple[str, str, int, int]]:
    """(document_id, title, numeric tokens, captured tokens) of each document of the section.

    The chart labels a document by its title: the id (`city-2021`) is a code, not Japanese."""
    return _rows(con, """
        select c.document_id, coalesce(d.title, c.document_id),
               sum(c.numeric_tokens)::bigint, sum(c.captured_tokens)::bigint
        from marts.rpt_extraction_coverage c join marts.dim_document d using (document_id)
        where d.municipality_code = ? and d.fiscal_year = ?
        group by 1, 2 order by 1""", (code, fy))


def q_local_allocation_tax(con, code: str, fy: int) -> list[tuple[str, int | None, int | None]]:
    """(item_name, prior year, this year) of the headline 地方交付税 figures, in printed order
    (需要額, 収入額, 交付基準額, … 地方交付税)."""
    return _rows(con, """
        select item_name, prior_year_amount_yen, amount_yen from marts.fct_local_allocation_tax
        where municipality_code = ? and fiscal_year = ?
          and (amount_yen is not null or prior_year_amount_yen is not null)
        order by document_id, source_line, item_name""", (code, fy))


def q_allocation_components(con, code: str, fy: int) -> list[tuple[str, int | None, list[tuple[str, int]]]]:
    """[(measure, printed 合計 or None, [(component, signed amount)])] from the level-1 lines.

    Level 1 is the breakdown that adds up to the measure's 合計 (a deducted line, sign −1, counts
    negative); deeper levels are detail of a 小計 and would count twice on one chart."""
    rows = _rows(con, """
        select measure, level, component_name, sign * amount_yen, sign,
               min(source_line) over (partition by document_id, measure) as first_line
        from marts.fct_allocation_tax_components
        where municipality_code = ? and fiscal_year = ? and level <= 1 and amount_yen is not null
        order by document_id, first_line, measure, source_line, component_name""", (code, fy))
    out: dict[str, tuple[list[int], list[tuple[str, int]]]] = {}
    for measure, level, name, amount, sign, _ in rows:
        total, parts = out.setdefault(measure, ([], []))
        if level == 0:
            total.append(amount)
        else:
            parts.append((name + ("（控除）" if sign < 0 else ""), amount))
    return [(m, total[0] if total else None, parts) for m, (total, parts) in out.items() if parts]


# --------------------------------------------------------------------------- labels

def category_label(kind: str, name: str, code: str | None) -> str:
    """`東京都［都道府県］`, `教育文化基金［特定目的基金］`: the name with its category in Japanese,
    the bracket left out where the name already says it (財政融資資金, 財政調整基金, その他)."""
    cat = label_ja(kind, code)
    return name if not cat or cat in name else f"{name}［{cat}］"


def split_not_applicable(rows: Sequence[tuple[str, int]]) -> tuple[list[tuple[str, int]], int]:
    """(areas with their counts, count of 対象外). 対象外 is most systems of a city: drawn as a bar
    it would squeeze the 20 standardised areas, which are the point of the chart, into slivers."""
    areas = [(a, n) for a, n in rows if a != NOT_APPLICABLE]
    return areas, sum(n for a, n in rows if a == NOT_APPLICABLE)


def not_applicable_note(count: int) -> str | None:
    return (f"{NOT_APPLICABLE}（標準化対象の20業務のいずれにも当たらないシステム）: {count:,}件"
            "（縮尺を保つため棒に含めない）") if count else None


def revision_note(first_label: str, first: float, last: float, unit: tuple[float, str, int]) -> str:
    """`当初 41.8百万円 → 最終 41.9百万円（+0.2%）`: the size of the change in words, next to a
    zero-based step chart where a small revision is only a small step."""
    change = "" if not first else f"（{(last - first) / abs(first):+.1%}）"
    return f"{first_label or '最初'} {fmt_money(first, unit)} → 最終 {fmt_money(last, unit)}{change}"


# --------------------------------------------------------------------------- page

CSS = f"""
body {{ font-family: {FONT}; color: {C_TEXT}; margin: 24px; background: #fafbfc; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 18px; border-bottom: 2px solid {C_CLOSE};
  padding-bottom: 4px; margin-top: 36px; }}
h3 {{ font-size: 15px; margin: 18px 0 6px; }}
nav a {{ margin-right: 14px; }}
svg.chart {{ background: #fff; border: 1px solid #dde1e6; margin: 4px 8px 8px 0;
  vertical-align: top; }}
.grid {{ display: flex; flex-wrap: wrap; }}
.note, .nodata {{ color: #777; font-size: 13px; }}
"""


def _section(code: str, name: str, fy: int, label: str, con) -> str:
    sid = f"{code}-{fy}"
    parts = [f'<section id="s-{esc(sid)}"><h2>{esc(name)} {esc(label)} '
             f'<small>({esc(code)} / FY{fy})</small></h2>']

    funds = q_funds(con, code, fy)
    unit = money_unit(v for _, _, a, b in funds for v in (a, b))
    parts.append("<h3>基金残高 期首 → 期末</h3>")
    parts.append(paired_bar_chart(
        f"funds-{sid}", f"基金残高（{unit[1]}）",
        [(category_label("fund_category", fund, cat), a, b) for fund, cat, a, b in funds],
        lambda v: fmt_money(v, unit)))

    bonds = q_bonds_by_lender(con, code, fy)
    unit = money_unit(r[2] for r in bonds)
    basis = "・".join(label_ja("basis", b) for b in sorted({r[3] for r in bonds if r[3]}))
    parts.append("<h3>地方債 借入先別 期末残高</h3>")
    parts.append(bar_chart(
        f"bonds-{sid}", f"地方債残高 借入先別（{unit[1]}{'・' + basis if basis else ''}）",
        [(category_label("lender_category", lender, cat), total) for lender, cat, total, _ in bonds],
        lambda v: fmt_money(v, unit)))

    parts.append("<h3>地方交付税</h3>")
    lat = q_local_allocation_tax(con, code, fy)
    unit = money_unit(v for _, a, b in lat for v in (a, b))
    parts.append(paired_bar_chart(f"lat-{sid}", f"地方交付税 算定と交付額（{unit[1]}）", lat,
                                  lambda v: fmt_money(v, unit), names=("前年度", "本年度")))
    for i, (measure, total, comps) in enumerate(q_allocation_components(con, code, fy)):
        unit = money_unit([total] + [v for _, v in comps])
        parts.append(bar_chart(
            f"lat-{sid}-{i}", f"{measure}の内訳（{unit[1]}）", comps, lambda v, u=unit: fmt_money(v, u),
            note=None if total is None else f"印刷された合計 {fmt_money(total, unit)}（検算は 検算結果 を参照）"))

    parts.append("<h3>予算現額の推移（会計別・補正の順）</h3>")
    accounts = q_budget_revisions(con, code, fy)
    if not accounts:
        parts.append(no_data_chart(f"budget-{sid}", "予算現額の推移"))
    for i, (account, revs) in enumerate(accounts):
        unit = money_unit(r[3] for r in revs)
        pts = [(str(seq), SHORT_LABEL.get(lab, lab), day, after) for seq, lab, day, after in revs]
        parts.append(step_chart(f"budget-{sid}-{i}", f"{account}（{unit[1]}）", pts,
                                lambda v, u=unit: fmt_money(v, u),
                                tick_fmt=lambda v, u=unit: fmt_tick(v, u),
                                note=revision_note(pts[0][1], pts[0][3], pts[-1][3], unit)))

    parts.append("<h3>情報システム 標準化対象業務別</h3>")
    areas, outside = split_not_applicable(q_it_areas(con, code, fy))
    parts.append(bar_chart(f"it-{sid}", "稼働システム数 標準化対象業務別", areas,
                           lambda v: f"{int(v):,}件", note=not_applicable_note(outside)))

    parts.append("<h3>月次の主な系列</h3>")
    series = q_activity_series(con, code, fy)
    if not series:
        parts.append('<p class="nodata">月次データなし (no monthly data in fct_activity_metrics)</p>')
    else:
        parts.append('<div class="grid">')
        for i, (title, label, unit_s, vals) in enumerate(series[:MAX_ACTIVITY_SERIES]):
            name = title if label in ("", title) else f"{title} / {label}"
            parts.append(month_line_chart(f"activity-{sid}-{i}", name + (f"（{unit_s}）" if unit_s else ""),
                                          vals, unit_s))
        parts.append("</div>")
        if len(series) > MAX_ACTIVITY_SERIES:
            parts.append(f'<p class="note">他 {len(series) - MAX_ACTIVITY_SERIES:,} 系列は省略</p>')

    parts.append("<h3>検算と抽出カバレッジ</h3>")
    recon = q_reconciliation(con, code, fy)
    parts.append(bar_chart(f"recon-{sid}", "検算結果（判定別件数）",
                           [(label_ja("status", s), n) for s, n in recon],
                           lambda v: f"{int(v):,}件", [STATUS_COLOR.get(s, C_BAR) for s, _ in recon]))
    cov = q_coverage(con, code, fy)
    parts.append(bar_chart(f"coverage-{sid}", "抽出カバレッジ（数値トークンの捕捉率）",
                           [(title, cap / num if num else 0.0) for _, title, num, cap in cov],
                           lambda v: f"{v:.1%}", domain_max=1.0))
    if cov:
        parts.append('<p class="note">' + "　".join(
            f"{esc(doc)}: {cap:,} / {num:,}" for doc, _, num, cap in cov) + "</p>")
    parts.append("</section>")
    return "\n".join(parts)


def render_html(con) -> str:
    sections = q_sections(con)
    nav = " ".join(f'<a href="#s-{esc(c)}-{fy}">{esc(n)} {esc(lab)}</a>' for c, n, fy, lab in sections)
    body = [_section(c, n, fy, lab, con) for c, n, fy, lab in sections] or [
        '<p class="nodata">データなし (no documents in marts.dim_document)</p>']
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="ja"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>市区町村 事務報告書 ウェアハウス レポート</title>", f"<style>{CSS}</style></head><body>",
        "<h1>市区町村 事務報告書 ウェアハウス レポート</h1>", f"<nav>{nav}</nav>", *body,
        "</body></html>", ""])


def write_report(warehouse: Path, out_dir: Path) -> Path:
    """Write `out_dir/index.html` from the marts of `warehouse` (opened read-only)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        page = render_html(con)
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "index.html"
    out.write_bytes(page.encode("utf-8"))
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    path = write_report(Path(args[0] if args else "warehouse.duckdb"),
                        Path(args[1] if len(args) > 1 else "reports"))
    print(f"report: {path}")
