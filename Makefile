# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run test lint typecheck lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip 25.3+ for --build-constraint: xstatic-bootstrap's sdist needs setuptools<81 to build.
$(VENV)/.installed: pyproject.toml requirements.lock build-constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--build-constraint build-constraints.txt -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Hearth: http://127.0.0.1:$(PORT)/accounts/login/  (web, worker and beat; Ctrl-C stops all)"
	@echo "Sign-in codes and other mail are printed here and kept under var/mail/."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

# mypy with django-stubs over the files pyproject.toml's [tool.mypy] names; CI runs it after
# the tests, so `make test` stays quick.
typecheck: install
	$(BIN)/mypy

# Refresh the lock after changing pyproject.toml's dependencies.
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .import_linter_cache .grimp_cache
