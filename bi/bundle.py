"""Dashboards as code: bi/dashboards/*.yaml → a Superset import bundle (ZIP, format v1).

The YAML under bi/dashboards/ is Superset's own export format, shortened where the rest
can be derived:
- `database.yaml`: the warehouse connection; `{warehouse}` is replaced by the absolute path of
  the published warehouse (WAREHOUSE_PATH, default ./warehouse.duckdb), opened read-only.
- `datasets/<mart>.yaml`: one physical dataset per mart (schema `marts`, no SQL). The columns
  are not written there: they come from models/marts/_marts__models.yml (the dbt contract),
  each with its dbt description and type. A dataset adds Japanese `verbose_names`, saved
  `metrics`, and `calculated` columns: a `lookup` of a dimension attribute by its key (e.g.
  municipality_name from dim_municipality) or a Japanese label for a code (`expression`).
- `charts/<name>.yaml`: Superset's chart YAML with `dataset: <mart>` instead of a uuid; the
  saved query context (what the REST API's /chart/<id>/data/ runs) is derived from `params`.
- `dashboards/<name>.yaml`: title, slug and `rows` of charts and markdown; the position JSON
  is built from the rows.
UUIDs are derived from names (uuid5), so a re-import updates the same objects.

    python -m bi.bundle OUT.zip      # writes the bundle; prints what it holds
"""
from __future__ import annotations

import io
import json
import os
import sys
import uuid
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS = ROOT / "bi" / "dashboards"
MARTS_YML = ROOT / "models" / "marts" / "_marts__models.yml"
NAMESPACE = uuid.UUID("6f1c1f0e-2b7a-5d3e-9a61-3c1f6d2b9e18")
VERSION = "1.0.0"
# viz types whose query the builder knows how to derive (the ones bi/dashboards uses)
VIZ_TYPES = {"table", "echarts_timeseries_line", "echarts_timeseries_bar", "pie", "pivot_table_v2"}


def uid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def warehouse_path() -> Path:
    return Path(os.environ.get("WAREHOUSE_PATH", ROOT / "warehouse.duckdb")).resolve()


def sqlalchemy_uri(path: Path) -> str:
    # read_only: DuckDB takes a shared lock, never writes a WAL; external access off: SQL Lab
    # cannot read or write files (read_csv, copy … to, attach, install) through this connection
    return f"duckdb:///{path}?access_mode=read_only&enable_external_access=false"


def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def dbt_models() -> dict[str, dict]:
    """The marts as the dbt yml describes them: {name: {description, columns: [..]}}."""
    return {m["name"]: m for m in load_yaml(MARTS_YML)["models"]}


def _superset_type(dbt_type: str) -> str:
    return dbt_type.upper()


def dataset_columns(spec: dict, model: dict, models: dict[str, dict]) -> list[dict]:
    verbose = spec.get("verbose_names", {})
    cols = []
    for c in model["columns"]:
        t = _superset_type(c["data_type"])
        cols.append({
            "column_name": c["name"], "verbose_name": verbose.get(c["name"]),
            "is_dttm": t in ("DATE", "TIMESTAMP"), "is_active": True, "type": t,
            "advanced_data_type": None, "groupby": True, "filterable": True, "expression": None,
            "description": c.get("description"), "python_date_format": None, "extra": {},
        })
    known = {c["name"] for c in model["columns"]}
    for calc in spec.get("calculated", []):
        if "lookup" in calc:
            lk = calc["lookup"]
            dim = models[lk["table"]]
            dim_col = next(c for c in dim["columns"] if c["name"] == lk["column"])
            keys = lk["key"] if isinstance(lk["key"], list) else [lk["key"]]
            missing = [k for k in keys if k not in known]
            if missing:
                raise ValueError(f"{spec['table_name']}: lookup key {missing} is not a column")
            on = " and ".join(f"d.{k} = {spec['table_name']}.{k}" for k in keys)
            expression = f"(select d.{lk['column']} from marts.{lk['table']} as d where {on})"
            description = (f"Looked up from marts.{lk['table']}.{lk['column']} by {', '.join(keys)}"
                           f": {dim_col.get('description', '')}")
            t = _superset_type(dim_col["data_type"])
        else:
            expression, description, t = calc["expression"], calc["description"], calc.get("type", "VARCHAR")
        cols.append({
            "column_name": calc["column_name"], "verbose_name": calc.get("verbose_name"),
            "is_dttm": False, "is_active": True, "type": t, "advanced_data_type": None,
            "groupby": True, "filterable": True, "expression": expression,
            "description": description, "python_date_format": None, "extra": {},
        })
    return cols


def build_dataset(spec: dict, models: dict[str, dict], db_uuid: str) -> dict:
    name = spec["table_name"]
    if name not in models:
        raise ValueError(f"datasets/{name}.yaml: {name} is not a mart in {MARTS_YML.name}")
    model = models[name]
    metrics = [{
        "metric_name": m["metric_name"], "verbose_name": m.get("verbose_name"),
        "metric_type": None, "expression": m["expression"], "description": m.get("description"),
        "d3format": m.get("d3format"), "currency": None, "extra": {}, "warning_text": None,
    } for m in spec.get("metrics", [])]
    if not any(m["metric_name"] == "count" for m in metrics):
        metrics.append({"metric_name": "count", "verbose_name": "件数", "metric_type": "count",
                        "expression": "count(*)", "description": "Number of rows.",
                        "d3format": None, "currency": None, "extra": {}, "warning_text": None})
    return {
        "table_name": name, "main_dttm_col": None, "description": model.get("description"),
        "default_endpoint": None, "offset": 0, "cache_timeout": None, "catalog": None,
        "schema": "marts", "sql": None, "params": None, "template_params": None,
        "filter_select_enabled": True, "fetch_values_predicate": None, "extra": None,
        "normalize_columns": False, "always_filter_main_dttm": False,
        "uuid": uid("dataset", name), "metrics": metrics,
        "columns": dataset_columns(spec, model, models), "version": VERSION,
        "database_uuid": db_uuid,
    }


def query_context(params: dict, dataset_id_placeholder: str = "__DATASET_ID__") -> dict:
    """The saved query of a chart, as the REST API runs it: one query whose columns are the
    chart's x axis, series and dimensions, with its metrics, filters and row limit. No
    post-processing (the frontend pivots timeseries itself), so one row per distinct
    combination of the columns."""
    viz = params["viz_type"]
    if viz not in VIZ_TYPES:
        raise ValueError(f"viz_type {viz}: the bundle does not derive its query")
    columns: list = []
    if params.get("x_axis"):
        columns.append(params["x_axis"])
    for key in ("groupby", "groupbyRows", "groupbyColumns"):
        columns += params.get(key) or []
    if viz == "table" and params.get("query_mode") == "raw":
        columns = list(params["all_columns"])
        metrics: list = []
    else:
        metrics = list(params.get("metrics") or ([params["metric"]] if params.get("metric") else []))
    orderby = []
    if viz == "table" and params.get("query_mode") == "raw":
        orderby = [json.loads(o) for o in params.get("order_by_cols", [])]
    elif metrics and viz in ("pie", "echarts_timeseries_bar") and not params.get("x_axis"):
        orderby = [[metrics[0], False]]
    filters = [{"col": f["subject"], "op": f["operator"],
                **({"val": f["comparator"]} if "comparator" in f else {})}
               for f in params.get("adhoc_filters", []) if f.get("expressionType") == "SIMPLE"]
    query = {
        "filters": filters, "extras": {"having": "", "where": ""}, "applied_time_extras": {},
        "columns": columns, "metrics": metrics, "orderby": orderby, "annotation_layers": [],
        "row_limit": params.get("row_limit", 10000), "series_limit": 0,
        "order_desc": True, "url_params": {}, "custom_params": {}, "custom_form_data": {},
    }
    return {
        "datasource": {"id": dataset_id_placeholder, "type": "table"}, "force": False,
        "queries": [query], "form_data": params, "result_format": "json", "result_type": "full",
    }


def build_chart(name: str, spec: dict) -> dict:
    dataset = spec["dataset"]
    params = dict(spec["params"])
    params["viz_type"] = spec["viz_type"]
    params.setdefault("datasource", f"__{dataset}__table")
    return {
        "slice_name": spec["slice_name"], "description": spec.get("description"),
        "certified_by": None, "certification_details": None, "viz_type": spec["viz_type"],
        "params": params, "query_context": json.dumps(query_context(params), ensure_ascii=False),
        "cache_timeout": None, "uuid": uid("chart", name), "version": VERSION,
        "dataset_uuid": uid("dataset", dataset),
    }


def build_dashboard(name: str, spec: dict, charts: dict[str, dict]) -> dict:
    """Position JSON from `rows`: each row a list of {chart: name, width, height} or
    {markdown: text, width, height}; the grid is 12 wide."""
    pos: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": spec["dashboard_title"]}},
    }
    for r, row in enumerate(spec["rows"], 1):
        row_id = f"ROW-{r}"
        pos["GRID_ID"]["children"].append(row_id)
        pos[row_id] = {"type": "ROW", "id": row_id, "children": [],
                       "parents": ["ROOT_ID", "GRID_ID"], "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        if sum(item.get("width", 6) for item in row) > 12:
            raise ValueError(f"dashboards/{name}.yaml row {r}: wider than 12")
        for i, item in enumerate(row, 1):
            parents = ["ROOT_ID", "GRID_ID", row_id]
            width, height = item.get("width", 6), item.get("height", 50)
            if "chart" in item:
                c = charts[item["chart"]]
                cid = f"CHART-{item['chart']}"
                pos[cid] = {"type": "CHART", "id": cid, "children": [], "parents": parents,
                            "meta": {"width": width, "height": height, "chartId": 0,
                                     "uuid": c["uuid"], "sliceName": c["slice_name"]}}
            else:
                cid = f"MARKDOWN-{r}-{i}"
                pos[cid] = {"type": "MARKDOWN", "id": cid, "children": [], "parents": parents,
                            "meta": {"width": width, "height": height, "code": item["markdown"]}}
            pos[row_id]["children"].append(cid)
    metadata = {
        "color_scheme": "supersetColors", "refresh_frequency": 0, "expanded_slices": {},
        "label_colors": {}, "shared_label_colors": [], "color_scheme_domain": [],
        "timed_refresh_immune_slices": [], "cross_filters_enabled": False,
        "native_filter_configuration": [], "default_filters": "{}", "chart_configuration": {},
    }
    return {
        "dashboard_title": spec["dashboard_title"], "description": spec.get("description"),
        "css": "", "slug": spec["slug"], "uuid": uid("dashboard", name), "position": pos,
        "metadata": metadata, "version": VERSION, "published": True, "certified_by": None,
        "certification_details": None,
    }


def load_specs() -> dict:
    """Every YAML under bi/dashboards, read and cross-checked (charts name existing datasets)."""
    specs = {
        "database": load_yaml(DASHBOARDS / "database.yaml"),
        "datasets": {p.stem: load_yaml(p) for p in sorted((DASHBOARDS / "datasets").glob("*.yaml"))},
        "charts": {p.stem: load_yaml(p) for p in sorted((DASHBOARDS / "charts").glob("*.yaml"))},
        "dashboards": {p.stem: load_yaml(p) for p in sorted((DASHBOARDS / "dashboards").glob("*.yaml"))},
    }
    for stem, d in specs["datasets"].items():
        if d["table_name"] != stem:
            raise ValueError(f"datasets/{stem}.yaml: table_name {d['table_name']} differs from its file name")
    for name, c in specs["charts"].items():
        if c["dataset"] not in specs["datasets"]:
            raise ValueError(f"charts/{name}.yaml: dataset {c['dataset']} has no datasets/{c['dataset']}.yaml")
    return specs


def build(warehouse: Path | None = None) -> dict[str, dict]:
    """Every file of the bundle, {path inside the ZIP: content}."""
    specs = load_specs()
    models = dbt_models()
    db = dict(specs["database"])
    db["sqlalchemy_uri"] = sqlalchemy_uri(warehouse or warehouse_path())
    db["uuid"] = uid("database", db["database_name"])
    db["version"] = VERSION
    files: dict[str, dict] = {"metadata.yaml": {"version": VERSION, "type": "assets",
                                                  "timestamp": "2026-01-01T00:00:00+00:00"}}
    files["databases/warehouse.yaml"] = db
    for name, spec in specs["datasets"].items():
        files[f"datasets/warehouse/{name}.yaml"] = build_dataset(spec, models, db["uuid"])
    charts = {name: build_chart(name, spec) for name, spec in specs["charts"].items()}
    for name, c in charts.items():
        files[f"charts/{name}.yaml"] = c
    for name, spec in specs["dashboards"].items():
        files[f"dashboards/{name}.yaml"] = build_dashboard(name, spec, charts)
    return files


def write_zip(files: dict[str, dict], out: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, content in files.items():
            z.writestr(f"bundle/{path}", yaml.safe_dump(content, allow_unicode=True, sort_keys=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    files = build()
    write_zip(files, Path(argv[0]))
    kinds = {k: sum(1 for p in files if p.startswith(k)) for k in ("datasets", "charts", "dashboards")}
    print(f"bundle: {argv[0]}: {kinds['dashboards']} dashboard(s), {kinds['charts']} charts, "
          f"{kinds['datasets']} datasets over {files['databases/warehouse.yaml']['sqlalchemy_uri']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
