# Comptoir: `make run` and `make test` do all set-up themselves, from a fresh Debian 12
# as root, with no terminal (CI runs `bash .ci/run` with CI=true and no stdin).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

# System tools the app and its tests drive: PDFs (wkhtmltopdf, pdftotext from poppler),
# the PostgreSQL the suite starts, the sshd and tmux of the SSH end-to-end test, the headless
# Chromium that tests/test_serve_browser.py drives through Playwright (which cannot download
# a browser of its own here), the cupsd (with lp/lpstat) and cups-pdf virtual printer the
# printing tests start.
DEBS := wkhtmltopdf poppler-utils postgresql openssh-server tmux chromium
DEBS += cups printer-driver-cups-pdf
# Debian's python3 cannot create a venv without python3-venv (no ensurepip); other
# Pythons (pyenv, python.org) ship it, so only ask for the package when it is lacking.
DEBS += $(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv)
# APT_DRY_RUN=1 prints the apt-get commands instead of running them (to check the logic).
APT_DRY_RUN ?=

# Stamps live inside the venv: deleting .venv resets them, and .venv is git-ignored.
STAMP_VENV := $(VENV)/.stamp-venv
STAMP_RUN := $(VENV)/.stamp-run
STAMP_TEST := $(VENV)/.stamp-test

.PHONY: help debs setup setup-test run test lint bench clean

help:
	@echo 'make run     set up, then start the demo (comptoir --demo)'
	@echo 'make test    set up with test extras, then pytest (PYTEST_ARGS="...")'
	@echo 'make lint    ruff check, ruff format --check, lint-imports, mypy'
	@echo 'make bench   python -m bench'
	@echo 'make clean   remove the venv and caches'

# Checked on every run (dpkg-query is fast) rather than stamped, so a removed package is
# noticed. apt-get runs only when something is missing, and `update` only once.
debs:
	@missing=""; \
	for pkg in $(DEBS); do \
	  status=$$(dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null || true); \
	  [ "$$status" = "install ok installed" ] || missing="$$missing $$pkg"; \
	done; \
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then \
	  sudo="sudo"; [ -t 0 ] || sudo="sudo -n"; \
	else \
	  echo "Missing Debian packages:$$missing (run as root or install sudo)" >&2; exit 1; \
	fi; \
	run=""; [ -z "$(APT_DRY_RUN)" ] || run="echo"; \
	echo "Installing Debian packages:$$missing"; \
	$$run $$sudo apt-get update; \
	$$run $$sudo env DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y --no-install-recommends $$missing

# Rebuilt from scratch if the stamp is missing: a half-made venv (e.g. ensurepip failed)
# must not pass for a good one.
$(STAMP_VENV): | debs
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(STAMP_RUN): pyproject.toml $(STAMP_VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml $(STAMP_VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: debs $(STAMP_RUN)

setup-test: debs $(STAMP_TEST)

run: setup
	$(BIN)/comptoir --demo

# No `|| true` or `-p no:...` here: pytest's exit code (5 when no test was collected) is
# the result.
test: setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: setup-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
