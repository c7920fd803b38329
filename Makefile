# The two commands a user needs: `make build` and `make test`. Everything else is a step of them.
#
# Exit codes pass through: GNU make turns any failing recipe into its own exit 2, which would
# hide the CLI's 0 / 1 / 2 (see README). In question mode (-q) make instead returns a recipe's
# status 1 as its own 1 (and 2 stays 2), and recipes marked `+` still run in that mode; so
# every recipe here is `+` and -q is set for the whole run. (Only phony targets live here, so
# -q never has a file target to consider "out of date".)
MAKEFLAGS += -q
SHELL := /bin/bash
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONDONTWRITEBYTECODE := 1
PY := .venv/bin/python
DBT := .venv/bin/dbt

.PHONY: build test setup ingest unit lint docs bench clean build-spark bi bi-stop test-bi

setup:
	+@bash scripts/setup_system.sh
	+@bash scripts/setup.sh

## make build: ingest the shipped documents, build and check the warehouse, publish it.
## Exit code: 0 all checks pass; 1 a check failed (published, flagged) or a model did not
## build; 2 bad input or not publishable (nothing published).
build: setup
	+@$(PY) -m ingest.cli build $(BUILD_ARGS)

## make test: unit tests, SQL lint, the full build with every dbt test and GX suite, then the
## tests that run against the built warehouse (planted-failure copies, README queries, readers).
test: setup unit lint
	+@$(PY) -m ingest.cli build --force
	+@bash scripts/spark_build.sh
	+@$(PY) -m ingest.warehouse.spark_compare
	+@$(PY) -m pytest -q -m warehouse -n 2 --dist loadfile

## make build-spark: the same warehouse built and tested on Spark (dbt target `spark`), every
## mart compared with the DuckDB build.
build-spark: build
	+@bash scripts/spark_build.sh
	+@$(PY) -m ingest.warehouse.spark_compare

## make bi: Apache Superset over the published warehouse, dashboards of bi/dashboards, on
## 127.0.0.1 (its own .venv-bi; not part of build or test). make bi-stop stops it.
bi: setup
	+@bash scripts/bi.sh up

bi-stop:
	+@bash scripts/bi.sh stop

## make test-bi: Superset started, dashboards imported, chart data checked against DuckDB,
## the dashboard rendered in headless Chromium with nothing allowed off 127.0.0.1.
test-bi: setup
	+@bash scripts/bi.sh test

unit: setup
	+@$(PY) -m pytest -q -m "not warehouse"

lint: setup
	+@.venv/bin/sqlfluff lint models tests macros --disable-progress-bar --nocolor

docs: setup
	+@$(PY) -m ingest.cli docs

bench: setup
	+@$(PY) -m ingest.bench

clean:
	+rm -rf target logs build seeds/raw_*.csv exports reports
