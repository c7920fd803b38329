"""Great Expectations over the built warehouse.

Why DataFrames and not GX's SQL datasource: DuckDB is not a GX-supported SQL dialect, and
GX 1.24's SQL datasource over duckdb-engine releases the connection before rows are fetched,
so every expectation silently sees an empty table. Reading each suite's rows into a pandas
DataFrame with DuckDB and validating that is simple, exact, and needs no patch of GX.

Suites live in the repository as GX suite JSON under `gx/expectations/`; each carries, in its
`meta.query`, the SQL that selects the rows it validates (for identities, the query puts the
printed figure and the figure recomputed from the parts side by side). A fresh GX file context
is created under `build/gx/` on every build; a checkpoint runs every suite and writes Data Docs,
which are then made self-contained (no CDN request) by `offline_docs`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES_DIR = ROOT / "gx" / "expectations"


@dataclass
class QualityReport:
    success: bool = True
    suites: dict[str, bool] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    docs_index: Path | None = None

    def describe(self) -> str:
        passed = sum(self.suites.values())
        text = f"{passed}/{len(self.suites)} suites passed"
        if self.failures:
            text += "; failing: " + "; ".join(self.failures[:10])
        if self.docs_index:
            text += f"; Data Docs: {self.docs_index}"
        return text


def load_suite_files(suites_dir: Path = SUITES_DIR) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(suites_dir.glob("*.json"))]


def run_suites(db_path: Path, work_dir: Path, suites_dir: Path = SUITES_DIR,
               docs: bool = True) -> QualityReport:
    """Validate every suite against the warehouse at `db_path`; build offline Data Docs."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import duckdb
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    ctx = gx.get_context(mode="file", project_root_dir=str(work_dir))
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    ctx.variables.save()
    source = ctx.data_sources.add_pandas("warehouse")
    con = duckdb.connect(str(db_path), read_only=True)
    report = QualityReport()
    try:
        definitions, frames = [], {}
        for spec in load_suite_files(suites_dir):
            name = spec["name"]
            query = spec["meta"]["query"]
            frames[name] = con.execute(query).df()
            suite = gx.ExpectationSuite(name=name, meta=spec.get("meta", {}))
            for exp in spec["expectations"]:
                suite.add_expectation_configuration(ExpectationConfiguration(
                    type=exp["type"], kwargs=exp["kwargs"], meta=exp.get("meta", {})))
            suite = ctx.suites.add(suite)
            asset = source.add_dataframe_asset(name)
            batch = asset.add_batch_definition_whole_dataframe("all_rows")
            definitions.append((name, ctx.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite))))
        for name, vd in definitions:
            result = vd.run(batch_parameters={"dataframe": frames[name]})
            report.suites[name] = bool(result.success)
            if not result.success:
                report.success = False
                for r in result.results:
                    if not r.success:
                        col = r.expectation_config.kwargs.get("column") or \
                            r.expectation_config.kwargs.get("column_A", "")
                        report.failures.append(
                            f"{name}: {r.expectation_config.type}({col}) "
                            f"unexpected {r.result.get('unexpected_count', '?')}")
        if docs:
            ctx.build_data_docs()
            site = work_dir / "gx" / "uncommitted" / "data_docs" / "local_site"
            offline_docs(site, report.suites)
            report.docs_index = site / "index.html"
    finally:
        con.close()
    return report


_EXTERNAL_TAG = re.compile(
    r"<(script|link|img)\b[^>]*(?:src|href)=[\"']https?://[^\"']*[\"'][^>]*>(?:\s*</script>)?",
    re.IGNORECASE)
_EXTERNAL_CSS_URL = re.compile(r"url\(['\"]?https?://[^)]*\)")
_OFFLINE_CSS = """<style>
body{font-family:"Noto Sans CJK JP",sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem}
.alert-danger,.text-danger{color:#b00}.alert-success,.text-success{color:#070}
nav,.navbar,.d-none{display:none}
</style>"""


def offline_docs(site: Path, statuses: dict[str, bool] | None = None) -> None:
    """Make GX Data Docs open without the internet: drop CDN scripts, styles and images.

    The suite and validation pages are rendered server-side by GX (tables of expectations and
    results), so they stay complete without the CDN's Bootstrap/jQuery; a small inline
    stylesheet replaces Bootstrap. The index page's lists are drawn by a CDN table script, so
    a plain list of every suite and validation page (with its result) is written into it.
    """
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        html = _EXTERNAL_TAG.sub("", html)
        html = _EXTERNAL_CSS_URL.sub("none", html)
        html = html.replace("</head>", _OFFLINE_CSS + "</head>", 1)
        if page == site / "index.html":
            html = html.replace("<body>", "<body>" + _offline_index(site, statuses or {}), 1)
        page.write_text(html, encoding="utf-8")


def _offline_index(site: Path, statuses: dict[str, bool]) -> str:
    from html import escape

    rows = []
    for suite_page in sorted((site / "expectations").glob("*.html")):
        name = suite_page.stem
        runs = sorted((site / "validations" / name).rglob("*.html"))
        result = {True: "passed", False: "FAILED"}.get(statuses.get(name), "")
        links = " ".join(f'<a href="{escape(r.relative_to(site).as_posix())}">validation</a>'
                         for r in runs)
        rows.append(f'<tr><td><a href="{escape(suite_page.relative_to(site).as_posix())}">'
                    f"{escape(name)}</a></td><td>{result}</td><td>{links}</td></tr>")
    return ("<section id=\"offline-index\"><h2>Expectation suites and their validations</h2>"
            "<table><tr><th>suite</th><th>result</th><th>validation result page</th></tr>"
            + "".join(rows) + "</table></section>")
