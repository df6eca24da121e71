# HOC chat: `make run` starts a development server, `make test` runs the whole suite.
# Both need only Python >= 3.12; no Docker, PostgreSQL or Redis.

VENV := .venv
PY := $(VENV)/bin/python
# The first Python >= 3.12 on the PATH (pyenv shims that do not resolve are skipped).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)

.PHONY: run test lint format messages clean-venv lock

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "HOC chat needs Python 3.12 or newer on the PATH."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_demo_staff
	$(PY) manage.py create_demo_schedule
	$(PY) -m hoc.serve --bind 127.0.0.1 --port 8000

test: $(VENV)/.installed-test
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed-test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Needs GNU gettext. Dutch is the source language; locale/ holds the English catalogue.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=staticfiles \
		--ignore=tests --ignore=bench --no-obsolete --no-location
	$(PY) manage.py compilemessages --ignore=.venv

clean-venv:
	rm -rf $(VENV)

# The image installs requirements.lock with --require-hashes (Dockerfile); regenerate it
# after changing a pin in pyproject.toml. uv resolves for the image's Python and platform.
lock: $(VENV)/.installed
	$(PY) -m pip install --quiet uv==0.13.9
	$(VENV)/bin/uv pip compile pyproject.toml deploy/build-requirements.in --generate-hashes \
		--python-version 3.12 --python-platform x86_64-unknown-linux-gnu --no-header \
		-o requirements.lock
