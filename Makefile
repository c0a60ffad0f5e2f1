# The two commands: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# What the venv installs: exact versions with hashes (requirements/*.lock, made by `make lock`).
# base.lock: what running needs (`make run`); prod.lock: base and the production back ends, the
# PostgreSQL driver and the Redis client (a Procfile deployment); test.lock: prod and the test
# tools (`make test`, CI); bench.lock: test and the benchmark tools.
RUN_STAMP := $(VENV)/.installed-base
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install install-run run test test-fast lint audit lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The locked packages (pip checks every hash), then this project alone, built with the locked
# setuptools; `pip check` fails if pyproject.toml needs something the lock does not have.
# One stamp per lock, so `make test` after `make run` still installs the test lock.
define INSTALL_LOCK
	$(BIN)/python -m pip install --quiet --require-hashes -r $(1)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@
endef

$(RUN_STAMP): pyproject.toml requirements/base.lock | $(BIN)/python
	$(call INSTALL_LOCK,requirements/base.lock)

$(TEST_STAMP): pyproject.toml requirements/test.lock | $(BIN)/python
	$(call INSTALL_LOCK,requirements/test.lock)

install-run: $(RUN_STAMP)
install: $(TEST_STAMP)

## Serve the dashboard on http://127.0.0.1:8050 (PORT to change), demo mode, embedded SQLite.
## Installs requirements/base.lock only (a venv that has the test lock already keeps it).
run: install-run
	$(BIN)/asb-dashboard upgrade-db
	ASB_DEMO=$${ASB_DEMO:-1} $(BIN)/asb-dashboard run

## Lint, the layer contracts (import-linter), the type checks (mypy), then every test on two
## pytest-xdist workers, a test module to a worker (browser tests need Debian's chromium:
## apt-get install chromium). Tests that draw charts with kaleido take turns through a file lock
## (tests/conftest.py): two kaleido browsers at once once hung a busy machine.
test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadfile

## The fast tier for every change (about a minute): no browser, no servers started.
test-fast: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser and not slow" -q

## Known vulnerabilities in the locked dependencies. Exits non-zero on a finding, and also when
## some packages could not be checked (scripts/audit.py says which; on its own it exits 3 then).
audit: install
	$(BIN)/python scripts/audit.py

## Regenerate requirements/*.lock from pyproject.toml, keeping the pinned versions that still fit
## (UPGRADE=1: the newest releases). One version of each package for every Python >= 3.11.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--fork-strategy fewest --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(UV_COMPILE) -o requirements/base.lock
	$(UV_COMPILE) --extra production -c requirements/base.lock -o requirements/prod.lock
	$(UV_COMPILE) --extra production --extra test -c requirements/prod.lock \
		-o requirements/test.lock
	$(UV_COMPILE) --extra production --extra test --extra bench -c requirements/test.lock \
		-o requirements/bench.lock

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Every performance figure in the README (about 9 minutes; needs PostgreSQL, Redis, chromium).
bench: install
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bench.lock
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
