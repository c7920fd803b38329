"""`make build`: ingest → dbt (seed, run, test) → Great Expectations → exports → publish.

The warehouse is built into `build/warehouse.building.duckdb` and published to
`warehouse.duckdb` by an atomic rename only once dbt has built every model. A reader holding
the published file open keeps reading the old file (same inode) and never blocks the build
nor sees a half-built warehouse. A failing *check* (dbt test, GX expectation, reconciliation
mismatch) still publishes, flagged, and makes the command exit non-zero; a failing *input*
(manifest, document) or a failing model publishes nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest.warehouse import publish
from ingest.errors import IngestError
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class BuildResult:
    ok: bool = True
    messages: list[str] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)


def warehouse_path() -> Path:
    return Path(os.environ.get("WAREHOUSE_PATH", ROOT / "warehouse.duckdb"))


def _node_name(unique_id: str) -> str:
    """`test.municipal_reports.not_null_x_y.b58bf088a0` → `not_null_x_y` (never the hash)."""
    parts = unique_id.split(".")
    if parts[0] == "unit_test" and len(parts) >= 4:
        return f"{parts[2]}::{parts[3]}"  # model and unit test name
    return parts[2] if len(parts) >= 3 else unique_id


# dbt's per-node lines worth showing while it runs: each seed and model as it finishes; for
# tests only what did not pass (287 PASS lines would bury the failures).
_QUIET_LINE = (" START ",)
_QUIET_TEST_LINE = (" PASS ", " START ")


def run_dbt(args: list[str], db_path: Path, root: Path = ROOT, progress: bool = True
            ) -> tuple[bool, list[str]]:
    """Run dbt in a child process against `db_path`; returns (success, failed node names).

    A child process, not dbtRunner: dbt-duckdb keeps its connection open for the life of the
    process, which would stop the quality checks from opening the file afterwards. Its
    per-model lines are passed through as they come (a build is minutes of dbt), and a
    failing test is named by its test name with dbt's message, not by its hash.
    """
    env = dict(os.environ, DBT_DUCKDB_PATH=str(db_path), DO_NOT_TRACK="1",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(root), "--profiles-dir", str(root / "profiles"),
           "--log-path", str(root / "build" / "logs"), "--target-path", str(root / "target"),
           "--no-use-colors"]
    if not progress:
        cmd.append("--quiet")
    results = root / "target" / "run_results.json"
    results.unlink(missing_ok=True)  # never read a previous run's results
    quiet = _QUIET_TEST_LINE if args[:1] == ["test"] else _QUIET_LINE
    proc = subprocess.Popen(cmd, env=env, cwd=root, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, bufsize=1)
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if not line.strip() or any(k in line for k in quiet):
            continue
        print(f"  dbt {line}", flush=True)
    proc.wait()
    failed: list[str] = []
    if results.exists():
        for r in json.loads(results.read_text(encoding="utf-8")).get("results", []):
            if r.get("status") in ("fail", "error"):
                failed.append(_node_name(r["unique_id"]))
    return proc.returncode == 0, failed


def build_docs(warehouse: Path, root: Path = ROOT) -> Path | None:
    """dbt docs as one static HTML file that opens offline (`target/static_index.html`).

    dbt opens its database read-write, so the docs are generated from a copy: a BI tool
    holding the published warehouse never blocks this, and it never writes the published file.
    """
    if not warehouse.exists():
        print(f"error: no warehouse at {warehouse}: run `make build` first", file=sys.stderr)
        return None
    scratch = root / "build" / "docs.duckdb"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(warehouse, scratch)
    ok, _ = run_dbt(["docs", "generate", "--static"], scratch, root, progress=False)
    scratch.unlink(missing_ok=True)
    page = root / "target" / "static_index.html"
    return page if ok and page.exists() else None


# What the published warehouse is a function of: a rebuild whose inputs hash the same as the
# last published build changes nothing, so it is skipped (unless forced, as `make test` does).
FINGERPRINT_GLOBS = ("seeds/*.csv", "seeds/*.yml", "models/**/*", "macros/**/*", "tests/**/*",
                     "gx/expectations/*.json", "dbt_project.yml", "profiles/profiles.yml",
                     "requirements.lock", "ingest/**/*.py")


def inputs_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    files = sorted({p for g in FINGERPRINT_GLOBS for p in root.glob(g) if p.is_file()})
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def read_stamp(stamp: Path) -> dict | None:
    """The last publish's stamp, or None when it is missing or damaged.

    A crash or a full disk can leave it empty or half-written; that only means "nothing is
    known about the published warehouse", so the build rebuilds instead of failing.
    """
    try:
        data = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exit_code"), int):
        return None
    return data


def write_stamp(stamp: Path, data: dict) -> None:
    """Write the stamp whole or not at all (a temporary file renamed over it)."""
    tmp = stamp.with_name(stamp.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, stamp)


class Stages:
    """Prints each stage of the build as it starts, with the time since the build began."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def __call__(self, what: str) -> None:
        print(f"[{self.elapsed():5.0f}s] {what}", flush=True)


def contract_marts(root: Path) -> list[str]:
    """The marts dbt built with an enforced contract (from dbt's manifest of this build)."""
    manifest = root / "target" / "manifest.json"
    try:
        nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    except (OSError, ValueError):
        return []
    return sorted(n["alias"] or n["name"] for n in nodes.values()
                  if n.get("resource_type") == "model" and n.get("schema") == "marts"
                  and (n.get("config", {}).get("contract") or {}).get("enforced"))


def build(jobs: int = 2, root: Path = ROOT, force: bool = False,
          require_coverage: float | None = None) -> int:
    """The whole build; returns the process exit code.

    0 every check passed; 1 a check failed (published, flagged) or the models did not build
    (nothing published); 2 bad input, another build running, or a warehouse that could not be
    published safely (nothing published; the previous warehouse is unchanged). One build at a
    time per checkout (`build/build.lock`); Ctrl-C ends with one line and leaves the published
    warehouse, its exports and report as they were (or, after the publish, the complete new ones).
    """
    state = {"published": False}
    try:
        with publish.BuildLock(root / "build" / "build.lock"):
            return _build(jobs, root, force, require_coverage, state)
    except publish.PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: " + ("the new warehouse was already published whole."
                                 if state["published"] else
                                 "nothing was published; the previous warehouse, its exports "
                                 "and report are unchanged."), file=sys.stderr)
        return 130


def _build(jobs: int, root: Path, force: bool, require_coverage: float | None,
           state: dict) -> int:
    stage = Stages()
    build_dir = root / "build"
    manifest = root / "data" / "raw" / "manifest.csv"
    seeds_dir = root / "seeds"
    stage("ingest: reading the documents of the manifest")
    try:
        summary = run_ingest(manifest, seeds_dir, cache_dir=build_dir / "ingest_cache", jobs=jobs)
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("build stopped: nothing was published; the previous warehouse is unchanged.",
              file=sys.stderr)
        return 2
    print(f"ingest: {summary['documents']} documents ({summary['reused']} unchanged, reused)")

    target = warehouse_path()
    stamp = build_dir / "published.json"
    fingerprint = inputs_fingerprint(root)
    last = read_stamp(stamp) if not force and target.exists() else None
    if last and last.get("fingerprint") == fingerprint and last.get("warehouse") == str(target) \
            and last.get("require_coverage") == require_coverage:
        print("nothing changed since the last build: the published warehouse is current "
              "(make test, or `build --force`, rebuilds and re-runs every check)")
        from ingest.warehouse import summary as summary_mod

        summary_mod.print_summary(target, None, None, stage.elapsed(), require_coverage)
        return int(last["exit_code"])

    building = publish.building_path(build_dir, target)
    next_exports, next_report = build_dir / "exports.next", build_dir / "reports.next"
    for stale in (building, publish.wal_of(building)):
        stale.unlink(missing_ok=True)
    for stale_dir in (next_exports, next_report):
        shutil.rmtree(stale_dir, ignore_errors=True)
    stage("dbt seed: loading the seeds")
    ok, _ = run_dbt(["seed", "--full-refresh"], building, root)
    if ok:
        stage("dbt run: building staging, intermediate and marts")
        ok, _ = run_dbt(["run"], building, root)
    if not ok:
        print("error: dbt could not build the models (see build/logs/dbt.log); nothing was "
              "published, the previous warehouse is unchanged.", file=sys.stderr)
        return 1
    seen = publish.mart_row_counts(building)  # what the build saw, file and WAL together
    stage("dbt test: every data test and unit test")
    tests_ok, failed_tests = run_dbt(["test"], building, root)

    from ingest.warehouse import quality

    stage("great expectations: validating the suites")
    gx_report = quality.run_suites(building, build_dir / "gx", root / "gx" / "expectations")
    stage("publishing: checking the new warehouse is whole, then exports, report, warehouse")
    from ingest.warehouse.exports import export_marts
    from ingest.warehouse.report import write_report

    try:
        publish.check_publishable(target)
        publish.verify_whole(building, seen, contract_marts(root))
        export_marts(building, next_exports)
        write_report(building, next_report)
    except (publish.PublishError, OSError) as exc:
        for stale_dir in (next_exports, next_report):
            shutil.rmtree(stale_dir, ignore_errors=True)
        print(f"error: {exc}", file=sys.stderr)
        print("build stopped: nothing was published; the previous warehouse, its exports and "
              "report are unchanged.", file=sys.stderr)
        return 2
    stamp.unlink(missing_ok=True)
    try:
        moved = publish.publish(building, target)
    except (publish.PublishError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("build stopped: the previous warehouse, its exports and report are unchanged.",
              file=sys.stderr)
        return 2
    state["published"] = True
    publish.swap_dir(next_exports, root / "exports")
    publish.swap_dir(next_report, root / "reports")
    if moved is not None:
        print(f"publish: moved a write-ahead log that another process left beside the old "
              f"warehouse to {moved} (it belonged to the replaced file)")
    print(f"report: {root / 'reports' / 'index.html'}")
    from ingest.warehouse import summary as summary_mod

    status = summary_mod.print_summary(target, failed_tests, gx_report, stage.elapsed(),
                                       require_coverage)
    code = 0 if (tests_ok and status == 0 and gx_report.success) else 1
    write_stamp(stamp, {"fingerprint": fingerprint, "warehouse": str(target), "exit_code": code,
                        "require_coverage": require_coverage})
    return code
