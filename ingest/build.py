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


def run_dbt(args: list[str], db_path: Path, root: Path = ROOT) -> tuple[bool, list[str]]:
    """Run dbt in a child process against `db_path`; returns (success, failed node names).

    A child process, not dbtRunner: dbt-duckdb keeps its connection open for the life of the
    process, which would stop the quality checks from opening the file afterwards.
    """
    env = dict(os.environ, DBT_DUCKDB_PATH=str(db_path), DO_NOT_TRACK="1",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(root), "--profiles-dir", str(root / "profiles"),
           "--log-path", str(root / "build" / "logs"), "--target-path", str(root / "target"),
           "--quiet"]
    results = root / "target" / "run_results.json"
    results.unlink(missing_ok=True)  # never read a previous run's results
    proc = subprocess.run(cmd, env=env, cwd=root, text=True, capture_output=True)
    if proc.stdout.strip():
        print(proc.stdout.rstrip())
    if proc.stderr.strip():
        print(proc.stderr.rstrip(), file=sys.stderr)
    failed: list[str] = []
    if results.exists():
        for r in json.loads(results.read_text(encoding="utf-8")).get("results", []):
            if r.get("status") in ("fail", "error"):
                failed.append(r["unique_id"].split(".")[-1] if "." in r["unique_id"] else r["unique_id"])
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
    ok, _ = run_dbt(["docs", "generate", "--static"], scratch, root)
    scratch.unlink(missing_ok=True)
    page = root / "target" / "static_index.html"
    return page if ok and page.exists() else None


def export_marts(db_path: Path, out_dir: Path) -> list[Path]:
    """Export every mart to `exports/<mart>.parquet` (for tools that cannot open DuckDB).

    Written into a sibling temporary folder and swapped in, so a reader never sees a mix of
    old and new files.
    """
    import duckdb

    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by table_name").fetchall()]
        for mart in marts:
            target = tmp / f"{mart}.parquet"
            con.execute(f"copy (select * from marts.{mart}) to '{target}' (format parquet)")
    finally:
        con.close()
    old = out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
    return [out_dir / f"{m}.parquet" for m in marts]


# What the published warehouse is a function of: a rebuild whose inputs hash the same as the
# last published build changes nothing, so it is skipped (unless forced, as `make test` does).
FINGERPRINT_GLOBS = ("seeds/*.csv", "seeds/*.yml", "models/**/*", "macros/**/*", "tests/**/*",
                     "gx/expectations/*.json", "dbt_project.yml", "profiles/profiles.yml",
                     "requirements.lock", "ingest/*.py")


def inputs_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    files = sorted({p for g in FINGERPRINT_GLOBS for p in root.glob(g) if p.is_file()})
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def build(jobs: int = 2, root: Path = ROOT, force: bool = False) -> int:
    """The whole build; returns the process exit code (0 ok, 1 checks failed, 2 bad input)."""
    t0 = time.monotonic()
    build_dir = root / "build"
    manifest = root / "data" / "raw" / "manifest.csv"
    seeds_dir = root / "seeds"
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
    if not force and target.exists() and stamp.exists():
        last = json.loads(stamp.read_text(encoding="utf-8"))
        if last.get("fingerprint") == fingerprint and last.get("warehouse") == str(target):
            print("nothing changed since the last build: the published warehouse is current "
                  "(make test, or `build --force`, rebuilds and re-runs every check)")
            from ingest import summary as summary_mod

            summary_mod.print_summary(target, None, None, time.monotonic() - t0)
            return int(last["exit_code"])

    building = build_dir / "warehouse.building.duckdb"
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    ok, _ = run_dbt(["seed", "--full-refresh"], building, root)
    if ok:
        ok, _ = run_dbt(["run"], building, root)
    if not ok:
        print("error: dbt could not build the models (see build/logs/dbt.log); nothing was "
              "published, the previous warehouse is unchanged.", file=sys.stderr)
        return 1
    tests_ok, failed_tests = run_dbt(["test"], building, root)

    from ingest import quality

    gx_report = quality.run_suites(building, build_dir / "gx", root / "gx" / "expectations")
    export_marts(building, root / "exports")
    stamp.unlink(missing_ok=True)
    os.replace(building, target)
    from ingest.report import write_report

    report = write_report(target, root / "reports")
    print(f"report: {report}")
    from ingest import summary as summary_mod

    status = summary_mod.print_summary(target, failed_tests, gx_report, time.monotonic() - t0)
    code = 0 if (tests_ok and status == 0 and gx_report.success) else 1
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "warehouse": str(target),
                                 "exit_code": code}), encoding="utf-8")
    return code
