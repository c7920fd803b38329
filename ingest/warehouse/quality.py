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

GX's Data Docs need Bootstrap, jQuery and its table scripts from a CDN: offline they lose their
styles, the status icons (an empty status column) and leave the filter buttons lying about. So the
entry point the build prints is a page of our own, `build/gx/results.html`, rendered from the
validation results themselves (`SuiteOutcome` / `ExpectationOutcome` → `render_results_page`):
plain HTML with its stylesheet inside, no script, no external URL, the same bytes for the same
results. GX's own pages stay beside it for anyone who wants them.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITES_DIR = ROOT / "gx" / "expectations"


RESULTS_PAGE = "results.html"
GX_SITE = Path("gx") / "uncommitted" / "data_docs" / "local_site"
SAMPLE_SIZE = 5
_COLUMN_KEYS = ("column", "column_A", "column_B", "column_list")
_HIDDEN_KWARGS = ("batch_id",)


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, reduced to what a reader of the page needs.

    Built from GX's JSON form of the result (not its objects) so the page depends only on plain
    data: the same results give the same page, and tests can build outcomes by hand.
    """
    expectation_type: str
    columns: tuple[str, ...]
    arguments: tuple[tuple[str, str], ...]
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    unexpected_sample: tuple[str, ...] = ()
    observed_value: str | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class SuiteOutcome:
    """One suite: its name, what it asserts, the rows it read, and each expectation in order."""
    name: str
    success: bool
    description: str
    query: str
    expectations: tuple[ExpectationOutcome, ...]


@dataclass
class QualityReport:
    success: bool = True
    suites: dict[str, bool] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    docs_index: Path | None = None
    outcomes: list[SuiteOutcome] = field(default_factory=list)

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
        specs = load_suite_files(suites_dir)
        for spec in specs:
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
        for (name, vd), spec in zip(definitions, specs):
            result = vd.run(batch_parameters={"dataframe": frames[name]})
            order = [e.id for e in vd.suite.expectations]
            outcome = suite_outcome(spec, bool(result.success),
                                    [r.to_json_dict() for r in result.results], order)
            report.outcomes.append(outcome)
            report.suites[name] = outcome.success
            report.success = report.success and outcome.success
            report.failures.extend(failure_lines(outcome))
        if docs:
            ctx.build_data_docs()
            offline_docs(work_dir / GX_SITE, report.suites)
            page = work_dir / RESULTS_PAGE
            page.write_text(render_results_page(report.outcomes, GX_SITE / "index.html"),
                            encoding="utf-8")
            report.docs_index = page
    finally:
        con.close()
    return report


def suite_outcome(spec: dict, success: bool, results: list[dict],
                  order: list[str]) -> SuiteOutcome:
    """A suite's outcome with its expectations in the suite file's order.

    GX returns results in the order it happened to compute them, not the order of the suite;
    `order` holds the suite's expectation ids so the page reads like the suite file and is
    the same on every run.
    """
    rank = {eid: i for i, eid in enumerate(order)}
    ranked = sorted(results, key=lambda r: rank.get(r["expectation_config"].get("id"), len(rank)))
    meta = spec.get("meta", {})
    return SuiteOutcome(name=spec["name"], success=success,
                        description=meta.get("description", ""), query=meta.get("query", ""),
                        expectations=tuple(expectation_outcome(r) for r in ranked))


def expectation_outcome(result: dict) -> ExpectationOutcome:
    """Reduce one GX result (its `to_json_dict()` form) to the fields the page shows.

    The sample of unexpected values is sorted: GX keeps the first ones it met, in the row
    order of a query that has no ORDER BY, so unsorted it would change between runs.
    """
    config = result["expectation_config"]
    kwargs = config.get("kwargs", {})
    detail = result.get("result") or {}
    columns = []
    for key in _COLUMN_KEYS:
        value = kwargs.get(key)
        columns.extend(value if isinstance(value, list) else [value] if value else [])
    arguments = tuple((k, _fmt(v)) for k, v in kwargs.items()
                      if k not in _COLUMN_KEYS and k not in _HIDDEN_KWARGS)
    sample = sorted({_fmt(v) for v in detail.get("partial_unexpected_list") or []})
    observed = detail.get("observed_value")
    return ExpectationOutcome(
        expectation_type=config["type"], columns=tuple(str(c) for c in columns),
        arguments=arguments, success=bool(result.get("success")),
        element_count=detail.get("element_count"),
        unexpected_count=detail.get("unexpected_count"),
        unexpected_percent=detail.get("unexpected_percent"),
        unexpected_sample=tuple(sample[:SAMPLE_SIZE]),
        observed_value=None if observed is None else _fmt(observed),
        errors=_exception_messages(result.get("exception_info") or {}))


def _exception_messages(info: dict) -> tuple[str, ...]:
    """GX's exception_info is either one record or a record per metric that raised."""
    records = [info] if "raised_exception" in info else list(info.values())
    return tuple(sorted({str(r.get("exception_message")) for r in records
                         if isinstance(r, dict) and r.get("raised_exception")}))


def failure_lines(outcome: SuiteOutcome) -> list[str]:
    """One line per failed expectation, for the build summary."""
    return [f"{outcome.name}: {e.expectation_type}({e.columns[0] if e.columns else ''}) "
            f"unexpected {'?' if e.unexpected_count is None else e.unexpected_count}"
            for e in outcome.expectations if not e.success]


def _fmt(value) -> str:
    """A value as a reader would write it: 0 not 0.0, Japanese as is, lists as JSON."""
    value = _plain(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _plain(value):
    """Whole floats as ints, also inside lists (pandas hands GX yen amounts as floats)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


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


_PAGE_CSS = """
body{font-family:"Noto Sans CJK JP","Noto Sans JP",sans-serif;margin:1.5rem 2rem;color:#1f2328;
line-height:1.45;max-width:1500px}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:0 0 .35rem}
.overall{font-size:1.05rem;padding:.5rem .75rem;border-radius:4px;display:inline-block}
.overall.pass{background:#dafbe1;color:#116329}.overall.fail{background:#ffebe9;color:#a40e26}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.num{text-align:right;white-space:nowrap}
td.result{font-weight:700;text-align:center;white-space:nowrap;width:5.5rem}
td.result.pass,.badge.pass{background:#dafbe1;color:#116329}
td.result.fail,.badge.fail{background:#ffebe9;color:#a40e26}
tr.fail td{border-color:#e6a3a9}
.badge{font-size:.85rem;padding:.1rem .5rem;border-radius:3px;margin-left:.5rem;
vertical-align:middle}
section.suite{border:1px solid #d0d7de;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
section.suite.fail{border-color:#cf222e;border-width:2px}
.desc{margin:.25rem 0 .5rem}.muted{color:#59636e;font-size:.9rem}
code{font-family:"Noto Sans Mono CJK JP",monospace;font-size:.88rem;background:#f6f8fa;
padding:0 .2rem;border-radius:3px}
ul.sample{margin:0;padding-left:1.1rem}ul.args{margin:0;padding-left:0;list-style:none}
.error{color:#a40e26}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.5rem;font-size:.8rem}
"""


def render_results_page(outcomes: list[SuiteOutcome], gx_docs: Path | None = None) -> str:
    """The whole offline results page: a summary table, then one section per suite.

    Pure: the same outcomes give the same text (no clock, no ids, no absolute paths), so a
    rebuild from the same inputs leaves the page unchanged. `gx_docs`, relative to the page,
    links GX's own (script-less, unstyled) Data Docs as a secondary view.
    """
    passed = sum(o.success for o in outcomes)
    checks = [e for o in outcomes for e in o.expectations]
    met = sum(e.success for e in checks)
    ok = passed == len(outcomes)
    overview = "".join(
        f'<tr class="{_cls(o.success)}"><td><a href="#suite-{escape(o.name)}">{escape(o.name)}'
        f"</a></td>{_result_cell(o.success)}<td class=\"num\">"
        f"{sum(e.success for e in o.expectations)} / {len(o.expectations)}</td>"
        f"<td>{escape(o.description)}</td></tr>" for o in outcomes)
    footer = ""
    if gx_docs is not None:
        footer = (f'<p class="muted">Great Expectations&#39; own Data Docs (offline copy, without '
                  f'their CDN styles): <a href="{escape(gx_docs.as_posix())}">'
                  f"{escape(gx_docs.as_posix())}</a></p>")
    return ("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>Great Expectations results</title>\n"
            f"<style>{_PAGE_CSS}</style>\n</head>\n<body>\n"
            "<h1>Great Expectations results</h1>\n"
            f'<p class="overall {_cls(ok)}" id="overall">{passed} of {len(outcomes)} suites '
            f"passed; {met} of {len(checks)} expectations met</p>\n"
            "<table class=\"overview\"><thead><tr><th>suite</th><th>result</th>"
            "<th>expectations met</th><th>what it checks</th></tr></thead>\n<tbody>"
            f"{overview}</tbody></table>\n"
            + "".join(_suite_section(o) for o in outcomes)
            + footer + "\n</body>\n</html>\n")


def _cls(success: bool) -> str:
    return "pass" if success else "fail"


def _result_cell(success: bool) -> str:
    """Status as a word, not an icon: it must read the same with or without the stylesheet."""
    return f'<td class="result {_cls(success)}">{"passed" if success else "FAILED"}</td>'


def _suite_section(outcome: SuiteOutcome) -> str:
    rows = "".join(_expectation_row(i, e) for i, e in enumerate(outcome.expectations, 1))
    counts = {e.element_count for e in outcome.expectations if e.element_count is not None}
    rows_read = (f'<p class="muted">{next(iter(counts)):,} rows validated</p>'
                 if len(counts) == 1 else "")
    query = (f"<details><summary class=\"muted\">query of the validated rows</summary>"
             f"<pre>{escape(outcome.query)}</pre></details>" if outcome.query else "")
    return (f'<section class="suite {_cls(outcome.success)}" id="suite-{escape(outcome.name)}">'
            f"<h2>{escape(outcome.name)}<span class=\"badge {_cls(outcome.success)}\">"
            f"{'passed' if outcome.success else 'FAILED'}</span></h2>"
            f'<p class="desc">{escape(outcome.description)}</p>'
            f"{rows_read}"
            "<table class=\"expectations\"><thead><tr><th>#</th><th>result</th>"
            "<th>expectation</th><th>column</th><th>arguments</th><th>observed</th>"
            f"<th>unexpected values (up to {SAMPLE_SIZE})</th></tr></thead><tbody>"
            f"{rows}</tbody></table>{query}</section>\n")


def _observed(e: ExpectationOutcome) -> str:
    """What GX saw: the observed value of an aggregate expectation, else the unexpected rows."""
    if e.observed_value is not None:
        return e.observed_value
    if e.unexpected_count is None:
        return ""
    of = "" if e.element_count is None else f" of {e.element_count:,}"
    share = ("" if not e.unexpected_count or e.unexpected_percent is None
             else f" ({e.unexpected_percent:.2f}%)")
    return f"{e.unexpected_count:,}{of} rows unexpected{share}"


def _ident(name: str) -> str:
    """An identifier that may wrap after its underscores only (not mid-word), for narrow windows."""
    return escape(name).replace("_", "_<wbr>")


def _expectation_row(index: int, e: ExpectationOutcome) -> str:
    columns = ", ".join(f"<code>{_ident(c)}</code>" for c in e.columns)
    arguments = "".join(f"<li><code>{escape(k)}</code> = {escape(v)}</li>" for k, v in e.arguments)
    observed = escape(_observed(e))
    if e.errors:
        observed += "".join(f'<div class="error">error: {escape(m)}</div>' for m in e.errors)
    sample = "".join(f"<li>{escape(v)}</li>" for v in e.unexpected_sample)
    sample_list = f'<ul class="sample">{sample}</ul>' if sample else ""
    return (f'<tr class="{_cls(e.success)}" data-expectation="{escape(e.expectation_type)}">'
            f'<td class="num">{index}</td>{_result_cell(e.success)}'
            f"<td><code>{_ident(e.expectation_type)}</code></td><td>{columns}</td>"
            f'<td><ul class="args">{arguments}</ul></td><td>{observed}</td>'
            f"<td>{sample_list}</td></tr>")
