# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PROFILE ?= demo
PYTEST_ARGS ?=

.PHONY: run test lab report-ci lint lock system-deps server clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check "uv==0.13.9"

# The environment is rebuilt whenever the lock or the project metadata changes. Bytecode is
# compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on our machines) every seeding
# worker, notebook kernel and Locust process would otherwise recompile its imports (7.0 s -> 0.9 s
# to import the seeder's modules, measured on a busy 2-core machine).
$(VENV)/.installed: $(BIN)/uv requirements.lock pyproject.toml
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q workbench >/dev/null
	touch $@

# Debian packages the suite uses: Chromium (the report page test), PgBouncer (pooler tests) and
# HypoPG for PostgreSQL 15 (the what-if's hypothetical indexes).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pgbouncer >/dev/null \
	    || ! [ -f /usr/share/postgresql/15/extension/hypopg.control ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium pgbouncer postgresql-15-hypopg >/dev/null; \
	  else echo "note: install chromium, pgbouncer and postgresql-15-hypopg (Debian packages) for the browser, pooler and what-if tests"; fi; \
	fi

server: $(VENV)/.installed
	$(BIN)/workbench db start

## The main job: both variants on the embedded server, seeded at $(PROFILE), report in results/latest/
run: $(VENV)/.installed server
	$(BIN)/workbench report --profile $(PROFILE)

report-ci: $(VENV)/.installed server
	$(BIN)/workbench report --profile ci

## The suite, on the embedded server (WORKBENCH_TEST_DSN=... for another server)
test: $(VENV)/.installed system-deps server
	$(BIN)/pytest $(PYTEST_ARGS)

lab: $(VENV)/.installed server
	$(BIN)/uv pip install -q --python $(BIN)/python "jupyterlab>=4.2"
	$(BIN)/jupyter lab notebooks/

lint: $(VENV)/.installed
	$(BIN)/ruff check workbench tests benchmarks loadtests

# Re-pin after changing dependencies in pyproject.toml.
lock: $(BIN)/uv
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf results
