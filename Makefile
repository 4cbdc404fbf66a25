# Loopin: `make run` and `make test` work on a fresh machine with only Python 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: install run serve test faults browser bench lint format migrate createsuperuser demo worker beat clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q loopin  # bytecode once here, not on every start (pip did the libraries')
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	PORT=$(PORT) $(BIN)/python manage.py seed_demo

## run: install, migrate the embedded SQLite database, load demo data, serve on :8000 (OTPs print here)
run: demo
	@echo "Serving http://$(HOST):$(PORT)  (a phone or emulator on the network: HOST=0.0.0.0 make run, see README)"
	PORT=$(PORT) LOG_FORMAT=$${LOG_FORMAT:-console} $(BIN)/uvicorn loopin.config.asgi:app --host $(HOST) --port $(PORT) --ws-per-message-deflate false

## serve: the production-style server (no reload, one process per core)
serve: migrate
	$(BIN)/python -m loopin.config.serve --host 0.0.0.0 --port $(PORT) --workers $(WORKERS) --graceful-timeout 30

## test: the suite on one pytest worker per core (TEST_WORKERS=1 for one process); each worker has its own
## database, files and Redis keys (loopin/config/test_settings.py)
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS)

## faults: Redis stopped, database unreachable, SIGTERM, against real server processes
## (needs PostgreSQL at FAULTS_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres, and redis-server)
faults: $(STAMP)
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -q faults

## browser: the public pages, the sandbox checkout and the admin in Chromium (Debian `chromium`, driven by Playwright)
browser: $(STAMP)
	@command -v chromium >/dev/null || [ -n "$$CHROMIUM_PATH" ] || { echo "make browser needs Chromium: apt-get install -y chromium"; exit 1; }
	$(BIN)/pytest -q browser

## bench: start the app on PostgreSQL + Redis, load it from another process, print a table (docs/PERFORMANCE.md)
## (needs PostgreSQL at BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres, and redis-server)
bench: $(STAMP)
	@command -v redis-server >/dev/null || { echo "make bench needs redis-server: apt-get install -y redis-server"; exit 1; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check loopin faults bench browser
	$(BIN)/ruff format --check loopin faults bench browser
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format loopin faults bench browser
	$(BIN)/ruff check --fix loopin faults bench browser

createsuperuser: migrate
	$(BIN)/python manage.py createsuperuser

## worker / beat: in production run them under a supervisor that restarts them (compose `restart:`,
## deploy/systemd/loopin-worker.service and loopin-beat.service; docs/DEPLOY.md)
worker: $(STAMP)
	$(BIN)/celery -A loopin.config.celery worker --without-gossip --without-mingle --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A loopin.config.celery beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
