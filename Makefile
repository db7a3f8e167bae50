# The contract with a new user: `make run` and `make test` work on a fresh clone.
# setuptools<80: jieba imports pkg_resources, which warns from setuptools 80 on.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export INTAKE_DATABASE_URL ?= sqlite:///var/intake.sqlite3

.PHONY: install run test test-fast lint bench clean

$(BIN)/intake: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip<26" "setuptools<80" wheel
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(BIN)/intake

install: $(BIN)/intake

run: install
	mkdir -p var
	$(BIN)/intake db upgrade
	$(BIN)/intake seed --demo
	$(BIN)/intake run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not postgres and not broker and not browser and not slow"

lint: install
	$(BIN)/ruff check intake triage channels tests migrations bench
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf var .pytest_cache
