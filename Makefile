# The two commands of the README: `make run` and `make test`. Both work on a fresh machine
# with Python 3.11+: they create the virtual environment and install what is needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint format migrate demo e2e bench clean

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
test: install
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

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
