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

.PHONY: run test lint format bench bench-full bench-fixed report deploy-check lock clean

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

# Realistic corpus (benchmarks/realistic_corpus.py) against the bare pass, same run: 20 MB
# (ARGS="--megabytes 200" for 200 MB; ARGS="--profile" for the structure stage's top 15).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_pipeline $(ARGS)

# Growth 20 MB -> 200 MB (time <= 11x, peak RSS <= 1.3x), then the 60 MB one-line file and the
# 70 MB too_large check. About 10 minutes at today's speed.
bench-full: $(STAMP)
	$(BIN)/python -m benchmarks.bench_pipeline --growth $(ARGS)
	$(BIN)/python -m benchmarks.bench_pipeline --single-line $(ARGS)

# `make run`'s fixed cost on the seeds against a trivial one-task Prefect flow (<= 1.5x).
bench-fixed: $(STAMP)
	$(BIN)/python -m benchmarks.bench_fixed_cost $(ARGS)

report: $(STAMP)
	$(BIN)/python -m flows.score --output $(OUTPUT) $(ARGS)

lock:
	$(BIN)/pip-compile --no-header --strip-extras --output-file requirements.lock requirements.in

clean:
	rm -rf $(VENV) .prefect .pytest_cache .ruff_cache
	find data/clean -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
