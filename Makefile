# Quick start: `make demo` and `make test` on a machine with Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_URL ?= sqlite:///clientcare-demo.db

.PHONY: demo test lint typecheck importlint pytest docs bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the packaging metadata changes.
# setuptools reports the editable install's meta path finder (needed because the
# adapters/ folder installs as clientcare.adapters) as a "!!" warning that is only
# information; the filter silences exactly that message and no other warning.
$(STAMP): pyproject.toml | $(BIN)/python
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py $(DEMO_URL)

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard conftest.py src adapters tests features examples benchmarks tools)
	$(BIN)/ruff format --check src adapters

typecheck: $(STAMP)
	$(BIN)/python tools/typecheck_tree.py
	$(BIN)/mypy .typecheck/clientcare

importlint: $(STAMP)
	$(BIN)/python tools/typecheck_tree.py
	PYTHONPATH=.typecheck $(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The documentation site (site/, not committed): mkdocs reads the installed
# shape of the package from .typecheck/, like mypy.
docs: $(STAMP)
	$(BIN)/python tools/typecheck_tree.py
	$(BIN)/mkdocs build --strict --site-dir site

test: lint typecheck importlint docs pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) site .typecheck .mypy_cache .pytest_cache .ruff_cache .hypothesis build *.egg-info src/*.egg-info
