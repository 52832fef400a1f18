# The two commands of the README. Each installs what it needs into .venv first.
#   make sample   build the sample briefing from articles/ into audio/
#   make test     lint, type-check and run every test (installs ffmpeg for ffprobe if missing)
#   make bench    run the benchmarks under benchmarks/ and print their figures (installs
#                 Debian's espeak-ng and ffmpeg for the raw-pipeline comparison)
#   make bench-intelligibility  word error of an offline recogniser on the built briefings
#                 against the raw engines (installs the piper and proof extras)

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: sample test lint bench bench-intelligibility install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pip install --quiet -e '.[test,dask,piper,proof]'

sample: install
	$(BIN)/briefing build

lint: install-test
	$(BIN)/ruff check briefing tests benchmarks
	$(BIN)/mypy

test: install-test
	bash .ci/system-deps
	$(BIN)/ruff check briefing tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: install
	bash .ci/system-deps bench
	$(BIN)/python benchmarks/performance.py
	$(BIN)/python benchmarks/memory.py

bench-intelligibility: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[piper,proof]'
	$(BIN)/python benchmarks/intelligibility.py

clean:
	rm -rf audio .briefing
