# Every target creates .venv and installs the project when needed, so a fresh clone needs
# nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test soak mutate lint typecheck run migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

# The long tests (minutes): a 5,000-recipient wave across replicas with the leader killed.
soak: $(STAMP)
	$(BIN)/pytest -m soak -s

# Mutation testing of the rule modules over the tests that cover them (minutes; docs/TESTING.md).
# Not part of `make test`. Niced, one mutant at a time unless MUTATE_JOBS says otherwise.
MUTATE_JOBS ?= 1
mutate: $(STAMP)
	nice -n 10 $(BIN)/python scripts/mutate.py --jobs $(MUTATE_JOBS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

migrate: $(STAMP)
	$(BIN)/python -m bot db upgrade

run: migrate
	$(BIN)/python -m bot run

clean:
	rm -rf $(VENV) demo-output mutants .pytest_cache .ruff_cache .mypy_cache
