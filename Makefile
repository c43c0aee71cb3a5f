# Every target creates .venv and installs the project when needed, so a fresh clone needs
# nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo playground test soak mutate lint typecheck run migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot demo

# Slack in the browser: the sandbox and the bot on the demo history, at http://127.0.0.1:8080/.
PLAYGROUND_PORT ?= 8080
playground: $(STAMP)
	$(BIN)/python -m bot playground --port $(PLAYGROUND_PORT)

# Tests run on TEST_WORKERS processes (pytest-xdist), each with its own databases. They mostly
# wait (on HTTP, the databases, the processes they start): four workers kept only about one of
# two cores busy, so more workers than cores. Branch coverage of bot/ and storage/ is reported;
# below the floor in pyproject.toml (tool.coverage.report.fail_under) the run fails. The ten
# slowest tests are listed, to keep an eye on what the run's length is made of.
TEST_WORKERS ?= 4

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term --durations=10

# The long tests (minutes): a 5,000-recipient wave across replicas with the leader killed.
soak: $(STAMP)
	$(BIN)/pytest -m soak -s --timeout=3600

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
	rm -rf $(VENV) demo-output playground-output mutants .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.*
