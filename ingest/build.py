"""`make build`: ingest → dbt (seed, run, test) → Great Expectations → exports → publish.

The warehouse is built into `build/warehouse.building.duckdb` and published to
`warehouse.duckdb` by an atomic rename only once dbt has built every model. A reader holding
the published file open keeps reading the old file (same inode) and never blocks the build
nor sees a half-built warehouse. A failing *check* (dbt test, GX expectation, reconciliation
mismatch) still publishes, flagged, and makes the command exit non-zero; a failing *input*
(manifest, document) or a failing model publishes nothing.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class BuildResult:
    ok: bool = True
    messages: list[str] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)


def warehouse_path() -> Path:
    return Path(os.environ.get("WAREHOUSE_PATH", ROOT / "warehouse.duckdb"))


def run_dbt(args: list[str], db_path: Path) -> tuple[bool, list]:
    """Invoke dbt in-process against `db_path`; returns (success, node results)."""
    from dbt.cli.main import dbtRunner

    os.environ["DBT_DUCKDB_PATH"] = str(db_path)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    res = dbtRunner().invoke(args + ["--project-dir", str(ROOT), "--profiles-dir",
                                     str(ROOT / "profiles"), "--log-path",
                                     str(ROOT / "build" / "logs"), "--quiet"])
    results = list(res.result) if res.result is not None and hasattr(res.result, "__iter__") else []
    return bool(res.success), results


def build(jobs: int = 2) -> int:
    t0 = time.monotonic()
    build_dir = ROOT / "build"
    build_dir.mkdir(exist_ok=True)
    manifest = ROOT / "data" / "raw" / "manifest.csv"
    seeds_dir = ROOT / "seeds"
    try:
        summary = run_ingest(manifest, seeds_dir, cache_dir=build_dir / "ingest_cache", jobs=jobs)
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("build stopped: nothing was published; the previous warehouse is unchanged.",
              file=sys.stderr)
        return 2
    print(f"ingest: {summary['documents']} documents ({summary['reused']} unchanged, reused)")

    building = build_dir / "warehouse.building.duckdb"
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    ok, _ = run_dbt(["seed", "--full-refresh"], building)
    if ok:
        ok, _ = run_dbt(["run"], building)
    if not ok:
        print("error: dbt could not build the models (see build/logs/dbt.log); nothing was "
              "published, the previous warehouse is unchanged.", file=sys.stderr)
        return 1
    tests_ok, test_results = run_dbt(["test"], building)
    failed_tests = [r.node.name for r in test_results
                    if getattr(r, "status", None) is not None and str(r.status) in ("fail", "error")]

    from ingest import quality

    gx_report = quality.run_suites(building, build_dir / "gx")
    target = warehouse_path()
    os.replace(building, target)
    from ingest import summary as summary_mod

    status = summary_mod.print_summary(target, failed_tests, gx_report, time.monotonic() - t0)
    return 0 if (tests_ok and status == 0 and gx_report.success) else 1
