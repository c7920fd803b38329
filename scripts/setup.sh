#!/usr/bin/env bash
# Create or refresh the project's virtual environment from requirements.lock (exact pins).
# Idempotent: reinstalls only when requirements.lock changed since the last successful setup.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "setup: creating .venv with $("$PY" --version 2>&1) and installing pinned packages (a minute or two, first run only)"
"$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3" 2>/dev/null || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/python -c "import dbt.version, duckdb, great_expectations" # fail loudly if the install did not complete
# A DuckDB 1.4 client (what most BI drivers bundle), kept apart from the project's DuckDB,
# for the test that proves the published warehouse stays readable by older clients.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --target .venv/duckdb14 \
  "duckdb==1.4.4" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
echo "$want" > "$stamp"
