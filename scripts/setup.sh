#!/usr/bin/env bash
# Create or refresh the project's virtual environment from requirements.lock (exact pins).
# Idempotent: reinstalls only when requirements.lock changed since the last successful setup.
set -euo pipefail
cd "$(dirname "$0")/.."
# The interpreter: Debian's /usr/bin/python3.11 when it is there (scripts/setup_system.sh
# installs it), because Debian builds it with profile-guided optimization and LTO: the ingest is
# pure Python and runs about a fifth faster on it than on a plain source build (pyenv's
# default), see benchmarks/README.md. Otherwise python3.11 or python3 from PATH; PYTHON=…
# overrides the choice.
if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
elif [ -x /usr/bin/python3.11 ] && /usr/bin/python3.11 -c "import ensurepip, venv" 2>/dev/null; then
  PY=/usr/bin/python3.11
elif command -v python3.11 >/dev/null 2>&1; then
  PY=python3.11
else
  PY=python3
fi
stamp=.venv/.requirements.sha256
# The stamp covers the pins and the interpreter: a different interpreter rebuilds the venv.
want=$( (cat requirements.lock; "$PY" -c "import sys; print(sys.executable, sys.version)") | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "setup: creating .venv with $("$PY" -c "import sys; print(sys.executable, sys.version.split()[0])") and installing pinned packages (a minute or two, first run only)"
"$PY" -m venv --clear .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3" 2>/dev/null || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/python -c "import dbt.version, duckdb, great_expectations" # fail loudly if the install did not complete
# A DuckDB 1.4 client (what most BI drivers bundle), kept apart from the project's DuckDB,
# for the test that proves the published warehouse stays readable by older clients.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --target .venv/duckdb14 \
  "duckdb==1.4.4" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
echo "$want" > "$stamp"
