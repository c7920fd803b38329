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

from ingest import report as R

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
  ('a-2021', '{MUNI_A}', 2021), ('b-2024', '{MUNI_B}', 2024)) t(document_id, municipality_code, fiscal_year);
create table marts.fct_fund_balances as select * from (values
  ('{MUNI_A}', 2021, 'a-2021', 10, '財政調整基金', 2155636000::bigint, 1755636000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 11, '減債基金', 468823000::bigint, 545605000::bigint),
  ('{MUNI_A}', 2021, 'a-2021', 12, '{NASTY}基金', 29358000::bigint, null::bigint))
  t(municipality_code, fiscal_year, document_id, source_line, fund_name,
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
  ('{MUNI_B}', 2024, '戸籍')) t(municipality_code, fiscal_year, standard_business_area);
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
# A: funds, bonds, 2 budget accounts, IT, 2 monthly series, reconciliation, coverage
# B: funds (no data), bonds, budget (no data), IT, no monthly series (a note), reconciliation, coverage
EXPECTED_CHARTS = 9 + 6

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

    w, h = _png_size(shot)
    assert (w, h) == (1280, 4000) and shot.stat().st_size > 20_000, "blank or missing screenshot"
