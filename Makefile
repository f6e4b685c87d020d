# paperwire: `make serve` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1/test
KATEX_DIR := src/paperwire/web/static/vendor/katex
SWAGGER_DIR := src/paperwire/web/static/vendor/swagger-ui
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test test-sqlite test-postgres test-topology coverage install browser katex swagger axe sample lint docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch lies on this machine's disk; an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for Playwright (never a downloaded browser).
browser:
	@test -x /usr/bin/chromium || { (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# KaTeX from the npm registry, served locally (no CDN).
katex: $(KATEX_DIR)/katex.min.js

$(KATEX_DIR)/katex.min.js:
	mkdir -p build/npm $(KATEX_DIR)/fonts
	cd build/npm && npm install --silent --no-audit --no-fund --no-save --prefix . katex@0.16.47 >/dev/null
	cp build/npm/node_modules/katex/dist/katex.min.css build/npm/node_modules/katex/dist/contrib/auto-render.min.js \
	   build/npm/node_modules/katex/LICENSE $(KATEX_DIR)/
	cp build/npm/node_modules/katex/dist/fonts/*.woff2 $(KATEX_DIR)/fonts/
	echo "katex 0.16.47 from the npm registry, installed by 'make katex'" > $(KATEX_DIR)/VERSION
	cp build/npm/node_modules/katex/dist/katex.min.js $(KATEX_DIR)/katex.min.js

# axe-core from the npm registry, for the accessibility checks of the browser tests (never served).
AXE := build/npm/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)

$(AXE):
	mkdir -p build/npm/axe
	cd build/npm/axe && npm install --silent --no-audit --no-fund --no-save --prefix . axe-core@4.14.1 >/dev/null

# Swagger UI for /api/docs from the npm registry, served locally (no CDN).
swagger: $(SWAGGER_DIR)/swagger-ui-bundle.js

$(SWAGGER_DIR)/swagger-ui-bundle.js:
	mkdir -p build/npm $(SWAGGER_DIR)
	cd build/npm && npm install --silent --no-audit --no-fund --no-save --prefix . swagger-ui-dist@5.35.0 >/dev/null
	cp build/npm/node_modules/swagger-ui-dist/swagger-ui.css build/npm/node_modules/swagger-ui-dist/favicon-32x32.png \
	   build/npm/node_modules/swagger-ui-dist/LICENSE $(SWAGGER_DIR)/
	echo "swagger-ui-dist 5.35.0 from the npm registry, installed by 'make swagger'" > $(SWAGGER_DIR)/VERSION
	cp build/npm/node_modules/swagger-ui-dist/swagger-ui-bundle.js $(SWAGGER_DIR)/swagger-ui-bundle.js

# Rebuild the built-in sample (src/paperwire/ingest/sample_data) from ../shared/data; only maintainers need this.
sample: install
	$(BIN)/python bench/build_sample.py

# One process migrates, ingests recent papers (offline: the built-in sample into an empty database, and says
# so), updates the search index and serves: `paperwire serve --prepare`.
serve: install katex swagger
	$(BIN)/paperwire serve --prepare --host $(HOST) --port $(PORT)

# Branch coverage of src/ over both runs (and the processes the tests start); the gate is in pyproject.toml.
test: install browser katex swagger axe
	rm -rf build/coverage && mkdir -p build/coverage
	$(MAKE) --no-print-directory test-sqlite test-postgres test-topology coverage

test-sqlite:
	$(BIN)/coverage run -m pytest -m "not topology"

# The same suite on PostgreSQL, minus the browser and real-model tests that do not touch the database.
test-postgres:
	PAPERWIRE_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/coverage run -m pytest -m "not browser and not model and not topology" -q

# Once: hosts as network namespaces on a private PostgreSQL cluster of their own (skipped, saying why, unless root).
test-topology:
	$(BIN)/coverage run -m pytest -m topology -q tests/topology

coverage:
	$(BIN)/coverage combine -q
	$(BIN)/coverage report --skip-covered --sort=cover | tail -n 25

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

docs: install
	TYPER_USE_RICH=0 COLUMNS=100 $(BIN)/python -m paperwire.cli._docs > docs/cli.md

clean:
	rm -rf $(VENV) build $(KATEX_DIR) $(SWAGGER_DIR) .pytest_cache
