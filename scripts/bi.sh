#!/usr/bin/env bash
# make bi / make bi-stop / make test-bi: Apache Superset over the published warehouse.
#   bash scripts/bi.sh up     .venv-bi, build/bi (config, metadata DB, admin), server on
#                             127.0.0.1 (BI_PORT, default 8088), dashboards of bi/dashboards
#   bash scripts/bi.sh stop   stop that server (by its pid file, build/bi/superset.pid)
#   bash scripts/bi.sh test   bi/tests: its own instance on a free port, a copy of the warehouse
# The warehouse is built first (make build) only when there is none yet.
set -euo pipefail
cd "$(dirname "$0")/.."
export DO_NOT_TRACK=1 PYTHONDONTWRITEBYTECODE=1
wh=${WAREHOUSE_PATH:-warehouse.duckdb}
case "${1:-}" in
  up|test)
    bash scripts/bi_setup.sh
    if [ ! -f "$wh" ]; then
      echo "bi: no warehouse at $wh yet: building it first (make build)"
      make build || [ $? -eq 1 ]  # exit 1 = published with a check flagged: still a warehouse to show
    fi
    if [ "$1" = up ]; then
      exec .venv-bi/bin/python -m bi.instance up
    fi
    t0=$(date +%s)
    set +e
    .venv-bi/bin/python -m pytest -q -p no:cacheprovider bi/tests
    rc=$?
    set -e
    echo "test-bi: $(( $(date +%s) - t0 )) s (screenshots and figures in build/bi-test/)"
    exit $rc
    ;;
  stop)
    [ -x .venv-bi/bin/python ] || { echo "bi: not running"; exit 0; }
    exec .venv-bi/bin/python -m bi.instance stop
    ;;
  *)
    echo "usage: bash scripts/bi.sh up|stop|test" >&2
    exit 2
    ;;
esac
