"""Superset over the marts, for real: the server started as `make bi` starts it, the bundle of
bi/dashboards imported through the REST API, every chart's data checked against DuckDB, the
dashboard rendered in headless Chromium with nothing allowed off 127.0.0.1, and a publish
that swaps the warehouse file while the server runs."""
from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from bi import bundle
from bi.instance import DASHBOARD_SLUG
from bi.tests import expect
from bi.tests.conftest import ARTIFACTS, ROOT, Running
from bi.tests.netguard import NetGuard
from ingest.warehouse import publish

CHROMIUM = "/usr/bin/chromium"
# Chromium's own services (component updates, network time, Google sign-in, …) call Google
# by themselves, whatever the page. They are the browser's, not Superset's, so the browser
# and the page get a guard each: the browser's through --proxy-server, the page's through the
# Playwright context's own proxy (a separate network context). What the page's guard sees can
# only come from the Superset pages. One browser feature runs in the page's network context
# all the same: autofill asks Google's server about the login form's fields; it is switched
# off (AutofillServerCommunication), as it is Chromium's and not Superset's.


# ------------------------------------------------------------------ datasets and chart data

def test_datasets_are_the_marts_with_dbt_descriptions(bi: Running):
    models = bundle.dbt_models()
    with expect.connect(bi.inst.warehouse) as con:
        comments = {(t, c): d for t, c, d in con.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'").fetchall()}
        order = con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
                            "order by table_name, column_index").fetchall()
    listed = bi.client.list_all("dataset", ["id", "table_name", "schema", "sql"])
    assert sorted(d["table_name"] for d in listed) == sorted(d["table_name"] for d in bi.datasets.values())
    for d in listed:
        assert d["schema"] == "marts" and not d["sql"], f"{d['table_name']}: not a physical dataset of a mart"
        full = bi.client.get(f"/api/v1/dataset/{d['id']}")["result"]
        name = d["table_name"]
        mart_cols = [c for t, c in order if t == name]
        physical = {c["column_name"]: c for c in full["columns"] if not c["expression"]}
        assert sorted(physical) == sorted(mart_cols), f"{name}: dataset columns differ from the mart's"
        dbt_cols = {c["name"]: c["description"] for c in models[name]["columns"]}
        for col, c in physical.items():
            assert c["description"] == dbt_cols[col], f"{name}.{col}: description is not dbt's"
            # and dbt's persist_docs wrote the same text into the warehouse
            assert comments[(name, col)] == dbt_cols[col], f"{name}.{col}: warehouse comment differs"
        assert full["description"] == models[name]["description"]
        for c in full["columns"]:
            if c["expression"]:
                assert c["description"], f"{name}.{c['column_name']}: calculated column without a description"


def test_every_chart_returns_the_rows_of_its_mart(bi: Running):
    ids = bi.chart_ids()
    assert len(ids) >= 9
    for name, chart in bi.charts.items():
        query = json.loads(chart["query_context"])["queries"][0]
        want = expect.expected(bi.inst.warehouse, expect.Mart(bi.dataset_of(chart)), query)
        result = bi.client.chart_data(ids[name])
        assert len(result) == 1 and not result[0].get("error"), f"{name}: {result[0].get('error')}"
        got = result[0]
        assert want["rows"] > 0, f"{name}: the mart gives no rows, nothing to show"
        assert got["rowcount"] == len(got["data"]) == want["rows"], \
            f"{name}: Superset returned {got['rowcount']} rows, DuckDB says {want['rows']}"
        for metric, total in want["totals"].items():
            s = sum(r[metric] for r in got["data"] if r[metric] is not None)
            assert math.isclose(s, total), f"{name}: {metric} adds up to {s}, DuckDB says {total}"


# ------------------------------------------------------------------ in the browser

def _login(page, inst) -> None:
    page.goto(f"{inst.url}/login/")
    page.fill("input#username", "admin")
    page.fill("input#password", inst.password())
    page.keyboard.press("Enter")
    page.wait_for_url("**/superset/welcome/**", timeout=60_000)


def _render(page, url: str, n_charts: int, timeout_ms: int = 90_000) -> list[dict]:
    """Open a dashboard; wait until each of its charts drew a canvas (ECharts) or a table, or
    shows an error; return what each chart holder contains."""
    page.goto(url)
    page.wait_for_function(
        """(n) => {
          const holders = document.querySelectorAll('[data-test="chart-grid-component"]');
          if (holders.length < n) return false;
          return [...holders].every(h =>
            h.querySelector('[role="alert"], .ant-alert-error') ||
            [...h.querySelectorAll('canvas, table')].some(e => e.getBoundingClientRect().height > 20));
        }""", arg=n_charts, timeout=timeout_ms)
    page.wait_for_load_state("networkidle")
    time.sleep(1.5)  # ECharts animates its series in; let it finish before the screenshot
    return page.evaluate("""() => [...document.querySelectorAll('[data-test="chart-grid-component"]')].map(h => ({
        id: Number(h.getAttribute('data-test-chart-id')),
        viz: h.getAttribute('data-test-viz-type'),
        errors: [...h.querySelectorAll('[role="alert"], .ant-alert-error')].map(e => e.innerText.slice(0, 300)),
        canvases: h.querySelectorAll('canvas').length,
        table_rows: h.querySelectorAll('table tbody tr').length,
        text: h.innerText.slice(0, 200),
    }))""")


def _ink(png: Path) -> tuple[float, int]:
    """(share of pixels that differ from the background colour, number of distinct colours
    after rounding each channel to 16 levels)."""
    im = Image.open(png).convert("RGB")
    colours = im.getcolors(maxcolors=im.width * im.height)
    background = max(colours)[1]
    total = im.width * im.height
    ink = sum(n for n, c in colours if max(abs(a - b) for a, b in zip(c, background)) > 24)
    distinct = len({tuple(v // 16 for v in c) for _, c in colours})
    return ink / total, distinct


def test_dashboard_renders_in_chromium_and_nothing_leaves_loopback(bi: Running):
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    ids = bi.chart_ids()
    names = {v: k for k, v in ids.items()}
    requests, failed, chart_data = [], [], []

    def on_response(resp):
        if "/api/v1/chart/data" in resp.url and resp.request.method == "POST":
            chart_data.append((json.loads(resp.request.post_data), resp.status, resp.json()))

    t = time.monotonic()
    with NetGuard() as browser_guard, NetGuard() as guard, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-features=AutofillServerCommunication",
                                                                          *browser_guard.chromium_args()])
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="ja-JP",
                                  proxy={"server": f"http://127.0.0.1:{guard.port}", "bypass": "127.0.0.1"})
        page = ctx.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
        page.on("response", on_response)
        _login(page, bi.inst)
        holders = _render(page, f"{bi.inst.url}/superset/dashboard/{DASHBOARD_SLUG}/",
                          len(ids))
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        shots = {}
        for h in holders:
            path = ARTIFACTS / f"chart-{names.get(h['id'], h['id'])}.png"
            page.locator(f'[data-test="chart-grid-component"][data-test-chart-id="{h["id"]}"]').screenshot(path=str(path))
            shots[h["id"]] = path
        bi.timings["dashboard_render_s"] = round(time.monotonic() - t, 1)
        # control: a request for another host does reach the guard (and stops there)
        control = ctx.new_page()
        try:
            control.goto("http://bi-netguard-control.invalid/")  # the guard answers 403
        except PlaywrightError:
            pass
        browser.close()
        seen, browser_seen = guard.seen, browser_guard.seen

    # every chart of the bundle is on the dashboard, drawn, without an error
    assert sorted(h["id"] for h in holders) == sorted(ids.values())
    for h in holders:
        name = names[h["id"]]
        assert not h["errors"], f"{name}: the chart shows an error: {h['errors']}"
        if h["viz"].startswith("echarts"):
            assert h["canvases"] >= 1, f"{name}: no canvas drawn"
        else:
            assert h["table_rows"] >= 1, f"{name}: no table rows"
        ink, colours = _ink(shots[h["id"]])
        assert ink > 0.01 and colours >= 4, f"{name}: its screenshot looks blank ({ink:.3f} ink, {colours} colours)"

    # the raw tables show every row of their mart
    for name, chart in bi.charts.items():
        if chart["params"].get("query_mode") == "raw":
            query = json.loads(chart["query_context"])["queries"][0]
            want = expect.expected(bi.inst.warehouse, expect.Mart(bi.dataset_of(chart)), query)["rows"]
            shown = next(h for h in holders if h["id"] == ids[name])["table_rows"]
            assert shown == want, f"{name}: the table shows {shown} rows, the mart has {want}"

    # what the browser asked for and got, per chart, against DuckDB
    answered = set()
    for body, status, payload in chart_data:
        chart_id = body["form_data"].get("slice_id")
        assert status == 200, f"chart {chart_id}: HTTP {status}"
        name = names[chart_id]
        mart = expect.Mart(bi.dataset_of(bi.charts[name]))
        for query, result in zip(body["queries"], payload["result"]):
            want = expect.expected(bi.inst.warehouse, mart, query)["rows"]
            assert result["rowcount"] == want, f"{name} in the browser: {result['rowcount']} rows, DuckDB says {want}"
        answered.add(name)
    assert answered == set(ids), f"charts whose data the browser never loaded: {set(ids) - answered}"

    # nothing left 127.0.0.1: the page asked only this server, apart from what the Content
    # Security Policy refused before any request was made; the guard saw only the control
    own = f"{bi.inst.url}/"
    outside = [u for u in requests if not u.startswith(own) and not u.startswith(("data:", "blob:"))]
    blocked = {u for u, why in failed if why in ("csp", "net::ERR_BLOCKED_BY_CSP")}
    assert set(outside) <= blocked | {"http://bi-netguard-control.invalid/"}, \
        f"requests off this server that the CSP did not stop: {set(outside) - blocked}"
    assert any("bi-netguard-control.invalid" in line for line in seen), "the control never reached the guard"
    assert all("bi-netguard-control.invalid" in line for line in seen), \
        f"the browser tried to reach other hosts: {[s for s in seen if 'bi-netguard-control' not in s]}"
    bi.timings["requests_to_server"] = sum(1 for u in requests if u.startswith(own))
    bi.timings["requests_refused_by_csp"] = sorted(blocked)
    # reported, not asserted: Chromium's own calls, refused by its guard (nothing left here)
    bi.timings["chromium_own_requests_refused"] = sorted({line.split()[1].split("?")[0] for line in browser_seen})


def test_an_error_in_a_chart_is_caught(bi: Running):
    """The render check above is only worth something if it sees a broken chart: a dashboard
    with one chart whose metric names a column that does not exist must fail it."""
    from playwright.sync_api import sync_playwright

    c = bi.client
    ds = next(d for d in c.list_all("dataset", ["id", "table_name"]) if d["table_name"] == "fct_fund_balances")
    dash = c.post("/api/v1/dashboard/", {"dashboard_title": "test: broken chart", "slug": "test-broken",
                                         "published": False})["id"]
    params = {"viz_type": "echarts_timeseries_bar", "x_axis": "fund_name", "groupby": [],
              "metrics": [{"expressionType": "SQL", "sqlExpression": "sum(no_such_column)", "label": "broken"}],
              "adhoc_filters": [], "row_limit": 100, "datasource": f"{ds['id']}__table"}
    c.post("/api/v1/chart/", {"slice_name": "broken", "viz_type": "echarts_timeseries_bar",
                              "datasource_id": ds["id"], "datasource_type": "table",
                              "params": json.dumps(params), "dashboards": [dash]})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        _login(page, bi.inst)
        holders = _render(page, f"{bi.inst.url}/superset/dashboard/test-broken/", 1)
        browser.close()
    assert len(holders) == 1 and holders[0]["errors"], f"the broken chart was not seen as broken: {holders}"


# ------------------------------------------------------------------ the server and the file

def _fds(pids: list[int]) -> list[str]:
    out = []
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                out.append(str(fd.readlink()))
            except OSError:
                pass
    return out


def test_server_listens_on_loopback_only(bi: Running):
    pids = bi.server_pids()
    inodes = {link[8:-1] for link in _fds(pids) if link.startswith("socket:[")}
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            f = line.split()
            if f[9] in inodes and f[3] == "0A":  # LISTEN
                listening.append(f[1])
    # 0100007F = 127.0.0.1, little-endian hex
    assert listening == [f"0100007F:{bi.inst.port:04X}"], f"the server listens on {listening}"
    rss = sum(int(next(l for l in Path(f"/proc/{p}/status").read_text().splitlines()
                       if l.startswith("VmRSS")).split()[1]) for p in pids)
    bi.timings["server_rss_mb"] = round(rss / 1024)


def test_a_publish_while_the_server_runs_is_seen_on_the_next_query(bi: Running):
    """The build publishes by renaming a new file over warehouse.duckdb. Superset opens the
    warehouse read-only and (NullPool) a new DuckDB connection per query, so it never holds the
    file for writing (the build can publish) and reads the new file on the next query."""
    wh = bi.inst.warehouse
    ids = bi.chart_ids()
    fund, recon = bi.charts["fund_balances_table"], bi.charts["reconciliation_by_document"]
    before = bi.client.chart_data(ids["fund_balances_table"])[0]["rowcount"]
    assert before > 1
    pids = bi.server_pids()
    assert not set(publish.lock_holders(wh)) & set(pids), "Superset holds the warehouse for writing"
    publish.check_publishable(wh)  # what the build checks first: no writer

    # a "rebuild": the same warehouse, one fund and one document's checks fewer
    building = wh.with_name("warehouse.building.duckdb")
    shutil.copy2(wh, building)
    con = duckdb.connect(str(building))
    fund_name = con.execute("select min(fund_name) from marts.fct_fund_balances").fetchone()[0]
    doc = con.execute("select min(document_id) from marts.rpt_reconciliation").fetchone()[0]
    con.execute("delete from marts.fct_fund_balances where fund_name = ?", [fund_name])
    con.execute("delete from marts.rpt_reconciliation where document_id = ?", [doc])
    con.execute("checkpoint")
    con.close()
    old_inode = wh.stat().st_ino
    publish.publish(building, wh)  # the build's own publish step (atomic rename)
    assert wh.stat().st_ino != old_inode

    after = bi.client.chart_data(ids["fund_balances_table"])[0]["rowcount"]
    assert after == before - 1, f"after the publish Superset still shows {after} funds (was {before})"
    for name, chart in (("fund_balances_table", fund), ("reconciliation_by_document", recon)):
        query = json.loads(chart["query_context"])["queries"][0]
        want = expect.expected(bi.inst.warehouse, expect.Mart(bi.dataset_of(chart)), query)["rows"]
        assert bi.client.chart_data(ids[name])[0]["rowcount"] == want, name
    stale = [l for l in _fds(pids) if "warehouse" in l and l.endswith("(deleted)")]
    assert not stale, f"Superset keeps the replaced file open: {stale}"


def test_sql_lab_can_neither_write_nor_read_files(bi: Running, tmp_path):
    """The warehouse connection: read-only, DuckDB's external access off, DML off."""
    c = bi.client
    name = bi.files["databases/warehouse.yaml"]["database_name"]
    db = next(d["id"] for d in c.list_all("database", ["id", "database_name"]) if d["database_name"] == name)

    def run(sql: str) -> dict:
        r = c.s.post(f"{c.base}/api/v1/sqllab/execute/", json={"database_id": db, "sql": sql, "runAsync": False},
                     timeout=60)
        return r.json()

    assert run("select count(*) as n from marts.fct_fund_balances")["status"] == "success"
    out, other = tmp_path / "out.csv", tmp_path / "other.duckdb"
    for sql in (f"select * from read_csv('{bi.inst.home / 'secret_key'}')",
                f"copy (select 1) to '{out}'",
                f"attach '{other}' as other",
                "install httpfs",
                "delete from marts.fct_fund_balances",
                "create table marts.written as select 1 as x"):
        assert run(sql).get("status") != "success", f"SQL Lab ran: {sql}"
    assert not out.exists() and not other.exists()
    with expect.connect(bi.inst.warehouse) as con:
        assert con.execute("select count(*) from marts.fct_fund_balances").fetchone()[0] > 0
