#!/usr/bin/env bash
# Build the warehouse a second time on Spark (dbt target `spark`: dbt-spark's session method,
# pyspark in local mode) from the same seeds, run every dbt test there, and export each mart
# to build/spark/marts/<mart>.parquet for ingest/spark_compare.py.
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
dbt=(.venv-spark/bin/dbt --no-use-colors)
common=(--profiles-dir profiles --target spark --target-path "$out/target" --log-path "$out/logs")

step() {  # step NAME COMMAND...: run one dbt command, print its wall time
  local name=$1 t0=$SECONDS
  shift
  echo "spark_build: $name"
  "$@"
  echo "spark_build: $name took $((SECONDS - t0))s"
}
t_all=$SECONDS
step "dbt seed" "${dbt[@]}" seed --full-refresh "${common[@]}"
step "dbt run" "${dbt[@]}" run "${common[@]}"
step "dbt test" "${dbt[@]}" test "${common[@]}"
step "export marts" "${dbt[@]}" run-operation export_marts --args "{target_dir: '$out/marts'}" "${common[@]}"
echo "spark_build: done in $((SECONDS - t_all))s; marts in $out/marts"
