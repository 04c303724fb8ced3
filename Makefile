# The two commands of the quick start: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Open the front desk on the default SQLite database (a demo hotel is made on first run).
run: $(STAMP)
	$(BIN)/pms db upgrade
	$(BIN)/pms demo --if-empty
	$(BIN)/pms

## Lint, check the floors of the house and run the whole suite on SQLite and PostgreSQL.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto --maxprocesses=4

## The inner loop while working: no races, faults, properties or Pilot journeys; SQLite only.
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	PMS_TEST_SKIP_POSTGRES=1 $(BIN)/pytest -q -m "not slow and not tui"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/booking.py

clean:
	rm -rf $(VENV) .pytest_cache
