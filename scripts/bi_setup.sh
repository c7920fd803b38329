#!/usr/bin/env bash
# Create or refresh .venv-bi (Apache Superset, duckdb-engine, Playwright for bi/tests) from
# bi/constraints.txt (exact pins), for `make bi` and `make test-bi`. Kept apart from .venv:
# Superset pins its own Flask, SQLAlchemy 1.4 and pandas 2.1, which dbt's set does not share.
# Idempotent: reinstalls only when the pins or the interpreter changed since the last success.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
elif [ -x /usr/bin/python3.11 ] && /usr/bin/python3.11 -c "import ensurepip, venv" 2>/dev/null; then
  PY=/usr/bin/python3.11
else
  PY=python3.11
  command -v "$PY" >/dev/null 2>&1 || PY=python3
fi
stamp=.venv-bi/.requirements.sha256
want=$( (cat bi/constraints.txt; "$PY" -c "import sys; print(sys.executable, sys.version)") | sha256sum | cut -d' ' -f1)
if [ -x .venv-bi/bin/superset ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "bi_setup: creating .venv-bi with $("$PY" --version 2>&1) and installing Superset's pinned packages (a minute or two, about 900 MB, first run only)"
t0=$(date +%s)
"$PY" -m venv --clear .venv-bi
.venv-bi/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3" 2>/dev/null || true
.venv-bi/bin/python -m pip install --quiet --disable-pip-version-check -r bi/constraints.txt 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
# fail loudly if the install did not complete
.venv-bi/bin/python -c "import superset, duckdb_engine, cachetools, rich, flask_caching, playwright, pytest"
echo "$want" > "$stamp"
echo "bi_setup: .venv-bi ready in $(( $(date +%s) - t0 )) s, $(du -sh .venv-bi | cut -f1)"
