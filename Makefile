# The two commands of a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PAKN := $(VENV)/bin/pakn
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test test-sqlite test-postgres lint demo clean

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --silent
	$(PAKN) compile-translations
	touch $(STAMP)

setup: $(STAMP)

## Set up, load the areas and demo data (kept across runs), serve http://127.0.0.1:8000 on SQLite.
run: setup
	$(PAKN) migrate --noinput
	$(PAKN) import-areas --dataset 2025
	$(PAKN) demo
	$(PAKN) serve --bind 127.0.0.1:8000

## Set up and run the whole suite: lint, types, SQLite, then PostgreSQL when it is reachable.
test: setup
	scripts/run-tests

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy pakn
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var build *.egg-info
