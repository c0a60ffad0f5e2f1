# The two commands: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint audit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Serve the dashboard on http://127.0.0.1:8050 (PORT to change), demo mode, embedded SQLite.
run: install
	$(BIN)/asb-dashboard upgrade-db
	ASB_DEMO=$${ASB_DEMO:-1} $(BIN)/asb-dashboard run

## Lint, then every test (browser tests need Debian's chromium: apt-get install chromium).
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## Known vulnerabilities in the installed dependencies.
audit: install
	$(BIN)/pip-audit --skip-editable --progress-spinner off

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Every performance figure in the README (about 9 minutes; needs PostgreSQL, Redis, chromium).
bench: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
