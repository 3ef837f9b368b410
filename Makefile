# qingxi: `make run` cleans data/raw into data/clean; `make test` runs the whole suite.
# Both create .venv, install the locked dependencies, then qingxi itself in editable mode
# (`pip install -e .`, which puts the `qingxi` command in .venv/bin), once per change of
# requirements.lock or pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL ?= WARNING
export PREFECT_SERVER_LOGGING_LEVEL ?= CRITICAL
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

INPUT ?= data/raw
OUTPUT ?= data/clean
ARGS ?=

.PHONY: run test lint format bench bench-full report deploy-check lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/qingxi normalize --input $(INPUT) --output $(OUTPUT) $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_pipeline $(ARGS)

report: $(STAMP)
	$(BIN)/python -m flows.score --output $(OUTPUT) $(ARGS)

lock:
	$(BIN)/pip-compile --no-header --strip-extras --output-file requirements.lock requirements.in

clean:
	rm -rf $(VENV) .prefect .pytest_cache .ruff_cache
	find data/clean -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
