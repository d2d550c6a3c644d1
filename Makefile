# Duijie: the two commands that matter are `make up` and `make test` (see README.md).
SHELL := /bin/bash
UV_VERSION := 0.13.9
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen
LOCAL := $(RUN) python -m deploy.local

.PHONY: install portal-assets browser up down status logs test test-unit test-integration test-e2e lint fmt \
	bench-backbone bench-relevance bench-matching bench-scheduler bench-pipeline bench-portal bench-store \
	bench-report bench-claims bench-booking bench-catalogue bench-selection bench-faults bench-lists \
	bench-indexing bench-budget

## install: uv (from PyPI) and the locked Python dependencies
install:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || $(PYTHON) -m pip install --quiet --user "uv==$(UV_VERSION)" \
		|| $(PYTHON) -m pip install --quiet --break-system-packages --user "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet
	@$(MAKE) --no-print-directory portal-assets

## portal-assets: the portal's pinned front-end packages (npm), served by the portal itself
PORTAL := services/portal
portal-assets:
	@[ -f $(PORTAL)/static/vendor/htmx.min.js ] && [ -f $(PORTAL)/static/vendor/echarts.min.js ] || { \
		npm ci --prefix $(PORTAL) --no-audit --no-fund --silent && mkdir -p $(PORTAL)/static/vendor && \
		cp $(PORTAL)/node_modules/htmx.org/dist/htmx.min.js $(PORTAL)/node_modules/echarts/dist/echarts.min.js \
			$(PORTAL)/static/vendor/; }

## browser: Debian's Chromium and CJK fonts for the portal's browser tests (root: apt-get)
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk" || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

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
test: install browser
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

bench-portal: up
	$(RUN) python bench/portal.py

bench-store: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/store.py

## bench-claims: 50 agencies racing for exclusive and open talent demands over HTTP
bench-claims: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/claims.py

## bench-catalogue: 200 organisations racing for 10 launch-event seats over HTTP, 5 cancel
bench-catalogue: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/catalogue.py

## bench-selection: 30 proposals scored by 5 experts on 6 criteria, 20 concurrent panel closes, push latency
bench-selection: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/selection.py

## bench-booking: 200 investors booking 10 roadshow seats at once over HTTP, then 5 cancel
bench-booking: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/booking.py

bench-relevance: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/relevance.py --data ../shared/data/matching-dev

bench-matching: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/matching.py --vector-pool 10000

## bench-indexing: matching's projection + index write of 3,000 fresh records (and the old path, same run)
bench-indexing: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/indexing.py

## bench-budget: the CPU floor of one record's journey, step by step, at best batching (issue 18)
bench-budget: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/budget.py

bench-scheduler: install
	$(RUN) python bench/scheduler.py

bench-pipeline: up
	$(RUN) python bench/pipeline.py

## bench-faults: the pipeline load while services and engines are killed, stopped, paused
## (on a throwaway stack on free ports in a temp dir; the shared engines are never touched)
bench-faults: install
	$(RUN) python bench/faults.py

## bench-report: a year of events for 30,000 enterprises replayed into the reporting read model, city report
bench-report: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/report.py

## bench-lists: list endpoints (my offers, an org's records, my inbox, operator queues) with 20,000 records loaded; scans counted
bench-lists: install
	$(LOCAL) up --engines-only
	$(RUN) python bench/lists.py
