"""`make bench`: how the build scales with the number of documents.

    python -m ingest.bench                 # 1000 documents, writes benchmarks/results.json
    python -m ingest.bench --documents 20 --output benchmarks/work/results-dev.json

What it does (everything under `benchmarks/work/`, which is gitignored):

1. Corpus: N re-dressed copies of the shipped documents, alternating the two, each under its
   own fictional municipality code (`9NNNN` + check digit: prefecture codes stop at 47, so no
   real municipality is hit) and the original's fiscal year (the build refuses a manifest
   year that the document's own text contradicts, `ingest/reading/stated_year.py`). The bytes are
   unchanged, so every printed identity still holds.
2. Floor: the same files read, decoded, NFKC-normalized and number-tokenized
   (`numbers.numeric_tokens`) by a bare loop, in 1 process (best of 3) before and after each
   ingest round, and once in 2 processes.
3. Ingest: `run_ingest(jobs=2)` with a cold cache in a fresh child process (so its peak RSS is
   its own), in five rounds, each between two floors; `ingest_over_floor` is the median of the
   rounds' ingest / mean of its two floors (the machine's speed drifts within a minute; every
   round is recorded), then again
   on the same cache (nothing changed: every document is reused); also a cold run on the first
   100 documents, for peak RSS at 100 vs N. Per-document CPU in one process is measured with
   warm per-text caches and with every cache cleared before each document (the corpus repeats
   two documents, which flatters those caches).
4. dbt: a copy of the dbt project (`benchmarks/work/project-N/`, ref seeds extended with the
   fictional municipalities) built with `dbt seed --full-refresh`, `dbt run`, `dbt test`
   into `benchmarks/work/bench-N.duckdb`; the same for the two shipped documents
   (`project-2/`, `bench-2.duckdb`). dbt_build_seconds is the sum of the three commands.
   Great Expectations and the exports of `make build` are not part of it.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
SHIPPED_MANIFEST = ROOT / "data" / "raw" / "manifest.csv"
ACK_FILE = "acknowledged_mismatches.csv"


# ----------------------------------------------------------------------------- corpus

def _read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def fictional_code(i: int) -> str:
    """6-digit code with a valid check digit; `9NNNN` is no real prefecture (01–47)."""
    from ingest.reading.manifest import check_digit

    if not 0 <= i <= 9999:
        raise ValueError("at most 10000 bench documents")
    code5 = f"9{i:04d}"
    return f"{code5}{check_digit(code5)}"


def build_corpus(n: int, corpus_dir: Path) -> tuple[Path, list[dict]]:
    """Write N copies and their manifest; returns (manifest path, fictional municipalities)."""
    from ingest.reading.manifest import COLUMNS

    originals = _read_csv(SHIPPED_MANIFEST)
    real_codes = {o["municipality_code"] for o in originals}
    if corpus_dir.exists():
        shutil.rmtree(corpus_dir)
    corpus_dir.mkdir(parents=True)
    src_acks = []
    if (SHIPPED_MANIFEST.parent / ACK_FILE).exists():
        src_acks = _read_csv(SHIPPED_MANIFEST.parent / ACK_FILE)
    rows, munis, acks = [], [], []
    for i in range(n):
        orig = originals[i % len(originals)]
        code = fictional_code(i)
        assert code not in real_codes
        year = int(orig["fiscal_year"])
        doc_id = f"bench-{i:04d}-{orig['document_id']}"
        name = f"{i:04d}-{orig['path']}"
        shutil.copyfile(SHIPPED_MANIFEST.parent / orig["path"], corpus_dir / name)
        rows.append({"document_id": doc_id, "path": name, "municipality_code": code,
                     "fiscal_year": year, "title": f"架空市{i:04d} 事務報告書 ({orig['document_id']} の写し)",
                     "encoding": orig["encoding"]})
        munis.append({"municipality_code": code, "municipality_name": f"架空市{i:04d}",
                      "prefecture_name": "架空県"})
        # A reviewed acknowledgement of the original applies to each copy of it.
        for ack in src_acks:
            prefix = orig["document_id"] + ":"
            if ack["check_id"].startswith(prefix):
                acks.append({**ack, "check_id": doc_id + ":" + ack["check_id"][len(prefix):]})
    manifest = corpus_dir / "manifest.csv"
    _write_csv(manifest, COLUMNS, rows)
    _write_csv(corpus_dir / ACK_FILE, ["check_id", "note", "reviewed_by"], acks)
    return manifest, munis


def sub_manifest(manifest: Path, n: int, out: Path) -> Path:
    """The first n rows of a corpus manifest (same files, same acknowledgements)."""
    lines = manifest.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(lines[: n + 1]) + "\n", encoding="utf-8")
    return out


def manifest_paths(manifest: Path) -> list[Path]:
    return [manifest.parent / r["path"] for r in _read_csv(manifest)]


# ----------------------------------------------------------------------------- floor

def _floor_one(path: str) -> int:
    from ingest.reading.numbers import numeric_tokens

    text = unicodedata.normalize("NFKC", Path(path).read_bytes().decode("utf-8"))
    return sum(len(numeric_tokens(line)) for line in text.split("\n"))


def floor_seconds(paths: list[Path], procs: int, repeat: int = 3) -> tuple[float, int]:
    """Best-of-`repeat` wall time of the bare read/decode/NFKC/tokenize loop (pool start included)."""
    best, tokens = float("inf"), 0
    names = [str(p) for p in paths]
    for _ in range(repeat):
        t0 = time.perf_counter()
        if procs == 1:
            tokens = sum(_floor_one(p) for p in names)
        else:
            with ProcessPoolExecutor(max_workers=procs) as pool:
                tokens = sum(pool.map(_floor_one, names, chunksize=max(1, len(names) // (procs * 8))))
        best = min(best, time.perf_counter() - t0)
    return best, tokens


# ----------------------------------------------------------------------------- ingest

def _child_ingest(manifest: str, seeds: str, cache: str, jobs: int) -> None:
    """Run in a fresh process: run_ingest, then print seconds and peak RSS as JSON."""
    from ingest.pipeline import run_ingest

    t0 = time.perf_counter()
    summary = run_ingest(Path(manifest), Path(seeds), Path(cache) if cache else None, jobs)
    seconds = time.perf_counter() - t0
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "summary": summary,
                      "rss_self_mb": round(self_kb / 1024, 1),
                      "rss_children_mb": round(children_kb / 1024, 1)}))


def ingest(manifest: Path, seeds: Path, cache: Path | None, jobs: int, cold: bool) -> dict:
    if cold and cache is not None and cache.exists():
        shutil.rmtree(cache)
    if seeds.exists():
        for old in seeds.glob("raw_*.csv"):
            old.unlink()
    cmd = [sys.executable, "-m", "ingest.bench", "--child-ingest", str(manifest), str(seeds),
           str(cache or ""), str(jobs)]
    proc = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True)
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _lru_caches() -> list:
    """Every `functools.lru_cache` of the ingest modules loaded so far (per-text caches)."""
    found = []
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("ingest.") or module is None:
            continue
        for obj in vars(module).values():
            if callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", "") == name:
                found.append(obj)
    return found


def per_document_ms(manifest: Path, n: int, clear_caches: bool) -> float:
    """CPU ms per document of `document_tables` + seed CSV, one process, first `n` documents.

    The corpus repeats two documents, so the per-text caches (`lru_cache` on headings, names,
    number readings) hit far more often than on a corpus of distinct reports. With
    `clear_caches` every cache is emptied before each document: what a document costs when
    none of its lines was seen before (the honest upper bound for a real, varied corpus).
    """
    from ingest.reading.manifest import read_manifest
    from ingest.pipeline import _payload, document_tables

    entries = read_manifest(manifest)[:n]
    for entry in entries[:2]:  # imports and first-call set-up are not per-document work
        _payload(document_tables(entry, manifest.parent))
    caches = _lru_caches()
    spent = 0.0
    for entry in entries:
        if clear_caches:
            for cached in caches:
                cached.cache_clear()
        t0 = time.process_time()
        _payload(document_tables(entry, manifest.parent))
        spent += time.process_time() - t0
    return spent / len(entries) * 1000


# ----------------------------------------------------------------------------- dbt

def make_project(project: Path, extra_municipalities: list[dict]) -> Path:
    """Copy the dbt project (models, macros, tests, profiles, ref seeds) to `project`."""
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copyfile(ROOT / "dbt_project.yml", project / "dbt_project.yml")
    for d in ("models", "macros", "tests", "profiles", "analyses", "snapshots"):
        if (ROOT / d).is_dir():
            shutil.copytree(ROOT / d, project / d)
    (project / "seeds").mkdir()
    for f in sorted((ROOT / "seeds").iterdir()):
        if f.suffix == ".yml" or (f.name.startswith("ref_") and f.suffix == ".csv"):
            shutil.copyfile(f, project / "seeds" / f.name)
    if extra_municipalities:
        ref = project / "seeds" / "ref_municipalities.csv"
        text = ref.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        buf = io.StringIO()
        csv.DictWriter(buf, ["municipality_code", "municipality_name", "prefecture_name"],
                       lineterminator="\n").writerows(extra_municipalities)
        ref.write_text(text + buf.getvalue(), encoding="utf-8")
    return project


def dbt_build(project: Path, db_path: Path) -> dict:
    """`dbt seed --full-refresh`, `dbt run`, `dbt test` on `project`; times and failures."""
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    env = dict(os.environ, DBT_DUCKDB_PATH=str(db_path), DO_NOT_TRACK="1",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).with_name("dbt")
    out: dict = {"steps": {}, "failed": []}
    total = 0.0
    for args in (["seed", "--full-refresh"], ["run"], ["test"]):
        cmd = [str(dbt), *args, "--project-dir", str(project), "--profiles-dir",
               str(project / "profiles"), "--log-path", str(project / "logs"),
               "--target-path", str(project / "target"), "--quiet"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=project, text=True, capture_output=True)
        seconds = time.perf_counter() - t0
        total += seconds
        out["steps"][" ".join(args)] = round(seconds, 2)
        results = project / "target" / "run_results.json"
        if results.exists():
            for r in json.loads(results.read_text(encoding="utf-8")).get("results", []):
                if r.get("status") in ("fail", "error"):
                    out["failed"].append(r["unique_id"])
        if proc.returncode != 0 and args[0] != "test":
            raise SystemExit(f"dbt {' '.join(args)} failed in {project}:\n"
                             f"{(proc.stdout + proc.stderr)[-3000:]}")
    out["seconds"] = round(total, 2)
    return out


def mart_rows(db_path: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_name like 'fct\\_%' escape '\\' "
            "order by table_name").fetchall()]
        return {n: con.execute(f'select count(*) from marts."{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def unresolved_rows(seeds: Path) -> dict[str, int]:
    """Rows landed `unresolved` per fact seed (the fiscal-year shift shows up here)."""
    from ingest.warehouse import schema

    out = {}
    for name in schema.FACT_SEEDS:
        with open(seeds / f"{name}.csv", encoding="utf-8", newline="") as fh:
            out[name] = sum(1 for r in csv.DictReader(fh) if r["status"] == "unresolved")
    return out


# ----------------------------------------------------------------------------- machine

def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    import duckdb

    from importlib.metadata import version

    return {"nproc": os.cpu_count(), "cpu_model": model, "memory_mb": mem_mb,
            "python": platform.python_version(), "python_executable": os.path.realpath(sys.executable),
            "duckdb": duckdb.__version__,
            "dbt_core": version("dbt-core"), "dbt_duckdb": version("dbt-duckdb"),
            "note": "a shared virtual machine whose speed drifts by up to a third within a minute: "
                    "each ingest is bracketed by two floor measurements, dbt runs once"}


# ----------------------------------------------------------------------------- main

def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def run(n: int, jobs: int, rss_docs: int, output: Path, ingest_runs: int = 5) -> dict:
    if n < 2 or n % 2:
        raise SystemExit("--documents must be an even number >= 2 (copies alternate the two documents)")
    WORK.mkdir(parents=True, exist_ok=True)
    log = lambda msg: print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)  # noqa: E731

    corpus = WORK / "corpus"
    manifest, munis = build_corpus(n, corpus)
    paths = manifest_paths(manifest)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    log(f"corpus: {n} documents, {megabytes:.1f} MB in {_rel(corpus)}")

    project = make_project(WORK / f"project-{n}", munis)
    cache = WORK / f"cache-{n}"
    # Rounds: floor, ingest, floor, ingest, …, floor. The machine is a shared VM whose speed
    # drifts by a third within a minute, so each ingest is compared with the mean of the floors
    # measured right before and right after it (the two bracket it in time).
    floors, colds = [floor_seconds(paths, 1)[0]], []
    for i in range(ingest_runs):
        colds.append(ingest(manifest, project / "seeds", cache, jobs, cold=True))
        floor_i, tokens = floor_seconds(paths, 1)
        floors.append(floor_i)
        bracket = (floors[-2] + floors[-1]) / 2
        log(f"round {i + 1}/{ingest_runs}: ingest (jobs={jobs}, cold cache) {colds[-1]['seconds']:.2f} s "
            f"between floors of {floors[-2]:.2f} and {floors[-1]:.2f} s (1 process, best of 3) = "
            f"{colds[-1]['seconds'] / bracket:.1f}x; peak RSS self {colds[-1]['rss_self_mb']} MB / "
            f"children {colds[-1]['rss_children_mb']} MB")
    floor1 = min(floors)
    floor2, _ = floor_seconds(paths, 2)
    log(f"floor: {floor1:.2f} s (1 process, best), {floor2:.2f} s (2 processes); "
        f"{tokens} number tokens")
    round_ratios = [c["seconds"] / ((a + b) / 2) for c, a, b in zip(colds, floors, floors[1:])]
    ratios = sorted(round_ratios)
    cold = min(colds, key=lambda r: r["seconds"])
    cold_rss_self = max(r["rss_self_mb"] for r in colds)
    cold_rss_children = max(r["rss_children_mb"] for r in colds)
    warm_runs, cold_runs = [], []
    for _ in range(2):  # alternated, best of 2 each: both see the same machine
        warm_runs.append(per_document_ms(manifest, min(n, 100), clear_caches=False))
        cold_runs.append(per_document_ms(manifest, min(n, 100), clear_caches=True))
    warm_ms, cold_ms = min(warm_runs), min(cold_runs)
    log(f"per document, 1 process: {warm_ms:.1f} ms CPU with warm per-text caches, "
        f"{cold_ms:.1f} ms with every cache cleared before each document")
    warm = ingest(manifest, project / "seeds", cache, jobs, cold=False)
    log(f"ingest again, nothing changed: {warm['seconds']:.2f} s, "
        f"{warm['summary']['reused']}/{warm['summary']['documents']} reused")
    unresolved_n = unresolved_rows(project / "seeds")

    small_n = min(rss_docs, n)
    small = ingest(sub_manifest(manifest, small_n, corpus / f"manifest-{small_n}.csv"),
                   WORK / f"seeds-{small_n}", WORK / f"cache-{small_n}", jobs, cold=True)
    log(f"ingest {small_n} documents (cold): {small['seconds']:.2f} s, peak RSS "
        f"self {small['rss_self_mb']} MB / children {small['rss_children_mb']} MB")

    db_n = WORK / f"bench-{n}.duckdb"
    dbt_n = dbt_build(project, db_n)
    log(f"dbt at {n} documents: {dbt_n['seconds']} s {dbt_n['steps']}; failed: {dbt_n['failed']}")
    rows_n = mart_rows(db_n)

    project2 = make_project(WORK / "project-2", [])
    ingest(SHIPPED_MANIFEST, project2 / "seeds", None, 1, cold=True)
    unresolved_2 = unresolved_rows(project2 / "seeds")
    db_2 = WORK / "bench-2.duckdb"
    dbt_2 = dbt_build(project2, db_2)
    log(f"dbt at 2 documents: {dbt_2['seconds']} s {dbt_2['steps']}; failed: {dbt_2['failed']}")
    rows_2 = mart_rows(db_2)

    factor = n // 2
    proportional = {m: rows_n.get(m) == factor * rows_2[m] for m in rows_2}
    peak = lambda r: max(r["rss_self_mb"], r["rss_children_mb"])  # noqa: E731
    results = {
        "documents": n,
        "megabytes": round(megabytes, 2),
        "jobs": jobs,
        "ingest_seconds": round(cold["seconds"], 2),
        "ingest_seconds_runs": [round(r["seconds"], 2) for r in colds],
        "floor_seconds": round(floor1, 2),
        "floor_seconds_runs": [round(f, 2) for f in floors],
        "floor_seconds_2proc": round(floor2, 2),
        "ingest_over_floor": round(ratios[len(ratios) // 2], 1),
        "ingest_over_floor_method": "median over rounds of ingest / mean of the floors measured "
                                    "right before and right after it",
        "ingest_over_floor_rounds": [round(r, 2) for r in round_ratios],
        "ingest_over_floor_best_of_each": round(cold["seconds"] / floor1, 1),
        "ingest_over_floor_2proc": round(cold["seconds"] / floor2, 1),
        "per_document_ms_warm_caches": round(warm_ms, 1),
        "per_document_ms_cleared_caches": round(cold_ms, 1),
        "rebuild_nothing_changed_seconds": round(warm["seconds"], 2),
        "rebuild_reused": warm["summary"]["reused"],
        "dbt_build_seconds": dbt_n["seconds"],
        "dbt_build_seconds_2docs": dbt_2["seconds"],
        "dbt_build_ratio": round(dbt_n["seconds"] / dbt_2["seconds"], 2),
        "dbt_build_method": "dbt seed --full-refresh + dbt run + dbt test (sum of the three)",
        "dbt_steps": dbt_n["steps"],
        "dbt_steps_2docs": dbt_2["steps"],
        "dbt_failed": dbt_n["failed"],
        "dbt_failed_2docs": dbt_2["failed"],
        "peak_rss_mb": max(cold_rss_self, cold_rss_children),  # the largest process, N documents
        "peak_rss_mb_100": peak(small),
        "peak_rss_mb_1000": max(cold_rss_self, cold_rss_children),
        "peak_rss_docs": [small_n, n],
        "peak_rss_detail": {str(small_n): {"self": small["rss_self_mb"], "children": small["rss_children_mb"]},
                            str(n): {"self": cold_rss_self, "children": cold_rss_children}},
        "warehouse": _rel(db_n),
        "warehouse_2docs": _rel(db_2),
        "fact_rows": rows_n,
        "fact_rows_2docs": rows_2,
        "rows_proportional": all(proportional.values()),
        "rows_not_proportional": sorted(m for m, ok in proportional.items() if not ok),
        "seed_rows": cold["summary"]["rows"],
        "unresolved_rows": unresolved_n,
        "unresolved_rows_2docs": unresolved_2,
        "machine": machine(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    results["targets"] = {
        "ingest_within_5x_floor": results["ingest_over_floor"] <= 5,
        "dbt_within_3x_two_documents": results["dbt_build_ratio"] <= 3,
        "memory_flat": results["peak_rss_mb_1000"] <= 1.25 * results["peak_rss_mb_100"],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {_rel(output)}: targets {results['targets']}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000, help="corpus size (even; default 1000)")
    parser.add_argument("--jobs", type=int, default=2, help="ingest processes (default 2)")
    parser.add_argument("--rss-documents", type=int, default=100,
                        help="smaller corpus for the peak-memory comparison (default 100)")
    parser.add_argument("--ingest-runs", type=int, default=5,
                        help="cold ingest rounds, each between two floors; the median ratio counts, "
                             "all are recorded (default 5)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--child-ingest", nargs=4, metavar=("MANIFEST", "SEEDS", "CACHE", "JOBS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_ingest:
        m, s, c, j = args.child_ingest
        _child_ingest(m, s, c, int(j))
        return 0
    run(args.documents, args.jobs, args.rss_documents, args.output, args.ingest_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
