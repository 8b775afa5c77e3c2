# MDS connectée — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install quality lint unit e2e bench clean-data stop messages backup restore load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv

$(STAMP): requirements.lock $(BIN)/python
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	touch $(STAMP)

install: $(STAMP)

## Start everything (embedded PostgreSQL + Redis unless DATABASE_URL/REDIS_URL are set).
run: install
	$(BIN)/python scripts/run_dev.py

## Lint, migrations check, deploy check and the whole pytest suite.
## The main session runs on TEST_WORKERS pytest-xdist workers (one per core by default), each with its
## own test database and Redis database; a test file stays on one worker (module fixtures, browser).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
test: install quality
	$(BIN)/python -m pytest -m "not redis_outage and not postgres_outage" -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	# Outage tests stop the shared Redis, then the shared PostgreSQL, on purpose: sessions of their
	# own, after everything else (PostgreSQL last: it is the test database's server).
	$(BIN)/python -m pytest -m redis_outage $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/python -m pytest -m postgres_outage $(PYTEST_ARGS) || [ $$? -eq 5 ]

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint --quiet
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production \
	  SECRET_KEY=dummy-secret-key-for-the-deploy-check-only-0123456789abcdefghijklmnop \
	  ALLOWED_HOSTS=mds.example.org \
	  JOURNAL_HMAC_KEY=dummy-journal-key-for-the-deploy-check-only-0123456789 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

unit: install
	$(BIN)/python -m pytest -m "not e2e and not integration" $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv

## Back up the database (embedded, or DATABASE_URL): pg_dump custom format into backups/.
backup: install
	$(BIN)/python scripts/backup.py backup $(if $(OUTPUT),--output $(OUTPUT))

## Restore a backup: make restore FILE=backups/mds-….dump YES=1 (stop make run first), or into a
## new database beside it: make restore FILE=… NEW_DB=mds_verif
restore: install
	@test -n "$(FILE)" || { echo "Usage : make restore FILE=backups/mds-AAAAMMJJ-HHMMSS.dump YES=1"; exit 2; }
	$(BIN)/python scripts/backup.py restore "$(FILE)" $(if $(NEW_DB),--new-database $(NEW_DB)) $(if $(YES),--yes)

## Load test (locust): against URL (default: a gunicorn started here on the embedded data), USERS
## concurrent users for DURATION; prints req/s, p50/p95/p99 and errors per page (docs/benchmarks.md).
load: install
	$(BIN)/python bench/load.py $(if $(URL),--url $(URL)) --users $(or $(USERS),8) --duration $(or $(DURATION),60s)

## Stop the embedded servers (left running by an interrupted session).
stop: install
	$(BIN)/python -m core.devservers stop

clean-data: stop
	rm -rf .data
