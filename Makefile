# The two commands a user needs: `make build` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONDONTWRITEBYTECODE := 1
PY := .venv/bin/python
DBT := .venv/bin/dbt

.PHONY: build test setup ingest unit lint docs bench clean build-spark

setup:
	@bash scripts/setup_system.sh
	@bash scripts/setup.sh

## make build: ingest the shipped documents, build and check the warehouse, publish it.
build: setup
	@$(PY) -m ingest.cli build

## make test: unit tests, SQL lint, the full build with every dbt test and GX suite, then the
## tests that run against the built warehouse (planted-failure copies, README queries, readers).
test: setup unit lint
	@$(PY) -m ingest.cli build --force
	@bash scripts/spark_build.sh
	@$(PY) -m ingest.spark_compare
	@$(PY) -m pytest -q -m warehouse

## make build-spark: the same warehouse built and tested on Spark (dbt target `spark`), every
## mart compared with the DuckDB build.
build-spark: build
	@bash scripts/spark_build.sh
	@$(PY) -m ingest.spark_compare

unit: setup
	@$(PY) -m pytest -q -m "not warehouse"

lint: setup
	@.venv/bin/sqlfluff lint models tests macros --disable-progress-bar --nocolor

docs: setup
	@$(PY) -m ingest.cli docs

bench: setup
	@$(PY) -m ingest.bench

clean:
	rm -rf target logs build seeds/raw_*.csv exports reports
