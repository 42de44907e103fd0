# Ship It — two commands do everything: `make play` (or `make run`) and `make test`.
# Both create .venv and install the project on first use (Python >= 3.11 as $(PYTHON)).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SCENARIO ?= legacy-enterprise

.PHONY: run play serve test wheel-check bench lint format docs validation clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Ship It needs Python >= 3.11 (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## Run the default scenario and print its DORA scorecard
	$(BIN)/shipit run $(SCENARIO)

play: $(STAMP)  ## Play the game in this terminal (SCENARIO=elite to choose another)
	$(BIN)/shipit play $(SCENARIO)

# make serve HOST=0.0.0.0 SERVE_ARGS=--token: other machines, with a join token.
HOST ?= 127.0.0.1
PORT ?= 8000
SERVE_ARGS ?=
serve: $(STAMP)  ## Publish the game in the browser (HOST=0.0.0.0 PORT=8000 SERVE_ARGS=--token)
	$(BIN)/shipit serve --host $(HOST) --port $(PORT) $(SERVE_ARGS)

test: $(STAMP)  ## Lint, check formatting, check generated docs, run the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m sim.docs --check
	$(BIN)/pytest -n auto

# tests/test_wheel.py (part of `make test`) installs the wheel offline, borrowing .venv's
# dependencies; this installs them from PyPI as `pip install` / `pipx install` would.
wheel-check: $(STAMP)  ## Build the wheel, install it with its dependencies from PyPI in a fresh venv, play it
	SHIPIT_WHEEL_DEPENDENCIES=pypi $(BIN)/pytest tests/test_wheel.py -n 0 -m wheel

bench: $(STAMP)  ## Measure model speed against a raw SimPy baseline
	$(BIN)/shipit bench

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: $(STAMP)  ## Regenerate docs/parameters.md, docs/practices.md, docs/metrics.md
	$(BIN)/python -m sim.docs

validation: $(STAMP)  ## Re-run every validation check and regenerate docs/validation.md
	$(BIN)/python -m sim.validation

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis
