# The two commands of a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PAKN := $(VENV)/bin/pakn
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test test-sqlite test-postgres lint lock demo clean screenshots

# Python packages come from the lock file, every one checked against its hashes (requirements/dev.txt:
# runtime and development; requirements/runtime.txt: what a server needs). `make lock` writes both.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps \
	--no-emit-index-url --no-emit-find-links

$(STAMP): pyproject.toml requirements/dev.txt package.json package-lock.json
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
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

## Write the lock files again from pyproject.toml (after adding or changing a dependency), then `make setup`.
lock:
	test -x $(VENV)/bin/pip-compile || $(VENV)/bin/pip install --quiet pip-tools
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --extra dev -o requirements/dev.txt pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements/runtime.txt pyproject.toml

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy pakn
	$(VENV)/bin/lint-imports

## Refresh the guides' screenshots (docs/guides/img/) from a throwaway demo site (needs /usr/bin/chromium).
screenshots: setup
	$(VENV)/bin/python scripts/screenshots.py

clean:
	rm -rf $(VENV) var build *.egg-info
