# Quick start: `make demo` and `make test` on a machine with Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_URL ?= sqlite:///clientcare-demo.db

.PHONY: demo test lint typecheck importlint pytest bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the packaging metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py $(DEMO_URL)

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard src adapters tests features examples benchmarks tools)
	$(BIN)/ruff format --check src adapters

typecheck: $(STAMP)
	$(BIN)/python tools/typecheck_tree.py
	$(BIN)/mypy .typecheck/clientcare

importlint: $(STAMP)
	$(BIN)/python tools/typecheck_tree.py
	PYTHONPATH=.typecheck $(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck importlint pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .typecheck .mypy_cache .pytest_cache .ruff_cache .hypothesis build *.egg-info src/*.egg-info
