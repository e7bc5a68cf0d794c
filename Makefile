# Two entry points (see README): `make mock` and `make test`. Each builds its own .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

.PHONY: install mock test lint bench chromium axe screenshots smoke dist docs ltijs
install: $(STAMP)

mock: $(STAMP)
	$(BIN)/canvas-lti mock $(ARGS)

# The browser tests drive Debian's chromium (Playwright cannot download its own here).
chromium:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else echo "chromium is missing and installing it needs root: the browser tests will skip (in CI they fail)"; fi

# The browser tests inject axe-core (accessibility rules) into every console page they open.
AXE_VERSION := 4.14.1
AXE := .node/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm; \
	  else echo "npm is missing and installing it needs root: the accessibility checks will skip (in CI they fail)"; exit 0; fi; \
	fi; npm install --silent --no-save --no-package-lock --prefix .node axe-core@$(AXE_VERSION)

# ltijs 5 for tests/probe/test_ltijs.py (the probe against a Node tool), by hand only: not part of
# `make test` or CI (sqlite3 compiles from source where its prebuilt binary cannot be fetched: minutes).
ltijs:
	npm install --no-save --no-package-lock --prefix .node/ltijs ltijs@5.9.9 ltijs-sequelize@2.4.4 sqlite3@6.0.1

# The docs' screenshots (docs/screenshots/*.png), taken by the browser tests that show those pages.
screenshots: $(STAMP) chromium axe
	UPDATE_README_SCREENSHOTS=1 $(BIN)/python -m pytest -n 0 -q -p no:cacheprovider \
	  tests/ui/test_launches.py::test_inspector_shows_the_conversation_and_the_id_token_claims \
	  tests/ui/test_console.py::test_launch_as_student_inside_the_iframe \
	  tests/ui/test_console.py::test_score_appears_in_the_gradebook_without_reload

# JOBS: pytest-xdist workers (one per core by default; JOBS=0 runs in this process, e.g. for pdb).
JOBS ?= auto
test: $(STAMP) chromium axe
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(JOBS) $(ARGS)

# The documentation site (docs/, mkdocs.yml) into site/; `make test` builds it too (tests/ui/test_docs_site.py:
# --strict, a link check, Chromium). `$(BIN)/mkdocs serve` serves it while you edit.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

lint: $(STAMP)
	$(BIN)/ruff check .

# The wheel as users get it: build, install into a fresh venv outside the checkout, use it from an empty directory.
smoke: $(STAMP)
	.ci/wheel_smoke.sh $(BIN)/python

dist: $(STAMP)
	$(BIN)/python -m build --outdir dist .

bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get install -y wrk || (apt-get update && apt-get install -y wrk))
	$(BIN)/python -m bench $(ARGS)
