"""Apache Superset over the marts (`make bi`, `make test-bi`): an instance under build/bi,
dashboards as code in bi/dashboards/, tests in bi/tests/. Runs in .venv-bi, never in .venv."""
