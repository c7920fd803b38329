#!/usr/bin/env bash
# Build the warehouse a second time on Spark (dbt target `spark`: dbt-spark's session method,
# pyspark in local mode) from the same seeds, run every dbt test there, and export each mart
# to build/spark/marts/<mart>.parquet for ingest/warehouse/spark_compare.py.
# Needs seeds/raw_*.csv, which `make build` writes. Everything Spark writes (warehouse files,
# Derby metastore, derby.log, dbt's target/ and logs/) stays under build/spark/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false PYTHONDONTWRITEBYTECODE=1

bash scripts/spark_setup.sh
if ! compgen -G "seeds/raw_*.csv" >/dev/null; then
  echo "spark_build: seeds/raw_*.csv are missing; run 'make build' first" >&2
  exit 1
fi

out="$PWD/build/spark"
rm -rf "$out"
mkdir -p "$out"
export DBT_SPARK_DIR="$out"
# The four dbt commands run in one Python process (dbt's programmatic runner), so they share
# one Spark session: one JVM start and one warm-up instead of four.
.venv-spark/bin/python - "$out" <<'PY'
import sys
import time

from dbt.cli.main import dbtRunner

out = sys.argv[1]
common = ["--profiles-dir", "profiles", "--target", "spark",
          "--target-path", f"{out}/target", "--log-path", f"{out}/logs"]
steps = [
    ("dbt seed", ["seed", "--full-refresh"]),
    ("dbt run", ["run"]),
    ("dbt test", ["test"]),
    ("export marts", ["run-operation", "export_marts", "--args", f"{{target_dir: '{out}/marts'}}"]),
]
runner = dbtRunner()
t_all = time.monotonic()
for name, args in steps:
    t0 = time.monotonic()
    print(f"spark_build: {name}", flush=True)
    result = runner.invoke(["--no-use-colors", *args, *common])
    print(f"spark_build: {name} took {time.monotonic() - t0:.0f}s", flush=True)
    if not result.success:
        why = f": {result.exception}" if result.exception else " (see the dbt output above)"
        print(f"spark_build: {name} failed{why}", file=sys.stderr, flush=True)
        sys.exit(1)
print(f"spark_build: done in {time.monotonic() - t_all:.0f}s; marts in {out}/marts", flush=True)
PY
