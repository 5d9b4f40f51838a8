# Lindung — `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export LINDUNG_VAR_DIR ?= $(CURDIR)/var

.PHONY: install demo serve test test-sqlite test-pg lint format messages audit-events bench clean

$(BIN)/lindung: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# axe-core (npm) for the accessibility sweep of the browser tests (tests/browser/test_page_sweep.py).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

install: $(BIN)/lindung node_modules/axe-core/axe.min.js

demo: install
	$(BIN)/lindung migrate --no-input
	$(BIN)/lindung demo
	$(MAKE) --no-print-directory serve

# The production server (gunicorn) with a background worker beside it; Ctrl+C stops both.
serve: install
	LINDUNG_DEMO=1 $(BIN)/lindung worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	LINDUNG_DEMO=1 $(BIN)/lindung serve --host $(HOST) --port $(PORT)

# SQLite, then PostgreSQL (LINDUNG_TEST_PG_URL, or a throwaway server when its binaries exist).
test: install
	BIN=$(BIN) scripts/test.sh $(PYTEST_ARGS)

test-sqlite: install
	BIN=$(BIN) ONLY=sqlite scripts/test.sh $(PYTEST_ARGS)

test-pg: install
	BIN=$(BIN) ONLY=postgresql scripts/test.sh $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache

# docs/audit-events.md lists every audit action of every app (tests/test_architecture.py checks it).
audit-events: install
	$(BIN)/python scripts/audit_events.py > docs/audit-events.md

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

messages: install
	cd src/lindung && ../../$(BIN)/lindung makemessages -l id --no-obsolete -i "regions/data/*" -i "contributions/data/*" -i "coverage/data/*"
	cd src/lindung && ../../$(BIN)/lindung compilemessages

# bench/scale.py at a tiny size (1 % Lampung at 1 and 2 provinces), on PostgreSQL when a server
# is at hand; the issue's run is `bench/scale.py --scales 1,4,8` (docs/SCALING.md).
SCALE_ARGS ?= --base small --scales 1,2 --extract-rows 2000 --requests 10

bench: install
	$(BIN)/python bench/regions_load.py $(BENCH_ARGS)
	$(BIN)/python bench/import_participants.py $(BENCH_ARGS)
	$(BIN)/python bench/demo_build.py $(BENCH_ARGS)
	$(BIN)/python bench/bills.py $(BENCH_ARGS)
	$(BIN)/python bench/coverage_refresh.py $(BENCH_ARGS)
	$(BIN)/python bench/selection.py $(BENCH_ARGS)
	$(BIN)/python bench/compliance.py $(BENCH_ARGS)
	$(BIN)/python bench/sponsorship.py $(BENCH_ARGS)
	$(BIN)/python bench/award.py $(BENCH_ARGS)
	$(BIN)/python bench/public_workers.py $(BENCH_ARGS)
	DATABASE_URL=$${LINDUNG_TEST_PG_URL:-$${DATABASE_URL:-}} $(BIN)/python bench/scale.py $(SCALE_ARGS)

clean:
	rm -rf var .pytest_cache
