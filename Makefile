# Two commands for a fresh clone: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: serve build test snippets bench clean help
help:
	@echo "make serve  - install, build and serve the site on http://127.0.0.1:$(PORT) (live reload)"
	@echo "make test   - install and run every test"
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

serve: $(VENV)/.site-installed
	SITE_URL=http://127.0.0.1:$(PORT)/ SITE_URL_EN=http://127.0.0.1:$(PORT)/en/ NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs serve --dev-addr 127.0.0.1:$(PORT) --livereload

build: $(VENV)/.site-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

snippets: $(VENV)/.site-installed
	$(BIN)/python -m snipexec run

test: $(VENV)/.test-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf site .cache

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python benchmarks/bench.py
