# The Advisor: `make run` serves the app with demo data, `make test` runs the suite.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON_VERSION := 3.12
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= auto

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(UV):
	@command -v python$(PYTHON_VERSION) >/dev/null || { echo "Python $(PYTHON_VERSION) is required (python$(PYTHON_VERSION) not found)"; exit 1; }
	python$(PYTHON_VERSION) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --inexact --quiet
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the locked dependencies

lock: $(UV) ## Re-resolve dependencies into uv.lock after editing pyproject.toml
	$(UV) lock

run: install ## Install, migrate, load demo data; serve on http://127.0.0.1:8000 with a worker
	@echo "Preparing the database and the demo data..."
	@DEBUG=1 $(PY) manage.py migrate --noinput --verbosity 0
	@DEBUG=1 $(PY) manage.py seed_demo --verbosity 0
	@# A worker makes the reports' documents beside the server; Ctrl-C (or any exit) stops both.
	@# serve_demo ends its start-up lines with the address and the demo login.
	@DEBUG=1 $(PY) manage.py worker --verbosity 0 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	DEBUG=1 $(PY) manage.py serve_demo $(HOST):$(PORT)

test: install ## Run the whole test suite, one process per CPU (uses DATABASE_URL when set, else SQLite)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

e2e: install ## Run the browser tests in /usr/bin/chromium; failures leave screenshots in test-results/
	$(PY) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

lint: install ## Check code style (ruff lint and format) and the import layers (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install ## Type-check the app packages with mypy (strict)
	$(VENV)/bin/mypy config advisor projects reports

bench-scoring: install ## Time the recommendation engine; prints medians
	$(PY) benchmarks/scoring.py

bench-pdf: install ## Time the full PDF report against a plain WeasyPrint floor; prints medians
	$(PY) benchmarks/pdf.py $(BENCH_ARGS)

bench-docx: install ## Time the report as a Word file against the PDF (full and executive)
	$(PY) benchmarks/report_formats.py $(BENCH_ARGS)

bench-web: install ## Load-test the wizard (gunicorn, PostgreSQL, locust); prints rps, p50, p95
	$(PY) benchmarks/web.py $(BENCH_ARGS)

bench-load: install ## Load-test the whole journey (50 users, 60 s); prints p50/p95/p99 and lost answers
	$(PY) benchmarks/load.py $(BENCH_ARGS)

bench-import: install ## Time hostile answers files at the size limit against a normal one (CLI and web)
	$(PY) benchmarks/hostile_import.py $(BENCH_ARGS)

bench-pilot: install ## Time the pilot's import and verdict, and hostile results files at the limits
	$(PY) benchmarks/pilot.py $(BENCH_ARGS)

clean: ## Remove the virtualenv, the local database and generated files
	rm -rf $(VENV) db.sqlite3 media staticfiles

.PHONY: help install lock run test e2e lint format typecheck bench-scoring bench-pdf bench-docx bench-web bench-load bench-import bench-pilot clean
