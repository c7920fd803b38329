"""The visual report: SVG builders on plain data, then the whole page rendered in headless Chromium.

The browser test builds its own tiny warehouse (`make test` runs pytest before the build) and
saves the screenshot to reports/screenshot.png. Chromium missing is a failure, not a skip:
`scripts/setup_system.sh` installs it.
"""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.warehouse import report as R

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def _svg_tree(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, i.e. every label escaped
    assert root.tag == SVG + "svg" and root.get("class") == "chart"
    assert root.find(SVG + "title") is not None
    return root


# --------------------------------------------------------------------------- unit: builders

def test_money_formatting():
    assert R.money_unit([1_755_636_000, 29_358_000]) == (1e8, "億円", 2)
    assert R.money_unit([500_000_000, None]) == (1e6, "百万円", 1)
    assert R.money_unit([]) == (1e6, "百万円", 1)
    assert R.fmt_money(1_755_636_000, (1e8, "億円", 2)) == "17.56億円"
    assert R.fmt_money(123_400_000_000, (1e8, "億円", 2)) == "1,234.00億円"
    assert R.fmt_money(-57_008_000, (1e6, "百万円", 1)) == "-57.0百万円"
    assert R.fmt_money(None, (1e6, "百万円", 1)) == "—"
    assert R.fmt_yen(55_261_029_000) == "55,261,029,000円"


def test_builders_escape_labels():
    nasty = 'a<&>"b'
    charts = [
        R.bar_chart("bar<&>", f"T {nasty}", [(nasty, 3.0), ("二", -1.0)], lambda v: f"{v:g}件"),
        R.paired_bar_chart("pair", nasty, [(nasty, 100.0, 80.0), ("基金", None, 5.0)], R.fmt_num),
        R.step_chart("step", nasty, [("0", "当初", "03-08", 10.0), ("1", nasty, "", 12.0)], R.fmt_num),
        R.month_line_chart("line", nasty, {4: 1.0, 5: 2.0}, unit=nasty),
    ]
    for svg in charts:
        assert "<&>" not in svg and "&lt;&amp;&gt;" in svg
        root = _svg_tree(svg)
        texts = "".join(root.itertext())
        assert "<&>" in texts  # decoded back to the original label
        assert len(list(root)) > 2  # title, heading and drawing
    assert _svg_tree(charts[0]).get("data-chart") == "bar<&>"


def test_builders_empty_data():
    for svg in (R.bar_chart("b", "空", [], str), R.paired_bar_chart("p", "空", [], str),
                R.step_chart("s", "空", [], str), R.month_line_chart("m", "空", {}),
                R.month_line_chart("m2", "空", {4: None})):
        root = _svg_tree(svg)
        assert R.NO_DATA in "".join(root.itertext())
        assert not root.findall(f".//{SVG}rect") and not root.findall(f".//{SVG}polyline")


def test_month_line_chart_fiscal_order_and_gaps():
    svg = R.month_line_chart("m", "相談件数", {3: 9.0, 4: 1.0, 5: 2.0, 7: 4.0, 8: 5.0})
    root = _svg_tree(svg)
    axis = [t.text for t in root.findall(f"{SVG}text") if t.get("fill") == "#777"]
    assert axis == [str(m) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 3  # 4-5, 7-8, and 3 alone (June and Sept..Feb missing)
    xs = [float(c.get("cx")) for c in root.findall(f"{SVG}circle")]
    assert xs == sorted(xs) and len(xs) == 5  # March plotted last


def test_step_chart_steps_at_each_revision():
    svg = R.step_chart("s", "一般会計", [("0", "当初", "", 100.0), ("1", "補正", "", 150.0)], R.fmt_num)
    d = _svg_tree(svg).find(f"{SVG}path").get("d")
    xs = [float(c.get("cx")) for c in _svg_tree(svg).findall(f"{SVG}circle")]
    # the level rises at the second point, not before it
    assert re.search(rf"H{xs[1]:.1f} V", d)


# --------------------------------------------------------------------------- unit: issue 12

CODE_WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z_]+(?![A-Za-z])")  # `ok`, `fiscal_loan_fund`, `koganei`


def _ticks(root: ET.Element) -> dict[float, float]:
    """{value: y} of a vertical chart's grid lines."""
    return {float(t.get("data-value")): float(t.get("y1"))
            for t in root.findall(f"{SVG}line") if t.get("class") == "tick"}


def _bars(root: ET.Element) -> list[tuple[str, float, float]]:
    """(tooltip, x, width) of every data bar (a legend swatch has no tooltip)."""
    return [(r.find(f"{SVG}title").text, float(r.get("x")), float(r.get("width")))
            for r in root.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def _zero_x(root: ET.Element) -> float:
    (zero,) = [t for t in root.findall(f"{SVG}text") if t.get("class") == "zero"]
    assert zero.text == "0"
    return float(zero.get("x"))


def test_nice_ticks_start_at_zero():
    assert R.nice_ticks(453.5e8, 552.6e8) == [0.0, 2e10, 4e10, 6e10]
    assert R.nice_ticks(14, 16, 3) == [0, 10, 20] and R.nice_ticks(3, 15, 3) == [0, 5, 10, 15]
    assert R.nice_ticks(-4.3e8, 1.8e10)[0] < 0 and 0 in R.nice_ticks(-4.3e8, 1.8e10)
    assert R.nice_ticks(0, 0) == [0.0, 0.5, 1.0]
    assert R.nice_ticks(-5, -1)[-1] == 0


def test_vertical_charts_start_at_zero():
    """The 41.8 → 41.9百万円 revision used to fill the whole height; a dip from 16 to 14 too."""
    for svg, vals in ((R.step_chart("s", "会計", [("0", "当初", "", 41.8e6), ("1", "補正", "", 41.9e6)],
                                    R.fmt_num), (41.8e6, 41.9e6)),
                      (R.month_line_chart("m", "件数", {4: 16.0, 5: 14.0}), (16.0, 14.0))):
        root = _svg_tree(svg)
        ticks = _ticks(root)
        assert min(ticks) == 0 and max(ticks) >= max(vals), ticks
        base = ticks[0]
        assert base == max(ticks.values())  # zero is the bottom of the axis
        cys = [float(c.get("cy")) for c in root.findall(f"{SVG}circle")]
        heights = [base - cy for cy in cys]  # height above zero is proportional to the value
        assert heights[0] / heights[1] == pytest.approx(vals[0] / vals[1], rel=0.01)


def test_horizontal_bars_grow_from_a_marked_zero():
    """bar_chart was zero-based but did not say so; paired bars flattened a negative to nothing."""
    bar = _svg_tree(R.bar_chart("b", "件数", [("甲", 30.0), ("乙", 10.0)], R.fmt_num))
    pair = _svg_tree(R.paired_bar_chart("p", "交付基準額", [("交付基準額", -4.0, 8.0)], R.fmt_num))
    for root, vals in ((bar, (30.0, 10.0)), (pair, (-4.0, 8.0))):
        zero = _zero_x(root)
        bars = _bars(root)
        for (_, x, w), v in zip(bars, vals):
            assert (x if v >= 0 else x + w) == pytest.approx(zero, abs=0.11)
        assert bars[0][2] / bars[1][2] == pytest.approx(abs(vals[0] / vals[1]), rel=0.01)


def test_step_chart_states_the_change_in_words():
    unit = (1e6, "百万円", 1)
    note = R.revision_note("当初", 41.8e6, 41.9e6, unit)
    assert note == "当初 41.8百万円 → 最終 41.9百万円（+0.2%）"
    svg = R.step_chart("s", "会計", [("0", "当初", "", 41.8e6), ("1", "補正", "", 41.9e6)],
                       R.fmt_num, tick_fmt=lambda v: R.fmt_tick(v, unit), note=note)
    texts = [t.text for t in _svg_tree(svg).findall(f"{SVG}text")]
    assert note in texts and "0百万円" in texts and "40百万円" in texts
    assert R.fmt_tick(2e10, (1e8, "億円", 2)) == "200億円" and R.fmt_tick(5e7, (1e8, "億円", 2)) == "0.5億円"


def _accepted_values() -> dict[tuple[str, str], list[str]]:
    marts = yaml.safe_load((ROOT / "models/marts/_marts__models.yml").read_text(encoding="utf-8"))
    return {(m["name"], c["name"]): t["accepted_values"]["arguments"]["values"]
            for m in marts["models"] for c in m.get("columns", [])
            for t in c.get("data_tests") or [] if isinstance(t, dict) and "accepted_values" in t}


@pytest.mark.parametrize("model,column,kind", [
    ("dim_lender", "lender_category", "lender_category"), ("dim_fund", "fund_category", "fund_category"),
    ("rpt_reconciliation", "status", "status"), ("fct_bond_balances", "basis", "basis")])
def test_every_contract_code_has_a_japanese_label(model, column, kind):
    codes = _accepted_values()[(model, column)]
    for code in codes:
        label = R.label_ja(kind, code)
        assert label != code and not CODE_WORD.search(label), (kind, code, label)


def test_category_labels_are_japanese():
    lender = lambda name, code: R.category_label("lender_category", name, code)  # noqa: E731
    assert lender("東京都", "prefecture") == "東京都［都道府県］"
    assert lender("財政融資資金", "fiscal_loan_fund") == "財政融資資金"  # not 財政融資資金［財政融資資金］
    assert lender("財務省", "fiscal_loan_fund") == "財務省［財政融資資金］"
    assert lender("その他", "other") == "その他"
    assert R.category_label("fund_category", "教育文化基金", "specific_purpose") == "教育文化基金［特定目的基金］"
    assert R.category_label("fund_category", "財政調整基金", "fiscal_adjustment") == "財政調整基金"


def test_not_applicable_is_a_note_not_a_bar():
    rows = [("国民健康保険", 6), ("戸籍", 1), (R.NOT_APPLICABLE, 53)]
    areas, outside = R.split_not_applicable(rows)
    assert areas == rows[:2] and outside == 53
    root = _svg_tree(R.bar_chart("it", "稼働システム数", areas, R.fmt_num, note=R.not_applicable_note(outside)))
    assert [b[0] for b in _bars(root)] == ["国民健康保険: 6", "戸籍: 1"]
    (note,) = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "note"]
    assert note.startswith("対象外") and "53件" in note
    assert R.not_applicable_note(0) is None


# --------------------------------------------------------------------------- browser

MUNI_A, MUNI_B = "999991", "999992"
NASTY = "試験<&>会計"

FIXTURE_SQL = f"""
create schema marts;
create table marts.dim_municipality as select * from (values
  ('{MUNI_A}', 'テスト市', '東京都'), ('{MUNI_B}', '見本町', '東京都'))
  t(municipality_code, municipality_name, prefecture_name);
create table marts.dim_fiscal_year as select * from (values (2021, '令和3年度'), (2024, '令和6年度'))
  t(fiscal_year, label_ja);
create table marts.dim_document as select * from (values
  ('a-2021', '{MUNI_A}', 2021, 'テスト市 令和3年度 事務報告書'), ('b-2024', '{MUNI_B}', 2024, null))
  t(document_id, municipality_code, fiscal_year, title);
create table marts.fct_fund_balances as select * from (values
  ('{MUNI_A}', 2021, 'a-2021', 10, '財政調整基金', 'fiscal_adjustment', 2155636000::bigint,
   1755636000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 11, '減債基金', 'debt_reduction', 468823000::bigint, 545605000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 12, '{NASTY}基金', 'specific_purpose', 29358000::bigint, null::bigint))
  t(municipality_code, fiscal_year, document_id, source_line, fund_name, fund_category,
    opening_balance_yen, closing_balance_yen);
create table marts.dim_lender as select * from (values
  ('財政融資資金', 'fiscal_loan_fund'), ('東京都', 'prefecture')) t(lender_name, lender_category);
create table marts.fct_bond_balances as select * from (values
  ('{MUNI_A}', 2021, '一般会計', 'lender', '財政融資資金', 6970954000::bigint, 'annual'),
  ('{MUNI_A}', 2021, '特別会計', 'lender', '財政融資資金', 476698000::bigint, 'annual'),
  ('{MUNI_A}', 2021, '一般会計', 'lender', '東京都', 4881239000::bigint, 'annual'),
  ('{MUNI_A}', 2021, '一般会計', 'purpose', null, 99999999999::bigint, 'annual'),
  ('{MUNI_B}', 2024, '一般会計', 'purpose_lender', '未知の<銀行>', 37159000::bigint, 'cumulative'))
  t(municipality_code, fiscal_year, account_name, breakdown, lender_name, closing_balance_yen, basis);
create table marts.fct_budget_revisions as select * from (values
  ('{MUNI_A}', 2021, '一般会計', 1, 0, '当初予算', date '2021-03-08', 45350000000::bigint),
  ('{MUNI_A}', 2021, '一般会計', 2, 1, '補正', date '2021-06-03', 45367897000::bigint),
  ('{MUNI_A}', 2021, '一般会計', 3, 2, '専決', null, 46656829000::bigint),
  ('{MUNI_A}', 2021, '{NASTY}', 5, 0, '当初予算', null, 2485375000::bigint),
  ('{MUNI_A}', 2021, '{NASTY}', 6, 1, '補正', null, 2428367000::bigint))
  t(municipality_code, fiscal_year, account_name, source_line, revision_seq, revision_label,
    decided_on, budget_after_yen);
create table marts.fct_it_systems as select * from (values
  ('{MUNI_A}', 2021, '住民基本台帳'), ('{MUNI_A}', 2021, '住民基本台帳'), ('{MUNI_A}', 2021, null),
  ('{MUNI_A}', 2021, null), ('{MUNI_A}', 2021, null), ('{MUNI_A}', 2021, null),
  ('{MUNI_B}', 2024, '戸籍')) t(municipality_code, fiscal_year, standard_business_area);
create table marts.fct_local_allocation_tax as select * from (values
  ('{MUNI_A}', 2021, 'a-2021', 347, '基準財政需要額', 18270848000::bigint, 17552674000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 348, '基準財政収入額', 17757955000::bigint, 17982950000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 349, '交付基準額', 512893000::bigint, -430276000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 350, '普通交付税', 512893000::bigint, 0::bigint))
  t(municipality_code, fiscal_year, document_id, source_line, item_name, amount_yen,
    prior_year_amount_yen);
create table marts.fct_allocation_tax_components as select * from (values
  ('{MUNI_A}', 2021, 'a-2021', 413, '基準財政需要額', '個別算定経費', 1, 1, 15486085000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 412, '基準財政需要額', '消防費', 2, 1, 1678049000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 423, '基準財政需要額', '包括算定経費', 1, 1, 2278016000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 424, '基準財政需要額', '臨時財政対策債振替相当分', 1, -1, 538781000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 425, '基準財政需要額', '合計', 0, 1, 17225320000::bigint))
  t(municipality_code, fiscal_year, document_id, source_line, measure, component_name, level, sign,
    amount_yen);
create table marts.fct_activity_metrics as select * from (values
  ('{MUNI_A}', 2021, 100, '相談件数', '電話<&>', '4月', 4, 12.0, '件'),
  ('{MUNI_A}', 2021, 100, '相談件数', '電話<&>', '5月', 5, 15.0, '件'),
  ('{MUNI_A}', 2021, 100, '相談件数', '電話<&>', '3月', 3, 9.0, '件'),
  ('{MUNI_A}', 2021, 100, '相談件数', '電話<&>', '合計', null, 36.0, '件'),
  ('{MUNI_A}', 2021, 101, '相談件数', '来所', '4月', 4, 3.0, '件'),
  ('{MUNI_A}', 2021, 101, '相談件数', '来所', '6月', 6, 5.0, '件'),
  ('{MUNI_B}', 2024, 50, 'アクセス件数', 'アクセス件数', null, null, 11931018.0, '件'))
  t(municipality_code, fiscal_year, source_line, table_title, row_label, column_label,
    period_month, value, unit);
alter table marts.fct_activity_metrics alter value type double;
create table marts.rpt_reconciliation as select * from (values
  ('{MUNI_A}', 2021, 'ok'), ('{MUNI_A}', 2021, 'ok'), ('{MUNI_A}', 2021, 'mismatch'),
  ('{MUNI_B}', 2024, 'unverifiable')) t(municipality_code, fiscal_year, status);
create table marts.rpt_extraction_coverage as select * from (values
  ('a-2021', 's1', 10, 5), ('a-2021', 's2', 10, 10), ('b-2024', 's1', 4, 1))
  t(document_id, section_path, numeric_tokens, captured_tokens);
"""
# A: funds, bonds, 地方交付税 + 1 breakdown, 2 budget accounts, IT, 2 monthly series,
#    reconciliation, coverage
# B: funds (no data), bonds, 地方交付税 (no data), budget (no data), IT, no monthly series (a note),
#    reconciliation, coverage
EXPECTED_CHARTS = 11 + 7

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Charts(HTMLParser):
    """Collects each <svg class="chart">: its data-chart, child element names and text."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[dict] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "chart" in (a.get("class") or "").split():
            self.charts.append({"id": a.get("data-chart"), "tags": [], "text": ""})
            self.depth = 1
        elif self.depth:
            self.charts[-1]["tags"].append(tag)
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.charts[-1]["text"] += data


def _page_charts(page: str) -> dict[str, ET.Element]:
    """Every chart of a written page, parsed as the SVG (XML) it is, by data-chart id."""
    roots = [_svg_tree(m) for m in re.findall(r'<svg class="chart".*?</svg>', page, flags=re.S)]
    return {r.get("data-chart"): r for r in roots}


def _page_problems(page: str) -> list[str]:
    """What issue 12 asked to fix, checked on a whole page: [] when none is left."""
    problems = []
    for cid, root in _page_charts(page).items():
        for t in root.iter(f"{SVG}text"):
            if CODE_WORD.search(t.text or ""):
                problems.append(f"{cid}: code label {t.text!r}")
        drawn_lines = root.findall(f"{SVG}path") + root.findall(f"{SVG}polyline")
        if drawn_lines:
            ticks = _ticks(root)
            if not ticks or min(ticks) > 0 or max(ticks) < 0:
                problems.append(f"{cid}: y-axis does not include 0: {sorted(ticks)}")
        elif _bars(root):
            zeros = [float(t.get("x")) for t in root.iter(f"{SVG}text") if t.get("class") == "zero"]
            if len(zeros) != 1:
                problems.append(f"{cid}: the bars' zero baseline is not marked")
                continue
            zero = zeros[0]
            for tip, x, w in _bars(root):
                if abs(x - zero) > 0.11 and abs(x + w - zero) > 0.11:
                    problems.append(f"{cid}: bar {tip!r} does not start at 0")
        if cid.startswith("it-") and any(tip.startswith(R.NOT_APPLICABLE) for tip, _, _ in _bars(root)):
            problems.append(f"{cid}: {R.NOT_APPLICABLE} drawn as a bar")
    return problems


def _chromium(which=shutil.which, default: Path = Path("/usr/bin/chromium")) -> str:
    exe = which("chromium") or (str(default) if default.exists() else None)
    if exe is None:
        pytest.fail("Chromium is not installed: the report's browser test needs /usr/bin/chromium "
                    "(and fonts-noto-cjk for Japanese). Run `sudo bash scripts/setup_system.sh`.")
    return exe


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_missing_chromium_fails_not_skips(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="Chromium is not installed"):
        _chromium(which=lambda _: None, default=tmp_path / "no-chromium")


def test_report_renders_in_chromium(tmp_path):
    exe = _chromium()
    wh = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(wh))
    con.execute(FIXTURE_SQL)
    con.close()

    page = R.write_report(wh, tmp_path / "out")
    raw = page.read_bytes()
    assert R.write_report(wh, tmp_path / "out2").read_bytes() == raw  # deterministic
    text = raw.decode("utf-8")
    assert "<&>" not in text and "&lt;&amp;&gt;" in text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text), "external reference"
    assert "@import" not in text and "url(" not in text

    profile = tmp_path / "profile"
    base = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,4000"]
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    shot = ROOT / "reports" / "screenshot.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    shot.unlink(missing_ok=True)
    subprocess.run([*base, f"--screenshot={shot}", page.as_uri()], capture_output=True,
                   timeout=120, check=True)

    parser = _Charts()
    parser.feed(dom)
    charts = parser.charts
    assert len(charts) == EXPECTED_CHARTS, [c["id"] for c in charts]
    assert len({c["id"] for c in charts}) == len(charts), "duplicate data-chart ids"
    for c in charts:
        assert "title" in c["tags"] and c["text"].strip(), c["id"]
        drawn = {"rect", "path", "polyline", "circle"} & set(c["tags"])
        assert drawn or R.NO_DATA in c["text"], c["id"]
    by_id = {c["id"]: c for c in charts}
    a, b = f"{MUNI_A}-2021", f"{MUNI_B}-2024"
    assert R.NO_DATA in by_id[f"funds-{b}"]["text"] and R.NO_DATA in by_id[f"budget-{b}"]["text"]
    assert "17.56億円" in by_id[f"funds-{a}"]["text"]
    assert "74.48億円" in by_id[f"bonds-{a}"]["text"]  # 財政融資資金 summed over both accounts
    assert "対象外" in by_id[f"it-{a}"]["text"]
    assert "試験<&>会計" in by_id[f"budget-{a}-1"]["text"]
    assert "電話<&>" in by_id[f"activity-{a}-0"]["text"]
    assert "75.0%" in by_id[f"coverage-{a}"]["text"]
    assert f"activity-{b}-0" not in by_id and "月次データなし" in dom
    # issue 12: zero-based axes, Japanese labels, 対象外 as a note, a 地方交付税 chart
    assert _page_problems(text) == []
    assert "東京都［都道府県］" in by_id[f"bonds-{a}"]["text"] and "年度末現在高" in by_id[f"bonds-{a}"]["text"]
    assert "fiscal_loan_fund" not in text and "一致" in by_id[f"recon-{a}"]["text"]
    assert f"{NASTY}基金［特定目的基金］" in by_id[f"funds-{a}"]["text"]
    assert "テスト市 令和3年度 事務報告書" in by_id[f"coverage-{a}"]["text"]
    assert "対象外（" in by_id[f"it-{a}"]["text"] and "4件" in by_id[f"it-{a}"]["text"]
    lat = by_id[f"lat-{a}"]
    assert "地方交付税" in lat["text"] and "前年度" in lat["text"] and "5.13億円" in lat["text"]
    assert "-4.30億円" in lat["text"]  # a 不交付団体's negative 交付基準額 is drawn, not flattened
    comps = by_id[f"lat-{a}-0"]["text"]
    assert "基準財政需要額の内訳" in comps and "臨時財政対策債振替相当分（控除）" in comps
    assert "消防費" not in comps  # level 2 is detail of 個別算定経費: it would count twice
    assert "172.25億円" in comps  # the printed 合計, as a note
    assert R.NO_DATA in by_id[f"lat-{b}"]["text"]
    charts_svg = _page_charts(text)
    lat_bars = _bars(charts_svg[f"lat-{a}"])
    assert len(lat_bars) == 8 and lat_bars[4][0].startswith("交付基準額 前年度")

    w, h = _png_size(shot)
    assert (w, h) == (1280, 4000) and shot.stat().st_size > 20_000, "blank or missing screenshot"


@pytest.mark.warehouse
def test_report_of_the_built_warehouse(tmp_path):
    """The page of the real warehouse (both shipped documents) has none of issue 12's problems."""
    wh = ROOT / "warehouse.duckdb"
    page = R.write_report(wh, tmp_path).read_text(encoding="utf-8")
    assert _page_problems(page) == []
    charts = _page_charts(page)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        sections = con.execute("""
            select distinct d.municipality_code || '-' || d.fiscal_year from marts.dim_document d
            join marts.fct_local_allocation_tax using (document_id) order by 1""").fetchall()
        codes = con.execute("""
            select 'lender_category', lender_category from marts.dim_lender
            union select 'fund_category', fund_category from marts.dim_fund
            union select 'status', status from marts.rpt_reconciliation
            union select 'basis', basis from marts.fct_bond_balances where basis is not null""").fetchall()
    finally:
        con.close()
    assert sections, "the shipped documents print 地方交付税"
    for (sid,) in sections:
        assert _bars(charts[f"lat-{sid}"]), sid
    for kind, code in codes:
        assert R.label_ja(kind, code) != code, (kind, code)
    for cid, root in charts.items():
        if cid.startswith("it-"):
            assert not any(t.startswith(R.NOT_APPLICABLE) for t, _, _ in _bars(root)), cid
