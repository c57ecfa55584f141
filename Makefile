# Every set-up step of the project lives here, so a fresh machine (and CI) needs
# nothing installed by hand. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean browser schema

demo: $(VENV)/.bytecode
	$(BIN)/ropa check inventory/
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "The register site is in site/: open site/index.html, or run $(BIN)/mkdocs serve"

test: $(VENV)/.installed-test $(VENV)/.bytecode browser
	$(BIN)/ruff check registry tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check registry tests bench
	$(BIN)/lint-imports

# Headless Chromium for the browser tests: Debian's package (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# ropa's own bytecode. pip compiles a wheel's modules on install; an editable install
# has none, and where PYTHONDONTWRITEBYTECODE is set (as on the bench machine) Python
# never writes it, so every run compiled ropa's modules from source (~0.04 s of a
# check's start-up). Python checks each .pyc against its source's mtime and size and
# recompiles a stale one in memory, so a stale cache only costs what no cache does;
# this target writes it again whenever a source is newer (compileall skips the rest).
$(VENV)/.bytecode: $(VENV)/.installed $(shell find registry -name '*.py')
	$(BIN)/python -m compileall -q registry
	touch $@

bench: $(VENV)/.installed-test $(VENV)/.bytecode
	$(BIN)/python bench/run.py

# The JSON Schema editors use (tests/test_schema.py fails when it is stale).
schema: $(VENV)/.bytecode
	$(BIN)/ropa schema > schema/ropa.schema.json

clean:
	rm -rf site build *.egg-info .pytest_cache
