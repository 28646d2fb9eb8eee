# Two commands for a fresh machine with Python 3.11, pip and apt:
#   make demo   set everything up and run the main job on the example articles
#   make test   set everything up and run the whole test suite
#   make check  lint and the fast tests (not marked slow): the edit-test loop, < 2 minutes
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo
# Every package pinned, as tested: `make setup` installs exactly these; `make lock`
# re-resolves them from pyproject.toml after a change of its dependencies.
LOCK   := requirements.lock

.PHONY: setup system-deps demo test check test-nllb lint clean lock

# axe-core (npm) for tests/test_a11y.py, which injects it into the review app's pages.
AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js

# Ace by DAISY (npm) for tests/test_ereaders.py, which checks every demo EPUB with it on
# Debian's Chromium (PUPPETEER_EXECUTABLE_PATH): --ignore-scripts skips the installers
# that download a browser and the Electron runner from outside the registry.
ACE_VERSION := 1.4.6
ACE := .cache/ace/node_modules/.bin/ace-cli

setup: system-deps $(STAMP) $(AXE) $(ACE)

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

$(ACE):
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/ace @daisy/ace-cli@$(ACE_VERSION)

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml $(LOCK)
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -r $(LOCK)
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

lock:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra dask --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" -o $(LOCK)

demo: setup
	@bash scripts/demo.sh $(DEMO)

# pytest-xdist: one worker per core (WORKERS=0: one process). loadfile keeps a file's tests
# on one worker, so its module fixtures (published workspaces, served apps) are built once;
# tests in different files run at the same time and share no fixed path or port.
WORKERS ?= auto
PYTEST  := $(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile --ignore=tests/nllb

test: setup lint
	$(PYTEST)

check: setup lint
	$(PYTEST) -m "not slow"

# The NLLB path (azad models build-nllb → models list → translate) on a tiny random NLLB
# built offline. Not part of `make test`: it installs the [nllb] extra, torch included
# (TORCH pins the CPU build that pip finds locally on the project's machines).
TORCH ?= torch==2.13.0
test-nllb: setup
	$(BIN)/pip install -q --disable-pip-version-check '$(TORCH)'
	$(BIN)/pip install -q --disable-pip-version-check -e '.[nllb]'
	$(BIN)/python -m pytest -q tests/nllb

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
