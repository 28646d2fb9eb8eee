# Two commands for a fresh machine with Python 3.11, pip and apt:
#   make demo   set everything up and run the main job on the example articles
#   make test   set everything up and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo

.PHONY: setup system-deps demo test lint clean

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: setup
	@bash scripts/demo.sh $(DEMO)

test: setup lint
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check azad flows tests bench
	$(BIN)/ruff format --check azad flows tests bench
	$(BIN)/mypy azad flows
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache .mypy_cache

# Known vulnerabilities in the installed dependencies (scripts/audit.sh: online through
# OSV, or offline with AZAD_OSV_DB=<OSV's PyPI dump>); not part of `make test`.
.PHONY: audit
audit: setup
	@bash scripts/audit.sh
