# Two commands for a newcomer: `make run` (demo on SQLite, tasks inline) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test lint types api-contract format install lock messages migrate demo backup restore bench bench-import bench-calc bench-ui bench-batch bench-refunds bench-reports bench-load reports-scale-data bench-scale worker

# The dependencies come from the lock files, every one checked against its hash; the project
# itself is installed on top, with no dependency of its own resolved.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Refresh the lock files from pyproject.toml (current versions within its ranges, with hashes).
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: install
	$(LOCK) --upgrade -o requirements.lock pyproject.toml
	cp requirements.lock requirements-dev.lock
	$(LOCK) --extra dev -o requirements-dev.lock pyproject.toml

# The system checks run once, when runserver starts (about a second and a half a command).
migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput --skip-checks

demo: migrate
	DEBUG=1 $(PY) manage.py load_parameters --skip-checks
	DEBUG=1 $(PY) manage.py events_load_2022 --skip-checks
	DEBUG=1 $(PY) manage.py setup_periodic_tasks --skip-checks
	DEBUG=1 LOG_LEVEL=WARNING $(PY) manage.py seed_demo --participants 3000 --seed 1 --if-empty --skip-checks

run: demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	CONN_MAX_AGE=0 $(BIN)/pytest -n 2 -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The project's code against the Django and DRF stubs ([tool.mypy] in pyproject.toml).
types: install
	$(BIN)/mypy

# The API against its own schema (schemathesis), as every partner scope and two staff roles,
# served by gunicorn on loopback from a small demo on a database of its own; any finding fails.
# CONTRACT_EXAMPLES bounds the random examples per operation, CONTRACT_SEED fixes them.
CONTRACT_DB = $(PG_URL)/gfss_api_contract
CONTRACT_EXAMPLES ?= 3
CONTRACT_SEED ?= 1
api-contract: install
	psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_api_contract" -c "CREATE DATABASE gfss_api_contract"
	DATABASE_URL=$(CONTRACT_DB) $(PY) manage.py migrate -v0
	DATABASE_URL=$(CONTRACT_DB) $(PY) manage.py load_parameters
	DATABASE_URL=$(CONTRACT_DB) LOG_LEVEL=WARNING $(PY) manage.py seed_demo --participants 200 --months 12 --seed 1
	DATABASE_URL=$(CONTRACT_DB) $(PY) manage.py api_contract --examples $(CONTRACT_EXAMPLES) --seed $(CONTRACT_SEED)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(PY) manage.py makemessages -l kk -l ru -l en --ignore ".venv/*" --ignore "staticfiles/*"
	$(PY) manage.py compilemessages --ignore ".venv/*"

# The database (pg_dump, custom format) and the stored files in one archive; see the README.
backup: install
	$(PY) manage.py backup $(if $(OUTPUT),--output $(OUTPUT),)

restore: install
	@test -n "$(FILE)" || (echo "make restore FILE=path/to/backup.tar [FORCE=1]" && exit 2)
	$(PY) manage.py restore $(FILE) $(if $(FORCE),--force,)

worker: install
	$(BIN)/celery -A gfss worker -Q celery,batch -l info

bench: bench-import bench-calc bench-ui bench-batch bench-refunds

# Each benchmark makes a fresh PostgreSQL database of its own on PG_URL (the server, without a
# database name); bench-batch starts a Celery worker on BENCH_REDIS_URL.
PG_URL ?= postgres://postgres@127.0.0.1:5432
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14

# MT-102 through import_mt102 against a plain COPY of the same rows, first load and steady
# state, in documents of 1,000 and 10,000 lines (IMPORT_LINES each); a 100 MB file's peak
# memory; the 20-year statement and the plans on a ledger of 10,000,000 lines.
IMPORT_LINES ?= 200000
bench-import: install
	psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_bench_import" -c "CREATE DATABASE gfss_bench_import"
	DATABASE_URL=$(PG_URL)/gfss_bench_import $(PY) manage.py bench_import --lines $(IMPORT_LINES) --statement-rows 10000000

# gunicorn (production settings) on the demo's data in a database of its own and Redis db
# LOAD_REDIS_URL, driven by locust from a second process: LOAD_RATE requests/s of mixed partner
# and staff traffic for LOAD_SECONDS, then rates raised until the p95 passes 300 ms.
LOAD_RATE ?= 100
LOAD_SECONDS ?= 120
LOAD_KNEE ?= 150,200,300,400
LOAD_REDIS_URL ?= redis://127.0.0.1:6379/6
bench-load: install
	psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_bench_load" -c "CREATE DATABASE gfss_bench_load"
	DATABASE_URL=$(PG_URL)/gfss_bench_load $(PY) manage.py migrate -v0
	DATABASE_URL=$(PG_URL)/gfss_bench_load $(PY) manage.py load_parameters
	DATABASE_URL=$(PG_URL)/gfss_bench_load LOG_LEVEL=WARNING $(PY) manage.py seed_demo --participants 3000 --seed 1
	DATABASE_URL=$(PG_URL)/gfss_bench_load REDIS_URL=$(LOAD_REDIS_URL) LOG_LEVEL=WARNING $(PY) manage.py bench_load \
		--rate $(LOAD_RATE) --duration $(LOAD_SECONDS) --knee-rates "$(LOAD_KNEE)"

# 10,000 calculations from the ledger's facts against fetching the same facts alone.
bench-calc: install
	psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_bench_calc" -c "CREATE DATABASE gfss_bench_calc"
	DATABASE_URL=$(PG_URL)/gfss_bench_calc $(PY) manage.py migrate -v0
	DATABASE_URL=$(PG_URL)/gfss_bench_calc $(PY) manage.py bench_calc --persons 10000

# The e-case pages on 50,000 open cases and 2M contribution lines, then the person card of 20
# years of history and the search by name over a million persons, on a database of its own.
bench-ui: install
	psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_bench_ui" -c "CREATE DATABASE gfss_bench_ui"
	DATABASE_URL=$(PG_URL)/gfss_bench_ui $(PY) manage.py migrate -v0
	DATABASE_URL=$(PG_URL)/gfss_bench_ui $(PY) manage.py bench_ui
	DATABASE_URL=$(PG_URL)/gfss_bench_ui $(PY) manage.py bench_cards

# Batch jobs on PostgreSQL with one Celery worker when REDIS_URL is set (else in-process, said so):
# indexation of 150,000 awards and a payment run for 1,200,000, each against one SQL statement.
# BENCH_BATCH_DB names its database (its name must contain "bench").
BENCH_BATCH_DB ?= gfss_bench_batch
bench-batch: install
	psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS $(BENCH_BATCH_DB)" -c "CREATE DATABASE $(BENCH_BATCH_DB)"
	DATABASE_URL=$(PG_URL)/$(BENCH_BATCH_DB) $(PY) manage.py migrate -v0
	DATABASE_URL=$(PG_URL)/$(BENCH_BATCH_DB) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py bench_batch

# Refunds on a ledger of 10,000,000 lines: the check of a 20-line application, the officers'
# list over 60,000 applications, a payout order of 5,000, each against its one-statement floor.
# The database and its ledger are kept between runs (a ledger half-built goes on where it
# stopped); BENCH_FRESH=1 starts from an empty database.
bench-refunds: install
	$(if $(BENCH_FRESH),psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_bench_refunds")
	psql $(PG_URL)/postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'gfss_bench_refunds'" | grep -q 1 \
		|| psql $(PG_URL)/postgres -qc "CREATE DATABASE gfss_bench_refunds"
	DATABASE_URL=$(PG_URL)/gfss_bench_refunds $(PY) manage.py migrate -v0
	DATABASE_URL=$(PG_URL)/gfss_bench_refunds $(PY) manage.py bench_refunds

# The summaries' rebuild, the report pages and API timed on a database's data, against one SUM
# over the ledger: REPORTS_DB_URL (default: the demo's SQLite file after `make demo`).
bench-reports: install
	DEBUG=1 LOG_LEVEL=WARNING $(if $(REPORTS_DB_URL),DATABASE_URL=$(REPORTS_DB_URL)) $(PY) manage.py bench_reports

# The dataset of the report targets, on a database of its own: SCALE of national (default one
# tenth: 675,000 participants, three years of contributions, 120,000 awards); then
# `make bench-reports REPORTS_DB_URL=$(PG_URL)/gfss_bench_reports`.
SCALE ?= 0.1
reports-scale-data: install
	psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_bench_reports" -c "CREATE DATABASE gfss_bench_reports"
	DATABASE_URL=$(PG_URL)/gfss_bench_reports $(PY) manage.py migrate -v0
	DATABASE_URL=$(PG_URL)/gfss_bench_reports $(PY) manage.py load_parameters
	DATABASE_URL=$(PG_URL)/gfss_bench_reports LOG_LEVEL=WARNING $(PY) manage.py seed_demo --scale $(SCALE)

# The whole country on one machine: SCALE of national size (default 0.1) on gfss_bench_scale,
# kept between runs (a rerun goes on from the first step not done; BENCH_FRESH=1 starts
# again); refused before it starts when the disk it needs is not free. Times the month's
# MT-102 import, the payment run, a back-dated indexation, the 20-year statement, the queue and
# e-case, the dashboards and nightly summaries, each beside its one-statement floor.
# BENCH_ARGS passes options on (`--batch 1`, `--import-documents N`, `--jobs N`).
bench-scale: install
	$(if $(BENCH_FRESH),psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS gfss_bench_scale")
	psql $(PG_URL)/postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'gfss_bench_scale'" | grep -q 1 \
		|| psql $(PG_URL)/postgres -qc "CREATE DATABASE gfss_bench_scale"
	DATABASE_URL=$(PG_URL)/gfss_bench_scale $(PY) manage.py migrate -v0
	DATABASE_URL=$(PG_URL)/gfss_bench_scale $(PY) manage.py load_parameters
	DATABASE_URL=$(PG_URL)/gfss_bench_scale DEBUG=1 LOG_LEVEL=WARNING $(PY) manage.py bench_scale --scale $(SCALE) $(BENCH_ARGS)
