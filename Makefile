# Everything runs from the project's own virtualenv (.venv), created on first use.
#   make run    build report.duckdb from raw/ (RAW=... DB=... to change the paths)
#   make test   the test suite
#   make bench  benchmark on a generated corpus with ground truth (N=20000 reports; ARGS='--json b.json')
#   make dev    the Dagster UI on http://127.0.0.1:3000 (localhost only)
#   make lint   ruff check + ruff format --check
#   make clean  caches and leftover staging files; `make distclean` also .venv, .dagster/ and the database

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# Written once the install succeeded; redone when pyproject.toml (the pins) changes.
STAMP := $(VENV)/.installed

RAW ?= raw
DB ?= report.duckdb

# Dagster instance state (run history, schedules, step outputs) stays inside the project.
DAGSTER_HOME := $(CURDIR)/.dagster

.PHONY: help venv run test bench dev lint format clean distclean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	  py=""; \
	  for candidate in python3.11 python3; do \
	    if command -v $$candidate >/dev/null 2>&1 && \
	       $$candidate -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
	      py=$$candidate; break; \
	    fi; \
	  done; \
	  if [ -z "$$py" ]; then echo "error: Python 3.11 is required (python3.11, or python3 being 3.11)" >&2; exit 1; fi; \
	  echo "creating $(VENV) with $$(command -v $$py)"; \
	  $$py -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

run: $(STAMP)
	$(BIN)/python -m pipeline ingest --raw '$(RAW)' --db '$(DB)'

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The table it prints is explained in bench/README.md. Any other option of bench/run.py goes in ARGS.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(if $(N),--count $(N)) $(ARGS)

# DAGSTER_HOME must hold dagster.yaml: the committed one is copied in whenever it changes.
$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

# Dagster then warns that ./dagster.yaml "will not be used": expected, the copy in .dagster/ is.
# The PYTHONWARNINGS filter hides its advice to use `dg dev` (a separate package we do not install).
dev: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	@echo "Dagster UI: http://127.0.0.1:3000  (instance state in $(DAGSTER_HOME); stop with Ctrl-C)"
	DAGSTER_HOME='$(DAGSTER_HOME)' PYTHONWARNINGS='ignore:Function `dev_command` is superseded' \
	  $(BIN)/dagster dev -h 127.0.0.1 -p 3000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis build *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f *.duckdb.building *.duckdb.building.wal *.duckdb.building.prev
	rm -rf *.duckdb.building.tmp

distclean: clean
	rm -rf $(VENV) .dagster
	rm -f '$(DB)' '$(DB).wal' '$(DB).lock'
