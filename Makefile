# The two commands of the README: `make run` and `make test`. Both work on a fresh machine
# with Python 3.11+: they create the virtual environment and install what is needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint format migrate demo e2e bench clean axe axe-if-npm

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## Runs web (http://127.0.0.1:8000), Celery worker and scheduler, and the AWS sandbox. Ctrl-C stops all.
run: demo
	$(PY) -m portal.runall

## ruff, then the whole test suite (real browser tests included when Chromium is installed).
test: install axe-if-npm
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script; done

# axe-core, the accessibility checker the browser tests run in each page
# (tests/e2e/test_layout_and_accessibility.py): one pinned version from the npm registry, its
# tarball checked against the pinned integrity, only axe.min.js (with its MPL-2.0 header) kept
# under var/vendor/ (not committed; `make clean` forgets it). Needs npm.
AXE_VERSION := 4.14.1
AXE_INTEGRITY := sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR := var/vendor/axe-core
AXE_JS := $(AXE_DIR)/axe.min.js

$(AXE_DIR)/.version-$(AXE_VERSION):
	rm -rf $(AXE_DIR) && mkdir -p $(AXE_DIR)
	cd $(AXE_DIR) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	test "sha512-$$(openssl dgst -sha512 -binary $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz | openssl base64 -A)" = "$(AXE_INTEGRITY)"
	tar -xzf $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz -C $(AXE_DIR) --strip-components=1 package/axe.min.js package/LICENSE
	rm $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz
	head -c 20 $(AXE_JS) | grep -q "axe v$(AXE_VERSION)"
	touch $@

## axe-core for the accessibility tests (CI: .ci/run calls it).
axe: $(AXE_DIR)/.version-$(AXE_VERSION)

# `make test` fetches axe-core when it can (npm and the registry reachable); otherwise the
# accessibility tests are skipped with that instruction (and fail in CI, which runs `make axe`).
axe-if-npm:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory axe \
	  || echo "axe-core could not be fetched: the accessibility tests need 'make axe'"; \
	else echo "npm not found: the accessibility tests need 'make axe' (axe-core from npm)"; fi

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
