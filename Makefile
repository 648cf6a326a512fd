# The README's first two commands: `make run` and `make test`.
# Both create .venv with Python 3.11 on first use; nothing else is needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
SCOSIM := $(BIN)/scosim

DEFAULT_SCENARIO := scenarios/expansion_economic.toml

.PHONY: run scenarios figures app test lint typecheck backtest bench clean help

help:
	@echo "make run    - set up $(VENV) and run the main job on the default scenario ($(DEFAULT_SCENARIO))"
	@echo "make scenarios - run every scenario in scenarios/ into results/<name>/"
	@echo "make figures - regenerate every figure and table of the paper into results/experiments/"
	@echo "make app    - launch the classroom app (prints its address; opens no browser)"
	@echo "make test   - set up $(VENV) with test extras, lint, type-check and run the whole test suite"
	@echo "make backtest - replay the recorded events and score the model"
	@echo "make bench  - throughput benchmark (not a test)"
	@echo "make clean  - remove $(VENV) and caches"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "scosim needs Python 3.11 (set PYTHON=...)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record which extras are installed; they are redone when pyproject.toml changes.
$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.stamp-run

run: $(VENV)/.stamp-run
	$(SCOSIM) run $(DEFAULT_SCENARIO) --force

$(VENV)/.stamp-figures: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[experiments]"
	@touch $@ $(VENV)/.stamp-run

figures: $(VENV)/.stamp-figures
	$(SCOSIM) experiment all --workers 2

$(VENV)/.stamp-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[app]"
	@touch $@ $(VENV)/.stamp-run

app: $(VENV)/.stamp-app
	$(SCOSIM) app

scenarios: $(VENV)/.stamp-run
	@for f in scenarios/*.toml; do $(SCOSIM) run $$f --force --workers 2 || exit 1; done

backtest: $(VENV)/.stamp-run
	$(SCOSIM) backtest

bench: $(VENV)/.stamp-run
	$(SCOSIM) bench

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.stamp-dev
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
