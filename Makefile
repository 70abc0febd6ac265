# Taawun: `make run` serves the site with demo accounts, `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
LMS := $(VENV)/bin/lms
STAMP := $(VENV)/.installed

.PHONY: run test lint format install translations clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	$(PY) -c 'from lms.i18n import compile_catalogs as c; print(f"compiled {c()} catalogs")'

run: install
	$(LMS) init-db
	$(LMS) load-content content
	$(LMS) seed-demo
	$(LMS) market seed-demo
	$(LMS) serve

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

translations: install
	$(PY) -m lms.i18n update

clean:
	rm -rf $(VENV) instance
