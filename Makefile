# Taawun: `make run` serves the site with demo accounts, `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
LMS := $(VENV)/bin/lms
STAMP := $(VENV)/.installed

.PHONY: help run test test-programs lint format install translations screens clean
.DEFAULT_GOAL := help

help: ## list the targets
	@awk -F ':.*## ' '/^[a-z-]+:.*## /{printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools
	$(PY) -c 'from lms.i18n import compile_catalogs as c; print(f"compiled {c()} catalogs")'

run: install ## serve the site at http://127.0.0.1:5000 with the courses and demo accounts
	$(LMS) init-db
	$(LMS) load-content content
	$(LMS) seed-demo
	$(LMS) serve --demo

test: install test-programs ## run every test (PostgreSQL too when LMS_TEST_DATABASE_URL is set)
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-programs: ## install Chromium, fonts, pdftotext (apt) and axe-core (npm) for the browser tests
	@.ci/system-packages
	@.ci/axe

lint: install ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## format the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

screens: install test-programs ## retake the pictures in docs/screens/ (Chromium, demo data)
	$(PY) -m tests.browser.screens

translations: install ## extract new strings into the .po files
	$(PY) -m lms.i18n update

clean: ## remove .venv and the instance folder
	rm -rf $(VENV) instance
