# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck unit format lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, create the SQLite database, load the real companies and the demo, serve on http://127.0.0.1:8000
run: install
	$(BIN)/kakehashi demo

## Install and run the whole suite: lint, types, tests (PostgreSQL too when KAKEHASHI_TEST_DATABASE_URL is set)
test: install lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks evaluation
	$(BIN)/ruff format --check src tests benchmarks evaluation

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

format: install
	$(BIN)/ruff format src tests benchmarks evaluation
	$(BIN)/ruff check --fix src tests benchmarks evaluation

## Re-pin every dependency after changing pyproject.toml
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | sort > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
