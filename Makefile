# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app camp_app
STAMP := $(VENV)/.installed

.PHONY: run test install migrate seed worker serve lint format bench bench-rush messages clean-db regen-migration

CATALOGS := $(wildcard camp_app/translations/*/LC_MESSAGES/messages.po)

# Development installs both locks (requirements-dev.lock starts with -r requirements.lock);
# a server installs requirements.lock alone (docs/deployment.md).
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml $(CATALOGS)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); try: make PYTHON=python3"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# Compiled catalogs (.mo) are built here, not committed.
	if [ -d camp_app/translations ]; then $(BIN)/pybabel -q compile -d camp_app/translations; fi
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

## Development server on http://127.0.0.1:5000 with the mail worker beside it.
run: seed
	@echo ""
	@echo "Starting the mail worker and the server. Stop both with Ctrl-C."
	@trap 'kill 0' INT TERM EXIT; \
	  DEV_MAILBOX=1 $(FLASK) mail-worker & \
	  DEV_MAILBOX=1 $(FLASK) run --host 127.0.0.1 --port 5000 --debug --no-reload

## One test process per core (pytest-xdist); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m benchmarks

## The registration rush against a bare Flask app on the same gunicorn and PostgreSQL.
bench-rush: install
	$(BIN)/python -m benchmarks.rush

## Extract the texts to translate and update the catalogs (Spanish first).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o camp_app/translations/messages.pot .
	$(BIN)/pybabel update -i camp_app/translations/messages.pot -d camp_app/translations
	$(BIN)/pybabel compile -d camp_app/translations

regen-migration: install
	scripts/regenerate-initial-migration
