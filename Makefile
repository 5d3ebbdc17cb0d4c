# CellDecide: `make run` serves the site on the embedded default (SQLite); `make test` runs every test.
# Both create .venv/ and install the pinned dependencies (requirements/constraints.txt) when needed.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
DEPS_HASH := $(shell cat pyproject.toml requirements/constraints.txt | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(DEPS_HASH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test test-sqlite test-postgres browser-deps check clean fuzz bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Start the site on http://$(HOST):$(PORT)/ with the knowledge base loaded into var/celldecide.sqlite3
## (or DATABASE_URL).
run: install
	$(BIN)/python -m celldecide.web.manage migrate --noinput
	$(BIN)/celldecide kb load
	$(BIN)/celldecide trials import data/sample-trials --json
	CELLDECIDE_STATIC_MANIFEST=1 $(BIN)/python -m celldecide.web.manage collectstatic --noinput --verbosity 0
	CELLDECIDE_STATIC_MANIFEST=1 DJANGO_SETTINGS_MODULE=celldecide.web.settings.dev $(BIN)/gunicorn celldecide.web.wsgi:application \
	  --bind $(HOST):$(PORT) --workers 2 --access-logfile - --forwarded-allow-ips 127.0.0.1

## Run the whole suite: SQLite first, then the database tests again on PostgreSQL.
test: install browser-deps
	$(BIN)/python -m pytest
	$(BIN)/python tests/run_postgres.py

## Debian's chromium and axe-core for the browser tests (installed once; see tests/browser/install.sh).
browser-deps:
	@bash tests/browser/install.sh

## Fuzz for longer than `make test` does: 100,000 reader inputs (hypothesis) and 1,000 requests per API
## operation generated from /api/v1/openapi.json (schemathesis). See tests/fuzz/.
fuzz: install
	CELLDECIDE_FUZZ_EXAMPLES=100000 CELLDECIDE_FUZZ_API_EXAMPLES=1000 $(BIN)/python -m pytest -q -n 2 tests/fuzz

test-sqlite: install
	$(BIN)/python -m pytest

test-postgres: install
	$(BIN)/python tests/run_postgres.py

## Run every benchmark in bench/ (reader, import, search, HTTP with wrk against gunicorn) into
## bench/results.json and print the figures against their targets.
bench: install
	$(BIN)/python bench/run.py

check: install
	$(BIN)/celldecide kb check

clean:
	rm -rf $(VENV) var/static
