# Duijie: the two commands that matter are `make up` and `make test` (see README.md).
SHELL := /bin/bash
UV_VERSION := 0.13.9
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen
LOCAL := $(RUN) python -m deploy.local

.PHONY: install up down status logs test test-unit test-integration test-e2e lint fmt \
	bench-backbone bench-relevance bench-matching bench-scheduler bench-pipeline bench-store bench-claims

## install: uv (from PyPI) and the locked Python dependencies
install:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || $(PYTHON) -m pip install --quiet --user "uv==$(UV_VERSION)" \
		|| $(PYTHON) -m pip install --quiet --break-system-packages --user "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet

## up: the whole system with demo data on the local stack
up: install
	$(LOCAL) up
	@$(LOCAL) status --json

## down: stop what `make up` started
down:
	$(LOCAL) down

status:
	@$(LOCAL) status --json

logs:
	$(LOCAL) logs services

## test: install, start the engines the tests need, run every tier
test: install
	$(LOCAL) up --engines-only
	$(RUN) ruff check .
	$(RUN) pytest

test-unit: install
	$(RUN) pytest -m unit

test-integration: install
	$(LOCAL) up --engines-only
	$(RUN) pytest -m "integration or e2e"

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

fmt: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench-backbone: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/backbone.py

bench-store: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/store.py

## bench-claims: 50 agencies racing for exclusive and open talent demands over HTTP
bench-claims: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/claims.py

bench-relevance: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/relevance.py --data ../shared/data/matching-dev

bench-matching: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/matching.py

bench-scheduler: install
	$(RUN) python bench/scheduler.py

bench-pipeline: up
	$(RUN) python bench/pipeline.py
