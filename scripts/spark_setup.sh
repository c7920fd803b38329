#!/usr/bin/env bash
# Create or refresh .venv-spark (dbt-core + dbt-spark[session] + pyspark) from
# requirements-spark.txt (exact pins), and make sure a Java 17+ runtime is there for Spark.
# Idempotent: reinstalls only when requirements-spark.txt changed since the last success.
set -euo pipefail
cd "$(dirname "$0")/.."

# Spark 4 needs Java 17 or newer. Install Debian's headless JRE only when none is found.
java_major() { java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  echo "spark_setup: no Java 17+ found; installing openjdk-17-jre-headless"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
stamp=.venv-spark/.requirements.sha256
want=$(sha256sum requirements-spark.txt | cut -d' ' -f1)
if [ -x .venv-spark/bin/dbt ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "spark_setup: creating .venv-spark with $("$PY" --version 2>&1) and installing pinned packages (a minute or two, first run only)"
"$PY" -m venv .venv-spark
.venv-spark/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3" 2>/dev/null || true
.venv-spark/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
.venv-spark/bin/python -c "import dbt.version, dbt.adapters.spark, pyspark" # fail loudly if the install did not complete
echo "$want" > "$stamp"
